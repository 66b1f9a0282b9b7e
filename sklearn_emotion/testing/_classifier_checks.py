"""The text-aware common checks of classifiers: classes, probabilities, labels, weights.

Same conventions as :mod:`sklearn_emotion.testing._checks`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import has_fit_parameter

from ._common import SkipCheck, as_rows, assert_rows_close, is_library_class, take

__all__ = ["check_classes", "check_predict_proba", "check_label_types", "check_one_class",
           "check_unseen_labels_in_score", "check_sample_weight_equivalence"]

# Sample-weight equivalence: see check_sample_weight_equivalence's docstring.
WEIGHT_ATOL = 1e-4


def _single_label(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise SkipCheck("multi-label targets (one column per label): single-label check")
    return y


def check_classes(estimator, X, y):
    """``classes_`` holds the sorted distinct labels of y; predict returns only those."""
    y = _single_label(y)
    est = clone(estimator).fit(X, y)
    np.testing.assert_array_equal(est.classes_, np.unique(y),
                                  err_msg="classes_ against the sorted distinct labels of y")
    unknown = set(np.asarray(est.predict(X)).tolist()) - set(np.unique(y).tolist())
    if unknown:
        raise AssertionError(f"predict returned labels outside classes_: {sorted(unknown)}")


def check_predict_proba(estimator, X, y):
    """predict_proba: one column per class, rows sum to 1, and predict is its argmax."""
    if not hasattr(estimator, "predict_proba"):
        raise SkipCheck("no predict_proba")
    y = _single_label(y)
    est = clone(estimator).fit(X, y)
    P = as_rows(est.predict_proba(X)).astype(float)
    if P.shape != (len(y), len(est.classes_)):
        raise AssertionError(f"predict_proba shape {P.shape}, expected "
                             f"{(len(y), len(est.classes_))}")
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-5, atol=1e-5,
                               err_msg="predict_proba rows must sum to 1")
    if np.any(P < 0) or np.any(P > 1):
        raise AssertionError("predict_proba gave values outside [0, 1]")
    np.testing.assert_array_equal(est.classes_[P.argmax(axis=1)], est.predict(X),
                                  err_msg="predict against the argmax of predict_proba")


def check_label_types(estimator, X, y):
    """str, int and bool labels come back from predict as they went in (values and kind)."""
    y = _single_label(y)
    codes = np.unique(y, return_inverse=True)[1].reshape(-1)
    variants = {"str": y.astype(str), "int": (codes * 10 - 5).astype(np.int64),
                "bool": codes == codes[0]}
    for kind, labels in variants.items():
        est = clone(estimator).fit(X, labels)
        predicted = np.asarray(est.predict(X))
        if not set(predicted.tolist()) <= set(labels.tolist()):
            raise AssertionError(f"{kind} labels: predict returned "
                                 f"{sorted(set(predicted.tolist()) - set(labels.tolist()))}")
        if predicted.dtype.kind not in {"str": "UO", "int": "i", "bool": "b"}[kind]:
            raise AssertionError(f"{kind} labels: predict returned dtype {predicted.dtype}")
        np.testing.assert_array_equal(est.classes_, np.unique(labels),
                                      err_msg=f"{kind} labels: classes_")


def check_one_class(estimator, X, y):
    """y with one class: a clear error mentioning "class", or predictions of that class.

    scikit-learn's ``check_classifiers_one_label`` accepts either; the library's classes
    must raise one of its own exceptions, naming the class.
    """
    from ..exceptions import EmotionError

    y = _single_label(y)
    one = np.full(len(y), y[0])
    try:
        est = clone(estimator).fit(X, one)
    except Exception as exc:
        message = str(exc)
        if "class" not in message.lower():
            raise AssertionError(f"one-class y: the error does not mention classes: "
                                 f"{message!r}") from exc
        if is_library_class(estimator) and not isinstance(exc, EmotionError):
            raise AssertionError(f"one-class y raised {type(exc).__name__}: {message}; "
                                 "expected one of the library's exceptions") from exc
        return f"{type(exc).__name__}"
    predicted = np.asarray(est.predict(X))
    if not np.all(predicted == y[0]):
        raise AssertionError("one-class y: predict returned other labels")
    return "predicts the one class"


def check_unseen_labels_in_score(estimator, X, y):
    """score counts a label never seen in fit as wrong (accuracy, as ClassifierMixin)."""
    y = _single_label(y)
    est = clone(estimator).fit(X, y)
    truth = y.astype(object)
    truth[::4] = "a label never seen in fit"
    try:
        score = est.score(X, truth)
    except Exception as exc:
        raise AssertionError(f"score raised {type(exc).__name__} on labels not seen in fit: "
                             f"{exc}; they must simply count as wrong") from exc
    expected = float(np.mean(np.asarray(est.predict(X), dtype=object) == truth))
    if not np.isfinite(score) or abs(score - expected) > 1e-12:
        raise AssertionError(f"score with unseen labels is {score}, expected the accuracy "
                             f"{expected} (unseen labels count as wrong)")


def _exact(estimator):
    """Full batches, no early-stopping split, no dropout, where these are parameters."""
    params = estimator.get_params()
    settings = {"batch_size": -1, "early_stopping": False, "dropout": 0.0}
    return clone(estimator).set_params(**{k: v for k, v in settings.items() if k in params})


def check_sample_weight_equivalence(estimator, X, y):
    """Integer weights match duplicated rows; zero weights match dropping those rows.

    Gated on ``has_fit_parameter(estimator, "sample_weight")``. The estimator is trained
    with one full batch (``batch_size=-1``), no early-stopping split and no dropout
    where it has those parameters, so that weight ``k`` and ``k`` copies of a row are
    the same computation (shuffling, batch composition, a held-out split of duplicated
    rows and dropout masks would otherwise differ). The probabilities must then agree
    to ``atol=1e-4``: the networks differ only by the order of float32 summation (about
    1e-7), iterative solvers such as lbfgs by their convergence tolerance (1e-4 on the
    gradient), and ignoring the weights changes them by far more.
    """
    if not has_fit_parameter(estimator, "sample_weight"):
        raise SkipCheck("fit takes no sample_weight")
    y = np.asarray(y)
    n = len(y)
    weights = np.random.default_rng(0).integers(0, 3, size=n)
    first = np.unique(y, return_index=True)[1] if y.ndim == 1 else np.arange(min(n, 4))
    weights[first] = np.maximum(weights[first], 1)  # every class keeps a weighted row
    est = _exact(estimator)
    method = "predict_proba" if hasattr(est, "predict_proba") else "predict"
    weighted = clone(est).fit(X, y, sample_weight=weights.astype(float))
    repeated = np.repeat(np.arange(n), weights)
    duplicated = clone(est).fit(take(X, repeated), y[repeated])
    assert_rows_close(getattr(weighted, method)(X), getattr(duplicated, method)(X),
                      f"{method}: integer sample weights against duplicated rows",
                      atol=WEIGHT_ATOL)
    keep = np.flatnonzero(weights > 0)
    dropped = clone(est).fit(take(X, keep), y[keep])
    zeroed = clone(est).fit(X, y, sample_weight=(weights > 0).astype(float))
    assert_rows_close(getattr(zeroed, method)(X), getattr(dropped, method)(X),
                      f"{method}: zero sample weights against dropped rows",
                      atol=WEIGHT_ATOL)
    return f"atol {WEIGHT_ATOL}"
