"""Per-label thresholds: tune_thresholds, apply_thresholds and PerLabelThresholdClassifier."""

from __future__ import annotations

import functools
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    jaccard_score,
    matthews_corrcoef,
)
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.multilabel import (
    PerLabelThresholdClassifier,
    apply_thresholds,
    tune_thresholds,
)

SKLEARN_METRICS = {
    "f1": f1_score,
    "jaccard": jaccard_score,
    "balanced_accuracy": balanced_accuracy_score,
    "matthews_corrcoef": matthews_corrcoef,
}


@pytest.fixture(scope="module")
def goemotions():
    """Real GoEmotions, Ekman labels, multi-label: 1,500 training and 1,000 test comments."""
    train = load_goemotions("train", labels="ekman", multilabel=True)
    test = load_goemotions("test", labels="ekman", multilabel=True)
    return (train.data[:1500], train.target[:1500], test.data[:1000], test.target[:1000],
            train.target_names)


def tfidf_ovr(C=4.0):
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        OneVsRestClassifier(LogisticRegression(C=C, max_iter=1000)),
    )


@pytest.fixture(scope="module")
def scores(goemotions):
    """Out-of-sample probabilities of a TF-IDF model on real data: (Y_test, P_test)."""
    X, Y, X_test, Y_test, _ = goemotions
    return Y_test, tfidf_ovr().fit(X, Y).predict_proba(X_test)


@pytest.fixture(scope="module")
def meta_fit(goemotions):
    X, Y, *_ = goemotions
    return PerLabelThresholdClassifier(tfidf_ovr(), cv=3).fit(X, Y)


# ------------------------------------------------------------------------ tune_thresholds
@pytest.mark.parametrize("scoring", sorted(SKLEARN_METRICS))
def test_tuned_threshold_maximises_the_metric_on_every_label(scores, scoring):
    Y, P = scores
    grid = np.linspace(0.01, 0.99, 50)
    thresholds = tune_thresholds(Y, P, scoring, thresholds=grid)
    assert thresholds.shape == (Y.shape[1],) and np.isin(thresholds, grid).all()
    metric = SKLEARN_METRICS[scoring]
    for j, threshold in enumerate(thresholds):
        values = [metric(Y[:, j], (P[:, j] >= t).astype(int)) for t in grid]
        reached = metric(Y[:, j], (P[:, j] >= threshold).astype(int))
        assert reached == pytest.approx(max(values), abs=1e-12)


def test_named_metric_equals_the_same_callable(scores):
    Y, P = scores
    named = tune_thresholds(Y, P, "f1", thresholds=30)
    called = tune_thresholds(Y, P, f1_score, thresholds=30)
    np.testing.assert_allclose(named, called)
    f2 = tune_thresholds(Y, P, functools.partial(fbeta_score, beta=2), thresholds=30)
    assert (f2 <= named).all() and (f2 < named).any()  # recall-heavy: lower thresholds


def test_default_candidates_span_each_labels_scores(scores):
    Y, P = scores
    thresholds = tune_thresholds(Y, P)
    assert ((thresholds >= P.min(axis=0)) & (thresholds <= P.max(axis=0))).all()
    # rare labels get low thresholds: a fixed 0.5 would predict them almost never
    assert (thresholds < 0.5).sum() >= Y.shape[1] - 1


def test_one_global_threshold_maximises_macro_f1(scores):
    Y, P = scores
    grid = np.linspace(0.05, 0.95, 19)
    thresholds = tune_thresholds(Y, P, thresholds=grid, per_label=False)
    assert np.unique(thresholds).size == 1
    macro = [f1_score(Y, (P >= t).astype(int), average="macro", zero_division=0) for t in grid]
    best = f1_score(Y, (P >= thresholds[0]).astype(int), average="macro", zero_division=0)
    assert best == pytest.approx(max(macro))
    per_label = tune_thresholds(Y, P, thresholds=grid)
    tuned = f1_score(Y, apply_thresholds(P, per_label), average="macro", zero_division=0)
    assert tuned >= best  # on the data it was tuned on, per-label cannot lose


def test_ties_take_the_middle_of_the_plateau():
    y_true = np.array([[0], [0], [1], [1]])
    y_score = np.array([[0.1], [0.2], [0.8], [0.9]])
    # every candidate in (0.2, 0.8] separates the classes perfectly
    grid = [0.3, 0.4, 0.5, 0.6, 0.7]
    assert tune_thresholds(y_true, y_score, thresholds=grid).tolist() == [0.5]


@pytest.mark.parametrize(
    "y_true, y_score, kwargs, match",
    [
        ([[1, 0], [0, 1]], [[0.5, 0.5]], {}, r"y_true of shape \(2, 2\) and y_score of shape"),
        ([[1, 0], [1, 0]], [[0.9, 0.2], [0.4, 0.3]], {"labels": ["joy", "grief"]},
         r"labels \['grief'\] have no positive sample"),
        ([[2, 0], [0, 1]], [[0.9, 0.2], [0.4, 0.3]], {}, "0/1 indicator matrix"),
        ([[1, 0], [0, 1]], [[np.nan, 0.2], [0.4, 0.3]], {}, "NaN or infinite"),
        ([[1, 0], [0, 1]], [[0.9, 0.2], [0.4, 0.3]], {"scoring": "accuracy"},
         "scoring must be one of"),
        ([[1, 0], [0, 1]], [[0.9, 0.2], [0.4, 0.3]], {"thresholds": 1}, "at least 2"),
        ([1, 0], [0.9, 0.2], {}, "2-D arrays"),
    ],
)
def test_tune_thresholds_errors(y_true, y_score, kwargs, match):
    with pytest.raises(InvalidInputError, match=match):
        tune_thresholds(y_true, y_score, **kwargs)


def test_apply_thresholds_min_and_max_labels():
    scores = np.array([[0.9, 0.6, 0.1], [0.2, 0.3, 0.1], [0.1, 0.1, 0.1]])
    thresholds = np.array([0.5, 0.5, 0.4])
    assert apply_thresholds(scores, thresholds).tolist() == [[1, 1, 0], [0, 0, 0], [0, 0, 0]]
    at_least_one = apply_thresholds(scores, thresholds, min_labels=1)
    # the label closest to its threshold is added: row 2 margins -0.3, -0.2, -0.3 ->
    # label 1; row 3 margins -0.4, -0.4, -0.3 -> label 2
    assert at_least_one.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert apply_thresholds(scores, thresholds, max_labels=1).tolist() == [
        [1, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert (apply_thresholds(scores, 0.0, min_labels=5).sum(axis=1) == 3).all()


# -------------------------------------------------------------- PerLabelThresholdClassifier
def test_meta_estimator_on_real_data(meta_fit, goemotions, scores):
    _, Y, X_test, Y_test, _ = goemotions
    clf = meta_fit
    assert clf.thresholds_.shape == (7,) and clf.best_scores_.shape == (7,)
    assert clf.classes_.tolist() == list(range(7))  # OneVsRestClassifier's column indices
    proba = clf.predict_proba(X_test)
    assert proba.shape == (1000, 7) and ((proba >= 0) & (proba <= 1)).all()
    assert clf.decision_function(X_test).shape == (1000, 7)
    Y_pred = clf.predict(X_test)
    assert Y_pred.shape == (1000, 7) and Y_pred.dtype == np.int64
    assert (Y_pred.sum(axis=1) >= 1).all()  # min_labels=1
    tuned = f1_score(Y_test, Y_pred, average="macro")
    fixed = f1_score(Y_test, (proba >= 0.5).astype(int), average="macro", zero_division=0)
    assert tuned > fixed + 0.05
    assert clf.score(X_test, Y_test) == pytest.approx(tuned)


def test_label_lists_give_named_classes(goemotions):
    X, Y, X_test, _, names = goemotions
    lists = [[names[j] for j in np.flatnonzero(row)] for row in Y]
    clf = PerLabelThresholdClassifier(tfidf_ovr(), cv=0.3, random_state=0, refit=False)
    clf.fit(X, lists)
    assert clf.classes_.tolist() == sorted(names)
    predicted = clf.predict_labels(X_test[:20])
    assert len(predicted) == 20 and all(1 <= len(p) <= 7 for p in predicted)
    assert all(set(p) <= set(names) for p in predicted)
    # score takes label lists too: the predictions scored against themselves
    assert clf.score(X_test[:20], [list(p) for p in predicted]) == 1.0
    # the same tuning as the indicator matrix with its columns sorted by name
    order = np.argsort(names)
    same = PerLabelThresholdClassifier(tfidf_ovr(), cv=0.3, random_state=0, refit=False)
    np.testing.assert_allclose(same.fit(X, Y[:, order]).thresholds_, clf.thresholds_)


def test_prefit_tunes_on_the_data_given(goemotions):
    X, Y, X_test, Y_test, _ = goemotions
    model = tfidf_ovr().fit(X, Y)
    clf = PerLabelThresholdClassifier(model, cv="prefit").fit(X_test, Y_test)
    assert clf.estimator_ is model
    expected = tune_thresholds(Y_test, model.predict_proba(X_test))
    np.testing.assert_allclose(clf.thresholds_, expected)


def test_empty_predictions_on_request(goemotions):
    X, Y, X_test, _, _ = goemotions
    clf = PerLabelThresholdClassifier(tfidf_ovr(), cv=0.3, refit=False, min_labels=0).fit(X, Y)
    raw = clf.predict(X_test)
    np.testing.assert_array_equal(raw, clf.predict_proba(X_test) >= clf.thresholds_)
    at_least_one = clf.set_params(min_labels=1).predict(X_test)
    empty = raw.sum(axis=1) == 0
    assert (at_least_one[~empty] == raw[~empty]).all()
    assert (at_least_one[empty].sum(axis=1) == 1).all()
    clf.set_params(max_labels=1)
    assert (clf.predict(X_test).sum(axis=1) == 1).all()


def test_all_zero_rows_are_fine_and_absent_labels_are_refused(goemotions):
    X, Y, *_ = goemotions
    Y = Y.copy()
    Y[:100] = 0  # samples without any label
    PerLabelThresholdClassifier(tfidf_ovr(), cv=0.3, refit=False).fit(X, Y)
    Y[:, 1] = 0  # disgust never occurs
    with pytest.raises(InvalidInputError, match=r"labels \[1\] never occur in y"):
        PerLabelThresholdClassifier(tfidf_ovr(), cv=2).fit(X, Y)
    lists = [["joy"], ["anger", "joy"], []] * 20
    with pytest.raises(InvalidInputError, match="expects a multi-label target"):
        PerLabelThresholdClassifier(tfidf_ovr()).fit(X[:60], [ls[0] if ls else "none"
                                                              for ls in lists])


def test_binary_target_gets_one_tuned_threshold(goemotions):
    # a 1-D binary target: one threshold on the score of classes_[1], predictions of the
    # original labels, accuracy as score (ClassifierMixin); min_labels does not apply
    X, Y, X_test, Y_test, names = goemotions
    joy = list(names).index("joy")
    y = np.where(Y[:, joy] == 1, "joy", "other")
    clf = PerLabelThresholdClassifier(tfidf_ovr(), cv=3).fit(X, y)
    assert clf.classes_.tolist() == ["joy", "other"] and clf.thresholds_.shape == (1,)
    assert not clf.multilabel_
    proba = clf.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    predicted = clf.predict(X_test)
    np.testing.assert_array_equal(
        predicted, np.where(proba[:, 1] >= clf.thresholds_[0], "other", "joy"))
    assert set(predicted) == {"joy", "other"}
    y_test = np.where(Y_test[:, joy] == 1, "joy", "other")
    assert clf.score(X_test, y_test) == np.mean(predicted == y_test)
    assert clf.predict_labels(X_test[:2]) == [(label,) for label in predicted[:2]]
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        PerLabelThresholdClassifier(tfidf_ovr()).fit(X[:60], ["a", "b", "c"] * 20)


def test_clone_and_pickle(meta_fit, goemotions):
    X, Y, X_test, _, _ = goemotions
    params = meta_fit.get_params(deep=False)
    cloned = clone(meta_fit)
    assert not hasattr(cloned, "thresholds_") and cloned.get_params(deep=False).keys() == \
        params.keys()
    restored = pickle.loads(pickle.dumps(meta_fit))
    np.testing.assert_array_equal(restored.predict(X_test), meta_fit.predict(X_test))


@pytest.mark.slow
def test_grid_search(goemotions):
    X, Y, *_ = goemotions
    search = GridSearchCV(
        PerLabelThresholdClassifier(tfidf_ovr(), cv=KFold(2)),
        {"estimator__onevsrestclassifier__estimator__C": [0.5, 8.0]},
        cv=2,
    ).fit(X[:800], Y[:800])
    assert search.best_estimator_.thresholds_.shape == (7,)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_invalid_parameters_are_refused(goemotions):
    X, Y, *_ = goemotions
    with pytest.raises(ValueError, match="'min_labels' parameter of PerLabelThresholdClassifier"):
        PerLabelThresholdClassifier(tfidf_ovr(), min_labels=-1).fit(X, Y)
    with pytest.raises(ValueError, match="'scoring' parameter"):
        PerLabelThresholdClassifier(tfidf_ovr(), scoring="accuracy").fit(X, Y)


def test_dataframe_columns_name_the_labels():
    X, Y = load_goemotions("validation", labels="ekman", multilabel=True, return_X_y=True,
                           as_frame=True)
    clf = PerLabelThresholdClassifier(tfidf_ovr(), cv=0.3, refit=False, random_state=0)
    clf.fit(X[:800], Y[:800])
    assert clf.classes_.tolist() == list(Y.columns)
    predicted = clf.predict_labels(["thank you, this is wonderful"])
    assert type(predicted[0][0]) is str and predicted[0][0] in list(Y.columns)


@pytest.mark.parametrize("check", [
    "check_classifiers_multilabel_representation_invariance",
    "check_classifiers_multilabel_output_format_predict",
    "check_classifiers_multilabel_output_format_predict_proba",
    "check_classifiers_multilabel_output_format_decision_function",
    "check_get_params_invariance",
    "check_set_params",
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
])
def test_sklearn_checks_that_apply(check):
    # the checks written for multi-label classifiers, plus the parameter contract, with
    # the usual wrapped estimator; tests/test_common.py runs all of sklearn's checks

    estimator = PerLabelThresholdClassifier(OneVsRestClassifier(LogisticRegression()), cv=2)
    getattr(estimator_checks, check)(type(estimator).__name__, estimator)
