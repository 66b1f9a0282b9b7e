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


def test_one_class_is_refused_as_scikit_learn_expects():
    """The library's error, and a ValueError mentioning classes (check_classifiers_one_label)."""
    from sklearn_emotion.plugin_api import InvalidInputError

    X, y = sample_texts(per_class=2)
    with pytest.raises(InvalidInputError, match=r"TfidfBaselineClassifier needs samples of "
                       r"at least 2 classes.*only one class: 'joy'") as caught:
        TfidfBaselineClassifier(min_df=1).fit(X, ["joy"] * len(X))
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("y, match", [
    (None, "requires y to be passed"),
    ([0.5, 1.5], "Unknown label type"),
    ([0, 1, 0], "inconsistent numbers of samples"),
])
def test_bad_targets_get_the_library_error(y, match):
    from sklearn_emotion.plugin_api import InvalidInputError

    texts = ["what a happy day", "such a sad night"]
    with pytest.raises(InvalidInputError, match=match):
        TfidfBaselineClassifier(min_df=1).fit(texts, y)


def test_a_column_vector_target_still_fits():
    X, y = sample_texts(per_class=3)
    with pytest.warns(Warning, match="column-vector y"):
        clf = TfidfBaselineClassifier(min_df=1).fit(X, np.asarray(y).reshape(-1, 1))
    assert set(clf.classes_) == set(y)
