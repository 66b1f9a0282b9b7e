"""The confusion matrix as a matplotlib figure: :func:`plot_confusion_matrix`."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from ..utils._validation import StrOptions, validate_parameter_constraints
from ._checks import check_predictions

__all__ = ["plot_confusion_matrix"]

_TITLES = {
    None: "Confusion matrix",
    "true": "Confusion matrix (rows normalised: recall)",
    "pred": "Confusion matrix (columns normalised: precision)",
    "all": "Confusion matrix (normalised over all samples)",
}


def plot_confusion_matrix(
    y_true,
    y_pred,
    labels=None,
    normalize: str | None = None,
    ax=None,
    cmap="Blues",
    title: str | None = None,
):
    """Draw the confusion matrix of emotion predictions and return the figure.

    Built on :class:`sklearn.metrics.ConfusionMatrixDisplay`: rows are true labels,
    columns predicted labels. matplotlib is imported only when this function runs.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        The classes to show and their order (default: the sorted union of ``y_true``
        and ``y_pred``).
    normalize : {"true", "pred", "all"}, default=None
        Normalise counts over the true labels (rows sum to 1), the predicted labels
        (columns sum to 1) or all samples. ``None`` shows counts.
    ax : matplotlib Axes, default=None
        Axes to draw on. By default a new figure, sized to the number of labels, is
        created.
    cmap : str or matplotlib Colormap, default="Blues"
        Colour map of the cells.
    title : str, default=None
        Axes title; by default "Confusion matrix", saying how it is normalised.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the plot (``ax.figure`` when ``ax`` is given). Save it with
        ``fig.savefig("cm.png")``; Jupyter displays it when it is the cell's value.

    See Also
    --------
    emotion_report : The matching precision, recall and F1 numbers.
    sklearn.metrics.ConfusionMatrixDisplay : The display this builds on.

    Notes
    -----
    A new figure is a plain :class:`matplotlib.figure.Figure`, not one registered
    with ``pyplot``: it renders with the non-interactive Agg canvas, needs no display,
    never opens a window and is freed like any other object (pyplot keeps every
    figure alive until ``plt.close``). To draw into a pyplot window, pass
    ``ax=plt.subplots()[1]``.

    Examples
    --------
    >>> from sklearn_emotion.metrics import plot_confusion_matrix
    >>> y_true = ["joy", "joy", "anger", "sadness", "joy", "anger"]
    >>> y_pred = ["joy", "anger", "anger", "sadness", "joy", "joy"]
    >>> fig = plot_confusion_matrix(y_true, y_pred, normalize="true")
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['anger', 'joy', 'sadness']
    >>> fig.axes[0].images[0].get_array().sum(axis=1).tolist()  # normalize="true": rows sum to 1
    [1.0, 1.0, 1.0]
    """
    validate_parameter_constraints(
        {"normalize": [StrOptions({"true", "pred", "all"}), None]},
        {"normalize": normalize},
        caller_name="plot_confusion_matrix",
    )
    y_true, y_pred, labels, _ = check_predictions(
        y_true, y_pred, labels, caller="plot_confusion_matrix", allow_multilabel=False
    )
    created = ax is None
    if created:
        from matplotlib.figure import Figure

        side = min(max(4.5, 0.55 * len(labels) + 2.5), 20.0)
        fig = Figure(figsize=(side + 1.0, side), layout="constrained")
        ax = fig.add_subplot()
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize=normalize,
        ax=ax,
        cmap=cmap,
        values_format=".2f" if normalize else "d",
        xticks_rotation=45,
        colorbar=True,
        # row/column shares on a fixed 0-1 scale: colours compare across models and data
        im_kw={"vmin": 0.0, "vmax": 1.0} if normalize in ("true", "pred") else None,
    )
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
        tick.set_rotation_mode("anchor")
    _contrast_text(display, blank_zeros=len(labels) > 12)
    ax.set_title(_TITLES[normalize] if title is None else title)
    fig = display.figure_
    if not created and fig.get_layout_engine() is None:
        fig.tight_layout()
    return fig


def _contrast_text(display, blank_zeros: bool = False) -> None:
    """Dark text on light cells, white on dark ones, judged by each cell's own colour.

    scikit-learn picks the colour by comparing the value with the middle of the data
    range, which is wrong once the colour scale is fixed (``vmin``/``vmax``). With many
    labels, empty cells are left blank so that the mistakes stand out.
    """
    image = display.im_
    if display.text_ is None:
        return
    for (i, j), text in np.ndenumerate(display.text_):
        value = display.confusion_matrix[i, j]
        if blank_zeros and value == 0:
            text.set_text("")
        r, g, b, _ = image.cmap(image.norm(value))
        luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
        text.set_color("white" if luminance < 0.5 else "#1f2933")
