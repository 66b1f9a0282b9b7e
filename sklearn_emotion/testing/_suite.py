"""The text-aware common-check suite: scikit-learn's common checks on raw inputs.

scikit-learn's ``check_estimator`` skips nearly everything on estimators whose input is
raw text or a dict of modalities. :func:`text_estimator_checks` yields the same
contract as small named checks that run on such inputs (and on numeric arrays), for
``pytest.mark.parametrize``; :func:`run_text_estimator_checks` runs them all.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterator

from sklearn.base import ClassifierMixin

from . import _checks, _classifier_checks
from ._common import SkipCheck
from ._data import sample_texts

__all__ = ["SkipCheck", "check_names", "text_estimator_checks", "run_text_estimator_checks",
           "CHECKS", "TRANSFORMER_CHECKS", "CLASSIFIER_CHECKS"]

#: Checks for every estimator, in the order they run.
CHECKS: tuple[Callable, ...] = tuple(getattr(_checks, name) for name in _checks.__all__)
#: The checks of CHECKS that apply to transformers only.
TRANSFORMER_CHECKS: tuple[Callable, ...] = (
    _checks.check_feature_names_out, _checks.check_set_output_pandas)
#: Further checks for classifiers.
CLASSIFIER_CHECKS: tuple[Callable, ...] = tuple(
    getattr(_classifier_checks, name) for name in _classifier_checks.__all__)


def _checks_for(cls: type) -> tuple[Callable, ...]:
    checks = tuple(c for c in CHECKS if c not in TRANSFORMER_CHECKS or hasattr(cls, "transform"))
    return checks + (CLASSIFIER_CHECKS if issubclass(cls, ClassifierMixin) else ())


def check_names(cls: type) -> list[str]:
    """The names of the checks :func:`text_estimator_checks` yields for a class.

    Transformer checks only for classes with ``transform``, classifier checks only for
    classifiers (``ClassifierMixin``); for ``pytest.mark.parametrize`` ids.

    Examples
    --------
    >>> from sklearn_emotion.testing import check_names
    >>> from sklearn_emotion.text import TextCleaner
    >>> "check_set_output_pandas" in check_names(TextCleaner)
    True
    """
    return [check.__name__ for check in _checks_for(cls)]


def text_estimator_checks(estimator, X=None, y=None) -> Iterator[tuple[str, Callable]]:
    """Yield ``(check name, check)`` pairs of the text-aware common checks.

    Each ``check()`` (no arguments) runs on a clone of ``estimator`` and returns a short
    detail string, raises ``AssertionError`` saying what broke, or raises
    :class:`SkipCheck` with the reason when the check does not apply to this
    estimator (a transformer check on a classifier, a single-label check on multi-label
    targets, ...). Use them as scikit-learn's ``parametrize_with_checks``::

        @pytest.mark.parametrize("name, check", text_estimator_checks(MyVectorizer()))
        def test_text_checks(name, check):
            check()

    The checks: ``transform``/``predict`` before ``fit`` raise ``NotFittedError``;
    ``fit`` returns ``self``, changes no parameter and is idempotent (same seed, same
    outputs); ``clone`` and ``pickle`` (unfitted and fitted) round trip with equal
    outputs; ``n_features_in_`` / ``feature_names_in_``; ``get_feature_names_out`` and
    ``set_output(transform="pandas")`` for transformers; outputs do not depend on the
    order of the samples or on the batch size; float outputs; empty input, a bare
    string and ``None`` get a clear error of the library's own classes naming the
    estimator; read-only arrays and tuples work. Classifiers also: ``classes_``;
    ``predict_proba`` rows sum to 1; str / int / bool labels round trip; one-class
    ``y``; labels unseen in ``fit`` count as wrong in ``score``; sample-weight
    equivalence (integer weights against duplicated rows, zero weights against
    dropped rows) when ``fit`` takes ``sample_weight``.

    Parameters
    ----------
    estimator : estimator instance
        Unfitted, with small, fast, seeded settings (each check clones it).
    X, y : array-like, default=None
        Samples to fit on: raw texts, file paths, a numeric array or a dict of
        modalities. By default :func:`sample_texts` with 3 texts per class (21 texts).

    Yields
    ------
    name : str
        The check's name, such as ``"check_fit_returns_self"``.
    check : callable
        The check bound to the estimator and data.

    Examples
    --------
    >>> from sklearn_emotion.text import TextCleaner
    >>> from sklearn_emotion.testing import SkipCheck, text_estimator_checks
    >>> skipped = []
    >>> for name, check in text_estimator_checks(TextCleaner()):
    ...     try:
    ...         detail = check()
    ...     except SkipCheck as reason:
    ...         skipped.append(f"{name}: {reason}")
    >>> for line in skipped:
    ...     print(line)
    check_not_fitted: stateless (requires_fit=False): works without fit
    check_float_output: transform returns texts
    """
    if X is None:
        X, y = sample_texts(per_class=3)
    for check in _checks_for(type(estimator)):
        bound = partial(check, estimator, X, y)
        bound.__name__ = check.__name__
        bound.__doc__ = check.__doc__
        yield check.__name__, bound


def run_text_estimator_checks(estimator, X=None, y=None) -> dict[str, str]:
    """Run every text-aware check; ``{check name: detail or "skipped: reason"}``.

    Raises ``AssertionError`` at the first failure (or error) of a check, its message
    prefixed with the class and check name.

    Examples
    --------
    >>> from sklearn_emotion.text import TextCleaner
    >>> from sklearn_emotion.testing import run_text_estimator_checks
    >>> results = run_text_estimator_checks(TextCleaner())
    >>> results["check_float_output"]
    'skipped: transform returns texts'
    """
    results = {}
    for name, check in text_estimator_checks(estimator, X, y):
        try:
            results[name] = check() or "passed"
        except SkipCheck as skip:
            results[name] = f"skipped: {skip}"
        except Exception as exc:  # an error inside a check is a failure of that check too
            raise AssertionError(f"{type(estimator).__name__}: {name}: "
                                 f"{type(exc).__name__}: {exc}") from exc
    return results


def run_suite_into(checker, label: str, estimator, X, y) -> None:
    """Add one result per suite check to a ``check_text_estimator`` checker."""
    for name, check in text_estimator_checks(estimator, X, y):
        def guarded(check=check):
            try:
                return check()
            except SkipCheck as skip:
                return f"skipped: {skip}"

        checker.run(label, name, guarded)
