"""Prediction over any iterable of texts or a text file, chunk by chunk, in one process."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from .._data_io import input_format as detect_format
from .._data_io import iter_text_batches, open_input
from ..exceptions import DataNotFoundError, InvalidInputError
from ._model import resolve_model

__all__ = ["stream_predict", "predict_proba_labels"]


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
    model : fitted classifier or Pipeline, or path-like
        Takes raw texts (a Pipeline that starts with a vectorizer, a
        :class:`~sklearn_emotion.TransformerClassifier`, ...). Or the path of a model
        folder written by ``sklearn-emotion train`` /
        :func:`~sklearn_emotion.model_dir.save_model_dir`, or of a model file written
        by :func:`sklearn_emotion.io.save`: it is loaded without unpickling anything
        (a joblib or pickle file is refused).
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
    model = resolve_model(model, "stream_predict")
    for chunk in _text_chunks(X, int(batch_size), text_column, input_format):
        yield _predict_chunk(model, chunk, proba, sort_by_length)
