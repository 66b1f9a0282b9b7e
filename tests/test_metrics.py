"""Tests of sklearn_emotion.metrics: emotion_report and plot_confusion_matrix."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.metrics import EmotionReport, emotion_report, plot_confusion_matrix

EKMAN = ["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"]


@pytest.fixture(scope="module")
def predictions():
    """Real predictions: TF-IDF + logistic regression on a slice of GoEmotions (Ekman)."""
    X_train, y_train = load_goemotions("train", return_X_y=True)
    X_test, y_test = load_goemotions("test", return_X_y=True)
    model = make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(max_iter=200))
    model.fit(X_train[:4000], y_train[:4000])
    return y_test[:600], model.predict(X_test[:600])


def test_numbers_agree_with_sklearn(predictions):
    y_true, y_pred = predictions
    report = emotion_report(y_true, y_pred)
    assert isinstance(report, EmotionReport)
    assert report.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred))
    for average in ("macro", "weighted"):
        p, r, f, _ = skm.precision_recall_fscore_support(
            y_true, y_pred, average=average, zero_division=0
        )
        assert getattr(report, f"{average}_precision") == pytest.approx(p)
        assert getattr(report, f"{average}_recall") == pytest.approx(r)
        assert getattr(report, f"{average}_f1") == pytest.approx(f)
    f1 = skm.f1_score(y_true, y_pred, average="macro", zero_division=0)
    assert report.macro_f1 == pytest.approx(f1)
    expected = skm.classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    for label in report.labels:
        row = report.per_class.loc[label]
        assert row["precision"] == pytest.approx(expected[label]["precision"])
        assert row["recall"] == pytest.approx(expected[label]["recall"])
        assert row["f1"] == pytest.approx(expected[label]["f1-score"])
        assert row["support"] == expected[label]["support"]
    assert report.n_samples == 600


def test_per_class_rows(predictions):
    y_true, y_pred = predictions
    report = emotion_report(y_true, y_pred)
    assert report.labels == sorted(set(y_true) | set(y_pred))
    assert list(report.per_class.index) == report.labels
    assert list(report.per_class.columns) == ["precision", "recall", "f1", "support"]
    assert report.per_class["support"].sum() == len(y_true)
    assert report.per_class["support"].dtype == np.int64


def test_labels_select_and_order(predictions):
    y_true, y_pred = predictions
    report = emotion_report(y_true, y_pred, labels=EKMAN[::-1] + ["love"])
    assert list(report.per_class.index) == EKMAN[::-1] + ["love"]
    assert report.per_class.loc["love"].tolist() == [0, 0, 0, 0]
    subset = emotion_report(y_true, y_pred, labels=np.array(["joy", "neutral"]))
    assert subset.labels == ["joy", "neutral"] and all(type(x) is str for x in subset.labels)
    p = skm.precision_score(
        y_true, y_pred, labels=["joy", "neutral"], average="macro", zero_division=0
    )
    assert subset.macro_precision == pytest.approx(p)


def test_zero_division_is_zero():
    report = emotion_report(["joy", "joy", "fear"], ["joy", "joy", "joy"])
    assert report.per_class.loc["fear"].tolist()[:3] == [0.0, 0.0, 0.0]


def test_integer_labels_are_json_friendly():
    report = emotion_report(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 2]))
    assert report.labels == [0, 1, 2] and all(type(x) is int for x in report.labels)
    assert json.loads(json.dumps(report.to_dict()))["per_class"]["2"]["support"] == 2


def test_str_contains_labels_and_numbers(predictions):
    y_true, y_pred = predictions
    report = emotion_report(y_true, y_pred, digits=2)
    text = str(report)
    for label in report.labels:
        assert label in text
    names = ("precision", "recall", "f1-score", "support", "accuracy", "macro avg", "weighted avg")
    for name in names:
        assert name in text
    assert f"{report.macro_f1:.2f}" in text
    assert "600" in text
    assert "EmotionReport(accuracy=" in repr(report)


def test_to_dict_is_json_serialisable(predictions):
    y_true, y_pred = predictions
    report = emotion_report(y_true, y_pred)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["accuracy"] == pytest.approx(report.accuracy)
    assert set(data["per_class"]) == set(report.labels)
    assert data["per_class"]["joy"]["support"] == int(report.per_class.loc["joy", "support"])
    assert data["labels"] == report.labels
    assert all(type(v) is float for k, v in data.items() if k.startswith(("macro", "weighted")))


def test_rich_table(predictions):
    rich = pytest.importorskip("rich")
    from rich.console import Console

    y_true, y_pred = predictions
    report = emotion_report(y_true, y_pred)
    table = report.to_rich_table()
    assert isinstance(table, rich.table.Table)
    assert table.row_count == len(report.labels) + 3
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(report)  # goes through __rich__
    output = console.export_text()
    assert "weighted avg" in output and "joy" in output


def test_multilabel_indicator_input():
    Y = load_goemotions("test", labels="ekman", multilabel=True)
    Y_true = Y.target[:500]
    Y_pred = np.roll(Y_true, 1, axis=0)
    report = emotion_report(Y_true, Y_pred, labels=Y.target_names)
    assert report.labels == EKMAN
    f1 = skm.f1_score(Y_true, Y_pred, average=None, zero_division=0)
    np.testing.assert_allclose(report.per_class["f1"].to_numpy(), f1)
    assert report.accuracy == pytest.approx(skm.accuracy_score(Y_true, Y_pred))
    with pytest.raises(InvalidInputError, match="must name every column"):
        emotion_report(Y_true, Y_pred, labels=["joy"])


def test_works_with_dummy_classifier_and_pandas():
    data = load_goemotions("validation", as_frame=True)
    dummy = DummyClassifier(strategy="most_frequent").fit(data.data, data.target)
    y_pred = dummy.predict(data.data)
    report = emotion_report(data.target, y_pred)
    assert report.accuracy == pytest.approx((data.target == "joy").mean())


@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        (["joy", "fear"], ["joy"], "2 true labels but 1 predicted"),
        ([], [], "empty"),
        ("joy", "joy", "sequence of labels"),
        ([0.5, 1.5], [0.5, 1.5], "continuous"),
    ],
)
def test_bad_input_raises(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        emotion_report(y_true, y_pred)


def test_bad_labels_and_digits():
    with pytest.raises(InvalidInputError, match="duplicated"):
        emotion_report(["a", "b"], ["a", "b"], labels=["a", "a"])
    with pytest.raises(InvalidInputError, match="empty list of labels"):
        emotion_report(["a", "b"], ["a", "b"], labels=[])
    with pytest.raises(InvalidInputError, match="digits"):
        emotion_report(["a", "b"], ["a", "b"], digits=-1)


# --------------------------------------------------------------------------- plot


def _matrix(fig):
    return np.asarray(fig.axes[0].images[0].get_array())


def test_plot_saves_png(predictions, tmp_path):
    y_true, y_pred = predictions
    fig = plot_confusion_matrix(y_true, y_pred, labels=EKMAN)
    path = tmp_path / "cm.png"
    fig.savefig(path)
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == EKMAN
    assert [t.get_text() for t in ax.get_yticklabels()] == EKMAN
    assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"
    assert ax.get_title() == "Confusion matrix"
    assert ax.get_xticklabels()[0].get_rotation() == 45
    np.testing.assert_array_equal(_matrix(fig), skm.confusion_matrix(y_true, y_pred, labels=EKMAN))
    assert ax.texts[0].get_text().isdigit()


def test_plot_normalize_true_rows_sum_to_one(predictions):
    y_true, y_pred = predictions
    fig = plot_confusion_matrix(y_true, y_pred, normalize="true", title="Ekman")
    np.testing.assert_allclose(_matrix(fig).sum(axis=1), 1.0)
    assert fig.axes[0].get_title() == "Ekman"
    assert "." in fig.axes[0].texts[0].get_text()  # ".2f" values


def test_plot_normalize_pred_and_all(predictions):
    y_true, y_pred = predictions
    labels = sorted(set(y_pred))  # every column predicted at least once
    fig = plot_confusion_matrix(y_true, y_pred, labels=labels, normalize="pred")
    cols = _matrix(fig).sum(axis=0)
    np.testing.assert_allclose(cols, 1.0)
    total = _matrix(plot_confusion_matrix(y_true, y_pred, normalize="all")).sum()
    assert total == pytest.approx(1.0)


def test_plot_on_given_axes(predictions):
    from matplotlib.figure import Figure

    y_true, y_pred = predictions
    fig = Figure()
    ax = fig.add_subplot(1, 2, 2)
    assert plot_confusion_matrix(y_true, y_pred, ax=ax) is fig
    assert ax.images


def test_plot_bad_arguments():
    with pytest.raises(ValueError, match="'normalize' parameter of plot_confusion_matrix"):
        plot_confusion_matrix(["a"], ["a"], normalize="rows")
    with pytest.raises(InvalidInputError, match="plot_confusion_matrix got 2 true labels"):
        plot_confusion_matrix(["a", "b"], ["a"])
    with pytest.raises(InvalidInputError, match="one class label per sample"):
        plot_confusion_matrix(np.eye(3, dtype=int), np.eye(3, dtype=int))


def test_no_pyplot_figures_are_left_open(predictions):
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    plot_confusion_matrix(*predictions)
    assert len(plt.get_fignums()) == before
