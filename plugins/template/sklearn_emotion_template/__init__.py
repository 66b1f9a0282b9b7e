"""A minimal sklearn-emotion plugin to copy: one vectorizer, registered by entry point.

Copy ``plugins/template``, rename the distribution (``pyproject.toml``), the package
folder and the class, and keep the test that calls ``check_plugin``. Keep this module
light: the registry imports it only when the plugin is used, and it should import
heavy libraries (torch, model files) inside ``fit``, not here.
"""

from __future__ import annotations

from ._vectorizer import TextStatsVectorizer

__all__ = ["TextStatsVectorizer", "SAFE_TYPES", "METADATA"]

# The classes that sklearn_emotion.io.load may create from a model file without
# trusted=[...]: every estimator, transformer, torch module or helper class of this
# package that a fitted model can hold. pyproject.toml registers this tuple in the
# "sklearn_emotion.safe_types" entry-point group.
SAFE_TYPES = (TextStatsVectorizer,)

# Optional: anything the registry's plugin_metadata() should report besides the
# package metadata (pyproject.toml's name, version, licence, description).
METADATA = {
    "description": "Surface statistics of raw texts: length, exclamation and question "
                   "marks, capitals, elongated words.",
}
