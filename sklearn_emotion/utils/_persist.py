"""The marker types that :mod:`sklearn_emotion.io` writes inside ``model.skops``.

Their qualified names are part of the model file format (files name them, and the
library declares them safe to load), so they stay at this path even though the code
that uses them lives in :mod:`sklearn_emotion.io`.
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["NetRef", "ReloadMarker"]


class NetRef:
    """Stands for the ``index``-th skorch network of a saved model inside ``model.skops``.

    Networks are stored as parameters, fitted attributes and safetensors weights, never
    through skorch's pickle-based ``__setstate__``.
    """

    def __init__(self, index: int):
        self.index = index


class ReloadMarker:
    """Records, inside ``model.skops``, which attributes of an object were left out at saving.

    ``fingerprint`` is the one its ``__emotion_persist__`` hook returned; loading compares
    it with the fingerprint of the resource loaded again.
    """

    def __init__(self, attributes: Sequence[str], fingerprint: str):
        self.attributes = list(attributes)
        self.fingerprint = fingerprint
