"""The estimators training can use, through train() and scikit-learn's contract."""

import numpy as np
import pytest
from conftest import TINY

from policytext.features import FeatureParams
from policytext.train import NBSVM, TrainParams, train

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
    with pytest.raises(ValueError, match=r"estimator must be one of \('nbsvm', 'svm', 'logreg'\), got 'nb'"):
        TrainParams(estimator="nb")


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
    clf = train(TEXTS, LABELS, FeatureParams(min_df=1), params=TrainParams(estimator=estimator), temperature=1.0)
    assert clf.metadata["trained_with"]["params"]["estimator"] == estimator
    fast = clf.decision_function(TEXTS, engine="fast")
    reference = clf.decision_function(TEXTS, engine="reference")
    assert fast == pytest.approx(reference, abs=1e-9)
    assert [clf.labels[i] for i in reference.argmax(axis=1)] == LABELS
