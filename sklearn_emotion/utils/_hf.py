"""Loading Hugging Face / sentence-transformers models by plugin name, local folder or hub name.

Shared by the model-backed vectorizers and by TransformerClassifier; public through
:mod:`sklearn_emotion.plugin_api`.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Callable

from .. import registry
from ..exceptions import PluginLoadError

__all__ = ["load_encoder", "transformer_folder", "hf_progress"]


def _first_line(exc: BaseException) -> str:
    """The first line of an exception message, without a final full stop."""
    lines = str(exc).strip().splitlines()
    return lines[0].rstrip(".") if lines else ""


@contextlib.contextmanager
def hf_progress(show: bool):
    """Show transformers' and huggingface_hub's progress bars only if ``show``.

    With ``show=False`` their bars ("Loading weights", downloads) are switched off for
    the duration and the previous settings are restored afterwards.
    """
    if show:
        yield
        return
    from huggingface_hub import utils as hub

    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # sentence-transformers needs it, but a plugin might not
        transformers_logging = None
    hub_was_off = hub.are_progress_bars_disabled()
    transformers_was_on = (
        transformers_logging is not None and transformers_logging.is_progress_bar_enabled()
    )
    if transformers_was_on:
        transformers_logging.disable_progress_bar()  # (the hub's bars too)
    hub.disable_progress_bars()
    try:
        yield
    finally:
        if transformers_was_on:
            transformers_logging.enable_progress_bar()  # (the hub's bars too)
        if hub_was_off:
            hub.disable_progress_bars()
        else:
            hub.enable_progress_bars()


def load_encoder(
    owner: str, model, loader: Callable[[str, bool], Any], *, progress: bool = False
) -> Any:
    """Resolve ``model`` (plugin name, local path or hub name) and load it with ``loader``.

    ``loader(location, local_files_only)`` does the actual loading. A hub name is first
    tried from the local Hugging Face cache only, and then online; when both fail, the
    error lists the installed encoder plugins instead of a long network traceback.

    Parameters
    ----------
    owner : str
        The class that loads, named in error messages.
    model : str, path-like or Resource
        An encoder plugin name, a local path, a hub name, or what
        ``registry.resolve("encoders", ...)`` already returned (so that a ``fit`` that
        needs the resolved location too resolves only once).
    loader : callable
        ``loader(location: str, local_files_only: bool)`` returns the loaded model.
    progress : bool, default=False
        Let transformers and huggingface_hub show their progress bars ("Loading
        weights", downloads) while loading; off by default (see :func:`hf_progress`).

    Returns
    -------
    object
        What ``loader`` returned, or the object an encoder plugin handed over.
    """
    def quiet(location, local_files_only):
        with hf_progress(progress):
            return loader(location, local_files_only)

    if isinstance(model, registry.Resource):
        resource = model
    else:
        resource = registry.resolve("encoders", model)
    if resource.source == "hub":
        try:
            return quiet(resource.location, True)
        except Exception:
            pass  # not in the local cache: try the hub itself
        try:
            return quiet(resource.location, False)
        except Exception as exc:
            raise registry._unknown_name_error(
                "encoders",
                resource.name,
                registry.find_plugins("encoders"),
                hint=(
                    ", or pass an existing local model folder. Loading "
                    f"{resource.name!r} from the Hugging Face hub failed with "
                    f"{type(exc).__name__}: {_first_line(exc)}"
                ),
            ) from exc
    location = resource.location
    if not isinstance(location, Path):  # a plugin that hands over a loaded object
        return location
    try:
        return quiet(str(location), True)
    except Exception as exc:
        where = location
        if resource.source == "plugin":
            where = f"plugin {resource.name!r} ({location})"
        raise PluginLoadError(
            f"{owner} could not load the model from {where}: {type(exc).__name__}: {exc}"
        ) from exc


def transformer_folder(location: str) -> str:
    """The Hugging Face model folder inside a sentence-transformers folder, if nested."""
    path = Path(location)
    modules = path / "modules.json"
    if path.is_dir() and not (path / "config.json").exists() and modules.exists():
        for module in json.loads(modules.read_text()):
            if module.get("type", "").endswith("Transformer"):
                return str(path / module.get("path", ""))
    return location
