"""The held-out scores on which PerLabelThresholdClassifier tunes its thresholds."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import check_cv, train_test_split
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import check_is_fitted

from ._targets import _label_scores

__all__: list[str] = []  # private helpers of PerLabelThresholdClassifier


def _with_weights(fit_params, sample_weight, rows=None):
    """``fit_params`` plus the sample weights of ``rows`` (all rows if None), if any."""
    if sample_weight is None:
        return fit_params
    return {**fit_params, "sample_weight": sample_weight if rows is None else sample_weight[rows]}


def _fit_and_score(estimator, X, Y, train, test, n_labels, response_method, fit_params):
    model = clone(estimator).fit(_safe_indexing(X, train), Y[train], **fit_params)
    return _label_scores(model, _safe_indexing(X, test), n_labels, response_method), Y[test]


def tuning_scores(meta, X, Y, n_labels, fit_params, sample_weight=None):
    """``(fitted estimator, held-out scores, their true labels)``, by ``meta.cv``.

    ``meta`` is the PerLabelThresholdClassifier whose parameters decide the splits.
    """
    method = meta.response_method
    if isinstance(meta.cv, str) and meta.cv == "prefit":
        check_is_fitted(meta.estimator)
        return meta.estimator, _label_scores(meta.estimator, X, n_labels, method), Y
    if isinstance(meta.cv, Real) and not isinstance(meta.cv, Integral):
        train, test = train_test_split(
            np.arange(len(Y)),
            test_size=meta.cv,
            random_state=check_random_state(meta.random_state),
        )
        train_params = _with_weights(fit_params, sample_weight, train)
        model = clone(meta.estimator).fit(_safe_indexing(X, train), Y[train], **train_params)
        scores = _label_scores(model, _safe_indexing(X, test), n_labels, method)
        if meta.refit:
            model = clone(meta.estimator).fit(X, Y, **_with_weights(fit_params, sample_weight))
        return model, scores, Y[test]
    splitter = check_cv(meta.cv, Y, classifier=True)
    parts = Parallel(n_jobs=meta.n_jobs)(
        delayed(_fit_and_score)(
            meta.estimator, X, Y, train, test, n_labels, method,
            _with_weights(fit_params, sample_weight, train),
        )
        for train, test in splitter.split(X, Y)
    )
    scores = np.concatenate([s for s, _ in parts])
    truth = np.concatenate([t for _, t in parts])
    model = clone(meta.estimator).fit(X, Y, **_with_weights(fit_params, sample_weight))
    return model, scores, truth
