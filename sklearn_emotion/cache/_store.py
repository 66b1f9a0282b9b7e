"""The SQLite store behind :class:`EmbeddingCache`: entries, counters, LRU eviction."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Callable

from ..exceptions import InvalidInputError
from ._rows import _join_rows, _layout_of, _split_rows

__all__ = ["EmbeddingCache", "default_cache_dir"]

DEFAULT_MAX_BYTES = 2 * 1024**3
_FORMAT = 1  # bump when the stored layout changes
_DB_NAME = "embeddings.sqlite3"
_CHUNK = 500  # keys per SELECT (SQLite allows 999 host parameters in old builds)
_EVICT_TO = 0.9  # after eviction the cache holds at most this fraction of max_bytes
_LOCK = threading.Lock()

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key BLOB PRIMARY KEY,
    namespace TEXT NOT NULL,
    value BLOB NOT NULL,
    size INTEGER NOT NULL,
    accessed REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_accessed ON entries (accessed);
CREATE TABLE IF NOT EXISTS layouts (
    namespace TEXT PRIMARY KEY,
    layout TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('hits', 0), ('misses', 0), ('bytes', 0)
"""


def default_cache_dir() -> Path:
    """Where ``cache=True`` keeps embeddings.

    ``$SKLEARN_EMOTION_CACHE`` if set, else ``$XDG_CACHE_HOME/sklearn-emotion``, else
    ``~/.cache/sklearn-emotion``.

    Examples
    --------
    >>> from sklearn_emotion.cache import default_cache_dir
    >>> default_cache_dir().name in ("sklearn-emotion", os.environ.get("SKLEARN_EMOTION_CACHE"))
    True
    """
    if os.environ.get("SKLEARN_EMOTION_CACHE"):
        return Path(os.environ["SKLEARN_EMOTION_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "sklearn-emotion"


class EmbeddingCache:
    """Embeddings on disk, one entry per (model, setting, text), safe for many processes.

    Parameters
    ----------
    directory : str or path-like, default=None
        The folder of the cache (created when first used); ``None`` means
        :func:`default_cache_dir`. ``~`` is expanded.
    max_bytes : int, default=2 GiB
        Bound on the stored embeddings; beyond it the least recently used entries are
        evicted (down to 90% of the bound).
    timeout : float, default=60.0
        Seconds a process waits for another one's write to finish before giving up.

    See Also
    --------
    sklearn_emotion.SentenceVectorizer : Takes ``cache=EmbeddingCache(...)`` or a path.

    Notes
    -----
    Hits and misses count distinct texts per call and are kept in the database, so they
    add up over every process that uses the folder (see :meth:`stats`). An instance
    holds no open connection when pickled or copied, so estimators that carry it pickle,
    clone and travel to Dask workers; each process opens its own connection.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_emotion.cache import EmbeddingCache
    >>> cache = EmbeddingCache(tempfile.mkdtemp())
    >>> cache.stats()
    {'hits': 0, 'misses': 0, 'entries': 0, 'bytes': 0}
    """

    def __init__(self, directory=None, max_bytes=DEFAULT_MAX_BYTES, timeout=60.0):
        self.directory = directory
        self.max_bytes = max_bytes
        self.timeout = timeout

    # ------------------------------------------------------------ plumbing
    @property
    def path(self) -> Path:
        """The SQLite database file."""
        base = default_cache_dir() if self.directory is None else self.directory
        return Path(base).expanduser() / _DB_NAME

    def _check(self) -> None:
        problems = []
        if not isinstance(self.directory, (str, os.PathLike, type(None))):
            problems.append(f"directory must be a path or None, got {self.directory!r}")
        if not isinstance(self.max_bytes, Integral) or self.max_bytes < 1:
            problems.append(f"max_bytes must be a positive int, got {self.max_bytes!r}")
        if not isinstance(self.timeout, Real) or self.timeout <= 0:
            problems.append(f"timeout must be a positive number, got {self.timeout!r}")
        if problems:
            raise InvalidInputError("EmbeddingCache: " + "; ".join(problems) + ".")

    def _connection(self) -> sqlite3.Connection:
        """This process's (and thread's) connection, opened and set up on first use."""
        with _LOCK:
            if self.__dict__.get("_pid") != os.getpid():  # new, unpickled or forked
                self.__dict__["_local"] = threading.local()
                self.__dict__["_pid"] = os.getpid()
            local = self.__dict__["_local"]
        conn = getattr(local, "conn", None)
        if conn is None:
            self._check()
            path = self.path
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=float(self.timeout), isolation_level=None)
            conn.execute("PRAGMA busy_timeout = %d" % int(self.timeout * 1000))
            # WAL: readers never wait for a writer; setting it needs a lock, so retry
            self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            conn.execute("PRAGMA synchronous = NORMAL")
            self._write(conn, lambda: [conn.execute(sql) for sql in _SCHEMA.split(";")])
            local.conn = conn
        return conn

    def _write(self, conn, action):
        """Run ``action`` in one write transaction (others wait), retrying while locked."""

        def attempt():
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = action()
                conn.execute("COMMIT")
                return result
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        return self._retry(attempt)

    def _retry(self, action):
        deadline = time.monotonic() + float(self.timeout)
        while True:
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_local", None)  # connections belong to one process
        state.pop("_pid", None)
        return state

    def __repr__(self) -> str:
        return (
            f"EmbeddingCache(directory={self.directory!r}, max_bytes={self.max_bytes!r}, "
            f"timeout={self.timeout!r})"
        )

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def __hash__(self) -> int:
        return hash((type(self), str(self.directory), self.max_bytes, self.timeout))

    @staticmethod
    def _key(namespace: str, text: str) -> bytes:
        return hashlib.sha256(
            namespace.encode() + b"\0" + text.encode("utf-8", "surrogatepass")
        ).digest()

    # ------------------------------------------------------------ public API
    def get_or_compute(
        self,
        namespace: str,
        texts: list[str],
        compute: Callable[[list[str]], Any],
        description: str = "",
    ):
        """The embeddings of ``texts``: stored rows where there are, computed otherwise.

        Parameters
        ----------
        namespace : str
            Identifies the model and its setting (vectorizers build it).
        texts : list of str
            The texts, in the order of the returned rows; duplicates are computed once.
        compute : callable
            ``compute(list_of_texts)`` returns an array with one row per text, or a dict
            of such arrays; called once with the texts that are not stored, if any.
        description : str, default=""
            Human-readable name of the namespace, kept in the database.

        Returns
        -------
        ndarray or dict of ndarray
            Rows in the order of ``texts``, bit-identical to the stored ones.
        """
        if not len(texts):
            return compute(list(texts))
        conn = self._connection()
        keys = [self._key(namespace, t) for t in texts]
        unique = dict(zip(keys, texts))  # first text per key, in order
        found = {}
        key_list = list(unique)
        for start in range(0, len(key_list), _CHUNK):
            chunk = key_list[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(conn.execute(
                f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
            ).fetchall())
        layout = None
        row = conn.execute(
            "SELECT layout FROM layouts WHERE namespace = ?", (namespace,)
        ).fetchone()
        if row is not None:
            layout = json.loads(row[0])
        missing = [k for k in key_list if k not in found]
        if layout is None and not missing:  # entries of a namespace without layout
            missing, found = key_list, {}
        computed = {}
        if missing:
            output = compute([unique[k] for k in missing])
            new_layout = _layout_of(output)
            if layout is not None and new_layout != layout:
                raise InvalidInputError(
                    f"EmbeddingCache: namespace {namespace!r} ({description}) stored rows "
                    f"with layout {layout}, but the vectorizer now computes {new_layout}. "
                    "Clear the cache (EmbeddingCache(...).clear())."
                )
            layout = new_layout
            computed = dict(zip(missing, _split_rows(output, layout, len(missing))))
        self._record(namespace, layout, description, computed, hits=list(found))
        values = {**found, **computed}
        return _join_rows([values[k] for k in keys], layout)

    def _record(self, namespace, layout, description, computed, hits) -> None:
        """One write transaction: new rows, access times, counters, eviction."""
        conn = self._connection()
        now = time.time()

        def write():
            added = 0
            if computed:
                conn.execute(
                    "INSERT OR IGNORE INTO layouts VALUES (?, ?, ?)",
                    (namespace, json.dumps(layout), description),
                )
                for key, value in computed.items():
                    cursor = conn.execute(
                        "INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?, ?)",
                        (key, namespace, value, len(value), now),
                    )
                    added += len(value) if cursor.rowcount == 1 else 0
            for start in range(0, len(hits), _CHUNK):
                chunk = hits[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    f"UPDATE entries SET accessed = ? WHERE key IN ({marks})", [now, *chunk]
                )
            conn.executemany(
                "UPDATE counters SET value = value + ? WHERE name = ?",
                [(len(hits), "hits"), (len(computed), "misses"), (added, "bytes")],
            )
            self._evict(conn)

        self._write(conn, write)

    def _evict(self, conn) -> None:
        total = conn.execute("SELECT value FROM counters WHERE name = 'bytes'").fetchone()[0]
        if total <= self.max_bytes:
            return
        target = int(self.max_bytes * _EVICT_TO)
        while total > target:
            rows = conn.execute(
                "SELECT key, size FROM entries ORDER BY accessed LIMIT 1000"
            ).fetchall()
            if not rows:
                break
            freed = 0
            for key, size in rows:
                conn.execute("DELETE FROM entries WHERE key = ?", (key,))
                freed += size
                total -= size
                if total <= target:
                    break
            conn.execute(
                "UPDATE counters SET value = value - ? WHERE name = 'bytes'", (freed,)
            )

    def stats(self) -> dict:
        """Counts over every process using this folder.

        Returns
        -------
        dict
            ``hits`` (texts served from the cache), ``misses`` (texts computed and
            stored), ``entries`` (stored texts) and ``bytes`` (their size).
        """
        conn = self._connection()
        counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
        entries = conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        return {
            "hits": int(counters["hits"]),
            "misses": int(counters["misses"]),
            "entries": int(entries),
            "bytes": int(counters["bytes"]),
        }

    def reset_stats(self) -> None:
        """Set the hit and miss counters to zero (entries stay)."""
        conn = self._connection()
        self._write(conn, lambda: conn.execute(
            "UPDATE counters SET value = 0 WHERE name IN ('hits', 'misses')"
        ))

    def namespaces(self) -> dict:
        """``{namespace: (description, number of entries)}`` of what is stored."""
        conn = self._connection()
        descriptions = dict(conn.execute("SELECT namespace, description FROM layouts"))
        counts = dict(conn.execute("SELECT namespace, COUNT(*) FROM entries GROUP BY namespace"))
        return {ns: (descriptions.get(ns, ""), int(n)) for ns, n in counts.items()}

    def clear(self) -> None:
        """Delete every entry and reset the counters; the folder stays usable."""
        conn = self._connection()

        def wipe():
            conn.execute("DELETE FROM entries")
            conn.execute("DELETE FROM layouts")
            conn.execute("UPDATE counters SET value = 0")

        self._write(conn, wipe)
        self._retry(lambda: conn.execute("VACUUM"))  # give the disk space back

    def close(self) -> None:
        """Close this thread's connection (a later call opens a new one)."""
        if self.__dict__.get("_pid") != os.getpid():
            return  # this process never opened one
        local = self.__dict__["_local"]
        conn = getattr(local, "conn", None)
        if conn is not None:
            conn.close()
            local.conn = None
