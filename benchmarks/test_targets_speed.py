"""pytest-benchmark timing of target extraction on every real report in ../shared/data.

    pytest benchmarks/test_targets_speed.py --benchmark-only

The goal: all national reports and the 31 provincial reports of 2026 in under
5 seconds on one core.
"""

import json
import pytest

import policytext

@pytest.fixture(scope="module")
def reports(shared_data):
    data = shared_data
    docs = []
    for line in (data / "national" / "government_work_reports.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        docs.append((int(doc["year"]) if doc.get("year") else None, doc["content"]))
    docs += [(2026, p.read_text(encoding="utf-8")) for p in sorted((data / "provincial-2026").glob("*.txt"))]
    return docs


def extract_all(docs):
    return [policytext.targets(text, year=year) for year, text in docs]


def test_targets_all_reports(benchmark, reports):
    found = benchmark.pedantic(extract_all, args=(reports,), rounds=3, warmup_rounds=1)
    assert len(found) == len(reports)
    assert sum(t.stated for doc in found for t in doc) > 200


@pytest.mark.parametrize("clauses", [10_000, 40_000])
def test_targets_of_one_very_long_sentence(benchmark, clauses):
    # Linear in the sentence's clauses: each figure used to search back to the
    # sentence's start, so 4x the clauses took 10-15x the time (80,000: 49 s).
    text = "今年主要预期目标是：" + "地区生产总值增长5%左右，" * clauses
    found = benchmark.pedantic(policytext.targets, args=(text,), kwargs={"year": 2026}, rounds=1, warmup_rounds=0)
    assert found and found[0].indicator == "gdp_growth"


# Texts no report is, each of which once took time quadratic in its length
# (a figure, name or marker searched back to its clause's start): at these
# sizes each takes about a second now, against minutes before.
PATHOLOGICAL = {
    "lines without punctuation": "今年主要预期目标是：\n" + "地区生产总值增长6%左右\n" * 20_000,
    "markers without punctuation": "今年地区生产总值增长6%左右去年" * 20_000,
    "one clause of 20,000 names": "今年主要预期目标是：" + "、".join(["地区生产总值"] * 20_000) + "均增长6%。",
    "20,000 resolves": "确保全年目标完成，地区生产总值增长6%" * 20_000,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_targets_of_pathological_text(benchmark, name):
    found = benchmark.pedantic(policytext.targets, args=(PATHOLOGICAL[name],), kwargs={"year": 2026}, rounds=1, warmup_rounds=0)
    assert found[0].indicator == "gdp_growth"
