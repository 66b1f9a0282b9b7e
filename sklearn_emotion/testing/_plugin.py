"""check_plugin: verify that an installed plugin package honours the plugin contract."""

from __future__ import annotations

from importlib import metadata
from typing import Any, Iterable

from sklearn.base import clone

from .. import registry
from ..exceptions import PluginCheckError
from ._data import sample_texts
from ._estimator import (
    CheckResult,
    _check_fitting,
    _Checker,
    _raise_failures,
    _sklearn_checks,
    _takes_raw_input,
)

__all__ = ["check_plugin"]

_ESTIMATOR_KINDS = ("vectorizers", "estimators")


def _check_package(checker: _Checker, dist, package: str) -> None:
    meta = dist.metadata
    licence = registry._licence(meta)
    missing = [field for field, value in (("Name", meta.get("Name")),
                                          ("Version", dist.version),
                                          ("License-Expression or License", licence),
                                          ("Summary (description)", meta.get("Summary")))
               if not value or str(value).strip() in {"", "UNKNOWN"}]
    checker.add("", "metadata", not missing,
                f"missing {', '.join(missing)} in pyproject.toml [project]" if missing
                else f"{meta['Name']} {dist.version}, licence {licence}")
    declared = [ep for ep in dist.entry_points if ep.group == registry.API_GROUP]
    wanted = (f"[project.entry-points.\"{registry.API_GROUP}\"] {package} = "
              f"\"sklearn_emotion.registry:API_{registry.PLUGIN_API_VERSION}\"")
    if registry._normalise(package) == registry.CORE_DISTRIBUTION:
        checker.add("", "api version", True, f"the library itself (API "
                                             f"{registry.PLUGIN_API_VERSION})")
    elif not declared:
        checker.add("", "api version", False, f"no plugin API version declared; add {wanted}")
    else:
        versions = [registry.parse_api_version(ep.value) for ep in declared]
        ok = len(versions) == 1 and versions[0] in registry.SUPPORTED_API_VERSIONS
        checker.add("", "api version", ok,
                    f"API {versions[0]}" if ok else
                    f"declares {[ep.value for ep in declared]}; expected exactly one {wanted}")


def _check_entry(checker: _Checker, plugin: registry.Plugin, others: list) -> Any:
    label = f"{plugin.kind}:{plugin.name}"
    clash = [p.display_name for p in others
             if p.kind == plugin.kind and p.name.lower() == plugin.name.lower()
             and registry._normalise(p.package) != registry._normalise(plugin.package)]
    checker.add(label, "unique name", not clash,
                f"also registered by {', '.join(clash)}; users must then ask for "
                f"{plugin.display_name!r}" if clash else "")
    obj = []
    checker.run(label, "loads", lambda: obj.append(plugin.entry_point.load()))
    return obj[0] if obj else None


def _check_resource(checker: _Checker, label: str, kind: str, name: str) -> None:
    def resolves():
        resource = registry.resolve(kind, name, allow_hub=False)
        if resource.source != "plugin":
            raise AssertionError(f"resolved from {resource.source!r}, not from the plugin")
        return f"{type(resource.location).__name__}: {resource.location}"

    checker.run(label, "resolves", resolves)


def _check_dataset(checker: _Checker, label: str, obj, kwargs: dict | None) -> None:
    if not checker.add(label, "callable", callable(obj),
                       "" if callable(obj) else f"got {type(obj).__name__}, expected a loader "
                                                "function such as load_x(..., return_X_y=False)"):
        return
    if kwargs is None:
        return

    def loads_data():
        data = obj(**kwargs)
        X, y = data if isinstance(data, tuple) else (data.data, data.target)
        if len(X) != len(y) or len(X) == 0:
            raise AssertionError(f"got {len(X)} samples and {len(y)} targets")
        return f"{len(X)} samples"

    checker.run(label, "loads data", loads_data)


def _trusted_by_skops(estimator) -> bool:
    """Whether skops creates the type without being told (scikit-learn's own, ...)."""
    import skops.io as sio  # the model format's serialiser: imported only for this check

    try:
        untrusted = sio.get_untrusted_types(data=sio.dumps(estimator))
    except Exception:  # not storable by skops at all: only a declaration can make it safe
        return False
    return registry.type_name(type(estimator)) not in untrusted


def _check_declared_safe(checker: _Checker, label: str, estimator) -> None:
    def declared_safe():
        name = registry.type_name(type(estimator))
        if name not in registry.safe_types() and not _trusted_by_skops(estimator):
            raise AssertionError(
                f"{name} is not declared safe, so sklearn_emotion.io.load refuses models "
                "that hold it unless trusted=[...] is passed; list it in the package's "
                f"SAFE_TYPES and register that under \"{registry.SAFE_TYPES_GROUP}\"")
        return name

    checker.run(label, "declared safe", declared_safe)


def _check_estimator_plugin(checker, label, obj, params, X, y, expected, estimator_checks):
    built = []

    def constructs():
        if not callable(obj):
            raise TypeError(f"got {type(obj).__name__}; a {label.split(':')[0]} plugin must "
                            "point at an estimator class (or a function returning an estimator)")
        est = obj(**params)
        for attr in ("fit", "get_params", "set_params"):
            if not hasattr(est, attr):
                raise TypeError(f"{type(est).__name__} has no {attr}(); subclass "
                                "sklearn.base.BaseEstimator and implement fit")
        clone(est).set_params(**est.get_params(deep=False))
        built.append(est)
        return type(est).__name__

    if not checker.run(label, "constructs", constructs):
        return
    estimator = built[0]
    _check_declared_safe(checker, label, estimator)
    if estimator_checks:
        _sklearn_checks(checker, label, estimator, expected)
    raw = _takes_raw_input(estimator)
    if X is None and not raw:
        return  # tabular input: sklearn's checks above cover fitting on real arrays
    if X is None:
        X, y = sample_texts()
    _check_fitting(checker, label, estimator, X, y)


# --------------------------------------------------------------------------- public

def check_plugin(
    package: str,
    *,
    names: Iterable[str] | None = None,
    params: dict[str, dict] | None = None,
    X=None,
    y=None,
    expected_failed_checks: dict[str, dict[str, str]] | None = None,
    estimator_checks: bool = True,
    dataset_kwargs: dict[str, dict] | None = None,
    raise_on_failure: bool = True,
) -> list[CheckResult]:
    """Verify that an installed plugin package honours the sklearn-emotion plugin contract.

    Call it from the plugin's own tests, after installing the package (editable is
    fine)::

        def test_contract():
            check_plugin("sklearn-emotion-myplugin")

    Parameters
    ----------
    package : str
        The distribution name, as in ``pip install`` (``"sklearn-emotion-model2vec"``).
    names : iterable of str, default=None
        Check only these entry-point names; ``None`` checks every plugin the package
        registers.
    params : dict of {name: dict}, default=None
        Constructor arguments per vectorizer/estimator name (small, fast settings).
    X, y : array-like, default=None
        Samples to fit on. By default a balanced sample of 70 real GoEmotions texts
        (:func:`sample_texts`) for estimators that declare raw input
        (``input_tags.string``); pass your own for other inputs (audio file paths, ...).
    expected_failed_checks : dict of {name: dict}, default=None
        Per name, scikit-learn checks known to fail, each with the reason (as in
        ``check_estimator(expected_failed_checks=...)``).
    estimator_checks : bool, default=True
        Whether to run scikit-learn's ``check_estimator`` on vectorizers and estimators.
    dataset_kwargs : dict of {name: dict}, default=None
        Arguments with which to call a dataset loader; a loader not listed is only
        checked to be callable.
    raise_on_failure : bool, default=True
        Raise :class:`~sklearn_emotion.exceptions.PluginCheckError` listing every failed
        check; otherwise return the results and let the caller decide.

    Returns
    -------
    list of CheckResult
        One per check run, in order.

    Raises
    ------
    PluginCheckError
        When a check failed and ``raise_on_failure`` is true.
    """
    params = params or {}
    expected_failed_checks = expected_failed_checks or {}
    dataset_kwargs = dataset_kwargs or {}
    checker = _Checker()
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise PluginCheckError(
            f"check_plugin: the package {package!r} is not installed; install it first "
            f"(`pip install -e plugins/<folder>`), then check it by its distribution name."
        ) from None
    _check_package(checker, dist, package)
    registry.refresh()  # the package may have been installed since the last scan
    all_plugins = registry.find_plugins()
    own = [p for p in all_plugins
           if registry._normalise(p.package) == registry._normalise(dist.metadata["Name"])]
    if names is not None:
        wanted = list(names)
        missing = sorted(set(wanted) - {p.name for p in own})
        checker.add("", "registers names", not missing,
                    f"{package} registers no plugin named {missing}; it registers "
                    f"{sorted(p.name for p in own)}" if missing else "")
        own = [p for p in own if p.name in wanted]
    else:
        checker.add("", "registers names", bool(own),
                    ", ".join(p.display_name for p in own) if own else
                    f"{package} registers no entry point in the groups "
                    f"{', '.join(registry.GROUP_PREFIX + k for k in registry.KINDS)}")
    for plugin in own:
        label = f"{plugin.kind}:{plugin.name}"
        obj = _check_entry(checker, plugin, all_plugins)
        if obj is None:
            continue
        if plugin.kind in registry.RESOURCE_KINDS:
            _check_resource(checker, label, plugin.kind, plugin.display_name)
        elif plugin.kind == "datasets":
            _check_dataset(checker, label, obj, dataset_kwargs.get(plugin.name))
        elif plugin.kind in _ESTIMATOR_KINDS:
            _check_estimator_plugin(
                checker, label, obj, params.get(plugin.name, {}), X, y,
                expected_failed_checks.get(plugin.name, {}), estimator_checks)
    if raise_on_failure:
        _raise_failures(checker.results, package, "the sklearn-emotion plugin contract")
    return checker.results
