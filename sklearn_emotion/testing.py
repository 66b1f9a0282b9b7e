"""Tools for the tests of plugin packages: :func:`check_plugin` verifies the contract.

A plugin package's own test suite calls :func:`check_plugin` once with its distribution
name; it checks everything ``plugins/README.md`` asks of a plugin and raises one
:class:`~sklearn_emotion.exceptions.PluginCheckError` that lists every problem found:

- the package metadata (name, version, licence, description) and the plugin API
  version it declares;
- every entry point it registers: the name is unique among the installed packages, the
  object loads, resources (``vectors``, ``encoders``) resolve to an existing path or an
  object, datasets are callable;
- every vectorizer and estimator: scikit-learn's own ``check_estimator`` checks, and,
  for those that take raw text (or whatever ``X`` the caller passes, such as audio file
  paths), the same guarantees on real data: ``fit`` returns ``self`` and leaves the
  parameters alone, outputs have one row per sample and do not depend on sample order,
  ``transform``/``predict`` before ``fit`` raise ``NotFittedError``, feature names match
  the output width, and a pickle round trip gives identical outputs.

Examples
--------
>>> from sklearn_emotion.testing import check_plugin
>>> results = check_plugin("sklearn-emotion", names=["goemotions"])
>>> all(r.passed for r in results)
True
>>> sorted({r.check for r in results})
['api version', 'callable', 'loads', 'metadata', 'registers names', 'unique name']
"""

from __future__ import annotations

import io
import pickle
import warnings
from importlib import metadata
from typing import Any, Callable, Iterable, NamedTuple

import numpy as np

from . import registry
from .exceptions import PluginCheckError

__all__ = ["CheckResult", "check_plugin", "sample_texts"]

_ESTIMATOR_KINDS = ("vectorizers", "estimators")


class CheckResult(NamedTuple):
    """The outcome of one check on one plugin (``plugin`` is ``""`` for package checks)."""

    plugin: str
    check: str
    passed: bool
    detail: str = ""


def sample_texts(per_class: int = 10, random_state: int = 0) -> tuple[list[str], np.ndarray]:
    """A small, class-balanced sample of real GoEmotions (Ekman) training texts and labels.

    The default data of :func:`check_plugin`; bundled with the package, so no download.

    Examples
    --------
    >>> from sklearn_emotion.testing import sample_texts
    >>> X, y = sample_texts(per_class=2)
    >>> len(X), len(set(y))
    (14, 7)
    """
    from .datasets import load_goemotions

    X, y = load_goemotions(subset="train", return_X_y=True)
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    rng = np.random.default_rng(random_state)
    keep = np.concatenate([
        rng.choice(np.flatnonzero(y == c), size=per_class, replace=False) for c in np.unique(y)
    ])
    keep.sort()
    return [str(x) for x in X[keep]], y[keep]


# --------------------------------------------------------------------------- helpers


class _Checker:
    """Collects results; each check runs guarded so that one failure does not hide others."""

    def __init__(self):
        self.results: list[CheckResult] = []

    def add(self, plugin: str, check: str, passed: bool, detail: str = "") -> bool:
        self.results.append(CheckResult(plugin, check, bool(passed), detail))
        return bool(passed)

    def run(self, plugin: str, check: str, func: Callable[[], str | None]) -> bool:
        try:
            detail = func()
        except Exception as exc:  # a failing check, reported with its cause
            return self.add(plugin, check, False, f"{type(exc).__name__}: {exc}")
        return self.add(plugin, check, True, detail or "")


def _as_dense(Z) -> np.ndarray:
    if hasattr(Z, "toarray"):
        Z = Z.toarray()
    if hasattr(Z, "to_numpy"):
        Z = Z.to_numpy()
    return np.asarray(Z)


def _take(X, index):
    if hasattr(X, "iloc"):
        return X.iloc[index]
    if isinstance(X, np.ndarray):
        return X[index]
    return [X[i] for i in index]


def _check_close(a, b, what: str) -> None:
    a, b = _as_dense(a), _as_dense(b)
    if a.shape != b.shape:
        raise AssertionError(f"{what}: shapes differ, {a.shape} against {b.shape}")
    if a.dtype.kind in "fc":
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def _params_equal(before: dict, after: dict) -> list[str]:
    changed = []
    for key, value in before.items():
        other = after.get(key)
        try:
            same = value is other or bool(np.all(value == other))
        except Exception:
            same = repr(value) == repr(other)
        if not same:
            changed.append(f"{key}: {value!r} -> {other!r}")
    return changed


def _takes_raw_input(estimator) -> bool:
    """Whether the estimator declares non-tabular input (raw text, file paths, ...)."""
    try:
        tags = estimator.__sklearn_tags__()
    except Exception:
        return False
    return bool(tags.input_tags.string) and not tags.input_tags.two_d_array


# --------------------------------------------------------------------------- checks


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


def _sklearn_checks(checker: _Checker, label: str, estimator, expected: dict) -> None:
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, expected_failed_checks=expected,
                                  on_fail=None, on_skip=None)
    failed = [f"{r['check_name']} ({type(r['exception']).__name__}: {r['exception']})"
              for r in results if r["status"] == "failed"]
    ran = sum(r["status"] in {"passed", "xfail"} for r in results)
    checker.add(label, "sklearn check_estimator", not failed,
                "; ".join(failed) if failed else f"{ran} checks passed or expected to fail")


def _check_fitting(checker: _Checker, label: str, estimator, X, y) -> None:
    """The estimator contract on real data (what sklearn cannot test for raw inputs)."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    is_transformer = hasattr(estimator, "transform")
    method = "transform" if is_transformer else "predict"
    n = len(X)
    order = np.random.default_rng(0).permutation(n)

    def not_fitted():
        fresh = clone(estimator)
        try:
            getattr(fresh, method)(X)
        except NotFittedError:
            return None
        raise AssertionError(f"{method} before fit did not raise NotFittedError")

    checker.run(label, "not fitted error", not_fitted)

    fitted = []

    def fit_returns_self():
        est = clone(estimator)
        before = est.get_params(deep=False)
        returned = est.fit(X, y)
        if returned is not est:
            raise AssertionError(f"fit returned {type(returned).__name__}, not self")
        changed = _params_equal(before, est.get_params(deep=False))
        if changed:
            raise AssertionError(f"fit changed parameters: {'; '.join(changed)}")
        fitted.append(est)

    if not checker.run(label, "fit returns self", fit_returns_self):
        return
    est = fitted[0]
    out = []

    def output_shape():
        Z = getattr(est, method)(X)
        out.append(Z)
        shape = getattr(Z, "shape", (len(Z),))
        if shape[0] != n:
            raise AssertionError(f"{method} gave {shape[0]} rows for {n} samples")
        if is_transformer:
            dense = _as_dense(Z)
            if dense.ndim != 2 or dense.dtype.kind not in "fiub":
                raise AssertionError(f"expected a 2-D numeric array, got {dense.ndim}-D "
                                     f"{dense.dtype}")
            if not np.all(np.isfinite(dense)):
                raise AssertionError("the output holds NaN or infinity")
        else:
            classes = getattr(est, "classes_", None)
            if classes is None:
                raise AssertionError("a fitted classifier must expose classes_")
            unknown = set(np.asarray(Z).ravel().tolist()) - set(np.asarray(classes).ravel()
                                                                .tolist())
            if unknown and np.asarray(Z).ndim == 1:
                raise AssertionError(f"predict returned labels outside classes_: {unknown}")
        return f"{method} output shape {shape}"

    if not checker.run(label, "output shape", output_shape):
        return
    Z = out[0]

    if is_transformer:
        def fit_transform_consistent():
            _check_close(clone(estimator).fit_transform(X, y), Z, "fit_transform(X) against "
                                                                  "fit(X).transform(X)")

        checker.run(label, "fit_transform consistent", fit_transform_consistent)

        if hasattr(est, "get_feature_names_out"):
            def feature_names():
                names = est.get_feature_names_out()
                if len(names) != _as_dense(Z).shape[1]:
                    raise AssertionError(f"{len(names)} feature names for "
                                         f"{_as_dense(Z).shape[1]} output columns")

            checker.run(label, "feature names", feature_names)

    if hasattr(est, "predict_proba"):
        def proba_sums_to_one():
            P = _as_dense(est.predict_proba(X))
            if P.shape != (n, len(est.classes_)):
                raise AssertionError(f"predict_proba shape {P.shape}, expected "
                                     f"{(n, len(est.classes_))}")
            np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-4,
                                       err_msg="predict_proba rows must sum to 1")

        checker.run(label, "predict_proba", proba_sums_to_one)

    def order_invariance():
        _check_close(getattr(est, method)(_take(X, order)), _take(_as_dense(Z), order),
                     f"{method} of shuffled samples against shuffled {method}")

    checker.run(label, "sample order invariance", order_invariance)

    def pickle_round_trip():
        buffer = io.BytesIO()
        pickle.dump(est, buffer)
        buffer.seek(0)
        restored = pickle.load(buffer)
        _check_close(getattr(restored, method)(X), Z, f"{method} after a pickle round trip")
        return f"{buffer.getbuffer().nbytes} bytes pickled"

    checker.run(label, "pickle round trip", pickle_round_trip)


def _check_estimator_plugin(checker, label, obj, params, X, y, expected, estimator_checks):
    from sklearn.base import clone

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
    failed = [r for r in checker.results if not r.passed]
    if failed and raise_on_failure:
        lines = "\n".join(f"- {r.plugin or package}: {r.check}: {r.detail}" for r in failed)
        raise PluginCheckError(
            f"{package} breaks the sklearn-emotion plugin contract in {len(failed)} of "
            f"{len(checker.results)} checks (see plugins/README.md):\n{lines}")
    return checker.results
