"""The estimators training can use, through train() and scikit-learn's contract."""

import numpy as np
import pytest
from conftest import TINY

from policytext import ParameterError
from policytext.features import FeatureParams
from policytext.train import NBSVM, TrainParams, train, train_corpus, train_with_documents

TEXTS = [t for texts in TINY.values() for t in texts]
LABELS = [label for label, texts in TINY.items() for _ in texts]


def _counts(rows, n_features):
    from scipy.sparse import csr_matrix

    X = np.zeros((len(rows), n_features))
    for i, features in enumerate(rows):
        X[i, features] = 1.0
    return csr_matrix(X)


def test_new_models_are_trained_with_the_nb_weighted_svm():
    assert TrainParams().estimator == "nbsvm"
    with pytest.raises(ParameterError) as exc:
        TrainParams(estimator="nb")
    assert str(exc.value) == "TrainParams(): 'estimator' must be one of 'nbsvm', 'svm', 'logreg', got 'nb'"


@pytest.mark.parametrize("settings", [TrainParams, FeatureParams])
def test_settings_are_named_not_placed(settings):
    # Settings given by place read wrong as soon as a field is added or reordered.
    with pytest.raises(TypeError, match="positional"):
        settings("svm")


def test_nbsvm_weighs_the_feature_that_speaks_for_a_label_above_one_everyone_shares():
    # Feature 0 is in every sentence, feature 1 only in label 1's, features 2 and 3 only in label 0's.
    X = _counts([[0, 2], [0, 3], [0, 2, 3], [0, 1], [0, 1], [0, 1]], 4)
    y = np.array([0, 0, 0, 1, 1, 1])
    est = NBSVM(C=1.0).fit(X, y)
    assert est.coef_.shape == (2, 4)
    # A feature in every sentence says little for either label: its ratio is near 0.
    assert np.abs(est.coef_[:, 0]).max() < 0.1 * np.abs(est.coef_[:, 1]).min()
    assert est.coef_[1, 1] > 0 > est.coef_[0, 1]
    assert list(est.predict(_counts([[0, 1], [0, 2]], 4))) == [1, 0]


def test_nbsvm_keeps_scikit_learns_estimator_contract():
    # cross_val_predict clones it and asks for fit, predict and decision_function:
    # training fits its temperature this way.
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_predict

    X = _counts([[i % 3, 3 + i % 2] for i in range(12)], 5)
    y = np.array([i % 3 for i in range(12)])
    assert clone(NBSVM(C=0.5)).get_params()["C"] == 0.5
    held_out = cross_val_predict(NBSVM(), X, y, cv=2, method="decision_function")
    assert held_out.shape == (12, 3)
    assert (held_out.argmax(axis=1) == y).all()


@pytest.mark.parametrize("estimator", ["nbsvm", "svm", "logreg"])
def test_every_estimator_gives_a_model_whose_scores_are_its_linear_weights(estimator):
    # The model file holds one weight per n-gram and label whatever the estimator:
    # the batch engine and the reference path must agree on the same numbers.
    # min_df=1: with every n-gram kept, each estimator fits these 28 sentences.
    clf = train(TEXTS, LABELS, features=FeatureParams(min_df=1), params=TrainParams(estimator=estimator), temperature=1.0)
    assert clf.metadata["trained_with"]["params"]["estimator"] == estimator
    fast = clf.decision_function(TEXTS, engine="fast")
    reference = clf.decision_function(TEXTS, engine="reference")
    assert fast == pytest.approx(reference, abs=1e-9)
    assert [clf.labels[i] for i in reference.argmax(axis=1)] == LABELS


@pytest.mark.parametrize(
    "texts, labels, message",
    [
        # scikit-learn's "Iterable over raw text documents expected".
        ("abc", ["a", "b", "c"], "'texts' must be a list of str, got a single str, 'abc'; wrap it in a list: [text]"),
        (TEXTS, "economy", "'labels' must be a list of str, got a single str, 'economy'; wrap it in a list: [label]"),
        # A numpy matmul error, where groups of the wrong length were refused in words.
        (["新建农田。"] * 6, ["a", "b"], "'labels' must be one label per text, got 2 labels for 6 texts"),
        # An AttributeError from the analyzer.
        (TEXTS[:3] + [5] + TEXTS[4:], LABELS, "'texts[3]' must be a str, got 5"),
        # A TypeError from sorting the label set.
        (TEXTS, LABELS[:3] + [None] + LABELS[4:], "'labels[3]' must be a non-empty str, got None"),
        (TEXTS, [""] + LABELS[1:], "'labels[0]' must be a non-empty str, got ''"),
        (TEXTS, LABELS[:2] + [""] + [None] + LABELS[4:], "'labels[2]' must be a non-empty str, got ''"),
        (TEXTS, 7, "'labels' must be a list of str, got 7"),
    ],
)
def test_texts_and_labels_that_do_not_pair_up_are_refused_before_any_fit(texts, labels, message):
    with pytest.raises(ParameterError) as exc:
        train(texts, labels)
    assert str(exc.value) == f"train(): {message}"
    # train_with_documents listed a lone str into characters before train() could refuse it.
    with pytest.raises(ParameterError) as exc:
        train_with_documents(texts, labels, [])
    assert str(exc.value) == f"train_with_documents(): {message}"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"features": {"min_df": 1}}, "train(): 'features' must be None (the default features) or a FeatureParams, got {'min_df': 1}"),
        ({"params": "svm"}, "train(): 'params' must be None (the default settings) or a TrainParams, got 'svm'"),
        ({"metadata": ["corpus"]}, "train(): 'metadata' must be None or a dict, got ['corpus']"),
        ({"temperature": 0}, "train(): 'temperature' must be None or a number from 0.001 to 1000, got 0"),
        ({"temperature": True}, "train(): 'temperature' must be None or a number from 0.001 to 1000, got True"),
    ],
)
def test_options_of_the_wrong_kind_are_refused_in_train_s_name(options, message):
    with pytest.raises(ParameterError) as exc:
        train(TEXTS, LABELS, **options)
    assert str(exc.value) == message


def test_each_training_function_refuses_an_option_in_its_own_name(tiny_corpus):
    with pytest.raises(ParameterError) as exc:
        train_with_documents(TEXTS, LABELS, [], progress="yes")
    assert str(exc.value) == "train_with_documents(): 'progress' must be True or False, got 'yes'"
    # Refused before the corpus is read, and not in the name of the function it calls.
    with pytest.raises(ParameterError) as exc:
        train_corpus(tiny_corpus, params=TrainParams)
    assert str(exc.value) == f"train_corpus(): 'params' must be None (the default settings) or a TrainParams, got {TrainParams!r}"


def test_training_options_are_keyword_only(tiny_corpus):
    # A FeatureParams given third was taken for the features; a TrainParams there failed deep in training.
    with pytest.raises(TypeError, match=r"train\(\) takes 2 positional arguments but 3 were given"):
        train(TEXTS, LABELS, FeatureParams(min_df=1))
    with pytest.raises(TypeError, match=r"train_corpus\(\) takes 1 positional argument but 2 were given"):
        train_corpus(tiny_corpus, None)


@pytest.mark.parametrize(
    "make, message",
    [
        # True is an int to Python, and was taken for C=1 and min_df=1.
        (lambda: TrainParams(C=True), "TrainParams(): 'C' must be a finite number > 0, got True"),
        (lambda: TrainParams(C=float("inf")), "TrainParams(): 'C' must be a finite number > 0, got inf"),
        (lambda: TrainParams(calibration_folds=True), "TrainParams(): 'calibration_folds' must be an int >= 2, got True"),
        (lambda: TrainParams(class_weight="auto"), "TrainParams(): 'class_weight' must be 'balanced' or None, got 'auto'"),
        (lambda: FeatureParams(min_df=True), "FeatureParams(): 'min_df' must be an int >= 1, got True"),
        (lambda: FeatureParams(ngram_range=(True, 3)), "FeatureParams(): 'ngram_range' must be two ints with 1 <= min <= max <= 4, got (True, 3)"),
        (lambda: FeatureParams(fold_digits=1), "FeatureParams(): 'fold_digits' must be True or False, got 1"),
        (lambda: FeatureParams(norm="l3"), "FeatureParams(): 'norm' must be None or one of 'l2', 'l2_tokens', 'l1', got 'l3'"),
    ],
)
def test_settings_refuse_a_bool_where_a_number_is_expected(make, message):
    with pytest.raises(ParameterError) as exc:
        make()
    assert str(exc.value) == message


SIX = ["新建高标准农田3000亩。", "培育家庭农场12家。", "粮食总产稳定在5万吨。", "排查整改安全隐患210条。", "开展防汛应急演练3次。", "检查危化品企业16家。"]
SIX_LABELS = ["agriculture"] * 3 + ["safety"] * 3


def test_a_tiny_corpus_is_warned_of_with_the_n_grams_kept_and_near_uniform_predictions():
    # Only "0", "00" and "。" are in three of the six sentences: every probability was 0.50, and the
    # warning spoke only of generalising.
    with pytest.warns(UserWarning) as record:
        clf = train(SIX, SIX_LABELS, features=FeatureParams(min_df=3))
    assert len(clf.vocabulary) == 3
    assert clf.predict_proba(SIX) == pytest.approx(np.full((6, 2), 0.5), abs=0.01)
    assert [str(w.message) for w in record] == [
        "training on 6 sentences, 3 for the rarest label ('agriculture'); only 3 n-grams are in 3 or more of them (min_df=3) "
        "and were kept, so predictions will be near uniform (the surest label's probability averages 0.50 on the training "
        "sentences; uniform is 0.50). A smaller min_df keeps more n-grams (policytext train --min-df 1, or "
        "FeatureParams(min_df=1)); a model needs hundreds of sentences per label to generalise"
    ]
    # Every n-gram kept: the same sentences tell the labels apart, and the warning says only what it kept.
    with pytest.warns(UserWarning) as record:
        clf = train(SIX, SIX_LABELS, features=FeatureParams(min_df=1))
    assert clf.predict(SIX) == SIX_LABELS
    assert [str(w.message) for w in record] == [
        "training on 6 sentences, 3 for the rarest label ('agriculture'); 156 n-grams are in 1 or more of them (min_df=1) "
        "and were kept. A model needs hundreds of sentences per label to generalise"
    ]


def test_a_label_of_one_sentence_is_warned_of_as_leaving_the_scores_uncalibrated():
    # With one sentence of a label, no fold can hold it out: the temperature stayed 1.0 and nothing said so.
    texts, labels = SIX[:4], SIX_LABELS[:4]  # three of agriculture, one of safety
    with pytest.warns(UserWarning) as record:
        clf = train(texts, labels, features=FeatureParams(min_df=1))
    assert clf.temperature == 1.0
    assert [str(w.message) for w in record] == [
        "training on 4 sentences, 1 for the rarest label ('safety'); 108 n-grams are in 1 or more of them (min_df=1) "
        "and were kept. A model needs hundreds of sentences per label to generalise; with one sentence of a label the "
        "temperature cannot be fitted on held-out scores and stays 1.0, so the scores are not calibrated"
    ]
    # A temperature given is the caller's: nothing to warn of.
    with pytest.warns(UserWarning) as record:
        train(texts, labels, features=FeatureParams(min_df=1), temperature=1.0)
    assert not str(record[0].message).endswith("not calibrated")
