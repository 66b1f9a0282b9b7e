"""Classification metrics of emotion predictions as one object: :func:`emotion_report`."""

from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from ..exceptions import InvalidInputError
from ._checks import check_predictions

__all__ = ["EmotionReport", "emotion_report"]

_COLUMNS = ("precision", "recall", "f1", "support")


@dataclass(eq=False)
class EmotionReport:
    """Accuracy, precision, recall and F1 of emotion predictions (see :func:`emotion_report`).

    Attributes
    ----------
    accuracy : float
        Fraction of correct predictions (exact-match ratio for multi-label input).
    macro_precision, macro_recall, macro_f1 : float
        Unweighted means over ``labels``.
    weighted_precision, weighted_recall, weighted_f1 : float
        Means over ``labels`` weighted by support.
    per_class : pandas.DataFrame
        Indexed by label, columns ``precision``, ``recall``, ``f1`` (floats) and
        ``support`` (int: the number of true samples of the class); with
        ``thresholds``, also ``threshold`` (the decision threshold of each label).
    labels : list
        The labels reported, in order.
    n_samples : int
        Number of samples compared.
    digits : int
        Decimals shown by ``str()`` and the rich table.
    multilabel : bool
        Whether the report compares 0/1 indicator matrices (one column per label).
    micro_precision, micro_recall, micro_f1 : float or None
        Multi-label only: precision, recall and F1 of all (sample, label) decisions
        pooled; None for single-label input (where they equal the accuracy).
    """

    accuracy: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    weighted_precision: float
    weighted_recall: float
    weighted_f1: float
    per_class: pd.DataFrame = field(repr=False)
    labels: list
    n_samples: int
    digits: int = 3
    multilabel: bool = False
    micro_precision: float | None = None
    micro_recall: float | None = None
    micro_f1: float | None = None

    def __repr__(self) -> str:
        d = self.digits
        return (
            f"EmotionReport(accuracy={self.accuracy:.{d}f}, macro_f1={self.macro_f1:.{d}f}, "
            f"weighted_f1={self.weighted_f1:.{d}f}, labels={self.labels!r})"
        )

    @property
    def support(self) -> int:
        """Total number of true samples of the reported labels."""
        return int(self.per_class["support"].sum())

    def to_dict(self) -> dict:
        """The report as plain Python values (``json.dumps``-able).

        Returns
        -------
        dict
            Keys ``accuracy``, ``macro_precision`` ... ``weighted_f1`` (floats),
            ``per_class`` (``{str(label): {"precision", "recall", "f1", "support"}}``)
            ``labels`` (list) and ``n_samples`` (int).
        """
        names = [
            "accuracy",
            "macro_precision",
            "macro_recall",
            "macro_f1",
            "weighted_precision",
            "weighted_recall",
            "weighted_f1",
        ]
        if self.multilabel:
            names += ["micro_precision", "micro_recall", "micro_f1"]
        out = {name: float(getattr(self, name)) for name in names}
        out["per_class"] = {
            str(label): {
                "precision": float(row["precision"]),
                "recall": float(row["recall"]),
                "f1": float(row["f1"]),
                "support": int(row["support"]),
                **({"threshold": float(row["threshold"])} if "threshold" in row else {}),
            }
            for label, row in zip(self.labels, self.per_class.to_dict("records"))
        }
        if self.multilabel:
            out["multilabel"] = True
        out["labels"] = list(self.labels)
        out["n_samples"] = int(self.n_samples)
        return out

    def _rows(self):
        """(name, precision, recall, f1, support) rows: per class, then the averages."""
        d = self.digits
        fmt = f"{{:.{d}f}}".format
        thresholds = "threshold" in self.per_class.columns
        rows = [
            (
                str(label),
                fmt(row["precision"]),
                fmt(row["recall"]),
                fmt(row["f1"]),
                str(int(row["support"])),
            ) + ((fmt(row["threshold"]),) if thresholds else ())
            for label, row in zip(self.labels, self.per_class.to_dict("records"))
        ]
        total = str(self.support)
        blank = ("",) if thresholds else ()
        summary = [
            ("accuracy" if not self.multilabel else "exact match", "", "",
             fmt(self.accuracy), str(self.n_samples)),
        ]
        if self.multilabel:
            summary.append((
                "micro avg",
                fmt(self.micro_precision),
                fmt(self.micro_recall),
                fmt(self.micro_f1),
                total,
            ))
        summary += [
            (
                "macro avg",
                fmt(self.macro_precision),
                fmt(self.macro_recall),
                fmt(self.macro_f1),
                total,
            ),
            (
                "weighted avg",
                fmt(self.weighted_precision),
                fmt(self.weighted_recall),
                fmt(self.weighted_f1),
                total,
            ),
        ]
        return rows, [row + blank for row in summary]

    def _header(self) -> tuple:
        extra = ("threshold",) if "threshold" in self.per_class.columns else ()
        return ("", "precision", "recall", "f1-score", "support") + extra

    def __str__(self) -> str:
        rows, summary = self._rows()
        header = self._header()
        width = max(len(r[0]) for r in rows + summary)
        widths = [width] + [max(len(h), 2 + self.digits + 2) for h in header[1:]]

        def line(cells):
            first = cells[0].rjust(widths[0])
            return "  ".join([first] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:])]).rstrip()

        lines = [line(header), ""] + [line(r) for r in rows] + [""] + [line(r) for r in summary]
        return "\n".join(lines)

    def to_rich_table(self, title: str | None = "Emotion report"):
        """The report as a :class:`rich.table.Table` for terminal display.

        Parameters
        ----------
        title : str or None, default="Emotion report"
            Table title.

        Returns
        -------
        rich.table.Table
            Per-class rows, then accuracy and the macro and weighted averages.
        """
        from .._optional import import_optional

        rich_table = import_optional("rich.table", feature="EmotionReport.to_rich_table")
        table = rich_table.Table(title=title)
        table.add_column("label", style="bold")
        for name in self._header()[1:]:
            table.add_column(name, justify="right")
        rows, summary = self._rows()
        for i, row in enumerate(rows):
            table.add_row(*row, end_section=i == len(rows) - 1)
        for row in summary:
            table.add_row(*row, style="italic")
        return table

    def __rich__(self):
        return self.to_rich_table()


def emotion_report(
    y_true, y_pred, labels=None, digits: int = 3, thresholds=None
) -> EmotionReport:
    """Accuracy, precision, recall and F1 (macro, weighted and per class) in one object.

    A thin layer over :func:`sklearn.metrics.precision_recall_fscore_support` and
    :func:`sklearn.metrics.accuracy_score` (``zero_division=0``): the numbers are
    exactly scikit-learn's, gathered in an object that prints as a table, renders in
    a terminal with rich, and serialises to JSON.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels, or a 0/1 indicator matrix for multi-label data.
    y_pred : array-like of the same shape
        Predicted labels.
    labels : array-like, default=None
        For 1-D labels: the classes to report, in order (default: the sorted union of
        ``y_true`` and ``y_pred``); a class absent from both gets zeros. For indicator
        matrices: one name per column, e.g. ``load_goemotions(...).target_names``
        (default: the column indices).
    digits : int, default=3
        Decimals shown by ``str()`` and the rich table (the stored numbers are not
        rounded).
    thresholds : array-like of shape (n_labels,), default=None
        Multi-label only: the decision threshold of each label (e.g.
        ``PerLabelThresholdClassifier.thresholds_``), shown as a ``threshold`` column of
        the per-label table.

    Returns
    -------
    EmotionReport
        With ``accuracy``, ``macro_*``, ``weighted_*``, ``per_class``, ``labels`` and
        the methods ``to_dict()`` and ``to_rich_table()``.

    Raises
    ------
    InvalidInputError
        (a ``ValueError``) if the inputs are empty, differ in length, or are not
        class labels.

    See Also
    --------
    sklearn.metrics.classification_report : The same numbers as text or a dict.
    plot_confusion_matrix : The confusion matrix as a figure.

    Notes
    -----
    Like scikit-learn's ``classification_report``, ``accuracy`` is computed over all
    samples even when ``labels`` selects some classes. For multi-label input it is the
    exact-match ratio (every label of a sample right), and the report adds micro
    averages (all sample-label decisions pooled), which weigh frequent labels the way
    the macro average does not.

    Examples
    --------
    >>> from sklearn_emotion.metrics import emotion_report
    >>> y_true = ["joy", "joy", "anger", "sadness", "joy", "anger"]
    >>> y_pred = ["joy", "anger", "anger", "sadness", "joy", "joy"]
    >>> report = emotion_report(y_true, y_pred)
    >>> round(report.accuracy, 3), round(report.macro_f1, 3)
    (0.667, 0.722)
    >>> report.per_class.loc["joy"].tolist()
    [0.667, 0.667, 0.667, 3.0]
    >>> print(report)
                  precision  recall  f1-score  support
    <BLANKLINE>
           anger      0.500   0.500     0.500        2
             joy      0.667   0.667     0.667        3
         sadness      1.000   1.000     1.000        1
    <BLANKLINE>
        accuracy                        0.667        6
       macro avg      0.722   0.722     0.722        6
    weighted avg      0.667   0.667     0.667        6

    Multi-label predictions (indicator matrices), with the thresholds that made them:

    >>> Y_true = [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]]
    >>> Y_pred = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 1]]
    >>> report = emotion_report(Y_true, Y_pred, labels=["joy", "anger", "fear"],
    ...                         thresholds=[0.35, 0.2, 0.5], digits=2)
    >>> round(report.micro_f1, 3), round(report.macro_f1, 3)
    (0.727, 0.722)
    >>> print(report)
                 precision  recall  f1-score  support  threshold
    <BLANKLINE>
            joy       1.00    1.00      1.00        2       0.35
          anger       0.50    0.50      0.50        2       0.20
           fear       1.00    0.50      0.67        2       0.50
    <BLANKLINE>
    exact match                         0.25        4
      micro avg       0.80    0.67      0.73        6
      macro avg       0.83    0.67      0.72        6
    weighted avg      0.83    0.67      0.72        6
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise InvalidInputError(
            f"emotion_report expects digits to be a non-negative int; got {digits!r}."
        )
    y_true, y_pred, labels, multilabel = check_predictions(
        y_true, y_pred, labels, caller="emotion_report", allow_multilabel=True
    )
    # For indicator matrices sklearn's `labels` are column indices; ours are column names.
    sk_labels = list(range(len(labels))) if multilabel else labels
    kwargs = {"labels": sk_labels, "zero_division": 0}
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, average=None, **kwargs
    )
    macro = precision_recall_fscore_support(y_true, y_pred, average="macro", **kwargs)
    weighted = precision_recall_fscore_support(y_true, y_pred, average="weighted", **kwargs)

    per_class = pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support.astype(np.int64)},
        index=pd.Index(labels, name="label"),
        columns=list(_COLUMNS),
    )
    micro = (None, None, None)
    if multilabel:
        micro = precision_recall_fscore_support(y_true, y_pred, average="micro", **kwargs)
    if thresholds is not None:
        values = np.asarray(thresholds, dtype=np.float64)
        if not multilabel or values.shape != (len(labels),):
            raise InvalidInputError(
                "emotion_report: thresholds must give one decision threshold per label of "
                f"multi-label (indicator matrix) input, {len(labels)} here; got shape "
                f"{values.shape}" + ("" if multilabel else " with single-label input") + "."
            )
        per_class["threshold"] = values
    return EmotionReport(
        accuracy=float(accuracy_score(y_true, y_pred)),
        macro_precision=float(macro[0]),
        macro_recall=float(macro[1]),
        macro_f1=float(macro[2]),
        weighted_precision=float(weighted[0]),
        weighted_recall=float(weighted[1]),
        weighted_f1=float(weighted[2]),
        per_class=per_class,
        labels=labels,
        n_samples=len(y_true),
        digits=int(digits),
        multilabel=multilabel,
        micro_precision=None if micro[0] is None else float(micro[0]),
        micro_recall=None if micro[1] is None else float(micro[1]),
        micro_f1=None if micro[2] is None else float(micro[2]),
    )
