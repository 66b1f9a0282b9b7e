"""Inputs of the two composite estimators, as the text-aware common checks ask (issue 16).

ModalityUnion refuses ``None`` and sample-less input in the library's words before its
column transformers see it (TfidfVectorizer said "empty vocabulary"); the
PerLabelThresholdClassifier refuses ``X=None`` (sklearn said "Expected sequence or
array-like") and reports its estimator's ``feature_names_in_``, as scikit-learn's
meta-estimators do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_emotion.exceptions import InvalidInputError, InvalidInputTypeError
from sklearn_emotion.multilabel import PerLabelThresholdClassifier
from sklearn_emotion.multimodal import ModalityUnion
from sklearn_emotion.testing import sample_texts

TEXTS, _ = sample_texts(per_class=1)


def _union():
    return ModalityUnion([("text", TfidfVectorizer(), "text"),
                          ("audio", StandardScaler(), ["pitch"])])


def _frame(n=len(TEXTS)):
    return pd.DataFrame({"text": TEXTS[:n], "pitch": np.linspace(100.0, 300.0, n)})


@pytest.mark.parametrize("empty", [
    _frame(0), {"text": [], "pitch": []}, [],
], ids=["DataFrame", "dict of columns", "list of records"])
def test_modality_union_refuses_empty_input(empty):
    with pytest.raises(InvalidInputError, match="ModalityUnion got X with no samples"):
        _union().fit(empty)
    union = _union().fit(_frame())
    with pytest.raises(InvalidInputError, match="ModalityUnion got X with no samples"):
        union.transform(empty)


def test_modality_union_refuses_none():
    with pytest.raises(InvalidInputTypeError, match="ModalityUnion expects X as a DataFrame"):
        _union().fit(None)
    union = _union().fit(_frame())
    with pytest.raises(InvalidInputTypeError, match="got None"):
        union.transform(None)
    with pytest.raises(InvalidInputTypeError, match="got int"):  # was a plain TypeError
        union.transform(3)


def test_modality_union_empty_dict_names_the_missing_columns():
    """No columns at all is a missing column, not an empty input."""
    with pytest.raises(InvalidInputError, match="reads the column 'text'"):
        _union().fit({})


def _multilabel(n=24):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)


def test_per_label_threshold_classifier_refuses_none():
    X, Y = _multilabel()
    with pytest.raises(InvalidInputTypeError, match="PerLabelThresholdClassifier expects X"):
        PerLabelThresholdClassifier(RidgeClassifier(), cv=2).fit(None, Y)
    model = PerLabelThresholdClassifier(RidgeClassifier(), cv=2).fit(X, Y)
    for method in ("predict", "predict_labels", "decision_function"):
        with pytest.raises(InvalidInputTypeError, match="got None"):
            getattr(model, method)(None)


def test_per_label_threshold_classifier_reports_feature_names():
    X, Y = _multilabel()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = PerLabelThresholdClassifier(RidgeClassifier(), cv=2).fit(frame, Y)
    assert model.feature_names_in_.tolist() == ["a", "b", "c"]
    assert model.n_features_in_ == 3
    model.fit(X, Y)  # a refit on an array forgets them, as the estimator does
    assert not hasattr(model, "feature_names_in_") and model.n_features_in_ == 3
    assert not hasattr(PerLabelThresholdClassifier(RidgeClassifier()), "feature_names_in_")


def test_per_label_threshold_classifier_on_texts_has_no_feature_names():
    """A text pipeline reports no column names (its vectorizer has none)."""
    texts, labels = sample_texts(per_class=4)
    Y = np.column_stack([labels == "joy", labels != "joy"]).astype(int)
    pipe = make_pipeline(TfidfVectorizer(), OneVsRestClassifier(RidgeClassifier()))
    model = PerLabelThresholdClassifier(pipe, cv=2).fit(texts, Y)
    assert not hasattr(model, "feature_names_in_")
    assert model.predict(texts[:3]).shape == (3, 2)
