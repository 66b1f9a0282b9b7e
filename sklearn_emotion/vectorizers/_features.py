"""Shared by the vectorizers: feature names, and the embedding-cache hook.

``PrefixedFeaturesMixin`` is public through :mod:`sklearn_emotion.plugin_api`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from sklearn.base import ClassNamePrefixFeaturesOutMixin

from .. import __version__
from ..cache import _FORMAT, resolve_cache
from ..utils._validation import HasMethods

__all__ = ["PrefixedFeaturesMixin", "EmbeddingCacheMixin"]  # public via plugin_api


class PrefixedFeaturesMixin(ClassNamePrefixFeaturesOutMixin):
    """``get_feature_names_out`` from the fitted ``n_features_out_`` (the embedding size).

    The names are the lower-cased class name and the column number: ``myvectorizer0``,
    ``myvectorizer1``, ... (scikit-learn's ``ClassNamePrefixFeaturesOutMixin``).
    """

    @property
    def _n_features_out(self):
        """Used by ClassNamePrefixFeaturesOutMixin.get_feature_names_out."""
        return self.n_features_out_


def local_resource_path(resource) -> Path | None:
    """The local file or folder of a resolved :class:`~sklearn_emotion.registry.Resource`."""
    location = getattr(resource, "location", None)
    return location if isinstance(location, Path) and location.exists() else None


#: The ``_parameter_constraints`` entry of a ``cache`` parameter (see EmbeddingCacheMixin).
CACHE_CONSTRAINT = [None, "boolean", str, os.PathLike, HasMethods(["get_or_compute"]),
                    HasMethods(["cache"])]


class EmbeddingCacheMixin:
    """``cache`` parameter support: look texts up in the cache before encoding them.

    A subclass lists the parameters that change its output in ``_cache_params``,
    implements ``_model_fingerprint(resource=None)`` (the identity of the loaded model),
    calls ``self._reset_cache_identity(resource)`` at the end of ``fit`` and wraps its
    encoding in ``self._cached(texts, encode)``. See :mod:`sklearn_emotion.cache`.
    """

    _cache_params: tuple = ()

    def _model_fingerprint(self, resource=None) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _cache_store(self):
        return resolve_cache(getattr(self, "cache", None), owner=type(self).__name__)

    def _reset_cache_identity(self, resource=None) -> None:
        """Forget the fingerprint of a previous fit; compute it now if a cache is set.

        ``resource`` is what ``fit`` resolved the model to, so that it is not resolved
        a second time.
        """
        self.__dict__.pop("_cache_fingerprint", None)
        if self._cache_store() is not None:
            self.__dict__["_cache_fingerprint"] = self._model_fingerprint(resource)

    def _cache_namespace(self) -> tuple[str, str]:
        """(hash of everything that decides the embeddings, a readable description)."""
        fingerprint = self.__dict__.get("_cache_fingerprint")
        if fingerprint is None:  # cache set with set_params after fit
            fingerprint = self.__dict__["_cache_fingerprint"] = self._model_fingerprint()
        params = {name: repr(getattr(self, name)) for name in self._cache_params}
        identity = {
            "format": _FORMAT,
            "library": __version__,
            "class": type(self).__name__,
            "model": fingerprint,
            "params": params,
        }
        digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        return digest, f"{type(self).__name__}({shown}) model {fingerprint[:12]}"

    def _cached(self, texts: list[str], encode):
        """``encode(texts)``, served from the cache where the texts are stored."""
        store = self._cache_store()
        if store is None:
            return encode(texts)
        namespace, description = self._cache_namespace()
        return store.get_or_compute(namespace, texts, encode, description)
