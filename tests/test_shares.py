"""Corrected attention shares and their intervals (policytext.shares), on simulated documents whose truth is known."""

import json

import numpy as np
import pytest

from policytext.shares import (
    ShareEstimate,
    ShareEstimator,
    ShareModel,
    ShareSums,
    estimate_document_shares,
    estimate_shares,
    fit_share_model,
)

LABELS = ["economy", "agriculture", "other"]
# Mean logits of each true label: agriculture sentences are often taken for
# economy (about a third of them), economy rarely for agriculture, so the
# errors do not cancel and counting the argmax underestimates agriculture.
MEANS = np.array([[3.0, 0.0, 0.0], [1.8, 2.4, 0.0], [0.0, 0.0, 3.0]])


def simulate(seed, n_docs, n_sentences=80, doc_sd=0.2, sharpness=2.0, mixed=True):
    """Documents of a confusion-prone, overconfident classifier.

    Each document has its own mix of labels (``mixed``) and its own wording
    (a shift of the logits of sd ``doc_sd``): both correlate the errors of
    its sentences.
    """
    rng = np.random.default_rng(seed)
    mix = rng.dirichlet([2.0, 2.0, 2.0], n_docs) if mixed else np.full((n_docs, 3), 1 / 3)
    doc = np.repeat(np.arange(n_docs), n_sentences)
    y = (rng.random(len(doc))[:, None] > np.cumsum(mix, axis=1)[doc]).sum(axis=1)
    shift = rng.normal(0.0, doc_sd, (n_docs, 3))[doc]  # a document's own wording
    logits = sharpness * (MEANS[y] + rng.normal(0.0, 1.0, (len(doc), 3)) + shift)
    logits -= logits.max(axis=1, keepdims=True)
    proba = np.exp(logits)
    proba /= proba.sum(axis=1, keepdims=True)
    chars = rng.integers(5, 60, len(doc)).astype(float)
    return proba, y, doc, chars


@pytest.fixture(scope="module")
def fitted():
    proba, y, doc, _ = simulate(1, 200)
    return fit_share_model(proba, y, doc, LABELS)


@pytest.fixture(scope="module")
def held_out(fitted):
    """Per held-out document: truth, counted, corrected, interval (sentence and character shares)."""
    proba, y, doc, chars = simulate(2, 300)
    onehot = np.eye(3)[y]
    out = {}
    for name, w in (("sentences", None), ("characters", chars)):
        est = estimate_document_shares(proba, labels=LABELS, doc_ids=doc, weights=w, model=fitted)
        ww = np.ones(len(y)) if w is None else w
        truth = np.array([onehot[doc == d].T @ ww[doc == d] / ww[doc == d].sum() for d in est])
        out[name] = (truth, est)
    return out


def errors(truth, est):
    counted = np.abs(np.array([e.counted for e in est.values()]) - truth)
    corrected = np.abs(np.array([e.corrected for e in est.values()]) - truth)
    return counted, corrected


def coverage(truth, est):
    low = np.array([e.low for e in est.values()])
    high = np.array([e.high for e in est.values()])
    return float(np.mean((truth >= low) & (truth <= high)))


@pytest.mark.parametrize("kind", ["sentences", "characters"])
def test_corrected_shares_are_closer_to_the_truth(held_out, kind):
    truth, est = held_out[kind]
    counted, corrected = errors(truth, est)
    # counting loses about a third of the agriculture sentences to economy
    assert counted[:, 1].mean() > 0.08
    assert corrected.mean() < 0.6 * counted.mean()
    assert corrected[:, 1].mean() < 0.5 * counted[:, 1].mean()


@pytest.mark.parametrize("kind", ["sentences", "characters"])
def test_intervals_hold_the_true_share_about_90_percent(held_out, kind):
    truth, est = held_out[kind]
    assert 0.85 <= coverage(truth, est) <= 0.95  # 900 intervals: the binomial sd is 1 point
    for k in range(3):
        low = np.array([e.low[k] for e in est.values()])
        high = np.array([e.high[k] for e in est.values()])
        assert 0.82 <= np.mean((truth[:, k] >= low) & (truth[:, k] <= high)) <= 0.97


def test_without_a_model_intervals_are_too_narrow_and_level_widens_them(fitted):
    proba, y, doc, _ = simulate(3, 100)
    truth = np.array([np.bincount(y[doc == d], minlength=3) / 80 for d in range(100)])
    raw = estimate_document_shares(proba, labels=LABELS, doc_ids=doc)
    # the overconfident classifier's own probabilities miss the leak and its correlation
    assert coverage(truth, raw) < 0.7
    est90 = estimate_document_shares(proba, labels=LABELS, doc_ids=doc, model=fitted)
    est99 = estimate_document_shares(proba, labels=LABELS, doc_ids=doc, model=fitted, level=0.99)
    width = lambda est: np.mean([e.high - e.low for e in est.values()])
    assert width(est99) > 1.3 * width(est90)
    assert coverage(truth, est99) > coverage(truth, est90)


def test_the_fitted_model_finds_the_within_document_correlation():
    proba, y, doc, _ = simulate(4, 150, doc_sd=0.0, mixed=False)
    independent = fit_share_model(proba, y, doc, LABELS)
    proba, y, doc, _ = simulate(4, 150, doc_sd=1.0, mixed=False)
    correlated = fit_share_model(proba, y, doc, LABELS)
    assert max(independent.rho) < 0.02
    assert max(correlated.rho) > 2 * max(independent.rho) + 0.02
    assert independent.group_var == [0.0, 0.0, 0.0]  # fitted without groups


def test_groups_give_a_shared_error_term():
    rng = np.random.default_rng(5)
    proba, y, doc, _ = simulate(5, 160)
    kind = doc // 20  # 8 kinds of 20 documents; each kind's classifier errs its own way
    bias = rng.normal(0.0, 1.0, (8, 3))[kind]
    shifted = proba * np.exp(bias)
    shifted /= shifted.sum(axis=1, keepdims=True)
    with_groups = fit_share_model(shifted, y, doc, LABELS, groups=kind)
    assert min(with_groups.group_var) > 0.0
    assert max(with_groups.group_var) > 1e-4  # an sd of a point or more
    with pytest.raises(ValueError, match="'groups'"):
        fit_share_model(shifted, y, doc, LABELS, groups=np.arange(len(y)) % 2)


def test_character_weights():
    # sure probabilities: economy sentences of 30 characters, others of 10
    proba = np.array([[1.0, 0.0, 0.0]] * 2 + [[0.0, 1.0, 0.0]] * 3 + [[0.0, 0.0, 1.0]] * 5)
    chars = np.array([30.0] * 2 + [10.0] * 8)
    by_sentence = estimate_shares(proba, labels=LABELS)
    by_char = estimate_shares(proba, labels=LABELS, weights=chars)
    assert by_sentence.counted.tolist() == [0.2, 0.3, 0.5]
    assert np.allclose(by_char.counted, [60 / 140, 30 / 140, 50 / 140])
    assert np.allclose(by_char.corrected, by_char.counted)
    # the unit of the weights does not matter; equal weights are sentence shares
    scaled = estimate_shares(proba, labels=LABELS, weights=chars * 7.5)
    assert np.allclose(scaled.corrected, by_char.corrected) and np.allclose(scaled.high, by_char.high)
    equal = estimate_shares(proba, labels=LABELS, weights=np.full(10, 3.0))
    assert np.allclose(equal.corrected, by_sentence.corrected) and np.allclose(equal.low, by_sentence.low)
    # a weight of 0 drops the sentence
    dropped = estimate_shares(proba, labels=LABELS, weights=[0.0, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    assert np.allclose(dropped.counted, [1 / 9, 3 / 9, 5 / 9])


def test_one_document_and_pooled_groups(fitted):
    proba, _y, doc, chars = simulate(6, 4)
    one = estimate_shares(proba[doc == 0], labels=LABELS, weights=chars[doc == 0], model=fitted)
    assert isinstance(one, ShareEstimate) and one.n_documents == 1 and one.n_sentences == 80
    assert np.isclose(one.corrected.sum(), 1.0) and np.isclose(one.counted.sum(), 1.0)
    assert np.all(one.low <= one.corrected) and np.all(one.corrected <= one.high)
    assert set(one.to_dict()) == set(LABELS) and set(one["economy"]) == {"counted", "corrected", "low", "high"}

    per_doc = estimate_document_shares(proba, labels=LABELS, doc_ids=doc, weights=chars, model=fitted)
    assert list(per_doc) == [0, 1, 2, 3]
    assert np.allclose(per_doc[0].corrected, one.corrected) and np.allclose(per_doc[0].high, one.high)

    pooled = estimate_shares(proba, labels=LABELS, weights=chars, doc_ids=doc, model=fitted)
    assert pooled.n_documents == 4 and pooled.n_sentences == 320
    share = np.array([chars[doc == d].sum() for d in range(4)]) / chars.sum()
    assert np.allclose(pooled.corrected, sum(s * per_doc[d].corrected for d, s in enumerate(share)))
    # a pool is surer than any of its documents; without doc ids its sentences are taken
    # as one document, whose correlated errors give a wider interval
    assert np.all(pooled.se < np.mean([e.se for e in per_doc.values()], axis=0))
    unclustered = estimate_shares(proba, labels=LABELS, weights=chars, model=fitted)
    assert np.allclose(unclustered.corrected, pooled.corrected)
    assert np.all(unclustered.se > pooled.se)


def reference(proba, w, doc, model):
    """The module's variance formula written out on the arrays, sentence by sentence, apart from the code under test."""
    q = model.calibrate(proba)
    v = q * (1 - q)
    own = (w[:, None] ** 2 * v).sum(axis=0)
    cross = sum((w[doc == d, None] * np.sqrt(v[doc == d])).sum(axis=0) ** 2 for d in np.unique(doc)) - own
    corrected = (w[:, None] * q).sum(axis=0) / w.sum()
    se = np.sqrt((own + np.asarray(model.rho) * np.maximum(cross, 0)) / w.sum() ** 2 + np.asarray(model.group_var))
    counted = np.bincount(proba.argmax(axis=1), weights=w, minlength=proba.shape[1]) / w.sum()
    return counted, corrected, se


@pytest.mark.parametrize("weighted", [False, True])
def test_sums_added_chunk_by_chunk_give_the_estimate_of_the_arrays(fitted, weighted):
    # Documents of uneven length, each read in chunks of random size, as a stream is.
    rng = np.random.default_rng(12)
    proba, _y, doc, chars = simulate(12, 6, n_sentences=90)
    keep = rng.random(len(doc)) < 0.7
    proba, doc, chars = proba[keep], doc[keep], chars[keep]
    w = chars if weighted else None
    ww = chars if weighted else np.ones(len(doc))
    documents = []
    for d in range(6):
        rows = np.flatnonzero(doc == d)
        cuts = np.sort(rng.choice(np.arange(1, len(rows)), 3, replace=False))
        chunks = [ShareSums.of(proba[c], labels=LABELS, weights=None if w is None else w[c], model=fitted) for c in np.split(rows, cuts)]
        documents.append(sum(chunks[1:], chunks[0]))
        whole = estimate_shares(proba[rows], labels=LABELS, weights=None if w is None else w[rows], model=fitted)
        one = documents[-1].estimate()
        assert one.n_sentences == len(rows) and one.n_documents == 1
        for name in ("counted", "corrected", "low", "high", "se"):
            assert np.allclose(getattr(one, name), getattr(whole, name), rtol=1e-12, atol=1e-15)
    pooled = ShareSums.pooled(documents)
    arrays = estimate_shares(proba, labels=LABELS, weights=w, doc_ids=doc, model=fitted)
    assert (pooled.n_documents, pooled.n_sentences) == (arrays.n_documents, arrays.n_sentences) == (6, len(doc))
    for name in ("counted", "corrected", "low", "high", "se"):
        assert np.allclose(getattr(pooled, name), getattr(arrays, name), rtol=1e-12, atol=1e-15)
    for mine, theirs in zip((pooled.counted, pooled.corrected, pooled.se), reference(proba, ww, doc, fitted)):
        assert np.allclose(mine, theirs, rtol=1e-12, atol=1e-15)
    by_doc = estimate_document_shares(proba, labels=LABELS, weights=w, doc_ids=doc, model=fitted)
    assert all(np.allclose(by_doc[d].high, documents[d].estimate().high, rtol=1e-12) for d in range(6))


@pytest.mark.parametrize("with_model", [True, False])
def test_one_documents_sums_are_the_general_sums_bit_for_bit(fitted, with_model):
    # ShareSums.of sums one document in a path of its own (no bincount per
    # label column): it must add in the sentences' order, as the bincounts of
    # estimate_document_shares do, to the last bit. Weights spread over many
    # orders of magnitude make any other order give other last bits.
    model = fitted if with_model else None
    rng = np.random.default_rng(5)
    proba, _y, doc, _chars = simulate(9, 5, n_sentences=40)
    spread = np.exp(rng.normal(0.0, 6.0, len(doc)))
    for weights in (None, spread):
        by_doc = estimate_document_shares(proba, labels=LABELS, weights=weights, doc_ids=doc, model=model)
        documents = []
        for d, general in by_doc.items():
            rows = doc == d
            documents.append(ShareSums.of(proba[rows], labels=LABELS, weights=None if weights is None else weights[rows], model=model))
            one = documents[-1].estimate()
            assert (one.n_sentences, one.total_weight) == (general.n_sentences, general.total_weight)
            for name in ("counted", "corrected", "low", "high", "se"):
                assert getattr(one, name).tobytes() == getattr(general, name).tobytes(), name
        pooled = ShareSums.pooled(documents)
        arrays = estimate_shares(proba, labels=LABELS, weights=weights, doc_ids=doc, model=model)
        assert pooled.total_weight == arrays.total_weight
        for name in ("counted", "corrected", "low", "high", "se"):
            assert getattr(pooled, name).tobytes() == getattr(arrays, name).tobytes(), name


def test_share_estimator_gives_the_public_functions_figures_and_checks_its_settings(fitted):
    # A summary sums each document through one ShareEstimator: the figures of ShareSums.of and .estimate.
    proba, _y, doc, chars = simulate(3, 2, n_sentences=30)
    reordered = ["other", "economy", "agriculture"]  # not the model's order
    proba = proba[:, [2, 0, 1]]
    estimator = ShareEstimator(reordered, model=fitted)
    sentences, characters = estimator.sums_of_each(proba, [None, chars])
    for mine, weights in ((sentences, None), (characters, chars)):
        public = ShareSums.of(proba, labels=reordered, weights=weights, model=fitted)
        for name in ("n_sentences", "total", "counted", "weighted", "own", "spread"):
            assert np.array_equal(getattr(mine, name), getattr(public, name)), name
        assert estimator.estimate(mine).high.tobytes() == public.estimate().high.tobytes()
    assert estimator.pooled([sentences, sentences]).se.tobytes() == ShareSums.pooled([sentences, sentences]).se.tobytes()
    with pytest.raises(ValueError, match=r"^ShareEstimator\(\): 'labels' \['a', 'b'\] are not the model's labels"):
        ShareEstimator(["a", "b"], model=fitted)
    with pytest.raises(ValueError, match=r"^ShareEstimator\(\): 'level'"):
        ShareEstimator(LABELS, model=fitted, level=1.5)


def test_sums_of_other_labels_or_models_are_not_pooled(fitted):
    a = ShareSums.of(PROBA, labels=LABELS, model=fitted)
    with pytest.raises(ValueError, match="'documents' must be sums of the same labels and share model"):
        a + ShareSums.of(PROBA, labels=LABELS)
    with pytest.raises(ValueError, match="'documents'"):
        ShareSums.pooled([])
    empty = ShareSums.of(np.zeros((0, 3)), labels=LABELS, model=fitted)
    assert (empty + a).estimate().n_sentences == len(PROBA)


def test_pooled_groups_cover_their_true_shares(fitted):
    proba, y, doc, _chars = simulate(7, 200)
    group = doc // 5  # 40 groups of 5 documents
    onehot = np.eye(3)[y]
    hits = []
    for g in range(40):
        m = group == g
        est = estimate_shares(proba[m], labels=LABELS, doc_ids=doc[m], model=fitted)
        truth = onehot[m].mean(axis=0)
        hits.append((truth >= est.low) & (truth <= est.high))
    assert 0.8 <= np.mean(hits) <= 0.98


def test_labels_in_another_order(fitted):
    proba, _, doc, _ = simulate(8, 3)
    order = [2, 0, 1]
    base = estimate_shares(proba, labels=LABELS, doc_ids=doc, model=fitted)
    other = estimate_shares(proba[:, order], labels=[LABELS[i] for i in order], doc_ids=doc, model=fitted)
    assert np.allclose(other.corrected, base.corrected[order]) and np.allclose(other.low, base.low[order])


def test_identity_model_and_no_model_use_the_raw_probabilities():
    proba, _, _, chars = simulate(9, 1)
    identity = ShareModel(labels=LABELS, coef=np.eye(3).tolist(), intercept=[0.0] * 3, clip=1e-12, rho=[0.0] * 3, group_var=[0.0] * 3)
    raw = estimate_shares(proba, labels=LABELS, weights=chars)
    assert np.allclose(raw.corrected, chars @ proba / chars.sum())
    same = estimate_shares(proba, labels=LABELS, weights=chars, model=identity)
    assert np.allclose(same.corrected, raw.corrected, atol=1e-9) and np.allclose(same.se, raw.se, atol=1e-9)


def test_share_model_round_trips_through_json(fitted):
    data = json.loads(json.dumps(fitted.to_dict()))
    assert data["method"] == "calibrated-pcc" and data["n_documents"] == 200 and data["n_sentences"] == 16000
    back = ShareModel.from_dict(data)
    assert back == fitted
    proba, _, doc, _ = simulate(10, 2)
    a = estimate_shares(proba, labels=LABELS, doc_ids=doc, model=fitted)
    b = estimate_shares(proba, labels=LABELS, doc_ids=doc, model=back)
    assert np.array_equal(a.corrected, b.corrected) and np.array_equal(a.high, b.high)


@pytest.mark.parametrize(
    "field, value",
    [
        ("coef", [[1.0, 0.0, float("nan")], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
        ("coef", [[1.0, 0.0], [0.0, 1.0]]),
        ("intercept", [0.0, 0.0]),
        ("intercept", [0.0, float("inf"), 0.0]),
        ("rho", [0.1, 1.5, 0.0]),
        ("group_var", [0.0, -1e-4, 0.0]),
        ("group_var", "big"),
        ("clip", 0.0),
        ("labels", ["a", "a", "b"]),
        ("n_documents", -1),
        ("method", "acc"),
    ],
)
def test_share_model_refuses_malformed_fields(fitted, field, value):
    data = fitted.to_dict()
    data[field] = value
    with pytest.raises(ValueError, match=f"field '{field}'"):
        ShareModel.from_dict(data)


def test_share_model_refuses_missing_and_unknown_fields(fitted):
    data = fitted.to_dict()
    del data["rho"]
    with pytest.raises(ValueError, match="field 'rho' is missing"):
        ShareModel.from_dict(data)
    with pytest.raises(ValueError, match="unknown field 'extra'"):
        ShareModel.from_dict({**fitted.to_dict(), "extra": 1})
    with pytest.raises(ValueError, match="field 'format'"):
        ShareModel.from_dict({**fitted.to_dict(), "format": 99})
    with pytest.raises(ValueError, match="field 'coef'"):
        ShareModel(labels=LABELS, coef=[[1.0]], intercept=[0.0] * 3, clip=1e-9, rho=[0.0] * 3, group_var=[0.0] * 3)


PROBA = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"proba": np.ones((2, 2)) / 2}, "'proba'"),
        ({"proba": [[0.5, 0.6, -0.1], [0.1, 0.8, 0.1]]}, "'proba'"),
        ({"proba": [[0.5, 0.2, 0.2], [0.1, 0.8, 0.1]]}, "'proba'"),
        ({"proba": [[np.nan, 0.5, 0.5], [0.1, 0.8, 0.1]]}, "'proba'"),
        ({"proba": np.zeros((0, 3))}, "'proba'"),
        ({"labels": ["economy", "other"]}, "'proba'"),
        ({"labels": ["a", "a", "b"]}, "'labels'"),
        ({"labels": "abc"}, "'labels'"),
        ({"weights": [1.0]}, "'weights'"),
        ({"weights": [1.0, -2.0]}, "'weights'"),
        ({"weights": [0.0, 0.0]}, "'weights'"),
        ({"weights": [1.0, float("nan")]}, "'weights'"),
        ({"doc_ids": ["a"]}, "'doc_ids'"),
        ({"doc_ids": "ab"}, "'doc_ids'"),
        ({"doc_ids": [["a"], ["b"]]}, "'doc_ids'"),
        ({"level": 1.0}, "'level'"),
        ({"level": 90}, "'level'"),
        ({"model": {"labels": LABELS}}, "'model'"),
    ],
)
def test_estimate_shares_names_the_bad_argument(kwargs, name):
    args = {"proba": PROBA, "labels": LABELS, **kwargs}
    with pytest.raises(ValueError, match=name):
        estimate_shares(args.pop("proba"), **args)


def test_model_labels_must_match(fitted):
    with pytest.raises(ValueError, match="'labels'"):
        estimate_shares(PROBA, labels=["a", "b", "c"], model=fitted)
    with pytest.raises(ValueError, match="'doc_ids' is required"):
        estimate_document_shares(PROBA, labels=LABELS, doc_ids=None)


def test_fit_share_model_names_the_bad_argument():
    proba, y, doc, _ = simulate(11, 6, n_sentences=10)
    with pytest.raises(ValueError, match="'y'"):
        fit_share_model(proba, y + 3, doc, LABELS)
    with pytest.raises(ValueError, match="'y'"):
        fit_share_model(proba, y[:-1], doc, LABELS)
    with pytest.raises(ValueError, match="'y' holds 'rural'"):
        fit_share_model(proba, ["rural"] * len(y), doc, LABELS)
    with pytest.raises(ValueError, match="'doc_ids'"):
        fit_share_model(proba, y, doc[:-1], LABELS)
    with pytest.raises(ValueError, match="'doc_ids' name 6 documents, fewer than folds=10"):
        fit_share_model(proba, y, doc, LABELS, folds=10)
    with pytest.raises(ValueError, match="'folds'"):
        fit_share_model(proba, y, doc, LABELS, folds=1)
    with pytest.raises(ValueError, match="'reg'"):
        fit_share_model(proba, y, doc, LABELS, reg=-1.0)
    with pytest.raises(ValueError, match="'clip'"):
        fit_share_model(proba, y, doc, LABELS, clip=0.0)
    with pytest.raises(ValueError, match="'proba'"):
        fit_share_model(proba[:, :2], y, doc, LABELS)
    # label names work as well as ints
    names = fit_share_model(proba, [LABELS[i] for i in y], [f"d{d}" for d in doc], LABELS)
    ints = fit_share_model(proba, y, doc, LABELS)
    assert np.allclose(names.coef, ints.coef)


def test_zero_weight_document_has_no_shares():
    est = estimate_document_shares(PROBA, labels=LABELS, doc_ids=["a", "b"], weights=[1.0, 0.0])
    assert np.isnan(est["b"].corrected).all() and np.allclose(est["a"].counted, [1, 0, 0])
