"""load_ravdess and load_audio_folder on the real RAVDESS subset (no audio decoding needed)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import SHARED_DATA
from sklearn_emotion.datasets import load_audio_folder, load_ravdess
from sklearn_emotion.exceptions import DataNotFoundError, InvalidInputError

SUBSET = SHARED_DATA / "ravdess_subset"
pytestmark = pytest.mark.skipif(not SUBSET.exists(), reason=f"{SUBSET} not present")


def test_load_ravdess_reads_labels_transcripts_and_actors_from_file_names():
    bunch = load_ravdess(SUBSET)
    assert list(bunch.data.columns) == ["audio", "text", "speaker"]
    assert len(bunch.data) == len(bunch.target) == len(list(SUBSET.glob("*.wav")))
    emotions, counts = np.unique(bunch.target, return_counts=True)
    assert emotions.tolist() == bunch.target_names and len(emotions) == 8
    assert counts.min() == counts.max()  # the subset is balanced
    for path, text, emotion, actor in zip(bunch.data["audio"], bunch.data["text"],
                                          bunch.target, bunch.groups):
        fields = path.rsplit("/", 1)[1].split(".")[0].split("-")
        assert text == {"01": "Kids are talking by the door",
                        "02": "Dogs are sitting by the door"}[fields[4]]
        assert int(fields[6]) == actor
        assert {"01": "neutral", "05": "angry", "08": "surprised"}.get(fields[2], emotion) == \
            emotion
    assert sorted(set(bunch.groups)) == [1, 2]
    assert bunch.data["speaker"].tolist() == bunch.groups.tolist()
    assert "RAVDESS" in bunch.DESCR


def test_load_ravdess_agrees_with_the_shipped_labels_table():
    import pandas as pd

    bunch = load_ravdess(SUBSET, as_frame=True)
    table = pd.read_csv(SUBSET / "labels.csv")
    merged = bunch.frame.assign(filename=bunch.frame["audio"].str.rsplit("/", n=1).str[1])
    merged = merged.merge(table, on="filename", suffixes=("", "_csv"))
    assert len(merged) == len(table)
    assert (merged["emotion"] == merged["emotion_csv"]).all()
    assert (merged["text"] == merged["statement_csv"]).all()
    assert (merged["sex"] == merged["sex_csv"]).all()
    X, y = load_ravdess(SUBSET, return_X_y=True)
    assert X.shape == (len(table), 3) and isinstance(y, np.ndarray)


def test_load_ravdess_errors(tmp_path):
    with pytest.raises(DataNotFoundError, match="could not find the folder"):
        load_ravdess(tmp_path / "nowhere")
    with pytest.raises(DataNotFoundError, match="expects a folder"):
        load_ravdess(next(SUBSET.glob("*.wav")))
    (tmp_path / "hello.wav").write_bytes(b"")
    with pytest.raises(DataNotFoundError, match=r"no RAVDESS clip.*hello\.wav"):
        load_ravdess(tmp_path)
    with pytest.raises(DataNotFoundError, match="no RAVDESS clip \\(song\\)"):
        load_ravdess(SUBSET, vocal_channel="song")
    with pytest.raises(ValueError, match="'vocal_channel' parameter"):
        load_ravdess(SUBSET, vocal_channel="speech-only")


def test_load_audio_folder_with_the_labels_table():
    bunch = load_audio_folder(SUBSET, SUBSET / "labels.csv", as_frame=True)
    assert list(bunch.data.columns) == ["audio", "text", "speaker"]
    statements = ["Kids are talking by the door", "Dogs are sitting by the door"]
    assert bunch.data["text"].isin(statements).all()
    ravdess = load_ravdess(SUBSET)
    assert sorted(bunch.data["audio"]) == sorted(ravdess.data["audio"])
    by_path = dict(zip(ravdess.data["audio"], ravdess.target))
    assert [by_path[p] for p in bunch.data["audio"]] == bunch.target.tolist()
    assert sorted(set(bunch.groups)) == ["1", "2"]


def test_load_audio_folder_errors(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    clip = next(SUBSET.glob("*.wav"))
    shutil.copy(clip, folder / "a.wav")
    (folder / "labels.csv").write_text("file,emotion\na.wav,joy\nb.wav,sad\nc.wav,sad\n")
    with pytest.raises(DataNotFoundError, match=r"lists 2 clips that do not exist.*b\.wav"):
        load_audio_folder(folder)
    (folder / "labels.csv").write_text("file,feeling\na.wav,joy\n")
    with pytest.raises(InvalidInputError, match="no label column.*'feeling'"):
        load_audio_folder(folder)
    X, y = load_audio_folder(folder, label_column="feeling", return_X_y=True)
    assert list(X.columns) == ["audio"] and y.tolist() == ["joy"]
    (folder / "labels.csv").write_text("file,emotion\na.wav, \n")
    with pytest.raises(InvalidInputError, match="1 rows have no label"):
        load_audio_folder(folder)
    with pytest.raises(DataNotFoundError, match="labels table"):
        load_audio_folder(folder, folder / "other.csv")
