"""The README's command-line quickstart runs as written, and every command has its help."""

from __future__ import annotations

import csv

import pytest

from test_docs import README, bash_params, examples, is_setup_block, run_bash


def test_the_quickstart_trains_and_predicts():
    commands = " ".join(ex.code for ex in examples(README, "bash") if not is_setup_block(ex))
    assert "sklearn-emotion train" in commands and "sklearn-emotion predict" in commands


@pytest.mark.parametrize("path", bash_params([README]))
def test_command_line_quickstart_runs_as_written(path, tmp_path):
    outputs = run_bash(path, tmp_path)
    model = tmp_path / "models" / "quickstart"
    assert (model / "card.json").exists() and (model / "report.html").exists()
    header, *rows = csv.reader(outputs[-1].strip().splitlines()[-3:])
    assert header[:3] == ["text", "label", "proba_anger"]
    assert [row[0] for row in rows] == ["I can't wait to see you!", "This is so unfair."]
    labels = [name.removeprefix("proba_") for name in header[2:]]
    assert all(row[1] in labels for row in rows)


@pytest.mark.parametrize("command", ["train", "evaluate", "predict", "plugins", "demo"])
def test_help_of_every_subcommand(command, capsys):
    from sklearn_emotion.cli import main

    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"usage: sklearn-emotion {command}" in capsys.readouterr().out
