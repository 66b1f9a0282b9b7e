"""The input X of PerLabelThresholdClassifier: refused when None, described by its estimator.

The meta-estimator passes ``X`` on untouched (features, or raw texts for a text
pipeline), so it checks only what no estimator can take, and reports the input width
and column names that its fitted estimator recorded, as scikit-learn's meta-estimators
do.
"""

from __future__ import annotations

from ..exceptions import InvalidInputTypeError

__all__: list[str] = []  # private helpers of PerLabelThresholdClassifier


def _check_input(X, name: str) -> None:
    """Refuse ``X=None`` in the library's words (sklearn: "Expected sequence or array-like")."""
    if X is None:
        raise InvalidInputTypeError(
            f"{name} expects X, the input of its estimator (a feature array, or a list of "
            "texts for a text pipeline), got None."
        )


def _from_estimator(attribute: str, doc: str) -> property:
    """A read-only attribute of the fitted ``estimator_``, absent when it has none."""

    def get(self):
        try:
            return getattr(self.estimator_, attribute)
        except AttributeError as exc:
            raise AttributeError(
                f"{type(self).__name__} has no attribute {attribute!r} (not fitted, or the "
                "estimator does not report it)."
            ) from exc

    return property(get, doc=doc)
