"""``sample_weight`` in ``fit``: the loss, the validation split, class weights, routing.

The equivalence tests train with settings that make an integer weight and that many
copies of a row the same computation: one full batch (``batch_size=-1``, so shuffling
and batch composition play no part), no dropout (its random masks depend on the number
of rows), no early-stopping split (a split of duplicated rows holds out other rows)
and a fixed seed. The losses are then equal up to the order of float32 summation, so
the probabilities agree to 1e-5 (they differ by about 1e-7 in practice); ignoring the
weights changes them by far more than that (checked in each test).
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import AdaBoostClassifier
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import has_fit_parameter
from torch.utils.data import Subset
from conftest import save_tiny_bert

from sklearn_emotion.estimators import (
    FeedForwardClassifier,
    FusionClassifier,
    LSTMClassifier,
    TransformerClassifier,
)
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.multilabel import PerLabelThresholdClassifier

pytestmark = pytest.mark.usefixtures("one_torch_thread")

ATOL = 1e-5  # float32 summation order only; see the module docstring


class LinearNet(torch.nn.Module):
    """A dropout-free linear model: the sizes are filled in by the estimator."""

    def __init__(self, input_dim=None, output_dim=None):
        super().__init__()
        self.linear = torch.nn.Linear(input_dim, output_dim)

    def forward(self, X):
        return self.linear(X)


EXACT = {"batch_size": -1, "early_stopping": False, "random_state": 0}


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 6)).astype(np.float32)
    y = np.array(["anger", "joy", "sadness"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    weights = rng.randint(0, 4, size=len(y))
    weights[:3] = [1, 2, 3]  # every class keeps a row with a positive weight
    return X, y, weights


def _no_dropout(est):
    """Dropout off, through the estimator's own knob or its module's argument."""
    key = "dropout" if "dropout" in est.get_params() else "module__dropout"
    return est.set_params(**{key: 0.0})


def _assert_same_model(a, b, X):
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=ATOL)


def _assert_different_model(a, b, X):
    assert np.abs(a.predict_proba(X) - b.predict_proba(X)).max() > 100 * ATOL


# ------------------------------------------------------------------ the API
@pytest.mark.parametrize("cls", [FeedForwardClassifier, LSTMClassifier, FusionClassifier,
                                 TransformerClassifier, PerLabelThresholdClassifier])
def test_fit_has_a_sample_weight_parameter(cls):
    assert has_fit_parameter(cls, "sample_weight")


def test_tfidf_baseline_has_a_sample_weight_parameter():
    tfidf = pytest.importorskip("sklearn_emotion_tfidf_baseline")
    assert has_fit_parameter(tfidf.TfidfBaselineClassifier, "sample_weight")


@pytest.mark.parametrize("weights, match", [
    ([1.0, 2.0], r"sample_weight.shape == \(2,\), expected \(60,\)"),
    (-1.0, "Negative values in data passed to `sample_weight`"),
    (0.0, "at least one non-zero"),
    (np.nan, "NaN"),
])
def test_bad_weights_get_a_clear_error_before_training(data, weights, match):
    X, y, _ = data
    if np.ndim(weights) == 0:
        weights = np.full(len(y), weights)
    clf = FeedForwardClassifier(max_epochs=1)
    with pytest.raises(InvalidInputError, match=match):
        clf.fit(X, y, sample_weight=weights)
    assert not hasattr(clf, "classes_") or not clf.initialized_


# ------------------------------------------------------------- the training loss
@pytest.mark.parametrize("class_weight", [None, "balanced", "balanced_sqrt"])
def test_integer_weights_match_duplicated_rows(data, class_weight):
    X, y, weights = data
    clf = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=30, class_weight=class_weight,
                                **EXACT)
    weighted = clone(clf).fit(X, y, sample_weight=weights)
    repeated = clone(clf).fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    _assert_same_model(weighted, repeated, X)
    _assert_different_model(weighted, clone(clf).fit(X, y), X)  # the weights matter
    if class_weight is not None:  # class weights count the weighted samples
        np.testing.assert_allclose(weighted.class_weight_, repeated.class_weight_)


def test_weights_of_one_are_no_weights(data):
    X, y, _ = data
    clf = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=10, **EXACT)
    _assert_same_model(clone(clf).fit(X, y, sample_weight=np.ones(len(y))),
                       clone(clf).fit(X, y), X)


def test_multilabel_integer_weights_match_duplicated_rows(data):
    X, _, weights = data
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 2] > 1]).astype(int)
    clf = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=20, class_weight="balanced",
                                **EXACT)
    weighted = clone(clf).fit(X, Y, sample_weight=weights)
    repeated = clone(clf).fit(np.repeat(X, weights, axis=0), np.repeat(Y, weights, axis=0))
    _assert_same_model(weighted, repeated, X)
    np.testing.assert_allclose(weighted.class_weight_, repeated.class_weight_)


def _lstm_data(X):
    return X.reshape(len(X), 3, 2)  # 3 steps of 2 features


@pytest.mark.parametrize("name", ["FeedForward", "LSTM", "Fusion"])
@pytest.mark.parametrize("kind", ["zero weights drop rows", "integer weights repeat rows"])
def test_weights_match_dropping_or_repeating_rows(data, name, kind):
    X, y, weights = data
    keep = weights if kind == "integer weights repeat rows" else (weights > 0).astype(int)
    if name == "FeedForward":
        clf, Xs = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=20, **EXACT), X
    elif name == "LSTM":
        clf = _no_dropout(LSTMClassifier(lr=0.02, max_epochs=10, **EXACT))
        Xs = _lstm_data(X)
    else:  # two modalities; the standardization uses the weights too
        clf = _no_dropout(FusionClassifier(lr=0.02, max_epochs=10, **EXACT))
        Xs = {"text": X[:, :4], "audio": 3 * X[:, 4:] + 1}
    take = (lambda Z, rows: {k: v[rows] for k, v in Z.items()}) if name == "Fusion" else (
        lambda Z, rows: Z[rows])
    rows = np.repeat(np.arange(len(y)), keep)
    weighted = clone(clf).fit(Xs, y, sample_weight=keep.astype(float))
    dropped = clone(clf).fit(take(Xs, rows), y[rows])
    _assert_same_model(weighted, dropped, Xs)
    _assert_different_model(weighted, clone(clf).fit(Xs, y), Xs)


@pytest.mark.parametrize("name", ["FeedForward", "LSTM", "Fusion"])
def test_weights_decide_between_conflicting_labels(data, name):
    """Each row twice, once per label: the weights 9:1 decide what the model learns."""
    X, _, _ = data
    Xs = {"FeedForward": X, "LSTM": _lstm_data(X), "Fusion": {"a": X[:, :3], "b": X[:, 3:]}}
    make = {"FeedForward": FeedForwardClassifier, "LSTM": LSTMClassifier,
            "Fusion": FusionClassifier}[name]
    Z = Xs[name]
    both = ({k: np.concatenate([v, v]) for k, v in Z.items()} if name == "Fusion"
            else np.concatenate([Z, Z]))
    y = np.repeat(["joy", "sadness"], len(X))
    weights = np.repeat([9.0, 1.0], len(X))
    clf = make(lr=0.02, max_epochs=20, early_stopping=False, random_state=0)
    proba = clf.fit(both, y, sample_weight=weights).predict_proba(Z)[:, 0]
    assert proba.mean() > 0.75  # ignoring the weights gives 0.5


@pytest.mark.filterwarnings("ignore::sklearn_emotion.exceptions.EmotionWarning")  # truncation
def test_transformer_weights_ride_with_the_texts(tiny_bert, goemotions_texts):
    X, _ = goemotions_texts
    y = np.repeat(["joy", "sadness"], len(X))
    texts = list(X) + list(X)
    weights = np.repeat([9.0, 1.0], len(X))
    settings = {"max_length": 32, "lr": 1e-2, "warmup_steps": 0, "device": "cpu",
                "max_epochs": 3, "random_state": 0}
    clf = TransformerClassifier(tiny_bert, **settings)
    proba = clf.fit(texts, y, sample_weight=weights).predict_proba(X)[:, 0]
    assert proba.mean() > 0.75  # ignoring the weights gives 0.5
    ones = TransformerClassifier(tiny_bert, **settings).fit(texts, y, sample_weight=np.ones(
        len(y)))
    plain = TransformerClassifier(tiny_bert, **settings).fit(texts, y)
    np.testing.assert_allclose(ones.predict_proba(X), plain.predict_proba(X), atol=1e-4)


@pytest.fixture(scope="module")
def goemotions_texts():
    from sklearn_emotion.datasets import load_goemotions

    X, y = load_goemotions(subset="train", return_X_y=True)
    return np.asarray(X[:20], dtype=object), np.asarray(y[:20])


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory, goemotions_texts):
    """A one-layer BERT with a tiny word-piece vocabulary, saved as a model folder."""
    pytest.importorskip("transformers")
    X, _ = goemotions_texts
    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), X, vocab_size=200)


# --------------------------------------------------------- the validation split
def test_validation_loss_is_weighted(data):
    X, y, weights = data
    train, valid = np.arange(40), np.arange(40, 60)

    def split(dataset, y=None, **_):  # a fixed split of the (weighted) data set
        return Subset(dataset, train), Subset(dataset, valid)

    clf = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=1, train_split=split,
                                class_weight=None, **{**EXACT, "early_stopping": False})
    clf.fit(X, y, sample_weight=weights)
    logits = clf.module_(torch.as_tensor(X[valid]))
    targets = torch.as_tensor(clf.label_encoder_.transform(y[valid]))
    losses = torch.nn.functional.cross_entropy(logits, targets, reduction="none").detach()
    w = torch.as_tensor(weights[valid], dtype=torch.float32)
    expected = float((w * losses).sum() / w.sum())
    assert clf.history[-1, "valid_loss"] == pytest.approx(expected, rel=1e-5)
    assert expected != pytest.approx(float(losses.mean()), rel=1e-3)


def test_early_stopping_split_keeps_the_weights(data):
    X, y, weights = data
    X, y, weights = np.tile(X, (3, 1)), np.tile(y, 3), np.tile(weights, 3)
    clf = FeedForwardClassifier(max_epochs=5, random_state=0, early_stopping=True)
    clf.fit(X, y, sample_weight=weights)
    assert np.isfinite(clf.history[:, "valid_loss"]).all()
    again = clone(clf).fit(X, y, sample_weight=weights)  # seeded: the same split
    assert clf.history[:, "valid_loss"] == again.history[:, "valid_loss"]
    other = clone(clf).fit(X, y)
    assert clf.history[0, "valid_loss"] != other.history[0, "valid_loss"]


def test_partial_fit_takes_weights(data):
    X, y, weights = data
    clf = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=5, **EXACT)
    first = clone(clf).partial_fit(X, y, sample_weight=weights)
    first.partial_fit(X, y, sample_weight=weights)
    twice = clone(clf).set_params(max_epochs=10).fit(X, y, sample_weight=weights)
    _assert_same_model(first, twice, X)


# ------------------------------------------------------- scikit-learn's routing
def test_metadata_routing_in_pipeline_cross_validate_and_grid_search(data):
    X, y, weights = data
    keep = weights > 0
    with sklearn.config_context(enable_metadata_routing=True):
        clf = FeedForwardClassifier(LinearNet, lr=0.05, max_epochs=20, **EXACT)
        clf.set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=True), clf)
        weighted = clone(pipe).fit(X, y, sample_weight=keep.astype(float))
        dropped = clone(pipe).fit(X[keep], y[keep])
        _assert_same_model(weighted, dropped, X)

        result = cross_validate(pipe, X, y, cv=KFold(3), params={"sample_weight": weights})
        assert np.isfinite(result["test_score"]).all()
        search = GridSearchCV(pipe, {"feedforwardclassifier__lr": [0.01, 0.05]}, cv=KFold(3))
        search.fit(X, y, sample_weight=weights)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_adaboost_boosts_a_network(data):
    X, y, _ = data
    ada = AdaBoostClassifier(FeedForwardClassifier(lr=0.02, max_epochs=10, random_state=0),
                             n_estimators=3, random_state=0).fit(X, y)
    assert ada.n_classes_ == 3 and list(ada.classes_) == ["anger", "joy", "sadness"]
    assert ada.score(X, y) > 0.8


# ------------------------------------------------------------ the other classifiers
def test_tfidf_baseline_weights_its_logistic_regression():
    tfidf = pytest.importorskip("sklearn_emotion_tfidf_baseline")
    texts = ["so happy today", "what a joy", "i am furious", "angry at you", "happy and angry"]
    y = np.array(["joy", "joy", "anger", "anger", "joy"])
    clf = tfidf.TfidfBaselineClassifier(min_df=1, class_weight=None)
    plain = clone(clf).fit(texts, y)
    ones = clone(clf).fit(texts, y, sample_weight=np.ones(5))
    np.testing.assert_allclose(ones.predict_proba(texts), plain.predict_proba(texts))
    weighted = clone(clf).fit(texts, y, sample_weight=[1, 1, 20, 20, 1])
    assert weighted.predict_proba(texts)[4, 0] > plain.predict_proba(texts)[4, 0]  # anger
    with sklearn.config_context(enable_metadata_routing=True):  # also with routing on
        clone(clf).set_fit_request(sample_weight=True).fit(texts, y, sample_weight=np.ones(5))


_FIT_WEIGHTS: list = []  # what every fit of a _WeightRecorder got (clone copies params)


class _WeightRecorder(ClassifierMixin, BaseEstimator):
    """A multi-label stand-in that records the weights of every fit."""

    def fit(self, X, Y, sample_weight=None):
        _FIT_WEIGHTS.append(None if sample_weight is None else np.asarray(sample_weight))
        self.n_labels_ = np.asarray(Y).shape[1]
        return self

    def predict_proba(self, X):
        return np.full((len(X), self.n_labels_), 0.5)


def test_per_label_threshold_classifier_passes_weights_to_every_fit():
    X = np.arange(24, dtype=float).reshape(12, 2)
    Y = np.tile([[1, 0], [0, 1], [1, 1]], (4, 1))
    weights = np.arange(1.0, 13.0)
    clf = PerLabelThresholdClassifier(_WeightRecorder(), cv=KFold(3))
    _FIT_WEIGHTS.clear()
    clf.fit(X, Y, sample_weight=weights)
    folds = [train for train, _ in KFold(3).split(X)]
    assert len(_FIT_WEIGHTS) == 4  # three folds and the refit on all rows
    for recorded, rows in zip(_FIT_WEIGHTS, folds + [np.arange(12)]):
        np.testing.assert_array_equal(recorded, weights[rows])
    _FIT_WEIGHTS.clear()
    clf.fit(X, Y)  # without weights the estimator is called as before
    assert _FIT_WEIGHTS == [None] * 4


def test_callbacks_see_the_unweighted_data(data):
    """skorch's uncached scoring reads X and y of the (weighted) validation split."""
    from skorch.callbacks import EpochScoring

    X, y, weights = data
    X, y, weights = np.tile(X, (3, 1)), np.tile(y, 3), np.tile(weights, 3)
    seen = []

    def n_valid(net, X_valid, y_valid):
        seen.append((len(X_valid), len(y_valid)))
        return 0.0

    scoring = EpochScoring(n_valid, name="n_valid", use_caching=False)
    clf = FeedForwardClassifier(max_epochs=2, random_state=0, callbacks=[("n", scoring)])
    clf.fit(X, y, sample_weight=weights)
    assert seen == [(18, 18)] * 2  # validation_fraction=0.1 of 180 rows
