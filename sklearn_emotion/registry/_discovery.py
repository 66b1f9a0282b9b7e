"""Finding plugins: entry points read from installed metadata, scanned once per process.

Nothing here imports a plugin, scikit-learn or torch. The scans are cached per process
(installed packages rarely change while a program runs); :func:`refresh` forgets them,
e.g. after ``pip install`` of a plugin in a running notebook.
"""

from __future__ import annotations

import functools
import re
import sys
import warnings
from importlib import metadata
from typing import Any, Callable, Hashable, NamedTuple

from ..exceptions import EmotionWarning

__all__ = [
    "KINDS",
    "RESOURCE_KINDS",
    "GROUP_PREFIX",
    "API_GROUP",
    "PLUGIN_API_VERSION",
    "SUPPORTED_API_VERSIONS",
    "API_1",
    "CORE_DISTRIBUTION",
    "Plugin",
    "PluginProblem",
    "available",
    "find_plugins",
    "find_problems",
    "parse_api_version",
    "refresh",
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


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown plugin kind {kind!r}; expected one of {', '.join(KINDS)}.")


@functools.lru_cache(maxsize=None)
def _installed(group: str) -> tuple[metadata.EntryPoint, ...]:
    return tuple(metadata.entry_points(group=group))


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    """All installed entry points of ``group``, read once per process.

    Tests replace ``sklearn_emotion.registry._entry_points`` with in-memory
    ``EntryPoint`` objects; the scans below always call it through the package.
    """
    return list(_installed(group))


def _seam() -> Callable[[str], list[metadata.EntryPoint]]:
    """The package's ``_entry_points``, looked up at call time so that patching it works."""
    return sys.modules[__package__]._entry_points


# scan results by (discovery function, what was scanned): a patched _entry_points gets
# entries of its own, so a test's fake plugins never leak into the real ones
_SCANS: dict[tuple, Any] = {}


def cached_scan(what: Hashable, scan: Callable[[], Any]) -> Any:
    """``scan()``, computed once per process and discovery function (see :func:`refresh`)."""
    key = (_seam(), what)
    if key not in _SCANS:
        _SCANS[key] = scan()
    return _SCANS[key]


def refresh() -> None:
    """Forget the cached entry-point scans, so the next lookup reads installed metadata again.

    Discovery reads the installed packages' metadata once per process. Call this after
    installing or removing a plugin package in a running interpreter (a notebook), or in
    a test that changes what is installed.

    Examples
    --------
    >>> from sklearn_emotion import registry
    >>> registry.refresh()
    >>> "WordVectorizer" in registry.available("vectorizers")
    True
    """
    _installed.cache_clear()
    _SCANS.clear()


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
    for ep in _seam()(API_GROUP):
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


def _scan(kinds: tuple[str, ...]) -> tuple[list[Plugin], list[PluginProblem]]:
    """Every plugin of ``kinds`` plus the problems found without importing anything.

    Cached per process (see :func:`refresh`); callers get fresh lists.
    """
    plugins, problems = cached_scan(kinds, lambda: _scan_uncached(kinds))
    return list(plugins), list(problems)


def _scan_uncached(kinds):
    declared = _declared_api_versions()
    plugins, problems = [], []
    dist_info: dict[str, tuple[str, str, str]] = {}
    for kind in kinds:
        for ep in _seam()(GROUP_PREFIX + kind):
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
        for problem in problems:
            warnings.warn(f"Skipping {problem.kind} plugin {problem.package}[{problem.name}]: "
                          f"{problem.problem}.", EmotionWarning, stacklevel=2)
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
