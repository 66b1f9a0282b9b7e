"""LexiconVectorizer: VADER scores and user-supplied word-emotion lexicons, on real texts."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline, make_union

from sklearn_emotion.exceptions import DataNotFoundError, InvalidInputError
from sklearn_emotion.testing import check_plugin, sample_texts

pytest.importorskip("vaderSentiment", reason="plugins/lexicon needs vaderSentiment")
_plugin = pytest.importorskip("sklearn_emotion_lexicon", reason="pip install -e plugins/lexicon")
LexiconVectorizer, read_lexicon = _plugin.LexiconVectorizer, _plugin.read_lexicon

# A few lines in the NRC Emotion Lexicon's word-level layout (word, category, 0/1),
# written by hand for the tests: the lexicon itself may not be redistributed.
NRC_LINES = """\
happy\tjoy\t1
happy\tpositive\t1
happy\tanger\t0
furious\tanger\t1
furious\tnegative\t1
hate\tanger\t1
hate\tnegative\t1
"""


@pytest.fixture
def nrc_file(tmp_path):
    path = tmp_path / "NRC-style-wordlevel.txt"
    path.write_text(NRC_LINES)
    return path


def test_honours_the_plugin_contract():
    results = check_plugin("sklearn-emotion-lexicon")
    # saved models keep the lexicon by reference (EmoLex may not be redistributed)
    details = {(r.plugin, r.check): r.detail for r in results}
    assert details[("vectorizers:LexiconVectorizer", "persistence hooks")] == (
        "lexicon_, categories_ stored by reference")


def test_a_lexicon_file_is_reloaded_from_its_path(tmp_path):
    path = tmp_path / "emolex.txt"
    path.write_text(NRC_LINES)
    vec = LexiconVectorizer(lexicon=path).fit(["x"])
    attributes, fingerprint = vec.__emotion_persist__()
    path.write_text(NRC_LINES.replace("joy\t1", "joy\t0", 1))
    light = object.__new__(LexiconVectorizer)
    light.__dict__.update({k: v for k, v in vars(vec).items() if k not in attributes})
    for key, value in light.__emotion_reload__().items():
        setattr(light, key, value)
    assert light.__emotion_persist__()[1] != fingerprint  # the io layer warns on this


def test_vader_scores_follow_sentiment():
    X, y = sample_texts(per_class=10)
    scores = LexiconVectorizer().fit_transform(X)
    compound = scores[:, 3]
    assert compound[y == "joy"].mean() > 0 > compound[y == "anger"].mean()
    # VADER's own rules: negation flips, capitals and "!" intensify
    vec = LexiconVectorizer().fit(["x"])
    good, not_good, shout = vec.transform(["good", "not good", "GOOD!!!"])[:, 3]
    assert not_good < 0 < good < shout


def test_word_lexicon_from_a_user_path(nrc_file):
    vec = LexiconVectorizer(lexicon=nrc_file).fit(["x"])
    assert list(vec.get_feature_names_out()) == ["lexicon_anger", "lexicon_joy",
                                                 "lexicon_negative", "lexicon_positive"]
    Z = vec.transform(["I am happy", "I hate this and I am furious", "nothing here"])
    np.testing.assert_allclose(Z, [[0, 1 / 3, 0, 1 / 3], [2 / 7, 0, 2 / 7, 0], [0, 0, 0, 0]],
                               rtol=1e-6)
    summed = LexiconVectorizer(lexicon=nrc_file, aggregate="sum").fit(["x"])
    np.testing.assert_array_equal(summed.transform(["hate hate happy"]), [[2, 1, 2, 1]])


def test_wide_lexicon_table(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("word,valence,arousal\nhappy,0.9,0.6\nangry,0.1,0.9\n")
    lexicon, categories = read_lexicon(path)
    assert categories == ["valence", "arousal"] and set(lexicon) == {"happy", "angry"}


def test_feature_union_partner_in_a_grid_search(nrc_file):
    from sklearn.feature_extraction.text import TfidfVectorizer

    X, y = sample_texts(per_class=10)
    pipe = make_pipeline(make_union(TfidfVectorizer(), LexiconVectorizer()),
                         LogisticRegression(max_iter=1000))
    grid = {"featureunion__lexiconvectorizer__lexicon": ["vader", nrc_file]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert len(search.cv_results_["mean_test_score"]) == 2
    width = search.best_estimator_[0].transform(X[:2]).shape[1]
    assert width == len(search.best_estimator_[0].get_feature_names_out())


def test_missing_lexicon_explains_the_licence(tmp_path):
    with pytest.raises(DataNotFoundError, match="may not be redistributed for commercial use"):
        LexiconVectorizer(lexicon=tmp_path / "NRC-Emotion-Lexicon.txt").fit(["x"])
    bad = tmp_path / "bad.txt"
    bad.write_text("happy\tjoy\tvery\n")
    with pytest.raises(InvalidInputError, match="line 1 .*'word, category, value'"):
        LexiconVectorizer(lexicon=bad).fit(["x"])
    with pytest.raises(ValueError, match="'aggregate' parameter"):
        LexiconVectorizer(aggregate="median").fit(["x"])
