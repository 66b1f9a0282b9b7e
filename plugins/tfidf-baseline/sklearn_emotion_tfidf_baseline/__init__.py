"""The classical TF-IDF + logistic-regression baseline for sklearn-emotion.

Registers the estimator ``TfidfBaselineClassifier``, the baseline every benchmark of the
suite reports next to the neural models. Importing this module is cheap.
"""

from __future__ import annotations

import importlib

__all__ = ["SAFE_TYPES", "TfidfBaselineClassifier", "METADATA"]

METADATA = {
    "licence": "Apache-2.0",
    "description": "Word (and character) TF-IDF + logistic regression on raw texts.",
}


def __getattr__(name: str):
    if name == "SAFE_TYPES":
        # the types sklearn_emotion.io.load may create for this package (entry point
        # "sklearn_emotion.safe_types"); resolved on first use to keep this import cheap
        return (__getattr__("TfidfBaselineClassifier"),)
    if name == "TfidfBaselineClassifier":
        return importlib.import_module("._classifier", __name__).TfidfBaselineClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
