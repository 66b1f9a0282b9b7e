"""Lexicon and rule-based affect features for sklearn-emotion.

Registers the vectorizer ``LexiconVectorizer``: VADER sentence scores (bundled through
the MIT-licensed ``vaderSentiment`` package) or the categories of a word-emotion lexicon
read from a path you give (NRC EmoLex and similar lexicons are not redistributable, so
none is shipped). Importing this module is cheap: the vectorizer's module is imported
when first used.
"""

from __future__ import annotations

import importlib

__all__ = ["SAFE_TYPES", "LexiconVectorizer", "read_lexicon", "METADATA"]

METADATA = {
    "licence": "MIT (VADER lexicon, via vaderSentiment); user-supplied lexicons keep theirs",
    "description": "VADER sentence scores or word-emotion lexicon categories as features.",
}


def __getattr__(name: str):
    if name == "SAFE_TYPES":
        # the types sklearn_emotion.io.load may create for this package (entry point
        # "sklearn_emotion.safe_types"); resolved on first use to keep this import cheap
        return (__getattr__("LexiconVectorizer"),)
    if name in {"LexiconVectorizer", "read_lexicon"}:
        return getattr(importlib.import_module("._vectorizer", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
