"""ONNX Runtime inference (backend="onnx", quantize="int8") of the transformer estimators.

Each graph is exported once per module (fixtures) and reused through the in-process
graph cache; the classifier and BertVectorizer tests use a one-layer BERT so that
fitting and exporting take about a second.
"""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from conftest import requires_minilm, save_tiny_bert
from sklearn_emotion import io
from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.distributed import stream_predict
from sklearn_emotion.estimators import TransformerClassifier
from sklearn_emotion.exceptions import MissingDependencyError
from sklearn_emotion.inference import _backend, clear_graphs
from sklearn_emotion.inference._graph import fp32_feedforward_nodes, quantize_int8
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer

pytest.importorskip("onnxruntime")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn_emotion.exceptions.EmotionWarning")


@pytest.fixture(scope="module")
def texts():
    """60 real GoEmotions test texts of every length (one alone pads nothing)."""
    X, y = load_goemotions("test", return_X_y=True)
    return list(X[:60]), np.asarray(y[:60])


@pytest.fixture
def no_export(monkeypatch):
    """Fail the test if anything exports a graph."""
    monkeypatch.setattr(_backend, "export_onnx", _refuse)


@pytest.fixture(scope="module")
def minilm(texts):
    """MiniLM embeddings of the texts: torch, ONNX fp32, ONNX int8 (and the vectorizers)."""
    X, _ = texts
    fitted = {side: SentenceVectorizer(progress_bar=False, **params).fit(X[:2])
              for side, params in {"torch": {}, "onnx": {"backend": "onnx"},
                                   "int8": {"backend": "onnx", "quantize": "int8"}}.items()}
    return fitted, {side: vec.transform(X) for side, vec in fitted.items()}


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A one-layer BERT with a 300-piece vocabulary, saved like a hub model folder."""
    corpus, _ = load_goemotions(subset="validation", return_X_y=True)
    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert-onnx"), corpus[:2000],
                          hidden_size=32, intermediate_size=64, max_position_embeddings=128)


@pytest.fixture(scope="module")
def classifier(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, backend="onnx", max_epochs=2, batch_size=8,
                                lr=1e-3, warmup_steps=0, random_state=0, device="cpu",
                                progress_bar=False)
    return clf.fit(X, y)


# ---------------------------------------------------------------- agreement
@pytest.mark.slow  # MiniLM loaded, exported and quantized: 20 s or more
@requires_minilm
def test_sentence_vectorizer_onnx_agrees_with_torch(minilm, texts):
    fitted, emb = minilm
    assert np.abs(emb["onnx"] - emb["torch"]).max() < 1e-4  # the documented tolerance
    # one text alone (no padding in its batch); the int8 graph is smaller
    alone = fitted["onnx"].transform(texts[0][:1])
    assert np.abs(alone - emb["torch"][:1]).max() < 1e-4
    assert fitted["int8"].onnx_model_.size < 0.75 * fitted["onnx"].onnx_model_.size


@pytest.mark.slow
@requires_minilm
def test_sentence_vectorizer_int8_stays_close(minilm):
    _, emb = minilm
    cosine = np.sum(emb["int8"] * emb["torch"], axis=1)  # unit vectors
    assert cosine.mean() >= 0.98 and cosine.min() >= 0.9
    assert np.abs(emb["int8"] - emb["torch"]).max() > 1e-4  # it did quantize


def _projections(graph_bytes) -> dict:
    """``{node name: op type}`` of a graph's matrix products (MatMulInteger: int8)."""
    onnx = pytest.importorskip("onnx")
    nodes = onnx.load_from_string(bytes(graph_bytes)).graph.node
    return {n.name: n.op_type for n in nodes if n.op_type in ("MatMul", "MatMulInteger", "Gemm")
            and "attention/self/MatMul" not in n.name}  # activation products stay fp32


@pytest.mark.slow
@requires_minilm
def test_int8_keeps_only_the_named_feedforward_outputs_fp32(minilm):
    fitted, _ = minilm
    # the vectorizer quantizes all 6 x 6 projections of MiniLM's six layers
    assert set(_projections(fitted["int8"].onnx_model_).values()) == {"MatMulInteger"}
    assert len(_projections(fitted["int8"].onnx_model_)) == 36
    # fp32_feedforward_nodes (the classifier's choice) names the feed-forward outputs of
    # layers 0-2, and quantize_int8 leaves exactly those in fp32
    fp32_graph = fitted["onnx"].onnx_model_.tobytes()
    onnx = pytest.importorskip("onnx")
    named = fp32_feedforward_nodes(onnx.load_from_string(fp32_graph))
    assert [name.split("layer.")[1][:9] for name in named] == [
        "0/output/", "1/output/", "2/output/"]
    kept = _projections(quantize_int8(fp32_graph, fp32_feedforward_nodes))
    assert sorted(name for name, op in kept.items() if op == "MatMul") == sorted(named)
    assert list(kept.values()).count("MatMulInteger") == 33


@pytest.mark.parametrize("pooling, layer", [("mean", -1), ("cls", 0)])
def test_bert_vectorizer_onnx_agrees_with_torch(tiny_bert, texts, pooling, layer):
    X, _ = texts
    torch_side = BertVectorizer(tiny_bert, pooling=pooling, layer=layer, batch_size=16)
    onnx_side = clone(torch_side).set_params(backend="onnx")
    expected = torch_side.fit(X).transform(X)
    assert np.abs(onnx_side.fit(X).transform(X) - expected).max() < 1e-4


def test_classifier_exports_after_fit_and_agrees(classifier, texts):
    X, _ = texts
    assert classifier.onnx_model_.dtype == np.uint8
    onnx_proba = classifier.predict_proba(X)
    torch_proba = clone_fitted(classifier, backend="torch").predict_proba(X)
    assert np.abs(onnx_proba - torch_proba).max() < 1e-4
    int8 = clone_fitted(classifier, quantize="int8")
    assert np.abs(int8.predict_proba(X) - torch_proba).max() < 0.05
    # one layer: its feed-forward output stays fp32; its five other projections and the
    # classification head are int8
    projections = _projections(int8.onnx_model_)
    assert [name for name, op in projections.items() if op == "MatMul"] == [
        name for name in projections if "layer.0/output/dense/" in name]
    assert list(projections.values()).count("MatMulInteger") == 6


def test_batches_on_several_threads_keep_their_order(tiny_bert, classifier, texts,
                                                     monkeypatch):
    # with n torch threads, n batches run at once on one-thread sessions; the rows must
    # come back in input order, as the one-session path gives them
    import torch

    X, _ = texts
    vectorizer = BertVectorizer(tiny_bert, batch_size=4, backend="onnx").fit(X)
    threads_asked = []
    real_get_session = _backend.get_session

    def spy(key, graph, n_threads=None):
        threads_asked.append(n_threads)
        return real_get_session(key, graph, n_threads)

    monkeypatch.setattr(_backend, "get_session", spy)
    n_threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = vectorizer.transform(X), classifier.predict_proba(X)
        assert 1 not in threads_asked  # one thread: a session of torch's thread count
        torch.set_num_threads(3)
        several = vectorizer.transform(X), classifier.predict_proba(X)
    finally:
        torch.set_num_threads(n_threads)
    assert threads_asked.count(1) == 2  # both ran their batches on one-thread sessions
    np.testing.assert_allclose(several[0], one[0], atol=1e-5)
    np.testing.assert_allclose(several[1], one[1], atol=1e-5)


def clone_fitted(estimator, **params):
    return pickle.loads(pickle.dumps(estimator)).set_params(**params)


# -------------------------------------------------- persistence: never export again
def test_model_file_keeps_the_graph(tiny_bert, texts, tmp_path, monkeypatch):
    X, y = texts
    vec = BertVectorizer(tiny_bert, pooling="mean", backend="onnx", quantize="int8")
    model = make_pipeline(vec, LogisticRegression(max_iter=500)).fit(X, y)
    expected = model.predict_proba(X)
    path = io.save(model, tmp_path / "model.zip")
    clear_graphs()  # nothing left in memory either
    monkeypatch.setattr(_backend, "export_onnx", _refuse)
    loaded = io.load(path)
    np.testing.assert_allclose(loaded.predict_proba(X), expected, atol=1e-6)
    assert loaded[0].get_params()["quantize"] == "int8"


def _refuse(*args, **kwargs):
    raise AssertionError("exported a graph again")


def test_classifier_model_file_and_pickle_keep_the_graph(classifier, texts, tmp_path,
                                                         no_export):
    X, _ = texts
    expected = classifier.predict_proba(X)
    path = io.save(classifier, tmp_path / "clf.zip")
    clear_graphs()
    np.testing.assert_allclose(io.load(path).predict_proba(X), expected, atol=1e-6)
    restored = pickle.loads(pickle.dumps(classifier))
    np.testing.assert_allclose(restored.predict_proba(X), expected, atol=1e-6)


def test_dask_predict_loads_the_graph_from_the_model_file(
        classifier, texts, tmp_path, no_export):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from sklearn_emotion.distributed import dask_predict

    X, _ = texts
    path = io.save(classifier, tmp_path / "model.zip")
    clear_graphs()
    series = dd.from_pandas(pd.Series(X, name="text"), npartitions=2)
    out = dask_predict(path, series, proba_prefix=None).compute(scheduler="sync")
    np.testing.assert_array_equal(out["label"].to_numpy(), classifier.predict(X))


def test_refit_replaces_the_graph(classifier, texts, tiny_bert):
    X, y = texts
    clf = clone(classifier).set_params(max_epochs=1)
    before = classifier.onnx_key_
    clf.fit(X[:30], y[:30])
    assert clf.onnx_key_ != before  # new weights, new graph
    np.testing.assert_allclose(
        clf.predict_proba(X), clone_fitted(clf, backend="torch").predict_proba(X), atol=1e-4)


# ------------------------------------------------- scikit-learn and the library's tools
@pytest.mark.filterwarnings("ignore:The least populated class")
def test_pipeline_clone_grid_search_and_stream_predict(tiny_bert, texts):
    X, y = texts
    pipe = make_pipeline(BertVectorizer(tiny_bert, pooling="mean", backend="onnx"),
                         LogisticRegression(max_iter=300))
    assert "backend='onnx'" in repr(pipe) and "quantize" not in repr(pipe)
    assert clone(pipe).get_params()["bertvectorizer__backend"] == "onnx"
    search = GridSearchCV(pipe, {"bertvectorizer__quantize": [None, "int8"]}, cv=2)
    search.fit(X, y)
    assert search.best_estimator_[0].onnx_options_["quantize"] in (None, "int8")
    streamed = np.concatenate(list(stream_predict(search.best_estimator_, X, batch_size=16)))
    np.testing.assert_array_equal(streamed, search.predict(X))


def test_repr_shows_new_parameters_only_when_changed(tiny_bert):
    assert "backend" not in repr(SentenceVectorizer())
    assert repr(SentenceVectorizer(backend="onnx", quantize="int8")) == (
        "SentenceVectorizer(backend='onnx', quantize='int8')")
    assert "backend" not in repr(TransformerClassifier())
    assert "quantize='int8'" in repr(TransformerClassifier(backend="onnx", quantize="int8"))


# ------------------------------------------------------------------------ errors
def test_quantize_needs_the_onnx_backend(tiny_bert, texts):
    X, y = texts
    with pytest.raises(ValueError, match="quantize='int8'.*backend='onnx'"):
        BertVectorizer(tiny_bert, quantize="int8").fit(X)
    with pytest.raises(ValueError, match="quantize='int8'.*backend='onnx'"):
        TransformerClassifier(tiny_bert, quantize="int8", max_epochs=1,
                              device="cpu").fit(X[:8], y[:8])


@pytest.mark.parametrize("params, match", [({"backend": "tensorrt"}, "backend"),
                                           ({"backend": "onnx", "quantize": "int4"},
                                            "quantize")])
def test_bad_values_are_refused(tiny_bert, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        BertVectorizer(tiny_bert, **params).fit(["some text"])


def test_missing_onnxruntime_names_the_extra(tiny_bert, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    with pytest.raises(MissingDependencyError, match=r'sklearn-emotion\[onnx\]'):
        BertVectorizer(tiny_bert, backend="onnx").fit(["some text"])
