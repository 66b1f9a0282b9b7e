"""The on-disk embedding cache: identical arrays, hit counts, bounds, processes, vectorizers."""

from __future__ import annotations

import copy
import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_emotion.cache import EmbeddingCache, fingerprint_path, resolve_cache
from sklearn_emotion.estimators import FeedForwardClassifier
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

from conftest import requires_glove, requires_minilm

pytestmark = pytest.mark.usefixtures("one_torch_thread")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def texts(goemotions_slice):
    """Distinct real GoEmotions comments (duplicates would make the counts ambiguous)."""
    X_train, y_train, _, _ = goemotions_slice
    seen, keep = set(), []
    for i, text in enumerate(X_train):
        if text not in seen:
            seen.add(text)
            keep.append(i)
    return [X_train[i] for i in keep], np.asarray(y_train)[keep]


@pytest.fixture(scope="module")
def glove_means(texts):
    """Real GloVe mean vectors of the texts, computed without any cache."""
    X, _ = texts
    return WordVectorizer().fit(X).transform(X)


# ---------------------------------------------------------------- EmbeddingCache
@requires_glove
def test_stores_identical_rows_and_counts_hits(tmp_path, texts, glove_means):
    X, _ = texts
    cache = EmbeddingCache(tmp_path)
    calls = []

    def encode(batch):
        calls.append(list(batch))
        return glove_means[[X.index(t) for t in batch]]

    first = cache.get_or_compute("glove", X[:50], encode)
    assert cache.stats() == {"hits": 0, "misses": 50, "entries": 50,
                             "bytes": glove_means[:50].nbytes}
    # overlapping call: only the new texts are encoded; rows come back in request order
    request = X[40:80] + X[:5]
    second = cache.get_or_compute("glove", request, encode)
    assert calls[1] == X[50:80]
    np.testing.assert_array_equal(second, glove_means[[X.index(t) for t in request]])
    np.testing.assert_array_equal(first, glove_means[:50])
    assert second.dtype == np.float32 and second.flags.writeable
    assert cache.stats()["hits"] == 15 and cache.stats()["misses"] == 80
    # another namespace is another entry for the same text
    cache.get_or_compute("other", X[:3], encode)
    assert cache.stats()["entries"] == 83
    assert {n for _, n in cache.namespaces().values()} == {80, 3}


@requires_glove
def test_dict_rows_round_trip(tmp_path, texts):
    X, _ = texts
    vec = WordVectorizer(pooling="sequence", max_length=12).fit(X)
    expected = vec.transform(X[:20])
    cache = EmbeddingCache(tmp_path)
    cache.get_or_compute("seq", X[:20], vec.transform)
    got = cache.get_or_compute("seq", X[:20], lambda t: pytest.fail("should be cached"))
    assert set(got) == {"embeddings", "lengths"}
    for key in got:
        np.testing.assert_array_equal(got[key], expected[key])
        assert got[key].dtype == expected[key].dtype


@requires_glove
def test_size_bound_evicts_least_recently_used(tmp_path, texts, glove_means):
    X, _ = texts
    row = glove_means[0].nbytes  # 200 bytes per text
    cache = EmbeddingCache(tmp_path, max_bytes=30 * row)
    encode = lambda batch: glove_means[[X.index(t) for t in batch]]  # noqa: E731
    cache.get_or_compute("glove", X[:20], encode)
    cache.get_or_compute("glove", X[:10], encode)  # touch the first ten
    cache.get_or_compute("glove", X[20:35], encode)  # 35 rows > 30: evict to 27
    stats = cache.stats()
    assert stats["bytes"] <= 30 * row * 0.9 and stats["entries"] == stats["bytes"] // row
    # the recently used rows survived, the oldest untouched ones went
    before = cache.stats()["misses"]
    cache.get_or_compute("glove", X[:10] + X[20:35], encode)
    assert cache.stats()["misses"] == before
    cache.get_or_compute("glove", X[10:20], encode)
    assert cache.stats()["misses"] > before


def test_clear_reset_and_validation(tmp_path):
    cache = EmbeddingCache(tmp_path)
    out = cache.get_or_compute("n", ["a", "b", "a"], lambda t: np.ones((len(t), 2)))
    assert out.shape == (3, 2) and cache.stats()["misses"] == 2  # duplicates encoded once
    cache.reset_stats()
    assert cache.stats() == {"hits": 0, "misses": 0, "entries": 2, "bytes": 32}
    cache.clear()
    assert cache.stats() == {"hits": 0, "misses": 0, "entries": 0, "bytes": 0}
    with pytest.raises(InvalidInputError, match="max_bytes must be a positive int"):
        EmbeddingCache(tmp_path / "x", max_bytes=0).stats()
    with pytest.raises(InvalidInputError, match="layout"):  # same namespace, other shape
        cache.get_or_compute("n", ["a"], lambda t: np.ones((len(t), 2)))
        cache.get_or_compute("n", ["c"], lambda t: np.ones((len(t), 3)))
    with pytest.raises(TypeError, match="one row per text"):
        cache.get_or_compute("m", ["z"], lambda t: [1.0])


def test_pickles_and_copies_without_connection(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.get_or_compute("n", ["a"], lambda t: np.zeros((len(t), 2)))
    for other in (pickle.loads(pickle.dumps(cache)), copy.deepcopy(cache)):
        assert other == cache and "_local" not in other.__dict__
        assert other.stats()["entries"] == 1
    assert resolve_cache(str(tmp_path)).path == cache.path
    assert resolve_cache(joblib.Memory(None)) is None
    with pytest.raises(InvalidInputError, match="'cache' parameter of X must be"):
        resolve_cache(3.5, owner="X")


@requires_glove
def test_threads_share_one_instance(tmp_path, texts, glove_means):
    from concurrent.futures import ThreadPoolExecutor

    X, _ = texts
    cache = EmbeddingCache(tmp_path)
    encode = lambda batch: glove_means[[X.index(t) for t in batch]]  # noqa: E731
    with ThreadPoolExecutor(4) as pool:  # each thread opens its own connection
        outs = list(pool.map(lambda k: cache.get_or_compute("t", X[k:k + 60], encode),
                             range(0, 120, 10)))
    for k, out in zip(range(0, 120, 10), outs):
        np.testing.assert_array_equal(out, glove_means[k:k + 60])
    assert cache.stats()["entries"] == 170  # texts 0..169, each stored once


def test_fingerprint_follows_content(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"weights")
    first = fingerprint_path(tmp_path)
    (tmp_path / ".hidden").write_bytes(b"ignored")
    assert fingerprint_path(tmp_path) == first
    copy_dir = tmp_path / "sub"
    copy_dir.mkdir()
    (copy_dir / "a.bin").write_bytes(b"weights")
    assert fingerprint_path(copy_dir) == first  # same files elsewhere: same identity


_WRITER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import numpy as np
    from sklearn_emotion.cache import EmbeddingCache

    folder, me, other = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    texts = json.loads((folder / "texts.json").read_text())
    vectors = np.load(folder / "vectors.npy")
    cache = EmbeddingCache(folder / "cache", timeout=120)
    cache.stats()  # create the database before the race
    (folder / me).touch()
    while not (folder / other).exists():  # start together
        time.sleep(0.001)
    encode = lambda batch: vectors[[texts.index(x) for x in batch]]
    for round in range(20):  # both write the same keys, namespace after namespace
        out = cache.get_or_compute(f"ns{round}", texts, encode)
        assert np.array_equal(out, vectors), round
    print("ok")
""")


@requires_glove
def test_two_processes_write_the_same_keys_at_once(tmp_path, texts, glove_means):
    X, _ = texts
    (tmp_path / "texts.json").write_text(json.dumps(X))
    np.save(tmp_path / "vectors.npy", glove_means)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), me, other],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for me, other in (("p1", "p2"), ("p2", "p1"))
    ]
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0 and out.strip() == "ok", err[-2000:]
    cache = EmbeddingCache(tmp_path / "cache")
    stats = cache.stats()
    n = len(X)
    assert stats["entries"] == 20 * n
    assert stats["hits"] + stats["misses"] == 2 * 20 * n
    assert stats["bytes"] == 20 * glove_means.nbytes  # every row counted once
    for round in (0, 19):
        got = cache.get_or_compute(f"ns{round}", X, lambda t: pytest.fail("not stored"))
        np.testing.assert_array_equal(got, glove_means)


# ---------------------------------------------------------------- vectorizers
@requires_glove
def test_word_vectorizer_cache_is_hit_on_the_second_fold(tmp_path, texts):
    X, y = texts
    pipe = make_pipeline(
        WordVectorizer(cache=tmp_path),
        FeedForwardClassifier(max_epochs=2, random_state=0, verbose=0),
    )
    cache = EmbeddingCache(tmp_path)
    folds = list(KFold(2, shuffle=True, random_state=0).split(X))
    fitted = []
    for k, (train, test) in enumerate(folds):
        model = clone(pipe).fit([X[i] for i in train], y[train])
        model.predict([X[i] for i in test])
        fitted.append(model)
        stats = cache.stats()
        if k == 0:
            assert stats["hits"] == 0 and stats["misses"] == len(X)
        else:  # the second fold's texts were all encoded in the first fold
            assert stats["hits"] == len(X) and stats["misses"] == len(X)
    plain = make_pipeline(WordVectorizer(), FeedForwardClassifier(
        max_epochs=2, random_state=0, verbose=0))
    scores_plain = cross_validate(plain, X, y, cv=folds)["test_score"]
    scores_cached = cross_validate(pipe, X, y, cv=folds)["test_score"]
    np.testing.assert_array_equal(scores_cached, scores_plain)
    assert cache.stats()["misses"] == len(X)  # cross_validate only hit


@requires_minilm
def test_sentence_vectorizer_grid_search_encodes_each_text_once(tmp_path, texts):
    X, y = texts
    keep = np.sort(np.concatenate([np.flatnonzero(y == c)[:10] for c in np.unique(y)]))
    X, y = [X[i] for i in keep], y[keep]  # 10 per class, so every fold sees every class
    vec = SentenceVectorizer(cache=tmp_path, progress_bar=False)
    first = vec.fit(X).transform(X)
    again = clone(vec).fit(X[:1]).transform(X)
    np.testing.assert_array_equal(again, first)  # identical arrays from the cache
    plain = SentenceVectorizer(progress_bar=False).fit(X).transform(X)
    np.testing.assert_allclose(first, plain, atol=1e-6)

    cache = EmbeddingCache(tmp_path)
    cache.reset_stats()
    search = GridSearchCV(
        make_pipeline(vec, FeedForwardClassifier(
            max_epochs=3, random_state=0, verbose=0, early_stopping=False)),
        {"feedforwardclassifier__module__hidden_dims": [(16,), (32,)]},
        cv=2,
        error_score="raise",
    ).fit(X, y)
    # 2 candidates x 2 folds x (train + test) and the refit: all from the cache
    stats = cache.stats()
    assert (stats["hits"], stats["misses"]) == (5 * len(X), 0)
    assert hasattr(search, "best_estimator_")


@requires_minilm
def test_bert_vectorizer_cache_keys_on_output_parameters(tmp_path, texts):
    X, _ = texts
    X = X[:12]
    cache = EmbeddingCache(tmp_path)
    cls_rows = BertVectorizer(cache=cache, progress_bar=False).fit(X).transform(X)
    mean_rows = BertVectorizer(pooling="mean", cache=cache, progress_bar=False).fit(X)
    mean_rows = mean_rows.transform(X)
    assert cache.stats()["entries"] == 2 * len(X)
    assert not np.allclose(cls_rows, mean_rows)
    # batch size and progress bar do not change embeddings: same entries
    BertVectorizer(batch_size=3, cache=cache).fit(X).transform(X)
    assert cache.stats()["entries"] == 2 * len(X) and cache.stats()["hits"] == len(X)


@requires_glove
def test_joblib_memory_and_pipeline_memory(tmp_path, texts):
    X, y = texts
    memory = joblib.Memory(tmp_path / "joblib", verbose=0)
    vec = WordVectorizer(cache=memory).fit(X)
    first = vec.transform(X)
    assert any((tmp_path / "joblib").rglob("output.pkl"))
    np.testing.assert_array_equal(vec.transform(X), first)
    # Pipeline(memory=...) still works with a cached vectorizer, and agrees
    pipe = Pipeline(
        [("embed", WordVectorizer(cache=tmp_path / "emb")),
         ("clf", FeedForwardClassifier(max_epochs=2, random_state=0, verbose=0))],
        memory=str(tmp_path / "pipeline"),
    )
    a = clone(pipe).fit(X, y).predict(X)
    b = clone(pipe).fit(X, y).predict(X)  # fit_transform now from Pipeline's memory
    np.testing.assert_array_equal(a, b)


@requires_glove
def test_cache_parameter_is_validated_and_pickles(tmp_path, texts):
    X, _ = texts
    with pytest.raises(InvalidParameterError, match="'cache' parameter of WordVectorizer"):
        WordVectorizer(cache=3.5).fit(X)
    vec = WordVectorizer(cache=EmbeddingCache(tmp_path)).fit(X)
    vec.transform(X[:5])
    restored = pickle.loads(pickle.dumps(vec))
    np.testing.assert_array_equal(restored.transform(X[:5]), vec.transform(X[:5]))
    assert EmbeddingCache(tmp_path).stats()["hits"] == 10
    # pooling="ids" depends on the training vocabulary: never cached
    WordVectorizer(pooling="ids", cache=tmp_path).fit(X).transform(X[:5])
    assert EmbeddingCache(tmp_path).stats()["entries"] == 5
