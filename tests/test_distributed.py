"""Streaming prediction, dask_predict, and grid search on a Dask LocalCluster."""

from __future__ import annotations

import gzip
import logging
import os
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_emotion import io
from sklearn_emotion.cache import EmbeddingCache
from sklearn_emotion.distributed import (
    configure_dask_workers,
    dask_predict,
    predict_proba_labels,
    stream_predict,
)
from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier
from sklearn_emotion.exceptions import DataNotFoundError, InvalidInputError, ModelFileError
from sklearn_emotion.model_dir import save_model_dir
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

from conftest import requires_glove, requires_minilm

pytestmark = pytest.mark.usefixtures("one_torch_thread")

dd = pytest.importorskip("dask.dataframe")
db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def tiny(goemotions_slice):
    """8 real GoEmotions comments per Ekman class (56), and the test slice."""
    X_train, y_train, X_test, _ = goemotions_slice
    keep = np.concatenate([np.flatnonzero(y_train == c)[:8] for c in np.unique(y_train)])
    keep.sort()
    return [X_train[i] for i in keep], y_train[keep], X_test


@pytest.fixture(scope="module")
def tfidf_model(goemotions_slice):
    X_train, y_train, _, _ = goemotions_slice
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=500)).fit(
        X_train, y_train)


# ---------------------------------------------------------------- stream_predict
def test_stream_predict_matches_predict_on_any_iterable(tfidf_model, goemotions_slice):
    X_test = goemotions_slice[2]
    expected = tfidf_model.predict(X_test)
    expected_proba = tfidf_model.predict_proba(X_test)
    for source in (X_test, (t for t in X_test), pd.Series(X_test),
                   pd.DataFrame({"id": range(len(X_test)), "text": X_test})):
        kwargs = {"text_column": "text"} if isinstance(source, pd.DataFrame) else {}
        chunks = list(stream_predict(tfidf_model, source, batch_size=16, **kwargs))
        assert [len(c) for c in chunks] == [16] * (len(X_test) // 16) + (
            [len(X_test) % 16] if len(X_test) % 16 else [])
        np.testing.assert_array_equal(np.concatenate(chunks), expected)
    for sort_by_length in (True, False):  # rows come back in input order either way
        pairs = list(stream_predict(tfidf_model, iter(X_test), batch_size=25, proba=True,
                                    sort_by_length=sort_by_length))
        np.testing.assert_array_equal(np.concatenate([p[0] for p in pairs]), expected)
        np.testing.assert_allclose(np.concatenate([p[1] for p in pairs]), expected_proba)


def test_stream_predict_reads_files(tfidf_model, goemotions_slice, tmp_path):
    X_test = goemotions_slice[2]
    expected = tfidf_model.predict(X_test)
    csv_path = tmp_path / "texts.csv"
    pd.DataFrame({"id": range(len(X_test)), "comment": X_test}).to_csv(csv_path, index=False)
    txt_path = tmp_path / "texts.txt.gz"
    with gzip.open(txt_path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(t.replace("\n", " ") for t in X_test) + "\n")
    for path in (csv_path, str(txt_path)):
        labels = np.concatenate(list(stream_predict(tfidf_model, path, batch_size=32)))
        np.testing.assert_array_equal(labels, expected)
    # a saved model is read through the safe format, from a file or a model folder
    model_paths = (io.save(tfidf_model, tmp_path / "model.zip"),
                   save_model_dir(tmp_path / "model", tfidf_model, {}))
    for model_path in model_paths:
        labels = np.concatenate(list(stream_predict(model_path, csv_path, batch_size=32)))
        np.testing.assert_array_equal(labels, expected)


def test_stream_predict_errors(tfidf_model):
    with pytest.raises(DataNotFoundError, match="read as a file path"):
        next(stream_predict(tfidf_model, "I am so happy today"))
    with pytest.raises(InvalidInputError, match="batch_size must be a positive int"):
        next(stream_predict(tfidf_model, ["a"], batch_size=0))
    with pytest.raises(InvalidInputError, match="text_column"):
        next(stream_predict(tfidf_model, pd.DataFrame({"a": ["x"], "b": ["y"]})))
    with pytest.raises(InvalidInputError, match="iterable of texts"):
        next(stream_predict(tfidf_model, 42))


# ---------------------------------------------------------------- dask_predict (sync)
def test_dask_predict_dataframe_series_bag(tfidf_model, goemotions_slice, tmp_path):
    X_test = goemotions_slice[2]
    expected = tfidf_model.predict(X_test)
    proba = tfidf_model.predict_proba(X_test)
    frame = pd.DataFrame({"id": np.arange(len(X_test)), "text": X_test})
    ddf = dd.from_pandas(frame, npartitions=3)
    out = dask_predict(tfidf_model, ddf, batch_size=7).compute(scheduler="sync")
    classes = list(tfidf_model.classes_)
    assert list(out.columns) == ["id", "text", "label"] + [f"proba_{c}" for c in classes]
    np.testing.assert_array_equal(out["id"], frame["id"])
    np.testing.assert_array_equal(out["label"].to_numpy(), expected)  # row by row
    np.testing.assert_allclose(out[[f"proba_{c}" for c in classes]].to_numpy(), proba)

    series = dd.from_pandas(pd.Series(X_test, name="comment"), npartitions=2)
    model_paths = (io.save(tfidf_model, tmp_path / "model.zip"),
                   save_model_dir(tmp_path / "model", tfidf_model, {}))
    for model_path in model_paths:
        out = dask_predict(model_path, series, proba_prefix=None,
                           label_column="emotion").compute(scheduler="sync")
        assert list(out.columns) == ["comment", "emotion"]
        np.testing.assert_array_equal(out["emotion"].to_numpy(), expected)

    bag = db.from_sequence(X_test, npartitions=4)
    records = dask_predict(tfidf_model, bag).compute(scheduler="sync")
    assert [r["label"] for r in records] == list(expected)
    assert [r["text"] for r in records] == list(X_test)
    np.testing.assert_allclose([r[f"proba_{classes[0]}"] for r in records], proba[:, 0])


def test_dask_predict_errors(tfidf_model, tmp_path):
    ddf = dd.from_pandas(pd.DataFrame({"body": ["a", "b"]}), npartitions=1)
    with pytest.raises(InvalidInputError, match="no column 'text'"):
        dask_predict(tfidf_model, ddf)
    clash = dd.from_pandas(pd.DataFrame({"text": ["a"], "label": ["x"]}), npartitions=1)
    with pytest.raises(InvalidInputError, match="overwrite the columns"):
        dask_predict(tfidf_model, clash)
    with pytest.raises(InvalidInputError, match="needs a fitted classifier"):
        dask_predict(TfidfVectorizer(), ddf, text_column="body")
    with pytest.raises(DataNotFoundError, match="does not exist"):
        dask_predict(tmp_path / "missing.zip", ddf, text_column="body")
    with pytest.raises(InvalidInputError, match="expects a dask"):
        dask_predict(tfidf_model, ["a", "b"])


# ---------------------------------------------------------------- crafted model files
class _Payload:
    """Unpickling it creates the folder ``marker``: stands for any code a file can run."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def test_crafted_pickles_are_refused_and_never_run(tfidf_model, tmp_path):
    marker = tmp_path / "payload-ran"
    crafted_file = tmp_path / "model.joblib"
    joblib.dump(_Payload(marker), crafted_file)
    crafted_dir = save_model_dir(tmp_path / "folder", tfidf_model, {})
    for name in [*os.listdir(crafted_dir), "model.joblib"]:  # its model file(s), and the
        if name.startswith("model"):  # legacy joblib one, swapped for the payload
            joblib.dump(_Payload(marker), crafted_dir / name)
    ddf = dd.from_pandas(pd.DataFrame({"text": ["happy", "sad"]}), npartitions=1)
    for path in (crafted_file, str(crafted_file), crafted_dir):
        with pytest.raises(ModelFileError):
            next(stream_predict(path, ["happy", "sad"]))
        with pytest.raises(ModelFileError):
            dask_predict(path, ddf).compute(scheduler="sync")
        assert not marker.exists()
    joblib.load(crafted_file)  # the payload is real: unpickling runs it
    assert marker.is_dir()


# ---------------------------------------------------------------- pickling for dask
@pytest.mark.slow
@requires_glove
@requires_minilm
def test_fitted_vectorizers_and_estimators_pickle(tiny):
    X, y, X_test = tiny
    models = [
        make_pipeline(WordVectorizer(pooling="sequence", max_length=24),
                      LSTMClassifier(module__hidden_size=8, max_epochs=1, random_state=0,
                                     verbose=0)),
        make_pipeline(SentenceVectorizer(progress_bar=False),
                      FeedForwardClassifier(max_epochs=2, random_state=0, verbose=0,
                                            early_stopping=False)),
        make_pipeline(BertVectorizer(progress_bar=False),
                      LogisticRegression(max_iter=300)),
    ]
    for model in models:
        model.fit(X, y)
        restored = pickle.loads(pickle.dumps(model))  # no open handles, tokenizers pickle
        np.testing.assert_array_equal(restored.predict(X_test[:20]), model.predict(X_test[:20]))


# ---------------------------------------------------------------- LocalCluster
@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _search_on(client_or_none, estimator, grid, X, y):
    search = GridSearchCV(estimator, grid, cv=2, error_score="raise")
    if client_or_none is None:
        return search.fit(X, y), 0
    with distributed.get_task_stream(client_or_none) as tasks:
        with joblib.parallel_backend("dask"):
            search.fit(X, y)
    return search, len(tasks.data)


def _assert_same_search(local, remote):
    for key in ("split0_test_score", "split1_test_score", "mean_test_score", "rank_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_


@pytest.mark.slow
@requires_glove
def test_grid_search_glove_lstm_on_cluster_equals_local(client, tiny):
    X, y, X_test = tiny
    pipe = make_pipeline(
        WordVectorizer(pooling="sequence", max_length=24),
        LSTMClassifier(max_epochs=3, lr=1e-2, random_state=0, verbose=0),
    )
    grid = {"lstmclassifier__module__hidden_size": [8, 16]}
    local, _ = _search_on(None, pipe, grid, X, y)
    remote, n_tasks = _search_on(client, pipe, grid, X, y)
    assert n_tasks >= 4  # the 2 x 2 fits ran on the workers
    _assert_same_search(local, remote)
    np.testing.assert_array_equal(remote.predict(X_test), local.predict(X_test))


@pytest.mark.slow
@requires_minilm
def test_grid_search_minilm_feedforward_on_cluster_equals_local(client, tiny, tmp_path):
    X, y, _ = tiny
    head = FeedForwardClassifier(max_epochs=5, random_state=0, verbose=0, early_stopping=False)
    grid = {"feedforwardclassifier__module__hidden_dims": [(16,), (32,)]}
    local, _ = _search_on(None, make_pipeline(SentenceVectorizer(progress_bar=False), head),
                          grid, X, y)
    # on the cluster with a cache that both worker processes share: same results, and
    # every text stored once
    cached = make_pipeline(SentenceVectorizer(progress_bar=False, cache=tmp_path), head)
    remote, n_tasks = _search_on(client, cached, grid, X, y)
    assert n_tasks >= 4
    _assert_same_search(local, remote)
    stats = EmbeddingCache(tmp_path).stats()
    assert stats["entries"] == len(set(X))
    # 4 fits x 56 texts + the local refit's 56: at most both workers computed fold 1
    assert stats["hits"] + stats["misses"] == 5 * len(X) and stats["hits"] >= 3 * len(X)


@pytest.mark.slow
@requires_glove
def test_dask_dataframe_prediction_on_cluster_matches_local(client, tiny, goemotions_slice,
                                                            tmp_path):
    X, y, _ = tiny
    X_test = goemotions_slice[2]
    model = make_pipeline(
        WordVectorizer(pooling="sequence", max_length=24),
        LSTMClassifier(module__hidden_size=16, max_epochs=3, random_state=0, verbose=0),
    ).fit(X, y)
    expected, proba = predict_proba_labels(model, X_test)
    np.testing.assert_array_equal(expected, model.predict(X_test))
    ddf = dd.from_pandas(pd.DataFrame({"text": X_test}), npartitions=4)
    out = dask_predict(model, ddf).compute()
    np.testing.assert_array_equal(out["label"].to_numpy(), expected)
    np.testing.assert_allclose(
        out[[f"proba_{c}" for c in model.classes_]].to_numpy(), proba, rtol=1e-6)
    folder = save_model_dir(tmp_path / "model", model, {})  # loaded once per worker process
    out = dask_predict(folder, ddf, proba_prefix=None).compute()
    np.testing.assert_array_equal(out["label"].to_numpy(), expected)


@pytest.mark.slow
def test_configure_dask_workers_shares_cores(client):
    threads = configure_dask_workers(client)
    assert len(threads) == 2
    cores = min(client.run(lambda: __import__("os").cpu_count()).values())
    assert all(n == max(1, cores // 2) for n in threads.values())
    assert set(configure_dask_workers(client, torch_threads=1).values()) == {1}
