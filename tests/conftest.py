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


@pytest.fixture(scope="module")
def one_torch_thread():
    """One intra-op torch thread for a module (``pytestmark = usefixtures(...)``).

    Tiny nets trained many times run several times faster on one thread than on two
    busy cores (thread hand-offs dominate such nets).
    """
    import torch

    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


def save_tiny_bert(folder, corpus, *, vocab_size=300, hidden_size=16, intermediate_size=32,
                   max_position_embeddings=64):
    """Save a seeded one-layer BERT with a word-piece vocabulary learnt from ``corpus``.

    The folder looks like a hub model folder (weights, config, tokenizer), so the
    library's ``model=PATH`` loading is tested offline. Returns the folder as a string.
    """
    import torch
    import transformers
    from tokenizers import BertWordPieceTokenizer, processors

    pieces = BertWordPieceTokenizer(lowercase=True)
    pieces.train_from_iterator(list(corpus), vocab_size=vocab_size, show_progress=False)
    backend = pieces._tokenizer
    backend.post_processor = processors.BertProcessing(
        ("[SEP]", backend.token_to_id("[SEP]")), ("[CLS]", backend.token_to_id("[CLS]"))
    )
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]",
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )
    config = transformers.BertConfig(
        vocab_size=len(tokenizer), hidden_size=hidden_size, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=intermediate_size,
        max_position_embeddings=max_position_embeddings,
    )
    with torch.random.fork_rng():
        torch.manual_seed(0)
        transformers.BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


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


# Speech (issue 10): MFCCVectorizer lives in the plugin plugins/audio-mfcc (librosa).
audio_installed = importlib.util.find_spec("sklearn_emotion_audio") is not None
requires_audio = pytest.mark.skipif(
    not audio_installed, reason="plugin sklearn-emotion-audio-mfcc (librosa) not installed")


def pytest_collection_modifyitems(config, items):
    """Without the audio plugin, skip the tests of the built-in 'text-audio-fusion' pipeline.

    The core package imports and passes its tests without the plugin; only what needs
    MFCCVectorizer is skipped (the test files of the audio path skip themselves).
    """
    if audio_installed:
        return
    for item in items:
        if "text-audio-fusion" in item.nodeid:
            item.add_marker(requires_audio)


# Issue 8 (reliability): real speech features for FusionClassifier's persistence and
# reproducibility tests.
RAVDESS_SUBSET = SHARED_DATA / "ravdess_subset"


@pytest.fixture(scope="session")
def ravdess_fusion_features():
    """``({"text": GloVe means of the transcripts, "audio": MFCC statistics}, emotions)``."""
    import warnings

    audio = pytest.importorskip("sklearn_emotion_audio")
    estimators = pytest.importorskip("sklearn_emotion.estimators")
    if not (glove_installed and RAVDESS_SUBSET.exists()
            and hasattr(estimators, "FusionClassifier")):
        pytest.skip("needs GloVe, the audio plugin, FusionClassifier and the RAVDESS clips")
    from sklearn_emotion.datasets import load_ravdess
    from sklearn_emotion.vectorizers import WordVectorizer

    data = load_ravdess(RAVDESS_SUBSET)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        X = {"text": WordVectorizer("glove-6b-50d").fit_transform(list(data.data["text"])),
             "audio": audio.MFCCVectorizer().fit_transform(list(data.data["audio"]))}
    return X, np.asarray(data.target)
