"""Turn a document file (.txt, .md, .html, .htm, .docx, .pdf) into plain text.

``read_document(path)`` returns the text of a report, ready for
``policytext.classify``: one paragraph a line, no markup. Plain text needs
nothing beyond policytext's core; Markdown, HTML, Word and PDF files need
the optional ``docs`` extra (``pip install -e '.[docs]'`` in policytext's
clone), whose libraries are imported only when a file of that format is read.

Every failure is a :class:`policytext.errors.DocumentError` whose message is
``"PATH: reason"``, with a short lowercase reason (``"empty file"``,
``"binary data, not text"``, ``"PDF has no text layer (scanned?)"``, ...);
nothing is printed.

>>> extra_for(".pdf"), extra_for(".txt")
('docs', None)
"""

import codecs
import bisect
import collections
import contextlib
import functools
import importlib
import io
import itertools
import os
import re
import stat
import sys
import struct
import zipfile
import zlib
from pathlib import Path

from .errors import DocumentError, extra_needed
from ._validation import BYTE_STREAM, PATH, check_params, check_text, int_between, optional
from .finding import STDIN
from .segment import INVISIBLE, SOFT_BREAK, is_hard_wrapped, is_page_mark, line_breaks
from .wordlists import DocxNumbering

__all__ = [
    "SUPPORTED",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PDF_PAGES",
    "MAX_WHOLE_LINES",
    "STREAM_FROM",
    "detect_encoding",
    "read_document",
    "read_input",
    "read_stream",
    "open_text_stream",
    "without_page_furniture",
    "extra_for",
]

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_PDF_PAGES = 2000

# A .docx may unpack to at most this many times ``max_bytes``.
ZIP_RATIO_LIMIT = 20
# ... and its text part (word/document.xml) to this many times: python-docx
# holds it as one lxml tree of about ten times its size (a 940 MB part took
# 8.8 GB), so the limit bounds memory to about 20 times ``max_bytes``.
DOCX_TEXT_RATIO_LIMIT = 2

# UTF-32 first: its little-endian mark begins with UTF-16's (FF FE).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_STARTS = tuple(bom for bom, _ in _BOMS)
# A character that shows: not white space, and none of the invisible ones the splitter takes for it.
_VISIBLE = re.compile(f"[^\\s{INVISIBLE}]")
_PLAIN = (".txt", ".md")
# Markdown blocks may nest this deep (markdown-it-py's CommonMark limit). At the
# limit the parser drops the rest of the block without a word, so such a file
# is read as plain text instead. (A higher limit made text with thousands of
# "[" several times slower to parse.)
_MARKDOWN_NESTING = 20
#: Plain-text documents (.txt, .md) larger than this are read as a stream by
#: ``policytext tag`` (tag_files), a block at a time, and a .md this large is
#: not parsed but read as plain text: markdown-it-py takes some 40 times a
#: file's size in memory.
STREAM_FROM = 16 * 1024 * 1024
#: ... and so are those with more lines than this, and a document of another
#: format (read whole) with more lines fails. Each sentence costs a few
#: hundred bytes in memory however short: 7 million one-character lines in a
#: 14 MB file took 10 GB read whole, and a million short Markdown blocks took
#: 1 GB and 20 s to parse. A real report has a few thousand lines.
MAX_WHOLE_LINES = 200_000
# Emphasis markers CommonMark leaves as they are: "**（一）稳中向好。**全年……" has a
# closing "**" between a CJK full stop and a letter, which its flanking rules
# do not take for a closer. (An escaped "\*" is kept: the parser gives it apart.)
_LEFT_EMPHASIS = re.compile(r"\*+")
# Front matter: "---" opening the file, lines of "key: value" (ASCII keys), list items or
# indented lines, and "---" or "..." closing it; a rule above a report's text is no front matter.
_FRONT_MATTER = re.compile(
    r"---[ \t]*\r?\n(?:[A-Za-z_][\w-]*:.*\r?\n|[ \t]+.*\r?\n|[ \t]*\r?\n){0,100}?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)"
)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*\r?$", re.MULTILINE)
_TABLE_CELL = re.compile(r"(?<!\\)\|")
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
# C0 controls and DEL, except tab, line feed, vertical tab, form feed, carriage
# return and escape, which real text files do contain.
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
_CONTROL_CHARS = re.compile(f"[{re.escape(_CONTROL_BYTES.decode('ascii'))}]")
# Elements after which the fallback HTML text starts a new line.
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "td", "th", "table", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6")
_SURROGATE = re.compile("[\ud800-\udfff]")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


# ---------------------------------------------------------------- encodings


def detect_encoding(data: bytes) -> str | None:
    """Name the text encoding of ``data``, or return None if it is not text.

    A byte-order mark decides first (UTF-8, UTF-32 and UTF-16 LE/BE); UTF-16
    or UTF-32 without one is taken when charset-normalizer names it and it
    decodes to Chinese text; then data that decodes as strict UTF-8 is UTF-8; otherwise
    charset-normalizer guesses, with a tie-break towards GB18030 and Big5 for
    short Chinese text. GBK and GB2312 are reported as their superset ``'gb18030'``.

    Parameters
    ----------
    data : bytes
        The raw content of a file.

    Returns
    -------
    str or None
        A name that :meth:`bytes.decode` accepts, or None for binary data
        (NUL bytes outside UTF-16 text, or many control characters) and for
        bytes no encoding fits.

    Examples
    --------
    >>> detect_encoding("政府工作报告".encode("utf-8"))
    'utf-8'
    >>> detect_encoding(codecs.BOM_UTF16_LE + "政府工作报告".encode("utf-16-le"))
    'utf-16-le'
    >>> detect_encoding("2025年政府工作报告\\n".encode("utf-16-be"))
    'utf-16-be'
    >>> detect_encoding("各位代表：现在，我代表县人民政府向大会报告工作，请予审议。".encode("gbk"))
    'gb18030'
    >>> detect_encoding(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR") is None
    True
    """
    return _detect(data)


def _detect(data, declared=None):
    """``detect_encoding``, trusting a ``declared`` encoding (an HTML meta
    charset) after BOM and UTF-8 if the bytes decode strictly with it to
    Chinese text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if _looks_binary(data):
        name, readable = _wide_unicode_without_bom(data)
        return name if readable else None
    if _decodes(data, "utf-8"):
        return "utf-8"
    declared = _canonical(declared)
    # A single-byte charset (iso-8859-1, windows-1252, koi8-r) decodes every
    # byte: declared over GBK text, it reads "¸÷Î»´ú±í" without an error. A
    # declaration is trusted when its reading is Chinese (or the text ASCII).
    if declared and _decodes(data, declared) and (data.isascii() or _mostly_chinese(data, declared)):
        return declared

    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    guess = _canonical(best.encoding) if best is not None else None
    # Tie-break towards Chinese. charset-normalizer scores each candidate
    # decoding by how "messy" and how language-coherent it looks. On a
    # sentence or two of Chinese the evidence is thin: GBK "政府工作报告" comes
    # out as cp949 Hangul, "（2019年3月5日）" as Big5-HKSCS bopomofo; and on
    # longer GBK text it sometimes finds even the right reading too messy and
    # answers nothing. So when it has no answer, or when on short data (< 1 KB)
    # its answer does not read as Chinese, take gb18030, else big5, if the
    # bytes decode strictly to mostly Chinese characters. GB18030 goes first
    # (mainland reports); Big5 bytes read as GB18030 give kana and private-use
    # characters, which the check refuses. The price: a short Japanese or
    # Korean file may be read as Chinese, which policytext does not handle.
    if guess is None or (len(data) < 1024 and not _mostly_chinese(data, guess)):
        guess = next((name for name in ("gb18030", "big5") if _mostly_chinese(data, name)), guess)
    return guess


def _wide_unicode_without_bom(data):
    """Whether ``data`` (NUL bytes, no BOM) looks like UTF-16 or UTF-32, and whether it reads as text in it.

    Some Windows tools save UTF-16 (rarely UTF-32) without a byte-order
    mark; its ASCII characters (line breaks, digits) hold a NUL byte each,
    so it looked binary. It is read when three signs agree: charset-normalizer
    takes it for UTF-16 or UTF-32 of one byte order; the first 64 KB decode
    strictly in it; and the text is text: no NUL or other control character,
    and Chinese (or only ASCII). Reading is the safer choice than refusing
    such a file: refusing loses a real report, while a binary file passing
    all three is practically impossible (its NUL bytes pair up into U+0000,
    or into characters that are not Chinese). A file that fails a sign, and
    whose NUL bytes are where that encoding puts them in ASCII characters,
    is refused with a reason that says it looks like UTF-16 (or UTF-32).

    Returns ``(name, readable)``: ``name`` is ``"utf-16-le"``, ``"utf-16-be"``,
    ``"utf-32-le"`` or ``"utf-32-be"`` when the data looks like that encoding, else None.
    """
    sample = data[:65536]
    if b"\x00" not in sample:
        return None, False
    sample = sample[: len(sample) // 4 * 4]  # whole code units: a file cut short may end in part of one
    import charset_normalizer

    best = charset_normalizer.from_bytes(sample).best()
    name = _canonical(best.encoding) if best is not None else None
    if name not in _WIDE_UNICODE:
        return None, False
    try:
        # Not final: a surrogate pair cut where the sample ends is no error.
        text = codecs.getincrementaldecoder(name)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        text = None
    if text is not None and _CONTROL_CHARS.search(text) is None and (text.isascii() or _chinese_text(text)):
        return name, True
    # Not read: it "looks like" that encoding only if its NUL bytes are mostly those of ASCII characters.
    unit = _WIDE_UNICODE[name]
    high = b"".join(sample[i::unit] for i in (range(1, unit) if name.endswith("-le") else range(unit - 1)))
    return (name if high.count(0) >= 0.9 * sample.count(0) else None), False


# Unicode encodings read without a byte-order mark, and their code unit's size in bytes.
_WIDE_UNICODE = {"utf-16-le": 2, "utf-16-be": 2, "utf-32-le": 4, "utf-32-be": 4}


def _looks_binary(data):
    # Judged on the first 64 KB, like most tools (git looks at 8 KB): a NUL
    # byte (UTF-16 and UTF-32 are told apart by their BOM, or by _wide_unicode_without_bom), or more than 10%
    # control characters, which real text has almost none of.
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.1 * len(sample)


def _decodes(data, encoding):
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _canonical(name):
    """Python's name for an encoding label; GB2312 and GBK become GB18030."""
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "replace")
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return "gb18030" if name in ("gb2312", "gbk") else name


def _mostly_chinese(data, encoding):
    """True if ``data`` decodes strictly and >= 90% of its non-ASCII
    characters are CJK ideographs or punctuation (CJK, full-width, general)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return _chinese_text(text)


def _chinese_text(text, ignore=""):
    wide = [c for c in text if c > "\x7f" and not c.isspace() and c not in ignore]
    chinese = sum(
        "\u4e00" <= c <= "\u9fff"
        or "\u3400" <= c <= "\u4dbf"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uff60"  # full-width forms, not half-width katakana
        or "\uffe0" <= c <= "\uffe6"
        or "\u2000" <= c <= "\u206f"
        or c == "\u00b7"
        for c in wide
    )
    return bool(wide) and chinese >= 0.9 * len(wide)


# A real file with a few corrupt bytes (a bad sector, a cut download) fits no
# encoding strictly. It is read in the Chinese-capable encoding that needs
# the fewest replacement characters, if those stay under 1% of its non-ASCII
# characters and the rest reads as Chinese.
_DAMAGE_LIMIT = 0.01


def _damaged_encoding(data):
    best = None
    for name in ("utf-8", "gb18030", "big5"):
        text = data.decode(name, errors="replace")
        bad = text.count("\ufffd")
        wide = sum(1 for c in text if c > "\x7f" and not c.isspace())
        if wide and bad <= _DAMAGE_LIMIT * wide and _chinese_text(text, ignore="\ufffd"):
            if best is None or bad < best[1]:
                best = (name, bad)
    return best and best[0]


def _encoding_of(path, data, declared=None):
    """The encoding of ``data``, and whether it fits only with replacement characters."""
    if not data.startswith(_BOM_STARTS) and _looks_binary(data):
        # As _detect would judge it, but judged once to say why it is refused.
        name, readable = _wide_unicode_without_bom(data)
        if readable:
            return name, False
        if name:
            raise DocumentError(
                path, f"looks like {name[:6].upper()} without a byte-order mark, but does not decode to Chinese text in it (save it as UTF-8)"
            )
        raise DocumentError(path, "binary data, not text")
    encoding = _detect(data, declared)
    if encoding is not None:
        return encoding, False
    encoding = _damaged_encoding(data)
    if encoding is None:
        raise DocumentError(path, "cannot detect the text encoding")
    return encoding, True


def _decode(path, data, declared=None):
    # Most files are UTF-8 without a BOM: decoded once here, where detection
    # would decode them once to check and once more to read.
    if not data.startswith(_BOM_STARTS) and not _looks_binary(data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    encoding, damaged = _encoding_of(path, data, declared)
    if damaged:
        return data.decode(encoding, errors="replace")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not valid {encoding} text ({exc.reason} at byte {exc.start})") from None
    return text.removeprefix("\ufeff")


# ------------------------------------------------------------------ readers


def _read_text(path, data, max_bytes, max_pdf_pages):
    """.txt: the decoded text, as is, but for what joins its printed pages (:func:`_pages_in_place`)."""
    return _pages_in_place(_decode(path, data))


def without_page_furniture(text: str) -> str:
    """``text`` with the page numbers and running titles of its printed pages made white space.

    What :func:`read_document` does to a ``.txt``, for a text you already
    hold (copied out of a PDF viewer, or pdftotext's output): pages are
    found from form feeds or from the text's own page numbers, and each page
    number and line repeated at the same edge of most pages becomes spaces,
    so a sentence running on to the next page is read whole. Every other
    character keeps its offset (the result is as long as ``text``), so
    sentences of the result point into ``text`` too. A text without such
    pages comes back as it is.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> page = "全年新建高标准农田四千三百亩，完成夏粮收购，\\n" * 16
    >>> text = "".join(f"{page}- {n} -\\n某县政府工作报告\\n" for n in range(1, 5))
    >>> cleaned = without_page_furniture(text)
    >>> len(cleaned) == len(text), "- 2 -" in cleaned, "某县政府工作报告" in cleaned
    (True, False, False)
    """
    check_text(text, where="without_page_furniture")
    return _pages_in_place(text)


def _pages_in_place(text):
    """A text of printed pages with what joins the pages made white space.

    The pages are those a form feed ends (pdftotext puts one between
    pages); in a text without form feeds (copied out of a PDF viewer, or
    ``pdftotext -nopgbrk``), those its own page numbers end, when they are
    sure to be page numbers (:func:`_numbered_pages`). As for a PDF
    (:func:`_joined_pages`), page numbers at either end of a page and a line
    at the same end of most pages (not the first page's) are no text, and
    pages meet at one line break, so a sentence running on to the next page
    is joined as wrapped lines are; every character keeps its offset, so
    records still point into the file's text.
    """
    if "\f" in text:
        cuts = [m.start() for m in re.finditer("\f", text)]
        pages = list(zip([0] + [c + 1 for c in cuts], cuts + [len(text)]))
    else:
        cuts = _numbered_pages(text)
        if not cuts:
            return text
        pages = list(zip([0] + cuts, cuts + [len(text)]))
    lines = [[(m.start(), m.end(), m.group().strip()) for m in _PAGE_LINE.finditer(text, a, b) if m.group().strip()] for a, b in pages]
    running = _running_lines([[line for *_, line in page] for page in lines])
    ends = []  # (start, end) of each page's text without its furniture, for pages that have any
    for number, page in enumerate(lines):
        first, last = _without_furniture([line for *_, line in page], number, running)
        if first < last:
            ends.append((page[first][0], page[last - 1][1]))
    chars = list(text)
    for (_, end), (start, _) in zip(ends, ends[1:]):
        # The pages' gap (page marks, running titles, blank lines, the form
        # feed) becomes spaces and one line break, at its end so that the next
        # page's first line is not indented.
        chars[end:start] = " " * (start - end - 1) + "\n"
    if ends:
        # Before the first page's text and after the last page's: page marks, the last form feed.
        head, tail = ends[0][0], ends[-1][1]
        chars[:head] = [ch if ch in "\r\n" else " " for ch in chars[:head]]
        chars[tail:] = [ch if ch in "\r\n" else " " for ch in chars[tail:]]
    return "".join(chars)


_PAGE_LINE = re.compile(r"[^\r\n\f]+")
_PAGE_NUMBER = re.compile(r"\d+")
#: Page numbers of a text without form feeds: at least this many, running upward,
_PAGE_RUN_LEAST = 3
#: ... a page (non-blank lines from one page number to the next) of this many lines at least and at most
#: (an official document's page holds 22 lines, GB/T 9704; a register of items of a dozen
#: lines each, numbered "1", "2", ..., is no pages),
_PAGE_LINES = (15, 200)
#: ... at most this many pages (or one in ten) missing from the run,
_PAGE_MISSING = 2
#: ... and the pages this much alike: a page of another length than the
#: run's median page, by more than this factor, is an odd one, and at most
#: one in five may be (but for a short last page).
_PAGE_LIKE = 1.5
#: Lines written as the page numbers are (but not of their run) may lie among them: one for this many page numbers.
_PAGE_AMONG = 2
#: Marks of a number tried as the one before a page number: bounds the search in a text full of numbers.
_PAGE_TRIES = 16
#: A bare number over this is a year or a figure, not the number of a report's page.
_PAGE_MOST = 999
# The longest page number line, without the white space around it ...
_PAGE_MARK_MOST = 20
# ... and with it.
_PADDED_MARK = 160
# Where str.splitlines breaks a line and the page scan (_PAGE_LINE) does not.
_OTHER_LINE_BREAKS = "\x0b\x1c\x1d\x1e\x85\u2028\u2029"


def _numbered_pages(text):
    """Where the pages of a text without form feeds end, from its page numbers; None if it shows none for sure.

    Text copied out of a PDF keeps each page's number ("- 3 -", "—3—", "3",
    "第3页 共20页": :func:`~policytext.segment.is_page_mark`) and often a
    running title every forty-odd lines. They cut the sentence running on to
    the next page in two and became sentences. Lines that look like page
    numbers are taken for them when at least :data:`_PAGE_RUN_LEAST` run
    upward, mostly one apart, spaced like pages (:data:`_PAGE_LINES`
    non-blank lines), and fairly regularly so (:data:`_PAGE_LIKE`). A
    numbered list ("1", "2", "3" a few lines apart), a column of years or a
    table of figures does not: such a text is left as it is, as is any text
    when unsure (numbers of sections that happen to be spaced like pages
    would lose their lines).

    Returns the offset just past each page number, for :func:`_pages_in_place`
    to cut pages at.
    """
    # A copy of a PDF's pages is wrapped at the page's width; a text of one
    # paragraph a line with numbered items (a task list, a register of
    # projects) is not, and its repeated lines are no running titles.
    if _too_few_page_marks(text) or not is_hard_wrapped(text):
        return None
    lines = [m for m in _PAGE_LINE.finditer(text) if not m.group().isspace()]
    marks = collections.defaultdict(list)  # shape ("- # -") -> (line index among the non-blank lines, page number, end offset)
    for index, m in enumerate(lines):
        line = m.group().strip()
        if _is_page_number_line(line):
            number = int(_PAGE_NUMBER.search(line).group())
            if number <= _PAGE_MOST:
                marks[_PAGE_NUMBER.sub("#", "".join(line.split()))].append((index, number, m.end()))
    # A text's page numbers are all written alike: "5" (PM2.5 wrapped) is none of "- 4 -" and "- 6 -".
    # Lines written alike making a quarter of the text are a table or a list, not page numbers (nor worth the search).
    runs = ((_page_run(same), same) for same in marks.values() if len(same) <= len(lines) // 4)
    chain, same = max(runs, key=lambda run: len(run[0]), default=([], []))
    if len(chain) < _PAGE_RUN_LEAST:
        return None
    # Page numbers stand out: few lines written like them lie among them. A
    # list numbered over and over, a table of figures, may hold a run spaced
    # like pages ("1" of one list, "2" of the next, ...).
    among = sum(chain[0][0] <= mark[0] <= chain[-1][0] for mark in same) - len(chain)
    if among > len(chain) // _PAGE_AMONG:
        return None
    steps = [(b[1] - a[1], b[0] - a[0]) for a, b in zip(chain, chain[1:])]
    if sum(pages > 1 for pages, _ in steps) > max(_PAGE_MISSING, len(steps) // 10):
        return None
    per_page = sorted(lines_apart / pages for pages, lines_apart in steps)
    median = per_page[len(per_page) // 2]
    odd = [k for k, (pages, lines_apart) in enumerate(steps) if not median / _PAGE_LIKE <= lines_apart / pages <= median * _PAGE_LIKE]
    if odd and odd[-1] == len(steps) - 1 and steps[-1][1] < median:
        odd.pop()  # the last page may be short
    if len(odd) > len(steps) // 5:
        return None
    # A page number opening the text heads its first page, which keeps its title.
    return [end for index, _, end in chain if index > 0]


def _is_page_number_line(stripped):
    """Whether a stripped line may be a page's number, as the page scan takes one (short, and :func:`~policytext.segment.is_page_mark`)."""
    return len(stripped) <= _PAGE_MARK_MOST and is_page_mark(stripped)


def _too_few_page_marks(text):
    """Whether ``text`` has fewer lines that look like page numbers than a run of pages needs.

    Most texts have none, and say so here at a fifth of the cost of
    :func:`_numbered_pages`' scan, which makes a match and a copy of every
    line (5 ms a MB, 3% of tagging). ``str.splitlines`` breaks lines at a few
    more characters than the scan does; a text holding one of those is
    scanned in full.
    """
    if any(c in text for c in _OTHER_LINE_BREAKS):
        return False
    marks = 0
    for line in text.splitlines():
        # Stripped only if it could be short enough: a copy of every paragraph was the cost.
        # (A page number centred by pdftotext -layout has up to a hundred spaces around it.)
        n = len(line)
        if (n <= _PAGE_MARK_MOST or n <= _PADDED_MARK and (line[:1].isspace() or line[-1:].isspace())) and _is_page_number_line(line.strip()):
            marks += 1
            if marks >= _PAGE_RUN_LEAST:
                return False
    return True


def _page_run(marks):
    """The longest run of ``marks`` that reads as a document's page numbers (see :func:`_numbered_pages`).

    Each mark of the run is one to three pages on from the one before, a
    page's lines later per page. It is sought twice: the second time, pages
    are kept to between half and twice the first run's median page and, of
    two marks of a number, the one nearer a page on is taken (a body line
    "5" a few lines after the page number "5").
    """
    least, most = _PAGE_LINES
    run = _longest_run(marks, least, most, None)
    if len(run) < _PAGE_RUN_LEAST:
        return run
    per_page = sorted((b[0] - a[0]) / (b[1] - a[1]) for a, b in zip(run, run[1:]))
    median = per_page[len(per_page) // 2]
    run = _longest_run(marks, max(least, median / 2), min(most, median * 2), median)
    # The text's last page number, after a last page too short for a page.
    after = [mark for mark in marks if mark[0] > run[-1][0]] if run else []
    if len(after) == 1 and after[0][1] == run[-1][1] + 1 and after[0][0] - run[-1][0] < median:
        run.append(after[0])
    return run


def _longest_run(marks, least, most, page):
    """The longest run of ``marks`` one to three numbers apart, ``least`` to ``most`` lines a page; nearest ``page`` lines a page on ties."""
    by_number = collections.defaultdict(list)  # page number -> (line index, position in ``marks``) of its marks, in order
    best = [(1, 0.0)] * len(marks)  # (length, -distance from ``page`` lines a page) of the best run ending at each mark
    before = [None] * len(marks)
    for i, (index, number, _) in enumerate(marks):
        for step in (1, 2, 3):
            # The last few marks of the number a page's lines (or two, or three) before this one.
            earlier = by_number.get(number - step, ())
            stop = bisect.bisect_right(earlier, (index - least * step, len(marks)))
            for _, j in earlier[max(0, stop - _PAGE_TRIES) : stop][::-1]:
                lines_apart = index - marks[j][0]
                if lines_apart > most * step:
                    break
                score = (best[j][0] + 1, -abs(lines_apart / step - page) if page else 0.0)
                if score > best[i]:
                    best[i], before[i] = score, j
        by_number[number].append((index, i))
    if not marks:
        return []
    i = max(range(len(marks)), key=best.__getitem__)
    run = []
    while i is not None:
        run.append(marks[i])
        i = before[i]
    return run[::-1]


def _without_furniture(lines, number, running):
    """``(first, last)``: page ``number``'s stripped non-blank ``lines`` are its text from ``first`` to ``last``.

    Up to :data:`_PAGE_EDGE` lines at either end are left out when they are
    a page number, or (after the first page) a ``running`` title or footer.
    """

    def furniture(line):
        return is_page_mark(line) or (number > 0 and line in running)

    first, last = 0, len(lines)
    while first < min(last, _PAGE_EDGE) and furniture(lines[first]):
        first += 1
    while last > max(first, len(lines) - _PAGE_EDGE) and furniture(lines[last - 1]):
        last -= 1
    return first, last


def _running_lines(pages):
    """Lines that stand at the same end of most pages (three at least): running titles and footers."""
    if len(pages) < 3:
        return set()
    running = set()
    for at_top in (True, False):
        seen = collections.Counter(line for page in pages for line in set(page[:_PAGE_EDGE] if at_top else page[-_PAGE_EDGE:]))
        running |= {line for line, n in seen.items() if n >= max(3, len(pages) // 2)}
    return running


def _read_markdown(path, data, max_bytes, max_pdf_pages):
    """.md: the text without its markup (markdown-it-py, CommonMark with tables), a block a line.

    Headings, paragraphs, list items, quotes and tables each begin a
    line, with a blank line between blocks (a table's rows are lines, their
    cells split by tabs); the number of an ordered list's
    item is kept ("1. 深化改革"), as the splitter reads numbered headings;
    a line break inside a paragraph stays. Links keep their text, images
    and inline HTML tags are dropped (``<br>`` is a line break), and an
    HTML block keeps its text. "[注]:……" is a note, not a link's
    definition: reference links are not read. Of YAML front matter only
    its ``title`` is kept, as the first line. A file over 16 MB or
    200,000 lines is returned as it is, as plain text.
    """
    markdown_it = _require("markdown_it", path)
    text = _decode(path, data)
    if len(data) > STREAM_FROM or line_breaks(text) > MAX_WHOLE_LINES:
        return text
    # YAML front matter (static-site pages): its title is the report's title line, the rest is no text.
    front = _FRONT_MATTER.match(text)
    title = _FRONT_TITLE.search(front.group()) if front else None
    blocks = [title.group(1).strip().strip("'\"")] if title else []
    text_start = front.end() if front else 0
    with _converted(path, "unreadable Markdown ({})"):
        parser = markdown_it.MarkdownIt("commonmark", options_update={"maxNesting": _MARKDOWN_NESTING})
        # text_join off: an escaped character comes apart from the text around it.
        body = text[text_start:]
        tokens = parser.enable(["table", "strikethrough"]).disable(["reference", "text_join"]).parse(body)
    if any(token.level >= _MARKDOWN_NESTING - 1 for token in tokens):
        return text  # nested too deep: the parser dropped text, so none is taken out
    lines = re.split(r"\r\n|\r|\n", body)  # as the parser numbers them
    blocks += _markdown_blocks(tokens, lines)
    return "\n\n".join(block for block in blocks if block.strip()) + "\n"


def _markdown_blocks(tokens, lines):
    """The text of each block of a parsed Markdown document, in order."""
    number = ""  # an ordered list item's number, for the item's first paragraph
    row = None  # the cells of the table row being read
    table = []  # the rows of the table being read
    for token in tokens:
        if token.type == "inline":
            content = _markdown_inline(token.children or [])
            if row is not None:
                row.append(content.replace("\n", " "))  # a row stays one line
            else:
                yield number + content
                number = ""
        elif token.type == "list_item_open" and token.info:
            number = token.info + token.markup + " "  # "1" and "." (or ")"): "1. 深化改革"
        elif token.type == "list_item_close":
            number = ""  # an item without a paragraph: its number does not go to the next block
        elif token.type == "tr_open":
            row = []
            # The parser drops cells past the header's count (as GFM says): the
            # row's line is read too, and its cells past the parser's are kept as written.
            split = _TABLE_CELL.split(lines[token.map[0]].strip()) if token.map else []
            written = [cell.strip() for cell in split[1 if split and not split[0].strip() else 0 :]]
            written = written[:-1] if written and not written[-1] else written
        elif token.type == "tr_close":
            table.append("\t".join([*(row or []), *written[len(row or []) :]]))
            row = None
        elif token.type == "table_open":
            table = []
        elif token.type == "table_close":
            yield "\n".join(table)  # a table is one block, a row a line: its rows stay together
        elif token.type in ("fence", "code_block"):
            yield token.content.rstrip("\n")
        elif token.type == "html_block":
            yield _flat_text(token.content, visible_only=True)


def _markdown_inline(children):
    """An inline run's text: words, code and line breaks; no markers, images or tags.

    A line break inside a paragraph stays one: many a Markdown report puts
    a heading and its paragraph on lines that CommonMark reads as one
    paragraph ("一、工作回顾" above "过去一年，……"), and the splitter tells
    those from a sentence wrapped over lines, as it does in plain text.
    """
    out = []
    for child in children:
        if child.type == "text":
            out.append(_LEFT_EMPHASIS.sub("", child.content))
        elif child.type in ("text_special", "code_inline"):
            out.append(child.content)  # an escaped character or entity, code: as written
        elif child.type in ("softbreak", "hardbreak") or (child.type == "html_inline" and _LINE_BREAK_TAG.fullmatch(child.content)):
            out.append("\n")
    return "".join(out)


def _read_html(path, data, max_bytes, max_pdf_pages):
    """.html and .htm: the main text (trafilatura), one paragraph a line;
    the page's whole visible text if trafilatura finds no main text. A
    ``<br>`` inside a block of text is a :data:`~policytext.segment.SOFT_BREAK`."""
    trafilatura = _require("trafilatura", path)
    match = _META_CHARSET.search(data[:4096])
    html = _decode(path, data, declared=match and match.group(1))
    from lxml.etree import Error as LxmlError

    unreadable = functools.partial(_converted, path, "unreadable HTML ({})", (LxmlError,))
    with unreadable():
        root = _parse_html(html)
        if root is None:
            return ""
        whole = _chars(root.text_content())
    if whole < _chars(_flat_text(html)):
        # The parser gave up inside the page (libxml2 stops past 2,048
        # nested elements even with huge_tree): every character of the
        # page is read from its tags instead, so nothing is dropped.
        return _flat_text(html, visible_only=True)
    marked = _BR_MARK not in html  # (a page that holds the mark itself keeps its <br> as line breaks)
    # Walking the parsed tree is lxml's work too: guarded like the parse.
    with unreadable():
        if marked:
            _mark_soft_breaks(root)
        text = trafilatura.extract(root, include_comments=False, include_tables=True, favor_recall=True)
    if not text or not text.strip():
        with unreadable():
            root = _parse_html(html)  # trafilatura may have pruned the first tree
            if marked:
                _mark_soft_breaks(root)
            text = _visible_text(root)
    return _soft_breaks(text) if marked else text


# A <br> inside a block of text breaks a line of its paragraph, anywhere in a
# sentence ("…创新中心、科创<br>研发孵化基地…"): it is read as a SOFT_BREAK.
# trafilatura cannot carry one: it writes a <br> as a line break or as a
# space, and U+2028 as a line break. So each such <br> is marked before
# extraction with a character no report holds (CAPITULUM), which
# trafilatura keeps as text; the mark, with the white space trafilatura gave
# the <br> before it, becomes the soft break.
_BR_MARK = "\u2e3f"
_MARKED_BR = re.compile(f"[^\\S\\n]*\\n?[^\\S\\n]*{_BR_MARK}")
_MARK_ENDING_LINE = re.compile(f"{_BR_MARK}(?=[^\\S\\n]*(?:\\n|$))")
# Elements that begin and end a block of text (of those a page's text is in).
_BLOCKS = frozenset(_BLOCK_TAGS) - {"br"} | {
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "header", "footer", "nav", "aside", "main", "hr", "body",
    "center", "form", "figure", "figcaption", "caption", "address", "thead", "tbody", "tfoot", "fieldset",
}  # fmt: skip
_NO_TEXT = frozenset(["script", "style", "noscript", "template", "head", "title"])


def _mark_soft_breaks(root):
    """Put :data:`_BR_MARK` after each ``<br>`` of a parsed page that breaks a line inside a block of text.

    Such a ``<br>`` has text of its block before and after it, with no other
    ``<br>`` or block between (``<br><br>`` parts paragraphs, and a ``<br>``
    opening or closing a block breaks nothing). One in a table cell is left
    alone: a row is read as one line.
    """
    from lxml import etree

    soft = []
    after_text = False  # text of the block since its start or the last <br>
    waiting = None  # a <br> after text, until text follows it
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else None  # None: a comment or processing instruction
        if event == "start":
            if tag == "br":
                waiting = element if after_text else None
                after_text = False
            elif tag in _BLOCKS:
                after_text, waiting = False, None
            text = element.text if tag is not None and tag not in _NO_TEXT else None
        else:
            if tag in _BLOCKS:
                after_text, waiting = False, None
            text = element.tail
        if text and not text.isspace():
            if waiting is not None:
                soft.append(waiting)
            after_text, waiting = True, None
    for br in soft:
        if next(br.iterancestors("td", "th"), None) is None:
            br.tail = _BR_MARK + (br.tail or "")


def _soft_breaks(text):
    """The extracted text with each marked ``<br>`` a :data:`~policytext.segment.SOFT_BREAK` (see :data:`_BR_MARK`)."""
    if _BR_MARK not in text:
        return text
    return _MARKED_BR.sub(SOFT_BREAK, _MARK_ENDING_LINE.sub("", text))


def _parse_html(html):
    """The page as an lxml tree (nesting up to libxml2's huge-tree depth), or None if empty."""
    from lxml import html as lxml_html

    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses a str that declares an encoding
    if not html.strip():
        return None
    return lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))


# Tags only: "<5%" and "> 10%" in a sentence are text.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^>]*>|<[!?][^>]*>", re.DOTALL)
_INVISIBLE = re.compile(r"<(script|style|noscript|template|head)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<(?:" + "|".join(_BLOCK_TAGS) + r")\b[^>]*>", re.IGNORECASE)


def _flat_text(html, visible_only=False):
    """A page's text read from its tags alone, without a parser: one line per block."""
    import html as html_module

    if visible_only:
        html = _INVISIBLE.sub("", html)
    text = html_module.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", html)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _chars(text):
    return sum(not c.isspace() for c in text)


def _visible_text(root):
    """All text of a parsed page outside script, style and the like, a line per block."""
    from lxml import etree

    etree.strip_elements(root, "script", "style", "noscript", "template", "head", with_tail=False)
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _read_docx(path, data, max_bytes, max_pdf_pages):
    """.docx: paragraphs and table rows in document order, one a line (a row's cells split by tabs)."""
    docx = _require("docx", path)
    from docx.opc.constants import RELATIONSHIP_TYPE

    corrupt = functools.partial(_converted, path, "corrupt .docx ({})", _docx_errors())
    with corrupt():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
    unpacked, limit = sum(sizes.values()), ZIP_RATIO_LIMIT * max_bytes
    if unpacked >= limit:
        raise DocumentError(path, f"decompression bomb: unpacks to {_size(unpacked)}, over the {_size(limit)} limit")
    text_part, text_limit = sizes.get("word/document.xml", 0), DOCX_TEXT_RATIO_LIMIT * max_bytes
    if text_part >= text_limit:
        raise DocumentError(
            path, f"text part too large: word/document.xml unpacks to {_size(text_part)}, over the {_size(text_limit)} limit"
        )
    with corrupt():
        document = docx.Document(io.BytesIO(data))
        # Taken from python-docx here, where its errors are the file's.
        styles = _docx_part_element(path, document, RELATIONSHIP_TYPE.STYLES)
        if styles is None:
            styles = document.styles.element  # python-docx's default styles
        numbering_root = _docx_part_element(path, document, RELATIONSHIP_TYPE.NUMBERING)
    numbering = DocxNumbering(styles, numbering_root)  # policytext's own reading of the numbering part: its errors are bugs
    with corrupt():
        # python-docx parses a part's content as it is walked.
        return "\n".join(_docx_lines(document, numbering))


def _docx_part_element(path, document, relationship):
    """The root element of the document's part of ``relationship``, or None when it has none.

    Looked up by relationship: python-docx's properties add a part that is
    missing. A part whose content type is not the one for it (a numbering
    part labelled ``image/png``) is loaded as a plain Part, of bytes: the
    file is corrupt.
    """
    try:
        part = document.part.part_related_by(relationship)
    except KeyError:
        return None
    element = getattr(part, "element", None)
    if element is None:
        raise DocumentError(path, f"corrupt .docx ({part.partname.lstrip('/')} has the content type {part.content_type!r})")
    return element


def _docx_lines(container, numbering):
    """The non-blank lines of a document or table cell, recursing into tables.

    A row whose cells hold a line each is one line, its cells split by tabs as
    a Markdown table's are, so that a table of targets keeps its columns
    ("地区生产总值增长\t5.8%\t6%左右"); a row with a longer cell (a table used
    for layout) gives each cell's lines in turn.

    A paragraph numbered by Word's lists begins with the number Word shows
    ("一、2025年工作回顾", not the "2025年工作回顾" of ``paragraph.text``):
    see :class:`policytext.wordlists.DocxNumbering`. A manual line break
    inside a paragraph (Shift+Enter) is a
    :data:`~policytext.segment.SOFT_BREAK`, which ends no sentence that
    goes on in the next line.
    """
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):  # a table
            seen = set()  # a merged cell is returned once per grid cell it spans
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        cells.append(list(_docx_lines(cell, numbering)))
                if all(len(lines) <= 1 and SOFT_BREAK not in "".join(lines) for lines in cells):
                    line = "\t".join(lines[0] if lines else "" for lines in cells)
                    if line.strip():
                        yield line
                else:
                    yield from itertools.chain.from_iterable(cells)
        else:
            # Counted even when blank: Word numbers an empty list paragraph too.
            number = numbering.label(block._p)
            if block.text.strip():
                # python-docx gives a manual line break (w:br, w:cr) as "\n": a break inside the paragraph.
                yield number + block.text.replace("\n", SOFT_BREAK)


def _read_pdf(path, data, max_bytes, max_pdf_pages):
    """.pdf: the text layer of each page, pages joined by a line break."""
    pypdf = _require("pypdf", path)
    with _converted(path, "corrupt or unreadable PDF ({})", (pypdf.errors.PyPdfError,)):
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(path, "PDF is encrypted (needs a password)")
        # The page tree's declared count first: walking a tree built to hold
        # a million (shared) pages would itself be the attack.
        # The count is only declared: a file may declare many more pages than it holds.
        declared = _declared_pages(reader)
        if declared is not None and declared > max_pdf_pages:
            raise DocumentError(path, f"PDF declares {declared} pages, over the {max_pdf_pages}-page limit")
        pages = len(reader.pages)
        if pages > max_pdf_pages:
            raise DocumentError(path, f"PDF has {pages} pages, over the {max_pdf_pages}-page limit")
        pages_text = [page.extract_text() or "" for page in reader.pages]
    text = _joined_pages(pages_text)
    if not text.strip():
        raise DocumentError(path, "PDF has no text layer (scanned?)")
    return text


#: Lines read at each end of a page for its running header, footer and number.
_PAGE_EDGE = 2


def _joined_pages(pages):
    """The pages' texts joined by line breaks, without what a printed page repeats at its top and bottom.

    A sentence that runs on to the next page was cut by the page number and
    the running title between its halves ("…海康威视获" / "- 1 -" / "浙江省
    人民政府工作报告" / "我省首个…"), and those became sentences. A page
    number (:func:`~policytext.segment.is_page_mark`) at either end of a page
    is left out, and so is a line that stands at the same end of most pages
    (at least three), except on the first page, where it may be the title.
    """
    lines = [page.splitlines() for page in pages]
    written = [[i for i, line in enumerate(page) if line.strip()] for page in lines]  # the non-blank lines' indices
    running = _running_lines([[page[i].strip() for i in kept] for page, kept in zip(lines, written)])
    out = []
    for number, (page, kept) in enumerate(zip(lines, written)):
        first, last = _without_furniture([page[i].strip() for i in kept], number, running)
        drop = set(kept[:first] + kept[last:])
        out.append("\n".join(line for i, line in enumerate(page) if i not in drop))
    return "\n".join(out)


def _declared_pages(reader):
    """The /Count of the root page tree, or None when it is missing or not a number."""
    try:
        count = reader.root_object["/Pages"].get_object().get("/Count")
        return int(count)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_READERS = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}
_EXTRAS = {".md": "docs", ".html": "docs", ".htm": "docs", ".docx": "docs", ".pdf": "docs"}


# --------------------------------------------------------------- public API


def extra_for(suffix: str) -> str | None:
    """Name the optional extra needed to read files with this suffix.

    Parameters
    ----------
    suffix : str
        A file suffix such as ``".pdf"`` (case and the leading dot do not matter).

    Returns
    -------
    str or None
        ``"docs"`` for .md, .html, .htm, .docx and .pdf; None for .txt,
        which needs only policytext's core.

    Raises
    ------
    ValueError
        If policytext cannot read the suffix at all.
    """
    suffix = suffix.lower() if suffix.startswith(".") else "." + suffix.lower()
    if suffix not in _READERS:
        raise ValueError(f"unsupported format {suffix!r} ({_supported()})")
    return _EXTRAS.get(suffix)


#: What the limits of reading allow (``limits`` of :func:`policytext.archive.tag_files` too).
LIMITS = dict.fromkeys(("max_bytes", "max_pdf_pages"), int_between(1, 1 << 50))
_READ_DOCUMENT = {"path": PATH, **LIMITS}
_READ_STREAM = {"stream": optional(BYTE_STREAM), "max_bytes": LIMITS["max_bytes"]}
_READ_INPUT = {**_READ_DOCUMENT, "stdin": optional(BYTE_STREAM)}


def read_document(path, *, max_bytes=DEFAULT_MAX_BYTES, max_pdf_pages=DEFAULT_MAX_PDF_PAGES) -> str:
    """Read a document file and return its plain text.

    Parameters
    ----------
    path : str or os.PathLike
        A .txt, .md, .html, .htm, .docx or .pdf file; the suffix decides the
        format (case does not matter).
    max_bytes : int, optional
        Refuse files larger than this (50 MB by default). A .docx may also
        not unpack to 20 times this or more.
    max_pdf_pages : int, optional
        Refuse PDFs with more pages than this (2000 by default), before
        extracting any text.

    Returns
    -------
    str
        The text, one paragraph a line: a BOM is removed, line endings are
        kept as they are; for HTML only the main text (no menus, scripts,
        footers); for PDF the pages joined by a line break.

    Raises
    ------
    DocumentError
        If the file is missing, a folder, empty, too large, binary, of an
        undetectable encoding, of an unsupported format, corrupt, a PDF
        without text layer or over the page limit, or needs the ``docs``
        extra that is not installed. ``str(error)`` is ``"PATH: reason"``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "报告.txt"
    >>> _ = path.write_bytes("各位代表：\\r\\n新建高标准农田4300亩。".encode("gb18030"))
    >>> read_document(path)
    '各位代表：\\r\\n新建高标准农田4300亩。'
    >>> read_document(path.with_name("无.txt"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    policytext.errors.DocumentError: ...无.txt: no such file
    """
    check_params("read_document", _READ_DOCUMENT, {"path": path, "max_bytes": max_bytes, "max_pdf_pages": max_pdf_pages})
    path = Path(path)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise DocumentError(path, "no such file") from None
    except OSError as exc:
        raise DocumentError(path, _os_reason(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError(path, "is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(path, "not a regular file")
    suffix = path.suffix.lower()
    if not suffix:
        raise DocumentError(path, f"no file suffix to tell the format ({_supported()})")
    if suffix not in _READERS:
        raise DocumentError(path, f"unsupported format {suffix!r} ({_supported()})")
    data = _read_bytes(path, info.st_size, max_bytes)
    text = _with_text(path, _READERS[suffix](path, data, max_bytes, max_pdf_pages))
    # Lone surrogates (PDF text layers produce them) cannot be written as
    # UTF-8; the fuzzer found them ending a job. They become U+FFFD. Plain
    # text is decoded strictly (or with U+FFFD for damage), which never gives
    # one, and a third of the time of reading it went to this search.
    return text if suffix in _PLAIN else _SURROGATE.sub("\ufffd", text)


def read_stream(stream=None, *, name="-", max_bytes=DEFAULT_MAX_BYTES) -> str:
    """Read a plain-text document from a binary stream (by default standard input) and return its text.

    The bytes are decoded as a ``.txt`` file's are by :func:`read_document`
    (the same encoding detection, the same joining of printed pages), and
    refused for the same reasons, each a :class:`DocumentError` naming
    ``name`` (``"-: empty file"``); so is standard input when the process
    has none (started with it closed).

    >>> import io
    >>> read_stream(io.BytesIO("各位代表：".encode("gb18030")))
    '各位代表：'
    """
    check_params("read_stream", _READ_STREAM, {"stream": stream, "max_bytes": max_bytes})
    if stream is None:
        # sys.stdin is None in a process started with standard input closed (python 0<&-).
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise DocumentError(name, "no standard input to read (it is closed)")
    data = _read_at_most(name, stream, max_bytes)
    return _with_text(name, _read_text(name, data, max_bytes, DEFAULT_MAX_PDF_PAGES))


def read_input(path, *, stdin=None, max_bytes=DEFAULT_MAX_BYTES, max_pdf_pages=DEFAULT_MAX_PDF_PAGES) -> str:
    """The text of the document ``path`` (:func:`read_document`), or of ``stdin`` (:func:`read_stream`) for
    :data:`~policytext.finding.STDIN`, ``"-"``: how a job reads each document it found.

    >>> import io
    >>> read_input("-", stdin=io.BytesIO("各位代表：".encode("utf-8")))
    '各位代表：'
    """
    check_params("read_input", _READ_INPUT, {"path": path, "stdin": stdin, "max_bytes": max_bytes, "max_pdf_pages": max_pdf_pages})
    if path == STDIN:
        return read_stream(stdin, name=STDIN, max_bytes=max_bytes)
    return read_document(path, max_bytes=max_bytes, max_pdf_pages=max_pdf_pages)


def _with_text(path, text):
    """``text``, refused if it holds nothing visible: tagged, it gave no sentence and no sign of why
    (a BOM alone, a page of white space, HTML with no text)."""
    if not _VISIBLE.search(text):
        raise DocumentError(path, "no text (only white space)")
    return text


_STREAM_HEAD = 1 << 20  # bytes the encoding of a streamed text is detected from


def open_text_stream(path):
    """Open a plain-text document (.txt) of any size for reading a block at a time.

    The encoding is detected as :func:`read_document` detects it, from the
    first megabyte. Bytes further on that do not decode become U+FFFD, as in
    a file read whole with a few corrupt bytes, and under the same rule: when
    they pass 1% of the non-ASCII characters read since the stream was
    opened (or last sought), reading fails with a :class:`DocumentError`,
    at once if they pass 1% of the file's bytes, else at its end. A
    byte-order mark is skipped, so offsets match :func:`read_document`'s text.

    Raises
    ------
    DocumentError
        If the file cannot be opened, is empty, binary, or of no detectable
        encoding; when read, if too much of it does not decode.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(_STREAM_HEAD)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise DocumentError(path, _os_reason(exc)) from None
    if not head:
        raise DocumentError(path, "empty file")
    skip = 0
    for bom, name in _BOMS:
        if head.startswith(bom):
            encoding, skip = name.replace("-sig", ""), len(bom)
            break
    else:
        if len(head) == _STREAM_HEAD:
            head = _whole_characters(head)
        encoding, _ = _encoding_of(path, head)
    handle = open(path, "rb")
    handle.seek(skip)
    return _CheckedText(handle, path=path, size=size, encoding=encoding, errors="replace", newline="")


def _whole_characters(head):
    """The first bytes of a file, cut where no character is split, so that its encoding is told right.

    At the last line end; else (a line longer than the head) where the
    head decodes strictly in one of the encodings a report may be in
    without its last 0 to 3 bytes: cut inside a character, UTF-8 failed
    to decode and a wrong guess (cp932) read the whole file as garbage.
    A head that decodes in none of them (damaged) is kept as it is.
    """
    if b"\n" in head:
        return head[: head.rfind(b"\n") + 1]
    for encoding in ("utf-8", "gb18030", "big5"):
        for cut in range(4):
            if _decodes(head[: len(head) - cut], encoding):
                return head[: len(head) - cut]
    return head


class _CheckedText(io.TextIOWrapper):
    """A text stream that fails, as a file read whole does, when too much of it does not decode.

    Counted as it is read (:meth:`read`, :meth:`readline`, iteration): the
    U+FFFD characters that undecodable bytes became, against the non-ASCII
    characters (approximately: all but ASCII and the ideographic space;
    counting each character's class would cost more than tagging). A
    U+FFFD written in the file counts as damage too.
    """

    def __init__(self, buffer, *, path, size, **options):
        super().__init__(buffer, **options)
        self._path, self._size = path, size
        self._bad = self._wide = 0

    def read(self, size=-1):
        text = super().read(size)
        self._count(text, ended=size is None or size < 0 or len(text) < size)
        return text

    def readline(self, size=-1):
        line = super().readline(size)
        self._count(line, ended=not line)
        return line

    def __next__(self):
        try:
            line = super().__next__()
        except StopIteration:
            self._count("", ended=True)
            raise
        self._count(line, ended=False)
        return line

    def seek(self, *args):
        self._bad = self._wide = 0  # read again from there
        return super().seek(*args)

    def _count(self, text, ended):
        self._bad += text.count("\ufffd")
        self._wide += len(text) - len(text.encode("ascii", "ignore")) - text.count("\u3000")
        # Past 1% of the file's bytes, it is past 1% of its characters however many: no need to read on.
        if self._bad > _DAMAGE_LIMIT * self._size or (ended and self._bad > _DAMAGE_LIMIT * self._wide):
            raise DocumentError(self._path, f"not valid {self.encoding} text ({self._bad:,} undecodable bytes, over 1% of its text)")


# ------------------------------------------------------------------ helpers


def _read_bytes(path, size, max_bytes):
    if size > max_bytes:
        raise DocumentError(path, f"larger than the {_size(max_bytes)} limit ({_size(size)})")
    try:
        with open(path, "rb") as handle:
            return _read_at_most(path, handle, max_bytes)  # the file may have grown since stat()
    except OSError as exc:
        raise DocumentError(path, _os_reason(exc)) from None


def _read_at_most(name, handle, max_bytes):
    """The bytes of ``handle``, refused (naming ``name``) if there are none or more than ``max_bytes``."""
    try:
        data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(name, _os_reason(exc)) from None
    if not data:
        raise DocumentError(name, "empty file")
    if len(data) > max_bytes:
        raise DocumentError(name, f"larger than the {_size(max_bytes)} limit")
    return data


def _require(module, path):
    """Import an optional library, or say which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = extra_for(path.suffix)
        raise DocumentError(path, extra_needed(f"reading {path.suffix.lower()}", extra)) from None


#: What parsers raise on a malformed file besides their own error classes: the
#: built-in errors of reading bytes that are not what they should be. Not
#: MemoryError (the machine, not the file), and nothing of policytext's own:
#: :func:`_converted` wraps the libraries' calls only.
_MALFORMED = (
    ValueError, LookupError, TypeError, AttributeError, AssertionError, ArithmeticError,
    RuntimeError, EOFError, OSError, zipfile.BadZipFile, struct.error, zlib.error,
)  # fmt: skip


@contextlib.contextmanager
def _converted(path, template, errors=()):
    """Turn a library's error reading a file into a DocumentError with ``template`` as reason.

    ``errors`` are the library's own error classes; the built-in ones of
    :data:`_MALFORMED` are caught too. Wrap the library's calls only, so that
    a bug of policytext's or a MemoryError is not reported as a bad file.
    """
    try:
        yield
    except DocumentError:
        raise
    except (*_MALFORMED, *errors) as exc:  # not MemoryError, which none of them is
        raise DocumentError(path, template.format(_cause(exc))) from exc


def _docx_errors():
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml.etree import Error as LxmlError

    return (PythonDocxError, OpcError, LxmlError)


def _cause(exc):
    """A short, one-line description of an exception."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 100 else text[:99] + "…"


def _os_reason(exc):
    return (exc.strerror or str(exc)).lower()


def _size(n):
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + " " + unit
    return f"{n} B"


def _supported():
    return "policytext reads " + ", ".join(SUPPORTED)
