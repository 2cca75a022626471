"""The command line's edges: outputs checked before any work, write errors, the job's own
files in the folder it tags, start-up interrupts, and option help.

Each test goes through the command (``main()`` or a subprocess), as a user would.
"""

import io
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO
from conftest import run_cli as run

from policytext.outputs import ERRORS_HEAD

REPORT = (
    "2024年江城县政府工作报告\n一、上半年工作回顾\n"
    "新建高标准农田3000亩。排查整改安全隐患210条。完成规上工业产值38.6亿元，同比增长9.2%。"
    "新增城镇就业800人。化解信访积案7件。河道水质稳定达到三类。\n"
)


def command(*argv, env=None, **kw):
    """``python -m policytext.cli ARGV`` from this checkout, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "policytext.cli", *map(str, argv)], cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, **kw)


def without(folder, *modules):
    """A folder to put first on PYTHONPATH in which importing ``modules`` fails: a machine without that extra."""
    for name in modules:
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(f"raise ImportError('{name} is not installed')\n")
    return {"PYTHONPATH": str(folder)}


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    return folder


# 1. Every output's format, extra and extension is checked before the first document is read.


def test_a_table_whose_extra_is_missing_is_refused_before_any_document_is_tagged(tmp_path, docs):
    env = without(tmp_path / "shim", "openpyxl", "pyarrow", "matplotlib")
    out = tmp_path / "labels.jsonl"
    cases = [
        (("tag", docs, "-o", tmp_path / "o.parquet"), "--format parquet needs the 'parquet' extra"),
        (("tag", docs, "-o", out, "--plot", tmp_path / "p.png"), "drawing a plot (--plot) needs the 'plot' extra"),
        (("tag", docs, "-o", out, "--summary", tmp_path / "s.xlsx"), f"--summary {tmp_path / 's.xlsx'}: writing .xlsx needs the 'excel' extra"),
        (("tag", docs, "-o", out, "--panel", tmp_path / "p.parquet"), f"--panel {tmp_path / 'p.parquet'}: writing .parquet needs the 'parquet' extra"),
        (("targets", docs, "-o", tmp_path / "t.xlsx"), f"--output {tmp_path / 't.xlsx'}: writing .xlsx needs the 'excel' extra"),
    ]
    for argv, message in cases:
        done = command(*argv, "--no-progress", env=env)
        assert (done.returncode, done.stdout) == (1, ""), done.stderr
        assert done.stderr == f"policytext: error: {message}: pip install -e '.[{message.split(chr(39))[1]}]' in policytext's clone\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "shim"]  # no record written: nothing was tagged


def test_a_plot_extension_matplotlib_cannot_write_is_a_usage_mistake_found_before_work(tmp_path, docs):
    pytest.importorskip("matplotlib")
    code, out, err = run("tag", str(docs), "-o", str(tmp_path / "o.jsonl"), "--plot", str(tmp_path / "shares.bmp"), "--no-progress")
    assert (code, out) == (2, "")
    assert err.startswith(f"policytext: error: --plot {tmp_path / 'shares.bmp'}: cannot draw a figure as .bmp; use .png, .svg or .pdf (or .")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_table_extensions_that_name_no_format_are_refused_naming_the_option(tmp_path, docs):
    cases = [
        (("tag", str(docs), "-o", str(tmp_path / "o.jsonl"), "--panel", str(tmp_path / "p.txt")), f"--panel {tmp_path / 'p.txt'}: unknown table extension '.txt'"),
        (("targets", str(docs), "-o", str(tmp_path / "t.doc")), f"--output {tmp_path / 't.doc'}: unknown table extension '.doc'"),
    ]
    for argv, message in cases:
        code, out, err = run(*argv, "--no-progress")
        assert (code, out, err) == (2, "", f"policytext: error: {message}; use one of .csv, .jsonl, .parquet, .xlsx\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


# 3. A write error on the records output names the output and the remedy, and leaves whole lines only.


def _file_size_limit(limit):
    def apply():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG, as on a full disk with ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_cuts_the_document_back_and_says_to_resume(tmp_path, docs):
    (docs / "b.txt").write_text("".join(f"新建高标准农田{n}亩，完成规上工业产值{n}亿元。\n" for n in range(300)), encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    done = command("tag", docs, "-o", out, "--no-progress", preexec_fn=_file_size_limit(16 * 1024))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"policytext: error: --output {out}: file too large; it keeps 1 whole document: free space and run again with --resume\n"
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]  # no torn line
    assert {r["file"] for r in records} == {str(docs / "a.txt")}
    again = command("tag", docs, "-o", out, "--no-progress", "--resume")
    # No error; b.txt, 300 sentences of one pattern and none `other`, is unlike the written reports.
    assert (again.returncode, again.stderr.startswith(f"policytext: warning: {docs / 'b.txt'}: unlike the reports the model knows: ")) == (0, True)
    assert again.stderr.count("\n") == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["index"] for r in records if r["file"].endswith("b.txt")] == list(range(300))


# 12 and 21.9-21.10. The job's own outputs are not documents of the folder it tags; a file of the
# user's is not replaced without --force.


def test_the_same_command_runs_again_and_resumes_over_its_own_outputs_in_the_folder(docs, monkeypatch):
    (docs / "broken.txt").write_bytes(b"")  # a document that fails, so failed.txt has a line
    monkeypatch.chdir(docs)
    argv = ("tag", ".", "-o", "labels.jsonl", "--errors", "failed.txt", "--summary", "shares.csv", "--no-progress")
    for extra in ((), (), ("--resume",)):
        code, out, err = run(*argv, *extra)
        # No "one of the input documents", and no "skipped files of unsupported formats" for
        # labels.jsonl, shares.csv and labels.jsonl.settings.json.
        assert (code, out, err) == (3, "", "policytext: ./broken.txt: empty file\n"), extra
        assert (docs / "failed.txt").read_text(encoding="utf-8") == f"{ERRORS_HEAD}./broken.txt: empty file\n"
    files = {json.loads(line)["file"] for line in (docs / "labels.jsonl").read_text(encoding="utf-8").splitlines()}
    assert files == {"./a.txt"}


def test_an_earlier_runs_list_of_failed_documents_is_no_document_of_another_job(tmp_path, docs):
    # Another job over the folder (other outputs) tagged failed.txt as a report of two
    # sentences: a row in the summary and in the targets table.
    (docs / "bad.txt").write_bytes(bytes(range(256)) * 8)  # binary: it fails, so failed.txt has a line
    code, _, err = run("tag", str(docs), "-o", str(tmp_path / "labels.jsonl"), "--errors", str(docs / "failed.txt"), "--no-progress")
    assert (code, err) == (3, f"policytext: {docs / 'bad.txt'}: binary data, not text\n")
    assert (docs / "failed.txt").read_text(encoding="utf-8").startswith(ERRORS_HEAD)
    summary, table = tmp_path / "s.csv", tmp_path / "t.csv"
    for argv in (("tag", str(docs), "-o", str(tmp_path / "l2.jsonl"), "--summary", str(summary)), ("tag", str(docs / "*.txt"), "--summary", str(summary), "--force")):
        code, out, err = run(*argv, "--no-progress")
        assert (code, err) == (3, f"policytext: {docs / 'bad.txt'}: binary data, not text\n"), argv
        assert [row.split(",")[0] for row in summary.read_text(encoding="utf-8-sig").splitlines()[1:]] == [f'"{docs / "a.txt"}"'], argv
    code, _, _ = run("targets", str(docs), "-o", str(table), "--no-progress")
    assert code == 3
    assert {row.split(",")[0] for row in table.read_text(encoding="utf-8-sig").splitlines()[1:]} == {f'"{docs / "a.txt"}"'}
    # Named as a document, it is one.
    code, out, err = run("tag", str(docs / "failed.txt"), "--no-progress")
    assert (code, {json.loads(line)["file"] for line in out.splitlines()}) == (0, {str(docs / "failed.txt")})


def test_an_existing_file_policytext_did_not_write_is_not_replaced_without_force(tmp_path, docs):
    mine = {
        "-o": tmp_path / "notes.jsonl",
        "--summary": tmp_path / "budget.csv",
        "--panel": tmp_path / "panel.jsonl",
        "--errors": tmp_path / "todo.txt",
    }
    for path in mine.values():
        path.write_text('{"mine": 1}\n' if path.suffix != ".txt" else "明天：买菜\n", encoding="utf-8")
    what = {"-o": "--output", "--summary": "--summary", "--panel": "--panel", "--errors": "--errors"}
    kind = {"-o": "a records output", "--summary": "a summary", "--panel": "a panel", "--errors": "a list of failed documents"}
    for option, path in mine.items():
        argv = ["tag", str(docs), "--no-progress"] + ([] if option == "-o" else ["-o", str(tmp_path / "o.jsonl")]) + [option, str(path)]
        code, out, err = run(*argv)
        assert (code, out) == (2, "")
        assert err == f"policytext: error: {what[option]} {path}: the file exists and is not {kind[option]} policytext wrote; choose another file, or add --force to replace it\n"
        assert path.read_text(encoding="utf-8") in ('{"mine": 1}\n', "明天：买菜\n")
        assert not (tmp_path / "o.jsonl").exists()
    code, _, err = run("tag", str(docs), "--no-progress", *(x for option, path in mine.items() for x in (option, str(path))), "--force")
    assert (code, err) == (0, "")
    assert json.loads((tmp_path / "notes.jsonl").read_text(encoding="utf-8").splitlines()[0])["file"] == str(docs / "a.txt")
    # Once policytext's, each is replaced by the same command again, without --force.
    code, _, err = run("tag", str(docs), "--no-progress", *(x for option, path in mine.items() for x in (option, str(path))))
    assert (code, err) == (0, "")
    for fmt in ("csv", "xlsx", "parquet"):
        pytest.importorskip({"csv": "csv", "xlsx": "openpyxl", "parquet": "pyarrow"}[fmt])
        out = tmp_path / f"labels.{fmt}"
        for _ in range(2):
            code, _, err = run("tag", str(docs), "-o", str(out), "--summary", str(tmp_path / f"s.{fmt}"), "--panel", str(tmp_path / f"p.{fmt}"), "--no-progress")
            assert (code, err) == (0, ""), fmt


@pytest.mark.parametrize(
    "text",
    [
        "TODO: call the printer\nmeeting: Tuesday 10:00\n",  # notes
        "name: policytext\nversion: 1.0\n",  # YAML, a key: value config
        "./old.txt: empty file\n",  # a list an earlier version wrote, without the mark: --force once
    ],
)
def test_a_file_of_key_value_lines_is_not_taken_for_a_list_of_failed_documents(tmp_path, docs, text):
    # A file whose every line was "something: something" was taken for the job's own
    # list of failed documents, and a job in which nothing failed emptied it.
    notes = tmp_path / "notes.txt"
    notes.write_text(text, encoding="utf-8")
    code, out, err = run("tag", str(docs), "-o", str(tmp_path / "out.jsonl"), "--errors", str(notes), "--no-progress")
    assert (code, out) == (2, "")
    assert err == (
        f"policytext: error: --errors {notes}: the file exists and is not a list of failed documents policytext wrote; "
        "choose another file, or add --force to replace it\n"
    )
    assert notes.read_text(encoding="utf-8") == text and sorted(os.listdir(tmp_path)) == ["docs", "notes.txt"]


def test_the_list_of_failed_documents_is_marked_as_policytexts_and_replaced_by_the_next_job(tmp_path, docs):
    failed, broken = tmp_path / "failed.txt", docs / "broken.txt"
    argv = ("tag", str(docs), "-o", str(tmp_path / "out.jsonl"), "--errors", str(failed), "--no-progress")
    broken.write_bytes(b"")
    assert run(*argv)[0] == 3
    assert failed.read_text(encoding="utf-8") == f"# policytext tag: the documents that failed, one a line (document: reason)\n{broken}: empty file\n"
    broken.unlink()
    assert run(*argv)[:2] == (0, "")
    assert failed.read_bytes() == b""  # nothing failed: nothing in it, as before
    broken.write_bytes(b"")
    assert run(*argv)[0] == 3  # an empty file is the job's too
    assert failed.read_text(encoding="utf-8") == f"{ERRORS_HEAD}{broken}: empty file\n"


@pytest.mark.parametrize(
    "output, beside, what",
    [
        ("out.jsonl", "out.jsonl.journal", "a job keeps its journal of {out} there"),
        ("out.csv", "out.csv.journal", "a job keeps its journal of {out} there"),
        ("out.parquet", "out.parquet.spool.jsonl", "a job keeps the records of {out} there until it writes the table"),
        ("out.parquet", "out.parquet.spool.jsonl.journal", "a job keeps its journal of {out} there"),
        ("out.jsonl", "out.jsonl.partial", "a job of an earlier version marked there where {out} was cut short"),
        ("out.jsonl", "out.jsonl.settings.json", "a job keeps how it tagged {out} there"),
    ],
)
@pytest.mark.parametrize("text", ["my notes\n", '{"mine": 1}\n', "12 apples"])
def test_a_file_of_the_users_where_a_job_keeps_its_own_files_is_never_touched(tmp_path, docs, output, beside, what, text):
    # Only the settings file was checked: a user's out.jsonl.journal was removed, and a user's
    # out.parquet.spool.jsonl was emptied, used as the spool and removed.
    if output.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    out, mine = tmp_path / output, tmp_path / beside
    mine.write_text(text, encoding="utf-8")
    for resume in ((), ("--resume",)):
        code, stdout, err = run("tag", str(docs), "-o", str(out), "--no-progress", *resume)
        assert (code, stdout) == (2, ""), resume
        assert err == f"policytext: error: {mine}: not a file policytext wrote, and {what.format(out=out)}; move it away or choose another output\n"
        assert mine.read_text(encoding="utf-8") == text and sorted(os.listdir(tmp_path)) == sorted(["docs", beside])


@pytest.mark.parametrize("beside", ["journal", "empty journal", "spool", "settings of another output"])
def test_a_file_beside_a_users_file_does_not_make_it_a_records_output(tmp_path, docs, beside):
    # Any file named like a job's journal, spool or settings beside -o was taken as proof that
    # -o was the job's own records: the user's file was emptied without --force.
    out = tmp_path / "out.jsonl"
    if beside == "settings of another output":
        assert run("tag", str(docs), "-o", str(tmp_path / "other.jsonl"), "--no-progress")[0] == 0
        (tmp_path / "other.jsonl").unlink()
        (tmp_path / "other.jsonl.settings.json").rename(tmp_path / "out.jsonl.settings.json")
    else:
        name = {"journal": "out.jsonl.journal", "empty journal": "out.jsonl.journal", "spool": "out.jsonl.spool.jsonl"}[beside]
        (tmp_path / name).write_text("" if beside == "empty journal" else "notes\n", encoding="utf-8")
    out.write_text("my data\n", encoding="utf-8")
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path) if name != "docs"}
    code, stdout, err = run("tag", str(docs), "-o", str(out), "--no-progress")
    assert (code, stdout) == (2, "")
    assert err == f"policytext: error: --output {out}: the file exists and is not a records output policytext wrote; choose another file, or add --force to replace it\n"
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path) if name != "docs"} == before


def test_an_output_whose_job_stopped_in_its_first_write_is_still_the_jobs_own(tmp_path, docs):
    # Its first record cut short says nothing; the journal beside it, policytext's, does.
    import policytext
    from policytext.outputs import RecordWriter

    out = tmp_path / "out.jsonl"
    RecordWriter(str(out), "jsonl", policytext.LABELS, settings={"model": "m", "context": True}).close(complete=False)
    out.write_bytes(b'{"file": "/elsewhere/a.txt", "ind')
    code, _, err = run("tag", str(docs), "-o", str(out), "--no-progress")
    assert (code, err) == (0, "")
    assert [json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()][:1] == [str(docs / "a.txt")]
    assert sorted(os.listdir(tmp_path)) == ["docs", "out.jsonl", "out.jsonl.settings.json"]


# 15. Ctrl-C right after Enter is "interrupted" and exit 130, not a traceback.


def test_starting_the_command_imports_nothing_heavy_before_main_handles_ctrl_c():
    probe = "import sys, policytext.cli; print(sorted(m for m in ('numpy', 'scipy', 'policytext.api', 'policytext.target_extraction') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def _mapped(pid):
    """The files a process has mapped (Linux), "" once it is gone."""
    try:
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as maps:
            return maps.read()
    except OSError:
        return ""


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc to see when numpy loads")
@pytest.mark.parametrize("after", [0.0, 0.01, 0.05, 0.15, 0.3])
def test_ctrl_c_while_the_command_starts_is_an_interruption(after, tmp_path):
    import signal
    import time

    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    job = subprocess.Popen([sys.executable, "-m", "policytext.cli", "tag", str(tmp_path / "a.txt")], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Nothing imports numpy before main() runs (the test above): once its
    # compiled core is mapped, main() is importing it, and Ctrl-C lands
    # ``after`` seconds later, while numpy, scipy and the model load. (A
    # fixed delay from the start landed before main() on a busy machine, or
    # missed numpy's import, where Ctrl-C once came out as an ImportError.)
    deadline = time.monotonic() + 60
    while "_multiarray_umath" not in _mapped(job.pid) and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(after)
    job.send_signal(signal.SIGINT)
    _, err = job.communicate(timeout=60)
    if job.returncode == 0:
        pytest.skip("the job ended before the signal came (a fast machine)")
    # 130, or death by SIGINT, which a shell reports as 130 too: run with
    # "python -m", CPython ends a process by SIGINT, whatever it returns, once
    # a KeyboardInterrupt has left an exec() of a string (dataclasses make
    # methods so while modules import), even when the program caught it
    # afterwards. The installed "policytext" command exits 130.
    assert (job.returncode in (130, -signal.SIGINT), err) == (True, "policytext: interrupted\n")


# Ctrl-C that a compiled module turns into an ImportError (numpy, when the
# signal lands as it imports datetime from C: "PyCapsule_Import could not
# import module") is still an interruption; the timing test above met it
# once in CI. Here standard input plays that module: Ctrl-C while it is
# read comes out as an ImportError.
_CTRL_C_AS_IMPORT_ERROR = """
import io, os, signal, sys
from policytext.cli import main

class Stdin(io.RawIOBase):
    def readable(self):
        return True
    def readinto(self, buffer):
        try:
            CTRL_C
        except KeyboardInterrupt:
            raise ImportError("PyCapsule_Import could not import module \\"datetime\\"") from None
        raise AssertionError("no KeyboardInterrupt")

# Python's own handler, whatever this process was given (a shell's background job ignores SIGINT).
signal.signal(signal.SIGINT, signal.default_int_handler)
status = main(["tag", "-"], stdin=io.BufferedReader(Stdin()))
print(status, signal.getsignal(signal.SIGINT) is signal.default_int_handler)
"""


def test_ctrl_c_that_comes_out_as_an_import_error_is_an_interruption():
    probe = _CTRL_C_AS_IMPORT_ERROR.replace("CTRL_C", "os.kill(os.getpid(), signal.SIGINT)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    # 130, and Python's own handler is back in place after main().
    assert (done.stdout, done.stderr) == ("130 True\n", "policytext: interrupted\n")


def test_an_error_after_ctrl_c_is_an_interruption():
    # Ctrl-C while an optional extra imports came out as that extra missing (the
    # library turns the ImportError into "… needs the 'parquet' extra"), exit 1.
    probe = _CTRL_C_AS_IMPORT_ERROR.replace("CTRL_C", "os.kill(os.getpid(), signal.SIGINT)")
    probe = re.sub(r"raise ImportError\(.*\) from None", 'raise policytext.errors.PolicytextError("pyarrow needs the parquet extra") from None', probe)
    probe = probe.replace("from policytext.cli import main", "import policytext.errors\nfrom policytext.cli import main")
    assert "needs the parquet extra" in probe
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (done.stdout, done.stderr) == ("130 True\n", "policytext: interrupted\n")


def test_an_import_error_without_ctrl_c_is_not_called_an_interruption():
    # The same ImportError, from a KeyboardInterrupt that no signal raised.
    probe = _CTRL_C_AS_IMPORT_ERROR.replace("CTRL_C", "raise KeyboardInterrupt")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.rstrip().endswith('ImportError: PyCapsule_Import could not import module "datetime"'), done.stderr


def test_braces_in_a_folder_or_document_name_are_not_taken_for_an_option(tmp_path):
    # A message names an option where mention() marks it; text beside it, a working
    # folder "{resume} dir" or a document "{resume}.txt", was spelled as the option
    # ("none is found from …/--resume dir", "such as '--resume.txt'").
    import policytext

    first, later = tmp_path / "a", tmp_path / "{resume} dir"
    first.mkdir(), later.mkdir()
    (first / "{resume}.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = "import sys; from policytext.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code, "tag", "{resume}.txt", "-o", str(out), "--no-progress"], cwd=first, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([sys.executable, "-c", code, "tag", str(first / "{resume}.txt"), "-o", str(out), "--resume", "--no-progress"], cwd=later, env=env, capture_output=True, text=True)
    assert (again.returncode, again.stderr) == (1, (
        f"policytext: error: {out}: its documents are named relative to the folder its job ran in "
        f"(such as '{{resume}}.txt'), and none is found from {later}; run --resume from that folder\n"
    ))
    # The error keeps the text as it was; only the marked place is spelled.
    exc = policytext.PolicytextError(f"from {{resume}}: run {policytext.errors.mention('resume')}", mentions={"resume": True})
    assert (str(exc), exc.worded(lambda name, value: f"--{name}")) == ("from {resume}: run resume=True", "from {resume}: run --resume")


# 11. A binary sink is refused at the entry, as a binary input stream is.


def test_tag_files_refuses_a_binary_sink_before_any_work(tmp_path, docs):
    import policytext

    for sink in (io.BytesIO(), open(tmp_path / "out.bin", "wb")):
        with sink, pytest.raises(policytext.ParameterError) as info:
            policytext.tag_files([docs], sink=sink)
        assert str(info.value).startswith(f"tag_files(): 'sink' must be None or a text file open for writing, got <{type(sink).__module__}")
    assert (tmp_path / "out.bin").read_bytes() == b""
    text = io.StringIO()
    policytext.tag_files([docs], sink=text)
    assert json.loads(text.getvalue().splitlines()[0])["file"] == str(docs / "a.txt")


# 18. The library leaves other packages' logging alone; the command keeps their lines off stderr.


def test_reading_documents_adds_no_handler_to_the_libraries_loggers(tmp_path):
    pytest.importorskip("trafilatura")
    pytest.importorskip("pypdf")
    from pdfmaker import make_pdf

    page = tmp_path / "r.html"
    page.write_text("<html><body><article><p>新建高标准农田4300亩。</p><p>整改隐患126条。</p></article></body></html>", encoding="utf-8")
    probe = (  # trafilatura gives its own logger a NullHandler when imported: what was there after the imports stays
        "import logging, sys, trafilatura, pypdf; from policytext.readers import read_document\n"
        "handlers = lambda: [list(logging.getLogger(n).handlers) for n in ('trafilatura', 'pypdf', 'pypdf._reader')]\n"
        "before = handlers()\n"
        "for path in sys.argv[1:]: read_document(path)\n"
        "print(handlers() == before)"
    )
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(make_pdf([["新建高标准农田4300亩。"]]))
    done = subprocess.run([sys.executable, "-c", probe, str(page), str(pdf)], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout == "True\n"


# 14. POLICYTEXT_MODEL is in --help, and named when the model it chooses cannot be loaded.


def test_the_model_variable_is_in_help_and_named_in_its_error(tmp_path, docs):
    for name in ("tag", "evaluate"):
        done = command(name, "--help")
        assert "$POLICYTEXT_MODEL" in " ".join(done.stdout.split()), name
    empty = tmp_path / "nomodel"
    empty.mkdir()
    done = command("tag", docs / "a.txt", env={"POLICYTEXT_MODEL": str(empty)})
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"policytext: error: POLICYTEXT_MODEL={empty}: {empty} is not a policytext model: model.json not found; "
        "unset the variable to use the shipped model\n"
    )


# 22. --plot is an output like the others: a figure policytext did not draw is not replaced without --force.


def _can_plot():
    pytest.importorskip("matplotlib")
    from policytext.plot import find_cjk_font

    if find_cjk_font() is None:
        pytest.skip("no font with Chinese characters on this machine")


def test_an_existing_image_policytext_did_not_draw_is_refused_before_any_document_is_read(tmp_path, docs):
    photo = tmp_path / "holiday.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + b"\x00" * 64 + b"tEXtSoftware\x00GIMP 2.10")
    before = photo.read_bytes()
    code, out, err = run("tag", str(docs), "-o", str(tmp_path / "o.jsonl"), "--plot", str(photo), "--no-progress")
    assert (code, out) == (2, "")
    assert err == f"policytext: error: --plot {photo}: the file exists and is not a plot policytext wrote; choose another file, or add --force to replace it\n"
    assert photo.read_bytes() == before
    assert not (tmp_path / "o.jsonl").exists()


def test_force_replaces_an_image_policytext_did_not_draw(tmp_path, docs):
    _can_plot()
    photo = tmp_path / "holiday.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out, err = run("tag", str(docs), "-o", str(tmp_path / "o.jsonl"), "--plot", str(photo), "--force", "--no-progress")
    assert (code, out, err) == (0, "", "")
    assert photo.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and b"drawn by policytext" in photo.read_bytes()


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_a_plot_policytext_drew_is_replaced_by_the_next_run_without_force(tmp_path, docs, suffix):
    _can_plot()
    plot = tmp_path / f"shares{suffix}"
    for _ in range(2):
        code, out, err = run("tag", str(docs), "-o", str(tmp_path / "o.jsonl"), "--plot", str(plot), "--no-progress")
        assert (code, out, err) == (0, "", "")
    assert b"drawn by policytext" in plot.read_bytes()


def test_a_plot_is_known_by_its_mark_in_its_first_or_last_bytes_only(tmp_path):
    from policytext.outputs import own_output

    filler = b"\x00" * (1 << 20)  # a large image: read at both ends, never whole
    cases = {"head.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\x22tEXtSoftware\x00drawn by policytext 1" + filler, "tail.pdf": filler + b"/Creator (drawn by policytext 1)\n%%EOF\n",
             "middle.png": filler + b"tEXtSoftware\x00drawn by policytext" + filler, "other.png": b"tEXtSoftware\x00GIMP" + filler,
             # The words alone, in a caption or a comment of the user's figure, are no mark: it must stand in the metadata entry.
             "caption.svg": b'<svg><text x="10">Shares drawn by policytext, annotated by hand</text></svg>',
             "ours.svg": b"<svg><metadata><dc:creator>\n     <cc:Agent>\n      <dc:title>drawn by policytext 1</dc:title>",
             "ours.eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%%Title: x.eps\n%%Creator: drawn by policytext 1\n",
             "comment.eps": b"%!PS-Adobe-3.0 EPSF-3.0\n%% drawn by policytext, then edited\n", "words.jpg": b"drawn by policytext"}  # fmt: skip
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    assert {name: own_output("plot", tmp_path / name) for name in cases} == {
        "head.png": True, "tail.pdf": True, "middle.png": False, "other.png": False,
        "caption.svg": False, "ours.svg": True, "ours.eps": True, "comment.eps": False, "words.jpg": False,
    }  # fmt: skip


# 21.6-21.8. --font on a folder, --model on model.json, evaluate --no-progress.


def test_a_folder_as_font_and_a_model_file_as_model_are_named_for_what_they_are(tmp_path, docs, tiny_corpus, monkeypatch):
    pytest.importorskip("matplotlib")
    code, out, err = run("tag", str(docs), "-o", str(tmp_path / "o.jsonl"), "--plot", str(tmp_path / "p.png"), "--font", str(tmp_path))
    assert (code, out, err) == (1, "", f"policytext: error: --font {tmp_path}: is a folder; give a font file (.ttf, .otf or .ttc) in it\n")
    model_json = REPO / "models" / "default" / "model.json"
    for argv in (("evaluate", str(tiny_corpus)), ("tag", str(docs))):
        code, out, err = run(*argv, "--model", str(model_json))
        # The same refusal and exit status as a model file that POLICYTEXT_MODEL names: load()'s own.
        assert (code, out, err) == (1, "", f"policytext: error: {model_json}: a model is a folder; give the folder that holds it ({model_json.parent})\n")
    monkeypatch.setenv("POLICYTEXT_MODEL", str(model_json))
    code, _, err = run("tag", str(docs))
    assert (code, err) == (1, f"policytext: error: POLICYTEXT_MODEL={model_json}: {model_json}: a model is a folder; give the folder that holds it ({model_json.parent}); unset the variable to use the shipped model\n")
    assert not (tmp_path / "o.jsonl").exists()


def test_evaluate_takes_no_progress_as_the_other_commands_do(tiny_corpus):
    code, out, err = run("evaluate", str(tiny_corpus), "--no-progress", "--json")
    assert (code, err) == (0, "")
    assert set(json.loads(out)) >= {"accuracy", "macro_f1"}


def test_an_output_that_is_the_meta_table_is_refused_even_with_force(tmp_path, docs):
    # The places table a job reads was replaced by the summary it was read for, exit 0.
    places = tmp_path / "places.csv"
    places.write_text("file,place,level,year\na.txt,江城县,county,2024\n", encoding="utf-8")
    before = places.read_bytes()
    for argv in (
        ("tag", docs, "-o", tmp_path / "o.jsonl", "--meta", places, "--summary", places, "--force"),
        ("targets", docs, "-o", places, "--meta", places, "--force"),
    ):
        code, out, err = run(*map(str, argv), "--no-progress")
        option = "--summary" if argv[0] == "tag" else "--output"
        assert (code, out, err) == (2, "", f"policytext: error: {option} {places}: the same file as --meta, which the job reads; give the output its own file\n")
    assert places.read_bytes() == before and not (tmp_path / "o.jsonl").exists()


def test_a_meta_table_that_is_missing_is_named_as_the_option(tmp_path, docs):
    import policytext

    missing = tmp_path / "nope.csv"
    for argv in (("tag", docs, "-o", tmp_path / "o.jsonl"), ("targets", docs, "-o", tmp_path / "t.csv")):
        code, out, err = run(*map(str, argv), "--meta", str(missing), "--no-progress")
        assert (code, out, err) == (2, "", f"policytext: error: --meta {missing}: no such file\n")
    for call in (policytext.tag_files, policytext.targets_files):
        # Was a bare FileNotFoundError in Python.
        with pytest.raises(policytext.ParameterError) as refused:
            call([docs], meta=str(missing), progress=False)
        assert str(refused.value) == f"meta='{missing}': no such file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]
