"""Recurrent (LSTM / GRU) classifier over sequences of word vectors or word ids."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from scipy import sparse
from skorch import NeuralNetClassifier
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from ..exceptions import InvalidInputError
from ..nn import LSTMNet
from ._base import _EmotionNetMixin
from ._params import compose_docs, module_constraints

__all__ = ["LSTMClassifier"]

_WEIGHTS_KEY = "embedding_weights"
_INPUT_KEYS = {  # the data key of each input kind, and what produces it
    "embeddings": "WordVectorizer(pooling='sequence')",
    "ids": "WordVectorizer(pooling='ids')",
}


def _ndim(X) -> int:
    if isinstance(X, (list, tuple)):
        try:
            return np.ndim(X)
        except ValueError:  # ragged: let sklearn's validation explain
            return -1
    return getattr(X, "ndim", -1)


def _trailing_padding_lengths(mask: np.ndarray) -> np.ndarray:
    """Per row of a (n, L) "is a real step" mask: index of the last real step + 1 (>= 1)."""
    n, length = mask.shape
    last = length - np.argmax(mask[:, ::-1], axis=1)
    return np.where(mask.any(axis=1), last, 1).astype(np.int64)


@compose_docs
class LSTMClassifier(_EmotionNetMixin, NeuralNetClassifier):
    """LSTM / GRU text classifier in PyTorch, trained by skorch on padded sequences.

    The recurrent path of sklearn-emotion: put it after
    ``WordVectorizer(pooling="sequence")`` (frozen word vectors) or
    ``WordVectorizer(pooling="ids")`` (word ids; the network trains its own copy of the
    vectors). Sequences are packed, so the network reads each text up to its true
    length: the final state is that of the last real token, not of the padding (see
    :class:`~sklearn_emotion.nn.LSTMNet`). Training batches are shuffled. It is a
    scikit-learn classifier (``Pipeline``, ``GridSearchCV``, ``clone``, pickle) and a
    ``skorch.NeuralNetClassifier`` (callbacks, ``history``, ``module__*`` parameters).

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=LSTMNet
        The network; it must return logits. ``input_dim``, ``output_dim`` and, for ids
        input, ``embedding_weights`` are filled in at fit time when the class accepts
        them, and so are the parameters below, down to ``freeze_embeddings``. Its other
        arguments are ``module__<name>``.
    hidden_size : int, default=128
        Size of the hidden state of each direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Also read each text backwards; the pooled state is then twice as wide.
    cell : {"lstm", "gru"}, default="lstm"
        The recurrent cell.
    pooling : {"last", "mean", "max"}, default="last"
        How the per-token outputs become one vector per text: the final hidden state at
        each text's true end, or the mean / element-wise max over its true length.
    dropout : float, default=0.2
        Dropout on the pooled vector and, with ``num_layers > 1``, between the
        recurrent layers; in ``[0, 1)``.
    freeze_embeddings : bool, default=False
        Ids input: keep the embedding matrix fixed during training.
    {shared: criterion optimizer lr max_epochs batch_size train_split class_weight}
    {shared: random_state early_stopping}
        Off by default: the reference recipe trains 10 epochs on all the data.
    {shared: validation_fraction n_iter_no_change device verbose progress_bar classes}
    {shared: threshold kwargs}

    Attributes
    ----------
    {shared: classes_ multilabel_}
    n_features_in_ : int
        Size of the word vectors (the last axis of the embeddings, or the width of the
        embedding matrix for ids input).
    {shared: label_encoder_ class_weight_}
    module_ : torch.nn.Module
        The trained network (an ``LSTMNet`` by default).
    {shared: history_}

    See Also
    --------
    sklearn_emotion.nn.LSTMNet : The default network.
    sklearn_emotion.vectorizers.WordVectorizer : Makes the sequences (or ids).
    FeedForwardClassifier : For fixed-size features such as sentence embeddings.

    Notes
    -----
    Accepted ``X``:

    - ``{"embeddings": (n, max_length, dim) float, "lengths": (n,) int}``, from
      ``WordVectorizer(pooling="sequence")``; padding after each text is ignored;
    - ``{"ids": (n, max_length) int, "lengths": (n,) int, "embedding_weights": (n_words,
      dim)}``, from ``WordVectorizer(pooling="ids")``; at fit time the network's
      ``nn.Embedding`` starts from ``embedding_weights`` and is trained with the rest
      (``freeze_embeddings=True`` keeps it fixed). The matrix is taken out of
      the dict before batching (skorch would slice it like the data). Without that key,
      pass the matrix yourself as ``module__embedding_weights``; at predict time the
      key is optional (its shape is checked against the fitted embedding);
    - a 3-D array ``(n, max_length, dim)``: the lengths are inferred, trailing all-zero
      steps being padding; likewise a dict without ``"lengths"`` (ids: trailing 0 ids);
    - a 2-D array ``(n, dim)``: one step per sample (e.g. pooled vectors; this is also
      what scikit-learn's estimator checks feed).

    Lengths must lie in ``1..max_length``; values must be finite; ids must be valid
    rows of the embedding matrix. ``fit`` never changes parameters.

    {shared: multilabel_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion.estimators import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> emb = rng.normal(size=(60, 12, 4)).astype("float32")
    >>> lengths = rng.randint(1, 13, size=60)
    >>> y = np.where(emb[np.arange(60), lengths - 1, 0] > 0, "joy", "sadness")
    >>> X = {"embeddings": emb, "lengths": lengths}
    >>> clf = LSTMClassifier(hidden_size=16, lr=1e-2, max_epochs=30,
    ...                      random_state=0).fit(X, y)
    >>> clf.classes_, clf.n_features_in_
    (array(['joy', 'sadness'], dtype='<U7'), 4)
    >>> clf.predict_proba(X).shape
    (60, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True

    In a pipeline with GloVe vectors:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_emotion.vectorizers import WordVectorizer
    >>> pipe = make_pipeline(WordVectorizer("glove-6b-50d", pooling="ids"),
    ...                      LSTMClassifier(bidirectional=True))
    >>> pipe.fit(texts, labels)  # doctest: +SKIP
    """

    _parameter_constraints: dict = {
        **_EmotionNetMixin._parameter_constraints,
        **module_constraints("hidden_size", "num_layers", "bidirectional", "cell", "dropout",
                             "freeze_embeddings", pooling=("last", "mean", "max")),
    }
    # forwarded to the module (see _sklearn_params.py)
    _module_params = ("hidden_size", "num_layers", "bidirectional", "cell", "pooling",
                      "dropout", "freeze_embeddings")

    def __init__(
        self, module=LSTMNet, *, hidden_size=128, num_layers=1, bidirectional=False,
        cell="lstm", pooling="last", dropout=0.2, freeze_embeddings=False,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam, lr=1e-3, max_epochs=10, batch_size=32,
        train_split="auto", class_weight=None, random_state=None, early_stopping=False,
        validation_fraction=0.1, n_iter_no_change=3, device="cpu", verbose=0,
        progress_bar="auto", classes=None, threshold=0.5, **kwargs,
    ):
        self._store_init_arguments(locals())

    # ------------------------------------------------------------------ input
    def _validate_input(self, X, y="no_validation", *, reset):
        """Turn any accepted X into ``{"embeddings"|"ids": ..., "lengths": ...}``."""
        only_X = isinstance(y, str) and y == "no_validation"
        if isinstance(X, Mapping) and not sparse.issparse(X):  # scipy's dok is a dict
            X, kind, width, weights = self._check_dict(X, reset=reset)
        elif _ndim(X) == 3:  # (n, max_length, dim): trailing all-zero steps are padding
            embeddings = self._as_float_array(
                check_array(X, allow_nd=True, dtype=None, ensure_all_finite=False), "X"
            )
            lengths = _trailing_padding_lengths(np.any(embeddings != 0, axis=2))
            X = {"embeddings": embeddings, "lengths": lengths}
            kind, width, weights = "embeddings", embeddings.shape[2], None
        else:  # 2-D (n, dim): one step per sample; sklearn validates and counts features
            flat = validate_data(self, X, reset=reset, dtype=np.float32)
            if not flat.flags.writeable:
                flat = flat.copy()
            X = {"embeddings": flat[:, None, :], "lengths": np.ones(len(flat), np.int64)}
            kind, width, weights = "embeddings", None, None
        if width is not None:  # dicts and 3-D arrays: the vector size is the feature count
            self._check_width(width, kind, reset=reset)
        self._check_kind(kind, weights, reset=reset)
        if only_X:
            return X
        y = self._validate_target(y)
        check_consistent_length(X["lengths"], y)
        return X, y

    def _as_float_array(self, value, where):
        """A finite float32 array (copied only if needed, and if read-only)."""
        array = np.asarray(value)
        if array.dtype.kind not in "fiub":
            raise InvalidInputError(
                f"{type(self).__name__}: {where} must hold numbers; got dtype {array.dtype}."
            )
        array = np.ascontiguousarray(array, dtype=np.float32)
        if not np.isfinite(array).all():
            raise InvalidInputError(
                f"{type(self).__name__}: {where} contains NaN or infinity; word vectors must "
                "be finite."
            )
        if array.ndim == 0 or array.size == 0:
            raise InvalidInputError(
                f"{type(self).__name__}: {where} is empty (shape {array.shape}); at least one "
                "sample is required."
            )
        return array if array.flags.writeable else array.copy()

    def _check_dict(self, X, *, reset):
        """Validate a sequence dict; collect every problem and raise them together."""
        name = type(self).__name__
        keys = set(X)
        data_keys = sorted(keys & set(_INPUT_KEYS))
        unknown = sorted(map(str, keys - set(_INPUT_KEYS) - {"lengths", _WEIGHTS_KEY}))
        if len(data_keys) != 1 or unknown:
            raise InvalidInputError(
                f"{name} expects X as a dict with the keys 'embeddings' and 'lengths' (from "
                "WordVectorizer(pooling='sequence')) or 'ids', 'lengths' and optionally "
                f"'{_WEIGHTS_KEY}' (from WordVectorizer(pooling='ids')); got the keys "
                f"{sorted(map(str, keys))}."
            )
        kind = data_keys[0]
        problems = []
        weights = None
        if kind == "embeddings":
            data = self._as_float_array(X["embeddings"], "X['embeddings']")
            if data.ndim != 3:
                problems.append(
                    f"X['embeddings'] must be 3-D (n_samples, max_length, dim); got shape "
                    f"{data.shape}"
                )
            width = data.shape[-1]
            padding = np.any(data != 0, axis=2) if data.ndim == 3 else None
        else:
            data = np.asarray(X["ids"])
            if data.dtype.kind not in "iu" or data.ndim != 2:
                problems.append(
                    "X['ids'] must be a 2-D integer array (n_samples, max_length); got shape "
                    f"{data.shape} and dtype {data.dtype}"
                )
            elif data.size and data.min() < 0:
                problems.append("X['ids'] holds negative ids; 0 is padding, 1 unknown")
            data = data.astype(np.int64, copy=False)
            padding = data != 0 if data.ndim == 2 else None
            weights = self._embedding_weights(X.get(_WEIGHTS_KEY), reset=reset, problems=problems)
            width = None if weights is None else weights.shape[1]
        lengths = None
        if "lengths" in X:
            lengths = np.asarray(X["lengths"])
            if lengths.ndim == 2 and lengths.shape[1:] == (1,):
                lengths = lengths[:, 0]
            if lengths.dtype.kind not in "iu" or lengths.ndim != 1:
                problems.append(
                    "X['lengths'] must be a 1-D integer array with one length per sample; got "
                    f"shape {lengths.shape} and dtype {lengths.dtype}"
                )
            elif data.ndim >= 2 and len(lengths) != len(data):
                problems.append(
                    f"X['lengths'] has {len(lengths)} entries but X['{kind}'] has "
                    f"{len(data)} samples"
                )
            elif data.ndim >= 2 and lengths.size and (
                lengths.min() < 1 or lengths.max() > data.shape[1]
            ):
                problems.append(
                    f"X['lengths'] must lie in 1..{data.shape[1]} (the padded length); got "
                    f"values from {lengths.min()} to {lengths.max()}. Give empty texts "
                    "length 1, as WordVectorizer does"
                )
        if problems:
            raise InvalidInputError(f"{name}: " + "; ".join(problems) + ".")
        if lengths is None:
            lengths = _trailing_padding_lengths(padding)
        if kind == "ids":
            self._check_id_range(data, weights)
        out = {kind: data, "lengths": lengths.astype(np.int64, copy=False)}
        return out, kind, width, weights

    def _embedding_weights(self, given, *, reset, problems):
        """The embedding matrix for ids input: from X at fit time (or module__...)."""
        explicit = self.get_params_for("module").get(_WEIGHTS_KEY)
        weights = explicit if explicit is not None else given
        if weights is None:
            if reset:
                problems.append(
                    f"ids input needs an embedding matrix: use WordVectorizer(pooling='ids'), "
                    f"whose output carries it as X['{_WEIGHTS_KEY}'], or pass "
                    f"module__{_WEIGHTS_KEY}=<(n_words, dim) array>"
                )
            return None
        if isinstance(weights, torch.Tensor):
            weights = weights.detach().cpu().numpy()
        weights = np.asarray(weights)
        if weights.ndim != 2 or weights.dtype.kind not in "fiu":
            problems.append(
                f"the embedding matrix must be a 2-D float array (n_words, dim); got shape "
                f"{weights.shape} and dtype {weights.dtype}"
            )
            return None
        if not reset and given is not None and explicit is None:
            fitted = self._fitted_vocabulary_size()
            if fitted is not None and weights.shape[0] != fitted:
                problems.append(
                    f"the ids come from a vocabulary of {weights.shape[0]} rows, but the model "
                    f"was fitted with {fitted}; transform with the vectorizer the model was "
                    "fitted with"
                )
        return weights

    def _fitted_vocabulary_size(self):
        embedding = getattr(getattr(self, "module_", None), "embedding", None)
        return getattr(embedding, "num_embeddings", None)

    def _check_id_range(self, ids, weights):
        n_words = self._fitted_vocabulary_size() if weights is None else weights.shape[0]
        if n_words is not None and ids.size and ids.max() >= n_words:
            raise InvalidInputError(
                f"{type(self).__name__}: X['ids'] holds id {ids.max()}, but the embedding "
                f"matrix has only {n_words} rows."
            )

    def _check_width(self, width, kind, *, reset):
        name = type(self).__name__
        if reset:
            self.n_features_in_ = int(width)
            self.__dict__.pop("feature_names_in_", None)
        elif hasattr(self, "n_features_in_") and width != self.n_features_in_:
            what = "word vectors" if kind == "embeddings" else "an embedding matrix"
            raise ValueError(
                f"X has {what} of size {width}, but {name} is expecting {self.n_features_in_} "
                "features as input (the size of the word vectors it was fitted on)."
            )

    def _check_kind(self, kind, weights, *, reset):
        if reset:
            self._input_kind_ = kind
            self._embedding_weights_ = weights
            return
        fitted = getattr(self, "_input_kind_", kind)
        if kind != fitted:
            raise InvalidInputError(
                f"{type(self).__name__} was fitted on {_INPUT_KEYS[fitted]} output "
                f"(X['{fitted}']) and got X['{kind}']; transform the texts the same way as "
                "for fit."
            )

    def _inferred_module_params(self) -> dict:
        params = super()._inferred_module_params()
        weights = getattr(self, "_embedding_weights_", None)
        if params and weights is not None:
            params[_WEIGHTS_KEY] = weights
        return params

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.dict = True
        return tags
