"""Each vectorizer in a Pipeline with FeedForwardClassifier, on a slice of real GoEmotions.

Every pipeline fits and predicts, survives clone, runs inside GridSearchCV(cv=2) over one
parameter, and gives identical predictions after a joblib round trip in a fresh process.
"""

from __future__ import annotations

import json
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from conftest import requires_glove, requires_minilm
from sklearn_emotion.estimators import FeedForwardClassifier
from sklearn_emotion.text import TextCleaner
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

EKMAN = {"anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"}


def _head():
    return FeedForwardClassifier(max_epochs=30, random_state=0, verbose=0, progress_bar=False,
                                 class_weight="balanced")


PIPELINES = {
    "glove-mean": pytest.param(
        lambda: make_pipeline(TextCleaner(), WordVectorizer("glove-6b-50d", pooling="mean"),
                              _head()),
        marks=requires_glove, id="glove-mean"),
    "glove-max": pytest.param(
        lambda: make_pipeline(WordVectorizer("glove-6b-50d", pooling="max"), _head()),
        marks=requires_glove, id="glove-max"),
    "fasttext-trained": pytest.param(
        lambda: make_pipeline(TextCleaner(),
                              WordVectorizer("fasttext", vector_size=32, random_state=0),
                              _head()),
        id="fasttext-trained"),
    "minilm-sentence": pytest.param(
        lambda: make_pipeline(TextCleaner(), SentenceVectorizer("all-MiniLM-L6-v2"), _head()),
        marks=[requires_minilm, pytest.mark.slow], id="minilm-sentence"),
    "minilm-bert-mean": pytest.param(
        lambda: make_pipeline(BertVectorizer("all-MiniLM-L6-v2", pooling="mean", max_length=64),
                              _head()),
        marks=[requires_minilm, pytest.mark.slow], id="minilm-bert-mean"),
}


@pytest.fixture(scope="module")
def fitted(goemotions_slice):
    """Fit each requested pipeline once per module (skorch's net_fit pattern)."""
    cache = {}
    X_train, y_train, _, _ = goemotions_slice

    def get(name, factory):
        if name not in cache:
            cache[name] = factory().fit(X_train, y_train)
        return cache[name]

    return get


@pytest.mark.parametrize("factory", PIPELINES.values())
def test_fit_predict_clone_and_joblib_round_trip(
    factory, fitted, goemotions_slice, tmp_path, request
):
    name = request.node.callspec.id
    _, _, X_test, y_test = goemotions_slice
    model = fitted(name, factory)
    predictions = model.predict(X_test)
    assert set(predictions) <= EKMAN
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X_test), 7)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)

    unfitted = clone(model)
    assert unfitted.get_params().keys() == model.get_params().keys()
    with pytest.raises(Exception, match="not fitted|NotFitted|initialized"):
        unfitted.predict(X_test)

    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    texts = tmp_path / "texts.json"
    texts.write_text(json.dumps(list(X_test)))
    script = (
        "import joblib, json, sys; "
        f"m = joblib.load({str(path)!r}); "
        f"X = json.load(open({str(texts)!r})); "
        "json.dump({'pred': m.predict(X).tolist(), 'proba': m.predict_proba(X).tolist()}, "
        "sys.stdout)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    fresh = json.loads(result.stdout)
    assert fresh["pred"] == predictions.tolist()
    np.testing.assert_allclose(fresh["proba"], proba, rtol=1e-5, atol=1e-6)


@requires_minilm
def test_sentence_pipeline_beats_chance_on_real_data(fitted, goemotions_slice):
    _, _, X_test, y_test = goemotions_slice
    model = fitted("minilm-sentence", PIPELINES["minilm-sentence"].values[0])
    # 7 balanced classes in the slice: chance is 1/7
    assert model.score(X_test, y_test) > 0.3


@pytest.mark.parametrize("factory, param, values", [
    pytest.param(PIPELINES["glove-mean"].values[0], "wordvectorizer__pooling", ["mean", "max"],
                 marks=requires_glove, id="glove-pooling"),
    pytest.param(PIPELINES["minilm-sentence"].values[0],
                 "feedforwardclassifier__module__hidden_dims",
                 [(32,), (128,)], marks=[requires_minilm, pytest.mark.slow], id="minilm-hidden"),
])
def test_grid_search_cv2(factory, param, values, goemotions_slice):
    X_train, y_train, X_test, y_test = goemotions_slice
    search = GridSearchCV(factory(), {param: values}, cv=2, scoring="f1_macro", error_score="raise")
    search.fit(X_train, y_train)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == len(values)
    # the candidate with the best mean CV score wins and is refitted on all the data
    assert search.best_params_[param] == values[int(np.argmax(scores))]
    by_hand = factory().set_params(**search.best_params_).fit(X_train, y_train)
    predictions = search.predict(X_test)
    np.testing.assert_array_equal(predictions, by_hand.predict(X_test))
    # and it learned: the slice is balanced, so the majority class scores 1/7
    baseline = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    assert np.mean(predictions == y_test) > baseline.score(X_test, y_test) + 0.1
