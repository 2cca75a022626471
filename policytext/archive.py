"""Tag whole archives: documents in, sentence records and per-document shares out.

The job behind ``policytext tag`` and :func:`tag_files`, built from modules
with one job each:

- :mod:`policytext.finding` turns files, folders and glob patterns into a
  sorted list of documents;
- :func:`tag_document` reads one document and tags its sentences, turning
  any reading failure into an error string instead of an exception;
- :mod:`policytext.records` writes each finished document's records, whole
  documents only, with a journal for ``resume`` and a lock on the output;
- :mod:`policytext.summary` keeps, per document, the share of each label,
  the place, level and year, and evidence sentences;
- :mod:`policytext.workers` runs the documents through worker processes
  for ``jobs`` > 1.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from ._validation import (
    BOOL,
    BYTE_STREAM,
    CALLABLE,
    N_JOBS,
    PATH,
    PATHS,
    WRITABLE,
    check_params,
    int_at_least,
    listed_paths,
    mapping_of,
    model_constraint,
    number_between,
    one_of,
    optional,
    refuse_single_str,
)
from .errors import DocumentError, ParameterError, PolicytextError, mention
from .finding import STDIN, find_documents, no_documents, skipped_note
from .readers import LIMITS, MAX_WHOLE_LINES, STREAM_FROM
from .outputs import FORMATS, RecordWriter, check_outputs, document_key, errors_text, own_output, records_format, replace_text, write_refusal
from .records import RecordBatch, named_few, one_line, shown, table_columns, to_row, unshown
from .summary import (
    EVIDENCE_BY,
    HEAD_CHARS,
    Summary,
    document_meta,
    import_pandas,
    read_meta,
    unmatched_meta_note,
    unmatched_meta_rows,
)
from .workers import in_workers, worker_count

if TYPE_CHECKING:  # for the hints only: the API module is imported where a job runs
    import pandas

    from .api import ModelLike, StrPath

__all__ = ["DocumentResult", "JobResult", "tag_document", "tag_files"]


@dataclass
class DocumentResult:
    """One tagged document: its records, or the reason it failed."""

    path: str
    records: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    error: str = ""
    encoded: bytes | None = None  # the records as JSON Lines, made where they were tagged
    tally: object = None  # the document's count for the summary, made where it was tagged
    digest: str = ""  # of the text read: copies of one report under two names have the same


class _Overtime(BaseException):
    """The time limit of :func:`_time_limit` has passed.

    A BaseException, as KeyboardInterrupt is: raised wherever the alarm
    lands, it must not be taken for an error of the code it interrupts.
    As an Exception it was swallowed by libraries that suppress theirs
    (markdown-it's link normalising, a weakref callback), and the document
    was then read and tagged with no limit.
    """


_OVERTIME_AGAIN = 1.0  # seconds


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise :class:`_Overtime` in this block after ``seconds``.

    A SIGALRM timer, so only in the main thread of a process on Unix (the
    local run and its worker processes); elsewhere, as in a Dask worker's
    threads, no limit is applied (see :func:`_enforceable`).
    """
    if not (seconds and _enforceable()):
        yield
        return

    expired = []

    def expire(signum, frame):
        expired.append(signum)
        raise _Overtime()

    previous = signal.signal(signal.SIGALRM, expire)
    # A process has one ITIMER_REAL: the caller's timer is taken over for
    # the block and given back after it.
    # Repeated every second: should code catch even a BaseException, the
    # limit is not lost.
    caller_delay, caller_interval = signal.setitimer(signal.ITIMER_REAL, seconds, _OVERTIME_AGAIN)
    started = time.monotonic()
    try:
        yield
        if expired:
            # The alarm's exception was lost where it landed (a weakref callback or a
            # finaliser prints "Exception ignored" and goes on), but the time is up.
            raise _Overtime()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        # Re-armed only once the caller's handler is back, so that its alarm
        # cannot reach ours. An alarm that fell due during the block could
        # not be delivered then (SIGALRM was ours); it is delivered now, a
        # little late, rather than lost: a caller's watchdog must still
        # bark. setitimer(0) would disarm it, hence a tiny positive delay.
        if caller_delay > 0:
            remaining = max(caller_delay - (time.monotonic() - started), 1e-6)
            signal.setitimer(signal.ITIMER_REAL, remaining, caller_interval)


def _enforceable():
    """Whether :func:`_time_limit` can apply a limit here: SIGALRM handlers are set only from the main thread, on Unix."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def tag_document(path, *, model=None, limits=None, timeout=None, context=True):
    """Read and tag one document; never raises for a bad document.

    ``timeout`` (seconds) bounds reading the document and splitting it into
    sentences: a document that takes longer fails with a reason saying so.
    The limit is a SIGALRM timer, so it applies only in the main thread, on
    Unix; called from another thread (or on Windows) the document is read
    with no time limit, with a ``UserWarning`` saying so.
    ``context``: read each sentence in its document (see
    :func:`policytext.classify`).

    Returns
    -------
    DocumentResult
        ``records`` is a :class:`~policytext.records.RecordBatch`: a sequence
        of dicts with file, index, start, end, section, text, part, label,
        score and probs; ``error`` is set instead when the document could
        not be read.
    """
    check_params("tag_document", {**_DOCUMENT_OPTIONS, "model": model_constraint()}, {"path": path, "model": model, "limits": limits, "timeout": timeout, "context": context})
    return next(tag_documents([path], model=model, limits=limits, timeout=timeout, context=context))


#: :func:`tag_documents` scores the sentences of documents together up to
#: this many characters (about one pass of the batch engine) or documents:
#: the engine's cost per call then weighs little beside its work.
_GROUP_CHARS = 1 << 18
_GROUP_DOCS = 16


def tag_documents(paths, *, model=None, limits=None, timeout=None, context=True, stdin=None):
    """:func:`tag_document` of each path, scoring the sentences of a few documents at a time.

    Yields a :class:`DocumentResult` per path: the tagged ones in the order
    of ``paths``, and a failed one as soon as it fails, so possibly before
    documents that precede it. ``timeout`` bounds reading and splitting each
    document; scoring takes time in proportion to its length. The limit
    applies only in the main thread, on Unix: elsewhere the documents are
    read with no time limit, and one ``UserWarning`` per call says so.
    The path ``"-"`` is read from ``stdin`` (a binary stream; default
    ``sys.stdin.buffer``) as plain text (:func:`policytext.readers.read_input`).
    A single ``str`` for ``paths`` is refused (a ``ParameterError``) at the
    call: its characters would have been tagged as paths.
    """
    # Once per call, not per document; here rather than in the generator, so that the call itself refuses it.
    refuse_single_str(paths, where="tag_documents", name="paths")
    return _tag_documents(paths, model, limits, timeout, context, stdin)


def _tag_documents(paths, model, limits, timeout, context, stdin):
    from .api import resolve_model
    from .readers import read_input
    from .segment import line_breaks, split_sentences

    clf = resolve_model(model)
    if timeout and not _enforceable():
        # Once per call, not per document: an archive would repeat it thousands of times.
        warnings.warn(
            f"timeout={timeout:g} is not applied: the time limit is a SIGALRM timer, which works only in the main thread, "
            "on Unix; these documents are read with no time limit",
            UserWarning,
            stacklevel=2,
        )
    group = []  # (path, text, spans) of documents read and not yet tagged
    chars = 0
    for path in paths:
        try:
            with _time_limit(timeout):
                text = read_input(path, stdin=stdin, **(limits or {}))
                # A text has no more line breaks than characters: most are not counted at all.
                if len(text) > MAX_WHOLE_LINES and (lines := line_breaks(text)) > MAX_WHOLE_LINES:
                    raise DocumentError(path, f"{lines:,} lines, over the {MAX_WHOLE_LINES:,} of a document read whole (tag_files reads .txt and .md of more as a stream)")
                spans = split_sentences(text)
        except DocumentError as exc:
            yield DocumentResult(str(path), error=exc.reason)
            continue
        except _Overtime:
            yield DocumentResult(str(path), error=f"took longer than the {timeout:g}-second limit")
            continue
        group.append((path, text, spans))
        chars += len(text)
        if chars >= _GROUP_CHARS or len(group) >= _GROUP_DOCS:
            yield from _tagged(group, clf, context)
            group, chars = [], 0
    yield from _tagged(group, clf, context)


def _tagged(group, clf, context):
    from .api import tag_split

    tagged = tag_split([spans for _, _, spans in group], clf, context=context)
    for (path, text, _), (spans, proba, parts) in zip(group, tagged):
        records = RecordBatch.tagged(shown(str(path)), 0, spans, proba, clf.labels, parts)
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        yield DocumentResult(str(path), records, document_meta(path, text), digest=digest)


# -- the whole job ------------------------------------------------------------


@dataclass
class JobResult:
    """What :func:`tag_files` did: the documents, and the records when kept in memory.

    ``records`` holds every sentence record when ``tag_files`` had neither an
    output file nor a sink; ``summary`` the per-document shares;
    ``unsupported`` the files in the folders given that are of no format
    policytext reads (a .doc, an image), which were not read;
    ``records_to`` where the records were written instead of kept (the
    output file, or ``"sink"``), None when they are in ``records``.
    """

    tagged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, warning): documents unlike the model's, copies, --meta rows unmatched
    summary: Summary | None = None
    records: list[dict[str, Any]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # after the others: a result built by position keeps its meaning
    records_to: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_pandas(self) -> pandas.DataFrame:
        """The records as a pandas DataFrame, one row per sentence (the ``pandas`` extra).

        Columns as in a CSV output: file, index, start, end, section, text,
        part (review, plan or other), label, score and ``p_<label>`` per label.

        Raises
        ------
        PolicytextError
            When ``tag_files`` wrote the records to an output file or a sink
            rather than keeping them (``records_to``): an empty frame would
            read as "no sentences". The message says how to read the file.
        """
        if self.records_to is not None:
            # Read back here, the whole output would be loaded unasked (an archive's can be gigabytes).
            where = "the sink given" if self.records_to == "sink" else self.records_to
            hint = "" if self.records_to == "sink" else f"; read them with {_read_hint(self.records_to)}"
            raise PolicytextError(f"JobResult.to_pandas(): the records were written to {where}, not kept{hint}")
        pd = import_pandas("JobResult.to_pandas()")
        labels = self.summary.labels if self.summary else []
        return pd.DataFrame([to_row(r, labels) for r in self.records], columns=table_columns(labels))


def _read_hint(path):
    """The pandas call that reads back a records output, by its format."""
    from .tables import format_of

    reader = {"jsonl": "read_json({!r}, lines=True)", "csv": "read_csv({!r})", "parquet": "read_parquet({!r})", "xlsx": "read_excel({!r})"}
    try:
        return "pandas." + reader[format_of(path)].format(path)
    except ParameterError:  # a records output named without a table extension
        return "pandas"


def tag_files(
    paths: StrPath | Sequence[StrPath],
    *,
    output: StrPath | None = None,
    format: str | None = None,
    model: ModelLike = None,
    summary: StrPath | None = None,
    panel: StrPath | None = None,
    meta: StrPath | None = None,
    evidence: int = 0,
    evidence_by: str = "top",
    plot: StrPath | None = None,
    plot_by: str | None = None,
    resume: bool = False,
    errors: StrPath | None = None,
    jobs: int = 1,
    progress: bool = False,
    limits: dict[str, int] | None = None,
    on_error: Callable[[str, str], object] | None = None,
    on_warning: Callable[[str, str], object] | None = None,
    sink: IO[str] | None = None,
    mapper: Callable[[list[str]], Iterable[DocumentResult]] | None = None,
    font: StrPath | None = None,
    timeout: float | None = None,
    context: bool = True,
    force: bool = False,
    stdin: IO[bytes] | None = None,
    summary_rows: bool = True,
) -> JobResult:
    """Tag every document of an archive.

    Parameters
    ----------
    paths : str, Path, or a list or other iterable of them
        Files, folders (searched recursively) and glob patterns; ``"-"`` is
        one plain-text document read from ``stdin``, named ``-`` in the
        records (a file called ``-`` is ``./-``).
    output : str, optional
        Where to write one record per sentence, in the format its extension
        names (``.jsonl``, ``.csv``, ``.parquet``, ``.xlsx``). ``None`` keeps the records
        in the result (:attr:`JobResult.records`, :meth:`JobResult.to_pandas`),
        or writes JSON Lines or CSV to ``sink`` if one is given.
    format : {"jsonl", "csv", "parquet", "xlsx"}, optional
        The records' format: by default the extension of ``output`` says,
        and a format given with an output must agree with it; without an
        output, the format of what is written to ``sink`` (default jsonl).
    model : Classifier or path, optional
    summary : str, optional
        Write one row per document, in the table format its extension names
        (``.csv``, ``.jsonl``, ``.parquet``, ``.xlsx``): shares per label
        (counted; in context also corrected, with 90% intervals), shares per
        part, place, level, year, sentence count.
    panel : str, optional
        Write one row per place x level x year, pooling its documents:
        counted shares, and (with a model that has a share calibration and
        ``context``) corrected shares with 90% intervals. Any table format.
        Documents of no known place are left out, and a warning says how
        many (give their place with ``meta``).
    meta : str, optional
        A CSV overriding place, level and year (see :func:`read_meta`).
    evidence : int
        Add N sentences per label to the summary (needs ``summary``).
    evidence_by : {"top", "least", "random"}
        The most confident sentences (to confirm a share), the least
        confident (to audit it) or a random sample (to estimate how often
        the label is right).
    plot : str, optional
        Draw the shares to this figure, ``.png``, ``.svg`` or ``.pdf`` by its
        extension (needs the ``plot`` extra). Its metadata names policytext
        (Software or Creator: :data:`policytext.plot.PLOT_MARK`).
    plot_by : {"level", "place"}, optional
        Over years, one panel per level or place.
    resume : bool
        Skip documents already in ``output``.
    errors : str, optional
        Also write one line per failed document here (``document: reason``), after a first line
        that marks the file as policytext's (:data:`policytext.outputs.ERRORS_HEAD`); an empty
        file if none failed.
    jobs : int
        Worker processes (-1: one per core; never more than the cores). On Linux they are forked from
        this process, model and engine loaded, and take a few documents at
        a time; each encodes and counts its documents, and this process
        writes them.
    progress : bool
        Show a progress bar on standard error.
    limits : dict, optional
        Passed to :func:`policytext.readers.read_document`
        (``max_bytes``, ``max_pdf_pages``).
    on_error : callable, optional
        Called with ``(path, reason)`` as each document fails.
    on_warning : callable, optional
        Called with ``(path, warning)`` for each document unlike the
        reports the model was fitted on (see :mod:`policytext.domain`);
        the warnings are also in :attr:`JobResult.warnings` and the summary.
        Called too, before any document is tagged, with the ``meta`` file
        when rows of it match no document of the job (their place, level
        and year are not applied).
        What concerns the job as a whole is a :class:`UserWarning` at its
        end: documents left out of the panel (no place read), and the files
        of other formats the folders held (:attr:`JobResult.unsupported`).
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
        Seconds one document may take to read and split into sentences.
        It is a SIGALRM timer, so it applies only where documents are read
        in a process's main thread, on Unix: a job called from the main
        thread, and the worker processes of ``jobs`` > 1. A job called from
        another thread reads the documents it tags itself with no time
        limit, and a ``UserWarning`` says so; on a Dask cluster
        (:func:`policytext.dask.tag_files`) it is never applied.
    context : bool
        Read each sentence with its neighbours and paragraph through the
        model's context stage; False tags each sentence alone.
    force : bool
        Replace an existing ``output``, ``summary``, ``panel``, ``errors``
        or ``plot`` file that is not one policytext wrote of that kind (a
        plot is known by the mark policytext writes in the metadata of a
        .png, .svg, .pdf, .eps or .ps; a figure of another format is
        replaced only with ``force``). Without it such
        a file is refused before any work; an output of policytext's (the
        same job run again) is replaced, and is not taken for a document
        of a folder being tagged.
    stdin : binary file, optional
        Where the document ``"-"`` is read from (default ``sys.stdin.buffer``),
        in this process, whatever ``jobs`` or ``mapper``; it cannot be
        resumed.
    summary_rows : bool
        Keep each document's row in :attr:`JobResult.summary`. False keeps
        none unless a summary, panel or plot is written (a row is some 8 KB:
        an archive of a million small documents would hold gigabytes), for a
        job whose records are all it needs, as ``policytext tag -o`` without
        ``--summary``. Warnings are given all the same.

    Returns
    -------
    JobResult

    Examples
    --------
    >>> import io
    >>> report = io.BytesIO("新建高标准农田4300亩。开展安全生产大检查。".encode("utf-8"))
    >>> result = tag_files(["-"], stdin=report)
    >>> [(r["text"], r["label"]) for r in result.records], result.ok
    ([('新建高标准农田4300亩。', 'agriculture'), ('开展安全生产大检查。', 'safety')], True)
    """
    from .api import resolve_model

    paths = listed_paths(paths)
    check_params(
        "tag_files",
        {**TAG_OPTIONS, "model": model_constraint()},
        {
            "paths": paths,
            **{"output": output, "summary": summary, "panel": panel, "meta": meta, "plot": plot, "errors": errors, "font": font},
            **{"format": format, "evidence": evidence, "evidence_by": evidence_by, "plot_by": plot_by, "jobs": jobs, "resume": resume},
            **{"progress": progress, "limits": limits, "timeout": timeout, "context": context, "model": model, "force": force, "summary_rows": summary_rows},
            **{"on_error": on_error, "on_warning": on_warning, "mapper": mapper, "sink": sink, "stdin": stdin},
        },
    )
    if evidence and not summary:
        raise ParameterError("tag_files(): 'evidence' needs a summary to add its sentences to (summary=FILE.csv, --summary)")
    if resume and output is None:
        raise ParameterError("tag_files(): 'resume' needs an output to resume (output=FILE, -o FILE)")
    for option, value in (("plot_by", plot_by), ("font", font)):
        if value is not None and not plot:
            raise ParameterError(f"tag_files(): {option!r} is for the plot, and there is none (plot=FILE.png, --plot)")
    clf = resolve_model(model)
    overrides = read_meta(meta) if meta else None
    outputs = {"output": output, "summary": summary, "panel": panel, "errors": errors, "plot": plot}
    # An earlier run's outputs in a folder being tagged (failed.txt) are no documents of it.
    own = [path for name, path in outputs.items() if path is not None and os.path.isfile(path) and own_output(name, path)]
    found = find_documents(paths, outputs=(*outputs.values(), meta), own=own)
    docs, missing = found.documents, found.problems
    if resume and STDIN in docs:
        raise ParameterError(
            f"cannot skip standard input ('-'): it is read anew each time; tag it without {mention('resume')}", parameter="resume", value=True, mentions={"resume": True}
        )
    # Every output, and the plot's font, is checked before any output is
    # opened, so a mistake costs nothing.
    check_outputs(outputs, docs, own=own, force=force, resume=resume, read={"meta": meta})
    format = records_format(output, format)
    if format in ("parquet", "xlsx") and output is None:
        raise ParameterError(f"tag_files(): format {format!r} needs an output file to write (output=FILE, -o FILE)")
    # A table or figure written at the end is checked now, with the extra its
    # format needs: a mistake there would cost the whole job.
    for name, table in (("summary", summary), ("panel", panel)):
        if table:
            from .tables import check_table

            check_table(table, parameter=name)
    if plot:
        from .plot import check_font, check_plot_path

        font = check_font(font)
        check_plot_path(plot)
    if not docs:
        # Refused before any output is opened: a mistyped folder would otherwise empty them all.
        raise PolicytextError(no_documents(paths, missing))
    from .domain import domain_check

    # Records and summary kept as data: no output file and no sink.
    in_memory = output is None and sink is None
    # Corrected shares are calibrated on the context stage's probabilities,
    # and computed only where a summary is asked for or kept as data.
    wants_summary = bool(summary or panel or plot) or in_memory
    share_model = clf.shares if context and clf.context is not None and wants_summary else None
    # Every job checks each document against the written reports: a records-only job warns too.
    domain = domain_check(clf)
    job_summary = Summary(
        clf.labels,
        evidence=evidence,
        meta_overrides=overrides,
        evidence_by=evidence_by,
        share_model=share_model,
        keep_for_panel=bool(panel) or in_memory,
        domain=domain,
        keep_rows=wants_summary or summary_rows,
    )
    # The documents an earlier run tagged are counted from the records as the
    # writer reads the output back to find them: the output is read once.
    # What identifies a document in this output (its name read back from .xlsx has lost its control characters).
    key = functools.partial(document_key, fmt=format)
    # Once per document: a key is its real path, found by asking the file system.
    keys = {doc: key(doc) for doc in docs}
    read_back = _ReadBack(job_summary, set(keys.values()), key) if resume and (summary or plot or panel) else None
    writer = RecordWriter(output, format, clf.labels, resume=resume, settings=_job_settings(clf, context), read_back=read_back)
    result = JobResult(summary=job_summary, records_to=None if in_memory else "sink" if output is None else os.fspath(output))
    result.unsupported = found.unsupported
    if overrides:
        _warn_of_unmatched_meta(result, meta, unmatched_meta_rows(overrides, docs), on_warning)

    def fail(path, reason):
        result.failed.append((path, reason))
        if on_error:
            on_error(path, reason)

    for path, reason in missing:
        fail(path, reason)
    # A document counts as done however its path was written (relative or absolute).
    done = {key(d) for d in writer.done}
    result.skipped = [d for d in docs if keys[d] in done]
    todo = [d for d in docs if keys[d] not in done]
    if summary or panel or plot:
        _warn_of_others(result, output, done - set(keys.values()), on_warning)
    streamed = {d for d in todo if _streams(d)}
    bar = _progress(len(todo), progress)
    finished = False
    try:
        for path in sorted(streamed):
            _tag_stream(path, clf, writer, result, fail, sink, context, on_warning)
            bar.update(1)
        # Each document is encoded and counted where it is tagged: in parallel
        # with --jobs, and without sending its records back to this process.
        finish = _Finish(job_summary.spec(), encode=format == "jsonl" and not in_memory)
        # Built now, so that every document is scored by the batch engine
        # (a handful of sentences alone would be scored without it, to
        # rounding a little apart) and workers forked from here share it.
        # Not for a resumed job with nothing left to tag: it costs half a second.
        if todo:
            clf.has_batch_engine
        run = mapper or _local_mapper(clf, jobs, limits, timeout, context, finish)
        # Standard input is read here: a worker process or a cluster has none of it.
        piped = tag_documents([STDIN], model=clf, limits=limits, timeout=timeout, context=context, stdin=stdin) if STDIN in todo else ()
        read_before: dict[str, str] = {}  # digest of a document's text -> the first document, in the job's order, read with it
        order = {path: i for i, path in enumerate(todo)}
        for res in itertools.chain((finish(r, clf) for r in piped), run([d for d in todo if d not in streamed and d != STDIN])):
            if res.error:
                fail(res.path, res.error)
            else:
                writer.write(res, sink=sink)
                result.tagged.append(res.path)
                if res.tally is not None:
                    row = job_summary.add_tally(res.path, res.tally, meta=res.meta)
                else:  # a mapper of its own (Dask) gives the records only
                    row = job_summary.add(res.path, res.records, meta=res.meta)
                _warn_if_unusual(result, res.path, row, on_warning)
                if res.digest:
                    _warn_if_copy(result, res.path, res.digest, read_before, order, on_warning)
            bar.update(1)
        if result.skipped and read_back is not None:
            _summarise_skipped(result, writer, read_back, keys)
        result.records = writer.kept
        finished = True
    finally:
        bar.close()
        writer.close(complete=finished)
        if errors:
            with _writing("errors", errors, output):
                replace_text(errors, errors_text(result.failed))
    if summary:
        with _writing("summary", summary, output):
            job_summary.write(summary)
    if panel:
        with _writing("panel", panel, output):
            job_summary.write_panel(panel)
        _warn_of_panel_gaps(job_summary, panel)
    if plot:
        from .plot import plot_shares

        with _writing("plot", plot, output):
            plot_shares(job_summary, plot, font=font, by=plot_by)
        if plot_by:
            _warn_of_undrawn(result, job_summary, plot, plot_by, on_warning)
    if result.unsupported:
        # Said once, at the end: a line per file would bury the documents' own lines.
        warnings.warn(skipped_note(result.unsupported), UserWarning, stacklevel=2)
    return result


@contextlib.contextmanager
def _writing(parameter, path, output):
    """Name the option and file of a failed write (a full disk) as the job writes ``path``, what the job keeps, and what to do
    (:func:`~policytext.outputs.write_refusal`): "[Errno 28] No space left on device" alone said none of it."""
    try:
        yield
    except OSError as exc:
        if output is None:
            raise write_refusal(exc, parameter, path, "there is no records output to resume", "run the job again") from exc
        again = f"run again with {mention('resume')}: it tags only documents not yet in {output}, and writes this again"
        raise write_refusal(exc, parameter, path, f"{output} keeps every whole document", again, mentions={"resume": True}) from exc


def _warn_of_panel_gaps(summary, panel):
    """Warn of the documents the panel leaves out, or holds without a level or year: else it is silently short."""
    total = len(summary.rows)
    out, partial = summary.left_out_of_panel(), summary.without_level_or_year()
    if out:
        warnings.warn(
            f"{panel}: {len(out)} of {total} documents left out of the panel, as no place was read from their title, "
            "session line or file name: give their place, level and year with --meta FILE.csv (columns file,place,level,year)",
            UserWarning,
            stacklevel=3,
        )
    if partial:
        warnings.warn(
            f"{panel}: {len(partial)} of {total} documents are in the panel with no level or year read: "
            "give them with --meta FILE.csv (columns file,place,level,year)",
            UserWarning,
            stacklevel=3,
        )


#: What the options of :func:`tag_files` allow, checked in one place; the
#: Dask helper checks its own options against the same entries.
TAG_OPTIONS = {
    "paths": PATHS,
    **dict.fromkeys(("output", "summary", "panel", "meta", "plot", "errors", "font"), optional(PATH)),
    "limits": optional(mapping_of(tuple(LIMITS), LIMITS["max_bytes"])),
    **dict.fromkeys(("on_error", "on_warning", "mapper"), optional(CALLABLE)),
    "sink": optional(WRITABLE),
    "stdin": optional(BYTE_STREAM),
    "format": optional(one_of(*FORMATS)),
    "evidence": int_at_least(0),
    "evidence_by": one_of(*EVIDENCE_BY),
    "plot_by": optional(one_of("level", "place")),
    "jobs": N_JOBS,
    "resume": BOOL,
    "progress": BOOL,
    "timeout": optional(number_between(1e-3, 1e9)),
    "context": BOOL,
    "force": BOOL,
    "summary_rows": BOOL,
}
#: What the options of :func:`tag_document` allow: those of :func:`tag_files` it shares.
_DOCUMENT_OPTIONS = {"path": PATH, **{name: TAG_OPTIONS[name] for name in ("limits", "timeout", "context")}}


def _warn_of_undrawn(result, summary, plot, by, on_warning):
    """Warn of the groups a plot by level or place has no panel for: else they vanish from the figure unsaid."""
    from .plot import panels

    drawn, left_out = panels(summary, by)
    if left_out:
        named = named_few(left_out)
        _warn(
            result,
            plot,
            f"{len(left_out)} of {len(drawn) + len(left_out)} {'places' if by == 'place' else 'levels'} have no panel, as the figure draws the "
            f"{len(drawn)} with most documents: {named} (the summary and the panel hold every one)",
            on_warning,
        )


def _warn_of_unmatched_meta(result, meta, rows, on_warning):
    """Warn of the --meta rows that match no document: said before the job, not found missing in its tables."""
    note = unmatched_meta_note(rows)
    if note:
        _warn(result, meta, note, on_warning)


def _warn_of_others(result, output, others, on_warning):
    """Warn of the documents of a resumed output that are not this job's (removed from the archive since,
    or of another folder): their records stay, and the summary, panel and plot, which count this job's, disagree with them unsaid."""
    if others:
        n, first = len(others), one_line(min(others))
        some = f"1 document in the output is not among this job's documents ({first}): its" if n == 1 else (
            f"{n:,} documents in the output are not among this job's documents (such as {first}): their"
        )
        _warn(result, output, f"{some} records stay; the summary, the panel and the plot count only this job's documents", on_warning)


def _warn_if_unusual(result, path, row, on_warning):
    """Warn of a document unlike the reports the model knows, from its summary row (kept or not: see ``keep_rows``)."""
    warning = row.get("warning")
    if warning:
        _warn(result, path, warning, on_warning)


def _warn_if_copy(result, path, digest, read_before, order, on_warning):
    """Warn of a document whose text another one of the job has: counted twice, a
    report weighs double in every pooled share and narrows the intervals.

    Of the copies, the first in the job's order is the original, whichever
    was tagged first (workers finish in any order).
    """
    earlier = read_before.setdefault(digest, path)
    if earlier == path:
        return
    first, copy = sorted((earlier, path), key=lambda p: order.get(p, -1))
    read_before[digest] = first
    _warn(result, copy, f"the same text as {shown(first)}: both are counted in the summary, the panel and pooled shares", on_warning)


def _warn(result, path, warning, on_warning):
    result.warnings.append((path, warning))
    if on_warning:
        on_warning(path, warning)


def _job_settings(clf, context):
    """How a job tags, as its journal records it: a resumed job must tag the same way."""
    meta = clf.metadata
    # A model is known by what it was trained on and its size; a path would
    # change when the folder moves, and the arrays' checksum is not kept.
    model = f"{meta.get('corpus_sha256', '')[:12] or 'untracked'}/{len(clf.vocabulary)} n-grams/T={clf.temperature:.6g}"
    return {"context": bool(context and clf.context is not None), "model": model}


# Plain-text documents over readers.STREAM_FROM bytes or MAX_WHOLE_LINES lines
# are tagged as a stream, here in this process: read a block at a time and
# written as they are tagged, so memory does not grow with the file. The size
# and time limits for whole documents do not apply to them: those bound what
# a document may cost to read into memory, and a stream makes steady progress.
_STREAMED_SUFFIXES = (".txt", ".md")  # a .md this large is read as plain text (see readers)
_STREAM_BATCH = 10_000  # records per write


def _streams(path):
    try:
        if not path.lower().endswith(_STREAMED_SUFFIXES):
            return False
        size = os.path.getsize(path)
        return size > STREAM_FROM or (size > MAX_WHOLE_LINES and _line_breaks(path) > MAX_WHOLE_LINES)
    except OSError:
        return False  # the normal path reports it


def _line_breaks(path, block=1 << 20):
    """About the line breaks of a file, from its bytes: the more of line feeds and carriage returns.

    Enough to tell hundreds of thousands of lines from a report's few
    thousand; in UTF-16 some characters hold such a byte too, which can only
    count more.
    """
    feeds = returns = 0
    with open(path, "rb") as f:
        while data := f.read(block):
            feeds += data.count(b"\n")
            returns += data.count(b"\r")
    return max(feeds, returns)


def _tag_stream(path, clf, writer, result, fail, sink, context=True, on_warning=None):
    """Tag one large plain-text document as a stream.

    Records go out ``_STREAM_BATCH`` at a time; if the document fails or
    the job is interrupted part-way, the output is cut back to where the
    document began, so it holds whole documents only, as for the others.
    """
    from .readers import open_text_stream

    from .api import iter_tagged

    mark = writer.begin_stream()
    tally = result.summary.tally()
    first = 0
    try:
        with open_text_stream(path) as stream:
            start = stream.tell()  # after a byte-order mark
            head = stream.read(HEAD_CHARS)
            stream.seek(start)
            for spans, proba, parts in iter_tagged(stream, clf, batch_size=_STREAM_BATCH, context=context):
                batch = RecordBatch.tagged(shown(path), first, spans, proba, clf.labels, parts)
                tally.add_batch(batch)
                writer.append(batch, sink=sink)
                first += len(batch)
    except DocumentError as exc:
        writer.rollback(mark)
        fail(path, exc.reason)
        return
    except BaseException:
        writer.rollback(mark)
        raise
    writer.end_stream(path, mark=mark)
    result.tagged.append(path)
    row = result.summary.add_tally(path, tally, meta=document_meta(path, head))
    _warn_if_unusual(result, path, row, on_warning)


class _ReadBack:
    """Counts of the documents of a job found in a resumed output, from its records as they are read.

    A document's records come together: they are counted a run of up to
    ``_RUN`` at a time (:meth:`~policytext.summary._Tally.add_records`),
    not one by one, and no more of them are held.
    """

    _RUN = 10_000

    def __init__(self, summary, wanted, key):
        """Count the records of the documents whose ``key`` (:func:`~policytext.outputs.document_key`) is ``wanted``."""
        self._new_tally = summary.tally
        self._wanted = wanted
        self.tallies = {}  # what identifies a document in the output (key: its real path) -> its count
        # A record names its document as shown, escaped: its path is the name unshown, not the name itself.
        self._real = functools.lru_cache(maxsize=1024)(lambda file: key(unshown(file)))  # records of a document are contiguous
        self._file = None
        self._into = None  # the count the run is for; None for a document not of this job
        self._run = []

    def __call__(self, record):
        if record["file"] != self._file:
            self.flush()
            self._file = record["file"]
            real = self._real(self._file)
            self._into = self.tallies.setdefault(real, self._new_tally()) if real in self._wanted else None
        if self._into is not None:
            self._run.append(record)
            if len(self._run) >= self._RUN:
                self.flush()

    def only(self, reals):
        """Count only the documents of these keys (their real paths: :func:`~policytext.outputs.document_key`) from now on."""
        self.flush()
        self._wanted, self._file, self._into = set(reals), None, None

    def flush(self):
        if self._run:
            self._into.add_records(self._run)
            self._run = []


def _summarise_skipped(result, writer, read_back, keys):
    """Summary rows for documents tagged by an earlier, resumed run, from the output.

    Counted as the writer read the output to find them; read here only when
    a journal named them (a job stopped part-way). A resumed output may hold
    millions of records: they are counted a document at a time.
    """
    # One row per document as the job names it (a document named twice is one); ``keys``: each document's key.
    skipped = {keys[doc]: doc for doc in result.skipped}
    if not writer.read_whole:
        read_back.only(skipped)  # not the documents this job added
        for record in writer.records():
            read_back(record)
    read_back.flush()
    for real, doc in skipped.items():
        tally = read_back.tallies.get(real)
        result.summary.add_tally(doc, result.summary.tally() if tally is None else tally, meta=_meta_of(doc))


def _meta_of(path):
    """:func:`document_meta` from a document's first characters, or None if it cannot be read.

    A streamed document is not read whole: it may be larger than the limit
    for whole documents.
    """
    from .readers import open_text_stream, read_document

    try:
        if _streams(path):
            with open_text_stream(path) as stream:
                head = stream.read(HEAD_CHARS)
        else:
            head = read_document(path)[:HEAD_CHARS]
    except DocumentError:
        return None
    return document_meta(path, head)


@dataclass(frozen=True)
class _Finish:
    """What is done with a tagged document where it was tagged: count it, and encode its records.

    Encoded records travel as the JSON lines only: the output needs no more.
    """

    spec: object
    encode: bool

    def __call__(self, result, clf):
        if result.error:
            return result
        from .summary import count_document

        result.tally = count_document(self.spec, result.records, clf)
        if self.encode:
            result.encoded, result.records = result.records.jsonl(), []
        return result


def _local_mapper(clf, jobs, limits, timeout, context, finish):
    # The same tagging here and in the workers: a partial of a module-level
    # function, so it pickles where workers cannot be forked.
    tag = functools.partial(tag_documents, limits=limits, timeout=timeout, context=context)

    def run(paths):
        workers = worker_count(jobs)
        if workers == 1 or len(paths) < 2:
            for result in tag(paths, model=clf):
                yield finish(result, clf)
            return
        yield from in_workers(paths, workers, (clf, tag, finish))

    return run


def _progress(total, enabled):
    from tqdm import tqdm

    # disable=None: shown only when stderr is a terminal.
    return tqdm(total=total, unit="doc", desc="tagging", file=sys.stderr, disable=None if enabled else True)
