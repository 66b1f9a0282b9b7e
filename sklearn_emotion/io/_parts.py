"""Walking a model: its skorch networks and its frozen pretrained resources.

A class whose fitted state holds a frozen pretrained resource (an encoder, word vectors)
says how it persists through two methods, which :func:`sklearn_emotion.io.save` and
:func:`~sklearn_emotion.io.load` call without knowing the class:

``__emotion_persist__(self) -> (attribute names, fingerprint) | None``
    The fitted attributes to leave out of the model file and a SHA-256 fingerprint of
    the resource; ``None`` stores everything by value. Raises
    :class:`~sklearn_emotion.exceptions.UnsupportedModelError` if the object cannot be
    stored safely.
``__emotion_reload__(self) -> dict``
    Called on the loaded object (parameters and the other fitted attributes restored):
    the left-out attributes, loaded again from the parameters.

``save`` replaces each network by a :class:`~sklearn_emotion.utils._persist.NetRef`,
each such object by a light copy carrying a
:class:`~sklearn_emotion.utils._persist.ReloadMarker`, and the term dicts and sets of
scikit-learn's text vectorizers by :class:`~sklearn_emotion.utils._persist.PackedTerms`;
``load`` reverses all three.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterable

import numpy as np

from ..exceptions import ModelFileError, ModelVersionWarning
from ..utils._persist import NetRef, PackedTerms, ReloadMarker

__all__ = [
    "find_parts",
    "json_default",
    "light_copy",
    "packed_copy",
    "persist_spec",
    "qualname",
    "resource_name",
    "substitute",
]

_RELOAD_ATTR = "_sklearn_emotion_reload_"


def qualname(obj_or_type) -> str:
    cls = obj_or_type if isinstance(obj_or_type, type) else type(obj_or_type)
    return f"{cls.__module__}.{cls.__qualname__}"


def json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _is_net(obj) -> bool:
    from skorch import NeuralNet

    return isinstance(obj, NeuralNet)


def _children(obj) -> Iterable[Any]:
    """Objects directly reachable from ``obj`` that may hold estimators."""
    if isinstance(obj, dict):
        return list(obj.values())
    if isinstance(obj, (list, tuple)):
        return list(obj)
    if hasattr(obj, "get_params") and hasattr(obj, "__dict__"):
        return list(vars(obj).values())
    return []


def persist_spec(obj) -> tuple[tuple[str, ...], str] | None:
    """``obj.__emotion_persist__()`` if the object has the hook, else ``None``."""
    if isinstance(obj, type):  # a class passed as a parameter, not a fitted object
        return None
    hook = getattr(obj, "__emotion_persist__", None)
    return hook() if callable(hook) else None


#: The fitted attributes of scikit-learn's CountVectorizer family stored packed.
_TERM_ATTRIBUTES = ("vocabulary_", "stop_words_")


def find_parts(model) -> tuple[list, list, list]:
    """The skorch networks, the objects with resources to store by reference, and the
    text vectorizers (scikit-learn's CountVectorizer family) whose terms are packed."""
    from sklearn.feature_extraction.text import CountVectorizer

    nets, holders, vectorizers, seen = [], [], [], set()
    stack = [model]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, np.ndarray)):
            continue
        seen.add(id(obj))
        if _is_net(obj):
            nets.append(obj)
            continue
        if persist_spec(obj) is not None:
            holders.append(obj)
            continue
        if isinstance(obj, CountVectorizer):
            vectorizers.append(obj)
            continue
        stack.extend(reversed(_children(obj)))
    return nets, holders, vectorizers


def packed_copy(vectorizer):
    """A shallow copy of a text vectorizer with its term dicts and sets packed, or ``None``
    if it holds none (unfitted); the original is untouched."""
    packed = {name: PackedTerms.pack(value) for name in _TERM_ATTRIBUTES
              if isinstance(value := vars(vectorizer).get(name), (dict, set, frozenset))}
    if not packed:
        return None
    light = object.__new__(type(vectorizer))
    light.__dict__.update({**vars(vectorizer), **packed})
    return light


def resource_name(holder) -> str:
    """The value of the parameter named by the class attribute ``_resource_param``, or ''.

    Recorded in the manifest and in warnings, to say which resource a model references.
    """
    param = getattr(holder, "_resource_param", None)
    return str(getattr(holder, param, "")) if isinstance(param, str) else ""


def light_copy(obj, attributes, fingerprint):
    """A shallow copy of ``obj`` without ``attributes``, marked for reloading."""
    light = object.__new__(type(obj))
    light.__dict__.update({k: v for k, v in vars(obj).items() if k not in attributes})
    setattr(light, _RELOAD_ATTR, ReloadMarker(attributes, fingerprint))
    return light


def substitute(obj, nets: list, seen: set):
    """Replace every ``NetRef`` in the loaded structure by its network, and unpack every
    ``PackedTerms`` (in place)."""
    if isinstance(obj, NetRef):
        return nets[obj.index]
    if isinstance(obj, PackedTerms):
        return obj.unpack()
    if id(obj) in seen:
        return obj
    seen.add(id(obj))
    if isinstance(obj, list):
        obj[:] = [substitute(item, nets, seen) for item in obj]
    elif isinstance(obj, tuple):
        items = (substitute(item, nets, seen) for item in obj)
        return type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
    elif isinstance(obj, dict):
        for key in list(obj):
            obj[key] = substitute(obj[key], nets, seen)
    elif hasattr(obj, "get_params") and hasattr(obj, "__dict__"):
        marker = vars(obj).pop(_RELOAD_ATTR, None)
        for key, value in list(vars(obj).items()):
            vars(obj)[key] = substitute(value, nets, seen)
        if isinstance(marker, ReloadMarker):
            _reload(obj, marker)
    return obj


def _reload(light, marker: ReloadMarker) -> None:
    """Load the left-out attributes again through the class's hook; warn if they changed."""
    if not callable(getattr(light, "__emotion_reload__", None)):
        raise ModelFileError(
            f"The model file asks to reload {marker.attributes} of a {qualname(light)}, "
            "which has no __emotion_reload__ method to do it."
        )
    for key, value in light.__emotion_reload__().items():
        setattr(light, key, value)
    spec = persist_spec(light)
    if spec is None or spec[1] != marker.fingerprint:
        warnings.warn(
            f"The pretrained resource {resource_name(light)!r} of {type(light).__name__} "
            "differs from the one the model was saved with (another version of the plugin "
            "or files?); predictions may differ.",
            ModelVersionWarning,
            stacklevel=4,
        )
