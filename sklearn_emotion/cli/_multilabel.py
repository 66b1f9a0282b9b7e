"""The multi-label branch of ``train`` and ``evaluate``: label sets, per-label thresholds.

``--multilabel`` reads the label column as label sets (see
:func:`sklearn_emotion._data_io.parse_label_lists`), wraps the pipeline in a
:class:`~sklearn_emotion.multilabel.PerLabelThresholdClassifier` (a final step that
cannot learn several labels, such as ``LogisticRegression``, is made one-vs-rest
first) and reports per-label precision, recall, F1, support and threshold, with micro
and macro averages and one confusion-matrix panel per label.

Every function takes plain values; ``_train.py`` and ``_evaluate.py`` read the options.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils import get_tags

from .._data_io import goemotions_label_names
from ..exceptions import DataNotFoundError, InvalidInputError
from ..metrics import emotion_report, plot_multilabel_confusion_matrix
from ..model_dir import Evaluation
from ..multilabel import PerLabelThresholdClassifier
from ._common import progress_display

__all__ = ["check_multilabel_options", "label_names_option", "multilabel_model",
           "evaluate_multilabel"]


def check_multilabel_options(grid: list | None, cv: int | None,
                             threshold_cv: float) -> int | float:
    """The ``cv`` of the threshold tuning from ``--threshold-cv`` (folds or a fraction).

    ``grid`` and ``cv`` are the ``--grid`` entries and ``--cv`` folds, if any.

    Raises
    ------
    InvalidInputError
        With a grid search or ``--cv`` (not supported with label sets yet), or a
        ``--threshold-cv`` that is neither an integer >= 2 nor a fraction in (0, 1).
    """
    if grid or cv:
        raise InvalidInputError(
            "--grid and --cv are not supported with --multilabel yet; the decision thresholds "
            "are tuned by --threshold-cv."
        )
    if threshold_cv >= 2 and float(threshold_cv).is_integer():
        return int(threshold_cv)
    if not 0 < threshold_cv < 1:
        raise InvalidInputError(
            f"--threshold-cv must be a number of folds (an integer >= 2) or a fraction in "
            f"(0, 1); got {threshold_cv}."
        )
    return threshold_cv


def label_names_option(value: str | None) -> list[str] | None:
    """``--label-names``: ``goemotions`` or a text file with one name per line."""
    if value is None:
        return None
    if value.lower() == "goemotions":
        return goemotions_label_names()
    path = Path(value).expanduser()
    if not path.is_file():
        raise DataNotFoundError(
            f"--label-names {value!r} is neither 'goemotions' nor an existing text file with "
            "one label name per line."
        )
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def multilabel_model(pipeline, cv, random_state) -> PerLabelThresholdClassifier:
    """``pipeline`` with one tuned threshold per label (one-vs-rest if it needs it)."""
    name, last = pipeline.steps[-1]
    if not get_tags(last).classifier_tags.multi_label:
        pipeline.steps[-1] = (name, OneVsRestClassifier(last))
    return PerLabelThresholdClassifier(pipeline, cv=cv, random_state=random_state)


def _predict_all(model, texts, batch_size, console, progress):
    """Indicator predictions and per-label probabilities, in batches."""
    preds, probas = [], []
    with progress_display(console, progress) as bar:
        task = bar.add_task("predicting", total=len(texts), texts=0)
        for start in range(0, len(texts), batch_size):
            chunk = texts[start:start + batch_size]
            preds.append(model.predict(chunk))
            probas.append(model.predict_proba(chunk))
            bar.update(task, advance=len(chunk), texts=start + len(chunk))
    return np.concatenate(preds), np.concatenate(probas)


def evaluate_multilabel(model, texts, label_sets, *, batch_size=256, console=None,
                        progress=False, where="The evaluation data") -> Evaluation:
    """An :class:`~sklearn_emotion.model_dir.Evaluation` of a multi-label model."""
    classes = [str(c) for c in model.classes_]
    unknown = sorted({label for labels in label_sets for label in labels} - set(classes))
    if unknown:
        raise InvalidInputError(
            f"{where} has labels the model was not trained on: {unknown}. The model knows "
            f"{', '.join(classes)}."
        )
    Y_true = model.label_binarizer_.transform([list(labels) for labels in label_sets])
    Y_pred, _ = _predict_all(model, texts, batch_size, console, progress)
    report = emotion_report(Y_true, Y_pred, labels=classes,
                            thresholds=getattr(model, "thresholds_", None))
    images = {}
    for caption, normalize in (("Per-label confusion matrices (shares of each true row)",
                                "true"), ("Per-label confusion matrices (counts)", None)):
        fig = plot_multilabel_confusion_matrix(Y_true, Y_pred, labels=classes,
                                               normalize=normalize)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        images[caption] = buffer.getvalue()
    pairs = pd.DataFrame(columns=["true", "predicted", "count", "share_of_true"])
    return Evaluation(report, pairs, images, None)
