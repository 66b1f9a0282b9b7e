"""Private machinery of :mod:`sklearn_emotion.io`: networks, pretrained resources, graph walks.

``save`` replaces each skorch network of a model by a :class:`NetRef` (networks are
stored as parameters, fitted attributes and safetensors weights, never through skorch's
pickle-based ``__setstate__``) and each holder of a frozen pretrained resource by a
light copy carrying a :class:`ReloadMarker`; ``load`` reverses both.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import warnings
from typing import Any, Iterable, Sequence

import numpy as np

from ..exceptions import (
    ModelFileError,
    ModelVersionWarning,
    UnsupportedModelError,
    UntrustedTypesError,
)

__all__ = [
    "NetRef",
    "ReloadMarker",
    "build_net",
    "find_parts",
    "is_fitted",
    "is_net_class",
    "is_own_net_name",
    "json_default",
    "light_copy",
    "net_spec",
    "qualname",
    "reloadable",
    "substitute",
]

_NET_REBUILT = {
    "_params_to_validate",
    "history_",
    "initialized_",
    "virtual_params_",
    "init_context_",
    "callbacks_",
    "prefixes_",
    "cuda_dependent_attributes_",
    "_modules",
    "_criteria",
    "_optimizers",
    "tokenizer_",
    "model_path_",
    "_local_files_only_",
}

# types that are safe to create without running their code, beyond skops's defaults
# (scikit-learn, numpy, scipy, builtins): classes used as network parameters and the
# library's own transformers; skorch networks are never created by skops (see NetRef)


class NetRef:
    """Stands for the ``index``-th skorch network of a saved model inside ``model.skops``."""

    def __init__(self, index: int):
        self.index = index


class ReloadMarker:
    """Records, inside ``model.skops``, how a pretrained resource was dropped at saving."""

    def __init__(self, attributes: Sequence[str], fingerprint: str):
        self.attributes = list(attributes)
        self.fingerprint = fingerprint


_RELOAD_ATTR = "_sklearn_emotion_reload_"


def qualname(obj_or_type) -> str:
    cls = obj_or_type if isinstance(obj_or_type, type) else type(obj_or_type)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_net(obj) -> bool:
    try:
        from skorch import NeuralNet
    except ImportError:  # pragma: no cover - skorch is a core dependency
        return False
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


def find_parts(model) -> tuple[list, list]:
    """The skorch networks and the pretrained-resource holders reachable from ``model``."""
    nets, holders, seen = [], [], set()
    stack = [model]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, np.ndarray)):
            continue
        seen.add(id(obj))
        if _is_net(obj):
            nets.append(obj)
            continue
        if reloadable(obj) is not None:
            holders.append(obj)
            continue
        stack.extend(reversed(_children(obj)))
    return nets, holders


def _torch_fingerprint(modules) -> str:
    digest = hashlib.sha256()
    for module in modules:
        for name, tensor in sorted(module.state_dict().items()):
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _array_fingerprint(array) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def reloadable(obj):
    """``(attributes, fingerprint, reload)`` for objects whose heavy state is re-resolved.

    ``reload(light)`` returns the dropped attributes, loaded again; ``fingerprint(obj)``
    summarises them, to detect that a resource changed between saving and loading.
    """
    cls = qualname(obj)
    if not hasattr(obj, "n_features_out_"):  # not fitted: nothing to drop
        return None
    if cls == "sklearn_emotion.vectorizers._sentence.SentenceVectorizer":
        return (("encoder_", "device_"), lambda o: _torch_fingerprint([o.encoder_]),
                lambda o: _refit_attributes(o, ("encoder_", "device_")))
    if cls == "sklearn_emotion.vectorizers._bert.BertVectorizer":
        return (("tokenizer_", "model_", "device_"), lambda o: _torch_fingerprint([o.model_]),
                lambda o: _refit_attributes(o, ("tokenizer_", "model_", "device_")))
    if cls == "sklearn_emotion.vectorizers._word.WordVectorizer":
        from ..vectorizers._keyed_vectors import TRAINABLE

        if isinstance(obj.vectors, str) and obj.vectors in TRAINABLE:
            return None  # vectors trained on the data: stored like any fitted array
        if not isinstance(obj.vectors, (str, os.PathLike)):
            raise UnsupportedModelError(
                "sklearn_emotion.io.save cannot store a WordVectorizer whose 'vectors' "
                f"parameter is a {type(obj.vectors).__name__} object; pass a registered "
                "name or a file path instead (or use joblib for trusted use)."
            )
        attributes = ("vocabulary_", "vectors_", "unknown_vector_", "subword_vectors_", "source_")
        return (attributes, lambda o: _array_fingerprint(o.vectors_), _reload_word_vectors)
    return None


def _refit_attributes(light, attributes):
    """Load a frozen pretrained encoder again by fitting a clone (its fit learns nothing)."""
    from sklearn.base import clone

    fresh = clone(light).fit(["."])
    return {name: getattr(fresh, name) for name in attributes}


def _reload_word_vectors(light):
    from ..vectorizers._keyed_vectors import load_vectors

    loaded = load_vectors(light.vectors)
    return {
        "vocabulary_": loaded.vocabulary,
        "vectors_": loaded.vectors,
        "unknown_vector_": loaded.unknown,
        "subword_vectors_": loaded.subword_model,
        "source_": loaded.source,
    }


def light_copy(obj, attributes, fingerprint):
    light = object.__new__(type(obj))
    light.__dict__.update({k: v for k, v in vars(obj).items() if k not in attributes})
    setattr(light, _RELOAD_ATTR, ReloadMarker(attributes, fingerprint))
    return light


def is_fitted(net) -> bool:
    from sklearn.exceptions import NotFittedError

    try:
        net.check_is_fitted()
    except NotFittedError:
        return False
    return True


def net_spec(net) -> dict:
    """Everything about a skorch network except its weights, for skops.

    An unfitted network (e.g. ``GridSearchCV.estimator``) is stored by its parameters.
    """
    params = net.get_params(deep=False)
    if not is_fitted(net):
        return {"class": qualname(net), "params": params, "attributes": {}, "history": [],
                "modules": []}
    modules = set(net._modules) | set(net._criteria) | set(net._optimizers)
    skipped = _NET_REBUILT | {name + "_" for name in modules}
    attributes = {
        k: v for k, v in vars(net).items()
        if k not in params and k not in skipped and k != "device"
    }
    for key, value in {**params, **attributes}.items():
        if _holds_torch(value):
            raise UnsupportedModelError(
                f"sklearn_emotion.io.save cannot store {type(net).__name__}.{key}: it holds "
                "a torch object, which only pickle can store. Pass plain values (numbers, "
                "arrays, classes) as parameters, or use joblib for trusted use."
            )
    history = json.loads(json.dumps(net.history_.to_list(), default=json_default))
    return {
        "class": qualname(net),
        "params": params,
        "attributes": attributes,
        "history": history,
        "modules": sorted(net._modules),
    }


def _holds_torch(value) -> bool:
    import torch

    if isinstance(value, (torch.Tensor, torch.nn.Module, torch.optim.Optimizer)):
        return True
    if isinstance(value, dict):
        return any(_holds_torch(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_torch(v) for v in value)
    return False


def json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def is_net_class(cls) -> bool:
    from skorch import NeuralNet

    return issubclass(cls, NeuralNet)


def is_own_net_name(name: str) -> bool:
    """Whether ``name`` may name one of the library's networks (checked before importing)."""
    parts = name.split(".")
    return (name.startswith("sklearn_emotion.estimators.") and len(parts) == 4
            and not any(part.startswith("__") for part in parts))


def _resolve_net_class(name: str, allowed: set):
    module, _, attr = name.rpartition(".")
    if not module or (not is_own_net_name(name) and name not in allowed):
        raise UntrustedTypesError(
            f"The model file names the network class {name!r}, which is not part of "
            f"sklearn-emotion; pass trusted=[{name!r}] to load(), after checking it."
        )
    cls = getattr(importlib.import_module(module), attr.split(".")[0])
    for part in attr.split(".")[1:]:
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and is_net_class(cls)):
        raise ModelFileError(f"{name!r} in the model file is not a skorch network class.")
    return cls


def build_net(spec: dict, weights: dict[str, bytes], device, allowed: set):
    import torch
    from safetensors.torch import load as load_safetensors
    from skorch.history import History

    cls = _resolve_net_class(spec["class"], allowed)
    params = dict(spec["params"])
    if device is not None:
        params["device"] = device
    net = cls(**params)
    if not spec["modules"]:  # an unfitted network
        return net
    for key, value in spec["attributes"].items():
        setattr(net, key, value)
    with torch.random.fork_rng(devices=[]):  # initialization must not move the caller's RNG
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # e.g. skorch's re-initialization note
            net.initialize()
    target = net.device if net.device is not None else "cpu"
    for name in spec["modules"]:
        member = weights.get(name)
        if member is None:
            raise ModelFileError(f"The model file has no weights for {spec['class']}.{name}.")
        state = load_safetensors(member)
        module = getattr(net, name + "_")
        own = module.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        # safetensors stores a tensor shared by two names (tied weights) once
        if unexpected or any(not _shares_storage(own, key) for key in missing):
            raise ModelFileError(
                f"The weights of {spec['class']}.{name} in the model file do not fit the "
                f"network: missing {missing[:5]}, unexpected {unexpected[:5]}."
            )
        module.load_state_dict(state, strict=False)
        module.to(torch.device(target))
    net.history_ = History(spec["history"])
    return net


def _shares_storage(state: dict, key: str) -> bool:
    tensor = state[key]
    return any(
        other is not key and value.data_ptr() == tensor.data_ptr()
        for other, value in state.items()
        if other != key
    )


def substitute(obj, nets: list, seen: set):
    """Replace every ``NetRef`` in the loaded structure by its network (in place)."""
    if isinstance(obj, NetRef):
        return nets[obj.index]
    if id(obj) in seen:
        return obj
    seen.add(id(obj))
    if isinstance(obj, list):
        obj[:] = [substitute(item, nets, seen) for item in obj]
    elif isinstance(obj, tuple):
        return type(obj)(substitute(item, nets, seen) for item in obj) if not hasattr(
            obj, "_fields") else type(obj)(*(substitute(item, nets, seen) for item in obj))
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
    entry = reloadable(light)
    if entry is None:
        raise ModelFileError(
            f"The model file asks to reload {marker.attributes} of a {qualname(light)}, "
            "which sklearn-emotion cannot reload."
        )
    _, fingerprint, reload = entry
    for key, value in reload(light).items():
        setattr(light, key, value)
    if fingerprint(light) != marker.fingerprint:
        resource = getattr(light, "model", getattr(light, "vectors", "?"))
        warnings.warn(
            f"The pretrained resource {resource!r} of {type(light).__name__} differs from "
            "the one the model was saved with (another version of the plugin or files?); "
            "predictions may differ.",
            ModelVersionWarning,
            stacklevel=4,
        )
