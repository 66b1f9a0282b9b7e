"""TfidfBaselineClassifier on real GoEmotions texts."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sklearn_emotion import registry
from sklearn_emotion.testing import check_plugin, sample_texts

TfidfBaselineClassifier = pytest.importorskip(
    "sklearn_emotion_tfidf_baseline", reason="pip install -e plugins/tfidf-baseline"
).TfidfBaselineClassifier


def test_honours_the_plugin_contract():
    check_plugin("sklearn-emotion-tfidf-baseline", params={
        "TfidfBaselineClassifier": {"min_df": 1}})


def test_matches_the_pipeline_it_stands_for():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = sample_texts(per_class=20)
    ours = TfidfBaselineClassifier().fit(X, y)
    plain = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=10.0, class_weight="balanced", max_iter=1000),
    ).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), plain.predict_proba(X), rtol=1e-6)


def test_char_ngrams_and_grid_search():
    X, y = sample_texts(per_class=20)
    search = GridSearchCV(TfidfBaselineClassifier(min_df=1), {"C": [0.5, 4.0]}, cv=2)
    assert len(search.fit(X, y).cv_results_["params"]) == 2
    chars = TfidfBaselineClassifier(char_ngram_range=(2, 3), C=1.0).fit(X, y)
    assert len(chars.pipeline_[0].transformer_list) == 2
    assert set(chars.predict(X)) <= set(chars.classes_)


def test_registered_as_an_estimator_with_metadata():
    assert registry.load("estimators", "TfidfBaselineClassifier") is TfidfBaselineClassifier
    assert registry.plugin_metadata("estimators", "TfidfBaselineClassifier")["licence"] == (
        "Apache-2.0")


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="'C' parameter of TfidfBaselineClassifier"):
        TfidfBaselineClassifier(C=0).fit(["a", "b"], [0, 1])
