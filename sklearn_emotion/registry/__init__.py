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

Packages also declare, in the group ``sklearn_emotion.safe_types``, which of their types
:func:`sklearn_emotion.io.load` may create without ``trusted=`` (:func:`safe_types`).

Entry points are scanned once per process and the results cached; :func:`refresh`
forgets them (after installing a plugin into a running interpreter, or in tests that
replace ``_entry_points`` with in-memory ``EntryPoint`` objects).

The package is split by concept: ``_discovery`` (finding plugins, caching),
``_lookup`` (names, loading, resources) and ``_safe_types``.

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

from ._discovery import (
    API_1,
    API_GROUP,
    CORE_DISTRIBUTION,
    GROUP_PREFIX,
    KINDS,
    PLUGIN_API_VERSION,
    RESOURCE_KINDS,
    SUPPORTED_API_VERSIONS,
    Plugin,
    PluginProblem,
    available,
    find_plugins,
    find_problems,
    parse_api_version,
    refresh,
)
from ._lookup import (
    KNOWN_PROVIDERS,
    Resource,
    get_plugin,
    is_registered,
    load,
    plugin_metadata,
    resolve,
)
from ._safe_types import SAFE_TYPES_GROUP, safe_types, type_name

# private names used by other modules of the library; _entry_points is the seam that
# tests replace with in-memory EntryPoint objects (discovery looks it up here)
from ._discovery import _entry_points, _licence, _normalise  # noqa: F401
from ._lookup import _unknown_name_error  # noqa: F401

__all__ = [
    "KINDS",
    "RESOURCE_KINDS",
    "GROUP_PREFIX",
    "API_GROUP",
    "SAFE_TYPES_GROUP",
    "PLUGIN_API_VERSION",
    "SUPPORTED_API_VERSIONS",
    "API_1",
    "CORE_DISTRIBUTION",
    "KNOWN_PROVIDERS",
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
    "refresh",
    "resolve",
    "safe_types",
    "type_name",
]

# the public objects say they live here, where users import them from
for _name in __all__:
    if callable(globals()[_name]):
        globals()[_name].__module__ = __name__
del _name
