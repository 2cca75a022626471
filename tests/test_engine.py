"""The batch engine must give the reference path's scores."""

import numpy as np
import pytest

from policytext import load, split_sentences
from policytext.engine import BatchEngine, EngineUnsupported
from policytext.features import FeatureParams
from policytext.train import train, train_corpus

from conftest import TINY, write_jsonl

ODD = [
    "",
    "   ",
    "\u3000\n\t",
    "新建高标准农田4300亩。",
    "ＧＤＰ增长５．２％，ＡＢＣ abc",
    "含\x00空字符\x00的句子",
    "\x00",
    "生僻字𠀀𪚥与表情😀混排，完成产值3亿元",
    "一",
    "农" * 500,
    "排查整改安全隐患210条；调解矛盾纠纷120起。",
    "Ⅲ类水质①②③㈠",
    "\ufeff开头带BOM",
]


def assert_same(clf, texts):
    fast = clf.decision_function(texts)
    ref = clf.decision_function(texts, engine="reference")
    # float32 sums: equal to about 1e-6 (see policytext/engine.py)
    np.testing.assert_allclose(fast, ref, rtol=0, atol=1e-5)
    assert clf.predict(texts) == clf.predict(texts, engine="reference")


def test_engine_matches_reference_on_odd_texts(tiny_model):
    assert_same(tiny_model, ODD)


def test_engine_matches_reference_on_the_shipped_model():
    assert_same(load(), ODD + [t for texts in TINY.values() for t in texts])


def assert_batch_free(clf, texts):
    """Each text's scores are the same alone, three at a time, and among thousands."""
    assert clf.has_batch_engine  # built: single texts then go through it too
    together = clf.decision_function(texts)
    assert np.array_equal(together, np.vstack([clf.decision_function([t]) for t in texts]))
    assert np.array_equal(together, clf.decision_function(texts * 100)[: len(texts)])  # thousands at once
    assert np.array_equal(together, np.vstack([clf.decision_function(texts[i : i + 3]) for i in range(0, len(texts), 3)]))


def test_a_sentences_scores_do_not_depend_on_its_batch(tiny_model):
    # The archive path scores several documents in one batch, and its
    # workers other batches: the records must be the same either way.
    texts = ODD + [t for texts in TINY.values() for t in texts]
    assert_batch_free(load(), texts)
    assert_batch_free(tiny_model, texts)


def test_models_the_engine_cannot_serve_use_the_reference_path():
    texts = [t for ts in TINY.values() for t in ts]
    labels = [label for label, ts in TINY.items() for _ in ts]
    clf = train(texts, labels, features=FeatureParams(norm="l2"))
    with pytest.raises(EngineUnsupported, match="token norm"):
        BatchEngine(clf)
    assert_same(clf, ODD)


def test_engine_on_real_report_sentences(shared):
    texts = []
    for path in sorted((shared / "data").rglob("*.txt")):
        texts += [s.text for s in split_sentences(path.read_text(encoding="utf-8"))]
    clf = load()
    fast = clf.decision_function(texts)
    ref = clf.decision_function(texts, engine="reference")
    agree = (fast.argmax(axis=1) == ref.argmax(axis=1)).mean()
    assert len(texts) > 10_000
    assert agree >= 0.999
    np.testing.assert_allclose(fast, ref, rtol=0, atol=1e-5)


def test_few_texts_before_the_engine_is_built_match_the_reference():
    from policytext.engine import FEW, few_scores
    from policytext.modelfile import load_model

    clf = load_model(load().metadata["path"])  # a fresh copy: no engine built yet
    texts = ODD[:FEW]
    np.testing.assert_allclose(clf.decision_function(texts), clf.decision_function(texts, engine="reference"), rtol=1e-9, atol=1e-9)
    assert clf._engine is None
    # few_scores gives the linear scores; the classifier gives texts without a feature to `other` on top of them.
    scores, featureless = few_scores(clf, ODD)
    assert featureless.tolist() == (clf.transform(ODD).getnnz(axis=1) == 0).tolist() and 0 < featureless.sum() < len(ODD)
    reference = clf.decision_function(ODD, engine="reference")
    np.testing.assert_allclose(scores[~featureless], reference[~featureless], rtol=1e-9, atol=1e-9)


def test_lone_surrogates_are_unknown_characters_not_errors():
    clf = load()
    texts = ["新建\ud800高标准农田", "\udfff", "完成产值\ud858\ude54亿元"] * 10
    np.testing.assert_allclose(clf.decision_function(texts), clf.decision_function(texts, engine="reference"), rtol=0, atol=1e-5)
    assert clf.predict(texts) == clf.predict(texts, engine="reference")


def test_a_vocabulary_of_unfolded_characters_is_left_to_the_reference_path(tiny_model):
    from policytext.model import Classifier

    vocab = ["A", "a", "农"]  # "A" never survives the fold, so it can be no feature
    clf = Classifier(tiny_model.labels, vocab, [1.0] * 3, np.ones((3, len(tiny_model.labels)), dtype=np.float32),
                     tiny_model.intercept, features=tiny_model.features)
    with pytest.raises(EngineUnsupported, match="fold changes"):
        BatchEngine(clf)
    assert_same(clf, ["Aa农", "农田"])


@pytest.mark.parametrize(
    "setting",
    [
        {},
        {"_PAIRS_LIMIT": 0},  # bigrams from a hash table, as for a model with very many characters
        {"_LOAD": 1},  # a full table: most lookups probe past other keys
        {"_INT32_KEYS": 0},  # 64-bit keys, as for a very large vocabulary
    ],
    ids=["default", "hashed-bigrams", "crowded-table", "int64-keys"],
)
@pytest.mark.parametrize("ngram_range", [(1, 2), (1, 3), (1, 4)])
def test_every_lookup_layout_matches_the_reference(monkeypatch, setting, ngram_range):
    import policytext.engine as engine_module

    for name, value in setting.items():
        monkeypatch.setattr(engine_module, name, value)
    texts = [t for ts in TINY.values() for t in ts]
    labels = [label for label, ts in TINY.items() for _ in ts]
    # min_df=1 keeps every n-gram of the training text: a vocabulary of
    # about a thousand n-grams, enough to crowd a small hash table.
    clf = train(texts, labels, features=FeatureParams(ngram_range=ngram_range, min_df=1))
    engine = BatchEngine(clf)
    assert (engine.pairs is None) == (setting.get("_PAIRS_LIMIT") == 0 or ngram_range[1] < 2)
    assert engine.key_dtype == (np.int64 if "_INT32_KEYS" in setting else np.int32)
    clf._engine = engine
    assert_same(clf, ODD + texts + [t[::-1] for t in texts])


def test_passes_cut_by_characters_give_the_scores_of_one_pass(monkeypatch, tiny_model):
    import policytext.engine as engine_module

    texts = [t for ts in TINY.values() for t in ts] + ["农" * 300, "", "新建高标准农田3000亩。"]
    engine = BatchEngine(tiny_model)
    whole, _ = engine.scores(texts)
    passes = []
    monkeypatch.setattr(engine_module, "_CHUNK_CHARS", 40)  # the 300-character text is scored in windows
    monkeypatch.setattr(engine, "scores_joined", lambda joined, f=engine.scores_joined: passes.append(joined) or f(joined))
    np.testing.assert_allclose(engine.scores(texts)[0], whole, rtol=0, atol=1e-6)
    assert len(passes) >= 5
    assert not any("农" * 300 in p for p in passes)
    assert sum(p.count("\x00") for p in passes) == len(texts) - 1


def test_a_model_from_a_tiny_corpus_tags_batches_and_warns(tmp_path):
    # Four sentences keep a single one-character n-gram: the engine must not
    # assume n-grams as long as ngram_range allows.
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": t, "label": l} for t, l in [("新建农田。", "agriculture"), ("整改隐患。", "safety"), ("完成产值。", "economy"), ("各位代表：", "other")]])
    with pytest.warns(UserWarning, match="training on 4 sentences, 1 for the rarest label"):
        clf = train_corpus(path)
    texts = ["新建农田。", "完成产值。"] * 20
    assert clf.predict(texts) == clf.predict(texts, engine="reference")


def test_a_text_longer_than_a_pass_is_scored_in_windows_as_the_reference_does():
    # One huge "sentence" (a file passed whole to classify_batch) is scored
    # a window at a time, with the scores of the whole text.
    clf = load()
    long = "全年新建高标准农田4300亩，完成规上工业产值38.6亿元，整改安全隐患126条。" * 7000  # ~280k characters
    texts = ["新建农田。", long, "各位代表："]
    np.testing.assert_allclose(clf.decision_function(texts), clf.decision_function(texts, engine="reference"), atol=1e-5)
    assert clf.decision_function([long]).shape == (1, len(clf.labels))


@pytest.mark.parametrize("norm", ["l2_tokens", "l1", None])
def test_texts_without_a_feature_are_found_from_the_norm_column_for_every_norm(tiny_model, norm):
    from policytext.engine import _CHUNK_CHARS

    texts = [t for ts in TINY.values() for t in ts]
    labels = [label for label, ts in TINY.items() for _ in ts]
    clf = train(texts, labels, features=FeatureParams(norm=norm))
    engine = BatchEngine(clf)
    batch = ["※", "", "新建高标准农田3000亩。", "\x00\u200b", "※" * (_CHUNK_CHARS + 10), "农" * (_CHUNK_CHARS + 10)]
    scores, featureless = engine.scores(batch)
    assert featureless.tolist() == [True, True, False, True, True, False]
    np.testing.assert_array_equal(scores[featureless], np.tile(clf.intercept, (4, 1)))
    assert clf.predict(batch) == clf.predict(batch, engine="reference")
    assert [clf.predict(batch)[i] for i in (0, 1, 3, 4)] == ["other"] * 4
