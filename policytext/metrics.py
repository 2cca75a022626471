"""Accuracy, macro-F1, per-label scores and a confusion matrix, printed plainly."""

import numpy as np

from ._validation import check_params, check_texts, int_at_least, refusal

__all__ = ["evaluate", "calibration", "format_report"]


def evaluate(y_true, y_pred, labels):
    """Score predictions against gold labels.

    Parameters
    ----------
    y_true, y_pred : list of str
    labels : list of str
        Row and column order of the confusion matrix; gold or predicted
        labels outside it are added at the end.

    Returns
    -------
    dict
        ``accuracy``, ``macro_f1`` (over labels present in ``y_true``),
        ``per_label`` {label: {precision, recall, f1, support}},
        ``labels`` and ``confusion`` (rows gold, columns predicted).

    Examples
    --------
    >>> scores = evaluate(["economy", "agriculture", "economy"], ["economy", "economy", "economy"], ["economy", "agriculture"])
    >>> round(scores["accuracy"], 3), round(scores["macro_f1"], 3), scores["confusion"]
    (0.667, 0.4, [[2, 0], [1, 0]])
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    # A lone str is iterable: refused, not read as labels of one character each.
    y_true, y_pred, labels = (check_texts(value, where="evaluate", name=name) for name, value in (("y_true", y_true), ("y_pred", y_pred), ("labels", labels)))
    if len(y_true) != len(y_pred):
        raise refusal("evaluate", "y_pred", "one prediction per gold label", f"{len(y_pred)} predictions for {len(y_true)} gold labels")
    labels = list(labels) + sorted((set(y_true) | set(y_pred)) - set(labels))
    present = [label for label in labels if label in set(y_true)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_label = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    return {
        "n": len(y_true),
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))) if y_true else 0.0,
        "macro_f1": float(np.mean([per_label[label]["f1"] for label in present])) if present else 0.0,
        "per_label": per_label,
        "labels": labels,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def calibration(confidence, correct, *, bins=10):
    """How well scores match accuracy: expected calibration error over equal-width bins.

    Parameters
    ----------
    confidence : sequence of float
        The score of each prediction (the probability of the chosen label).
    correct : sequence of bool
        Whether each prediction was right.
    bins : int
        The number of equal-width bins, at least 1.

    Returns
    -------
    dict
        ``ece``: the mean over sentences of ``|mean score - accuracy|`` of
        their bin; ``bins``: ``(low, high, n, mean score, accuracy)`` of each
        bin that holds a prediction, for a reliability plot.

    >>> calibration([0.95, 0.95, 0.55, 0.55], [True, True, True, False])["ece"]
    0.05
    """
    check_params("calibration", {"bins": int_at_least(1)}, {"bins": bins})
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if confidence.ndim != 1:
        raise refusal("calibration", "confidence", "a sequence of numbers", f"an array of shape {confidence.shape}")
    if correct.shape != confidence.shape:
        raise refusal("calibration", "correct", f"one bool per confidence ({len(confidence)})", f"shape {correct.shape}")
    # NaN falls in no bin's comparison and made the error NaN; infinity was put in an end bin.
    bad = np.flatnonzero(~np.isfinite(confidence))
    if len(bad):
        raise refusal("calibration", f"confidence[{bad[0]}]", "a finite number (a probability)", repr(float(confidence[bad[0]])))
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bins are (low, high]; a score of exactly 0 goes in the first.
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    out, ece = [], 0.0
    for k in range(bins):
        inside = which == k
        if inside.any():
            mean, accuracy = float(confidence[inside].mean()), float(correct[inside].mean())
            out.append((float(edges[k]), float(edges[k + 1]), int(inside.sum()), mean, accuracy))
            ece += inside.mean() * abs(mean - accuracy)
    return {"ece": round(float(ece), 10), "bins": out}


def _width(text):
    """Columns ``text`` takes in a terminal: two for a wide (Chinese) character, one for others."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _left(text, width):
    return text + " " * max(0, width - _width(text))


def _right(text, width):
    return " " * max(0, width - _width(text)) + text


def _cut(text, width):
    """The longest start of ``text`` that takes at most ``width`` columns."""
    while _width(text) > width:
        text = text[:-1]
    return text


def format_report(result):
    """Render :func:`evaluate`'s result as a plain-text table.

    Labels are padded by the columns they take, not by characters, so that
    Chinese labels (two columns a character) keep the figures aligned.
    """
    labels = result["labels"]
    width = max(_width(label) for label in labels) + 2
    lines = [
        f"sentences  {result['n']}",
        f"accuracy   {result['accuracy']:.4f}",
        f"macro-F1   {result['macro_f1']:.4f}",
        "",
        f"{'label':<{width}}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}",
    ]
    for label in labels:
        m = result["per_label"][label]
        lines.append(f"{_left(label, width)}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10d}")
    abbrev = [_cut(label, 5) for label in labels]
    lines += ["", "confusion matrix (rows: gold, columns: predicted)", " " * width + "".join(_right(a, 7) for a in abbrev)]
    for label, row in zip(labels, result["confusion"]):
        lines.append(_left(label, width) + "".join(f"{v:>7d}" for v in row))
    return "\n".join(lines)
