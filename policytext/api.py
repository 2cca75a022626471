"""The small surface most users need: ``classify``, ``classify_batch``, ``load``."""

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from ._validation import check_text, check_texts
from .errors import ModelError
from .modelfile import load_model
from .segment import split_sentences

__all__ = ["Sentence", "classify", "classify_batch", "load", "default_model_path"]


@dataclass(frozen=True)
class Sentence:
    """One tagged sentence of a report.

    ``text == report[start:end]``; ``section`` is the path of headings (and
    the paragraph's lead sentence) above it; ``score`` is the probability of
    ``label`` and ``scores`` maps every label to its probability.
    """

    text: str
    start: int
    end: int
    label: str
    score: float
    scores: dict = field(repr=False)
    section: tuple = ()
    is_heading: bool = False

    def to_dict(self):
        return {
            "start": self.start,
            "end": self.end,
            "section": list(self.section),
            "text": self.text,
            "label": self.label,
            "score": round(self.score, 4),
        }


def default_model_path():
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
def _cached(path):
    return load_model(path)


def load(path=None):
    """Load a model folder; with no path, the shipped default model.

    Loaded models are cached per path, so calling ``load()`` often is cheap.
    The environment variable ``POLICYTEXT_MODEL`` names another default.

    >>> clf = load()
    >>> clf.labels
    ['economy', 'agriculture', 'environment', 'safety', 'livelihood', 'governance', 'other']
    """
    if path is None:
        path = os.environ.get("POLICYTEXT_MODEL") or default_model_path()
    return _cached(str(Path(path).resolve()))


def _model(model):
    if model is None or isinstance(model, (str, os.PathLike)):
        return load(model)
    return model


def classify(text, model=None):
    """Split a report into sentences and tag each with a work-area label.

    Parameters
    ----------
    text : str
        A whole report, or any part of one.
    model : Classifier or path, optional
        Defaults to the shipped model.

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
    check_text(text)
    spans = split_sentences(text)
    if not spans:
        return []
    clf = _model(model)
    proba = clf.predict_proba([s.text for s in spans])
    labels = clf.labels
    out = []
    for span, row in zip(spans, proba):
        best = int(row.argmax())
        out.append(
            Sentence(
                text=span.text,
                start=span.start,
                end=span.end,
                label=labels[best],
                score=float(row[best]),
                scores=dict(zip(labels, row.tolist())),
                section=span.section,
                is_heading=span.is_heading,
            )
        )
    return out


def classify_batch(texts, model=None):
    """Tag each text as one sentence (no splitting) and return its label.

    Parameters
    ----------
    texts : list of str
    model : Classifier or path, optional

    Returns
    -------
    list of str
        One label per input, in order.

    Examples
    --------
    >>> classify_batch(["完成工业总产值246亿元。", "各位代表："])
    ['economy', 'other']
    """
    texts = check_texts(texts)
    if not texts:
        return []
    return _model(model).predict(texts)
