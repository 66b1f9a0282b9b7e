"""Evaluation of emotion predictions: a metrics report, the confusion matrix, the most
confused pairs and a self-contained HTML report.

All are thin layers over :mod:`sklearn.metrics`; matplotlib and rich are imported only
when a figure or a rich table is asked for.

Examples
--------
>>> from sklearn_emotion.metrics import emotion_report
>>> emotion_report(["joy", "fear"], ["joy", "joy"]).accuracy
0.5
"""

from ._confused import most_confused_pairs
from ._html import html_report
from ._plot import plot_confusion_matrix
from ._plot_multilabel import plot_multilabel_confusion_matrix
from ._report import EmotionReport, emotion_report

__all__ = [
    "emotion_report",
    "plot_confusion_matrix",
    "plot_multilabel_confusion_matrix",
    "most_confused_pairs",
    "html_report",
    "EmotionReport",
]
