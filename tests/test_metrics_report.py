"""most_confused_pairs, the HTML report and the confusion-matrix colours, on real predictions."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.metrics import html_report, most_confused_pairs, plot_confusion_matrix


@pytest.fixture(scope="module")
def predictions():
    """Real predictions: TF-IDF + logistic regression on a slice of GoEmotions (Ekman)."""
    from threadpoolctl import threadpool_limits

    X_train, y_train = load_goemotions("train", return_X_y=True)
    X_test, y_test = load_goemotions("test", return_X_y=True)
    with threadpool_limits(1):
        model = make_pipeline(TfidfVectorizer(min_df=2), LogisticRegression(max_iter=200))
        model.fit(X_train[:3000], y_train[:3000])
        return list(X_test[:500]), y_test[:500], model.predict(X_test[:500])


def test_most_confused_pairs_match_the_confusion_matrix(predictions):
    _, y_true, y_pred = predictions
    labels = sorted(set(y_true) | set(y_pred))
    matrix = skm.confusion_matrix(y_true, y_pred, labels=labels)
    pairs = most_confused_pairs(y_true, y_pred, n=None)
    off_diagonal = matrix.sum() - np.trace(matrix)
    assert pairs["count"].sum() == off_diagonal
    assert list(pairs.columns) == ["true", "predicted", "count", "share_of_true"]
    assert (pairs["true"] != pairs["predicted"]).all()
    assert pairs["count"].is_monotonic_decreasing
    top = pairs.iloc[0]
    i, j = labels.index(top["true"]), labels.index(top["predicted"])
    assert top["count"] == matrix[i, j] == np.max(matrix - np.diag(np.diag(matrix)))
    assert top["share_of_true"] == pytest.approx(matrix[i, j] / matrix[i].sum())
    assert len(most_confused_pairs(y_true, y_pred, n=3)) == 3


def test_most_confused_pairs_edge_cases():
    assert most_confused_pairs(["joy", "fear"], ["joy", "fear"]).empty
    with pytest.raises(InvalidInputError, match="positive int or None"):
        most_confused_pairs(["joy"], ["joy"], n=0)
    with pytest.raises(InvalidInputError, match="one class label per sample"):
        most_confused_pairs(np.eye(2, dtype=int), np.eye(2, dtype=int))


def test_html_report_is_one_self_contained_page(predictions):
    texts, y_true, y_pred = predictions
    page = html_report(y_true, y_pred, texts=texts, title="GoEmotions <test>",
                       metadata={"model": "tfidf + logreg", "empty": None})
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>GoEmotions &lt;test&gt;</title>" in page  # escaped
    assert "<td>empty</td>" not in page  # None metadata rows are left out
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data in images)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    report_accuracy = f"{skm.accuracy_score(y_true, y_pred):.3f}"
    assert report_accuracy in page
    pairs = most_confused_pairs(y_true, y_pred)
    first = pairs.iloc[0]
    assert f'{first["true"]}</td>' in page and "for example" in page
    assert "&ldquo;" in page  # example texts quoted


def test_html_report_escapes_texts_and_labels():
    page = html_report(["<b>x</b>", "y"], ["y", "y"], texts=["<script>alert(1)</script>", "ok"])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def _text_colours(fig):
    return {(t.get_text(), t.get_color()) for t in fig.axes[0].texts}


def test_cell_text_contrasts_with_its_own_cell():
    """Dark text on light cells, white on dark, whatever the data range is."""
    y_true = ["a"] * 9 + ["b"] * 9
    y_pred = ["a"] * 4 + ["b"] * 5 + ["b"] * 9
    fig = plot_confusion_matrix(y_true, y_pred, normalize="true")
    colours = dict(_text_colours(fig))
    assert colours["1.00"] == "white"  # darkest blue
    assert colours["0.44"] != "white" and colours["0.00"] != "white"
    image = fig.axes[0].images[0]
    assert image.norm.vmin == 0 and image.norm.vmax == 1  # shares on a fixed scale


def test_many_labels_leave_empty_cells_blank():
    labels = [f"emotion{i:02d}" for i in range(20)]
    y = labels * 2
    fig = plot_confusion_matrix(y, y, labels=labels)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("") == 20 * 20 - 20 and texts.count("2") == 20
    few = plot_confusion_matrix(["a", "b"], ["a", "a"])
    assert "0" in [t.get_text() for t in few.axes[0].texts]
