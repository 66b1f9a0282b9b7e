"""The model folder: atomic replacement, refusal to overwrite user data, loading."""

from __future__ import annotations

import json
import os
import pickle

import joblib
import pytest
from sklearn.dummy import DummyClassifier

from sklearn_emotion import io
from sklearn_emotion.exceptions import (DataNotFoundError, InvalidInputError, LegacyModelError,
                                        ModelFileError, UnsupportedModelError)
from sklearn_emotion.model_dir import (atomic_dir, evaluate_predictions, is_model_dir,
                                       load_model_dir, save_model_dir)


def _model(label="joy"):
    return DummyClassifier(strategy="constant", constant=label).fit([[0], [1]], [label, "fear"])


def test_save_and_load(tmp_path):
    y_true = ["joy", "fear", "joy", "anger"]
    y_pred = ["joy", "joy", "joy", "anger"]
    evaluation = evaluate_predictions(y_true, y_pred, ["anger", "fear", "joy"],
                                      texts=["a", "b", "c", "d"])
    out = save_model_dir(tmp_path / "m", _model(), {"labels": ["fear", "joy"]},
                         evaluation=evaluation, extra_files={"extra.csv": b"a,b\n"})
    model, card = load_model_dir(out)
    assert model.predict([[0]])[0] == "joy"
    assert card["metrics"]["accuracy"] == 0.75
    assert card["metrics"]["confused_pairs"] == [
        {"true": "fear", "predicted": "joy", "count": 1, "share_of_true": 1.0}]
    assert set(card["files"]) == {p.name for p in out.iterdir()}
    assert "model.zip" in card["files"] and not (out / "model.joblib").exists()
    # the model is in the safe format, loadable on its own without trusted=
    assert io.read_manifest(out / "model.zip")["classes"] == ["fear", "joy"]
    assert io.load(out / "model.zip").predict([[0]])[0] == "joy"
    assert json.loads((out / "metrics.json").read_text())["n_samples"] == 4
    assert is_model_dir(out)
    assert oct(os.stat(out / "card.json").st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_failed_save_keeps_the_previous_model(tmp_path):
    out = tmp_path / "m"
    save_model_dir(out, _model("joy"), {"labels": ["joy"]})

    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("disk full")

    with pytest.raises(UnsupportedModelError, match="store this model safely: RuntimeError: "
                                                    "disk full"):
        save_model_dir(out, Unpicklable(), {"labels": ["x"]})
    model, card = load_model_dir(out)
    assert model.predict([[0]])[0] == "joy" and card["labels"] == ["joy"]
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # the temporary folder is gone


def test_atomic_dir_replaces_only_model_folders(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with atomic_dir(empty) as tmp:
        (tmp / "card.json").write_text("{}")
    assert (empty / "card.json").exists()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(InvalidInputError, match="refusing to replace it"):
        with atomic_dir(precious):
            pass
    assert (precious / "thesis.tex").read_text() == "years of work"
    with pytest.raises(InvalidInputError, match="not a sklearn-emotion model folder"):
        save_model_dir(tmp_path / "precious" / "thesis.tex", _model(), {})


def test_load_errors(tmp_path):
    with pytest.raises(DataNotFoundError, match="does not exist. Train one with"):
        load_model_dir(tmp_path / "nope")
    with pytest.raises(DataNotFoundError, match="has no model.zip"):
        load_model_dir(tmp_path)


class _Exploit:
    """What a malicious pickle does: run a command when it is unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_folder_of_an_earlier_version_is_refused_with_how_to_convert(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    joblib.dump(_model("joy"), folder / "model.joblib")
    (folder / "card.json").write_text(json.dumps({"labels": ["fear", "joy"]}))
    assert is_model_dir(folder)  # so `train --out old` may replace it
    with pytest.raises(LegacyModelError) as info:
        load_model_dir(folder)
    message = str(info.value)
    assert "model.joblib' is a pickle" in message and "no longer loads pickles" in message
    assert "sklearn-emotion train --data FILE --out" in message
    assert f"sklearn_emotion.io.save(model, '{folder / 'model.zip'}')" in message
    # following the message (in a session that trusts the file) converts the folder
    io.save(joblib.load(folder / "model.joblib"), folder / "model.zip")
    model, card = load_model_dir(folder)
    assert model.predict([[0]])[0] == "joy" and card["labels"] == ["fear", "joy"]


@pytest.mark.parametrize("name", ["model.joblib", "model.pkl"])
def test_a_pickle_is_never_unpickled(tmp_path, name):
    marker = tmp_path / "pwned"
    folder = tmp_path / "crafted"
    folder.mkdir()
    (folder / "model.joblib").write_bytes(pickle.dumps(_Exploit(marker)))
    (tmp_path / name).write_bytes(pickle.dumps(_Exploit(marker)))
    for path in (folder, tmp_path / name):
        with pytest.raises(LegacyModelError, match="no longer loads pickles"):
            load_model_dir(path)
    # a pickle renamed model.zip is no model file either
    (folder / "model.zip").write_bytes(pickle.dumps(_Exploit(marker)))
    with pytest.raises(ModelFileError, match="not a sklearn-emotion model file"):
        load_model_dir(folder)
    assert not marker.exists()
