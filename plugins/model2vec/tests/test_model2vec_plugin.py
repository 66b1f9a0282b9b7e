"""StaticEmbeddingVectorizer and the bundled minilm-static model, on real texts."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_emotion import registry
from sklearn_emotion.exceptions import PluginNotFoundError
from sklearn_emotion.testing import check_plugin, sample_texts

pytest.importorskip("model2vec", reason="plugins/model2vec needs model2vec")
StaticEmbeddingVectorizer = pytest.importorskip(
    "sklearn_emotion_model2vec", reason="pip install -e plugins/model2vec"
).StaticEmbeddingVectorizer


@pytest.fixture(scope="module")
def texts():
    return sample_texts(per_class=10)


def test_honours_the_plugin_contract():
    results = check_plugin("sklearn-emotion-model2vec")
    checked = {(r.plugin, r.check) for r in results}
    assert ("encoders:minilm-static", "resolves") in checked
    assert ("vectorizers:StaticEmbeddingVectorizer", "sample order invariance") in checked
    # saved models keep the token table by reference: left out, reloaded, same output
    details = {(r.plugin, r.check): r.detail for r in results}
    assert details[("vectorizers:StaticEmbeddingVectorizer", "persistence hooks")] == (
        "model_ stored by reference")


def test_bundled_model_is_registered_with_metadata():
    info = registry.plugin_metadata("encoders", "minilm-static")
    assert info["licence"] == "Apache-2.0" and info["dimension"] == 256
    folder = registry.resolve("encoders", "minilm-static").location
    assert (folder / "model.safetensors").stat().st_size < 8_000_000  # keep the repo lean


def test_embeddings_carry_meaning(texts):
    vec = StaticEmbeddingVectorizer().fit(texts[0])
    Z = vec.transform(["I am so happy and joyful", "I feel happy and glad",
                       "the invoice is attached"])
    assert Z.shape == (3, 256) and Z.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0, rtol=1e-4)
    assert Z[0] @ Z[1] > Z[0] @ Z[2]  # two happy sentences are closer than an invoice


def test_dimensionality_keeps_the_leading_components(texts):
    X = texts[0]
    full = StaticEmbeddingVectorizer(normalize=False).fit_transform(X)
    small = StaticEmbeddingVectorizer(dimensionality=32, normalize=False).fit_transform(X)
    np.testing.assert_allclose(small, full[:, :32], rtol=1e-5)
    unit = StaticEmbeddingVectorizer(dimensionality=32).fit_transform(X)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, rtol=1e-4)
    assert list(StaticEmbeddingVectorizer(dimensionality=32).fit(X)
                .get_feature_names_out()[:2]) == ["staticembeddingvectorizer0",
                                                  "staticembeddingvectorizer1"]


def test_grid_search_over_the_vectorizer(texts):
    X, y = texts
    pipe = make_pipeline(StaticEmbeddingVectorizer(), LogisticRegression(max_iter=1000))
    search = GridSearchCV(pipe, {"staticembeddingvectorizer__dimensionality": [64, None]},
                          cv=2).fit(X, y)
    tried = search.cv_results_["param_staticembeddingvectorizer__dimensionality"]
    assert set(tried) == {64, None}
    assert search.score(X, y) > 1 / len(set(y))  # learns something on its own training texts
    assert clone(search.best_estimator_).get_params()["staticembeddingvectorizer__model"] == (
        "minilm-static")


def test_clear_errors():
    with pytest.raises(ValueError, match="dimensionality=999 exceeds the 256 dimensions"):
        StaticEmbeddingVectorizer(dimensionality=999).fit(["a"])
    with pytest.raises(ValueError, match="'dimensionality' parameter"):
        StaticEmbeddingVectorizer(dimensionality=0).fit(["a"])
    with pytest.raises(PluginNotFoundError, match="Installed encoders plugins"):
        StaticEmbeddingVectorizer(model="./no/such/model.bin").fit(["a"])
