"""The one place that touches scikit-learn's private validation helpers.

sklearn's ``_param_validation`` module is private API; wrapping it here means a single
file absorbs changes between sklearn releases. Text input checks live here too, so
every raw-text transformer and estimator refuses bad input with the same message.
"""

from __future__ import annotations

import contextlib
import numbers
import re
import warnings
from typing import Iterator

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import _check_sample_weight

from ..exceptions import EmotionError, EmotionWarning, InvalidInputError, InvalidInputTypeError

__all__ = [
    "HasMethods",
    "Interval",
    "Options",
    "StrOptions",
    "validate_params",
    "check_texts",
    "as_input_errors",
    "check_numeric_input",
    "get_config",
    "set_config",
    "config_context",
    "warn_truncated",
    "check_sample_weight",
]

# ------------------------------------------------------------------- configuration
_EMPTY_TEXT_POLICIES = ("keep", "warn", "error")
_CONFIG = {"empty_text": "keep"}


def get_config() -> dict:
    """The current input policies of sklearn-emotion (see :func:`set_config`).

    Examples
    --------
    >>> from sklearn_emotion import get_config
    >>> get_config()
    {'empty_text': 'keep'}
    """
    return dict(_CONFIG)


def set_config(*, empty_text: str | None = None) -> None:
    """Set input policies for every transformer and estimator of sklearn-emotion.

    The setting is global to the process (like ``sklearn.set_config``); worker
    processes started by joblib begin with the defaults, so set it in their code too,
    or use the ``"error"`` policy only where the data is checked.

    Parameters
    ----------
    empty_text : {"keep", "warn", "error"}, default=None
        What to do with empty or whitespace-only texts. ``"keep"`` (the default)
        accepts them: ``TextCleaner`` returns ``""``, ``WordVectorizer`` gives a zero
        vector (mean/max pooling, with a warning) or one unknown token (sequences),
        the encoders encode the bare special tokens, so every text gets a prediction.
        ``"warn"`` accepts them with an ``EmotionWarning`` that counts them. ``"error"``
        refuses them with an ``InvalidInputError`` that lists their positions.
        ``None`` leaves the setting unchanged.

    See Also
    --------
    config_context : Change the setting for a ``with`` block only.

    Examples
    --------
    >>> from sklearn_emotion import get_config, set_config
    >>> set_config(empty_text="warn")
    >>> get_config()["empty_text"]
    'warn'
    >>> set_config(empty_text="keep")
    """
    if empty_text is not None:
        if empty_text not in _EMPTY_TEXT_POLICIES:
            raise InvalidParameterError(
                "The 'empty_text' parameter of set_config must be a str among "
                f"{set(_EMPTY_TEXT_POLICIES)}. Got {empty_text!r} instead."
            )
        _CONFIG["empty_text"] = empty_text


@contextlib.contextmanager
def config_context(*, empty_text: str | None = None) -> Iterator[None]:
    """Change the input policies of :func:`set_config` inside a ``with`` block.

    Examples
    --------
    >>> from sklearn_emotion import TextCleaner, config_context
    >>> with config_context(empty_text="error"):
    ...     TextCleaner().fit_transform(["fine", " "])
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputError: TextCleaner got 1 empty or whitespace-only ...
    """
    old = get_config()
    set_config(empty_text=empty_text)
    try:
        yield
    finally:
        set_config(**old)


# --------------------------------------------------------------- error conversion
_LENGTHS = re.compile(r"Found input variables with inconsistent numbers of samples: \[(.*)\]")


@contextlib.contextmanager
def as_input_errors() -> Iterator[None]:
    """Re-raise scikit-learn's ``ValueError``/``TypeError`` about data as the library's own.

    Inside the block, a ``TypeError`` becomes an :class:`InvalidInputTypeError` and a
    ``ValueError`` an :class:`InvalidInputError` (both keep the message and the
    original exception as ``__cause__``), so ``except EmotionError`` catches every
    bad-input error. Parameter errors and ``NotFittedError`` pass unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.utils.validation import check_array
    >>> from sklearn_emotion.utils._validation import as_input_errors
    >>> with as_input_errors():
    ...     check_array([[1.0, np.nan]])
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputError: Input contains NaN.
    """
    try:
        yield
    except (EmotionError, InvalidParameterError, NotFittedError):
        raise
    except TypeError as exc:
        raise InvalidInputTypeError(str(exc)) from exc
    except ValueError as exc:
        message = str(exc)
        match = _LENGTHS.search(message)
        if match:
            message = (
                f"X and y have inconsistent numbers of samples: [{match.group(1)}] "
                "(X first). Give exactly one label (or label row) in y per sample of X."
            )
        raise InvalidInputError(message) from exc


def check_numeric_input(X, *, name: str) -> None:
    """Refuse ``None`` and raw text where an estimator expects numeric features.

    scikit-learn would say "Expected 2D array, got scalar array" or "could not convert
    string to float"; this names the estimator, what it got and what to put before it.

    Examples
    --------
    >>> from sklearn_emotion.utils._validation import check_numeric_input
    >>> check_numeric_input(["so happy"], name="Example")
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputTypeError: Example expects numeric features X...
    """
    expected = "numeric features X (a 2-D array of shape (n_samples, n_features) or a dict)"
    if X is None:
        raise InvalidInputTypeError(f"{name} expects {expected}, got None.")
    first = X
    if isinstance(X, (list, tuple)) and X:
        first = X[0]
    elif isinstance(X, np.ndarray) and X.dtype.kind in "OUS" and X.size:
        first = X.flat[0]
    if isinstance(first, (str, bytes)):
        raise InvalidInputTypeError(
            f"{name} expects {expected}, got raw text ({first!r:.30}). Turn texts into "
            "features first, e.g. make_pipeline(SentenceVectorizer(), "
            f"{name}()) or WordVectorizer for sequence models."
        )


def warn_truncated(name: str, n_truncated: int, n_texts: int, limit: int, unit: str) -> None:
    """The one warning for texts cut to an encoder's length limit (counted, not per text).

    Examples
    --------
    >>> import warnings
    >>> from sklearn_emotion.utils._validation import warn_truncated
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_truncated("Example", 2, 10, 128, "word pieces")
    >>> print(caught[0].message)
    Example truncated 2 of 10 texts to max_length=128 word pieces...
    """
    if n_truncated:
        warnings.warn(
            f"{name} truncated {n_truncated} of {n_texts} texts to max_length={limit} {unit}; "
            "the rest of those texts is ignored. Raise max_length (up to the model's "
            "limit) or split long texts to use all of them.",
            EmotionWarning,
            stacklevel=3,
        )


def check_sample_weight(sample_weight, n_samples: int):
    """Validate ``sample_weight`` for ``n_samples`` samples with sklearn's own check.

    Returns ``None`` for ``None`` (unweighted), else a float64 array of shape
    ``(n_samples,)``: a scalar is broadcast; negative, non-finite or all-zero weights
    and a wrong length raise sklearn's ``ValueError`` (wrap the call in
    :func:`as_input_errors` for the library's own error class).

    Examples
    --------
    >>> from sklearn_emotion.utils._validation import check_sample_weight
    >>> check_sample_weight(2, 3)
    array([2., 2., 2.])
    >>> check_sample_weight(None, 3) is None
    True
    """
    if sample_weight is None:
        return None
    # only the number of rows of X is read; X itself may be texts or a dict
    return _check_sample_weight(
        sample_weight, np.empty((n_samples, 0)), dtype=np.float64, ensure_non_negative=True
    )


def validate_params(estimator) -> None:
    """Check ``estimator.get_params(deep=False)`` against its ``_parameter_constraints``.

    Raises sklearn's ``InvalidParameterError`` (a ``ValueError`` and ``TypeError``) with
    its standard message, e.g. "The 'pooling' parameter of WordVectorizer must be a str
    among {'mean', 'max', 'sequence'}. Got 'avg' instead."
    """
    constraints = getattr(estimator, "_parameter_constraints", {})
    params = {k: v for k, v in estimator.get_params(deep=False).items() if k in constraints}
    validate_parameter_constraints(constraints, params, caller_name=type(estimator).__name__)


def _text_repair_advice(kinds: set[str], types: list[str]) -> str:
    """How to fix the bad items that :func:`check_texts` found, only for the kinds found."""
    advice = []
    if "type" in kinds:
        found = ", ".join(dict.fromkeys(types))  # element types in order, once each
        how = ("X = [v.decode('utf-8') if isinstance(v, bytes) else str(v) for v in X]"
               if "bytes" in types else "X = [str(v) for v in X]")
        advice.append(f"Found items of type {found}, not str: if they are meant as texts, "
                      f"convert them first, e.g. {how}")
    if "missing" in kinds:
        advice.append("Drop or fill missing texts first (e.g. df['text'].fillna(''))")
    if "unicode" in kinds:
        advice.append("Repair invalid unicode with "
                      "text.encode('utf-8', 'replace').decode('utf-8')")
    return "; ".join(advice) + "."


def check_texts(X, *, name: str, allow_empty_strings: bool | None = None) -> list[str]:
    """Validate raw-text input and return it as a list of ``str``.

    Accepts any 1-D sequence of strings: list, tuple, numpy array, pandas Series, or a
    2-D array / DataFrame with exactly one column. Refuses ``None``, a bare string or
    bytes, sparse matrices and other non-iterables (:class:`InvalidInputTypeError`), and
    an empty sequence, arrays with more than one column, ``None`` or NaN items, bytes
    and other non-string items, and strings that are not valid unicode (lone surrogates,
    which no tokenizer can encode) with an :class:`InvalidInputError` that names the
    caller and the positions of (up to five of) the bad items. Empty and whitespace-only
    texts follow the ``empty_text`` policy of :func:`set_config`.

    Parameters
    ----------
    X : iterable of str
        The texts.
    name : str
        Name of the calling estimator, used in messages.
    allow_empty_strings : bool or None, default=None
        Whether empty or whitespace-only strings are accepted; ``None`` follows
        ``get_config()["empty_text"]`` (``"keep"``, ``"warn"`` or ``"error"``).

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
    sklearn_emotion.exceptions.InvalidInputTypeError: Example expects an iterable of raw text
    documents, got a single string...
    """
    if isinstance(X, (str, bytes)):
        kind = "string" if isinstance(X, str) else "bytes object"
        raise InvalidInputTypeError(
            f"{name} expects an iterable of raw text documents, got a single {kind}. "
            "Wrap it in a list: [text]."
        )
    if X is None:
        raise InvalidInputTypeError(
            f"{name} expects an iterable of raw text documents, got None."
        )
    if hasattr(X, "tocsr") or hasattr(X, "todense"):
        raise InvalidInputTypeError(
            f"{name} expects raw text documents; sparse input is not supported. Pass the "
            "texts themselves, before any vectorizer."
        )
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # one-column DataFrame
        if X.shape[1] != 1:
            raise InvalidInputError(
                f"{name} expects a 1-D sequence of texts; got a DataFrame with {X.shape[1]} "
                "columns. Select the text column, e.g. df['text']."
            )
        X = X.iloc[:, 0]
    if isinstance(X, np.ndarray) and X.ndim == 2:
        if X.shape[1] != 1:
            raise InvalidInputError(
                f"{name} expects a 1-D sequence of texts; got a 2-D array of shape {X.shape}."
            )
        X = X[:, 0]
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise InvalidInputError(
            f"{name} expects a 1-D sequence of texts; got an array of shape {X.shape}."
        )
    try:
        texts = list(X)
    except TypeError:
        raise InvalidInputTypeError(
            f"{name} expects an iterable of raw text documents, got {type(X).__name__}."
        ) from None
    if not texts:
        raise InvalidInputError(
            f"{name} got an empty list of texts; at least one text is required."
        )
    policy = _CONFIG["empty_text"] if allow_empty_strings is None else (
        "keep" if allow_empty_strings else "error"
    )
    problems, empty, kinds, types = [], [], set(), []
    for i, text in enumerate(texts):
        if isinstance(text, str):
            if isinstance(text, np.str_):
                texts[i] = text = str(text)
            if not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError as exc:
                    kinds.add("unicode")
                    problems.append(
                        f"item {i} is not valid unicode ({exc.reason} "
                        f"{text[exc.start]!r} at position {exc.start})"
                    )
            if not text or text.isspace():
                empty.append(i)
            if len(problems) >= 5:
                break
            continue
        if text is None or (isinstance(text, numbers.Real) and text != text):  # NaN
            kinds.add("missing")
            problems.append(f"item {i} is missing ({text!r})")
        else:
            kinds.add("type")
            types.append(type(text).__name__)
            problems.append(f"item {i} is of type {type(text).__name__} ({text!r:.40})")
        if len(problems) >= 5:
            break
    if problems:
        raise InvalidInputError(
            f"{name} expects every item of X to be a valid str; " + "; ".join(problems) + ". "
            + _text_repair_advice(kinds, types)
        )
    if empty and policy != "keep":
        message = (
            f"{name} got {len(empty)} empty or whitespace-only text(s) of {len(texts)} "
            f"(items {empty[:5]}{', ...' if len(empty) > 5 else ''})"
        )
        if policy == "error":
            raise InvalidInputError(
                message + "; expected non-empty texts under the empty_text='error' policy. "
                "Drop them, or set sklearn_emotion.set_config(empty_text='keep')."
            )
        warnings.warn(message + "; they are kept (empty_text='warn').", EmotionWarning,
                      stacklevel=4)
    return texts
