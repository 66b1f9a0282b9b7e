"""Model identity for cache keys: hashes of model files and of in-memory weights."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["fingerprint_path", "fingerprint_arrays"]


def _file_signature(path: Path) -> tuple:
    """(relative name, size, mtime) of every file under ``path``: cheap to compute."""
    if path.is_file():
        stat = path.stat()
        return ((path.name, stat.st_size, stat.st_mtime_ns),)
    rows = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = Path(root) / name
            stat = full.stat()
            rows.append((str(full.relative_to(path)), stat.st_size, stat.st_mtime_ns))
    return tuple(rows)


@lru_cache(maxsize=64)
def _hash_files(path: str, signature: tuple) -> str:
    digest = hashlib.blake2b(digest_size=20)
    base = Path(path)
    for name, size, _ in signature:
        digest.update(f"{name}\0{size}\0".encode())
        with open(base / name if base.is_dir() else base, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()


def fingerprint_path(path: str | os.PathLike) -> str:
    """A hash of the contents of a model file or folder (hidden files excluded).

    The files are read once per process: the result is remembered for as long as no
    file changes its size or modification time.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn_emotion.cache import fingerprint_path
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "weights.bin").write_bytes(b"1234")
    >>> a = fingerprint_path(folder)
    >>> _ = (folder / "weights.bin").write_bytes(b"12345")
    >>> a == fingerprint_path(folder)
    False
    """
    path = Path(path).expanduser().resolve()
    return _hash_files(str(path), _file_signature(path))


def fingerprint_arrays(*objects: Any) -> str:
    """A hash of arrays, tensors, strings and (nested) lists, tuples and dicts of them.

    Used for model identity when there are no files to hash (vectors trained in ``fit``,
    a model object passed in directly).

    Examples
    --------
    >>> from sklearn_emotion.cache import fingerprint_arrays
    >>> fingerprint_arrays(np.zeros(3)) == fingerprint_arrays(np.zeros(3))
    True
    >>> fingerprint_arrays(np.zeros(3)) == fingerprint_arrays(np.zeros(3, dtype=np.float32))
    False
    """
    digest = hashlib.blake2b(digest_size=20)

    def feed(obj):
        if hasattr(obj, "detach") and hasattr(obj, "cpu"):  # torch tensor
            obj = obj.detach().cpu().numpy()
        if isinstance(obj, np.ndarray):
            digest.update(f"nd{obj.dtype.str}{obj.shape}".encode())
            digest.update(np.ascontiguousarray(obj).view(np.uint8).data)
        elif isinstance(obj, dict):
            digest.update(b"dict")
            for key in sorted(obj, key=str):
                feed(str(key))
                feed(obj[key])
        elif isinstance(obj, (list, tuple)):
            digest.update(f"seq{len(obj)}".encode())
            for item in obj:
                feed(item)
        else:
            digest.update(f"{type(obj).__name__}:{obj!r}".encode())

    for obj in objects:
        feed(obj)
    return digest.hexdigest()
