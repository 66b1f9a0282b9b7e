"""Command-line parameter settings and grids: ``--set PARAM=VALUE``, ``--grid PARAM=V1,V2``."""

from __future__ import annotations

import ast
import difflib
from typing import Any

from sklearn.base import clone
from sklearn.pipeline import Pipeline

from ..exceptions import InvalidInputError
from ._specs import coerce

__all__ = ["parse_settings", "parse_grid", "check_param_grid"]


def _parse_value(text: str):
    text = text.strip()
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare word: a string option such as balanced


def parse_settings(entries: list[str]) -> dict[str, Any]:
    """Parse ``--set`` entries ``PARAM=VALUE``; the value is read as a Python literal.

    Examples
    --------
    >>> from sklearn_emotion.pipelines import parse_settings
    >>> parse_settings(["classify__max_epochs=2", "tfidf__ngram_range=(1, 3)", "x__y=abc"])
    {'classify__max_epochs': 2, 'tfidf__ngram_range': (1, 3), 'x__y': 'abc'}
    """
    settings = {}
    for entry in entries:
        key, sep, value = entry.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInputError(
                f"--set expects PARAM=VALUE (e.g. classify__max_epochs=3); got {entry!r}."
            )
        settings[key.strip()] = _parse_value(value)
    return settings


def parse_grid(entries: list[str], option: str = "--grid") -> dict[str, list]:
    """Parse ``--grid`` entries ``PARAM=V1,V2,...`` into a parameter grid.

    Each value is read as a Python literal (numbers, ``None``, ``True``, quoted strings,
    tuples); a bare word is a string. A value list in brackets is taken whole, which
    allows tuples: ``tfidf__ngram_range=[(1, 1), (1, 2)]``.

    Examples
    --------
    >>> from sklearn_emotion.pipelines import parse_grid
    >>> parse_grid(["classify__C=0.1,1,10", "classify__class_weight=None,balanced"])
    {'classify__C': [0.1, 1, 10], 'classify__class_weight': [None, 'balanced']}
    >>> parse_grid(["tfidf__ngram_range=[(1, 1), (1, 2)]"])
    {'tfidf__ngram_range': [(1, 1), (1, 2)]}
    """
    grid: dict[str, list] = {}
    for entry in entries:
        key, sep, values = entry.partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise InvalidInputError(
                f"{option} expects PARAM=V1,V2,... (e.g. classify__C=0.1,1,10); got {entry!r}."
            )
        values = values.strip()
        if values.startswith("["):
            parsed = _parse_value(values)
            if not isinstance(parsed, list):
                raise InvalidInputError(f"{option} could not read the list {values!r} of {key!r}.")
        else:
            parsed = [_parse_value(v) for v in values.split(",")]
        grid[key] = parsed
    return grid


def check_param_grid(pipeline: Pipeline, grid: dict[str, list]) -> dict[str, list]:
    """Validate a grid's parameter names against ``pipeline``; coerce lists to tuples.

    Raises
    ------
    InvalidInputError
        Naming the unknown parameters, with the closest valid name.
    """
    params = pipeline.get_params()
    checked = {}
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise InvalidInputError(f"The grid values of {key!r} must be a non-empty list.")
        default = params.get(key)
        values = [coerce(v, default) for v in values]
        try:
            clone(pipeline).set_params(**{key: values[0]})
        except (ValueError, TypeError, AttributeError):
            close = difflib.get_close_matches(key, list(params), n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            steps = ", ".join(name for name, _ in pipeline.steps)
            raise InvalidInputError(
                f"The pipeline has no parameter {key!r} to search over.{hint} Grid parameters "
                f"are STEP__PARAM with a step among {steps}, e.g. "
                f"{pipeline.steps[-1][0]}__<param>; `pipeline.get_params()` lists them all."
            ) from None
        checked[key] = values
    return checked
