"""Shared pieces of the text-aware common checks: inputs of any kind, outputs as rows.

The checks take raw texts, audio file paths, numeric arrays or dicts of modalities
(``{"text": ..., "audio": ...}``) alike; these helpers index, count and compare them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..exceptions import EmotionError

__all__ = ["SkipCheck", "n_samples", "take", "as_rows", "assert_rows_close", "method_of",
           "outputs", "read_only", "is_library_class", "expect_clear_error"]

# float32 training and summation order: outputs that must be "the same" agree to this
RTOL, ATOL = 1e-5, 1e-6


class SkipCheck(Exception):
    """A check that does not apply to this estimator; the message says why."""


def n_samples(X) -> int:
    """Number of samples in a sequence, an array, a DataFrame or a dict of modalities."""
    if isinstance(X, Mapping):
        return n_samples(next(iter(X.values())))
    return X.shape[0] if hasattr(X, "shape") else len(X)


def take(X, index):
    """The samples at ``index`` (positions), in the container type of ``X``."""
    index = np.asarray(index, dtype=int)
    if isinstance(X, Mapping):
        return {key: take(value, index) for key, value in X.items()}
    if hasattr(X, "iloc"):
        return X.iloc[index]
    if isinstance(X, np.ndarray) or hasattr(X, "tocsr"):
        return X[index]
    return type(X)(X[i] for i in index) if isinstance(X, tuple) else [X[i] for i in index]


def as_rows(Z) -> np.ndarray:
    """An output as a 2-D array with one row per sample (dicts side by side, by key)."""
    if isinstance(Z, Mapping):
        return np.hstack([as_rows(Z[key]) for key in sorted(Z)])
    if hasattr(Z, "toarray"):
        Z = Z.toarray()
    if hasattr(Z, "to_numpy"):
        Z = Z.to_numpy()
    Z = np.asarray(Z) if not isinstance(Z, list) else np.asarray(Z, dtype=object)
    return Z.reshape(len(Z), -1)


def assert_rows_close(a, b, what: str, atol: float = ATOL) -> None:
    """Equal outputs: numbers to ``RTOL``/``atol``, anything else exactly."""
    a, b = as_rows(a), as_rows(b)
    if a.shape != b.shape:
        raise AssertionError(f"{what}: shapes differ, {a.shape} against {b.shape}")
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=RTOL, atol=atol,
                                   err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def method_of(estimator) -> str:
    """The method whose output the checks compare: transform, predict_proba or predict."""
    for method in ("transform", "predict_proba", "predict"):
        if hasattr(estimator, method):
            return method
    raise AssertionError(f"{type(estimator).__name__} has no transform or predict")


def outputs(estimator, X) -> dict:
    """``{method: output}`` for every output method the fitted estimator has."""
    return {m: getattr(estimator, m)(X) for m in ("transform", "predict_proba", "predict")
            if hasattr(estimator, m)}


def read_only(X):
    """``X`` as read-only numpy arrays (object arrays for texts and paths)."""
    if isinstance(X, Mapping):
        return {key: read_only(value) for key, value in X.items()}
    array = np.array(X, dtype=object if isinstance(X, (list, tuple)) else None)
    array.flags.writeable = False
    return array


def is_library_class(estimator) -> bool:
    """Whether the class is sklearn-emotion's or a plugin's (not scikit-learn's own)."""
    return not type(estimator).__module__.startswith("sklearn.")


def expect_clear_error(estimator, call, what: str, must_mention: str | None = None) -> str:
    """``call()`` must raise; for the library's classes an EmotionError naming the class.

    scikit-learn's own classes (registered as plugins) keep scikit-learn's errors: any
    ``ValueError`` or ``TypeError``.
    """
    name = type(estimator).__name__
    try:
        call()
    except EmotionError as exc:
        message = str(exc)
        if name not in message:
            raise AssertionError(f"{what}: the error does not name {name}: {message!r}")
        if must_mention and must_mention.lower() not in message.lower():
            raise AssertionError(f"{what}: the error does not mention {must_mention!r}: "
                                 f"{message!r}")
        return f"{type(exc).__name__}: {message[:80]}"
    except (ValueError, TypeError) as exc:
        if is_library_class(estimator):
            raise AssertionError(
                f"{what}: raised {type(exc).__name__}: {exc}; expected one of the library's "
                "exceptions (InvalidInputError / InvalidInputTypeError, through check_texts "
                "or check_array) naming the class and how to fix the input") from exc
        return f"{type(exc).__name__} (scikit-learn's)"
    raise AssertionError(f"{what}: no error was raised")
