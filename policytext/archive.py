"""Tag whole archives: documents in, sentence records and per-document shares out.

The engine behind ``policytext tag`` and :func:`tag_files`:

- :func:`expand_paths` turns files, folders (recursive) and glob patterns
  into a sorted list of documents;
- :func:`tag_document` reads one document and tags its sentences, turning
  any reading failure into an error string instead of an exception;
- :class:`RecordWriter` appends each finished document's records to the
  output in one write, so a killed job leaves only whole documents, and
  ``resume`` skips the documents already there;
- :class:`Summary` keeps, per document, the share of sentences and of
  characters of each label, the place, level and year, and the highest
  scoring sentences per label as evidence.
"""

import contextlib
import csv
import fcntl
import functools
import glob
import heapq
import io
import json
import os
import random
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ._validation import BOOL, N_JOBS, check_params, int_at_least, model_constraint, number_between, one_of, optional
from .errors import DocumentError, ParameterError, PolicytextError, extra_needed
from .places import parse_place

__all__ = [
    "COLUMNS",
    "FORMATS",
    "DocumentResult",
    "RecordWriter",
    "Summary",
    "check_outputs",
    "document_meta",
    "expand_paths",
    "shown",
    "tag_document",
    "tag_files",
]

FORMATS = ("jsonl", "csv", "parquet")
# Record fields in column order (CSV, Parquet); per-label probabilities follow as p_<label>.
COLUMNS = ("file", "index", "start", "end", "section", "text", "label", "score")


# -- finding documents --------------------------------------------------------


def expand_paths(paths):
    """Files, folders and glob patterns -> (documents, problems).

    Folders are searched recursively for the formats :mod:`policytext.readers`
    reads; a file named directly is kept whatever its suffix (reading it
    reports an unknown format). Links are followed, but never into a folder
    already visited, so a link loop neither hangs the search nor yields a
    document twice; a document reached by several paths is kept once, by
    the first. Returns the documents sorted, and ``(path, reason)`` for
    each path that matched nothing and each folder that could not be read.
    """
    from .readers import SUPPORTED

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    walk = _Walk()
    for raw in paths:
        raw = os.fspath(raw)
        if not glob.has_magic(raw):
            if os.path.isdir(raw):
                walk.folder(raw, lambda f: f.lower().endswith(SUPPORTED))
            elif os.path.exists(raw):
                walk.file(raw)
            else:
                walk.problems.append((raw, "no such file"))
            continue
        before = len(walk.found)
        if "**" in raw:
            # glob's own '**' follows link loops for ever; walk the fixed
            # part of the pattern instead and match what is found.
            root = _fixed_prefix(raw)
            walk.folder(root or ".", lambda f: _matches(f, raw, root))
        else:
            for match in sorted(glob.glob(raw)):
                if os.path.isfile(match):
                    walk.file(match)
        if len(walk.found) == before and not any(p == raw for p, _ in walk.problems):
            walk.problems.append((raw, "no file matches this pattern"))
    return sorted(walk.found), walk.problems


class _Walk:
    """Documents found so far, with the real files and folders already seen."""

    def __init__(self):
        self.found, self.problems = [], []
        self._files, self._folders = set(), set()

    def file(self, path):
        key = _identity(path)
        if key not in self._files:
            self._files.add(key)
            self.found.append(path)

    def folder(self, root, wanted):
        def unreadable(exc):
            self.problems.append((exc.filename, f"folder cannot be read ({_reason(exc)})"))

        for folder, subfolders, files in os.walk(root, onerror=unreadable, followlinks=True):
            key = _identity(folder)
            if key in self._folders:
                subfolders[:] = []
                continue
            self._folders.add(key)
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if wanted(path) and os.path.isfile(path):
                    self.file(path)


def _identity(path):
    """The same file or folder reached by any path: device and inode."""
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _reason(exc):
    return exc.strerror.lower() if exc.strerror else type(exc).__name__


def _fixed_prefix(pattern):
    """The folders of a glob pattern before its first wildcard."""
    parts = []
    for part in pattern.split(os.sep):
        if glob.has_magic(part):
            break
        parts.append(part)
    return os.sep.join(parts)


def _matches(path, pattern, root):
    """Whether ``path`` (found under ``root``) matches ``pattern``, where '**' is any number of folders."""
    import fnmatch

    rel = os.path.relpath(path, root or ".")
    rest = pattern[len(root) :].lstrip(os.sep) if root else pattern
    # fnmatch's '*' crosses folders, so '**/' only needs its zero-folder case.
    return any(fnmatch.fnmatchcase(rel, p) for p in {rest, rest.replace("**" + os.sep, "")})


def shown(path):
    """A document's path as the outputs write it.

    Bytes of a file name that are not UTF-8 (Python holds them as lone
    surrogates) become ``\\xNN`` escapes, so the name can be written to
    UTF-8 records, summaries and error lists, and still tells the file apart.

    >>> shown(os.fsdecode(b"a/b\\xff.txt"))
    'a/b\\\\xff.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _same_document(path):
    """What identifies a document across runs: its real path, as written."""
    return shown(os.path.realpath(path))


# -- one document -------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


# The first non-blank line, found without splitting a long text into lines
# (the characters are those str.splitlines breaks at).
_FIRST_LINE = re.compile(r"\S[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*")
#: Characters at the start of a document that :func:`document_meta` needs.
_HEAD_CHARS = 2000


def document_meta(path, text):
    """Place, level and year of a report, from its title line or else its file name.

    ``place`` is the last unit the title names and ``place_full`` the chain
    it is written in (see :func:`policytext.places.parse_place`);
    ``place_from`` says where they were read: ``"title"`` or ``"file name"``.

    >>> meta = document_meta("a/000.txt", "洋口镇(沿海经济开发区)2023年上半年工作总结")
    >>> meta["place"], meta["level"], meta["year"], meta["place_from"]
    ('洋口镇', 'township', 2023, 'title')
    >>> document_meta("2026-上海市.txt", "各位代表：")["level"]
    'province'
    >>> document_meta("r.txt", "南京市鼓楼区2024年政府工作报告")["place_full"]
    '南京市鼓楼区'
    """
    first = _FIRST_LINE.search(text)
    title = first.group().strip()[:120] if first else ""
    name = Path(path).stem
    meta = {"title": title, "place": "", "place_full": "", "level": "", "place_from": "", "year": None}
    for source, where in ((title, "title"), (name, "file name")):
        place = parse_place(source)
        if place and not meta["place"]:
            meta.update(place=place.name, place_full=place.full_name, level=place.level, place_from=where)
        y = _YEAR.search(source) or _YEAR_IN_NAME.search(source)
        if y and meta["year"] is None:
            meta["year"] = int(y.group(1))
    return meta


@dataclass
class DocumentResult:
    """One tagged document: its records, or the reason it failed."""

    path: str
    records: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    error: str = ""


class _Overtime(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise :class:`_Overtime` in this block after ``seconds``.

    A SIGALRM timer, so only in the main thread of a process on Unix (the
    local run and its worker processes); elsewhere, as in a Dask worker's
    threads, no limit is applied.
    """
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _Overtime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def tag_document(path, model=None, limits=None, timeout=None):
    """Read and tag one document; never raises for a bad document.

    ``timeout`` (seconds) bounds reading and tagging together: a document
    that takes longer fails with a reason saying so.

    Returns
    -------
    DocumentResult
        ``records`` are dicts with file, index, start, end, section, text,
        label, score and probs; ``error`` is set instead when the document
        could not be read.
    """
    from .api import resolve_model
    from .readers import read_document

    clf = resolve_model(model)
    try:
        with _time_limit(timeout):
            text = read_document(path, **(limits or {}))
            records = _records(path, text, clf)
    except DocumentError as exc:
        return DocumentResult(str(path), error=exc.reason)
    except _Overtime:
        return DocumentResult(str(path), error=f"took longer than the {timeout:g}-second limit")
    return DocumentResult(str(path), records, document_meta(path, text))


def _records(path, text, clf):
    return list(_document_records(str(path), io.StringIO(text), clf))


def _document_records(path, stream, clf):
    """Records of one document read from a text stream, numbered in order."""
    from .api import iter_records

    for index, fields in enumerate(iter_records(stream, clf)):
        yield {"file": shown(path), "index": index, **fields}


# -- output -------------------------------------------------------------------


# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False).encode


class RecordWriter:
    """Append documents' sentence records to JSON Lines or CSV, one document per write.

    Each document goes out in a single ``os.write`` on a file opened for
    appending, so an interrupted job leaves whole documents only and the file
    stays valid. Parquet cannot be appended to, so it is written to a JSON
    Lines spool beside the target and converted when the job ends.

    A *journal* beside the output records where each document ends once all
    of its records are written; ``resume`` cuts the output back to the last
    document the journal names and takes those as done. So a write cut short
    (a full disk, a kill, a streamed document stopped part-way) costs only
    that document, which the resumed job tags again. The journal is removed
    when the job ends normally. The output is locked while a job writes it:
    a second job on the same output is refused before it touches anything.
    """

    def __init__(self, path, fmt, labels, resume=False):
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
        self.fmt, self.labels, self.path = fmt, list(labels), path
        self.spool = f"{path}.spool.jsonl" if fmt == "parquet" else path
        self.journal = f"{self.spool}.journal"
        self.done = set()
        self.kept = []  # records held in memory: no output and no sink
        self._journal_fd = None
        if path is None:
            self.fd = None
            self._csv_header_needed = fmt == "csv"
            return
        if fmt == "parquet":
            _require("pyarrow", "parquet", "--format parquet")
        self.fd = os.open(self.spool, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise PolicytextError(
                f"{path}: another policytext job is writing this output; wait for it to end or choose another output"
            ) from None
        if resume:
            self.done = self._resume()
        else:
            os.ftruncate(self.fd, 0)
            for old in (self.journal, f"{self.spool}.partial"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(old)
            self._journal_fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._csv_header_needed = fmt == "csv" and os.fstat(self.fd).st_size == 0

    def _resume(self):
        """The documents already whole in the output, after cutting off any that are not."""
        entries = _journal_entries(self.journal)
        self._journal_fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        if entries is None:
            # A finished job's output (or one written before journals): every
            # document in it is whole but a cut-short streamed one or last line.
            self._cut_back_partial()
            done = self._documents_in(self.spool)
            for name in sorted(done):
                self._commit(name)
            return done
        end = entries[-1][0] if entries else 0
        if os.fstat(self.fd).st_size > end:
            os.ftruncate(self.fd, end)
        return {name for _, name in entries}

    def _commit(self, name):
        """Record in the journal that ``name`` is whole in the output."""
        entry = json.dumps({"end": os.fstat(self.fd).st_size, "file": name}, ensure_ascii=False) + "\n"
        _write_all(self._journal_fd, entry.encode("utf-8"))

    def _documents_in(self, path):
        """Documents whose records are in an existing output (whole, as each was one write)."""
        self._truncate_partial_line(path)
        with open(path, encoding="utf-8-sig", newline="") as f:
            if self.fmt == "csv":
                return {row["file"] for row in csv.DictReader(f)}
            return {json.loads(line)["file"] for line in f if line.strip()}

    @staticmethod
    def _truncate_partial_line(path, block=1 << 16):
        # A write cut short by a full disk leaves a partial last line; drop
        # it. Only the end of the file is read: outputs run to gigabytes.
        with open(path, "rb+") as f:
            end = f.seek(0, os.SEEK_END)
            pos = end
            while pos > 0:
                start = max(0, pos - block)
                f.seek(start)
                data = f.read(pos - start)
                if pos == end and data.endswith(b"\n"):
                    return
                newline = data.rfind(b"\n")
                if newline >= 0:
                    f.truncate(start + newline + 1)
                    return
                pos = start
            if end:
                f.truncate(0)

    def write(self, result, sink=None):
        """Append one document's records (to ``sink`` when writing to standard output)."""
        self.append(result.records, sink)
        if self.fd is not None:
            self._commit(shown(result.path))
        self.done.add(result.path)

    def append(self, records, sink=None):
        """Append records in one write: a whole document, or part of a streamed one.

        With neither an output file nor a ``sink``, the records are kept in
        :attr:`kept`."""
        if self.fd is None and sink is None:
            self.kept.extend(records)
            return
        if self.fmt == "csv":
            data = self._csv(records)
        else:
            data = "".join(f"{line}\n" for line in map(_ENCODE_JSON, records))
        if self.fd is None:
            sink.write(data)
            sink.flush()
            return
        _write_all(self.fd, data.encode("utf-8"))

    # A streamed document is written in many appends; the journal names it
    # only when its last append is done, so a job killed part-way (even by
    # SIGKILL, which runs no clean-up) is cut back to whole documents when
    # resumed.

    def begin_stream(self):
        """Note where a streamed document begins; returns the mark for :meth:`rollback`."""
        return None if self.fd is None else os.fstat(self.fd).st_size

    def end_stream(self, path):
        """The streamed document ``path`` is complete."""
        if self.fd is not None:
            self._commit(shown(path))
            self.done.add(path)

    def rollback(self, mark):
        """Drop what was appended since ``mark`` (standard output cannot be taken back)."""
        if self.fd is not None:
            os.ftruncate(self.fd, mark)
            self._csv_header_needed = self.fmt == "csv" and mark == 0

    def _cut_back_partial(self):
        """Outputs of versions before the journal: cut back to where an unfinished streamed document began."""
        partial = f"{self.spool}.partial"
        if not os.path.exists(partial):
            return
        with open(partial, encoding="utf-8") as f:
            mark = int(f.read())
        os.ftruncate(self.fd, mark)
        os.remove(partial)

    def _csv(self, records):
        buf = io.StringIO()
        # RFC 4180 line ends: the csv module quotes a field holding any
        # character of the terminator, so a \r in a file name or a sentence
        # stays inside its row only if \r is part of it.
        writer = csv.writer(buf, lineterminator="\r\n")
        if self._csv_header_needed:
            if self.fd is not None:
                buf.write("\ufeff")  # the BOM Excel needs to read UTF-8, as every CSV file policytext writes has
            writer.writerow([*COLUMNS, *(f"p_{label}" for label in self.labels)])
            self._csv_header_needed = False
        for r in records:
            row = [" > ".join(r[c]) if c == "section" else r[c] for c in COLUMNS]
            writer.writerow(row + [r["probs"][label] for label in self.labels])
        return buf.getvalue()

    def close(self, complete=True):
        """Release the output. ``complete``: the job ended normally, so the
        journal is no longer needed (and Parquet is written from the spool);
        otherwise both stay for ``resume``."""
        if self.fd is None:
            return
        os.close(self._journal_fd)
        if complete and self.fmt == "parquet":
            _spool_to_parquet(self.spool, self.path, self.labels)
        if complete:
            os.remove(self.journal)
            if self.fmt == "parquet":
                os.remove(self.spool)
        os.close(self.fd)  # last: it holds the lock
        self.fd = None

    def records(self):
        """Read back every record of a JSON Lines or CSV output (for summaries after a resume)."""
        with open(self.spool, encoding="utf-8-sig", newline="") as f:
            if self.fmt == "csv":
                for row in csv.DictReader(f):
                    yield {
                        "file": row["file"],
                        "text": row["text"],
                        "label": row["label"],
                        "score": float(row["score"]),
                    }
            else:
                for line in f:
                    if line.strip():
                        yield json.loads(line)


def _write_all(fd, payload):
    """Write all of ``payload``; os.write may write part of it (a full disk raises on the rest)."""
    while payload:
        payload = payload[os.write(fd, payload) :]


def _journal_entries(path):
    """``(end, file)`` of each document a journal names, or None if there is no journal.

    A last line cut short (the journal's own write interrupted) is ignored:
    its document is not whole for certain.
    """
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return None
    entries = []
    for line in lines[:-1]:  # what follows the last line break is unfinished
        entry = json.loads(line)
        entries.append((int(entry["end"]), entry["file"]))
    return entries


def _pandas(what):
    try:
        import pandas
    except ImportError:
        raise PolicytextError(extra_needed(what, "pandas")) from None
    return pandas


def _spool_to_parquet(spool, path, labels):
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {k: [] for k in COLUMNS}
    probs = {label: [] for label in labels}
    with open(spool, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            for k in columns:
                columns[k].append(r[k])
            for label in labels:
                probs[label].append(r["probs"][label])
    table = pa.table({**columns, **{f"p_{label}": v for label, v in probs.items()}})
    tmp = f"{path}.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _require(module, extra, what):
    try:
        __import__(module)
    except ImportError:
        raise PolicytextError(extra_needed(what, extra)) from None


# -- summary ------------------------------------------------------------------


class Summary:
    """Per-document attention shares, with evidence sentences.

    Parameters
    ----------
    labels : list of str
    evidence : int
        Keep ``evidence`` sentences per label and document.
    evidence_by : {"top", "least", "random"}
        Which: the most confident, the least confident, or a random sample.
    meta_overrides : dict, optional
        ``{document: {"place": …, "level": …, "year": …}}``, keyed by path or
        file name, as read by :func:`read_meta`.
    """

    def __init__(self, labels, evidence=0, meta_overrides=None, evidence_by="top"):
        self.labels = list(labels)
        self.evidence, self.evidence_by = evidence, evidence_by
        self.overrides = meta_overrides or {}
        self.rows = {}

    def add(self, doc, records, meta=None):
        """Add a document's row from its records."""
        tally = self.tally()
        for r in records:
            tally.add(r)
        self.add_tally(doc, tally, meta)

    def tally(self):
        """A running count for a document whose records are not all held at once."""
        return _Tally(self.labels, self.evidence, self.evidence_by)

    def add_tally(self, doc, tally, meta=None):
        n = tally.sentences
        row = {"file": shown(doc), **(meta or {"title": "", "place": "", "place_full": "", "level": "", "place_from": "", "year": None}), "sentences": n}
        override = self.overrides.get(doc) or self.overrides.get(Path(doc).name) or {}
        row.update({k: v for k, v in override.items() if v not in ("", None)})
        if override.get("place"):
            row.update(place_full=override["place"], place_from="meta")
        row.pop("title", None)
        for label in self.labels:
            row[f"share_{label}"] = round(tally.count[label] / n, 4) if n else 0.0
            row[f"chars_{label}"] = round(tally.chars[label] / (tally.all_chars or 1), 4) if n else 0.0
            if self.evidence:
                row[f"evidence_{label}"] = json.dumps(tally.evidence_of(label), ensure_ascii=False)
        self.rows[doc] = row

    def to_pandas(self):
        """The summary rows as a pandas DataFrame, one row per document (the ``pandas`` extra)."""
        pd = _pandas("Summary.to_pandas()")
        return pd.DataFrame([self.rows[d] for d in sorted(self.rows)])

    def write_csv(self, path):
        rows = [self.rows[d] for d in sorted(self.rows)]
        columns = ["file", "place", "place_full", "level", "place_from", "year", "sentences"]
        columns += [f"share_{label}" for label in self.labels] + [f"chars_{label}" for label in self.labels]
        if self.evidence:
            columns += [f"evidence_{label}" for label in self.labels]
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:  # the BOM makes Excel read UTF-8
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, path)


#: How evidence sentences are chosen per label: the most confident (to
#: confirm a share), the least confident (to audit it), or a random sample
#: (to estimate how often the label is right).
EVIDENCE_BY = ("top", "least", "random")


class _Tally:
    """Sentences and characters per label, and the evidence sentences, record by record."""

    def __init__(self, labels, evidence, evidence_by="top"):
        self.evidence, self.evidence_by = evidence, evidence_by
        self.sentences = self.all_chars = 0
        self.count = dict.fromkeys(labels, 0)
        self.chars = dict.fromkeys(labels, 0)
        self.top = {label: [] for label in labels}  # min-heaps of (key, -index, text)
        # Seeded, so a run and its rerun show the same sample.
        self._random = random.Random(0)

    def add(self, record):
        label, size = record["label"], len(record["text"])
        self.sentences += 1
        self.all_chars += size
        self.count[label] += 1
        self.chars[label] += size
        if self.evidence:
            # The heap keeps the largest keys; -index: among equal keys the
            # earlier sentence ranks higher.
            if self.evidence_by == "top":
                key = record["score"]
            elif self.evidence_by == "least":
                key = -record["score"]
            else:
                key = self._random.random()
            item = (key, -self.sentences, record["text"])
            heap = self.top[label]
            if len(heap) < self.evidence:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)

    def evidence_of(self, label):
        """The label's evidence: by confidence for top and least, in document order for random."""
        if self.evidence_by == "random":
            return [text for _, _, text in sorted(self.top[label], key=lambda item: -item[1])]
        return [text for _, _, text in sorted(self.top[label], reverse=True)]


def read_meta(path):
    """Read a ``--meta`` CSV: a ``file`` column (path or file name) and any of place, level, year."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise PolicytextError(f"{path}: a meta file needs a 'file' column (and any of place, level, year)")
        out = {}
        for number, row in enumerate(reader, start=2):
            year = (row.get("year") or "").strip()
            if year and not year.isdigit():
                raise PolicytextError(f"{path}:{number}: year must be a number, got {year!r}")
            out[row["file"].strip()] = {
                "place": (row.get("place") or "").strip(),
                "level": (row.get("level") or "").strip(),
                "year": int(year) if year else None,
            }
    return out


# -- the whole job ------------------------------------------------------------


@dataclass
class JobResult:
    """What :func:`tag_files` did: the documents, and the records when kept in memory.

    ``records`` holds every sentence record when ``tag_files`` had neither an
    output file nor a sink; ``summary`` the per-document shares.
    """

    tagged: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (path, reason)
    summary: Summary | None = None
    records: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.failed

    def to_pandas(self):
        """The records as a pandas DataFrame, one row per sentence (the ``pandas`` extra).

        Columns as in a CSV output: file, index, start, end, section, text,
        label, score and ``p_<label>`` per label.
        """
        pd = _pandas("JobResult.to_pandas()")
        labels = self.summary.labels if self.summary else []
        rows = [{**{c: r[c] for c in COLUMNS}, **{f"p_{label}": r["probs"][label] for label in labels}} for r in self.records]
        return pd.DataFrame(rows, columns=[*COLUMNS, *(f"p_{label}" for label in labels)])


def tag_files(
    paths,
    *,
    output=None,
    format=None,
    model=None,
    summary=None,
    meta=None,
    evidence=0,
    evidence_by="top",
    plot=None,
    resume=False,
    errors=None,
    jobs=1,
    progress=False,
    limits=None,
    on_error=None,
    sink=None,
    mapper=None,
    font=None,
    timeout=None,
):
    """Tag every document of an archive.

    Parameters
    ----------
    paths : str, Path or list of them
        Files, folders (searched recursively) and glob patterns.
    output : str, optional
        Where to write one record per sentence, in the format its extension
        names (``.jsonl``, ``.csv``, ``.parquet``). ``None`` keeps the records
        in the result (:attr:`JobResult.records`, :meth:`JobResult.to_pandas`),
        or writes JSON Lines or CSV to ``sink`` if one is given.
    format : {"jsonl", "csv", "parquet"}, optional
        The records' format: by default the extension of ``output`` says,
        and a format given with an output must agree with it; without an
        output, the format of what is written to ``sink`` (default jsonl).
    model : Classifier or path, optional
    summary : str, optional
        Write a CSV with one row per document: shares per label, place,
        level, year, sentence count.
    meta : str, optional
        A CSV overriding place, level and year (see :func:`read_meta`).
    evidence : int
        Add N sentences per label to the summary (needs ``summary``).
    evidence_by : {"top", "least", "random"}
        The most confident sentences (to confirm a share), the least
        confident (to audit it) or a random sample (to estimate how often
        the label is right).
    plot : str, optional
        Draw the shares to this PNG (needs the ``plot`` extra).
    resume : bool
        Skip documents already in ``output``.
    errors : str, optional
        Also write one line per failed document here.
    jobs : int
        Processes.
    progress : bool
        Show a progress bar on standard error.
    limits : dict, optional
        Passed to :func:`policytext.readers.read_document`
        (``max_bytes``, ``max_pdf_pages``).
    on_error : callable, optional
        Called with ``(path, reason)`` as each document fails.
    sink : text file, optional
        Where records go when ``output`` is None (``policytext tag`` passes
        standard output); by default they are kept in the result.
    mapper : callable, optional
        ``mapper(paths)`` yielding a :class:`DocumentResult` per path as each
        finishes; the default runs locally (:mod:`policytext.dask` passes
        one that runs on a cluster).
    font : str, optional
        A font file with Chinese characters for the plot.
    timeout : float, optional
        Seconds one document may take to read and tag.

    Returns
    -------
    JobResult
    """
    from .api import resolve_model

    check_params(
        "tag_files",
        {**_TAG_OPTIONS, "model": model_constraint()},
        {"format": format, "evidence": evidence, "evidence_by": evidence_by, "jobs": jobs, "resume": resume, "progress": progress, "timeout": timeout, "model": model},
    )
    if evidence and not summary:
        raise ParameterError("tag_files(): 'evidence' needs a summary to add its sentences to (summary=FILE.csv, --summary)")
    clf = resolve_model(model)
    overrides = read_meta(meta) if meta else None
    docs, missing = expand_paths(paths)
    # Every output, and the plot's font, is checked before any output is
    # opened, so a mistake costs nothing.
    check_outputs({"output": output, "summary": summary, "errors": errors, "plot": plot}, docs)
    format = _records_format(output, format)
    if format == "parquet" and output is None:
        raise PolicytextError("--format parquet needs an output file (-o FILE)")
    if plot:
        from .plot import check_font

        font = check_font(font)
    writer = RecordWriter(output, format, clf.labels, resume=resume)
    result = JobResult(summary=Summary(clf.labels, evidence, overrides, evidence_by))

    def fail(path, reason):
        result.failed.append((path, reason))
        if on_error:
            on_error(path, reason)

    for path, reason in missing:
        fail(path, reason)
    if not docs and not missing:
        raise PolicytextError(
            f"no documents found in {', '.join(map(str, paths if isinstance(paths, list) else [paths]))}: "
            f"policytext reads {', '.join(_supported_suffixes())} files"
        )
    # A document counts as done however its path was written (relative or absolute).
    done = {_same_document(d) for d in writer.done}
    result.skipped = [d for d in docs if _same_document(d) in done]
    todo = [d for d in docs if _same_document(d) not in done]
    streamed = {d for d in todo if _streams(d)}
    bar = _progress(len(todo), progress)
    finished = False
    try:
        for path in sorted(streamed):
            _tag_stream(path, clf, writer, result, fail, sink)
            bar.update(1)
        run = mapper or _local_mapper(clf, jobs, limits, timeout)
        for res in run([d for d in todo if d not in streamed]):
            if res.error:
                fail(res.path, res.error)
            else:
                writer.write(res, sink)
                result.tagged.append(res.path)
                result.summary.add(res.path, res.records, res.meta)
            bar.update(1)
        if result.skipped and (summary or plot):
            _summarise_skipped(result, writer)
        result.records = writer.kept
        finished = True
    finally:
        bar.close()
        writer.close(complete=finished)
        if errors:
            _replace_text(errors, "".join(f"{shown(path)}: {reason}\n" for path, reason in result.failed))
    if summary:
        result.summary.write_csv(summary)
    if plot:
        from .plot import plot_shares

        plot_shares(result.summary, plot, font=font)
    return result


_TAG_OPTIONS = {
    "format": optional(one_of(*FORMATS)),
    "evidence": int_at_least(0),
    "evidence_by": one_of(*EVIDENCE_BY),
    "jobs": N_JOBS,
    "resume": BOOL,
    "progress": BOOL,
    "timeout": optional(number_between(1e-3, 1e9)),
}


def _supported_suffixes():
    from .readers import SUPPORTED

    return SUPPORTED


def _records_format(output, format):
    """The records' format: the output's extension, which a given ``format`` must agree with."""
    if output is None:
        return format or "jsonl"
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        if format is None:
            raise PolicytextError(f"{output}: cannot tell the records' format from the extension; use .jsonl, .csv or .parquet")
        return format
    if format is not None and format != suffix:
        raise PolicytextError(f"{output}: --format {format} disagrees with the extension .{suffix}")
    return suffix


def check_outputs(outputs, inputs):
    """Refuse outputs that would destroy data, before any is opened.

    ``outputs`` maps an option's name to its path (None where not given).
    Each must be absent or a regular file (not a folder, not a device such
    as /dev/stdout), none may be one of the ``inputs``, and no two may be
    the same file.

    Raises
    ------
    PolicytextError
        Naming the option and the path.
    """
    from .tables import check_output

    given = {name: path for name, path in outputs.items() if path is not None}
    seen = {}
    for name, path in given.items():
        try:
            check_output(path, inputs=inputs)
        except PolicytextError as exc:
            raise PolicytextError(f"--{name} {exc}") from None
        key = os.path.realpath(path)
        if key in seen:
            raise PolicytextError(f"--{name} {path}: the same file as --{seen[key]}; give each output its own file")
        seen[key] = name


def _replace_text(path, text):
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


#: Plain-text documents larger than this are tagged as a stream, here in this
#: process: read a block at a time and written as they are tagged, so memory
#: does not grow with the file. The size and time limits for whole documents
#: do not apply to them: those bound what a document may cost to read into
#: memory, and a stream makes steady progress.
STREAM_FROM = 16 * 1024 * 1024
_STREAMED_SUFFIXES = (".txt", ".md")
_STREAM_BATCH = 10_000  # records per write


def _streams(path):
    try:
        return path.lower().endswith(_STREAMED_SUFFIXES) and os.path.getsize(path) > STREAM_FROM
    except OSError:
        return False  # the normal path reports it


def _tag_stream(path, clf, writer, result, fail, sink):
    """Tag one large plain-text document as a stream.

    Records go out ``_STREAM_BATCH`` at a time; if the document fails or
    the job is interrupted part-way, the output is cut back to where the
    document began, so it holds whole documents only, as for the others.
    """
    from .readers import open_text_stream

    mark = writer.begin_stream()
    tally = result.summary.tally()
    batch = []
    try:
        with open_text_stream(path) as stream:
            start = stream.tell()  # after a byte-order mark
            head = stream.read(_HEAD_CHARS)
            stream.seek(start)
            for record in _document_records(path, stream, clf):
                tally.add(record)
                batch.append(record)
                if len(batch) == _STREAM_BATCH:
                    writer.append(batch, sink)
                    batch = []
            writer.append(batch, sink)
    except DocumentError as exc:
        writer.rollback(mark)
        fail(path, exc.reason)
        return
    except BaseException:
        writer.rollback(mark)
        raise
    writer.end_stream(path)
    result.tagged.append(path)
    result.summary.add_tally(path, tally, document_meta(path, head))


def _summarise_skipped(result, writer):
    """Summary rows for documents tagged by an earlier, resumed run, from the output.

    Counted record by record: a resumed output may hold millions.
    """
    tallies = {_same_document(doc): (doc, result.summary.tally()) for doc in result.skipped}
    real = functools.lru_cache(maxsize=1024)(_same_document)  # records of a document are contiguous
    for r in writer.records():
        found = tallies.get(real(r["file"]))
        if found is not None:
            found[1].add(r)
    for doc, tally in tallies.values():
        result.summary.add_tally(doc, tally, _meta_of(doc))


def _meta_of(path):
    """:func:`document_meta` from a document's first characters, or None if it cannot be read.

    A streamed document is not read whole: it may be larger than the limit
    for whole documents.
    """
    from .readers import open_text_stream, read_document

    try:
        if _streams(path):
            with open_text_stream(path) as stream:
                head = stream.read(_HEAD_CHARS)
        else:
            head = read_document(path)[:_HEAD_CHARS]
    except DocumentError:
        return None
    return document_meta(path, head)


def _local_mapper(clf, jobs, limits, timeout):
    def run(paths):
        if jobs == 1 or len(paths) < 2:
            for path in paths:
                yield tag_document(path, clf, limits, timeout)
            return
        from joblib import Parallel, delayed

        ref = clf.metadata.get("path") or clf
        parent = os.getpid()
        yield from Parallel(n_jobs=jobs, return_as="generator_unordered")(
            delayed(_tag_in_worker)(parent, path, ref, limits, timeout) for path in paths
        )

    return run


_watching = threading.Event()


def _tag_in_worker(parent, path, model, limits, timeout):
    """:func:`tag_document` in a worker process that ends itself when ``parent`` dies.

    joblib's workers outlive a parent killed with SIGKILL (which runs no
    clean-up) and go on tagging for as long as their queue lasts; a thread
    in each worker sees the parent gone (the worker is re-parented) and
    exits at once.
    """
    if os.getpid() != parent and not _watching.is_set():
        _watching.set()
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    return tag_document(path, model, limits, timeout)


def _exit_when_orphaned(parent, every=0.5):
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(70)  # EX_SOFTWARE; nobody is left to read it


def _progress(total, enabled):
    from tqdm import tqdm

    # disable=None: shown only when stderr is a terminal.
    return tqdm(total=total, unit="doc", desc="tagging", file=sys.stderr, disable=None if enabled else True)
