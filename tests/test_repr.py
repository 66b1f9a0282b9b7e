"""scikit-learn's repr and HTML repr for the networks: only what differs from the defaults."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklearn_emotion.estimators import (
    FeedForwardClassifier,
    FusionClassifier,
    LSTMClassifier,
    TransformerClassifier,
)

NETS = [FeedForwardClassifier, LSTMClassifier, FusionClassifier, TransformerClassifier]
# skorch's own arguments (not in our signatures) that a user never set
SKORCH_DEFAULTS = ("iterator_train", "iterator_valid", "dataset", "callbacks", "warm_start",
                   "predict_nonlinearity", "compile", "use_caching", "torch_load_kwargs")


def test_repr_shows_only_the_changed_parameters():
    assert repr(FeedForwardClassifier(lr=0.01, max_epochs=2)) == (
        "FeedForwardClassifier(lr=0.01, max_epochs=2)"
    )


@pytest.mark.parametrize("cls", NETS, ids=lambda c: c.__name__)
def test_untouched_estimator_prints_bare(cls):
    assert repr(cls()) == f"{cls.__name__}()"  # TransformerClassifier loads nothing here


@pytest.mark.parametrize("cls", NETS, ids=lambda c: c.__name__)
def test_get_params_equals_the_signature_defaults(cls):
    # sklearn's repr compares get_params(deep=False) with the signature's defaults
    params = cls().get_params(deep=False)
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            assert repr(params[name]) == repr(parameter.default), name
    assert not set(SKORCH_DEFAULTS) & set(params)


def test_repr_in_a_pipeline_hides_skorch_defaults():
    text = repr(make_pipeline(FeedForwardClassifier(hidden_dims=(8,))))
    assert "FeedForwardClassifier(hidden_dims=(8,))" in text
    for name in SKORCH_DEFAULTS:
        assert name not in text


def test_what_the_user_set_through_kwargs_shows_and_survives_clone():
    clf = FeedForwardClassifier(iterator_train__shuffle=False, warm_start=True)
    assert repr(clf) == "FeedForwardClassifier(iterator_train__shuffle=False, warm_start=True)"
    cloned = clone(clf)
    assert repr(cloned) == repr(clf)
    assert cloned.warm_start is True and cloned.iterator_train__shuffle is False
    # a default skorch argument is still a parameter (grids and set_params reach it)
    assert "iterator_train" in clf.get_params(deep=True)


def test_transformer_default_optimizer_settings_are_not_shown():
    clf = TransformerClassifier(optimizer__weight_decay=0.1)
    assert repr(clf) == "TransformerClassifier(optimizer__weight_decay=0.1)"
    assert TransformerClassifier().get_params()["optimizer__weight_decay"] == 0.01


def test_repr_does_not_change_when_fitted():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3)).astype("float32")
    y = np.where(X[:, 0] > 0, "a", "b")
    clf = FeedForwardClassifier(hidden_dims=(4,), max_epochs=2, random_state=0)
    before = repr(clf)
    assert repr(clf.fit(X, y)) == before == (
        "FeedForwardClassifier(hidden_dims=(4,), max_epochs=2, random_state=0)"
    )


def test_html_repr_is_sklearns_diagram_with_the_changed_parameters():
    clf = FeedForwardClassifier(lr=0.01)
    html = clf._repr_html_()
    assert "sk-estimator" in html and "FeedForwardClassifier" in html
    assert "text/html" in clf._repr_mimebundle_()
    # the parameter table lists the signature, not skorch's callbacks' arguments
    assert "callbacks__print_log" not in html and "iterator_train" not in html
    assert "hidden_dims" in html
    pipeline_html = make_pipeline(clf)._repr_html_()
    assert "FeedForwardClassifier" in pipeline_html and "iterator_train" not in pipeline_html
