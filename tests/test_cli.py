"""The command line: demo end to end on a small real sample, and the plugins listing."""

from __future__ import annotations

import json

import joblib
import pytest

from conftest import requires_minilm
from sklearn_emotion.cli import main


def test_plugins_lists_every_kind(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    for name in ("WordVectorizer", "FeedForwardClassifier", "goemotions"):
        assert name in out


def test_unknown_subcommand_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.slow
@requires_minilm
def test_demo_trains_evaluates_saves_and_predicts(tmp_path, capsys):
    out = tmp_path / "demo"
    status = main(["demo", "--out", str(out), "--max-train", "700", "--max-test", "210",
                   "--no-progress"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "accuracy" in printed.lower() and "macro" in printed.lower()
    assert "Predictions for example sentences" in printed

    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == 700 and metrics["n_test"] == 210
    # 7 classes: chance is about 0.14 accuracy; a working model on real data does far better
    assert metrics["accuracy"] > 0.3
    png = (out / "confusion_matrix.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000

    model = joblib.load(out / "model.joblib")
    assert set(model.classes_) == {"anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"}
    assert model.predict(["I am so happy for you!"])[0] == "joy"
