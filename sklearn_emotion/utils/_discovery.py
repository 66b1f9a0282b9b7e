"""Find the public estimators, and configure them for scikit-learn's common checks.

``tests/test_common.py`` runs ``parametrize_with_checks`` over
:func:`estimators_for_checks`, with :func:`expected_failed_checks` as the list of
known incompatibilities. Adding an estimator means: export it from its subpackage's
``__all__`` (it is then discovered), add tiny fast settings to ``_CHECK_PARAMS``
and, only if a check genuinely cannot pass, an entry with its reason to
``_EXPECTED_FAILED_CHECKS``. A discovered estimator that is in neither
``_CHECK_PARAMS`` nor ``_NOT_CHECKED_YET`` fails ``tests/test_common.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.pipeline import make_pipeline

__all__ = ["all_estimators", "estimators_for_checks", "expected_failed_checks"]

# Small, fast, seeded and silent settings per estimator class, used by the common checks.
_CHECK_PARAMS: dict[str, dict] = {
    "FeedForwardClassifier": {
        "lr": 1e-2,
        "max_epochs": 20,
        "verbose": 0,
        "progress_bar": False,
        "random_state": 0,
    },
    # sklearn's checks feed 2-D arrays: LSTMClassifier reads them as one step per sample
    "LSTMClassifier": {
        "hidden_size": 8,
        "lr": 2e-2,
        "max_epochs": 15,
        "verbose": 0,
        "progress_bar": False,
        "random_state": 0,
    },
    # sklearn's checks feed 2-D arrays: FusionClassifier reads them as one modality
    "FusionClassifier": {
        "hidden_dim": 16,
        "lr": 1e-2,
        "max_epochs": 20,
        "verbose": 0,
        "progress_bar": False,
        "random_state": 0,
    },
}

# Raw-text transformers declare input_tags.string=True and two_d_array=False, so sklearn
# (1.9) runs only the checks that apply to text input on them (cloning); the numeric
# checks are skipped by sklearn itself. Their text-based counterparts (fit returns self,
# no parameter overwritten, sample-order invariance, pickling, persistence hooks) are
# sklearn_emotion.testing.check_text_estimator, plus each vectorizer's own test file.
_CHECK_PARAMS.update({
    "TextCleaner": {},
    # word2vec vectors trained in fit: no plugin or file needed
    "WordVectorizer": {"vectors": "word2vec", "vector_size": 8, "epochs": 1, "random_state": 0},
    "SentenceVectorizer": {"progress_bar": False},
    "BertVectorizer": {"progress_bar": False},
})

# Raw text in as well (only cloning is checked by sklearn); construction loads nothing.
_CHECK_PARAMS["TransformerClassifier"] = {
    "max_length": 16, "max_epochs": 1, "warmup_steps": 0, "device": "cpu",
    "verbose": 0, "progress_bar": False, "random_state": 0,
}

# Raw text in (only cloning is checked by sklearn); fit fine-tunes MiniLM, so keep it tiny.
_CHECK_PARAMS["FewShotClassifier"] = {"num_iterations": 1, "random_state": 0}

# Binary targets get one tuned threshold, multi-label ones one per label; sklearn's
# checks run both (multi_label tag). RidgeClassifier: binary and multi-label, takes
# sample_weight, and is fast and deterministic.
_CHECK_PARAMS["PerLabelThresholdClassifier"] = {"estimator": RidgeClassifier(), "cv": 2}
# dict / DataFrame input (input_tags.dict): sklearn runs the checks that apply to it
_CHECK_PARAMS["ModalityUnion"] = {"transformers": [("text", "passthrough", "text")]}

# Raw text in (only cloning is checked by sklearn); members: TF-IDF pipelines, fast.
_CHECK_PARAMS["TextVotingClassifier"] = {"estimators": [
    ("words", make_pipeline(TfidfVectorizer(), LogisticRegression())),
    ("chars", make_pipeline(TfidfVectorizer(analyzer="char_wb"), LogisticRegression())),
]}

# Discovered estimators that the common checks do not run yet, each with the reason.
_NOT_CHECKED_YET: dict[str, str] = {}

# Shared by every skorch-based estimator (they are found by isinstance, see below).
_SKORCH_FAILED_CHECKS: dict[str, str] = {
    "check_no_attributes_set_in_init": (
        "skorch's NeuralNet.__init__ sets history_, initialized_ and virtual_params_; "
        "our __init__ only stores its arguments, but must call skorch's"
    ),
}

# Checks that one estimator class cannot pass, each with the reason.
_SAMPLE_WEIGHT_TOLERANCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "float32 training: with one full batch and no dropout, weighted and repeated fits "
        "agree to about 1e-6, short of the check's rtol=1e-7 (mini-batches, dropout and "
        "the early-stopping split add training noise); tests/test_sample_weight.py checks "
        "the equivalence at 1e-5"
    ),
}
_EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {
    name: dict(_SAMPLE_WEIGHT_TOLERANCE)
    for name in ("FeedForwardClassifier", "LSTMClassifier", "FusionClassifier")
}

# sklearn's own all_estimators filters classes by their mixins (tags need instances)
_TYPE_MIXINS: dict[str, type] = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "transformer": TransformerMixin,
}


def all_estimators(type_filter: str | None = None) -> list[tuple[str, type]]:
    """Public estimator classes of sklearn-emotion, as sorted ``(name, class)`` pairs.

    Imports every public subpackage and module of ``sklearn_emotion`` and collects
    the ``BaseEstimator`` subclasses listed in its ``__all__`` (the pattern of
    sklearn's ``all_estimators``). An import error is not hidden: it is a bug.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer"} or None, default=None
        Keep only estimators of this kind.

    Returns
    -------
    list of (str, type)

    Examples
    --------
    >>> from sklearn_emotion.utils._discovery import all_estimators
    >>> ("FeedForwardClassifier" in dict(all_estimators("classifier")))
    True
    """
    if type_filter is not None and type_filter not in _TYPE_MIXINS:
        raise ValueError(
            f"type_filter must be one of {sorted(_TYPE_MIXINS)} or None; got {type_filter!r}."
        )
    import sklearn_emotion

    found: dict[str, type] = {}
    # public subpackages and modules alike (ModalityUnion lives in multimodal.py)
    for info in pkgutil.iter_modules(sklearn_emotion.__path__):
        if info.name.startswith("_"):
            continue
        package = importlib.import_module(f"sklearn_emotion.{info.name}")
        for name in getattr(package, "__all__", ()):
            obj = getattr(package, name, None)
            # defined there: plugin_api re-exports base classes, not estimators
            home = obj.__module__ if inspect.isclass(obj) else ""
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not name.startswith("_")
                and (home == package.__name__ or home.startswith(package.__name__ + "."))
            ):
                found[name] = obj
    estimators = sorted(found.items())
    if type_filter is not None:
        estimators = [(n, c) for n, c in estimators if issubclass(c, _TYPE_MIXINS[type_filter])]
    return estimators


def estimators_for_checks() -> list[BaseEstimator]:
    """One instance of every configured public estimator, with its ``_CHECK_PARAMS``."""
    return [cls(**_CHECK_PARAMS[name]) for name, cls in all_estimators() if name in _CHECK_PARAMS]


def expected_failed_checks(estimator: BaseEstimator) -> dict[str, str]:
    """``{check name: reason}`` of the checks this estimator is known to fail.

    Passed as ``expected_failed_checks=`` to ``parametrize_with_checks``.
    """
    from skorch import NeuralNet

    failed = dict(_SKORCH_FAILED_CHECKS) if isinstance(estimator, NeuralNet) else {}
    failed.update(_EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {}))
    return failed
