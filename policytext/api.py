"""The small surface most users need: ``classify``, ``classify_batch``, ``load``."""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

import numpy as np

from ._validation import (
    BOOL,
    LEVEL,
    N_JOBS,
    PATH,
    TEXT_STREAM,
    check_params,
    check_text,
    check_texts,
    int_between,
    refuse_single_str,
    refusal,
    short_repr,
    model_constraint,
    optional,
)
from .context import paragraph_ids
from .errors import ModelError, ParameterError
from .model import Classifier
from .modelfile import load_model

if TYPE_CHECKING:  # imported where used: estimating shares needs scipy
    from .shares import ShareEstimate

#: What ``model=`` takes: None (the shipped model), a model folder's path, or a Classifier.
ModelLike = Union[None, str, os.PathLike, Classifier]
#: A file or folder path, as the functions that read or write files take it.
StrPath = Union[str, os.PathLike[str]]

__all__ = ["Sentence", "attention_shares", "classify", "classify_batch", "classify_stream", "iter_batches", "iter_classify", "iter_tagged", "tag_split", "tag_text", "load", "default_model_path", "resolve_model"]


@dataclass(frozen=True)
class Sentence:
    """One tagged sentence of a report.

    ``text == report[start:end]``; ``section`` is the path of headings (and
    the paragraph's lead sentence) above it; ``score`` is the probability of
    ``label`` and ``probs`` maps every label to its probability, as the
    ``probs`` of a record do (the linear scores are
    :meth:`Classifier.decision_function`'s); ``part`` is ``review`` (what
    was done), ``plan`` (what will be done) or ``other``
    (:func:`policytext.parts.report_parts`).
    """

    text: str
    start: int
    end: int
    label: str
    score: float
    # Left out of the hash (a dict has none), so that sentences can be set members and dict keys.
    probs: dict[str, float] = field(repr=False, hash=False)
    section: tuple[str, ...] = ()
    is_heading: bool = False
    part: str = "other"

    def to_dict(self) -> dict[str, Any]:
        """The sentence as a JSON-ready record (probabilities to 6 decimals), as ``policytext tag`` writes it.

        Examples
        --------
        >>> record = classify("新建高标准农田4300亩。")[0].to_dict()
        >>> list(record)
        ['start', 'end', 'section', 'text', 'part', 'label', 'score', 'probs']
        >>> record["label"], record["score"] == record["probs"]["agriculture"]
        ('agriculture', True)
        """
        from .records import round_probs

        rounded = round_probs(np.array([list(self.probs.values())]))[0]
        return _record(self, self.label, dict(zip(self.probs, rounded)), self.part)

    @property
    def scores(self) -> dict[str, float]:
        """The old name of :attr:`probs`, kept so code written for it runs; it warns."""
        import warnings

        warnings.warn("Sentence.scores is now Sentence.probs", DeprecationWarning, stacklevel=2)
        return self.probs


def default_model_path() -> Path:
    """Where the shipped model lives: inside the installed package, or in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "models" / "default", here.parent / "models" / "default"):
        if (candidate / "model.json").is_file():
            return candidate
    raise ModelError(
        f"the shipped model was not found (looked in {here / 'models' / 'default'} and "
        f"{here.parent / 'models' / 'default'}); reinstall policytext or pass a model path"
    )


@functools.lru_cache(maxsize=8)
def _cached(path, stamp):
    return load_model(path)


# lru_cache holds no lock while it reads a model: threads that missed it at
# once each read the folder and got their own copy. A lock per folder makes
# the others wait for the one reading it, and lets two folders load at once.
_FOLDER_LOCKS: dict[str, threading.Lock] = {}
_FOLDER_LOCKS_GUARD = threading.Lock()


def _folder_lock(path):
    with _FOLDER_LOCKS_GUARD:
        return _FOLDER_LOCKS.setdefault(path, threading.Lock())


def _stamp(path):
    """What identifies the files now in a model folder: inode, size and time of each."""
    stamp = []
    for name in ("model.json", "arrays.npz"):
        try:
            st = os.stat(os.path.join(path, name))
        except OSError:
            stamp.append(None)  # load_model names what is missing
        else:
            stamp.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def load(path: str | os.PathLike | None = None) -> Classifier:
    """Load a model folder; with no path, the shipped default model.

    Loaded models are cached per path and per version of the folder's
    files, so calling ``load()`` often is cheap, and a folder replaced by a
    new model (``policytext train --force``) is read again. Every caller
    gets the same object (threads calling at once wait for one read),
    which ``classify`` and the other functions also use by default:
    changing its attributes (``clf.temperature = ...``) changes them for
    all. For a private copy to change, read the folder
    with :func:`policytext.modelfile.load_model`.
    The environment variable ``POLICYTEXT_MODEL`` names another default;
    an error loading that model names the variable.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A model folder (the one that holds ``model.json``, not the file);
        by default ``POLICYTEXT_MODEL``, else the shipped model.

    Returns
    -------
    Classifier

    Raises
    ------
    ModelError
        The folder holds no model, or a damaged one; for the default named
        by ``POLICYTEXT_MODEL``, the message starts ``POLICYTEXT_MODEL=DIR:``.

    Examples
    --------
    >>> clf = load()
    >>> clf.labels
    ['economy', 'agriculture', 'environment', 'safety', 'livelihood', 'governance', 'other']
    """
    check_params("load", {"path": optional(PATH)}, {"path": path})
    chosen = os.environ.get("POLICYTEXT_MODEL") if path is None else None
    path = str(Path(path or chosen or default_model_path()).resolve())
    try:
        if os.path.isfile(path):
            # The usual slip: the folder's model.json named instead of the folder.
            raise ModelError(f"{path}: a model is a folder; give the folder that holds it ({os.path.dirname(path)})")
        with _folder_lock(path):
            return _cached(path, _stamp(path))
    except ModelError as exc:
        if not chosen:
            raise
        # A variable left set in a shell profile is hard to think of: the
        # error says where the path came from, in Python as on the command line.
        raise ModelError(f"POLICYTEXT_MODEL={chosen}: {exc}; unset the variable to use the shipped model") from None


def resolve_model(model: ModelLike = None) -> Classifier:
    """The Classifier that ``model=`` names: None is the shipped model, a path is loaded, a Classifier is itself."""
    if model is None or isinstance(model, (str, os.PathLike)):
        return load(model)
    return model


#: What the options of the functions below allow: one table, checked at each call.
_OPTIONS = {
    "model": model_constraint(),
    "n_jobs": N_JOBS,
    # Far above any use; islice and joblib fail with their own words beyond.
    "batch_size": int_between(1, 1 << 40),
    "context": BOOL,
    "stream": TEXT_STREAM,
    "chars": BOOL,
    "level": LEVEL,
}


def _options(where, **values):
    """Check the options a function was given against :data:`_OPTIONS`."""
    check_params(where, {name: _OPTIONS[name] for name in values}, values)


def classify(text: str, *, model: ModelLike = None, context: bool = True) -> list[Sentence]:
    """Split a report into sentences and tag each with a work-area label.

    Parameters
    ----------
    text : str
        A whole report, or any part of one, split as it is given: page
        numbers and running titles of printed pages are removed (made white
        space, in place) only by :func:`policytext.readers.read_document`
        and ``policytext tag``, so pass the text of a file copied out of a
        PDF through them.
    model : Classifier or path, optional
        Defaults to the shipped model.
    context : bool
        Read each sentence with its neighbours and its paragraph through
        the model's context stage (:mod:`policytext.context`); False tags
        each sentence alone, as :func:`classify_batch` does.

    Returns
    -------
    list of Sentence
        In text order; empty for a text with no sentences.

    Examples
    --------
    >>> sents = classify("一、上半年工作回顾\\n新建高标准农田4300亩。开展安全生产大检查，整改隐患126条。")
    >>> [(s.text, s.label) for s in sents]
    [('一、上半年工作回顾', 'other'), ('新建高标准农田4300亩。', 'agriculture'), ('开展安全生产大检查，整改隐患126条。', 'safety')]
    >>> sents[1].start, sents[1].end, sents[1].section
    (10, 23, ('一、上半年工作回顾',))
    """
    check_text(text, where="classify")
    _options("classify", model=model, context=context)
    clf = resolve_model(model)
    spans, proba, parts = tag_text(text, clf, context=context)
    return list(_sentences(spans, proba, clf.labels, parts))


#: Sentences scored at a time by :func:`tag_text`: bounds the engine's memory for a long text.
_SCORE_BATCH = 10_000


def tag_text(text: str, clf: Classifier, *, context: bool = True) -> tuple[list, np.ndarray, list]:
    """``(spans, probabilities, parts)`` of a whole text: what :func:`classify` and ``policytext tag`` build on.

    The sentences are scored :data:`_SCORE_BATCH` at a time and, with
    ``context``, read in context once over the whole text.
    """
    from .segment import split_sentences

    return tag_split([split_sentences(text)], clf, context=context)[0]


def tag_split(documents: list[list], clf: Classifier, *, context: bool = True) -> list[tuple[list, np.ndarray, list]]:
    """:func:`tag_text` for documents already split into spans, their sentences scored together.

    The batch engine pays a cost per call: scoring the sentences of a few
    short reports in one pass is faster than a pass per report. Context
    and parts are still read report by report.
    """
    # Imported here: classify_batch, which reads no parts, starts without them (the parts'
    # and the splitter's patterns were a quarter of a cold start).
    from .parts import report_parts

    # A str is iterable: its characters were taken for documents, and failed as spans.
    refuse_single_str(documents, where="tag_split", name="documents", allowed="a list of documents split into sentences", hint="split it first: [split_sentences(text)]")
    texts = [s.text for spans in documents for s in spans]
    proba = np.zeros((0, len(clf.labels)))
    if texts:
        proba = np.vstack([clf.predict_proba(texts[i : i + _SCORE_BATCH]) for i in range(0, len(texts), _SCORE_BATCH)])
    out = []
    for spans, own in zip(documents, np.split(proba, np.cumsum([len(spans) for spans in documents], dtype=np.intp)[:-1])):
        if context and clf.context is not None and spans:
            own = clf.context.proba(own, paragraph_ids(spans))
        out.append((spans, own, report_parts(spans)))
    return out


def attention_shares(
    documents: Iterable[str | Iterable[Sentence]], *, model: ModelLike = None, chars: bool = False, level: float = 0.9
) -> ShareEstimate:
    """Each label's share of a group of reports: counted, corrected for the model's errors, and a 90% interval.

    Parameters
    ----------
    documents : list of str, or list of lists of Sentence
        Report texts (each is classified in context), or reports already
        tagged with :func:`classify`. A single ``str`` is refused, as
        everywhere a list is expected.
    model : Classifier or path, optional
    chars : bool
        Shares of characters instead of sentences.
    level : float
        The interval's probability.

    Returns
    -------
    policytext.shares.ShareEstimate
        Pooled over the reports; the interval counts the correlation of
        errors within each report. ``est["economy"]`` gives counted,
        corrected, low and high. Corrected shares use the model's share
        calibration (fitted on context probabilities: give texts, or reports
        tagged by :func:`classify` in context; on ``context=False`` output
        they are less sound); a model without one gives the mean
        probabilities. A report with no sentence adds nothing, and is not
        counted in ``n_documents``.

    Examples
    --------
    >>> est = attention_shares(["一、工作回顾\\n新建高标准农田4300亩。完成工业产值5亿元。整改隐患126条。"])
    >>> est["agriculture"]["counted"], est.n_sentences
    (0.25, 4)
    """
    from .shares import estimate_shares

    if isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
        check_texts(documents, where="attention_shares", name="documents")  # the same refusal as every batch entry point
    _options("attention_shares", model=model, chars=chars, level=level)
    clf = resolve_model(model)
    tagged = [classify(d, model=clf) if isinstance(d, str) else _tagged_document(d, i, clf.labels) for i, d in enumerate(documents)]
    sentences = [s for doc in tagged for s in doc]
    if not sentences:
        raise ParameterError("attention_shares(): the documents hold no sentence")
    proba = np.array([[s.probs[label] for label in clf.labels] for s in sentences])
    doc_ids = np.repeat(np.arange(len(tagged)), [len(doc) for doc in tagged])
    weights = np.array([len(s.text) for s in sentences], dtype=float) if chars else None
    return estimate_shares(proba, labels=clf.labels, weights=weights, doc_ids=doc_ids, model=clf.shares, level=level)


def _tagged_document(doc, index, labels):
    """A report already tagged: Sentences in any iterable (a list from :func:`classify`, :func:`iter_classify`)."""
    if isinstance(doc, Iterable) and not isinstance(doc, (bytes, dict)):
        sentences = list(doc)
        if all(isinstance(s, Sentence) for s in sentences):
            _check_labels(sentences, index, labels)
            return sentences
    raise refusal("attention_shares", f"documents[{index}]", "a str or Sentences (from classify or iter_classify)", short_repr(doc))


def _check_labels(sentences, index, labels):
    """Refuse Sentences of another model's labels: read under this model's, a missing label raised a bare KeyError."""
    for found in {tuple(s.probs) for s in sentences}:
        if set(found) != set(labels):
            raise refusal(
                "attention_shares",
                f"documents[{index}]",
                f"Sentences with the model's labels ({', '.join(labels)})",
                f"Sentences with the labels {', '.join(found)} (tagged by another model: pass it as model=)",
            )


def classify_batch(texts: Iterable[str], *, model: ModelLike = None, n_jobs: int = 1) -> list[str]:
    """Tag each text as one sentence (no splitting) and return its label.

    Parameters
    ----------
    texts : list of str
    model : Classifier or path, optional
    n_jobs : int
        Workers to use (joblib threads with the batch engine); -1 for one
        per core. Lists of fewer than 10,000 texts are tagged in the
        calling thread; worth it from some tens of thousands.

    Returns
    -------
    list of str
        One label per input, in order. A text without a single n-gram of
        the model's (blank: empty or only white space; or only symbols and
        invisible characters the model does not know, such as ``"※"`` or a
        lone BOM) is ``other``; a model without an ``other`` label (custom
        labels) gives such a text every label at probability 1/n, and the
        first of its labels.

    Examples
    --------
    >>> classify_batch(["完成工业总产值246亿元。", "各位代表：", ""])
    ['economy', 'other', 'other']
    """
    _options("classify_batch", model=model, n_jobs=n_jobs)
    return _labels(resolve_model(model), check_texts(texts, where="classify_batch"), n_jobs)


def _labels(clf, texts, n_jobs):
    """Labels of a list already checked to hold only str."""
    if not texts:
        return []
    # In workers once the list fills two of the smallest tasks: from two full
    # tasks (20,000 texts), classify_stream's batches of 10,000 never were.
    if n_jobs == 1 or len(texts) < 2 * _SMALLEST_TASK:
        return clf.classes_[clf.decision_function(texts).argmax(axis=1)].tolist()
    return clf.classes_[_parallel_predict(clf, texts, n_jobs)].tolist()


_PARALLEL_CHUNK = 10_000
#: The fewest texts a worker is given: below, the engine's cost per pass
#: weighs on the task (20,000 texts took 1.5x as long in passes of 1,000
#: as in passes of 5,000, one thread).
_SMALLEST_TASK = _PARALLEL_CHUNK // 2


def _predict_indices(model_ref, texts):
    clf = load(model_ref) if isinstance(model_ref, str) else model_ref
    return clf.decision_function(texts).argmax(axis=1).astype(np.int16)


def _parallel_predict(clf, texts, n_jobs):
    """Label indices of ``texts`` from ``n_jobs`` joblib workers.

    With the batch engine the workers are threads: its heavy steps are
    numpy calls that release the GIL, so threads share one model and one
    copy of its tables (processes each need their own, and contend for the
    memory bus). A model only the reference path serves is tagged in
    processes, which load it from its path once and keep it.
    """
    from joblib import Parallel, delayed

    from .workers import worker_count

    workers = worker_count(n_jobs)
    # At most 10,000 texts a task: with 25,000, two threads gained 1.28-1.48x
    # where 10,000 gained 1.68-1.94x (benchmarks/README.md).
    size = max(_SMALLEST_TASK, min(_PARALLEL_CHUNK, -(-len(texts) // (4 * workers))))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    if clf.has_batch_engine:
        parts = Parallel(n_jobs=workers, prefer="threads")(delayed(_predict_indices)(clf, c) for c in chunks)
    else:
        ref = clf.metadata.get("path") or clf  # a model built in memory is pickled without its caches
        parts = Parallel(n_jobs=workers)(delayed(_predict_indices)(ref, c) for c in chunks)
    return np.concatenate(parts)


def classify_stream(
    texts: Iterable[str], *, model: ModelLike = None, batch_size: int = 10_000, n_jobs: int = 1
) -> Iterator[str]:
    """Tag texts from any iterable, lazily: one label per text, in order.

    Memory stays bounded by ``batch_size`` whatever the length of the input,
    so a generator over a file of millions of sentences is fine. With
    ``n_jobs``, each batch of at least 10,000 texts (the default size) is
    split among the workers, as :func:`classify_batch` splits its list;
    a smaller batch is tagged in the calling thread. Options are
    checked when it is called, not when the first label is asked for.

    Parameters
    ----------
    texts : iterable of str
        Sentences, each tagged alone (as :func:`classify_batch` does); a
        lone ``str`` is refused.
    model : Classifier or path, optional
        Defaults to the shipped model.
    batch_size : int
        Texts read and tagged at a time.
    n_jobs : int
        Worker threads per batch, as joblib reads it (-1: every core).

    Returns
    -------
    iterator of str
        One label per text, in order.

    Examples
    --------
    >>> list(classify_stream(iter(["新建高标准农田4300亩。", "各位代表："])))
    ['agriculture', 'other']
    """
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
        check_texts(texts, where="classify_stream")  # the same refusal as every batch entry point
    _options("classify_stream", model=model, batch_size=batch_size, n_jobs=n_jobs)
    return _stream_labels(texts, resolve_model(model), batch_size, n_jobs)


def _stream_labels(texts, clf, batch_size, n_jobs):
    seen = 0
    for batch in _batches(texts, batch_size):
        yield from _labels(clf, check_texts(batch, where="classify_stream", offset=seen), n_jobs)
        seen += len(batch)


def _record(span, label, probs, part):
    """A tagged sentence as a record, for :meth:`Sentence.to_dict`.

    ``policytext tag`` writes the same records (with ``file`` and ``index``)
    straight from arrays (:class:`~policytext.records.RecordBatch`); tests
    hold the two equal, key for key. ``probs`` are rounded already
    (:func:`~policytext.records.round_probs`)."""
    return {
        "start": span.start,
        "end": span.end,
        "section": list(span.section),
        "text": span.text,
        "part": part,
        "label": label,
        "score": probs[label],
        "probs": probs,
    }


def iter_classify(stream: IO[str], *, model: ModelLike = None, batch_size: int = 10_000, context: bool = True) -> Iterator[Sentence]:
    """Like :func:`classify`, for a text stream of any size (an open file).

    The stream is read a block at a time (see
    :func:`~policytext.segment.iter_sentences`) and tagged ``batch_size``
    sentences at a time, so memory stays bounded; with ``context`` the
    labels are those :func:`classify` gives for the whole text, whatever
    the batch size. Options are checked when it is called.

    Parameters
    ----------
    stream : text stream
        An open text file or ``io.StringIO``; read, not closed.
    model : Classifier or path, optional
        Defaults to the shipped model.
    batch_size : int
        Sentences tagged at a time.
    context : bool
        As for :func:`classify`.

    Returns
    -------
    iterator of Sentence
        In text order; offsets count characters from the stream's start.

    Examples
    --------
    >>> import io
    >>> report = io.StringIO("一、上半年工作回顾\\n新建高标准农田4300亩。\\n开展安全生产大检查。")
    >>> [(s.start, s.label) for s in iter_classify(report)]
    [(0, 'other'), (10, 'agriculture'), (24, 'safety')]
    """
    _options("iter_classify", stream=stream, model=model, batch_size=batch_size, context=context)
    return _iter_sentences(stream, resolve_model(model), batch_size, context)


def _iter_sentences(stream, clf, batch_size, context):
    for spans, proba, parts in iter_tagged(stream, clf, batch_size=batch_size, context=context):
        yield from _sentences(spans, proba, clf.labels, parts)


def iter_batches(stream: IO[str], clf: Classifier, *, batch_size: int = 10_000, context: bool = True) -> Iterator[tuple[list, np.ndarray]]:
    """``(spans, probabilities)`` of a text stream, a batch at a time.

    What the engine gives, before any per-sentence object is built
    (:func:`iter_tagged` adds the parts; ``policytext tag`` makes a streamed
    document's records from that). With ``context`` (and
    a model that has a context stage) the probabilities are in context and
    a batch may be a little shorter or longer than ``batch_size``.
    """
    from .segment import iter_sentences

    _options("iter_batches", stream=stream, batch_size=batch_size, context=context)
    batches = ((spans, clf.predict_proba([s.text for s in spans])) for spans in _batches(iter_sentences(stream), batch_size))
    if context and clf.context is not None:
        return clf.context.stream(batches)
    return batches


#: Parts (review, plan, other) are read over this many sentences at a time in
#: a stream: the whole of any report (a long one has a few thousand), while
#: memory stays bounded for a file of millions.
PARTS_BLOCK = 20_000


def iter_tagged(stream: IO[str], clf: Classifier, *, batch_size: int = 10_000, context: bool = True) -> Iterator[tuple[list, np.ndarray, list]]:
    """``(spans, probabilities, parts)`` of a text stream: :func:`iter_batches` with each sentence's part.

    Batches are gathered up to :data:`PARTS_BLOCK` sentences before their
    parts are read, so a report streamed in small batches gets the parts
    :func:`classify` gives it.
    """
    from .parts import report_parts

    spans: list = []
    probas: list = []
    for batch_spans, batch_proba in iter_batches(stream, clf, batch_size=batch_size, context=context):
        spans += batch_spans
        probas.append(batch_proba)
        if len(spans) >= PARTS_BLOCK:
            yield spans, np.vstack(probas), report_parts(spans)
            spans, probas = [], []
    if spans:
        yield spans, np.vstack(probas), report_parts(spans)


def _batches(items, size):
    """Lists of up to ``size`` items, read lazily from any iterable."""
    items = iter(items)
    while batch := list(itertools.islice(items, size)):
        yield batch


def _sentences(spans, proba, labels, parts):
    best = proba.argmax(axis=1)
    for span, row, j, part in zip(spans, proba, best, parts):
        yield Sentence(
            text=span.text,
            start=span.start,
            end=span.end,
            label=labels[j],
            score=float(row[j]),
            probs=dict(zip(labels, row.tolist())),
            section=span.section,
            is_heading=span.is_heading,
            part=part,
        )
