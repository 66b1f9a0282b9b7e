"""The exceptions and warnings raised by sklearn-emotion.

Every error the library raises on purpose derives from :class:`EmotionError`, and
also from the builtin (or scikit-learn) exception a caller would naturally catch,
so ``except ValueError`` keeps working.

``NotFittedError`` is scikit-learn's, re-exported on first access so that importing
this module (which the registry does during plugin discovery) does not import
scikit-learn.
"""

from __future__ import annotations

import importlib

__all__ = [  # noqa: F822 (NotFittedError comes from __getattr__ below)
    "EmotionError",
    "PluginNotFoundError",
    "PluginLoadError",
    "MissingWeightsError",
    "MissingDependencyError",
    "InvalidInputError",
    "DataNotFoundError",
    "NotFittedError",
    "EmotionWarning",
    "PluginCheckError",
    "InvalidInputTypeError",
    "ModelFileError",
    "LegacyModelError",
    "UntrustedTypesError",
    "UnsupportedModelError",
    "ModelVersionWarning",
]


class EmotionError(Exception):
    """Base class of all errors raised by sklearn-emotion."""


class PluginNotFoundError(EmotionError, LookupError):
    """A plugin name is not registered (LookupError, so the message is not quoted)."""


class PluginLoadError(EmotionError, RuntimeError):
    """A registered plugin failed to import or to resolve its resource."""


class MissingWeightsError(PluginLoadError, ValueError):
    """A registered vectors or encoders plugin points at weights that are not on disk.

    Also a ``ValueError``: the name given is valid, but what it stands for is missing.
    """


class MissingDependencyError(EmotionError, ImportError):
    """An optional dependency needed by a feature is not installed."""


class InvalidInputError(EmotionError, ValueError):
    """Input data has the wrong content (empty, missing values, unknown labels)."""


class DataNotFoundError(EmotionError, FileNotFoundError):
    """A data file or folder the user pointed at does not exist."""


class EmotionWarning(UserWarning):
    """Warnings issued by sklearn-emotion."""


class PluginCheckError(EmotionError, AssertionError):
    """A plugin package breaks the plugin contract (raised by ``testing.check_plugin``)."""


class InvalidInputTypeError(EmotionError, TypeError):
    """Input data has the wrong type (None, a bare string, bytes, a non-text item)."""


class ModelFileError(EmotionError, ValueError):
    """A file given to :func:`sklearn_emotion.io.load` is not a valid, intact model file."""


class UntrustedTypesError(EmotionError, TypeError):
    """A model file names types that :func:`sklearn_emotion.io.load` does not trust."""


class UnsupportedModelError(EmotionError, TypeError):
    """:func:`sklearn_emotion.io.save` cannot store (part of) a model safely."""


class ModelVersionWarning(EmotionWarning):
    """A model file was saved with other library versions than the installed ones."""


class LegacyModelError(ModelFileError):
    """A model folder was written by an older sklearn-emotion as a pickle (``model.joblib``).

    Loading it would run whatever code the pickle holds, so it is refused; the message
    says how to convert it.
    """


def __getattr__(name: str):
    if name == "NotFittedError":  # scikit-learn's own class, imported on first use
        value = importlib.import_module("sklearn.exceptions").NotFittedError
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
