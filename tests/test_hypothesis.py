"""Property tests: any unicode text goes through every vectorizer and estimator.

Hypothesis generates lists of arbitrary strings (every unicode category except lone
surrogates, which are not valid unicode and are refused with a clear error, see
test_reliability.py): empty strings, whitespace, control characters, emoji, combining
marks, right-to-left scripts, very long words. ``transform`` and ``predict`` must
return one finite row per text and never raise. Example counts are kept small so the
module stays fast; the models are fitted once per module on real GoEmotions texts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.pipeline import make_pipeline

from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier, TransformerClassifier
from sklearn_emotion.text import TextCleaner
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

from conftest import glove_installed, minilm_installed

TEXTS = st.lists(st.text(max_size=200), min_size=1, max_size=4)
SETTINGS = settings(
    max_examples=10, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _train(goemotions_slice, n=42):
    X, y, _, _ = goemotions_slice
    return X[:n], y[:n]


def _models(goemotions_slice):
    X, y = _train(goemotions_slice)
    small = dict(max_epochs=1, random_state=0, verbose=0)
    models = {"TextCleaner": lambda: TextCleaner().fit(X)}
    if glove_installed:
        models["WordVectorizer-mean"] = lambda: WordVectorizer("glove-6b-50d").fit(X)
        models["WordVectorizer-ids+LSTMClassifier"] = lambda: make_pipeline(
            TextCleaner(), WordVectorizer("glove-6b-50d", pooling="ids", max_length=16),
            LSTMClassifier(module__hidden_size=8, **small)).fit(X, y)
        models["WordVectorizer-sequence+LSTMClassifier"] = lambda: make_pipeline(
            WordVectorizer("glove-6b-50d", pooling="sequence", max_length=16),
            LSTMClassifier(module__hidden_size=8, **small)).fit(X, y)
        models["WordVectorizer-max+FeedForwardClassifier"] = lambda: make_pipeline(
            WordVectorizer("glove-6b-50d", pooling="max"), FeedForwardClassifier(**small)
        ).fit(X, y)
    if minilm_installed:
        models["SentenceVectorizer+FeedForwardClassifier"] = lambda: make_pipeline(
            SentenceVectorizer(), FeedForwardClassifier(**small)).fit(X, y)
        models["BertVectorizer"] = lambda: BertVectorizer(
            "all-MiniLM-L6-v2", max_length=32).fit(X)
        models["TransformerClassifier"] = lambda: TransformerClassifier(
            "all-MiniLM-L6-v2", max_length=32, batch_size=16, warmup_steps=0, **small
        ).fit(X[:21], y[:21])
    return models


MODEL_NAMES = [
    "TextCleaner", "WordVectorizer-mean", "WordVectorizer-ids+LSTMClassifier",
    "WordVectorizer-sequence+LSTMClassifier", "WordVectorizer-max+FeedForwardClassifier",
    "BertVectorizer",
    # the two slowest (a MiniLM forward pass per example, and fine-tuning to set up)
    pytest.param("SentenceVectorizer+FeedForwardClassifier", marks=pytest.mark.slow),
    pytest.param("TransformerClassifier", marks=pytest.mark.slow),
]


@pytest.fixture(scope="module")
def fitted(goemotions_slice):
    cache, factories = {}, _models(goemotions_slice)

    def get(name):
        if name not in factories:
            pytest.skip(f"{name} needs a plugin that is not installed")
        if name not in cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[name] = factories[name]()
        return cache[name]

    return get


def _rows(out):
    if isinstance(out, dict):  # sequence output of WordVectorizer
        return len(out["lengths"])
    return len(out)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_any_unicode_text_is_handled(fitted, name):
    model = fitted(name)
    is_classifier = hasattr(model, "predict")

    @SETTINGS
    @given(texts=TEXTS)
    def check(texts):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "no token with a vector" for emoji-only texts
            if is_classifier:
                proba = model.predict_proba(texts)
                assert proba.shape == (len(texts), len(model.classes_))
                assert np.isfinite(proba).all()
                np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
                assert set(model.predict(texts)) <= set(model.classes_)
            else:
                out = model.transform(texts)
                assert _rows(out) == len(texts)
                if isinstance(out, np.ndarray) and out.dtype.kind == "f":
                    assert np.isfinite(out).all()

    check()
