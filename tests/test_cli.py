import io
import json

import pytest

from conftest import REPO, write_jsonl
from policytext.cli import main


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def model_dir(tiny_corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "model"
    code, _, err = run("train", str(tiny_corpus), "-o", str(path))
    assert code == 0, err
    return path


def test_tag_writes_one_json_line_per_sentence(tmp_path, model_dir):
    report = tmp_path / "r.txt"
    report.write_text("一、工作回顾\n新建高标准农田3000亩。排查整改安全隐患210条。", encoding="utf-8")
    code, out, err = run("tag", str(report), "--model", str(model_dir))
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["index"] for r in rows] == [0, 1, 2]
    assert set(rows[0]) == {"file", "index", "start", "end", "section", "text", "label", "score", "probs"}
    text = report.read_text(encoding="utf-8")
    for r in rows:
        assert r["file"] == str(report)
        assert text[r["start"] : r["end"]] == r["text"]
    assert rows[1]["section"] == ["一、工作回顾"]
    assert rows[1]["label"] == "agriculture" and rows[2]["label"] == "safety"


def test_tag_reports_a_bad_file_and_goes_on(tmp_path, model_dir):
    good = tmp_path / "good.txt"
    good.write_text("新建高标准农田3000亩。", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out_file = tmp_path / "out.jsonl"
    code, out, err = run("tag", str(tmp_path / "missing.txt"), str(empty), str(good), "-o", str(out_file), "--model", str(model_dir))
    assert code == 3
    assert err == (
        f"policytext: {tmp_path / 'missing.txt'}: no such file\n"
        f"policytext: {empty}: empty file\n"
    )
    assert out == ""
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in rows] == [str(good)]


def test_train_refuses_to_overwrite_and_reports_corpus_lines(tmp_path, model_dir, tiny_corpus):
    code, out, err = run("train", str(tiny_corpus), "-o", str(model_dir))
    assert (code, out) == (1, "")
    assert err == f"policytext: error: {model_dir} already exists; add --force to replace it\n"
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"text": "甲。", "label": "economy"}, {"text": "", "label": "other"}])
    code, out, err = run("train", str(bad), "-o", str(tmp_path / "m2"))
    assert code == 1
    assert err == f"policytext: error: {bad}:2: empty or missing text\n"
    assert not (tmp_path / "m2").exists()


def test_evaluate_prints_the_figures(tmp_path, model_dir):
    data = write_jsonl(
        tmp_path / "d.jsonl",
        [{"text": "新建高标准农田2000亩。", "label": "agriculture"}, {"text": "整改安全隐患30条。", "label": "safety"}],
    )
    code, out, err = run("evaluate", str(data), "--model", str(model_dir))
    assert code == 0 and err == ""
    for part in ("accuracy", "macro-F1", "precision", "confusion matrix", "agriculture"):
        assert part in out
    code, out, _ = run("evaluate", str(data), "--model", str(model_dir), "--json")
    result = json.loads(out)
    assert result["n"] == 2 and 0 <= result["macro_f1"] <= 1
    assert sum(map(sum, result["confusion"])) == 2


def test_bad_model_path_is_one_clear_line(tmp_path):
    code, out, err = run("tag", str(tmp_path), "--model", str(tmp_path / "nomodel"))
    assert code == 1
    assert err == f"policytext: error: {tmp_path / 'nomodel'} is not a policytext model: model.json not found\n"


@pytest.mark.parametrize("command", ["tag", "train", "evaluate"])
def test_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"policytext {command} " in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2():
    code, out, err = run()
    assert code == 2 and "usage: policytext" in err


def test_example_report_is_shipped():
    assert (REPO / "examples" / "report.txt").stat().st_size > 500
