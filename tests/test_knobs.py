"""The networks' tunable settings are first-class estimator parameters."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import sklearn_emotion.io
from sklearn_emotion.estimators import (
    FeedForwardClassifier,
    FusionClassifier,
    LSTMClassifier,
    TransformerClassifier,
)
from sklearn_emotion.nn import FusionNet, LSTMNet, MLPNet, TransformerNet

pytestmark = pytest.mark.usefixtures("one_torch_thread")

KNOBS = [
    (FeedForwardClassifier, MLPNet, {"hidden_dims", "dropout", "activation"}),
    (LSTMClassifier, LSTMNet, {"hidden_size", "num_layers", "bidirectional", "cell", "pooling",
                               "dropout", "freeze_embeddings"}),
    (FusionClassifier, FusionNet, {"hidden_dim", "branch_layers", "dropout", "fusion",
                                   "head_dims", "n_heads"}),
    (TransformerClassifier, TransformerNet, {"pooling", "dropout"}),
]
QUIET = {"max_epochs": 2, "random_state": 0, "progress_bar": False}


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 6)).astype("float32")
    y = np.where(X[:, 0] + X[:, 1] > 0, "joy", "anger")
    return X, y


def _defaults(factory):
    return {name: p.default for name, p in inspect.signature(factory).parameters.items()}


@pytest.mark.parametrize("cls, module, knobs", KNOBS, ids=lambda v: getattr(v, "__name__", ""))
def test_knobs_are_parameters_with_the_modules_defaults(cls, module, knobs):
    params = cls().get_params()
    assert knobs <= set(params)
    assert set(cls._module_params) == knobs
    module_defaults = _defaults(module)
    for name in knobs:
        assert params[name] == module_defaults[name], name
        assert f"\n    {name} : " in cls.__doc__, f"{name} is not documented"


@pytest.mark.parametrize("cls, module, knobs", KNOBS, ids=lambda v: getattr(v, "__name__", ""))
def test_knobs_are_forwarded_to_the_module(cls, module, knobs):
    changed = {"hidden_dims": (7,), "activation": "tanh", "dropout": 0.05, "hidden_size": 5,
               "num_layers": 2, "bidirectional": True, "cell": "gru", "pooling": "max",
               "freeze_embeddings": True, "hidden_dim": 8, "branch_layers": 2,
               "fusion": "gated", "head_dims": (4,), "n_heads": 2}
    if cls is TransformerClassifier:
        changed["pooling"] = "cls"
    clf = cls(**{k: changed[k] for k in knobs})
    assert clf._module_kwargs() == {k: changed[k] for k in knobs}


def test_feedforward_network_follows_its_parameters(data):
    X, y = data
    clf = FeedForwardClassifier(hidden_dims=(7, 3), activation="tanh", **QUIET).fit(X, y)
    linear = [m for m in clf.module_.modules() if isinstance(m, torch.nn.Linear)]
    assert [m.out_features for m in linear] == [7, 3, 2]
    assert any(isinstance(m, torch.nn.Tanh) for m in clf.module_.modules())


def test_lstm_network_follows_its_parameters(data):
    X, y = data
    clf = LSTMClassifier(hidden_size=5, bidirectional=True, cell="gru", **QUIET).fit(X, y)
    rnn = clf.module_.rnn
    assert isinstance(rnn, torch.nn.GRU) and rnn.bidirectional and rnn.hidden_size == 5


def test_fusion_network_follows_its_parameters(data):
    X, y = data
    Xd = {"text": X[:, :4], "audio": X[:, 4:]}
    clf = FusionClassifier(hidden_dim=8, fusion="gated", **QUIET).fit(Xd, y)
    assert clf.module_.fusion == "gated" and hasattr(clf.module_, "gate")
    assert clf.module_.branches["text"][0].out_features == 8


def test_defaults_train_exactly_as_the_module_defaults(data):
    # the knobs' defaults are the module's: a default fit equals one that spells them out
    X, y = data
    default = FeedForwardClassifier(**QUIET).fit(X, y).predict_proba(X)
    spelled = FeedForwardClassifier(
        module__hidden_dims=(256,), module__dropout=0.2, module__activation="relu", **QUIET
    ).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(default, spelled)


def test_module_prefix_still_works_and_conflicts_are_refused(data):
    X, y = data
    clf = FeedForwardClassifier(module__hidden_dims=(5,), **QUIET).fit(X, y)
    assert clf.module_.hidden_dims == (5,)
    with pytest.raises(ValueError, match="set only hidden_dims"):
        FeedForwardClassifier(hidden_dims=(4,), module__hidden_dims=(5,), **QUIET).fit(X, y)
    with pytest.raises(ValueError, match="set only hidden_dims"):
        FeedForwardClassifier(module__hidden_dims=(5,)).set_params(hidden_dims=(4,))


@pytest.mark.parametrize("key, hint", [
    ("module__hiden_dims", "Did you mean 'hidden_dims'"),
    ("hiden_dims", "Did you mean 'hidden_dims'"),
    ("modul__hidden_dims", "Did you mean 'hidden_dims'"),  # the first-class name
    ("optimizer__momentun", "AdamW takes no argument 'momentun'"),
    ("criterion__weigth", "CrossEntropyLoss takes no argument 'weigth'"),
])
def test_set_params_typo_fails_at_once_with_the_valid_names(key, hint):
    clf = FeedForwardClassifier()
    with pytest.raises(ValueError, match=f"Invalid parameter '{key}'") as error:
        clf.set_params(**{key: 1})
    message = str(error.value)
    assert hint in message and "Valid parameters are: [" in message and "'dropout'" in message


def test_arguments_of_the_multilabel_loss_are_accepted():
    # a multi-label y trains the default CrossEntropyLoss as BCEWithLogitsLoss
    clf = FeedForwardClassifier().set_params(criterion__pos_weight=None, optimizer__lr=0.1)
    assert clf.criterion__pos_weight is None


def test_typo_given_to_the_constructor_fails_at_fit_with_the_same_message(data):
    X, y = data
    with pytest.raises(ValueError, match="Invalid parameter 'module__hiden_dims'"):
        FeedForwardClassifier(module__hiden_dims=(4,), **QUIET).fit(X, y)


def test_invalid_knob_values_fail_with_sklearns_message(data):
    X, y = data
    with pytest.raises(ValueError, match="'dropout' parameter of FeedForwardClassifier"):
        FeedForwardClassifier(dropout=1.5, **QUIET).fit(X, y)
    with pytest.raises(ValueError, match="'cell' parameter of LSTMClassifier"):
        LSTMClassifier(cell="rnn", **QUIET).fit(X, y)


class _TinyNet(torch.nn.Module):
    def __init__(self, input_dim=None, output_dim=None):
        super().__init__()
        self.linear = torch.nn.Linear(input_dim, output_dim)

    def forward(self, X):
        return self.linear(X)


def test_a_changed_knob_the_module_does_not_take_is_an_error(data):
    X, y = data
    FeedForwardClassifier(module=_TinyNet, **QUIET).fit(X, y)  # defaults: not passed
    with pytest.raises(ValueError, match="_TinyNet takes no argument 'hidden_dims'"):
        FeedForwardClassifier(module=_TinyNet, hidden_dims=(3,), **QUIET).fit(X, y)


def test_grid_search_over_the_knobs_in_pipelines(data):
    X, y = data
    ff = GridSearchCV(make_pipeline(FeedForwardClassifier(**QUIET)),
                      {"feedforwardclassifier__hidden_dims": [(4,), (8, 4)]}, cv=2).fit(X, y)
    assert ff.best_params_["feedforwardclassifier__hidden_dims"] in [(4,), (8, 4)]
    net = ff.best_estimator_[-1].module_
    assert net.hidden_dims == ff.best_params_["feedforwardclassifier__hidden_dims"]
    as_sequences = FunctionTransformer(lambda Z: Z.reshape(len(Z), 3, 2))
    lstm = GridSearchCV(make_pipeline(as_sequences, LSTMClassifier(hidden_size=4, **QUIET)),
                        {"lstmclassifier__bidirectional": [False, True]}, cv=2).fit(X, y)
    assert len(lstm.cv_results_["params"]) == 2
    assert np.isfinite(lstm.cv_results_["mean_test_score"]).all()
    best = lstm.best_estimator_[-1]
    assert best.module_.rnn.bidirectional == lstm.best_params_["lstmclassifier__bidirectional"]


def test_clone_keeps_the_knobs():
    clf = LSTMClassifier(hidden_size=9, cell="gru")
    assert clone(clf).get_params(deep=False) == clf.get_params(deep=False)
    assert repr(clone(clf)) == "LSTMClassifier(cell='gru', hidden_size=9)"


def test_model_file_round_trip_keeps_the_knobs_and_skorch_settings(data, tmp_path):
    X, y = data
    clf = FeedForwardClassifier(hidden_dims=(6,), activation="gelu",
                                iterator_train__shuffle=False, **QUIET).fit(X, y)
    path = sklearn_emotion.io.save(clf, tmp_path / "model.skem")
    loaded = sklearn_emotion.io.load(path)
    assert repr(loaded) == repr(clf)
    assert loaded.module_.hidden_dims == (6,)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
