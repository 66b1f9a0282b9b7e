"""The same random_state gives identical predictions across runs, for every estimator.

Each estimator is fitted twice on real GoEmotions texts with the same ``random_state``,
with the global torch and numpy random states deliberately moved in between (the
estimators seed their own streams and leave the global ones alone), and once in a
separate process: every ``predict_proba`` must be bit-identical on this CPU. What
differs on a GPU is documented in the README ("Reliability").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier, TransformerClassifier
from sklearn_emotion.text import TextCleaner
from sklearn_emotion.vectorizers import SentenceVectorizer, WordVectorizer

from conftest import glove_installed, minilm_installed

SMALL = dict(max_epochs=2, verbose=0)


def _pipelines():
    """(id, factory(random_state), needs); every estimator, and the trainable vectorizer."""
    return [
        ("FeedForwardClassifier", lambda rs: make_pipeline(
            WordVectorizer("glove-6b-50d"),
            FeedForwardClassifier(module__dropout=0.3, early_stopping=True, random_state=rs,
                                  **SMALL)), glove_installed),
        ("LSTMClassifier", lambda rs: make_pipeline(
            TextCleaner(), WordVectorizer("glove-6b-50d", pooling="ids", max_length=24),
            LSTMClassifier(module__hidden_size=16, random_state=rs, **SMALL)), glove_installed),
        ("WordVectorizer-word2vec+LSTMClassifier", lambda rs: make_pipeline(
            WordVectorizer("word2vec", pooling="sequence", vector_size=16, max_length=24,
                           random_state=rs),
            LSTMClassifier(module__hidden_size=8, random_state=rs, **SMALL)), True),
        pytest.param("SentenceVectorizer+FeedForwardClassifier", lambda rs: make_pipeline(
            SentenceVectorizer(), FeedForwardClassifier(random_state=rs, **SMALL)),
            minilm_installed, marks=pytest.mark.slow),
        pytest.param("TransformerClassifier", lambda rs: TransformerClassifier(
            "all-MiniLM-L6-v2", max_length=16, batch_size=7, warmup_steps=0, random_state=rs,
            **{**SMALL, "max_epochs": 1}), minilm_installed, marks=pytest.mark.slow),
    ]


def _ids(params):
    return [p.values[0] if hasattr(p, "values") else p[0] for p in params]


@pytest.fixture(scope="module")
def data(goemotions_slice):
    X, y, X_test, _ = goemotions_slice
    return X[:84], y[:84], X_test[:30]


def _fit_proba(factory, random_state, data, n_train):
    X, y, X_test = data
    X_test = X_test[: n_train // 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return factory(random_state).fit(X[:n_train], y[:n_train]).predict_proba(X_test)


@pytest.mark.parametrize("name, factory, available", _pipelines(), ids=_ids(_pipelines()))
def test_same_random_state_same_predictions(name, factory, available, data):
    if not available:
        pytest.skip(f"{name} needs a plugin that is not installed")
    n_train = 21 if name == "TransformerClassifier" else 84  # fine-tuning is slow
    first = _fit_proba(factory, 0, data, n_train)
    torch.rand(1000)  # move the global random states: the estimators must not use them
    np.random.rand(1000)
    global_state = torch.get_rng_state()
    second = _fit_proba(factory, 0, data, n_train)
    assert torch.equal(torch.get_rng_state(), global_state)  # and they leave them alone
    np.testing.assert_array_equal(first, second)
    other_seed = _fit_proba(factory, 1, data, n_train)
    assert not np.array_equal(first, other_seed)  # the seed matters: the test can fail


CHILD = textwrap.dedent(
    """
    import json, sys, warnings
    import numpy as np, torch
    torch.set_num_threads(int(sys.argv[1]))
    from sklearn.pipeline import make_pipeline
    from sklearn_emotion.datasets import load_goemotions
    from sklearn_emotion.estimators import LSTMClassifier
    from sklearn_emotion.text import TextCleaner
    from sklearn_emotion.vectorizers import WordVectorizer

    X, y = load_goemotions(subset="train", return_X_y=True)
    warnings.simplefilter("ignore")
    model = make_pipeline(
        TextCleaner(), WordVectorizer("glove-6b-50d", pooling="ids", max_length=24),
        LSTMClassifier(module__hidden_size=16, max_epochs=2, random_state=0, verbose=0),
    ).fit(list(X[:120]), np.asarray(y[:120]))
    print(json.dumps(model.predict_proba(list(X[120:150])).tolist()))
    """
)


@pytest.mark.skipif(not glove_installed, reason="GloVe plugin not installed")
@pytest.mark.slow
def test_two_processes_train_the_same_model(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(CHILD)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONHASHSEED": "random"}
    outputs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, str(script), str(torch.get_num_threads())],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]


def test_fusion_classifier_same_random_state_same_predictions(ravdess_fusion_features):
    from sklearn_emotion.estimators import FusionClassifier

    X, y = ravdess_fusion_features

    def proba(random_state):
        clf = FusionClassifier(module__hidden_dim=16, random_state=random_state, **SMALL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return clf.fit(X, y).predict_proba(X)

    first = proba(0)
    torch.rand(1000)
    np.testing.assert_array_equal(first, proba(0))
    assert not np.array_equal(first, proba(1))
