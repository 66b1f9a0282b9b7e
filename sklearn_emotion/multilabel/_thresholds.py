"""Per-label decision thresholds: tune them on labelled scores, then apply them.

The named metrics are computed from confusion counts, for every candidate threshold at
once (one sort per label); a callable metric is called once per candidate.
"""

from __future__ import annotations

from numbers import Integral
from typing import Callable

import numpy as np
from scipy import sparse

from ..exceptions import InvalidInputError

__all__ = ["apply_thresholds", "tune_thresholds"]


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
