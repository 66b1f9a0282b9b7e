"""Feed-forward classifier over fixed-size features (e.g. sentence embeddings)."""

from __future__ import annotations

import torch
from skorch import NeuralNetClassifier

from ..nn import MLPNet
from ._base import _EmotionNetMixin

__all__ = ["FeedForwardClassifier"]


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
        filled in from the data at fit time when the class accepts them. Set its
        arguments with ``module__<name>``, e.g. ``module__hidden_dims=(128,)``.
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
        Training loss. With ``CrossEntropyLoss`` skorch applies a softmax in
        ``predict_proba``. For a multi-label ``y`` the ``CrossEntropyLoss`` class is
        replaced by ``torch.nn.BCEWithLogitsLoss`` (any other criterion is kept).
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Set its arguments with ``optimizer__<name>``, e.g. ``optimizer__weight_decay``.
    lr : float, default=1e-3
        Learning rate.
    max_epochs : int, default=50
        Maximum number of passes over the training data.
    batch_size : int, default=64
        Mini-batch size; ``-1`` uses the whole data set as one batch.
    train_split : "auto", callable or None, default="auto"
        The internal train/validation split. ``"auto"`` holds out a stratified
        ``validation_fraction`` of the data when ``early_stopping=True`` and trains on
        all of it otherwise. Any skorch split (e.g. ``skorch.helper.predefined_split``)
        or ``None`` (no validation) is used as given.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn: ``{label: weight}``
        or ``"balanced"`` (``n_samples / (n_classes * np.bincount(y))``). Passed as
        ``weight`` to the criterion, unless ``criterion__weight`` is set. Multi-label:
        the weight of each label's positives, passed as ``pos_weight``; ``"balanced"``
        is negatives / positives per label.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, dropout, batch shuffling and the validation
        split. With an int, two fits on the same data give bit-identical results on
        CPU. The global torch random state is left untouched. ``None`` uses torch's
        and numpy's global random state.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved for ``n_iter_no_change``
        epochs, and restore the weights of the best epoch. If the data is too small
        for a stratified split, an ``EmotionWarning`` says so and training runs for
        ``max_epochs`` on all the data.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping, in (0, 1).
    n_iter_no_change : int, default=5
        Patience of early stopping, in epochs.
    device : str, torch.device or None, default="cpu"
        Where to train and predict: ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``,
        or ``"auto"`` for the best available one (resolved when used, while the
        parameter stays ``"auto"``). ``None`` leaves tensors where they are (skorch).
    verbose : int, default=1
        ``0`` prints nothing; ``1`` prints one line per epoch (skorch's ``PrintLog``)
        and early-stopping messages.
    progress_bar : bool or "auto", default="auto"
        Show a per-epoch progress bar over the batches (``skorch.callbacks.ProgressBar``,
        on stderr). ``"auto"``: only if ``verbose > 0`` and there are at least 1000
        training samples; ``True``: always, even with ``verbose=0``; ``False``: never.
    classes : array-like or None, default=None
        All class labels, when ``y`` might not contain every one of them. Multi-label:
        names of the columns of ``y`` (default ``0..n_labels-1``).
    threshold : float, default=0.5
        Multi-label only: ``predict`` marks the labels whose probability is at least
        this. Ignored for single-label targets.
    **kwargs : dict
        Further skorch parameters: ``module__*``, ``optimizer__*``, ``criterion__*``,
        ``callbacks``, ``callbacks__*``, ``iterator_train__*``, ``warm_start``, ...
        (see ``skorch.NeuralNet``). Training batches are shuffled unless
        ``iterator_train__shuffle=False``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the ``predict_proba`` columns.
    multilabel_ : bool
        Whether ``y`` was a multi-label indicator matrix.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of ``X``, when it was a DataFrame with string column names.
    label_encoder_ : LabelEncoder or MultiLabelBinarizer
        Maps labels to the module's output indices (multi-label: a
        ``MultiLabelBinarizer`` whose ``inverse_transform`` turns ``predict`` output
        into tuples of label names).
    class_weight_ : ndarray of shape (n_classes,) or None
        The class weights given to the criterion (multi-label: its ``pos_weight``).
    module_ : torch.nn.Module
        The trained network (an ``MLPNet`` by default).
    history_ : skorch.History
        Per-epoch losses, ``valid_acc``, timings.

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

    Multi-label targets (a 2-D 0/1 indicator matrix ``y``, such as
    ``load_goemotions(labels="original", multilabel=True)``) train one sigmoid output per
    label; ``predict_proba`` returns ``(n_samples, n_labels)`` independent probabilities
    and ``predict`` the int64 indicator matrix at ``threshold``. The early-stopping split
    is then a plain shuffled split.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion.estimators import FeedForwardClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(80, 8)).astype("float32")
    >>> y = np.where(X[:, 0] + X[:, 1] > 0, "joy", "sadness")
    >>> clf = FeedForwardClassifier(module__hidden_dims=(16,), lr=1e-2, max_epochs=20,
    ...                             verbose=0, random_state=0)
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

    def __init__(
        self,
        module=MLPNet,
        *,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        max_epochs=50,
        batch_size=64,
        train_split="auto",
        class_weight=None,
        random_state=None,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=5,
        device="cpu",
        verbose=1,
        progress_bar="auto",
        classes=None,
        threshold=0.5,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            device=device,
            verbose=verbose,
            classes=classes,
            **kwargs,
        )
        self.class_weight = class_weight
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.progress_bar = progress_bar
        self.threshold = threshold
