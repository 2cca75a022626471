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

A document outside any range gets a ``warning`` naming the figures; a
document too short to judge (:data:`MIN_SENTENCES`, :data:`MIN_CHARACTERS`)
gets none.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["DOMAIN_FIGURES", "MIN_CHARACTERS", "MIN_SENTENCES", "DomainCheck", "check_ranges", "document_figures", "domain_check", "domain_ranges", "warning_for"]

DOMAIN_FIGURES = ("other_share", "mean_score", "unknown_chars")
_CODE_POINTS = 0x110000
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


def check_ranges(ranges) -> None:
    """Raise ValueError unless ``ranges`` maps every figure to ``[low, high]``, finite, low <= high."""
    if not isinstance(ranges, dict):
        raise ValueError(f"domain must map each of {', '.join(DOMAIN_FIGURES)} to [low, high], got {type(ranges).__name__}")
    for name in DOMAIN_FIGURES:
        pair = ranges.get(name)
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, (int, float)) and math.isfinite(v) for v in pair) and pair[0] <= pair[1]):
            raise ValueError(f"domain {name} must be [low, high] with finite low <= high, got {pair!r}")


def document_figures(sentences: int, other: int, score_sum: float, unknown: int, characters: int) -> dict[str, float]:
    """The figures of one document, from its counts: sentences, those tagged ``other``, the sum of
    the chosen labels' probabilities, and unknown and all characters."""
    return {
        "other_share": other / sentences,
        "mean_score": score_sum / sentences,
        "unknown_chars": unknown / max(characters, 1),
    }


@dataclass(frozen=True)
class DomainCheck:
    """The characters a model knows and its ranges, to measure documents and warn about those outside them.

    ``ranges`` is None for a check that only measures (training, which
    makes the ranges).
    """

    known: dict  # a str.translate table that deletes every character the model knows
    preprocess: Callable[[str], str]  # the model's fold
    ranges: dict | None = None
    # Per code point, the characters it folds to that the model lacks, and all of them (white
    # space aside), filled as characters are met; -1 where a code point has not been met yet.
    _unknown_of: np.ndarray = field(default_factory=lambda: np.full(_CODE_POINTS, -1, dtype=np.int16), compare=False, repr=False)
    _all_of: np.ndarray = field(default_factory=lambda: np.zeros(_CODE_POINTS, dtype=np.int16), compare=False, repr=False)

    @classmethod
    def of(cls, clf, *, ranged: bool = True) -> DomainCheck | None:
        """The check of a model: with its file's ranges (None if it records none, as models before
        format 3), or with ``ranged=False`` without them."""
        from .features import build_preprocessor

        ranges = None
        if ranged:
            # Checked when the model file was read (check_ranges).
            ranges = clf.metadata.get("domain")
            if not ranges:
                return None
        known = dict.fromkeys((ord(g) for g in clf.vocabulary.tolist() if len(g) == 1), None)
        return cls(known, build_preprocessor(clf.features), ranges)

    def unknown(self, texts) -> tuple[int, int]:
        """``(unknown, all)`` characters of ``texts`` after the fold, white space aside.

        The fold is a ``str.translate``, character by character: each code
        point is folded once, the first time it is met, and its counts kept
        in two tables indexed by code point, so a document costs three
        lookups per character in numpy (a report of 20,000 characters some
        0.1 ms, where sorting its code points took 1.5 ms).
        """
        codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        unknown_of, all_of = self._unknown_of, self._all_of
        unknown = unknown_of[codes]
        new = unknown < 0
        if new.any():
            for code in np.unique(codes[new]).tolist():
                folded = "".join(self.preprocess(chr(code)).split())
                unknown_of[code], all_of[code] = len(folded.translate(self.known)), len(folded)
            unknown = unknown_of[codes]
        return int(unknown.sum(dtype=np.int64)), int(all_of[codes].sum(dtype=np.int64))


@functools.lru_cache(maxsize=2)
def domain_check(clf) -> DomainCheck | None:
    """:meth:`DomainCheck.of` a model, made once per model and process: it indexes the whole vocabulary."""
    return DomainCheck.of(clf)


#: A document's shares (``other_share``, ``mean_score``) are judged from this
#: many sentences, the fewest a written report has: the ranges are those of
#: such reports, and the shares of a few sentences are mostly chance (a
#: report of 10 sentences, a tenth of them `other`, has none one time in three).
MIN_SENTENCES = 40
#: ... and its unknown characters from this many characters.
MIN_CHARACTERS = 200


def warning_for(ranges: dict, figures: dict[str, float], *, sentences: int, characters: int) -> str:
    """The warning for a document's figures against ``ranges`` ("" if all are in range).

    A figure is judged only for a document of at least :data:`MIN_SENTENCES`
    sentences (the shares) or :data:`MIN_CHARACTERS` characters, white space
    aside (the unknown characters): a short notice is no report, and no
    warning is given on its chance figures.

    >>> ranges = {"other_share": [0.03, 0.34], "mean_score": [0.86, 0.97], "unknown_chars": [0.0, 0.02]}
    >>> figures = {"other_share": 0.0, "mean_score": 0.99, "unknown_chars": 0.6}
    >>> warning_for(ranges, figures, sentences=50, characters=2000)
    'unlike the reports the model knows: other_share 0.000 outside 0.030-0.340; mean_score 0.990 outside 0.860-0.970; unknown_chars 0.600 outside 0.000-0.020'
    >>> warning_for(ranges, figures, sentences=3, characters=2000)
    'unlike the reports the model knows: unknown_chars 0.600 outside 0.000-0.020'
    >>> warning_for(ranges, figures, sentences=3, characters=60)
    ''
    """
    shares_judged = sentences >= MIN_SENTENCES
    judged = {"other_share": shares_judged, "mean_score": shares_judged, "unknown_chars": characters >= MIN_CHARACTERS}
    out = []
    for name in DOMAIN_FIGURES:
        if not judged[name]:
            continue
        low, high = ranges[name]
        value = figures[name]
        if value < low or value > high:
            out.append(f"{name} {value:.3f} outside {low:.3f}-{high:.3f}")
    return "unlike the reports the model knows: " + "; ".join(out) if out else ""
