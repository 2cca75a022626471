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


# 3. A write error (a full disk; here a file-size limit, EFBIG) names the option and the file, what is kept and what to do.


def command(*argv, limit=None):
    """``python -m policytext.cli ARGV`` from this checkout, in a process of its own whose files may not grow past ``limit`` bytes."""

    def apply():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG, as on a full disk with ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "policytext.cli", *map(str, argv)], cwd=REPO, capture_output=True, text=True, preexec_fn=apply if limit else None)


def test_a_summary_that_cannot_be_written_names_its_option_and_says_to_resume(tmp_path, docs):
    out, summary = tmp_path / "labels.jsonl", tmp_path / "s.csv"
    assert command("tag", docs, "-o", out, "--no-progress").returncode == 0
    done = command("tag", docs, "-o", out, "--no-progress", "--resume", "--summary", summary, limit=1500)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"policytext: error: --summary {summary}: file too large; {out} keeps every whole document: "
        f"free space and run again with --resume: it tags only documents not yet in {out}, and writes this again\n"
    )
    again = command("tag", docs, "-o", out, "--no-progress", "--resume", "--summary", summary)
    assert (again.returncode, again.stderr) == (0, "") and summary.stat().st_size > 1500


def test_a_targets_table_that_cannot_be_written_names_its_option(tmp_path, docs):
    table = tmp_path / "t.csv"
    done = command("targets", docs, "-o", table, "--no-progress", limit=100)
    assert (done.returncode, done.stderr) == (1, f"policytext: error: --output {table}: file too large; the targets of 2 documents read were not written: free space and run again\n")
    assert not table.exists()


def test_a_parquet_output_that_cannot_be_written_keeps_its_spool_for_resume(tmp_path, docs):
    pytest.importorskip("pyarrow")
    from policytext.tables import read_table

    out = tmp_path / "labels.parquet"
    done = command("tag", docs / "a.txt", "-o", out, "--no-progress", limit=6000)
    spool = f"{out}.spool.jsonl"
    assert (done.returncode, done.stderr) == (
        1,
        f"policytext: error: --output {out}: file too large; the records of its 1 whole document are kept in {spool} (JSON Lines): free space and run again with --resume\n",
    )
    again = command("tag", docs, "-o", out, "--no-progress", "--resume")
    assert again.returncode == 0, again.stderr
    assert {row["file"] for row in read_table(out)[1]} == {str(docs / "a.txt"), str(docs / "b.txt")}
    assert not os.path.exists(spool)


def test_a_journal_that_cannot_be_begun_leaves_the_output_as_it_was(tmp_path, docs):
    # An empty journal was left behind, and the next resume took it for one naming no whole document: it cut the output to nothing.
    out = tmp_path / "labels.jsonl"
    assert command("tag", docs / "a.txt", "-o", out, "--no-progress").returncode == 0
    before = out.read_bytes()
    done = command("tag", docs, "-o", out, "--no-progress", "--resume", limit=10)
    assert (done.returncode, done.stderr) == (1, f"policytext: error: --output {out}: file too large; {out} is as it was: free space and run again with --resume\n")
    assert (out.read_bytes(), os.path.exists(f"{out}.journal")) == (before, False)
    (docs / "a.txt").unlink()  # its records are all that is left of it
    assert command("tag", docs, "-o", out, "--no-progress", "--resume").returncode == 0
    assert out.read_bytes().startswith(before)


def test_an_output_saved_again_in_another_encoding_is_refused_by_name(tmp_path, docs):
    out = tmp_path / "labels.jsonl"
    assert run("tag", str(docs / "a.txt"), "-o", str(out), "--no-progress")[0] == 0
    out.write_bytes(out.read_text(encoding="utf-8").encode("gb18030"))
    before = out.read_bytes()
    code, _, err = run("tag", str(docs), "-o", str(out), "--resume", "--no-progress")
    assert (code, err) == (
        1,
        f"policytext: error: --output {out}: its records are not UTF-8, as policytext writes them (saved again in another encoding?); "
        "it is left as it is: save it as UTF-8 again and run again with --resume, or start again without --resume\n",
    )
    assert out.read_bytes() == before
