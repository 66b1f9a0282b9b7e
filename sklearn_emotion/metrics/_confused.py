"""Which emotions a model mixes up most: :func:`most_confused_pairs`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from ..exceptions import InvalidInputError
from ._checks import check_predictions

__all__ = ["most_confused_pairs"]


def most_confused_pairs(y_true, y_pred, labels=None, n: int | None = 10):
    """The off-diagonal cells of the confusion matrix, largest first.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        The classes to consider (default: the sorted union of ``y_true`` and ``y_pred``).
    n : int or None, default=10
        How many pairs to return; ``None`` returns every pair that occurs.

    Returns
    -------
    pandas.DataFrame
        One row per (true, predicted) pair with at least one mistake, columns ``true``,
        ``predicted``, ``count`` (int) and ``share_of_true`` (``count`` divided by the
        number of samples whose true label is ``true``: the share of that class
        mistaken for ``predicted``). Sorted by ``count``, then ``share_of_true``,
        descending; ties keep the order of ``labels``.

    See Also
    --------
    plot_confusion_matrix : The whole matrix as a picture.

    Examples
    --------
    >>> from sklearn_emotion.metrics import most_confused_pairs
    >>> y_true = ["joy", "joy", "anger", "sadness", "joy", "anger", "anger"]
    >>> y_pred = ["joy", "anger", "joy", "sadness", "anger", "joy", "anger"]
    >>> most_confused_pairs(y_true, y_pred)
        true predicted  count  share_of_true
    0  anger       joy      2       0.666667
    1    joy     anger      2       0.666667
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
        raise InvalidInputError(
            f"most_confused_pairs expects n to be a positive int or None; got {n!r}."
        )
    y_true, y_pred, labels, _ = check_predictions(
        y_true, y_pred, labels, caller="most_confused_pairs", allow_multilabel=False
    )
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    support = matrix.sum(axis=1)
    rows = []
    for i, true in enumerate(labels):
        for j, predicted in enumerate(labels):
            if i != j and matrix[i, j] > 0:
                rows.append((true, predicted, int(matrix[i, j]), matrix[i, j] / support[i]))
    frame = pd.DataFrame(rows, columns=["true", "predicted", "count", "share_of_true"])
    frame = frame.sort_values(["count", "share_of_true"], ascending=False, kind="stable")
    frame = frame.reset_index(drop=True).astype({"count": np.int64, "share_of_true": float})
    return frame if n is None else frame.head(n)
