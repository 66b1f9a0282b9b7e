"""FeedForwardClassifier: the sklearn contract on top of skorch."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

from conftest import requires_glove

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.estimators import FeedForwardClassifier
from sklearn_emotion.exceptions import EmotionWarning
from sklearn_emotion.nn import MLPNet
from sklearn_emotion.utils._torch import resolve_device
from sklearn_emotion.vectorizers import WordVectorizer

LABELS = np.array(["anger", "joy", "sadness"])
FAST = {"module__hidden_dims": (16,), "lr": 1e-2, "max_epochs": 15, "verbose": 0}


def make_data(n_samples=150, n_features=6, random_state=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=4,
        n_classes=3,
        class_sep=2.0,
        random_state=random_state,
    )
    return X.astype(np.float32), LABELS[y]


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.fixture(scope="module")
def net_fit(data):
    X, y = data
    return FeedForwardClassifier(random_state=0, **FAST).fit(X, y)


# ---------------------------------------------------------------- labels, probabilities
def test_string_labels_round_trip(net_fit, data):
    X, y = data
    assert list(net_fit.classes_) == list(LABELS)
    y_pred = net_fit.predict(X)
    assert y_pred.dtype == y.dtype
    assert set(y_pred) <= set(LABELS)
    assert net_fit.score(X, y) > 0.8


def test_integer_labels_that_are_not_0_to_k(data):
    X, y = data
    y_int = np.select([y == "anger", y == "joy"], [-3, 7], 42)
    clf = FeedForwardClassifier(random_state=0, **FAST).fit(X, y_int)
    assert list(clf.classes_) == [-3, 7, 42]
    assert set(clf.predict(X)) <= {-3, 7, 42}


def test_predict_proba_rows_sum_to_one_and_match_predict(net_fit, data):
    X, _ = data
    proba = net_fit.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert np.array_equal(net_fit.classes_[proba.argmax(axis=1)], net_fit.predict(X))


def test_module_sizes_are_inferred_without_touching_parameters(net_fit):
    assert net_fit.n_features_in_ == 6
    assert (net_fit.module_.input_dim, net_fit.module_.output_dim) == (6, 3)
    params = net_fit.get_params()
    assert "module__input_dim" not in params and "module__output_dim" not in params


def test_pandas_input_records_feature_names(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = FeedForwardClassifier(random_state=0, **FAST).fit(df, pd.Series(y))
    assert list(clf.feature_names_in_) == list(df.columns)
    assert clf.predict(df).shape == (len(df),)


# ------------------------------------------------------------------------ class weights
def test_class_weight_balanced_sets_criterion_weights():
    X, y = make_data(n_samples=200)
    keep = np.r_[np.flatnonzero(y != "joy"), np.flatnonzero(y == "joy")[:10]]
    X, y = X[keep], y[keep]
    plain = FeedForwardClassifier(class_weight=None, random_state=0, **FAST).fit(X, y)
    balanced = FeedForwardClassifier(class_weight="balanced", random_state=0, **FAST).fit(X, y)
    default = FeedForwardClassifier(random_state=0, **FAST).fit(X, y)

    assert plain.criterion_.weight is None and plain.class_weight_ is None
    expected = compute_class_weight("balanced", classes=LABELS, y=y)
    np.testing.assert_allclose(balanced.criterion_.weight.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(balanced.class_weight_, expected)
    assert not np.array_equal(plain.predict_proba(X), balanced.predict_proba(X))
    # the default, "balanced_sqrt": the square roots of the balanced weights
    assert default.class_weight == "balanced_sqrt"
    np.testing.assert_allclose(default.criterion_.weight.numpy(), np.sqrt(expected), rtol=1e-6)
    np.testing.assert_allclose(default.class_weight_, np.sqrt(expected))


def test_class_weight_dict_and_explicit_criterion_weight(data):
    X, y = data
    clf = FeedForwardClassifier(class_weight={"joy": 3.0}, random_state=0, **FAST).fit(X, y)
    assert clf.criterion_.weight.tolist() == [1.0, 3.0, 1.0]

    mine = torch.tensor([1.0, 1.0, 5.0])
    clf = FeedForwardClassifier(
        class_weight="balanced", criterion__weight=mine, random_state=0, **FAST
    ).fit(X, y)
    assert torch.equal(clf.criterion_.weight, mine)


def test_class_weight_needs_a_criterion_class(data):
    X, y = data
    clf = FeedForwardClassifier(
        criterion=torch.nn.CrossEntropyLoss(), class_weight="balanced", **FAST
    )
    with pytest.raises(ValueError, match="needs a criterion class that accepts a 'weight'"):
        clf.fit(X, y)


# ----------------------------------------------------------------------- reproducibility
def test_random_state_gives_identical_fits(data):
    X, y = data
    a = FeedForwardClassifier(random_state=7, **FAST).fit(X, y)
    b = FeedForwardClassifier(random_state=7, **FAST).fit(X, y)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    assert np.array_equal(a.predict(X), b.predict(X))
    assert a.history[:, "valid_loss"] == b.history[:, "valid_loss"]
    for (name, wa), (_, wb) in zip(a.module_.state_dict().items(), b.module_.state_dict().items()):
        assert torch.equal(wa, wb), name

    c = FeedForwardClassifier(random_state=8, **FAST).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_seeding_leaves_the_global_rng_alone(data):
    X, y = data
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    FeedForwardClassifier(random_state=0, **FAST).fit(X, y)
    assert torch.equal(torch.rand(3), expected)


# ------------------------------------------------------------------------ early stopping
@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)  # real 8x8 handwritten digits, shipped with sklearn
    return StandardScaler().fit_transform(X).astype(np.float32), y


def test_early_stopping_stops_early_and_restores_the_best_epoch(digits):
    X, y = digits
    clf = FeedForwardClassifier(
        module__hidden_dims=(64,), lr=1e-2, max_epochs=100, n_iter_no_change=3,
        verbose=0, random_state=0,
    ).fit(X, y)
    stopper = dict(clf.callbacks_)["early_stopping"]
    assert len(clf.history) < 100
    assert len(clf.history) == stopper.best_epoch_ + 3
    best = stopper.best_model_weights_
    assert all(torch.equal(best[k], v) for k, v in clf.module_.state_dict().items())
    # the validation split is stratified: every digit is in it
    assert clf.score(X, y) > 0.9


def test_without_early_stopping_trains_on_all_data_for_max_epochs(data):
    X, y = data
    clf = FeedForwardClassifier(early_stopping=False, random_state=0, **FAST).fit(X, y)
    assert len(clf.history) == FAST["max_epochs"]
    assert "early_stopping" not in dict(clf.callbacks_)
    assert "valid_loss" not in clf.history[-1]
    assert sum(clf.history[-1, "batches", :, "train_batch_size"]) == len(X)


def test_early_stopping_falls_back_on_data_too_small_to_stratify():
    X = np.random.RandomState(0).normal(size=(12, 3)).astype(np.float32)
    y = np.array(["a"] * 6 + ["b"] * 5 + ["c"])  # "c" has one sample
    clf = FeedForwardClassifier(random_state=0, **FAST)
    with pytest.warns(EmotionWarning, match="least populated class has only 1 sample"):
        clf.fit(X, y)
    assert len(clf.history) == FAST["max_epochs"]
    assert "valid_loss" not in clf.history[-1]


def test_explicit_train_split_none_disables_validation(data):
    X, y = data
    clf = FeedForwardClassifier(train_split=None, random_state=0, **FAST).fit(X, y)
    assert len(clf.history) == FAST["max_epochs"]


# -------------------------------------------------------------------- output, progress bar
def test_progress_bar_off_and_verbose_0_print_nothing(data, capsys):
    X, y = data
    FeedForwardClassifier(random_state=0, progress_bar=False, **FAST).fit(X, y)
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")


def test_progress_bar_true_shows_a_bar_even_when_quiet(data, capsys):
    X, y = data
    clf = FeedForwardClassifier(random_state=0, progress_bar=True, **{**FAST, "max_epochs": 2})
    clf.fit(X, y)
    out, err = capsys.readouterr()
    assert out == "" and "it/s" in err
    assert "progress_bar" in dict(clf.callbacks_)


def test_progress_bar_auto_needs_verbose_and_enough_data(data, capsys):
    X, y = data
    FeedForwardClassifier(random_state=0, **{**FAST, "max_epochs": 2, "verbose": 1}).fit(X, y)
    out, err = capsys.readouterr()
    assert "train_loss" in out and err == ""  # 150 samples: the epoch table, no bar

    X_big = np.repeat(X, 7, axis=0)
    y_big = np.repeat(y, 7)
    for verbose, shown in [(1, True), (0, False)]:
        clf = FeedForwardClassifier(random_state=0, **{**FAST, "max_epochs": 1})
        clf.set_params(verbose=verbose).fit(X_big, y_big)
        assert ("progress_bar" in dict(clf.callbacks_)) is shown
    capsys.readouterr()


# -------------------------------------------------------------- persistence, clone, params
def test_joblib_round_trip_in_a_fresh_process(net_fit, data, tmp_path):
    X, _ = data
    joblib.dump(net_fit, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", X)
    code = textwrap.dedent(
        f"""
        import joblib, numpy as np
        model = joblib.load({str(tmp_path / "model.joblib")!r})
        X = np.load({str(tmp_path / "X.npy")!r})
        np.save({str(tmp_path / "proba.npy")!r}, model.predict_proba(X))
        np.save({str(tmp_path / "pred.npy")!r}, model.predict(X))
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert np.array_equal(np.load(tmp_path / "proba.npy"), net_fit.predict_proba(X))
    assert np.array_equal(np.load(tmp_path / "pred.npy"), net_fit.predict(X))


def test_pickle_round_trip_keeps_predictions(net_fit, data):
    X, _ = data
    loaded = pickle.loads(pickle.dumps(net_fit))
    assert np.array_equal(loaded.predict_proba(X), net_fit.predict_proba(X))


def test_clone_get_params_set_params(net_fit, data):
    X, y = data
    params = net_fit.get_params(deep=False)
    assert params["module__hidden_dims"] == (16,) and params["random_state"] == 0
    assert "_params_to_validate" not in params

    fresh = clone(net_fit)
    assert fresh.get_params(deep=False).keys() == params.keys()
    with pytest.raises(AttributeError):
        fresh.classes_
    with pytest.raises(NotFittedError):
        fresh.predict(X)

    fresh.set_params(module__hidden_dims=(8, 4), lr=5e-3, max_epochs=3)
    fresh.fit(X, y)
    assert fresh.module_.hidden_dims == (8, 4)
    # after fit: the module is rebuilt with the inferred sizes
    fresh.set_params(module__hidden_dims=(5,))
    assert fresh.module_.hidden_dims == (5,) and fresh.module_.input_dim == 6
    assert fresh.predict(X).shape == (len(X),)


def test_device_auto_is_resolved_but_stays_a_parameter(data):
    X, y = data
    clf = FeedForwardClassifier(device="auto", random_state=0, **{**FAST, "max_epochs": 2})
    clf.fit(X, y)
    assert clf.get_params()["device"] == "auto"
    assert clf.device == resolve_device("auto")
    assert clone(clf).get_params()["device"] == "auto"
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.get_params()["device"] == "auto"
    assert np.array_equal(loaded.predict(X), clf.predict(X))


def test_grid_search_over_a_module_parameter(data):
    X, y = data
    base = FeedForwardClassifier(random_state=0, **{**FAST, "max_epochs": 5})
    search = GridSearchCV(base, {"module__hidden_dims": [(4,), (16,)]}, cv=2).fit(X, y)
    # each candidate's score is that of the same net cross-validated by hand (seeded
    # fits are bit-identical), so the parameter really reaches every fold's module
    results = search.cv_results_
    for params, score in zip(results["params"], results["mean_test_score"]):
        by_hand = cross_val_score(clone(base).set_params(**params), X, y, cv=2)
        assert score == by_hand.mean()
    assert search.best_score_ > 0.6  # three balanced classes: chance is 1/3
    # the refit model is the best candidate refit on all the data
    best = clone(base).set_params(**search.best_params_).fit(X, y)
    assert search.best_estimator_.module_.hidden_dims == search.best_params_["module__hidden_dims"]
    np.testing.assert_array_equal(search.predict_proba(X), best.predict_proba(X))


def test_pipeline_and_a_custom_module(data):
    X, y = data
    clf = FeedForwardClassifier(module=MLPNet, module__activation="gelu", random_state=0, **FAST)
    pipe = make_pipeline(StandardScaler(), clf).fit(X, y)
    assert pipe.score(X, y) > 0.8

    module = MLPNet(input_dim=6, output_dim=3, hidden_dims=(4,))  # an instance is used as is
    fast = {k: v for k, v in FAST.items() if k != "module__hidden_dims"}
    clf = FeedForwardClassifier(module=module, random_state=0, **fast).fit(X, y)
    assert clf.module_ is module
    # with module__* values skorch rebuilds it from its class: sizes are inferred again
    clf = FeedForwardClassifier(module=module, random_state=0, **FAST).fit(X, y)
    assert clf.module_ is not module and clf.module_.hidden_dims == (16,)


def test_partial_fit_continues_training(data):
    X, y = data
    clf = FeedForwardClassifier(random_state=0, early_stopping=False, **{**FAST, "max_epochs": 2})
    clf.partial_fit(X[:50], y[:50], classes=LABELS)
    clf.partial_fit(X[50:], y[50:])
    assert len(clf.history) == 4
    with pytest.raises(ValueError, match="not among the known classes"):
        clf.partial_fit(X[:3], np.array(["joy", "fear", "joy"]))


# ----------------------------------------------------------------------------- errors
def test_nan_in_X_is_refused(data):
    X, y = data
    X = X.copy()
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        FeedForwardClassifier(**FAST).fit(X, y)


def test_wrong_number_of_features_at_predict(net_fit, data):
    X, _ = data
    msg = "X has 5 features, but FeedForwardClassifier is expecting 6"
    with pytest.raises(ValueError, match=msg):
        net_fit.predict(X[:, :5])


def test_single_class_is_refused(data):
    X, _ = data
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 'joy'"):
        FeedForwardClassifier(**FAST).fit(X, np.full(len(X), "joy"))


def test_regression_target_is_refused(data):
    X, _ = data
    with pytest.raises(ValueError, match="Unknown label type"):
        FeedForwardClassifier(**FAST).fit(X, np.linspace(0, 1, len(X)))


def test_not_fitted(data):
    X, _ = data
    clf = FeedForwardClassifier()
    for method in (clf.predict, clf.predict_proba):
        with pytest.raises(NotFittedError, match="FeedForwardClassifier instance is not fitted"):
            method(X)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"validation_fraction": 1.5}, "'validation_fraction' parameter of FeedForwardClassifier"),
        ({"class_weight": "balance"}, "'class_weight' parameter"),
        ({"progress_bar": "yes"}, "'progress_bar' parameter"),
        ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter"),
    ],
)
def test_invalid_parameters_are_refused_at_fit(data, params, match):
    X, y = data
    clf = FeedForwardClassifier(**params)  # __init__ accepts anything
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


# --------------------------------------------------------------------------- multi-label
@pytest.fixture(scope="module")
def multilabel_data():
    X, Y = make_multilabel_classification(
        n_samples=200, n_features=8, n_classes=4, n_labels=2, random_state=0
    )
    return StandardScaler().fit_transform(X).astype(np.float32), Y


@pytest.fixture(scope="module")
def multilabel_fit(multilabel_data):
    X, Y = multilabel_data
    return FeedForwardClassifier(random_state=0, early_stopping=False, **FAST).fit(X, Y)


def test_multilabel_indicator_target(multilabel_fit, multilabel_data):
    X, Y = multilabel_data
    clf = multilabel_fit
    assert clf.multilabel_ and clf.classes_.tolist() == [0, 1, 2, 3]
    assert isinstance(clf.criterion_, torch.nn.BCEWithLogitsLoss) and clf.module_.output_dim == 4
    proba = clf.predict_proba(X)
    assert proba.shape == (200, 4) and proba.dtype == np.float32
    assert ((proba > 0) & (proba < 1)).all() and not np.allclose(proba.sum(axis=1), 1)
    # a sigmoid of the logits, not a softmax
    with torch.no_grad():
        logits = clf.module_(torch.as_tensor(X))
    np.testing.assert_allclose(proba, torch.sigmoid(logits).numpy(), rtol=1e-6)
    pred = clf.predict(X)
    assert pred.dtype == np.int64 and np.array_equal(pred, (proba >= 0.5).astype(np.int64))
    assert (pred == Y).mean() > 0.75  # hamming accuracy; the data set is noisy
    assert clf.score(X, Y) == np.mean((pred == Y).all(axis=1))  # subset accuracy


def test_multilabel_threshold_and_list_of_lists(multilabel_fit, multilabel_data):
    X, Y = multilabel_data
    strict = clone(multilabel_fit).set_params(threshold=0.9).fit(X, Y.tolist())
    assert np.array_equal(strict.predict_proba(X), multilabel_fit.predict_proba(X))
    assert strict.predict(X).sum() < multilabel_fit.predict(X).sum()


def test_multilabel_class_names_and_weights(multilabel_data):
    X, Y = multilabel_data
    names = ["joy", "anger", "fear", "love"]
    clf = FeedForwardClassifier(classes=names, class_weight="balanced", random_state=0,
                                **{**FAST, "max_epochs": 1}).fit(X, Y)
    assert clf.classes_.tolist() == names
    positives = Y.sum(axis=0)
    np.testing.assert_allclose(clf.criterion_.pos_weight.numpy(), (200 - positives) / positives,
                               rtol=1e-6)
    assert clf.label_encoder_.inverse_transform(Y[:1])[0] == tuple(np.array(names)[Y[0] == 1])
    clf.set_params(class_weight="balanced_sqrt").fit(X, Y)
    np.testing.assert_allclose(clf.criterion_.pos_weight.numpy(),
                               np.sqrt((200 - positives) / positives), rtol=1e-6)

    clf.set_params(class_weight={"fear": 4.0}).fit(X, Y)
    assert clf.criterion_.pos_weight.tolist() == [1.0, 1.0, 4.0, 1.0]
    with pytest.raises(ValueError, match="class_weight names labels \\['sad'\\]"):
        clf.set_params(class_weight={"sad": 2.0}).fit(X, Y)
    with pytest.raises(ValueError, match="'classes' must name the 4 columns"):
        clf.set_params(class_weight=None, classes=["a", "b"]).fit(X, Y)


def test_multilabel_early_stopping_uses_a_shuffled_split(multilabel_data):
    X, Y = multilabel_data
    clf = FeedForwardClassifier(random_state=0, **FAST).fit(X, Y)
    assert "valid_acc" in clf.history[-1]  # subset accuracy on the held-out 10%
    assert sum(clf.history[-1, "batches", :, "train_batch_size"]) == 180


def test_multilabel_other_criterion_is_kept_and_still_gets_a_sigmoid(multilabel_data):
    X, Y = multilabel_data
    clf = FeedForwardClassifier(criterion=torch.nn.MultiLabelSoftMarginLoss, random_state=0,
                                **{**FAST, "max_epochs": 2}).fit(X, Y)
    assert isinstance(clf.criterion_, torch.nn.MultiLabelSoftMarginLoss)
    # it takes no pos_weight: the default class_weight gives way, a chosen one would not
    assert clf.class_weight == "balanced_sqrt" and clf.class_weight_ is None
    proba = clf.predict_proba(X)
    assert ((proba > 0) & (proba < 1)).all() and proba.shape == (200, 4)


def test_multiclass_multioutput_and_switching_target_kinds_are_refused(multilabel_data):
    X, Y = multilabel_data
    with pytest.raises(ValueError, match="multiclass-multioutput"):
        FeedForwardClassifier(**FAST).fit(X, Y * 3 - Y[:, :1])
    with pytest.raises(ValueError, match="indicator matrix must hold 0 and 1; got \\[0, 2\\]"):
        FeedForwardClassifier(**FAST).fit(X, Y * 2)
    clf = FeedForwardClassifier(early_stopping=False, **{**FAST, "max_epochs": 1})
    clf.partial_fit(X, Y)
    with pytest.raises(ValueError, match="fitted on a multi-label target and got a single"):
        clf.partial_fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="fitted on 4 labels; y has 3 columns"):
        clf.partial_fit(X, Y[:, :3])


@requires_glove
@pytest.mark.filterwarnings("ignore::sklearn_emotion.exceptions.EmotionWarning")  # empty texts
def test_goemotions_28_labels_on_glove_mean_features():
    texts, Y = load_goemotions(labels="original", multilabel=True, return_X_y=True)
    texts, Y = texts[:400], Y[:400]
    features = WordVectorizer("glove-6b-50d").fit_transform(texts)
    clf = FeedForwardClassifier(class_weight="balanced", random_state=0, verbose=0,
                                module__hidden_dims=(32,), max_epochs=10).fit(features, Y)
    assert clf.multilabel_ and clf.classes_.tolist() == list(range(28))
    pred = clf.predict(features)
    assert pred.shape == (400, 28) and pred.dtype == np.int64
    # balanced pos_weight makes rare labels predicted at all
    assert pred.sum(axis=0).astype(bool).sum() > 5
