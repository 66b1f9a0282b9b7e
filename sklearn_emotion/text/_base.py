"""The raw-text input mixin shared by every transformer and estimator that takes texts.

Public through :mod:`sklearn_emotion.plugin_api` as ``RawTextMixin``.
"""

from __future__ import annotations

import numpy as np

from ..utils._validation import check_texts

__all__ = ["RawTextMixin"]


class RawTextMixin:
    """Tags and input validation for transformers whose ``X`` is a sequence of texts.

    ``X`` is one column of text, so after fitting ``n_features_in_ == 1``; when it was a
    one-column DataFrame, ``feature_names_in_`` holds the column name (as sklearn does for
    tabular transformers).
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []  # text in, so no input dtype to keep
        return tags

    def _validate_texts(self, X, *, reset: bool) -> list[str]:
        """``check_texts`` with the class name; on ``reset`` record the input width and name."""
        texts = check_texts(X, name=type(self).__name__)
        if reset:
            self.n_features_in_ = 1
            columns = getattr(X, "columns", None)
            if columns is not None and len(columns) == 1 and isinstance(columns[0], str):
                self.feature_names_in_ = np.asarray(list(columns), dtype=object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
        return texts
