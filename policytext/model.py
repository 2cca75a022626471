"""The linear sentence classifier: TF-IDF character n-grams times a weight matrix.

Scores are computed once, in :meth:`Classifier.decision_function`;
``predict`` and ``predict_proba`` build on them, as in scikit-learn's linear
models. ``classes_`` maps column indices to labels. Probabilities are
``softmax(scores / temperature)``, with the temperature fitted on held-out
scores at training time, so the most probable label is always the predicted
one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, overload

import numpy as np

from ._validation import Constraint, check_params, check_text, check_texts, refuse_single_str, refusal, short_repr, int_at_least, number_between, one_of, optional
from .errors import ParameterError
from .features import FeatureParams, build_analyzer, tfidf

if TYPE_CHECKING:  # for the hints only: scipy is imported where a matrix is built
    import scipy.sparse
    from numpy.typing import ArrayLike

__all__ = ["Classifier"]

def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a score matrix (modified in place and returned)."""
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


# What each method's options allow, built once.
#: The temperatures a model may have: trained ones are near 0.3.
MIN_TEMPERATURE, MAX_TEMPERATURE = 1e-3, 1e3
#: Far outside this range, scores / temperature overflow to NaN, or every probability is 1 / labels.
TEMPERATURE = Constraint(number_between(MIN_TEMPERATURE, MAX_TEMPERATURE).accepts, f"a number from {MIN_TEMPERATURE:g} to {MAX_TEMPERATURE:g}")
_CLASSIFIER = {"temperature": TEMPERATURE, "features": Constraint(lambda v: v is None or isinstance(v, FeatureParams), "None or a FeatureParams")}
_ENGINE = {"engine": one_of("fast", "reference")}
_PREDICT = {"k": optional(int_at_least(1)), "threshold": optional(number_between(0, 1)), **_ENGINE}
#: Without ``k``, predict gives one label per text: a threshold could only drop it, which that return type cannot say.
_PREDICT_ONE = {**_PREDICT, "threshold": Constraint(lambda v: v is None, "None without 'k' (give k, e.g. k=1, to leave out labels below a threshold)")}
_TOP_K = {"k": int_at_least(1), "threshold": number_between(0, 1)}
_EXPLAIN = {"k": int_at_least(1)}  # and "label": one of the model's labels, checked per model


#: How far below `other` the other scores of a text without features are: far enough that
#: its probability of `other` is 1 at any temperature a model is fitted with.
_BLANK_MARGIN = 1e3


class Classifier:
    """A trained model: vocabulary, IDF weights, class weights and calibration.

    Build one with :func:`policytext.train.train` or load one with
    :func:`policytext.load`; the constructor only checks that the parts fit.

    Parameters
    ----------
    labels : sequence of str
        Class labels, in the column order of ``coef``.
    vocabulary : sequence of str
        The n-grams, in the row order of ``idf`` and ``coef``.
    idf : ndarray of shape (n_features,)
    coef : ndarray of shape (n_features, n_classes)
    intercept : ndarray of shape (n_classes,)
    temperature : float
        Divides the scores before the softmax in :meth:`predict_proba`.
    features : FeatureParams
    metadata : dict, optional
        Provenance recorded in the model file (versions, corpus hash, ...).
    context : ContextStage, optional
        The second stage that reads each sentence in its document
        (:mod:`policytext.context`); None for a sentence-only model.
    shares : ShareModel, optional
        The calibration that corrects attention shares and gives their
        intervals (:mod:`policytext.shares`), fitted on held-out documents.
    """

    def __init__(self, labels, vocabulary, idf, coef, intercept, *, temperature=1.0, features=None, metadata=None, context=None, shares=None):
        self.classes_ = np.asarray(check_texts(labels, where="Classifier", name="labels"), dtype=object)
        self.vocabulary = np.asarray(refuse_single_str(vocabulary, where="Classifier", name="vocabulary"), dtype=str)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        check_params("Classifier", _CLASSIFIER, {"temperature": temperature, "features": features})
        self.temperature = float(temperature)
        self.features = features or FeatureParams()
        self.metadata = dict(metadata or {})
        self.context = context
        self.shares = shares
        self._check()
        self._vectorizer = None
        self._engine = None  # built on first fast call; False if the model needs the reference path

    def _check(self):
        # Every part is checked here, whether it came from training or from a
        # file: a bad value would give wrong labels, not an error.
        n_features, n_classes = len(self.vocabulary), len(self.classes_)
        if n_classes < 2 or not all(isinstance(c, str) and c for c in self.classes_) or len(set(self.classes_)) != n_classes:
            raise refusal("Classifier", "labels", "at least two distinct non-empty str", short_repr(list(self.classes_)))
        if self.vocabulary.ndim != 1 or self.idf.shape != (n_features,) or self.coef.shape != (n_features, n_classes):
            raise ValueError(
                f"shapes do not fit: {n_features} n-grams, {n_classes} labels, "
                f"vocabulary {self.vocabulary.shape}, idf {self.idf.shape}, coef {self.coef.shape}"
            )
        if self.intercept.shape != (n_classes,):
            raise ValueError(f"intercept must have shape ({n_classes},), got {self.intercept.shape}")
        for name in ("idf", "coef", "intercept"):
            if not np.isfinite(getattr(self, name)).all():
                raise ValueError(f"{name} holds values that are not finite (NaN or infinity)")
        # Smoothed idf is at least 1; a weight of zero or less would turn a feature against its own evidence.
        if n_features and not (self.idf > 0).all():
            raise ValueError("idf must be positive")
        if self.context is not None and self.context.n_labels != n_classes:
            raise ValueError(f"the context stage is for {self.context.n_labels} labels; the model has {n_classes}")
        if self.shares is not None and sorted(self.shares.labels) != sorted(self.classes_):
            raise ValueError(f"the share calibration is for labels {list(self.shares.labels)}; the model has {list(self.classes_)}")
        # Sorted and unique: lookups search the vocabulary by bisection.
        if n_features and (self.vocabulary[0] == "" or not (self.vocabulary[1:] > self.vocabulary[:-1]).all()):
            raise ValueError("vocabulary must be sorted, without repeats or empty n-grams")

    def __getstate__(self):
        # Worker processes rebuild the caches; shipping them would cost more.
        state = self.__dict__.copy()
        state["_vectorizer"] = state["_engine"] = None
        return state

    @property
    def labels(self) -> list[str]:
        """The labels as a list of str."""
        return list(self.classes_)

    def __repr__(self):
        return f"<Classifier labels={self.labels} n_features={len(self.vocabulary)}>"

    # -- features -------------------------------------------------------

    def transform(self, texts: Iterable[str]) -> scipy.sparse.csr_matrix:
        """TF-IDF matrix of ``texts``, computed with scikit-learn (the reference path).

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_texts, n_features)
            Columns follow ``vocabulary``.

        Examples
        --------
        >>> from policytext import load
        >>> X = load().transform(["新建高标准农田4300亩。", "※"])
        >>> X.shape[0], X.getnnz(axis=1).tolist()[1]
        (2, 0)
        """
        texts = check_texts(texts, where="transform")
        return tfidf(self._count_vectorizer().transform(texts), self.idf, self.features.norm)

    def _count_vectorizer(self):
        # Built on first use: a dict of every n-gram costs time that
        # loading a model for the fast path should not pay.
        if self._vectorizer is None:
            from sklearn.feature_extraction.text import CountVectorizer

            self._vectorizer = CountVectorizer(
                analyzer=build_analyzer(self.features),
                vocabulary={gram: i for i, gram in enumerate(self.vocabulary.tolist())},
                dtype=np.float64,
            )
        return self._vectorizer

    # -- scores ---------------------------------------------------------

    def decision_function(self, texts: Iterable[str], *, engine: str = "fast") -> np.ndarray:
        """Linear scores, shape (n_texts, n_classes); columns follow ``classes_``.

        Parameters
        ----------
        texts : list of str
        engine : {"fast", "reference"}
            ``"fast"`` computes the features in numpy (:mod:`policytext.engine`);
            ``"reference"`` with scikit-learn's vectorizer. Scores agree to
            rounding (both sum in float64, about 1e-14 apart); a model the
            batch engine cannot serve always uses the reference path.

        Returns
        -------
        ndarray of shape (n_texts, n_classes)
            :meth:`predict_proba` is the softmax of these over the
            model's temperature, and :meth:`predict` their argmax.

        Examples
        --------
        >>> from policytext import load
        >>> clf = load()
        >>> scores = clf.decision_function(["新建高标准农田4300亩。", "各位代表："])
        >>> clf.classes_[scores.argmax(axis=1)].tolist()
        ['agriculture', 'other']
        """
        check_params("decision_function", _ENGINE, {"engine": engine})
        return self._scores(check_texts(texts, where="decision_function"), engine)

    def _scores(self, texts, engine="fast"):
        """:meth:`decision_function` for a list already checked to hold only str."""
        scores, featureless = self._linear_scores(texts, engine)
        # A text without a single vocabulary n-gram (blank, an empty cell of a
        # table, "※", a lone BOM or zero-width space) has the intercepts for
        # scores: the most frequent label, economy. It says nothing about any
        # area, which is what `other` stands for. The mask comes with the
        # scores (the engine's norm column), so finding such texts costs no pass over them.
        if featureless.any():
            # A model without `other` (custom labels) has no label for "says
            # nothing": equal scores give every label the same probability,
            # 1/n, rather than the intercepts' label at a confidence the text
            # gives no ground for; its label is then the first of ``classes_``.
            scores[featureless] = np.where(self.classes_ == "other", 0.0, -_BLANK_MARGIN) if "other" in self.labels else 0.0
        return scores

    def _linear_scores(self, texts, engine):
        """The linear scores of ``texts``, and a boolean mask of the texts without a single feature."""
        if engine == "fast":
            from .engine import FEW, FEW_CHARS, few_scores

            few = len(texts) <= FEW and sum(map(len, texts)) <= FEW_CHARS
            if self._engine is None and few and self.features.norm == "l2_tokens":
                return few_scores(self, texts)
            fast = self._batch_engine()
            if fast is not None:
                return fast.scores(texts)
        X = self.transform(texts)
        return np.asarray(X @ self.coef.astype(np.float64)) + self.intercept, X.getnnz(axis=1) == 0

    @property
    def has_batch_engine(self) -> bool:
        """Whether the batch engine serves this model (built on first use); else the reference path does."""
        return self._batch_engine() is not None

    def _batch_engine(self):
        if self._engine is None:
            from .engine import BatchEngine, EngineUnsupported

            try:
                self._engine = BatchEngine(self)
            except EngineUnsupported:
                self._engine = False
        return self._engine or None

    def predict_proba(self, texts: Iterable[str], *, engine: str = "fast") -> np.ndarray:
        """Calibrated probabilities, shape (n_texts, n_classes); rows sum to 1.

        Parameters
        ----------
        texts : list of str
        engine : {"fast", "reference"}
            See :meth:`decision_function`.

        Returns
        -------
        ndarray of shape (n_texts, n_classes)
            Columns follow ``classes_``: the softmax of
            :meth:`decision_function` over the model's temperature, fitted on
            held-out scores. A text without a single n-gram the model knows
            (blank, ``"※"``) is ``other`` with probability 1, or, for a model
            without an ``other`` label, every label at 1/n.

        Examples
        --------
        >>> from policytext import load
        >>> clf = load()
        >>> proba = clf.predict_proba(["新建高标准农田4300亩。"])
        >>> clf.classes_[proba.argmax(axis=1)].tolist(), round(float(proba.sum()), 6)
        (['agriculture'], 1.0)
        """
        check_params("predict_proba", _ENGINE, {"engine": engine})
        return self._proba(check_texts(texts, where="predict_proba"), engine)

    def _proba(self, texts, engine="fast"):
        return softmax(self._scores(texts, engine) / self.temperature)

    # Without k a label per text, with k a ranked list per text: the
    # overloads say which, so that callers need no cast.
    @overload
    def predict(self, texts: Iterable[str], *, k: None = None, threshold: None = None, engine: str = "fast") -> list[str]: ...

    @overload
    def predict(self, texts: Iterable[str], *, k: int, threshold: float | None = None, engine: str = "fast") -> list[list[tuple[str, float]]]: ...

    def predict(
        self, texts: Iterable[str], *, k: int | None = None, threshold: float | None = None, engine: str = "fast"
    ) -> list[str] | list[list[tuple[str, float]]]:
        """Labels of ``texts``.

        Parameters
        ----------
        texts : list of str
        k : int, optional
            If given, return for each text its ``k`` most probable labels
            with their probabilities, as fastText's ``predict`` does.
        threshold : float, optional
            With ``k``, leave out labels whose probability is below it (a
            text may then get no label). Without ``k`` it is refused with
            :class:`~policytext.ParameterError`: one label per text has no
            way to say "none"; give ``k=1`` for fastText's behaviour.
        engine : {"fast", "reference"}
            See :meth:`decision_function`.

        Returns
        -------
        list of str, or (with ``k``) list of list of (str, float)

        Examples
        --------
        >>> from policytext import load
        >>> clf = load()
        >>> clf.predict(["新建高标准农田4300亩。"])
        ['agriculture']
        >>> [[label for label, p in row] for row in clf.predict(["新建高标准农田4300亩。"], k=1)]
        [['agriculture']]
        """
        check_params("predict", _PREDICT_ONE if k is None else _PREDICT, {"k": k, "threshold": threshold, "engine": engine})
        texts = check_texts(texts, where="predict")
        if k is None:
            return self.classes_[self._scores(texts, engine).argmax(axis=1)].tolist()
        return self.top_k(self._proba(texts, engine), k=k, threshold=0.0 if threshold is None else threshold)

    def top_k(self, proba: ArrayLike, *, k: int, threshold: float = 0.0) -> list[list[tuple[str, float]]]:
        """Top ``k`` (label, probability) pairs of each row of ``proba``.

        Parameters
        ----------
        proba : array-like of shape (n_texts, n_classes)
            Probabilities (as :meth:`predict_proba` gives them), columns
            following ``classes_``; a list of lists will do.
        k : int
        threshold : float
            Leave out labels whose probability is below it.

        Returns
        -------
        list of list of (str, float)
            Per row, at most ``k`` pairs, most probable first.

        Examples
        --------
        >>> from policytext import load
        >>> clf = load()
        >>> clf.top_k([[0.7, 0.2, 0.04, 0.03, 0.01, 0.01, 0.01]], k=2)
        [[('economy', 0.7), ('agriculture', 0.2)]]
        >>> clf.top_k([[0.7, 0.2, 0.04, 0.03, 0.01, 0.01, 0.01]], k=2, threshold=0.5)
        [[('economy', 0.7)]]
        """
        check_params("top_k", _TOP_K, {"k": k, "threshold": threshold})
        proba = self._as_proba(proba, "top_k")
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [
            [(self.classes_[j], float(row[j])) for j in idx if row[j] >= threshold]
            for row, idx in zip(proba, order)
        ]

    def _as_proba(self, proba: ArrayLike, where: str) -> np.ndarray:
        """``proba`` as a float array of shape (n, n_classes), or a ParameterError saying what it is instead."""
        try:
            arr = np.asarray(proba, dtype=np.float64)
        except (TypeError, ValueError):
            got = f"a {type(proba).__name__} that numpy cannot read as an array of numbers"
        else:
            if arr.ndim == 2 and arr.shape[1] == len(self.classes_):
                return arr
            got = f"shape {arr.shape}" if arr.ndim else f"a {type(proba).__name__}"
        raise ParameterError(
            f"{where}(): 'proba' must be an array-like of numbers of shape (n, {len(self.classes_)}) "
            f"(one row per text, one column per label), got {got}"
        )

    def explain(self, text: str, *, k: int = 5, label: str | None = None) -> list[tuple[str, float]]:
        """The n-grams of ``text`` that push hardest towards ``label``.

        Parameters
        ----------
        text : str
        k : int
            How many n-grams to return at most.
        label : str, optional
            The label to explain; by default the one :meth:`predict` gives
            ``text`` read alone. ``classify`` and ``tag`` read a sentence
            with its neighbours and paragraph, and their label may differ:
            what the context stage adds is not explained by n-grams, so
            ``explain(s.text)`` may explain another label than ``s.label``,
            and ``explain(s.text, label=s.label)`` the sentence's own pull
            towards it, not why the context gave it.

        Returns
        -------
        list of (str, float)
            N-grams with a positive contribution to the label's score,
            largest first (fewer than ``k`` if fewer push towards it). The
            n-grams are the model's features: folded text, so a traditional
            character shows as its simplified form and digits as 0.

        Examples
        --------
        >>> from policytext import load
        >>> [gram for gram, pull in load().explain("新建高标准农田4300亩。", k=3)]
        ['田', '标准农', '准农田']
        """
        check_text(text, where="explain")
        check_params("explain", {**_EXPLAIN, "label": optional(one_of(*self.labels))}, {"k": k, "label": label})
        if label is None:
            label = str(self.classes_[self._scores([text])[0].argmax()])
        column = self.labels.index(label)
        row = self.transform([text])
        contributions = row.data * self.coef[row.indices, column]
        order = np.argsort(-contributions, kind="stable")[:k]
        return [(str(self.vocabulary[row.indices[i]]), float(contributions[i])) for i in order if contributions[i] > 0]
