"""The template's tests: the contract check, plus the plugin's own behaviour."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_emotion import registry
from sklearn_emotion.plugin_api import check_plugin, sample_texts


def test_honours_the_plugin_contract():
    results = check_plugin("sklearn-emotion-template")
    assert {r.check for r in results} >= {"metadata", "api version", "declared safe",
                                          "sklearn check_estimator", "pickle round trip"}


def test_registered_by_name():
    assert registry.load("vectorizers", "TextStatsVectorizer").__name__ == "TextStatsVectorizer"


def test_statistics_of_real_texts():
    from sklearn_emotion_template import TextStatsVectorizer

    X, y = sample_texts(per_class=10)
    stats = TextStatsVectorizer(log_counts=False).fit_transform(X)
    assert stats.shape == (len(X), 6)
    assert np.array_equal(stats[:, 0], [len(t) for t in X])
    assert np.array_equal(stats[:, 2], [t.count("!") for t in X])


def test_in_a_grid_search():
    from sklearn_emotion_template import TextStatsVectorizer

    X, y = sample_texts(per_class=10)
    cv = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
    pipe = make_pipeline(TextStatsVectorizer(), LogisticRegression(max_iter=1000))
    grid = [True, False]
    search = GridSearchCV(pipe, {"textstatsvectorizer__log_counts": grid}, cv=cv).fit(X, y)
    # each candidate scores what cross-validating it by hand gives, and the two differ:
    # the parameter reaches the vectorizer through set_params and clone
    by_hand = [cross_val_score(clone(pipe).set_params(textstatsvectorizer__log_counts=value),
                               X, y, cv=cv).mean() for value in grid]
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], by_hand)
    assert by_hand[0] != by_hand[1]
    assert search.best_score_ == max(by_hand)
    # the refitted search is the best candidate fitted on all the data
    best = clone(pipe).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict(X), best.predict(X))
    np.testing.assert_allclose(search.predict_proba(X), best.predict_proba(X))


def test_bad_input_is_refused_with_a_clear_error():
    from sklearn_emotion_template import TextStatsVectorizer

    with pytest.raises(TypeError, match="Wrap it in a list"):
        TextStatsVectorizer().fit("one text")
    with pytest.raises(TypeError, match="'log_counts' parameter"):
        TextStatsVectorizer(log_counts="yes").fit(["a"])
    with pytest.raises(ValueError, match="item 1 is missing"):
        TextStatsVectorizer().fit(["a", None])
