"""The model folder: atomic replacement, refusal to overwrite user data, loading."""

from __future__ import annotations

import json
import os

import pytest
from sklearn.dummy import DummyClassifier

from sklearn_emotion.exceptions import DataNotFoundError, InvalidInputError
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

    with pytest.raises(RuntimeError, match="disk full"):
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
    with pytest.raises(DataNotFoundError, match="has no model.joblib"):
        load_model_dir(tmp_path)
