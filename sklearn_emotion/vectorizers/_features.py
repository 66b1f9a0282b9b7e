"""Feature names shared by the vectorizers: ``<classname>0``, ``<classname>1``, ..."""

from __future__ import annotations

from sklearn.base import ClassNamePrefixFeaturesOutMixin

__all__: list[str] = []  # private


class _PrefixedFeaturesMixin(ClassNamePrefixFeaturesOutMixin):
    """``get_feature_names_out`` from the fitted ``n_features_out_`` (the embedding size)."""

    @property
    def _n_features_out(self):
        """Used by ClassNamePrefixFeaturesOutMixin.get_feature_names_out."""
        return self.n_features_out_
