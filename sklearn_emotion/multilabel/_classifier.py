"""Multi-label decisions done right: one tuned threshold per label.

A multi-label classifier scores every label independently; turning those scores into
label sets needs a cut-off per label. A fixed 0.5 is wrong for imbalanced labels
(GoEmotions' *grief* has 77 training examples, *neutral* 14k), and scikit-learn's
:class:`~sklearn.model_selection.TunedThresholdClassifierCV` tunes binary classifiers
only. This module adds

- :func:`tune_thresholds`: the best threshold of each label (or one shared threshold)
  for a metric, from true labels and scores, e.g. probabilities saved on a dev split;
- :class:`PerLabelThresholdClassifier`: a meta-estimator that learns those thresholds by
  cross-validation, on a validation split, or on held-out data for a prefitted model,
  around any multi-label classifier of this library or of scikit-learn.

Examples
--------
>>> import numpy as np
>>> from sklearn_emotion.multilabel import tune_thresholds
>>> y_true = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
>>> y_score = np.array([[0.9, 0.2], [0.6, 0.3], [0.4, 0.35], [0.1, 0.1]])
>>> tune_thresholds(y_true, y_score, thresholds=[0.25, 0.5, 0.75]).tolist()
[0.5, 0.25]
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Callable

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.model_selection import check_cv, train_test_split
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils import _safe_indexing, check_random_state, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from .exceptions import InvalidInputError
from .utils._validation import HasMethods, Interval, StrOptions, validate_params

__all__ = ["PerLabelThresholdClassifier", "apply_thresholds", "tune_thresholds"]


# ------------------------------------------------------------------ metrics from counts
def _safe_divide(num, den):
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _f1(tp, fp, fn, tn):
    return _safe_divide(2 * tp, 2 * tp + fp + fn)


def _jaccard(tp, fp, fn, tn):
    return _safe_divide(tp, tp + fp + fn)


def _balanced_accuracy(tp, fp, fn, tn):
    return (_safe_divide(tp, tp + fn) + _safe_divide(tn, tn + fp)) / 2


def _matthews(tp, fp, fn, tn):
    tp, fp, fn, tn = (np.asarray(a, dtype=np.float64) for a in (tp, fp, fn, tn))
    return _safe_divide(tp * tn - fp * fn, np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))


# binary metrics of one label, computed from confusion counts for every candidate at once
_METRICS: dict[str, Callable] = {
    "f1": _f1,
    "jaccard": _jaccard,
    "balanced_accuracy": _balanced_accuracy,
    "matthews_corrcoef": _matthews,
}


def _candidates(scores: np.ndarray, thresholds) -> np.ndarray:
    """Candidate thresholds: ``thresholds`` evenly spaced values over the scores' range."""
    if isinstance(thresholds, Integral):
        low, high = float(np.min(scores)), float(np.max(scores))
        return np.unique(np.linspace(low, high, int(thresholds)))
    return np.asarray(thresholds, dtype=np.float64)


def _counts(truth: np.ndarray, scores: np.ndarray, candidates: np.ndarray):
    """TP, FP, FN, TN of ``scores >= c`` for every candidate ``c`` (one label)."""
    positives = np.sort(scores[truth])
    everything = np.sort(scores)
    n_pos, n = len(positives), len(everything)
    tp = n_pos - np.searchsorted(positives, candidates, side="left")
    predicted = n - np.searchsorted(everything, candidates, side="left")
    fp = predicted - tp
    fn = n_pos - tp
    tn = (n - n_pos) - fp
    return tp, fp, fn, tn


def _metric_curve(truth, scores, candidates, scoring) -> np.ndarray:
    """The metric of one label at every candidate threshold."""
    if callable(scoring):
        return np.array(
            [float(scoring(truth.astype(np.int64), (scores >= c).astype(np.int64)))
             for c in candidates]
        )
    return _METRICS[scoring](*_counts(truth, scores, candidates))


def _best(curve: np.ndarray, candidates: np.ndarray) -> tuple[float, float]:
    """The best (threshold, value); ties are broken by the middle of the tied thresholds,
    which keeps the threshold away from the edge of a plateau (less overfitted)."""
    best = np.nanmax(curve)
    ties = np.flatnonzero(curve == best)
    return float(candidates[ties[len(ties) // 2]]), float(best)


def _check_scoring(scoring, caller: str):
    if callable(scoring) or (isinstance(scoring, str) and scoring in _METRICS):
        return scoring
    raise InvalidInputError(
        f"{caller}: scoring must be one of {sorted(_METRICS)} or a callable "
        f"metric(y_true, y_pred) -> float (greater is better); got {scoring!r}."
    )


def _check_thresholds_param(thresholds, caller: str):
    if isinstance(thresholds, Integral) and not isinstance(thresholds, bool):
        if thresholds < 2:
            raise InvalidInputError(
                f"{caller}: thresholds, as a number of candidates, must be at least 2; "
                f"got {thresholds}."
            )
        return int(thresholds)
    values = np.asarray(thresholds, dtype=np.float64) if thresholds is not None else None
    if values is None or values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise InvalidInputError(
            f"{caller}: thresholds must be an int (how many evenly spaced candidates) or a "
            f"non-empty 1-D array of finite candidate thresholds; got {thresholds!r}."
        )
    return np.unique(values)


def _check_score_matrix(y_true, y_score, labels, caller: str):
    """Validate an indicator matrix and a score matrix of the same shape."""
    if sparse.issparse(y_true):
        y_true = y_true.toarray()
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=np.float64)
    if y_true.ndim != 2 or y_score.ndim != 2:
        raise InvalidInputError(
            f"{caller} expects y_true and y_score as 2-D arrays of shape (n_samples, "
            f"n_labels); got shapes {y_true.shape} and {y_score.shape}."
        )
    if y_true.shape != y_score.shape:
        raise InvalidInputError(
            f"{caller} got y_true of shape {y_true.shape} and y_score of shape "
            f"{y_score.shape}; they must match (one score per sample and label)."
        )
    if y_true.shape[0] == 0 or y_true.shape[1] == 0:
        raise InvalidInputError(f"{caller} got empty y_true and y_score {y_true.shape}.")
    if not np.isin(np.unique(y_true), [0, 1]).all():
        raise InvalidInputError(
            f"{caller} expects y_true to be a 0/1 indicator matrix; got the values "
            f"{np.unique(y_true)[:10].tolist()}."
        )
    if not np.isfinite(y_score).all():
        raise InvalidInputError(f"{caller} got NaN or infinite values in y_score.")
    names = list(range(y_true.shape[1])) if labels is None else list(labels)
    if len(names) != y_true.shape[1]:
        raise InvalidInputError(
            f"{caller} got {len(names)} label names for {y_true.shape[1]} columns."
        )
    absent = [names[j] for j in np.flatnonzero(y_true.sum(axis=0) == 0)]
    if absent:
        raise InvalidInputError(
            f"{caller}: labels {absent} have no positive sample in y_true, so no threshold "
            "can be tuned for them. Tune on data where every label occurs (a larger "
            "validation split or cross-validation), or drop those labels."
        )
    return y_true.astype(bool), y_score, names


def _tune(y_true, y_score, scoring, thresholds, per_label):
    """Thresholds and the metric they reach, per label (validated inputs)."""
    n_labels = y_true.shape[1]
    if per_label:
        best = np.empty((2, n_labels))
        for j in range(n_labels):
            candidates = _candidates(y_score[:, j], thresholds)
            curve = _metric_curve(y_true[:, j], y_score[:, j], candidates, scoring)
            best[:, j] = _best(curve, candidates)
        return best[0], best[1]
    candidates = _candidates(y_score.ravel(), thresholds)
    curves = np.array(
        [_metric_curve(y_true[:, j], y_score[:, j], candidates, scoring) for j in range(n_labels)]
    )
    threshold, _ = _best(curves.mean(axis=0), candidates)
    index = np.flatnonzero(candidates == threshold)[0]
    return np.full(n_labels, threshold), curves[:, index]


def tune_thresholds(
    y_true,
    y_score,
    scoring: str | Callable = "f1",
    *,
    thresholds: int | np.ndarray = 100,
    per_label: bool = True,
    labels=None,
) -> np.ndarray:
    """The decision threshold of each label that maximises a metric on labelled data.

    Use it on scores of held-out data (a dev split, out-of-fold predictions), then
    predict ``y_score >= thresholds``. :class:`PerLabelThresholdClassifier` calls it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_labels)
        True labels as a 0/1 indicator matrix. Every label needs at least one positive.
    y_score : array-like of shape (n_samples, n_labels)
        Scores of the same samples and labels: probabilities (``predict_proba``) or
        decision values; greater means more likely.
    scoring : {"f1", "jaccard", "balanced_accuracy", "matthews_corrcoef"} or callable, \
default="f1"
        The binary metric to maximise on each label. A callable is called as
        ``scoring(y_true_column, y_pred_column)`` with 0/1 arrays and returns a float,
        greater is better (e.g. ``functools.partial(fbeta_score, beta=2)``); it is
        slower than the named metrics, which are computed from counts for every
        candidate at once.
    thresholds : int or array-like, default=100
        The candidates: an int gives that many evenly spaced values between the lowest
        and the highest score of each label (the scikit-learn
        ``TunedThresholdClassifierCV`` convention); an array gives the candidates
        themselves.
    per_label : bool, default=True
        If False, one threshold shared by all labels is chosen, the one that maximises
        the metric averaged over labels (macro); it is returned once per label.
    labels : array-like of shape (n_labels,), default=None
        Label names, only used in error messages.

    Returns
    -------
    thresholds : ndarray of shape (n_labels,), dtype float64
        Predict label ``j`` when ``y_score[:, j] >= thresholds[j]``. Among thresholds
        that tie on the metric, the middle one is returned.

    Raises
    ------
    InvalidInputError
        (a ``ValueError``) if the shapes differ, ``y_true`` is not 0/1, ``y_score``
        holds NaN, or a label has no positive sample.

    See Also
    --------
    PerLabelThresholdClassifier : Tunes the thresholds around an estimator.
    sklearn.model_selection.TunedThresholdClassifierCV : The binary counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion.multilabel import tune_thresholds
    >>> rng = np.random.RandomState(0)
    >>> y_true = rng.randint(2, size=(200, 3))
    >>> # negatives score in [b, b + 0.15], positives in [b + 0.4, b + 0.55]
    >>> y_score = y_true * 0.4 + [0.1, 0.3, 0.5] + rng.uniform(0, 0.15, (200, 3))
    >>> tune_thresholds(y_true, y_score).round(2).tolist()  # the middle of each gap
    [0.38, 0.58, 0.77]
    >>> tune_thresholds(y_true, y_score, per_label=False).round(2).tolist()
    [0.47, 0.47, 0.47]
    """
    caller = "tune_thresholds"
    scoring = _check_scoring(scoring, caller)
    thresholds = _check_thresholds_param(thresholds, caller)
    y_true, y_score, _ = _check_score_matrix(y_true, y_score, labels, caller)
    return _tune(y_true, y_score, scoring, thresholds, bool(per_label))[0]


def apply_thresholds(y_score, thresholds, *, min_labels: int = 0, max_labels=None) -> np.ndarray:
    """Turn per-label scores into an indicator matrix: ``y_score >= thresholds``, then
    give each row at least ``min_labels`` and at most ``max_labels`` labels.

    Labels are ranked within a row by their margin ``score - threshold``: rows with too
    few labels gain the best-ranked missing ones, rows with too many keep the best.

    Parameters
    ----------
    y_score : array-like of shape (n_samples, n_labels)
        Scores, e.g. saved ``predict_proba`` output.
    thresholds : float or array-like of shape (n_labels,)
        One threshold per label (from :func:`tune_thresholds`) or one for all.
    min_labels : int, default=0
        Minimum labels per row (1: no empty prediction).
    max_labels : int or None, default=None
        Maximum labels per row; None: no limit.

    Returns
    -------
    Y_pred : ndarray of shape (n_samples, n_labels), dtype int64

    Examples
    --------
    >>> from sklearn_emotion.multilabel import apply_thresholds
    >>> scores = [[0.9, 0.6, 0.1], [0.2, 0.3, 0.1]]
    >>> apply_thresholds(scores, [0.5, 0.5, 0.05]).tolist()
    [[1, 1, 1], [0, 0, 1]]
    >>> apply_thresholds(scores, 0.5, min_labels=1, max_labels=1).tolist()
    [[1, 0, 0], [0, 1, 0]]
    """
    y_score = np.asarray(y_score, dtype=np.float64)
    if y_score.ndim != 2:
        raise InvalidInputError(
            f"apply_thresholds expects y_score of shape (n_samples, n_labels); got shape "
            f"{y_score.shape}."
        )
    thresholds = np.broadcast_to(np.asarray(thresholds, dtype=np.float64), y_score.shape[1:])
    margins = y_score - thresholds
    Y = margins >= 0
    n_labels = Y.shape[1]
    order = np.argsort(-margins, axis=1, kind="stable")  # most confident first
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n_labels), order.shape), axis=1)
    if min_labels:
        Y |= rank < min(min_labels, n_labels)
    if max_labels is not None:
        Y &= rank < max_labels
    return Y.astype(np.int64)


# ----------------------------------------------------------------------- meta-estimator
def _is_label_lists(y) -> bool:
    """Whether ``y`` is a sequence of label collections rather than an indicator matrix.

    Sets and ragged sequences are label lists; a rectangular nested sequence of 0/1
    numbers is read as an indicator matrix (as numpy would).
    """
    if isinstance(y, (list, tuple)):
        items = y
    elif getattr(y, "ndim", None) == 1 and getattr(y, "dtype", None) == object:
        items = list(y)  # an object array or a Series of lists
    else:  # arrays, matrices, array-likes (an indicator matrix or plain labels)
        return False
    if not items or not all(
        isinstance(item, (list, tuple, set, frozenset, np.ndarray)) for item in items
    ):
        return False
    if any(isinstance(item, (set, frozenset)) for item in items):
        return True
    try:
        array = np.asarray(items)
    except ValueError:  # ragged
        return True
    if array.dtype == object or array.ndim != 2:
        return True
    return not (array.dtype.kind in "biuf" and np.isin(array, [0, 1]).all())


def _binarize_target(y, caller: str):
    """``(Y, names)``: an int64 indicator matrix and the label names, if ``y`` gives them
    (the sorted labels of label lists, the columns of a DataFrame), else None."""
    if _is_label_lists(y):
        binarizer = MultiLabelBinarizer()
        Y = binarizer.fit_transform(list(y)).astype(np.int64)
        return Y, np.asarray(binarizer.classes_.tolist(), dtype=object)
    names = None
    if sparse.issparse(y):
        y = y.toarray()
    if hasattr(y, "columns"):  # a DataFrame: its columns name the labels
        names = np.asarray([c.item() if isinstance(c, np.generic) else c for c in y.columns],
                           dtype=object)
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    y = np.asarray(y)
    kind = type_of_target(y, input_name="y")
    if kind != "multilabel-indicator" or not np.isin(np.unique(y), [0, 1]).all():
        raise InvalidInputError(
            f"{caller} expects a multi-label target: an (n_samples, n_labels) indicator "
            f"matrix of 0 and 1, or a list of label lists such as [['joy', 'love'], "
            f"['anger']]; got a {kind} target of shape {y.shape}. For one label per sample, "
            "use the classifier alone (or sklearn's TunedThresholdClassifierCV for binary "
            "targets)."
        )
    return y.astype(np.int64), names


def _label_scores(estimator, X, n_labels: int, response_method: str) -> np.ndarray:
    """Scores of shape (n_samples, n_labels) from a fitted multi-label estimator."""
    methods = (
        ["predict_proba", "decision_function"] if response_method == "auto" else [response_method]
    )
    for method in methods:
        if not hasattr(estimator, method):
            continue
        scores = getattr(estimator, method)(X)
        if isinstance(scores, list):  # sklearn's multi-output predict_proba: one (n, 2) each
            classes = getattr(estimator, "classes_", [None] * len(scores))
            columns = []
            for proba, labels in zip(scores, classes):
                labels = list(labels) if labels is not None else list(range(proba.shape[1]))
                columns.append(proba[:, labels.index(1)] if 1 in labels else np.zeros(len(proba)))
            scores = np.column_stack(columns)
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 2 or scores.shape[1] != n_labels:
            raise InvalidInputError(
                f"PerLabelThresholdClassifier: {type(estimator).__name__}.{method} returned "
                f"scores of shape {scores.shape}; expected (n_samples, {n_labels}), one "
                "column per label. Wrap a multi-label estimator (e.g. OneVsRestClassifier, "
                "or a sklearn-emotion classifier fitted on an indicator matrix)."
            )
        return scores
    raise InvalidInputError(
        f"PerLabelThresholdClassifier: {type(estimator).__name__} has no "
        f"{' or '.join(methods)} method to score the labels."
    )


def _fit_and_score(estimator, X, Y, train, test, n_labels, response_method, fit_params):
    model = clone(estimator).fit(_safe_indexing(X, train), Y[train], **fit_params)
    return _label_scores(model, _safe_indexing(X, test), n_labels, response_method), Y[test]


def _estimator_has(attr):
    def check(self):
        target = self.estimator_ if hasattr(self, "estimator_") else self.estimator
        return hasattr(target, attr)

    return check


class PerLabelThresholdClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Multi-label classifier with one decision threshold per label, tuned on held-out data.

    Wraps any multi-label estimator whose ``predict_proba`` (or ``decision_function``)
    returns one score per label: a sklearn-emotion classifier fitted on an indicator
    matrix, ``OneVsRestClassifier``, ``MLPClassifier``, a ``Pipeline`` ending in one of
    them. The thresholds maximise ``scoring`` on out-of-fold scores (``cv``), and the
    estimator is then refit on all the data.

    Parameters
    ----------
    estimator : estimator object
        The multi-label estimator to wrap; it is cloned (unless ``cv="prefit"``).
    scoring : {"f1", "jaccard", "balanced_accuracy", "matthews_corrcoef"} or callable, \
default="f1"
        The binary metric maximised on each label (see :func:`tune_thresholds`).
    cv : int, float, cross-validation generator, iterable or "prefit", default=5
        Where the thresholds are tuned:

        - int or splitter: out-of-fold scores of that many folds (``KFold``, as
          ``check_cv`` gives for multi-label targets);
        - float in (0, 1): one validation split of that fraction (faster; the
          estimator is fitted on the rest, then refit on everything if ``refit``);
        - ``"prefit"``: ``estimator`` is already fitted, and ``fit(X, y)`` only tunes the
          thresholds on ``X, y`` (pass held-out data, e.g. the dev split).
    thresholds : int or array-like, default=100
        Candidate thresholds (see :func:`tune_thresholds`).
    per_label : bool, default=True
        Tune one threshold per label; if False, one threshold shared by all labels
        (maximising the macro average of ``scoring``).
    min_labels : int, default=1
        Every sample gets at least this many labels: when fewer scores pass their
        thresholds, the labels closest to (or above) their threshold are added. Set 0 to
        allow empty predictions.
    max_labels : int or None, default=None
        At most this many labels per sample (those furthest above their threshold);
        ``max_labels=1`` gives one label per sample. None: no limit.
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        The estimator's scores; "auto" tries ``predict_proba``, then ``decision_function``.
    refit : bool, default=True
        With a float ``cv``: refit the estimator on all of ``X`` after tuning. If False,
        the estimator fitted on the training part is kept. Other ``cv`` values always refit.
    random_state : int, RandomState instance or None, default=None
        Seeds the validation split of a float ``cv``.
    n_jobs : int or None, default=None
        Folds fitted in parallel (joblib).

    Attributes
    ----------
    estimator_ : estimator object
        The fitted estimator (``estimator`` itself with ``cv="prefit"``).
    thresholds_ : ndarray of shape (n_labels,)
        The decision threshold of each label, in ``classes_`` order.
    best_scores_ : ndarray of shape (n_labels,)
        ``scoring`` of each label at its threshold, on the tuning data.
    classes_ : ndarray of shape (n_labels,)
        Label names: the sorted labels of a list-of-lists ``y``, the columns of a
        DataFrame ``y``; for an indicator array, the wrapped estimator's ``classes_``
        when they name the columns, else ``0..n_labels-1``.
    label_binarizer_ : sklearn.preprocessing.MultiLabelBinarizer
        Maps label lists to indicator rows and back (``inverse_transform``).
    n_features_in_ : int
        Number of features seen by the estimator (when it reports it).

    See Also
    --------
    tune_thresholds : The tuning step alone, on saved scores.
    sklearn.model_selection.TunedThresholdClassifierCV : Binary targets.

    Notes
    -----
    A label that never occurs in ``y`` is refused: no threshold can be tuned for it
    (and the estimator cannot learn it). Thresholds tuned on few positives are noisy;
    for rare labels prefer ``cv`` with several folds to a small validation fraction.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn_emotion.datasets import load_goemotions
    >>> from sklearn_emotion.multilabel import PerLabelThresholdClassifier
    >>> X, Y = load_goemotions("validation", labels="ekman", multilabel=True, return_X_y=True)
    >>> model = PerLabelThresholdClassifier(
    ...     make_pipeline(TfidfVectorizer(), OneVsRestClassifier(LogisticRegression())), cv=3)
    >>> model.fit(X[:3000], Y[:3000]).thresholds_.shape
    (7,)
    >>> model.predict(["I am so happy for you!", "That is disgusting."]).shape
    (2, 7)
    >>> int(model.predict(["I am so happy for you!"]).sum()) >= 1  # min_labels=1
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"])],
        "scoring": [StrOptions(set(_METRICS)), callable],
        "cv": ["cv_object", StrOptions({"prefit"}), Interval(Real, 0, 1, closed="neither")],
        "thresholds": [Interval(Integral, 2, None, closed="left"), "array-like"],
        "per_label": ["boolean"],
        "min_labels": [Interval(Integral, 0, None, closed="left")],
        "max_labels": [Interval(Integral, 1, None, closed="left"), None],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "refit": ["boolean"],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        *,
        scoring="f1",
        cv=5,
        thresholds=100,
        per_label=True,
        min_labels=1,
        max_labels=None,
        response_method="auto",
        refit=True,
        random_state=None,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.cv = cv
        self.thresholds = thresholds
        self.per_label = per_label
        self.min_labels = min_labels
        self.max_labels = max_labels
        self.response_method = response_method
        self.refit = refit
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, **fit_params):
        """Tune the thresholds on held-out scores and fit the estimator.

        Parameters
        ----------
        X : array-like or list of str
            Whatever the wrapped estimator takes (features, or raw texts for a
            text pipeline).
        y : array-like of shape (n_samples, n_labels) or list of label lists
            A 0/1 indicator matrix (a DataFrame's columns name the labels), or one list
            (tuple, set) of labels per sample. A sample may have no label (an all-zero
            row, an empty list); every label needs at least one positive sample.
        **fit_params : dict
            Passed to every ``estimator.fit`` call (not split by fold).

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        validate_params(self)
        name = type(self).__name__
        thresholds = _check_thresholds_param(self.thresholds, name)
        Y, names = _binarize_target(y, name)
        n_labels = Y.shape[1]
        check_consistent_length(X, Y)
        shown = names.tolist() if names is not None else list(range(n_labels))
        absent = [shown[j] for j in np.flatnonzero(Y.sum(axis=0) == 0)]
        if absent:
            raise InvalidInputError(
                f"{name}: labels {absent} never occur in y (no positive sample), so neither "
                "the estimator nor a threshold can be learnt for them. Drop those labels "
                "(columns) or add examples of them."
            )
        estimator, scores, truth = self._tuning_scores(X, Y, n_labels, fit_params)
        self.thresholds_, self.best_scores_ = _tune(
            truth.astype(bool), scores, self.scoring, thresholds, self.per_label
        )
        self.estimator_ = estimator
        if names is not None:
            self.classes_ = names
        else:
            classes = getattr(self.estimator_, "classes_", None)
            named = isinstance(classes, np.ndarray) and classes.shape == (n_labels,)
            self.classes_ = classes if named else np.arange(n_labels)
        self.label_binarizer_ = MultiLabelBinarizer(classes=list(self.classes_)).fit([])
        return self

    def _tuning_scores(self, X, Y, n_labels, fit_params):
        """``(fitted estimator, held-out scores, their true labels)``, by ``cv``."""
        method = self.response_method
        if isinstance(self.cv, str) and self.cv == "prefit":
            check_is_fitted(self.estimator)
            return self.estimator, _label_scores(self.estimator, X, n_labels, method), Y
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral):
            train, test = train_test_split(
                np.arange(len(Y)),
                test_size=self.cv,
                random_state=check_random_state(self.random_state),
            )
            model = clone(self.estimator).fit(
                _safe_indexing(X, train), Y[train], **fit_params
            )
            scores = _label_scores(model, _safe_indexing(X, test), n_labels, method)
            if self.refit:
                model = clone(self.estimator).fit(X, Y, **fit_params)
            return model, scores, Y[test]
        splitter = check_cv(self.cv, Y, classifier=True)
        parts = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_and_score)(
                self.estimator, X, Y, train, test, n_labels, method, fit_params
            )
            for train, test in splitter.split(X, Y)
        )
        scores = np.concatenate([s for s, _ in parts])
        truth = np.concatenate([t for _, t in parts])
        model = clone(self.estimator).fit(X, Y, **fit_params)
        return model, scores, truth

    def _scores(self, X):
        check_is_fitted(self, "thresholds_")
        return _label_scores(self.estimator_, X, len(self.thresholds_), self.response_method)

    def predict(self, X):
        """Predicted labels as an indicator matrix (columns follow ``classes_``).

        A label is predicted when its score reaches its threshold, then each row is
        adjusted to hold between ``min_labels`` and ``max_labels`` labels.

        Parameters
        ----------
        X : array-like or list of str
            Input of the wrapped estimator.

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_labels), dtype int64
        """
        return apply_thresholds(
            self._scores(X), self.thresholds_,
            min_labels=self.min_labels, max_labels=self.max_labels,
        )

    def predict_labels(self, X) -> list[tuple]:
        """Predicted labels as one tuple of label names per sample.

        Parameters
        ----------
        X : array-like or list of str
            Input of the wrapped estimator.

        Returns
        -------
        list of tuple
            The names (``classes_``, as plain Python values) of the labels predicted
            for each sample.
        """
        classes = self.classes_.tolist()  # plain Python values
        return [tuple(classes[j] for j in np.flatnonzero(row)) for row in self.predict(X)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """The wrapped estimator's probability of each label.

        Parameters
        ----------
        X : array-like or list of str
            Input of the wrapped estimator.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
            Independent per-label probabilities (rows need not sum to 1).
        """
        check_is_fitted(self, "thresholds_")
        return _label_scores(self.estimator_, X, len(self.thresholds_), "predict_proba")

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The wrapped estimator's decision values, one column per label.

        Parameters
        ----------
        X : array-like or list of str
            Input of the wrapped estimator.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels)
        """
        check_is_fitted(self, "thresholds_")
        return _label_scores(self.estimator_, X, len(self.thresholds_), "decision_function")

    @property
    def n_features_in_(self):
        """Number of features seen by the fitted estimator."""
        try:
            return self.estimator_.n_features_in_
        except AttributeError as exc:
            raise AttributeError(
                f"{type(self).__name__} has no attribute 'n_features_in_' (not fitted, or "
                "the estimator does not report it)."
            ) from exc

    def score(self, X, y, sample_weight=None):
        """Macro-averaged F1 of ``predict(X)`` against ``y`` (indicator or label lists).

        Labels that neither occur in ``y`` nor are predicted are left out of the mean.

        Parameters
        ----------
        X : array-like or list of str
            Input of the wrapped estimator.
        y : array-like of shape (n_samples, n_labels) or list of label lists
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        float
        """
        from sklearn.metrics import f1_score

        if _is_label_lists(y):
            y = self.label_binarizer_.transform(list(y))
        # labels absent from both y and the predictions are left out of the mean
        return float(
            f1_score(y, self.predict(X), average="macro", zero_division=np.nan,
                     sample_weight=sample_weight)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags = inner.input_tags
        tags.classifier_tags.multi_label = True
        tags.classifier_tags.multi_class = False
        return tags
