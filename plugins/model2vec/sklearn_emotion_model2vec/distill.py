"""Re-create (or enlarge) the bundled ``minilm-static`` model with model2vec's distillation.

Needs ``pip install "model2vec[distill]"`` (transformers, skeletoken); the model itself
comes from the ``all-MiniLM-L6-v2`` encoder plugin, so no model hub is needed. About one
minute on one CPU core.

Examples
--------
>>> from sklearn_emotion_model2vec.distill import distill_minilm
>>> distill_minilm("my-minilm-static", pca_dims=256)  # doctest: +SKIP
PosixPath('my-minilm-static')
"""

from __future__ import annotations

import os
from pathlib import Path

from sklearn_emotion.plugin_api import import_optional, resolve

__all__ = ["distill_minilm"]


def distill_minilm(out, *, encoder="all-MiniLM-L6-v2", pca_dims=256, quantize_to="int8"):
    """Distill a sentence-transformers encoder into a static model2vec model in ``out``.

    Parameters
    ----------
    out : str or path-like
        Folder to write (``model.safetensors``, ``tokenizer.json``, ``config.json``).
    encoder : str or path-like, default="all-MiniLM-L6-v2"
        An encoder plugin name or a local sentence-transformers folder.
    pca_dims : int or None, default=256
        Output dimensions (PCA); ``None`` keeps the encoder's 384.
    quantize_to : {"int8", "float16", "float32"}, default="int8"
        Storage type of the token table (int8: 4x smaller than float32, same accuracy
        within 0.5 point on dair-ai emotion).

    Returns
    -------
    pathlib.Path
        ``out``; pass it as ``StaticEmbeddingVectorizer(model=out)``.
    """
    distill = import_optional("model2vec.distill", feature="distill_minilm").distill
    resource = resolve("encoders", encoder)
    model = distill(os.fspath(resource.location), pca_dims=pca_dims, quantize_to=quantize_to,
                    device="cpu")
    out = Path(out)
    model.save_pretrained(os.fspath(out))
    return out
