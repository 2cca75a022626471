"""Tagging whole archives: formats, encodings, bad files, resume, summaries, Dask."""

import collections
import csv
import io
import json
import os
import re
import sys
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, run_cli

import policytext
from policytext.archive import tag_document, tag_files
from policytext.cli import main
from policytext.errors import PolicytextError
from policytext.finding import expand_paths, find_documents
from policytext.places import parse_place
from policytext.readers import read_document
from policytext.outputs import ERRORS_HEAD, RecordWriter
from policytext.records import COLUMNS
from policytext.summary import document_meta, read_meta

REPORT = (
    "{place}{year}年上半年工作总结\n"
    "一、上半年工作回顾\n"
    "（一）聚焦产业发展\n"
    "完成规上工业产值38.6亿元，同比增长9.2%。新签约亿元以上项目5个。\n"
    "（二）夯实农业基础\n"
    "新建高标准农田3200亩，粮食总产稳定在5万吨以上。\n"
    "（三）守牢安全底线\n"
    "排查整改各类安全隐患316条，开展防汛应急演练3次。\n"
    "（四）增进民生福祉\n"
    "新增城镇就业460人，镇中心小学新建教学楼投入使用。\n"
)


def report(place="青禾镇", year=2024):
    return REPORT.format(place=place, year=year)


@pytest.fixture
def archive(tmp_path):
    """A small archive of good and bad documents, in several formats and encodings."""
    root = tmp_path / "archive"
    (root / "county").mkdir(parents=True)
    (root / "a_utf8.txt").write_text(report("青禾镇", 2023), encoding="utf-8")
    (root / "b_bom.md").write_text(report("白石乡", 2023), encoding="utf-8-sig")
    (root / "county" / "c_gbk.txt").write_bytes(report("临江县", 2023).encode("gbk"))  # no declaration
    (root / "county" / "d_utf16.txt").write_text(report("东湖区", 2023), encoding="utf-16")
    (root / "e_big5.txt").write_bytes(report("新竹市", 2023).encode("big5", errors="replace"))
    (root / "f.html").write_text(
        "<html><head><title>t</title><script>var menu='首页 导航';</script></head><body>"
        "<nav>首页 | 政务公开 | 网站地图</nav><article>"
        + "".join(f"<p>{line}</p>" for line in report("南山镇", 2023).splitlines())
        + "</article><footer>网站标识码 1234567890 ICP备案</footer></body></html>",
        encoding="utf-8",
    )
    (root / "g_empty.txt").write_bytes(b"")
    (root / "h_corrupt.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (root / "i_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    # A huge single line: a report flattened with no line breaks.
    (root / "j_oneline.txt").write_text(report("北坡镇", 2023).replace("\n", "") * 400, encoding="utf-8")
    return root


GOOD = {"a_utf8.txt", "b_bom.md", "c_gbk.txt", "d_utf16.txt", "e_big5.txt", "f.html", "j_oneline.txt"}
BAD = {"g_empty.txt": "empty file", "h_corrupt.pdf": None, "i_binary.txt": "binary data, not text"}


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def names(paths):
    return {os.path.basename(p) for p in paths}


def test_every_good_document_is_tagged_and_every_bad_one_reported(archive, tmp_path):
    pytest.importorskip("pypdf")
    out = tmp_path / "out.jsonl"
    failed = []
    result = tag_files([archive], output=str(out), on_error=lambda p, r: failed.append((p, r)))
    assert names(result.tagged) == GOOD
    assert names(p for p, _ in result.failed) == set(BAD)
    for path, reason in result.failed:
        expected = BAD[os.path.basename(path)]
        assert expected is None or reason == expected
    assert failed == result.failed
    records = read_jsonl(out)
    assert names(r["file"] for r in records) == GOOD
    by_doc = {}
    for r in records:
        by_doc.setdefault(os.path.basename(r["file"]), []).append(r)
    # Not the Big5 file: its simplified characters outside Big5 became "?", which also ends sentences.
    for doc in GOOD - {"j_oneline.txt", "f.html", "e_big5.txt"}:
        labels = [r["label"] for r in by_doc[doc]]
        assert {"economy", "agriculture", "safety", "livelihood"} <= set(labels), doc
    # The decoded text is right whatever the encoding: offsets and sections hold.
    gbk = by_doc["c_gbk.txt"]
    assert gbk[0]["text"] == "临江县2023年上半年工作总结"
    assert any(r["section"] == ["一、上半年工作回顾", "（二）夯实农业基础"] for r in gbk)
    assert set(gbk[0]["probs"]) == set(policytext.LABELS)
    # The menu and script of the web page are not tagged.
    html_text = " ".join(r["text"] for r in by_doc["f.html"])
    assert "高标准农田" in html_text and "网站地图" not in html_text and "var menu" not in html_text
    # The one-line file is cut into sentences, none over the length limit.
    assert len(by_doc["j_oneline.txt"]) > 1000


def test_cli_exit_status_stderr_and_errors_file(archive, tmp_path):
    pytest.importorskip("pypdf")
    out, errors, err = tmp_path / "o.csv", tmp_path / "errors.txt", io.StringIO()
    code = main(
        [
            "tag", str(archive / "a_utf8.txt"), str(archive / "g_empty.txt"), str(tmp_path / "nope.txt"),
            "-o", str(out), "--format", "csv", "--errors", str(errors), "--no-progress",
        ],
        out=io.StringIO(),
        err=err,
    )
    assert code == 3
    assert err.getvalue() == (
        f"policytext: {tmp_path / 'nope.txt'}: no such file\n"
        f"policytext: {archive / 'g_empty.txt'}: empty file\n"
    )
    # Its first line marks it as policytext's: the same command may replace it again.
    assert errors.read_text(encoding="utf-8") == ERRORS_HEAD + err.getvalue().replace("policytext: ", "")
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert rows and {r["file"] for r in rows} == {str(archive / "a_utf8.txt")}
    assert set(rows[0]) >= {"file", "index", "start", "end", "section", "text", "label", "score", "p_economy"}
    # Probabilities with 6 decimals, as in JSON Lines: "4.9e-05" and "0.0" were written before.
    numbers = [r[c] for r in rows for c in r if c == "score" or c.startswith("p_")]
    assert all(re.fullmatch(r"[01]\.\d{6}", v) for v in numbers)


def test_stdout_jsonl_and_glob(archive):
    out = io.StringIO()
    code = main(["tag", str(archive / "*.md"), "--no-progress"], out=out, err=io.StringIO())
    assert code == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["file"] for r in records} == {str(archive / "b_bom.md")}
    text = read_document(archive / "b_bom.md")  # offsets are into the text read, as for HTML
    assert records and all(text[r["start"] : r["end"]] == r["text"] for r in records)


def test_a_file_or_folder_whose_name_holds_brackets_is_itself_not_a_pattern(tmp_path):
    # As a glob pattern, "report[1].txt" matches report1.txt and not itself: the
    # job tagged Beijing's report for Shanghai's, or found nothing at all.
    shanghai, beijing = tmp_path / "report[1].txt", tmp_path / "report1.txt"
    shanghai.write_text(report("上海市"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing else the pattern would match: no warning
        assert find_documents([str(shanghai)]).documents == [str(shanghai)]
    beijing.write_text(report("北京市"), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"report\[1\]\.txt: taken as the file or folder of that name, not as a glob pattern, which would also match .*report1\.txt$"):
        found = find_documents([str(shanghai)])
    assert found.documents == [str(shanghai)] and not found.problems
    folder = tmp_path / "reports[2024]"
    folder.mkdir()
    (folder / "a.txt").write_text(report("青禾镇"), encoding="utf-8")
    out = io.StringIO()
    assert main(["tag", str(folder), "--no-progress"], out=out, err=io.StringIO()) == 0
    assert {json.loads(line)["file"] for line in out.getvalue().splitlines()} == {str(folder / "a.txt")}
    table = tmp_path / "targets.csv"
    assert main(["targets", str(folder), "-o", str(table), "--no-progress"], out=io.StringIO(), err=io.StringIO()) == 0
    with open(table, encoding="utf-8-sig", newline="") as f:
        assert {row["file"] for row in csv.DictReader(f)} == {str(folder / "a.txt")}


def test_a_job_that_finds_no_document_is_refused_and_leaves_its_outputs_alone(tmp_path):
    # A mistyped folder emptied an existing output (and the job "succeeded" with exit 3).
    out, summary = tmp_path / "o.jsonl", tmp_path / "s.csv"
    out.write_text("kept\n", encoding="utf-8")
    summary.write_text("kept\n", encoding="utf-8")
    pattern = str(tmp_path / "*.docx")
    with pytest.raises(PolicytextError) as info:
        # force: files that are not policytext's may be replaced, but not by a job that finds nothing to tag.
        tag_files([pattern, str(tmp_path / "reprots")], output=str(out), summary=str(summary), force=True)
    assert str(info.value) == (
        f"no documents found in {pattern}, {tmp_path / 'reprots'} "
        f"({pattern}: no file matches this pattern; {tmp_path / 'reprots'}: no such file); nothing was written"
    )
    assert out.read_text(encoding="utf-8") == summary.read_text(encoding="utf-8") == "kept\n"


def test_interrupted_job_keeps_whole_documents_and_resume_finishes(archive, tmp_path):
    out = tmp_path / "out.jsonl"
    docs, _ = expand_paths([archive])
    good = [d for d in docs if os.path.basename(d) in GOOD]

    def interrupted(paths):
        from policytext.archive import tag_document

        for i, path in enumerate(paths):
            if i == 3:
                raise KeyboardInterrupt
            yield tag_document(path)

    with pytest.raises(KeyboardInterrupt):
        tag_files(good, output=str(out), mapper=interrupted)
    first = read_jsonl(out)  # every line parses: the file is valid
    assert len(names(r["file"] for r in first)) == 3

    seen = []

    def counting(paths):
        from policytext.archive import tag_document

        for path in paths:
            seen.append(path)
            yield tag_document(path)

    result = tag_files(good, output=str(out), resume=True, mapper=counting)
    assert len(seen) == len(good) - 3 and len(result.skipped) == 3
    final = read_jsonl(out)
    assert names(r["file"] for r in final) == names(good)
    fresh = tmp_path / "fresh.jsonl"
    tag_files(good, output=str(fresh))
    key = lambda r: (r["file"], r["index"])  # noqa: E731
    assert sorted(final, key=key) == sorted(read_jsonl(fresh), key=key)


def test_resume_drops_a_partial_last_line(tmp_path, archive):
    out = tmp_path / "out.jsonl"
    tag_files([archive / "a_utf8.txt"], output=str(out))
    with open(out, "a", encoding="utf-8") as f:
        f.write('{"file": "cut sho')
    result = tag_files([archive / "a_utf8.txt", archive / "b_bom.md"], output=str(out), resume=True)
    assert names(result.skipped) == {"a_utf8.txt"} and names(result.tagged) == {"b_bom.md"}
    assert names(r["file"] for r in read_jsonl(out)) == {"a_utf8.txt", "b_bom.md"}


def test_summary_shares_meta_and_evidence(archive, tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("file,place,level,year\nb_bom.md,白石乡,township,2019\n", encoding="utf-8")
    summary = tmp_path / "summary.csv"
    tag_files(
        [archive / "a_utf8.txt", archive / "b_bom.md", archive / "county"],
        output=str(tmp_path / "o.jsonl"), summary=str(summary), meta=str(meta), evidence=2,
    )
    rows = {os.path.basename(r["file"]): r for r in csv.DictReader(open(summary, encoding="utf-8-sig"))}
    assert set(rows) == {"a_utf8.txt", "b_bom.md", "c_gbk.txt", "d_utf16.txt"}
    a = rows["a_utf8.txt"]
    assert (a["place"], a["level"], a["year"]) == ("青禾镇", "township", "2023")
    assert (rows["b_bom.md"]["year"], rows["c_gbk.txt"]["level"], rows["d_utf16.txt"]["level"]) == ("2019", "county", "county")
    shares = [float(a[f"share_{label}"]) for label in policytext.LABELS]
    assert sum(shares) == pytest.approx(1.0, abs=1e-3)
    assert sum(float(a[f"chars_{label}"]) for label in policytext.LABELS) == pytest.approx(1.0, abs=1e-3)
    assert int(a["sentences"]) == 11
    evidence = json.loads(a["evidence_agriculture"])
    assert 1 <= len(evidence) <= 2 and "农田" in evidence[0]


@pytest.mark.parametrize(
    "content, message",
    [
        ("file,year\nx.txt,2019\ny.txt,last year\n", "meta.csv:3: year must be a number of four digits, got 'last year'"),
        # Each of these gave a traceback, was accepted, or silently let the last row win.
        ("file,year\nx.txt,²\n", "meta.csv:2: year must be a number of four digits, got '²'"),
        ("place,file\nonlyplace\n", "meta.csv:2: no file named"),
        ("file,level\nx.txt,galaxy\n", "meta.csv:2: level must be one of national, province, city, county, township, got 'galaxy'"),
        ("file,year\nx.txt,2019\nx.txt,2020\n", "meta.csv:3: 'x.txt' is given again (first on line 2)"),
        # A column of another name was skipped, so its values were not applied; one given twice, its first.
        ("file,place,level,yaer\nx.txt,,,2019\n", "meta.csv: a column must be one of file, place, level, year, got 'yaer'"),
        ("file,year,year\nx.txt,2019,2020\n", "meta.csv: the column 'year' is given twice"),
    ],
)
def test_meta_file_errors_name_the_line(tmp_path, content, message):
    bad = tmp_path / "meta.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(PolicytextError) as info:
        read_meta(bad)
    assert str(info.value) == f"{tmp_path}/{message}"


def test_meta_rows_match_documents_however_their_paths_are_written_and_may_be_gb18030(tmp_path, monkeypatch):
    # A row with an absolute path matched nothing when the folder was given relative; Excel's GBK CSV was refused.
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_text(report("青禾镇", 2023), encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_bytes(f"file,place,level,year\n{tmp_path / 'r' / 'a.txt'},白石乡,township,2019\n".encode("gb18030"))
    monkeypatch.chdir(tmp_path)
    result = tag_files(["r"], meta=str(meta), progress=False)
    row = result.summary.rows["r/a.txt"]
    assert (row["place"], row["year"], row["place_from"]) == ("白石乡", 2019, "meta")


@pytest.mark.parametrize(
    "path, title, expected",
    [
        ("x/000.txt", "洋口镇(沿海经济开发区)2023年上半年工作总结及下半年工作计划", ("洋口镇", "township", 2023)),
        ("2026-上海市.txt", "各位代表：", ("上海市", "province", 2026)),
        ("r.txt", "2021年临江县人民政府工作报告", ("临江县", "county", 2021)),
        ("r.txt", "广西壮族自治区2024年政府工作报告", ("广西壮族自治区", "province", 2024)),
        ("r.txt", "关于印发通知", ("", "", None)),
        # A province whose name ends in 州, a city whose name holds 州, a district, a street.
        ("r.txt", "2026年贵州省政府工作报告", ("贵州省", "province", 2026)),
        ("r.txt", "郑州市2025年政府工作报告", ("郑州市", "city", 2025)),
        ("r.txt", "黔东南苗族侗族自治州人民政府工作报告", ("黔东南苗族侗族自治州", "city", None)),
        ("r.txt", "南京市鼓楼区2024年政府工作报告", ("鼓楼区", "county", 2024)),
        # A district whose name ends in 州 is no prefecture.
        ("r.txt", "2013年万州区政府工作报告", ("万州区", "county", 2013)),
        ("r.txt", "北京市通州区2024年政府工作报告", ("通州区", "county", 2024)),
        ("r.txt", "南通市如皋市2024年政府工作报告", ("如皋市", "county", 2024)),
        ("r.txt", "江苏省南通市如东县洋口镇2023年上半年工作总结", ("洋口镇", "township", 2023)),
        ("r.txt", "长江路街道2024年工作总结", ("长江路街道", "township", 2024)),
        ("national-2025.txt", "2025年中华人民共和国国务院政府工作报告", ("中华人民共和国", "national", 2025)),
        ("r.txt", "在全区经济工作会议上的讲话", ("", "", None)),
        # Full-width digits; a date line below a title without a year.
        ("r.txt", "石门县２０２５年政府工作报告", ("石门县", "county", 2025)),
        ("r.txt", "在全市经济工作会议上的讲话\n２０２５年１２月２２日", ("", "", 2025)),
        # The meeting's date over the title: one of the title's years, or the title's is a plan's horizon.
        ("r.txt", "关于１９５８年国家决算和１９５９年国家预算草案的报告\n——１９５９年４月２１日在第二届全国人民代表大会第一次会议上", ("中华人民共和国", "national", 1959)),
        ("r.txt", "关于“九五”计划和2010年远景目标纲要的报告\n——一九九六年三月五日在第八届全国人民代表大会第四次会议上", ("中华人民共和国", "national", 1996)),
        # ... but a title's year one after it is the report's (given in December).
        ("r.txt", "青禾镇2025年政府工作报告\n——2024年12月28日在青禾镇第十八届人民代表大会第五次会议上", ("青禾镇", "township", 2025)),
    ],
)
def test_document_meta(path, title, expected):
    meta = document_meta(path, title + "\n正文。")
    assert (meta["place"], meta["level"], meta["year"]) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        # Plan and budget reports open with 关于: the run "关于北京市" was no place, so nothing was read.
        ("关于北京市2024年预算执行情况和2025年预算草案的报告", ("北京市", "北京市", "province")),
        ("关于2024年浙江省国民经济和社会发展计划执行情况与2025年计划草案的报告", ("浙江省", "浙江省", "province")),
        ("关于南京市2024年国民经济和社会发展计划执行情况与2025年计划草案的报告", ("南京市", "南京市", "city")),
        ("《关于南京市鼓楼区2024年预算执行情况的报告》", ("鼓楼区", "南京市鼓楼区", "county")),
        ("关于如东县洋口镇2024年工作情况和2025年工作安排的报告", ("洋口镇", "如东县洋口镇", "township")),
        ("关于对南通市如皋市2024年决算的报告", ("如皋市", "南通市如皋市", "county")),
        ("对于青禾街道2025年工作的报告", ("青禾街道", "青禾街道", "township")),
        # ... and a leading 对 was kept as part of the place (对南京市).
        ("对南京市的报告", ("南京市", "南京市", "city")),
        # A title with no place after the preposition still gives none.
        ("关于印发通知", None),
        # A document printed or forwarded is the place's; the verb is no part of it.
        ("关于印发临江县2025年政府工作报告的通知", ("临江县", "临江县", "county")),
        ("关于转发南京市政府工作报告重点工作分工方案的通知", ("南京市", "南京市", "city")),
        # Any other verb opens a matter, not a place: no place, rather than 做好全市, 召开县 or 表彰县.
        ("关于做好全市2025年春耕生产工作的通知", None),
        ("关于召开县人大会议的通知", None),
        ("关于表彰县级先进集体的决定", None),
        ("关于成立县政府工作报告起草小组的通知", None),
        # 对口, 对标: the 对 is no preposition, and what follows is no author (not 口支援和田县).
        ("2025年对口支援和田县工作报告", None),
        ("对标上海市2025年工作总结", None),
    ],
)
def test_a_title_opening_with_a_preposition_gives_the_place_after_it(title, expected):
    place = parse_place(title)
    assert (place and (place.name, place.full_name, place.level)) == expected


def test_a_date_line_of_a_meeting_that_is_no_congress_gives_the_year():
    meta = document_meta("r.txt", "江北新区管理委员会工作报告\n——2025年1月20日在江北新区党工委扩大会议上\n同志们：")
    assert meta["year"] == 2025
    # The meeting's year where the title names two (关于…2024年工作情况和2025年工作安排的报告).
    meta = document_meta("r.txt", "关于青禾街道2024年工作情况和2025年工作安排的报告\n——2025年1月15日在青禾街道居民议事代表大会上")
    assert meta["year"] == 2025


def test_a_body_line_that_reports_gives_no_year():
    # The 2002 national report saved without its title line: "首先报告２００１年的工作"
    # is a sentence of its body, not its title, and gave it the year 2001.
    text = "各位代表：\n现在，我代表国务院向大会作政府工作报告，请予审议。\n首先报告２００１年的工作\n２００１年是不平凡的一年。"
    assert document_meta("r.txt", text)["year"] is None
    assert document_meta("2002-国务院.txt", text)["year"] == 2002
    assert document_meta("r.txt", "同志们：\n下面报告2026年的工作安排\n正文。")["year"] is None
    assert document_meta("r.txt", "各位代表：\n我们总结2025年的工作\n正文。")["year"] is None
    # A headline that opens with a verb and names the report after a dash is still a title.
    assert document_meta("r.txt", "您的位置:\n首页\n向人民报告——2025年政府工作报告\n各位代表：")["year"] == 2025


def test_a_resolutions_date_line_gives_the_year():
    text = "第十四届全国人民代表大会第一次会议关于政府工作报告的决议\n（2023年3月13日第十四届全国人民代表大会第一次会议通过）\n会议听取和审议了政府工作报告。"
    assert document_meta("r.txt", text)["year"] == 2023
    assert document_meta("r.txt", "关于2025年预算的决议\n（2025年1月20日贵州省第十四届人民代表大会第三次会议批准）")["year"] == 2025


def test_document_meta_says_where_the_place_was_read():
    meta = document_meta("2026-上海市.txt", "各位代表：")
    assert (meta["place"], meta["place_full"], meta["place_from"]) == ("上海市", "上海市", "file name")
    meta = document_meta("x.txt", "江苏省南通市如东县洋口镇2023年上半年工作总结")
    assert (meta["place_full"], meta["place_from"]) == ("江苏省南通市如东县洋口镇", "title")


def test_parquet_output(archive, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "o.parquet"
    tag_files([archive / "a_utf8.txt", archive / "county"], output=str(out), format="parquet")
    table = pq.read_table(out)
    assert table.num_rows > 20 and "p_economy" in table.column_names
    assert not (tmp_path / "o.parquet.spool.jsonl").exists()


def test_parquet_needs_a_file():
    with pytest.raises(PolicytextError, match="needs an output file"):
        tag_files(["x.txt"], format="parquet")


def test_parallel_jobs_give_the_same_records_and_summary(archive, tmp_path):
    # Workers encode and count each document; the parent only writes and adds.
    one, two = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    docs = [archive / "a_utf8.txt", archive / "b_bom.md", archive / "county"]
    tag_files(docs, output=str(one), summary=str(tmp_path / "1.csv"), evidence=2)
    tag_files(docs, output=str(two), summary=str(tmp_path / "2.csv"), evidence=2, jobs=2)
    key = lambda r: (r["file"], r["index"])  # noqa: E731
    assert sorted(read_jsonl(one), key=key) == sorted(read_jsonl(two), key=key)
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()
    assert b"share_corrected_economy" in (tmp_path / "1.csv").read_bytes()


def test_documents_scored_together_give_each_document_its_own_records(archive, tmp_path):
    # tag_documents scores a few documents' sentences in one batch; each
    # document's records must be those it gets alone, and a failed document
    # is reported without stopping the others.
    from policytext.archive import tag_documents

    paths = [str(p) for p in sorted(archive.rglob("*")) if p.is_file()]
    together = {r.path: r for r in tag_documents(paths)}
    assert set(together) == set(paths)
    for path in paths:
        alone = tag_document(path)
        assert together[path].error == alone.error
        assert list(together[path].records) == list(alone.records)
    assert together[str(archive / "g_empty.txt")].error and together[str(archive / "a_utf8.txt")].records


def test_plot_bars_and_years(archive, tmp_path):
    pytest.importorskip("matplotlib")
    from policytext.plot import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine")
    png = tmp_path / "bars.png"
    tag_files([archive / "a_utf8.txt", archive / "county"], output=str(tmp_path / "o.jsonl"), plot=str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    years = tmp_path / "years"
    years.mkdir()
    for year in (2019, 2020, 2021):
        (years / f"{year}-临江县.txt").write_text(report("临江县", year), encoding="utf-8")
    png2 = tmp_path / "lines.png"
    result = tag_files([years], output=str(tmp_path / "y.jsonl"), plot=str(png2))
    assert {row["year"] for row in result.summary.rows.values()} == {2019, 2020, 2021}
    assert png2.stat().st_size > 1000


def test_plot_without_a_chinese_font_fails_clearly(archive, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    # A system without fonts: matplotlib finds none, installed or on disk.
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    with pytest.raises(PolicytextError, match="no font with Chinese characters found"):
        tag_files([archive / "a_utf8.txt"], output=str(tmp_path / "o.jsonl"), plot=str(tmp_path / "p.png"))
    assert not (tmp_path / "o.jsonl").exists()  # refused before any work


def test_a_font_that_cannot_draw_chinese_or_does_not_exist_is_refused_before_work(archive, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    code = main(["tag", str(archive / "a_utf8.txt"), "-o", str(tmp_path / "o.jsonl"), "--plot", str(tmp_path / "p.png"), "--font", str(latin)], out=io.StringIO(), err=(err := io.StringIO()))
    assert code == 1
    assert err.getvalue() == f"policytext: error: --font {latin}: the font has no Chinese characters (it cannot draw 经济民生治理); choose one that does\n"
    code = main(["tag", str(archive / "a_utf8.txt"), "-o", str(tmp_path / "o.jsonl"), "--plot", str(tmp_path / "p.png"), "--font", "nope.ttf"], out=io.StringIO(), err=(err := io.StringIO()))
    assert (code, err.getvalue()) == (1, "policytext: error: --font nope.ttf: no such font file\n")
    assert not (tmp_path / "o.jsonl").exists()


def test_evidence_without_a_summary_and_an_empty_folder_are_clear_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    code = main(["tag", str(tmp_path / "a.txt"), "--evidence", "3"], out=io.StringIO(), err=(err := io.StringIO()))
    assert (code, err.getvalue()) == (2, "policytext: error: --evidence needs --summary FILE.csv: the evidence sentences are columns of the summary\n")
    code = main(["tag", str(tmp_path / "empty")], out=io.StringIO(), err=(err := io.StringIO()))
    assert code == 1 and err.getvalue().startswith(f"policytext: error: no documents found in {tmp_path / 'empty'}: policytext reads .txt, .md")
    with pytest.raises(policytext.ParameterError, match=r"tag_files\(\): 'evidence' must be an int >= 0, got -3"):
        tag_files([tmp_path / "a.txt"], summary=str(tmp_path / "s.csv"), evidence=-3)
    with pytest.raises(PolicytextError, match=r"o.csv: format='jsonl' disagrees with the extension .csv"):
        tag_files([tmp_path / "a.txt"], output=str(tmp_path / "o.csv"), format="jsonl")
    result = tag_files([tmp_path / "a.txt"], output=str(tmp_path / "o.csv"), summary=str(tmp_path / "s.csv"))
    # The format follows the extension, and every CSV file carries the BOM Excel needs.
    assert (tmp_path / "o.csv").read_bytes().startswith("\ufefffile,index,start".encode("utf-8"))
    assert (tmp_path / "s.csv").read_bytes().startswith('\ufeff"file",'.encode("utf-8"))
    assert tag_files([tmp_path / "a.txt"], output=str(tmp_path / "o.csv"), resume=True).skipped == result.tagged


def test_record_writer_refuses_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="format must be one of"):
        RecordWriter(str(tmp_path / "o"), "xml", ["a", "b"])


@pytest.mark.parametrize("context", [True, False])
def test_dask_cluster_gives_the_local_output(archive, tmp_path, context):
    # With context=False the workers read context all the same.
    distributed = pytest.importorskip("distributed")
    import policytext.dask

    docs = [archive]
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    local_result = tag_files(docs, output=str(local), summary=str(tmp_path / "ls.csv"), context=context)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        dask_result = policytext.dask.tag_files(docs, client, output=str(remote), summary=str(tmp_path / "ds.csv"), context=context)
    key = lambda r: (r["file"], r["index"])  # noqa: E731
    assert sorted(read_jsonl(local), key=key) == sorted(read_jsonl(remote), key=key)
    assert sorted(local_result.failed) == sorted(dask_result.failed)
    assert (tmp_path / "ls.csv").read_text(encoding="utf-8-sig") == (tmp_path / "ds.csv").read_text(encoding="utf-8-sig")



def test_dask_workers_read_relative_paths_from_the_clients_folder(archive, tmp_path, monkeypatch):
    # Paths were sent as typed: a worker working in another folder (as on
    # any real cluster) failed every document as "no such file".
    distributed = pytest.importorskip("distributed")
    import policytext.dask

    monkeypatch.chdir(archive.parent)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    local_result = tag_files(["archive"], output="local.jsonl", summary="ls.csv")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.run(os.chdir, str(elsewhere))
        dask_result = policytext.dask.tag_files(["archive"], client, output="dask.jsonl", summary="ds.csv")
    assert local_result.tagged and sorted(dask_result.tagged) == sorted(local_result.tagged)
    assert sorted(dask_result.failed) == sorted(local_result.failed)
    # The records and the summary name the files as the local run does: relative.
    key = lambda r: (r["file"], r["index"])  # noqa: E731
    assert sorted(read_jsonl(tmp_path / "dask.jsonl"), key=key) == sorted(read_jsonl(tmp_path / "local.jsonl"), key=key)
    assert (tmp_path / "ds.csv").read_bytes() == (tmp_path / "ls.csv").read_bytes()


def test_dask_jobs_one_after_another_on_one_in_process_client(archive, tmp_path):
    # The second job on a client failed with "lost dependencies" (most
    # times: a race): the model had the same key in both, and the first
    # job's end released it. Six jobs, so that it is lost at least once.
    distributed = pytest.importorskip("distributed")
    import policytext.dask

    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        jobs = [policytext.dask.tag_files([archive], client, output=str(tmp_path / f"{run}.jsonl")) for run in range(6)]
    assert [names(job.tagged) for job in jobs] == [GOOD] * 6
    assert [names(path for path, _ in job.failed) for job in jobs] == [set(BAD)] * 6
    records = [sorted(read_jsonl(tmp_path / f"{run}.jsonl"), key=lambda r: (r["file"], r["index"])) for run in range(6)]
    assert records[0] and records == [records[0]] * 6  # sorted: written in the order documents finished


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda docs: policytext.dask.tag_files(docs, None), "policytext.dask.tag_files(): 'client' must be a distributed.Client (with scatter, map and submit), got None"),
        (
            lambda docs: policytext.dask.tag_files(docs, "tcp://10.0.0.5:8786"),
            "policytext.dask.tag_files(): 'client' must be a distributed.Client (with scatter, map and submit), got 'tcp://10.0.0.5:8786'",
        ),
        (
            lambda docs: policytext.dask.tag_files(docs, _FakeClient(), jobs=0),
            "policytext.dask.tag_files(): 'jobs' is set by the Dask helper (the cluster's workers tag the documents); leave it out",
        ),
        (
            lambda docs: policytext.dask.tag_files(docs, _FakeClient(), mapper=map),
            "policytext.dask.tag_files(): 'mapper' is set by the Dask helper (it is what runs the documents on the cluster); leave it out",
        ),
        (lambda docs: policytext.dask.tag_files(docs, _FakeClient(), timeout=0), "policytext.dask.tag_files(): 'timeout' must be None or a number from 0.001 to 1000000000.0, got 0"),
        (
            lambda docs: policytext.dask.tag_files(docs, _FakeClient(), model=""),
            "policytext.dask.tag_files(): 'model' must be None (the shipped model), a model folder's path or a Classifier, got ''",
        ),
    ],
    ids=["client-None", "client-address", "jobs", "mapper", "timeout", "model"],
)
def test_the_dask_helper_refuses_what_it_cannot_use_naming_it(tmp_path, call, message):
    # None and an address gave AttributeError, jobs=0 was dropped unseen, and
    # mapper= gave "got multiple values for keyword argument".
    import policytext.dask

    with pytest.raises(policytext.ParameterError) as info:
        call([tmp_path])
    assert str(info.value) == message


def test_the_dask_helpers_options_are_keyword_only(tmp_path, tiny_model):
    import policytext.dask

    with pytest.raises(TypeError, match=r"^tag_files\(\) takes 2 positional arguments but 3 were given$"):
        policytext.dask.tag_files([tmp_path], _FakeClient(), tiny_model)


class _FakeClient:
    """Has the calls a client must offer, and fails the test if the job gets as far as making one."""

    def scatter(self, *args, **kwargs):
        raise AssertionError("refused options must be refused before the cluster is used")

    map = submit = scatter


def test_a_timeout_on_dask_is_warned_of_once_not_silently_ignored(archive, tmp_path):
    import warnings

    distributed = pytest.importorskip("distributed")
    import policytext.dask

    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        # In-process workers: a warning of theirs would be caught here too.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = policytext.dask.tag_files([archive], client, timeout=5)
    assert names(result.tagged) == GOOD
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            UserWarning,
            "policytext.dask.tag_files(): timeout=5 is not applied on a Dask cluster: tasks run in worker threads, where the "
            "time limit (a SIGALRM timer) cannot be set; documents are read with no time limit",
        )
    ]
    assert caught[0].filename == __file__  # pointing at the call that gave it

def _slow_markdown(path, links):
    """A .md of ``links`` links, which markdown-it-py takes about 0.1 ms each to parse, to one line of text."""
    path.write_text("[甲](http://a.b/c) " * links, encoding="utf-8")
    return path


def test_a_document_over_the_time_limit_fails_and_the_job_goes_on(archive, tmp_path):
    slow = _slow_markdown(tmp_path / "b_slow.md", 20_000)  # some 2 seconds to read
    result = tag_files([archive / "a_utf8.txt", slow], output=str(tmp_path / "o.jsonl"), timeout=0.5)
    assert result.failed == [(str(slow), "took longer than the 0.5-second limit")]
    assert names(result.tagged) == {"a_utf8.txt"}


@pytest.fixture
def caller_alarm():
    """A SIGALRM handler of the caller's that counts its alarms; the process's timer and handler are put back after."""
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        yield fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_time_limit_gives_back_the_callers_pending_alarm(archive, tmp_path, caller_alarm):
    import signal
    import warnings

    signal.setitimer(signal.ITIMER_REAL, 50, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # in the main thread the limit is applied, and nothing says otherwise
        result = tag_files([archive / "a_utf8.txt", archive / "b_bom.md"], output=str(tmp_path / "o.jsonl"), timeout=5)
    delay, interval = signal.getitimer(signal.ITIMER_REAL)
    assert names(result.tagged) == {"a_utf8.txt", "b_bom.md"}
    # What was left of it, less the time the job took; the interval as it was.
    assert 40 < delay < 50 and interval == 7
    assert caller_alarm == []


def test_a_callers_alarm_due_while_a_document_is_read_goes_off_after_it(tmp_path, caller_alarm):
    import signal
    import time

    slow = _slow_markdown(tmp_path / "slow.md", 10_000)  # some 1 second to read
    tag_files([_slow_markdown(tmp_path / "warm.md", 1)], output=str(tmp_path / "warm.jsonl"))  # the model loaded: the alarm falls due in the read
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    result = tag_files([slow], output=str(tmp_path / "o.jsonl"), timeout=5)
    # Late, but not lost: the job held SIGALRM when the alarm fell due.
    deadline = time.monotonic() + 2
    while not caller_alarm and time.monotonic() < deadline:
        time.sleep(0.01)
    assert names(result.tagged) == {"slow.md"}
    assert caller_alarm == [signal.SIGALRM]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("timeout, warned", [(5, 1), (None, 0)])
def test_a_time_limit_that_cannot_be_applied_outside_the_main_thread_is_warned_of_once(archive, tmp_path, timeout, warned):
    import warnings

    results = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        worker = threading.Thread(
            target=lambda: results.append(tag_files([archive / "a_utf8.txt", archive / "b_bom.md"], output=str(tmp_path / "o.jsonl"), timeout=timeout))
        )
        worker.start()
        worker.join()
    assert names(results[0].tagged) == {"a_utf8.txt", "b_bom.md"}
    # Once for the job, not once per document.
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            UserWarning,
            "timeout=5 is not applied: the time limit is a SIGALRM timer, which works only in the main thread, "
            "on Unix; these documents are read with no time limit",
        )
    ] * warned

def _report(copies=3):
    return (REPO / "examples" / "report.txt").read_text(encoding="utf-8") * copies


def _to_be_streamed(path):
    """Make the plain-text document at ``path`` one tag_files tags as a stream: blank lines after its text, past
    :data:`policytext.readers.MAX_WHOLE_LINES` lines, which add no sentence (and which a whole read refuses)."""
    from policytext.readers import MAX_WHOLE_LINES

    with open(path, "ab") as f:
        f.write(b"\n" * (MAX_WHOLE_LINES + 1))
    return path


@pytest.mark.parametrize(
    "encode",
    [lambda t: t.encode("utf-8"), lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), lambda t: t.encode("gb18030")],
    ids=["utf-8", "utf-8-bom", "gb18030"],
)
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_large_plain_text_is_streamed_with_the_records_and_summary_of_a_whole_read(tmp_path, encode, fmt):
    # 12,000 sentences: a stream tags them 10,000 at a time, in context across the batches.
    doc = tmp_path / "2024年临江县政府工作报告.txt"
    doc.write_bytes(encode(_report(300)))
    runs = {}
    for name in ("whole", "streamed"):
        if name == "streamed":
            _to_be_streamed(doc)  # the same document, and so the same records and summary
        out, summary = tmp_path / f"{name}.{fmt}", tmp_path / f"{name}-summary.csv"
        result = tag_files([str(doc)], output=str(out), format=fmt, summary=str(summary), evidence=2)
        assert result.ok and result.tagged == [str(doc)]
        runs[name] = (out.read_bytes(), summary.read_text(encoding="utf-8-sig"))
    assert runs["streamed"] == runs["whole"]
    assert runs["streamed"][0].count(b"\n") > 10_000  # more than a batch


def _small_and_streamed(tmp_path, copies=1100):
    """a.txt of one sentence, and b.txt, streamed, of ``copies`` times the example report (40 sentences each)."""
    small, big = tmp_path / "a.txt", tmp_path / "b.txt"
    small.write_text("新建高标准农田3000亩。", encoding="utf-8")
    big.write_text(_report(copies), encoding="utf-8")
    return small, _to_be_streamed(big)


def test_a_streamed_document_cut_short_leaves_whole_documents_only(tmp_path):
    import signal
    import subprocess
    import time

    # 44,000 sentences: the first 20,000 are written while the rest are tagged.
    small, big = _small_and_streamed(tmp_path)
    out = tmp_path / "out.jsonl"
    tag_files([str(small)], output=str(out))
    before = out.read_bytes()
    # Ctrl-C as soon as records of b.txt are on disk, while the job goes on. The
    # job runs in a process of its own, as a user's does: a thread sending the
    # signal to the test's own process could be scheduled too late on a busy
    # machine, after the job had ended. At a lower priority: the last
    # sentences take some 0.3 s to tag once the first are written.
    # Python's own Ctrl-C handler first: a suite run in a shell's background job
    # (nohup … &) starts its processes with SIGINT ignored, and the job then ran to its end.
    script = (
        "import os, signal, sys, policytext.archive as a\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "os.nice(5)\n"
        f"try: a.tag_files([{str(small)!r}, {str(big)!r}], output={str(out)!r}, resume=True)\n"
        "except KeyboardInterrupt: sys.exit(130)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    deadline = time.monotonic() + 120
    while out.stat().st_size <= len(before) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 130  # interrupted part way, not finished
    assert out.read_bytes() == before

    result = tag_files([str(small), str(big)], output=str(out), resume=True)
    assert result.skipped == [str(small)] and result.tagged == [str(big)]
    indices = [json.loads(line)["index"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert indices[1:] == list(range(len(indices) - 1))  # b.txt once, from its first sentence


def test_a_streamed_document_found_undecodable_part_way_fails_and_leaves_whole_documents_only(tmp_path):
    # 44,000 sentences of UTF-8, written 10,000 at a time, then a GBK part:
    # it was tagged as U+FFFD, with exit 0. It fails now, as a whole file
    # with as much damage fails, and its records already written are taken back.
    small, big = _small_and_streamed(tmp_path)
    data = big.read_bytes()
    big.write_bytes(data + _report(100).encode("gbk") + data)
    out = tmp_path / "out.jsonl"
    result = tag_files([str(small), str(big)], output=str(out))
    assert result.tagged == [str(small)]
    assert [path for path, _ in result.failed] == [str(big)]
    assert re.fullmatch(r"not valid utf-8 text \([\d,]+ undecodable bytes, over 1% of its text\)", result.failed[0][1])
    assert {json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()} == {str(small)}


def test_a_large_binary_file_is_reported_not_streamed(tmp_path):
    from policytext.readers import STREAM_FROM

    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * (STREAM_FROM // 256 + 1))  # over the size from which a .txt is streamed
    out = tmp_path / "out.jsonl"
    result = tag_files([str(path)], output=str(out))
    assert result.failed == [(str(path), "binary data, not text")]
    assert out.read_bytes() == b""


def test_a_streamed_document_killed_part_way_is_cut_back_on_resume(tmp_path):
    import subprocess
    import time

    small, big = _small_and_streamed(tmp_path)
    out = tmp_path / "out.jsonl"
    tag_files([str(small)], output=str(out))
    before = out.stat().st_size
    # SIGKILL runs no clean-up: records of b.txt are on disk when it lands. At a lower
    # priority, as in the test above: on a busy machine the job could end first.
    script = f"import os, policytext.archive as a; os.nice(5); a.tag_files([{str(small)!r}, {str(big)!r}], output={str(out)!r}, resume=True)"
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    deadline = time.monotonic() + 120
    while out.stat().st_size <= before + 100_000 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.kill()
    assert proc.wait() == -9  # killed part way, not finished
    # Killed inside a write, the last line may end inside a character: resume cuts it.
    written = out.read_bytes().decode("utf-8", "replace").splitlines()
    assert sum('"b.txt"' in line or "/b.txt" in line for line in written) >= 100

    result = tag_files([str(small), str(big)], output=str(out), resume=True)
    assert result.skipped == [str(small)] and result.tagged == [str(big)]
    files = [json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()]
    indices = [json.loads(line)["index"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert files[0] == str(small) and set(files[1:]) == {str(big)}
    assert indices[1:] == list(range(len(indices) - 1))  # b.txt once, whole
    assert not (tmp_path / "out.jsonl.partial").exists()


@pytest.mark.parametrize(
    "tail",
    [
        b"",
        b"cut",
        b"x" * 200_000,  # the partial line spans several of the blocks read from the end
    ],
    ids=["whole", "cut", "long-cut"],
)
@pytest.mark.parametrize("done", [0, 1, 2], ids=["no-document", "one-document", "two-documents"])
def test_a_partial_last_line_is_cut_on_resume(tmp_path, tail, done):
    # A write cut short (a full disk) leaves a partial last line: a resumed job
    # drops it, keeps the whole records before it and tags what is missing.
    docs = []
    for k, place in enumerate(["青禾镇", "白石乡", "临江县"]):
        docs.append(tmp_path / f"r{k}.txt")
        docs[-1].write_text(report(place) * (k + 1), encoding="utf-8")
    fresh, out = tmp_path / "fresh.jsonl", tmp_path / "out.jsonl"
    tag_files([str(d) for d in docs], output=str(fresh))
    if done:
        tag_files([str(d) for d in docs[:done]], output=str(out))
    else:
        out.write_bytes(b"")
    kept = out.read_bytes()
    out.write_bytes(kept + tail)
    result = tag_files([str(d) for d in docs], output=str(out), resume=True)
    assert result.skipped == [str(d) for d in docs[:done]]
    assert out.read_bytes() == fresh.read_bytes()


def test_a_resumed_summary_reads_only_the_head_of_a_streamed_document(tmp_path):
    doc = tmp_path / "2024年临江县政府工作报告.txt"
    # Over the 50 MB a whole read allows (of blank lines, streamed quickly): a
    # resumed summary that read it whole would find no place or year.
    doc.write_text(_report() + (" " * 100_000 + "\n") * 530, encoding="utf-8")
    out, first, again = tmp_path / "out.jsonl", tmp_path / "first.csv", tmp_path / "again.csv"
    tag_files([str(doc)], output=str(out), summary=str(first), evidence=2)
    with pytest.raises(policytext.DocumentError, match="larger than the 50 MB limit"):
        read_document(doc)
    result = tag_files([str(doc)], output=str(out), summary=str(again), evidence=2, resume=True)
    assert result.skipped == [str(doc)]
    assert again.read_text(encoding="utf-8-sig") == first.read_text(encoding="utf-8-sig")
    assert "临江县" in again.read_text(encoding="utf-8-sig")


def _expand_within(paths, seconds=30):
    # A regression here hangs rather than fails: run it in a thread and give up after a while.
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("result", expand_paths(paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert "result" in out, f"expand_paths({paths}) did not finish in {seconds} s"
    return out["result"]


def test_link_loops_are_followed_once_and_never_hang(tmp_path):
    root = tmp_path / "R"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(report(), encoding="utf-8")
    (root / "sub" / "b.txt").write_text(report(), encoding="utf-8")
    (root / "loop").symlink_to(".")  # R/loop -> R: R/loop/loop/... for ever
    (root / "sub" / "up").symlink_to("..")
    (root / "x").symlink_to("y")  # two links to each other
    (root / "y").symlink_to("x")
    for paths in ([root], [str(root / "**" / "*.txt")], [root, str(root / "loop" / "a.txt")]):
        docs, problems = _expand_within(paths)
        assert docs == [str(root / "a.txt"), str(root / "sub" / "b.txt")], paths
        assert problems == []


def test_a_link_to_nothing_is_reported_not_skipped(tmp_path):
    # A report's link whose target had gone was left out without a word.
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "moved-away.txt")
    docs, problems = expand_paths([tmp_path])
    assert docs == [str(tmp_path / "a.txt")]
    assert problems == [(str(tmp_path / "gone.txt"), "a link to nothing (its target is gone)")]


def test_unreadable_folders_are_reported(tmp_path):
    import shutil
    import subprocess

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(report(), encoding="utf-8")
    (tmp_path / "locked").mkdir(mode=0o000)
    code = f"from policytext.finding import expand_paths; print(expand_paths([{str(tmp_path)!r}]))"
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        # Root reads any folder: search without the capabilities that allow it.
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop the capability to read any folder")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    try:
        out = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=True).stdout
    finally:
        (tmp_path / "locked").chmod(0o755)
    expected = ([str(tmp_path / "ok" / "a.txt")], [(str(tmp_path / "locked"), "folder cannot be read (permission denied)")])
    assert out.strip() == str(expected)


def test_resume_knows_a_document_by_relative_or_absolute_path(tmp_path, monkeypatch):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_text(report(), encoding="utf-8")
    out, summary = tmp_path / "o.jsonl", tmp_path / "s.csv"
    monkeypatch.chdir(tmp_path)
    first = tag_files(["r"], output=str(out), progress=False)
    again = tag_files([str(tmp_path / "r")], output=str(out), summary=str(summary), resume=True, progress=False)
    assert first.tagged == ["r/a.txt"] and again.tagged == [] and again.skipped == [str(tmp_path / "r" / "a.txt")]
    rows = list(csv.DictReader(open(summary, encoding="utf-8-sig")))
    assert len(rows) == 1 and int(rows[0]["sentences"]) == len(out.read_text(encoding="utf-8").splitlines())


def _interrupted_after(n):
    def mapper(paths):
        for i, path in enumerate(paths):
            if i == n:
                raise KeyboardInterrupt
            yield tag_document(path)

    return mapper


def test_an_interrupted_job_resumed_from_another_folder_tags_each_document_once(tmp_path, monkeypatch):
    # The journal named documents as they were given ("r/a.txt"); resumed
    # from another folder, none matched and all were tagged again.
    (tmp_path / "r").mkdir()
    for name in "abcd":
        (tmp_path / "r" / f"{name}.txt").write_text(report(f"{name}镇"), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        tag_files(["r"], output=str(out), mapper=_interrupted_after(2))
    monkeypatch.chdir(tmp_path / "r")
    again = tag_files(["."], output=str(out), resume=True, progress=False)
    assert len(again.skipped) == 2 and len(again.tagged) == 2
    files = [json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len({os.path.basename(f) for f in files}) == 4
    assert len(files) == 4 * len(policytext.classify(report("a镇")))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_finished_output_resumed_from_another_folder_is_refused_untouched(tmp_path, monkeypatch, fmt):
    # Names relative to another folder match nothing: every document was tagged
    # again (JSON Lines) or doubled (a table read back).
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    from policytext.tables import read_table

    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_text(report(), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    out = tmp_path / f"o.{fmt}"
    monkeypatch.chdir(tmp_path)
    tag_files(["r"], output=str(out), progress=False)
    before, rows = out.read_bytes(), read_table(out)
    monkeypatch.chdir(tmp_path / "elsewhere")
    with pytest.raises(PolicytextError, match=r"named relative to the folder its job ran in \(such as 'r/a.txt'\).*run resume=True from that folder"):
        tag_files([str(tmp_path / "r")], output=str(out), resume=True, progress=False)
    # Refused before a journal (or spool) was made: the next resume reads the output, not an empty journal.
    assert out.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["elsewhere", out.name, f"{out.name}.settings.json", "r"]
    monkeypatch.chdir(tmp_path)
    assert tag_files([str(tmp_path / "r")], output=str(out), resume=True, progress=False).tagged == []
    assert read_table(out) == rows
    if fmt == "jsonl":  # appended to, never rewritten
        assert out.read_bytes() == before


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_any_file_name_is_written_and_resumed_once(tmp_path, fmt):
    # A name with bytes that are not UTF-8 ended the whole job; a \r in a
    # name split its CSV row, and resume then tagged it again.
    folder = tmp_path / "r"
    folder.mkdir()
    names = [os.fsdecode(b"bad\xff.txt"), "cr\rname.txt", "ok.txt"]
    for name in names:
        (folder / name).write_text(report(), encoding="utf-8")
    out, errors = tmp_path / f"o.{fmt}", tmp_path / "errors.txt"
    first = tag_files([folder], output=str(out), format=fmt, errors=str(errors), progress=False)
    assert sorted(first.tagged) == sorted(str(folder / n) for n in names) and not first.failed
    content = out.read_bytes().decode("utf-8-sig")  # valid UTF-8 throughout
    if fmt == "csv":
        files = [row["file"] for row in csv.DictReader(io.StringIO(content, newline=""))]
    else:
        files = [json.loads(line)["file"] for line in content.splitlines()]
    assert set(files) == {str(folder / "bad\\xff.txt"), str(folder / "cr\rname.txt"), str(folder / "ok.txt")}
    again = tag_files([folder], output=str(out), format=fmt, resume=True, progress=False)
    assert again.tagged == [] and len(again.skipped) == 3
    assert out.read_bytes().decode("utf-8-sig") == content


@pytest.mark.parametrize("fmt, stopped", [("jsonl", False), ("jsonl", True), ("csv", False), ("parquet", False)])
def test_a_name_of_a_byte_and_a_name_of_its_escape_are_two_documents(tmp_path, fmt, stopped):
    # x\xff.txt of byte 0xff and a file named x\xff.txt (a backslash, x, f, f) were both
    # written x\xff.txt: --resume took the second as done, and the summary gave it the first's figures.
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    folder = tmp_path / "r"
    folder.mkdir()
    byte, escape = folder / os.fsdecode(b"x\xff.txt"), folder / "x\\xff.txt"
    byte.write_text(report("上海市"), encoding="utf-8")
    escape.write_text(report("北京市"), encoding="utf-8")
    out, summary = tmp_path / f"o.{fmt}", tmp_path / "s.csv"

    def stopped_after_one(paths):
        yield tag_document(str(byte))
        raise KeyboardInterrupt

    if stopped:  # the journal names what is done
        with pytest.raises(KeyboardInterrupt):
            tag_files([folder], output=str(out), format=fmt, mapper=stopped_after_one, progress=False)
        assert os.path.exists(f"{out}.journal")
    else:  # the records do
        tag_files([str(byte)], output=str(out), format=fmt, progress=False)
    again = tag_files([folder], output=str(out), format=fmt, summary=str(summary), resume=True, progress=False)
    assert (again.skipped, again.tagged) == ([str(byte)], [str(escape)])
    with open(summary, encoding="utf-8-sig", newline="") as f:
        places = {row["file"]: row["place"] for row in csv.DictReader(f)}
    assert places == {str(folder / "x\\xff.txt"): "上海市", str(folder / "x\\\\xff.txt"): "北京市"}
    assert tag_files([folder], output=str(out), format=fmt, resume=True, progress=False).tagged == []


def test_an_output_written_before_backslashes_were_doubled_still_resumes(tmp_path):
    # Names of no backslash show as they did; one with a backslash that is no escape reads back the same.
    folder = tmp_path / "r"
    folder.mkdir()
    for name in ("a.txt", "b\\1.txt"):
        (folder / name).write_text(report(), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    tag_files([folder], output=str(out), progress=False)
    old = out.read_text(encoding="utf-8").replace("\\\\\\\\", "\\\\")  # in JSON: b\\1.txt as written before
    assert f'"{folder}/b\\\\1.txt"' in old
    out.write_text(old, encoding="utf-8")
    with pytest.warns(UserWarning, match="a finished output does not say how its documents were tagged"):  # its settings are of the other file
        again = tag_files([folder], output=str(out), resume=True, progress=False)
    assert again.tagged == [] and sorted(again.skipped) == [str(folder / "a.txt"), str(folder / "b\\1.txt")]


def _children(pid):
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _many_reports(folder, n):
    """``n`` small reports in ``folder``: enough work that a --jobs 2 job is still running when stopped."""
    folder.mkdir()
    for i in range(n):
        # Each a text of its own: copies would be warned of on stderr.
        (folder / f"r{i:04d}.txt").write_text(report(year=1990 + i % 30) + f"\n新建农村公路{i + 1}公里。\n", encoding="utf-8")
    return folder


def _start_parallel_job(docs, out, **popen):
    """``policytext tag DOCS -o OUT --jobs 2`` in a process of its own."""
    import subprocess

    command = [sys.executable, "-c", "from policytext.cli import main; raise SystemExit(main())", "tag", str(docs), "-o", str(out), "--jobs", "2", "--no-progress"]
    return subprocess.Popen(command, cwd=REPO, **popen)


def _wait_for_a_document(job, out):
    """Wait until ``job`` has written a whole document (its journal names one); its workers then."""
    import time

    journal = Path(f"{out}.journal")
    deadline = time.monotonic() + 60
    while not _journal_documents(journal) and time.monotonic() < deadline and job.poll() is None:
        time.sleep(0.05)
    return _children(job.pid)


def _journal_documents(journal):
    """How many documents a journal names as whole (its first line says how the job tags)."""
    try:
        return journal.read_text(encoding="utf-8").count('"end"')
    except FileNotFoundError:
        return 0


def _assert_resume_finishes(docs, out, n):
    """--resume tags the documents the stopped job had not written, and each document is in the output once."""
    done = _journal_documents(Path(f"{out}.journal"))
    assert 0 < done < n
    result = tag_files([docs], output=str(out), resume=True, progress=False)
    assert len(result.skipped) == done and len(result.tagged) == n - done
    files = [json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(files) == n * len(tag_document(str(docs / "r0000.txt")).records) and len(set(files)) == n


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_workers_end_when_the_job_is_killed(tmp_path):
    import signal
    import subprocess
    import time

    docs = _many_reports(tmp_path / "docs", 8000)
    temp = tmp_path / "temp"  # where the job keeps its tasks' results
    temp.mkdir()
    job = _start_parallel_job(docs, tmp_path / "o.jsonl", stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(temp)})
    try:
        deadline = time.monotonic() + 60
        workers = []
        while len(workers) < 2 and time.monotonic() < deadline and job.poll() is None:
            time.sleep(0.2)
            workers = _children(job.pid)  # forked workers: every child of the job must end with it
        assert len(workers) >= 2, "the job finished or never started its workers"
        job.send_signal(signal.SIGKILL)
        job.wait()
        deadline = time.monotonic() + 30  # they look every half second; a busy host is slower
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(map(_alive, workers))
        assert list(temp.iterdir()) == []  # the workers cleared what the killed job could not
    finally:
        job.kill()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_jobs_beyond_the_cores_start_no_more_workers_than_cores(tmp_path):
    # --jobs 300 forked 300 workers (10 GB) and ran three times slower than --jobs 2.
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: no workers are started at all")
    docs = _many_reports(tmp_path / "docs", 40)
    most, stop = [0], threading.Event()
    before = set(_children(os.getpid()))  # other tests' processes not yet reaped

    def watch():
        while not stop.is_set():
            most[0] = max(most[0], len(set(_children(os.getpid())) - before))
            stop.wait(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result = tag_files([docs], output=str(tmp_path / "o.jsonl"), jobs=64, progress=False)
    finally:
        stop.set()
        watcher.join()
    assert len(result.tagged) == 40
    assert 0 < most[0] <= len(os.sched_getaffinity(0))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_ctrl_c_stops_a_parallel_job_at_once_and_resume_finishes_it(tmp_path):
    import signal
    import subprocess

    docs, out = _many_reports(tmp_path / "docs", 3000), tmp_path / "o.jsonl"
    # A shell's background job ignores SIGINT; a terminal's does not.
    job = _start_parallel_job(docs, out, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    workers = _wait_for_a_document(job, out)
    os.killpg(job.pid, signal.SIGINT)  # what Ctrl-C sends: the job and its workers
    _, err = job.communicate(timeout=60)
    assert (job.returncode, err.decode()) == (130, "policytext: interrupted\n")  # no worker's traceback
    assert workers and not any(map(_alive, workers))
    _assert_resume_finishes(docs, out, 3000)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_a_worker_killed_mid_job_ends_it_with_a_clear_error_and_resume_finishes_it(tmp_path):
    # As the kernel's out-of-memory killer would: SIGKILL to one worker.
    import signal
    import subprocess

    docs, out = _many_reports(tmp_path / "docs", 3000), tmp_path / "o.jsonl"
    job = _start_parallel_job(docs, out, stderr=subprocess.PIPE)
    workers = _wait_for_a_document(job, out)
    assert workers, "the job finished or never started its workers"
    os.kill(workers[0], signal.SIGKILL)
    _, err = job.communicate(timeout=60)
    err = err.decode()
    assert job.returncode == 1
    assert re.fullmatch(
        r"policytext: error: a worker process ended abruptly \(killed, or out of memory\?\) while tagging one of \S+r\d{4}\.txt.*; "
        r"the output keeps every document written before: run again with --resume\n",
        err,
    ), err
    assert not any(map(_alive, workers))
    _assert_resume_finishes(docs, out, 3000)


def test_a_second_job_on_the_same_output_is_refused_and_the_first_keeps_its_records(tmp_path):
    out = tmp_path / "o.jsonl"
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    first = RecordWriter(str(out), "jsonl", policytext.LABELS)
    first.write(tag_document(str(tmp_path / "a.txt")))
    written = out.read_bytes()
    with pytest.raises(PolicytextError, match="another policytext job is writing this output"):
        RecordWriter(str(out), "jsonl", policytext.LABELS)
    with pytest.raises(PolicytextError, match="another policytext job is writing this output"):
        tag_files([tmp_path / "a.txt"], output=str(out), progress=False)
    assert out.read_bytes() == written
    first.close()
    assert tag_files([tmp_path / "a.txt"], output=str(out), progress=False).tagged  # free again


def test_a_document_cut_short_by_a_full_disk_is_tagged_again_on_resume(tmp_path):
    # The write of b.txt stopped part-way (the disk filled): its first lines
    # are whole, the last is cut. b.txt is not done, whatever lines it has.
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(report(), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    writer = RecordWriter(str(out), "jsonl", policytext.LABELS)
    writer.write(tag_document(str(tmp_path / "a.txt")))
    whole_a = out.read_bytes()
    b = tag_document(str(tmp_path / "b.txt"))
    writer.append(b.records[:5])
    with open(out, "ab") as f:
        f.write(b'{"file": "cut')
    writer.close(complete=False)
    result = tag_files([tmp_path], output=str(out), resume=True, progress=False)
    assert result.skipped == [str(tmp_path / "a.txt")] and result.tagged == [str(tmp_path / "b.txt")]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert out.read_bytes().startswith(whole_a)
    assert [r["index"] for r in records if r["file"].endswith("b.txt")] == list(range(len(b.records)))
    assert not (tmp_path / "o.jsonl.journal").exists()  # the job ended: no journal left


@pytest.mark.parametrize(
    "options, message",
    [
        (lambda d: {"output": str(d / "a.txt")}, "output='{d}/a.txt': the output is one of the input documents"),
        (lambda d: {"output": str(d / "o.jsonl"), "summary": str(d / "o.jsonl")}, "summary='{d}/o.jsonl': the same file as 'output'; give each output its own file"),
        (lambda d: {"output": "/dev/null"}, "output='/dev/null': the output is not a regular file (a device or a process's stream)"),
        # A shell's "2>err.txt" makes /dev/stderr a link to a regular file, which renaming would replace.
        (lambda d: {"output": str(d / "o.jsonl"), "errors": "/dev/stderr"}, "errors='/dev/stderr': the output is not a regular file (a device or a process's stream)"),
        (lambda d: {"output": str(d / "o.jsonl"), "errors": str(d.parent / "to-stderr")}, "errors='{p}/to-stderr': the output is not a regular file (a device or a process's stream)"),
        # A leading "//" (kept by POSIX) and a link to the folder /proc/self/fd passed the check.
        (lambda d: {"output": str(d / "o.jsonl"), "errors": "//proc/self/fd/2"}, "errors='//proc/self/fd/2': the output is not a regular file (a device or a process's stream)"),
        (lambda d: {"output": str(d / "o.jsonl"), "errors": str(d.parent / "fds" / "2")}, "errors='{p}/fds/2': the output is not a regular file (a device or a process's stream)"),
        (
            lambda d: {"output": str(d / "o.jsonl.journal")},
            "output='{d}/o.jsonl.journal': names ending .journal, .partial, .spool.jsonl, .settings.json are kept for a job's own files beside its output",
        ),
        (lambda d: {"output": str(d)}, "output='{d}': the output is a folder"),
        (lambda d: {"output": str(d / "o.jsonl"), "errors": str(d / "a.txt")}, "errors='{d}/a.txt': the output is one of the input documents"),
    ],
)
def test_outputs_that_would_destroy_data_are_refused_before_anything_is_written(tmp_path, options, message):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(report(), encoding="utf-8")
    (tmp_path / "to-stderr").symlink_to("/dev/stderr")
    (tmp_path / "fds").symlink_to("/proc/self/fd")
    before = {p: p.read_bytes() for p in docs.iterdir()}
    with pytest.raises(PolicytextError) as info:
        tag_files([docs], progress=False, **options(docs))
    assert str(info.value) == message.format(d=docs, p=tmp_path)
    assert {p: p.read_bytes() for p in docs.iterdir()} == before


def test_an_output_that_is_a_link_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    target = tmp_path / "kept" / "summary.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "s.csv"
    link.symlink_to(target)
    tag_files([tmp_path / "a.txt"], output=str(tmp_path / "o.jsonl"), summary=str(link), progress=False, force=True)  # "old" is no summary
    assert link.is_symlink() and os.readlink(link) == str(target)
    rows = list(csv.DictReader(open(target, encoding="utf-8-sig")))
    assert [row["file"] for row in rows] == [str(tmp_path / "a.txt")]
    # Made through mkstemp, but with the permissions of any new file, as the records are.
    assert target.stat().st_mode & 0o777 == (tmp_path / "o.jsonl").stat().st_mode & 0o777


def test_the_errors_file_is_written_without_touching_a_file_named_like_its_temporary(tmp_path):
    # The error list was written to "<errors>.tmp" first, replacing any file of that name.
    (tmp_path / "report.txt.tmp").write_text(report(), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = tag_files([tmp_path / "empty.txt"], errors=str(tmp_path / "report.txt"), progress=False)
    assert result.failed == [(str(tmp_path / "empty.txt"), "empty file")]
    assert (tmp_path / "report.txt.tmp").read_text(encoding="utf-8") == report()
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == f"{ERRORS_HEAD}{tmp_path / 'empty.txt'}: empty file\n"


def test_an_output_folder_that_takes_no_new_file_is_refused_before_work(tmp_path):
    # Found only when the summary was written, after every document was tagged.
    import shutil
    import subprocess

    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0o555)
    command = [sys.executable, "-m", "policytext.cli", "tag", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--summary", str(closed / "s.csv")]
    if os.geteuid() == 0:  # root writes anywhere unless it drops the capability
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop the capability to write anywhere")
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    finally:
        closed.chmod(0o755)
    assert done.returncode == 1
    assert done.stderr.startswith(f"policytext: error: --summary {closed / 's.csv'}: cannot write in the folder {closed} (Permission denied)")
    assert not (tmp_path / "o.jsonl").exists()


def test_tag_files_without_an_output_returns_the_records_and_summary_as_data(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    result = tag_files([tmp_path], progress=False)
    assert capsys.readouterr().out == ""  # nothing printed: the records are in the result
    assert result.records and {r["file"] for r in result.records} == {str(tmp_path / "a.txt")}
    assert [r["index"] for r in result.records] == list(range(len(result.records)))
    pd = pytest.importorskip("pandas")
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(result.records)
    assert list(frame.columns[: len(COLUMNS)]) == list(COLUMNS) and "p_economy" in frame.columns
    assert frame["label"].tolist() == [r["label"] for r in result.records]
    summary = result.summary.to_pandas()
    assert summary["sentences"].tolist() == [len(result.records)] and summary["place"].tolist() == ["青禾镇"]


def test_summary_as_pandas_keeps_years_and_ranks_whole(tmp_path):
    # One document with no year and labels with no task: the columns came out as float64 (2023.0).
    pd = pytest.importorskip("pandas")
    (tmp_path / "a.txt").write_text(report("青禾镇", 2023), encoding="utf-8")
    (tmp_path / "b.txt").write_text(report("白石乡", 2023).replace("2023年", ""), encoding="utf-8")
    frame = tag_files([tmp_path], progress=False).summary.to_pandas()
    assert frame["year"].dtype == pd.Int64Dtype() and frame["year"].tolist() == [2023, pd.NA]
    assert frame["plan_rank_other"].dtype == pd.Int64Dtype() and frame["sentences"].dtype == pd.Int64Dtype()
    assert frame["share_economy"].dtype == "float64"


def test_evidence_can_be_the_least_confident_or_a_random_sample(tmp_path):
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")

    def evidence(by):
        summary = tmp_path / f"s_{by}.csv"
        result = tag_files([tmp_path / "a.txt"], summary=str(summary), evidence=2, evidence_by=by)
        row = next(csv.DictReader(open(summary, encoding="utf-8-sig")))
        return result, {label: json.loads(row[f"evidence_{label}"]) for label in policytext.LABELS}

    result, top = evidence("top")
    _, least = evidence("least")
    _, sample = evidence("random")
    score = {r["text"]: r["score"] for r in result.records}
    order = [r["text"] for r in result.records]
    other = [r["score"] for r in result.records if r["label"] == "other"]
    assert [score[t] for t in top["other"]] == sorted(other, reverse=True)[:2]
    assert [score[t] for t in least["other"]] == sorted(other)[:2]
    assert all(t in order for t in sample["other"]) and len(sample["other"]) == 2
    assert sample["other"] == sorted(sample["other"], key=order.index)  # in document order
    assert evidence("random")[1] == sample  # seeded: the same sample again
    with pytest.raises(policytext.ParameterError, match="'evidence_by' must be one of 'top', 'least', 'random', got 'best'"):
        tag_files([tmp_path / "a.txt"], summary=str(tmp_path / "s.csv"), evidence=2, evidence_by="best")


def test_the_year_plot_marks_missing_years_thins_its_ticks_and_splits_by_level(tmp_path):
    pytest.importorskip("matplotlib")
    from policytext.plot import find_cjk_font, thin_ticks, year_table

    rows = [
        {"year": 1954, "level": "national", "share_economy": 0.5},
        {"year": 1954, "level": "national", "share_economy": 0.3},
        {"year": 1957, "level": "province", "share_economy": 0.6},
    ]
    years, table = year_table(rows, ["economy"], by="level")
    assert years == [1954, 1955, 1956, 1957]
    assert table == {"national": {"economy": [0.4, None, None, None]}, "province": {"economy": [None, None, None, 0.6]}}
    ticks = thin_ticks(list(range(1954, 2026)))
    assert len(ticks) <= 12 and ticks[0] == 1954 and ticks[-1] == 2025
    if find_cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine")
    docs = tmp_path / "docs"
    docs.mkdir()
    for year, place in ((2019, "临江县"), (2021, "临江县"), (2019, "青禾镇"), (2024, "青禾镇")):
        (docs / f"{year}-{place}.txt").write_text(report(place, year), encoding="utf-8")
    png = tmp_path / "by_level.png"
    result = tag_files([docs], summary=str(tmp_path / "s.csv"), plot=str(png), plot_by="level")
    assert {r["level"] for r in result.summary.rows.values()} == {"county", "township"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(policytext.ParameterError, match="'plot_by' must be None or one of 'level', 'place', got 'year'"):
        tag_files([docs], plot=str(png), plot_by="year")


def test_every_panel_of_a_plot_by_level_spans_all_the_years(tmp_path):
    # A panel whose documents were all of one year was scaled to that point: both
    # years' ticks were drawn on top of each other, and both panels' points at one x.
    matplotlib = pytest.importorskip("matplotlib")
    from policytext.plot import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine")
    docs = tmp_path / "docs"
    docs.mkdir()
    for year, place in ((2025, "青禾镇"), (2026, "临江县")):
        (docs / f"{year}-{place}.txt").write_text(report(place, year), encoding="utf-8")
    svg = tmp_path / "by_level.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # tick labels as text, with their positions
        tag_files([docs], plot=str(svg), plot_by="level")
    ticks = re.findall(r'<text[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>(20\d\d)</text>', svg.read_text(encoding="utf-8"))
    panels = collections.defaultdict(dict)
    for x, y, year in ticks:
        panels[y][year] = float(x)
    assert len(panels) == 2
    assert all(set(p) == {"2025", "2026"} and p["2026"] - p["2025"] > 100 for p in panels.values()), panels
    assert len({tuple(sorted(p.items())) for p in panels.values()}) == 1  # the same axis in both


def test_records_and_summary_as_excel_by_extension(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    result = tag_files([tmp_path / "a.txt"], output=str(tmp_path / "o.xlsx"), summary=str(tmp_path / "s.xlsx"))
    records = list(openpyxl.load_workbook(tmp_path / "o.xlsx").active.values)
    assert records[0][: len(COLUMNS)] == COLUMNS and len(records) - 1 == sum(r["sentences"] for r in result.summary.rows.values())
    summary = list(openpyxl.load_workbook(tmp_path / "s.xlsx").active.values)
    assert summary[0][:2] == ("file", "place") and summary[1][1] == "青禾镇"
    assert list(tmp_path.glob("o.xlsx.*")) == [tmp_path / "o.xlsx.settings.json"]  # no spool or journal left: how it tagged
    with pytest.raises(PolicytextError, match=r"s.txt': unknown table extension '.txt'"):
        tag_files([tmp_path / "a.txt"], output=str(tmp_path / "o2.jsonl"), summary=str(tmp_path / "s.txt"))
    assert not (tmp_path / "o2.jsonl").exists()  # refused before work


def test_a_record_and_its_table_row_are_one_schema(tmp_path):
    from policytext.records import from_row, table_columns, to_row

    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    records = tag_files([tmp_path / "a.txt"]).records
    with_section = next(r for r in records if len(r["section"]) >= 2)
    labels = list(policytext.LABELS)
    buf = io.StringIO()
    csv.writer(buf).writerow(to_row(with_section, labels))
    row = dict(zip(table_columns(labels), next(csv.reader(io.StringIO(buf.getvalue())))))
    assert from_row(row, labels) == with_section  # through text and back: the same record


def test_a_record_batch_writes_what_its_record_dicts_hold(tmp_path):
    # tag writes a document's records straight from the engine's arrays;
    # each line must decode to the record dict every other path gives.
    from policytext.records import RecordBatch, to_row

    name = tmp_path / 'a"b\\c.txt'
    name.write_text(report() + '\n引号"里的"话\\和\t制表符。', encoding="utf-8")
    batch = tag_document(str(name)).records
    assert isinstance(batch, RecordBatch) and len(batch) > 10
    dicts = list(batch)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = batch.jsonl().decode("utf-8").split("\n")
    assert lines.pop() == "" and [json.loads(line) for line in lines] == dicts
    # Every probability has 6 decimals, so a line differs from json.dumps only in how numbers are spelled.
    number = re.compile(r"\d+(\.\d+)?(e-\d+)?")
    assert [number.sub("#", line) for line in lines] == [number.sub("#", encode(d)) for d in dicts]
    assert all(len(p) == 8 for p in re.findall(r": (\d\.\d+)", lines[0]))
    assert batch.rows() == [to_row(d, batch.labels) for d in dicts]
    assert batch[3] == dicts[3] and batch[-2:] == dicts[-2:] and batch[-1] == dicts[-1]
    counts, chars = batch.counts()
    assert counts.tolist() == [sum(d["label"] == label for d in dicts) for label in batch.labels]
    assert chars.tolist() == [sum(len(d["text"]) for d in dicts if d["label"] == label) for label in batch.labels]


def test_records_carry_their_part_and_the_summary_gives_shares_per_part(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(report() + "二、下半年工作计划\n持续改善人居环境，完成河道清淤18公里。新增城镇就业600人。\n", encoding="utf-8")
    summary = tmp_path / "summary.csv"
    tag_files([doc], output=str(tmp_path / "o.jsonl"), summary=str(summary))
    records = read_jsonl(tmp_path / "o.jsonl")
    parts = [r["part"] for r in records]
    assert set(parts) <= {"review", "plan", "other"} and "review" in parts and "plan" in parts
    row = next(csv.DictReader(open(summary, encoding="utf-8-sig")))
    for part in ("review", "plan"):
        mine = [r for r in records if r["part"] == part]
        assert int(row[f"{part}_sentences"]) == len(mine)
        for label in policytext.LABELS:
            assert float(row[f"{part}_share_{label}"]) == pytest.approx(sum(r["label"] == label for r in mine) / len(mine), abs=1e-4)


def test_summary_gives_corrected_shares_inside_their_intervals(archive, tmp_path):
    summary = tmp_path / "summary.csv"
    tag_files([archive / "a_utf8.txt", archive / "county"], summary=str(summary))
    for row in csv.DictReader(open(summary, encoding="utf-8-sig")):
        for prefix in ("share", "chars"):
            corrected = [float(row[f"{prefix}_corrected_{label}"]) for label in policytext.LABELS]
            assert sum(corrected) == pytest.approx(1.0, abs=2e-3)
            for label, value in zip(policytext.LABELS, corrected):
                low, high = float(row[f"{prefix}_low_{label}"]), float(row[f"{prefix}_high_{label}"])
                assert 0.0 <= low <= value <= high <= 1.0 and high - low < 0.6
    # Tagging each sentence alone, the calibration (fitted in context) does not apply: no corrected columns.
    alone = tmp_path / "alone.csv"
    tag_files([archive / "a_utf8.txt"], summary=str(alone), context=False)
    assert not any(name.startswith("share_corrected_") for name in next(csv.DictReader(open(alone, encoding="utf-8-sig"))))


def test_summary_rows_give_each_documents_estimate_of_its_probabilities(archive):
    # The job sums each document through one ShareEstimator made for it, from the batch's
    # probabilities (millionths, as float32): its rows are estimate_document_shares' of those.
    from policytext.shares import estimate_document_shares

    result = tag_files([archive / "a_utf8.txt", archive / "b_bom.md", archive / "county"])
    clf = policytext.load()
    labels = list(clf.labels)
    micro = np.rint(np.array([[r["probs"][label] for label in labels] for r in result.records]) * 1e6)
    proba = micro.astype(np.float32) / 1e6
    chars = np.array([len(r["text"]) for r in result.records], dtype=float)
    rows = {row["file"]: row for row in result.summary.rows.values()}
    assert len(rows) == 4
    for prefix, weights in (("share", None), ("chars", chars)):
        by_doc = estimate_document_shares(proba, labels=labels, doc_ids=[r["file"] for r in result.records], weights=weights, model=clf.shares)
        assert sorted(by_doc) == sorted(rows)
        for file, est in by_doc.items():
            for key in ("corrected", "low", "high"):
                assert [rows[file][f"{prefix}_{key}_{label}"] for label in labels] == [round(v, 4) for v in getattr(est, key).tolist()]


def test_panel_pools_documents_by_place_level_and_year(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, place, year in (("a.txt", "青禾镇", 2023), ("b.txt", "青禾镇", 2023), ("c.txt", "白石乡", 2024)):
        (folder / name).write_text(report(place, year), encoding="utf-8")
    # Two documents of no known place were pooled in one row of their own.
    for name in ("x.txt", "y.txt"):
        (folder / name).write_text(report("", 2023).replace("2023年上半年工作总结", "各位代表："), encoding="utf-8")
    panel, summary = tmp_path / "panel.csv", tmp_path / "summary.csv"
    with pytest.warns(UserWarning, match="panel.csv: 2 of 5 documents left out of the panel"):
        tag_files([folder], summary=str(summary), panel=str(panel))
    rows = list(csv.DictReader(open(panel, encoding="utf-8-sig")))
    assert [(r["place"], r["level"], r["year"], r["documents"]) for r in rows] == [
        ("白石乡", "township", "2024", "1"), ("青禾镇", "township", "2023", "2"),
    ]  # fmt: skip
    docs = {os.path.basename(r["file"]): r for r in csv.DictReader(open(summary, encoding="utf-8-sig"))}
    pooled = rows[1]
    assert int(pooled["sentences"]) == int(docs["a.txt"]["sentences"]) + int(docs["b.txt"]["sentences"])
    assert float(pooled["share_economy"]) == pytest.approx(float(docs["a.txt"]["share_economy"]), abs=1e-4)
    assert float(pooled["share_low_economy"]) <= float(pooled["share_corrected_economy"]) <= float(pooled["share_high_economy"])
    with pytest.raises(PolicytextError, match=r"^panel='.*summary.csv': the same file as 'summary'; give each output its own file$"):
        tag_files([folder], summary=str(summary), panel=str(summary))


def test_panel_keeps_apart_places_that_share_a_name(tmp_path):
    # Two of China's four 鼓楼区 were pooled in one cell, with one share and a narrower interval.
    folder = tmp_path / "reports"
    folder.mkdir()
    # A city's zone is read with its city ("苏州高新区"), apart from a zone whose title names none.
    for name, place in (("nj.txt", "南京市鼓楼区"), ("fz.txt", "福州市鼓楼区"), ("sz.txt", "苏州高新区"), ("zone.txt", "高新区")):
        (folder / name).write_text(report(place, 2025), encoding="utf-8")
    panel = tmp_path / "panel.csv"
    code, _, _ = run_cli("tag", str(folder), "-o", str(tmp_path / "r.jsonl"), "--panel", str(panel), "--no-progress")
    rows = list(csv.DictReader(open(panel, encoding="utf-8-sig")))
    assert code == 0
    assert [(r["place"], r["place_full"], r["level"], r["year"], r["documents"]) for r in rows] == [
        ("高新区", "苏州高新区", "county", "2025", "1"),
        ("高新区", "高新区", "county", "2025", "1"),
        ("鼓楼区", "南京市鼓楼区", "county", "2025", "1"),
        ("鼓楼区", "福州市鼓楼区", "county", "2025", "1"),
    ]


def test_plot_by_place_draws_places_that_share_a_name_apart(tmp_path):
    from policytext.plot import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine")
    docs = tmp_path / "docs"
    docs.mkdir()
    for year in (2024, 2025):
        for place in ("南京市鼓楼区", "福州市鼓楼区"):
            (docs / f"{year}-{place}.txt").write_text(report(place, year), encoding="utf-8")
    png = tmp_path / "by_place.png"
    tag_files([docs], summary=str(tmp_path / "s.csv"), plot=str(png), plot_by="place")
    # One panel per place, 3.2 inches each and 1.2 for the title, at 120 dpi: the PNG's height (IHDR) tells how many.
    height = int.from_bytes(png.read_bytes()[20:24], "big")
    assert height == round((3.2 * 2 + 1.2) * 120)


def test_a_plot_by_place_names_the_places_it_has_no_panel_for(tmp_path):
    from policytext.plot import find_cjk_font, panels

    if find_cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine")
    docs = tmp_path / "docs"
    docs.mkdir()
    places = ["北京市", "天津市", "河北省", "山西省", "辽宁省", "吉林省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省"]
    for k, place in enumerate(places):
        # 湖北省 and 河南省 have one report, the others two: they are the two left out.
        for year in (2024, 2025)[: 1 if k >= 12 else 2]:
            (docs / f"{year}-{k:02d}.txt").write_text(report(place, year), encoding="utf-8")
    png = tmp_path / "by_place.png"
    said = []
    result = tag_files([docs], plot=str(png), plot_by="place", on_warning=lambda path, warning: said.append((path, warning)))
    drawn, left_out = panels(result.summary, "place")
    assert (len(drawn), left_out) == (12, ["河南省", "湖北省"])
    message = (
        "2 of 14 places have no panel, as the figure draws the 12 with most documents: 河南省, 湖北省 "
        "(the summary and the panel hold every one)"
    )
    assert said == [(str(png), message)] and (str(png), message) in result.warnings
    # Twelve panels and a line naming the rest under them.
    assert int.from_bytes(png.read_bytes()[20:24], "big") == round((3.2 * 12 + 1.2 + 0.3) * 120)
    assert panels(result.summary, "level") == (["province"], [])


PANEL_LEFT_OUT = (
    "{panel}: {n} of {total} documents left out of the panel, as no place was read from their title, session line or "
    "file name: give their place, level and year with --meta FILE.csv (columns file,place,level,year)"
)


def test_a_panel_says_how_many_documents_it_leaves_out(tmp_path):
    # National reports saved without their title line: no place, level or year
    # is read, and the panel was written with its header only, without a word.
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, more in (("a.txt", ""), ("b.txt", "完成夏粮收购2.1万吨。\n")):
        (folder / name).write_text(report("", 2023).replace("2023年上半年工作总结", "各位代表：") + more, encoding="utf-8")
    panel = tmp_path / "panel.csv"
    with pytest.warns(UserWarning) as caught:
        result = tag_files([folder], panel=str(panel), on_warning=lambda *_: None)
    assert [str(w.message) for w in caught] == [PANEL_LEFT_OUT.format(panel=panel, n=2, total=2)]
    assert result.summary.left_out_of_panel() == sorted(result.tagged) and result.ok
    with open(panel, encoding="utf-8-sig", newline="") as f:
        header, *rows = csv.reader(f)
    assert header[:6] == ["place", "place_full", "level", "year", "documents", "sentences"] and rows == []
    # A document of a known place and no year is in the panel, its year empty: said too.
    (folder / "c.txt").write_text(report("青禾镇", 2023).replace("2023年", ""), encoding="utf-8")
    err = io.StringIO()
    code = main(["tag", str(folder), "--panel", str(panel), "-o", str(tmp_path / "o.jsonl"), "--no-progress"], err=err)
    assert (code, err.getvalue()) == (
        0,
        f"policytext: warning: {PANEL_LEFT_OUT.format(panel=panel, n=2, total=3)}\n"
        f"policytext: warning: {panel}: 1 of 3 documents are in the panel with no level or year read: "
        "give them with --meta FILE.csv (columns file,place,level,year)\n",
    )
    # Given with --meta, nothing is left out and nothing is said.
    meta = tmp_path / "meta.csv"
    meta.write_text("file,place,level,year\na.txt,中华人民共和国,national,2002\nb.txt,中华人民共和国,national,2003\nc.txt,青禾镇,township,2023\n", encoding="utf-8")
    err = io.StringIO()
    code = main(["tag", str(folder), "--panel", str(panel), "--meta", str(meta), "-o", str(tmp_path / "o2.jsonl"), "--no-progress"], err=err)
    assert (code, err.getvalue()) == (0, "")
    assert len(list(csv.DictReader(open(panel, encoding="utf-8-sig")))) == 3


def test_meta_rows_that_match_no_document_are_warned_of(tmp_path):
    # A mistyped file name kept the title's year without a word: the researcher thought it fixed.
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2026-上海市.txt").write_text(report("上海市", 2026), encoding="utf-8")
    meta = tmp_path / "meta.csv"
    typos = "".join(f"old-{i}.txt,上海市,province,2025\n" for i in range(6))
    meta.write_text(f"file,place,level,year\n2026-上海.txt,上海市,province,2025\n{typos}", encoding="utf-8")
    code, _, err = run_cli("tag", str(folder), "-o", str(tmp_path / "r.jsonl"), "--meta", str(meta), "--no-progress")
    assert code == 0
    assert (
        f"policytext: warning: {meta}: 7 rows match no document of the job, so their place, level and year are not applied: "
        "line 2 (2026-上海.txt), line 3 (old-0.txt), line 4 (old-1.txt), line 5 (old-2.txt), line 6 (old-3.txt) and 2 more. "
        "A row's file is a path from the folder the job runs in, or a bare file name\n"
    ) in err
    # A row that applies is not named, and one left unmatched is said as one.
    meta.write_text("file,place,level,year\n2026-上海市.txt,上海市,province,2025\nreports/nowhere.txt,,,2024\n", encoding="utf-8")
    said = []
    result = tag_files([folder], meta=str(meta), on_warning=lambda path, warning: said.append((path, warning)))
    assert [row["year"] for row in result.summary.rows.values()] == [2025]
    assert said[0] == (
        str(meta),
        "1 row matches no document of the job, so its place, level and year are not applied: line 3 (reports/nowhere.txt). "
        "A row's file is a path from the folder the job runs in, or a bare file name",
    )
    assert said[0] in result.warnings and not any("line 2" in warning for _, warning in said)


SKIPPED_FOUR = (
    "skipped 4 files of unsupported formats in folders (.doc: 1, .jpg: 1, no extension: 1, .text: 1); "
    "policytext reads .txt, .md, .html, .htm, .docx, .pdf"
)


def _folder_with_other_files(tmp_path):
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(report(), encoding="utf-8")
    (folder / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "sub" / "scan.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "sub" / "README").write_text("read me", encoding="utf-8")
    (folder / "b.text").write_text(report(), encoding="utf-8")
    return folder


def test_files_a_folder_holds_of_other_formats_are_counted_at_the_end(tmp_path):
    folder = _folder_with_other_files(tmp_path)
    named = tmp_path / "named.doc"
    named.write_bytes(b"\xd0\xcf\x11\xe0")
    out = folder / "labels.jsonl"  # the job's own output, in the folder it reads
    with pytest.warns(UserWarning) as caught:
        result = tag_files([folder, named], output=str(out))
    assert [str(w.message) for w in caught] == [SKIPPED_FOUR]
    assert result.unsupported == [str(folder / "b.text"), str(folder / "notes.doc"), str(folder / "sub" / "README"), str(folder / "sub" / "scan.jpg")]
    # Which files are read does not change: a file named is read, and refused, as before.
    assert result.tagged == [str(folder / "a.txt")]
    assert result.failed == [(str(named), "unsupported format '.doc' (policytext reads .txt, .md, .html, .htm, .docx, .pdf)")]
    # Run again, its output (now in the folder) is not counted among the files passed over.
    err = io.StringIO()
    code = main(["tag", str(folder), "-o", str(out), "--summary", str(folder / "s.csv"), "--no-progress"], err=err)
    assert (code, err.getvalue()) == (0, f"policytext: warning: {SKIPPED_FOUR}\n")
    code = main(["targets", str(folder), "-o", str(folder / "t.csv"), "--no-progress"], err=(err := io.StringIO()))
    # The records, summary and settings of the run before are no outputs of this one: files passed over.
    assert (code, err.getvalue()) == (
        0,
        "policytext: warning: skipped 7 files of unsupported formats in folders (.csv: 1, .doc: 1, .jpg: 1, .json: 1, .jsonl: 1, no extension: 1, .text: 1); "
        "policytext reads .txt, .md, .html, .htm, .docx, .pdf\n",
    )


def test_summary_gives_priority_and_diversity(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(
        report() + "二、下半年工作计划\n一是加快项目建设，新开工亿元以上项目8个。\n二是新建高标准农田2000亩，粮食面积稳定在5万亩。\n",
        encoding="utf-8",
    )
    summary = tmp_path / "summary.csv"
    tag_files([doc], output=str(tmp_path / "o.jsonl"), summary=str(summary))
    row = next(csv.DictReader(open(summary, encoding="utf-8-sig")))
    records = read_jsonl(tmp_path / "o.jsonl")
    shares = np.array([sum(r["label"] == label for r in records) / len(records) for label in policytext.LABELS])
    assert float(row["entropy"]) == pytest.approx(-(shares[shares > 0] * np.log2(shares[shares > 0])).sum(), abs=1e-3)
    assert sum(float(row[f"heading_share_{label}"]) for label in policytext.LABELS) == pytest.approx(1.0, abs=1e-3)
    # In the plan: "一是…" (economy) is task 1, "二是…" (agriculture) task 2; the
    # plan's heading ("二、下半年工作计划", other) divides the report and is no task.
    assert (row["plan_rank_economy"], row["plan_rank_agriculture"], row["plan_rank_safety"]) == ("1", "2", "")
    assert row["plan_rank_other"] == ""


# A plan that opens by framing itself: its situation, its overall approach ("一是…", "二是…"), then its tasks.
FRAMED_PLAN = (
    "2026年临川县政府工作报告\n各位代表：\n一、2025年工作回顾\n过去一年，全县地区生产总值增长5.1%，新建高标准农田2.3万亩。\n"
    "二、2026年工作安排\n（一）准确把握今年工作面临的形势。\n当前，外部环境复杂多变，我们既要看到困难挑战，也要坚定发展信心。\n"
    "（二）今年工作的总体考虑。\n一是坚持系统观念，注重前瞻性思考和全局性谋划。\n二是坚持守正创新，把握好时度效。\n"
    "（三）抓好粮食生产，推进乡村全面振兴。\n粮食播种面积稳定在45万亩以上，新建高标准农田2万亩。\n"
    "（四）壮大实体经济，加快建设现代化产业体系。\n规上工业增加值增长6%，新招引亿元以上项目30个。\n"
    "（五）守牢安全底线，建设更高水平平安临川。\n开展安全生产治本攻坚，排查整改重大隐患。\n各位代表，让我们团结一心，奋力前行！\n"
)


def tag_report(tmp_path, text):
    """Tag one composed report: its records and its summary row."""
    doc = tmp_path / "plan.txt"
    doc.write_text(text, encoding="utf-8")
    result = tag_files([doc])
    return result.records, result.summary.rows[str(doc)]


def plan_ranks(row, labels):
    return {label: row[f"plan_rank_{label}"] for label in labels}


def test_plan_rank_passes_over_what_frames_the_plan(tmp_path):
    # The framing headings and items (labelled other) took ranks 1 to 4, and agriculture, the first task, got 5.
    records, row = tag_report(tmp_path, FRAMED_PLAN)
    framing = [r["label"] for r in records if r["part"] == "plan" and r["text"].startswith(("（一）", "（二）", "一是", "二是"))]
    assert set(framing) == {"other"}
    assert plan_ranks(row, ("agriculture", "economy", "safety", "other")) == {"agriculture": 1, "economy": 2, "safety": 3, "other": None}


FIVE_YEAR_PLAN = (
    "2026年临川县政府工作报告\n各位代表：\n一、2025年工作回顾\n过去一年，全县地区生产总值增长5.1%，新建高标准农田2.3万亩。\n"
    "二、“十五五”时期主要目标任务\n（一）全力打造生态优美的绿色临川。\n五年内全县森林覆盖率提高到68%，主要河流断面水质稳定达到Ⅱ类。\n"
    "（二）持续提升群众生活品质。\n新建改扩建中小学12所，城乡居民收入与经济增长同步。\n"
    "三、2026年重点工作\n（一）抓好粮食生产，推进乡村全面振兴。\n粮食播种面积稳定在45万亩以上，新建高标准农田2万亩。\n"
    "（二）壮大实体经济，加快建设现代化产业体系。\n规上工业增加值增长6%，新招引亿元以上项目30个。\n"
    "（三）办好民生实事，兜牢基本民生底线。\n新增城镇就业4000人，改造老旧小区15个。\n各位代表，让我们团结一心，奋力前行！\n"
)


def test_plan_rank_ranks_the_years_tasks_not_the_five_year_plans(tmp_path):
    # A report opening a plan period sets out the plan's tasks before the year's: ranked with them,
    # agriculture, the year's first task, came third, and livelihood took the plan's rank 2.
    records, row = tag_report(tmp_path, FIVE_YEAR_PLAN)
    tasks = [r["label"] for r in records if r["part"] == "plan" and r["text"].startswith(("（一）", "（二）", "（三）"))]
    assert tasks == ["environment", "livelihood", "agriculture", "economy", "livelihood"]
    assert plan_ranks(row, ("agriculture", "economy", "livelihood", "environment")) == {"agriculture": 1, "economy": 2, "livelihood": 3, "environment": None}
    # A plan that holds nothing but the five-year plan's tasks ranks those.
    _, row = tag_report(tmp_path, FIVE_YEAR_PLAN.split("三、2026年重点工作")[0] + "各位代表，让我们团结一心，奋力前行！\n")
    assert plan_ranks(row, ("environment", "livelihood", "agriculture")) == {"environment": 1, "livelihood": 2, "agriculture": None}


def test_plan_rank_of_sections_that_name_the_plan_and_the_year(tmp_path):
    # Three ways the plan's tasks were ranked as the year's: a five-year heading giving the
    # plan's years was read as the year's; a section on both opens on items that set out the
    # plan's goals; "“九五”" was no plan. And a task of the year's section naming the plan
    # ("“十五五”规划") was left out.
    year_tasks = (
        "（一）抓好粮食生产，推进乡村全面振兴。\n粮食播种面积稳定在45万亩以上。\n"
        "（二）高质量推进“十五五”规划重大项目，壮大实体经济。\n新招引亿元以上项目30个。\n"
        "（三）办好民生实事，兜牢基本民生底线。\n新增城镇就业4000人。\n"
    )
    plan_tasks = "（一）全力打造生态优美的绿色临川。\n森林覆盖率提高到68%。\n（二）守牢安全发展底线。\n开展安全生产治本攻坚，排查整改重大隐患。\n"
    opening = "2026年临川县政府工作报告\n各位代表：\n一、2025年工作回顾\n过去一年，全县地区生产总值增长5.1%。\n"
    closing = "各位代表，让我们团结一心，奋力前行！\n"
    reports = {
        "years.txt": opening + "二、“十五五”时期（2026—2030年）主要目标任务\n" + plan_tasks + "三、2026年重点工作\n" + year_tasks + closing,
        "nine.txt": opening.replace("2026", "1996").replace("2025", "1995") + "二、“九五”时期的主要任务\n" + plan_tasks + "三、１９９６年重点工作\n" + year_tasks + closing,
        "both.txt": opening
        + "二、“十五五”时期目标任务和2026年工作安排\n“十五五”时期，全县经济社会发展的主要目标是：\n"
        + "一是围绕生态优先，森林覆盖率提高到68%。\n二是围绕安全发展，亿元生产总值事故死亡率下降20%。\n"
        + year_tasks
        + closing,
    }
    for name, text in reports.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = tag_files([tmp_path / name for name in reports])
    for name in reports:
        ranks = plan_ranks(result.summary.rows[str(tmp_path / name)], ("agriculture", "economy", "livelihood", "environment", "safety"))
        assert ranks == {"agriculture": 1, "economy": 2, "livelihood": 3, "environment": None, "safety": None}, name


def test_plan_rank_is_a_place_among_work_areas_and_items_do_not_push_it(tmp_path):
    # The rank was the position among every numbered line: three items under the first
    # task moved agriculture, the second area, to 5, so reports with and without items
    # could not be compared.
    items = "一是扩大有效投资，新开工亿元以上项目30个。\n二是培育工业新动能，规上工业增加值增长6%。\n三是促进消费回升，社会消费品零售总额增长5%。\n"
    plan = FRAMED_PLAN.replace("（四）壮大实体经济，加快建设现代化产业体系。\n", "")
    plan = plan.replace("（三）抓好粮食生产", "（三）壮大实体经济，加快建设现代化产业体系。\n" + items + "（四）抓好粮食生产")
    records, row = tag_report(tmp_path, plan)
    tasks = [r["label"] for r in records if r["part"] == "plan" and r["label"] != "other" and r["text"][:2] in ("（三", "一是", "二是", "三是", "（四", "（五")]
    assert tasks == ["economy"] * 4 + ["agriculture", "safety"]
    assert plan_ranks(row, ("economy", "agriculture", "safety", "livelihood")) == {"economy": 1, "agriculture": 2, "safety": 3, "livelihood": None}


def test_heading_share_leaves_out_a_glossary_after_the_closing(tmp_path):
    # A glossary's numbered terms (part other) were counted among the report's headings.
    glossary = "名词解释：\n1.“四上”企业：指规模以上工业、有资质的建筑业、限额以上批零住餐业和规模以上服务业法人单位。\n2.专精特新：指具有专业化、精细化、特色化、新颖化特征的中小企业。\n"
    shares = []
    for text in (FRAMED_PLAN, FRAMED_PLAN + glossary):
        records, row = tag_report(tmp_path, text)
        shares.append({label: row[f"heading_share_{label}"] for label in policytext.LABELS})
    assert [r["part"] for r in records if r["text"].startswith(("1.", "2."))] == ["other", "other"]
    assert shares[1] == shares[0]


def test_a_document_unlike_the_written_reports_gets_a_warning(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text("これは日本語のテスト文章です。\n" * 40, encoding="utf-8")
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    summary = tmp_path / "summary.csv"
    seen = []
    result = tag_files([tmp_path / "a.txt", odd], summary=str(summary), on_warning=lambda p, w: seen.append((p, w)))
    assert [p for p, _ in result.warnings] == [str(odd)] and seen == result.warnings
    assert "unknown_chars" in result.warnings[0][1]
    rows = {os.path.basename(r["file"]): r for r in csv.DictReader(open(summary, encoding="utf-8-sig"))}
    assert rows["a.txt"]["warning"] == "" and rows["odd.txt"]["warning"].startswith("unlike the reports the model knows")
    err = io.StringIO()
    assert main(["tag", str(odd), "--summary", str(tmp_path / "s2.csv"), "-o", str(tmp_path / "o.jsonl"), "--no-progress"], err=err) == 0
    assert err.getvalue().startswith(f"policytext: warning: {odd}: unlike the reports the model knows: ")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_second_copy_of_a_report_is_tagged_and_warned_of(tmp_path, jobs):
    # Byte-identical copies were pooled without a word: one report counted
    # twice in the panel, with an interval narrower than either copy's.
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "beijing.txt").write_text(report(), encoding="utf-8")
    (folder / "beijing (copy).txt").write_text(report(), encoding="utf-8")
    (folder / "other.txt").write_text(report() + "\n完成夏粮收购2.1万吨。\n", encoding="utf-8")
    seen = []
    result = tag_files([folder], summary=str(tmp_path / "s.csv"), jobs=jobs, on_warning=lambda p, w: seen.append((p, w)))
    assert len(result.tagged) == 3 and seen == result.warnings
    first, second = sorted(str(folder / name) for name in ("beijing.txt", "beijing (copy).txt"))
    assert result.warnings == [(second, f"the same text as {first}: both are counted in the summary, the panel and pooled shares")]
    err = io.StringIO()
    assert main(["tag", str(folder), "-o", str(tmp_path / "o.jsonl"), "--no-progress"], err=err) == 0
    assert err.getvalue() == f"policytext: warning: {second}: the same text as {first}: both are counted in the summary, the panel and pooled shares\n"


def test_the_command_line_shows_twenty_document_warnings_and_counts_the_rest(tmp_path):
    # A folder of 144 copies printed 144 warnings, burying the failures among them.
    folder = tmp_path / "r"
    folder.mkdir()
    for i in range(24):
        (folder / f"copy{i:02d}.txt").write_text(report(), encoding="utf-8")
    err = io.StringIO()
    assert main(["tag", str(folder), "-o", str(tmp_path / "o.jsonl"), "--no-progress"], err=err) == 0
    lines = err.getvalue().splitlines()
    first = folder / "copy00.txt"
    assert lines[:20] == [f"policytext: warning: {folder / f'copy{i:02d}.txt'}: the same text as {first}: both are counted in the summary, the panel and pooled shares" for i in range(1, 21)]
    assert lines[20:] == ["policytext: warning: 3 more document warnings not shown (23 in all)"]


def test_an_output_in_dev_shm_is_an_ordinary_file(tmp_path):
    # /dev/shm is a tmpfs: refusing everything under /dev refused it too.
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        pytest.skip("no writable /dev/shm")
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    summary = shm / f"policytext-test-{os.getpid()}.csv"
    try:
        tag_files([tmp_path / "a.txt"], summary=str(summary), progress=False)
        assert summary.read_text(encoding="utf-8-sig").startswith('"file",')
    finally:
        summary.unlink(missing_ok=True)


def test_lines_are_counted_as_the_splitter_breaks_them(tmp_path):
    # The limit counted only "\n": 300,000 lines ended by "\r" were read whole.
    (tmp_path / "cr.txt").write_bytes("一\r".encode("utf-8") * 201_000)
    failed = tag_document(str(tmp_path / "cr.txt"))  # read whole: tag_files would stream it
    assert failed.error == "201,000 lines, over the 200,000 of a document read whole (tag_files reads .txt and .md of more as a stream)"
    result = tag_files([tmp_path / "cr.txt"], output=str(tmp_path / "o.jsonl"), limits={"max_bytes": 100_000, "max_pdf_pages": 10}, progress=False)
    assert result.tagged == [str(tmp_path / "cr.txt")]  # streamed: past the size limit for whole documents


def test_a_text_of_very_many_short_lines_is_streamed_and_other_formats_refused(tmp_path):
    # 7 million one-character lines in a 14 MB file (under the size from which
    # text is streamed) took 10 GB read whole: a sentence costs a few hundred
    # bytes however short. Streamed, the whole-document size limit does not apply.
    lines = 201_000
    (tmp_path / "many.txt").write_text("一\n" * lines, encoding="utf-8")
    (tmp_path / "many.html").write_text("<p>一</p>\n" * lines, encoding="utf-8")
    result = tag_files([tmp_path], output=str(tmp_path / "o.jsonl"), limits={"max_bytes": 100_000, "max_pdf_pages": 10}, progress=False)
    assert result.tagged == [str(tmp_path / "many.txt")]
    with open(tmp_path / "o.jsonl", encoding="utf-8") as f:
        assert sum(1 for _ in f) == lines
    (path, reason), = result.failed
    assert path == str(tmp_path / "many.html") and reason.startswith("larger than")
    # Within the size limit, a document read whole is refused by its lines before it is split.
    failed = tag_document(str(tmp_path / "many.html"), limits={"max_bytes": 10_000_000, "max_pdf_pages": 10})
    assert failed.error == f"{lines - 1:,} lines, over the 200,000 of a document read whole (tag_files reads .txt and .md of more as a stream)"


def test_place_and_year_are_read_past_a_web_pages_menu(tmp_path):
    # The first lines were the menu: place and year were left empty unless the file name had them.
    head = "您的位置:\n首页\n>\n要闻\n政府工作报告\n——2026年1月26日在湖南省第十四届\n人民代表大会第五次会议上\n各位代表：\n"
    (tmp_path / "x.txt").write_text(head + report().split("\n", 1)[1], encoding="utf-8")
    result = tag_files([tmp_path / "x.txt"], progress=False)
    row = result.summary.rows[str(tmp_path / "x.txt")]
    assert (row["place"], row["level"], row["year"], row["place_from"]) == ("湖南省", "province", 2026, "session line")


def test_a_share_of_nothing_is_empty_not_zero(tmp_path):
    # A report with no plan part had every plan_share_* at 0.0, and one label gave an entropy of -0.0:
    # averaged over documents, those zeros pulled the shares down.
    (tmp_path / "a.txt").write_text("新建高标准农田3200亩。\n完成夏粮收购2.1万吨。\n", encoding="utf-8")
    result = tag_files([tmp_path / "a.txt"], summary=str(tmp_path / "s.csv"), progress=False)
    row = result.summary.rows[str(tmp_path / "a.txt")]
    assert row["sentences"] == 2 and row["share_agriculture"] == 1.0
    assert row["plan_sentences"] == 0 and all(row[f"plan_share_{label}"] is None for label in policytext.LABELS)
    assert all(row[f"heading_share_{label}"] is None for label in policytext.LABELS)  # no numbered heading
    assert str(row["entropy"]) == "0.0"
    written = next(csv.DictReader(open(tmp_path / "s.csv", encoding="utf-8-sig")))
    assert written["plan_share_economy"] == written["heading_share_other"] == "" and written["entropy"] == "0.0"


def test_resume_refuses_a_job_that_would_tag_otherwise(tmp_path):
    # Resumed with --no-context (or another model), the output held records of two kinds,
    # and the summary mixed them, with no word of it.
    for i in range(4):
        (tmp_path / f"r{i}.txt").write_text(report(year=2020 + i), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    with pytest.raises(KeyboardInterrupt):
        tag_files([tmp_path], output=str(out), mapper=_interrupted_after(2))
    before = out.read_bytes()
    with pytest.raises(PolicytextError) as info:
        tag_files([tmp_path], output=str(out), resume=True, context=False, progress=False)
    assert str(info.value).startswith(f"{out}: its documents so far were tagged in context by the model ")
    assert "and this job would tag without context by the model" in str(info.value)
    assert str(info.value).endswith("resume with the same model and options, or start again without resume=True")
    assert out.read_bytes() == before
    assert len(tag_files([tmp_path], output=str(out), resume=True, progress=False).tagged) == 2


def test_a_sentence_naming_the_congress_is_no_session_line(tmp_path):
    # "在区人民代表大会…的监督支持下" in the body took the place and the year from a correct file name.
    name = tmp_path / "北京市朝阳区2024年政府工作报告.txt"
    name.write_text("政府工作报告\n各位代表：\n2023年，在北京市委、市政府的坚强领导下，在区人民代表大会及其常委会的监督支持下，全区经济稳中有进。\n", encoding="utf-8")
    row = tag_files([name], progress=False).summary.rows[str(name)]
    assert (row["place"], row["level"], row["year"], row["place_from"]) == ("朝阳区", "county", 2024, "file name")


def test_resuming_a_finished_output_warns_that_its_settings_are_unknown(tmp_path):
    # A finished job's journal is gone: resumed with other options, nothing could tell.
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    tag_files([tmp_path / "a.txt"], output=str(out), progress=False)
    (tmp_path / "o.jsonl.settings.json").unlink()  # as an output of a version that kept no settings
    (tmp_path / "b.txt").write_text(report("白石乡"), encoding="utf-8")
    with pytest.warns(UserWarning, match="a finished output does not say how its documents were tagged; this job tags without context"):
        result = tag_files([tmp_path], output=str(out), resume=True, context=False, progress=False)
    assert result.tagged == [str(tmp_path / "b.txt")]


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_a_finished_table_output_is_read_back_on_resume(tmp_path, fmt):
    # Parquet and Excel are written from a spool that a finished job removes:
    # --resume on the finished table tagged every document again.
    pytest.importorskip("pyarrow" if fmt == "parquet" else "openpyxl")
    from policytext.tables import read_table

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.txt").write_text(report(), encoding="utf-8")
    (folder / "b.txt").write_text(report("白石乡", 2023), encoding="utf-8")
    out = tmp_path / f"o.{fmt}"
    tag_files([folder], output=str(out), progress=False)
    _, first = read_table(out)
    (folder / "c.txt").write_text(report("东湖镇", 2022), encoding="utf-8")
    again = tag_files([folder], output=str(out), resume=True, progress=False)  # its settings kept beside it: no warning
    assert again.tagged == [str(folder / "c.txt")] and len(again.skipped) == 2
    _, rows = read_table(out)
    assert rows[: len(first)] == first  # the earlier records, as they were
    assert {r["file"] for r in rows[len(first) :]} == {str(folder / "c.txt")}
    whole = tmp_path / f"whole.{fmt}"
    tag_files([folder], output=str(whole), progress=False)
    assert sorted(rows, key=lambda r: (r["file"], r["index"])) == read_table(whole)[1]
    assert sorted(os.listdir(tmp_path)) == sorted(["r", out.name, whole.name, f"{out.name}.settings.json", f"{whole.name}.settings.json"])  # no spool or journal left


def _by_document(rows):
    return sorted(rows, key=lambda r: (r["file"], r["index"]))


@pytest.mark.parametrize("cut", ["before the spool", "part-way", "rows out of order"])
def test_a_job_killed_while_it_restores_a_table_loses_nothing(tmp_path, cut):
    # The table went back to the spool in one write and was journalled only
    # after it: a kill part-way left a document cut short that the next resume
    # took as whole; a kill before the first write left an empty spool that the
    # next resume took as a finished output of no document, and the table was
    # replaced by the new documents alone.
    pytest.importorskip("pyarrow")
    from policytext.tables import read_table, write_table

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    for i in range(3):
        (old / f"d{i}.txt").write_text(report(year=2020 + i), encoding="utf-8")
    (new / "n.txt").write_text(report("东湖镇", 2023), encoding="utf-8")
    out = tmp_path / "o.parquet"
    tag_files([old], output=str(out), progress=False)
    columns, whole = read_table(out)
    if cut == "rows out of order":
        write_table(sorted(whole, key=lambda r: r["label"]), columns, out)  # a document's rows apart
    spool, journal = tmp_path / "o.parquet.spool.jsonl", tmp_path / "o.parquet.spool.jsonl.journal"
    if cut == "before the spool":
        spool.write_bytes(b"")
    else:
        writer = RecordWriter(str(out), "parquet", policytext.LABELS, resume=True)
        writer.close(complete=False)  # as a kill leaves it, just after the restore
        lines = journal.read_text(encoding="utf-8").splitlines()
        assert json.loads(lines[0]) == {"restore": "begin"} and json.loads(lines[-1]) == {"restore": "end"}
        ends = [json.loads(line)["end"] for line in lines[1:-1]]
        records = spool.read_bytes().splitlines(keepends=True)
        # Each document is whole in the spool where the journal says it ends.
        assert ends[-1] == spool.stat().st_size and len(ends) == 3
        at = 0
        for end in ends:
            names = {json.loads(r)["file"] for r in records if at <= spool.read_bytes().index(r) < end}
            assert len(names) == 1
            at = end
        # Killed after the first document: the journal names it, the spool holds part of the next.
        journal.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
        with open(spool, "r+b") as f:
            f.truncate((ends[0] + ends[1]) // 2)
    # Resumed with the new reports only: the table's documents stay, whole.
    again = tag_files([new], output=str(out), resume=True, progress=False)
    assert again.tagged == [str(new / "n.txt")]
    _, rows = read_table(out)
    assert _by_document(r for r in rows if r["file"] != str(new / "n.txt")) == _by_document(whole)
    assert {r["file"] for r in rows} == {r["file"] for r in whole} | {str(new / "n.txt")}


@pytest.mark.parametrize(
    "columns, rows, message",
    [
        (["name", "value"], [{"name": "甲", "value": 1}], "its columns are name, value, and this model writes file, index"),
        (["name", "value"], [], "its columns are name, value, and this model writes file, index"),
    ],
)
def test_resume_on_a_table_that_policytext_did_not_write_is_refused_untouched(tmp_path, columns, rows, message):
    pytest.importorskip("pyarrow")
    from policytext.tables import write_table

    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    out = tmp_path / "o.parquet"
    write_table(rows, columns, out, types={"name": "str", "value": "int"})
    before = out.read_bytes()
    with pytest.raises(PolicytextError, match=rf"^{re.escape(str(out))}: not an output of policytext tag with this model's labels: {message}"):
        tag_files([tmp_path / "a.txt"], output=str(out), resume=True, progress=False)
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "o.parquet"]


def test_resume_on_a_table_of_another_model_or_with_unreadable_rows_is_refused_untouched(tmp_path):
    pytest.importorskip("pyarrow")
    from policytext.tables import read_table, write_table

    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    out = tmp_path / "o.parquet"
    tag_files([tmp_path / "a.txt"], output=str(out), progress=False)
    columns, rows = read_table(out)
    cases = {
        # A model with one more label: its p_extra column would be dropped.
        "extra": ([*columns, "p_extra"], [{**r, "p_extra": 0.0} for r in rows], f"its records were tagged with the labels {', '.join(policytext.LABELS)}, extra, and this model's labels are {', '.join(policytext.LABELS)}; "),
        # A label that is not this model's: the summary crashed on it.
        "label": (columns, [{**rows[0], "label": "extra"}, *rows[1:]], "row 2 cannot be read back as a record"),
        # A number where a section path is text: an AttributeError.
        "section": (columns, [{**r, "section": 7} for r in rows], "row 2 cannot be read back as a record"),
    }
    for name, (cols, table, message) in cases.items():
        bad = tmp_path / f"{name}.parquet"
        write_table(table, cols, bad)
        before = bad.read_bytes()
        with pytest.raises(PolicytextError, match=re.escape(message)):
            tag_files([tmp_path / "a.txt"], output=str(bad), resume=True, progress=False)
        assert bad.read_bytes() == before
        assert not (tmp_path / f"{name}.parquet.spool.jsonl").exists()


def test_a_damaged_excel_table_is_refused_with_its_name(tmp_path):
    pytest.importorskip("openpyxl")
    import zipfile

    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    out = tmp_path / "o.xlsx"
    tag_files([tmp_path / "a.txt"], output=str(out), progress=False)
    damaged = tmp_path / "d.xlsx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename.startswith("xl/worksheets/") else data)
    with pytest.raises(PolicytextError, match=rf"^{re.escape(str(damaged))}: cannot be read as xlsx: "):
        tag_files([tmp_path / "a.txt"], output=str(damaged), resume=True, progress=False)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("journal_lines", [1, 2])
def test_a_resume_killed_while_it_rebuilds_a_finished_outputs_journal_loses_and_doubles_nothing(tmp_path, fmt, journal_lines):
    # The first resume of a finished output rebuilds its journal a document at
    # a time. Killed with the journal's first line only, the next resume cut the
    # output to nothing and tagged everything again; killed after one entry, it
    # took the entry's end as the output's and tagged the rest a second time.
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(report(), encoding="utf-8")
    out = tmp_path / f"o.{fmt}"
    tag_files([tmp_path / "a.txt", tmp_path / "b.txt"], output=str(out), progress=False)
    before = out.read_bytes()
    journal = tmp_path / f"o.{fmt}.journal"
    lines = ['{"restore": "begin"}', json.dumps({"end": len(before), "file": str(tmp_path / "a.txt"), "real": str(tmp_path / "a.txt")})]
    journal.write_text("\n".join(lines[:journal_lines]) + "\n", encoding="utf-8")
    again = tag_files([tmp_path / "a.txt", tmp_path / "b.txt"], output=str(out), resume=True, progress=False)
    assert again.tagged == [] and len(again.skipped) == 2
    assert out.read_bytes() == before and not journal.exists()


def test_a_new_job_on_a_finished_table_killed_before_its_first_document_does_not_bring_the_table_back(tmp_path):
    pytest.importorskip("pyarrow")
    from policytext.tables import read_table

    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    (tmp_path / "b.txt").write_text(report("白石乡", 2023), encoding="utf-8")
    out = tmp_path / "o.parquet"
    tag_files([tmp_path / "a.txt"], output=str(out), progress=False)
    # A job that replaces the table, killed before its first document.
    RecordWriter(str(out), "parquet", policytext.LABELS).close(complete=False)
    tag_files([tmp_path / "b.txt"], output=str(out), resume=True, progress=False)
    assert {r["file"] for r in read_table(out)[1]} == {str(tmp_path / "b.txt")}


def _yes_no_model(tmp_path):
    from conftest import write_jsonl

    corpus = write_jsonl(tmp_path / "yn.jsonl", [{"text": t, "label": l} for t, l in [
        ("新建高标准农田3000亩。", "yes"), ("完成夏粮收购2.1万吨。", "yes"), ("整改安全隐患126条。", "no"),
        ("各位代表：", "no"), ("新签约亿元以上项目5个。", "yes"), ("现在，我代表县人民政府作报告。", "no"),
    ]])  # fmt: skip
    model = tmp_path / "yn-model"
    code = main(["train", str(corpus), "-o", str(model), "--labels", "yes,no", "--min-df", "1", "--no-progress"], out=io.StringIO(), err=io.StringIO())
    assert code == 0
    return model


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resuming_a_finished_output_with_another_model_is_refused_before_anything_is_written(tmp_path, fmt):
    # The other model's records (labels yes/no) were appended to the finished output,
    # and then the summary died with a traceback (KeyError: 'other'): a mixed output.
    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / "a.txt").write_text(report(), encoding="utf-8")
    out, summary = tmp_path / f"rs.{fmt}", tmp_path / "rs-summary.csv"
    assert main(["tag", str(folder), "-o", str(out), "--summary", str(summary), "--no-progress"], out=io.StringIO(), err=io.StringIO()) == 0
    (folder / "b.txt").write_text(report("白石乡"), encoding="utf-8")
    model = _yes_no_model(tmp_path)
    sidecar = tmp_path / f"rs.{fmt}.settings.json"
    before = out.read_bytes(), summary.read_bytes()
    labels = ", ".join(policytext.LABELS)
    for old in (False, True):
        if old:
            sidecar.unlink()  # an output of a version that wrote none: its records' labels still tell
        err = io.StringIO()
        code = main(["tag", str(folder), "-o", str(out), "--summary", str(summary), "--resume", "--model", str(model), "--no-progress"], out=io.StringIO(), err=err)
        assert (code, err.getvalue()) == (1, f"policytext: error: {out}: its records were tagged with the labels {labels}, and this model's labels are yes, no; resume with the model that wrote it, or start again without --resume\n")
        assert (out.read_bytes(), summary.read_bytes()) == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("rs.")) == [out.name] + ([] if old else [sidecar.name])


def _finished_output(tmp_path):
    """A folder of one report tagged in context to ``rs.jsonl``, the job finished: (folder, output, settings file)."""
    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / "a.txt").write_text(report(), encoding="utf-8")
    out = tmp_path / "rs.jsonl"
    tag_files([folder], output=str(out), progress=False)
    return folder, out, tmp_path / "rs.jsonl.settings.json"


def test_resuming_a_finished_output_without_context_is_refused(tmp_path):
    # --no-context appended records tagged alone to an output tagged in context, with a warning only.
    folder, out, sidecar = _finished_output(tmp_path)
    written = json.loads(sidecar.read_text(encoding="utf-8"))
    assert written["output"] == "rs.jsonl" and written["settings"]["context"] is True and written["written_by"].startswith("policytext ")
    (folder / "b.txt").write_text(report("白石乡"), encoding="utf-8")
    before = out.read_bytes()
    with pytest.raises(PolicytextError) as info:
        tag_files([folder], output=str(out), resume=True, context=False, progress=False)
    assert str(info.value).startswith(f"{out}: its documents so far were tagged in context by the model ")
    assert str(info.value).endswith("resume with the same model and options, or start again without resume=True")
    assert out.read_bytes() == before and not (tmp_path / "rs.jsonl.journal").exists()
    # The same model and options: resumed without a warning, and the settings kept for the next.
    import warnings as w

    with w.catch_warnings():
        w.simplefilter("error")
        again = tag_files([folder], output=str(out), resume=True, progress=False)
    kept = json.loads(sidecar.read_text(encoding="utf-8"))
    assert again.tagged == [str(folder / "b.txt")] and {k: v for k, v in kept.items() if k != "state"} == {k: v for k, v in written.items() if k != "state"}
    import hashlib

    # The output's size and a checksum of its ends (here the whole of it), not its time: a copy changes that.
    assert kept["state"] == [out.stat().st_size, "sha256:" + hashlib.sha256(out.read_bytes()).hexdigest()]


def test_settings_kept_for_an_output_written_over_since_vouch_for_nothing(tmp_path):
    # The settings file was bound to its output by name only: an output
    # written over by other means (a shell's ">") inherited it, the right
    # --resume was refused and the wrong one mixed records without a word.
    folder, out, sidecar = _finished_output(tmp_path)
    assert sidecar.exists()
    sink = io.StringIO()
    tag_files([folder], context=False, sink=sink, progress=False)  # as "policytext tag rs --no-context > rs.jsonl"
    out.write_text(sink.getvalue(), encoding="utf-8")
    (folder / "b.txt").write_text(report("白石乡"), encoding="utf-8")
    with pytest.warns(UserWarning, match="a finished output does not say how its documents were tagged"):
        again = tag_files([folder], output=str(out), resume=True, progress=False)
    # It could not check the output, so it keeps no settings that would vouch for it next time.
    assert again.tagged == [str(folder / "b.txt")] and not sidecar.exists()
    with pytest.warns(UserWarning, match="a finished output does not say how its documents were tagged"):
        tag_files([folder], output=str(out), resume=True, context=False, progress=False)
    assert not sidecar.exists()


def test_a_file_of_the_users_where_the_settings_go_is_never_replaced(tmp_path):
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    mine = tmp_path / "o.jsonl.settings.json"
    mine.write_text("my notes", encoding="utf-8")
    message = f"{mine}: not a file policytext wrote, and a job keeps how it tagged {out} there; move it away or choose another output"
    for resume in (False, True):
        with pytest.raises(PolicytextError) as info:
            tag_files([tmp_path / "a.txt"], output=str(out), resume=resume, progress=False)
        assert str(info.value) == message
    assert mine.read_text(encoding="utf-8") == "my notes" and sorted(os.listdir(tmp_path)) == ["a.txt", "o.jsonl.settings.json"]
    with pytest.raises(PolicytextError, match="names ending .journal, .partial, .spool.jsonl, .settings.json are kept"):
        tag_files([tmp_path / "a.txt"], output=str(tmp_path / "x.settings.json"), progress=False)


def _two_documents_tagged(tmp_path, name_a, name_b):
    """Two reports tagged to o.jsonl: (a, b, output, its bytes, the bytes of a's records)."""
    a, b = tmp_path / name_a, tmp_path / name_b
    a.write_text(report(), encoding="utf-8")
    b.write_text(report("白石乡", 2023), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    tag_files([a, b], output=str(out), progress=False)
    whole = out.read_bytes()
    first = sum(len(line) for line in whole.splitlines(keepends=True) if json.loads(line)["file"] == str(a))
    return a, b, out, whole, first


def test_a_stopped_jobs_journal_with_its_last_line_cut_short_and_an_earlier_versions_mark_still_resume(tmp_path):
    # Each of a job's own files beside its output is now checked before it is used or removed:
    # what a stopped job leaves (a journal line cut short, a mark of a version before the journal) passes.
    a, b, out, whole, first = _two_documents_tagged(tmp_path, "a.txt", "b.txt")
    # Stopped while it wrote b's records and then the journal's line for b.
    journal = tmp_path / "o.jsonl.journal"
    out.write_bytes(whole[: first + 40])
    entry = json.dumps({"end": first, "file": str(a), "real": str(a)})
    journal.write_text(entry + "\n" + '{"end": ' + str(len(whole)), encoding="utf-8")
    again = tag_files([a, b], output=str(out), resume=True, progress=False)
    assert again.skipped == [str(a)] and again.tagged == [str(b)] and out.read_bytes() == whole and not journal.exists()
    # An output of a version before the journal, stopped part-way through b: its mark says where b began.
    (tmp_path / "o.jsonl.settings.json").unlink()
    out.write_bytes(whole[: first + 40])
    (tmp_path / "o.jsonl.partial").write_text(str(first), encoding="utf-8")
    with pytest.warns(UserWarning, match="a finished output does not say how its documents were tagged"):
        again = tag_files([a, b], output=str(out), resume=True, progress=False)
    assert again.skipped == [str(a)] and again.tagged == [str(b)] and out.read_bytes() == whole
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt", "o.jsonl"]


def test_a_stopped_jobs_files_cut_inside_a_character_are_still_its_own(tmp_path):
    # A review (rv15): a journal or spool whose last line the power cut inside a Chinese
    # character was refused as "not a file policytext wrote", with --resume and without.
    a, b, out, whole, first = _two_documents_tagged(tmp_path, "甲镇.txt", "白石乡.txt")
    # Stopped while it wrote the journal's line for b, one byte into the name's first character.
    journal = tmp_path / "o.jsonl.journal"
    done = json.dumps({"end": first, "file": str(a), "real": str(a)}, ensure_ascii=False).encode("utf-8")
    cut = json.dumps({"end": len(whole), "file": str(b)}, ensure_ascii=False).encode("utf-8")
    journal.write_bytes(done + b"\n" + cut[: cut.index("白".encode("utf-8")) + 1])
    again = tag_files([a, b], output=str(out), resume=True, progress=False)
    assert again.skipped == [str(a)] and again.tagged == [str(b)] and out.read_bytes() == whole
    # A table's spool cut inside its first line's first document name, no document whole: a new job starts over.
    pytest.importorskip("pyarrow")
    spool = tmp_path / "t.parquet.spool.jsonl"
    spool.write_bytes(whole[: whole.index("甲".encode("utf-8")) + 2])
    assert tag_files([a, b], output=str(tmp_path / "t.parquet"), progress=False).tagged == [str(a), str(b)]
    assert tag_files([a, b], output=str(tmp_path / "t.parquet"), resume=True, progress=False).skipped == [str(a), str(b)]


def test_standard_input_is_a_document_named_dash_read_in_this_process_whatever_the_jobs(tmp_path):
    other = tmp_path / "b.txt"
    other.write_text("排查整改安全隐患210条。", encoding="utf-8")
    piped = io.BytesIO("新建高标准农田3000亩。".encode("gb18030"))
    result = tag_files(["-", other, "-"], stdin=piped, jobs=2)  # named twice, read once
    assert sorted(result.tagged) == ["-", str(other)] and result.ok
    assert [(r["file"], r["text"]) for r in result.records if r["file"] == "-"] == [("-", "新建高标准农田3000亩。")]
    with pytest.raises(policytext.ParameterError, match="'stdin' must be None or a binary file open for reading"):
        tag_files(["-"], stdin=io.StringIO("新建高标准农田3000亩。"))


def test_to_pandas_after_an_output_file_says_where_the_records_went(tmp_path, tiny_model):
    # It returned an empty frame, silently, while the file held every record.
    import io

    report = tmp_path / "r.txt"
    report.write_text("新建高标准农田3000亩。", encoding="utf-8")
    kept = tag_files([str(report)], model=tiny_model)
    assert len(kept.to_pandas()) == 1 and kept.records_to is None
    for name, reader in (("labels.jsonl", "read_json({!r}, lines=True)"), ("labels.csv", "read_csv({!r})")):
        out = str(tmp_path / name)
        result = tag_files([str(report)], output=out, model=tiny_model)
        with pytest.raises(PolicytextError) as info:
            result.to_pandas()
        assert str(info.value) == f"JobResult.to_pandas(): the records were written to {out}, not kept; read them with pandas.{reader.format(out)}"
    streamed = tag_files([str(report)], sink=io.StringIO(), model=tiny_model)
    with pytest.raises(PolicytextError, match=r"^JobResult.to_pandas\(\): the records were written to the sink given, not kept$"):
        streamed.to_pandas()
    assert "part" in type(result).to_pandas.__doc__


def _resume_documents(tmp_path, copies=(1, 2, 3, 4)):
    folder = tmp_path / "docs"
    folder.mkdir()
    docs = []
    for k, (place, year) in enumerate([("青禾镇", 2023), ("白石乡", 2024), ("临江县", 2024), ("东湖区", 2025)]):
        path = folder / f"r{k}.txt"
        path.write_text(report(place, year) * copies[k], encoding="utf-8")
        docs.append(str(path))
    odd = folder / "odd.txt"  # out of domain: its row has a warning
    odd.write_text("".join(f"これは日本語のテスト文章{'です' * (k % 3 + 1)}。新建农田{k}亩。\n" for k in range(30)), encoding="utf-8")
    return [*docs, str(odd)]


@pytest.mark.filterwarnings("ignore:.*left out of the panel")
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("stopped", [False, True], ids=["finished", "stopped"])
@pytest.mark.parametrize("copies", [(1, 2, 3, 4), (1, 920, 3, 4)], ids=["whole", "in-runs"])
def test_a_resumed_summary_and_panel_are_a_fresh_runs_to_the_byte(tmp_path, fmt, stopped, copies):
    # The records a resumed job finds in its output are counted as the output is read back to
    # find them (read once), a run of a document's records at a time (10,000): the tables must
    # not change, for documents of one run and for one of 10,120 records, counted in two.
    docs = _resume_documents(tmp_path, copies)
    options = dict(evidence=2, evidence_by="random", progress=False)
    fresh = {name: tmp_path / f"fresh_{name}.csv" for name in ("summary", "panel")}
    tag_files(docs, output=str(tmp_path / f"fresh.{fmt}"), **{k: str(v) for k, v in fresh.items()}, **options)
    out = tmp_path / f"out.{fmt}"
    if stopped:  # a journal names the documents done

        def interrupted(paths):
            for i, path in enumerate(paths):
                if i == 3:
                    raise KeyboardInterrupt
                yield tag_document(path)

        with pytest.raises(KeyboardInterrupt):
            tag_files(docs, output=str(out), mapper=interrupted, progress=False)
        assert os.path.exists(f"{out}.journal")
    else:
        tag_files(docs[:3], output=str(out), progress=False)
    for _ in range(2):  # the rest tagged, then nothing new
        tables = {name: tmp_path / f"resumed_{name}.csv" for name in ("summary", "panel")}
        result = tag_files(docs, output=str(out), resume=True, **{k: str(v) for k, v in tables.items()}, **options)
        assert len(result.skipped) >= 3
        for name in tables:
            assert tables[name].read_bytes() == fresh[name].read_bytes(), name
    rows = {os.path.basename(path): row for path, row in result.summary.rows.items()}
    assert sorted(rows) == sorted(map(os.path.basename, docs))
    assert rows["odd.txt"]["warning"].startswith("unlike the reports the model knows") and rows["r0.txt"]["warning"] == ""


def test_a_job_that_keeps_no_summary_rows_still_warns(tmp_path):
    # A row per document (some 8 KB) was kept for every document of a job that writes records
    # only; policytext tag -o without --summary now asks for none (summary_rows=False).
    (tmp_path / "a.txt").write_text(report(), encoding="utf-8")
    (tmp_path / "copy.txt").write_text(report(), encoding="utf-8")
    odd = tmp_path / "odd.txt"
    odd.write_text("これは日本語のテスト文章です。\n" * 40, encoding="utf-8")
    docs = [str(tmp_path / "a.txt"), str(tmp_path / "copy.txt"), str(odd)]
    seen = []
    result = tag_files(docs, output=str(tmp_path / "o.jsonl"), summary_rows=False, on_warning=lambda path, warning: seen.append(path), progress=False)
    # The copy and the document unlike the written reports are warned of, with no summary asked for.
    assert result.summary.rows == {} and seen == [str(tmp_path / "copy.txt"), str(odd)]
    assert [path for path, _ in result.warnings] == seen and "unknown_chars" in result.warnings[1][1]
    # With a summary (or panel, or plot) the rows are kept.
    seen = []
    result = tag_files(docs, output=str(tmp_path / "o2.jsonl"), summary=str(tmp_path / "s.csv"), summary_rows=False, on_warning=lambda path, warning: seen.append(path), progress=False)
    assert sorted(result.summary.rows) == sorted(docs) and str(odd) in seen
    # By default JobResult.summary holds every document's row, with an output and without.
    for output in (str(tmp_path / "o3.jsonl"), None):
        assert sorted(tag_files(docs, output=output, progress=False).summary.rows) == sorted(docs)
    # The command line, which reads no rows, warns all the same.
    err = io.StringIO()
    assert main(["tag", *docs, "-o", str(tmp_path / "o4.jsonl"), "--no-progress"], err=err) == 0
    assert f"policytext: warning: {tmp_path / 'copy.txt'}: the same text as {tmp_path / 'a.txt'}" in err.getvalue()
    assert f"policytext: warning: {odd}: unlike the reports the model knows: " in err.getvalue()
    with pytest.raises(policytext.ParameterError, match=r"tag_files\(\): 'summary_rows' must be True or False, got 'no'"):
        tag_files(docs, summary_rows="no")


def test_a_short_document_is_not_judged_on_its_chance_figures(tmp_path):
    # Three sentences, none `other`: its other share of 0 is chance, not a sign of an
    # unusual document (every records-only job is checked, so this was warned of at every
    # short notice). Unknown characters are judged from 200 characters on.
    from policytext.domain import MIN_SENTENCES

    note = tmp_path / "note.txt"
    note.write_text("新建高标准农田3000亩。完成规上工业产值38.6亿元。新增城镇就业1200人。\n", encoding="utf-8")
    japanese = tmp_path / "ja.txt"
    japanese.write_text("これは日本語のテスト文章です。\n" * 20, encoding="utf-8")  # 20 sentences, 300 characters
    seen = []
    result = tag_files([str(note), str(japanese)], output=str(tmp_path / "o.jsonl"), on_warning=lambda path, warning: seen.append((path, warning)), progress=False)
    assert [path for path, _ in seen] == [str(japanese)]
    assert seen[0][1].startswith("unlike the reports the model knows: unknown_chars ") and "other_share" not in seen[0][1]
    rows = result.summary.rows
    assert rows[str(note)]["warning"] == "" and rows[str(note)]["sentences"] == 3 < MIN_SENTENCES


def test_a_summary_that_keeps_no_rows_still_returns_each_with_its_warning():
    from policytext.domain import domain_check
    from policytext.errors import ParameterError
    from policytext.summary import Summary

    clf = policytext.load()
    summary = Summary(clf.labels, domain=domain_check(clf), keep_rows=False)
    batch = tag_document_records("これは日本語のテスト文章です。\n" * 40)
    row = summary.add("odd.txt", batch)
    assert summary.rows == {} and row["warning"].startswith("unlike the reports the model knows")
    with pytest.raises(ParameterError, match="keep_rows"):
        Summary(clf.labels, keep_for_panel=True, keep_rows=False)


def tag_document_records(text):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "odd.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return tag_document(path).records
