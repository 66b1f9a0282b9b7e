"""Tests of BertVectorizer with the bundled all-MiniLM-L6-v2 plugin (6 layers, 384 dims)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
from conftest import requires_minilm
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_emotion.exceptions import EmotionWarning, PluginNotFoundError
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer

TEXTS = [
    "I can't believe how happy this makes me!",
    "This is the worst day of my life, honestly the worst.",
    "[NAME] really scared me with that 😱",
    "ok",
    "",
]


@pytest.fixture(scope="module")
def cls_vec():
    return BertVectorizer(progress_bar=False).fit(TEXTS)


@pytest.fixture(scope="module")
def mean_vec():
    return BertVectorizer(pooling="mean", progress_bar=False).fit(TEXTS[:1])


def test_init_loads_nothing():
    vec = BertVectorizer(model="no-org/no-such-model", layer=99)
    assert not hasattr(vec, "model_")
    assert clone(vec).layer == 99
    with pytest.raises(NotFittedError):
        vec.transform(TEXTS)


def test_unknown_hub_model_lists_installed_encoders(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # fail fast
    with pytest.raises(PluginNotFoundError, match="Installed encoders plugins"):
        BertVectorizer(model="no-org/no-such-model").fit(TEXTS)


def test_invalid_pooling_message():
    with pytest.raises(ValueError, match="The 'pooling' parameter of BertVectorizer must be a str"):
        BertVectorizer(pooling="max").fit(TEXTS)


@requires_minilm
def test_shapes_and_attributes(cls_vec):
    X = cls_vec.transform(TEXTS)
    assert X.shape == (5, 384) and X.dtype == np.float32
    assert cls_vec.n_features_out_ == 384 and cls_vec.n_layers_ == 6
    assert not cls_vec.model_.training
    assert cls_vec.get_feature_names_out()[0] == "bertvectorizer0"


@requires_minilm
def test_cls_and_mean_pooling_differ(cls_vec, mean_vec):
    assert not np.allclose(cls_vec.transform(TEXTS), mean_vec.transform(TEXTS), atol=1e-3)


@requires_minilm
def test_mean_pooling_reproduces_sentence_transformers(mean_vec):
    """all-MiniLM-L6-v2's own pooling is the masked mean of the last layer, then L2 norm."""
    bert = mean_vec.transform(TEXTS)
    bert /= np.linalg.norm(bert, axis=1, keepdims=True)
    sentence = SentenceVectorizer(normalize=False, progress_bar=False).fit(TEXTS).transform(TEXTS)
    np.testing.assert_allclose(bert, sentence, atol=1e-5)


@requires_minilm
def test_padding_does_not_leak_into_the_output(mean_vec):
    """Batches mix lengths; one text per batch must give the same vectors."""
    alone = clone(mean_vec).set_params(batch_size=1).fit(TEXTS[:1])
    np.testing.assert_allclose(alone.transform(TEXTS), mean_vec.transform(TEXTS), atol=1e-5)


@requires_minilm
def test_layer_choice(cls_vec):
    last = cls_vec.transform(TEXTS)
    six = clone(cls_vec).set_params(layer=6).fit(TEXTS[:1]).transform(TEXTS)
    np.testing.assert_allclose(six, last, atol=1e-5)  # layer 6 of 6 is the last one
    middle = clone(cls_vec).set_params(layer=-4).fit(TEXTS[:1]).transform(TEXTS)
    assert not np.allclose(middle, last, atol=1e-3)
    embeddings = clone(cls_vec).set_params(layer=0).fit(TEXTS[:1]).transform(TEXTS)
    np.testing.assert_allclose(embeddings, embeddings[[0]].repeat(5, axis=0), atol=1e-6)
    with pytest.raises(ValueError, match="has 6 layers"):
        clone(cls_vec).set_params(layer=7).fit(TEXTS)


@requires_minilm
def test_max_length_above_the_model_limit():
    with pytest.raises(ValueError, match="handles at most 512 tokens"):
        BertVectorizer(max_length=1024).fit(TEXTS)


@requires_minilm
def test_truncation_warns_once_with_the_count(cls_vec):
    short = clone(cls_vec).set_params(max_length=8).fit(TEXTS[:1])
    with pytest.warns(EmotionWarning, match="truncated 3 of 5 texts to max_length=8") as record:
        X = short.transform(TEXTS)
    assert len(record) == 1 and X.shape == (5, 384)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls_vec.transform(TEXTS)  # max_length=128: nothing truncated, no warning


@requires_minilm
def test_joblib_round_trip_in_a_fresh_process(mean_vec, tmp_path):
    model, out = tmp_path / "model.joblib", tmp_path / "out.npy"
    joblib.dump(mean_vec, model)
    code = (
        "import json, sys, joblib, numpy as np; est = joblib.load(sys.argv[1]); "
        "np.save(sys.argv[2], est.transform(json.loads(sys.argv[3])))"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(model), str(out), json.dumps(TEXTS)],
        check=True,
        timeout=600,
    )
    np.testing.assert_allclose(np.load(out), mean_vec.transform(TEXTS), atol=1e-6)
