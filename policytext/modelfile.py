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
import os
import zipfile
from pathlib import Path

import numpy as np

from ._version import __version__
from .errors import ModelError
from .features import FeatureParams
from .model import Classifier

__all__ = ["save_model", "load_model", "FORMAT", "FORMAT_VERSION"]

FORMAT = "policytext-model"
FORMAT_VERSION = 2
#: Format 1 is format 2 without ``features.fold_variants`` (no traditional fold).
_READABLE = (1, 2)
_META = "model.json"
_ARRAYS = "arrays.npz"
_ARRAY_NAMES = ("vocabulary", "idf", "coef", "intercept")
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


def save_model(clf, path, force=False):
    """Write ``clf`` to the folder ``path``.

    Parameters
    ----------
    clf : Classifier
    path : str or Path
        Destination folder. It must not exist unless ``force`` is true.
    force : bool
        Replace an existing model folder.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``force`` is false.
    """
    import shutil  # only saving needs these; keep them out of the import path of tagging
    import tempfile

    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; pass force=True (--force) to replace it")
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
    meta.pop("checksums", None)
    meta["checksums"] = {"arrays_sha256": _sha256(npz), "metadata_sha256": _sha256(_canonical(meta))}

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is for everyone to read
    try:
        (tmp / _ARRAYS).write_bytes(npz)
        (tmp / _META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for extra in ("MODEL_CARD.md",):  # keep a hand-written card across retraining
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


def load_model(path):
    """Read a model folder written by :func:`save_model`.

    Every failure (missing file, bad JSON, checksum mismatch, unknown format
    version, arrays of the wrong kind) raises :class:`ModelError` naming the
    file and what is wrong.
    """
    path = Path(path)
    meta_path, arrays_path = path / _META, path / _ARRAYS
    if not meta_path.is_file():
        raise ModelError(f"{path} is not a policytext model: {_META} not found")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{meta_path} is not valid JSON: {exc}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{meta_path} is not a policytext model file (format is not {FORMAT!r})")
    version = meta.get("format_version")
    if version not in _READABLE:
        raise ModelError(
            f"{path} was saved in model format {version} by policytext {meta.get('library_version')}; "
            f"this is policytext {__version__}, which reads formats {', '.join(map(str, _READABLE))}"
        )
    checksums = meta.get("checksums") or {}
    if checksums.get("metadata_sha256") != _sha256(_canonical(meta)):
        raise ModelError(f"{meta_path} was altered: its metadata checksum does not match")
    if not arrays_path.is_file():
        raise ModelError(f"{path} is incomplete: {_ARRAYS} not found")
    npz = arrays_path.read_bytes()
    if checksums.get("arrays_sha256") != _sha256(npz):
        raise ModelError(f"{arrays_path} is truncated or altered: its checksum does not match {meta_path}")
    try:
        with np.load(io.BytesIO(npz), allow_pickle=False) as data:
            arrays = {name: data[name] for name in _ARRAY_NAMES}
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{arrays_path} cannot be read: {exc}") from None
    if arrays["vocabulary"].dtype.kind != "U" or any(arrays[n].dtype.kind != "f" for n in _ARRAY_NAMES[1:]):
        raise ModelError(f"{arrays_path} holds arrays of the wrong kind")
    try:
        return Classifier(
            labels=meta["labels"],
            vocabulary=arrays["vocabulary"],
            idf=arrays["idf"],
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            temperature=meta["temperature"],
            features=FeatureParams.from_dict(meta["features"]),
            metadata={**{k: v for k, v in meta.items() if k != "checksums"}, "path": str(path)},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path} is inconsistent: {exc}") from None
