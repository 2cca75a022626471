"""Corpus reading rules, and the rules the shipped corpus must keep."""

import collections
import json
import re
import unicodedata

import pytest

from conftest import REPO, write_jsonl
from policytext import CorpusError
from policytext.corpus import LABELS, read_corpus

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


def test_duplicates_with_the_same_label_are_kept_once(tmp_path):
    rows = [{"text": "新建农田。", "label": "agriculture"}] * 3 + [{"text": "各位代表：", "label": "other"}]
    corpus = read_corpus(write_jsonl(tmp_path / "c.jsonl", rows))
    assert corpus.texts == ["新建农田。", "各位代表："]


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="no such file or folder"):
        read_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="folder holds no .jsonl files"):
        read_corpus(tmp_path)


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


def _norm(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _shared_texts(shared):
    data = shared / "data"
    for path in sorted(data.rglob("*.txt")):
        yield path.read_text(encoding="utf-8", errors="replace")
    for path in sorted(data.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield json.loads(line).get("content", "")


RUN = 12


def test_no_corpus_sentence_is_copied_from_shared_data(shipped, shared):
    long = [(r, _norm(r.text)) for r in shipped.records if len(r.text) >= 40]
    wanted = {t[i : i + RUN] for _, t in long for i in range(len(t) - RUN + 1)}
    found = set()
    for text in _shared_texts(shared):
        text = _norm(text)
        found.update(g for g in (text[i : i + RUN] for i in range(len(text) - RUN + 1)) if g in wanted)
    copied = []
    for record, text in long:
        covered = bytearray(len(text))
        for i in range(len(text) - RUN + 1):
            if text[i : i + RUN] in found:
                covered[i : i + RUN] = b"\x01" * RUN
        if sum(covered) >= 0.9 * len(text):
            copied.append(f"{record.path}:{record.line}: {record.text}")
    assert not copied, "\n".join(copied)
