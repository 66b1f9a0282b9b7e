"""A pipeline as data: its steps, each naming a registered plugin and its parameters."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

__all__ = ["StepSpec", "PipelineSpec", "jsonable", "is_config_path", "coerce",
           "CONFIG_SUFFIXES", "STEP_KEYS"]

CONFIG_SUFFIXES = (".toml", ".yaml", ".yml")
STEP_KEYS = {"name", "plugin", "kind", "params"}


class StepSpec(NamedTuple):
    """One pipeline step: its name, the registered plugin that builds it, its parameters."""

    name: str
    plugin: str
    params: dict
    kind: str | None = None


class PipelineSpec(NamedTuple):
    """A pipeline as data: what :func:`build_pipeline` turns into a ``Pipeline``."""

    name: str
    description: str
    steps: tuple
    grid: dict
    source: str  # "builtin" or the config file's path

    def to_dict(self) -> dict:
        """JSON-friendly description (used in the model card)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "steps": [
                {"name": s.name, "plugin": s.plugin, "kind": s.kind, "params": jsonable(s.params)}
                for s in self.steps
            ],
            "grid": jsonable(self.grid),
        }


def jsonable(value: Any) -> Any:
    """``value`` with tuples as lists and anything exotic as its repr (for JSON)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, StepSpec):  # a step nested in a parameter
        return {"name": value.name, "plugin": value.plugin, "kind": value.kind,
                "params": jsonable(value.params)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy scalars
        return value.item()
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return repr(value)


def is_config_path(name: str | os.PathLike) -> bool:
    """Whether ``name`` names a config file rather than a built-in pipeline."""
    return str(name).lower().endswith(CONFIG_SUFFIXES)


def coerce(value, default):
    """A list read from TOML/YAML/JSON becomes a tuple where the default is a tuple."""
    if isinstance(default, tuple) and isinstance(value, list):
        return tuple(value)
    return value
