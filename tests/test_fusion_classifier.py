"""FusionNet and FusionClassifier: dict input, inferred sizes, missing modalities, seeding.

The estimator tests train on real RAVDESS subset features (MFCC statistics of the clips
and TF-IDF of their transcripts) when the audio plugin is installed; the module tests
need nothing but torch.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from conftest import SHARED_DATA
from sklearn_emotion.datasets import load_ravdess
from sklearn_emotion.estimators import FusionClassifier
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.multimodal import ModalityUnion
from sklearn_emotion.nn import FusionNet

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SUBSET = SHARED_DATA / "ravdess_subset"


# ------------------------------------------------------------------------------ FusionNet


@pytest.mark.parametrize("fusion", ["concat", "gated", "attention"])
def test_fusion_net_shapes_and_gradients(fusion):
    net = FusionNet(input_dims={"text": 6, "audio": 4}, output_dim=3, hidden_dim=8,
                    fusion=fusion, n_heads=2, head_dims=(5,))
    logits = net(audio=torch.randn(7, 4), text=torch.randn(7, 6))  # any keyword order
    assert logits.shape == (7, 3)
    logits.sum().backward()
    assert all(p.grad is not None for p in net.branches.parameters())


def test_fusion_net_refuses_bad_arguments():
    with pytest.raises(ValueError, match="input_dims .* and output_dim are required"):
        FusionNet(output_dim=2)
    with pytest.raises(ValueError, match="fusion='gated' needs equal branch widths"):
        FusionNet({"text": 4, "audio": 3}, 2, hidden_dim={"text": 8, "audio": 4}, fusion="gated")
    with pytest.raises(ValueError, match="fusion must be one of"):
        FusionNet({"text": 4}, 2, fusion="sum")
    net = FusionNet({"text": 4, "audio": 3}, 2)
    with pytest.raises(ValueError, match=r"missing \['audio'\]"):
        net(text=torch.zeros(1, 4))


# ----------------------------------------------------------------------- FusionClassifier


@pytest.fixture(scope="module")
def ravdess():
    """Real subset features: {"text": TF-IDF of the transcript, "audio": MFCC-40 mean/std}."""
    pytest.importorskip("sklearn_emotion_audio")
    if not SUBSET.exists():
        pytest.skip(f"{SUBSET} not present")
    from sklearn_emotion_audio import MFCCVectorizer

    bunch = load_ravdess(SUBSET)
    union = ModalityUnion([("text", TfidfVectorizer(), "text"),
                           ("audio", MFCCVectorizer(), "audio")])
    return union.fit_transform(bunch.data), np.asarray(bunch.target), bunch


def _net(**params):
    return FusionClassifier(**{"module__hidden_dim": 32, "lr": 1e-2, "max_epochs": 40,
                               "early_stopping": False, "verbose": 0, "random_state": 0,
                               **params})


@pytest.fixture(scope="module")
def fitted(ravdess):
    X, y, _ = ravdess
    return _net().fit(X, y)


def test_fit_infers_sizes_and_learns(fitted, ravdess):
    X, y, _ = ravdess
    assert fitted.modalities_ == ("text", "audio")
    assert fitted.input_dims_ == {"text": X["text"].shape[1], "audio": 80}
    assert fitted.n_features_in_ == X["text"].shape[1] + 80
    assert fitted.classes_.tolist() == sorted(set(y))
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(y), 8)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert fitted.score(X, y) > 0.8  # 32 clips, 40 epochs: the net fits its training data
    assert isinstance(fitted.module_, FusionNet)


def test_refit_is_bit_identical_and_clone_is_unfitted(fitted, ravdess):
    X, y, _ = ravdess
    again = clone(fitted).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))
    assert not hasattr(clone(fitted), "modalities_")


def test_standardize_learns_per_modality_statistics(fitted, ravdess):
    X, _, _ = ravdess
    np.testing.assert_allclose(fitted.mean_["audio"], X["audio"].mean(axis=0), rtol=1e-4,
                               atol=1e-3)
    assert (fitted.scale_["audio"] > 0).all()


def test_missing_modality_raises_or_is_zero_filled_on_request(fitted, ravdess):
    X, y, _ = ravdess
    with pytest.raises(InvalidInputError, match=r"X lacks the modalities \['text'\].*"
                                                "missing_modality='zero'"):
        fitted.predict({"audio": X["audio"]})
    zero = _net(missing_modality="zero").fit(X, y)
    only_audio = zero.predict_proba({"audio": X["audio"]})
    # zero-filling means "the average transcript": the training mean of the text branch
    mean_text = np.repeat(zero.mean_["text"][None, :], len(y), axis=0)
    np.testing.assert_allclose(only_audio,
                               zero.predict_proba({"text": mean_text, "audio": X["audio"]}),
                               rtol=1e-5, atol=1e-6)


def test_bad_dict_input_is_refused_with_clear_errors(fitted, ravdess):
    X, y, _ = ravdess
    with pytest.raises(InvalidInputError, match="one row per sample"):
        _net().fit({"text": X["text"], "audio": X["audio"][:-1]}, y)
    with pytest.raises(InvalidInputError, match="not seen in fit"):
        fitted.predict({**X, "video": X["audio"]})
    with pytest.raises(ValueError, match=r"modality widths \{'audio': 79\}.*expecting"):
        fitted.predict({"text": X["text"], "audio": X["audio"][:, 1:]})
    with pytest.raises(InvalidInputError, match="sparse matrix"):
        _net().fit({"text": sparse.csr_matrix(X["text"]), "audio": X["audio"]}, y)
    bad = X["audio"].copy()
    bad[0, 0] = np.nan
    with pytest.raises(InvalidInputError, match="NaN"):
        _net().fit({"text": X["text"], "audio": bad}, y)
    with pytest.raises(InvalidInputError, match="empty dict"):
        _net().fit({}, y)


def test_a_plain_array_is_one_modality(ravdess):
    X, y, _ = ravdess
    clf = _net(max_epochs=5).fit(X["audio"], y)
    assert clf.modalities_ == ("features",) and clf.n_features_in_ == 80
    assert clf.predict(X["audio"][:3]).shape == (3,)
    with pytest.raises(InvalidInputError, match="fitted on the modalities"):
        _net(max_epochs=2).fit(X, y).predict(X["audio"])


@pytest.mark.parametrize("fusion", ["gated", "attention"])
def test_other_fusions_train(fusion, ravdess):
    X, y, _ = ravdess
    clf = _net(module__fusion=fusion, module__n_heads=2, max_epochs=60).fit(X, y)
    assert clf.module_.fusion == fusion
    assert clf.score(X, y) > 0.5
