"""Looking plugins up by name: match, load, describe, and resolve named resources."""

from __future__ import annotations

import difflib
import importlib
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from ..exceptions import MissingWeightsError, PluginLoadError, PluginNotFoundError
from ._discovery import GROUP_PREFIX, RESOURCE_KINDS, Plugin, _normalise, find_plugins

__all__ = [
    "KNOWN_PROVIDERS",
    "Resource",
    "get_plugin",
    "is_registered",
    "load",
    "plugin_metadata",
    "resolve",
]

_QUALIFIED = re.compile(r"^(?P<package>[^\[\]]+)\[(?P<name>[^\[\]]+)\]$")

# First-party plugin packages of this repository: what to install when a name is missing.
KNOWN_PROVIDERS = {
    ("vectors", "glove-6b-50d"): ("sklearn-emotion-glove-6b-50d", "plugins/glove-6b-50d"),
    ("encoders", "all-MiniLM-L6-v2"): ("sklearn-emotion-minilm", "plugins/minilm"),
    ("encoders", "minilm-static"): ("sklearn-emotion-model2vec", "plugins/model2vec"),
    ("vectorizers", "StaticEmbeddingVectorizer"): (
        "sklearn-emotion-model2vec", "plugins/model2vec"),
    ("vectorizers", "LexiconVectorizer"): ("sklearn-emotion-lexicon", "plugins/lexicon"),
    ("estimators", "TfidfBaselineClassifier"): (
        "sklearn-emotion-tfidf-baseline", "plugins/tfidf-baseline"),
    ("vectorizers", "TextStatsVectorizer"): ("sklearn-emotion-template", "plugins/template"),
    ("vectorizers", "MFCCVectorizer"): ("sklearn-emotion-audio-mfcc", "plugins/audio-mfcc"),
}


class Resource(NamedTuple):
    """Where a named resource comes from: ``source`` is 'plugin', 'path' or 'hub'."""

    source: str
    location: Any
    name: str


def _matches(plugins: list[Plugin], name: str) -> list[Plugin]:
    """Plugins answering to ``name``: qualified ``package[name]``, exact, then any case."""
    qualified = _QUALIFIED.match(name.strip())
    if qualified:
        package = _normalise(qualified.group("package"))
        plugins = [p for p in plugins if _normalise(p.package) == package]
        name = qualified.group("name")
    exact = [p for p in plugins if p.name == name]
    return exact or [p for p in plugins if p.name.lower() == name.lower()]


def is_registered(kind: str, name: str) -> bool:
    """Whether ``name`` (bare or qualified ``package[name]``) is a plugin of ``kind``.

    Examples
    --------
    >>> from sklearn_emotion.registry import is_registered
    >>> is_registered("datasets", "goemotions"), is_registered("datasets", "nope")
    (True, False)
    """
    return bool(_matches(find_plugins(kind), os.fspath(name)))


def _unknown_name_error(kind: str, name: str, plugins: list[Plugin], hint: str = ""):
    names = [p.name for p in plugins]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    known = KNOWN_PROVIDERS.get((kind, name))
    provider = (f" {name!r} is provided by the package {known[0]}, which is not installed: "
                f"`pip install -e {known[1]}` from the sklearn-emotion repository."
                if known else "")
    installed = ", ".join(f"{p.name} ({p.package} {p.version})" for p in plugins) or "none"
    return PluginNotFoundError(
        f"Unknown {kind} plugin {name!r}.{suggestion}{provider} Installed {kind} plugins: "
        f"{installed}. Add more by installing a package that registers entry points in the "
        f"group '{GROUP_PREFIX}{kind}' (e.g. `pip install -e plugins/<name>`){hint}."
    )


def get_plugin(kind: str, name: str) -> Plugin:
    """The :class:`Plugin` registered as ``name`` under ``kind``.

    ``name`` is matched exactly, then case-insensitively; the qualified form
    ``"package[name]"`` picks one package when several register the same name.

    Raises
    ------
    PluginNotFoundError
        If no plugin of that kind has that name; the message lists what is installed.
    PluginLoadError
        If several packages register the name; the message lists their qualified names.
    """
    return _pick(kind, name, find_plugins(kind))


def _pick(kind: str, name: str, plugins: list[Plugin]) -> Plugin:
    """The one plugin of ``plugins`` answering to ``name``, or a helpful error."""
    matches = _matches(plugins, name)
    if not matches:
        raise _unknown_name_error(kind, name, plugins)
    if len(matches) > 1:
        owners = ", ".join(repr(p.display_name) for p in matches)
        raise PluginLoadError(
            f"The {kind} plugin name {name!r} is registered by more than one package: {owners}. "
            f"Pick one by its qualified name, e.g. {matches[0].display_name!r}, or uninstall "
            "all but one of the packages."
        )
    return matches[0]


def load(kind: str, name: str) -> Any:
    """Import and return the object registered as ``name`` under ``kind``.

    Raises
    ------
    PluginNotFoundError
        If no plugin of that kind has that name; the message lists what is installed.
    PluginLoadError
        If the plugin is registered but fails to import, or the name is ambiguous.
    """
    return _load_plugin(get_plugin(kind, name))


def _load_plugin(plugin: Plugin) -> Any:
    kind = plugin.kind
    try:
        return plugin.entry_point.load()
    except Exception as exc:  # any import-time failure of third-party code
        raise PluginLoadError(
            f"Failed to load {kind} plugin {plugin.display_name} ({plugin.value}) "
            f"due to {type(exc).__name__}: {exc}"
        ) from exc


def plugin_metadata(kind: str, name: str) -> dict[str, Any]:
    """What a plugin says about itself: package metadata plus the module's ``METADATA``.

    The keys ``name``, ``kind``, ``package``, ``version``, ``licence``, ``description``
    and ``api_version`` always exist; a plugin module may add more (``dimension``, ...)
    through a module-level ``METADATA`` dict, which wins for ``licence`` and
    ``description``. Imports the plugin's module (not its weights).

    Examples
    --------
    >>> from sklearn_emotion.registry import plugin_metadata
    >>> info = plugin_metadata("datasets", "goemotions")
    >>> info["package"], info["licence"]
    ('sklearn-emotion', 'Apache-2.0')
    """
    plugin = get_plugin(kind, name)
    info = {
        "name": plugin.name, "kind": plugin.kind, "package": plugin.package,
        "version": plugin.version, "licence": plugin.licence, "description": plugin.summary,
        "api_version": plugin.api_version, "entry_point": plugin.value,
    }
    module_name = plugin.value.partition(":")[0].strip()
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise PluginLoadError(
            f"Failed to import {module_name!r} of {kind} plugin {plugin.display_name} due to "
            f"{type(exc).__name__}: {exc}") from exc
    extra = getattr(module, "METADATA", None)
    if isinstance(extra, dict):
        nested = extra.get(plugin.name)  # a module serving several plugins keys by name
        extra = nested if isinstance(nested, dict) else extra
        info.update({k: v for k, v in extra.items() if k not in {"kind", "package", "version"}})
        info["name"] = plugin.name
    return info


_FILE_SUFFIXES = (".txt", ".vec", ".bin", ".gz", ".npy", ".kv", ".model", ".zip")


def _looks_like_path(name: str) -> bool:
    """A missing local file, as opposed to a hub identifier such as 'org/model'."""
    return name.startswith((".", "/", "~")) or name.lower().endswith(_FILE_SUFFIXES)


def resolve(kind: str, name: str, *, allow_hub: bool = True) -> Resource:
    """Find a resource (word vectors, an encoder) by registered name, local path or hub name.

    Resolution order: a registered plugin name, then an existing local path, then (if
    ``allow_hub``) the name is returned unchanged as a model-hub identifier for the
    loading library to fetch.

    Parameters
    ----------
    kind : {"vectors", "encoders"}
        The resource kind.
    name : str or path-like
        Registered name (bare or ``package[name]``), local file/folder, or hub identifier.
    allow_hub : bool, default=True
        Whether an unresolved name may be treated as a hub identifier.

    Returns
    -------
    Resource
        ``source`` says where it came from; ``location`` is a :class:`pathlib.Path`, the
        hub identifier, or the object a plugin returned.

    Examples
    --------
    >>> from sklearn_emotion.registry import resolve
    >>> resolve("encoders", "sentence-transformers/all-mpnet-base-v2").source
    'hub'
    """
    if kind not in RESOURCE_KINDS:
        raise ValueError(f"resolve() works on {RESOURCE_KINDS}; got kind {kind!r}. Use load().")
    name = os.fspath(name)
    plugins = find_plugins(kind)
    if _matches(plugins, name):
        plugin = _pick(kind, name, plugins)  # one scan per resolve: reuse the list
        provider = _load_plugin(plugin)
        name = plugin.name
        try:
            location = provider() if callable(provider) else provider
        except Exception as exc:
            raise PluginLoadError(
                f"The {kind} plugin {name!r} failed to provide its resource: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if isinstance(location, (str, os.PathLike)):
            location = Path(location)
            if not location.exists():
                raise MissingWeightsError(
                    f"The {kind} plugin {name!r} points at {str(location)!r}, which does not "
                    "exist; reinstall the plugin package."
                )
        return Resource("plugin", location, name)
    path = Path(name).expanduser()
    if path.exists():
        return Resource("path", path, name)
    if _looks_like_path(name) or not allow_hub:
        no_hub = "" if allow_hub else "; hub names are not allowed here"
        raise _unknown_name_error(
            kind, name, plugins, hint=f", or pass an existing local path{no_hub}"
        )
    return Resource("hub", name, name)
