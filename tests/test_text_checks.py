"""The library's own vectorizers pass the text-aware checks that plugins must pass."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_minilm
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_emotion.exceptions import PluginCheckError
from sklearn_emotion.plugin_api import RawTextMixin
from sklearn_emotion.testing import (
    check_names,
    check_text_estimator,
    run_text_estimator_checks,
    sample_texts,
    text_estimator_checks,
)
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

X, Y = sample_texts(per_class=3)


def _checked(estimator) -> dict[str, str]:
    results = check_text_estimator(estimator, X, Y)  # raises on any failed check
    return {r.check: r.detail for r in results}


def test_word_vectorizer_with_trained_vectors():
    checks = _checked(WordVectorizer("word2vec", vector_size=8, epochs=1, random_state=0))
    assert checks["persistence hooks"] == "stored by value"  # learnt from the data


def test_word_vectorizer_with_a_vectors_file(tmp_path):
    words = sorted({w for text in X for w in text.lower().split()})[:200]
    path = tmp_path / "vectors.txt"
    path.write_text("".join(f"{w} {i % 7} {i % 5} {i % 3}\n" for i, w in enumerate(words)))
    checks = _checked(WordVectorizer(vectors=str(path)))
    assert checks["persistence hooks"].startswith("vocabulary_, vectors_")


@requires_minilm
@pytest.mark.slow
@pytest.mark.parametrize("estimator", [SentenceVectorizer(progress_bar=False),
                                       BertVectorizer(pooling="mean", progress_bar=False)],
                         ids=["SentenceVectorizer", "BertVectorizer"])
def test_encoder_vectorizers(estimator):
    assert "stored by reference" in _checked(estimator)["persistence hooks"]


# ------------------------------------------------------------------ input error messages
# Issue 16: a list of ints got advice about fillna and unicode repair, which do not apply.

@pytest.mark.parametrize("X, found, advice, not_advised", [
    ([1, 2, 3], "of type int", "[str(v) for v in X]", ("fillna", "unicode")),
    ([b"x", 2], "of type bytes, int", "decode('utf-8')", ("fillna", "unicode")),
    (["ok", None], "missing", "fillna", ("str(v)", "unicode")),
    (["ok", "bad \ud800"], "not valid unicode", "encode('utf-8', 'replace')",
     ("fillna", "str(v)")),
], ids=["ints", "bytes-and-ints", "missing", "surrogate"])
def test_bad_items_get_advice_that_fits(X, found, advice, not_advised):
    from sklearn_emotion.exceptions import InvalidInputError
    from sklearn_emotion.text import TextCleaner

    with pytest.raises(InvalidInputError, match="TextCleaner") as info:
        TextCleaner().fit(X)
    message = str(info.value)
    assert found in message and advice in message, message
    for wrong in not_advised:
        assert wrong not in message, message


# ------------------------------------------------------------ the common-check suite
# Issue 16: sklearn's check_estimator ran one check on raw-text estimators. The suite
# must pass on a correct raw-text estimator and name the check each broken one fails.


class Lengths(RawTextMixin, TransformerMixin, BaseEstimator):
    """A correct raw-text transformer: characters and spaces per text."""

    def fit(self, X, y=None):
        self._validate_texts(X, reset=True)
        self.fitted_ = True
        return self

    def transform(self, X):
        check_is_fitted(self)
        texts = self._validate_texts(X, reset=False)
        return np.array([[len(t), t.count(" ")] for t in texts], dtype=float)

    def get_feature_names_out(self, input_features=None):
        return np.array(["chars", "spaces"], dtype=object)


class BatchScaled(Lengths):
    """Broken: each row is scaled by the batch mean, so outputs depend on the batch."""

    def transform(self, X):
        Z = super().transform(X)
        return Z / Z.mean(axis=0)


class FitReturnsNone(Lengths):
    def fit(self, X, y=None):
        super().fit(X, y)


class Prior(RawTextMixin, ClassifierMixin, BaseEstimator):
    """A correct raw-text classifier: predicts the (weighted) class frequencies."""

    def fit(self, X, y, sample_weight=None):
        self._validate_texts(X, reset=True)
        self.classes_, codes = np.unique(y, return_inverse=True)
        counts = np.bincount(codes, weights=self._weights(sample_weight, len(codes)),
                             minlength=len(self.classes_))
        self.prior_ = counts / counts.sum()
        return self

    def _weights(self, sample_weight, n):
        return sample_weight

    def predict_proba(self, X):
        check_is_fitted(self)
        return np.tile(self.prior_, (len(self._validate_texts(X, reset=False)), 1))

    def predict(self, X):
        proba = self.predict_proba(X)  # first: it checks that the model is fitted
        return self.classes_[proba.argmax(axis=1)]


class IgnoresWeights(Prior):
    def _weights(self, sample_weight, n):
        return None


class UnnormalisedProba(Prior):
    def predict_proba(self, X):
        return 2 * super().predict_proba(X)


class RefusesUnseenLabels(Prior):
    def score(self, X, y, sample_weight=None):
        unseen = set(np.asarray(y).tolist()) - set(self.classes_.tolist())
        if unseen:
            raise ValueError(f"labels {unseen} were not seen in fit")
        return super().score(X, y, sample_weight)


@pytest.mark.parametrize("estimator", [Lengths(), Prior()], ids=["transformer", "classifier"])
def test_suite_passes_on_correct_estimators(estimator):
    results = run_text_estimator_checks(estimator, X, Y)
    assert set(results) == set(check_names(type(estimator)))
    assert not [r for r in results.values() if r.startswith("skipped")], results


def test_suite_yields_named_checks_per_kind():
    transformer, classifier = check_names(Lengths), check_names(Prior)
    assert "check_set_output_pandas" in transformer and "check_classes" not in transformer
    assert "check_sample_weight_equivalence" in classifier
    assert "check_feature_names_out" not in classifier
    assert [name for name, _ in text_estimator_checks(Prior(), X, Y)] == classifier


@pytest.mark.parametrize("estimator, check, message", [
    (BatchScaled(), "check_batch_size_invariance", "in chunks of 1"),
    (FitReturnsNone(), "check_fit_returns_self", "not self"),
    (IgnoresWeights(), "check_sample_weight_equivalence", "duplicated rows"),
    (UnnormalisedProba(), "check_predict_proba", "sum to 1"),
    (RefusesUnseenLabels(), "check_unseen_labels_in_score", "not seen in fit"),
], ids=["batch-size", "fit-returns-none", "ignores-weights", "proba-sum", "unseen-labels"])
def test_suite_names_the_broken_check(estimator, check, message):
    checks = dict(text_estimator_checks(estimator, X, Y))
    with pytest.raises(AssertionError, match=message):
        checks[check]()
    with pytest.raises(AssertionError, match=f"{type(estimator).__name__}: "):
        run_text_estimator_checks(estimator, X, Y)


def test_check_text_estimator_runs_the_suite_on_request():
    results = check_text_estimator(Prior(), X, Y, common_checks=True)
    names = {r.check for r in results}
    assert set(check_names(Prior)) <= names and all(r.passed for r in results)
    with pytest.raises(PluginCheckError, match="check_sample_weight_equivalence"):
        check_text_estimator(IgnoresWeights(), X, Y, common_checks=True)
    assert "check_sample_weight_equivalence" not in {
        r.check for r in check_text_estimator(IgnoresWeights(), X, Y)}  # off by default
