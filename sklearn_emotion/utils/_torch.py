"""Device resolution, done at fit time and never in ``__init__``."""

from __future__ import annotations

__all__ = ["resolve_device"]


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
