"""The template's tests: the contract check, plus the plugin's own behaviour."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_emotion import registry
from sklearn_emotion.testing import check_plugin, sample_texts


def test_honours_the_plugin_contract():
    results = check_plugin("sklearn-emotion-template")
    assert {r.check for r in results} >= {"metadata", "api version", "sklearn check_estimator",
                                          "pickle round trip"}


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
    search = GridSearchCV(make_pipeline(TextStatsVectorizer(), LogisticRegression(max_iter=1000)),
                          {"textstatsvectorizer__log_counts": [True, False]}, cv=2).fit(X, y)
    assert search.best_params_["textstatsvectorizer__log_counts"] in {True, False}


def test_bad_input_is_refused_with_a_clear_error():
    from sklearn_emotion_template import TextStatsVectorizer

    with pytest.raises(TypeError, match="wrap a single text in a list"):
        TextStatsVectorizer().fit("one text")
    with pytest.raises(TypeError, match="'log_counts' parameter"):
        TextStatsVectorizer(log_counts="yes").fit(["a"])
