"""Read labelled sentences (JSON Lines, the guideline's format) and check them.

One record per line: ``{"text": "…", "label": "economy", "secondary": [...],
"source": "written"}``. Every bad line is reported with its file and line
number, all at once, in a :class:`~policytext.errors.CorpusError`.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ._validation import BOOL, PATHS, Constraint, check_params, check_texts, listed_paths, refuse_single_str
from .errors import CorpusError

__all__ = ["LABELS", "PARTS", "Record", "Corpus", "WrittenDocument", "read_corpus", "corpus_files", "document_files", "files_sha256", "read_documents"]

#: The guideline's labels: six work areas and ``other``.
LABELS = ("economy", "agriculture", "environment", "safety", "livelihood", "governance", "other")


#: What a sentence of a report does: tell what was done, what will be done, or neither.
PARTS = ("review", "plan", "other")


@dataclass(frozen=True)
class Record:
    text: str
    label: str
    path: str
    line: int
    secondary: tuple = ()
    extra: dict = field(default_factory=dict, compare=False)


@dataclass
class Corpus:
    records: list
    sha256: str
    files: list

    @property
    def texts(self):
        return [r.text for r in self.records]

    @property
    def labels(self):
        return [r.label for r in self.records]


def corpus_files(paths):
    """Expand files and folders (every ``*.jsonl`` below, sorted) into a list of files.

    Raises
    ------
    CorpusError
        For a path that is missing, is neither a folder nor a regular file
        (``/dev/null``, a pipe), or is a folder holding no ``.jsonl`` file:
        the path and what is wrong, with no line number.
    ParameterError
        For ``paths`` that are no path, or no list of them.
    """
    files = []
    for p in map(Path, _checked_paths("corpus_files", paths)):
        if p.is_dir():
            found = sorted(p.rglob("*.jsonl"))
            if not found:
                raise CorpusError([(str(p), 0, "folder holds no .jsonl files")])
            files.extend(found)
        elif p.is_file():
            files.append(p)
        elif p.exists():
            raise CorpusError([(str(p), 0, "not a regular file")])
        else:
            raise CorpusError([(str(p), 0, "no such file or folder")])
    return files


def _checked_paths(where, paths):
    """``paths`` as a list, refused in ``where``'s name unless :data:`~policytext._validation.PATHS` accepts it.

    ``""`` would be the current folder and ``[]`` an empty corpus, quietly;
    a generator is listed once, so that it is not used up by a first reader.
    """
    paths = listed_paths(paths)
    check_params(where, {"paths": PATHS}, {"paths": paths})
    return [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)


def _is_features(value):
    from .features import FeatureParams  # here, when used: reading labels (LABELS) need not load numpy

    return value is None or isinstance(value, FeatureParams)


_READ_OPTIONS = {
    "features": Constraint(_is_features, "None (the default features) or a FeatureParams"),
    "every_line": BOOL,
}


def read_corpus(paths, *, labels=LABELS, features=None, every_line=False):
    """Read and check a corpus.

    Parameters
    ----------
    paths : str, Path or list of them
        Files, or folders whose ``*.jsonl`` files are read in sorted order;
        any iterable of them. Not ``""`` nor an empty list.
    labels : sequence of str or None
        The allowed labels. ``None`` accepts any non-empty string, for
        custom label sets.
    features : FeatureParams, optional
        The features a model will be trained with (by default
        :func:`~policytext.train.default_features`): two texts that their
        fold makes one (white space, digits, traditional and simplified
        characters, full-width forms, case) are one sentence to the model,
        and two labels for it are a conflict.
    every_line : bool
        Keep every line as a record, as a test set is read: a repeated
        sentence is a case each time, and one labelled two ways is two cases
        rather than a conflict.

    Returns
    -------
    Corpus
        Records in file order, exact duplicates (same text, same label)
        kept once unless ``every_line``, and a SHA-256 of the files' contents.

    Raises
    ------
    CorpusError
        Listing every line that does not parse, has no text, has a label
        outside ``labels``, or (unless ``every_line``) gives a sentence
        another label than an earlier line did, and every file that is
        empty or not UTF-8 (see also :func:`corpus_files`). A file whose
        lines are none of them JSON is one problem, not one per line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.jsonl").write_text(
    ...     '{"text": "新建高标准农田4300亩。", "label": "agriculture"}\\n'
    ...     '{"text": "整改隐患126条。", "label": "safety"}\\n', encoding="utf-8")
    >>> corpus = read_corpus(folder)
    >>> list(corpus.texts), list(corpus.labels)
    (['新建高标准农田4300亩。', '整改隐患126条。'], ['agriculture', 'safety'])
    """
    paths = _checked_paths("read_corpus", paths)
    allowed = None if labels is None else set(check_texts(labels, where="read_corpus", name="labels"))
    check_params("read_corpus", _READ_OPTIONS, {"features": features, "every_line": every_line})
    # Built only to find conflicts: a test set read every line (evaluate) needs no fold, nor train's imports.
    fold = None if every_line else _sentence_key(features)
    files = corpus_files(paths)
    digest = hashlib.sha256()
    problems, records, seen, texts = [], [], {}, set()
    for path in files:
        raw = path.read_bytes()
        _add_file(digest, path, raw)
        if not raw:
            problems.append((str(path), 0, "empty file"))
            continue
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.append((str(path), 0, f"not UTF-8 ({exc.reason} at byte {exc.start})"))
            continue
        # JSON Lines end lines at "\n" only: json.dumps leaves U+2028 and
        # U+0085 unescaped inside strings, where str.splitlines() would break.
        lines = [(number, line) for number, line in enumerate(content.split("\n"), start=1) if line.strip()]
        if lines and not any(line.lstrip().startswith("{") for _, line in lines):
            # A CSV or plain-text file: one line saying what is expected helps
            # more than "not valid JSON" on each of its lines.
            problems.append((str(path), 0, 'not JSON Lines: no line is a JSON object; the corpus needs one {"text": …, "label": …} per line'))
            continue
        for number, line in lines:
            record, problem = _parse_line(line, str(path), number, allowed)
            if problem:
                problems.append((str(path), number, problem))
                continue
            if every_line:
                records.append(record)
                continue
            # The model does not see what its fold removes (white space,
            # digits, variants, width, case): texts equal after it are the
            # same sentence to it, and two labels for it are a conflict.
            first = seen.get(key := fold(record.text))
            if first is None:
                seen[key] = record
            if first is None or first.label == record.label:
                if record.text not in texts:  # an exact duplicate is read once
                    texts.add(record.text)
                    records.append(record)
            else:
                # Texts that differ only by digits or variants look like two sentences: say why they are one.
                same = "" if "".join(first.text.split()) == "".join(record.text.split()) else f" ({first.text!r}, which the model reads as this text)"
                problems.append(
                    (str(path), number, f"labelled {record.label!r} here but {first.label!r} at {first.path}:{first.line}{same}")
                )
    if problems:
        raise CorpusError(problems)
    return Corpus(records=records, sha256=digest.hexdigest(), files=[str(f) for f in files])


def _sentence_key(features):
    """The text as the model of ``features`` sees it (by default a new model's): the key two lines are one sentence by."""
    from .features import build_preprocessor
    from .train import default_features  # here, not at import: train imports this module

    return build_preprocessor(features or default_features())


def _parse_line(line, path, number, allowed):
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return None, f"expected a JSON object, got {type(obj).__name__}"
    text, label = obj.get("text"), obj.get("label")
    if text is not None and not isinstance(text, str):
        return None, f"text must be a string, got {type(text).__name__}"
    if not isinstance(text, str) or not text.strip():
        return None, "empty or missing text"
    if not isinstance(label, str) or not label:
        return None, "empty or missing label"
    if allowed is not None and label not in allowed:
        return None, f"unknown label {label!r} (allowed: {', '.join(sorted(allowed))})"
    secondary = obj.get("secondary") or []
    if not isinstance(secondary, list) or not all(isinstance(s, str) for s in secondary):
        return None, "secondary must be a list of labels"
    extra = {k: v for k, v in obj.items() if k not in ("text", "label", "secondary")}
    return Record(text.strip(), label, path, number, tuple(secondary), extra), None


@dataclass(frozen=True)
class WrittenDocument:
    """A whole report written for the corpus, every sentence labelled (``corpora/documents/*.json``).

    ``text`` is the lines joined by line breaks, each line its sentences
    run together; the segmenter splits it into exactly ``labels`` and
    ``parts`` (``corpora/check_documents.py`` checks that). ``group`` names
    the documents written together (by one writer, in one round): training
    holds a whole group out when it scores a document with a model that has
    not seen it, since a writer's other reports share its phrasing. A file
    without ``group`` is a group of its own.
    """

    id: str
    level: str
    year: int
    text: str
    labels: tuple
    parts: tuple
    group: str = ""

    def __post_init__(self):
        if not self.group:
            object.__setattr__(self, "group", self.id)


def _add_file(digest, path, raw):
    # A file counts by its name and content, not by where the corpus lies.
    digest.update(Path(path).name.encode("utf-8") + b"\0" + hashlib.sha256(raw).digest())


def files_sha256(files):
    """One SHA-256 over the names and contents of ``files``, in order, as ``Corpus.sha256`` is made."""
    digest = hashlib.sha256()
    for path in files:
        _add_file(digest, path, Path(path).read_bytes())
    return digest.hexdigest()


def document_files(paths):
    """The ``*.json`` documents in the ``documents`` folders under ``paths`` (as :func:`read_corpus` takes them), sorted."""
    found = []
    for p in map(Path, _checked_paths("document_files", paths)):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*.json") if f.parent.name == "documents")
    return found


def read_documents(files, *, labels=LABELS):
    """Read written documents (a list of files); every bad one is reported at once in a :class:`CorpusError`."""
    refuse_single_str(files, where="read_documents", name="files")  # a str would be read character by character
    labels = None if labels is None else check_texts(labels, where="read_documents", name="labels")
    docs, problems = [], []
    for f in files:
        try:
            raw = json.loads(Path(f).read_text(encoding="utf-8"))
            sentences = [s for line in raw["lines"] for s in line]
            bad = [s.get("label") for s in sentences if labels is not None and s.get("label") not in labels]
            bad += [s.get("part") for s in sentences if s.get("part") not in PARTS]
            if bad:
                problems.append((str(f), 0, f"labels or parts not allowed: {sorted(set(map(str, bad)))}"))
                continue
            docs.append(
                WrittenDocument(
                    id=str(raw["id"]), level=str(raw["level"]), year=int(raw["year"]),
                    text="\n".join("".join(s["text"] for s in line) for line in raw["lines"]),
                    labels=tuple(s["label"] for s in sentences), parts=tuple(s["part"] for s in sentences),
                    group=str(raw.get("group") or ""),  # none: the document is its own group
                )  # fmt: skip
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append((str(f), 0, f"not a written document: {exc}"))
    if problems:
        raise CorpusError(problems)
    return docs
