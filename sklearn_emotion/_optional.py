"""Import optional heavy dependencies lazily, with an error that says how to install them."""

from __future__ import annotations

import importlib
from types import ModuleType

from .exceptions import MissingDependencyError

__all__ = ["import_optional"]


def import_optional(
    name: str, *, extra: str | None = None, feature: str | None = None,
    alternative: str | None = None,
) -> ModuleType:
    """Import module ``name`` or raise :class:`MissingDependencyError`.

    Parameters
    ----------
    name : str
        Dotted module name, e.g. ``"sentence_transformers"``.
    extra : str, default=None
        The ``pip install sklearn-emotion[extra]`` extra that provides it.
    feature : str, default=None
        What needs the module, used in the message (e.g. ``"SentenceVectorizer"``).
    alternative : str, default=None
        Another way out, appended to the message (e.g. ``"use backend='torch'"``).

    Examples
    --------
    >>> from sklearn_emotion._optional import import_optional
    >>> import_optional("json").__name__
    'json'
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        who = feature or "This feature"
        package = name.split(".")[0]
        how = f"pip install sklearn-emotion[{extra}]" if extra else f"pip install {package}"
        other = f", or {alternative}" if alternative else ""
        raise MissingDependencyError(
            f"{who} requires {package}, which is not installed; install it with `{how}`{other}."
        ) from exc
