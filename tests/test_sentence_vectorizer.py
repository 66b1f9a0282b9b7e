"""Tests of SentenceVectorizer with the bundled all-MiniLM-L6-v2 plugin."""

from __future__ import annotations

import json
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
from conftest import requires_minilm
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_emotion.exceptions import PluginNotFoundError
from sklearn_emotion.vectorizers import SentenceVectorizer

TEXTS = [
    "I can't believe how happy this makes me!",
    "This is the worst day of my life.",
    "[NAME] really scared me with that 😱",
    "ok",
]


@pytest.fixture(scope="module")
def fitted():
    return SentenceVectorizer(progress_bar=False).fit(TEXTS)


@pytest.fixture
def offline_hub(monkeypatch):
    """Make Hugging Face fail fast instead of retrying the network for a minute."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)


def test_init_loads_nothing():
    vec = SentenceVectorizer(model="no-org/no-such-model", batch_size=3)
    assert vec.get_params()["model"] == "no-org/no-such-model"
    assert not hasattr(vec, "encoder_")
    assert clone(vec).batch_size == 3
    with pytest.raises(NotFittedError):
        vec.transform(TEXTS)


def test_unknown_hub_model_lists_installed_encoders(offline_hub):
    with pytest.raises(PluginNotFoundError, match="Installed encoders plugins") as info:
        SentenceVectorizer(model="no-org/no-such-model").fit(TEXTS)
    assert "Hugging Face hub failed" in str(info.value)


def test_missing_local_path(tmp_path):
    with pytest.raises(PluginNotFoundError, match="existing local path"):
        SentenceVectorizer(model=str(tmp_path / "nothing.bin")).fit(TEXTS)


def test_invalid_parameter_message():
    with pytest.raises(ValueError, match="The 'batch_size' parameter of SentenceVectorizer"):
        SentenceVectorizer(batch_size=0).fit(TEXTS)


@requires_minilm
def test_shape_dtype_and_unit_norm(fitted):
    X = fitted.transform(TEXTS)
    assert X.shape == (4, 384) and X.dtype == np.float32
    assert fitted.n_features_out_ == 384 and fitted.n_features_in_ == 1
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    assert fitted.device_ == "cpu"


@requires_minilm
def test_similar_texts_are_closer(fitted):
    a, b, c = fitted.transform(["I am so happy", "I feel really glad", "The invoice is overdue"])
    assert a @ b > a @ c


@requires_minilm
def test_batch_size_does_not_change_the_output(fitted):
    small = clone(fitted).set_params(batch_size=1).fit(TEXTS)
    np.testing.assert_allclose(small.transform(TEXTS), fitted.transform(TEXTS), atol=1e-5)


@requires_minilm
def test_local_folder_path_equals_the_plugin(fitted):
    from sklearn_emotion.registry import resolve

    folder = resolve("encoders", "all-MiniLM-L6-v2").location
    by_path = SentenceVectorizer(model=folder).fit(TEXTS[:1])
    np.testing.assert_allclose(by_path.transform(TEXTS), fitted.transform(TEXTS), atol=1e-6)


@requires_minilm
def test_pandas_output_and_feature_names(fitted):
    names = fitted.get_feature_names_out()
    assert names[0] == "sentencevectorizer0" and len(names) == 384
    frame = clone(fitted).set_output(transform="pandas").fit(TEXTS).transform(pd.Series(TEXTS))
    assert isinstance(frame, pd.DataFrame) and frame.shape == (4, 384)


@requires_minilm
def test_joblib_round_trip_in_a_fresh_process(fitted, tmp_path):
    model, out = tmp_path / "model.joblib", tmp_path / "out.npy"
    joblib.dump(fitted, model)
    code = (
        "import json, sys, joblib, numpy as np; est = joblib.load(sys.argv[1]); "
        "np.save(sys.argv[2], est.transform(json.loads(sys.argv[3])))"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(model), str(out), json.dumps(TEXTS)],
        check=True,
        timeout=600,
    )
    np.testing.assert_array_equal(np.load(out), fitted.transform(TEXTS))


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="needs a machine without CUDA")
def test_a_model_fitted_on_a_gpu_loads_on_the_cpu(fitted):
    """The pickled encoder is a CPU copy, and an absent device falls back to the CPU."""
    import pickle

    from sklearn_emotion.exceptions import EmotionWarning

    fitted.device_ = "cuda"  # as after fit(device="cuda") on a GPU machine
    try:
        blob = pickle.dumps(fitted)
    finally:
        fitted.device_ = "cpu"
    with pytest.warns(EmotionWarning, match="fitted on 'cuda'.*loaded on the CPU"):
        loaded = pickle.loads(blob)
    assert loaded.device_ == "cpu"
    assert next(loaded.encoder_.parameters()).device.type == "cpu"
    np.testing.assert_array_equal(loaded.transform(TEXTS), fitted.transform(TEXTS))
