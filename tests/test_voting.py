"""TextVotingClassifier and the default pipeline built on it (issue 19)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_emotion import io
from sklearn_emotion.estimators import TextVotingClassifier
from sklearn_emotion.exceptions import InvalidInputError, InvalidInputTypeError
from sklearn_emotion.pipelines import DEFAULT_PIPELINE, PIPELINES, make_pipeline_by_name


def _members():
    words = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=10))
    chars = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)),
                          LogisticRegression(C=10))
    return [("words", words), ("chars", chars)]


def test_soft_vote_is_the_weighted_mean_of_the_members_probabilities(goemotions_slice):
    X, y, X_test, y_test = goemotions_slice
    clf = TextVotingClassifier(_members(), weights=[3, 1]).fit(X, y)
    words = clone(_members()[0][1]).fit(X, y).predict_proba(X_test)
    chars = clone(_members()[1][1]).fit(X, y).predict_proba(X_test)
    expected = (3 * words + chars) / 4
    np.testing.assert_allclose(clf.predict_proba(X_test), expected, rtol=1e-10)
    assert clf.predict(X_test).tolist() == clf.classes_[expected.argmax(1)].tolist()
    assert clf.n_features_in_ == 1
    assert (clf.predict(X_test) == y_test).mean() > 2 / 7  # 7 classes: chance is 1/7


def test_hard_voting_has_no_probabilities(goemotions_slice):
    X, y, X_test, _ = goemotions_slice
    clf = TextVotingClassifier(_members(), voting="hard").fit(X, y)
    assert not hasattr(clf, "predict_proba")
    assert len(clf.predict(X_test)) == len(X_test)


@pytest.mark.parametrize("X, error, message", [
    ("just one text", InvalidInputTypeError, "TextVotingClassifier"),
    (None, InvalidInputTypeError, "TextVotingClassifier"),
])
def test_bad_texts_are_refused_with_the_voting_classifier_named(X, error, message):
    with pytest.raises(error, match=message):
        TextVotingClassifier(_members()).fit(X, ["joy"])


def test_a_single_label_is_refused_before_any_member_fits(goemotions_slice):
    X, _, _, _ = goemotions_slice
    with pytest.raises(InvalidInputError, match="TextVotingClassifier.*several labels"):
        TextVotingClassifier(_members()).fit(X, ["joy"] * len(X))


def test_sample_weight_reaches_every_member(goemotions_slice):
    from sklearn_emotion_tfidf_baseline import TfidfBaselineClassifier

    X, y, X_test, _ = goemotions_slice
    weights = np.where(np.asarray(y) == "joy", 5.0, 1.0)
    members = [("a", TfidfBaselineClassifier()), ("b", TfidfBaselineClassifier(C=1.0))]
    clf = TextVotingClassifier(members).fit(X, y, sample_weight=weights)
    expected = np.mean([clone(m).fit(X, y, sample_weight=weights).predict_proba(X_test)
                        for _, m in members], axis=0)
    np.testing.assert_allclose(clf.predict_proba(X_test), expected, rtol=1e-10)
    unweighted = TextVotingClassifier(members).fit(X, y).predict_proba(X_test)
    assert not np.allclose(unweighted, expected)


def test_saved_and_loaded_without_trusted(tmp_path, goemotions_slice):
    X, y, X_test, _ = goemotions_slice
    clf = TextVotingClassifier(_members()).fit(X, y)
    path = io.save(clf, tmp_path / "vote.zip")
    assert io.get_untrusted_types(path) == []  # named_estimators_ is a Bunch: declared safe
    loaded = io.load(path)
    np.testing.assert_allclose(loaded.predict_proba(X_test), clf.predict_proba(X_test))
    assert list(loaded.named_estimators_) == ["words", "chars"]


def test_the_default_pipeline_is_the_tfidf_minilm_vote():
    # built without fitting: no encoder is loaded in __init__
    assert DEFAULT_PIPELINE == "tfidf-minilm-vote" and "minilm-mlp" in PIPELINES
    model = make_pipeline_by_name(DEFAULT_PIPELINE, random_state=0)
    vote = model.named_steps["classify"]
    assert isinstance(vote, TextVotingClassifier) and vote.voting == "soft"
    tfidf, minilm = dict(vote.estimators)["tfidf"], dict(vote.estimators)["minilm"]
    assert tfidf.get_params()["char_ngram_range"] == (2, 4) and tfidf.C == 1.0
    assert list(vote.weights) == [0.6, 0.4]
    embed, head = minilm.named_steps["embed"], minilm.named_steps["classify"]
    assert (embed.model, embed.backend, embed.quantize) == ("all-MiniLM-L6-v2", "onnx", "int8")
    assert isinstance(minilm.named_steps["scale"], StandardScaler)
    assert isinstance(head, LogisticRegression) and head.C == 1.0
    model.set_params(classify__minilm__classify__C=3.0)  # nested parameters reach the head
    assert model.get_params()["classify__minilm__classify__C"] == head.C == 3.0
