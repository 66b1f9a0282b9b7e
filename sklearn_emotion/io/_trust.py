"""Which types a model file may make :func:`sklearn_emotion.io.load` create.

Exactly: skops's own defaults (scikit-learn, numpy, scipy, builtins it knows to be
safe) plus the types installed packages declare safe through the registry
(``sklearn_emotion.safe_types`` entry points, the core library's among them), plus what
the caller passes as ``trusted``. A skorch network named inside ``model.skops`` is never
trusted, declared or not: skops would hand its state to skorch's ``__setstate__``,
which unpickles with ``torch.load``. Networks are created by the io layer itself, from
the classes the manifest names, and only declared or trusted ones.
"""

from __future__ import annotations

import importlib

from .. import registry
from ._nets import is_net_class

__all__ = ["untrusted_types"]


def _declared_object(name: str):
    """The object a declared safe name stands for (its module is a declaring package's)."""
    module, _, attr = name.rpartition(".")
    while module:
        try:
            obj = importlib.import_module(module)
            break
        except ImportError:  # a nested qualified name: Outer.Inner
            module, _, outer = module.rpartition(".")
            attr = f"{outer}.{attr}"
    else:
        return None
    for part in attr.split("."):
        obj = getattr(obj, part, None)
    return obj


def _creatable_by_skops(name: str, safe: frozenset[str]) -> bool:
    return name in safe and not is_net_class(_declared_object(name))


def untrusted_types(manifest: dict, skops_data: bytes) -> list[str]:
    """The types named by a checked archive that are neither skops defaults nor declared."""
    import skops.io as sio

    safe = registry.safe_types()
    untrusted = {
        name for name in sio.get_untrusted_types(data=skops_data)
        if not _creatable_by_skops(name, safe)
    }
    for entry in manifest.get("nets", []):  # created by load itself, from declared classes
        name = str(entry.get("class", ""))
        if name not in safe:
            untrusted.add(name)
    return sorted(untrusted)
