"""A minimal sklearn-emotion plugin to copy: one vectorizer, registered by entry point.

Copy ``plugins/template``, rename the distribution (``pyproject.toml``), the package
folder and the class, and keep the test that calls ``check_plugin``. Keep this module
light: the registry imports it only when the plugin is used, and it should import
heavy libraries (torch, model files) inside ``fit``, not here.
"""

from __future__ import annotations

from ._vectorizer import TextStatsVectorizer

__all__ = ["TextStatsVectorizer", "METADATA"]

# Optional: anything the registry's plugin_metadata() should report besides the
# package metadata (pyproject.toml's name, version, licence, description).
METADATA = {
    "description": "Surface statistics of raw texts: length, exclamation and question "
                   "marks, capitals, elongated words.",
}
