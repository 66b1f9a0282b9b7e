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

Both prediction functions also take the path of a saved model, which they read through
the safe model format (:mod:`sklearn_emotion.io`): a model folder or a model file, never
a pickle. The package keeps one concept per module: ``_stream`` (chunked prediction in
one process), ``_dask`` (the Dask partition functions), ``_threads`` (torch threads of
the workers) and ``_model`` (models given by path).

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

from ._dask import dask_predict
from ._stream import predict_proba_labels, stream_predict
from ._threads import configure_dask_workers, set_torch_threads

__all__ = [
    "stream_predict",
    "predict_proba_labels",
    "dask_predict",
    "set_torch_threads",
    "configure_dask_workers",
]
