"""The public, versioned API that plugin packages build on.

Everything a plugin needs from the library is importable from here under a public
name; a plugin imports nothing else from sklearn-emotion except the public modules
(``sklearn_emotion``, ``registry``, ``exceptions``, ``testing``, ``io``, ``text``,
``cache``). The names below keep their meaning for as long as :data:`PLUGIN_API_VERSION`
stays the same; ``plugins/README.md`` says what changes it.

Raw-text input
    :class:`RawTextMixin` (tags and ``_validate_texts(X, reset=...)``),
    :func:`check_texts`, :func:`tokenize`.
Parameter validation (checked at the top of ``fit``)
    :class:`Interval`, :class:`StrOptions`, :class:`HasMethods`, :func:`validate_params`,
    :class:`InvalidParameterError`, :func:`warn_truncated`.
Pretrained resources
    :class:`PretrainedVectorizer` (the base of encoder, word-vector and lexicon
    vectorizers: a load hook and an encode hook), :func:`load_encoder`,
    :func:`transformer_folder`, :func:`resolve` (the registry's resolution of a name).
Feature names
    :class:`PrefixedFeaturesMixin` (``myvectorizer0``, ``myvectorizer1``, ...).
Optional dependencies
    :func:`import_optional`.
Persistence in the safe model format
    A class whose fitted state holds a frozen pretrained resource implements
    ``__emotion_persist__(self) -> (attribute_names, fingerprint) | None`` (the fitted
    attributes to leave out of the model file, and a hash of the resource; ``None``
    stores everything by value) and ``__emotion_reload__(self) -> dict`` (those
    attributes loaded again from the parameters, on the loaded object). It raises
    :class:`UnsupportedModelError` when it cannot be stored safely.
    :class:`PretrainedVectorizer` implements both. :func:`fingerprint_arrays` and
    :func:`fingerprint_path` hash arrays, tensors and state dicts, or files.
    A package lists the classes the format may create in ``SAFE_TYPES`` and registers
    it in the ``sklearn_emotion.safe_types`` entry-point group.
Exceptions
    :class:`EmotionError` and its subclasses, :class:`EmotionWarning`,
    scikit-learn's :class:`NotFittedError`.
Testing
    :func:`check_plugin`, :func:`check_text_estimator`, :func:`sample_texts`,
    :class:`CheckResult`, and the common-check suite :func:`text_estimator_checks`,
    :func:`run_text_estimator_checks`, :func:`check_names`, :class:`SkipCheck`
    (imported on first use, so that loading a plugin does not import the test tools).

Examples
--------
>>> from sklearn_emotion import plugin_api
>>> plugin_api.PLUGIN_API_VERSION
1
>>> from sklearn_emotion.plugin_api import RawTextMixin, validate_params, Interval
"""

from __future__ import annotations

import importlib

from sklearn.exceptions import NotFittedError

from ._optional import import_optional
from .cache import fingerprint_arrays, fingerprint_path
from .exceptions import (
    DataNotFoundError,
    EmotionError,
    EmotionWarning,
    InvalidInputError,
    InvalidInputTypeError,
    MissingDependencyError,
    MissingWeightsError,
    ModelFileError,
    ModelVersionWarning,
    PluginCheckError,
    PluginLoadError,
    PluginNotFoundError,
    UnsupportedModelError,
    UntrustedTypesError,
)
from .registry import API_GROUP, PLUGIN_API_VERSION, SAFE_TYPES_GROUP, resolve
from .text._base import RawTextMixin
from .text._tokenize import tokenize
from .utils._hf import load_encoder, transformer_folder
from .utils._targets import check_several_classes
from .utils._validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
    check_texts,
    validate_params,
    warn_truncated,
)
from .vectorizers._features import PrefixedFeaturesMixin
from .vectorizers._pretrained import PretrainedVectorizer

__all__ = [  # noqa: F822 (the testing names come from __getattr__ below)
    # versioning
    "PLUGIN_API_VERSION",
    "API_GROUP",
    "SAFE_TYPES_GROUP",
    # raw-text input
    "RawTextMixin",
    "check_texts",
    "tokenize",
    # parameter validation
    "HasMethods",
    "Interval",
    "InvalidParameterError",
    "StrOptions",
    "validate_params",
    "warn_truncated",
    # classification targets
    "check_several_classes",
    # pretrained resources
    "PretrainedVectorizer",
    "load_encoder",
    "resolve",
    "transformer_folder",
    # feature names
    "PrefixedFeaturesMixin",
    # optional dependencies
    "import_optional",
    # persistence
    "fingerprint_arrays",
    "fingerprint_path",
    # exceptions
    "DataNotFoundError",
    "EmotionError",
    "EmotionWarning",
    "InvalidInputError",
    "InvalidInputTypeError",
    "MissingDependencyError",
    "MissingWeightsError",
    "ModelFileError",
    "ModelVersionWarning",
    "NotFittedError",
    "PluginCheckError",
    "PluginLoadError",
    "PluginNotFoundError",
    "UnsupportedModelError",
    "UntrustedTypesError",
    # testing (imported on first use)
    "CheckResult",
    "SkipCheck",
    "check_names",
    "check_plugin",
    "check_text_estimator",
    "run_text_estimator_checks",
    "sample_texts",
    "text_estimator_checks",
]

_TESTING = {"CheckResult", "SkipCheck", "check_names", "check_plugin", "check_text_estimator",
            "run_text_estimator_checks", "sample_texts", "text_estimator_checks"}


def __getattr__(name: str):
    if name in _TESTING:
        value = getattr(importlib.import_module("sklearn_emotion.testing"), name)
        globals()[name] = value  # later lookups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _TESTING)
