"""Plugin discovery through Python entry points.

Every heavy resource and every extension of the library is a *plugin*: an entry point
in one of the groups ``sklearn_emotion.<kind>`` where ``kind`` is one of :data:`KINDS`.
Our own built-ins register through the same groups (see ``pyproject.toml``), so there
is one code path for first- and third-party objects.

Finding plugins is cheap (metadata only, nothing is imported); loading one imports its
module on demand. Resource kinds (``vectors``, ``encoders``) point at a zero-argument
callable that returns a local path or an already loaded object.

Examples
--------
>>> from sklearn_emotion import registry
>>> "vectorizers" in registry.KINDS
True
>>> "WordVectorizer" in registry.available("vectorizers")
True
"""

from __future__ import annotations

import difflib
import os
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from .exceptions import PluginLoadError, PluginNotFoundError

__all__ = [
    "KINDS",
    "RESOURCE_KINDS",
    "Plugin",
    "Resource",
    "find_plugins",
    "available",
    "get_plugin",
    "load",
    "resolve",
]

KINDS = ("vectors", "encoders", "vectorizers", "estimators", "datasets")
RESOURCE_KINDS = ("vectors", "encoders")
GROUP_PREFIX = "sklearn_emotion."


class Plugin(NamedTuple):
    """One registered entry point, found without importing it."""

    kind: str
    name: str
    value: str
    package: str
    version: str
    entry_point: metadata.EntryPoint

    @property
    def display_name(self) -> str:
        return f"{self.package}[{self.name}]"


class Resource(NamedTuple):
    """Where a named resource comes from: ``source`` is 'plugin', 'path' or 'hub'."""

    source: str
    location: Any
    name: str


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown plugin kind {kind!r}; expected one of {', '.join(KINDS)}.")


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    """All entry points of ``group`` (a seam that tests patch)."""
    return list(metadata.entry_points(group=group))


def find_plugins(kind: str | None = None) -> list[Plugin]:
    """List registered plugins, sorted by kind and name, without importing them.

    Parameters
    ----------
    kind : str, default=None
        One of :data:`KINDS`; ``None`` lists every kind.

    Returns
    -------
    list of Plugin
    """
    kinds = KINDS if kind is None else (kind,)
    plugins = []
    for k in kinds:
        _check_kind(k)
        for ep in _entry_points(GROUP_PREFIX + k):
            dist = getattr(ep, "dist", None)
            package = dist.metadata["Name"] if dist is not None else "unknown"
            version = dist.version if dist is not None else "unknown"
            plugins.append(Plugin(k, ep.name, ep.value, package, version, ep))
    # A distribution installed twice (e.g. editable and on the path) shows twice: keep one.
    unique = {(p.kind, p.name, p.package): p for p in plugins}
    return sorted(unique.values(), key=lambda p: (KINDS.index(p.kind), p.name.lower(), p.package))


def available(kind: str | None = None) -> list[str] | dict[str, list[str]]:
    """Names of the registered plugins: a list for one kind, else a dict by kind."""
    if kind is not None:
        return [p.name for p in find_plugins(kind)]
    found: dict[str, list[str]] = {k: [] for k in KINDS}
    for p in find_plugins():
        found[p.kind].append(p.name)
    return found


def _unknown_name_error(
    kind: str, name: str, plugins: list[Plugin], hint: str = ""
) -> PluginNotFoundError:
    names = [p.name for p in plugins]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    suggestion = f" Did you mean {close[0]!r}?" if close else ""
    installed = ", ".join(f"{p.name} ({p.package} {p.version})" for p in plugins) or "none"
    return PluginNotFoundError(
        f"Unknown {kind} plugin {name!r}.{suggestion} Installed {kind} plugins: {installed}. "
        f"Add more by installing a package that registers entry points in the group "
        f"'{GROUP_PREFIX}{kind}' (e.g. `pip install -e plugins/<name>`){hint}."
    )


def get_plugin(kind: str, name: str) -> Plugin:
    """The :class:`Plugin` registered as ``name`` (exact, then case-insensitive match)."""
    _check_kind(kind)
    plugins = find_plugins(kind)
    matches = [p for p in plugins if p.name == name]
    if not matches:
        matches = [p for p in plugins if p.name.lower() == name.lower()]
    if not matches:
        raise _unknown_name_error(kind, name, plugins)
    if len(matches) > 1:
        owners = ", ".join(p.display_name for p in matches)
        raise PluginLoadError(
            f"The {kind} plugin name {name!r} is registered by more than one package: {owners}. "
            "Uninstall all but one of them."
        )
    return matches[0]


def load(kind: str, name: str) -> Any:
    """Import and return the object registered as ``name`` under ``kind``.

    Raises
    ------
    PluginNotFoundError
        If no plugin of that kind has that name; the message lists what is installed.
    PluginLoadError
        If the plugin is registered but fails to import.
    """
    plugin = get_plugin(kind, name)
    try:
        return plugin.entry_point.load()
    except Exception as exc:  # any import-time failure of third-party code
        raise PluginLoadError(
            f"Failed to load {kind} plugin {plugin.display_name} ({plugin.value}) "
            f"due to {type(exc).__name__}: {exc}"
        ) from exc


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
        Registered name, local file/folder, or hub identifier.
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
    if any(p.name == name or p.name.lower() == name.lower() for p in plugins):
        name = get_plugin(kind, name).name
        provider = load(kind, name)
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
                raise PluginLoadError(
                    f"The {kind} plugin {name!r} points at {str(location)!r}, which does not "
                    "exist; "
                    "reinstall the plugin package."
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
