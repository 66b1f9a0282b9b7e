"""TEMPORARY: persistence of the built-in vectorizers that do not have the hooks yet.

Delete this module once SentenceVectorizer, BertVectorizer and WordVectorizer implement
``__emotion_persist__``/``__emotion_reload__`` themselves; until then it gives them the
behaviour they will have (frozen resources stored by reference).
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

from ..exceptions import UnsupportedModelError

__all__ = ["legacy_persist", "legacy_reload"]

_SENTENCE = "sklearn_emotion.vectorizers._sentence.SentenceVectorizer"
_BERT = "sklearn_emotion.vectorizers._bert.BertVectorizer"
_WORD = "sklearn_emotion.vectorizers._word.WordVectorizer"
_ATTRIBUTES = {
    _SENTENCE: ("encoder_", "device_"),
    _BERT: ("tokenizer_", "model_", "device_"),
    _WORD: ("vocabulary_", "vectors_", "unknown_vector_", "subword_vectors_", "source_"),
}


def _name(obj) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


def _torch_fingerprint(module) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def legacy_persist(obj):
    """``(attributes, fingerprint)`` for a built-in vectorizer without hooks, else None."""
    cls = _name(obj)
    if cls not in _ATTRIBUTES or not hasattr(obj, "n_features_out_"):
        return None
    if cls == _SENTENCE:
        return _ATTRIBUTES[cls], _torch_fingerprint(obj.encoder_)
    if cls == _BERT:
        return _ATTRIBUTES[cls], _torch_fingerprint(obj.model_)
    from ..vectorizers._keyed_vectors import TRAINABLE

    if isinstance(obj.vectors, str) and obj.vectors in TRAINABLE:
        return None  # vectors trained on the data: stored like any fitted array
    if not isinstance(obj.vectors, (str, os.PathLike)):
        raise UnsupportedModelError(
            "sklearn_emotion.io.save cannot store a WordVectorizer whose 'vectors' "
            f"parameter is a {type(obj.vectors).__name__} object; pass a registered "
            "name or a file path instead (or use joblib for trusted use)."
        )
    digest = hashlib.sha256(np.ascontiguousarray(obj.vectors_).tobytes()).hexdigest()
    return _ATTRIBUTES[cls], digest


def legacy_reload(light) -> dict | None:
    """The left-out attributes of a built-in vectorizer without hooks, loaded again."""
    cls = _name(light)
    if cls not in _ATTRIBUTES:
        return None
    if cls == _WORD:
        from ..vectorizers._keyed_vectors import load_vectors

        loaded = load_vectors(light.vectors)
        return {
            "vocabulary_": loaded.vocabulary,
            "vectors_": loaded.vectors,
            "unknown_vector_": loaded.unknown,
            "subword_vectors_": loaded.subword_model,
            "source_": loaded.source,
        }
    from sklearn.base import clone

    fresh = clone(light).fit(["."])  # a frozen encoder: fitting learns nothing
    return {name: getattr(fresh, name) for name in _ATTRIBUTES[cls]}
