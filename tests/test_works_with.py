"""The scikit-learn tools a client script reaches for, each with a library estimator.

``docs/works-with.md`` lists them, one line per tool, each naming the test that backs it:
the tests below for the tools that have no test elsewhere, and
:func:`test_every_test_the_page_cites_exists` checks that every test the page cites is
collected by pytest, so the page cannot point at a missing test.

The data are tiny (:func:`sklearn_emotion.testing.sample_texts`, 12 real GoEmotions texts
per Ekman class) and the networks train for a few epochs with a fixed seed, so a refit
equals a hand refit exactly and a fresh process predicts the very same probabilities.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import BaggingClassifier, StackingClassifier, VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    RandomizedSearchCV,
    TunedThresholdClassifierCV,
    cross_validate,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import ClassifierChain
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier

from conftest import requires_glove

from sklearn_emotion import io
from sklearn_emotion.estimators import FeedForwardClassifier
from sklearn_emotion.testing import sample_texts
from sklearn_emotion.text import TextCleaner

ROOT = Path(__file__).parents[1]
PAGE = ROOT / "docs" / "works-with.md"
CITED = re.compile(r"`(tests/test_\w+\.py::test_\w+)`")

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def net(**params):
    """A small, seeded network that trains in well under a second."""
    settings = {"hidden_dims": (16,), "max_epochs": 4, "lr": 1e-2, "early_stopping": False,
                "random_state": 0}
    return FeedForwardClassifier(**{**settings, **params})


def text_features():
    """Raw texts to 16 dense float features."""
    return make_pipeline(TextCleaner(), TfidfVectorizer(), TruncatedSVD(16, random_state=0))


def text_pipeline(**params):
    return make_pipeline(TextCleaner(), TfidfVectorizer(), TruncatedSVD(16, random_state=0),
                         net(**params))


@pytest.fixture(scope="module")
def texts():
    X, y = sample_texts(per_class=12)
    return np.asarray(X, dtype=object), y


@pytest.fixture(scope="module")
def features(texts):
    X, y = texts
    return text_features().fit_transform(X, y).astype(np.float32), y


def _assert_probabilities(model, X):
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), len(model.classes_))
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    return proba


def _assert_refit_equals_hand_refit(search, pipeline, X, y):
    hand = clone(pipeline).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.best_estimator_.predict_proba(X),
                                  hand.predict_proba(X))


# ------------------------------------------------------------------ model selection
def test_grid_search_with_two_jobs(texts):
    X, y = texts
    pipeline = text_pipeline()
    search = GridSearchCV(pipeline, {"feedforwardclassifier__lr": [1e-2, 5e-2]}, cv=2,
                          n_jobs=2).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    _assert_refit_equals_hand_refit(search, pipeline, X, y)


def test_randomized_search(features):
    Z, y = features
    search = RandomizedSearchCV(net(), {"hidden_dims": [(8,), (16,), (32,)],
                                        "dropout": [0.0, 0.2]},
                                n_iter=2, cv=2, random_state=0).fit(Z, y)
    assert len(search.cv_results_["params"]) == 2
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    _assert_refit_equals_hand_refit(search, net(), Z, y)


def test_cross_validate_returns_numbers_and_fitted_folds(texts):
    X, y = texts
    cv = KFold(3, shuffle=True, random_state=0)
    result = cross_validate(text_pipeline(), X, y, cv=cv, return_estimator=True,
                            return_train_score=True, scoring=["accuracy", "f1_macro"])
    for key in ("test_accuracy", "test_f1_macro", "train_accuracy", "fit_time"):
        assert result[key].shape == (3,) and np.all(np.isfinite(result[key]))
    for (_, test), fitted in zip(cv.split(X), result["estimator"]):
        assert set(fitted.predict(X[test])) <= set(y)


# ------------------------------------------------------------------ composition
def test_column_transformer_over_a_dataframe_text_column(texts):
    X, y = texts
    frame = pd.DataFrame({"text": X, "length": [len(t) for t in X]})
    model = make_pipeline(
        ColumnTransformer([("text", text_features(), "text"),
                           ("length", StandardScaler(), ["length"])]),
        net(),
    ).fit(frame, y)
    assert model[0].transform(frame).shape == (len(X), 17)
    assert list(model[0].feature_names_in_) == ["text", "length"]
    assert set(model.predict(frame)) <= set(y)
    _assert_probabilities(model, frame)


@requires_glove
def test_set_output_pandas(texts):
    from sklearn_emotion.vectorizers import WordVectorizer

    X, y = texts
    model = make_pipeline(TextCleaner(), WordVectorizer("glove-6b-50d"), net())
    model.set_output(transform="pandas").fit(X, y)
    frame = model[:-1].transform(X)
    assert isinstance(frame, pd.DataFrame) and frame.shape == (len(X), 50)
    assert list(frame.columns) == list(model[1].get_feature_names_out())
    np.testing.assert_array_equal(model[-1].feature_names_in_, frame.columns)
    _assert_probabilities(model, X)


def test_feature_union(texts):
    X, y = texts
    union = FeatureUnion([("svd", text_features()),
                          ("chars", make_pipeline(TfidfVectorizer(analyzer="char_wb"),
                                                  TruncatedSVD(8, random_state=0)))])
    model = make_pipeline(union, net()).fit(X, y)
    assert model[0].transform(X).shape == (len(X), 24)
    names = model[0].get_feature_names_out()
    assert sum(n.startswith("svd__") for n in names) == 16
    assert sum(n.startswith("chars__") for n in names) == 8
    _assert_probabilities(model, X)


# ------------------------------------------------------------------ meta-estimators
def test_calibrated_classifier(features):
    Z, y = features
    model = CalibratedClassifierCV(net(), cv=3).fit(Z, y)
    assert len(model.calibrated_classifiers_) == 3
    np.testing.assert_array_equal(model.classes_, np.unique(y))
    _assert_probabilities(model, Z)


def test_voting_and_stacking(features):
    Z, y = features
    members = [("net", net()), ("logreg", LogisticRegression(max_iter=500))]
    voting = VotingClassifier(members, voting="soft").fit(Z, y)
    proba = _assert_probabilities(voting, Z)
    by_hand = np.mean([m.predict_proba(Z) for m in voting.estimators_], axis=0)
    np.testing.assert_allclose(proba, by_hand, rtol=1e-6)
    stacking = StackingClassifier(members, cv=3).fit(Z, y)
    assert stacking.transform(Z).shape == (len(Z), 2 * len(np.unique(y)))
    _assert_probabilities(stacking, Z)


def test_one_vs_rest(features):
    Z, y = features
    model = OneVsRestClassifier(net()).fit(Z, y)
    assert len(model.estimators_) == len(np.unique(y))
    assert all(list(e.classes_) == [0, 1] for e in model.estimators_)
    _assert_probabilities(model, Z)


def test_bagging(features):
    Z, y = features
    model = BaggingClassifier(net(), n_estimators=3, random_state=0).fit(Z, y)
    assert len(model.estimators_) == 3
    assert set(model.predict(Z)) <= set(y)
    _assert_probabilities(model, Z)


def test_classifier_chain_on_label_sets(features):
    Z, y = features
    # three overlapping labels: positive, negative and "strong" emotions
    Y = np.column_stack([np.isin(y, ["joy", "surprise"]),
                         np.isin(y, ["anger", "disgust", "fear", "sadness"]),
                         np.isin(y, ["anger", "fear", "joy"])]).astype(int)
    model = ClassifierChain(net(), order=[2, 0, 1], random_state=0).fit(Z, Y)
    predicted = model.predict(Z)
    assert predicted.shape == Y.shape and set(np.unique(predicted)) <= {0, 1}
    proba = model.predict_proba(Z)
    assert proba.shape == Y.shape and np.all((proba >= 0) & (proba <= 1))
    # each link sees the features and the labels before it in the order
    assert [e.n_features_in_ for e in model.estimators_] == [16, 17, 18]


def test_self_training(features):
    Z, y = features
    codes = np.unique(y, return_inverse=True)[1]
    partial = codes.copy()
    partial[np.random.RandomState(0).rand(len(y)) < 0.4] = -1  # 40% unlabelled
    model = SelfTrainingClassifier(net(max_epochs=5), threshold=0.5).fit(Z, partial)
    labelled = partial != -1
    np.testing.assert_array_equal(model.transduction_[labelled], partial[labelled])
    np.testing.assert_array_equal(model.labeled_iter_[labelled], 0)
    assert set(model.predict(Z)) <= set(codes)
    _assert_probabilities(model, Z)


def test_tuned_threshold_on_a_binary_task(features):
    Z, y = features
    binary = np.where(y == "joy", "joy", "other")
    model = TunedThresholdClassifierCV(net(), scoring="balanced_accuracy", cv=3,
                                       random_state=0).fit(Z, binary)
    assert 0 < model.best_threshold_ < 1
    # the tuned threshold, applied by hand to the refitted network, gives its predictions
    # (no pos_label: scikit-learn thresholds the probability of classes_[1])
    by_hand = np.where(model.estimator_.predict_proba(Z)[:, 1] >= model.best_threshold_,
                       model.classes_[1], model.classes_[0])
    np.testing.assert_array_equal(model.predict(Z), by_hand)


# ------------------------------------------------------------------ training and persistence
def test_warm_start_continues_training(features):
    Z, y = features
    cold = net(warm_start=False).fit(Z, y)
    cold.fit(Z, y)
    assert len(cold.history) == 4  # reset: one run of max_epochs
    warm = net(warm_start=True).fit(Z, y)
    first = warm.predict_proba(Z)
    warm.fit(Z, y)
    assert len(warm.history) == 8  # continued: two runs of max_epochs
    assert not np.allclose(warm.predict_proba(Z), first)
    np.testing.assert_array_equal(warm.classes_, cold.classes_)


def test_model_file_and_joblib_load_in_a_fresh_process(texts, tmp_path):
    X, y = texts
    model = text_pipeline().fit(X, y)
    io.save(model, tmp_path / "model.skops")
    joblib.dump(model, tmp_path / "model.joblib")
    joblib.dump(list(X), tmp_path / "X.joblib")
    code = textwrap.dedent(f"""
        import joblib, numpy as np
        from sklearn_emotion import io
        X = joblib.load({str(tmp_path / "X.joblib")!r})
        safe = io.load({str(tmp_path / "model.skops")!r})
        raw = joblib.load({str(tmp_path / "model.joblib")!r})
        np.save({str(tmp_path / "safe.npy")!r}, safe.predict_proba(X))
        np.save({str(tmp_path / "raw.npy")!r}, raw.predict_proba(X))
        """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    expected = model.predict_proba(X)
    np.testing.assert_array_equal(np.load(tmp_path / "safe.npy"), expected)
    np.testing.assert_array_equal(np.load(tmp_path / "raw.npy"), expected)


# ------------------------------------------------------------------ the page itself
def _cited_tests() -> list[str]:
    return CITED.findall(PAGE.read_text(encoding="utf-8"))


def test_every_line_of_the_page_cites_a_test():
    lines = [line for line in PAGE.read_text(encoding="utf-8").splitlines()
             if line.startswith("| ") and not line.startswith(("| tool", "| ---"))]
    assert len(lines) >= 25
    assert [line for line in lines if not CITED.search(line)] == []


def test_every_test_the_page_cites_exists():
    cited = set(_cited_tests())
    files = sorted({node.split("::")[0] for node in cited})
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "--no-header", *files],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    # a parametrised test is cited by its function name: drop the "[...]" of its ids
    found = {re.sub(r"\[.*\]$", "", line) for line in collected.stdout.splitlines()}
    assert sorted(cited - found) == []
