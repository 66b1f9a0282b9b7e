"""The types of the core library that :func:`sklearn_emotion.io.load` may create.

Declared to the registry through the core's ``pyproject.toml``::

    [project.entry-points."sklearn_emotion.safe_types"]
    sklearn-emotion = "sklearn_emotion.io._core_types:SAFE_TYPES"

They are the classes defined in the library's estimator packages (transformers,
estimators, torch modules, callbacks, caches), the markers the model format writes, and
the torch and skorch classes that networks take as parameters: losses, optimizers and
learning-rate schedulers, skorch callbacks, a few activations, data loading. Creating
one from a model file sets its attributes and runs no code from the file. skorch
networks are among them but are only ever created by :mod:`sklearn_emotion.io` itself,
from parameters and safetensors weights, never by skops.

Importing this module imports torch and skorch: the registry does it only when a model
is loaded.
"""

from __future__ import annotations

import importlib
import pkgutil

import sklearn.utils
import skorch.callbacks
import skorch.dataset
import skorch.utils
import torch
import torch.nn.modules.loss
import torch.optim
import torch.optim.lr_scheduler
import torch.utils.data

from ..utils._persist import NetRef, PackedTerms, ReloadMarker

__all__ = ["SAFE_TYPES"]

# the library's packages whose classes (any defined in them) are safe to create
_PACKAGES = (
    "sklearn_emotion.text",
    "sklearn_emotion.vectorizers",
    "sklearn_emotion.estimators",
    "sklearn_emotion.nn",
    "sklearn_emotion.multilabel",
    "sklearn_emotion.multimodal",
    "sklearn_emotion.cache",
)


def _modules(package: str):
    module = importlib.import_module(package)
    yield module
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), package + "."):
        yield importlib.import_module(info.name)


def _classes_of(modules, *, prefix: str, base: type = object):
    found = set()
    for module in modules:
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, base)
                    and value.__module__.startswith(prefix)):
                found.add(value)
    return found


def _core_types() -> tuple:
    own = set()
    for package in _PACKAGES:
        own |= _classes_of(_modules(package), prefix=package)
    torch_types = (
        _classes_of([torch.nn.modules.loss], prefix="torch.nn.modules.loss",
                    base=torch.nn.Module)
        | _classes_of([torch.optim, torch.optim.lr_scheduler], prefix="torch.optim.")
        | _classes_of([skorch.callbacks], prefix="skorch.callbacks.")
    )
    others = {
        NetRef, ReloadMarker, PackedTerms,
        torch.utils.data.DataLoader, skorch.dataset.Dataset, skorch.dataset.ValidSplit,
        skorch.utils.noop,  # the default sink of skorch callbacks (a function)
        torch.nn.ReLU, torch.nn.GELU, torch.nn.Tanh,
        sklearn.utils.Bunch,  # VotingClassifier's named_estimators_ (TextVotingClassifier)
    }
    return tuple(sorted(own | torch_types | others,
                        key=lambda t: f"{t.__module__}.{t.__qualname__}"))


#: The core library's safe types (classes, and skorch's ``noop`` function).
SAFE_TYPES = _core_types()
