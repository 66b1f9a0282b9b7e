"""PretrainedVectorizer: the base of vectorizers that encode texts with a frozen resource.

A pretrained encoder, a static token table, word vectors or a lexicon: the resource is
named by a parameter, loaded in ``fit`` (which learns nothing from ``X``), and applied
by ``transform``. This module holds the part all of them share, once: parameter and
text validation, one resolution of the resource per fit, the ``cache=`` hook, feature
names, and the persistence hooks of the safe model format, which store the resource by
reference (its name and a fingerprint) instead of by value. Public through
:mod:`sklearn_emotion.plugin_api`.
"""

from __future__ import annotations

import os
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .. import registry
from ..cache import fingerprint_arrays, fingerprint_path
from ..text._base import RawTextMixin
from ..utils._validation import validate_params
from ._features import EmbeddingCacheMixin, PrefixedFeaturesMixin, local_resource_path

__all__ = ["PretrainedVectorizer"]


class PretrainedVectorizer(
    EmbeddingCacheMixin, PrefixedFeaturesMixin, RawTextMixin, TransformerMixin, BaseEstimator
):
    """Base class of transformers that turn raw texts into features with a frozen resource.

    A subclass writes ``__init__`` (assignments only), ``_parameter_constraints`` and
    two hooks; ``fit``, ``transform``, feature names, the ``cache`` parameter (if it has
    one) and the model-format hooks come from here.

    Hooks
    -----
    ``_load_resource(self, resource) -> dict``
        Load the resource named by the parameters and return the fitted attributes
        (``n_features_out_`` among them). ``resource`` is what
        ``registry.resolve(_resource_kind, <_resource_param>)`` returned in ``fit``
        (pass it on to :func:`~sklearn_emotion.plugin_api.load_encoder`), or ``None``
        when ``_resource_kind`` is ``None`` or the parameter is not a name or path.
        Called again, without texts, when a saved model is loaded.
    ``_encode(self, texts) -> ndarray``
        The features of a list of validated texts, shape ``(len(texts),
        n_features_out_)``.
    ``_weights_fingerprint(self) -> str`` (optional)
        A hash of the loaded resource (see :func:`~sklearn_emotion.cache.fingerprint_arrays`),
        used when the resource has no local file to hash; the default hashes the
        ``_resource_attributes``.
    ``_check_params(self)`` and ``_after_load(self)`` (optional)
        Called by ``fit`` after the parameter constraints are checked (checks across
        parameters) and after the resource is loaded (work on the loaded resource,
        such as exporting it to ONNX). Not called when a saved model is loaded.

    Class attributes
    ----------------
    ``_resource_attributes`` : tuple of str
        The fitted attributes that hold the resource. The model format leaves them out
        of the model file and loads them again from the parameters; the first one is
        what ``transform`` checks to tell whether the object is fitted.
    ``_resource_param`` : str, default="model"
        The parameter that names the resource.
    ``_resource_kind`` : {"encoders", "vectors"} or None, default="encoders"
        The registry kind the parameter is resolved in; ``None`` for resources that
        the registry does not know (a lexicon file).
    ``_cache_params`` : tuple of str
        With a ``cache`` parameter: the parameters that change the output.

    Notes
    -----
    The persistence hooks implement the contract of :mod:`sklearn_emotion.plugin_api`:
    ``__emotion_persist__`` returns ``(_resource_attributes, fingerprint)`` for a fitted
    object and ``__emotion_reload__`` the resource attributes loaded again. The
    fingerprint hashes the resource's local files when it has some (a plugin or a
    path), else the loaded weights, so loading a model whose resource changed since it
    was saved warns.
    """

    _resource_attributes: tuple = ()
    _resource_param = "model"
    _resource_kind: str | None = "encoders"

    # ------------------------------------------------------------------ hooks
    def _load_resource(self, resource) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement _load_resource")

    def _encode(self, texts: list[str]):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement _encode")

    def _check_params(self) -> None:
        """Checks across parameters, after the constraints (none by default)."""

    def _after_load(self) -> None:
        """Called by ``fit`` once the resource is loaded (nothing by default)."""

    def _weights_fingerprint(self) -> str:
        # arrays, tensors, dicts and lists are hashed by value, other objects by repr
        return fingerprint_arrays(*(getattr(self, name) for name in self._resource_attributes))

    # ------------------------------------------------------------ fit / transform
    def _resolve_resource(self):
        """The registry's answer for the resource parameter, or None (not a name or path)."""
        value = getattr(self, self._resource_param)
        if self._resource_kind is None or not isinstance(value, (str, os.PathLike)):
            return None
        return registry.resolve(self._resource_kind, value)

    def fit(self, X, y=None):
        """Load the resource; nothing is learned from ``X``.

        Parameters
        ----------
        X : iterable of str
            Raw texts (only validated).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted vectorizer.
        """
        validate_params(self)
        self._check_params()
        self._validate_texts(X, reset=True)
        resource = self._resolve_resource()
        for name, value in self._load_resource(resource).items():
            setattr(self, name, value)
        self._reset_cache_identity(resource)
        self._after_load()
        return self

    def transform(self, X):
        """Encode each text.

        Parameters
        ----------
        X : iterable of str
            Raw texts.

        Returns
        -------
        ndarray of shape (n_texts, n_features_out_), dtype=float32
        """
        check_is_fitted(self, self._resource_attributes[0])
        texts = self._validate_texts(X, reset=False)
        return self._cached(texts, self._encode)

    # ------------------------------------------------------------------ identity
    def _model_fingerprint(self, resource=None) -> str:
        """The identity of the loaded resource: its files' hash, else its weights' hash."""
        if resource is None:
            try:
                resource = self._resolve_resource()
            except Exception:  # fit reports resolution problems; then hash the weights
                resource = None
        path = local_resource_path(resource)
        return fingerprint_path(path) if path is not None else self._weights_fingerprint()

    # -------------------------------------------------- model format (persistence)
    def __emotion_persist__(self) -> tuple[tuple[str, ...], str] | None:
        """The resource attributes to store by reference, and the resource's fingerprint.

        Returns
        -------
        (attributes, fingerprint) or None
            ``None`` when the vectorizer is not fitted (nothing to leave out).
        """
        if not all(hasattr(self, name) for name in self._resource_attributes):
            return None
        return tuple(self._resource_attributes), self._model_fingerprint()

    def __emotion_reload__(self) -> dict[str, Any]:
        """The resource attributes, loaded again from the parameters.

        Returns
        -------
        dict
            ``{attribute: value}`` for each of ``_resource_attributes``.
        """
        self.__dict__.pop("_cache_fingerprint", None)  # recomputed from what is loaded now
        loaded = self._load_resource(self._resolve_resource())
        return {name: loaded[name] for name in self._resource_attributes}
