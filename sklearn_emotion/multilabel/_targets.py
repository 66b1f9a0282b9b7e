"""Multi-label targets: label lists or indicator matrices, and per-label scores."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from ..exceptions import InvalidInputError

__all__: list[str] = []  # private helpers of the multi-label classifiers


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


def _single_label_target(y, caller: str):
    """``(y, classes)`` for a binary target (1-D, or a column vector), else ``None``.

    A multiclass target is refused with scikit-learn's "Only binary classification is
    supported." (one threshold decides between two classes only).
    """
    if y is None:
        raise ValueError(
            f"{caller} requires y to be passed, but the target y is None."
        )
    if _is_label_lists(y) or sparse.issparse(y) or getattr(y, "ndim", 2) not in (1, 2):
        return None
    array = np.asarray(y)
    if not (array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1)):
        return None
    y = column_or_1d(y, warn=True)  # a column vector, with sklearn's DataConversionWarning
    if not len(y):
        raise ValueError(f"{caller} got an empty y; at least one sample is required.")
    kind = type_of_target(y, input_name="y", raise_unknown=True)
    if kind == "multiclass":
        raise InvalidInputError(
            f"Only binary classification is supported. The type of the target is {kind}. "
            f"{caller} expects a multi-label target: an (n_samples, n_labels) indicator "
            "matrix of 0 and 1, or a list of label lists such as [['joy', 'love'], "
            "['anger']], or a binary target (one threshold)."
        )
    if kind != "binary":
        return None  # the multi-label path explains what is wrong
    return y, np.unique(y)


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
        if n_labels == 1 and scores.ndim == 1:  # a binary decision_function
            scores = scores[:, None]
        elif n_labels == 1 and scores.ndim == 2 and scores.shape[1] == 2:
            scores = scores[:, 1:]  # a binary predict_proba: the positive class, classes_[1]
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
