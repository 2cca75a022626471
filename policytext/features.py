"""Turn a sentence into the character n-grams the model weighs.

The analyzer is a chain of small, replaceable stages, as in scikit-learn's
``build_analyzer()``:

1. ``normalize``: full-width letters, digits and punctuation become their
   ASCII forms (so "，" and "," are one feature), lower case, no white
   space, and each character listed in ``fold_variants`` becomes its
   variant (traditional to simplified: "經濟" and "经济" are one feature);
   ``fold_digits`` does the same and also makes every digit "0", so
   that "新建4300亩" and "新建120亩" share the n-grams that matter ("0亩");
2. ``char_ngrams``: all character n-grams in ``ngram_range``.

Both stages are also defined as arrays (:func:`fold_table`), which is how
the batch engine applies them to a whole batch at once.

>>> analyzer = build_analyzer(FeatureParams(ngram_range=(1, 2)))
>>> analyzer("新建农田 4300亩")
['新', '建', '农', '田', '0', '0', '0', '0', '亩', '新建', '建农', '农田', '田0', '00', '00', '00', '0亩']
"""

import functools
from dataclasses import asdict, dataclass

import numpy as np

from ._validation import BOOL, Constraint, check_params, is_plain_int, one_of, optional, refusal, short_repr
from .errors import ParameterError

__all__ = ["FeatureParams", "tfidf", "normalize", "fold_digits", "char_ngrams", "build_preprocessor", "build_analyzer"]


NORMS = ("l2", "l2_tokens", "l1", None)


_FEATURE_PARAMS = {
    "ngram_range": Constraint(
        lambda v: isinstance(v, (tuple, list)) and len(v) == 2 and all(map(is_plain_int, v)) and 1 <= v[0] <= v[1] <= 4,
        "two ints with 1 <= min <= max <= 4",
    ),
    "fold_digits": BOOL,
    "norm": optional(one_of(*NORMS[:-1])),
    "min_df": Constraint(lambda v: is_plain_int(v) and v >= 1, "an int >= 1"),
}


@dataclass(frozen=True, kw_only=True)
class FeatureParams:
    """How a sentence becomes features; stored in every model file.

    Parameters
    ----------
    ngram_range : tuple of int
        Smallest and largest n-gram length, 1 <= min <= max <= 4.
    fold_digits : bool
        Map every digit to "0" before taking n-grams.
    norm : {"l2", "l2_tokens", "l1", None}
        Row normalisation of the TF-IDF vector. ``"l2_tokens"`` divides by
        ``sqrt(sum of idf**2 over the n-gram tokens)``: the l2 norm when no
        n-gram repeats, and computable without counting repeats, which the
        batch engine relies on.
    min_df : int
        An n-gram must occur in at least this many training sentences.
    fold_variants : str
        Characters folded into another before n-grams are taken, as pairs:
        each character at an even index becomes the one after it. Trained
        models carry OpenCC's traditional-to-simplified table here
        (:func:`policytext.variants.opencc_t2s`); empty folds nothing. No
        target may itself be folded, so folding once is enough.
    """

    ngram_range: tuple = (1, 3)
    fold_digits: bool = True
    norm: str = "l2_tokens"
    min_df: int = 2
    fold_variants: str = ""

    def __post_init__(self):
        # One place checks every parameter, with one wording.
        check_params("FeatureParams", _FEATURE_PARAMS, {name: getattr(self, name) for name in _FEATURE_PARAMS})
        object.__setattr__(self, "ngram_range", tuple(self.ngram_range))
        _check_variants(self.fold_variants)

    def __repr__(self):
        # The variant table runs to thousands of characters; a repr names its size.
        return (
            f"FeatureParams(ngram_range={self.ngram_range}, fold_digits={self.fold_digits}, norm={self.norm!r}, "
            f"min_df={self.min_df}, fold_variants=<{len(self.fold_variants) // 2} pairs>)"
        )

    def to_dict(self):
        d = asdict(self)
        d["ngram_range"] = list(self.ngram_range)
        return d

    @classmethod
    def from_dict(cls, d):
        if not isinstance(d, dict):
            raise ParameterError(f"features must be an object of feature settings, got {type(d).__name__}")
        return cls(**d)


def _check_variants(pairs):
    def refuse(allowed, got):
        return refusal("FeatureParams", "fold_variants", allowed, got)

    if not isinstance(pairs, str) or len(pairs) % 2:
        raise refuse("a str of character pairs", f"{short_repr(pairs)}, of {len(pairs)} characters" if isinstance(pairs, str) else short_repr(pairs))
    sources, targets = pairs[0::2], pairs[1::2]
    if len(set(sources)) != len(sources):
        twice = next(c for i, c in enumerate(sources) if c in sources[:i])
        raise refuse("pairs that fold each character at most once", f"{twice!r} folded twice")
    if set(sources) & set(targets):
        raise refuse("pairs that fold no character into one that is folded again", f"{sorted(set(sources) & set(targets))[:5]} folded again")
    if any(ord(c) >= FOLD_LIMIT for c in pairs):
        raise refuse(f"characters below U+{FOLD_LIMIT:04X} only", f"{chr(max(map(ord, pairs)))!r}")


def tfidf(counts, idf, norm):
    """Weigh a count matrix by ``idf`` and normalise its rows as ``norm`` says.

    The one place where the model's feature values are defined, for
    training and for inference.
    """
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize as normalize_rows

    X = sp.csr_matrix(counts.multiply(idf), dtype=np.float64)
    if norm == "l2_tokens":
        sq = np.sqrt(np.asarray(counts @ (idf * idf)).ravel())
        sq[sq == 0] = 1.0
        return sp.diags(1.0 / sq) @ X
    if norm is not None:
        return normalize_rows(X, norm=norm, copy=False)
    return X


# The fold covers the Basic Multilingual Plane; characters above it are kept.
FOLD_LIMIT = 0x10000
DELETE = -1
_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    chr(c) for c in range(0x2000, 0x200C)
)


@functools.lru_cache(maxsize=4)
def fold_table(digits=False, variants=""):
    """The per-character fold as an array: ``table[code]`` is the code it becomes, or -1 to drop it.

    Full-width ASCII forms (U+FF01-FF5E) become ASCII, so "，" and "," are one
    feature; letters become lower case; white space is dropped; with
    ``digits``, every ASCII digit becomes "0"; ``variants`` (pairs, as
    :attr:`FeatureParams.fold_variants`) folds each listed character into
    its partner. A fixed table rather than NFKC: it is the same on every
    Python and a batch can apply it in numpy, so every fold costs the same
    one lookup per character.
    """
    table = np.arange(FOLD_LIMIT, dtype=np.int64)
    if variants:
        table[[ord(c) for c in variants[0::2]]] = [ord(c) for c in variants[1::2]]
    table[0xFF01:0xFF5F] = np.arange(0x21, 0x7F)
    upper = (table >= ord("A")) & (table <= ord("Z"))
    table[upper] += ord("a") - ord("A")
    if digits:
        table[(table >= ord("0")) & (table <= ord("9"))] = ord("0")
    table[[ord(c) for c in _SPACES]] = DELETE
    return table


@functools.lru_cache(maxsize=4)
def _translation(digits, variants=""):
    table = fold_table(digits, variants)
    changed = np.flatnonzero(table != np.arange(FOLD_LIMIT))
    return {int(c): (None if table[c] == DELETE else int(table[c])) for c in changed}


def normalize(text, *, variants=""):
    """Fold width and case, drop white space, fold the ``variants`` pairs.

    >>> normalize("ＧＤＰ 增长５％，")
    'gdp增长5%,'
    >>> normalize("經濟 增長", variants="經经濟济長长")
    '经济增长'
    """
    return text.translate(_translation(False, variants))


def fold_digits(text, *, variants=""):
    """Normalise as :func:`normalize` does, and make every digit "0".

    >>> fold_digits("２０２３年 完成6.6亿元")
    '0000年完成0.0亿元'
    """
    return text.translate(_translation(True, variants))


def char_ngrams(text, ngram_range):
    """All character n-grams of ``text``, shortest first, in text order."""
    lo, hi = ngram_range
    grams = []
    n_chars = len(text)
    for n in range(lo, min(hi, n_chars) + 1):
        grams.extend(text[i : i + n] for i in range(n_chars - n + 1))
    return grams


def _analyze(text, preprocess, ngram_range):
    return char_ngrams(preprocess(text), ngram_range)


def build_preprocessor(params):
    """Return the text -> text stage chain that ``params`` asks for."""
    fold = fold_digits if params.fold_digits else normalize
    return functools.partial(fold, variants=params.fold_variants) if params.fold_variants else fold


def build_analyzer(params):
    """Return a callable mapping one sentence to its list of n-grams.

    It is a ``functools.partial`` of module functions, so it pickles and can
    be sent to worker processes.
    """
    return functools.partial(_analyze, preprocess=build_preprocessor(params), ngram_range=params.ngram_range)
