"""Every example of the user guide (``docs/*.md``) runs as written.

How the examples of a Markdown file run (``tests/test_readme.py`` and
``tests/test_readme_cli.py`` run the README's the same way):

- each ```` ```python ```` block runs in this process as a script of its own (a fresh
  module), in an empty folder, on one torch thread;
- the ```` ```bash ```` blocks of one file run in order, in one empty folder, through
  the installed ``sklearn-emotion`` command; a ```` ```toml ```` block whose first line
  is ``# <name>.toml`` is written to that folder first;
- the environment variable ``RAVDESS_DIR`` names the RAVDESS clips of the data folder
  beside the repository, which the speech examples read;
- an example preceded by the line ``<!-- slow -->`` needs minutes and is marked slow
  (the fast lane, ``pytest -m "not slow"``, skips it; CI runs it);
- ```` ```text ```` blocks are listings, not examples; the README's set-up block
  (``make demo``, ``make test``) is what CI itself runs (``.ci/run``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import RAVDESS_SUBSET

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
RUNNABLE = ("python", "bash")
LANGUAGES = RUNNABLE + ("toml", "text")
SLOW_MARK = "<!-- slow -->"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", flags=re.S | re.M)

# the examples train small networks, which run faster on one torch thread on busy cores
pytestmark = pytest.mark.usefixtures("one_torch_thread")


class Example(NamedTuple):
    """One fenced block of a Markdown file."""

    path: Path
    line: int
    language: str
    code: str
    slow: bool

    @property
    def id(self) -> str:
        return f"{self.path.name}:{self.line}"


def examples(path: Path, language: str | None = None) -> list[Example]:
    """The fenced blocks of ``path`` (of one ``language``), in order."""
    text = path.read_text()
    found = []
    for match in _FENCE.finditer(text):
        before = text[:match.start()].rstrip().rsplit("\n", 1)[-1].strip()
        found.append(Example(path, text.count("\n", 0, match.start()) + 1, match.group(1),
                             match.group(2), before == SLOW_MARK))
    return [ex for ex in found if language is None or ex.language == language]


def is_setup_block(example: Example) -> bool:
    """The README's ``make demo`` / ``make test`` block: CI runs it (``.ci/run``)."""
    commands = [line.split("#")[0].strip() for line in example.code.strip().splitlines()]
    return (example.language == "bash" and bool(commands)
            and all(cmd.startswith("make ") for cmd in commands))


def missing_requirements(code: str) -> list[str]:
    """What an example needs that this machine lacks (plugins, the RAVDESS clips)."""
    needs = set(re.findall(r"\b(sklearn_emotion_\w+)", code))
    if "glove" in code or "pipeline text-audio-fusion" in code:
        needs.add("sklearn_emotion_glove")
    if re.search(r"MiniLM|SentenceVectorizer|TransformerClassifier|text-audio-fusion", code):
        needs.add("sklearn_emotion_minilm")
    if "text-audio-fusion" in code:
        needs.add("sklearn_emotion_audio")
    missing = sorted(name for name in needs if importlib.util.find_spec(name) is None)
    if "RAVDESS_DIR" in code and not RAVDESS_SUBSET.exists():
        missing.append(str(RAVDESS_SUBSET))
    return missing


def python_params(paths: list[Path]) -> list:
    """One ``pytest.param`` per Python example of ``paths``, the slow ones marked."""
    return [pytest.param(ex, id=ex.id, marks=[pytest.mark.slow] if ex.slow else [])
            for path in paths for ex in examples(path, "python")]


def bash_params(paths: list[Path]) -> list:
    """One ``pytest.param`` per file of ``paths`` with command-line examples, marked slow
    if one of them is."""
    return [pytest.param(path, id=path.name,
                         marks=[pytest.mark.slow] if any(ex.slow for ex in scripts) else [])
            for path in paths
            if (scripts := [ex for ex in examples(path, "bash") if not is_setup_block(ex)])]


def run_python(example: Example, folder: Path, monkeypatch) -> None:
    """Run one Python example in ``folder`` as a reader would, in a fresh namespace."""
    import sklearn_emotion

    missing = missing_requirements(example.code)
    if missing:
        pytest.skip(f"{example.id} needs {', '.join(missing)}")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("RAVDESS_DIR", str(RAVDESS_SUBSET))
    # a module of its own, as a script has: classes defined in the example pickle
    module = types.ModuleType("__docs__")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    config = sklearn_emotion.get_config()
    try:
        exec(compile(example.code, f"{example.path}:{example.line}", "exec"), vars(module))
    finally:
        sklearn_emotion.set_config(**config)


def run_bash(path: Path, folder: Path) -> list[str]:
    """Run the command-line examples of ``path`` in order in ``folder``; their outputs."""
    scripts = [ex for ex in examples(path, "bash") if not is_setup_block(ex)]
    missing = missing_requirements("\n".join(ex.code for ex in scripts))
    if missing:
        pytest.skip(f"the examples of {path.name} need {', '.join(missing)}")
    for toml in examples(path, "toml"):
        name = toml.code.splitlines()[0].lstrip("# ").strip()
        (folder / name).write_text(toml.code)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", RAVDESS_DIR=str(RAVDESS_SUBSET))
    outputs = []
    for script in scripts:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script.code], cwd=folder,
                                env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, (
            f"{script.id}\n{script.code}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        outputs.append(result.stdout)
    return outputs


@pytest.mark.parametrize("example", python_params(DOCS))
def test_python_example_runs(example, tmp_path, monkeypatch):
    run_python(example, tmp_path, monkeypatch)


def _check_command_line(folder: Path, outputs: list[str]) -> None:
    model = folder / "models" / "goemotions"
    assert json.loads((model / "card.json").read_text())["data"]["train"]["n_samples"] == 2000
    assert (model / "evaluations" / "goemotions-validation" / "report.html").exists()
    predictions = (folder / "predictions.csv").read_text().splitlines()
    assert predictions[0].startswith("text,label,proba_anger")
    # the quoted comma stays inside the text: two texts, two rows
    assert predictions[1].startswith('"thanks a lot, really",') and len(predictions) == 3
    assert '"label": ' in outputs[0]  # the JSON lines of the stdin example
    grid = json.loads((folder / "models" / "goemotions-grid" / "card.json").read_text())
    assert grid["grid_search"]["n_candidates"] == 3
    chars = json.loads((folder / "models" / "chars" / "card.json").read_text())
    assert chars["pipeline"]["name"] == "tfidf-chars"
    assert "TfidfBaselineClassifier" in outputs[-1]  # `sklearn-emotion plugins`


def _check_multilabel(folder: Path, outputs: list[str]) -> None:
    records = [json.loads(line) for line in outputs[0].splitlines() if line.startswith("{")]
    labels = json.loads((folder / "models" / "goemotions-28" / "card.json").read_text())["labels"]
    assert len(labels) == 28 and len(records) == 1
    assert set(records[0]["labels"]) <= set(labels)
    ids = json.loads((folder / "models" / "ids" / "card.json").read_text())
    assert sorted(ids["labels"]) == ["amusement", "gratitude"]


def _check_speech(folder: Path, outputs: list[str]) -> None:
    card = json.loads((folder / "models" / "speech" / "card.json").read_text())
    assert card["pipeline"]["name"] == "text-audio-fusion"


#: What the command-line examples of a guide page must have produced, beyond exit status 0.
CHECKS = {"command-line.md": _check_command_line, "multilabel.md": _check_multilabel,
          "speech.md": _check_speech}


@pytest.mark.parametrize("path", bash_params(DOCS))
def test_command_line_examples_run_as_written(path, tmp_path):
    outputs = run_bash(path, tmp_path)
    CHECKS.get(path.name, lambda *args: None)(tmp_path, outputs)


def test_every_check_has_its_page():
    assert set(CHECKS) <= {path.name for path in DOCS if examples(path, "bash")}


# ---- the structure of the guide -------------------------------------------------------

GUIDE = ["index.md", "text-models.md", "multilabel.md", "speech.md", "command-line.md",
         "scaling.md", "reliability-and-persistence.md", "plugins.md", "benchmarks.md",
         "architecture.md", "works-with.md", "speed.md", "few-shot.md", "explanations.md"]


def test_the_guide_has_its_pages_and_the_index_links_them_all():
    assert sorted(path.name for path in DOCS) == sorted(GUIDE)
    index = (ROOT / "docs" / "index.md").read_text()
    for name in GUIDE[1:]:
        assert f"]({name})" in index, name


@pytest.mark.parametrize("path", [README] + DOCS, ids=lambda path: path.name)
def test_every_block_is_an_example_or_a_listing(path):
    for example in examples(path):
        assert example.language in LANGUAGES, f"{example.id}: ```{example.language}"
        if example.language == "toml":
            assert re.fullmatch(r"# [\w.-]+\.toml", example.code.splitlines()[0]), example.id


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", [README] + DOCS, ids=lambda path: path.name)
def test_links_between_pages_resolve(path):
    text = _FENCE.sub("", path.read_text())
    for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text):
        if re.match(r"https?://", target):
            continue
        page = (path.parent / target).resolve() if target else path
        assert page.exists(), f"{path.name} links to {target}, which does not exist"
        if anchor:
            headings = re.findall(r"^#+ (.*)$", _FENCE.sub("", page.read_text()), flags=re.M)
            assert anchor in {_anchor(h) for h in headings}, f"{path.name}: {target}#{anchor}"


@pytest.mark.parametrize("path", [README] + DOCS, ids=lambda path: path.name)
def test_no_reference_outside_the_repository(path):
    text = path.read_text()
    assert "DESIGN.md" not in text
    assert not re.search(r"\.\./shared|/shared/|/work/", text), path.name


def test_the_architecture_names_modules_and_classes_that_exist():
    """The map follows the code: every file, folder and class it names is there."""
    import sklearn_emotion
    from sklearn_emotion import nn, plugin_api

    package = ROOT / "sklearn_emotion"
    names = set(re.findall(r"`([^`\s]+)`", (ROOT / "docs" / "architecture.md").read_text()))
    files = {name for name in names if re.fullmatch(r"[\w./]+(\.py|\.md|/)", name)}
    assert len(files) > 30
    for name in sorted(files):
        if "/" in name.rstrip("/"):
            assert (ROOT / name).exists() or (package / name).exists(), name
        else:
            assert (ROOT / name).exists() or any(package.rglob(name.rstrip("/"))), name
    classes = {name for name in names if re.fullmatch(r"[A-Z][a-z]\w+", name)} - {"Bunch"}
    assert len(classes) > 10
    for name in sorted(classes):
        assert any(hasattr(module, name) for module in (sklearn_emotion, plugin_api, nn)), name
