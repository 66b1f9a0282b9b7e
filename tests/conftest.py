"""Shared fixtures: seeds, real data slices, and flags for optional plugins."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

# No machine here reaches a model hub: fail fast instead of retrying for a minute.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARED_DATA = Path(
    os.environ.get("SKLEARN_EMOTION_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
)
DAIR_PATH = SHARED_DATA / "dair_emotion"
GOEMOTIONS_PATH = SHARED_DATA / "goemotions"

glove_installed = importlib.util.find_spec("sklearn_emotion_glove") is not None
minilm_installed = importlib.util.find_spec("sklearn_emotion_minilm") is not None

requires_glove = pytest.mark.skipif(
    not glove_installed, reason="plugin sklearn-emotion-glove-6b-50d not installed")
requires_minilm = pytest.mark.skipif(
    not minilm_installed, reason="plugin sklearn-emotion-minilm not installed")
requires_dair = pytest.mark.skipif(not DAIR_PATH.exists(), reason=f"{DAIR_PATH} not present")


@pytest.fixture(autouse=True)
def _seed():
    import torch

    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture(scope="session")
def goemotions_slice():
    """A small, class-balanced slice of real GoEmotions (Ekman, single-label) train/test data."""
    from sklearn_emotion.datasets import load_goemotions

    def take(subset, per_class):
        X, y = load_goemotions(subset=subset, return_X_y=True)
        X, y = np.asarray(X, dtype=object), np.asarray(y)
        keep = np.concatenate([np.flatnonzero(y == c)[:per_class] for c in np.unique(y)])
        keep.sort()
        return list(X[keep]), y[keep]

    X_train, y_train = take("train", 30)
    X_test, y_test = take("test", 10)
    return X_train, y_train, X_test, y_test
