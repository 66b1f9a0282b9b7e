"""Types that installed packages declare safe for :func:`sklearn_emotion.io.load` to create.

A package lists, under the entry-point group ``sklearn_emotion.safe_types``, an
iterable of its classes (estimators, transformers, torch modules, callbacks) whose
construction from a model file runs no code of the file's choosing::

    [project.entry-points."sklearn_emotion.safe_types"]
    sklearn-emotion-lexicon = "sklearn_emotion_lexicon:SAFE_TYPES"

``sklearn_emotion.io.load`` then creates those types without ``trusted=``. Unlike the
other scans, this one imports the declaring modules (it runs when a model is loaded).
"""

from __future__ import annotations

import warnings
from importlib import metadata

from ..exceptions import EmotionWarning
from ._discovery import (
    CORE_DISTRIBUTION,
    SUPPORTED_API_VERSIONS,
    _declared_api_versions,
    _dist_name,
    _normalise,
    _seam,
    cached_scan,
)

__all__ = ["SAFE_TYPES_GROUP", "safe_types", "type_name"]

#: The entry-point group in which packages declare the types the model format may load.
SAFE_TYPES_GROUP = "sklearn_emotion.safe_types"


def type_name(obj) -> str:
    """The fully qualified name of a class or function: ``module.QualName``.

    Examples
    --------
    >>> from sklearn_emotion.registry import type_name
    >>> from sklearn.linear_model import LogisticRegression
    >>> type_name(LogisticRegression)
    'sklearn.linear_model._logistic.LogisticRegression'
    """
    return f"{obj.__module__}.{obj.__qualname__}"


def _declared_by(ep: metadata.EntryPoint) -> set[str]:
    try:
        declared = list(ep.load())
        return {type_name(obj) for obj in declared}
    except Exception as exc:  # any failure of third-party code: skip the package, say so
        warnings.warn(
            f"Ignoring the safe types declared by {_dist_name(ep)} ({ep.value}) due to "
            f"{type(exc).__name__}: {exc}. Models that use them need trusted=[...].",
            EmotionWarning, stacklevel=4)
        return set()


def _scan() -> frozenset[str]:
    declared_api = _declared_api_versions()
    names: set[str] = set()
    for ep in _seam()(SAFE_TYPES_GROUP):
        package = _normalise(_dist_name(ep))
        api, api_value = declared_api.get(package, (None, None))
        if (package != CORE_DISTRIBUTION and api_value is not None
                and api not in SUPPORTED_API_VERSIONS):
            continue  # a package built for another plugin API is skipped, as in discovery
        names |= _declared_by(ep)
    return frozenset(names)


def safe_types() -> frozenset[str]:
    """Fully qualified names of the types installed packages declare safe to load.

    Read from the ``sklearn_emotion.safe_types`` entry points of the library itself and
    of every installed plugin package built for a supported plugin API, once per
    process (see :func:`~sklearn_emotion.registry.refresh`). A declaration that fails to
    import is skipped with an :class:`~sklearn_emotion.exceptions.EmotionWarning`.

    Returns
    -------
    frozenset of str
        Names as ``f"{cls.__module__}.{cls.__qualname__}"``.

    Examples
    --------
    >>> from sklearn_emotion import registry
    >>> "sklearn_emotion.text._cleaner.TextCleaner" in registry.safe_types()
    True
    """
    return cached_scan(SAFE_TYPES_GROUP, _scan)
