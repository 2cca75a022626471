"""Speed of policytext.readers.read_document per format, against classification.

    python benchmarks/parse_speed.py [--docs 30] [--repeat 3] [--seed 0]

Writes ``--docs`` synthetic report-like documents (5-20 KB of text each, made
from the sentence templates below) per format in a temporary folder: UTF-8
.txt, GBK .txt (which goes through charset-normalizer), .md, .html (article
inside navigation, scripts and footer), .docx (paragraphs and a table) and
.pdf (a text layer, one line per 40 characters). Then, per format, it times
``read_document`` on every file and ``policytext.classify`` on the text it
returned (in two passes, best of ``--repeat``), and prints documents/s, MB/s
(of file size) and the share of the total time spent outside classification.
Imports and the model load are warmed up before timing. The .html, .docx
and .pdf rows need the 'docs' extra and are skipped without it.
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import policytext
from policytext.readers import read_document

# The PDF writer the tests use; no PDF library is needed to make test files.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pdfmaker import make_pdf  # noqa: E402

TEMPLATES = [
    "全年实现地区生产总值{a}亿元，同比增长{p}%。",
    "规模以上工业增加值增长{p}%，新增规上工业企业{n}家。",
    "新签约亿元以上项目{n}个，完成固定资产投资{a}亿元。",
    "招商引资到位资金{a}亿元，外贸进出口总额增长{p}%。",
    "新建高标准农田{n}00亩，粮食总产量稳定在{n}万吨以上。",
    "培育家庭农场{n}家、农民专业合作社{n}家，村集体经营性收入全部超过{n}万元。",
    "完成农村户厕改造{n}00户，生活垃圾分类覆盖所有行政村。",
    "PM2.5平均浓度下降{p}%，主要河道水质稳定达到三类。",
    "排查整改安全隐患{n}条，开展防汛应急演练{n}次。",
    "检查危化品企业{n}家，电信网络诈骗发案数下降{p}%。",
    "新增城镇就业{n}00人，城镇登记失业率控制在{p}%以内。",
    "发放城乡低保资金{a}万元，新建中心小学教学楼{n}栋。",
    "家庭医生签约服务{n}万人，基本养老保险参保率达到{p}%。",
    "扎实开展党纪学习教育，化解信访积案{n}件，调解矛盾纠纷{n}起。",
    "便民服务中心全年办件{n}万件，“一网通办”事项占比达到{p}%。",
    "我们坚持稳中求进工作总基调，统筹发展和安全，经济运行总体平稳。",
]
HEADINGS = ["一、过去一年工作回顾", "二、今年工作总体要求", "三、重点工作安排", "四、加强政府自身建设"]
FORMATS = ("txt", "txt-gbk", "md", "html", "docx", "pdf")


def paragraphs(rng, size):
    """Paragraphs of 2-6 filled-in sentences, headings between, about ``size`` bytes of UTF-8."""
    out, total = ["2024年政府工作报告", "——在县第十八届人民代表大会第三次会议上"], 0
    while total < size:
        if rng.random() < 0.1:
            out.append(rng.choice(HEADINGS))
        sentences = [
            rng.choice(TEMPLATES).format(a=rng.randint(2, 900), p=round(rng.uniform(0.5, 15), 1), n=rng.randint(2, 99))
            for _ in range(rng.randint(2, 6))
        ]
        out.append("".join(sentences))
        total += len(out[-1].encode("utf-8"))
    return out


def write_html(path, paras):
    body = "\n".join(f"<p>{p}</p>" for p in paras[1:])
    path.write_text(
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{paras[0]}</title>
<style>.nav {{ float: left }}</style><script>var menu = ["首页", "政务公开"];</script></head>
<body><nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/bs">办事服务</a></li></ul></nav>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府工作报告</div>
<article><h1>{paras[0]}</h1>
{body}
</article><footer><p>版权所有：某县人民政府办公室</p></footer><script>track();</script></body></html>
""",
        encoding="utf-8",
    )


def write_docx(path, paras):
    import docx

    document = docx.Document()
    document.add_heading(paras[0], level=1)
    for p in paras[1:]:
        document.add_paragraph(p)
    table = document.add_table(rows=3, cols=2)
    for row, (name, value) in zip(table.rows, [("指标", "数值"), ("地区生产总值", "120亿元"), ("粮食总产量", "5万吨")]):
        row.cells[0].text, row.cells[1].text = name, value
    document.save(path)


def write_pdf(path, paras, width=40, lines_per_page=50):
    """A text-layer PDF of ``paras``, cut into lines and pages."""
    lines = [p[i : i + width] for p in paras for i in range(0, len(p), width)]
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    path.write_bytes(make_pdf(pages))


def write(folder, fmt, index, paras):
    suffix = {"txt-gbk": "txt"}.get(fmt, fmt)
    path = folder / f"{fmt}-{index:03d}.{suffix}"
    text = "\n".join(paras) + "\n"
    if fmt == "txt":
        path.write_text(text, encoding="utf-8")
    elif fmt == "txt-gbk":
        path.write_text(text, encoding="gbk")
    elif fmt == "md":
        path.write_text("# " + text.replace("\n一、", "\n## 一、"), encoding="utf-8")
    elif fmt == "html":
        write_html(path, paras)
    elif fmt == "docx":
        write_docx(path, paras)
    elif fmt == "pdf":
        write_pdf(path, paras)
    return path


def bench(paths, repeat):
    """Best-of-``repeat`` seconds reading all files and classifying all their
    texts (two separate passes, so neither inherits the other's garbage or
    cold caches), and the total file bytes."""
    policytext.classify(read_document(paths[0]))  # warm up: lazy imports, model load
    read_s = classify_s = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        texts = [read_document(path) for path in paths]
        read_s = min(read_s, time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            policytext.classify(text)
        classify_s = min(classify_s, time.perf_counter() - start)
    return read_s, classify_s, sum(p.stat().st_size for p in paths)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=30, help="documents per format (default 30)")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes; the fastest counts (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    texts = [paragraphs(rng, rng.randint(5_000, 20_000)) for _ in range(args.docs)]
    chars = sum(len("".join(t)) for t in texts) / args.docs
    kilobytes = sum(len("".join(t).encode("utf-8")) for t in texts) / args.docs / 1024
    print(f"{args.docs} documents per format, {chars:,.0f} characters ({kilobytes:.1f} KB of UTF-8) each on average")
    header = (
        f"{'format':<8} {'docs':>5} {'MB':>6} {'read s':>7} {'docs/s':>8} {'MB/s':>7} "
        f"{'classify s':>10} {'outside classify':>16}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for fmt in FORMATS:
            try:
                paths = [write(folder, fmt, i, paras) for i, paras in enumerate(texts)]
                read_s, classify_s, size = bench(paths, args.repeat)
            except (ImportError, policytext.DocumentError) as exc:
                print(f"{fmt:<8} skipped: {exc}")
                continue
            mb = size / 1e6
            outside = read_s / (read_s + classify_s)
            print(
                f"{fmt:<8} {len(paths):>5} {mb:>6.2f} {read_s:>7.3f} {len(paths) / read_s:>8.1f} "
                f"{mb / read_s:>7.2f} {classify_s:>10.3f} {outside:>15.0%}"
            )
    print("MB = 10^6 bytes of files on disk; 'outside classify' = read time / (read + classify time).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
