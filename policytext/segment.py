"""Split report text into sentences with exact offsets and section context.

Work reports are written in paragraphs of long sentences, opened by numbered
headings (一、 / 第一部分 / （一） / 1. / 第一，) and by lead sentences such as
"半年来，我们……". Each sentence keeps its offsets into the original text
(``text[start:end] == span.text``) and the path of headings above it, so a
reader can see where a label came from.

A line break ends a sentence, except where the text was hard-wrapped (a PDF
text layer breaks every 30-40 characters; wiki exports break around links):
a line that cannot end there (it ends with "，" or an opening bracket, or
the next line opens with closing punctuation) or, in a wrapped text, a full
line without a sentence end, is joined with the next line, unless that
line is a heading, is indented, follows a blank line, or is a page number.
A line break that a reader found inside a paragraph (:data:`SOFT_BREAK`:
Word's manual line break, HTML's ``<br>`` inside a block) is joined unless
the line before or after it stands alone, whatever the rest of the text
does. A joined sentence keeps its line breaks (``span.text`` is the
original text); the model ignores white space.

>>> spans = split_sentences("一、工作回顾\\n半年来，我们抓经济。完成产值5亿元；新增企业3家。")
>>> [s.text for s in spans]
['一、工作回顾', '半年来，我们抓经济。', '完成产值5亿元；', '新增企业3家。']
>>> spans[2].section
('一、工作回顾', '半年来，我们抓经济。')
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import partial
from itertools import accumulate, compress, repeat
from operator import add, itemgetter
from typing import IO, NamedTuple

from ._validation import TEXT_STREAM, check_params, check_text, int_between

__all__ = [
    "INVISIBLE", "LEAD_LEVEL", "NUMBERED_FIRST", "SOFT_BREAK", "Span", "split_sentences", "iter_sentences", "heading_level", "heading_words",
    "is_hard_wrapped", "is_page_mark", "line_breaks", "numbered_task",
]  # fmt: skip

# Characters that end a sentence. A run of them ("？！", "。。") stays together.
_TERMINATORS = frozenset("。！？；!?;")
# Closing marks that belong to the sentence they follow ("……。”").
_TRAILING = frozenset("”’）)】》」』")
_PAIRS = {"“": "”", "‘": "’", "（": "）", "(": ")", "【": "】", "《": "》", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
# Line breaks end a sentence whatever brackets are open, unless the line
# goes on in the next one (wrapped text, a link on a line of its own).
_BREAKS = "\n\r\u2028\u2029\x0b\x0c\x85"
#: A line break inside a paragraph, as :func:`policytext.readers.read_document`
#: writes Word's manual line breaks and HTML's ``<br>`` inside a block:
#: Unicode's LINE SEPARATOR, which means just that. It ends no sentence
#: that goes on in the next line (see _goes_on_softly), whether or not the
#: rest of the text is wrapped.
SOFT_BREAK = "\u2028"
_OTHER_BREAKS = _BREAKS.replace("\n", "")
_LINE = re.compile(f"[^{_BREAKS}]+")
_INDENT = re.compile(f"[^\\S{_BREAKS}]*")  # the white space opening a line
# A line ending with one of these goes on in the next line; a line opening
# with one of these goes on from the one before.
_OPEN_ENDS = frozenset("，、（(“‘《【「『")
_CLOSED_STARTS = _TERMINATORS | _TRAILING | frozenset("，、：:")
#: A text is hard-wrapped when, of its lines at least this share of the
#: typical long line, most do not end a sentence.
_FULL_SHARE = 0.8
#: A heading line goes on if it is full, or nearly full and followed by a
#: short line: a heading whole on its line is short. Nearly, as the 90th
#: percentile of widths is a little above a full line where some lines took
#: a closing mark past the wrap, and a line of Chinese characters falls
#: short of one with half-width digits by up to one column (or by a few
#: characters in a text wrapped at a count of characters).
_HEADING_SHARE = 0.9
_HEADING_LEAST = 20

_NUM = "一二三四五六七八九十百零〇"
# Page numbers and running marks of printed pages: never joined to text.
_CLUTTER = re.compile(r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4})$")
# Lines that are whole however long: the date line under a report's title
# ("——2026年1月20日在…会议上") and a photo credit ("…本报记者 某某 摄").
# (Traditional forms too: 會議, 記者, 攝.)
_YEAR = r"[\d〇一二三四五六七八九零○]{4}\s*年"
_WHOLE_LINE = re.compile(rf"^[—－-]{{0,2}}\s*{_YEAR}.*(会[议議]|會[议議]|大[会會])上$|[记記]者.{{1,12}}[摄攝]$")
# Rows of a table flattened to text (cells apart by tabs or runs of spaces)
# are full-width, unterminated lines too, but never one sentence.
_TABLE_ROW = re.compile(r"\S(?:\t|\s{2,})\S")
# List items ("一是…", "二是…") open a line of their own.
_LIST_ITEM = re.compile(f"^[{_NUM}]+是")
# Web pages put a link's text or a subscript on a line of its own, cutting a
# paragraph in three ("…以PM" / "2.5" / "浓度持续下降为主线…"; "…发展的" /
# "主要预期目标" / "是：…"). Such a line is short and ends nothing; the line
# it cuts is a paragraph's text (long, with a comma or stop inside), which a
# page's header lines ("来源：…", "——2026年1月26日，于…会议", "【字体：") are
# not; a name under the date line has a space in it ("省长　某某").
_LINK_MOST = 12
_BODY_LEAST = 20
_DATE_LINE = re.compile(rf"^[—－-]{{1,2}}\s*{_YEAR}")
_BODY_MARK = re.compile("[，。；、]")
# (level, pattern) pairs; the first that matches the start of a line wins.
_HEADING_PATTERNS = [
    (1, re.compile(rf"^[{_NUM}]+[、.．]")),
    # County and city reports divide into "第一部分　2025年工作回顾" / "第二部分
    # …": the top level, as "一、" is. The space or colon after it is taken
    # with the number, so that heading_words gives the words alone; it must
    # be there (or nothing follows): "第三部分主要包括…", "第一部分是…" are
    # sentences about a part.
    (1, re.compile(rf"^第[{_NUM}]+部分(?:[\s：:、]+|$)")),
    (2, re.compile(rf"^[（(][{_NUM}]+[）)]")),
    (3, re.compile(r"^\d{1,2}[、.．](?!\d)")),
    (3, re.compile(rf"^第[{_NUM}]+[，,、：:](?!是)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
]
_LEAD = re.compile(
    rf"^(?:半年来|一年来|今年以来|去年以来|上半年|过去[{_NUM}]年|[{_NUM}]年来|\d{{4}}年以来)[，,]?\s*我们"
)
#: The :func:`heading_level` of a paragraph's lead sentence ("半年来，我们……"), which is no numbered heading.
LEAD_LEVEL = 9
# All of them in one regex, one group each in the same order, so that the
# first that matches wins; the number of its group gives the level.
_HEADING = re.compile("|".join(f"({pattern.pattern})" for pattern in [p for _, p in _HEADING_PATTERNS] + [_LEAD]))
_HEADING_LEVELS = [None] + [level for level, _ in _HEADING_PATTERNS] + [LEAD_LEVEL]
#: Every heading, lead sentence and list item begins with one of these (of
#: the patterns above): a test that spares most sentences a call to
#: :func:`heading_level` or :func:`numbered_task`. The digits are ASCII and
#: full-width ("１．推进产业升级"), as ``\d`` in the patterns matches both.
NUMBERED_FIRST = frozenset(_NUM + "（(0123456789０１２３４５６７８９第半今去上过")
#: Characters a stream is first read to decide whether it is hard-wrapped.
_SAMPLE_CHARS = 1 << 16
#: Runs longer than this without a sentence end are cut into pieces.
MAX_SENTENCE_CHARS = 1000


class Span(NamedTuple):
    """One sentence of a text: its offsets, its text, its section path and its line.

    ``line`` numbers the text's logical lines (paragraphs, with hard-wrapped
    lines joined) from 0: sentences with the same ``line`` are one
    paragraph, which the context stage reads together.

    A named tuple rather than a frozen dataclass: a report of 50 MB has
    400,000 of them, and a frozen dataclass takes four times as long to build.
    """

    start: int
    end: int
    text: str
    section: tuple[str, ...] = ()
    is_heading: bool = False
    line: int = 0


def heading_level(sentence: str) -> int | None:
    """Return the heading level of ``sentence`` (1 is highest) or ``None``.

    Lead sentences ("半年来，我们……") are reported as level 9: they give
    context to the rest of their paragraph only.

    >>> heading_level("（二）坚持项目为王"), heading_level("半年来，我们科学谋划。"), heading_level("完成产值5亿元。")
    (2, 9, None)
    """
    if sentence[:1] not in NUMBERED_FIRST:
        return None  # most sentences: no pattern can match
    m = _HEADING.match(sentence)
    return None if m is None else _HEADING_LEVELS[m.lastindex or 0]  # a match sets lastindex: never 0


def heading_words(sentence: str) -> str | None:
    """The words of a numbered heading after its number, or ``None`` for a sentence that is none.

    >>> heading_words("二、2026年工作安排"), heading_words("半年来，我们科学谋划。")
    ('2026年工作安排', None)
    """
    if sentence[:1] not in NUMBERED_FIRST:
        return None
    m = _HEADING.match(sentence)
    if m is None or _HEADING_LEVELS[m.lastindex or 0] == LEAD_LEVEL:
        return None
    return sentence[m.end() :]


def numbered_task(sentence: str) -> str | None:
    """``"heading"`` for a numbered heading (一、 （一） 1. 第一， （1）), ``"item"`` for a list item (一是…), else None.

    >>> numbered_task("（二）坚持项目为王"), numbered_task("一是加快项目建设。"), numbered_task("半年来，我们科学谋划。")
    ('heading', 'item', None)
    """
    level = heading_level(sentence)
    if level is not None and level != LEAD_LEVEL:
        return "heading"
    return "item" if _LIST_ITEM.match(sentence) else None


_SENTENCE_END = re.compile("[" + re.escape("".join(_TERMINATORS)) + "][" + re.escape("".join(_TERMINATORS | _TRAILING)) + "]*")
_TERMINATOR = re.compile("[" + re.escape("".join(_TERMINATORS)) + "]")
_TRAILING_CHARS = "".join(_TRAILING)


def _ends_sentence(line):
    """Whether the stripped ``line`` ends with a sentence end (``_SENTENCE_END`` at its end).

    It does if, past its closing marks, it ends with a terminator: a test of
    its last characters, where a regex search would read all of it.
    """
    return line.rstrip(_TRAILING_CHARS)[-1:] in _TERMINATORS


_BRACKET = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "]")
_OPENER = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
_FLAT_PAIRS = re.compile("(?:" + "|".join(re.escape(o + c) for o, c in _PAIRS.items()) + ")*")

# The fast path of _Splitter.lines finds the sentences of most lines in one
# findall. A sentence is text up to and with its first sentence end (a run
# of terminators and closing marks, as _SENTENCE_END), or the rest of the
# line, without the white space around it (``\s`` is exactly
# ``str.isspace()``). A bracket is only taken in a matched pair with no
# sentence end inside, which may hold such pairs but no other bracket
# ("“中心”", "《纲要（草案）》"). findall skips any other bracket (a stray
# "（", "“好。”", pairs three deep), so the sentences then miss part of the
# line: _Splitter.lines checks that they cover it, and otherwise takes the
# general path (_line_pieces). Where they cover it, the pairs are those
# _protected finds (no bracket stays open outside them), none holds a
# sentence end, and so _line_pieces would cut at every sentence end, as
# this does.
_T = re.escape("".join(_TERMINATORS))
_B = re.escape("".join(_PAIRS) + "".join(_CLOSERS))
_TEXT = f"[^{_T}{_B}]*"  # text with no sentence end and no bracket
_INNER_PAIR = "(?:" + "|".join(f"{re.escape(o)}{_TEXT}{re.escape(c)}" for o, c in _PAIRS.items()) + ")"
_PAIR = "(?:" + "|".join(f"{re.escape(o)}{_TEXT}(?:{_INNER_PAIR}{_TEXT})*{re.escape(c)}" for o, c in _PAIRS.items()) + ")"
_RUN = f"{_TEXT}(?:{_PAIR}{_TEXT})*"  # text up to a sentence end or a bracket not in a pair
_END = f"[{_T}][{_T}{re.escape(_TRAILING_CHARS)}]*"  # as _SENTENCE_END
_PLAIN_SENTENCE = re.compile(
    # Opens on a character that is no white space, then goes on to a sentence
    # end, or stops on a character that is no white space; or is a sentence end alone.
    rf"(?:[^\s{_T}{_B}]|{_PAIR}){_RUN}(?:{_END}|(?<!\s))|{_END}"
)


def _protected(line):
    """Spans ``(start, end)`` inside matched quote and bracket pairs, outermost only.

    Only matched pairs protect their content, so a stray "“" cannot swallow
    the rest of a line.
    """
    marks = _BRACKET.findall(line)
    if _FLAT_PAIRS.fullmatch("".join(marks)):
        # The common case: pairs side by side, none inside another.
        at = [m.start() for m in _BRACKET.finditer(line)]
        return [(a + 1, b) for a, b in zip(at[::2], at[1::2])]
    spans, stack = [], []
    # How many openers of each kind the stack holds: a closer whose kind has
    # none open is ignored at once. Searching the stack for it instead made a
    # line of many unclosed "“" and stray "1）" quadratic. A closer that has
    # its opener pops at least that opener, so the search costs what it pops.
    open_count = dict.fromkeys(_PAIRS, 0)
    for m in _BRACKET.finditer(line):
        ch, i = m.group(), m.start()
        if ch in _PAIRS:
            stack.append((ch, i))
            open_count[ch] += 1
            continue
        opener = _CLOSERS[ch]
        if not open_count[opener]:
            continue  # an unmatched closer
        # Pop to the nearest matching opener.
        depth = len(stack) - 1
        while stack[depth][0] != opener:
            depth -= 1
        opened = stack[depth][1]
        for popped, _ in stack[depth:]:
            open_count[popped] -= 1
        del stack[depth:]
        if not stack:
            while spans and spans[-1][0] > opened:  # an inner pair closed earlier
                spans.pop()
            spans.append((opened + 1, i))
    return spans


def _line_pieces(line, max_chars):
    """``(start, end)`` of the sentences of one line, before trimming."""
    if _OPENER.search(line) is None:
        # No quotes or brackets to look inside: every sentence end counts.
        ends = [m.end() for m in _SENTENCE_END.finditer(line)]
    else:
        ends = _ends_outside_pairs(line)
    if not ends or ends[-1] < len(line):
        ends.append(len(line))
    pieces, start = [], 0
    for end in ends:
        if end - start > max_chars:
            # A run with no sentence end (a table flattened to one line, a
            # corrupt file) is cut into pieces rather than tagged as one.
            pieces += [(cut, min(cut + max_chars, end)) for cut in range(start, end, max_chars)]
        else:
            pieces.append((start, end))
        start = end
    return pieces


def _ends_outside_pairs(line):
    """Sentence ends of ``line`` that are not inside matched quotes or brackets."""
    protected = _protected(line)
    if not any(_TERMINATOR.search(line, a, b) for a, b in protected):
        return [m.end() for m in _SENTENCE_END.finditer(line)]  # most lines: quotes hold no sentence end
    starts = [a for a, _ in protected]
    ends, pos = [], 0
    while (m := _SENTENCE_END.search(line, pos)) is not None:
        k = bisect.bisect_right(starts, m.start()) - 1
        close = protected[k][1] if k >= 0 else -1
        if m.start() < close and not _quote_ends_sentence(line, m, starts[k], close):
            # Inside quotes or brackets: look on after this sentence end, up
            # to the closing mark (a run to it may end the quotation), then after it.
            pos = m.end() if m.end() < close else close
            continue
        ends.append(pos := m.end())
    return ends


# A quoted utterance ("毛主席说过：“……多一点人好。”我们要……") that ends
# with a sentence end closes the sentence that quotes it, unless the text
# goes on from it: with punctuation ("。”，"), or a word that ties it to what
# follows ("。”等", "。”并强调"). Only an utterance: a quotation opened after
# a colon or a comma ("指示，“……”"), or opening a sentence. A slogan or name
# quoted inside a clause goes on whatever follows ("践行“绿水青山就是金山银山。”理念",
# "提出“发展才是硬道理。”“稳定压倒一切。”等论断").
_QUOTE_CLOSERS = "”’」』"
_AFTER_QUOTE_GOES_ON = frozenset("，,、：:的之等与及并和或")
_UTTERANCE_OPENS = frozenset("：:，,")


def _opens_utterance(line, opening):
    """Whether the quotation whose first character inside is at ``opening`` opens after a colon or comma, or opens a sentence."""
    before = line[: opening - 1].rstrip()  # without the opening mark
    if not before or before[-1] in _UTTERANCE_OPENS or before[-1] in _TERMINATORS:
        return True
    return before[-1] in _QUOTE_CLOSERS and before.rstrip(_QUOTE_CLOSERS)[-1:] in _TERMINATORS


def _quote_ends_sentence(line, end, opening, close):
    """Whether the sentence end ``end`` (a match of _SENTENCE_END in ``line``) ends the quotation
    from ``opening`` to ``close`` and the sentence with it.

    So it does if the quotation is an utterance (:func:`_opens_utterance`),
    runs to the closing quote from the sentence end through quotes only
    ("。”", "。’”", not "。）”") and a new sentence follows, or nothing does.
    """
    if end.end() <= close or line[:close + 1].rstrip(_QUOTE_CLOSERS)[-1:] not in _TERMINATORS:
        return False
    if not _opens_utterance(line, opening):
        return False
    rest = line[end.end() :].lstrip()
    return not rest or rest[0] not in _AFTER_QUOTE_GOES_ON


class _Wrap(NamedTuple):
    """The width a text was hard-wrapped at, in characters and in printed columns (see _columns).

    ``indented``: whether its paragraphs open with an indent, so that a line
    without one goes on from the line before.
    """

    chars: float
    columns: float
    indented: bool = False


def _columns(line):
    """The printed width of ``line`` in columns of a Chinese character: a half-width (ASCII) character takes half a column.

    A PDF's text layer is cut where the printed line is full, so a line with
    digits or Latin letters holds more characters than a line of Chinese
    only: in characters, a heading of Chinese characters falls short of the
    typical long line while it fills its printed line.
    """
    return len(line) - len(line.encode("ascii", "ignore")) / 2


def _reaches(line, share, width, indent=""):
    """Whether the stripped ``line``, after its ``indent``, reaches ``share`` of the wrap ``width`` (a _Wrap).

    In characters or in printed columns: a text is wrapped at one or the
    other (a PDF at a printed width, a plain text at a count of
    characters), and a line full in the unit it was cut in is full. The
    indent counts: a paragraph's indented first line is as full as the others.
    """
    return len(indent) + len(line) >= share * width.chars or _columns(indent) + _columns(line) >= share * width.columns


def _wrap_width(lines):
    """The width a text was hard-wrapped at (a _Wrap), or ``None`` if it was not.

    ``lines`` are the text's stripped, non-empty lines. In a wrapped text
    most lines are full (near the 90th percentile of lengths, since few
    lines run past the wrap) and most full lines stop mid-sentence; in a
    text of one paragraph a line, the long lines are paragraphs, which end
    sentences.
    """
    if len(lines) < 3:
        return None
    at = (9 * len(lines)) // 10
    chars, columns = list(map(len, lines)), list(map(_columns, lines))  # each once: this runs on every text
    width = _Wrap(sorted(chars)[at], sorted(columns)[at])
    least_chars, least_columns = _FULL_SHARE * width.chars, _FULL_SHARE * width.columns
    full = [line for line, n, c in zip(lines, chars, columns) if n >= 10 and (n >= least_chars or c >= least_columns)]
    open_ = sum(not _ends_sentence(line) for line in full)
    return width if len(full) >= 3 and 2 * open_ > len(full) else None


# A date line or photo credit wraps to a few lines at most: only the
# first few lines of a logical line are tested against _WHOLE_LINE, so a
# long wrapped paragraph is not joined again at every line.
_WHOLE_LINE_MOST = 3
# The last character of any text _WHOLE_LINE matches (a stripped text, so
# "$" is its end): a test of it saves most searches.
_WHOLE_LINE_LAST = "上摄"


def is_page_mark(line: str) -> bool:
    """Whether a stripped line is a printed page's number ("- 3 -", "第3页", "3/12"), never part of a sentence.

    >>> is_page_mark("- 3 -"), is_page_mark("第12页 共30页"), is_page_mark("3%")
    (True, True, False)
    """
    return _CLUTTER.match(line) is not None


def _is_table_row(line):
    """Whether _TABLE_ROW is found in the stripped ``line``, searching only where it may be.

    A match needs a tab or two white space characters side by side. Every
    white space character but " " is unprintable, so a printable line
    without "  " has neither; that test takes a tenth of the time of the search.
    """
    return (not line.isprintable() or "  " in line) and _TABLE_ROW.search(line) is not None


def _goes_on(lines, nxt, width, after=None, indent=""):
    """Whether the stripped ``lines`` joined so far go on in the stripped next line ``nxt``.

    ``width`` is the wrap width (a _Wrap, None if the text is not wrapped).
    ``after`` is the stripped line right after ``nxt`` (None if a blank line
    or the end comes first): a paragraph cut by a link's line goes on only if
    the text after the link does. ``indent`` is the white space before the
    first of ``lines``.
    """
    line = lines[-1]
    line_indent = indent if len(lines) == 1 else ""  # only a paragraph's first line is indented
    # A link's line is cut from a line that ends short of the wrap width: a
    # full line goes on anyway, and the short line after it ends a paragraph.
    if len(nxt) <= _LINK_MOST and _is_link(nxt) and after is not None and _may_open(after):
        if (width is None or not _reaches(line, _FULL_SHARE, width, line_indent)) and _is_body(lines):
            return True
    if len(lines) > 1 and len(line) <= _LINK_MOST and _is_link(line) and _may_open(nxt):
        if (width is None or not _reaches(lines[-2], _FULL_SHARE, width, indent if len(lines) == 2 else "")) and _is_body(lines[:-1]):
            return True
    if _is_subscript(line, nxt, after, width) or (len(lines) > 1 and _is_subscript(lines[-2], line, nxt, width)):
        return True
    if width is None and nxt[0] not in _CLOSED_STARTS and line[-1] not in _OPEN_ENDS:
        return False  # what every test below would conclude, in an unwrapped text; the common case
    if (settled := _settled(lines, nxt)) is not None:
        return settled
    if heading_level(nxt) is not None and not _heading_look_alike(lines, nxt, width, line_indent):
        return False
    if line[-1] in _OPEN_ENDS:
        # Even into a list item: "…一是首都功能持续提升，" wrapped before "二是…".
        # Unwrapped reports never end a line with a comma before one.
        return True
    if _LIST_ITEM.match(nxt):
        return False
    if width is None or _ends_sentence(line) or _is_table_row(line) or _is_table_row(nxt):
        return False
    # A heading that stops short of the wrap width is whole; other lines
    # vary more in length, so any long line goes on. A heading with a
    # sentence end inside runs into its paragraph ("（一）…能级。强化联动发展、
    # 相"), which goes on as any text does.
    heading = heading_level(line) if len(lines) == 1 else None
    if heading is not None and heading < 9 and _TERMINATOR.search(line) is None and not _runs_on(line):
        return _heading_goes_on(line, nxt, width, line_indent)
    return _reaches(line, _FULL_SHARE, width, line_indent)


def _settled(lines, nxt):
    """What wrapped and soft-broken lines alike settle first: None if neither rule applies.

    Page clutter and a line that is whole by its words (the session line
    "……会议上", a photo credit "记者…摄") end there; a next line opening with
    closing punctuation goes on.
    """
    line = lines[-1]
    if _CLUTTER.match(line) or _CLUTTER.match(nxt):
        return False
    if len(lines) <= _WHOLE_LINE_MOST and line[-1] in _WHOLE_LINE_LAST and _WHOLE_LINE.search("".join(lines)):
        return False
    if nxt[0] in _CLOSED_STARTS:
        return True
    return None


def _goes_on_softly(lines, nxt, nxt_soft):
    """Whether the stripped ``lines`` joined so far go on in the stripped next line ``nxt`` past a :data:`SOFT_BREAK`.

    A reader puts a soft break where a line of a paragraph was broken by
    hand (Word's manual line break, HTML's ``<br>``), at a width or
    anywhere in a sentence. It ends no sentence, unless the line before it
    ends one (or ends with a colon), is short with no comma in it and
    opens its paragraph or follows another line with none (a title, a
    name, a time), is a date line, a table row or a page number, or is a
    heading alone (a heading whose line was broken just before its end
    goes on into the short rest that ends its paragraph: "…打造我国向北开放重要桥"
    / "头堡。"); or unless ``nxt`` stands on a line of its own: a heading
    alone that ends its paragraph (``nxt_soft``: whether a soft break
    follows ``nxt``), a list item or a date line. As in wrapped text, a
    line ending in "，" goes on even into a list item, and any line goes on
    into one opening with closing punctuation.
    """
    line = lines[-1]
    if (settled := _settled(lines, nxt)) is not None:
        return settled
    if _ends_sentence(line) or line[-1] in "：:" or _is_table_row(line) or _is_table_row(nxt):
        return False
    if _heading_alone(nxt) and not nxt_soft:
        return False
    if line[-1] in _OPEN_ENDS:
        return True
    if _LIST_ITEM.match(nxt) or _DATE_LINE.match(nxt):
        return False
    if len(line) < _BODY_LEAST and _BODY_MARK.search(line) is None and (len(lines) == 1 or _BODY_MARK.search(lines[-2]) is None):
        return False  # a title, a name, a time: short, no comma, and not cut out of a paragraph's text (a link's words, "PM" / "2.5")
    if len(lines) == 1 and _heading_alone(line) and not _runs_on(line):
        return len(line) >= _HEADING_LEAST and 2 * len(nxt) <= len(line) and not nxt_soft
    return True


def _runs_on(heading):
    """Whether the stripped heading line ``heading`` runs on past a colon (a term and its explanation: "11.“网链共享计划”：四川省在…")."""
    colon = max(heading.find("："), heading.find(":"))
    return 0 < colon < len(heading) - 1


def _heading_goes_on(line, nxt, width, indent):
    """Whether a wrapped text's heading line ``line`` (stripped, with no sentence end inside) goes on in the stripped next line ``nxt``.

    A heading short of the wrap width is whole; a full one goes on. Nearly
    full, it goes on only into a short line: the rest of the heading
    ("…打造我国向北开放重要桥" / "头堡。"), not a paragraph. Where paragraphs
    open indented, though, a line without an indent (which ``nxt`` is) is
    no paragraph: the heading goes on in it if it is as full as any line
    that goes on ("1.通过…劳务报酬20亿" / "元以上；扩大…").
    (Of 20 characters at least: a short text's headings may be its long lines.)
    """
    if _reaches(line, 1, width, indent):
        return True
    if len(line) < _HEADING_LEAST:
        return False
    if width.indented:
        return _reaches(line, _FULL_SHARE, width, indent)
    return _reaches(line, _HEADING_SHARE, width, indent) and not _reaches(nxt, _FULL_SHARE, width)


def _heading_look_alike(lines, nxt, width, indent=""):
    """Whether ``nxt``, which opens like a heading, goes on from the stripped ``lines`` joined so far, in a wrapped text.

    It does mid-paragraph: where the last line is full and ends no sentence
    ("…占比居全国" / "第二，新增9家…", "…全面清" / "零、全国唯一…",
    "…大赛" / "一、二等奖。", "…G1" / "09、G219…"), unless ``nxt`` is a
    heading alone and short of the width ("（二）抓农业"), as no wrapped
    line of text is. A heading after a heading, a title line, a table row
    or a line ending with "：" (a list's lead) stands alone. ``indent``: the
    white space before the last of ``lines``.
    """
    line = lines[-1]
    return (
        width is not None and _reaches(line, _FULL_SHARE, width, indent) and not _ends_sentence(line)
        and line[-1] not in "：:" and not _heading_alone("".join(lines)) and not _is_table_row(line)
        and (_reaches(nxt, _FULL_SHARE, width) or not _heading_alone(nxt))
    )  # fmt: skip


def _is_body(lines):
    """Whether the stripped ``lines`` joined so far are a paragraph's text left open (see _LINK_MOST)."""
    first, last = lines[0], lines[-1]
    if _ends_sentence(last) or last[-1] in "：:" or heading_level(first) is not None or _DATE_LINE.match(first):
        return False
    text = "".join(lines[-3:])  # enough to be long: wrapped lines are long, or the last one is
    return len(text) >= _BODY_LEAST and _BODY_MARK.search(text) is not None and not _WHOLE_LINE.search(text)


def _is_link(line):
    """Whether the stripped ``line`` may be a link's text or a subscript cut out of a paragraph."""
    return (
        len(line) <= _LINK_MOST and _SENTENCE_END.search(line) is None and line[-1] not in "：:"
        and not any(map(str.isspace, line)) and _may_open(line)
    )  # fmt: skip


# A subscript of digits on a line of its own (web copies: "广义货币M" / "2" /
# "增长13.6%…", "（PM" / "10" / "）治理…") looks like a bare page number,
# which is never joined. It follows the symbol it belongs to, a Latin letter,
# and the text goes on in the line after it. A page number follows a
# sentence end or a heading, or, on a wrapped page, a full line (the page's
# foot, where a line ending in a letter is no sign): it stays apart.
_SUBSCRIPT = re.compile(r"[0-9]{1,2}(?:\.[0-9])?")  # "2", "10", "2.5"
_SUBSCRIPT_MOST = 4


def _is_subscript(before, number, after, width):
    """Whether the stripped line ``number`` is a subscript between the stripped lines ``before`` and ``after`` (None: none)."""
    return (
        len(number) <= _SUBSCRIPT_MOST and _SUBSCRIPT.fullmatch(number) is not None
        and _ends_in_symbol(before) and not _heading_alone(before) and after is not None and _may_open(after)
        and (width is None or not _reaches(before, _FULL_SHARE, width))
    )  # fmt: skip


def _ends_in_symbol(line):
    """Whether the stripped ``line`` ends with a Latin letter, as a symbol with a subscript ("M", "PM", "CO")."""
    return line[-1].isascii() and line[-1].isalpha()


def _heading_alone(line):
    """Whether the stripped ``line`` is a numbered heading with no sentence in it ("二、发展AI", not "第二，…。…" nor "五年来，我们…")."""
    level = heading_level(line)
    return level is not None and level != LEAD_LEVEL and _TERMINATOR.search(line) is None


def _may_open(line):
    """Whether the stripped ``line`` may go on from the line before: no heading, list item or page number."""
    return heading_level(line) is None and _LIST_ITEM.match(line) is None and _CLUTTER.match(line) is None


def _link_lines(stripped):
    """Whether some line of ``stripped`` may be a link's line (see _LINK_MOST) or a subscript: the cheap test, before the line by line one."""
    return any(
        (len(m) <= _LINK_MOST and len(p) >= _BODY_LEAST and _is_body([p])) or (len(m) <= _SUBSCRIPT_MOST and _ends_in_symbol(p))
        for p, m in zip(stripped, stripped[1:])
    )


def _non_blank_lines(text):
    """``(start, end)`` of the lines of ``text`` that are not blank, as _LINE finds them, and those lines stripped."""
    if any(ch in text for ch in _OTHER_BREAKS):
        found = [m.span() for m in _LINE.finditer(text) if not m.group().isspace()]
        return found, [text[a:b].strip() for a, b in found]
    # Only "\n" breaks lines, as in most texts: str.split and itertools
    # take half the time of _LINE and a loop over the lines.
    lines = text.split("\n")
    stripped = list(map(str.strip, lines))
    starts = list(accumulate([len(line) + 1 for line in lines], initial=0))
    ends = map(add, starts, map(len, lines))
    return list(compress(zip(starts, ends), stripped)), list(filter(None, stripped))


def _may_go_on(stripped):
    """Whether, in an unwrapped text, a line may go on in the next, as _goes_on's first test finds.

    ``stripped``: the text's stripped non-blank lines. For a line to go
    on, it ends with a mark in _OPEN_ENDS or the next one opens with a mark
    in _CLOSED_STARTS (and is not indented, which this test does not ask).
    It saves the line by line test of the many texts with no such line:
    two sets of characters take a tenth of the time of a regex pass.
    """
    last_chars = set(map(itemgetter(-1), stripped))
    first_chars = set(map(itemgetter(0), stripped))
    return not (last_chars.isdisjoint(_OPEN_ENDS) and first_chars.isdisjoint(_CLOSED_STARTS))


def _sample_width(text):
    """The wrap width of a text, from the whole lines among its first :data:`_SAMPLE_CHARS` characters.

    :func:`split_sentences` and :func:`iter_sentences` both decide it from
    this same sample, so a stream is split as the whole text is, whatever
    lies beyond the sample and however the stream is read. A paragraph
    broken by soft breaks (:data:`SOFT_BREAK`) is one line here: those
    breaks are judged apart (_goes_on_softly), and the width is that of the
    lines as their paragraphs end.
    """
    sample = text[:_SAMPLE_CHARS].replace(SOFT_BREAK, " ")
    cut = max(sample.rfind(ch) for ch in _BREAKS) + 1
    sample = sample[:cut] if cut else sample
    found, stripped = _non_blank_lines(sample)
    width = _wrap_width(stripped)
    return None if width is None else width._replace(indented=_indented_paragraphs(sample, found, stripped))


def is_hard_wrapped(text: str) -> bool:
    """Whether ``text`` is laid out in lines wrapped at a width (a PDF's text layer), as :func:`split_sentences` judges it.

    Judged from its first lines, as the split is: most are nearly as long
    as the longest, and most of those stop in the middle of a sentence.
    Soft breaks (:data:`SOFT_BREAK`) are no line ends here.

    >>> is_hard_wrapped("全年新建高标准农田4300亩，完成夏粮收\\n购2.1万吨，整改安全隐患126条，开\\n展安全生产大检查3次，新增就业岗\\n位1200个。")
    True
    >>> is_hard_wrapped("全年新建高标准农田4300亩。\\n完成夏粮收购2.1万吨。\\n整改安全隐患126条。")
    False
    """
    return _sample_width(text) is not None


def _indented_paragraphs(text, found, stripped):
    """Whether most lines after a sentence end (paragraphs' first lines) open with white space.

    ``found`` and ``stripped``: the lines of ``text`` as _non_blank_lines gives them.
    """
    starts = [text[a].isspace() for (a, _), before in zip(found[1:], stripped) if _ends_sentence(before)]
    return 2 * sum(starts) > len(starts)


def _one_break(text, end, start):
    """Whether one line break ("\r\n" is one) lies between a line's ``end`` and the next line's ``start``."""
    return start - end == 1 or text[end:start] == "\r\n"


class _Splitter:
    """Sentence splitting with the section context carried from line to line.

    ``logical_lines`` finds the lines, joining wrapped ones; ``lines`` splits
    each into sentences, most with one findall (_PLAIN_SENTENCE), the rest
    with _line_pieces, which looks inside quotes and brackets.
    """

    def __init__(self, max_chars, width):
        self.max_chars = int(max_chars)
        self.context = []  # (level, heading text), outermost first: levels rise, so a lead sentence is last
        self.section = ()  # the heading texts of self.context, kept with it: a Span's section
        self.line = 0  # the number of the next logical line
        self.width = width  # the wrap width (_sample_width); None: not wrapped

    def logical_lines(self, text):
        """``(start, end)`` of each line of ``text`` joined with the lines that continue it, as a list."""
        found, stripped = _non_blank_lines(text)
        if self.width is None and SOFT_BREAK not in text and not _may_go_on(stripped) and not _link_lines(stripped):
            return found  # most texts: each line is a logical line
        logical, start, joined = [], None, []
        soft_from = None  # where in ``joined`` the last lines joined by soft breaks begin
        for i, (a, b) in enumerate(found):
            if start is None:
                start, indent = a, _INDENT.match(text, a, b).group()
            joined.append(stripped[i])
            if i + 1 < len(found):
                c = found[i + 1][0]
                # One break between the lines, and the next is not indented.
                if _one_break(text, b, c) and not text[c].isspace():
                    following = i + 2 < len(found) and _one_break(text, found[i + 1][1], found[i + 2][0])  # and one after the next line
                    if text[b] == SOFT_BREAK:
                        if _goes_on_softly(joined, stripped[i + 1], following and text[found[i + 1][1]] == SOFT_BREAK):
                            soft_from = len(joined) - 1 if soft_from is None else soft_from
                            continue
                    else:
                        if soft_from is not None:
                            # Lines joined by soft breaks are one line, as
                            # their paragraph is: its last piece is no
                            # link's words on a line of their own.
                            joined[soft_from:] = ["".join(joined[soft_from:])]
                            soft_from = None
                        if _goes_on(joined, stripped[i + 1], self.width, stripped[i + 2] if following else None, indent):
                            continue
            logical.append((start, b))
            start, joined, soft_from = None, [], None
        return logical

    def lines(self, text, offset=0, logical=None):
        """The spans of ``text``, whose first character is at ``offset``, as a list.

        ``logical``: the text's logical lines if already found.
        """
        spans = []
        # The loop runs once a line, some 100,000 times for a 50 MB archive:
        # it keeps the context in local names, and stores it back at the end.
        context, section, max_chars = self.context, self.section, self.max_chars
        logical = self.logical_lines(text) if logical is None else logical
        for line, (start, end) in enumerate(logical, self.line):
            if section and context[-1][0] == LEAD_LEVEL:
                # A lead sentence gives context to its own paragraph only.
                context, section = context[:-1], section[:-1]
            # The line's sentences, their starts and their ends in the stream.
            sentences = _PLAIN_SENTENCE.findall(text, start, end)
            if sentences:
                a = text.find(sentences[0], start)
                starts = list(accumulate(map(len, sentences), initial=a + offset))
                ends = starts[1:]  # and zip() below drops the last start
                b = starts[-1] - offset
            # They are the line's sentences if they cover it but its white
            # space (the first opens after the indent, the others follow
            # without a gap), and none is to be cut (with the indent, since
            # _line_pieces cuts the first from the line's start).
            if (
                not sentences
                or not (a == start or text[start:a].isspace())
                or not (b == end or text[b:end].isspace())
                or (end - start > max_chars and a - start + max(map(len, sentences)) > max_chars)
            ):
                sentences, starts, ends = _general_sentences(text, start, end, max_chars, offset)
                if not sentences:
                    continue
            first = sentences[0]
            # Only a line's first sentence can be a heading (the first character test saves a call).
            if first[0] in NUMBERED_FIRST and (level := heading_level(first)) is not None:
                context = [c for c in context if c[0] < level]
                section = tuple(c[1] for c in context)
                spans.append(Span(starts[0], ends[0], first, section, True, line))
                context.append((level, first))
                section = (*section, first)
                starts, ends, sentences = starts[1:], ends[1:], sentences[1:]
            spans += map(_new_span, zip(starts, ends, sentences, repeat(section), repeat(False), repeat(line)))
        self.context, self.section = context, section
        self.line += len(logical)
        return spans


# Span(*row) for a row of all six fields. Span(...) runs the Python code of
# the named tuple's __new__; this builds the same tuple in C, in two thirds
# of the time, and building spans is a quarter of the time of splitting.
_new_span = partial(tuple.__new__, Span)


def _general_sentences(text, start, end, max_chars, offset):
    """The sentences of the line ``text[start:end]``, their starts and their ends in the stream.

    The general path, for the lines the fast path of _Splitter.lines does
    not take: with quotes or brackets that may hold a sentence end, white
    space between sentences, or a sentence to be cut.
    """
    line = text[start:end]
    sentences, starts, ends = [], [], []
    for a, b in _line_pieces(line, max_chars):
        piece = line[a:b]
        stripped = piece.strip()  # white space as str.isspace() knows it, and nothing else
        if stripped:
            a += offset + start + len(piece) - len(piece.lstrip())
            sentences.append(stripped)
            starts.append(a)
            ends.append(a + len(stripped))
    return sentences, starts, ends


# Characters that show nothing and that str.isspace() does not know: a byte
# order mark left at the start of a text, zero-width spaces and joiners from
# web pages. Split as spaces, so that a heading after one is still a heading
# and a line of them is blank; the spans keep the text as it was.
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u180e"
_FIND_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def _as_spaces(text):
    """``text`` with its invisible characters as spaces.

    str.replace, for each invisible character the text holds: str.translate
    maps a text of Chinese characters one at a time, some 50 times slower
    (0.24 s for 1.8M characters), and took most of the time of a text of
    many page-break lines.
    """
    for ch in INVISIBLE:
        if ch in text:
            text = text.replace(ch, " ")
    return text


# A line of nothing but invisible characters between two lines is a web
# copy's page break (78 in five national reports), not a blank line. Where
# it cuts a paragraph ("完善资本市场基础制\n\u200b\n度。扎实推进…": the line
# before ends no sentence and is no heading, the line after is no heading),
# the two lines become one; elsewhere one line break is left.
_PAGE_BREAK = re.compile(f"(\r\n|[{_BREAKS}])[ \t\u3000]*[{INVISIBLE}][ \t\u3000{INVISIBLE}]*(\r\n|[{_BREAKS}])")
_LINE_END = re.compile(f"[{_BREAKS}]")


def _join_page_breaks(text):
    # The line before a match starts after the last line break before it.
    # Matches come in order and each ends with a line break (group 2), so
    # that break is at or after the previous match's: rfind need look no
    # further back. Looking back to the text's start, for each of the seven
    # break characters, made a text of many page breaks quadratic.
    look_from = 0

    def joined(m):
        nonlocal look_from
        line_start = max(map(text.rfind, _BREAKS, repeat(look_from), repeat(m.start()))) + 1  # 0 for a first line
        look_from = m.start(2)
        before = _as_spaces(text[line_start : m.start()]).strip()
        next_break = _LINE_END.search(text, m.end())
        after = _as_spaces(text[m.end() : next_break.start() if next_break else len(text)]).strip()
        cuts_paragraph = (
            before and after and not _ends_sentence(before) and heading_level(before) is None
            and heading_level(after) is None and not _LIST_ITEM.match(after)
        )  # fmt: skip
        return " " * (m.end() - m.start() if cuts_paragraph else m.start(2) - m.start()) + ("" if cuts_paragraph else m.group(2))

    return _PAGE_BREAK.sub(joined, text)


def line_breaks(text: str) -> int:
    """The line breaks of ``text`` as the splitter reads them (a CR LF pair is one)."""
    return sum(map(text.count, _BREAKS)) - text.count("\r\n")


def _as_split(text):
    """``text`` with the invisible characters as spaces and page-break lines joined (the same length), or ``text`` itself if it has none."""
    if not _FIND_INVISIBLE.search(text):
        return text
    return _as_spaces(_join_page_breaks(text))


def _text_from(spans, original, offset=0):
    """The spans with their text sliced from ``original`` (which starts at ``offset``), not from what was split."""
    return [span._replace(text=original[span.start - offset : span.end - offset]) for span in spans]


def split_sentences(text: str, *, max_chars: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Split ``text`` into sentences.

    Parameters
    ----------
    text : str
        Report text, any length. A line break ends a sentence unless the
        line goes on in the next one: hard-wrapped lines (a PDF text layer),
        a line ending in "，", a link or subscript on a line of its own, a
        :data:`SOFT_BREAK` inside a sentence are joined, and the sentence's
        text keeps the break; headings, list items, title and date lines
        and page numbers stand alone.
    max_chars : int
        Longer runs without a sentence end are cut into pieces of this size.

    Returns
    -------
    list of Span
        Sentences in order, each with ``text[start:end] == span.text``,
        without surrounding white space, and with ``section``: the headings
        and lead sentence above it.

    Examples
    --------
    >>> text = "一、工作回顾\\n半年来，全镇完成工业产值12亿元。新建农田3000亩，\\n整治河道5公里。"
    >>> for s in split_sentences(text):
    ...     print(s.start, s.end, s.section, repr(s.text))
    0 6 () '一、工作回顾'
    7 24 ('一、工作回顾',) '半年来，全镇完成工业产值12亿元。'
    24 43 ('一、工作回顾',) '新建农田3000亩，\\n整治河道5公里。'
    """
    check_text(text, where="split_sentences")
    check_params("split_sentences", {"max_chars": _MAX_CHARS}, {"max_chars": max_chars})
    split = _as_split(text)
    spans = _Splitter(max_chars, _sample_width(split)).lines(split)
    return spans if split is text else _text_from(spans, text)


def iter_sentences(stream: IO[str], *, block_chars: int = 1 << 20, max_chars: int = MAX_SENTENCE_CHARS) -> Iterator[Span]:
    """Split a text stream into sentences, reading it a block at a time.

    Offsets count characters from the start of the stream, and the spans
    are those :func:`split_sentences` gives for the whole text, except that
    a line longer than ``block_chars`` is cut at its last sentence end
    inside the block (or, with none, at the block's end), so memory stays
    bounded by the block size whatever the input.

    Parameters
    ----------
    stream : text file object
        Anything with ``read(n)`` returning ``str``.
    block_chars : int
        Characters read at a time.
    max_chars : int
        As for :func:`split_sentences`.

    Yields
    ------
    Span

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO("各位代表：\\n半年来，全镇完成工业产值12亿元。")
    >>> [(s.start, s.end, s.text) for s in iter_sentences(stream, block_chars=4096)]
    [(0, 5, '各位代表：'), (6, 23, '半年来，全镇完成工业产值12亿元。')]
    """
    check_params("iter_sentences", {"stream": TEXT_STREAM, "block_chars": _BLOCK_CHARS, "max_chars": _MAX_CHARS}, {"stream": stream, "block_chars": block_chars, "max_chars": max_chars})
    return _iter_sentences(stream, block_chars, max_chars)


_MAX_CHARS = int_between(1, 1 << 30)
# read(0) gives "", the end of a stream: a block must hold a character.
_BLOCK_CHARS = int_between(1, 1 << 30)


def _iter_sentences(stream, block_chars, max_chars):
    # The first read is large enough to tell whether the text is wrapped.
    block = stream.read(max(block_chars, _SAMPLE_CHARS))
    splitter = _Splitter(max_chars, _sample_width(_as_split(block)))
    offset, carry = 0, ""
    while True:
        original = carry + block
        buf = _as_split(original)
        if not block:
            spans = splitter.lines(buf, offset)
            yield from spans if buf is original else _text_from(spans, original, offset)
            return
        cut = max(buf.rfind(ch) for ch in _BREAKS) + 1
        logical = None
        if cut:
            # The block's last line may go on in the next block: keep it back.
            logical = list(splitter.logical_lines(buf[:cut]))
            if len(logical) > 2:
                # The block's last line may go on in the next block, and
                # whether the line before goes on in it may depend on the
                # next block's first line (a link's line): keep both back.
                cut = logical[-2][0]
                del logical[-2:]
            elif len(buf) < max(block_chars, _SAMPLE_CHARS):
                # Lines that the text after the last break may continue:
                # read more, while the buffer is under a read's size.
                cut, logical = 0, None
            elif len(logical) == 2:
                cut = logical.pop()[0]
        if cut == 0 and len(buf) >= block_chars:
            ends = list(_SENTENCE_END.finditer(buf))
            cut = ends[-1].end() if ends else len(buf)
        spans = splitter.lines(buf[:cut], offset, logical)
        yield from spans if buf is original else _text_from(spans, original, offset)
        offset += cut
        carry = original[cut:]
        block = stream.read(block_chars)
