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

    import tracemalloc

    load().decision_function(ODD[:2], engine="reference")  # the imports' memory is not the scoring's
    clf = load_model(load().metadata["path"])  # a fresh copy: no engine built yet
    texts = ODD[:FEW]
    tracemalloc.start()
    try:
        fast = clf.decision_function(texts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_allclose(fast, clf.decision_function(texts, engine="reference"), rtol=1e-9, atol=1e-9)
    # No engine was built for them: its tables (a code-point table of 4 MB, and
    # some 100 MB for the shipped model) would have taken far more.
    assert peak < 4 << 20, peak
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


@pytest.mark.parametrize("ngram_range", [(1, 2), (1, 3), (1, 4)])
def test_the_engine_of_a_trained_model_matches_the_reference(ngram_range):
    texts = [t for ts in TINY.values() for t in ts]
    labels = [label for label, ts in TINY.items() for _ in ts]
    # min_df=1 keeps every n-gram of the training text: a vocabulary of about a thousand n-grams.
    clf = train(texts, labels, features=FeatureParams(ngram_range=ngram_range, min_df=1))
    engine = BatchEngine(clf)
    assert (engine.pairs is None) == (ngram_range[1] < 2)  # bigrams from the table of every pair
    assert engine.key_dtype == np.int32
    assert clf.has_batch_engine
    assert_same(clf, ODD + texts + [t[::-1] for t in texts])


def _many_character_model(n_chars, n_bigrams, n_trigrams, seed=0):
    """A model of ``n_chars`` characters (CJK Extension B: above the fold, so each is its own feature) and n-grams of them, with random weights,
    and texts that hold every one of its n-grams and many pairs and triples that are none."""
    from policytext.model import Classifier

    rng = np.random.default_rng(seed)
    chars = [chr(0x20000 + i) for i in range(n_chars)]
    picks = rng.integers(0, n_chars, size=(n_bigrams + n_trigrams, 3))
    bigrams = sorted({chars[a] + chars[b] for a, b, _ in picks[:n_bigrams]})
    trigrams = sorted({bigrams[i % len(bigrams)] + chars[c] for i, (_, _, c) in enumerate(picks[n_bigrams:])})  # their prefixes are bigrams
    vocab = sorted(chars + bigrams + trigrams)
    labels = ["economy", "other", "safety"]
    clf = Classifier(labels, vocab, rng.uniform(1, 8, len(vocab)), rng.normal(size=(len(vocab), len(labels))).astype(np.float32),
                     rng.normal(size=len(labels)), features=FeatureParams(ngram_range=(1, 3), min_df=1))
    grams = bigrams + trigrams
    order = rng.permutation(len(grams))
    texts = ["".join(grams[k] for k in order[i : i + 40]) for i in range(0, len(grams), 40)]  # every n-gram, and the pairs between them
    texts += ["".join(rng.choice(chars, 60)) for _ in range(200)]  # pairs and triples mostly not in the vocabulary
    return clf, texts


@pytest.mark.parametrize(
    "n_chars, pairs_table, keys",
    [
        (5_000, False, np.int32),  # 5,002 ids: over 2**24 pairs, so bigrams are looked up in a hash table
        (46_400, False, np.int64),  # a key of row * width + id no longer fits int32
    ],
    ids=["hashed-bigrams", "int64-keys"],
)
def test_every_lookup_layout_matches_the_reference(n_chars, pairs_table, keys):
    # The layouts a model with very many characters gets; some 20,000 n-grams
    # a length, so some keys collide and lookups probe past other keys.
    clf, texts = _many_character_model(n_chars, 20_000, 20_000)
    engine = BatchEngine(clf)
    assert (engine.pairs is not None) == pairs_table
    assert engine.key_dtype == keys
    assert clf.has_batch_engine
    assert_same(clf, ODD + texts + [t[::-1] for t in texts])


def test_passes_cut_by_characters_give_the_scores_of_one_pass():
    clf = load()
    # A pass is 2**18 characters: 60,000 texts of some 12 characters and a
    # text of 300,000 take several passes, cut between texts and inside the long one.
    rng = np.random.default_rng(0)
    base = [t for ts in TINY.values() for t in ts] + ["", "新建高标准农田3000亩。"]
    texts = [base[k] for k in rng.integers(0, len(base), 60_000)]
    # A long text, and one whose only n-grams straddle the end of its first window.
    texts[20_000:20_000] = ["农田" * 150_000, "\U00020000" * ((1 << 18) - 2) + "新建农田" + "\U00020000" * 100]  # U+20000: in no n-gram
    assert sum(map(len, texts)) > 3 << 18
    alone = np.vstack([clf.decision_function(texts[i : i + 1000]) for i in range(0, len(texts), 1000)])  # a pass each
    together = clf.decision_function(texts)
    assert together.shape == (len(texts), len(clf.labels))
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-6)
    np.testing.assert_allclose(together[19_990:20_010], clf.decision_function(texts[19_990:20_010], engine="reference"), rtol=0, atol=1e-5)


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
    pass_chars = 1 << 18  # a pass of the engine: longer texts are scored a window at a time

    texts = [t for ts in TINY.values() for t in ts]
    labels = [label for label, ts in TINY.items() for _ in ts]
    clf = train(texts, labels, features=FeatureParams(norm=norm))
    engine = BatchEngine(clf)
    batch = ["※", "", "新建高标准农田3000亩。", "\x00\u200b", "※" * (pass_chars + 10), "农" * (pass_chars + 10)]
    scores, featureless = engine.scores(batch)
    assert featureless.tolist() == [True, True, False, True, True, False]
    np.testing.assert_array_equal(scores[featureless], np.tile(clf.intercept, (4, 1)))
    assert clf.predict(batch) == clf.predict(batch, engine="reference")
    assert [clf.predict(batch)[i] for i in (0, 1, 3, 4)] == ["other"] * 4
