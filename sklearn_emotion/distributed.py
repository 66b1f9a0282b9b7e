"""Prediction over large corpora, and sklearn-emotion on a Dask cluster.

- :func:`stream_predict` runs a fitted model over any iterable of texts or a text file
  (CSV, TSV, JSON lines, TXT, optionally gzip-compressed) in chunks, yielding labels (and
  probabilities) chunk by chunk, so memory stays flat however large the input is.
- :func:`dask_predict` adds labels and probabilities as new columns to a
  ``dask.dataframe`` (or records to a ``dask.bag``) with ``map_partitions``; the model is
  sent to each worker once, or loaded there from a path once per worker process.
- :func:`configure_dask_workers` sets the torch threads of every worker so that the
  workers of one machine share its cores instead of oversubscribing them.

Grid searches need nothing from this module: every sklearn-emotion estimator pickles
(no open files, tokenizers included), so ``GridSearchCV``, ``RandomizedSearchCV`` and
``cross_validate`` run on a cluster through joblib's Dask backend::

    from dask.distributed import Client
    import joblib

    client = Client("scheduler-address:8786")
    with joblib.parallel_backend("dask"):
        search.fit(texts, labels)

Dask and distributed come with ``pip install sklearn-emotion[distributed]``.

Examples
--------
>>> from sklearn.feature_extraction.text import TfidfVectorizer
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn_emotion.distributed import stream_predict
>>> model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(
...     ["so happy", "so sad", "happy day", "sad day"], ["joy", "sadness", "joy", "sadness"])
>>> texts = (t for t in ["happy", "sad", "happy happy"])  # any iterable, even a generator
>>> [labels.tolist() for labels in stream_predict(model, texts, batch_size=2)]
[['joy', 'sadness'], ['joy']]
"""

from __future__ import annotations

import itertools
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ._optional import import_optional
from .exceptions import DataNotFoundError, InvalidInputError

__all__ = [
    "stream_predict",
    "predict_proba_labels",
    "dask_predict",
    "set_torch_threads",
    "configure_dask_workers",
]


# ------------------------------------------------------------------ streaming
def _final_step(model):
    return getattr(model, "_final_estimator", model)


def predict_proba_labels(model, texts) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probabilities from a single ``predict_proba`` pass.

    The labels are what ``model.predict`` returns: the most probable class, or for a
    multi-label sklearn-emotion classifier the 0/1 indicator of probabilities at or
    above its ``threshold``. Calling ``predict`` and ``predict_proba`` separately would
    encode every text twice.

    Parameters
    ----------
    model : fitted classifier or Pipeline with ``predict_proba``
        The model.
    texts : sequence of str
        The texts.

    Returns
    -------
    labels : ndarray of shape (n_texts,) or (n_texts, n_labels)
    proba : ndarray of shape (n_texts, n_classes)
    """
    proba = np.asarray(model.predict_proba(texts))
    final = _final_step(model)
    if getattr(final, "multilabel_", False):
        return (proba >= final.threshold).astype(np.int64), proba
    classes = np.asarray(model.classes_)
    return classes[proba.argmax(axis=1)], proba


def _predict_chunk(model, texts: list, proba: bool, sort_by_length: bool):
    """Labels (and probabilities) of one chunk, predicted in order of text length.

    Models that pad each batch to its longest text (transformers, LSTMs) waste less
    work on padding when a batch holds texts of similar length; the rows are put back in
    the input order.
    """
    order = None
    if sort_by_length and len(texts) > 1:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        texts = [texts[i] for i in order]
    if proba:
        result = predict_proba_labels(model, texts)
    else:
        result = (np.asarray(model.predict(texts)),)
    if order is not None:
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        result = tuple(part[inverse] for part in result)
    return result if proba else result[0]


def _text_chunks(X, batch_size: int, text_column, input_format) -> Iterator[list]:
    if isinstance(X, (str, os.PathLike)):
        from ._data_io import input_format as detect_format
        from ._data_io import iter_text_batches, open_input

        if not Path(X).expanduser().is_file():
            raise DataNotFoundError(
                f"stream_predict got the string {str(X)[:80]!r}, which is read as a file "
                "path, but no such file exists. Pass a CSV, TSV, JSONL or TXT file, or the "
                "texts themselves in a list or another iterable ([text] for one text)."
            )
        fmt = detect_format(os.fspath(X), input_format)
        stream, _, name = open_input(os.fspath(X))
        try:
            for batch in iter_text_batches(
                stream, fmt, text_column=text_column, batch_size=batch_size, name=name
            ):
                yield batch.texts
        finally:
            stream.close()
        return
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # a DataFrame
        if text_column is None:
            if X.shape[1] != 1:
                raise InvalidInputError(
                    f"stream_predict got a DataFrame with columns {list(X.columns)}; pass "
                    "text_column='...' to say which one holds the texts."
                )
            text_column = X.columns[0]
        X = X[text_column]
    try:
        iterator = iter(X)
    except TypeError:
        raise InvalidInputError(
            "stream_predict expects an iterable of texts or a path to a text file; got "
            f"{type(X).__name__}."
        ) from None
    while True:
        chunk = list(itertools.islice(iterator, batch_size))
        if not chunk:
            return
        yield chunk


def stream_predict(
    model,
    X,
    *,
    batch_size: int = 1024,
    proba: bool = False,
    text_column: str | None = None,
    input_format: str | None = None,
    sort_by_length: bool = True,
) -> Iterator[Any]:
    """Predict chunk by chunk over an iterable of texts or a text file, in bounded memory.

    Only ``batch_size`` texts (and their features) are held at a time, so a corpus of
    any size streams through in constant memory.

    Parameters
    ----------
    model : fitted classifier or Pipeline
        Takes raw texts (a Pipeline that starts with a vectorizer, a
        :class:`~sklearn_emotion.TransformerClassifier`, ...).
    X : iterable of str, pandas Series or DataFrame, or path-like
        The texts: any iterable (a generator works), or a path to a CSV, TSV, JSON lines
        or TXT file (one text per line), optionally ``.gz`` compressed. A ``str`` is
        read as a path.
    batch_size : int, default=1024
        Texts per chunk.
    proba : bool, default=False
        Also yield the probabilities (one ``predict_proba`` pass per chunk, see
        :func:`predict_proba_labels`).
    text_column : str, default=None
        The text column of a CSV/TSV/JSONL file or a DataFrame; by default the only
        column, or one named ``text``, ``sentence``, ``comment``...
    input_format : {"csv", "tsv", "jsonl", "txt"}, default=None
        Format of a file, when its suffix does not tell.
    sort_by_length : bool, default=True
        Predict the texts of a chunk in order of length (and return them in input
        order), so that models which pad each batch to its longest text (transformers,
        LSTMs) spend less time on padding. Probabilities can then differ from an
        unsorted ``predict_proba`` in the last float digits.

    Yields
    ------
    labels : ndarray of shape (n_chunk,)
        Or ``(labels, proba)`` with ``proba=True``.

    See Also
    --------
    dask_predict : The same over a Dask collection, in parallel.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_emotion.distributed import stream_predict
    >>> model = make_pipeline(CountVectorizer(), DummyClassifier()).fit(["ab", "cd"], [0, 1])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "texts.txt"
    >>> _ = path.write_text("first text\\nsecond text\\nthird text\\n")
    >>> [len(labels) for labels in stream_predict(model, path, batch_size=2)]
    [2, 1]
    """
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise InvalidInputError(
            f"stream_predict: batch_size must be a positive int; got {batch_size!r}."
        )
    for chunk in _text_chunks(X, int(batch_size), text_column, input_format):
        yield _predict_chunk(model, chunk, proba, sort_by_length)


# ------------------------------------------------------------------ threads
def set_torch_threads(n_threads: int | None = None) -> int:
    """Set this process's torch intra-op threads; return the number in use.

    Parameters
    ----------
    n_threads : int, default=None
        Threads to use; ``None`` leaves torch's setting as it is (in a Dask worker
        started by a nanny that is one thread, from ``OMP_NUM_THREADS=1``; see
        :func:`configure_dask_workers`).

    Examples
    --------
    >>> import torch
    >>> from sklearn_emotion.distributed import set_torch_threads
    >>> set_torch_threads(torch.get_num_threads()) == torch.get_num_threads()
    True
    """
    import torch

    if n_threads is not None and torch.get_num_threads() != n_threads:
        torch.set_num_threads(int(n_threads))
    return torch.get_num_threads()


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _worker_facts(dask_worker=None) -> tuple:
    """(host name, task threads, cores) of a worker; ``client.run`` passes ``dask_worker``."""
    import socket

    nthreads = getattr(getattr(dask_worker, "state", dask_worker), "nthreads", 1)
    return socket.gethostname(), int(nthreads), _available_cores()


def configure_dask_workers(client, torch_threads: int | None = None) -> dict:
    """Give the torch of every worker of ``client`` its share of its machine's cores.

    Dask's nanny starts workers with ``OMP_NUM_THREADS=1``, so torch uses one thread per
    worker process, which leaves cores idle when a machine runs fewer task threads than
    it has cores. This sets each worker's torch threads to ``cores of its machine //
    task threads of all workers on that machine`` (at least 1), or to ``torch_threads``.
    Run it again after adding workers.

    Parameters
    ----------
    client : distributed.Client
        A connected client.
    torch_threads : int, default=None
        Threads per worker; ``None`` computes the share described above.

    Returns
    -------
    dict
        ``{worker address: torch threads}``.
    """
    facts = client.run(_worker_facts)
    per_host: dict = {}
    for host, nthreads, _ in facts.values():
        per_host[host] = per_host.get(host, 0) + nthreads
    result = {}
    for address, (host, _, cores) in facts.items():
        n = torch_threads or max(1, cores // max(1, per_host[host]))
        result.update(client.run(set_torch_threads, n, workers=[address]))
    return result


# ------------------------------------------------------------------ dask
@lru_cache(maxsize=4)
def _load_model(path: str, mtime_ns: int):
    """A model file or folder, loaded once per worker process (until it changes)."""
    from .model_dir import load_model_dir

    return load_model_dir(path)[0]


def _model_from(model):
    if isinstance(model, (str, os.PathLike)):
        path = Path(model).expanduser().resolve()
        if not path.exists():
            raise DataNotFoundError(
                f"dask_predict: the model {str(model)!r} does not exist; pass a fitted "
                "model, a model folder of `sklearn-emotion train` or a .joblib file."
            )
        return _load_model(str(path), path.stat().st_mtime_ns)
    return model


def _ship(model, dask):
    """A path as it is; a model scattered to every worker of a running client, or else
    wrapped in ``dask.delayed`` (sent once per worker by the scheduler)."""
    if isinstance(model, (str, os.PathLike)):
        return model
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):  # no distributed client: local schedulers
        return dask.delayed(model, pure=True)
    return client.scatter(model, broadcast=True)


def _column_names(classes, label_column: str, proba_prefix: str | None) -> list:
    names = [label_column]
    if proba_prefix is not None:
        names += [f"{proba_prefix}{c}" for c in classes]
    return names


def _predict_frame(frame, model, text_column, label_column, proba_prefix, batch_size,
                   torch_threads):
    """The partition function: the partition with label and probability columns added."""
    import pandas as pd

    set_torch_threads(torch_threads)
    model = _model_from(model)
    classes = np.asarray(model.classes_)
    texts = frame[text_column] if text_column is not None else frame
    texts = texts.tolist()
    labels, probas = [], []
    for start in range(0, len(texts), batch_size):
        chunk = texts[start:start + batch_size]
        if proba_prefix is None:
            labels.append(_predict_chunk(model, chunk, False, True))
        else:
            lab, p = _predict_chunk(model, chunk, True, True)
            labels.append(lab)
            probas.append(p)
    n = len(texts)
    columns = {}
    label_values = np.concatenate(labels) if labels else np.empty(0, dtype=object)
    if label_values.ndim == 2:  # multi-label: the tuple of predicted classes per row
        label_values = [tuple(classes[row.astype(bool)].tolist()) for row in label_values]
    else:
        label_values = label_values.tolist()  # numpy scalars to Python values
    columns[label_column] = pd.Series(label_values, index=frame.index, dtype=object)
    if proba_prefix is not None:
        matrix = np.concatenate(probas) if probas else np.empty((n, len(classes)))
        for j, c in enumerate(classes):
            columns[f"{proba_prefix}{c}"] = pd.Series(
                matrix[:, j].astype(np.float64), index=frame.index
            )
    if text_column is None:  # a Series: keep the texts as a column
        frame = frame.to_frame()
    return frame.assign(**columns)


def _predict_records(texts, model, label_column, proba_prefix, batch_size, torch_threads):
    import pandas as pd

    texts = list(texts)
    if not texts:
        return []
    frame = _predict_frame(pd.Series(texts, name="text", dtype=object), model, None,
                           label_column, proba_prefix, batch_size, torch_threads)
    return frame.to_dict(orient="records")


def dask_predict(
    model,
    data,
    *,
    text_column: str = "text",
    label_column: str = "label",
    proba_prefix: str | None = "proba_",
    batch_size: int = 1024,
    torch_threads: int | None = None,
):
    """Predict over a Dask DataFrame, Series or Bag, one partition at a time, in parallel.

    Parameters
    ----------
    model : fitted classifier or Pipeline, or path-like
        A fitted model taking raw texts: it is sent to each worker once and reused for
        every partition there. Or the path of a model folder written by
        ``sklearn-emotion train`` / :func:`~sklearn_emotion.model_dir.save_model_dir`,
        or of a ``.joblib`` file, visible to every worker: each worker process loads it
        once. (The client loads it too, to learn the classes.)
    data : dask.dataframe.DataFrame, dask.dataframe.Series or dask.bag.Bag
        The texts: a DataFrame with a ``text_column``, a Series of texts, or a Bag of
        texts.
    text_column : str, default="text"
        The DataFrame column holding the texts.
    label_column : str, default="label"
        Name of the new label column (or record key).
    proba_prefix : str or None, default="proba_"
        Probability columns are named ``proba_prefix + class``; ``None``: labels only
        (``predict``, no probabilities).
    batch_size : int, default=1024
        Texts per ``predict`` call inside a partition.
    torch_threads : int, default=None
        Torch threads in each task; see :func:`set_torch_threads`.

    Returns
    -------
    dask.dataframe.DataFrame or dask.bag.Bag
        Lazy: the input columns plus the label column and one probability column per
        class (a Series gives a DataFrame whose first column holds the texts); for a
        Bag, one dict per text with the keys ``"text"``, the label and the
        probabilities.

    See Also
    --------
    stream_predict : The same in one process, over any iterable or a file.

    Examples
    --------
    >>> import pandas as pd
    >>> import dask.dataframe as dd
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_emotion.distributed import dask_predict
    >>> model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(
    ...     ["so happy", "so sad", "happy day", "sad day"], ["joy", "sad", "joy", "sad"])
    >>> df = dd.from_pandas(pd.DataFrame({"text": ["happy", "sad", "very sad"]}),
    ...                     npartitions=2)
    >>> out = dask_predict(model, df).compute(scheduler="sync")
    >>> list(out.columns), out["label"].tolist()
    (['text', 'label', 'proba_joy', 'proba_sad'], ['joy', 'sad', 'sad'])
    """
    import_optional("dask", extra="distributed", feature="dask_predict")
    import dask
    import pandas as pd

    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise InvalidInputError(f"dask_predict: batch_size must be a positive int; got "
                                f"{batch_size!r}.")
    local = _model_from(model)
    if not hasattr(local, "classes_"):
        raise InvalidInputError(
            f"dask_predict needs a fitted classifier; {type(local).__name__} has no classes_. "
            "Fit it first."
        )
    classes = np.asarray(local.classes_)
    shipped = _ship(model, dask)
    args = (shipped, label_column, proba_prefix, int(batch_size), torch_threads)

    if hasattr(data, "map_partitions") and hasattr(data, "_meta"):  # dask.dataframe
        meta = data._meta
        if getattr(meta, "ndim", 1) == 2:
            if text_column not in meta.columns:
                raise InvalidInputError(
                    f"dask_predict: the DataFrame has no column {text_column!r} "
                    f"(text_column); its columns: {list(meta.columns)}."
                )
            column = text_column
        else:
            column = None
            meta = meta.to_frame()
        clashes = set(_column_names(classes, label_column, proba_prefix)) & set(meta.columns)
        if clashes:
            raise InvalidInputError(
                f"dask_predict would overwrite the columns {sorted(clashes)}; choose another "
                "label_column or proba_prefix."
            )
        new = {label_column: pd.Series(dtype=object)}
        if proba_prefix is not None:
            new.update({f"{proba_prefix}{c}": pd.Series(dtype=np.float64) for c in classes})
        meta = meta.iloc[:0].assign(**new)
        return data.map_partitions(
            _predict_frame, args[0], column, *args[1:], meta=meta, align_dataframes=False
        )
    if hasattr(data, "map_partitions"):  # dask.bag
        return data.map_partitions(_predict_records, *args)
    raise InvalidInputError(
        "dask_predict expects a dask.dataframe.DataFrame, a dask.dataframe.Series or a "
        f"dask.bag.Bag; got {type(data).__name__}. Use stream_predict for in-memory data."
    )
