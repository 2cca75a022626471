"""The README's Python examples run as written, from a clone's root."""

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)


def test_the_readme_has_its_python_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_a_readme_example_runs_as_written(number, tmp_path, monkeypatch):
    # The examples used names they never defined (report_a, many_sentences,
    # huge.txt) and a reports/ folder a clone lacks: a new user's first run failed.
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(BLOCKS[number], f"README.md python block {number + 1}", "exec"), names)
    assert "policytext" in names
    if number == 0:  # what the comments beside the first example say
        s = names["sents"][12]
        assert (s.text, s.label, s.section[0]) == ("完成夏粮收购2.1万吨，新建高标准农田3200亩。", "agriculture", "一、上半年工作回顾")
        assert names["report_text"][s.start : s.end] == s.text
        assert names["clf"].predict(["完成工业总产值246亿元。", "各位代表："]) == ["economy", "other"]


def test_the_readme_shows_the_record_the_first_command_prints(monkeypatch):
    # The sample line kept the scores of an earlier model (0.999891 where tag printed 0.999890).
    import json

    from conftest import run_cli

    shown = [line for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith('{"file": "examples/report.txt"')]
    assert len(shown) == 1
    monkeypatch.chdir(REPO)
    code, out, _ = run_cli("tag", "examples/report.txt", "--no-progress")
    index = json.loads(shown[0])["index"]
    assert code == 0 and out.splitlines()[index] == shown[0]


def test_the_readme_shows_the_shares_attention_shares_gives():
    import ast

    import policytext

    line = next(line for line in BLOCKS[0].splitlines() if line.startswith('est["economy"]'))
    shown = ast.literal_eval(line.split("#", 1)[1].strip())  # the dict in the comment
    est = policytext.attention_shares([(REPO / "examples" / "report.txt").read_text(encoding="utf-8")])["economy"]
    assert shown.keys() == est.keys()
    assert all(round(est[key], len(str(value).split(".")[1])) == value for key, value in shown.items())
