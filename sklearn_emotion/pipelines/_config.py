"""Pipelines described in TOML or YAML files, and resolving ``--pipeline NAME|FILE`` to a spec.

See :mod:`sklearn_emotion.pipelines` for the file format.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path

from .._optional import import_optional
from ..exceptions import DataNotFoundError, InvalidInputError, PluginNotFoundError
from ._builtin import PIPELINES
from ._specs import STEP_KEYS, PipelineSpec, StepSpec, is_config_path

__all__ = ["get_pipeline_spec", "load_pipeline_config"]

_STEP_KINDS = ("vectorizers", "estimators")
_TOP_KEYS = {"name", "description", "steps", "grid"}


def get_pipeline_spec(name: str | os.PathLike) -> PipelineSpec:
    """The :class:`PipelineSpec` of a built-in pipeline name or a TOML/YAML config file.

    Raises
    ------
    PluginNotFoundError
        For an unknown pipeline name; the message suggests the closest name.
    DataNotFoundError
        For a config file that does not exist.
    InvalidInputError
        For a config file that cannot be parsed or is not a valid pipeline.
    """
    if isinstance(name, PipelineSpec):
        return name
    if is_config_path(name) or Path(name).is_file():
        return load_pipeline_config(name)
    if name in PIPELINES:
        return PIPELINES[name]
    close = difflib.get_close_matches(str(name), list(PIPELINES), n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise PluginNotFoundError(
        f"Unknown pipeline {str(name)!r}.{hint} Built-in pipelines: "
        f"{', '.join(sorted(PIPELINES))}; or pass a pipeline config file (.toml, .yaml)."
    )


def _read_config(path: Path) -> dict:
    if path.suffix.lower() == ".toml":
        try:
            with path.open("rb") as fh:
                return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInputError(f"Pipeline config {str(path)!r} is not valid TOML: {exc}.")
    yaml = import_optional("yaml", feature="Reading YAML pipeline configs")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"Pipeline config {str(path)!r} is not valid YAML: {exc}")
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"Pipeline config {str(path)!r} must be a mapping with a 'steps' list; "
            f"got {type(data).__name__}."
        )
    return data


def load_pipeline_config(path: str | os.PathLike) -> PipelineSpec:
    """Read a pipeline config file (TOML, or YAML when PyYAML is installed).

    See the module docstring for the format. Plugins are not loaded here: only the
    structure is checked; :func:`build_pipeline` resolves the steps.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataNotFoundError(
            f"Pipeline config file {str(path)!r} does not exist. Pass an existing .toml or "
            f".yaml file, or a built-in pipeline name: {', '.join(sorted(PIPELINES))}."
        )
    data = _read_config(path)
    where = f"Pipeline config {str(path)!r}"
    problems = []
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        problems.append(f"unknown top-level keys {unknown} (allowed: {sorted(_TOP_KEYS)})")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append("it needs a non-empty list of steps ([[steps]] tables in TOML)")
        raw_steps = []
    steps = []
    for i, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, dict):
            problems.append(f"step {i} must be a table with 'plugin' and 'params'")
            continue
        bad = sorted(set(raw) - STEP_KEYS)
        if bad:
            problems.append(f"step {i} has unknown keys {bad} (allowed: {sorted(STEP_KEYS)})")
        plugin = raw.get("plugin")
        if not isinstance(plugin, str) or not plugin:
            problems.append(f"step {i} needs a 'plugin' name (e.g. plugin = \"TfidfVectorizer\")")
            continue
        name = raw.get("name", plugin.lower())
        params = raw.get("params", {})
        kind = raw.get("kind")
        if not isinstance(params, dict):
            problems.append(f"step {i} ({name}): 'params' must be a table")
            params = {}
        if kind is not None and kind not in _STEP_KINDS:
            problems.append(f"step {i} ({name}): kind must be one of {_STEP_KINDS}, got {kind!r}")
        if not isinstance(name, str) or not name or "__" in name:
            problems.append(f"step {i}: name {name!r} must be a non-empty string without '__'")
        steps.append(StepSpec(str(name), plugin, dict(params), kind))
    names = [s.name for s in steps]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        problems.append(f"step names must be unique; repeated: {duplicated}")
    grid = data.get("grid", {})
    if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
        problems.append("'grid' must map parameter names to non-empty lists of values")
        grid = {}
    if problems:
        raise InvalidInputError(f"{where} is not a valid pipeline: " + "; ".join(problems) + ".")
    return PipelineSpec(
        str(data.get("name", path.stem)), str(data.get("description", "")), tuple(steps),
        dict(grid), str(path),
    )
