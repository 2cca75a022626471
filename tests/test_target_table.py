"""targets_files: the targets of many reports as one table, and the command that writes it."""

import csv
import io
import json
import os

import pytest

import policytext
from policytext import ParameterError, PolicytextError, targets_files
from conftest import run_cli as run

PLAN = "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业1.2万人以上。"


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "2026年青禾县政府工作报告.txt").write_text(PLAN, encoding="utf-8")
    (folder / "2026年白水镇政府工作报告.txt").write_text("今年主要预期目标：地区生产总值增长6%。", encoding="utf-8")
    return folder


def test_the_rows_come_back_as_data_and_nothing_is_written(reports):
    table = targets_files(reports)
    assert table.documents == 2 and table.failed == []
    found = {(r["place"], r["indicator"]): r["value"] for r in table.rows}
    assert found[("青禾县", "gdp_growth")] == 5.0 and found[("白水镇", "gdp_growth")] == 6.0
    assert found[("青禾县", "new_urban_jobs")] == 1.2
    assert all(list(r) == list(table.columns) for r in table.rows)
    assert sorted(p.name for p in reports.iterdir()) == ["2026年白水镇政府工作报告.txt", "2026年青禾县政府工作报告.txt"]


def test_wide_gives_one_row_per_document(reports):
    table = targets_files(reports, wide=True)
    assert len(table.rows) == 2
    assert {r["place"]: r["gdp_growth"] for r in table.rows} == {"青禾县": 5.0, "白水镇": 6.0}


def test_a_document_that_cannot_be_read_is_reported_and_the_others_are_read(reports):
    bad = reports / "2026年坏县政府工作报告.docx"
    bad.write_bytes(b"not a zip")
    seen = []
    table = targets_files(reports, on_error=lambda path, reason: seen.append(path))
    assert seen == [str(bad)] and [path for path, _ in table.failed] == [str(bad)]
    assert table.documents == 2 and {r["place"] for r in table.rows} == {"青禾县", "白水镇"}


def test_the_table_is_written_and_read_again_over_its_own_output(reports):
    out = reports / "targets.csv"  # inside the folder being read
    first = targets_files(reports, output=out)
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith('"file","place","place_full","level","year","indicator"')
    again = targets_files(reports, output=out)  # its own table: replaced, and no document of the folder
    assert again.documents == first.documents == 2
    assert out.read_text(encoding="utf-8-sig") == text


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_names_are_written_as_the_records_show_them(reports, tmp_path, fmt):
    # A name with a byte that is not UTF-8 ended the whole job ("surrogates not allowed"),
    # after every document had been read.
    byte, escape = reports / os.fsdecode(b"2026\xff.txt"), reports / "2026\\xff.txt"
    byte.write_text(PLAN, encoding="utf-8")
    escape.write_text(PLAN, encoding="utf-8")
    out = tmp_path / f"targets.{fmt}"
    code, _, err = run("targets", str(reports), "-o", str(out), "--no-progress")
    assert (code, err) == (0, "")
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""))) if fmt == "csv" else [json.loads(line) for line in text.splitlines()]
    files = {row["file"] for row in rows}
    assert {str(reports / "2026\\xff.txt"), str(reports / "2026\\\\xff.txt")} <= files and len(files) == 4


def test_a_file_policytext_did_not_write_is_refused_unless_force(reports, tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("my,own\n1,2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="not a targets table policytext wrote; choose another file, or add force=True to replace it"):
        targets_files(reports, output=notes)
    assert notes.read_text(encoding="utf-8") == "my,own\n1,2\n"
    targets_files(reports, output=notes, force=True)
    assert notes.read_text(encoding="utf-8-sig").startswith('"file","place"')


def test_options_are_checked_in_the_one_wording(reports):
    with pytest.raises(ParameterError, match=r"targets_files\(\): 'wide' must be True or False, got 'yes'"):
        targets_files(reports, wide="yes")
    with pytest.raises(ParameterError, match="'format' is the output's, and there is none"):
        targets_files(reports, format="csv")
    with pytest.raises(PolicytextError, match="no documents found"):
        targets_files(reports / "nothing-here-*.txt")


def test_to_pandas_has_the_table_columns(reports):
    pytest.importorskip("pandas")
    frame = targets_files(reports).to_pandas()
    assert list(frame.columns) == list(policytext.targets_files(reports).columns)
    assert len(frame) == 3 and frame.loc[frame["indicator"] == "gdp_growth", "value"].tolist() == [6.0, 5.0]


def test_the_command_refuses_a_file_of_the_users_with_exit_2_and_takes_force(reports, tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text('{"mine": 1}\n', encoding="utf-8")
    code, out, err = run("targets", str(reports), "-o", str(notes), "--no-progress")
    assert (code, out) == (2, "")
    assert err == (
        f"policytext: error: --output {notes}: the file exists and is not a targets table policytext wrote; "
        "choose another file, or add --force to replace it\n"
    )
    code, _, err = run("targets", str(reports), "-o", str(notes), "--no-progress", "--force")
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in notes.read_text(encoding="utf-8").splitlines()]
    assert {r["place"] for r in rows} == {"青禾县", "白水镇"}


def test_paths_may_come_from_a_generator(reports):
    # Path.glob gives a generator: the check would have used it up, and it was refused as no list.
    table = targets_files(reports.glob("*.txt"))
    assert table.documents == 2
    result = policytext.tag_files(path for path in reports.glob("*县*.txt"))
    assert {r["file"] for r in result.records} == {str(reports / "2026年青禾县政府工作报告.txt")}


# An interrupted job keeps the targets of the documents it read.

WITH_A_FAILURE = {"2026年甲县政府工作报告.txt": PLAN, "2026年乙县政府工作报告.txt": "", "2026年丙县政府工作报告.txt": PLAN}


@pytest.fixture
def three(tmp_path):
    folder = tmp_path / "three"
    folder.mkdir()
    for name, text in WITH_A_FAILURE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder  # read in order 丙, 乙 (empty: it fails), 甲


def test_an_interrupted_job_keeps_the_documents_it_read_beside_the_output_and_leaves_the_output_as_it_was(three, tmp_path):
    out, partial = tmp_path / "targets.csv", tmp_path / "targets.partial.csv"
    targets_files(three, output=out, on_error=lambda path, reason: None)
    complete = out.read_bytes()

    def interrupt(path, reason):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning) as caught:
        targets_files(three, output=out, on_error=interrupt)
    assert [str(w.message) for w in caught] == [f"{out}: the job stopped early, so it was not written; the targets of 1 of 3 documents are in {partial}"]
    assert out.read_bytes() == complete  # an earlier complete table is not replaced by a part of one
    assert {row["place"] for row in policytext.tables.read_table(partial)[1]} == {"丙县"}
    # Again: the job's own partial table is replaced; a file of the user's there is not.
    with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning):
        targets_files(three, output=out, on_error=interrupt)
    partial.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), pytest.warns(UserWarning) as caught:
        targets_files(three, output=out, on_error=interrupt)
    assert [str(w.message) for w in caught] == [
        f"{out}: the job stopped early, so it was not written; {partial} exists and is not a targets table policytext wrote, "
        "so the targets of the 1 document read were not kept"
    ]
    assert partial.read_text(encoding="utf-8") == "my notes\n"


def test_a_job_failing_part_way_writes_the_documents_it_read(three, tmp_path):
    out, partial = tmp_path / "targets.csv", tmp_path / "targets.partial.csv"

    def fail(path, reason):
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"), pytest.warns(UserWarning) as caught:
        targets_files(three, output=out, on_error=fail)
    assert [str(w.message) for w in caught] == [f"{out}: the job stopped early, so it was not written; the targets of 1 of 3 documents are in {partial}"]
    assert {row["place"] for row in policytext.tables.read_table(partial)[1]} == {"丙县"} and not out.exists()


def test_meta_rows_that_match_no_document_are_warned_of(three, tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("file,place,level,year\n2026年丙县政府工作报告.txt,丙县,county,2025\n2026年丁县政府工作报告.txt,丁县,county,2025\n", encoding="utf-8")
    with pytest.warns(UserWarning) as caught:
        targets_files(three, meta=meta, on_error=lambda path, reason: None)
    assert [str(w.message) for w in caught] == [
        f"{meta}: 1 row matches no document of the job, so its place, level and year are not applied: "
        "line 3 (2026年丁县政府工作报告.txt). A row's file is a path from the folder the job runs in, or a bare file name"
    ]


DECEMBER = (
    "政府工作报告\n——2025年12月20日在某县第十八届人民代表大会第六次会议上\n\n各位代表：\n\n一、2025年工作回顾\n\n"
    "今年以来，全县地区生产总值增长6%。\n\n二、2026年工作安排\n\n明年主要预期目标是：地区生产总值增长5.5%左右。\n"
)


@pytest.mark.parametrize("given, year", [(None, 2026), ("2025", 2025), ("2024", 2024)])
def test_a_year_given_in_meta_is_kept_even_the_one_read(tmp_path, given, year):
    # Read for 2025 and given in December, the report's targets are 2026's; "2025" given in --meta
    # was still moved to 2026, while "2024" was kept: the README says --meta overrides the year.
    (tmp_path / "dec.txt").write_text(DECEMBER, encoding="utf-8")
    meta = None
    if given:
        meta = tmp_path / "meta.csv"
        meta.write_text(f"file,year\ndec.txt,{given}\n", encoding="utf-8")
    table = targets_files([tmp_path / "dec.txt"], meta=meta)
    assert [(r["indicator"], r["value"], r["year"]) for r in table.rows] == [("gdp_growth", 5.5, year)]


class _CtrlCAtFirstFailure(io.StringIO):
    """Standard error on which Ctrl-C arrives as the first failed document is reported (the CLI flushes each such line)."""

    pressed = False

    def flush(self):
        if "empty file" in self.getvalue() and not self.pressed:
            self.pressed = True
            raise KeyboardInterrupt


def test_an_interrupted_command_keeps_a_partial_table_and_exits_130(three, tmp_path):
    from policytext.cli import main

    out, err = tmp_path / "targets.csv", _CtrlCAtFirstFailure()
    code = main(["targets", str(three), "-o", str(out), "--no-progress"], out=io.StringIO(), err=err)
    assert code == 130
    assert err.getvalue() == (
        f"policytext: {three / '2026年乙县政府工作报告.txt'}: empty file\n"
        f"policytext: warning: {out}: the job stopped early, so it was not written; the targets of 1 of 3 documents are in {tmp_path / 'targets.partial.csv'}\n"
        "policytext: interrupted\n"
    )
    assert {row["place"] for row in policytext.tables.read_table(tmp_path / "targets.partial.csv")[1]} == {"丙县"} and not out.exists()


def test_targets_writes_its_table_to_standard_output_with_o_dash():
    stdin = ("2026年青禾县政府工作报告\n" + PLAN).encode("utf-8")
    code, stdout, err = run("targets", "-", "-o", "-", "--no-progress", stdin=stdin)
    assert (code, err) == (0, "")
    assert stdout.startswith('\ufeff"file","place","place_full","level","year","indicator"')  # as a .csv file holds it
    rows = list(csv.DictReader(io.StringIO(stdout.removeprefix("\ufeff"))))
    assert {(r["file"], r["place"], r["indicator"]) for r in rows} == {("-", "青禾县", "gdp_growth"), ("-", "青禾县", "new_urban_jobs")}
    code, stdout, err = run("targets", "-", "-o", "-", "--format", "jsonl", "--wide", "--no-progress", stdin=stdin)
    assert (code, err) == (0, "")
    assert [(r["place"], r["gdp_growth"]) for r in map(json.loads, stdout.splitlines())] == [("青禾县", 5.0)]
    code, stdout, err = run("targets", "-", "-o", "-", "--format", "parquet", "--no-progress", stdin=stdin)
    assert (code, stdout, err) == (2, "", "policytext: error: -o -: parquet cannot be written to standard output; use --format jsonl or csv, or -o FILE.parquet\n")


def test_targets_reads_one_document_from_standard_input(tmp_path):
    out = tmp_path / "targets.csv"
    code, stdout, err = run("targets", "-", "-o", str(out), "--no-progress", stdin=("2026年青禾县政府工作报告\n" + PLAN).encode("gb18030"))
    assert (code, stdout, err) == (0, "", "")
    rows = policytext.tables.read_table(out)[1]
    assert {(r["file"], r["place"], r["indicator"]) for r in rows} == {("-", "青禾县", "gdp_growth"), ("-", "青禾县", "new_urban_jobs")}


@pytest.mark.parametrize("wide", [False, True])
def test_a_targets_table_is_not_taken_for_a_summary_and_kept(reports, tmp_path, wide):
    # Both begin file, place, place_full, level: a summary over a targets table replaced it, exit 0.
    table = tmp_path / "targets.csv"
    targets_files(reports, output=table, wide=wide, progress=False)
    before = table.read_bytes()
    code, _, err = run("tag", str(reports), "-o", str(tmp_path / "labels.jsonl"), "--summary", str(table), "--no-progress")
    assert (code, err) == (
        2,
        f"policytext: error: --summary {table}: the file exists and is not a summary policytext wrote; "
        "choose another file, or add --force to replace it\n",
    )
    assert table.read_bytes() == before and not (tmp_path / "labels.jsonl").exists()
