"""policytext.readers: every format, every encoding, every refusal.

Each test builds its own files in tmp_path. HTML, .docx and .pdf tests skip
when the 'docs' extra (trafilatura, python-docx, pypdf) is not installed.
"""

import io
import json
import random
import re
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from pdfmaker import make_pdf
from policytext import split_sentences
from policytext.errors import DocumentError
from policytext.readers import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PDF_PAGES,
    SUPPORTED,
    detect_encoding,
    extra_for,
    open_text_stream,
    read_document,
    without_page_furniture,
)
from policytext.segment import SOFT_BREAK
from policytext import ParameterError

PARAGRAPHS = [
    "过去一年，全县地区生产总值增长6.5%，规模以上工业增加值增长8%。",
    "新建高标准农田4300亩，粮食总产量稳定在5万吨以上。",
    "排查整改安全隐患126条，开展防汛应急演练3次。",
    "新增城镇就业800人，发放低保资金300万元。",
]
TEXT = "2024年政府工作报告\n" + "\n".join(PARAGRAPHS) + "\n"
# About 30 characters each: short enough that charset-normalizer alone can misjudge them.
SHORT_GBK = "各位代表：现在，我代表县人民政府向大会报告工作，请予审议。"
SHORT_BIG5 = "各位代表：現在，我代表縣人民政府向大會報告工作，請予審議。"
LONG_BIG5 = "過去一年，全縣地區生產總值增長百分之六點五，規模以上工業增加值增長百分之八。\n" * 60
SUPPORTED_TEXT = "policytext reads .txt, .md, .html, .htm, .docx, .pdf"


def write(path, data):
    path.write_bytes(data)
    return path


def reason(path, **kwargs):
    """The reason of the DocumentError that reading ``path`` raises."""
    with pytest.raises(DocumentError) as info:
        read_document(path, **kwargs)
    assert info.value.path == str(path)
    assert str(info.value) == f"{path}: {info.value.reason}"
    return info.value.reason


# ------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    "name, data, text",
    [
        ("utf8.txt", TEXT.encode("utf-8"), TEXT),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT),
        ("utf16le.txt", b"\xff\xfe" + TEXT.encode("utf-16-le"), TEXT),
        ("utf16be.txt", b"\xfe\xff" + TEXT.encode("utf-16-be"), TEXT),
        # UTF-32's little-endian mark starts with UTF-16's: read as UTF-16 it gave NULs.
        ("utf32le.txt", b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"), TEXT),
        ("utf32be.txt", b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"), TEXT),
        # UTF-16 without a byte-order mark was refused as binary for its NUL bytes
        # (those of ASCII characters, and of 一 in "过去一年": U+4E00).
        ("utf16le-no-bom.txt", TEXT.encode("utf-16-le"), TEXT),
        ("utf16be-no-bom.txt", TEXT.encode("utf-16-be"), TEXT),
        # ... and so was UTF-32 without one, as "binary data, not text".
        ("utf32le-no-bom.txt", TEXT.encode("utf-32-le"), TEXT),
        ("utf32be-no-bom.txt", TEXT.encode("utf-32-be"), TEXT),
        ("gbk-short.txt", SHORT_GBK.encode("gbk"), SHORT_GBK),
        ("gbk-long.txt", (TEXT * 50).encode("gbk"), TEXT * 50),
        ("big5-short.txt", SHORT_BIG5.encode("big5"), SHORT_BIG5),
        ("big5-long.txt", LONG_BIG5.encode("big5"), LONG_BIG5),
        ("crlf.txt", TEXT.replace("\n", "\r\n").encode("gbk"), TEXT.replace("\n", "\r\n")),
        ("notes.md", ("# 报告\n\n" + TEXT).encode("utf-8"), "报告\n\n" + TEXT),  # the heading without its markup
        ("UPPER.TXT", TEXT.encode("utf-8"), TEXT),
    ],
)
def test_text_encodings(tmp_path, name, data, text):
    assert read_document(write(tmp_path / name, data)) == text


def test_accepts_a_str_path(tmp_path):
    path = write(tmp_path / "a.txt", TEXT.encode("utf-8"))
    assert read_document(str(path)) == TEXT


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("政府工作报告".encode("utf-8"), "utf-8"),
        (b"plain ascii", "utf-8"),
        (b"\xef\xbb\xbf" + "政府".encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + "政府".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + "政府".encode("utf-16-be"), "utf-16-be"),
        (b"\xff\xfe\x00\x00" + "政府".encode("utf-32-le"), "utf-32-le"),
        ("2025年政府工作报告\n".encode("utf-16-le"), "utf-16-le"),
        ("2025年政府工作报告\n".encode("utf-16-be"), "utf-16-be"),
        (SHORT_GBK.encode("gbk"), "gb18030"),
        (SHORT_BIG5.encode("big5"), "big5"),
        # charset-normalizer alone: cp949 (Hangul) and big5hkscs (bopomofo).
        ("政府工作报告".encode("gbk"), "gb18030"),
        ("（2019年3月5日）".encode("gbk"), "gb18030"),
        ("一体推进“三不腐”".encode("gbk"), "gb18030"),
    ],
)
def test_detect_encoding(data, encoding):
    assert detect_encoding(data) == encoding


def test_detect_encoding_refuses_binary():
    assert detect_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") is None
    assert detect_encoding(bytes(range(1, 9)) * 50) is None


def test_gbk_sentences_of_the_corpus_decode(tiny_corpus):
    # Every training sentence of tests/conftest.py, alone, in GBK.
    import json

    for line in tiny_corpus.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        data = text.encode("gbk")
        assert data.decode(detect_encoding(data)) == text


# -------------------------------------------------------------------- HTML

ARTICLE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>某县人民政府</title>
<style>.nav {{ color: red }} .menu::after {{ content: "样式里的字" }}</style>
<script>var menuTitle = "脚本里的菜单文字"; document.write("脚本输出");</script>
</head><body>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></nav>
<div id="menu" class="menu"><a href="/a">网站地图</a> | <a href="/b">无障碍浏览</a></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<article class="content"><h1>2024年政府工作报告</h1>
{paragraphs}
</article>
<footer><p>版权所有：某县人民政府办公室　主办单位联系电话：0000-1234567</p></footer>
<script>trackVisit("统计脚本");</script>
</body></html>
"""


def article_page(charset="utf-8"):
    return ARTICLE_PAGE.format(charset=charset, paragraphs="\n".join(f"<p>{p}</p>" for p in PARAGRAPHS))


def check_article(text):
    lines = text.splitlines()
    for paragraph in PARAGRAPHS:
        assert paragraph in lines  # each paragraph on a line of its own
    for chrome in ("脚本", "样式里的字", "网站地图", "无障碍浏览", "办事服务", "互动交流", "版权所有", "color"):
        assert chrome not in text


MARKDOWN = """# 青禾镇2024年上半年工作总结

各位代表：

## 一、上半年工作回顾

**（一）经济运行稳中向好。**全年地区生产总值增长6%，见[统计公报](http://example.org/公报)。

- 新建高标准农田*3000*亩；
- 完成**危房改造**120户。

1. 深化改革
2) 扩大开放

> 群众满意度达到`98%`。<br>比上年提高2个百分点。

![航拍图](photo.png)

| 指标 | 数值 |
|---|---|
| 粮食产量 | 1.2&nbsp;万吨 |

<div class="note">注：数据为快报数。</div>
"""


def test_markdown_is_read_without_its_markup(tmp_path):
    pytest.importorskip("markdown_it")
    text = read_document(write(tmp_path / "report.md", MARKDOWN.encode("utf-8")))
    assert text == (
        "青禾镇2024年上半年工作总结\n\n各位代表：\n\n一、上半年工作回顾\n\n"
        # CommonMark leaves the closing "**" between "。" and "全": it goes too.
        "（一）经济运行稳中向好。全年地区生产总值增长6%，见统计公报。\n\n"
        "新建高标准农田3000亩；\n\n完成危房改造120户。\n\n1. 深化改革\n\n2) 扩大开放\n\n"
        "群众满意度达到98%。\n比上年提高2个百分点。\n\n指标\t数值\n粮食产量\t1.2\u00a0万吨\n\n注：数据为快报数。\n"
    )
    spans = split_sentences(text)
    assert [s.text for s in spans if s.is_heading] == ["一、上半年工作回顾", "（一）经济运行稳中向好。", "1. 深化改革"]
    assert not [s.text for s in spans if not re.search(r"\w", s.text)]  # no sentence of markup alone


def test_markdown_line_breaks_inside_a_paragraph_stay(tmp_path):
    # CommonMark reads these lines as one paragraph; joined, the heading would run into the sentence.
    pytest.importorskip("markdown_it")
    source = "各位代表：\n一、过去一年工作回顾\n过去一年，全镇地区生产总值增长百分之六。\n"
    text = read_document(write(tmp_path / "lines.md", source.encode("utf-8")))
    assert text == source
    assert [s.text for s in split_sentences(text)] == ["各位代表：", "一、过去一年工作回顾", "过去一年，全镇地区生产总值增长百分之六。"]


@pytest.mark.parametrize(
    "source, text",
    [
        # A note is no link definition: CommonMark's reading dropped it.
        ("[注]:本报告中部分数据为初步统计数。\n\n正文。\n", "[注]:本报告中部分数据为初步统计数。\n\n正文。\n"),
        # Cells past the header's count: the parser drops them.
        ("| 指标 | 数值 |\n|---|---|\n| GDP | 5000 | 5.2% |\n", "指标\t数值\nGDP\t5000\t5.2%\n"),
        # "<" and ">" in an HTML block's text are no tags.
        ("<p>增长率<5%的地区有3个，>10%的有2个</p>\n", "增长率<5%的地区有3个，>10%的有2个\n"),
        # An item without a paragraph gives its number to no other block.
        ("1.\n\n正文段落。\n", "正文段落。\n"),
        # Escaped asterisks are text; a single "*" CommonMark left beside CJK punctuation goes.
        ("2\\*\\*10，*（一）稳中向好。*全年增长。\n", "2**10，（一）稳中向好。全年增长。\n"),
        ("~~删除~~文字\n", "删除文字\n"),
        # A line break in a cell keeps the row on one line.
        ("| 项目 | 数值 |\n|---|---|\n| GDP<br>增长 | 5.2% |\n", "项目\t数值\nGDP 增长\t5.2%\n"),
    ],
)
def test_markdown_text_is_kept_where_the_markup_would_lose_it(tmp_path, source, text):
    pytest.importorskip("markdown_it")
    assert read_document(write(tmp_path / "case.md", source.encode("utf-8"))) == text


def test_markdown_front_matter_gives_its_title_and_nothing_else(tmp_path):
    pytest.importorskip("markdown_it")
    source = "---\ntitle: 青禾镇2024年政府工作报告\ndate: 2024-01-10\ntags: [政府, 报告]\n---\n\n各位代表：\n\n## 一、工作回顾\n"
    text = read_document(write(tmp_path / "front.md", source.encode("utf-8")))
    assert text == "青禾镇2024年政府工作报告\n\n各位代表：\n\n一、工作回顾\n"
    # A rule and a setext heading are no front matter: "---" must open the file and close it.
    assert read_document(write(tmp_path / "rule.md", "正文。\n\n---\n\n下文。\n".encode("utf-8"))) == "正文。\n\n下文。\n"
    ruled = "---\n\n各位代表：\n\n现在，我代表镇人民政府作报告。\n\n---\n"
    assert read_document(write(tmp_path / "ruled.md", ruled.encode("utf-8"))) == "各位代表：\n\n现在，我代表镇人民政府作报告。\n"


def test_markdown_of_very_many_lines_is_read_as_plain_text(tmp_path):
    # Parsed, 700,000 short blocks took 24 s and 1 GB; as text they are refused by their lines when read whole.
    pytest.importorskip("markdown_it")
    source = "# 一\n\n" * 110_000
    assert read_document(write(tmp_path / "many.md", source.encode("utf-8"))) == source


def test_markdown_nested_deeper_than_the_parser_reads_is_kept_as_plain_text(tmp_path):
    # Past its nesting limit markdown-it drops the rest of the block without a word.
    pytest.importorskip("markdown_it")
    source = ">" * 150 + " 深处的一句话。\n\n后面的段落。\n"
    assert read_document(write(tmp_path / "deep.md", source.encode("utf-8"))) == source


def test_html_main_text_only(tmp_path):
    pytest.importorskip("trafilatura")
    check_article(read_document(write(tmp_path / "report.html", article_page().encode("utf-8"))))


@pytest.mark.parametrize(
    "declaration",
    ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'],
)
def test_html_gbk_with_meta_charset(tmp_path, declaration):
    pytest.importorskip("trafilatura")
    page = article_page("gbk").replace('<meta charset="gbk">', declaration)
    check_article(read_document(write(tmp_path / "report.htm", page.encode("gbk"))))


def test_html_big5_without_declaration(tmp_path):
    pytest.importorskip("trafilatura")
    page = f"<html><body><p>{SHORT_BIG5}</p><p>{LONG_BIG5.splitlines()[0]}</p></body></html>"
    text = read_document(write(tmp_path / "big5.html", page.encode("big5")))
    assert text.splitlines() == [SHORT_BIG5, LONG_BIG5.splitlines()[0]]


def test_html_without_markup_falls_back_to_visible_text(tmp_path):
    pytest.importorskip("trafilatura")
    path = write(tmp_path / "bare.html", SHORT_GBK.encode("utf-8"))
    assert read_document(path) == SHORT_GBK


def test_html_fallback_drops_script_and_style(tmp_path, monkeypatch):
    trafilatura = pytest.importorskip("trafilatura")
    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    text = read_document(write(tmp_path / "report.html", article_page().encode("utf-8")))
    lines = text.splitlines()
    for paragraph in PARAGRAPHS:
        assert paragraph in lines
    assert "2024年政府工作报告" in lines
    for hidden in ("脚本", "样式里的字", "color", "某县人民政府</title>"):
        assert hidden not in text


def test_html_that_is_binary(tmp_path):
    pytest.importorskip("trafilatura")
    assert reason(write(tmp_path / "x.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")) == "binary data, not text"


# -------------------------------------------------------------------- .docx


def test_docx_paragraphs_and_table(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("2024年政府工作报告", level=1)
    document.add_paragraph(PARAGRAPHS[0])
    document.add_paragraph("")  # blank paragraphs are dropped
    table = document.add_table(rows=4, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "主要指标"  # a merged cell comes out once
    table.cell(1, 0).text, table.cell(1, 1).text = "地区生产总值", "120亿元"  # a row of one-line cells is a line
    table.cell(2, 0).text, table.cell(2, 1).text = "粮食总产量", ""
    table.cell(3, 0).text, table.cell(3, 1).text = "说明", "第一段\n第二段"  # a longer cell (a manual line break): its lines in turn
    document.add_paragraph(PARAGRAPHS[1])
    path = tmp_path / "report.docx"
    document.save(path)
    assert read_document(path) == "\n".join(
        ["2024年政府工作报告", PARAGRAPHS[0], "主要指标", "地区生产总值\t120亿元", "粮食总产量\t", "说明", "第一段\u2028第二段", PARAGRAPHS[1]]
    )


# A paragraph broken by hand inside its sentence.
BROKEN_LINES = ["全县深入推进营商环境优化提升行动，新设经营主", "体3200户、增长12%，政务服务事项全部实现“一网通", "办”。"]


def test_docx_manual_line_breaks_are_soft_breaks_that_cut_no_sentence(tmp_path):
    # Shift+Enter in Word, or text pasted from a PDF: each break cut a sentence,
    # as the document's other paragraphs are not wrapped.
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in PARAGRAPHS * 2:
        document.add_paragraph(paragraph)
    broken = document.add_paragraph()
    for k, line in enumerate(BROKEN_LINES):
        run = broken.add_run(line)
        if k + 1 < len(BROKEN_LINES):
            run.add_break()  # w:br, a manual line break: one paragraph still
    heading = document.add_paragraph()
    heading.add_run("（二）持续优化营商环境").add_break()
    heading.add_run("全年新增市场主体3200户，增长12%。")
    document.add_paragraph(PARAGRAPHS[0])
    path = tmp_path / "report.docx"
    document.save(path)
    text = read_document(path)
    assert SOFT_BREAK.join(BROKEN_LINES) in text.split("\n")  # a paragraph a line, its manual breaks soft
    sentences = [s.text for s in split_sentences(text)]
    assert SOFT_BREAK.join(BROKEN_LINES) in sentences
    assert sentences[-3:] == ["（二）持续优化营商环境", "全年新增市场主体3200户，增长12%。", PARAGRAPHS[0]]  # a heading stands alone


def _br_page(*paragraphs):
    return ARTICLE_PAGE.format(charset="utf-8", paragraphs="\n".join(f"<p>{p}</p>" for p in PARAGRAPHS * 2 + list(paragraphs)))


def test_html_br_inside_a_paragraph_is_a_soft_break_that_cuts_no_sentence(tmp_path):
    pytest.importorskip("trafilatura")
    page = _br_page(
        "<br>".join(BROKEN_LINES),
        "全县经济运行稳中向好，主要指标增长较快<br><br>工业投资增长11%。",  # <br><br> parts paragraphs
        "新增城镇就业800人，带动农民增收<br>",  # a <br> closing its block breaks nothing
        "<br>今年，我们将继续抓好就业工作。",
    )
    text = read_document(write(tmp_path / "report.html", page.encode("utf-8")))
    assert SOFT_BREAK.join(BROKEN_LINES) in text.split("\n")
    sentences = [s.text for s in split_sentences(text)]
    assert sentences[-5:] == [
        SOFT_BREAK.join(BROKEN_LINES), "全县经济运行稳中向好，主要指标增长较快", "工业投资增长11%。",
        "新增城镇就业800人，带动农民增收", "今年，我们将继续抓好就业工作。",
    ]  # fmt: skip
    assert text.count(SOFT_BREAK) == 2


def test_html_br_in_the_fallback_text_is_a_soft_break_too(tmp_path, monkeypatch):
    trafilatura = pytest.importorskip("trafilatura")
    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    text = read_document(write(tmp_path / "report.html", _br_page("<br>".join(BROKEN_LINES)).encode("utf-8")))
    assert SOFT_BREAK.join(BROKEN_LINES) in [s.text for s in split_sentences(text)]


def test_html_br_in_a_table_cell_or_on_a_page_holding_the_mark_stays_a_line_break(tmp_path):
    pytest.importorskip("trafilatura")
    # A row is one line: a <br> in a cell is left as trafilatura reads it, while one in a paragraph is soft.
    table = "<table><tr><td>地区生产总值<br>增长</td><td>5%</td></tr><tr><td>一般公共预算收入<br>增长</td><td>3%</td></tr></table>"
    page = _br_page("全县经济运行稳中向好。").replace("</article>", table + "<p>新建高标准农田，<br>完成投资2亿元。</p></article>")
    text = read_document(write(tmp_path / "table.html", page.encode("utf-8")))
    rows = [line for line in text.split("\n") if "增长 |" in line]
    assert len(rows) == 2 and not any(SOFT_BREAK in row for row in rows), rows
    assert "新建高标准农田，" + SOFT_BREAK + "完成投资2亿元。" in text.split("\n")
    # A page that holds the mark itself (U+2E3F, which the reader puts after a soft <br>) is read
    # as before: its <br> are line breaks, its marks text.
    mark = "\u2e3f"
    page = _br_page("<br>".join(BROKEN_LINES), "符号" + mark + "照录。")
    text = read_document(write(tmp_path / "report.html", page.encode("utf-8")))
    assert SOFT_BREAK not in text
    assert "\n".join(BROKEN_LINES) in text
    assert "符号" + mark + "照录。" in text


def test_docx_decompression_bomb(tmp_path):
    pytest.importorskip("docx")
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w") as member:
            chunk = bytes(1 << 20)
            for _ in range(50):  # 50 MB of zeros, about 50 KB on disk
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    assert reason(path, max_bytes=1 << 20) == "decompression bomb: unpacks to 50 MB, over the 20 MB limit"


def test_docx_whose_text_part_would_not_fit_in_memory(tmp_path):
    # Under the bomb limit, but python-docx would hold the text part as a
    # tree of about ten times its size.
    pytest.importorskip("docx")
    path = tmp_path / "big.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:p/>" * (1 << 19))  # 3 MB
    assert reason(path, max_bytes=1 << 20) == "text part too large: word/document.xml unpacks to 3 MB, over the 2 MB limit"


def test_docx_corrupt(tmp_path):
    pytest.importorskip("docx")
    path = write(tmp_path / "bad.docx", b"PK\x03\x04" + random.Random(1).randbytes(2000))
    assert reason(path).startswith("corrupt .docx (")


def test_docx_zip_that_is_not_a_document(tmp_path):
    pytest.importorskip("docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    assert reason(write(tmp_path / "plain.docx", buffer.getvalue())).startswith("corrupt .docx (")


def mislabelled_docx(path, part):
    """A .docx with a numbered list whose ``word/{part}.xml`` is declared an image in [Content_Types].xml."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、总体工作", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                declared = re.sub(rb'(PartName="/word/' + part.encode() + rb'.xml" ContentType=")[^"]*', rb"\1image/png", data)
                assert declared != data
                data = declared
            target.writestr(info.filename, data)
    return path


@pytest.mark.parametrize("part", ["numbering", "styles"])
def test_docx_with_a_mislabelled_part_is_corrupt(tmp_path, part):
    # python-docx loads such a part as bytes; reading it as XML raised an
    # AttributeError outside the guarded region, which ended the whole job.
    path = mislabelled_docx(tmp_path / "bad.docx", part)
    assert reason(path) == f"corrupt .docx (word/{part}.xml has the content type 'image/png')"


def test_a_job_tags_the_rest_beside_a_docx_with_a_mislabelled_part(tmp_path):
    from policytext import tag_files

    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    mislabelled_docx(folder / "b_bad.docx", "numbering")
    (folder / "c.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    for resume in (False, True):  # --resume read it again, and crashed the same way
        result = tag_files([folder], output=str(out), resume=resume)
        assert [name for name, _ in result.failed] == [str(folder / "b_bad.docx")]
        assert result.failed[0][1].startswith("corrupt .docx (")
    assert sorted(result.skipped) == [str(folder / "a.txt"), str(folder / "c.txt")]
    assert {json.loads(line)["file"] for line in open(out, encoding="utf-8")} == {str(folder / "a.txt"), str(folder / "c.txt")}


# Word's list numbering: python-docx's paragraph.text leaves the numbers out.
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_list(document, num_id, levels, abstract_id=None, overrides=""):
    """Add a w:abstractNum of ``levels`` (ilvl -> inner XML of its w:lvl) and a w:num ``num_id`` using it."""
    from docx.oxml import parse_xml

    abstract_id = num_id if abstract_id is None else abstract_id
    numbering = document.part.numbering_part.element
    if levels is not None:
        lvls = "".join(f'<w:lvl w:ilvl="{ilvl}">{xml}</w:lvl>' for ilvl, xml in levels.items())
        numbering.insert(0, parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'))


def numbered(paragraph, num_id, ilvl=None):
    """Number ``paragraph`` directly (its own w:numPr)."""
    from docx.oxml import parse_xml

    level = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}>{level}<w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def level(fmt, text, start=1, extra=""):
    return f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>{extra}'


def test_docx_word_numbered_headings_keep_their_numbers(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    document = docx.Document()
    word_list(document, 90, {0: level("chineseCounting", "%1、"), 1: level("chineseCounting", "（%2）")})
    # Heading 1 and 2 numbered through their styles, as Word's multilevel
    # heading lists are (Heading 1 without ilvl: level 0).
    document.styles["Heading 1"].element.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:numId w:val="90"/></w:numPr>'))
    document.styles["Heading 2"].element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="1"/><w:numId w:val="90"/></w:numPr>')
    )
    document.add_paragraph("各位代表：")
    document.add_paragraph("2025年工作回顾", style="Heading 1")
    document.add_paragraph("全力促进经济平稳健康发展", style="Heading 2")
    document.add_paragraph("全市生产总值增长5.4%。")
    numbered(document.add_paragraph("聚力落实国家重大战略任务"), 90, ilvl=1)  # numbered directly
    document.add_paragraph("新建高标准农田3万亩。", style="List Number")  # the template's decimal list "%1."
    document.add_paragraph("新增城镇就业800人。", style="List Number")
    document.add_paragraph("排查整改安全隐患126条。", style="List Bullet")  # a symbol-font bullet: no text
    document.add_paragraph("2026年工作安排", style="Heading 1")
    document.add_paragraph("扎实推进项目建设", style="Heading 2")  # a new 一、 restarts the （一） level
    document.add_paragraph("要抓好项目建设。")
    document.add_paragraph("报告说明", style="Subtitle")  # the template's Subtitle: an ilvl and no list
    path = tmp_path / "report.docx"
    document.save(path)
    text = read_document(path)
    assert text.splitlines() == [
        "各位代表：",
        "一、2025年工作回顾",
        "（一）全力促进经济平稳健康发展",
        "全市生产总值增长5.4%。",
        "（二）聚力落实国家重大战略任务",
        "1.新建高标准农田3万亩。",
        "2.新增城镇就业800人。",
        "排查整改安全隐患126条。",
        "二、2026年工作安排",
        "（一）扎实推进项目建设",
        "要抓好项目建设。",
        "报告说明",
    ]
    sections = {s.text: s.section for s in split_sentences(text)}
    assert sections["全市生产总值增长5.4%。"] == ("一、2025年工作回顾", "（一）全力促进经济平稳健康发展")
    assert sections["排查整改安全隐患126条。"] == ("一、2025年工作回顾", "（二）聚力落实国家重大战略任务", "2.新增城镇就业800人。")
    assert sections["要抓好项目建设。"] == ("二、2026年工作安排", "（一）扎实推进项目建设")


@pytest.mark.parametrize(
    "fmt, text, start, shown",
    [
        ("chineseCountingThousand", "%1、", 9, ["九、", "十、", "十一、"]),
        ("chineseCounting", "（%1）", 19, ["（十九）", "（二十）", "（二十一）"]),
        ("ideographTraditional", "%1、", 1, ["甲、", "乙、", "丙、"]),
        ("ideographZodiac", "%1、", 12, ["亥、", "13、", "14、"]),  # past the last sign: decimal
        ("decimal", "%1.", 9, ["9.", "10.", "11."]),
        ("decimalFullWidth", "%1．", 1, ["１．", "２．", "３．"]),
        ("decimalZero", "%1.", 9, ["09.", "10.", "11."]),
        ("decimalEnclosedCircle", "%1", 1, ["①", "②", "③"]),
        ("lowerLetter", "%1)", 26, ["z)", "aa)", "bb)"]),
        ("lowerLetter", "%1)", 10**9, ["1000000000)", "1000000001)", "1000000002)"]),  # not a billion letters
        ("upperLetter", "%1.", 1, ["A.", "B.", "C."]),
        ("lowerRoman", "(%1)", 3, ["(iii)", "(iv)", "(v)"]),
        ("upperRoman", "%1.", 9, ["IX.", "X.", "XI."]),
        ("chineseLegalSimplified", "%1、", 1, ["1、", "2、", "3、"]),  # a format not implemented: decimal
        ("decimal", "第%1章", 1, ["第1章 ", "第2章 ", "第3章 "]),  # ends in a letter: the tab is a space
    ],
)
def test_docx_word_number_formats(tmp_path, fmt, text, start, shown):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    word_list(document, 90, {0: level(fmt, text, start)})
    for _ in shown:
        numbered(document.add_paragraph("推进项目建设。"), 90)
    path = tmp_path / "report.docx"
    document.save(path)
    assert read_document(path).splitlines() == [number + "推进项目建设。" for number in shown]


def test_docx_word_numbering_counts_as_word_does(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    document = docx.Document()
    # Two levels shown together ("1.2"), the second never restarting (lvlRestart 0), a space after the number.
    word_list(document, 91, {0: level("decimal", "%1."), 1: level("decimal", "%1.%2", extra='<w:lvlRestart w:val="0"/><w:suff w:val="space"/>')})
    # A second num of list 91 goes on counting; a third restarts at 5 (startOverride).
    word_list(document, 92, None, abstract_id=91)
    word_list(document, 93, None, abstract_id=91, overrides='<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>')
    # A bullet in a character of the text's own font is dropped too.
    word_list(document, 94, {0: level("bullet", "•")})
    numbered(document.add_paragraph("甲"), 91)
    numbered(document.add_paragraph("乙"), 91, ilvl=1)
    numbered(document.add_paragraph(""), 91)  # blank: not read, but counted
    numbered(document.add_paragraph("丙"), 91, ilvl=1)
    table = document.add_table(rows=1, cols=2)  # a table's paragraphs count in document order
    numbered(table.cell(0, 0).paragraphs[0], 92).add_run("丁")
    table.cell(0, 1).text = "表格"
    numbered(document.add_paragraph("戊"), 93)
    numbered(document.add_paragraph("己"), 94)
    heading = document.add_paragraph("庚", style="List Number")
    heading._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {W_NS}><w:numId w:val="0"/></w:numPr>'))  # numId 0: numbering off
    path = tmp_path / "report.docx"
    document.save(path)
    assert read_document(path).splitlines() == ["1.甲", "1.1 乙", "2.2 丙", "3.丁\t表格", "5.戊", "己", "庚"]


def test_docx_word_numbering_that_points_nowhere_is_left_out(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    word_list(document, 95, {0: level("decimal", "%1.")})
    numbered(document.add_paragraph("没有的列表"), 96)  # no such num
    numbered(document.add_paragraph("没有的级别"), 95, ilvl=4)  # no such level
    word_list(document, 97, None, abstract_id=98)  # a num whose abstract list is missing
    numbered(document.add_paragraph("没有的定义"), 97)
    word_list(document, 99, {0: level("decimal", "%1.", start="abc")})  # an unreadable start: 1
    numbered(document.add_paragraph("读不出的起点"), 99)
    # Styles based on each other in a circle, the circle numbered by list 95.
    from docx.oxml import parse_xml

    for name, base in (("CircleA", "CircleB"), ("CircleB", "CircleA")):
        document.styles.element.append(
            parse_xml(
                f'<w:style {W_NS} w:type="paragraph" w:styleId="{name}"><w:name w:val="{name}"/><w:basedOn w:val="{base}"/>'
                '<w:pPr><w:numPr><w:numId w:val="95"/></w:numPr></w:pPr></w:style>'
            )
        )
    document.add_paragraph("循环的样式", style="CircleA")
    nameless = numbered(document.add_paragraph("无名的样式"), 95)
    nameless._p.pPr.insert(0, parse_xml(f"<w:pStyle {W_NS}/>"))  # no w:val, which python-docx requires
    path = tmp_path / "report.docx"
    document.save(path)
    assert read_document(path).splitlines() == ["没有的列表", "没有的级别", "没有的定义", "1.读不出的起点", "1.循环的样式", "2.无名的样式"]


def test_docx_word_list_through_a_numbering_style_and_an_overridden_level(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml

    document = docx.Document()
    # List 80's levels are list 81's, through the numbering style 报告标题 (w:numStyleLink).
    word_list(document, 81, {0: level("chineseCounting", "%1、")})
    document.styles.element.append(
        parse_xml(
            f'<w:style {W_NS} w:type="numbering" w:styleId="ReportHeadings"><w:name w:val="报告标题"/>'
            '<w:pPr><w:numPr><w:numId w:val="81"/></w:numPr></w:pPr></w:style>'
        )
    )
    word_list(document, 80, {0: level("decimal", "%1.")})
    abstract = document.part.numbering_part.element.xpath('w:abstractNum[@w:abstractNumId="80"]')[0]
    abstract.append(parse_xml(f'<w:numStyleLink {W_NS} w:val="ReportHeadings"/>'))
    # List 82 replaces list 81's level with one of its own (a w:lvl in
    # w:lvlOverride); one list still, it counts on.
    override = f'<w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0">{level("decimalEnclosedCircle", "%1")}</w:lvl></w:lvlOverride>'
    word_list(document, 82, None, abstract_id=81, overrides=override)
    numbered(document.add_paragraph("总体要求"), 80)
    numbered(document.add_paragraph("重点任务"), 80)
    numbered(document.add_paragraph("稳住农业基本盘。"), 82)
    path = tmp_path / "report.docx"
    document.save(path)
    assert read_document(path).splitlines() == ["一、总体要求", "二、重点任务", "③稳住农业基本盘。"]


# --------------------------------------------------------------------- .pdf


def test_pdf_text_layer(tmp_path):
    pytest.importorskip("pypdf")
    pages = [["2024年政府工作报告", PARAGRAPHS[0]], [PARAGRAPHS[1], "Page two ASCII."]]
    path = write(tmp_path / "report.pdf", make_pdf(pages))
    lines = [line for line in read_document(path).splitlines() if line.strip()]
    assert lines == ["2024年政府工作报告", PARAGRAPHS[0], PARAGRAPHS[1], "Page two ASCII."]


def test_pdf_page_numbers_and_running_titles_do_not_cut_a_sentence(tmp_path):
    # A sentence running on to the next page was cut by the page number and
    # the running title between its halves, and both became sentences.
    pytest.importorskip("pypdf")
    from policytext import split_sentences

    body = "".join(
        f"全年实施省市重点项目{200 + k}个，完成投资{400 + k}亿元，新增规上工业企业{80 + k}家，专精特新企业达到{10 + k}家。"
        for k in range(24)
    )
    wrapped = [body[i : i + 30] for i in range(0, len(body), 30)]
    per_page = 10
    pages = [
        (["浙江省人民政府工作报告"] if n else ["2026年浙江省政府工作报告"]) + wrapped[i : i + per_page] + [f"- {n + 1} -"]
        for n, i in enumerate(range(0, len(wrapped), per_page))
    ]
    assert len(pages) >= 3
    text = read_document(write(tmp_path / "report.pdf", make_pdf(pages)))
    assert "浙江省人民政府工作报告" not in text and "- 2 -" not in text
    sentences = ["".join(s.text.split()) for s in split_sentences(text)]
    assert sentences[0] == "2026年浙江省政府工作报告"  # the first page's title stays
    assert sentences[1:] == [sentence + "。" for sentence in body.split("。")[:-1]]


def test_pages_of_a_text_from_pdftotext_join_in_place(tmp_path):
    # pdftotext puts a form feed between pages, after the page number; the
    # running title opens the next page. They cut a sentence in two and were
    # sentences of their own. Offsets stay those of the file's text.
    from policytext import split_sentences

    body = "".join(f"全年实施省市重点项目{200 + k}个，完成投资{400 + k}亿元，新增规上工业企业{80 + k}家。" for k in range(30))
    wrapped = [body[i : i + 30] for i in range(0, len(body), 30)]
    pages = [wrapped[i : i + 10] for i in range(0, len(wrapped), 10)]
    raw = "\f".join(
        "\n".join((["浙江省人民政府工作报告"] if n else ["2026年浙江省政府工作报告"]) + page + ["", f"- {n + 1} -", ""])
        for n, page in enumerate(pages)
    )
    assert len(pages) >= 3
    text = read_document(write(tmp_path / "report.txt", raw.encode("utf-8")))
    assert len(text) == len(raw) and all(a == b or a in " \n" for a, b in zip(text, raw))
    assert body in "".join(text.split()) and "浙江省人民政府工作报告" not in text and "\f" not in text
    sentences = ["".join(s.text.split()) for s in split_sentences(text)]
    assert sentences == ["2026年浙江省政府工作报告"] + [sentence + "。" for sentence in body.split("。")[:-1]]
    # A text without form feeds is read as it is.
    assert read_document(write(tmp_path / "plain.txt", "- 1 -\n新建农田。\n".encode("utf-8"))) == "- 1 -\n新建农田。\n"


def _copied_pages(pages, footer="- {n} -", title="浙江省人民政府工作报告"):
    """Pages of lines as a PDF viewer copies them: no form feed, a page number under each page and the running title over the next."""
    return "\n".join(
        "\n".join(([title] if n else ["2026年浙江省政府工作报告"]) + page + [footer.format(n=n + 1)]) for n, page in enumerate(pages)
    ) + "\n"


@pytest.mark.parametrize("footer", ["- {n} -", "—{n}—", "{n}", "第 {n} 页 共 5 页", " " * 60 + "- {n} -"])
def test_pages_copied_without_form_feeds_join_in_place(tmp_path, footer):
    # Copied out of a PDF (or pdftotext -nopgbrk), a text keeps each page's
    # number and running title, but no form feed: they became sentences and
    # cut the sentence running on to the next page in two. The page numbers
    # themselves tell where the pages end. Offsets stay those of the file's text.
    body = "".join(f"全年实施省市重点项目{200 + k}个，完成投资{400 + k}亿元，新增规上工业企业{80 + k}家。" for k in range(60))
    wrapped = [body[i : i + 30] for i in range(0, len(body), 30)]
    pages = [wrapped[i : i + 16] for i in range(0, len(wrapped), 16)]
    assert len(pages) == 5 and all(not page[-1].endswith("。") for page in pages[:-1])  # a sentence crosses each page break
    raw = _copied_pages(pages, footer)
    text = read_document(write(tmp_path / "report.txt", raw.encode("utf-8")))
    assert len(text) == len(raw) and all(a == b or a in " \n" for a, b in zip(text, raw))
    assert "浙江省人民政府工作报告" not in text
    assert not {footer.format(n=n) for n in range(1, 6)} & {line.strip() for line in text.splitlines()}
    sentences = ["".join(s.text.split()) for s in split_sentences(text)]
    assert sentences == ["2026年浙江省政府工作报告"] + [sentence + "。" for sentence in body.split("。")[:-1]]
    assert all(text[s.start : s.end] == s.text for s in split_sentences(text))


def test_a_text_already_held_loses_its_page_furniture_as_a_file_does(tmp_path):
    # classify() on a string copied out of a PDF kept every page number and
    # running title as a sentence: the reader's clean-up had no entry point for a str.
    body = "".join(f"全年实施省市重点项目{200 + k}个，完成投资{400 + k}亿元，新增规上工业企业{80 + k}家。" for k in range(60))
    wrapped = [body[i : i + 30] for i in range(0, len(body), 30)]
    raw = _copied_pages([wrapped[i : i + 16] for i in range(0, len(wrapped), 16)])
    cleaned = without_page_furniture(raw)
    assert cleaned == read_document(write(tmp_path / "report.txt", raw.encode("utf-8"))) != raw
    assert without_page_furniture("新建农田。\n- 1 -\n") == "新建农田。\n- 1 -\n"
    with pytest.raises(ParameterError, match=r"^without_page_furniture\(\): 'text' must be a str, got b'"):
        without_page_furniture(raw.encode("utf-8"))


@pytest.mark.parametrize(
    "raw",
    [
        # Only two page numbers: too few to be sure of.
        _copied_pages([["全年实施省市重点项目200个，完成投资", "400亿元。"] * 8, ["新增规上工业企业80家，专精特新企", "业达到10家。"] * 8]),
        # A numbered list: "1", "2", "3" alone on lines a few lines apart.
        "主要任务：\n1\n推进新型工业化，\n加快建设制造强省。\n2\n深化改革开放。\n3\n保障和改善民生，\n办好民生实事。\n4\n加强政府建设。\n" * 3,
        # A column of years and a table of figures.
        "年份\n" + "".join(f"{year}\n{100 + year % 7}\n" for year in range(2000, 2026)) + "地区生产总值逐年增长。\n",
        # A task list, a paragraph a line, its items numbered on lines of their own, each opening and
        # closing on the same line ("主要措施" ... "责任单位：…"): no pages, so no running titles either.
        "\n".join(
            line
            for k in range(1, 9)
            for line in [str(k), "主要措施"] + [f"全年实施省市重点项目{200 + k + j}个，完成投资{400 + j}亿元。" for j in range(14)] + ["责任单位：市发展改革委"]
        ),
        # A register of projects, a dozen field lines each, in a text that reads as wrapped.
        "\n".join(
            line
            for k in range(1, 11)
            for line in [str(k), f"项目名称：第{k}个民生项目建设工程", "建设内容：新建改建城市道路和配套管网工程并同步"]
            + ["实施绿化照明提升工程和雨污分流改造，完成后将"] * 8
            + ["备注：无"]
        ),
        # Numbers whose spacing is nothing like pages'.
        "\n".join(["1"] + ["新建高标准农田4300亩，"] * 12 + ["2"] + ["整改安全隐患126条，"] * 40 + ["3"] + ["开展安全生产大检查。"] * 11 + ["4"]),
    ],
    ids=["two-pages", "numbered-list", "years", "task-list", "register", "irregular"],
)
def test_numbered_lines_that_are_no_page_numbers_are_kept(tmp_path, raw):
    assert read_document(write(tmp_path / "report.txt", raw.encode("utf-8"))) == raw


def test_pdf_corrupt(tmp_path):
    pytest.importorskip("pypdf")
    path = write(tmp_path / "bad.pdf", b"%PDF-1.4\n" + random.Random(2).randbytes(4000))
    got = reason(path)
    assert got.startswith("corrupt or unreadable PDF (") and got.endswith(")")


def test_pdf_without_text_layer(tmp_path):
    pytest.importorskip("pypdf")
    assert reason(write(tmp_path / "scan.pdf", make_pdf([[], []]))) == "PDF has no text layer (scanned?)"


def test_pdf_page_limit_is_checked_before_extraction(tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")

    def fail(*args, **kwargs):
        raise AssertionError("text extracted before the page count was checked")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", fail)
    path = write(tmp_path / "long.pdf", make_pdf([["第一页"], ["第二页"], ["第三页"]]))
    assert reason(path, max_pdf_pages=2) == "PDF declares 3 pages, over the 2-page limit"


def test_pdf_warnings_are_not_printed_by_the_command_and_are_python_logging_s_to_configure(tmp_path):
    pytest.importorskip("pypdf")
    # A wrong startxref offset: pypdf recovers and logs a warning, which
    # without a handler Python prints to stderr.
    data = make_pdf([[PARAGRAPHS[0]]])
    path = write(tmp_path / "shifted.pdf", data.replace(b"startxref\n", b"startxref\n1"))
    command = [sys.executable, "-m", "policytext.cli", "tag", str(path), "--no-progress"]
    run = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=True, cwd=REPO)
    assert [json.loads(line)["text"] for line in run.stdout.splitlines()] == [PARAGRAPHS[0]]
    assert run.stderr == ""
    # The library leaves pypdf's logging as the application set it (here: not at all, so Python prints it).
    script = f"from policytext.readers import read_document; print(read_document({str(path)!r}).strip())"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", check=True, cwd=REPO)
    assert run.stdout.strip() == PARAGRAPHS[0]
    assert "startxref" in run.stderr


# ----------------------------------------------------------------- refusals


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.docx", "empty.pdf"])
def test_empty_file(tmp_path, name):
    assert reason(write(tmp_path / name, b"")) == "empty file"


@pytest.mark.parametrize("name", ["image.txt", "image.md"])
def test_binary_file(tmp_path, name):
    data = b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(3000)
    assert reason(write(tmp_path / name, data)) == "binary data, not text"


def test_utf16_without_a_bom_that_is_not_chinese_is_refused_saying_so(tmp_path):
    japanese = "これは日本語のテキストです。\n" * 20
    for name, encoding in (("le.txt", "utf-16-le"), ("be.txt", "utf-16-be")):
        assert reason(write(tmp_path / name, japanese.encode(encoding))) == (
            "looks like UTF-16 without a byte-order mark, but does not decode to Chinese text in it (save it as UTF-8)"
        )
    for name, encoding in (("le32.txt", "utf-32-le"), ("be32.txt", "utf-32-be")):
        assert reason(write(tmp_path / name, japanese.encode(encoding))) == (
            "looks like UTF-32 without a byte-order mark, but does not decode to Chinese text in it (save it as UTF-8)"
        )
    # Two bytes with a NUL are no UTF-16 text: still binary.
    assert reason(write(tmp_path / "two.txt", b"\x00\x01")) == "binary data, not text"


def test_a_large_utf16_text_without_a_bom_streams_as_it_reads(tmp_path):
    # A text too large to read whole is read as a stream, its encoding told
    # from its first megabyte (cut at a line end: half a character in UTF-16-LE).
    text = "".join(f"第{i}条，新建高标准农田{i}亩，稳上加稳。\n" for i in range(40_000))
    path = write(tmp_path / "big.txt", text.encode("utf-16-le"))
    assert path.stat().st_size > 1 << 20
    with open_text_stream(path) as stream:
        assert stream.read() == text == read_document(path)


# One line, with a character across the megabyte's end: 3 bytes each in UTF-8, 2 (after "a") in the others.
@pytest.mark.parametrize(
    "encoding, text",
    [("utf-8", "经济发展" * 300_000), ("gb18030", "a" + "经济发展" * 300_000), ("big5", "a" + LONG_BIG5.replace("\n", "") * 400)],
)
def test_a_streamed_text_without_a_line_break_in_its_first_megabyte_is_told_its_encoding(tmp_path, encoding, text):
    # The head the encoding is told from was cut inside a character: UTF-8
    # then failed to decode, and the file was read as cp932 garbage.
    path = write(tmp_path / "oneline.txt", text.encode(encoding))
    with open_text_stream(path) as stream:
        assert stream.read() == text


def damaged_in_its_tail(path, good, damage):
    """``good`` in UTF-8 (over the megabyte a stream's encoding is told from), then ``damage``: bytes, mostly not UTF-8."""
    data = good.encode("utf-8")
    assert len(data) > 1 << 20
    return write(path, data + damage)


def read_blocks(stream):
    blocks = []
    while block := stream.read(1 << 16):
        blocks.append(block)
    return "".join(blocks)


def test_a_streamed_text_with_too_many_undecodable_bytes_fails_as_a_whole_read_does(tmp_path):
    # Read as a stream, they became U+FFFD, however many: 11% of a file.
    good = "".join(f"第{i}条，新建高标准农田{i}亩。\n" for i in range(60_000))
    path = damaged_in_its_tail(tmp_path / "mixed.txt", good, good[: len(good) // 4].encode("gbk"))
    with open_text_stream(path) as stream, pytest.raises(DocumentError) as info:
        read_blocks(stream)
    assert info.value.path == str(path)
    assert re.fullmatch(r"not valid utf-8 text \([\d,]+ undecodable bytes, over 1% of its text\)", info.value.reason)
    with pytest.raises(DocumentError):
        read_document(path)  # the same file read whole
    # A few corrupt bytes, under 1%: read with U+FFFD, as in a file read whole.
    path = damaged_in_its_tail(tmp_path / "scratched.txt", good, "农田".encode("gbk"))
    with open_text_stream(path) as stream:
        text = read_blocks(stream)
    assert text.startswith(good) and "\ufffd" in text and text == read_document(path)


def test_a_streamed_text_is_judged_on_its_non_ascii_characters_at_its_end(tmp_path):
    # Under 1% of the bytes, so not refused on the way; over 1% of the
    # non-ASCII characters, so refused at the end.
    good = "".join(f"Line {i:07d} of the annual report, in English mostly: 农田。\n" for i in range(25_000))
    path = damaged_in_its_tail(tmp_path / "ascii.txt", good, b"\xff" * 1000)
    size = path.stat().st_size
    with open_text_stream(path) as stream:
        assert len(stream.read(len(good) - 10)) == len(good) - 10  # 1,000 undecodable bytes yet, all to come
        with pytest.raises(DocumentError) as info:
            stream.read()
    assert 1000 < 0.01 * size and "(1,000 undecodable bytes, over 1% of its text)" in info.value.reason


def test_control_characters_are_binary(tmp_path):
    assert reason(write(tmp_path / "ctl.txt", bytes(range(1, 9)) * 100)) == "binary data, not text"


def test_undetectable_encoding(tmp_path):
    rng = random.Random(4)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(2000))
    assert reason(write(tmp_path / "noise.txt", data)) == "cannot detect the text encoding"


def test_over_the_size_limit(tmp_path):
    path = write(tmp_path / "big.txt", b"a" * 3000)
    assert reason(path, max_bytes=1024) == "larger than the 1 KB limit (2.9 KB)"
    assert read_document(path, max_bytes=3000) == "a" * 3000


def test_default_size_limit_message(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: no 73 MB written
        handle.truncate(73 * 1024 * 1024)
    assert reason(path) == "larger than the 50 MB limit (73 MB)"


def test_unsupported_suffix(tmp_path):
    path = write(tmp_path / "table.xls", b"data")
    assert reason(path) == f"unsupported format '.xls' ({SUPPORTED_TEXT})"


def test_no_suffix(tmp_path):
    path = write(tmp_path / "README", b"data")
    assert reason(path) == f"no file suffix to tell the format ({SUPPORTED_TEXT})"


def test_missing_file(tmp_path):
    assert reason(tmp_path / "nowhere.txt") == "no such file"
    assert reason(tmp_path / "no" / "such" / "dir.pdf") == "no such file"


def test_folder(tmp_path):
    (tmp_path / "reports.txt").mkdir()
    assert reason(tmp_path / "reports.txt") == "is a folder"


@pytest.mark.parametrize("module, name", [("markdown_it", "a.md"), ("trafilatura", "a.html"), ("docx", "a.docx"), ("pypdf", "a.pdf")])
def test_missing_extra(tmp_path, monkeypatch, module, name):
    monkeypatch.setitem(sys.modules, module, None)  # makes ``import module`` fail
    path = write(tmp_path / name, b"some bytes")
    suffix = name[1:]
    assert reason(path) == f"reading {suffix} needs the 'docs' extra: pip install -e '.[docs]' in policytext's clone"


# ---------------------------------------------------------- API and import


def test_constants():
    assert SUPPORTED == (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    assert DEFAULT_MAX_PDF_PAGES == 2000


@pytest.mark.parametrize(
    "suffix, extra",
    [(".txt", None), (".md", "docs"), (".html", "docs"), (".HTM", "docs"), (".docx", "docs"), ("pdf", "docs")],
)
def test_extra_for(suffix, extra):
    assert extra_for(suffix) == extra


def test_extra_for_unsupported():
    with pytest.raises(ValueError, match="unsupported format '.xls'"):
        extra_for(".xls")


def test_import_loads_no_optional_library():
    script = (
        "import sys, policytext.readers; "
        "print(sorted(m for m in ('pypdf', 'docx', 'trafilatura', 'lxml', 'charset_normalizer') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    suffix=st.sampled_from(SUPPORTED),
    head=st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body><p>", b"\xef\xbb\xbf", b"\xff\xfe"]),
    body=st.binary(max_size=600),
)
def test_any_bytes_give_text_or_document_error(tmp_path, suffix, head, body):
    path = write(tmp_path / f"fuzz{suffix}", head + body)
    try:
        assert isinstance(read_document(path), str)
    except DocumentError as exc:
        assert str(exc).startswith(f"{path}: ")


def test_pdf_claiming_a_million_pages_is_refused_before_walking_them(tmp_path):
    pytest.importorskip("pypdf")
    # A page tree of 1,000 nodes of 1,000 kids each, all shared: a million
    # pages in a file of a few kilobytes.
    kids_1000 = " ".join(["4 0 R"] * 1000)
    kids_leaf = " ".join(["5 0 R"] * 1000)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
        f"<< /Type /Pages /Parent 2 0 R /Kids [{kids_1000}] /Count 1000000 >>",
        f"<< /Type /Pages /Parent 3 0 R /Kids [{kids_leaf}] /Count 1000 >>",
        "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 10 10] >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode("ascii")
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    body += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("ascii")
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    path = tmp_path / "million.pdf"
    path.write_bytes(body)
    assert path.stat().st_size < 20_000
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert str(info.value) == f"{path}: PDF declares 1000000 pages, over the 2000-page limit"


def test_a_pdf_that_declares_more_pages_than_it_has_says_it_declares_them(tmp_path):
    # Refused on the page tree's /Count, not counted: "PDF has 999999999 pages" was untrue.
    pytest.importorskip("pypdf")
    data = make_pdf([["第一页"], ["第二页"]])
    assert data.count(b"/Count 2 ") == 1
    path = write(tmp_path / "claims.pdf", data.replace(b"/Count 2 ", b"/Count 999999999 "))
    assert reason(path) == "PDF declares 999999999 pages, over the 2000-page limit"
    assert read_document(path, max_pdf_pages=1_000_000_000).split() == ["第一页", "第二页"]


@pytest.mark.parametrize(
    "encoding, damage",
    [
        ("gbk", lambda d: d[:100] + b"\xff\xff" + d[102:]),  # one character overwritten
        ("gbk", lambda d: d[:-1]),  # a cut download: the last character is half there
        ("utf-8", lambda d: d[:100] + b"\xff" + d[101:]),
        ("utf-8", lambda d: d[:-1]),
    ],
)
def test_a_few_corrupt_bytes_do_not_lose_the_document(tmp_path, encoding, damage):
    text = "各位代表：过去一年，全县新建高标准农田三万亩，粮食总产稳定增长。" * 20
    path = tmp_path / f"damaged-{encoding}.txt"
    path.write_bytes(damage(text.encode(encoding)))
    got = read_document(path)
    assert 1 <= got.count("\ufffd") <= 3
    assert got.count("高标准农田") >= 19


@pytest.mark.parametrize("depth", [300, 3000])
def test_deeply_nested_html_loses_no_text(tmp_path, depth):
    # libxml2 stops at 255 nested elements by default (2,048 with huge_tree),
    # and everything after the nesting was lost.
    before = "".join(f"<p>第{i}句话，新建高标准农田{i}亩。</p>" for i in range(60))
    deep = "<div>" * depth + "<p>深层里的句子，整改隐患十条。</p>" + "</div>" * depth
    after = "".join(f"<p>之后第{i}句，完成产值{i}亿元。</p>" for i in range(60))
    path = write(tmp_path / "deep.html", f"<html><head><title>报告</title><script>var x=1;</script></head><body>{before}{deep}{after}</body></html>".encode("utf-8"))
    text = read_document(path)
    assert "深层里的句子" in text and "之后第59句，完成产值59亿元。" in text and "第0句话" in text
    assert "var x" not in text


@pytest.mark.parametrize(
    "name, data",
    [
        ("blank.txt", b" \n\t\n\xe3\x80\x80\n"),
        ("bom.txt", b"\xef\xbb\xbf"),
        ("empty.html", b"<html><body><p> </p></body></html>"),
        ("zero-width.txt", "\u200b\u200b\n\ufeff\u200d".encode("utf-8")),
    ],
)
def test_a_document_with_no_text_fails_with_a_reason(tmp_path, name, data):
    # Each was tagged with no sentence and no word of why.
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DocumentError, match="no text [(]only white space[)]"):
        read_document(tmp_path / name)


@pytest.mark.parametrize("declared", ["iso-8859-1", "windows-1252", "koi8-r"])
def test_a_single_byte_charset_declared_over_gbk_text_is_not_trusted(tmp_path, declared):
    # Such a charset decodes every byte: the page came out as "¸÷Î»´ú±í£º" without an error.
    body = "各位代表：\n现在，我代表市人民政府向大会报告工作。今年主要预期目标是：地区生产总值增长5%左右。"
    page = f'<html><head><meta charset="{declared}"><title>政府工作报告</title></head><body><p>' + body.replace("\n", "</p><p>") + "</p></body></html>"
    (tmp_path / "r.html").write_bytes(page.encode("gbk"))
    assert "现在，我代表市人民政府向大会报告工作。" in read_document(tmp_path / "r.html")
