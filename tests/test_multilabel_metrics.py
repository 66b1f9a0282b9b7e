"""Multi-label evaluation: emotion_report (micro/macro, thresholds) and the per-label picture."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import multilabel_confusion_matrix, precision_recall_fscore_support

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.metrics import emotion_report, plot_multilabel_confusion_matrix


@pytest.fixture(scope="module")
def predictions():
    """Real GoEmotions multi-label truth (28 labels) and a noisy copy as predictions."""
    bunch = load_goemotions("test", labels="original", multilabel=True)
    Y = bunch.target[:800]
    rng = np.random.RandomState(0)
    flip = rng.uniform(size=Y.shape) < 0.03
    return Y, np.where(flip, 1 - Y, Y), list(bunch.target_names)


def test_report_matches_sklearn(predictions):
    Y, P, names = predictions
    thresholds = np.linspace(0.1, 0.6, len(names))
    report = emotion_report(Y, P, labels=names, thresholds=thresholds)
    assert report.multilabel and report.labels == names
    for average in ("micro", "macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(Y, P, average=average, zero_division=0)
        assert (getattr(report, f"{average}_precision"), getattr(report, f"{average}_recall"),
                getattr(report, f"{average}_f1")) == pytest.approx((p, r, f))
    p, r, f, s = precision_recall_fscore_support(Y, P, average=None, zero_division=0)
    np.testing.assert_allclose(report.per_class["f1"], f)
    np.testing.assert_array_equal(report.per_class["support"], Y.sum(axis=0))
    np.testing.assert_allclose(report.per_class["threshold"], thresholds)
    assert report.accuracy == pytest.approx((Y == P).all(axis=1).mean())  # exact match


def test_report_text_and_dict(predictions):
    Y, P, names = predictions
    report = emotion_report(Y, P, labels=names, thresholds=[0.5] * len(names))
    text = str(report)
    for word in ("threshold", "micro avg", "macro avg", "exact match", "grief", "neutral"):
        assert word in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["multilabel"] is True and data["micro_f1"] == pytest.approx(report.micro_f1)
    assert data["per_class"]["grief"]["threshold"] == 0.5
    # single-label reports are unchanged: no micro averages, no threshold column
    single = emotion_report(["joy", "fear"], ["joy", "joy"])
    assert single.micro_f1 is None and "micro_f1" not in single.to_dict()
    assert "threshold" not in str(single)


def test_report_refuses_misfit_thresholds(predictions):
    Y, P, names = predictions
    with pytest.raises(InvalidInputError, match="one decision threshold per label"):
        emotion_report(Y, P, labels=names, thresholds=[0.5, 0.5])
    with pytest.raises(InvalidInputError, match="single-label input"):
        emotion_report(["joy", "fear"], ["joy", "joy"], thresholds=[0.5, 0.5])


def test_one_panel_per_label(predictions):
    Y, P, names = predictions
    fig = plot_multilabel_confusion_matrix(Y, P, labels=names, normalize=None)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 28 and len(fig.axes) == 30  # 5 rows of 6, two left blank
    expected = multilabel_confusion_matrix(Y, P)
    for k, ax in enumerate(panels):
        assert ax.get_title().startswith(names[k] + "\n")
        np.testing.assert_array_equal(ax.images[0].get_array(), expected[k])
    shares = plot_multilabel_confusion_matrix(Y, P, labels=names, n_cols=7)
    rows = shares.axes[0].images[0].get_array().sum(axis=1)
    np.testing.assert_allclose(rows, 1.0)  # normalize="true": each true row sums to 1
    assert len(shares.axes) == 28


def test_picture_refuses_single_label():
    with pytest.raises(InvalidInputError, match="Use plot_confusion_matrix"):
        plot_multilabel_confusion_matrix(["joy", "fear"], ["joy", "joy"])
