"""Multi-label targets in the estimator base: label lists, class weights, the suite."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from conftest import requires_minilm
from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.estimators import (
    FeedForwardClassifier,
    LSTMClassifier,
    TransformerClassifier,
)
from sklearn_emotion.multilabel import PerLabelThresholdClassifier

FAST = {"module__hidden_dims": (32,), "lr": 1e-2, "max_epochs": 8, "verbose": 0,
        "progress_bar": False, "random_state": 0}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small nets on a shared machine: one thread is fastest
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def features():
    """Real GoEmotions comments (Ekman, multi-label) as 64 TF-IDF/SVD features."""
    bunch = load_goemotions("validation", labels="ekman", multilabel=True)
    X = make_pipeline(TfidfVectorizer(min_df=2), TruncatedSVD(64, random_state=0)).fit_transform(
        bunch.data[:1200])
    Y = bunch.target[:1200]
    names = np.array(bunch.target_names)
    lists = [list(names[row == 1]) for row in Y]
    return X.astype(np.float32), Y, lists, list(bunch.target_names)


def test_label_lists_train_like_the_sorted_indicator(features):
    X, Y, lists, names = features
    X, Y, lists = X[:400], Y[:400], lists[:400]
    from_lists = FeedForwardClassifier(**{**FAST, "max_epochs": 3}).fit(X, lists)
    assert from_lists.multilabel_ and from_lists.classes_.tolist() == sorted(names)
    order = np.argsort(names)
    from_matrix = FeedForwardClassifier(**{**FAST, "max_epochs": 3}).fit(X, Y[:, order])
    np.testing.assert_array_equal(from_lists.predict_proba(X), from_matrix.predict_proba(X))
    proba = from_lists.predict_proba(X[:5])
    assert proba.shape == (5, 7) and ((proba > 0) & (proba < 1)).all()
    pred = from_lists.predict(X[:5])
    assert pred.shape == (5, 7) and pred.dtype == np.int64
    back = from_lists.label_encoder_.inverse_transform(pred)
    assert all(set(labels) <= set(names) for labels in back)
    assert from_lists.score(X, lists) == from_matrix.score(X, Y[:, order])


def test_label_lists_with_given_classes_keep_their_order(features):
    X, _, lists, names = features
    clf = FeedForwardClassifier(classes=names + ["grief"], **{**FAST, "max_epochs": 1})
    clf.fit(X, lists)
    assert clf.classes_.tolist() == names + ["grief"]  # a label without examples is allowed
    with pytest.raises(ValueError, match=r"y names labels \['love'\] that are not among"):
        clf.partial_fit(X[:2], [["joy"], ["love"]])
    with pytest.raises(ValueError, match=r"y names labels \['love'\]"):
        FeedForwardClassifier(classes=names, **FAST).fit(X[:3], [["joy"], ["love"], []])


def test_empty_label_sets_are_all_zero_rows(features):
    X, _, lists, _ = features
    lists = [[] if i % 3 == 0 else labels for i, labels in enumerate(lists)]
    clf = FeedForwardClassifier(**{**FAST, "max_epochs": 1}).fit(X, lists)
    Y = clf.label_encoder_.transform(lists)
    assert (Y[::3] == 0).all() and Y.shape == (len(X), 7)


def test_balanced_class_weight_changes_the_loss_value(features):
    X, Y, _, _ = features
    plain = FeedForwardClassifier(class_weight=None, **{**FAST, "max_epochs": 1}).fit(X, Y)
    balanced = clone(plain).set_params(class_weight="balanced").fit(X, Y)
    positives = Y.sum(axis=0)
    pos_weight = (len(Y) - positives) / positives
    np.testing.assert_allclose(balanced.criterion_.pos_weight.numpy(), pos_weight, rtol=1e-6)
    logits = torch.zeros(len(Y), Y.shape[1])  # sigmoid 0.5 everywhere: log 2 per term
    target = torch.as_tensor(Y, dtype=torch.float32)
    loss_plain = float(plain.get_loss(logits, target))
    loss_balanced = float(balanced.get_loss(logits, target))
    assert loss_plain == pytest.approx(np.log(2), rel=1e-6)
    # positives count pos_weight times: mean over cells of (1 + (w - 1) y) log 2
    expected = np.log(2) * np.mean(1 + (pos_weight - 1) * Y)
    assert loss_balanced == pytest.approx(expected, rel=1e-5) and loss_balanced > 1.5 * loss_plain


def test_lstm_classifier_learns_label_lists(features):
    X, _, lists, names = features
    clf = LSTMClassifier(module__hidden_size=8, max_epochs=2, verbose=0, progress_bar=False,
                         random_state=0).fit(X[:300], lists[:300])
    assert clf.classes_.tolist() == sorted({label for ls in lists[:300] for label in ls})
    assert clf.predict_proba(X[:4]).shape == (4, len(clf.classes_))


def test_meta_estimator_around_a_suite_pipeline():
    bunch = load_goemotions("validation", labels="ekman", multilabel=True)
    names = np.array(bunch.target_names)
    texts = bunch.data[:900]
    lists = [list(names[row == 1]) for row in bunch.target[:900]]
    pipeline = make_pipeline(
        TfidfVectorizer(min_df=2), TruncatedSVD(48, random_state=0),
        FeedForwardClassifier(**{**FAST, "max_epochs": 4}),
    )
    clf = PerLabelThresholdClassifier(pipeline, cv=0.25, random_state=0, refit=False)
    clf.fit(texts, lists)
    assert clf.classes_.tolist() == sorted(names)  # the meta-estimator's label names
    assert clf.estimator_[-1].multilabel_ and clf.thresholds_.shape == (7,)
    assert (clf.predict(bunch.data[900:950]).sum(axis=1) >= 1).all()


@requires_minilm
@pytest.mark.slow
def test_transformer_classifier_fine_tunes_on_label_lists():
    bunch = load_goemotions("validation", labels="ekman", multilabel=True)
    names = np.array(bunch.target_names)
    texts = bunch.data[:48]
    lists = [list(names[row == 1]) for row in bunch.target[:48]]
    clf = TransformerClassifier(max_epochs=1, max_length=24, batch_size=16, warmup_steps=0,
                                class_weight="balanced", verbose=0, progress_bar=False,
                                device="cpu", random_state=0).fit(texts, lists)
    labels = sorted({label for ls in lists for label in ls})
    assert clf.multilabel_ and clf.classes_.tolist() == labels
    assert isinstance(clf.criterion_, torch.nn.BCEWithLogitsLoss)
    assert clf.criterion_.pos_weight.shape == (len(labels),)
    proba = clf.predict_proba(texts[:5])
    assert proba.shape == (5, len(labels)) and ((proba > 0) & (proba < 1)).all()
    assert clf.predict(texts[:5]).shape == (5, len(labels))
