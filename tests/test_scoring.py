"""``score`` as scikit-learn's ``ClassifierMixin.score``: accuracy, and no NaN in model selection.

A label that the model never saw in ``fit`` counts as a wrong prediction instead of
raising, so default-scored cross-validation on small folds (where a test fold can hold a
class that its training part lacks) and successive halving on small resources give
numbers. The errors that protect a result from a wrong label stay (last tests).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import requires_glove
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.metrics import accuracy_score
from sklearn.model_selection import HalvingGridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier
from sklearn_emotion.exceptions import EmotionWarning, InvalidInputError

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def goemotions():
    X, y = load_goemotions(subset="train", return_X_y=True)
    return list(X[:150]), np.asarray(y[:150])


@pytest.fixture(scope="module")
def word_vectors(goemotions):
    pytest.importorskip("sklearn_emotion_glove")
    from sklearn_emotion.vectorizers import WordVectorizer

    X, y = goemotions
    return WordVectorizer().fit_transform(X), y


def _has_a_fold_with_unseen_labels(y, cv):
    return any(np.setdiff1d(y[test], y[train]).size for train, test in cv.split(y))


# ------------------------------------------------------------------- the score
@pytest.mark.parametrize("make", [FeedForwardClassifier, LSTMClassifier])
def test_unseen_labels_count_as_wrong(make):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6)).astype(np.float32)
    y = np.where(X[:, 0] > 0, "joy", "sadness")
    if make is LSTMClassifier:
        X = X.reshape(40, 3, 2)
    clf = make(max_epochs=3, random_state=0).fit(X, y)
    y_test = y.copy()
    y_test[:10] = "surprise"  # never seen in fit
    weights = rng.rand(40)
    predicted = clf.predict(X)
    assert clf.score(X, y_test) == accuracy_score(y_test, predicted)
    assert clf.score(X, y_test, sample_weight=weights) == pytest.approx(
        accuracy_score(y_test, predicted, sample_weight=weights))
    assert clf.score(X, y_test) <= 0.75  # the ten unseen ones are wrong


def test_cross_val_score_on_word_vectors_gives_numbers(word_vectors):
    """The issue's case with the vectors computed once (the pipeline is the slow test)."""
    Z, y = word_vectors
    cv = KFold(5)
    assert _has_a_fold_with_unseen_labels(y, cv)  # the case that used to give NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmotionWarning)  # folds too small to stratify
        scores = cross_val_score(FeedForwardClassifier(max_epochs=10, random_state=0), Z, y,
                                 cv=cv, error_score="raise")
    assert np.isfinite(scores).all() and scores.shape == (5,)


@requires_glove
@pytest.mark.slow
def test_cross_val_score_of_the_issue_gives_numbers(goemotions):
    from sklearn_emotion.vectorizers import WordVectorizer

    X, y = goemotions
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmotionWarning)
        scores = cross_val_score(make_pipeline(WordVectorizer(), FeedForwardClassifier()),
                                 X, y, cv=KFold(5))
    assert np.isfinite(scores).all()


def test_halving_grid_search_on_small_resources_gives_numbers(word_vectors):
    Z, y = word_vectors
    search = HalvingGridSearchCV(
        FeedForwardClassifier(max_epochs=5, random_state=0),
        {"lr": [1e-3, 1e-2], "batch_size": [16, 32]},
        resource="n_samples", min_resources=20, factor=2, cv=KFold(3), random_state=0,
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny resources: no stratified split
        search.fit(Z, y)
    scores = np.asarray(search.cv_results_["mean_test_score"])
    assert search.cv_results_["n_resources"][0] == 20
    assert np.isfinite(scores).all()
    assert search.best_score_ == np.max(scores[np.asarray(search.cv_results_["iter"]) ==
                                               search.n_iterations_ - 1])


# ------------------------------------------------- the errors that stay (documented)
def test_partial_fit_with_unknown_classes_still_raises():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 4)).astype(np.float32)
    y = np.where(X[:, 0] > 0, "joy", "sadness")
    clf = FeedForwardClassifier(max_epochs=1, random_state=0).partial_fit(X, y)
    with pytest.raises(InvalidInputError, match=r"labels \['anger'\] that are not among"):
        clf.partial_fit(X, np.where(y == "joy", "anger", y))


def test_multilabel_column_mismatch_still_raises():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 4)).astype(np.float32)
    Y = (X[:, :3] > 0).astype(int)
    clf = FeedForwardClassifier(max_epochs=1, random_state=0).fit(X, Y)
    with pytest.raises(InvalidInputError, match="fitted on 3 labels; y has 2 columns"):
        clf.partial_fit(X, Y[:, :2])
    with pytest.raises(ValueError):
        clf.score(X, Y[:, :2])
    lists = [["a"], ["b"]] * 10
    named = FeedForwardClassifier(max_epochs=1, random_state=0).fit(X, lists)
    with pytest.raises(ValueError, match=r"names labels \['c'\]"):
        named.score(X, [["a", "c"]] * 20)


def test_score_documents_where_errors_stay():
    notes = FeedForwardClassifier.score.__doc__
    assert "partial_fit" in notes and "number of columns" in notes
