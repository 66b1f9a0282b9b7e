"""The multi-label mode of every estimator: targets, loss, decisions.

When ``y`` is a 2-D indicator matrix of 0/1 (sklearn's ``type_of_target(y) ==
"multilabel-indicator"``), ``fit`` sets ``multilabel_ = True``, the module gets one
output per label, the default ``criterion=CrossEntropyLoss`` is replaced by
``BCEWithLogitsLoss`` (any other criterion is used as given), ``class_weight`` becomes
the loss's ``pos_weight``, ``predict_proba`` applies a sigmoid (one independent
probability per label) and ``predict`` returns the int64 indicator matrix
``predict_proba(X) >= threshold``. ``classes_`` names the label columns
(``0..n_labels-1``, or the ``classes`` the user passed, in that order). The
early-stopping split is a plain shuffled split, and ``valid_acc`` is the subset
accuracy. ``y`` may also be a list of label lists (``[["joy", "love"], ["anger"],
[]]``): it is binarized with ``MultiLabelBinarizer`` semantics, ``classes_`` are the
sorted label names (or ``classes``), and
``label_encoder_.inverse_transform(net.predict(X))`` gives label lists back.
``class_weight="balanced"`` sets ``pos_weight`` to negatives / positives per label
(``"balanced_sqrt"``: its square root).
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.multiclass import type_of_target

from ..multilabel._targets import _is_label_lists
from ._params import is_auto

__all__: list[str] = []  # private: a mixin of the estimators' base


def is_multi_column(y) -> bool:
    """Whether ``y`` is 2-D with more than one column (a multi-label target, maybe)."""
    if y is None or isinstance(y, str):
        return False
    shape = getattr(y, "shape", None)
    if shape is None:
        try:
            shape = np.asarray(y).shape
        except (ValueError, TypeError):  # ragged lists: let the validation explain
            return False
    return len(shape) == 2 and shape[1] > 1


class _MultiLabelMixin:
    """Multi-label targets for ``_EmotionNetMixin``; its fit and predict call these."""

    def _binarize_label_lists(self, y, *, reset, classes):
        """A list of label lists (``[["joy", "love"], ["anger"], []]``) becomes an
        indicator matrix, with ``MultiLabelBinarizer`` semantics: the columns are the
        sorted labels, or the ``classes`` given (every label of y must be among them).
        Anything else is returned unchanged. Returns ``(y, classes)``.
        """
        if not _is_label_lists(y):
            return y, classes
        y = [list(labels) for labels in y]
        known = classes if classes is not None else self.classes
        if not reset:
            known = self.classes_
        if known is None:
            binarizer = MultiLabelBinarizer().fit(y)
        else:
            binarizer = MultiLabelBinarizer(classes=list(np.asarray(known))).fit([])
            seen = {label for labels in y for label in labels}
            unknown = sorted(seen - set(binarizer.classes_.tolist()), key=str)
            if unknown:
                raise ValueError(
                    f"{type(self).__name__}: y names labels {unknown} that are not among the "
                    f"classes {binarizer.classes_.tolist()}. Add them to 'classes' or refit "
                    "from scratch with fit."
                )
        return binarizer.transform(y), (binarizer.classes_ if reset else classes)

    def _is_multilabel_target(self, y, *, reset) -> bool:
        """Whether the classification target ``y`` is multi-label; refuse what is neither."""
        name = type(self).__name__
        kind = type_of_target(y, input_name="y")
        if kind == "multiclass-multioutput":
            raise ValueError(
                f"{name} supports one label per sample (a 1-D y) or several labels per "
                "sample given as a 2-D indicator matrix of 0 and 1 (multi-label); got a 2-D "
                "y with other values (multiclass-multioutput). Binarize it, e.g. with "
                "sklearn.preprocessing.MultiLabelBinarizer, or fit one classifier per column."
            )
        multilabel = kind == "multilabel-indicator"
        if multilabel:
            values = np.unique(np.asarray(y))
            if not np.isin(values, [0, 1]).all():  # sklearn also calls {0, 2} multi-label
                raise ValueError(
                    f"{name}: a multi-label indicator matrix must hold 0 and 1; got "
                    f"{values.tolist()}."
                )
        if not reset and multilabel != self.multilabel_:
            raise ValueError(
                f"{name} was fitted on a {'multi' if self.multilabel_ else 'single'}-label "
                f"target and got a {'multi' if multilabel else 'single'}-label one; refit "
                "from scratch with fit."
            )
        return multilabel

    def _encode_multilabel(self, Y, *, reset, classes, sample_weight=None):
        """Multi-label: name the columns, compute ``pos_weight``; return float32 targets."""
        name = type(self).__name__
        n_labels = Y.shape[1]
        if reset:
            self.multilabel_ = True
            labels = classes if classes is not None else self.classes
            labels = list(range(n_labels)) if labels is None else list(np.asarray(labels))
            if len(labels) != n_labels:
                raise ValueError(
                    f"{name}: 'classes' must name the {n_labels} columns of the multi-label "
                    f"target y; got {len(labels)} names."
                )
            # keeps the column order (LabelEncoder would sort the names)
            self.label_encoder_ = MultiLabelBinarizer(classes=labels).fit([])
            self.class_weight_ = self._pos_weight(Y, sample_weight)
        elif n_labels != len(self.classes_):
            raise ValueError(
                f"{name} was fitted on {len(self.classes_)} labels; y has {n_labels} columns."
            )
        return Y.astype(np.float32)

    def _pos_weight(self, Y, sample_weight=None):
        """``class_weight`` as BCEWithLogitsLoss's ``pos_weight`` (one value per label).

        "balanced": negatives / positives of each label (1 where a label is constant),
        counted with the sample weights ("balanced_sqrt": its square root); a dict
        ``{label: weight}`` sets the weight of the positives of those labels.
        """
        if self.class_weight is None:
            return None
        n_labels = Y.shape[1]
        if isinstance(self.class_weight, dict):
            weights = np.ones(n_labels)
            classes = self.classes_.tolist()
            missing = [label for label in self.class_weight if label not in classes]
            if missing:
                raise ValueError(
                    f"{type(self).__name__}: class_weight names labels {missing} that are not "
                    f"among the label columns {classes}."
                )
            for label, value in self.class_weight.items():
                weights[classes.index(label)] = value
            return weights
        weights = np.ones(len(Y)) if sample_weight is None else sample_weight
        positives = weights @ (Y != 0).astype(np.float64)
        negatives = weights.sum() - positives
        constant = (positives == 0) | (negatives == 0)
        balanced = np.where(constant, 1.0, negatives / np.where(constant, 1.0, positives))
        return np.sqrt(balanced) if self.class_weight == "balanced_sqrt" else balanced

    def _training_criterion(self):
        """``(criterion, weight keyword, example loss)`` for the fitted kind of target.

        Multi-label targets swap the default CrossEntropyLoss class for
        BCEWithLogitsLoss, whose class weights are its ``pos_weight``.
        """
        if not getattr(self, "multilabel_", False):
            return self.criterion, "weight", "CrossEntropyLoss"
        criterion = self.criterion
        if criterion is torch.nn.CrossEntropyLoss:
            criterion = torch.nn.BCEWithLogitsLoss
        return criterion, "pos_weight", "BCEWithLogitsLoss"

    def _get_predict_nonlinearity(self):
        # skorch infers the softmax from CrossEntropyLoss; for BCEWithLogitsLoss it would
        # build (n, 2) binary probabilities, which is wrong for n_labels independent logits
        if getattr(self, "multilabel_", False) and is_auto(self.predict_nonlinearity):
            self.check_is_fitted()
            return torch.sigmoid
        return super()._get_predict_nonlinearity()

    def _as_indicator(self, y):
        """Scoring a multi-label model: label lists become its indicator matrix."""
        if getattr(self, "multilabel_", False) and _is_label_lists(y):
            return self._binarize_label_lists(y, reset=False, classes=None)[0]
        return y

    def _decide(self, proba):
        """``predict`` from ``predict_proba``: the most probable class, or every label
        whose probability reaches ``threshold`` (an int64 indicator matrix)."""
        if getattr(self, "multilabel_", False):
            return (proba >= self.threshold).astype(np.int64)
        return self.classes_[proba.argmax(axis=1)]
