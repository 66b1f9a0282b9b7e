"""Input checks shared by :func:`emotion_report` and :func:`plot_confusion_matrix`."""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import type_of_target, unique_labels

from ..exceptions import InvalidInputError

__all__ = ["check_predictions"]

_SUPPORTED = ("binary", "multiclass", "multilabel-indicator")


def _as_array(y, which: str, caller: str) -> np.ndarray:
    if y is None or isinstance(y, (str, bytes)):
        raise InvalidInputError(
            f"{caller} expects {which} to be a sequence of labels (list, array or Series); "
            f"got {type(y).__name__}."
        )
    if hasattr(y, "to_numpy"):  # pandas Series / DataFrame
        y = y.to_numpy()
    return np.asarray(y)


def check_predictions(y_true, y_pred, labels, *, caller: str, allow_multilabel: bool):
    """Validate true and predicted labels; return them as arrays with the label list.

    Parameters
    ----------
    y_true, y_pred : array-like
        1-D labels, or (when ``allow_multilabel``) 2-D 0/1 indicator matrices.
    labels : array-like or None
        For 1-D labels: the classes to report and their order (default: the sorted
        union of both). For indicator matrices: one name per column (default: the
        column indices).
    caller : str
        Function name used in messages.
    allow_multilabel : bool
        Whether indicator matrices are accepted.

    Returns
    -------
    y_true, y_pred : ndarray
    labels : list
        Plain Python values (``str``, ``int``...).
    multilabel : bool

    Examples
    --------
    >>> from sklearn_emotion.metrics._checks import check_predictions
    >>> check_predictions(["joy", "fear"], ["joy", "joy"], None, caller="f",
    ...                   allow_multilabel=False)[2]
    ['fear', 'joy']
    >>> check_predictions(["joy"], ["joy", "fear"], None, caller="f", allow_multilabel=False)
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputError: f got 1 true labels but 2 predicted ...
    """
    y_true = _as_array(y_true, "y_true", caller)
    y_pred = _as_array(y_pred, "y_pred", caller)
    if len(y_true) == 0 or len(y_pred) == 0:
        raise InvalidInputError(
            f"{caller} got an empty y_true or y_pred; at least one prediction is needed."
        )
    if len(y_true) != len(y_pred):
        raise InvalidInputError(
            f"{caller} got {len(y_true)} true labels but {len(y_pred)} predicted labels; "
            "y_true and y_pred must have one entry per sample, in the same order."
        )
    kinds = {
        type_of_target(y_true, input_name="y_true"),
        type_of_target(y_pred, input_name="y_pred"),
    }
    if not kinds <= set(_SUPPORTED) or (len(kinds) > 1 and "multilabel-indicator" in kinds):
        allowed = "class labels" + (" or 0/1 indicator matrices" if allow_multilabel else "")
        raise InvalidInputError(
            f"{caller} expects y_true and y_pred to be {allowed} of the same kind; got "
            f"{' and '.join(sorted(kinds))} targets."
        )
    multilabel = kinds == {"multilabel-indicator"}
    if multilabel and not allow_multilabel:
        raise InvalidInputError(
            f"{caller} expects one class label per sample, got 0/1 indicator matrices "
            f"of shape {y_true.shape}. Pass 1-D labels, e.g. the predictions of a "
            "single-label classifier."
        )
    if multilabel:
        if y_true.shape != y_pred.shape:
            raise InvalidInputError(
                f"{caller} got indicator matrices of different shapes: y_true {y_true.shape}, "
                f"y_pred {y_pred.shape}."
            )
        n_columns = y_true.shape[1]
        labels = list(range(n_columns)) if labels is None else _plain(labels)
        if len(labels) != n_columns:
            raise InvalidInputError(
                f"{caller} got {len(labels)} labels for indicator matrices with {n_columns} "
                "columns; with multi-label input, labels must name every column in order "
                "(e.g. the dataset's target_names)."
            )
    else:
        labels = _plain(unique_labels(y_true, y_pred) if labels is None else labels)
    if not labels:
        raise InvalidInputError(f"{caller} got an empty list of labels; pass None or some labels.")
    if len(set(labels)) != len(labels):
        raise InvalidInputError(
            f"{caller} got duplicated labels: {labels}; each label must appear once."
        )
    return y_true, y_pred, labels, multilabel


def _plain(labels) -> list:
    """Labels as a list of plain Python scalars (JSON-friendly)."""
    if isinstance(labels, (str, bytes)):
        raise InvalidInputError(
            f"labels must be a list of labels, got the single string {labels!r}."
        )
    return [x.item() if isinstance(x, np.generic) else x for x in labels]
