"""The text-aware checks: the estimator contract on real samples (raw texts, file paths).

scikit-learn's ``check_estimator`` skips estimators whose input is not a numeric table;
these checks cover what it cannot: ``fit`` returns ``self`` and leaves the parameters
alone, outputs have one row per sample and do not depend on sample order,
``transform``/``predict`` before ``fit`` raise ``NotFittedError``, feature names match
the output width, and a pickle round trip gives identical outputs.
"""

from __future__ import annotations

import io
import pickle
import warnings
from typing import Callable, NamedTuple

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

from ..exceptions import PluginCheckError
from ._data import sample_texts
from ._suite import run_suite_into

__all__ = ["CheckResult", "check_text_estimator"]


class CheckResult(NamedTuple):
    """The outcome of one check on one plugin (``plugin`` is ``""`` for package checks)."""

    plugin: str
    check: str
    passed: bool
    detail: str = ""


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

def _sklearn_checks(checker: _Checker, label: str, estimator, expected: dict) -> None:
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
        shape = Z.shape if hasattr(Z, "shape") else (len(Z),)  # len() fails on sparse
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

    if hasattr(est, "__emotion_persist__"):
        def persistence_hooks():
            light, attributes = _persisted_by_reference(est)
            if light is None:
                return "stored by value"
            _check_close(getattr(light, method)(X), Z,
                         f"{method} after leaving out and reloading {attributes}")
            return f"{', '.join(attributes)} stored by reference"

        checker.run(label, "persistence hooks", persistence_hooks)


def _persisted_by_reference(est):
    """What the model format does to ``est``: drop the attributes it names, reload them.

    Returns the reloaded copy and the attribute names, or ``(None, ())`` when ``est``
    stores everything by value. Raises AssertionError when the hooks break the contract.
    """
    entry = est.__emotion_persist__()
    if entry is None:
        return None, ()
    attributes, fingerprint = tuple(entry[0]), entry[1]
    if not isinstance(fingerprint, str) or not fingerprint:
        raise AssertionError(f"__emotion_persist__ gave the fingerprint {fingerprint!r}; "
                             "expected a non-empty hex string")
    light = object.__new__(type(est))
    light.__dict__.update({k: v for k, v in vars(est).items() if k not in attributes})
    reloaded = light.__emotion_reload__()
    if set(reloaded) != set(attributes):
        raise AssertionError(f"__emotion_reload__ returned {sorted(reloaded)}; expected the "
                             f"attributes __emotion_persist__ left out, {sorted(attributes)}")
    for key, value in reloaded.items():
        setattr(light, key, value)
    again = light.__emotion_persist__()
    if again is None or again[1] != fingerprint:
        raise AssertionError("the fingerprint after reloading differs from the one before "
                             f"({again and again[1]!r} against {fingerprint!r})")
    return light, attributes


def _raise_failures(results: list[CheckResult], who: str, what: str) -> None:
    """One PluginCheckError listing every failed check, if any failed."""
    failed = [r for r in results if not r.passed]
    if failed:
        lines = "\n".join(f"- {r.plugin or who}: {r.check}: {r.detail}" for r in failed)
        raise PluginCheckError(
            f"{who} breaks {what} in {len(failed)} of {len(results)} checks (see "
            f"plugins/README.md):\n{lines}")


def check_text_estimator(estimator, X=None, y=None, *, raise_on_failure=True,
                         common_checks=False) -> list[CheckResult]:
    """Run the text-aware checks on one (unfitted) transformer or classifier.

    These are the checks :func:`check_plugin` runs on every raw-input vectorizer and
    estimator a package registers: ``transform``/``predict`` before ``fit`` raises
    ``NotFittedError``; ``fit`` returns ``self`` and changes no parameter; one output
    row per sample, finite 2-D numeric output for transformers and labels from
    ``classes_`` for classifiers; ``fit_transform`` equals ``fit().transform``; as many
    feature names as output columns; ``predict_proba`` rows sum to 1; outputs do not
    depend on sample order; a pickle round trip gives the same outputs; and, for a class
    with persistence hooks (``__emotion_persist__``), leaving out the attributes it names
    and reloading them with ``__emotion_reload__`` gives the same outputs and the same
    fingerprint.

    Parameters
    ----------
    estimator : estimator instance
        The object to check (cloned for each check; small, fast settings).
    X, y : array-like, default=None
        Samples to fit on; by default :func:`sample_texts` (70 GoEmotions texts).
    raise_on_failure : bool, default=True
        Raise :class:`~sklearn_emotion.exceptions.PluginCheckError` listing every
        failed check; otherwise return the results.
    common_checks : bool, default=False
        Also run the whole common-check suite of :func:`text_estimator_checks`
        (one result per check; one that does not apply passes with
        ``"skipped: <reason>"`` as its detail).

    Returns
    -------
    list of CheckResult
        One per check run, in order.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn_emotion.testing import check_text_estimator
    >>> results = check_text_estimator(TfidfVectorizer())
    >>> [r.check for r in results if not r.passed]
    []
    """
    if X is None:
        X, y = sample_texts()
    checker = _Checker()
    label = type(estimator).__name__
    _check_fitting(checker, label, estimator, X, y)
    if common_checks:
        run_suite_into(checker, label, estimator, X, y)
    if raise_on_failure:
        _raise_failures(checker.results, label, "the estimator contract")
    return checker.results
