"""A content-addressed on-disk cache of text embeddings, shared by processes and runs.

Encoding texts with a pretrained model is the expensive step of most sklearn-emotion
pipelines, and a grid search repeats it for every fold and every parameter candidate.
With ``cache=...`` a vectorizer (:class:`~sklearn_emotion.SentenceVectorizer`,
:class:`~sklearn_emotion.BertVectorizer`, :class:`~sklearn_emotion.WordVectorizer`)
looks each text up before encoding it and stores what it had to compute, so every text
is encoded once per model and setting, across folds, candidates, processes and runs.

The key of a text is ``sha256(namespace + text)``, where the namespace hashes what
decides the embedding: the vectorizer class, the identity of the model (a hash of the
model files' contents, or of the loaded weights when there are no files), the
parameters that change the output (pooling, layer, normalisation, maximum length...)
and the library version. The same text with another model or another setting is another
entry; a change of batch size, device or progress bar is not.

:class:`EmbeddingCache` keeps the entries in one SQLite database (the standard
library's ``sqlite3``) in its folder. SQLite gives what a cache shared by processes
needs: every write is an atomic transaction, concurrent writers wait for each other
(``timeout``) instead of corrupting the file, readers never see half-written rows, and
two processes that store the same key at the same time both succeed (the second write
is ignored). The database is bounded: beyond ``max_bytes`` of embeddings, the least
recently used entries are evicted. Put it on a local disk; SQLite's locking is not
reliable on network file systems (NFS), so give each machine of a cluster its own
folder there.

A :class:`joblib.Memory` works too (``cache=joblib.Memory(path)``): it caches whole
``transform`` calls, keyed by the namespace and the list of texts, so it hits only when
exactly the same texts come again (joblib's ``reduce_size`` bounds it).

The package keeps one concept per module: ``_store`` (the SQLite store and
:class:`EmbeddingCache`), ``_rows`` (how rows are packed into bytes and back) and
``_fingerprint`` (model identity: hashes of files and arrays); this module resolves a
vectorizer's ``cache`` parameter.

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> from sklearn_emotion.cache import EmbeddingCache
>>> cache = EmbeddingCache(tempfile.mkdtemp(), max_bytes=10_000_000)
>>> calls = []
>>> def encode(texts):
...     calls.append(len(texts))
...     return np.array([[len(t), t.count("!")] for t in texts], dtype=np.float32)
>>> cache.get_or_compute("example", ["I love it!", "meh"], encode)
array([[10.,  1.],
       [ 3.,  0.]], dtype=float32)
>>> cache.get_or_compute("example", ["meh", "so sad", "I love it!"], encode).shape
(3, 2)
>>> calls  # the second call encoded only the new text
[2, 1]
>>> cache.stats()["hits"], cache.stats()["misses"]
(2, 3)
>>> cache.clear()
>>> cache.stats()["entries"]
0
"""

from __future__ import annotations

import os
from functools import lru_cache

from ..exceptions import InvalidInputError
from ._fingerprint import fingerprint_arrays, fingerprint_path
from ._store import _FORMAT  # noqa: F401  (vectorizers put it in their namespaces)
from ._store import EmbeddingCache, default_cache_dir

__all__ = [
    "EmbeddingCache",
    "default_cache_dir",
    "resolve_cache",
    "fingerprint_path",
    "fingerprint_arrays",
]


# ---------------------------------------------------------------- joblib.Memory
# joblib.Memory names its entries by module and function: _transform_call stays in this
# module so that existing Memory folders keep their entries.
def _transform_call(namespace: str, texts: list, compute):
    """What ``joblib.Memory`` caches: one whole transform, keyed by namespace and texts."""
    return compute(texts)


class _MemoryCache:
    """Adapter that gives a ``joblib.Memory`` the ``get_or_compute`` interface."""

    def __init__(self, memory):
        self.memory = memory

    def get_or_compute(self, namespace, texts, compute, description=""):
        cached = self.memory.cache(_transform_call, ignore=["compute"])
        return cached(namespace, list(texts), compute)


def resolve_cache(cache, *, owner: str = "vectorizer"):
    """The store behind a vectorizer's ``cache`` parameter, or None.

    ``None``/``False``: no cache; ``True``: :class:`EmbeddingCache` in
    :func:`default_cache_dir`; a path: :class:`EmbeddingCache` there; an
    :class:`EmbeddingCache` or a :class:`joblib.Memory` (anything with ``.cache``): used
    as given.

    Examples
    --------
    >>> from sklearn_emotion.cache import resolve_cache
    >>> resolve_cache(None) is None
    True
    >>> resolve_cache("~/some/folder").path.name
    'embeddings.sqlite3'
    """
    if cache is None or cache is False:
        return None
    if cache is True:
        return _cache_at(None)
    if isinstance(cache, (str, os.PathLike)):
        return _cache_at(os.fspath(cache))
    if isinstance(cache, EmbeddingCache):
        return cache
    if hasattr(cache, "cache") and hasattr(cache, "location"):  # joblib.Memory
        if cache.location is None:
            return None  # Memory(None) caches nothing, as in Pipeline(memory=...)
        return _MemoryCache(cache)
    raise InvalidInputError(
        f"The 'cache' parameter of {owner} must be None, a bool, a folder path, an "
        f"EmbeddingCache or a joblib.Memory; got {type(cache).__name__} ({cache!r:.60})."
    )


@lru_cache(maxsize=16)
def _cache_at(directory: str | None) -> EmbeddingCache:
    """One EmbeddingCache (one connection) per folder and process."""
    return EmbeddingCache(directory)
