"""pytest-benchmark timings of policytext's own paths (no asserts on time).

    pytest benchmarks/ --benchmark-only

Compare runs with ``--benchmark-autosave`` and ``pytest-benchmark compare``;
benchmarks/compare.py runs the peers side by side.
"""

import json
import re

import pytest

import policytext

@pytest.fixture(scope="module")
def sentences(shared_data):
    docs = [p.read_text(encoding="utf-8") for p in sorted(shared_data.rglob("*.txt"))]
    for path in sorted(shared_data.rglob("*.jsonl")):
        docs += [json.loads(line)["content"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [s.text for d in docs for s in policytext.split_sentences(d)]


@pytest.fixture(scope="module")
def clf(sentences):
    model = policytext.load()
    model.predict(sentences[:10])
    model.predict(sentences[:10], engine="reference")
    return model


def test_classify_batch(benchmark, sentences, clf):
    labels = benchmark(policytext.classify_batch, sentences)
    assert len(labels) == len(sentences)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_classify_batch_200k(benchmark, sentences, clf, n_jobs):
    """The n_jobs target's workload; compare the two rows (group by param)."""
    many = (sentences * (200_000 // len(sentences) + 1))[:200_000]
    labels = benchmark.pedantic(policytext.classify_batch, args=(many,), kwargs={"n_jobs": n_jobs}, rounds=5, warmup_rounds=1)
    assert labels == clf.predict(many)  # threads give the single-threaded labels, in order


def test_reference_path(benchmark, sentences, clf):
    labels = benchmark.pedantic(clf.predict, args=(sentences[:5000],), kwargs={"engine": "reference"}, rounds=3)
    assert labels == clf.predict(sentences[:5000])


def test_predict_proba(benchmark, sentences, clf):
    proba = benchmark(clf.predict_proba, sentences)
    assert proba.shape == (len(sentences), len(clf.labels))


def test_split_sentences(benchmark, shared_data):
    docs = [p.read_text(encoding="utf-8") for p in sorted(shared_data.rglob("*.txt"))]
    text = "\n".join(docs)
    spans = benchmark(policytext.split_sentences, text)
    assert spans


def _shapes(reports, n=440_000):
    """Texts of about ``n`` characters that once split in quadratic time, each beside its normal peer.

    A line of unclosed "“" and stray "1）" (OCR'd quotes and list numbers)
    against the same line with matched pairs; paragraphs apart by a line of
    a zero-width space (a web copy's page break) against blank lines.
    """
    text = (reports * (2 * n // len(reports) + 1))[: 2 * n]
    flat = re.sub(r"[。！？；!?;，、：:“”‘’（）()《》\s]", "", text)[:n]
    chunks = [flat[i : i + 40] for i in range(0, len(flat) - 39, 40)]
    paragraphs = [p for p in text[:n].split("\n") if p.strip()]
    return {
        "quotes paired": "".join(f"“{c[:15]}。”（{i % 9 + 1}）{c[15:]}" for i, c in enumerate(chunks)),
        "quotes unclosed": "".join(f"“{c[:15]}。{i % 9 + 1}）{c[15:]}" for i, c in enumerate(chunks)),
        "page breaks blank": "\n\n".join(paragraphs),
        "page breaks zwsp": "\n\u200b\n".join(paragraphs),
    }


@pytest.mark.parametrize("shape", ["quotes paired", "quotes unclosed", "page breaks blank", "page breaks zwsp"])
def test_split_sentences_shapes(benchmark, shared_data, shape):
    """Each shape against its peer (the row above it): linear, so within a small factor at any size."""
    reports = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((shared_data / "provincial-2026").glob("*.txt")))
    benchmark.group = "split_sentences: " + shape.rsplit(" ", 1)[0]
    spans = benchmark.pedantic(policytext.split_sentences, args=(_shapes(reports)[shape],), rounds=3, warmup_rounds=1)
    assert spans


def test_load_model(benchmark):
    from policytext.modelfile import load_model

    path = policytext.api.default_model_path()
    clf = benchmark(load_model, path)
    assert clf.labels == list(policytext.LABELS)


def test_build_engine(benchmark, clf):
    from policytext.engine import BatchEngine

    engine = benchmark(BatchEngine, clf)
    # one row per n-gram, and zero rows for the two reserved character ids
    assert engine.weights.shape == (len(clf.vocabulary) + 2, len(clf.labels) + 1)
