"""Resuming a job: records read back are checked, how the output was tagged is known after a copy,
errors of the disk name the option, the documents of output and job are compared.

Each test goes through the command (``main()`` or a subprocess) or :func:`policytext.tag_files`, as a user would.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from conftest import run_cli as run

from policytext.archive import tag_files

REPORT = (
    "2024年江城县政府工作报告\n一、上半年工作回顾\n"
    "新建高标准农田3000亩。排查整改安全隐患210条。完成规上工业产值38.6亿元，同比增长9.2%。"
    "新增城镇就业800人。化解信访积案7件。河道水质稳定达到三类。\n"
)
OTHER = "2024年白石乡工作总结\n全年新建村道12公里，改造危房30户。开展森林防火巡查200次。\n"


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.txt").write_text(OTHER, encoding="utf-8")
    return folder


def _edit_last(path, edit):
    """A hand edit of the output's last record: ``edit(record)``, written back with ``json.dumps``."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = len(lines) - 1
    record = json.loads(lines[n])
    edit(record)
    lines[n] = json.dumps(record, ensure_ascii=False) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return n + 1


# 1. A record read back that no job writes is refused by its line, before anything is written.


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda r: r.update(label="Other"), 'its label "Other"'),
        (lambda r: r.update(part="plan2"), 'its part "plan2"'),
        (lambda r: r.update(score="high"), 'its score "high" is not a number from 0 to 1'),
        (lambda r: r["probs"].update(other=None), "its probability of other null is not a number from 0 to 1"),
    ],
)
@pytest.mark.parametrize("summary", [True, False])
def test_a_hand_edited_record_is_refused_by_its_line_on_resume(tmp_path, docs, edit, reason, summary):
    out = tmp_path / "labels.jsonl"
    assert run("tag", str(docs / "a.txt"), "-o", str(out), "--no-progress")[0] == 0
    n = _edit_last(out, edit)
    before = out.read_bytes()
    extra = ("--summary", str(tmp_path / "s.csv")) if summary else ()
    code, stdout, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress", *extra)
    assert (code, stdout) == (1, "")
    assert err.startswith(f"policytext: error: {out}: line {n} cannot be read back as a record ({reason}"), err
    # Nothing lost, nothing left: the output as it was, no journal, no summary.
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "labels.jsonl", "labels.jsonl.settings.json"]


def test_a_hand_edited_csv_row_is_refused_by_its_row_on_resume(tmp_path, docs):
    out = tmp_path / "labels.csv"
    assert run("tag", str(docs / "a.txt"), "-o", str(out), "--no-progress")[0] == 0
    text = out.read_text(encoding="utf-8-sig")
    out.write_text("\ufeff" + text.replace(",review,", ",review2,", 1), encoding="utf-8")
    n = next(i for i, line in enumerate(text.splitlines(), 1) if ",review," in line)
    code, _, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress", "--summary", str(tmp_path / "s.csv"))
    assert code == 1
    assert err.startswith(f"policytext: error: {out}: row {n} cannot be read back as a record (its part \"review2\" is none of review, plan, other)"), err


# 2. How an output was tagged is known after it is copied or touched (its time changed, not its records).


def test_a_touched_output_is_still_refused_when_the_job_would_tag_otherwise(tmp_path, docs):
    out, sidecar = tmp_path / "labels.jsonl", tmp_path / "labels.jsonl.settings.json"
    assert run("tag", str(docs / "a.txt"), "-o", str(out), "--no-progress", "--no-context")[0] == 0
    kept, before = sidecar.read_bytes(), out.read_bytes()
    os.utime(out, ns=(1_000_000_000, 1_000_000_000))  # as cp -r, scp, rsync without -t leave it
    code, _, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress")
    assert code == 1
    assert err.startswith(f"policytext: error: {out}: its documents so far were tagged without context by the model "), err
    # Refused: the output and its settings as they were.
    assert (out.read_bytes(), sidecar.read_bytes()) == (before, kept)
    code, _, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress", "--no-context")
    assert (code, err) == (0, "")
    assert json.loads(sidecar.read_text(encoding="utf-8"))["settings"]["context"] is False
    assert {json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()} == {str(docs / "a.txt"), str(docs / "b.txt")}


def test_settings_an_earlier_version_kept_by_modification_time_still_count(tmp_path, docs):
    out, sidecar = tmp_path / "labels.jsonl", tmp_path / "labels.jsonl.settings.json"
    assert run("tag", str(docs / "a.txt"), "-o", str(out), "--no-progress", "--no-context")[0] == 0
    kept = json.loads(sidecar.read_text(encoding="utf-8"))
    kept["state"] = [out.stat().st_size, out.stat().st_mtime_ns]
    sidecar.write_text(json.dumps(kept), encoding="utf-8")
    code, _, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress")
    assert code == 1 and "its documents so far were tagged without context" in err


# 4. A resumed output's documents that are not the job's are said: their records stay, the summary leaves them out.


def test_documents_of_the_output_that_are_not_the_jobs_are_warned_of(tmp_path, docs):
    out, summary = tmp_path / "labels.jsonl", tmp_path / "s.csv"
    assert run("tag", str(docs), "-o", str(out), "--no-progress")[0] == 0
    (docs / "b.txt").unlink()
    result = tag_files([docs], output=str(out), summary=str(summary), resume=True, progress=False)
    note = "1 document in the output is not among this job's documents ({}): its records stay; the summary, the panel and the plot count only this job's documents"
    assert result.warnings == [(str(out), note.format(docs / "b.txt"))]
    assert list(result.summary.rows) == [str(docs / "a.txt")]
    # On the command line, a warning line; without a summary the records alone disagree with nothing.
    code, _, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress", "--summary", str(summary))
    assert (code, err) == (0, f"policytext: warning: {out}: {note.format(docs / 'b.txt')}\n")
    assert run("tag", str(docs), "-o", str(out), "--resume", "--no-progress") == (0, "", "")


# 5. A document whose name holds a control character is known again in an .xlsx output, whose cells drop it.


def test_a_name_with_a_control_character_resumes_once_in_an_xlsx_output(tmp_path, docs, monkeypatch):
    pytest.importorskip("openpyxl")
    from policytext.tables import read_table

    (docs / "b.txt").rename(docs / "x\x01b.txt")
    out = tmp_path / "labels.xlsx"
    first = tag_files([docs], output=str(out), progress=False)
    rows = len(read_table(out)[1])
    for _ in range(2):
        again = tag_files([docs], output=str(out), summary=str(tmp_path / "s.csv"), resume=True, progress=False)
        assert (again.tagged, sorted(again.skipped), again.warnings) == ([], sorted(first.tagged), [])
    assert len(read_table(out)[1]) == rows  # not another copy of its rows each time
    # Named relative to the folder the job ran in, and that document alone: resumed, not refused.
    monkeypatch.chdir(docs)
    alone = tmp_path / "alone.xlsx"
    tag_files(["x\x01b.txt"], output=str(alone), progress=False)
    assert tag_files(["x\x01b.txt"], output=str(alone), resume=True, progress=False).skipped == ["x\x01b.txt"]
