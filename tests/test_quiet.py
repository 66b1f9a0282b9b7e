"""Quiet by default: no epoch table, no progress bar, no third-party loading bars.

``verbose=0`` is every network's default, as in scikit-learn; the log and the bars come
when asked for (``verbose=1``, ``progress_bar=True``), and the command line asks for them
on long work. transformers' "Loading weights" bar stays off unless ``progress_bar=True``.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from conftest import requires_minilm
from sklearn.model_selection import cross_val_score

from sklearn_emotion.estimators import (
    FeedForwardClassifier,
    FusionClassifier,
    LSTMClassifier,
    TransformerClassifier,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

NETS = [FeedForwardClassifier, LSTMClassifier, FusionClassifier, TransformerClassifier]


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 6)).astype(np.float32)
    return X, np.where(X[:, 0] > 0, "joy", "sadness")


@pytest.mark.parametrize("cls", NETS)
def test_verbose_defaults_to_zero(cls):
    assert inspect.signature(cls).parameters["verbose"].default == 0
    assert cls().verbose == 0


def test_default_fit_and_cross_validation_print_nothing(data, capfd):
    X, y = data
    FeedForwardClassifier(max_epochs=3).fit(X, y).predict(X)
    LSTMClassifier(max_epochs=2).fit(X.reshape(60, 3, 2), y)
    FusionClassifier(max_epochs=2).fit({"a": X[:, :3], "b": X[:, 3:]}, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # warnings are not printing
        scores = cross_val_score(FeedForwardClassifier(max_epochs=3), X, y, cv=3)
    assert np.isfinite(scores).all()
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_the_log_and_the_bar_come_when_asked_for(data, capfd):
    X, y = data
    FeedForwardClassifier(max_epochs=2, verbose=1).fit(X, y)
    out, _ = capfd.readouterr()
    assert "epoch" in out and "train_loss" in out  # skorch's epoch table
    FeedForwardClassifier(max_epochs=2, progress_bar=True).fit(X, y)
    _, err = capfd.readouterr()
    assert "it/s" in err or "%" in err  # the batches' progress bar, on stderr


def test_the_command_line_asks_for_the_log_on_long_work():
    from sklearn_emotion.cli._train import _configured_pipeline
    from sklearn_emotion.pipelines import get_pipeline_spec

    spec = get_pipeline_spec("minilm-mlp")
    loud, _ = _configured_pipeline(spec, [], 0, quiet=False)
    quiet, _ = _configured_pipeline(spec, [], 0, quiet=True)
    assert loud[-1].verbose == 1 and quiet[-1].verbose == 0


@requires_minilm
@pytest.mark.parametrize("name", ["SentenceVectorizer", "BertVectorizer"])
def test_loading_a_model_shows_no_progress_bar_unless_asked(name, capfd):
    from sklearn_emotion import vectorizers

    make = getattr(vectorizers, name)
    make(progress_bar=False).fit_transform(["so happy today"])
    make().fit_transform(["so happy today"])  # "auto": one text, no bar either
    out, err = capfd.readouterr()
    assert "Loading weights" not in err + out and err == "" and out == ""
    make(progress_bar=True).fit_transform(["so happy today"])
    _, err = capfd.readouterr()
    assert "Loading weights" in err  # asked for: transformers' own bar comes back


def test_hf_progress_restores_the_previous_setting():
    pytest.importorskip("transformers")
    from transformers.utils import logging

    from sklearn_emotion.utils._hf import hf_progress

    enabled = logging.is_progress_bar_enabled()
    with hf_progress(False):
        assert not logging.is_progress_bar_enabled()
    assert logging.is_progress_bar_enabled() == enabled
