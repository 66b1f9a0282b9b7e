"""The README: its set-up commands, its length, its links and its Python examples."""

from __future__ import annotations

import re

import pytest

from test_docs import README, examples, is_setup_block, python_params, run_python

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_readme_starts_with_the_two_setup_commands():
    first_block = examples(README)[0]
    assert is_setup_block(first_block)
    commands = [line.split("#")[0].strip() for line in first_block.code.strip().splitlines()]
    assert commands == ["make demo", "make test"]


def test_readme_is_short_and_points_into_the_guide():
    text = README.read_text()
    assert len(text.splitlines()) <= 150
    for page in ("docs/index.md", "docs/command-line.md", "docs/architecture.md",
                 "docs/reliability-and-persistence.md"):
        assert f"]({page}" in text, page


def test_readme_documents_the_fast_lane():
    assert re.search(r'-m pytest -m "not slow"', README.read_text())


@pytest.mark.parametrize("example", python_params([README]))
def test_python_example_runs(example, tmp_path, monkeypatch):
    run_python(example, tmp_path, monkeypatch)
