"""Sentence records: one schema for a tagged sentence, in memory and in every table.

A record is the dict :meth:`policytext.Sentence.to_dict` gives (file, index,
start, end, section, text, part, label, score, probs); :func:`to_row` and
:func:`from_row` turn it into a table row (:func:`table_columns`) and back,
in one place. :class:`RecordBatch` holds a document's records as arrays and
writes them as JSON Lines or rows without building the dicts. Every output
writes a document's path the same way (:func:`shown`). Writing records to
files is :mod:`policytext.outputs`'s job.
"""

import functools
import itertools
import os
import re
from collections.abc import Sequence
from json.encoder import encode_basestring

import numpy as np

__all__ = ["COLUMNS", "SECTION_JOIN", "RecordBatch", "from_row", "named_few", "one_line", "round_probs", "same_document", "shown", "table_columns", "to_micro", "to_row", "unshown"]

# Record fields in column order (CSV, Parquet); per-label probabilities follow as p_<label>.
COLUMNS = ("file", "index", "start", "end", "section", "text", "part", "label", "score")
# A section path in one table cell: its headings joined by this.
SECTION_JOIN = " > "


def table_columns(labels):
    """The columns of a record as a table row: :data:`COLUMNS`, then ``p_<label>`` per label."""
    return [*COLUMNS, *(f"p_{label}" for label in labels)]


def to_row(record, labels):
    """A record as a table row (CSV, Parquet, Excel, pandas), in :func:`table_columns` order.

    The section path is joined by :data:`SECTION_JOIN` and the
    probabilities (``probs``) become ``p_<label>``; :meth:`RecordBatch.rows`
    gives the same rows from its lists (a test holds the two equal).
    """
    return [
        *(SECTION_JOIN.join(record[c]) if c == "section" else record[c] for c in COLUMNS),
        *(record["probs"][label] for label in labels),
    ]


class RecordBatch(Sequence):
    """The records of a document (or a batch of its sentences), held as the engine gave them.

    A sequence of record dicts to whoever reads it, as :meth:`policytext.Sentence.to_dict`
    makes them (with ``file`` and ``index``), but written, counted and flattened straight from its arrays:
    building a dict per sentence and encoding it cost more than finding
    the sentences and tagging them.

    ``micro`` holds the probabilities in millionths (the records' rounding
    to 6 decimals, as integers) and ``best`` each sentence's label index.
    """

    def __init__(self, file, first, spans, micro, best, labels, parts):
        self.file, self.first, self.spans, self.parts = file, first, spans, parts
        self.micro, self.best, self.labels = micro, best, list(labels)
        self._probs = None
        self._jsonl = None  # the encoded lines, once made (a worker process makes them for the parent)

    @classmethod
    def tagged(cls, file, first, spans, proba, labels, parts):
        """Records of ``spans`` from the engine's probabilities, rounded as every record is, and their parts."""
        return cls(file, first, spans, to_micro(proba), proba.argmax(axis=1), labels, parts)

    @property
    def probs(self):
        """Each record's probabilities as a list of floats (as :func:`round_probs` gives them)."""
        if self._probs is None:
            self._probs = (self.micro / _MICRO).tolist()
        return self._probs

    def __len__(self):
        return len(self.spans)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        span, row, j = self.spans[i], self.probs[i], int(self.best[i])
        return {
            "file": self.file, "index": self.first + (i % len(self)), "start": span.start, "end": span.end,
            "section": list(span.section), "text": span.text, "part": self.parts[i], "label": self.labels[j], "score": row[j],
            "probs": dict(zip(self.labels, row)),
        }  # fmt: skip

    @functools.cached_property
    def lengths(self):
        """The characters of each sentence, as an integer array."""
        return np.fromiter((span.end - span.start for span in self.spans), np.int64, len(self.spans))

    @functools.cached_property
    def scores(self):
        """The probability of each record's label (its ``score``), as a float array."""
        return self.micro[np.arange(len(self.best)), self.best] / _MICRO

    def counts(self):
        """Sentences and characters per label, as two integer arrays in label order."""
        n = len(self.labels)
        return np.bincount(self.best, minlength=n), np.bincount(self.best, weights=self.lengths, minlength=n).astype(np.int64)

    def counts_by_part(self):
        """Sentences per part and label: an integer array of shape (parts, labels), parts in :data:`~policytext.corpus.PARTS` order."""
        from .corpus import PARTS

        index = {part: i for i, part in enumerate(PARTS)}
        n = len(self.labels)
        cells = np.fromiter((index[p] for p in self.parts), np.int64, len(self.parts)) * n + self.best
        return np.bincount(cells, minlength=len(PARTS) * n).reshape(len(PARTS), n)

    def sentences(self):
        """``(label, text, score)`` of each record, for choosing evidence."""
        labels = self.labels
        return [(labels[j], span.text, score) for span, j, score in zip(self.spans, self.best.tolist(), self.scores.tolist())]

    def jsonl(self):
        """The records as JSON Lines in UTF-8: what each record dict decodes to, with every probability written with 6 decimals.

        The start of each line (file to text) is made by formatting; the
        rest (label, score, probabilities) is built for all records at once
        in a NumPy array of bytes, and the two are interleaved.
        """
        if self._jsonl is None:
            self._jsonl = self._encode_jsonl()
        return self._jsonl

    def _encode_jsonl(self):
        enc = encode_basestring
        file = enc(self.file)
        sections = {}
        heads = []
        for index, (start, end, text, section, *_), part in zip(range(self.first, self.first + len(self)), self.spans, self.parts):
            shown_section = sections.get(section)
            if shown_section is None:
                shown_section = sections[section] = "[" + ", ".join(map(enc, section)) + "]"
            heads.append(
                f'{{"file": {file}, "index": {index}, "start": {start}, "end": {end}, '
                f'"section": {shown_section}, "text": {enc(text)}, "part": "{part}", "label": '
            )
        if not heads:
            return b""
        # JSON strings hold no raw line break, so one encode and split gives each head's bytes.
        head_bytes = "\n".join(heads).encode("utf-8").split(b"\n")
        tails = _tails(self.micro, self.best, [enc(label).encode("utf-8") for label in self.labels])
        return b"".join(itertools.chain.from_iterable(zip(head_bytes, tails)))

    def rows(self):
        """The records as table rows (:func:`to_row` of each, without building the dicts)."""
        labels = self.labels
        return [
            [self.file, self.first + k, span.start, span.end, SECTION_JOIN.join(span.section), span.text, part, labels[j], row[j], *row]
            for k, (span, row, j, part) in enumerate(zip(self.spans, self.probs, self.best.tolist(), self.parts))
        ]


_MICRO = 1_000_000
_DIGITS = 8  # "0.123456"


def to_micro(proba):
    """Probabilities rounded to 6 decimals, as integer millionths.

    ``to_micro(p) / 1e6`` is exactly ``np.round(p, 6)``: NumPy rounds to
    decimals by scaling, rounding half to even and scaling back.
    """
    return np.rint(np.asarray(proba, dtype=np.float64) * _MICRO).astype(np.int64)


def _fixed(micro):
    """Millionths as the characters of "d.dddddd", shape ``micro.shape + (8,)``, as bytes."""
    out = np.empty((*micro.shape, _DIGITS), dtype=np.uint8)
    out[..., 0] = ord("0") + micro // _MICRO
    out[..., 1] = ord(".")
    rest = micro % _MICRO
    for k in range(6):
        out[..., 2 + k] = ord("0") + (rest // 10 ** (5 - k)) % 10
    return out


def _tails(micro, best, labels):
    """The end of each JSON line, from the label on: ``"economy", "score": 0.9, "probs": {...}}\n``.

    ``labels`` are JSON-encoded, as UTF-8. The part after the label is
    built as one array of bytes per row (fixed widths: every number has 6
    decimals) and read out as ``bytes``.
    """
    n = len(best)
    hole = b"#" * _DIGITS
    middle = b', "score": ' + hole + b', "probs": {' + b", ".join(label + b": " + hole for label in labels) + b"}}\n"
    holes = [m.start() for m in re.finditer(re.escape(hole), middle)]
    rows = np.tile(np.frombuffer(middle, dtype=np.uint8), (n, 1))
    digits = _fixed(micro.astype(np.int32))  # (n, labels, 8), in one pass
    rows[:, holes[0] : holes[0] + _DIGITS] = digits[np.arange(n), best]
    for k, at in enumerate(holes[1:]):
        rows[:, at : at + _DIGITS] = digits[:, k]
    middles = rows.view(f"S{len(middle)}").ravel().tolist()
    return [labels[j] + rest for j, rest in zip(best.tolist(), middles)]


def round_probs(proba):
    """Probabilities as records hold them: rounded to 6 decimals, as lists of floats.

    The one rounding of every record (:meth:`Sentence.to_dict`,
    :class:`RecordBatch`), done on the whole array.
    """
    return (to_micro(proba) / _MICRO).tolist()


def from_row(row, labels):
    """A table row read back (a dict, as csv.DictReader gives it) as a record: :func:`to_row` undone."""
    return {
        "file": row["file"],
        "index": int(row["index"]),
        "start": int(row["start"]),
        "end": int(row["end"]),
        "section": row["section"].split(SECTION_JOIN) if row["section"] else [],
        "text": row["text"],
        "part": row.get("part") or "other",
        "label": row["label"],
        "score": float(row["score"]),
        "probs": {label: float(row[f"p_{label}"]) for label in labels},
    }


def shown(path):
    """A document's path as the outputs write it.

    Bytes of a file name that are not UTF-8 (Python holds them as lone
    surrogates) become ``\\xNN`` escapes, so the name can be written to
    UTF-8 records, summaries and error lists, and still tells the file apart;
    a backslash of the name is written twice, as ``\\\\``, so no name shows
    as another's: ``x\\xff.txt`` of byte 0xff and a file named so, with a
    backslash, were one document to ``--resume`` and the summary.
    :func:`unshown` gives the path back.

    >>> shown(os.fsdecode(b"a/b\\xff.txt")), shown("a/b\\\\xff.txt")
    ('a/b\\\\xff.txt', 'a/b\\\\\\\\xff.txt')
    """
    return os.fsencode(path).replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def unshown(name):
    """The path of a document named ``name`` in an output: :func:`shown` undone.

    A name written before backslashes were doubled is read the same, but
    for a ``\\\\`` or a ``\\x`` and two hexadecimal digits (80 to ff) in it.

    >>> unshown(shown(os.fsdecode(b"a/b\\xff.txt"))) == os.fsdecode(b"a/b\\xff.txt"), unshown("a/b\\\\\\\\xff.txt")
    (True, 'a/b\\\\xff.txt')
    """
    if "\\" not in name:
        return name
    return os.fsdecode(_ESCAPE.sub(_unescape, os.fsencode(name)))


# What shown writes for a backslash and for a byte that is not UTF-8 (backslashreplace writes lower case).
_ESCAPE = re.compile(rb"\\(\\|x[89a-f][0-9a-f])")


def _unescape(match):
    escape = match.group(1)
    return b"\\" if escape == b"\\" else bytes([int(escape[1:], 16)])


#: Control characters as Python writes them in a string literal ("\\n", "\\r", "\\x1b").
_CONTROLS = {c: repr(chr(c))[1:-1] if c < 128 else f"\\u{c:04x}" for c in [*range(32), *range(127, 160), 0x2028, 0x2029]}


def named_few(items, *, most=5):
    """``items`` joined by commas, the first ``most`` of them, and how many more: a message's list.

    >>> named_few(["a.txt", "b.txt", "c.txt"], most=2)
    'a.txt, b.txt and 1 more'
    """
    more = f" and {len(items) - most} more" if len(items) > most else ""
    return ", ".join(map(str, items[:most])) + more


def one_line(path):
    """:func:`shown`, with line breaks and other control characters escaped: a file name for a one-line message.

    A name holding a line break split its error line in two, and a ``\\r``
    overwrote the start of the line on a terminal.

    >>> one_line("a/x\\ny.txt")
    'a/x\\\\ny.txt'
    """
    return shown(path).translate(_CONTROLS)


def same_document(path):
    """What identifies a document across runs: its real path, as written."""
    return shown(os.path.realpath(path))
