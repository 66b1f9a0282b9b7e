"""The marker types that :mod:`sklearn_emotion.io` writes inside ``model.skops``.

Their qualified names are part of the model file format (files name them, and the
library declares them safe to load), so they stay at this path even though the code
that uses them lives in :mod:`sklearn_emotion.io`.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np

__all__ = ["NetRef", "ReloadMarker", "PackedTerms"]


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


class PackedTerms:
    """A text vectorizer's ``vocabulary_`` (term -> column) or ``stop_words_`` (set of
    terms) as two arrays inside ``model.skops``.

    skops stores a dict entry by entry, each numpy integer as an object of its own: a
    TF-IDF vocabulary of 95,600 n-grams took 25 s to save and 26 s to load. The terms
    are kept as one UTF-8 byte array with end offsets, and the columns (for a vocabulary)
    as an integer array.
    """

    def __init__(self, utf8: np.ndarray, ends: np.ndarray, columns: np.ndarray | None):
        self.utf8 = utf8
        self.ends = ends
        self.columns = columns

    @classmethod
    def pack(cls, terms: Mapping[str, int] | Iterable[str]) -> "PackedTerms":
        columns = None
        if isinstance(terms, Mapping):
            columns = np.fromiter(terms.values(), dtype=np.int64, count=len(terms))
            terms = terms.keys()
        else:
            terms = sorted(terms)
        encoded = [term.encode("utf-8") for term in terms]
        ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), ends, columns)

    def unpack(self) -> dict[str, int] | set[str]:
        data = self.utf8.tobytes()
        starts = np.concatenate([[0], self.ends[:-1]]).tolist()
        terms = [data[a:b].decode("utf-8") for a, b in zip(starts, self.ends.tolist())]
        if self.columns is None:
            return set(terms)
        return dict(zip(terms, self.columns.tolist()))
