"""The exceptions and warnings raised by sklearn-emotion.

Every error the library raises on purpose derives from :class:`EmotionError`, and
also from the builtin (or scikit-learn) exception a caller would naturally catch,
so ``except ValueError`` keeps working.
"""

from sklearn.exceptions import NotFittedError

__all__ = [
    "EmotionError",
    "PluginNotFoundError",
    "PluginLoadError",
    "MissingDependencyError",
    "InvalidInputError",
    "DataNotFoundError",
    "NotFittedError",
    "EmotionWarning",
]


class EmotionError(Exception):
    """Base class of all errors raised by sklearn-emotion."""


class PluginNotFoundError(EmotionError, LookupError):
    """A plugin name is not registered (LookupError, so the message is not quoted)."""


class PluginLoadError(EmotionError, RuntimeError):
    """A registered plugin failed to import or to resolve its resource."""


class MissingDependencyError(EmotionError, ImportError):
    """An optional dependency needed by a feature is not installed."""


class InvalidInputError(EmotionError, ValueError):
    """Input data has the wrong content (empty, missing values, unknown labels)."""


class DataNotFoundError(EmotionError, FileNotFoundError):
    """A data file or folder the user pointed at does not exist."""


class EmotionWarning(UserWarning):
    """Warnings issued by sklearn-emotion."""
