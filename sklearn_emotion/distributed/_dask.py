"""Prediction over Dask DataFrames, Series and Bags, one partition at a time."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .._optional import import_optional
from ..exceptions import InvalidInputError
from ._model import resolve_model
from ._stream import _predict_chunk
from ._threads import set_torch_threads

__all__ = ["dask_predict"]


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
    set_torch_threads(torch_threads)
    model = resolve_model(model, "dask_predict")
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
        or of a model file written by :func:`sklearn_emotion.io.save`, visible to every
        worker: each worker process loads it once, without unpickling anything (a
        joblib or pickle file is refused). (The client loads it too, to learn the
        classes.)
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

    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise InvalidInputError(f"dask_predict: batch_size must be a positive int; got "
                                f"{batch_size!r}.")
    local = resolve_model(model, "dask_predict")
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
