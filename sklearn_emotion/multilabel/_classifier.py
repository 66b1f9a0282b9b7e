"""PerLabelThresholdClassifier: a multi-label meta-estimator with tuned thresholds."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_consistent_length, check_is_fitted, indexable

from ..exceptions import InvalidInputError
from ..utils._validation import (
    HasMethods, Interval, StrOptions, as_input_errors, check_sample_weight, validate_params,
)
from ..utils._targets import check_several_classes
from ._inputs import _check_input, _from_estimator
from ._targets import _binarize_target, _is_label_lists, _label_scores, _single_label_target
from ._thresholds import _METRICS, _check_thresholds_param, _tune, apply_thresholds
from ._tuning import tuning_scores

__all__ = ["PerLabelThresholdClassifier"]


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

    A binary target (1-D, two classes) gets one tuned threshold on the score of
    ``classes_[1]``, as in scikit-learn's ``TunedThresholdClassifierCV``: ``predict``
    returns the original labels, ``score`` is the accuracy, and ``min_labels`` /
    ``max_labels`` do not apply. A multiclass 1-D target is refused.

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
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The estimator's names of the features (a DataFrame's columns), when it has them.
    multilabel_ : bool
        Whether ``y`` was multi-label (False for a binary target).

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

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Tune the thresholds on held-out scores and fit the estimator.

        Parameters
        ----------
        X : array-like or list of str
            Whatever the wrapped estimator takes (features, or raw texts for a
            text pipeline).
        y : array-like of shape (n_samples, n_labels) or (n_samples,), or list of lists
            A 0/1 indicator matrix (a DataFrame's columns name the labels), or one list
            (tuple, set) of labels per sample. A sample may have no label (an all-zero
            row, an empty list); every label needs at least one positive sample. Or a
            binary target of any two labels (one threshold).
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every ``estimator.fit`` call, split like ``X`` (the training part
            of each fold gets its weights); the estimator must accept it (a
            ``Pipeline`` does under scikit-learn's metadata routing). The thresholds
            are tuned on unweighted held-out scores.
        **fit_params : dict
            Passed to every ``estimator.fit`` call (not split by fold).

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        validate_params(self)
        name = type(self).__name__
        _check_input(X, name)
        thresholds = _check_thresholds_param(self.thresholds, name)
        X = indexable(X)[0]  # array-likes that only convert to arrays, for the splits
        single = _single_label_target(y, name)
        if single is not None:
            return self._fit_binary(X, *single, thresholds, sample_weight, fit_params)
        Y, names = _binarize_target(y, name)
        n_labels = Y.shape[1]
        check_consistent_length(X, Y)
        with as_input_errors():
            sample_weight = check_sample_weight(sample_weight, len(Y))
        shown = names.tolist() if names is not None else list(range(n_labels))
        absent = [shown[j] for j in np.flatnonzero(Y.sum(axis=0) == 0)]
        if absent:
            raise InvalidInputError(
                f"{name}: labels {absent} never occur in y (no positive sample), so neither "
                "the estimator nor a threshold can be learnt for them. Drop those labels "
                "(columns) or add examples of them."
            )
        estimator, scores, truth = tuning_scores(self, X, Y, n_labels, fit_params, sample_weight)
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
        self.multilabel_ = True
        return self

    def _fit_binary(self, X, y, classes, thresholds, sample_weight, fit_params):
        """A binary target: one threshold on the score of ``classes[1]``."""
        check_several_classes(classes, type(self).__name__)
        check_consistent_length(X, y)
        with as_input_errors():
            sample_weight = check_sample_weight(sample_weight, len(y))
        # the estimator learns 0/1, so that its positive column is always column 1
        positive = (y == classes[1]).astype(np.int64)
        estimator, scores, truth = tuning_scores(self, X, positive, 1, fit_params, sample_weight)
        self.thresholds_, self.best_scores_ = _tune(
            truth.reshape(-1, 1).astype(bool), scores, self.scoring, thresholds, self.per_label
        )
        self.estimator_ = estimator
        self.classes_ = classes
        self.label_binarizer_ = MultiLabelBinarizer(classes=list(classes[1:])).fit([])
        self.multilabel_ = False
        return self

    def _scores(self, X):
        check_is_fitted(self, "thresholds_")
        _check_input(X, type(self).__name__)
        return _label_scores(self.estimator_, X, len(self.thresholds_), self.response_method)

    def _delegate(self, X, method: str):
        """The estimator's ``method`` output: as it is for a binary target, else per label."""
        check_is_fitted(self, "thresholds_")
        _check_input(X, type(self).__name__)
        if not getattr(self, "multilabel_", True):
            return getattr(self.estimator_, method)(X)
        return _label_scores(self.estimator_, X, len(self.thresholds_), method)

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
        scores = self._scores(X)
        if not getattr(self, "multilabel_", True):  # binary: one label per sample
            return self.classes_[(scores[:, 0] >= self.thresholds_[0]).astype(np.int64)]
        return apply_thresholds(
            scores, self.thresholds_, min_labels=self.min_labels, max_labels=self.max_labels,
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
        if not getattr(self, "multilabel_", True):  # binary: the one predicted class
            return [(label,) for label in self.predict(X).tolist()]
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
            Independent per-label probabilities (rows need not sum to 1). Binary
            target: the estimator's ``(n_samples, 2)`` probabilities of ``classes_``.
        """
        return self._delegate(X, "predict_proba")

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The wrapped estimator's decision values, one column per label.

        Parameters
        ----------
        X : array-like or list of str
            Input of the wrapped estimator.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels) or (n_samples,)
            One column per label; binary target: the estimator's 1-D scores of
            ``classes_[1]``.
        """
        return self._delegate(X, "decision_function")

    n_features_in_ = _from_estimator(
        "n_features_in_", "Number of features seen by the fitted estimator.")
    feature_names_in_ = _from_estimator(
        "feature_names_in_", "Names of the features seen by the fitted estimator.")

    def score(self, X, y, sample_weight=None):
        """Macro-averaged F1 of ``predict(X)`` against ``y`` (binary target: accuracy).

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
        if not getattr(self, "multilabel_", True):  # binary: accuracy, as ClassifierMixin
            return super().score(X, y, sample_weight=sample_weight)
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
        # multi-label indicator matrices and binary 1-D targets; not multiclass, and not
        # multi_output (sklearn means multiclass-multioutput by it)
        tags.classifier_tags.multi_label = True
        tags.classifier_tags.multi_class = False
        tags.target_tags.multi_output = False
        tags.target_tags.single_output = True
        return tags
