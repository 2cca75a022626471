"""Corpus reading rules, and the rules the shipped corpus must keep."""

import collections
import importlib.util
import json
import re

import pytest

from conftest import REPO, write_jsonl
from policytext import CorpusError, ParameterError
from policytext.corpus import LABELS, Record, read_corpus

CORPUS = REPO / "corpora"


def test_bad_lines_are_all_reported_with_line_numbers(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"text": "新建农田。", "label": "agriculture"}, ensure_ascii=False),
                json.dumps({"text": "  ", "label": "economy"}),
                json.dumps({"text": "做好工作。", "label": "sports"}, ensure_ascii=False),
                "{broken",
                json.dumps({"text": "新建农田。", "label": "economy"}, ensure_ascii=False),
                json.dumps({"text": "新建农田。", "label": "agriculture"}, ensure_ascii=False),
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as info:
        read_corpus(path)
    assert [(line, msg.split(" (")[0]) for _, line, msg in info.value.problems] == [
        (2, "empty or missing text"),
        (3, "unknown label 'sports'"),
        (4, "not valid JSON"),
        (5, f"labelled 'economy' here but 'agriculture' at {path}:1"),
    ]
    assert f"{path}:3: unknown label 'sports'" in str(info.value)


def test_lines_end_at_line_feeds_only_and_white_space_does_not_hide_a_conflict(tmp_path):
    # json.dumps leaves U+2028 and U+0085 raw inside a string; splitlines() cut the line there
    # and numbered every later line wrong. The model ignores white space, so two texts equal
    # without it are one sentence, and two labels for it are a conflict.
    path = tmp_path / "c.jsonl"
    rows = [
        {"text": "完成工业总产值\u2028246亿元。", "label": "economy"},
        {"text": "各位\u0085代表：", "label": "other"},
        {"text": "完成 工业总产值246亿元。", "label": "agriculture"},
        {"text": 123, "label": "economy"},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        read_corpus(path)
    assert [(line, msg) for _, line, msg in info.value.problems] == [
        (3, f"labelled 'agriculture' here but 'economy' at {path}:1"),
        (4, "text must be a string, got int"),
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:2]), encoding="utf-8")
    assert read_corpus(path).texts == ["完成工业总产值\u2028246亿元。", "各位\u0085代表："]


def test_duplicates_with_the_same_label_are_kept_once(tmp_path):
    rows = [{"text": "新建农田。", "label": "agriculture"}] * 3 + [{"text": "各位代表：", "label": "other"}]
    corpus = read_corpus(write_jsonl(tmp_path / "c.jsonl", rows))
    assert corpus.texts == ["新建农田。", "各位代表："]


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="folder holds no .jsonl files"):
        read_corpus(tmp_path)


@pytest.mark.parametrize("paths, shown", [("", "''"), ([""], "['']"), ([], "[]"), (None, "None"), (3, "3")])
@pytest.mark.parametrize("where", ["read_corpus", "corpus_files", "document_files", "train_corpus"])
def test_corpus_paths_are_refused_as_tag_files_refuses_them(tmp_path, monkeypatch, where, paths, shown):
    # "" read every corpus under the current folder, [] gave an empty corpus, None a bare TypeError.
    from policytext.corpus import corpus_files, document_files
    from policytext.train import train_corpus

    call = {"read_corpus": read_corpus, "corpus_files": corpus_files, "document_files": document_files, "train_corpus": train_corpus}[where]
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "here.jsonl", [{"text": "新建农田。", "label": "agriculture"}])
    with pytest.raises(ParameterError) as info:
        call(paths)
    assert str(info.value) == f"{where}(): 'paths' must be a path or a non-empty list of paths, got {shown}"


def test_custom_labels_accepted_when_asked(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "甲。", "label": "yes"}, {"text": "乙。", "label": "no"}])
    with pytest.raises(CorpusError, match="unknown label 'yes'"):
        read_corpus(path)
    assert read_corpus(path, labels=["yes", "no"]).labels == ["yes", "no"]
    assert read_corpus(path, labels=None).labels == ["yes", "no"]


# -- the shipped corpus ----------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return read_corpus(CORPUS)


def test_shipped_corpus_size_and_balance(shipped):
    counts = collections.Counter(shipped.labels)
    assert len(shipped.records) >= 6000
    for label in LABELS:
        assert counts[label] >= (300 if label == "other" else 500), (label, counts[label])


def test_shipped_corpus_is_written_and_varied(shipped):
    assert all(r.extra.get("source") == "written" for r in shipped.records)
    lengths = [len(r.text) for r in shipped.records]
    assert min(lengths) <= 6 and max(lengths) >= 150
    years = {int(y) for r in shipped.records for y in re.findall(r"(20[12]\d)年", r.text)}
    assert len(years & set(range(2010, 2026))) >= 12
    # Page clutter, headings and figures are all present.
    texts = shipped.texts
    assert sum("发布时间" in t or "来源" in t for t in texts) >= 20
    assert sum(bool(re.match(r"[（(][一二三四五六七八九十]+[）)]", t)) for t in texts) >= 100
    assert sum(bool(re.search(r"\d", t)) for t in texts) >= 1500


def _copy_check():
    # The writers' check script holds the one copy rule; load it by path,
    # since corpora/ is not a package.
    spec = importlib.util.spec_from_file_location("corpus_check", CORPUS / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_corpus_sentence_is_copied_from_shared_data(shipped, shared):
    # Real reports and both evaluation sets (dev.jsonl, national_dev.jsonl).
    copied = _copy_check().copied(shipped.records, shared)
    assert not copied, "\n".join(f"{r.path}:{r.line}: {r.text}" for r in copied)


def test_copy_check_finds_a_copied_sentence(shared, tmp_path):
    # The check must be able to fail: a real sentence, lightly edited, is caught.
    rows = [json.loads(line) for line in (shared / "eval" / "national_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    real = next(r for r in rows if len(r["text"]) >= 60)
    edited = real["text"][:-1] + "！"
    # Short stock sentences count too: one of 16-30 characters, its ending changed.
    short = next(r for r in rows if 18 <= len(r["text"]) <= 30)
    short_edited = short["text"][:-2] + "。"
    written = "新建农田" * 12
    # A real passage of 45 characters inside a long composed sentence counts; a quoted phrase of 30 does not.
    padding = "桐溪县今年的各项工作，在县委统一部署下，由各乡镇分头落实，" * 3
    passage = padding + real["text"][:45] + padding
    phrase = padding + real["text"][:30] + padding
    rows = [{"text": t, "label": real["label"]} for t in (edited, short_edited, passage, phrase)] + [{"text": written, "label": "agriculture"}]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    assert [r.text for r in _copy_check().copied(read_corpus(path).records, shared)] == [edited, short_edited, passage]


# -- the written documents (corpora/documents/) ----------------------------


def _document_check():
    spec = importlib.util.spec_from_file_location("document_check", CORPUS / "check_documents.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def documents():
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "documents").glob("*.json"))}


def test_documents_are_whole_labelled_reports_the_segmenter_reads_as_written(documents):
    check = _document_check()
    assert len(documents) >= 200
    problems = {name: check.problems_of(doc) for name, doc in documents.items()}
    assert not {name: p for name, p in problems.items() if p}
    levels = collections.Counter(doc["level"] for doc in documents.values())
    assert set(levels) == set(check.LEVELS)
    decades = {doc["year"] // 10 * 10 for doc in documents.values()}
    assert {1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020} <= decades
    assert {doc["kind"] for doc in documents.values()} == set(check.KINDS)
    # Every shipped document names its writer's group, which cross-fitting holds out whole.
    assert all(doc.get("group") for doc in documents.values())
    assert len({doc["group"] for doc in documents.values()}) >= 20


def test_a_document_the_segmenter_reads_otherwise_is_caught():
    check = _document_check()
    line = [{"text": "完成产值5亿元", "label": "economy", "part": "review"}, {"text": "新增企业3家。", "label": "economy", "part": "review"}]
    doc = {"level": "county", "kind": "annual", "year": 2020, "source": "written", "lines": [line] * 20}
    assert any("splits sentence 0 differently" in p for p in check.problems_of(doc))


def test_no_document_sentence_is_copied_from_shared_data(documents, shared):
    records = [
        Record(s["text"], s["label"], name, 0)
        for name, doc in documents.items()
        for line in doc["lines"]
        for s in line
    ]
    copied = _copy_check().copied(records, shared)
    assert not copied, "\n".join(f"{r.path}: {r.text}" for r in copied)


def test_a_document_with_an_empty_or_non_string_group_is_caught():
    check = _document_check()
    line = [{"text": "新增企业3家。", "label": "economy", "part": "review"}]
    doc = {"level": "county", "kind": "annual", "year": 2020, "source": "written", "lines": [line] * 40}
    assert check.problems_of(doc) == []  # a group is optional
    for bad in ("", " ", 7, None):
        assert f"group must be a non-empty string, got {bad!r}" in check.problems_of(dict(doc, group=bad))


def test_written_documents_take_any_label_when_asked():
    # policytext train --labels any failed on a corpus with a documents/ folder:
    # "argument of type 'NoneType' is not iterable".
    from policytext.corpus import document_files, read_documents

    files = document_files([CORPUS])[:2]
    assert [d.labels for d in read_documents(files, labels=None)] == [d.labels for d in read_documents(files)]


def test_an_exact_duplicate_of_a_white_space_variant_is_read_once(tmp_path):
    rows = [{"text": "发展经济。", "label": "economy"}, {"text": "发展 经济。", "label": "economy"}, {"text": "发展 经济。", "label": "economy"}]
    assert read_corpus(write_jsonl(tmp_path / "c.jsonl", rows)).texts == ["发展经济。", "发展 经济。"]


def test_texts_the_feature_fold_makes_one_sentence_conflict_with_both_line_numbers(tmp_path):
    # Only white-space variants were refused; digits, traditional characters and
    # full-width forms are folded too, so the model saw one text with two labels.
    rows = [
        {"text": "新建幼儿园3所。", "label": "livelihood"},
        {"text": "新建幼儿园5所。", "label": "other"},
        {"text": "新建高标准农田。", "label": "agriculture"},
        {"text": "新建高標準農田。", "label": "economy"},
        {"text": "ＧＤＰ增长。", "label": "economy"},
        {"text": "gdp增长。", "label": "other"},
    ]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    with pytest.raises(CorpusError) as info:
        read_corpus(path)
    assert [(line, msg) for _, line, msg in info.value.problems] == [
        (2, f"labelled 'other' here but 'livelihood' at {path}:1 ('新建幼儿园3所。', which the model reads as this text)"),
        (4, f"labelled 'economy' here but 'agriculture' at {path}:3 ('新建高标准农田。', which the model reads as this text)"),
        (6, f"labelled 'other' here but 'economy' at {path}:5 ('ＧＤＰ增长。', which the model reads as this text)"),
    ]
    # Features that keep digits tell the first two apart.
    from policytext.features import FeatureParams

    kept = read_corpus(write_jsonl(tmp_path / "d.jsonl", rows[:2]), features=FeatureParams(fold_digits=False))
    assert kept.labels == ["livelihood", "other"]


def test_every_line_keeps_repeats_and_differing_labels_as_cases(tmp_path):
    rows = [{"text": "各位代表：", "label": "other"}] * 3 + [{"text": "各位代表：", "label": "economy"}]
    corpus = read_corpus(write_jsonl(tmp_path / "t.jsonl", rows), every_line=True)
    assert (corpus.texts, corpus.labels) == (["各位代表："] * 4, ["other"] * 3 + ["economy"])


def test_a_file_with_no_json_line_is_one_problem(tmp_path):
    # A CSV corpus was refused with "not valid JSON" once per line.
    path = tmp_path / "c.csv"
    path.write_text("text,label\n新建农田。,agriculture\n发展经济。,economy\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        read_corpus(path)
    assert str(info.value) == f'{path}: not JSON Lines: no line is a JSON object; the corpus needs one {{"text": …, "label": …}} per line'
