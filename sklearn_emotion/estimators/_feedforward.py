"""Feed-forward classifier over fixed-size features (e.g. sentence embeddings)."""

from __future__ import annotations

import torch
from skorch import NeuralNetClassifier

from ..nn import MLPNet
from ._base import _EmotionNetMixin
from ._params import compose_docs, module_constraints

__all__ = ["FeedForwardClassifier"]


@compose_docs
class FeedForwardClassifier(_EmotionNetMixin, NeuralNetClassifier):
    """Multi-layer perceptron classifier in PyTorch, trained by skorch.

    The fast baseline of sklearn-emotion: put it after a vectorizer that returns
    fixed-size vectors (sentence embeddings, pooled word vectors, TF-IDF made dense,
    audio statistics). It is a scikit-learn classifier (``Pipeline``, ``GridSearchCV``,
    ``clone``, pickle) and a ``skorch.NeuralNetClassifier`` (callbacks, ``history``,
    ``module__*``/``optimizer__*``/``callbacks__*`` parameters).

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=MLPNet
        The network; it must return logits. ``input_dim`` and ``output_dim`` are
        filled in from the data at fit time when the class accepts them, and so are
        the three parameters below. Its other arguments are ``module__<name>``.
    hidden_dims : int or tuple of int, default=(256,)
        Width of each hidden layer; ``()`` gives a linear (logistic-regression)
        model, an int a single hidden layer.
    dropout : float, default=0.2
        Dropout probability after each hidden layer, in ``[0, 1)``.
    activation : {"relu", "gelu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity after each hidden layer.
    {shared: criterion optimizer lr max_epochs batch_size train_split class_weight}
        The default weighs each class by the square root of its balanced weight:
        emotion data are imbalanced (GoEmotions-Ekman has about 30 times more joy
        than fear), and unweighted the head rarely predicts the rare classes, while
        fully balanced weights over-predict them where the test data keep the
        training proportions (dair-ai emotion). The square root beat both, and
        ``LogisticRegression``, at every training size of
        ``benchmarks/bench_learning_curve.py``. A ``criterion`` that takes no
        ``weight`` (or an instance) leaves this default unused (``class_weight_`` is
        then ``None``); set explicitly, ``class_weight`` needs one.
    {shared: random_state early_stopping validation_fraction n_iter_no_change device}
    {shared: verbose progress_bar classes threshold kwargs}

    Attributes
    ----------
    {shared: classes_ multilabel_}
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of ``X``, when it was a DataFrame with string column names.
    {shared: label_encoder_ class_weight_}
    module_ : torch.nn.Module
        The trained network (an ``MLPNet`` by default).
    {shared: history_}

    See Also
    --------
    sklearn_emotion.nn.MLPNet : The default network.
    sklearn.neural_network.MLPClassifier : The scikit-learn counterpart (NumPy, CPU).

    Notes
    -----
    ``fit`` validates the parameters and ``X`` (dense, finite, 2-D; cast to float32),
    label-encodes ``y``, builds the module with ``input_dim=n_features_in_`` and
    ``output_dim=len(classes_)``, and trains with the skorch loop. Parameters are
    never modified by ``fit``.

    {shared: multilabel_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion.estimators import FeedForwardClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(80, 8)).astype("float32")
    >>> y = np.where(X[:, 0] + X[:, 1] > 0, "joy", "sadness")
    >>> clf = FeedForwardClassifier(hidden_dims=(16,), lr=1e-2, max_epochs=20,
    ...                             random_state=0)
    >>> clf
    FeedForwardClassifier(hidden_dims=(16,), lr=0.01, max_epochs=20, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> clf.classes_
    array(['joy', 'sadness'], dtype='<U7')
    >>> clf.predict(X[:3])
    array(['joy', 'joy', 'joy'], dtype='<U7')
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True

    Multi-label: a 0/1 indicator matrix as ``y``.

    >>> Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0]).astype(int)
    >>> clf = clf.fit(X, Y)
    >>> clf.predict(X[:2]).tolist(), clf.predict_proba(X[:2]).shape
    ([[1, 1], [0, 1]], (2, 2))
    """

    _parameter_constraints: dict = {
        **_EmotionNetMixin._parameter_constraints,
        **module_constraints("hidden_dims", "dropout", "activation"),
    }
    # forwarded to the module (see _sklearn_params.py)
    _module_params = ("hidden_dims", "dropout", "activation")

    def __init__(
        self, module=MLPNet, *, hidden_dims=(256,), dropout=0.2, activation="relu",
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW, lr=1e-3, max_epochs=50, batch_size=64,
        train_split="auto", class_weight="balanced_sqrt", random_state=None,
        early_stopping=True, validation_fraction=0.1, n_iter_no_change=5,
        device="cpu", verbose=0, progress_bar="auto", classes=None, threshold=0.5,
        **kwargs,
    ):
        self._store_init_arguments(locals())
