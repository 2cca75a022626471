"""Split report text into sentences with exact offsets and section context.

Work reports are written in paragraphs of long sentences, opened by numbered
headings (一、 / （一） / 1. / 第一，) and by lead sentences such as
"半年来，我们……". Each sentence keeps its offsets into the original text
(``text[start:end] == span.text``) and the path of headings above it, so a
reader can see where a label came from.

>>> spans = split_sentences("一、工作回顾\\n半年来，我们抓经济。完成产值5亿元；新增企业3家。")
>>> [s.text for s in spans]
['一、工作回顾', '半年来，我们抓经济。', '完成产值5亿元；', '新增企业3家。']
>>> spans[2].section
('一、工作回顾', '半年来，我们抓经济。')
"""

import re
from dataclasses import dataclass

__all__ = ["Span", "split_sentences", "heading_level"]

# Characters that end a sentence. A run of them ("？！", "。。") stays together.
_TERMINATORS = frozenset("。！？；!?;")
# Closing marks that belong to the sentence they follow ("……。”").
_TRAILING = frozenset("”’）)】》」』")
_PAIRS = {"“": "”", "‘": "’", "（": "）", "(": ")", "【": "】", "《": "》", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
# Line breaks always end a sentence, whatever brackets are open.
_LINE = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x85]+")
_SPACE = " \t\u3000\u00a0\ufeff\u200b"

_NUM = "一二三四五六七八九十百零〇"
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


@dataclass(frozen=True)
class Span:
    """One sentence of a text: its offsets, its text and its section path."""

    start: int
    end: int
    text: str
    section: tuple = ()
    is_heading: bool = False


def heading_level(sentence):
    """Return the heading level of ``sentence`` (1 is highest) or ``None``.

    Lead sentences ("半年来，我们……") are reported as level 9: they give
    context to the rest of their paragraph only.

    >>> heading_level("（二）坚持项目为王"), heading_level("半年来，我们科学谋划。"), heading_level("完成产值5亿元。")
    (2, 9, None)
    """
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(sentence):
            return level
    if _LEAD.match(sentence):
        return _LEAD_LEVEL
    return None


def _protected(line):
    """Mark the characters inside matched quote and bracket pairs.

    Only matched pairs protect their content, so a stray "“" cannot swallow
    the rest of a line.
    """
    inside = bytearray(len(line))
    stack = []
    for i, ch in enumerate(line):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            # Pop to the nearest matching opener; unmatched closers are ignored.
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _CLOSERS[ch]:
                    start = stack[depth][1]
                    del stack[depth:]
                    if not stack:
                        inside[start + 1 : i] = b"\x01" * (i - start - 1)
                    break
    return inside


def _line_pieces(line):
    """Yield ``(start, end)`` of the sentences of one line, before trimming."""
    inside = _protected(line) if any(ch in _PAIRS for ch in line) else None
    start, i, n = 0, 0, len(line)
    while i < n:
        if line[i] in _TERMINATORS and (inside is None or not inside[i]):
            j = i + 1
            while j < n and (line[j] in _TERMINATORS or line[j] in _TRAILING):
                j += 1
            yield start, j
            start = i = j
        else:
            i += 1
    if start < n:
        yield start, n


def split_sentences(text):
    """Split ``text`` into sentences.

    Parameters
    ----------
    text : str
        Report text, any length. Line breaks always end a sentence.

    Returns
    -------
    list of Span
        Sentences in order, each with ``text[start:end] == span.text``,
        without surrounding white space, and with ``section``: the headings
        and lead sentence above it.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    spans = []
    context = []  # (level, heading text), outermost first
    for line in _LINE.finditer(text):
        # A lead sentence gives context to its own paragraph only.
        context = [c for c in context if c[0] != _LEAD_LEVEL]
        first = True
        for a, b in _line_pieces(line.group()):
            piece = line.group()[a:b]
            stripped = piece.strip(_SPACE)
            if not stripped:
                continue
            start = line.start() + a + (len(piece) - len(piece.lstrip(_SPACE)))
            end = start + len(stripped)
            level = heading_level(stripped) if first else None
            first = False
            if level is not None:
                context = [c for c in context if c[0] < level]
            spans.append(Span(start, end, stripped, tuple(c[1] for c in context), level is not None))
            if level is not None:
                context.append((level, stripped))
    return spans
