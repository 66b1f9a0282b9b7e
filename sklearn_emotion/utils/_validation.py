"""The one place that touches scikit-learn's private validation helpers.

sklearn's ``_param_validation`` module is private API; wrapping it here means a single
file absorbs changes between sklearn releases. Text input checks live here too, so
every raw-text transformer and estimator refuses bad input with the same message.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    Options,
    StrOptions,
    validate_parameter_constraints,
)

from ..exceptions import InvalidInputError

__all__ = [
    "HasMethods",
    "Interval",
    "Options",
    "StrOptions",
    "validate_params",
    "check_texts",
]


def validate_params(estimator) -> None:
    """Check ``estimator.get_params(deep=False)`` against its ``_parameter_constraints``.

    Raises sklearn's ``InvalidParameterError`` (a ``ValueError`` and ``TypeError``) with
    its standard message, e.g. "The 'pooling' parameter of WordVectorizer must be a str
    among {'mean', 'max', 'sequence'}. Got 'avg' instead."
    """
    constraints = getattr(estimator, "_parameter_constraints", {})
    params = {k: v for k, v in estimator.get_params(deep=False).items() if k in constraints}
    validate_parameter_constraints(constraints, params, caller_name=type(estimator).__name__)


def check_texts(X, *, name: str, allow_empty_strings: bool = True) -> list[str]:
    """Validate raw-text input and return it as a list of ``str``.

    Accepts any 1-D sequence of strings: list, tuple, numpy array, pandas Series, or a
    2-D array / DataFrame with exactly one column. Refuses a bare string, ``None``
    items, NaN, bytes and other non-string items with a message that names the caller.

    Parameters
    ----------
    X : iterable of str
        The texts.
    name : str
        Name of the calling estimator, used in messages.
    allow_empty_strings : bool, default=True
        Whether empty or whitespace-only strings are accepted.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from sklearn_emotion.utils._validation import check_texts
    >>> check_texts(["I am happy", "so sad"], name="Example")
    ['I am happy', 'so sad']
    >>> check_texts("I am happy", name="Example")
    Traceback (most recent call last):
    ...
    TypeError: Example expects an iterable of raw text documents, got a single string...
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} expects an iterable of raw text documents, got a single string. "
            "Wrap it in a list: [text]."
        )
    if X is None:
        raise TypeError(f"{name} expects an iterable of raw text documents, got None.")
    if hasattr(X, "tocsr") or hasattr(X, "todense"):
        raise TypeError(
            f"{name} expects raw text documents; sparse input is not supported. Pass the "
            "texts themselves, before any vectorizer."
        )
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # one-column DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} expects a 1-D sequence of texts; got a DataFrame with {X.shape[1]} "
                "columns. Select the text column, e.g. df['text']."
            )
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray) and X.ndim == 2:
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} expects a 1-D sequence of texts; got a 2-D array of shape {X.shape}."
            )
        X = X[:, 0]
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(
            f"{name} expects a 1-D sequence of texts; got an array of shape {X.shape}."
        )
    try:
        texts = list(X)
    except TypeError:
        raise TypeError(
            f"{name} expects an iterable of raw text documents, got {type(X).__name__}."
        ) from None
    if not texts:
        raise ValueError(f"{name} got an empty list of texts; at least one text is required.")
    problems = []
    for i, text in enumerate(texts):
        if isinstance(text, str):
            if not allow_empty_strings and not text.strip():
                problems.append(f"item {i} is an empty or whitespace-only string")
            continue
        if isinstance(text, np.str_):
            texts[i] = str(text)
            continue
        if text is None or (isinstance(text, numbers.Real) and np.isnan(text)):
            problems.append(f"item {i} is missing ({text!r})")
        else:
            problems.append(f"item {i} is of type {type(text).__name__} ({text!r:.40})")
        if len(problems) >= 5:
            break
    if problems:
        raise InvalidInputError(
            f"{name} expects every item of X to be a str; " + "; ".join(problems) + ". "
            "Drop or fill missing texts first (e.g. df['text'].fillna(''))."
        )
    return texts
