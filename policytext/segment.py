"""Split report text into sentences with exact offsets and section context.

Work reports are written in paragraphs of long sentences, opened by numbered
headings (一、 / （一） / 1. / 第一，) and by lead sentences such as
"半年来，我们……". Each sentence keeps its offsets into the original text
(``text[start:end] == span.text``) and the path of headings above it, so a
reader can see where a label came from.

A line break ends a sentence, except where the text was hard-wrapped (a PDF
text layer breaks every 30-40 characters; wiki exports break around links):
a line that cannot end there (it ends with "，" or an opening bracket, or
the next line opens with closing punctuation) or, in a wrapped text, a full
line without a sentence end, is joined with the next line, unless that
line is a heading, is indented, follows a blank line, or is a page number.
A joined sentence keeps its line breaks (``span.text`` is the original
text); the model ignores white space.

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
from typing import IO, NamedTuple

__all__ = ["Span", "split_sentences", "iter_sentences", "heading_level"]

# Characters that end a sentence. A run of them ("？！", "。。") stays together.
_TERMINATORS = frozenset("。！？；!?;")
# Closing marks that belong to the sentence they follow ("……。”").
_TRAILING = frozenset("”’）)】》」』")
_PAIRS = {"“": "”", "‘": "’", "（": "）", "(": ")", "【": "】", "《": "》", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
# Line breaks always end a sentence, whatever brackets are open.
_BREAKS = "\n\r\u2028\u2029\x0b\x0c\x85"
_LINE = re.compile(f"[^{_BREAKS}]+")
_BREAK = re.compile(f"\r\n|[{_BREAKS}]")
# A line ending with one of these goes on in the next line; a line opening
# with one of these goes on from the one before.
_OPEN_ENDS = frozenset("，、（(“‘《【「『")
_CLOSED_STARTS = _TERMINATORS | _TRAILING | frozenset("，、：:")
#: A text is hard-wrapped when, of its lines at least this share of the
#: typical long line, most do not end a sentence.
_FULL_SHARE = 0.8

_NUM = "一二三四五六七八九十百零〇"
# Page numbers and running marks of printed pages: never joined to text.
_CLUTTER = re.compile(r"^(?:[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4})$")
# Lines that are whole however long: the date line under a report's title
# ("——2026年1月20日在…会议上") and a photo credit ("…本报记者 某某 摄").
_WHOLE_LINE = re.compile(r"^[—－-]{0,2}\s*[\d〇一二三四五六七八九零○]{4}\s*年.*(会议|大会)上$|记者.{1,12}摄$")
# Rows of a table flattened to text (cells apart by tabs or runs of spaces)
# are full-width, unterminated lines too, but never one sentence.
_TABLE_ROW = re.compile(r"\S(?:\t|\s{2,})\S")
# List items ("一是…", "二是…") open a line of their own.
_LIST_ITEM = re.compile(f"^[{_NUM}]+是")
# (level, pattern) pairs; the first that matches the start of a line wins.
_HEADING_PATTERNS = [
    (1, re.compile(rf"^[{_NUM}]+[、.．]")),
    (2, re.compile(rf"^[（(][{_NUM}]+[）)]")),
    (3, re.compile(r"^\d{1,2}[、.．](?!\d)")),
    (3, re.compile(rf"^第[{_NUM}]+[，,、：:](?!是)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
]
_LEAD = re.compile(
    rf"^(半年来|一年来|今年以来|去年以来|上半年|过去[{_NUM}]年|[{_NUM}]年来|\d{{4}}年以来)[，,]?\s*我们"
)
_LEAD_LEVEL = 9
# The characters a heading or a lead sentence can begin with (of the patterns above).
_HEADING_FIRST = frozenset(_NUM + "（(0123456789第半今去上过")
#: Characters a stream is first read to decide whether it is hard-wrapped.
_SAMPLE_CHARS = 1 << 16
#: Runs longer than this without a sentence end are cut into pieces.
MAX_SENTENCE_CHARS = 1000


class Span(NamedTuple):
    """One sentence of a text: its offsets, its text and its section path.

    A named tuple rather than a frozen dataclass: a report of 50 MB has
    400,000 of them, and a frozen dataclass takes four times as long to build.
    """

    start: int
    end: int
    text: str
    section: tuple = ()
    is_heading: bool = False


def heading_level(sentence: str) -> int | None:
    """Return the heading level of ``sentence`` (1 is highest) or ``None``.

    Lead sentences ("半年来，我们……") are reported as level 9: they give
    context to the rest of their paragraph only.

    >>> heading_level("（二）坚持项目为王"), heading_level("半年来，我们科学谋划。"), heading_level("完成产值5亿元。")
    (2, 9, None)
    """
    if sentence[:1] not in _HEADING_FIRST:
        return None  # most sentences: no pattern can match
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(sentence):
            return level
    if _LEAD.match(sentence):
        return _LEAD_LEVEL
    return None


_SENTENCE_END = re.compile("[" + re.escape("".join(_TERMINATORS)) + "][" + re.escape("".join(_TERMINATORS | _TRAILING)) + "]*")
_TERMINATOR = re.compile("[" + re.escape("".join(_TERMINATORS)) + "]")
_ENDED = re.compile(_SENTENCE_END.pattern + "$")
_BRACKET = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "]")
_OPENER = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
_FLAT_PAIRS = re.compile("(?:" + "|".join(re.escape(o + c) for o, c in _PAIRS.items()) + ")*")


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
    for m in _BRACKET.finditer(line):
        ch, i = m.group(), m.start()
        if ch in _PAIRS:
            stack.append((ch, i))
            continue
        # Pop to the nearest matching opener; unmatched closers are ignored.
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == _CLOSERS[ch]:
                opened = stack[depth][1]
                del stack[depth:]
                if not stack:
                    while spans and spans[-1][0] > opened:  # an inner pair closed earlier
                        spans.pop()
                    spans.append((opened + 1, i))
                break
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
        if k >= 0 and m.start() < protected[k][1]:
            pos = protected[k][1]  # inside quotes or brackets: look on after them
            continue
        ends.append(pos := m.end())
    return ends


def _wrap_width(lines):
    """The width a text was hard-wrapped at, or ``None`` if it was not.

    ``lines`` are the text's stripped, non-empty lines. In a wrapped text
    most lines are full (near the 90th percentile of lengths, since few
    lines run past the wrap) and most full lines stop mid-sentence; in a
    text of one paragraph a line, the long lines are paragraphs, which end
    sentences.
    """
    lengths = sorted(map(len, lines))
    if len(lengths) < 3:
        return None
    width = lengths[(9 * len(lengths)) // 10]
    full = [line for line in lines if len(line) >= max(10, _FULL_SHARE * width)]
    open_ = sum(not _ENDED.search(line) for line in full)
    return width if len(full) >= 3 and 2 * open_ > len(full) else None


# A date line or photo credit wraps to a few lines at most: only the
# first few lines of a logical line are tested against _WHOLE_LINE, so a
# long wrapped paragraph is not joined again at every line.
_WHOLE_LINE_MOST = 3


def _goes_on(lines, nxt, width):
    """Whether the stripped ``lines`` joined so far go on in the stripped next line ``nxt``."""
    line = lines[-1]
    if width is None and nxt[0] not in _CLOSED_STARTS and line[-1] not in _OPEN_ENDS:
        return False  # what every test below would conclude, in an unwrapped text; the common case
    if _CLUTTER.match(line) or _CLUTTER.match(nxt):
        return False
    if len(lines) <= _WHOLE_LINE_MOST and _WHOLE_LINE.search("".join(lines)):
        return False
    if nxt[0] in _CLOSED_STARTS:
        return True
    if heading_level(nxt) is not None or _LIST_ITEM.match(nxt):
        return False
    if line[-1] in _OPEN_ENDS:
        return True
    if width is None or _ENDED.search(line) or _TABLE_ROW.search(line) or _TABLE_ROW.search(nxt):
        return False
    # A heading that stops short of the wrap width is whole; other lines
    # vary more in length (half-width digits), so any long line goes on.
    heading = heading_level(line) if len(lines) == 1 else None
    return len(line) >= (width if heading is not None and heading < 9 else _FULL_SHARE * width)


_UNSEEN = object()


class _Splitter:
    """Sentence splitting with the section context carried from line to line."""

    def __init__(self, max_chars=MAX_SENTENCE_CHARS):
        if not isinstance(max_chars, int) or max_chars < 1:
            raise ValueError(f"max_chars must be an int >= 1, got {max_chars!r}")
        self.max_chars = max_chars
        self.context = []  # (level, heading text), outermost first
        self.width = _UNSEEN  # the wrap width once the first text is seen; None: not wrapped

    def logical_lines(self, text):
        """``(start, end)`` of each line of ``text`` joined with the lines that continue it."""
        found = [(m.start(), m.end(), m.group().strip()) for m in _LINE.finditer(text)]
        found = [f for f in found if f[2]]
        if self.width is _UNSEEN:
            self.width = _wrap_width([f[2] for f in found])
        start, joined = None, []
        for i, (a, b, line) in enumerate(found):
            start = a if start is None else start
            joined.append(line)
            if i + 1 < len(found):
                c, _, nxt = found[i + 1]
                gap = text[b:c]
                # One break between the lines, and the next is not indented.
                if len(_BREAK.findall(gap)) == 1 and not text[c].isspace() and _goes_on(joined, nxt, self.width):
                    continue
            yield start, b
            start, joined = None, []

    def lines(self, text, offset=0, logical=None):
        """The spans of ``text``, whose first character is at ``offset``, as a list.

        ``logical``: the text's logical lines if already found.
        """
        spans = []
        for start, end in self.logical_lines(text) if logical is None else logical:
            self._line(text[start:end], offset + start, spans)
        return spans

    def _line(self, line, offset, spans):
        """Append the spans of one logical line to ``spans``, carrying the section context."""
        # A lead sentence gives context to its own paragraph only.
        context = [c for c in self.context if c[0] != _LEAD_LEVEL]
        section = tuple(c[1] for c in context)  # rebuilt only when the context changes
        first = True
        for a, b in _line_pieces(line, self.max_chars):
            piece = line[a:b]
            stripped = piece.strip()  # white space as str.isspace() knows it, and nothing else
            if not stripped:
                continue
            start = offset + a + (len(piece) - len(piece.lstrip()) if stripped is not piece else 0)
            level = heading_level(stripped) if first else None
            first = False
            if level is None:
                spans.append(Span(start, start + len(stripped), stripped, section, False))
                continue
            context = [c for c in context if c[0] < level]
            spans.append(Span(start, start + len(stripped), stripped, tuple(c[1] for c in context), True))
            context.append((level, stripped))
            section = tuple(c[1] for c in context)
        self.context = context


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Split ``text`` into sentences.

    Parameters
    ----------
    text : str
        Report text, any length. Line breaks always end a sentence.
    max_chars : int
        Longer runs without a sentence end are cut into pieces of this size.

    Returns
    -------
    list of Span
        Sentences in order, each with ``text[start:end] == span.text``,
        without surrounding white space, and with ``section``: the headings
        and lead sentence above it.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _Splitter(max_chars).lines(text)


def iter_sentences(stream: IO[str], block_chars: int = 1 << 20, max_chars: int = MAX_SENTENCE_CHARS) -> Iterator[Span]:
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
    """
    splitter = _Splitter(max_chars)
    offset, carry = 0, ""
    # The first read is large enough to tell whether the text is wrapped.
    block = stream.read(max(block_chars, _SAMPLE_CHARS))
    while True:
        buf = carry + block
        if not block:
            yield from splitter.lines(buf, offset)
            return
        cut = max(buf.rfind(ch) for ch in _BREAKS) + 1
        logical = None
        if cut:
            # The block's last line may go on in the next block: keep it back.
            logical = list(splitter.logical_lines(buf[:cut]))
            if len(logical) > 1:
                cut = logical.pop()[0]
        if cut == 0 and len(buf) >= block_chars:
            ends = list(_SENTENCE_END.finditer(buf))
            cut = ends[-1].end() if ends else len(buf)
        yield from splitter.lines(buf[:cut], offset, logical)
        offset += cut
        carry = buf[cut:]
        block = stream.read(block_chars)
