"""Read each sentence in its report: a second, learned stage over the sentence model's scores.

The sentence model scores each sentence alone, but a report is not a bag of
sentences: "守牢基层“三保”底线" in a paragraph about the budget is
``economy``. The context stage re-scores every sentence of a document from

- its own log-probabilities (centred), scaled by a learned factor, since
  the sentence model is surer of itself than it has reason to be;
- the mean of its neighbours' within :attr:`ContextStage.window` sentences
  either side;
- the mean of the other sentences of its paragraph (its logical line).

It is a multinomial logistic model with the sentence's own scores as an
offset: ``logits = own_scale * own + [window, paragraph] @ coef``. It is
fitted (:func:`policytext.train.train_with_documents`) on the written
documents of ``corpora/documents``, each scored by a sentence model
trained without it, so it learns how much to trust neighbours from
held-out scores. Headings
were tried as further features and left out: they helped on written
documents and hurt on real provincial reports, whose sections mix topics.

The stage is a few hundred numbers kept in ``model.json``, checksummed
with the rest; :func:`classify`, :func:`iter_classify` and ``policytext
tag`` use it unless given ``context=False``. ``classify_batch`` tags
sentences without a document and never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ._validation import is_plain_number
from .model import softmax

__all__ = ["ContextStage", "context_features", "paragraph_ids"]

#: Probabilities are clipped here before the log, so a sure score stays finite.
_FLOOR = 1e-9


def centred_log_proba(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities minus their row mean: the scores up to the softmax's free constant."""
    logp = np.log(np.clip(proba, _FLOOR, None))
    return logp - logp.mean(axis=1, keepdims=True)


def paragraph_ids(spans) -> np.ndarray:
    """The logical line of each span, as numbered by the segmenter (``Span.line``)."""
    return np.fromiter((span.line for span in spans), dtype=np.int64, count=len(spans))


def context_features(own: np.ndarray, paragraphs: np.ndarray, window: int) -> np.ndarray:
    """The context of each sentence: ``[window mean, paragraph mean]``, shape ``(n, 2 * labels)``.

    ``own`` are centred log-probabilities (:func:`centred_log_proba`) in
    document order; ``paragraphs`` the paragraph of each. A mean over no
    sentence (the first sentence has no left neighbour, a one-sentence
    paragraph has no others) is zero: no evidence either way.
    """
    n, n_labels = own.shape
    if n == 0:
        return np.zeros((0, 2 * n_labels))
    out = np.empty((n, 2 * n_labels))
    # Window sums from a cumulative sum over the rows, padded by ``window`` zeros each side.
    cum = np.zeros((n + 2 * window + 1, n_labels))
    np.cumsum(own, axis=0, out=cum[window + 1 : window + 1 + n])
    cum[window + 1 + n :] = cum[window + n]
    rows = np.arange(n)
    neighbours = np.minimum(rows, window) + np.minimum(n - 1 - rows, window)
    np.subtract(cum[2 * window + 1 :], cum[:n], out=out[:, :n_labels])
    out[:, :n_labels] -= own
    out[:, :n_labels] /= np.maximum(neighbours, 1)[:, None]
    # Paragraphs are runs of equal ids (sentences come in document order).
    change = np.flatnonzero(paragraphs[1:] != paragraphs[:-1]) + 1
    starts = np.concatenate(([0], change))
    sizes = np.diff(np.concatenate((starts, [n])))
    sums = np.add.reduceat(own, starts, axis=0)
    others = np.repeat(sizes - 1, sizes)
    np.subtract(np.repeat(sums, sizes, axis=0), own, out=out[:, n_labels:])
    out[:, n_labels:] /= np.maximum(others, 1)[:, None]
    return out


@dataclass(frozen=True)
class ContextStage:
    """The fitted context stage: how much a sentence's own scores and its context count.

    Attributes
    ----------
    own_scale : float
        The weight of the sentence's own centred log-probabilities.
    coef : ndarray of shape (2 * n_labels, n_labels)
        Weights of the context features (:func:`context_features`).
    window : int
        Neighbours each side that the window mean reads.
    """

    own_scale: float
    coef: np.ndarray
    window: int = 2

    def __post_init__(self):
        coef = np.asarray(self.coef, dtype=np.float64)
        if coef.ndim != 2 or coef.shape[0] != 2 * coef.shape[1] or coef.shape[1] < 2:
            raise ValueError(f"context coef must have shape (2 * labels, labels), got {coef.shape}")
        if not (np.isfinite(coef).all() and np.isfinite(self.own_scale)):
            raise ValueError("context weights must be finite numbers")
        if not isinstance(self.window, int) or isinstance(self.window, bool) or not 1 <= self.window <= 50:
            raise ValueError(f"context window must be an int from 1 to 50, got {self.window!r}")
        object.__setattr__(self, "coef", coef)

    @property
    def n_labels(self) -> int:
        return self.coef.shape[1]

    def to_dict(self) -> dict:
        """The stage as plain JSON values, for ``model.json``."""
        return {"own_scale": float(self.own_scale), "window": self.window, "coef": self.coef.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> ContextStage:
        """Read a stage written by :meth:`to_dict`; ValueError names what is wrong."""
        if not isinstance(data, dict) or set(data) != {"own_scale", "window", "coef"}:
            raise ValueError(f"context must hold own_scale, window and coef, got {sorted(data) if isinstance(data, dict) else type(data).__name__}")
        if not is_plain_number(data["own_scale"]):
            raise ValueError(f"context own_scale must be a number, got {data['own_scale']!r}")
        rows = data["coef"]
        if not isinstance(rows, list) or not all(isinstance(r, list) and all(map(is_plain_number, r)) for r in rows):
            raise ValueError("context coef must be a list of lists of numbers")
        if len({len(r) for r in rows}) > 1:
            raise ValueError("context coef rows must all have the same length")
        return cls(float(data["own_scale"]), np.array(rows, dtype=np.float64), data["window"])

    def proba(self, proba: np.ndarray, paragraphs: np.ndarray) -> np.ndarray:
        """Probabilities in context for the sentences of one whole document, in order."""
        own = centred_log_proba(proba)
        return softmax(self.own_scale * own + context_features(own, paragraphs, self.window) @ self.coef)

    def stream(self, batches: Iterable[tuple[list, np.ndarray]]) -> Iterator[tuple[list, np.ndarray]]:
        """:meth:`proba` over a document given in batches of ``(spans, sentence probabilities)``.

        Yields ``(spans, probabilities in context)`` as soon as each
        sentence's context is complete (its paragraph ended and ``window``
        sentences followed it), so the result does not depend on the batch
        size, and memory stays bounded by it (plus one paragraph).
        """
        spans: list = []
        proba = np.zeros((0, self.n_labels))
        emitted = 0  # spans[:emitted] were yielded and are kept as context only
        for batch_spans, batch_proba in batches:
            spans += batch_spans
            proba = np.vstack([proba, batch_proba])
            paragraphs = paragraph_ids(spans)
            # Emit up to the last paragraph (which may go on) and leave a window to look ahead.
            last = int(np.searchsorted(paragraphs, paragraphs[-1])) if len(spans) else 0
            end = min(last, len(spans) - self.window)
            if end <= emitted:
                continue
            yield spans[emitted:end], self.proba(proba, paragraphs)[emitted:end]
            # Keep what the sentences still to come read: a window behind, and their paragraph.
            keep = min(end - self.window, int(np.searchsorted(paragraphs, paragraphs[end])))
            keep = max(keep, 0)
            spans, proba, emitted = spans[keep:], proba[keep:], end - keep
        if emitted < len(spans):
            yield spans[emitted:], self.proba(proba, paragraph_ids(spans))[emitted:]
