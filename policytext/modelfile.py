"""The model file format: a folder with ``model.json`` and ``arrays.npz``.

``model.json`` holds everything a person may want to read: format and
library versions, labels, feature parameters, calibration, provenance, and
the SHA-256 of ``arrays.npz`` and of the JSON itself. ``arrays.npz`` holds
plain numeric and fixed-width string arrays, read with
``allow_pickle=False``: loading a model never runs code from it.

Saving is deterministic (same model, same bytes) and atomic: the folder is
written beside its destination and renamed into place.
"""

import hashlib
import io
import json
import math
import os
import zipfile
from pathlib import Path

import numpy as np

from ._validation import BOOL, PATH, Constraint, check_params
from ._version import __version__
from .context import ContextStage
from .domain import check_ranges
from .errors import ModelError
from .features import FeatureParams
from .model import Classifier
from .shares import ShareModel

__all__ = ["check_destination", "save_model", "load_model", "FORMAT", "FORMAT_VERSION"]

FORMAT = "policytext-model"
FORMAT_VERSION = 3
#: Format 1 is format 2 without ``features.fold_variants`` (no traditional
#: fold); format 2 is format 3 without the optional ``context`` stage,
#: ``shares`` calibration and ``domain`` ranges (which came after format 3's
#: first models, as an optional field of it).
_READABLE = (1, 2, 3)
#: The fields a format added, and the first format with each: a file of an
#: older format that holds one was altered or mislabelled, and loading it
#: as its version says would drop the field, or apply it where its writer
#: never did.
_ADDED_IN = {"features.fold_variants": 2, "context": 3, "shares": 3, "domain": 3}
#: Fields every readable format has; labels and n_features are checked first, with their sizes.
_REQUIRED = ("labels", "n_features", "temperature", "features")
_META = "model.json"
_ARRAYS = "arrays.npz"
_ARRAY_NAMES = ("vocabulary", "idf", "coef", "intercept")
#: Declared sizes are checked against these before any array is read, so a
#: file cannot make loading allocate without bound.
MAX_FEATURES = 20_000_000
MAX_LABELS = 1_000
#: model.json is read whole before anything is checked: the shipped one is
#: about 30 kB, and one for MAX_LABELS labels (a context stage of 2 million
#: weights) some 40 MB.
MAX_METADATA_BYTES = 128 << 20
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed, so that equal models give equal bytes


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _canonical(meta):
    body = {k: v for k, v in meta.items() if k != "checksums"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _npz_bytes(arrays):
    buf = io.BytesIO()
    # Stored, not deflated: the arrays barely compress, and inflating them
    # would cost every cold start.
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in _ARRAY_NAMES:
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_ZIP_DATE)
            zf.writestr(info, npy.getvalue())
    return buf.getvalue()


#: What a model folder holds: its files, and the card and plot kept across retraining.
_MODEL_FILES = frozenset({_META, _ARRAYS, "MODEL_CARD.md", "reliability.png"})


def check_destination(path, *, force=False):
    """The folder a model may be saved to, resolved; refuses one that holds anything else.

    ``--force`` replaces a model folder, and only that: a mistyped ``-o``
    naming a folder of other files (or a file) would otherwise be deleted.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``force`` is false, or it is not a model folder.
    """
    if Path(path).is_symlink():
        # Replacing it would replace the folder it leads to, wherever that is.
        raise FileExistsError(f"{path} is a link; give the model folder itself")
    path = Path(path).resolve()  # "-o .." names the parent folder, not a folder called ".."
    if not os.path.lexists(path):
        return path
    if not force:
        raise FileExistsError(f"{path} already exists; pass force=True (--force) to replace it")
    if not path.is_dir():
        raise FileExistsError(f"{path} is not a model folder; --force replaces only a model folder")
    others = sorted(entry.name for entry in path.iterdir() if entry.name not in _MODEL_FILES)
    if not (path / _META).is_file() or others:
        found = f"it holds {', '.join(others[:5])}{' and more' if len(others) > 5 else ''}" if others else f"it has no {_META}"
        raise FileExistsError(f"{path} is not a model folder ({found}); --force replaces only a model folder")
    return path


_SAVE_OPTIONS = {"clf": Constraint(lambda v: isinstance(v, Classifier), "a Classifier"), "path": PATH, "force": BOOL}


def save_model(clf, path, *, force=False):
    """Write ``clf`` to the folder ``path``.

    Parameters
    ----------
    clf : Classifier
    path : str or Path
        Destination folder. It must not exist unless ``force`` is true.
    force : bool
        Replace an existing model folder.

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``force`` is false.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from policytext import load
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "model"
    >>> save_model(load(), folder) == folder
    True
    >>> load_model(folder).predict(["新建高标准农田4300亩。"])
    ['agriculture']
    """
    import shutil  # only saving needs these; keep them out of the import path of tagging
    import tempfile

    check_params("save_model", _SAVE_OPTIONS, {"clf": clf, "path": path, "force": force})
    path = check_destination(path, force=force)
    arrays = {
        "vocabulary": clf.vocabulary.astype(str),
        "idf": clf.idf.astype(np.float64),
        "coef": clf.coef.astype(np.float32),
        "intercept": clf.intercept.astype(np.float64),
    }
    npz = _npz_bytes(arrays)
    meta = {
        **{k: v for k, v in clf.metadata.items() if k != "path"},  # provenance first; the fields below win
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "labels": clf.labels,
        "features": clf.features.to_dict(),
        "temperature": clf.temperature,
        "n_features": int(len(clf.vocabulary)),
    }
    for key, stage in (("context", clf.context), ("shares", clf.shares)):
        if stage is not None:
            meta[key] = stage.to_dict()
        else:
            meta.pop(key, None)
    meta.pop("checksums", None)
    meta["checksums"] = {"arrays_sha256": _sha256(npz), "metadata_sha256": _sha256(_canonical(meta))}

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is for everyone to read
    try:
        (tmp / _ARRAYS).write_bytes(npz)
        (tmp / _META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for extra in ("MODEL_CARD.md", "reliability.png"):  # keep the card and its plot across retraining
            if (path / extra).is_file():
                shutil.copy2(path / extra, tmp / extra)
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / path.name)
            os.replace(tmp, path)
            shutil.rmtree(old)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


#: Each array's dtype kind and number of dimensions.
_KINDS = {"vocabulary": ("U", 1), "idf": ("f", 1), "coef": ("f", 2), "intercept": ("f", 1)}


def _array_headers(zf, arrays_path):
    """Each array's (dtype, shape), from its header alone, refusing a dtype or layout the model does not use.

    A member must be stored, not compressed (:func:`save_model` stores them),
    and hold exactly its header and the bytes its dtype and shape need:
    otherwise reading it whole could inflate without bound (a decompression
    bomb) or carry bytes ``np.load`` would silently skip. Both are checked
    from the zip's directory and the header before any array data is read.
    """
    headers = {}
    for name, (kind, ndim) in _KINDS.items():
        member_name = name + ".npy"
        info = zf.getinfo(member_name)
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise ModelError(
                f"{arrays_path}: member {member_name} is compressed or its sizes disagree (zip method {info.compress_type}, "
                f"{info.compress_size:,} bytes unpacking to {info.file_size:,}); policytext models store their arrays uncompressed"
            )
        with zf.open(info) as member:
            version = np.lib.format.read_magic(member)
            header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = header(member)
            header_size = member.tell()
        if dtype.kind != kind or len(shape) != ndim or fortran or dtype.hasobject:
            raise ValueError(f"{name} is {dtype} of shape {shape}; expected kind {kind!r} and {ndim} dimension{'s' if ndim > 1 else ''}")
        if kind == "U" and dtype.itemsize > 4 * 4:
            raise ValueError(f"{name} holds n-grams longer than 4 characters ({dtype})")
        needed = header_size + dtype.itemsize * math.prod(shape)
        if info.file_size != needed:
            raise ModelError(
                f"{arrays_path}: member {member_name} holds {info.file_size:,} bytes, but its header "
                f"({dtype} of shape {shape}) needs {needed:,}"
            )
        headers[name] = (dtype, shape)
    # The arrays must agree with each other before they are compared with model.json.
    n_grams, n_columns = headers["vocabulary"][1][0], headers["intercept"][1][0]
    for name, shape in (("idf", (n_grams,)), ("coef", (n_grams, n_columns))):
        if headers[name][1] != shape:
            raise ValueError(f"{name} is {headers[name][0]} of shape {headers[name][1]}; expected shape {shape}, as vocabulary and intercept have")
    return headers


def _read_arrays(zf):
    return {name: np.load(io.BytesIO(zf.read(name + ".npy")), allow_pickle=False) for name in _KINDS}


def load_model(path):
    """Read a model folder written by :func:`save_model`.

    Every failure (missing file, bad JSON, checksum mismatch, unknown format
    version, arrays of the wrong kind) raises :class:`ModelError` naming the
    file and what is wrong. Nothing in the folder is executed: JSON and
    ``.npy`` arrays only, no pickle.

    Examples
    --------
    >>> from policytext.api import default_model_path
    >>> load_model(default_model_path()).labels[:2]
    ['economy', 'agriculture']
    """
    check_params("load_model", {"path": PATH}, {"path": path})
    path = Path(path)
    meta_path, arrays_path = path / _META, path / _ARRAYS
    if not meta_path.is_file():
        raise ModelError(f"{path} is not a policytext model: {_META} not found")
    if meta_path.stat().st_size > MAX_METADATA_BYTES:
        raise ModelError(f"{meta_path} is larger than a model file's metadata can be ({MAX_METADATA_BYTES >> 20} MB): it is refused unread")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{meta_path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise ModelError(f"{meta_path} is not a policytext model file (nested too deeply)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{meta_path} is not a policytext model file (format is not {FORMAT!r})")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelError(f"{meta_path}: format_version must be an int, got {version!r}")
    if version not in _READABLE:
        raise ModelError(
            f"{path} was saved in model format {version} by policytext {meta.get('library_version')}; "
            f"this is policytext {__version__}, which reads formats {', '.join(map(str, _READABLE))}"
        )
    checksums = meta.get("checksums") or {}
    if not isinstance(checksums, dict):
        raise ModelError(f"{meta_path}: checksums must be an object of SHA-256 digests, got {type(checksums).__name__}")
    if checksums.get("metadata_sha256") != _sha256(_canonical(meta)):
        raise ModelError(f"{meta_path} was altered: its metadata checksum does not match")
    missing = [field for field in _REQUIRED if field not in meta]
    if missing:
        raise ModelError(f"{meta_path} has no {' and no '.join(map(repr, missing))} field")
    present = {*meta, *(f"features.{key}" for key in meta["features"] if isinstance(meta["features"], dict))}
    newer = [field for field in present & set(_ADDED_IN) if _ADDED_IN[field] > version]
    if newer:
        fields = ", ".join(f"{field!r} (format {_ADDED_IN[field]})" for field in sorted(newer, key=lambda f: (_ADDED_IN[f], f)))
        raise ModelError(f"{meta_path} says model format {version}, but holds fields later formats added: {fields}; the file was altered or mislabelled")
    features = meta["features"]
    if isinstance(features, dict):
        # Format 1 has no fold_variants (refused above if it has one); every other setting must be there,
        # or the model would be read with a default its writer never chose.
        settings = [name for name in FeatureParams.__dataclass_fields__ if version > 1 or name != "fold_variants"]
        absent = [name for name in settings if name not in features]
        unknown = sorted(set(features) - set(settings))
        wrong = ([f"has no {' and no '.join(map(repr, absent))}"] if absent else []) + (
            [f"has unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"] if unknown else []
        )
        if wrong:
            raise ModelError(f"{meta_path}: features {'; '.join(wrong)}")
    labels, n_features = meta["labels"], meta["n_features"]
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels) or len(labels) > MAX_LABELS:
        raise ModelError(f"{meta_path}: labels must be a list of at most {MAX_LABELS} strings, got {str(labels)[:80]}")
    if not isinstance(n_features, int) or isinstance(n_features, bool) or not 0 < n_features <= MAX_FEATURES:
        raise ModelError(f"{meta_path}: n_features must be an int from 1 to {MAX_FEATURES:,}, got {n_features!r}")
    if not arrays_path.is_file():
        raise ModelError(f"{path} is incomplete: {_ARRAYS} not found")
    # Each n-gram costs a few dozen bytes across the arrays; a file far
    # larger than its declared size is refused before it is read.
    if arrays_path.stat().st_size > 64 * (n_features + 1) * (len(labels) + 16) + (1 << 20):
        raise ModelError(f"{arrays_path} is larger than {n_features:,} n-grams and {len(labels)} labels can take")
    npz = arrays_path.read_bytes()
    if checksums.get("arrays_sha256") != _sha256(npz):
        raise ModelError(f"{arrays_path} is truncated or altered: its checksum does not match {meta_path}")
    try:
        with zipfile.ZipFile(io.BytesIO(npz)) as zf:
            headers = _array_headers(zf, arrays_path)
            # Both files passed their checksums, so neither is damaged: they disagree, and the
            # message names both, with the sizes each gives, before any array is read.
            n_grams, n_columns = headers["vocabulary"][1][0], headers["intercept"][1][0]
            if n_columns != len(labels):
                raise ModelError(
                    f"{meta_path} lists {len(labels)} labels, but the weights in {arrays_path} have {n_columns} columns "
                    f"(coef of shape {headers['coef'][1]}): the two files disagree"
                )
            if n_grams != n_features:
                raise ModelError(
                    f"{meta_path} says n_features is {n_features:,}, but {arrays_path} holds {n_grams:,} n-grams: the two files disagree"
                )
            arrays = _read_arrays(zf)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{arrays_path} cannot be read: {exc}") from None
    try:
        context = ContextStage.from_dict(meta["context"]) if "context" in meta else None
        shares = ShareModel.from_dict(meta["shares"]) if "shares" in meta else None
        if "domain" in meta:
            check_ranges(meta["domain"])
        return Classifier(
            labels=meta["labels"],
            vocabulary=arrays["vocabulary"],
            idf=arrays["idf"],
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            temperature=meta["temperature"],
            features=FeatureParams.from_dict(features),
            metadata={**{k: v for k, v in meta.items() if k not in ("checksums", "context", "shares")}, "path": str(path)},
            context=context,
            shares=shares,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path} is inconsistent: {exc}") from None
