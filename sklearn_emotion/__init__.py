"""sklearn-emotion: scikit-learn compatible PyTorch emotion classifiers.

The public names are imported lazily (PEP 562), so ``import sklearn_emotion`` stays
fast and does not import torch, transformers or sentence-transformers until they are
needed.

Examples
--------
>>> import sklearn_emotion
>>> "FeedForwardClassifier" in sklearn_emotion.__all__
True
"""

from __future__ import annotations

import importlib
from importlib import metadata

try:
    __version__ = metadata.version("sklearn-emotion")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_PUBLIC = {
    "TextCleaner": "sklearn_emotion.text",
    "tokenize": "sklearn_emotion.text",
    "WordVectorizer": "sklearn_emotion.vectorizers",
    "SentenceVectorizer": "sklearn_emotion.vectorizers",
    "BertVectorizer": "sklearn_emotion.vectorizers",
    "FeedForwardClassifier": "sklearn_emotion.estimators",
    "LSTMClassifier": "sklearn_emotion.estimators",
    "TransformerClassifier": "sklearn_emotion.estimators",
    "FusionClassifier": "sklearn_emotion.estimators",
    "FewShotClassifier": "sklearn_emotion.estimators",
    "TextVotingClassifier": "sklearn_emotion.estimators",
    "ModalityUnion": "sklearn_emotion.multimodal",
    "load_ravdess": "sklearn_emotion.datasets",
    "load_audio_folder": "sklearn_emotion.datasets",
    "load_goemotions": "sklearn_emotion.datasets",
    "load_dair_emotion": "sklearn_emotion.datasets",
    "emotion_report": "sklearn_emotion.metrics",
    "plot_confusion_matrix": "sklearn_emotion.metrics",
    "plot_multilabel_confusion_matrix": "sklearn_emotion.metrics",
    "PerLabelThresholdClassifier": "sklearn_emotion.multilabel",
    "tune_thresholds": "sklearn_emotion.multilabel",
    "TokenExplainer": "sklearn_emotion.explain",
    "Explanation": "sklearn_emotion.explain",
    "apply_thresholds": "sklearn_emotion.multilabel",
    "get_config": "sklearn_emotion.utils._validation",
    "set_config": "sklearn_emotion.utils._validation",
    "config_context": "sklearn_emotion.utils._validation",
    "EmbeddingCache": "sklearn_emotion.cache",
    "stream_predict": "sklearn_emotion.distributed",
    "dask_predict": "sklearn_emotion.distributed",
}

__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # cache: later lookups skip __getattr__
        return value
    raise AttributeError(f"module 'sklearn_emotion' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))
