"""Train a :class:`~policytext.model.Classifier` from a labelled corpus.

Training is deterministic: the same corpus and parameters give the same
weights (and, through :func:`~policytext.modelfile.save_model`, the same
bytes). Probabilities are calibrated by one temperature fitted on
held-out scores, which keeps the argmax of the linear model: the scores of
the written documents, each from a model trained without it, when there are
documents; else cross-validated scores of the sentences.
"""

import math
import sys
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from ._validation import BOOL, PATHS, Constraint, check_params, check_texts, is_plain_int, is_plain_number, listed_paths, one_of, optional, refusal, short_repr
from ._version import __version__
from .context import ContextStage, centred_log_proba, context_features, paragraph_ids
from .corpus import LABELS, document_files, files_sha256, read_corpus, read_documents
from .features import FeatureParams, build_analyzer, tfidf
from .model import TEMPERATURE, Classifier, softmax

__all__ = ["NBSVM", "TrainParams", "default_features", "document_folds", "train", "train_corpus", "train_with_documents"]

ESTIMATORS = ("nbsvm", "svm", "logreg")
#: Fewer sentences than this for some label draw a warning.
TINY = 20


_TRAIN_PARAMS = {
    "estimator": one_of(*ESTIMATORS),
    # Plain int and float only: the settings are written to model.json.
    "C": Constraint(lambda v: is_plain_number(v) and math.isfinite(v) and v > 0, "a finite number > 0"),
    "class_weight": Constraint(lambda v: v is None or (isinstance(v, str) and v == "balanced"), "'balanced' or None"),
    "calibration_folds": Constraint(lambda v: is_plain_int(v) and v >= 2, "an int >= 2"),
}


@dataclass(frozen=True, kw_only=True)
class TrainParams:
    """Classifier settings.

    Parameters
    ----------
    estimator : {"nbsvm", "svm", "logreg"}
        :class:`NBSVM` (a linear SVM per label over features weighted by
        their naive Bayes log-count ratios), scikit-learn's ``LinearSVC``
        or multinomial ``LogisticRegression``.
    C : float
        Inverse regularisation strength, > 0.
    class_weight : {"balanced", None}
        Weigh classes inversely to their frequency.
    calibration_folds : int
        Folds for the held-out scores that fit the temperature (>= 2).
    """

    estimator: str = "nbsvm"
    C: float = 0.3
    class_weight: str = "balanced"
    calibration_folds: int = 5

    def __post_init__(self):
        check_params("TrainParams", _TRAIN_PARAMS, asdict(self))


def default_features():
    """The feature settings new models are trained with.

    Character 1-3-grams with digits folded, and traditional characters
    folded to simplified with OpenCC's table (:func:`~policytext.variants.opencc_t2s`),
    which the model file then carries. An n-gram must occur in at least
    three sentences: on the 40,627-sentence corpus that keeps 212k n-grams
    instead of 313k, and the batch engine's tables small enough to stay
    within 4% of its speed with the 14k-sentence corpus (it lost 11-15%
    at two), for accuracy within 0.003 on the real sentences.
    """
    from .variants import opencc_t2s

    return FeatureParams(min_df=3, fold_variants=opencc_t2s())


class NBSVM(ClassifierMixin, BaseEstimator):
    """One linear SVM per label, each over the features scaled by their log-count ratio for that label.

    Wang & Manning (2012), "Baselines and bigrams": the ratio
    ``r = log((p / |p|) / (q / |q|))``, where ``p`` and ``q`` count the
    sentences of the label and of the others holding each n-gram (plus
    ``alpha``), tells the SVM which n-grams speak for a label before it
    weighs them. Scaling features by ``r`` and weighing them by ``w`` is
    weighing them by ``w * r``: the model is linear in the same features,
    so the file format and the batch engine are unchanged.

    On the written corpus held out by writer (5 folds) it reads as the
    plain SVM does (macro-F1 0.9628 at C=0.3 against 0.9630); on real
    reports it reads higher (see the changelog).
    """

    def __init__(self, *, C=0.3, class_weight="balanced", alpha=1.0):
        self.C = C
        self.class_weight = class_weight
        self.alpha = alpha

    def fit(self, X, y):
        import scipy.sparse as sp
        from sklearn.svm import LinearSVC

        self.classes_, index = np.unique(y, return_inverse=True)
        n_labels = len(self.classes_)
        # Sentences holding each n-gram, per label: one product, not a pass per label;
        # the other labels' counts are the total less the label's own.
        members = sp.csr_matrix((np.ones(len(index)), (index, np.arange(len(index)))), shape=(n_labels, len(index)))
        own = np.asarray((members @ (X > 0).astype(np.float64)).todense())
        others = own.sum(axis=0) - own
        coef = np.zeros((n_labels, X.shape[1]))
        intercept = np.zeros(n_labels)
        for k in range(n_labels):
            mine = index == k
            p, q = own[k] + self.alpha, others[k] + self.alpha
            ratio = np.log(p / p.sum()) - np.log(q / q.sum())
            svm = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0, max_iter=5000)
            svm.fit(X @ sp.diags(ratio), mine.astype(np.int64))
            coef[k] = svm.coef_.ravel() * ratio
            intercept[k] = svm.intercept_[0]
        self.coef_, self.intercept_ = coef, intercept
        return self

    def decision_function(self, X):
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def predict(self, X):
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def _estimator(params):
    if params.estimator == "nbsvm":
        return NBSVM(C=params.C, class_weight=params.class_weight)
    if params.estimator == "svm":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=params.C, class_weight=params.class_weight, random_state=0, max_iter=5000)
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=params.C, class_weight=params.class_weight, max_iter=3000)


def _features(texts, features):
    """Fit the vocabulary and IDF; return (tf-idf matrix, sorted n-grams, idf)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    counter = CountVectorizer(analyzer=build_analyzer(features), min_df=features.min_df, dtype=np.float64)
    # scikit-learn's own words here speak of max_df and pruning, options a corpus's author never set.
    too_small = f"an n-gram must occur in {features.min_df} sentences to be kept, and the corpus has {len(texts)}"
    if len(texts) < features.min_df:
        raise ValueError(f"training needs more sentences: {too_small}")
    try:
        counts = counter.fit_transform(texts)
    except ValueError as exc:
        if "no terms remain" not in str(exc):
            raise
        raise ValueError(f"training needs more sentences: no n-gram is in {features.min_df} of them ({too_small})") from None
    # Sort the vocabulary, so that a model's arrays do not depend on dict order.
    grams = sorted(counter.vocabulary_)
    order = np.array([counter.vocabulary_[g] for g in grams], dtype=np.int64)
    counts = counts[:, order]
    idf = TfidfTransformer().fit(counts).idf_
    return tfidf(counts, idf, features.norm), grams, idf


def _held_out_temperature(X, y, params, folds, groups=None):
    """The temperature fitted on ``folds``-fold cross-validated scores (1.0 with fewer than two folds).

    With ``groups``, a fold holds whole groups out (scikit-learn's
    ``GroupKFold``), so the scores are those of a writer the model has not
    read. Folds are stratified instead when there are no groups, or so few
    that holding one out leaves some label without training sentences.
    """
    from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_predict

    if folds < 2:
        return 1.0
    splits = None
    if groups is not None and len(set(groups)) >= folds:
        splits = list(GroupKFold(n_splits=folds).split(X, y, groups=list(groups)))
        n_labels = len(np.unique(y))
        if any(len(np.unique(y[train])) < n_labels for train, _ in splits):
            splits = None
    cv = splits or StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    held_out = cross_val_predict(_estimator(params), X, y, cv=cv, method="decision_function")
    held_out = held_out if held_out.ndim == 2 else np.column_stack([-held_out, held_out])
    return _fit_temperature(held_out, y)


def _fit_temperature(scores, y):
    """The temperature that minimises held-out log loss of softmax(scores / T)."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))

    def nll(log_t):
        p = softmax(scores / np.exp(log_t))
        return -np.log(np.clip(p[rows, y], 1e-12, None)).mean()

    return float(np.exp(minimize_scalar(nll, bounds=(-5, 5), method="bounded").x))


#: What the options of the training functions allow (each function checks those it has).
_OPTIONS = {
    "paths": PATHS,
    "features": Constraint(lambda v: v is None or isinstance(v, FeatureParams), "None (the default features) or a FeatureParams"),
    "params": Constraint(lambda v: v is None or isinstance(v, TrainParams), "None (the default settings) or a TrainParams"),
    "metadata": Constraint(lambda v: v is None or isinstance(v, dict), "None or a dict"),
    # The range a Classifier takes, in the words its own refusal uses ("from 0.001 to 1000").
    "temperature": optional(TEMPERATURE),
    "progress": BOOL,
}


def _check_options(where, **values):
    check_params(where, {name: _OPTIONS[name] for name in values}, values)


def _check_labelled(where, texts, labels, groups=None):
    """``texts``, ``labels`` and ``groups`` as lists, refused before any fit if they do not pair up.

    Without this, a lone str was split into characters, a label list of
    the wrong length failed in a matrix product, and a label that is not
    a str failed in the sort of the label set.
    """
    texts = check_texts(texts, where=where)
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
        check_texts(labels, where=where, name="labels")  # the lone-str refusal of every batch entry point
    labels = list(labels)
    for i, label in enumerate(labels):
        if not isinstance(label, str) or not label:
            raise refusal(where, f"labels[{i}]", "a non-empty str", short_repr(label))
    if len(labels) != len(texts):
        raise refusal(where, "labels", "one label per text", f"{len(labels)} labels for {len(texts)} texts")
    if groups is not None:
        groups = check_texts(groups, where=where, name="groups")
        if len(groups) != len(texts):
            raise refusal(where, "groups", "one group per text", f"{len(groups)} groups for {len(texts)} texts")
    return texts, labels, groups


def _check_two_labels(where, labels):
    """Refuse labels of one class before any fit: there is nothing to tell it from."""
    if len(distinct := sorted(set(labels))) < 2:
        raise refusal(where, "labels", "at least two distinct labels", f"only {short_repr(distinct)}")


def train(texts, labels, *, features=None, params=None, metadata=None, temperature=None, groups=None):
    """Fit a classifier on sentences and their labels.

    Parameters
    ----------
    texts : list of str
    labels : list of str
        One non-empty label per text; any label set with at least two labels.
    features : FeatureParams, optional
        By default :func:`default_features`.
    params : TrainParams, optional
    metadata : dict, optional
        Provenance to record in the model file.
    temperature : float, optional
        Use this temperature instead of fitting one on cross-validated
        scores (which costs five more fits).
    groups : list of str, optional
        Who wrote each sentence (a file, a writer): the temperature is then
        fitted on scores of folds that hold whole groups out. Sentences of
        one writer share phrasing, so scores held out sentence by sentence
        are surer than the model will be on new text.

    Returns
    -------
    Classifier

    Raises
    ------
    ParameterError
        ``texts``, ``labels`` or ``groups`` are not lists of str of one
        length (a label must not be empty), or an option is of the wrong
        kind.

    Warns
    -----
    UserWarning
        For a corpus with fewer than :data:`TINY` sentences of some label:
        how many n-grams were kept, and whether predictions are near uniform.

    Examples
    --------
    Three sentences a label are far too few for a real model (and are
    warned of); with every n-gram kept (``min_df=1``) they show the calls:

    >>> import dataclasses, warnings
    >>> texts = ["新建高标准农田4300亩。", "粮食总产稳定在30万吨。", "发展家庭农场26家。",
    ...          "规上工业产值增长9%。", "招引亿元项目12个。", "新签约工业项目8个。"]
    >>> labels = ["agriculture"] * 3 + ["economy"] * 3
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     clf = train(texts, labels, features=dataclasses.replace(default_features(), min_df=1))
    >>> clf.labels
    ['economy', 'agriculture']
    >>> clf.predict(["新建高标准农田5000亩。", "新签约项目12个。"])
    ['agriculture', 'economy']
    """
    _check_options("train", features=features, params=params, metadata=metadata, temperature=temperature)
    texts, labels, groups = _check_labelled("train", texts, labels, groups)
    _check_two_labels("train", labels)
    clf = _train(texts, labels, features, params, metadata, temperature, groups)
    _warn_of_a_small_corpus(clf, texts, labels, stacklevel=3, unfitted=temperature is None)
    return clf


def _train(texts, labels, features, params, metadata, temperature, groups, order=LABELS):
    """:func:`train` on checked input, without its warning: :func:`train_with_documents` warns once, at the temperature the model keeps.

    The model's labels come in ``order`` (the guideline's by default, or
    the labels a corpus was read with), then any others sorted. Any order
    is safe: the estimators see label indices, and every array of the
    model (coef, intercept, context stage, shares) is built in this one.
    """
    features = features or default_features()
    params = params or TrainParams()
    order = list(order)
    classes = sorted(set(labels), key=lambda c: (order.index(c) if c in order else len(order), c))
    if len(classes) < 2:
        raise ValueError(f"training needs at least two labels, got {classes}")
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in labels])
    rarest = int(np.bincount(y).min())

    X, grams, idf = _features(texts, features)
    estimator = _estimator(params).fit(X, y)
    coef, intercept = _weights(estimator, len(classes))

    if temperature is None:
        temperature = _held_out_temperature(X, y, params, folds=min(params.calibration_folds, rarest), groups=groups)

    meta = {
        "trained_with": {"library_version": __version__, "params": asdict(params)},
        "n_train_sentences": len(texts),
        **(metadata or {}),
    }
    return Classifier(
        labels=classes,
        vocabulary=grams,
        idf=idf,
        coef=coef.astype(np.float32),
        intercept=intercept,
        temperature=temperature,
        features=features,
        metadata=meta,
    )


def _warn_of_a_small_corpus(clf, texts, labels, *, stacklevel, unfitted=True):
    """Warn of a corpus with fewer than :data:`TINY` sentences of some label, saying what the model kept of it.

    On a few sentences, an n-gram in ``min_df`` of them is rare: six
    sentences of two labels kept three n-grams at min_df=3 ("0", "00",
    "。"), and every probability was 0.50, under a warning that spoke only
    of generalising. Whether the predictions are near uniform is measured,
    on the training sentences at the model's temperature, rather than
    guessed from the count. ``unfitted``: the temperature was to be fitted
    on held-out scores, which a label of one sentence leaves at 1.0, said
    so (the scores are then not calibrated, and nothing showed it).
    """
    per_label = Counter(labels)
    counts = np.array([per_label[label] for label in clf.labels])
    rarest = int(counts.min())
    if rarest >= TINY:
        return
    kept, min_df = len(clf.vocabulary), clf.features.min_df
    uniform = 1 / len(clf.labels)
    surest = float(clf.predict_proba(texts).max(axis=1).mean())
    grams = f"{kept} n-gram{'s are' if kept != 1 else ' is'} in {min_df} or more of them (min_df={min_df}) and {'were' if kept != 1 else 'was'} kept"
    note = f"training on {len(texts)} sentences, {rarest} for the rarest label ({clf.labels[int(counts.argmin())]!r}); "
    # A quarter of the way from a uniform guess to certainty, on the very sentences it was fitted to.
    if surest < uniform + (1 - uniform) / 4:
        note += (
            f"only {grams}, so predictions will be near uniform (the surest label's probability averages {surest:.2f} "
            f"on the training sentences; uniform is {uniform:.2f}). A smaller min_df keeps more n-grams "
            f"(policytext train --min-df 1, or FeatureParams(min_df=1)); a model"
        )
    else:
        note += f"{grams}. A model"
    note += " needs hundreds of sentences per label to generalise"
    if unfitted and rarest < 2:
        note += "; with one sentence of a label the temperature cannot be fitted on held-out scores and stays 1.0, so the scores are not calibrated"
    warnings.warn(note, UserWarning, stacklevel=stacklevel)


def _weights(estimator, n_classes):
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.asarray(estimator.intercept_, dtype=np.float64)
    if n_classes == 2 and coef.shape[0] == 1:  # binary models keep one row
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]])
    return coef.T.copy(), intercept


#: L2 strength of the context stage (inverse), and its window; chosen by
#: cross-validation over the written documents (5 folds of documents).
CONTEXT_C = 1.0
CONTEXT_WINDOW = 2
#: Folds of documents: for the cross-fitted sentence scores the context
#: stage learns from, and for the held-out context probabilities the share
#: calibration and the domain ranges are fitted on (see :func:`document_folds`).
DOCUMENT_FOLDS = 5


def document_folds(documents, *, n_folds=DOCUMENT_FOLDS):
    """The fold of each document: whole groups, largest first, each to the fold with fewest documents.

    A writer's reports share phrasing, so a document scored by a model that
    has seen its siblings looks easier than new text does; holding out its
    whole group keeps the scores the context stage learns from as far from
    training as a real report's. Deterministic (ties go by group name);
    documents without a group are dealt in turn, document ``d`` to fold
    ``d % n_folds`` when they come sorted.

    >>> from policytext.corpus import WrittenDocument
    >>> docs = [WrittenDocument(id=i, level="county", year=1990, text="", labels=(), parts=(), group=g)
    ...         for i, g in [("a1", "a"), ("a2", "a"), ("b1", "b"), ("c1", "")]]
    >>> document_folds(docs, n_folds=2).tolist()
    [0, 0, 1, 1]
    """
    members: dict = {}
    for d, doc in enumerate(documents):
        members.setdefault(doc.group, []).append(d)
    fold = np.zeros(len(documents), dtype=np.int64)
    sizes = np.zeros(n_folds, dtype=np.int64)
    for group in sorted(members, key=lambda g: (-len(members[g]), g)):
        k = int(sizes.argmin())
        fold[members[group]] = k
        sizes[k] += len(members[group])
    return fold


def _document_sentences(doc):
    """The sentences of a written document as the segmenter finds them, checked against its labels."""
    from .segment import split_sentences

    spans = split_sentences(doc.text)
    if len(spans) != len(doc.labels):
        raise ValueError(f"document {doc.id}: the segmenter finds {len(spans)} sentences, the labels are {len(doc.labels)}")
    return spans


def _context_data(documents, spans, proba, labels, window):
    """Each sentence's own centred log-probabilities, context features, label index and document index."""
    index = {label: i for i, label in enumerate(labels)}
    own = [centred_log_proba(p) for p in proba]
    context = [context_features(logp, paragraph_ids(doc_spans), window) for logp, doc_spans in zip(own, spans)]
    y = [index[label] for doc in documents for label in doc.labels]
    doc_of = np.repeat(np.arange(len(documents)), [len(doc_spans) for doc_spans in spans])
    return np.vstack(own), np.vstack(context), np.array(y), doc_of


def _fit_context(own, X, y, n_labels, C, window):
    """Multinomial logistic regression with the own scores as an offset scaled by a free weight."""
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    n, d = X.shape
    onehot = np.eye(n_labels)[y]

    def loss(theta):
        coef, scale = theta[:-1].reshape(d, n_labels), theta[-1]
        z = scale * own + X @ coef
        lse = logsumexp(z, axis=1)
        p = np.exp(z - lse[:, None])
        value = (lse - z[np.arange(n), y]).mean() + (coef**2).sum() / (2 * C * n)
        g = (p - onehot) / n
        return value, np.r_[(X.T @ g + coef / (C * n)).ravel(), (g * own).sum()]

    start = np.r_[np.zeros(d * n_labels), 1.0]
    fitted = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
    return ContextStage(own_scale=float(fitted.x[-1]), coef=fitted.x[:-1].reshape(d, n_labels), window=window)


def _held_out_context(data, fold_of, n_labels, window):
    """Context probabilities of every sentence from a stage fitted without its document.

    ``data`` is :func:`_context_data`'s, ``fold_of`` :func:`document_folds`'.
    The context stage is refitted without each fold of documents and
    applied to it.
    """
    own, X, y, doc_of = data
    held = np.zeros((len(y), n_labels))
    fold = fold_of[doc_of]
    for k in np.unique(fold_of):
        stage = _fit_context(own[fold != k], X[fold != k], y[fold != k], n_labels, CONTEXT_C, window)
        rows = fold == k
        held[rows] = softmax(stage.own_scale * own[rows] + X[rows] @ stage.coef)
    return held


def _shares_from(documents, clf, data, held):
    from .shares import fit_share_model

    _, _, y, doc_of = data
    groups = [f"{documents[d].level}-{documents[d].year // 10 * 10}" for d in doc_of]
    return fit_share_model(held, y, doc_of, clf.labels, groups=groups)


def _domain_from(documents, clf, data, held):
    from .domain import DOMAIN_FIGURES, DomainCheck, document_figures, domain_ranges

    check = DomainCheck.of(clf, ranged=False)
    other = clf.labels.index("other") if "other" in clf.labels else None
    figures: dict = {name: [] for name in DOMAIN_FIGURES}
    for d, doc in enumerate(documents):
        proba = held[data[3] == d]
        found = document_figures(len(proba), int((proba.argmax(1) == other).sum()), float(proba.max(1).sum()), *check.unknown([doc.text]))
        for name in DOMAIN_FIGURES:
            figures[name].append(found[name])
    return domain_ranges(figures)


def train_with_documents(texts, labels, documents, *, groups=None, features=None, params=None, metadata=None, progress=False):
    """Train the sentence model on ``texts`` and the documents' sentences, and its context stage on the documents.

    The context stage must learn from scores like those the sentence model
    gives new text, so each document is scored by a model refitted without
    it: one model is trained without each of the :data:`DOCUMENT_FOLDS`
    folds of documents, whole groups at a time (:func:`document_folds`).
    The temperature is fitted on these held-out scores: whole reports by
    writers the model has not read are nearer the text it will tag than
    the corpus's single sentences, which are surer (measured when the
    corpus had 40,628 sentences: 0.306 from the documents against 0.283
    from the sentences; the shipped model's, from its 574 documents, is
    0.342, as its model card says), and no extra fits are needed. With a document in every fold, the share
    calibration and the domain ranges are fitted on context probabilities
    held out by document too.

    Parameters
    ----------
    texts, labels : list of str
        Labelled sentences.
    documents : list of WrittenDocument
        Whole labelled reports (may be empty: then this is :func:`train`).
    groups : list of str, optional
        Who wrote each of ``texts``, as for :func:`train`; the documents'
        sentences count in their document's ``group``.
    features, params, metadata
        As for :func:`train`.
    progress : bool
        Show a progress bar of the model fits on standard error (when it is
        a terminal): with documents, training fits six models.

    Returns
    -------
    Classifier
    """
    _check_options("train_with_documents", features=features, params=params, metadata=metadata, progress=progress)
    texts, labels, groups = _check_labelled("train_with_documents", texts, labels, groups)
    _check_two_labels("train_with_documents", labels)
    return _train_with_documents(texts, labels, documents, groups, features, params, metadata, progress)


def _train_with_documents(texts, labels, documents, groups, features, params, metadata, progress, order=LABELS):
    """:func:`train_with_documents` on checked input, the model's labels in ``order`` (see :func:`_train`)."""
    from tqdm import tqdm

    spans = [_document_sentences(doc) for doc in documents]
    fold_of = document_folds(documents)
    folds = len(np.unique(fold_of))
    # disable=None: shown only when standard error is a terminal.
    with tqdm(total=1 + folds, unit="fit", desc="training", file=sys.stderr, disable=None if progress else True) as bar:
        all_texts = texts + [s.text for doc in spans for s in doc]
        all_labels = labels + [label for doc in documents for label in doc.labels]
        clf = _train(
            all_texts,
            all_labels,
            features,
            params,
            metadata,
            # With documents, the temperature comes from their held-out scores below.
            1.0 if documents else None,
            None if groups is None else groups + [doc.group for doc, doc_spans in zip(documents, spans) for _ in doc_spans],
            order,
        )
        bar.update(1)
        if documents:
            proba = _cross_fitted_proba(texts, labels, documents, spans, fold_of, clf, params, bar)
    if not documents:
        _warn_of_a_small_corpus(clf, all_texts, all_labels, stacklevel=3)
        return clf
    clf.temperature, proba = _documents_temperature(proba, documents, clf.labels)
    # Warned of here, at the temperature the model keeps, not at the 1.0 it was fitted with.
    _warn_of_a_small_corpus(clf, all_texts, all_labels, stacklevel=3, unfitted=False)
    clf.metadata["temperature_from"] = "documents"
    data = _context_data(documents, spans, proba, clf.labels, CONTEXT_WINDOW)
    clf.context = _fit_context(*data[:3], len(clf.labels), CONTEXT_C, CONTEXT_WINDOW)
    if folds == DOCUMENT_FOLDS:
        held = _held_out_context(data, fold_of, len(clf.labels), CONTEXT_WINDOW)
        clf.shares = _shares_from(documents, clf, data, held)
        clf.metadata["domain"] = _domain_from(documents, clf, data, held)
    clf.metadata["context_documents"] = len(documents)
    clf.metadata["document_folds"] = folds
    return clf


def _documents_temperature(proba, documents, labels):
    """The temperature fitted on the documents' held-out probabilities (given at temperature 1), and those probabilities at it."""
    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[label] for doc in documents for label in doc.labels])
    # Log-probabilities are the scores up to a constant per row, which the softmax ignores;
    # a label a fold lacked has probability 0 and stays so.
    with np.errstate(divide="ignore"):
        scores = [np.log(p) for p in proba]
    temperature = _fit_temperature(np.vstack(scores), y)
    return temperature, [softmax(z / temperature) for z in scores]


def _cross_fitted_proba(texts, labels, documents, spans, fold_of, clf, params, bar):
    """Each document's sentence probabilities from a model trained without its fold of documents."""
    proba = [None] * len(documents)
    for k in np.unique(fold_of):
        kept = [d for d in range(len(documents)) if fold_of[d] != k]
        with warnings.catch_warnings():
            # A tiny corpus was warned of once, by the full model's fit.
            warnings.simplefilter("ignore", UserWarning)
            fold = train(
                list(texts) + [s.text for d in kept for s in spans[d]],
                list(labels) + [label for d in kept for label in documents[d].labels],
                features=clf.features,
                params=params,
                temperature=clf.temperature,
            )
        columns = [clf.labels.index(label) for label in fold.labels]
        for d in np.flatnonzero(fold_of == k):
            # A fold that lacks a label gives it no probability (the log floor of centred_log_proba).
            proba[d] = np.zeros((len(spans[d]), len(clf.labels)))
            proba[d][:, columns] = fold.predict_proba([s.text for s in spans[d]])
        bar.update(1)
    return proba


def train_corpus(paths, *, labels=LABELS, features=None, params=None, progress=False):
    """Read a corpus (see :func:`~policytext.corpus.read_corpus`) and train on it.

    The sentences of its ``*.jsonl`` files and of its written documents
    (``documents/*.json`` below ``paths``) train the sentence model; the
    documents also train the context stage (see :func:`train_with_documents`).
    Each file, and each document group, is a group for the temperature's
    held-out scores. The model's labels come in the order of ``labels``
    (any order for ``None``: the guideline's labels first, then the others
    sorted).

    Warns
    -----
    UserWarning
        For labels given (not the default seven, of which a corpus may use
        some) that no sentence of the corpus has: the model cannot give them.

    Examples
    --------
    A corpus of two files (far too small for a real model, and warned of),
    every n-gram kept (``min_df=1``):

    >>> import dataclasses, json, tempfile, warnings
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> files = {"farm.jsonl": ["新建高标准农田4300亩。", "粮食总产稳定在30万吨。", "发展家庭农场26家。"],
    ...          "industry.jsonl": ["规上工业产值增长9%。", "招引亿元项目12个。", "新签约工业项目8个。"]}
    >>> for name, label in [("farm.jsonl", "agriculture"), ("industry.jsonl", "economy")]:
    ...     lines = [json.dumps({"text": t, "label": label, "source": "written"}, ensure_ascii=False) for t in files[name]]
    ...     _ = (folder / name).write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     clf = train_corpus([folder], features=dataclasses.replace(default_features(), min_df=1))
    >>> clf.predict(["新建高标准农田5000亩。", "新签约项目12个。"]), clf.metadata["corpus_files"]
    (['agriculture', 'economy'], 2)
    >>> import shutil; shutil.rmtree(folder)
    """
    # Checked before the corpus is read, and in this function's name. Listed
    # once: a generator read by read_corpus left document_files nothing, and
    # the model was trained without the written documents.
    paths = listed_paths(paths)
    _check_options("train_corpus", paths=paths, features=features, params=params, progress=progress)
    named = labels is not LABELS  # the default seven are the guideline's, of which a corpus may use some
    if labels is not None:
        labels = check_texts(labels, where="train_corpus", name="labels")
    # The fold of the features trained with decides which lines are one sentence (and which labels conflict).
    corpus = read_corpus(paths, labels=labels, features=features)
    files = document_files(paths)
    metadata = {"corpus_sha256": corpus.sha256, "corpus_files": len(corpus.files)}
    if files:
        metadata["documents_sha256"] = files_sha256(files)
    documents = read_documents(files, labels=labels)
    found = set(corpus.labels).union(*(doc.labels for doc in documents))
    # A label named but never used was dropped silently: the model could never give it.
    absent = [label for label in labels or () if label not in found]
    if absent and named:
        names, them = ", ".join(map(repr, absent)), "it" if len(absent) == 1 else "them"
        warnings.warn(
            f"no sentence of the corpus is labelled {names}, so the model cannot give {them}: add sentences of {them}, or leave {them} out of the labels",
            UserWarning,
            stacklevel=2,
        )
    # A corpus file is one writer's round: the temperature is fitted on scores of files held out whole.
    groups = [Path(record.path).name for record in corpus.records]
    texts, all_labels, groups = _check_labelled("train_corpus", corpus.texts, corpus.labels, groups)
    return _train_with_documents(texts, all_labels, documents, groups, features, params, metadata, progress, order=labels or LABELS)
