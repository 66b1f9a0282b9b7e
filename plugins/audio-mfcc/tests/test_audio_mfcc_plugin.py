"""The plugin contract on real RAVDESS clips (behaviour: tests/test_audio_mfcc.py)."""

import os
from pathlib import Path

import numpy as np
import pytest

from sklearn_emotion import registry
from sklearn_emotion.testing import check_plugin

SHARED_DATA = Path(os.environ.get("SKLEARN_EMOTION_SHARED_DATA",
                                  Path(__file__).resolve().parents[4] / "shared" / "data"))
SUBSET = SHARED_DATA / "ravdess_subset"


@pytest.mark.skipif(not SUBSET.exists(), reason=f"{SUBSET} not present")
def test_honours_the_plugin_contract():
    clips = sorted(SUBSET.glob("03-01-0[1-4]-01-01-01-0[12].wav"))
    labels = np.array([p.name.split("-")[2] for p in clips])
    results = check_plugin("sklearn-emotion-audio-mfcc", X=[str(p) for p in clips], y=labels,
                           params={"MFCCVectorizer": {"n_mfcc": 13}})
    assert {r.check for r in results} >= {"metadata", "loads", "pickle round trip"}


def test_metadata():
    info = registry.plugin_metadata("vectorizers", "MFCCVectorizer")
    assert (info["package"], info["licence"]) == ("sklearn-emotion-audio-mfcc", "Apache-2.0")
    assert "librosa" in info["description"]


def test_a_one_column_dataframe_names_its_column():
    """As sklearn's transformers: feature_names_in_ from a DataFrame, none from a list."""
    import pandas as pd

    from sklearn_emotion_audio import MFCCVectorizer

    paths = ["a.wav", "b.wav"]  # fit only checks the clips' types; nothing is decoded
    vec = MFCCVectorizer().fit(pd.DataFrame({"audio": paths}))
    assert vec.n_features_in_ == 1 and vec.feature_names_in_.tolist() == ["audio"]
    assert not hasattr(vec.fit(paths), "feature_names_in_")  # a refit forgets it
