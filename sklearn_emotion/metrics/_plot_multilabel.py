"""One picture of multi-label predictions: :func:`plot_multilabel_confusion_matrix`."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import f1_score, multilabel_confusion_matrix

from ..exceptions import InvalidInputError
from ..utils._validation import StrOptions, validate_parameter_constraints
from ._checks import check_predictions

__all__ = ["plot_multilabel_confusion_matrix"]


def plot_multilabel_confusion_matrix(
    y_true,
    y_pred,
    labels=None,
    normalize: str | None = "true",
    n_cols: int | None = None,
    cmap="Blues",
    title: str | None = None,
):
    """Draw one small 2x2 confusion matrix per label, all in one figure.

    Each panel is :func:`sklearn.metrics.multilabel_confusion_matrix` of one label:
    rows are the truth (without / with the label), columns the prediction, so the
    top-right cell counts false alarms and the bottom-left cell missed labels. The
    panel title gives the label, its F1 and its support. matplotlib is imported only
    when this function runs.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_labels)
        True labels as a 0/1 indicator matrix.
    y_pred : array-like of shape (n_samples, n_labels)
        Predicted labels as a 0/1 indicator matrix.
    labels : array-like of shape (n_labels,), default=None
        The name of each column (default: the column indices).
    normalize : {"true", "all"} or None, default="true"
        Colour and annotate each row's share (``"true"``: the top row is the
        specificity split, the bottom row the recall split), shares of all samples, or
        raw counts (``None``). Counts are always printed under the shares.
    n_cols : int, default=None
        Panels per row (default: about the square root of the number of labels).
    cmap : str or matplotlib Colormap, default="Blues"
        Colour map of the cells (one 0-1 scale for every panel when normalised).
    title : str, default=None
        Figure title (default: "Confusion matrix per label").

    Returns
    -------
    matplotlib.figure.Figure
        A plain (non-pyplot) figure; save it with ``fig.savefig("labels.png")``.

    See Also
    --------
    plot_confusion_matrix : The single-label confusion matrix.
    emotion_report : The matching per-label numbers.

    Examples
    --------
    >>> from sklearn_emotion.metrics import plot_multilabel_confusion_matrix
    >>> Y_true = [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]]
    >>> Y_pred = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 1]]
    >>> fig = plot_multilabel_confusion_matrix(Y_true, Y_pred, labels=["joy", "anger", "fear"])
    >>> [ax.get_title().split("\\n")[0] for ax in fig.axes if ax.images]
    ['joy', 'anger', 'fear']
    >>> fig.axes[2].images[0].get_array().tolist()  # fear: rows = truth, shares of each row
    [[1.0, 0.0], [0.5, 0.5]]
    """
    validate_parameter_constraints(
        {"normalize": [StrOptions({"true", "all"}), None]},
        {"normalize": normalize},
        caller_name="plot_multilabel_confusion_matrix",
    )
    caller = "plot_multilabel_confusion_matrix"
    y_true, y_pred, labels, multilabel = check_predictions(
        y_true, y_pred, labels, caller=caller, allow_multilabel=True
    )
    if not multilabel:
        raise InvalidInputError(
            f"{caller} expects 0/1 indicator matrices of shape (n_samples, n_labels); got "
            "one label per sample. Use plot_confusion_matrix for single-label predictions."
        )
    if n_cols is not None and (not isinstance(n_cols, (int, np.integer)) or n_cols < 1):
        raise InvalidInputError(f"{caller}: n_cols must be a positive int; got {n_cols!r}.")
    from matplotlib.figure import Figure

    matrices = multilabel_confusion_matrix(y_true, y_pred)  # (n_labels, 2, 2): [[TN, FP], [FN, TP]]
    f1 = f1_score(y_true, y_pred, average=None, zero_division=0)
    n_labels = len(labels)
    n_cols = int(n_cols or math.ceil(math.sqrt(n_labels)))
    n_rows = math.ceil(n_labels / n_cols)
    fig = Figure(figsize=(1.9 * n_cols + 0.6, 2.0 * n_rows + 0.6), layout="constrained")
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        if k >= n_labels:
            ax.set_axis_off()
            continue
        counts = matrices[k]
        if normalize == "true":
            shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        elif normalize == "all":
            shown = counts / max(counts.sum(), 1)
        else:
            shown = counts
        vmax = 1.0 if normalize else max(int(counts.max()), 1)
        image = ax.imshow(shown, cmap=cmap, vmin=0.0, vmax=vmax)
        for (i, j), value in np.ndenumerate(shown):
            text = f"{value:.2f}\n({counts[i, j]})" if normalize else str(counts[i, j])
            r, g, b, _ = image.cmap(image.norm(value))
            dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
            ax.text(j, i, text, ha="center", va="center", fontsize=7,
                    color="white" if dark else "#1f2933")
        ax.set_title(f"{labels[k]}\nF1 {f1[k]:.2f}, n={int(counts[1].sum())}", fontsize=8)
        ax.set_xticks([0, 1], ["no", "yes"], fontsize=7)
        ax.set_yticks([0, 1], ["no", "yes"], fontsize=7)
        if k % n_cols == 0:
            ax.set_ylabel("true", fontsize=7)
        if k // n_cols == n_rows - 1 or k + n_cols >= n_labels:
            ax.set_xlabel("predicted", fontsize=7)
    fig.suptitle(title or "Confusion matrix per label")
    return fig
