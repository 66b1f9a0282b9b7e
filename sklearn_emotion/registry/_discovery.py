"""Plugin discovery through Python entry points.

Every heavy resource and every extension of the library is a *plugin*: an entry point
in one of the groups ``sklearn_emotion.<kind>`` where ``kind`` is one of :data:`KINDS`.
Our own built-ins register through the same groups (see ``pyproject.toml``), so there
is one code path for first- and third-party objects. The contract a plugin package
follows is written down in ``plugins/README.md``; :func:`sklearn_emotion.testing.check_plugin`
verifies it.

Finding plugins is cheap: it reads installed metadata only, imports no plugin and not
even scikit-learn or torch. Loading one imports its module on demand. Resource kinds
(``vectors``, ``encoders``) point at a zero-argument callable that returns a local path
or an already loaded object.

A plugin package declares the plugin API version it was built for with one entry point
in the group ``sklearn_emotion.api`` whose value names the constant of that version,
``sklearn_emotion.registry:API_1``. A package built for a version this library does not
support is skipped with a warning; discovery never fails because of one bad package.

Two packages may register the same name: both are listed, and asking for the bare name
raises an error that names them; the qualified name ``"package[name]"`` picks one.

Examples
--------
>>> from sklearn_emotion import registry
>>> "vectorizers" in registry.KINDS
True
>>> "WordVectorizer" in registry.available("vectorizers")
True
>>> registry.get_plugin("vectorizers", "sklearn-emotion[WordVectorizer]").package
'sklearn-emotion'
"""

from __future__ import annotations

import difflib
import os
import re
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "KINDS",
    "RESOURCE_KINDS",
    "API_GROUP",
    "PLUGIN_API_VERSION",
    "SUPPORTED_API_VERSIONS",
    "API_1",
    "Plugin",
    "PluginProblem",
    "Resource",
    "find_plugins",
    "find_problems",
    "available",
    "is_registered",
    "get_plugin",
    "load",
    "plugin_metadata",
    "parse_api_version",
    "resolve",
]

KINDS = ("vectors", "encoders", "vectorizers", "estimators", "datasets")
RESOURCE_KINDS = ("vectors", "encoders")
GROUP_PREFIX = "sklearn_emotion."

#: The entry-point group in which a plugin package declares its plugin API version.
API_GROUP = "sklearn_emotion.api"
#: The plugin API version this library implements (see ``plugins/README.md``).
PLUGIN_API_VERSION = 1
#: The plugin API versions whose plugins this library loads.
SUPPORTED_API_VERSIONS = (1,)
#: What a package built for plugin API 1 points its ``sklearn_emotion.api`` entry point at.
API_1 = 1

#: The distribution of the library itself: its built-ins need no API declaration.
CORE_DISTRIBUTION = "sklearn-emotion"

_API_ATTR = re.compile(r"API_(\d+)")
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


class Plugin(NamedTuple):
    """One registered entry point, found without importing it.

    ``api_version`` is the plugin API version its package declares (``None`` when it
    declares none); ``licence`` and ``summary`` come from the package metadata.
    """

    kind: str
    name: str
    value: str
    package: str
    version: str
    entry_point: metadata.EntryPoint
    api_version: int | None = None
    licence: str = ""
    summary: str = ""

    @property
    def display_name(self) -> str:
        """The qualified name ``package[name]``, unique even when names clash."""
        return f"{self.package}[{self.name}]"


class PluginProblem(NamedTuple):
    """Something wrong with an installed plugin, as reported by :func:`find_problems`."""

    kind: str
    name: str
    package: str
    problem: str


class Resource(NamedTuple):
    """Where a named resource comes from: ``source`` is 'plugin', 'path' or 'hub'."""

    source: str
    location: Any
    name: str


def _errors():
    """The exceptions module, imported late: it imports scikit-learn, discovery must not."""
    from . import exceptions

    return exceptions


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown plugin kind {kind!r}; expected one of {', '.join(KINDS)}.")


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    """All entry points of ``group`` (a seam that tests patch)."""
    return list(metadata.entry_points(group=group))


def _dist_name(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.metadata["Name"] if dist is not None else "unknown"


def _normalise(package: str) -> str:
    """PEP 503 normalised distribution name, so 'Foo_Bar' and 'foo-bar' compare equal."""
    return re.sub(r"[-_.]+", "-", package).lower()


def parse_api_version(value: str) -> int | None:
    """The API version an ``sklearn_emotion.api`` entry-point value names, without importing.

    Examples
    --------
    >>> from sklearn_emotion.registry import parse_api_version
    >>> parse_api_version("sklearn_emotion.registry:API_1")
    1
    >>> parse_api_version("my_plugin:whatever") is None
    True
    """
    module, _, attr = value.partition(":")
    match = _API_ATTR.fullmatch(attr.strip())
    if module.strip() != "sklearn_emotion.registry" or match is None:
        return None
    return int(match.group(1))


def _declared_api_versions() -> dict[str, tuple[int | None, str]]:
    """``{normalised package: (version or None when unreadable, entry-point value)}``."""
    declared = {}
    for ep in _entry_points(API_GROUP):
        declared[_normalise(_dist_name(ep))] = (parse_api_version(ep.value), ep.value)
    return declared


def _licence(meta) -> str:
    if meta is None:
        return ""
    licence = meta.get("License-Expression") or meta.get("License") or ""
    if not licence or len(licence) > 80:  # some packages paste the whole licence text
        classifiers = [c.rsplit(" :: ", 1)[-1] for c in (meta.get_all("Classifier") or [])
                       if c.startswith("License ::")]
        licence = ", ".join(classifiers) or licence.split("\n", 1)[0][:80]
    return licence


def _scan(kinds) -> tuple[list[Plugin], list[PluginProblem]]:
    """Every plugin of ``kinds`` plus the problems found without importing anything."""
    declared = _declared_api_versions()
    plugins, problems = [], []
    dist_info: dict[str, tuple[str, str, str]] = {}
    for kind in kinds:
        for ep in _entry_points(GROUP_PREFIX + kind):
            dist = getattr(ep, "dist", None)
            package = _dist_name(ep)
            key = _normalise(package)
            if key not in dist_info:
                meta = dist.metadata if dist is not None else None
                dist_info[key] = (
                    dist.version if dist is not None else "unknown",
                    _licence(meta),
                    (meta.get("Summary") or "") if meta is not None else "",
                )
            version, licence, summary = dist_info[key]
            if key == CORE_DISTRIBUTION:
                api = PLUGIN_API_VERSION
            else:
                api, api_value = declared.get(key, (None, None))
                if api_value is not None and api not in SUPPORTED_API_VERSIONS:
                    found = f"API version {api}" if api is not None else repr(api_value)
                    problems.append(PluginProblem(
                        kind, ep.name, package,
                        f"built for sklearn-emotion plugin {found}, but this sklearn-emotion "
                        f"supports {', '.join(map(str, SUPPORTED_API_VERSIONS))}; the plugin is "
                        "skipped. Upgrade sklearn-emotion or install a plugin release built for "
                        f"API {PLUGIN_API_VERSION} ('{API_GROUP}' entry point "
                        f"'sklearn_emotion.registry:API_{PLUGIN_API_VERSION}')"))
                    continue
            plugins.append(Plugin(kind, ep.name, ep.value, package, version, ep, api, licence,
                                  summary))
    # A distribution installed twice (e.g. editable and on the path) shows twice: keep one.
    unique = {(p.kind, p.name, _normalise(p.package)): p for p in plugins}
    plugins = sorted(unique.values(),
                     key=lambda p: (KINDS.index(p.kind), p.name.lower(), p.package))
    return plugins, problems


def find_plugins(kind: str | None = None) -> list[Plugin]:
    """List registered plugins, sorted by kind and name, without importing them.

    A package built for an unsupported plugin API version is left out, with an
    :class:`~sklearn_emotion.exceptions.EmotionWarning`; :func:`find_problems` lists it.

    Parameters
    ----------
    kind : str, default=None
        One of :data:`KINDS`; ``None`` lists every kind.

    Returns
    -------
    list of Plugin
    """
    kinds = KINDS if kind is None else (kind,)
    for k in kinds:
        _check_kind(k)
    plugins, problems = _scan(kinds)
    if problems:
        warning = _errors().EmotionWarning
        for problem in problems:
            warnings.warn(f"Skipping {problem.kind} plugin {problem.package}[{problem.name}]: "
                          f"{problem.problem}.", warning, stacklevel=2)
    return plugins


def find_problems(kind: str | None = None, *, load: bool = True) -> list[PluginProblem]:
    """Report what is wrong with the installed plugins, without raising.

    Looks for packages built for an unsupported plugin API version (skipped by
    discovery), plugin packages that declare no API version, names registered by more
    than one package and, when ``load`` is true, plugins that fail to import.

    Parameters
    ----------
    kind : str, default=None
        One of :data:`KINDS`; ``None`` checks every kind.
    load : bool, default=True
        Whether to import each plugin to find import errors (slower: it imports them).

    Returns
    -------
    list of PluginProblem
        Empty when every plugin is fine.

    Examples
    --------
    >>> from sklearn_emotion.registry import find_problems
    >>> [p for p in find_problems("datasets") if p.package == "sklearn-emotion"]
    []
    """
    kinds = KINDS if kind is None else (kind,)
    for k in kinds:
        _check_kind(k)
    plugins, problems = _scan(kinds)
    for p in plugins:
        if p.api_version is None:
            problems.append(PluginProblem(
                p.kind, p.name, p.package,
                f"the package declares no plugin API version; add to its pyproject.toml "
                f"[project.entry-points.\"{API_GROUP}\"] "
                f"{p.package} = \"sklearn_emotion.registry:API_{PLUGIN_API_VERSION}\""))
    by_name: dict[tuple[str, str], list[Plugin]] = {}
    for p in plugins:
        by_name.setdefault((p.kind, p.name.lower()), []).append(p)
    for (k, _), same in by_name.items():
        if len(same) > 1:
            owners = ", ".join(p.display_name for p in same)
            for p in same:
                problems.append(PluginProblem(
                    k, p.name, p.package,
                    f"the name is registered by more than one package ({owners}); ask for "
                    f"{p.display_name!r} to pick this one"))
    if load:
        for p in plugins:
            try:
                p.entry_point.load()
            except Exception as exc:  # any import-time failure of third-party code
                problems.append(PluginProblem(
                    p.kind, p.name, p.package,
                    f"fails to load ({p.value}): {type(exc).__name__}: {exc}"))
    return sorted(problems, key=lambda q: (KINDS.index(q.kind), q.name.lower(), q.package))


def available(kind: str | None = None) -> list[str] | dict[str, list[str]]:
    """Names of the registered plugins: a list for one kind, else a dict by kind."""
    if kind is not None:
        return [p.name for p in find_plugins(kind)]
    found: dict[str, list[str]] = {k: [] for k in KINDS}
    for p in find_plugins():
        found[p.kind].append(p.name)
    return found


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
    _check_kind(kind)
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
    return _errors().PluginNotFoundError(
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
    _check_kind(kind)
    plugins = find_plugins(kind)
    matches = _matches(plugins, name)
    if not matches:
        raise _unknown_name_error(kind, name, plugins)
    if len(matches) > 1:
        owners = ", ".join(repr(p.display_name) for p in matches)
        raise _errors().PluginLoadError(
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
    plugin = get_plugin(kind, name)
    try:
        return plugin.entry_point.load()
    except Exception as exc:  # any import-time failure of third-party code
        raise _errors().PluginLoadError(
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
    import importlib

    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise _errors().PluginLoadError(
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
        plugin = get_plugin(kind, name)
        provider = load(kind, plugin.display_name)
        name = plugin.name
        try:
            location = provider() if callable(provider) else provider
        except Exception as exc:
            raise _errors().PluginLoadError(
                f"The {kind} plugin {name!r} failed to provide its resource: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if isinstance(location, (str, os.PathLike)):
            location = Path(location)
            if not location.exists():
                raise _errors().MissingWeightsError(
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
