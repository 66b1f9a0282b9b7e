"""Training survives a crash: TrainingCheckpoint + ResumeTraining.

The main test kills a real training run (GoEmotions texts, GloVe word ids, LSTM) with
SIGKILL in the middle of an epoch, resumes it from the checkpoint in a new process, and
checks that it ends exactly where an uninterrupted run with the same seed ends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest
from skorch.callbacks import Callback

from sklearn_emotion.estimators import FeedForwardClassifier
from sklearn_emotion.estimators.callbacks import ResumeTraining, TrainingCheckpoint
from sklearn_emotion.exceptions import InvalidInputError

from conftest import requires_glove, requires_minilm

CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    import numpy as np
    import torch
    torch.set_num_threads(1)
    from skorch.callbacks import Callback
    from sklearn.pipeline import make_pipeline
    from sklearn_emotion.datasets import load_goemotions
    from sklearn_emotion.estimators import LSTMClassifier
    from sklearn_emotion.estimators.callbacks import ResumeTraining, TrainingCheckpoint
    from sklearn_emotion.vectorizers import WordVectorizer

    checkpoint_dir, out, marker = sys.argv[1], sys.argv[2], sys.argv[3]

    class StallMidEpoch(Callback):
        # in epoch 3, after two batches: tell the parent, then wait to be killed
        def on_batch_end(self, net, training=False, **kwargs):
            batches = net.history[-1]["batches"]
            if marker != "-" and training and len(net.history) == 3 and len(batches) == 2:
                open(marker, "w").close()
                time.sleep(120)

    X, y = load_goemotions(subset="train", return_X_y=True)
    X, y = list(X[:400]), np.asarray(y[:400])
    callbacks = [StallMidEpoch()]
    if checkpoint_dir != "-":
        checkpoint = TrainingCheckpoint(dirname=checkpoint_dir)
        callbacks = [checkpoint, ResumeTraining(checkpoint)] + callbacks
    model = make_pipeline(
        WordVectorizer("glove-6b-50d", pooling="ids", max_length=32),
        LSTMClassifier(max_epochs=5, batch_size=32, early_stopping=True, n_iter_no_change=5,
                       module__hidden_size=32, random_state=7, verbose=0,
                       callbacks=callbacks),
    ).fit(X, y)
    net = model[-1]
    np.save(out + ".npy", model.predict_proba(X[:100]))
    with open(out + ".json", "w") as f:
        json.dump({"train_loss": net.history[:, "train_loss"],
                   "valid_loss": net.history[:, "valid_loss"],
                   "epochs": len(net.history)}, f)
    """
)


def _run(tmp_path, *args, wait=True):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(script), *map(str, args)]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


@requires_glove
@pytest.mark.slow
def test_killed_run_resumes_to_the_same_model(tmp_path):
    checkpoints, marker = tmp_path / "checkpoints", tmp_path / "stalled"
    child = _run(tmp_path, checkpoints, tmp_path / "killed", marker, wait=False)
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert child.poll() is None, child.communicate()[1].decode()[-3000:]
        assert time.monotonic() < deadline, "the training run never reached epoch 3"
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)  # mid-epoch: 2 of the batches of epoch 3 are done
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert (checkpoints / "latest").read_text() == "epoch-0002"
    assert not (tmp_path / "killed.npy").exists()

    _run(tmp_path, checkpoints, tmp_path / "resumed", "-")
    _run(tmp_path, "-", tmp_path / "uninterrupted", "-")

    resumed = json.loads((tmp_path / "resumed.json").read_text())
    uninterrupted = json.loads((tmp_path / "uninterrupted.json").read_text())
    assert resumed == uninterrupted
    assert resumed["epochs"] == 5
    np.testing.assert_array_equal(
        np.load(tmp_path / "resumed.npy"), np.load(tmp_path / "uninterrupted.npy")
    )
    assert (checkpoints / "latest").read_text() == "epoch-0005-final"


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 6)).astype("float32")
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=120) > 0, "joy", "sadness")
    return X, y


def _net(dirname, **params):
    checkpoint = TrainingCheckpoint(dirname=dirname)
    defaults = dict(max_epochs=4, batch_size=16, random_state=0, verbose=0,
                    callbacks=[checkpoint, ResumeTraining(checkpoint)])
    return FeedForwardClassifier(**{**defaults, **params})


def test_finished_run_is_loaded_not_retrained(tmp_path, data):
    X, y = data
    first = _net(tmp_path).fit(X, y)
    again = _net(tmp_path).fit(X, y)
    assert len(again.history) == len(first.history)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    state = json.loads((tmp_path / "epoch-0004-final" / "state.json").read_text())
    assert state["complete"] is True and state["epoch"] == 4


def test_checkpoint_of_another_run_is_refused(tmp_path, data):
    X, y = data
    _net(tmp_path).fit(X, y)
    with pytest.raises(InvalidInputError, match=r"written by another training run \(n_features_in"):
        _net(tmp_path).fit(X[:, :4], y)


def test_without_checkpoint_training_starts_from_scratch(tmp_path, data):
    X, y = data
    plain = FeedForwardClassifier(max_epochs=4, batch_size=16, random_state=0, verbose=0)
    checkpointed = _net(tmp_path / "new")
    np.testing.assert_array_equal(
        plain.fit(X, y).predict_proba(X), checkpointed.fit(X, y).predict_proba(X)
    )
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["epoch-0004-final", "latest"]


class _CrashInEpoch2(Callback):
    """Raises in the middle of epoch 2, as a crash would (in-process variant)."""

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == 2 and len(net.history[-1]["batches"]) == 2:
            raise RuntimeError("simulated crash")


@requires_minilm
@pytest.mark.slow
def test_fine_tuning_resumes_with_its_learning_rate_schedule(tmp_path, goemotions_slice):
    from sklearn_emotion.estimators import TransformerClassifier

    X, y = goemotions_slice[0][:28], goemotions_slice[1][:28]  # 3 training batches per epoch

    def make(callbacks):
        return TransformerClassifier(
            max_length=16, max_epochs=2, batch_size=7, warmup_steps=3, early_stopping=True,
            validation_fraction=0.25, random_state=0, verbose=0, callbacks=callbacks)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        uninterrupted = make(None).fit(X, y)
        checkpoint = TrainingCheckpoint(dirname=tmp_path)
        with pytest.raises(RuntimeError, match="simulated crash"):
            make([checkpoint, ResumeTraining(checkpoint), _CrashInEpoch2()]).fit(X, y)
        checkpoint = TrainingCheckpoint(dirname=tmp_path)
        resumed = make([checkpoint, ResumeTraining(checkpoint)]).fit(X, y)
    assert resumed.history[:, "train_loss"] == uninterrupted.history[:, "train_loss"]
    # the warmup/decay schedule continues where it stopped
    assert (resumed.history[-1, "batches", :, "event_lr"]
            == uninterrupted.history[-1, "batches", :, "event_lr"])
    np.testing.assert_array_equal(resumed.predict_proba(X), uninterrupted.predict_proba(X))
