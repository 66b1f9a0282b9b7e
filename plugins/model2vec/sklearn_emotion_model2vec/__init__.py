"""model2vec static embeddings for sklearn-emotion.

Registers the vectorizer ``StaticEmbeddingVectorizer`` and the encoder ``minilm-static``:
all-MiniLM-L6-v2 distilled into a static token-embedding table with model2vec's own
distillation, shipped inside this package (see ``models/minilm-static/NOTICE.md``).
Importing this module is cheap: the vectorizer's module and model2vec are imported when
first used.
"""

from __future__ import annotations

import importlib
from pathlib import Path

__all__ = ["SAFE_TYPES", "StaticEmbeddingVectorizer", "get_minilm_static_path", "METADATA"]

MODELS = Path(__file__).parent / "models"

METADATA = {
    "minilm-static": {
        "dimension": 256,
        "vocabulary_size": 29525,
        "licence": "Apache-2.0",
        "description": (
            "all-MiniLM-L6-v2 distilled with model2vec (PCA to 256 dimensions, SIF "
            "weighting, int8 storage): a static token-embedding table, no transformer pass."
        ),
        "source": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
    },
    "StaticEmbeddingVectorizer": {
        "licence": "Apache-2.0",
        "description": "model2vec static sentence embeddings of raw texts.",
    },
}


def get_minilm_static_path() -> Path:
    """The folder of the bundled model2vec model (``model.safetensors``, ``tokenizer.json``)."""
    return MODELS / "minilm-static"


def __getattr__(name: str):
    if name == "SAFE_TYPES":
        # the types sklearn_emotion.io.load may create for this package (entry point
        # "sklearn_emotion.safe_types"); resolved on first use to keep this import cheap
        return (__getattr__("StaticEmbeddingVectorizer"),)
    if name == "StaticEmbeddingVectorizer":
        return importlib.import_module("._vectorizer", __name__).StaticEmbeddingVectorizer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
