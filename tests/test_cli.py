import json

import pytest

from conftest import REPO, write_jsonl
from conftest import run_cli as run
from policytext.cli import main


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
    assert set(rows[0]) == {"file", "index", "start", "end", "section", "text", "part", "label", "score", "probs"}
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


def test_tag_reads_utf16_without_a_byte_order_mark(tmp_path, model_dir):
    # Saved by a Windows tool as UTF-16 without a byte-order mark: it was refused as binary.
    report = tmp_path / "r.txt"
    report.write_bytes("一、工作回顾\n新建高标准农田3000亩。排查整改安全隐患210条。".encode("utf-16-le"))
    code, out, err = run("tag", str(report), "--model", str(model_dir))
    assert (code, err) == (0, "")
    assert [json.loads(line)["text"] for line in out.splitlines()] == ["一、工作回顾", "新建高标准农田3000亩。", "排查整改安全隐患210条。"]
    other = tmp_path / "ja.txt"
    other.write_bytes("これは日本語です。\n".encode("utf-16-be"))
    code, out, err = run("tag", str(other), "--model", str(model_dir))
    assert (code, out) == (3, "")
    assert err == f"policytext: {other}: looks like UTF-16 without a byte-order mark, but does not decode to Chinese text in it (save it as UTF-8)\n"


def test_train_refuses_to_overwrite_and_reports_corpus_lines(tmp_path, model_dir, tiny_corpus):
    # An existing output is bad usage, exit 2, as it is for tag (it was 1).
    code, out, err = run("train", str(tiny_corpus), "-o", str(model_dir))
    assert (code, out) == (2, "")
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


def test_evaluate_scores_every_line_of_the_test_file(tmp_path, model_dir):
    # The test file was read as a training corpus: a sentence on several lines was scored once.
    rows = [{"text": "新建高标准农田2000亩。", "label": "agriculture"}] + [{"text": "新建高标准农田2000亩。", "label": "safety"}] * 3
    code, out, err = run("evaluate", str(write_jsonl(tmp_path / "d.jsonl", rows)), "--model", str(model_dir), "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert (result["n"], result["accuracy"], result["per_label"]["safety"]["support"]) == (4, 0.25, 3)


@pytest.mark.parametrize("command, where", [("tag", "tag_files"), ("evaluate", "read_corpus"), ("train", "train_corpus")])
def test_an_empty_path_is_bad_usage_for_every_command(tmp_path, monkeypatch, model_dir, command, where):
    # evaluate "" scored the corpora under the current folder (exit 0), and train "" trained on them.
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "here.jsonl", [{"text": "新建高标准农田2000亩。", "label": "agriculture"}])
    options = ["-o", str(tmp_path / "m")] if command == "train" else ["--model", str(model_dir)]
    code, out, err = run(command, "", *options)
    assert (code, out) == (2, "")
    assert err == f"policytext: error: {where}(): 'paths' must be a path or a non-empty list of paths, got ['']\n"
    assert not (tmp_path / "m").exists()


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


# -- targets ------------------------------------------------------------------------

REPORT_2026 = (
    "临江县2026年政府工作报告\n"
    "去年全县地区生产总值增长5.1%。\n"
    "今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右；城镇新增就业3000人以上；"
    "居民消费价格涨幅控制在3%以内。\n"
)


def _targets_docs(tmp_path):
    good = tmp_path / "docs" / "r.txt"
    good.parent.mkdir()
    good.write_text(REPORT_2026, encoding="utf-8")
    empty = tmp_path / "docs" / "empty.txt"
    empty.write_bytes(b"")
    return good, empty


def test_targets_writes_one_row_per_document_and_indicator(tmp_path):
    good, empty = _targets_docs(tmp_path)
    out_file = tmp_path / "t.jsonl"
    code, out, err = run("targets", str(tmp_path / "docs"), "-o", str(out_file), "--no-progress")
    assert (code, out) == (3, "")
    assert err == f"policytext: {empty}: empty file\n"
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [(r["indicator"], r["value"], r["unit"], r["modifier"]) for r in rows] == [
        ("gdp_growth", 6.0, "%", "左右"),
        ("new_urban_jobs", 0.3, "万人", "以上"),
        ("cpi", 3.0, "%", "以内"),
    ]
    first = rows[0]
    assert list(first) == [
        "file", "place", "place_full", "level", "year", "indicator", "value", "low", "high", "unit",
        "modifier", "modifier_text", "stretch", "measure", "stated", "sentence",
    ]  # fmt: skip
    assert (first["file"], first["place"], first["level"], first["year"]) == (str(good), "临江县", "county", 2026)
    assert first["sentence"] == "今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右；"


def test_targets_wide_with_meta_to_csv(tmp_path):
    good, _ = _targets_docs(tmp_path)
    meta = tmp_path / "meta.csv"
    meta.write_text("file,place,level,year\nr.txt,江城县,county,2026\n", encoding="utf-8")
    out_file = tmp_path / "panel.csv"
    code, out, err = run("targets", str(good), "-o", str(out_file), "--wide", "--meta", str(meta), "--no-progress")
    assert (code, out, err) == (0, "", "")
    import csv

    with open(out_file, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1
    row = rows[0]
    assert (row["place"], row["place_full"], row["gdp_growth"], row["gdp_growth_modifier"]) == ("江城县", "江城县", "6.0", "左右")
    assert (row["cpi"], row["cpi_modifier"], row["grain"]) == ("3.0", "以内", "")


def test_meta_column_names_are_read_without_the_spaces_around_them(tmp_path):
    # "file, place, level, year" left every row as read, with no word.
    good, _ = _targets_docs(tmp_path)
    meta = tmp_path / "meta.csv"
    meta.write_text("file, place, level, year\nr.txt, 江城县, county, 2026\n", encoding="utf-8")
    out_file = tmp_path / "t.jsonl"
    code, out, err = run("targets", str(good), "-o", str(out_file), "--meta", str(meta), "--no-progress")
    assert (code, out, err) == (0, "", "")
    rows = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert rows and {(r["place"], r["place_full"], r["level"], r["year"]) for r in rows} == {("江城县", "江城县", "county", 2026)}
    code, out, err = run("tag", str(good), "-o", str(tmp_path / "l.jsonl"), "--summary", str(tmp_path / "s.jsonl"), "--meta", str(meta), "--no-progress")
    assert (code, err) == (0, "")
    (row,) = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (row["place"], row["place_from"], row["year"]) == ("江城县", "meta", 2026)


@pytest.mark.parametrize("command", ["tag", "targets"])
def test_a_meta_column_of_another_name_is_refused_before_any_document_is_read(tmp_path, command):
    # "yaer" was skipped: the rows kept the year read, exit 0, no warning.
    good, _ = _targets_docs(tmp_path)
    meta = tmp_path / "meta.csv"
    meta.write_text("file,place,level,yaer\nr.txt,江城县,county,2020\n", encoding="utf-8")
    out_file = tmp_path / "o.jsonl"
    code, out, err = run(command, str(good), "-o", str(out_file), "--meta", str(meta), "--no-progress")
    assert (code, out) == (1, "")
    assert err == f"policytext: error: {meta}: a column must be one of file, place, level, year, got 'yaer'\n"
    assert not out_file.exists()


def test_targets_refuses_a_format_that_disagrees_and_a_bad_output_before_reading(tmp_path):
    good, _ = _targets_docs(tmp_path)
    code, out, err = run("targets", str(good), "-o", str(tmp_path / "t.csv"), "--format", "xlsx")
    assert (code, out) == (2, "")
    assert err == f"policytext: error: --output {tmp_path / 't.csv'}: --format xlsx disagrees with the extension .csv (csv)\n"
    folder = tmp_path / "out.csv"
    folder.mkdir()
    code, _, err = run("targets", str(good), "-o", str(folder))
    assert code == 2 and err == f"policytext: error: {folder}: the output is a folder\n"
    same = tmp_path / "docs" / "same.csv"
    same.write_text("x", encoding="utf-8")
    code, _, err = run("targets", str(good), str(same), "-o", str(same))
    assert code == 2 and err == f"policytext: error: {same}: the output is one of the input documents\n"
    assert same.read_text(encoding="utf-8") == "x"


def test_targets_help_shows_an_example(capsys):
    with pytest.raises(SystemExit) as info:
        main(["targets", "--help"])
    assert info.value.code == 0
    assert "policytext targets reports/ -o targets.csv" in capsys.readouterr().out


@pytest.mark.parametrize(
    "option, value, allowed",
    [
        ("--jobs", "0", "an int from 1 to 1024"),
        ("--evidence", "-1", "an int from 0 to 10000"),
        ("--max-mb", "inf", "a number above 0 and at most 1e+06"),
        ("--max-mb", "nan", "a number above 0 and at most 1e+06"),
        ("--max-mb", "1e300", "a number above 0 and at most 1e+06"),
        ("--max-pages", "-5", "an int from 1 to 1e+07"),
        ("--timeout", "0", "a number above 0 and at most 1e+09"),
        ("--timeout", "soon", "a number above 0 and at most 1e+09"),
    ],
)
def test_a_numeric_option_out_of_range_is_a_usage_error_naming_it(tmp_path, capsys, option, value, allowed):
    # One line named every option's range, whichever was wrong; inf and 1e300 gave tracebacks.
    with pytest.raises(SystemExit) as info:
        main(["tag", str(tmp_path), option, value])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"policytext tag: error: argument {option}: must be {allowed}, got {value!r}"



def test_on_a_scheduler_only_a_timeout_asked_for_is_warned_of(tmp_path, model_dir):
    # The local default of 300 seconds made every --scheduler run warn that
    # no time limit applies on a Dask cluster.
    distributed = pytest.importorskip("distributed")
    (tmp_path / "r.txt").write_text("一、工作回顾\n新建高标准农田3000亩。排查整改安全隐患210条。", encoding="utf-8")
    common = ("tag", str(tmp_path / "r.txt"), "--model", str(model_dir), "--no-progress")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        quiet = run(*common, "--scheduler", cluster.scheduler_address, "-o", str(tmp_path / "a.jsonl"))
        asked = run(*common, "--scheduler", cluster.scheduler_address, "-o", str(tmp_path / "b.jsonl"), "--timeout", "5")
    assert quiet == (0, "", "")
    assert asked == (
        0,
        "",
        "policytext: warning: policytext.dask.tag_files(): timeout=5 is not applied on a Dask cluster: tasks run in worker threads, "
        "where the time limit (a SIGALRM timer) cannot be set; documents are read with no time limit\n",
    )

def test_a_reader_that_closes_the_pipe_stops_the_job_quietly(tmp_path):
    # "policytext tag … | head" printed "policytext: error: [Errno 32] Broken pipe".
    import subprocess
    import sys

    for i in range(200):
        # Each a text of its own: copies would be warned of on stderr.
        (tmp_path / f"r{i:03d}.txt").write_text(f"一、工作回顾\n新建农村公路{i + 1}公里。\n" + "新建高标准农田3000亩，排查整改安全隐患210条。" * 20, encoding="utf-8")
    job = subprocess.Popen([sys.executable, "-m", "policytext.cli", "tag", str(tmp_path), "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert job.stdout.readline().startswith(b'{"file": ')
    job.stdout.close()
    assert job.wait(timeout=120) == 141
    assert job.stderr.read() == b""


def test_a_file_name_with_a_line_break_stays_on_its_error_line(tmp_path):
    # A name holding "\n" split its error in two lines, and "\r" overwrote the line on a terminal.
    (tmp_path / "x\ny.txt").write_bytes(b"\x00\x01")
    (tmp_path / "e\rf.txt").write_bytes(b"")
    errors = tmp_path / "errors.txt"
    code, _, err = run("tag", str(tmp_path), "-o", str(tmp_path / "o.jsonl"), "--errors", str(errors))
    assert code == 3
    expected = {f"{tmp_path}/e\\rf.txt: empty file", f"{tmp_path}/x\\ny.txt: binary data, not text"}
    assert set(errors.read_text(encoding="utf-8").splitlines()[1:]) == expected
    assert set(err.splitlines()) == {f"policytext: {line}" for line in expected}


@pytest.mark.parametrize("make", ["folder", "file", "model_with_notes"])
def test_train_force_replaces_only_a_model_folder(tmp_path, model_dir, tiny_corpus, make):
    # --force deleted whatever -o named: a folder of other files, or a file.
    import shutil

    target = tmp_path / "out"
    if make == "folder":
        (target / "sub").mkdir(parents=True)
        (target / "thesis.txt").write_text("precious", encoding="utf-8")
        found = "it holds sub, thesis.txt"
    elif make == "file":
        target.write_text("precious", encoding="utf-8")
    else:
        shutil.copytree(model_dir, target)
        (target / "notes.txt").write_text("precious", encoding="utf-8")
        found = "it holds notes.txt"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, out, err = run("train", str(tiny_corpus), "-o", str(target), "--force")
    assert (code, out) == (2, "")
    reason = "is not a model folder; --force" if make == "file" else f"is not a model folder ({found}); --force"
    assert err == f"policytext: error: {target} {reason} replaces only a model folder\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_train_force_replaces_a_model_folder(tmp_path, model_dir, tiny_corpus):
    import shutil

    target = tmp_path / "m"
    shutil.copytree(model_dir, target)
    (target / "MODEL_CARD.md").write_text("card", encoding="utf-8")
    code, _, err = run("train", str(tiny_corpus), "-o", str(target), "--force", "--no-progress")
    assert code == 0, err
    assert sorted(p.name for p in target.iterdir()) == ["MODEL_CARD.md", "arrays.npz", "model.json"]


def test_targets_that_find_no_document_leave_the_output_alone(tmp_path):
    # A mistyped folder replaced an existing table with its header alone.
    out = tmp_path / "targets.csv"
    out.write_text("kept\n", encoding="utf-8")
    code, _, err = run("targets", str(tmp_path / "reprots"), "-o", str(out), "--no-progress")
    assert (code, err) == (1, f"policytext: error: no documents found in {tmp_path / 'reprots'} ({tmp_path / 'reprots'}: no such file); nothing was written\n")
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_evaluate_refuses_an_empty_file_and_labels_the_model_cannot_give(tmp_path, model_dir):
    # An empty file gave scikit-learn's "Found empty input array"; "farm" was scored silently.
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    code, out, err = run("evaluate", str(empty), "--model", str(model_dir))
    assert (code, out, err) == (1, "", f"policytext: error: {empty}: no labelled sentences to evaluate on\n")
    farm = write_jsonl(tmp_path / "farm.jsonl", [{"text": "新建农田。", "label": "farm"}])
    code, out, err = run("evaluate", str(farm), "--model", str(model_dir))
    assert code == 1 and err.startswith(f"policytext: error: {farm}:1: unknown label 'farm' (allowed: agriculture, economy,")


@pytest.mark.parametrize("option, value", [("--plot-by", "level"), ("--font", "x.ttf")])
def test_plot_options_without_a_plot_are_a_usage_error(tmp_path, option, value):
    # They were ignored without a word, while --evidence without --summary was refused.
    code, out, err = run("tag", str(tmp_path), option, value)
    assert (code, out, err) == (2, "", f"policytext: error: {option} is for the plot, and there is none: add --plot FILE.png\n")


@pytest.mark.filterwarnings("always:training on:UserWarning")
def test_train_on_a_corpus_too_small_says_so_in_its_own_words(tmp_path):
    # scikit-learn's "max_df corresponds to < documents than min_df" came through, and the
    # warning printed Python's file, line and source. The warning of a small corpus now
    # follows the fit, and says what it kept: a corpus refused has no such warning.
    corpus = write_jsonl(tmp_path / "two.jsonl", [{"text": "新建农田。", "label": "agriculture"}, {"text": "完成产值。", "label": "economy"}])
    code, out, err = run("train", str(corpus), "-o", str(tmp_path / "m"), "--no-progress")
    assert (code, out) == (1, "")
    assert err == "policytext: error: training needs more sentences: an n-gram must occur in 3 sentences to be kept, and the corpus has 2\n"


SIX = ["新建高标准农田3000亩。", "培育家庭农场12家。", "粮食总产稳定在5万吨。", "排查整改安全隐患210条。", "开展防汛应急演练3次。", "检查危化品企业16家。"]
SIX_LABELS = ["agriculture"] * 3 + ["safety"] * 3


@pytest.mark.filterwarnings("always:training on:UserWarning")
def test_train_says_a_tiny_corpus_gives_near_uniform_predictions_and_takes_min_df(tmp_path):
    # Six sentences kept three n-grams and every probability was 0.50, under a warning
    # that spoke only of generalising, and min_df could not be lowered from the command line.
    from policytext import load

    corpus = write_jsonl(tmp_path / "six.jsonl", [{"text": t, "label": label} for t, label in zip(SIX, SIX_LABELS)])
    code, out, err = run("train", str(corpus), "-o", str(tmp_path / "m"), "--no-progress")
    assert (code, out) == (0, "")
    assert err == (
        "policytext: warning: training on 6 sentences, 3 for the rarest label ('agriculture'); only 3 n-grams are in 3 or "
        "more of them (min_df=3) and were kept, so predictions will be near uniform (the surest label's probability "
        "averages 0.50 on the training sentences; uniform is 0.50). A smaller min_df keeps more n-grams (policytext train "
        "--min-df 1, or FeatureParams(min_df=1)); a model needs hundreds of sentences per label to generalise\n"
        f"trained on 6 sentences, 3 n-grams, labels agriculture,safety; wrote {tmp_path / 'm'}\n"
    )
    code, out, err = run("train", str(corpus), "-o", str(tmp_path / "m"), "--force", "--min-df", "1", "--no-progress")
    assert (code, out) == (0, "")
    assert err == (
        "policytext: warning: training on 6 sentences, 3 for the rarest label ('agriculture'); 156 n-grams are in 1 or "
        "more of them (min_df=1) and were kept. A model needs hundreds of sentences per label to generalise\n"
        f"trained on 6 sentences, 156 n-grams, labels agriculture,safety; wrote {tmp_path / 'm'}\n"
    )
    clf = load(tmp_path / "m")
    assert clf.features.min_df == 1
    assert clf.predict(SIX) == SIX_LABELS
    # Only min_df changes: the other settings are the shipped model's.
    assert clf.features.fold_variants == load().features.fold_variants


def test_train_refuses_a_min_df_below_one(tmp_path, tiny_corpus, capsys):
    with pytest.raises(SystemExit) as info:
        main(["train", str(tiny_corpus), "-o", str(tmp_path / "m"), "--min-df", "0"])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "policytext train: error: argument --min-df: must be an int from 1 to 1e+09, got '0'"
    assert not (tmp_path / "m").exists()


def test_a_file_name_with_any_line_break_stays_on_one_line():
    # U+2028 and U+0085 are line breaks to str.splitlines() too.
    from policytext.records import one_line

    assert one_line("a\u2028b\x85c\nd.txt") == "a\\u2028b\\u0085c\\nd.txt"


def test_train_refuses_a_link_as_its_output(tmp_path, model_dir, tiny_corpus):
    # Replacing it replaced the folder it led to.
    link = tmp_path / "mlink"
    link.symlink_to(model_dir)
    code, _, err = run("train", str(tiny_corpus), "-o", str(link), "--force")
    assert (code, err) == (2, f"policytext: error: {link} is a link; give the model folder itself\n")


def test_usage_mistakes_about_outputs_exit_2_before_any_work(tmp_path, model_dir):
    # Exit 2 says "fix the command": a format, an extension or an output path
    # that the command itself gets wrong. They exited 1, as if the job had failed.
    report = tmp_path / "r.txt"
    report.write_text("新建高标准农田3000亩。", encoding="utf-8")
    folder = tmp_path / "out.jsonl"
    folder.mkdir()
    d = tmp_path
    cases = [
        (("tag", str(report), "-o", f"{d}/x.csv", "--format", "jsonl"), f"{d}/x.csv: --format jsonl disagrees with the extension .csv"),
        (("tag", str(report), "--format", "parquet"), "tag_files(): format 'parquet' needs an output file to write (output=FILE, -o FILE)"),
        (("tag", str(report), "-o", f"{d}/x.txt"), f"{d}/x.txt: cannot tell the records' format from the extension; use .jsonl, .csv, .parquet or .xlsx"),
        (("tag", str(report), "-o", f"{d}/a.jsonl", "--summary", f"{d}/a.jsonl"), f"--summary {d}/a.jsonl: the same file as --output; give each output its own file"),
        (("tag", str(report), "-o", str(folder)), f"--output {folder}: the output is a folder"),
        (("tag", str(report), "-o", "/dev/null"), "--output /dev/null: the output is not a regular file (a device or a process's stream)"),
        (("tag", str(report), "-o", str(report)), f"--output {report}: the output is one of the input documents"),
        (("tag", str(report), "-o", f"{d}/no/such/o.jsonl"), f"--output {d}/no/such/o.jsonl: no such folder {d}/no/such"),
        (("tag", str(report), "-o", f"{d}/o.jsonl", "--summary", f"{d}/s.txt"), f"--summary {d}/s.txt: unknown table extension '.txt'; use one of .csv, .jsonl, .parquet, .xlsx"),
        (("targets", str(report), "-o", f"{d}/t.csv", "--format", "jsonl"), f"--output {d}/t.csv: --format jsonl disagrees with the extension .csv (csv)"),
        (("targets", str(report), "-o", f"{d}/t.txt"), f"--output {d}/t.txt: unknown table extension '.txt'; use one of .csv, .jsonl, .parquet, .xlsx"),
        (("targets", str(report), "-o", str(folder)), f"{folder}: the output is a folder"),
        (("targets", str(report), "-o", "/dev/stdout.csv"), "/dev/stdout.csv: the output is not a regular file (a device or a process's stream)"),
    ]
    for argv, message in cases:
        if argv[0] == "tag":
            argv = (*argv, "--model", str(model_dir), "--no-progress")
        code, out, err = run(*argv)
        assert (code, out, err) == (2, "", f"policytext: error: {message}\n"), argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "r.txt"]


def test_evaluate_names_a_bad_file_without_a_line_number(tmp_path, model_dir):
    # "nonexist.jsonl:0: no such file or folder": a line 0 of a file that is not
    # there; and /dev/null, which is there, was called missing.
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    cases = [
        (tmp_path / "nonexist.jsonl", "no such file or folder"),
        ("/dev/null", "not a regular file"),
        (empty, "empty file"),
    ]
    for path, reason in cases:
        code, out, err = run("evaluate", str(path), "--model", str(model_dir))
        assert (code, out, err) == (1, "", f"policytext: error: {path}: {reason}\n")
    code, _, err = run("train", str(empty), "-o", str(tmp_path / "m"))
    assert (code, err) == (1, f"policytext: error: {empty}: empty file\n")
    bare = tmp_path / "bare"
    bare.mkdir()
    code, _, err = run("evaluate", str(bare), "--model", str(model_dir))
    assert (code, err) == (1, f"policytext: error: {bare}: folder holds no .jsonl files\n")


def test_train_labels_that_name_no_label_are_bad_usage(tmp_path, tiny_corpus):
    out = tmp_path / "model"
    code, _, err = run("train", str(tiny_corpus), "-o", str(out), "--labels", ",")
    assert code == 2
    assert err == "policytext: error: --labels ',' names no label; give labels separated by commas (economy,other), or 'any'\n"
    assert not out.exists()


# Standard input and standard output: "policytext tag - -o -".

PIPED = "一、工作回顾\n新建高标准农田3000亩。排查整改安全隐患210条。\n"


def _from_a_file(tmp_path, model_dir, *options):
    """What tagging PIPED from a file writes to standard output, with the file named as standard input is."""
    report = tmp_path / "r.txt"
    report.write_text(PIPED, encoding="utf-8")
    code, out, err = run("tag", str(report), "--model", str(model_dir), *options)
    assert (code, err) == (0, "")
    return out.replace(json.dumps(str(report))[1:-1], "-")


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_tag_reads_one_document_from_standard_input_as_a_txt_file_is_read(tmp_path, model_dir, encoding):
    expected = _from_a_file(tmp_path, model_dir)
    for to_stdout in ([], ["-o", "-"]):  # no -o writes to standard output, as -o - does
        code, out, err = run("tag", "-", "--model", str(model_dir), *to_stdout, stdin=PIPED.encode(encoding))
        assert (code, out, err) == (0, expected, "")
    assert {json.loads(line)["file"] for line in expected.splitlines()} == {"-"}


def test_tag_writes_csv_to_standard_output(tmp_path, model_dir):
    expected = _from_a_file(tmp_path, model_dir, "--format", "csv")
    code, out, err = run("tag", "-", "-o", "-", "--format", "csv", "--model", str(model_dir), stdin=PIPED.encode())
    assert (code, out, err) == (0, expected, "")
    assert out.startswith("file,index,start,end,section,text,part,label,score,") and "\r\n-,0,0,6," in out


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_a_table_format_cannot_go_to_standard_output(tmp_path, model_dir, fmt):
    code, out, err = run("tag", "-", "-o", "-", "--format", fmt, "--model", str(model_dir), stdin=PIPED.encode())
    assert (code, out, err) == (2, "", f"policytext: error: -o -: {fmt} cannot be written to standard output; use --format jsonl or csv, or -o FILE.{fmt}\n")


def test_standard_input_cannot_be_resumed(tmp_path, model_dir):
    out_file = tmp_path / "o.jsonl"
    code, out, err = run("tag", "-", "-o", str(out_file), "--resume", "--model", str(model_dir), stdin=PIPED.encode())
    assert (code, out) == (2, "")
    assert err == "policytext: error: --resume: cannot skip standard input ('-'): it is read anew each time; tag it without --resume\n"
    assert not out_file.exists()


def test_standard_input_that_is_not_text_fails_as_a_document(tmp_path, model_dir):
    for data, reason in ((b"", "empty file"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data, not text")):
        code, out, err = run("tag", "-", "--model", str(model_dir), stdin=data)
        assert (code, out, err) == (3, "", f"policytext: -: {reason}\n")


@pytest.mark.parametrize("command", ["tag", "targets"])
def test_standard_input_closed_fails_as_a_document_not_a_traceback(tmp_path, model_dir, command):
    import os
    import subprocess
    import sys

    # Started with standard input closed (cron, "<&-", a service manager): sys.stdin is None.
    args = ["tag", "-", "--no-progress", "--model", str(model_dir)] if command == "tag" else ["targets", "-", "-o", str(tmp_path / "t.csv")]
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from policytext.cli import main; sys.exit(main())", *args],
        cwd=REPO, stdin=subprocess.DEVNULL, capture_output=True, text=True, preexec_fn=lambda: os.close(0),
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (3, "", "policytext: -: no standard input to read (it is closed)\n")


def test_a_file_named_dash_that_a_pattern_finds_is_that_file_not_standard_input(tmp_path, model_dir, monkeypatch):
    (tmp_path / "-").write_text("新建高标准农田4300亩。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("tag", "*", "--no-progress", "--model", str(model_dir), stdin="整改安全隐患126条。\n".encode())
    # It has no suffix to tell its format, so it fails; standard input was not tagged in its place.
    assert (code, out) == (3, "")
    assert err == "policytext: ./-: no file suffix to tell the format (policytext reads .txt, .md, .html, .htm, .docx, .pdf)\n"


@pytest.mark.parametrize("command", ["tag", "targets"])
def test_the_help_shows_a_pipe(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = capsys.readouterr().out
    assert f"cat report.txt | policytext {command} - -o " in help_text
    assert "- reads one plain-text document from standard input, named - in the output" in " ".join(help_text.split())


def test_train_warns_of_a_named_label_without_sentences_and_keeps_the_labels_order(tmp_path):
    # --labels yes,no,maybe on a corpus without `maybe` trained a model without it, silently, and stored no,yes.
    rows = [{"text": f"治理{i}号河道黑臭水体。", "label": "yes"} for i in range(1, 4)] + [{"text": f"新建幼儿园{i}所。", "label": "no"} for i in range(1, 4)]
    corpus = write_jsonl(tmp_path / "c.jsonl", rows)
    code, out, err = run("train", str(corpus), "-o", str(tmp_path / "m"), "--labels", "yes,no,maybe", "--min-df", "1", "--no-progress")
    assert (code, out) == (0, "")
    assert err.startswith("policytext: warning: no sentence of the corpus is labelled 'maybe', so the model cannot give it: add sentences of it, or leave it out of the labels\n")
    assert err.endswith(f"n-grams, labels yes,no; wrote {tmp_path / 'm'}\n")
    from policytext import load

    clf = load(tmp_path / "m")
    assert clf.labels == ["yes", "no"] and clf.predict(["治理5号河道黑臭水体。", "新建幼儿园9所。"]) == ["yes", "no"]


def test_evaluate_aligns_chinese_labels_by_their_width(tmp_path):
    # Labels were padded by characters: a Chinese label, two columns a character, pushed its figures right.
    from policytext.metrics import evaluate, format_report

    lines = format_report(evaluate(["环境保护", "其他", "yes"], ["环境保护", "其他", "yes"], ["环境保护", "其他", "yes"])).splitlines()
    rows = [line for line in lines if line.endswith("1.000         1")]
    assert rows == ["环境保护       1.000     1.000     1.000         1", "其他           1.000     1.000     1.000         1", "yes            1.000     1.000     1.000         1"]
    assert lines[-4:] == ["             环境   其他    yes", "环境保护        1      0      0", "其他            0      1      0", "yes             0      0      1"]


def test_evidence_by_without_evidence_and_outputs_named_dash_are_refused(tmp_path, model_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a file named "-" was written
    report = tmp_path / "r.txt"
    report.write_text(PIPED, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    cases = [
        (("--evidence-by", "least"), "--evidence-by is for the evidence sentences, and there are none: add --evidence N"),
        (("--summary", "-"), "--summary -: only the records go to standard output (-o -); give --summary a file name"),
        (("--panel", "-"), "--panel -: only the records go to standard output (-o -); give --panel a file name"),
        (("--errors", "-"), "--errors -: only the records go to standard output (-o -); give --errors a file name"),
        (("--plot", "-"), "--plot -: only the records go to standard output (-o -); give --plot a file name"),
    ]
    for extra, message in cases:
        code, stdout, err = run("tag", str(report), "-o", str(out), "--model", str(model_dir), *extra)
        assert (code, stdout, err) == (2, "", f"policytext: error: {message}\n"), extra
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]  # no output, and no file named "-"
