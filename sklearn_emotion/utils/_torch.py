"""Device resolution, done at fit time and never in ``__init__``.

torch is imported inside the functions: the vectorizers import this module, and
``import sklearn_emotion.vectorizers`` must not import torch.
"""

from __future__ import annotations

import copy
import warnings

from ..exceptions import EmotionWarning

__all__ = ["resolve_device", "_PortableModulesMixin"]


def resolve_device(device: str | None) -> str:
    """Map ``"auto"`` (or ``None``) to ``"cuda"``, ``"mps"`` or ``"cpu"``; pass others through.

    Examples
    --------
    >>> from sklearn_emotion.utils._torch import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    if device not in (None, "auto"):
        return str(device)
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


class _PortableModulesMixin:
    """Pickle fitted torch modules on the CPU, and move them to ``device_`` on load.

    A module pickled on a GPU cannot be unpickled on a machine without one (torch
    refuses CUDA storages there), which breaks joblib files and Dask workers. So the
    pickled copy is always a CPU copy (the live model stays where it is), and
    ``__setstate__`` moves it to the fitted device when that exists, else to the CPU
    with a warning. Subclasses list their module attributes in ``_torch_modules``.
    """

    _torch_modules: tuple = ()

    def __getstate__(self):
        state = super().__getstate__()
        for name in self._torch_modules:
            module = state.get(name)
            if module is not None and getattr(self, "device_", "cpu") != "cpu":
                state = dict(state)
                state[name] = copy.deepcopy(module).to("cpu")
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        device = getattr(self, "device_", "cpu")
        if device == "cpu" or not any(getattr(self, n, None) is not None
                                      for n in self._torch_modules):
            return
        if not _device_available(device):
            warnings.warn(
                f"{type(self).__name__} was fitted on {device!r}, which this machine does "
                "not have; its model is loaded on the CPU.",
                EmotionWarning,
                stacklevel=2,
            )
            device = "cpu"
        for name in self._torch_modules:
            module = getattr(self, name, None)
            if module is not None:
                setattr(self, name, module.to(device))
        self.device_ = device


def _device_available(device: str) -> bool:
    import torch

    kind = str(device).split(":")[0]
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        return mps is not None and mps.is_available()
    return True
