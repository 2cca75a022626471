"""Per-document summaries: attention shares, place, level and year, and evidence sentences.

:func:`document_meta` reads a report's place, level and year from its title
line or file name (``--meta`` overrides them, :func:`read_meta`);
:class:`Summary` keeps, per document, the share of sentences and of
characters of each label and the evidence sentences chosen per label.
"""

import csv
import functools
import heapq
import io
import json
import operator
import os
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validation import BOOL, check_params, check_texts, int_at_least, one_of, refusal, short_repr
from .corpus import PARTS
from .domain import document_figures, domain_check, warning_for
from .errors import ParameterError, PolicytextError, extra_needed, os_reason
from .parts import names_part, plan_period
from .places import LEVELS, parse_place
from .records import RecordBatch, named_few, same_document, shown
from .segment import NUMBERED_FIRST, heading_level, numbered_task
from .target_extraction import DATE_LINE, YEAR_WORDS, year_number
from .variants import ascii_digits, to_simplified

__all__ = ["EVIDENCE_BY", "HEAD_CHARS", "Summary", "document_meta", "import_pandas", "meta_override", "read_meta", "unmatched_meta_note", "unmatched_meta_rows", "with_meta"]


# A year in Arabic or Chinese numerals: "2026年", "一九九五年", "二〇〇五年".
_YEAR = re.compile(rf"({YEAR_WORDS})\s*年")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _is_title(line):
    """Whether a line of a document's head reads like its title: short, naming a report, no heading, no sentence.

    报告 and 总结 name a report when they are nouns; as the verb of a body
    sentence ("首先报告2001年的工作", with no comma to give it away) they do not.
    """
    return (
        len(line) <= 60
        and _TITLE_WORDS.search(line) is not None
        and heading_level(line) is None
        and not line.endswith(_SENTENCE_ENDS)
        and "，" not in line  # "现在，我代表国务院，向大会报告政府工作" is a sentence
        and _REPORTING.match(line) is None
    )


def _session_line(lines):
    """The match of the session line among a head's lines ("——2026年1月28日在云南省第十四届人民代表大会…"), or None.

    It opens its line (after a dash): "在…人民代表大会" inside a sentence
    ("过去一年，在区人民代表大会…的监督支持下") is no session line. A line may
    be wrapped before "人民代表大会", so each is read with the next too.
    """
    for line, after in zip(lines, [*lines[1:], ""]):
        # ... or after a dash inside it: "政府工作报告——2025年1月15日在杭州市第十四届人民代表大会…".
        dash = line.find("——")
        found = _SESSION.match(line) or _SESSION.match(line + after) or (_SESSION.match(line, dash) if dash > 0 else None)
        if found:
            return found
    return None


_SENTENCE_ENDS = tuple("。！？；：:")
#: Lines of a document's head searched for its title and session line.
_HEAD_LINES = 40
_TITLE_WORDS = re.compile(r"报告|总结")
# A line that opens with 报告 or 总结 as a verb: after a word of order, its
# subject or whom it is told to ("首先报告", "下面报告", "现在报告", "我们总结",
# "向大会报告"), and with its object after it ("2001年的工作", "今年的工作安排").
# A report's name has its 报告 at the end, or before a dash, a bracket or
# 的决议: "向人民报告——…" stays a title.
_REPORTING = re.compile(r"(?:首先|其次|再次|下面|以下|现在|接着|然后|最后|再|先|这里|谨|我们?|向[^，。报总]{1,12})+(?:报告|总结)(?=\w)")
_SESSION = re.compile(
    rf"[—－\-―\s（(]*(?:(?:{YEAR_WORDS})年[^在，,。]{{0,12}})?在(?:第[一二三四五六七八九十\d]{{1,4}}届)?"
    r"([^\s，,。、]{2,30}?)(?:第[一二三四五六七八九十\d]{1,4}届)?人民代表大会"
)
# The first non-blank line, found without splitting a long text into lines
# (the characters are those str.splitlines breaks at).
_FIRST_LINE = re.compile(r"\S[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*")
#: Characters at the start of a document that :func:`document_meta` needs.
HEAD_CHARS = 2000


def document_meta(path, text):
    """Place, level and year of a report, from its title line or else its file name.

    The title is the first line, or a later line of the head that reads
    like one (报告, 总结; not a heading) when the first is a web page's menu; then
    the session line ("在…人民代表大会…会议上"), then the file name.
    ``place`` is the last unit the title names and ``place_full`` the chain
    it is written in (see :func:`policytext.places.parse_place`);
    ``place_from`` says where they were read: ``"title"``,
    ``"session line"`` (the session or date line) or ``"file name"``.

    >>> meta = document_meta("a/000.txt", "洋口镇(沿海经济开发区)2023年上半年工作总结")
    >>> meta["place"], meta["level"], meta["year"], meta["place_from"]
    ('洋口镇', 'township', 2023, 'title')
    >>> document_meta("2026-上海市.txt", "各位代表：")["level"]
    'province'
    >>> document_meta("r.txt", "南京市鼓楼区2024年政府工作报告")["place_full"]
    '南京市鼓楼区'
    >>> meta = document_meta("x.txt", "您的位置:\\n首页\\n政府工作报告\\n——2026年1月28日在云南省第十四届\\n人民代表大会第四次会议上")
    >>> meta["place"], meta["year"], meta["place_from"]
    ('云南省', 2026, 'session line')
    >>> meta = document_meta("a.txt", "2026年重慶市政府工作報告")
    >>> meta["title"], meta["place"], meta["level"]
    ('2026年重慶市政府工作報告', '重庆市', 'province')
    """
    first = _FIRST_LINE.search(text)
    shown_title = first.group().strip()[:120] if first else ""
    meta = {"title": shown_title, "place": "", "place_full": "", "level": "", "place_from": "", "year": None}
    # The title is given as written; places and cue words are read in simplified characters.
    title, head, name = to_simplified(shown_title), to_simplified(text[:HEAD_CHARS]), to_simplified(Path(path).stem)
    # A web page's first lines are often its menu ("您的位置: 首页 > 要闻"):
    # then the title is a later line, or the place is in the session line
    # ("在云南省第十四届人民代表大会第四次会议上").
    lines = [ascii_digits(line.strip()) for line in head.splitlines()[:_HEAD_LINES]]
    titles = [line for line in lines if line != title and _is_title(line)]
    # The session line may be wrapped ("在广东省第十四届" / "人民代表大会…"); its date comes before it.
    session = _session_line(lines)
    sources = [(title, "title"), *((line, "title") for line in titles)]
    if session:
        sources.append((session.group(1), "session line"))
    dates = [line for line in lines if DATE_LINE.fullmatch(line)]
    if dates:
        sources.append((dates[0], "date line"))
    sources.append((name, "file name"))
    years = {}  # "title", "date" (session or date line), "file name": the years of the first such source naming any
    for source, where in sources:
        place = parse_place(source)
        if place and not meta["place"]:
            # A date line names the session too ("（…第八届全国人民代表大会第三次会议通过）"): the README calls both the session line.
            meta.update(place=place.name, place_full=place.full_name, level=place.level, place_from="session line" if where == "date line" else where)
        if session and where == "session line":
            source = session.group()  # its date, not the place, gives the year
        found = [year_number(y) for y in _YEAR.findall(ascii_digits(source))]
        if not found and where == "file name":
            found = [int(y) for y in _YEAR_IN_NAME.findall(source)]
        if found:
            years.setdefault("date" if where in ("session line", "date line") else where, found)
    meta["year"] = _report_year(years)
    return meta


def _report_year(years):
    """The report's year from its title's years, its session or date line's and its file name's.

    The title's first year, unless the meeting's date says otherwise: it is
    one of the title's years ("关于1958年国家决算和1959年国家预算草案的报告",
    given in 1959), or the title's year is a plan's horizon ("“九五”计划和
    2010年远景目标纲要的报告", given in 1996). A title's year one after the
    date is the report's (given in December for the next year).
    """
    title, date = years.get("title"), years.get("date")
    if title and date and (date[0] in title or abs(title[0] - date[0]) > 1):
        return date[0]
    for where in ("title", "date", "file name"):
        if where in years:
            return years[where][0]
    return None


#: Parts whose shares the summary gives apart, so results and promises can be compared.
_COMPARED_PARTS = ("review", "plan")


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
    share_model : ShareModel, optional
        The model's share calibration (:mod:`policytext.shares`): with it,
        each row also gives corrected shares of sentences and characters
        with a 90% interval (``share_corrected_<label>``,
        ``share_low_<label>``, ``share_high_<label>``, and ``chars_…``).
    keep_for_panel : bool
        Keep each document's share sums (:class:`~policytext.shares.ShareSums`,
        a few numbers per label), so :meth:`write_panel` can pool them by
        place, level and year.
    domain : DomainCheck, optional
        Warn about documents unlike the model's written documents
        (:mod:`policytext.domain`): ``mean_score``, ``unknown_chars`` and
        ``warning`` columns.
    keep_rows : bool
        Keep each document's row in :attr:`rows` (the default). False for a
        job whose rows no one reads (``policytext tag`` writing records
        only): :meth:`add_tally` still makes and returns each row, so its
        warning can be shown, and keeps none of them.

    Every row also gives priority and diversity: the share of each label
    among the numbered headings of the report's body (``heading_share_<label>``;
    not a glossary's numbered terms, which are part ``other``), its place
    among the work areas of the plan's numbered tasks (headings or "一是…"),
    in the order they first come (``plan_rank_<label>``: 1 for the first
    area, 2 for the next, empty if it has none; a numbered line labelled
    ``other`` is no task, so ``plan_rank_other`` is empty; in a plan with a
    section on the year's work, the tasks under a five-year plan's heading,
    "二、“十五五”时期主要目标任务", are not ranked), and the entropy of the
    sentence shares in bits (``entropy``: 0 for one label, log2(7) = 2.81
    for seven equal ones).
    """

    def __init__(self, labels, *, evidence=0, meta_overrides=None, evidence_by="top", share_model=None, keep_for_panel=False, domain=None, keep_rows=True):
        # A lone str is iterable: refused, as every labels argument is, not read as labels of one character each.
        self.labels = check_texts(labels, where="Summary", name="labels")
        check_params("Summary", _SUMMARY_OPTIONS, {"evidence": evidence, "evidence_by": evidence_by, "keep_for_panel": keep_for_panel, "keep_rows": keep_rows})
        self.domain = domain
        self.evidence, self.evidence_by = evidence, evidence_by
        self.overrides = meta_overrides or {}
        self.share_model, self.keep_for_panel, self.keep_rows = share_model, keep_for_panel, keep_rows
        if keep_for_panel and not keep_rows:
            raise ParameterError("Summary: keep_for_panel pools the documents' rows, so it needs keep_rows=True")
        self.rows = {}
        self._kept = {}  # doc -> (ShareSums of sentences, of characters), for the panel

    def add(self, doc, records, *, meta=None):
        """Add a document's row from its records (dicts, or a RecordBatch counted from its lists); returns the row (:meth:`add_tally`).

        Raises
        ------
        ParameterError
            A record is not a dict with ``label`` (one of :attr:`labels`),
            ``text`` and ``score`` (and ``probs`` with a share model or
            ``keep_for_panel``), naming the record and what it lacks.
        """
        tally = self.tally()
        if isinstance(records, RecordBatch):
            tally.add_batch(records)
        else:
            needed = ("label", "text", "score", "probs") if tally.keep_sums else ("label", "text", "score")
            allowed = f"a record (a dict) with the fields {', '.join(map(repr, needed))}"
            records = list(records)
            for i, r in enumerate(records):
                # Checked here: a missing field or another model's label failed deep in the count as a bare KeyError.
                if not isinstance(r, dict):
                    raise refusal("Summary.add", f"records[{i}]", allowed, short_repr(r))
                if missing := [name for name in needed if name not in r]:
                    raise refusal("Summary.add", f"records[{i}]", allowed, f"one without {', '.join(map(repr, missing))}: {short_repr(r)}")
                if r["label"] not in tally.count:
                    raise refusal("Summary.add", f"records[{i}]", f"labelled one of the summary's labels ({', '.join(map(repr, self.labels))})", f"the label {short_repr(r['label'])}")
            tally.add_records(records)
        return self.add_tally(doc, tally, meta=meta)

    def tally(self):
        """A running count for a document whose records are not all held at once."""
        return _Tally(self.spec(), self.domain)

    def spec(self):
        """What counting a document needs, small enough to send to a worker process (:func:`count_document`)."""
        keep_sums = self.share_model is not None or self.keep_for_panel
        estimator = self._share_estimator if keep_sums else None
        return TallySpec(tuple(self.labels), self.evidence, self.evidence_by, keep_sums, self.domain is not None, self.share_model, estimator)

    @functools.cached_property
    def _share_estimator(self):
        """The ShareEstimator of :attr:`labels` and :attr:`share_model`, made once for all the documents,
        or None if they do not go together.

        None leaves the refusal to ShareSums.of at the first document, naming what is wrong, as it always did.
        """
        from .shares import ShareEstimator

        try:
            return ShareEstimator(self.labels, model=self.share_model)
        except ParameterError:
            return None

    def add_tally(self, doc, tally, *, meta=None):
        """Add a document's row from its count (:meth:`tally`); returns the row, kept in :attr:`rows` unless not ``keep_rows``."""
        n = tally.sentences
        meta = meta or {"title": "", "place": "", "place_full": "", "level": "", "place_from": "", "year": None}
        row = {"file": shown(doc), **with_meta(meta, self.overrides, doc), "sentences": n}
        row.pop("title", None)
        row.update(tally.figures())
        for label in self.labels:
            # A share of nothing is unknown, not 0: averaged over documents, a 0 would pull the mean down.
            row[f"share_{label}"] = round(tally.count[label] / n, 4) if n else None
            row[f"chars_{label}"] = round(tally.chars[label] / tally.all_chars, 4) if tally.all_chars else None
        for part in _COMPARED_PARTS:
            counts = tally.part_count[part]
            in_part = sum(counts.values())
            row[f"{part}_sentences"] = in_part
            for label in self.labels:
                row[f"{part}_share_{label}"] = round(counts[label] / in_part, 4) if in_part else None
        if tally.keep_sums:
            sums = tally.share_sums()
            if self.share_model is not None:
                row.update(self._estimates([sums]))
            if self.keep_for_panel:
                self._kept[doc] = sums
        if self.evidence:
            for label in self.labels:
                row[f"evidence_{label}"] = json.dumps(tally.evidence_of(label), ensure_ascii=False)
        if self.keep_rows:
            self.rows[doc] = row
        return row

    def _estimates(self, documents):
        """Corrected shares and 90% intervals of sentences and characters of documents pooled, as summary columns.

        ``documents`` holds each document's pair of ShareSums (sentences, characters).
        """
        out = {}
        if not any(sentences.n_sentences for sentences, _ in documents):
            return out
        # Sums this summary's tallies made, of its labels and model: the estimator pools them unchecked.
        estimator = self._share_estimator
        for prefix, k in (("share", 0), ("chars", 1)):
            est = estimator.pooled([pair[k] for pair in documents])
            # Label by label (the estimator's labels are ours, in our order): Python floats of the arrays.
            for label, *figures in zip(self.labels, est.corrected.tolist(), est.low.tolist(), est.high.tolist()):
                for key, value in zip(("corrected", "low", "high"), figures):
                    out[f"{prefix}_{key}_{label}"] = round(value, 4)
        return out

    def _share_columns(self):
        if self.share_model is None:
            return []
        return [f"{prefix}_{key}_{label}" for prefix in ("share", "chars") for key in ("corrected", "low", "high") for label in self.labels]

    def write_panel(self, path):
        """Write :meth:`panel` to ``path``, in the format its extension names."""
        from .tables import write_table

        write_table(self.panel(), self.panel_columns(), path, types=_column_types(self.panel_columns()))

    def panel(self):
        """One row per place x level x year: pooled counted and corrected shares with 90% intervals.

        A place is its full name (``place_full``): 南京市鼓楼区 and 福州市鼓楼区
        are two cells, both with ``place`` 鼓楼区. A cell pools the sentences
        of its documents; its interval counts the correlation of errors
        within each document. Documents whose place is not known (give it
        with ``meta``) are left out. Needs ``keep_for_panel``.
        """
        if not self.keep_for_panel:
            raise PolicytextError("Summary.panel() needs the documents' share sums: make the summary with keep_for_panel=True (tag_files(panel=...))")
        cells = {}
        for doc in sorted(self._kept):
            row = self.rows[doc]
            # A document of no known place would be pooled with unrelated ones: its own row has its shares.
            if row["place"]:
                # Keyed by the full name: the last unit alone is shared by many places (four 鼓楼区, hundreds of 城关镇).
                cells.setdefault((row["place"], row["place_full"] or row["place"], row["level"] or "", row["year"]), []).append(doc)
        rows = []
        for (place, place_full, level, year), docs in sorted(cells.items(), key=lambda item: (*item[0][:3], item[0][3] or 0)):
            kept = [self._kept[d] for d in docs]
            # Counts are whole numbers (of sentences, of characters): their sums are exact in any order.
            n = sum(sentences.n_sentences for sentences, _ in kept)
            counts = sum(sentences.counted for sentences, _ in kept)
            chars = sum(characters.total for _, characters in kept)
            char_counts = sum(characters.counted for _, characters in kept)
            row = {"place": place, "place_full": place_full, "level": level, "year": year, "documents": len(docs), "sentences": n}
            for k, label in enumerate(self.labels):
                # Python floats, as the corrected shares are: rows are plain data for any writer.
                row[f"share_{label}"] = round(float(counts[k]) / max(n, 1), 4)
                row[f"chars_{label}"] = round(float(char_counts[k]) / max(float(chars), 1), 4)
            row.update(self._estimates(kept))
            rows.append(row)
        return rows

    def left_out_of_panel(self):
        """The documents :meth:`panel` leaves out, sorted: no place was read for them (nor given with ``meta``)."""
        return [doc for doc in sorted(self._kept) if not self.rows[doc]["place"]]

    def without_level_or_year(self):
        """The documents :meth:`panel` pools under their place with no level or no year, sorted: their cell leaves it empty."""
        return [doc for doc in sorted(self._kept) if self.rows[doc]["place"] and (not self.rows[doc]["level"] or self.rows[doc]["year"] is None)]

    def panel_columns(self):
        """The columns of :meth:`panel`'s rows, in order."""
        columns = ["place", "place_full", "level", "year", "documents", "sentences"]
        return columns + [f"share_{label}" for label in self.labels] + [f"chars_{label}" for label in self.labels] + self._share_columns()

    def to_pandas(self):
        """The summary rows as a pandas DataFrame, one row per document (the ``pandas`` extra)."""
        pd = import_pandas("Summary.to_pandas()")
        frame = pd.DataFrame([self.rows[d] for d in sorted(self.rows)])
        # Whole numbers stay whole where some are missing (no year read, a label with no task):
        # pandas would make the column float (2023.0), as Parquet does not.
        ints = [column for column, kind in _column_types(frame.columns).items() if kind == "int"]
        return frame.astype(dict.fromkeys(ints, "Int64"))

    def write(self, path):
        """Write one row per document to ``path``, in the format its extension names.

        ``.csv`` (with the BOM Excel needs), ``.jsonl``, ``.parquet`` or
        ``.xlsx``, through :func:`policytext.tables.write_table`.
        """
        from .tables import write_table

        rows = [self.rows[d] for d in sorted(self.rows)]
        columns = ["file", "place", "place_full", "level", "place_from", "year", "sentences"]
        columns += [f"share_{label}" for label in self.labels] + [f"chars_{label}" for label in self.labels]
        columns += self._share_columns()
        for part in _COMPARED_PARTS:
            columns += [f"{part}_sentences", *(f"{part}_share_{label}" for label in self.labels)]
        columns += ["entropy", *(f"heading_share_{label}" for label in self.labels), *(f"plan_rank_{label}" for label in self.labels)]
        if self.domain is not None:
            columns += ["mean_score", "unknown_chars", "warning"]
        if self.evidence:
            columns += [f"evidence_{label}" for label in self.labels]
        write_table(rows, columns, path, types=_column_types(columns))


def _column_types(columns):
    """Parquet types of summary and panel columns: a column with no value in one run keeps its type."""
    return {c: kind for c in columns if (kind := _column_type(c))}


def _column_type(column):
    if column in ("year", "sentences", "documents") or column.endswith("_sentences") or column.startswith("plan_rank_"):
        return "int"
    if column in ("entropy", "mean_score", "unknown_chars") or column.startswith(("share_", "chars_", "review_share_", "plan_share_", "heading_share_")):
        return "float"
    return None  # text: file, place, level, warning, evidence


#: How evidence sentences are chosen per label: the most confident (to
#: confirm a share), the least confident (to audit it), or a random sample
#: (to estimate how often the label is right).
EVIDENCE_BY = ("top", "least", "random")
_SUMMARY_OPTIONS = {"evidence": int_at_least(0), "evidence_by": one_of(*EVIDENCE_BY), "keep_for_panel": BOOL, "keep_rows": BOOL}


@dataclass(frozen=True)
class TallySpec:
    """The settings of a document's count (:meth:`Summary.spec`)."""

    labels: tuple
    evidence: int
    evidence_by: str
    keep_sums: bool
    domain: bool
    share_model: object = None
    #: The ShareEstimator of labels and share_model (:meth:`Summary.spec`), made once for a job's documents.
    estimator: object = None


#: The label of what is no work area: the plan's numbered lines so labelled are no task.
_NO_WORK_AREA = "other"

#: Records summed at once into a tally's ShareSums: more than a report's
#: sentences, so a report read record by record is summed as one chunk.
_RECORDS_PER_SUM = 10_000


def count_document(spec, records, clf):
    """Count a document's :class:`~policytext.records.RecordBatch` as :meth:`Summary.add` would.

    Run where the document was tagged (a worker process), so that the job's
    parent only adds the count with :meth:`Summary.add_tally`.
    """
    tally = _Tally(spec, domain_check(clf) if spec.domain else None)
    tally.add_batch(records)
    tally.domain = None  # what it counted stays; the tables need not travel back
    tally.estimator = None  # nor the share estimator: the parent has its own
    return tally


class _Tally:
    """Sentences and characters per label, and the evidence sentences, record by record.

    With ``keep_sums`` it also sums what the corrected shares need
    (:class:`~policytext.shares.ShareSums`) batch by batch, so its size does
    not grow with the document.
    """

    def __init__(self, spec, domain=None):
        labels = self.labels = list(spec.labels)
        self.evidence, self.evidence_by, self.keep_sums, self.domain = spec.evidence, spec.evidence_by, spec.keep_sums, domain
        self.share_model, self.estimator = spec.share_model, spec.estimator
        self.ranges = domain.ranges if domain is not None else None  # kept when the domain's tables are dropped
        self.score_sum = 0.0
        self.unknown_chars = self.known_chars = 0  # when domain is given
        self.headings = dict.fromkeys(labels, 0)  # numbered headings by label
        # The plan part's numbered tasks in order: (label, "heading" or "item", the numbered
        # heading it is under, the period its outermost heading naming one is about:
        # "five-year", "year" or None).
        self.plan_tasks = []
        self._sums = None  # (ShareSums of sentences, of characters), when keep_sums
        self._rows, self._lengths = [], []  # records' probabilities not yet summed, when keep_sums
        self.sentences = self.all_chars = 0
        self.count = dict.fromkeys(labels, 0)
        self.chars = dict.fromkeys(labels, 0)
        self.part_count = {part: dict.fromkeys(labels, 0) for part in PARTS}
        self.top = {label: [] for label in labels}  # min-heaps of (key, -index, text)
        # Seeded, so a run and its rerun show the same sample.
        self._random = random.Random(0)

    def add(self, record):
        self.add_records([record])

    def add_records(self, records):
        """Count records (dicts) of the document in their order, as :meth:`add` of each would, with
        the whole list at a time: a resumed output's documents are read back as dicts.

        Counts are whole numbers, and the scores are summed in order: the
        row is what counting the records one by one gave, to the byte.
        """
        labels = [r["label"] for r in records]
        texts = [r["text"] for r in records]
        parts = [r.get("part", "other") for r in records]
        scores = [r["score"] for r in records]
        if self.evidence:
            for label, text, score, part in zip(labels, texts, scores, parts):
                self.count_one(label, text, score, part)
        else:
            score_sum = self.score_sum
            for score in scores:
                score_sum += score  # one by one, as count_one adds them
            lengths = list(map(len, texts))
            count, chars, part_count = self.count, self.chars, self.part_count
            for (label, part), n in Counter(zip(labels, parts)).items():
                part_count[part][label] += n
            for label, n in Counter(labels).items():
                count[label] += n
            for label, size in zip(labels, lengths):
                chars[label] += size
            self.score_sum = score_sum
            self.sentences += len(records)
            self.all_chars += sum(lengths)
        self._note_structure(
            (labels[i], text, parts[i], records[i].get("section", ())) for i, text in enumerate(texts) if text[:1] in NUMBERED_FIRST
        )
        if self.domain is not None:
            self._note_unknown(texts)
        if self.keep_sums:
            # Summed _RECORDS_PER_SUM at a time from the start of the document, as records come.
            of_labels = operator.itemgetter(*self.labels)
            probs = [of_labels(r["probs"]) for r in records] if len(self.labels) > 1 else [[r["probs"][self.labels[0]]] for r in records]
            sizes = list(map(len, texts))
            while probs:
                room = _RECORDS_PER_SUM - len(self._rows)
                self._rows += probs[:room]
                self._lengths += sizes[:room]
                probs, sizes = probs[room:], sizes[room:]
                if len(self._rows) >= _RECORDS_PER_SUM:
                    self._sum_records()

    def _sum_records(self):
        if self._rows:
            # Records (dicts) may be a caller's (Summary.add): their probabilities are checked, by ShareSums.of.
            self._add_sums(np.array(self._rows, dtype=np.float64), np.array(self._lengths), trusted=False)
            self._rows, self._lengths = [], []

    def _add_sums(self, proba, lengths, *, trusted):
        """Add the sums of a chunk of sentences; ``trusted``: ``proba`` and ``lengths`` are arrays the library made.

        Those are summed by the job's estimator, whose constants are made
        once; others, or all when there is no estimator, through
        ShareSums.of_each, which checks them. Both give the same sums.
        """
        from .shares import ShareSums

        if trusted and self.estimator is not None:
            pair = tuple(self.estimator.sums_of_each(np.asarray(proba, dtype=float), (None, np.asarray(lengths, dtype=float))))
        else:
            pair = tuple(ShareSums.of_each(proba, labels=self.labels, weightings=(None, lengths), model=self.share_model))
        self._sums = pair if self._sums is None else (self._sums[0] + pair[0], self._sums[1] + pair[1])

    def share_sums(self):
        """The :class:`~policytext.shares.ShareSums` of every sentence counted: of sentences, and of characters."""
        self._sum_records()
        if self._sums is None:
            self._add_sums(np.zeros((0, len(self.labels))), np.zeros(0), trusted=True)
        return self._sums

    def add_batch(self, batch):
        """Count a :class:`~policytext.records.RecordBatch` from its arrays; sentence by sentence only for evidence."""
        if self.keep_sums:
            self._sum_records()  # in the order the sentences came
            self._add_sums(batch.micro.astype(np.float32) / 1e6, batch.lengths, trusted=True)
        labels = batch.labels
        self._note_structure(
            (labels[j], span.text, part, span.section) for span, j, part in zip(batch.spans, batch.best.tolist(), batch.parts) if span.text[0] in NUMBERED_FIRST
        )
        if self.domain is not None:
            self._note_unknown(span.text for span in batch.spans)
        if self.evidence:
            for (label, text, score), part in zip(batch.sentences(), batch.parts):
                self.count_one(label, text, score, part)
            return
        by_part = batch.counts_by_part()
        for part, counts in zip(PARTS, by_part):
            for label, n in zip(batch.labels, counts.tolist()):
                self.part_count[part][label] += n
        count, chars = batch.counts()
        self.score_sum += float(batch.scores.sum())
        self.sentences += int(count.sum())
        self.all_chars += int(chars.sum())
        for label, n, size in zip(batch.labels, count.tolist(), chars.tolist()):
            self.count[label] += n
            self.chars[label] += size

    def _note_structure(self, items):
        """Numbered headings of the body by label, and the plan's numbered tasks in order."""
        for label, text, part, section in items:
            task = numbered_task(text)
            # The report's own headings: not a glossary's numbered terms after the closing
            # ("1.“四上”企业：…", 13 of the 40 numbered lines of a provincial report of 2026).
            if task == "heading" and part != "other":
                self.headings[label] += 1
            # The plan's own headings ("二、2026年工作安排") divide it; they are no task. Nor is a
            # heading or item the model labels `other`: a task is a work area, and the headings that
            # frame the plan (its background, guiding ideas, requirements, how it was drafted: a list
            # of such words never ends) are `other`, as a task of no work area is (reform, culture).
            # The rank is thus a work area's place among the plan's work areas (see first_tasks).
            if part == "plan" and task is not None and label != _NO_WORK_AREA and not (task == "heading" and names_part(text)):
                # The outermost: a task of the year's section may name the plan ("（二）高质量推进
                # “十五五”规划农业重大工程" under "三、2026年重点工作").
                period = next(filter(None, map(plan_period, section)), None)
                parent = next((h for h in reversed(section) if numbered_task(h) == "heading"), None)
                self.plan_tasks.append((label, task, parent, period))

    def first_tasks(self):
        """label -> its place among the work areas of the year's tasks in the plan part, in the order they first come.

        The first area a numbered task names is 1, the next area 2, and so on:
        a place among areas, not among numbered lines, so "一是…二是…" under
        the first task do not push the next areas down, and reports with and
        without such items compare.

        A report that opens a plan period sets out the five-year plan's tasks
        before the year's ("二、“十五五”时期主要目标任务" in 24 of 31 provincial
        reports of 2026): ranked with them, the year's priorities would read
        several places lower than in other years. They are left out when the
        plan has a section on the year's work ("三、2026年重点工作"); a report
        on the five-year plan itself ranks them.
        """
        periods = {period for *_, period in self.plan_tasks}
        skipped = "five-year" if {"five-year", "year"} <= periods else "none"
        # A section whose tasks are numbered headings has them for its tasks: "一是…" items
        # under its own heading, before the first, set out its frame (a section on the plan's
        # goals and the year's work opens on "二是围绕民生福祉，提出8项指标…").
        headed = {parent for _, task, parent, _ in self.plan_tasks if task == "heading"}
        tasks = [label for label, task, parent, period in self.plan_tasks if period != skipped and not (task == "item" and parent in headed)]
        first = {}
        for label in tasks:
            first.setdefault(label, len(first) + 1)
        return first

    def _note_unknown(self, texts):
        unknown, known = self.domain.unknown(texts)
        self.unknown_chars += unknown
        self.known_chars += known

    def figures(self):
        """Priority, diversity and domain figures of the document, as summary columns."""
        n = self.sentences
        shares = np.array([self.count[label] / n for label in self.labels]) if n else np.zeros(len(self.labels))
        nonzero = shares[shares > 0]
        # max(0.0, …): one label gives -0.0, written as "-0.0".
        out = {"entropy": max(0.0, round(float(-(nonzero * np.log2(nonzero)).sum()), 4)) if n else None}
        all_headings = sum(self.headings.values())
        first_tasks = self.first_tasks()
        for label in self.labels:
            out[f"heading_share_{label}"] = round(self.headings[label] / all_headings, 4) if all_headings else None
            out[f"plan_rank_{label}"] = first_tasks.get(label)
        if self.ranges is not None and n:
            figures = document_figures(n, self.count.get("other", 0), self.score_sum, self.unknown_chars, self.known_chars)
            out["mean_score"] = round(figures["mean_score"], 4)
            out["unknown_chars"] = round(figures["unknown_chars"], 4)
            out["warning"] = warning_for(self.ranges, figures, sentences=n, characters=self.known_chars)
        return out

    def count_one(self, label, text, score, part="other"):
        size = len(text)
        self.score_sum += score
        self.part_count[part][label] += 1
        self.sentences += 1
        self.all_chars += size
        self.count[label] += 1
        self.chars[label] += size
        if self.evidence:
            # The heap keeps the largest keys; -index: among equal keys the
            # earlier sentence ranks higher.
            if self.evidence_by == "top":
                key = score
            elif self.evidence_by == "least":
                key = -score
            else:
                key = self._random.random()
            item = (key, -self.sentences, text)
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


#: The columns of a ``--meta`` file.
_META_COLUMNS = ("file", "place", "level", "year")


def read_meta(path):
    """Read a ``--meta`` CSV: a ``file`` column (a path, or a file name) and any of place, level, year.

    A path is taken from the folder the job runs in, as the documents'
    paths are, and matches the document it leads to however that is
    written; a bare file name matches every document of that name. The
    file may be UTF-8 or GB18030 (what Excel saves in China). Column names
    are read without the white space around them, and any other column is
    refused. Every error names the file, and the line where it has one.

    Returns
    -------
    dict
        ``{key: {"place", "level", "year", "file", "line"}}`` for :func:`with_meta`
        (``file`` as written, and its line, to name the row).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        # As the table's other errors, not a bare FileNotFoundError, and as the option it is.
        raise ParameterError(os_reason(exc), parameter="meta", value=path) from None
    # Not readers.detect_encoding: on a few short lines of paths and names it
    # may guess Big5 for GB18030. Excel saves one of these two.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PolicytextError(f"{path}: a meta file must be UTF-8 or GB18030 text")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    # "file, place, level, year" (as typed after commas) names the columns it means;
    # a column named otherwise ("yaer") was skipped, leaving the values read in place.
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    if "file" not in reader.fieldnames:
        raise PolicytextError(f"{path}: a meta file needs a 'file' column (and any of place, level, year)")
    for name in reader.fieldnames:
        if name not in _META_COLUMNS:
            raise PolicytextError(f"{path}: a column must be one of {', '.join(_META_COLUMNS)}, got {name!r}")
        if reader.fieldnames.count(name) > 1:
            raise PolicytextError(f"{path}: the column {name!r} is given twice")
    out, lines = {}, {}
    for number, row in enumerate(reader, start=2):
        file = (row.get("file") or "").strip()
        year = (row.get("year") or "").strip()
        level = (row.get("level") or "").strip()
        if not file:
            raise PolicytextError(f"{path}:{number}: no file named")
        if year and not re.fullmatch(r"[0-9]{4}", year):
            raise PolicytextError(f"{path}:{number}: year must be a number of four digits, got {year!r}")
        if level and level not in LEVELS:
            raise PolicytextError(f"{path}:{number}: level must be one of {', '.join(LEVELS)}, got {level!r}")
        key = _meta_key(file)
        if key in lines:
            raise PolicytextError(f"{path}:{number}: {file!r} is given again (first on line {lines[key]})")
        lines[key] = number
        out[key] = {"place": (row.get("place") or "").strip(), "level": level, "year": int(year) if year else None, "file": file, "line": number}
    return out


def _meta_key(file):
    # A path is known by where it leads, as resume knows a document; a bare name by itself.
    return same_document(file) if os.sep in file or (os.altsep and os.altsep in file) else file


def with_meta(meta, overrides, path):
    """``meta`` of the document ``path`` with what ``overrides`` (:func:`read_meta`) say about it.

    A document is found by its real path, or else its file name; values
    given replace those read, and a place given is the full name too.
    """
    override = meta_override(overrides, path)
    if not override:
        return meta
    meta = {**meta, **{k: override[k] for k in ("place", "level", "year") if override.get(k) not in ("", None)}}
    if override.get("place"):
        meta.update(place_full=override["place"], place_from="meta")
    return meta


def meta_override(overrides, path):
    """The ``--meta`` row (:func:`read_meta`) that applies to the document ``path``, or ``{}`` for none.

    A caller that changes a value read (the year targets are for) keeps one
    given here as given.

    >>> overrides = {"dec.txt": {"place": "", "level": "", "year": 2025, "file": "dec.txt", "line": 2}}
    >>> meta_override(overrides, "reports/dec.txt")["year"], meta_override(overrides, "reports/jan.txt")
    (2025, {})
    """
    if not overrides:
        return {}  # a job without --meta: no real path to look up for every document
    return overrides.get(_meta_key_of(overrides, path), {})


def _meta_key_of(overrides, path):
    """The key of the ``--meta`` row that applies to the document ``path``: its real path's, else its file name's."""
    real = same_document(path)
    return real if real in overrides else Path(path).name


def unmatched_meta_rows(overrides, paths):
    """The rows of a ``--meta`` file (:func:`read_meta`) that apply to none of the documents ``paths``.

    A mistyped or renamed ``file`` cell would leave the document with the
    place and year of its title, while the researcher thinks them fixed.

    Parameters
    ----------
    overrides : dict
        As :func:`read_meta` returns it.
    paths : iterable of str
        The documents of the job.

    Returns
    -------
    list of tuple
        ``(line, file)`` of each row that matched no document, in the
        file's order, ``file`` as written.

    Examples
    --------
    >>> overrides = {"2026-上海.txt": {"place": "上海市", "level": "", "year": 2025, "file": "2026-上海.txt", "line": 2}}
    >>> unmatched_meta_rows(overrides, ["reports/2026-上海市.txt"])
    [(2, '2026-上海.txt')]
    """
    used = {_meta_key_of(overrides, path) for path in paths}
    return sorted((row["line"], row["file"]) for key, row in overrides.items() if key not in used)


def unmatched_meta_note(rows):
    """The warning of the ``--meta`` rows that match no document (:func:`unmatched_meta_rows`), or "" for none.

    >>> unmatched_meta_note([(2, "2026-上海.txt")])[:60]
    '1 row matches no document of the job, so its place, level an'
    """
    if not rows:
        return ""
    named = named_few([f"line {line} ({file})" for line, file in rows])
    one = len(rows) == 1
    return (
        f"{len(rows)} {'row matches' if one else 'rows match'} no document of the job, so {'its' if one else 'their'} "
        f"place, level and year are not applied: {named}. A row's file is a path from the folder the job runs in, or a bare file name"
    )


def import_pandas(what):
    """pandas, or PolicytextError naming the 'pandas' extra."""
    try:
        import pandas
    except ImportError:
        raise PolicytextError(extra_needed(what, "pandas")) from None
    return pandas
