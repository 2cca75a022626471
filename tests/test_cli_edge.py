"""The command line's edges: outputs checked before any work, write errors, the job's own
files in the folder it tags, start-up interrupts, and option help.

Each test goes through the command (``main()`` or a subprocess), as a user would.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from policytext.cli import main

REPORT = "一、上半年工作回顾\n新建高标准农田3000亩。排查整改安全隐患210条。\n"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


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
    env = without(tmp_path / "shim", "openpyxl", "pyarrow")
    out = tmp_path / "labels.jsonl"
    cases = [
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
    assert (again.returncode, again.stderr) == (0, "")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["index"] for r in records if r["file"].endswith("b.txt")] == list(range(300))
