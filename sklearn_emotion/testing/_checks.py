"""The text-aware common checks that apply to every estimator: fitting, copies, inputs.

Each check is ``check_x(estimator, X, y)``: it clones the (unfitted) estimator, raises
``AssertionError`` with a message that says what broke, :class:`SkipCheck` with the
reason when it does not apply, and returns a short detail string otherwise.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from ._common import (
    SkipCheck,
    as_rows,
    assert_rows_close,
    expect_clear_error,
    is_library_class,
    method_of,
    n_samples,
    outputs,
    read_only,
    take,
)

__all__ = [
    "check_not_fitted", "check_fit_returns_self", "check_fit_does_not_change_params",
    "check_fit_idempotent", "check_clone", "check_pickle_unfitted", "check_pickle_fitted",
    "check_n_features_in", "check_feature_names_out", "check_set_output_pandas",
    "check_order_invariance", "check_batch_size_invariance", "check_float_output",
    "check_empty_input", "check_bare_string", "check_none_input", "check_read_only_input",
]


def _is_text(X) -> bool:
    return (not isinstance(X, (Mapping, np.ndarray)) and not hasattr(X, "iloc")
            and all(isinstance(x, str) for x in X))


def _same_outputs(a, b, X, what: str) -> None:
    out_a, out_b = outputs(a, X), outputs(b, X)
    for method, value in out_a.items():
        assert_rows_close(value, out_b[method], f"{method}: {what}")


def check_not_fitted(estimator, X, y):
    """transform / predict / predict_proba before fit raise sklearn's NotFittedError."""
    if not estimator.__sklearn_tags__().requires_fit:
        raise SkipCheck("stateless (requires_fit=False): works without fit")
    methods = [m for m in ("transform", "predict", "predict_proba") if hasattr(estimator, m)]
    for method in methods:
        try:
            getattr(clone(estimator), method)(X)
        except NotFittedError:
            continue
        except Exception as exc:
            raise AssertionError(f"{method} before fit raised {type(exc).__name__}: {exc}; "
                                 "expected NotFittedError (check_is_fitted)") from exc
        raise AssertionError(f"{method} before fit did not raise NotFittedError")
    return ", ".join(methods)


def check_fit_returns_self(estimator, X, y):
    """fit returns the estimator itself (so that ``est.fit(X, y).predict(X)`` works)."""
    est = clone(estimator)
    returned = est.fit(X, y)
    if returned is not est:
        raise AssertionError(f"fit returned {type(returned).__name__}, not self")


def check_fit_does_not_change_params(estimator, X, y):
    """fit leaves every constructor parameter as set (sklearn's check_dont_overwrite_parameters)."""
    est = clone(estimator)
    before = {k: repr(v) for k, v in est.get_params(deep=False).items()}
    est.fit(X, y)
    changed = [f"{k}: {v} -> {repr(est.get_params(deep=False)[k])}"
               for k, v in before.items() if repr(est.get_params(deep=False)[k]) != v]
    if changed:
        raise AssertionError(f"fit changed parameters: {'; '.join(changed)}")


def check_fit_idempotent(estimator, X, y):
    """Fitting twice (same object, or two clones, same seed) gives the same outputs."""
    est = clone(estimator).fit(X, y)
    first = outputs(est, X)
    est.fit(X, y)
    for method, value in outputs(est, X).items():
        assert_rows_close(value, first[method], f"{method} after fitting a second time")
    _same_outputs(est, clone(estimator).fit(X, y), X, "two clones fitted on the same data")


def check_clone(estimator, X, y):
    """clone of a fitted estimator is unfitted with equal parameters, and fits the same."""
    fitted = clone(estimator).fit(X, y)
    copy = clone(fitted)
    if {k: repr(v) for k, v in copy.get_params(deep=False).items()} != {
            k: repr(v) for k, v in fitted.get_params(deep=False).items()}:
        raise AssertionError("clone of the fitted estimator has other parameters")
    try:
        getattr(copy, method_of(copy))(X)
    except NotFittedError:
        pass
    else:
        if copy.__sklearn_tags__().requires_fit:  # a stateless one works unfitted
            raise AssertionError("clone of a fitted estimator is fitted: it must be a fresh "
                                 "copy")
    _same_outputs(fitted, copy.fit(X, y), X, "the clone fitted again against the original")


def _round_trip(obj):
    return pickle.loads(pickle.dumps(obj))


def check_pickle_unfitted(estimator, X, y):
    """An unfitted estimator survives pickling and fits as the original does."""
    restored = _round_trip(clone(estimator))
    _same_outputs(clone(estimator).fit(X, y), restored.fit(X, y), X,
                  "fitted after a pickle round trip of the unfitted estimator")


def check_pickle_fitted(estimator, X, y):
    """A fitted estimator gives the same outputs after a pickle round trip."""
    est = clone(estimator).fit(X, y)
    _same_outputs(est, _round_trip(est), X, "after a pickle round trip")


def check_n_features_in(estimator, X, y):
    """``n_features_in_`` (and ``feature_names_in_`` for a named column) as sklearn sets them.

    Raw texts are one column: ``n_features_in_ == 1``, and a one-column DataFrame
    records its name; numeric arrays have ``X.shape[1]`` features.
    """
    import pandas as pd

    if isinstance(X, Mapping):
        raise SkipCheck("dict of modalities: no single input width")
    est = clone(estimator).fit(X, y)
    if not hasattr(est, "n_features_in_"):
        if is_library_class(est):
            raise AssertionError("fit did not set n_features_in_")
        raise SkipCheck("scikit-learn's own class without n_features_in_")
    expected = 1 if not isinstance(X, np.ndarray) else as_rows(X).shape[1]
    if est.n_features_in_ != expected:
        raise AssertionError(f"n_features_in_ is {est.n_features_in_}, expected {expected}")
    if hasattr(est, "feature_names_in_"):
        raise AssertionError("feature_names_in_ set although X had no column names")
    names = ["text"] if expected == 1 else [f"f{i}" for i in range(expected)]
    frame = pd.DataFrame(as_rows(X), columns=names)
    est = clone(estimator).fit(frame if expected > 1 else frame["text"].to_frame(), y)
    got = list(getattr(est, "feature_names_in_", []))
    if got != names:
        raise AssertionError(f"fit on a DataFrame with columns {names} set "
                             f"feature_names_in_ = {got}")


def _transformer(estimator, X, y):
    if not hasattr(estimator, "transform"):
        raise SkipCheck("not a transformer")
    est = clone(estimator).fit(X, y)
    Z = est.transform(X)
    if isinstance(Z, Mapping):
        raise SkipCheck("returns a dict of modalities, one array per modality")
    return est, Z


def check_feature_names_out(estimator, X, y):
    """A transformer names each of its output columns (``get_feature_names_out``)."""
    est, Z = _transformer(estimator, X, y)
    names = np.asarray(est.get_feature_names_out())
    width = as_rows(Z).shape[1]
    if names.shape != (width,) or len(set(names.tolist())) != width:
        raise AssertionError(f"get_feature_names_out gave {names.shape[0]} names "
                             f"({len(set(names.tolist()))} distinct) for {width} columns")
    if names.dtype != object or not all(isinstance(n, str) for n in names):
        raise AssertionError("get_feature_names_out must return an object array of str")


def check_set_output_pandas(estimator, X, y):
    """``set_output(transform="pandas")`` gives a DataFrame of the same values and names."""
    import pandas as pd

    est, Z = _transformer(estimator, X, y)
    if not hasattr(estimator, "set_output"):
        if is_library_class(estimator):
            raise AssertionError("no set_output: derive from TransformerMixin and define "
                                 "get_feature_names_out")
        raise SkipCheck("scikit-learn's own class without set_output")
    framed = clone(estimator).set_output(transform="pandas").fit(X, y)
    out = framed.transform(X)
    if not isinstance(out, pd.DataFrame):
        raise AssertionError(f"transform gave {type(out).__name__}, not a DataFrame")
    if list(out.columns) != list(est.get_feature_names_out()):
        raise AssertionError("DataFrame columns differ from get_feature_names_out()")
    assert_rows_close(out, Z, "transform as a DataFrame against the default output")


def check_order_invariance(estimator, X, y):
    """The output rows for shuffled samples are the shuffled output rows."""
    est = clone(estimator).fit(X, y)
    order = np.random.default_rng(0).permutation(n_samples(X))
    for method, value in outputs(est, X).items():
        assert_rows_close(getattr(est, method)(take(X, order)), as_rows(value)[order],
                          f"{method} of shuffled samples against shuffled {method}")


def check_batch_size_invariance(estimator, X, y):
    """Transforming / predicting in chunks (of 1, then 3 samples) gives the same rows."""
    est = clone(estimator).fit(X, y)
    n = n_samples(X)
    for method, value in outputs(est, X).items():
        for size in (1, 3):
            parts = [as_rows(getattr(est, method)(take(X, range(i, min(i + size, n)))))
                     for i in range(0, n, size)]
            assert_rows_close(np.vstack(parts), value, f"{method} in chunks of {size}")


def check_float_output(estimator, X, y):
    """transform / predict_proba give floating-point numbers (finite)."""
    est = clone(estimator).fit(X, y)
    checked = []
    for method in ("transform", "predict_proba"):
        if not hasattr(est, method):
            continue
        Z = as_rows(getattr(est, method)(X))
        if Z.dtype == object and all(isinstance(v, str) for v in Z.ravel()):
            raise SkipCheck(f"{method} returns texts")
        if Z.dtype.kind != "f":
            raise AssertionError(f"{method} gave dtype {Z.dtype}, expected a float dtype")
        if not np.all(np.isfinite(Z)):
            raise AssertionError(f"{method} gave NaN or infinity")
        checked.append(f"{method}: {Z.dtype}")
    return ", ".join(checked)


def check_empty_input(estimator, X, y):
    """fit on no samples raises a clear error naming the class."""
    return expect_clear_error(estimator, lambda: clone(estimator).fit(take(X, []), y[:0]),
                              "fit on empty input")


def check_bare_string(estimator, X, y):
    """fit on one string instead of a list of texts raises a clear error (not one per char)."""
    if not _is_text(X):
        raise SkipCheck("input is not a sequence of str")
    return expect_clear_error(estimator, lambda: clone(estimator).fit(X[0], y[:1]),
                              "fit on a bare string", must_mention="list")


def check_none_input(estimator, X, y):
    """fit(None, y) raises a clear error naming the class; so does transform/predict(None)."""
    detail = expect_clear_error(estimator, lambda: clone(estimator).fit(None, y), "fit(None)")
    est = clone(estimator).fit(X, y)
    expect_clear_error(est, lambda: getattr(est, method_of(est))(None),
                       f"{method_of(est)}(None)")
    return detail


def check_read_only_input(estimator, X, y):
    """A read-only numpy array (object array of texts), and a tuple, fit as a list does."""
    reference = clone(estimator).fit(X, y)
    frozen = read_only(X)
    _same_outputs(reference, clone(estimator).fit(frozen, y), frozen,
                  "fitted on read-only arrays against fitted on the original")
    if isinstance(X, list):
        _same_outputs(reference, clone(estimator).fit(tuple(X), y), tuple(X),
                      "fitted on a tuple against fitted on a list")
