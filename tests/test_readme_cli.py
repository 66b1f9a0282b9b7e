"""The README's "Command line" examples run as written, through the installed command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def command_line_section() -> str:
    text = README.read_text()
    start = text.index("## Command line")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", command_line_section(), flags=re.S)


def test_the_section_has_examples():
    assert len(blocks("bash")) >= 3 and blocks("toml")
    commands = " ".join(blocks("bash"))
    for sub in ("train", "evaluate", "predict", "--grid", "--pipeline my-pipeline.toml"):
        assert sub in commands


@pytest.mark.slow
def test_command_line_examples_run_as_written(tmp_path):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    for toml in blocks("toml"):
        name = toml.splitlines()[0].lstrip("# ").strip()
        (tmp_path / name).write_text(toml)
    outputs = []
    for script in blocks("bash"):
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"
        outputs.append(result.stdout)
    model = tmp_path / "models" / "goemotions"
    assert json.loads((model / "card.json").read_text())["data"]["train"]["n_samples"] == 2000
    assert (model / "evaluations" / "goemotions-validation" / "report.html").exists()
    assert (tmp_path / "predictions.csv").read_text().startswith("text,label,proba_anger")
    assert '"label": ' in outputs[0]  # the JSON lines of the stdin example
    grid = json.loads((tmp_path / "models" / "goemotions-grid" / "card.json").read_text())
    assert grid["grid_search"]["n_candidates"] == 3
    chars = json.loads((tmp_path / "models" / "chars" / "card.json").read_text())
    assert chars["pipeline"]["name"] == "tfidf-chars"


@pytest.mark.parametrize("command", ["train", "evaluate", "predict", "plugins", "demo"])
def test_help_of_every_subcommand(command, capsys):
    from sklearn_emotion.cli import main

    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"usage: sklearn-emotion {command}" in capsys.readouterr().out
