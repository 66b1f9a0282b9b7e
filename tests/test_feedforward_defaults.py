"""The default FeedForwardClassifier head against LogisticRegression on real, imbalanced data.

``benchmarks/bench_learning_curve.py`` holds the full measurement (4 training sizes, 2 data
sets, 2 embeddings, 5 draws); this is its smallest point: 1,000 GoEmotions-Ekman training
texts (joy outnumbers fear and disgust about 30 to 1) under static MiniLM embeddings.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from sklearn_emotion import FeedForwardClassifier, load_goemotions


@pytest.fixture(scope="module")
def goemotions_static(one_torch_thread):
    plugin = pytest.importorskip("sklearn_emotion_model2vec")
    train_texts, y_train = load_goemotions(subset="train", labels="ekman", return_X_y=True)
    test_texts, y_test = load_goemotions(subset="test", labels="ekman", return_X_y=True)
    vectorizer = plugin.StaticEmbeddingVectorizer().fit(train_texts[:10])

    def encode(texts):
        return np.asarray(vectorizer.transform(list(texts)), dtype=np.float32)

    return (encode(train_texts[:1000]), np.asarray(y_train[:1000]),
            encode(test_texts[:1500]), np.asarray(y_test[:1500]))


def test_default_head_weighs_rare_classes_and_keeps_up_with_logistic_regression(
        goemotions_static):
    X, y, X_test, y_test = goemotions_static
    macro_f1 = lambda model: f1_score(y_test, model.fit(X, y).predict(X_test),  # noqa: E731
                                      average="macro")
    default = FeedForwardClassifier(random_state=0)
    assert default.class_weight == "balanced_sqrt"
    f1_default = macro_f1(default)
    f1_unweighted = macro_f1(FeedForwardClassifier(class_weight=None, random_state=0))
    f1_logistic = macro_f1(LogisticRegression(max_iter=3000))
    # the square-root class weights are what lift the rare classes here
    assert f1_default > f1_unweighted + 0.03, (f1_default, f1_unweighted)
    assert f1_default > f1_logistic + 0.05, (f1_default, f1_logistic)
    assert default.history_[-1, "epoch"] < default.max_epochs  # early stopping ended it
