"""LSTMClassifier: packed sequences, every input form, the sklearn contract, real pipelines."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
import warnings

import joblib
import numpy as np
import pytest
import torch
from conftest import requires_glove
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.class_weight import compute_class_weight

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.estimators import LSTMClassifier
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.nn import LSTMNet
from sklearn_emotion.text import TextCleaner
from sklearn_emotion.vectorizers import WordVectorizer

pytestmark = pytest.mark.usefixtures("one_torch_thread")

LABELS = np.array(["anger", "joy", "sadness"])
FAST = {"module__hidden_size": 16, "lr": 1e-2, "max_epochs": 12, "verbose": 0}


def make_sequences(n_samples=150, max_length=12, dim=4, random_state=0):
    """Zero-padded sequences whose class is set by their LAST real token only.

    A network that reads the state after the padding instead of after the last token
    (the reference article's ``out[:, -1, :]``) cannot solve it reliably.
    """
    rng = np.random.RandomState(random_state)
    lengths = rng.randint(1, max_length + 1, size=n_samples)
    embeddings = rng.normal(size=(n_samples, max_length, dim)).astype(np.float32)
    embeddings[np.arange(max_length)[None, :] >= lengths[:, None]] = 0.0
    last = embeddings[np.arange(n_samples), lengths - 1]
    y = LABELS[np.digitize(last[:, 0] + last[:, 1], [-0.5, 0.5])]
    return {"embeddings": embeddings, "lengths": lengths.astype(np.int64)}, y


def repad(X, max_length):
    """The same texts, zero-padded (or cut) to another ``max_length``."""
    emb = X["embeddings"]
    out = np.zeros((len(emb), max_length, emb.shape[2]), dtype=np.float32)
    keep = min(max_length, emb.shape[1])
    out[:, :keep] = emb[:, :keep]
    return {"embeddings": out, "lengths": X["lengths"].copy()}


@pytest.fixture(scope="module")
def data():
    return make_sequences()


@pytest.fixture(scope="module")
def net_fit(data):
    return LSTMClassifier(random_state=0, **FAST).fit(*data)


# ------------------------------------------------------------------- learning, padding
def test_learns_from_the_last_real_token(net_fit, data):
    X, y = data
    assert list(net_fit.classes_) == list(LABELS)
    assert net_fit.score(X, y) > 0.9
    proba = net_fit.predict_proba(X)
    assert proba.shape == (len(y), 3) and proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert np.array_equal(net_fit.classes_[proba.argmax(axis=1)], net_fit.predict(X))


@pytest.mark.parametrize("max_length", [10, 60])
def test_predictions_do_not_depend_on_the_padded_length(net_fit, data, max_length):
    X, _ = data
    short = {k: v[X["lengths"] <= 10] for k, v in X.items()}
    expected = net_fit.predict_proba(short)
    np.testing.assert_allclose(
        net_fit.predict_proba(repad(short, max_length)), expected, rtol=1e-5, atol=1e-6
    )


def test_module_sizes_are_inferred_without_touching_parameters(net_fit):
    assert net_fit.n_features_in_ == 4 and not net_fit.multilabel_
    assert isinstance(net_fit.module_, LSTMNet)
    assert (net_fit.module_.input_dim, net_fit.module_.output_dim) == (4, 3)
    assert net_fit.module_.embedding is None
    params = net_fit.get_params()
    assert "module__input_dim" not in params and "module__embedding_weights" not in params


def test_defaults_follow_the_reference_recipe():
    clf = LSTMClassifier()
    assert (clf.lr, clf.max_epochs, clf.batch_size) == (1e-3, 10, 32)
    assert clf.optimizer is torch.optim.Adam and clf.criterion is torch.nn.CrossEntropyLoss
    assert clf.module is LSTMNet and clf.early_stopping is False


# ------------------------------------------------------------------------ input forms
def test_3d_array_and_dict_without_lengths_infer_lengths_from_trailing_zeros(net_fit, data):
    X, _ = data
    expected = net_fit.predict_proba(X)
    np.testing.assert_allclose(net_fit.predict_proba(X["embeddings"]), expected, atol=1e-6)
    no_lengths = {"embeddings": X["embeddings"]}
    np.testing.assert_allclose(net_fit.predict_proba(no_lengths), expected, atol=1e-6)


def test_2d_array_is_one_step_per_sample():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 5)).astype(np.float32)
    y = np.where(X[:, 0] > 0, "joy", "sadness")
    clf = LSTMClassifier(random_state=0, **FAST).fit(X, y)
    assert clf.n_features_in_ == 5 and clf.score(X, y) > 0.9
    as_sequences = {"embeddings": X[:, None, :], "lengths": np.ones(len(X), np.int64)}
    np.testing.assert_array_equal(clf.predict_proba(as_sequences), clf.predict_proba(X))


def test_dataframe_of_pooled_vectors_keeps_its_feature_names():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(40, 3)), columns=["a", "b", "c"])
    y = np.where(X["a"] > 0, "joy", "sadness")
    clf = LSTMClassifier(random_state=0, **{**FAST, "max_epochs": 2}).fit(X, y)
    assert clf.feature_names_in_.tolist() == ["a", "b", "c"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fitted without feature names" warning
        clf.predict(X)
    data, _ = make_sequences(n_samples=10, dim=3)
    clf.fit(data, y[:10])  # a refit on sequences forgets the column names
    assert not hasattr(clf, "feature_names_in_")


def test_torch_tensors_and_read_only_arrays(net_fit, data):
    X, y = data
    expected = net_fit.predict_proba(X)
    tensors = {k: torch.as_tensor(v) for k, v in X.items()}
    np.testing.assert_allclose(net_fit.predict_proba(tensors), expected, atol=1e-6)
    frozen = {k: v.copy() for k, v in X.items()}
    for value in frozen.values():
        value.flags.writeable = False
    np.testing.assert_allclose(net_fit.predict_proba(frozen), expected, atol=1e-6)


def _bad(X, **changes):
    out = {k: v.copy() for k, v in X.items()}
    for key, value in changes.items():
        if value is None:
            del out[key]
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda X: {"embedings": X["embeddings"], "lengths": X["lengths"]},
         r"expects X as a dict with the keys 'embeddings' and 'lengths'.*got the keys "
         r"\['embedings', 'lengths'\]"),
        (lambda X: {**X, "ids": np.zeros((150, 12), np.int64)}, "expects X as a dict"),
        (lambda X: _bad(X, lengths=np.zeros(150, np.int64)), r"must lie in 1\.\.12"),
        (lambda X: _bad(X, lengths=np.full(150, 13)), r"must lie in 1\.\.12.*from 13 to 13"),
        (lambda X: _bad(X, lengths=X["lengths"].astype(float)), "1-D integer array"),
        (lambda X: _bad(X, lengths=X["lengths"][:-1]),
         "149 entries but X\\['embeddings'\\] has 150"),
        (lambda X: _bad(X, embeddings=X["embeddings"][:, :, 0]), "must be 3-D"),
        (lambda X: _bad(X, embeddings=np.where(np.arange(4) == 1, np.nan, X["embeddings"])),
         "contains NaN or infinity"),
        (lambda X: _bad(X, embeddings=X["embeddings"].astype(str)), "must hold numbers"),
    ],
    ids=["misspelt-key", "two-data-keys", "length-0", "too-long", "float-lengths",
         "lengths-count", "2d-embeddings", "nan", "strings"],
)
def test_bad_dict_input_is_explained(data, change, match):
    X, y = data
    with pytest.raises(InvalidInputError, match=match):
        LSTMClassifier(**FAST).fit(change(X), y)


def test_several_problems_are_reported_together(data):
    X, y = data
    bad = {"embeddings": X["embeddings"][:, :, 0], "lengths": X["lengths"].astype(float)}
    with pytest.raises(InvalidInputError, match="must be 3-D.*; X\\['lengths'\\] must be a 1-D"):
        LSTMClassifier(**FAST).fit(bad, y)


def test_y_of_another_length_and_wrong_width_at_predict(net_fit, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples: \\[150, 149\\]"):
        LSTMClassifier(**FAST).fit(X, y[:-1])
    narrow = {"embeddings": X["embeddings"][:, :, :3], "lengths": X["lengths"]}
    msg = "word vectors of size 3, but LSTMClassifier is expecting 4"
    with pytest.raises(ValueError, match=msg):
        net_fit.predict(narrow)
    with pytest.raises(InvalidInputError, match="fitted on WordVectorizer\\(pooling='sequence'\\)"):
        net_fit.predict({"ids": np.ones((2, 3), np.int64), "lengths": np.ones(2, np.int64),
                         "embedding_weights": np.zeros((5, 4), np.float32)})


# ---------------------------------------------------------------------------- ids input
def _ids_data(X, n_words=40, random_state=0):
    """Word ids whose (fixed) vectors are random rows: the same task as ``X`` roughly."""
    rng = np.random.RandomState(random_state)
    weights = rng.normal(size=(n_words, 4)).astype(np.float32)
    weights[0] = 0
    ids = rng.randint(1, n_words, size=X["embeddings"].shape[:2])
    ids[np.arange(ids.shape[1])[None, :] >= X["lengths"][:, None]] = 0
    return {"ids": ids, "lengths": X["lengths"], "embedding_weights": weights}


def test_ids_input_builds_a_trainable_embedding_from_the_dict(data):
    X, _ = data
    X_ids = _ids_data(X)
    last = X_ids["embedding_weights"][X_ids["ids"][np.arange(150), X_ids["lengths"] - 1]]
    y = np.where(last[:, 0] > 0, "joy", "sadness")
    clf = LSTMClassifier(random_state=0, **FAST).fit(X_ids, y)
    assert clf.n_features_in_ == 4 and clf.module_.embedding.num_embeddings == 40
    assert clf.score(X_ids, y) > 0.85
    trained = clf.module_.embedding.weight.detach().numpy()
    assert not np.allclose(trained, X_ids["embedding_weights"])  # fine-tuned ...
    assert not trained[0].any()  # ... except the padding row
    assert X_ids["embedding_weights"][0].sum() == 0  # the caller's matrix is untouched
    # the matrix is optional at predict time
    no_weights = {"ids": X_ids["ids"], "lengths": X_ids["lengths"]}
    np.testing.assert_array_equal(clf.predict_proba(no_weights), clf.predict_proba(X_ids))

    frozen = LSTMClassifier(random_state=0, module__freeze_embeddings=True, **FAST)
    frozen.fit(X_ids, y)
    np.testing.assert_array_equal(
        frozen.module_.embedding.weight.detach().numpy(), X_ids["embedding_weights"]
    )


def test_ids_input_with_module_embedding_weights(data):
    X, y = data
    X_ids = _ids_data(X)
    weights = X_ids.pop("embedding_weights")
    clf = LSTMClassifier(random_state=0, module__embedding_weights=weights, **FAST).fit(X_ids, y)
    assert clf.module_.embedding.num_embeddings == 40 and clf.n_features_in_ == 4
    with pytest.raises(InvalidInputError, match="ids input needs an embedding matrix"):
        LSTMClassifier(**FAST).fit(X_ids, y)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda X: {**X, "ids": X["ids"].astype(float)}, "2-D integer array"),
        (lambda X: {**X, "ids": -X["ids"]}, "negative ids"),
        (lambda X: {**X, "ids": X["ids"] + 40},
         "holds id 79, but the embedding matrix has only 40"),
        (lambda X: {**X, "embedding_weights": X["embedding_weights"][0]}, "must be a 2-D float"),
    ],
    ids=["float-ids", "negative", "out-of-range", "1d-weights"],
)
def test_bad_ids_input_is_explained(data, change, match):
    X, y = data
    with pytest.raises(InvalidInputError, match=match):
        LSTMClassifier(**FAST).fit(change(_ids_data(X)), y)


def test_ids_from_another_vocabulary_are_refused_at_predict(data):
    X, y = data
    X_ids = _ids_data(X)
    clf = LSTMClassifier(random_state=0, **{**FAST, "max_epochs": 1}).fit(X_ids, y)
    other = {**X_ids, "embedding_weights": np.zeros((55, 4), np.float32)}
    with pytest.raises(InvalidInputError, match="vocabulary of 55 rows.*fitted with 40"):
        clf.predict(other)
    with pytest.raises(InvalidInputError, match="fitted on WordVectorizer\\(pooling='ids'\\)"):
        clf.predict(X)


# ------------------------------------------------------------- reproducibility, weights
def test_random_state_gives_identical_fits(data):
    X, y = data
    params = {**FAST, "max_epochs": 3}
    a = LSTMClassifier(random_state=7, **params).fit(X, y)
    b = LSTMClassifier(random_state=7, **params).fit(X, y)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    for (name, wa), (_, wb) in zip(a.module_.state_dict().items(), b.module_.state_dict().items()):
        assert torch.equal(wa, wb), name
    c = LSTMClassifier(random_state=8, **params).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_class_weight_balanced(data):
    X, y = data
    keep = np.r_[np.flatnonzero(y != "joy"), np.flatnonzero(y == "joy")[:8]]
    X = {k: v[keep] for k, v in X.items()}
    y = y[keep]
    clf = LSTMClassifier(class_weight="balanced", random_state=0, **{**FAST, "max_epochs": 2})
    clf.fit(X, y)
    expected = compute_class_weight("balanced", classes=LABELS, y=y)
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), expected, rtol=1e-6)


def test_training_batches_are_shuffled(data):
    X, y = data
    clf = LSTMClassifier(random_state=0, **{**FAST, "max_epochs": 1}).fit(X, y)
    assert clf.get_iterator(clf.get_dataset(X, y), training=True).sampler.__class__.__name__ == (
        "RandomSampler"
    )


def test_early_stopping_holds_out_a_stratified_split(data):
    X, y = data
    clf = LSTMClassifier(early_stopping=True, random_state=0, **FAST).fit(X, y)
    assert "valid_loss" in clf.history[-1] and "valid_acc" in clf.history[-1]
    assert sum(clf.history[-1, "batches", :, "train_batch_size"]) == 135


# ------------------------------------------------------------------------- multi-label
def test_multilabel_sequences(data):
    X, _ = data
    last = X["embeddings"][np.arange(150), X["lengths"] - 1]
    Y = (last[:, :3] > 0).astype(np.int64)  # three independent labels
    clf = LSTMClassifier(random_state=0, classes=["a", "b", "c"], **{**FAST, "max_epochs": 20})
    clf.fit(X, Y)
    assert clf.multilabel_ and list(clf.classes_) == ["a", "b", "c"]
    assert isinstance(clf.criterion_, torch.nn.BCEWithLogitsLoss)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3) and not np.allclose(proba.sum(axis=1), 1.0)
    pred = clf.predict(X)
    assert pred.dtype == np.int64 and np.array_equal(pred, (proba >= 0.5).astype(int))
    assert (pred == Y).mean() > 0.9
    assert clf.label_encoder_.inverse_transform(pred[:1])[0] == tuple(
        np.array(["a", "b", "c"])[pred[0] == 1]
    )


# ---------------------------------------------------------------------- sklearn plumbing
def test_set_params_reaches_module_and_optimizer(data):
    X, y = data
    clf = LSTMClassifier(random_state=0, **{**FAST, "max_epochs": 1}).set_params(
        module__hidden_size=6, module__num_layers=2, module__bidirectional=True,
        module__cell="gru", module__pooling="max", module__dropout=0.1,
        optimizer__weight_decay=1e-4, lr=3e-3, batch_size=16,
    )
    clf.fit(X, y)
    net = clf.module_
    assert isinstance(net.rnn, torch.nn.GRU)
    assert (net.hidden_size, net.num_layers, net.bidirectional, net.pooling) == (6, 2, True, "max")
    assert net.dropout.p == 0.1 and net.output.in_features == 12
    group = clf.optimizer_.param_groups[0]
    assert (group["weight_decay"], group["lr"]) == (1e-4, 3e-3)
    assert clf.history[-1, "batches", 0, "train_batch_size"] == 16


def test_pickle_round_trip_and_clone(net_fit, data):
    X, _ = data
    loaded = pickle.loads(pickle.dumps(net_fit))
    assert np.array_equal(loaded.predict_proba(X), net_fit.predict_proba(X))
    fresh = clone(net_fit)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
    assert fresh.get_params(deep=False).keys() == net_fit.get_params(deep=False).keys()


def test_not_fitted_and_invalid_parameters(data):
    X, y = data
    with pytest.raises(NotFittedError, match="LSTMClassifier instance is not fitted"):
        LSTMClassifier().predict_proba(X)
    with pytest.raises(ValueError, match="'threshold' parameter of LSTMClassifier"):
        LSTMClassifier(threshold=2.0).fit(X, y)
    with pytest.raises(ValueError, match="LSTMNet: cell must be one of"):
        LSTMClassifier(module__cell="rnn", **FAST).fit(X, y)


# --------------------------------------------------------------- real data, real vectors
@requires_glove
def test_glove_pipeline_grid_search_clone_and_fresh_process(goemotions_slice, tmp_path):
    X_train, y_train, X_test, _ = goemotions_slice
    pipe = make_pipeline(
        TextCleaner(),
        WordVectorizer("glove-6b-50d", pooling="sequence", max_length=40),
        LSTMClassifier(max_epochs=4, lr=3e-3, verbose=0, random_state=0),
    )
    search = GridSearchCV(pipe, {"lstmclassifier__module__hidden_size": [8, 16]}, cv=2)
    search.fit(X_train, y_train)
    model = search.best_estimator_
    best_size = search.best_params_["lstmclassifier__module__hidden_size"]
    assert model[-1].module_.hidden_size == best_size
    assert model[-1].n_features_in_ == 50
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X_test), 7)
    # the refit model is the best candidate refit on all the data (seeded: bit-identical)
    by_hand = clone(pipe).set_params(lstmclassifier__module__hidden_size=best_size)
    np.testing.assert_array_equal(by_hand.fit(X_train, y_train).predict_proba(X_test), proba)
    assert set(model.predict(X_test)) <= set(y_train)

    # the same texts padded to 10 or 60 tokens: the same probabilities
    lengths = model[:-1].transform(X_test)["lengths"]
    short = [t for t, n in zip(X_test, lengths) if n <= 10]
    assert len(short) >= 10
    padded = {n: model.set_params(wordvectorizer__max_length=n).predict_proba(short)
              for n in (10, 60)}
    np.testing.assert_allclose(padded[10], padded[60], rtol=1e-5, atol=1e-6)
    model.set_params(wordvectorizer__max_length=40)

    fresh = clone(model)
    with pytest.raises(NotFittedError):
        fresh[-1].predict_proba(np.zeros((1, 50), np.float32))

    joblib.dump(model, tmp_path / "model.joblib")
    joblib.dump(X_test, tmp_path / "texts.joblib")
    code = textwrap.dedent(  # same thread count: bit-identical floating-point sums
        f"""
        import joblib, numpy as np, torch
        torch.set_num_threads({torch.get_num_threads()})
        model = joblib.load({str(tmp_path / "model.joblib")!r})
        texts = joblib.load({str(tmp_path / "texts.joblib")!r})
        np.save({str(tmp_path / "proba.npy")!r}, model.predict_proba(texts))
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), proba)


@requires_glove
def test_glove_ids_pipeline_fine_tunes_the_embedding(goemotions_slice):
    X_train, y_train, X_test, _ = goemotions_slice
    pipe = make_pipeline(
        TextCleaner(),
        WordVectorizer("glove-6b-50d", pooling="ids", max_length=40),
        LSTMClassifier(max_epochs=3, lr=3e-3, verbose=0, random_state=0,
                       module__hidden_size=16, module__bidirectional=True),
    ).fit(X_train, y_train)
    vectorizer, clf = pipe[1], pipe[-1]
    initial = vectorizer.embedding_matrix_
    n_rows = len(vectorizer.id_vocabulary_) + 2
    assert clf.module_.embedding.num_embeddings == len(initial) == n_rows
    assert clf.n_features_in_ == 50
    assert not np.allclose(clf.module_.embedding.weight.detach().numpy(), initial)
    assert pipe.predict_proba(X_test).shape == (len(X_test), 7)
    loaded = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(loaded.predict_proba(X_test), pipe.predict_proba(X_test))


@requires_glove
def test_goemotions_28_labels_multilabel_pipeline():
    texts, Y = load_goemotions(labels="original", multilabel=True, return_X_y=True)
    texts, Y = texts[:400], Y[:400]
    pipe = make_pipeline(
        WordVectorizer("glove-6b-50d", pooling="sequence", max_length=40),
        LSTMClassifier(max_epochs=3, lr=3e-3, verbose=0, random_state=0,
                       class_weight="balanced", module__hidden_size=16),
    ).fit(texts, Y)
    clf = pipe[-1]
    assert clf.multilabel_ and list(clf.classes_) == list(range(28))
    assert clf.module_.output_dim == 28 and clf.criterion_.pos_weight.shape == (28,)
    proba = pipe.predict_proba(texts[:50])
    assert proba.shape == (50, 28) and ((proba > 0) & (proba < 1)).all()
    pred = pipe.predict(texts[:50])
    assert pred.shape == (50, 28) and set(np.unique(pred)) <= {0, 1}
