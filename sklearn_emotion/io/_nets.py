"""skorch networks in the model format: stored as parameters, attributes and weights.

A network is never created by skops (skorch's ``__setstate__`` unpickles with
``torch.load``): :func:`net_spec` keeps what ``initialize()`` cannot rebuild, and
:func:`build_net` creates the network from its declared-safe class, initializes it and
loads its weights from safetensors.
"""

from __future__ import annotations

import importlib
import json
import warnings

from sklearn.exceptions import NotFittedError

from ..exceptions import ModelFileError, UnsupportedModelError, UntrustedTypesError
from ._parts import json_default, qualname

__all__ = ["build_net", "is_fitted", "is_net_class", "net_spec"]

# what skorch's initialize() recreates; a network class adds its own through the class
# attribute ``_persist_rebuilt`` (e.g. a tokenizer loaded from its model folder)
_SKORCH_REBUILT = frozenset({
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
})


def is_net_class(cls) -> bool:
    from skorch import NeuralNet

    return isinstance(cls, type) and issubclass(cls, NeuralNet)


def is_fitted(net) -> bool:
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
    skipped = (_SKORCH_REBUILT | set(getattr(type(net), "_persist_rebuilt", ()))
               | {name + "_" for name in modules})
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


def _resolve_net_class(name: str, allowed: frozenset[str]):
    """The network class ``name``, imported only if it is declared safe or trusted."""
    module, _, attr = name.rpartition(".")
    if not module or name not in allowed or any(p.startswith("__") for p in name.split(".")):
        raise UntrustedTypesError(
            f"The model file names the network class {name!r}, which no installed package "
            f"declares safe; pass trusted=[{name!r}] to load(), after checking it."
        )
    cls = getattr(importlib.import_module(module), attr.split(".")[0])
    for part in attr.split(".")[1:]:
        cls = getattr(cls, part)
    if not is_net_class(cls):
        raise ModelFileError(f"{name!r} in the model file is not a skorch network class.")
    return cls


def build_net(spec: dict, weights: dict[str, bytes], device, allowed: frozenset[str]):
    """Create, initialize and fill the network ``spec`` describes (see :func:`net_spec`)."""
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
