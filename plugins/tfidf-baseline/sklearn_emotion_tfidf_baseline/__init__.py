"""The classical TF-IDF + logistic-regression baseline for sklearn-emotion.

Registers the estimator ``TfidfBaselineClassifier``, the baseline every benchmark of the
suite reports next to the neural models. Importing this module is cheap.
"""

from __future__ import annotations

import importlib

__all__ = ["TfidfBaselineClassifier", "METADATA"]

METADATA = {
    "licence": "Apache-2.0",
    "description": "Word (and character) TF-IDF + logistic regression on raw texts.",
}


def __getattr__(name: str):
    if name == "TfidfBaselineClassifier":
        return importlib.import_module("._classifier", __name__).TfidfBaselineClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
