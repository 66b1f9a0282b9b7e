"""Load word vectors from every format WordVectorizer accepts, or train them with gensim.

Everything ends up as a :class:`LoadedVectors`: a ``{word: row}`` dict, a float32 matrix
and, for fastText, the gensim object that builds vectors for unseen words from subwords.

Format detection for a path (compressed ``.gz``/``.bz2`` files are looked at inside):

* a folder with exactly one ``*.npy`` matrix and one ``*.parquet`` vocabulary (column
  ``index``, the words in row order): the kumo format, memory-mapped with numpy and read
  with pyarrow, no gensim needed;
* ``*.kv``, ``*.model``, ``*.wv``: a gensim ``save()`` file (KeyedVectors or a whole
  Word2Vec / FastText model, whose ``.wv`` is used);
* ``*.bin``: fastText binary if the file starts with fastText's magic number, else
  word2vec binary;
* anything else is text: word2vec / fastText ``.vec`` if the first line is two integers
  (``"<n_words> <dim>"``), else GloVe (no header line).
"""

from __future__ import annotations

import bz2
import gzip
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .. import registry
from .._optional import import_optional
from ..exceptions import PluginLoadError

__all__ = ["LoadedVectors", "load_vectors", "train_vectors", "TRAINABLE"]

TRAINABLE = ("word2vec", "fasttext")
FASTTEXT_MAGIC = 793712314
# fastText's default of 2M hashed subword buckets costs 2M x dim floats (800 MB at dim 100);
# 100k buckets are plenty for corpora of up to a few hundred thousand texts.
FASTTEXT_BUCKET = 100_000
_GENSIM_SUFFIXES = (".kv", ".model", ".wv")


class LoadedVectors(NamedTuple):
    """Word vectors ready for lookups."""

    vocabulary: dict
    vectors: np.ndarray
    unknown: np.ndarray
    subword_model: Any  # gensim FastTextKeyedVectors, or None
    source: str


def _unknown_vector(vectors: np.ndarray) -> np.ndarray:
    """The vector given to out-of-vocabulary tokens: the mean of all vectors.

    If that mean is (almost) zero, e.g. for centred vectors, a fixed random direction with
    the typical vector norm is used instead, so an unknown token never looks like padding.
    """
    dim = vectors.shape[1]
    if len(vectors) == 0:
        return np.full(dim, 1.0 / np.sqrt(dim), dtype=np.float32)
    mean = np.asarray(vectors.mean(axis=0, dtype=np.float64))
    sample = np.asarray(vectors[: min(len(vectors), 10_000)], dtype=np.float64)
    typical = float(np.linalg.norm(sample, axis=1).mean()) or 1.0
    if np.linalg.norm(mean) < 1e-3 * typical:
        mean = np.random.default_rng(0).standard_normal(dim)
        mean *= typical / np.linalg.norm(mean)
    return mean.astype(np.float32)


def _from_keyed_vectors(kv, source: str) -> LoadedVectors:
    kv = getattr(kv, "wv", kv)  # a whole Word2Vec / FastText model
    if not (hasattr(kv, "key_to_index") and hasattr(kv, "vectors")):
        raise TypeError(
            f"WordVectorizer cannot use {type(kv).__name__} as word vectors; pass a gensim "
            "KeyedVectors (or Word2Vec/FastText model), a registered vectors name, a path "
            "to a vectors file or folder, or 'word2vec' / 'fasttext' to train vectors in fit."
        )
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    subword = kv if getattr(kv, "bucket", 0) and hasattr(kv, "vectors_ngrams") else None
    return LoadedVectors(kv.key_to_index, vectors, _unknown_vector(vectors), subword, source)


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _first_bytes(path: Path, n: int) -> bytes:
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(path.suffix, open)
    with opener(path, "rb") as fh:
        return fh.read(n)


def _has_header(path: Path) -> bool:
    with _open_text(path) as fh:
        parts = fh.readline().split()
    return len(parts) == 2 and all(p.isdigit() for p in parts)


def _load_kumo_folder(folder: Path) -> LoadedVectors:
    matrices = sorted(folder.glob("*.npy"))
    indexes = sorted(folder.glob("*.parquet"))
    if len(matrices) != 1 or len(indexes) != 1:
        raise PluginLoadError(
            f"WordVectorizer cannot read the folder {str(folder)!r}: a vectors folder must hold "
            f"exactly one *.npy matrix and one *.parquet vocabulary (found {len(matrices)} and "
            f"{len(indexes)}). Point 'vectors' at a vectors file instead."
        )
    pq = import_optional("pyarrow.parquet", feature="Reading a .npy + .parquet vectors folder")
    table = pq.read_table(indexes[0])
    column = "index" if "index" in table.column_names else table.column_names[0]
    words = table.column(column).to_pylist()
    vectors = np.load(matrices[0], mmap_mode="r")
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise PluginLoadError(
            f"WordVectorizer: {matrices[0].name} has shape {vectors.shape} but "
            f"{indexes[0].name} lists {len(words)} words; the row counts must match."
        )
    if vectors.dtype != np.float32:
        vectors = np.asarray(vectors, dtype=np.float32)
    # the first occurrence of a repeated word wins, as in gensim
    vocabulary = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))
    vocabulary.pop(None, None)
    return LoadedVectors(vocabulary, vectors, _unknown_vector(vectors), None, str(folder))


def _load_file(path: Path) -> LoadedVectors:
    if path.is_dir():
        return _load_kumo_folder(path)
    inner = path.with_suffix("") if path.suffix in (".gz", ".bz2") else path
    if inner.suffix == ".npy":
        return _load_kumo_folder(path.parent)
    gensim_models = import_optional("gensim.models", feature="WordVectorizer (this vectors format)")
    if inner.suffix in _GENSIM_SUFFIXES:
        from gensim.utils import SaveLoad

        return _from_keyed_vectors(SaveLoad.load(str(path), mmap="r"), str(path))
    KeyedVectors = gensim_models.KeyedVectors
    if inner.suffix == ".bin":
        magic = int.from_bytes(_first_bytes(path, 4), "little")
        if magic == FASTTEXT_MAGIC:
            from gensim.models.fasttext import load_facebook_vectors

            return _from_keyed_vectors(load_facebook_vectors(str(path)), str(path))
        kv = KeyedVectors.load_word2vec_format(str(path), binary=True)
        return _from_keyed_vectors(kv, str(path))
    no_header = not _has_header(path)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=no_header)
    return _from_keyed_vectors(kv, str(path))


@lru_cache(maxsize=2)
def _load_file_cached(path: str, mtime_ns: int, size: int) -> LoadedVectors:
    loaded = _load_file(Path(path))
    for array in (loaded.vectors, loaded.unknown):
        if array.flags.writeable and array.base is None:
            array.setflags(write=False)  # shared between estimators: never written to
    return loaded


def _load_path(path: Path) -> LoadedVectors:
    """Load a file or folder, reusing the last two loads while the file is unchanged."""
    path = path.resolve()
    stat = path.stat()
    return _load_file_cached(str(path), stat.st_mtime_ns, stat.st_size)


def _load_hub(name: str) -> LoadedVectors:
    downloader = import_optional("gensim.downloader", feature="WordVectorizer (gensim-data hub)")
    try:
        obj = downloader.load(name)
    except Exception as exc:  # offline, unknown name, corrupt download...
        raise registry._unknown_name_error(
            "vectors",
            name,
            registry.find_plugins("vectors"),
            hint=(
                ", pass an existing local file or folder, or 'word2vec' / 'fasttext' to train "
                f"vectors in fit. Loading {name!r} from the gensim-data hub failed with "
                f"{type(exc).__name__}: {str(exc).strip().rstrip('.')}"
            ),
        ) from exc
    return _from_keyed_vectors(obj, f"gensim-data:{name}")


def load_vectors(vectors, resource: registry.Resource | None = None) -> LoadedVectors:
    """Load pretrained vectors from a registered name, a path, a hub name or a gensim object.

    Parameters
    ----------
    vectors : str, path-like or gensim KeyedVectors
        See :class:`~sklearn_emotion.vectorizers.WordVectorizer`.
    resource : Resource, default=None
        What ``registry.resolve("vectors", vectors)`` returned, when the caller already
        resolved the name; ``None`` resolves it here.

    Returns
    -------
    LoadedVectors
    """
    if not isinstance(vectors, (str, os.PathLike)):
        return _from_keyed_vectors(vectors, type(vectors).__name__)
    if resource is None:
        resource = registry.resolve("vectors", vectors)
    if resource.source == "hub":
        return _load_hub(resource.location)
    if not isinstance(resource.location, Path):  # a plugin that returns a loaded object
        return _from_keyed_vectors(resource.location, f"plugin {resource.name!r}")
    loaded = _load_path(resource.location)
    if resource.source == "plugin":
        loaded = loaded._replace(source=f"plugin {resource.name!r}")
    return loaded


def train_vectors(
    kind: str, sentences: list[list[str]], *, vector_size, window, min_count, epochs, seed
) -> LoadedVectors:
    """Train Word2Vec or FastText (gensim, one worker thread, seeded) on tokenised texts."""
    gensim_models = import_optional("gensim.models", feature=f"WordVectorizer(vectors={kind!r})")
    counts: dict[str, int] = {}
    for sentence in sentences:
        for token in sentence:
            counts[token] = counts.get(token, 0) + 1
    if not any(c >= min_count for c in counts.values()):
        raise ValueError(
            f"WordVectorizer(vectors={kind!r}) found no token occurring at least "
            f"min_count={min_count} times in the {len(sentences)} training texts; lower "
            "min_count or fit on more text."
        )
    params = dict(
        vector_size=vector_size, window=window, min_count=min_count, epochs=epochs,
        workers=1, seed=seed,
    )
    if kind == "fasttext":
        model = gensim_models.FastText(sentences=sentences, bucket=FASTTEXT_BUCKET, **params)
    else:
        model = gensim_models.Word2Vec(sentences=sentences, **params)
    return _from_keyed_vectors(model.wv, f"{kind} trained in fit")
