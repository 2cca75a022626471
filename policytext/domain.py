"""Out-of-domain warnings: a document unlike the reports the model was fitted on.

A summary row's shares are only as good as the model on that document. A
scanned page full of OCR noise, a document in another language or a table
of figures can still be tagged, but its shares mean little. Three figures
of each document are compared with the range the written documents of
``corpora/documents`` show (kept in ``model.json`` as ``domain``):

- ``other_share``: the share of sentences tagged ``other``;
- ``mean_score``: the mean probability of the chosen labels;
- ``unknown_chars``: the share of characters (after the model's fold:
  full-width forms, digits, traditional characters) that no n-gram of the
  model holds, white space aside.

A document outside any range gets a ``warning`` naming the figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DOMAIN_FIGURES", "DomainCheck", "domain_ranges", "warning_for"]

DOMAIN_FIGURES = ("other_share", "mean_score", "unknown_chars")
#: Ranges are widened by this share of their width each side: the written
#: documents are a sample, and a figure just past their extreme is no alarm.
_SLACK = 0.25


def domain_ranges(figures: dict[str, list[float]]) -> dict[str, list[float]]:
    """``{figure: [low, high]}`` from each figure's values over the written documents, widened a little."""
    ranges = {}
    for name in DOMAIN_FIGURES:
        values = figures[name]
        low, high = min(values), max(values)
        slack = _SLACK * (high - low)
        ranges[name] = [max(0.0, low - slack), min(1.0, high + slack)]
    return ranges


@dataclass(frozen=True)
class DomainCheck:
    """The ranges of a model and the characters it knows, to warn about documents outside them."""

    ranges: dict
    known: dict  # a str.translate table that deletes every character the model knows
    preprocess: Callable[[str], str]  # the model's fold

    @classmethod
    def of(cls, clf) -> DomainCheck | None:
        """The check of a model, or None if its file records no ranges (models before format 3)."""
        ranges = clf.metadata.get("domain")
        if not ranges:
            return None
        for name in DOMAIN_FIGURES:
            pair = ranges.get(name)
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, (int, float)) and math.isfinite(v) for v in pair) and pair[0] <= pair[1]):
                raise ValueError(f"domain {name} must be [low, high] with finite low <= high, got {pair!r}")
        from .features import build_preprocessor

        known = dict.fromkeys((ord(g) for g in clf.vocabulary.tolist() if len(g) == 1), None)
        return cls(ranges, known, build_preprocessor(clf.features))

    def unknown(self, texts) -> tuple[int, int]:
        """``(unknown, all)`` characters of ``texts`` after the fold, white space aside."""
        folded = "".join("".join(self.preprocess(text) for text in texts).split())
        return len(folded.translate(self.known)), len(folded)

    def warning(self, figures: dict[str, float]) -> str:
        """The warning for a document's figures ("" if all are in range)."""
        return warning_for(self.ranges, figures)


def warning_for(ranges: dict, figures: dict[str, float]) -> str:
    """The warning for a document's figures against ``ranges`` ("" if all are in range)."""
    out = []
    for name in DOMAIN_FIGURES:
        low, high = ranges[name]
        value = figures[name]
        if value < low or value > high:
            out.append(f"{name} {value:.3f} outside {low:.3f}-{high:.3f}")
    return "unlike the reports the model knows: " + "; ".join(out) if out else ""
