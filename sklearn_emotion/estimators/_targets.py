"""The target ``y`` of every estimator: its validation and its label encoding.

``_validate_target`` checks ``y`` alone (for estimators that check X themselves);
``_encode_targets`` maps labels to ``0..n_classes-1`` (multi-label indicator
matrices: see ``_multilabel.py``), computes the class weights (counted with the
sample weights) and refuses labels outside the known classes on a refit that keeps
them (``partial_fit``, ``warm_start``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from ..utils._targets import check_several_classes
from ._multilabel import is_multi_column

__all__: list[str] = []  # private: a mixin of the estimators' base


class _TargetsMixin:
    """Target validation and label encoding for ``_EmotionNetMixin``."""

    def _validate_target(self, y):
        """Validate ``y`` alone (for subclasses that check X themselves).

        1-D labels and column vectors give a 1-D array (the latter with sklearn's
        ``DataConversionWarning``); a 2-D target with several columns stays 2-D.
        """
        # sklearn's validate_data(X="no_validation", y=y) would also reset (delete) the
        # feature_names_in_ that the subclass may just have set from X: check y alone
        if y is None:
            raise ValueError(
                f"This {type(self).__name__} estimator requires y to be passed, but the "
                "target y is None."
            )
        if not is_multi_column(y):
            y = column_or_1d(y, warn=True)
        return check_array(
            y, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y", estimator=self
        )

    def _encode_targets(self, y, *, reset, classes, sample_weight=None):
        """Check that y is a classification target; map labels to 0..n_classes-1.

        A multi-label indicator matrix is returned as float32 (for BCEWithLogitsLoss).
        """
        if sparse.issparse(y):
            y = y.toarray()
        check_classification_targets(y)
        if self._is_multilabel_target(y, reset=reset):
            return self._encode_multilabel(
                np.asarray(y), reset=reset, classes=classes, sample_weight=sample_weight
            )
        name = type(self).__name__
        if reset:
            self.multilabel_ = False
            labels = classes if classes is not None else self.classes
            encoder = LabelEncoder().fit(y if labels is None else np.asarray(labels))
            check_several_classes(encoder.classes_, name)
            self.label_encoder_ = encoder
            self.class_weight_ = None
            if self.class_weight is not None:
                sqrt = isinstance(self.class_weight, str) and self.class_weight == "balanced_sqrt"
                weights = compute_class_weight(
                    "balanced" if sqrt else self.class_weight, classes=encoder.classes_, y=y,
                    sample_weight=sample_weight,
                )
                self.class_weight_ = np.sqrt(weights) if sqrt else weights
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"{name}: y contains labels {unseen.tolist()} that are not among the known "
                f"classes {self.classes_.tolist()}. Pass every label through 'classes' "
                "or refit from scratch with fit."
            )
        return self.label_encoder_.transform(y).astype(np.int64)
