"""The numbers Word shows before list paragraphs ("一、", "（二）", "3."), which python-docx leaves out.

A report whose "一、"/"（一）" headings are Word list numbering reads, through
``paragraph.text``, without them: no heading is recognised, and every
sentence's section path and part are lost. :class:`DocxNumbering` counts
the lists of one document in document order and gives each numbered
paragraph the text Word puts before it, from the numbering part
(``w:num`` -> ``w:abstractNum`` -> ``w:lvl``: ``w:numFmt``, ``w:lvlText``,
``w:start``, ``w:lvlRestart``, ``w:suff``) and the styles' numbering.

Only :mod:`policytext.readers` uses it, when it reads a ``.docx``.
"""

import re
import unicodedata

__all__ = ["DocxNumbering"]

# WordprocessingML's namespace, in lxml's "{uri}tag" form (no import needed).
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word's levels run 0 to 8; lvlText refers to them as %1 to %9.
_LEVELS = range(9)
_LEVEL_REF = re.compile("%([1-9])")
# Styles based on styles: a cycle or an absurd chain is cut after this many steps.
_STYLE_DEPTH = 20


class DocxNumbering:
    """The numbers Word puts before list paragraphs ("一、", "（二）", "3."), counted in document order.

    python-docx's ``paragraph.text`` leaves them out, and so would every
    heading of a report whose "一、"/"（一）" are Word numbering: no section
    path, no part. :meth:`label` is called once for each paragraph in
    document order (tables included), as Word counts them.

    A paragraph is numbered by its own ``w:numPr`` or its style's (through
    ``w:basedOn``); ``w:numId`` 0 turns numbering off. The number is the
    level's ``w:lvlText`` with %1..%9 replaced by the counters of those
    levels in their ``w:numFmt``. Bullets give nothing: their glyph is
    mostly a private character of a symbol font, garbage as text.
    """

    def __init__(self, styles, root):
        """Read the lists of one document.

        Parameters
        ----------
        styles : lxml element
            The document's ``w:styles`` (python-docx's ``document.styles.element``).
        root : lxml element or None
            Its ``w:numbering``, or None when it has no numbering part.
        """
        # Styles by id, looked up here rather than by python-docx's get_by_id,
        # whose XPath breaks on an id with a quote in it; attributes are read
        # raw throughout, as python-docx raises on a missing required one and
        # Word skips it.
        self._styles = {}
        default = None
        for style in styles.iterchildren(_W + "style"):
            self._styles.setdefault(style.get(_W + "styleId"), style)
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true", "on"):
                default = style.get(_W + "styleId")  # the last default wins, as in Word
        self._default_style = default
        self._nums = {}
        self._abstracts = {}
        if root is not None:
            for num in root.iterchildren(_W + "num"):
                self._nums.setdefault(_w_int(num, "numId"), num)
            for abstract in root.iterchildren(_W + "abstractNum"):
                self._abstracts.setdefault(_w_int(abstract, "abstractNumId"), abstract)
        self._lists = {}  # numId -> _DocxList, or None for a numId that numbers nothing
        self._counters = {}  # ("abstract", id) or ("num", id) -> {ilvl: last number given}
        self._style_numbers = {}  # style id -> (numId, ilvl) the style gives its paragraphs

    def label(self, p):
        """The number Word shows before paragraph ``p`` (a ``w:p``), with its separator, or ""."""
        if not self._nums:
            return ""  # most documents: spare the style look-ups
        num_id, level, style_id = self._numbering_of(p)
        docx_list = self._list(num_id)
        if docx_list is None:
            return ""
        if level is None:  # a style whose list level links it, else the first level
            level = docx_list.level_of_style.get(style_id, 0)
        return docx_list.label(level)

    def _numbering_of(self, p):
        """(numId, ilvl, style id) of a paragraph: its own numPr first, then its style's."""
        ppr = p.pPr
        num_id = level = None
        style_id = self._default_style
        if ppr is not None:
            if ppr.pStyle is not None:
                style_id = _w_str(ppr.pStyle, "val")
            num_id, level = _num_pr(ppr.numPr)
        style_num, style_level = self._style_number(style_id)
        if num_id is None:
            num_id = style_num
        if level is None:
            level = style_level
        return num_id, level, style_id

    def _style_number(self, style_id):
        """(numId, ilvl) a paragraph style gives, each the nearest along ``w:basedOn`` (or None)."""
        if style_id not in self._style_numbers:
            num_id = level = None
            style, seen = self._styles.get(style_id), set()
            while style is not None and style not in seen and len(seen) < _STYLE_DEPTH:
                seen.add(style)
                own_num, own_level = _num_pr(style.pPr.numPr if style.pPr is not None else None)
                num_id = own_num if num_id is None else num_id
                level = own_level if level is None else level
                style = self._styles.get(_w_str(style.find(_W + "basedOn"), "val"))
            self._style_numbers[style_id] = num_id, level
        return self._style_numbers[style_id]

    def _list(self, num_id):
        """The list (definition and counters) a ``w:num`` numbers, or None."""
        if not num_id:  # None, or 0: "no numbering", which undoes a style's
            return None
        if num_id not in self._lists:
            self._lists[num_id] = self._new_list(num_id)
        return self._lists[num_id]

    def _new_list(self, num_id):
        num = self._nums.get(num_id)
        if num is None:
            return None
        abstract_id = _w_int(num.find(_W + "abstractNumId"), "val")
        abstract = self._abstracts.get(abstract_id)
        if abstract is not None:
            # A list that uses a numbering style (w:numStyleLink) takes its
            # levels from the list that style points to (one step: no cycles).
            link = abstract.find(_W + "numStyleLink")
            linked_num, _ = self._style_number(_w_str(link, "val")) if link is not None else (None, None)
            linked = self._nums.get(linked_num)
            linked_id = _w_int(linked.find(_W + "abstractNumId"), "val") if linked is not None else None
            if self._abstracts.get(linked_id) is not None:
                abstract_id, abstract = linked_id, self._abstracts[linked_id]
        if abstract is None:
            return None
        levels = {_w_int(lvl, "ilvl"): lvl for lvl in abstract.iterchildren(_W + "lvl")}
        starts = {}
        for override in num.iterchildren(_W + "lvlOverride"):
            level = _w_int(override, "ilvl")
            if override.find(_W + "lvl") is not None:
                levels[level] = override.find(_W + "lvl")
            start = _w_int(override.find(_W + "startOverride"), "val")
            if start is not None:
                starts[level] = start
        # Word counts on through every w:num of one abstract list (a list
        # "continued" further down has a new numId); a num that restarts
        # the list (startOverride, "Restart at 1") counts on its own.
        counters = self._counters.setdefault(("num", num_id) if starts else ("abstract", abstract_id), {})
        return _DocxList(levels, starts, counters)


class _DocxList:
    """One Word list: its levels (``w:lvl`` by ilvl), start values and counters."""

    def __init__(self, levels, starts, counters):
        self.levels = levels
        self.starts = starts
        self.counters = counters  # ilvl -> the number last given at that level (shared by the nums of one list)
        self.level_of_style = {_w_str(lvl.find(_W + "pStyle"), "val"): ilvl for ilvl, lvl in levels.items()}

    def label(self, level):
        lvl = self.levels.get(level)
        if lvl is None:
            return ""  # Word shows nothing for a level the list does not define
        self.counters[level] = self.counters[level] + 1 if level in self.counters else self._start(level)
        for lower in _LEVELS:
            if lower > level and self._restarts(lower, level):
                self.counters.pop(lower, None)
        fmt = _w_str(lvl.find(_W + "numFmt"), "val") or "decimal"
        if fmt == "bullet" or _hidden(lvl):
            return ""
        legal = _on(lvl.find(_W + "isLgl"))  # "legal" numbering: every level in Arabic digits
        text = _LEVEL_REF.sub(lambda m: self._shown(int(m.group(1)) - 1, legal), _w_str(lvl.find(_W + "lvlText"), "val") or "")
        return text + _suffix(text, _w_str(lvl.find(_W + "suff"), "val") or "tab") if text.strip() else ""

    def _start(self, level):
        if level in self.starts:
            return self.starts[level]
        start = _w_int(self.levels[level].find(_W + "start"), "val") if level in self.levels else None
        return 1 if start is None else start

    def _restarts(self, lower, level):
        """Whether a number at ``level`` restarts the counter of ``lower``: by
        default any higher level does; with ``w:lvlRestart`` n, the n-th
        level (1-based) and those above it; with 0, none."""
        lvl = self.levels.get(lower)
        after = _w_int(lvl.find(_W + "lvlRestart"), "val") if lvl is not None else None
        return level < (lower if after is None else after)

    def _shown(self, level, legal):
        """Level ``level``'s counter as %n shows it (a level not yet used shows its start)."""
        lvl = self.levels.get(level)
        if lvl is None:
            return ""
        number = self.counters.get(level, self._start(level))
        fmt = "decimal" if legal else _w_str(lvl.find(_W + "numFmt"), "val") or "decimal"
        return _NUMBER_FORMATS.get(fmt, str)(number)


def _num_pr(num_pr):
    """(numId, ilvl) of a ``w:numPr`` element, None for what it leaves out."""
    if num_pr is None:
        return None, None
    return _w_int(num_pr.find(_W + "numId"), "val"), _w_int(num_pr.find(_W + "ilvl"), "val")


def _w_str(element, attribute):
    return None if element is None else element.get(_W + attribute)


def _w_int(element, attribute):
    """A w: attribute as an int; None when missing or not a number (Word skips what it cannot read)."""
    try:
        return int(_w_str(element, attribute))
    except (TypeError, ValueError):
        return None


def _on(element):
    """A WordprocessingML on/off property: present and not val="0"/"false"/"off"."""
    return element is not None and _w_str(element, "val") not in ("0", "false", "off")


def _hidden(lvl):
    """A level whose number is hidden text (w:rPr/w:vanish): Word shows no number."""
    rpr = lvl.find(_W + "rPr")
    return rpr is not None and _on(rpr.find(_W + "vanish"))


def _suffix(number, suff):
    """What follows a number. Word puts a tab (the default) or a space; in
    text a tab would make "一、\t2025年工作回顾" read as a table row, and a
    gap after a mark ("一、", "（一）", "1.", "①") is layout, not text: the
    reports' own text runs on ("1.通过…"). A number ending in a letter or
    digit ("第一章", "1") keeps a space: "1通过" would misread."""
    last = unicodedata.category(number[-1])
    return " " if suff != "nothing" and (last.startswith("L") or last == "Nd") else ""


def _chinese_counting(n):
    """一 二 … 十 十一 … 二十 … 一百零一 … 九千九百九十九 (decimal from 10,000 on)."""
    if not 0 <= n < 10000:
        return str(n)
    if n == 0:
        return "〇"
    text, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            text += ("零" if zero and text else "") + _CHINESE_DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return text[1:] if text.startswith("一十") else text  # 十一, not 一十一


def _letters(alphabet):
    """a … z, aa … zz, aaa …: Word repeats the letter (up to 30 times: a
    start of 10**9 in a file must not become a gigabyte of "z")."""
    return lambda n: alphabet[(n - 1) % 26] * ((n - 1) // 26 + 1) if 0 < n <= 26 * 30 else str(n)


def _roman(n):
    if not 0 < n < 4000:
        return str(n)
    text = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        text += letters * count
    return text


def _sequence(symbols):
    """1 -> the first symbol, …; decimal past the last (as Word does for 甲…癸 and ①…⑳)."""
    return lambda n: symbols[n - 1] if 0 < n <= len(symbols) else str(n)


_CHINESE_DIGITS = "〇一二三四五六七八九"
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_CHINESE_DIGIT_CHARS = str.maketrans("0123456789", _CHINESE_DIGITS)
# w:numFmt -> how a counter is written; any other format is written in decimal.
_NUMBER_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(_FULL_WIDTH_DIGITS),
    "decimalFullWidth2": lambda n: str(n).translate(_FULL_WIDTH_DIGITS),
    "chineseCounting": _chinese_counting,
    "chineseCountingThousand": _chinese_counting,
    "taiwaneseCounting": _chinese_counting,
    "taiwaneseCountingThousand": _chinese_counting,
    "ideographDigital": lambda n: str(n).translate(_CHINESE_DIGIT_CHARS) if n >= 0 else str(n),
    "ideographTraditional": _sequence("甲乙丙丁戊己庚辛壬癸"),
    "ideographZodiac": _sequence("子丑寅卯辰巳午未申酉戌亥"),
    "lowerLetter": _letters("abcdefghijklmnopqrstuvwxyz"),
    "upperLetter": _letters("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
    "decimalEnclosedCircle": _sequence([chr(0x2460 + i) for i in range(20)]),  # ① … ⑳
    "decimalEnclosedCircleChinese": _sequence([chr(0x2460 + i) for i in range(20)]),
    "decimalEnclosedParen": _sequence([chr(0x2474 + i) for i in range(20)]),  # ⑴ … ⒇
    "decimalEnclosedFullstop": _sequence([chr(0x2488 + i) for i in range(20)]),  # ⒈ … ⒛
    "none": lambda n: "",
}
