"""WordVectorizer: pretrained or trained word embeddings, pooled or as padded sequences."""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np
from sklearn import get_config
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..cache import fingerprint_arrays
from ..exceptions import UnsupportedModelError
from ..text._tokenize import tokenize
from ..utils._validation import Interval, StrOptions, validate_params
from ._features import CACHE_CONSTRAINT
from ._keyed_vectors import TRAINABLE, load_vectors, train_vectors
from ._pretrained import PretrainedVectorizer
from ._word_lookup import _TokenLookupMixin

__all__ = ["WordVectorizer"]

DEFAULT_SEQUENCE_LENGTH = 64


class WordVectorizer(_TokenLookupMixin, PretrainedVectorizer):
    """Word embeddings (GloVe, word2vec, fastText) of raw texts, pooled or as sequences.

    Texts are split with :func:`~sklearn_emotion.text.tokenize` and each token is looked
    up in the word vectors. Pretrained vectors are loaded in ``fit`` (never in
    ``__init__``); with ``vectors="word2vec"`` or ``"fasttext"`` they are trained in
    ``fit`` on the training texts with gensim.

    Parameters
    ----------
    vectors : str, path-like or gensim KeyedVectors, default="glove-6b-50d"
        Where the vectors come from:

        - a registered vectors plugin name (see ``sklearn-emotion plugins``), e.g.
          ``"glove-6b-50d"``;
        - a path to a GloVe text file (no header), a word2vec text or binary file, a
          fastText ``.vec`` or ``.bin`` file, a gensim ``save()`` file (``.kv``,
          ``.model``), or a folder with one ``.npy`` matrix and one ``.parquet``
          vocabulary; ``.gz`` and ``.bz2`` files are read transparently. The format is
          detected from the extension and the first line / bytes (see Notes);
        - a gensim ``KeyedVectors`` (or a ``Word2Vec`` / ``FastText`` model);
        - ``"word2vec"`` or ``"fasttext"``: train vectors on the texts passed to ``fit``;
        - any other name is looked up on the gensim-data hub (needs network access).
    pooling : {"mean", "max", "sequence", "ids"}, default="mean"
        ``"mean"`` / ``"max"``: element-wise mean / max over the tokens that have a
        vector, giving an ``(n_texts, dim)`` float32 array. ``"sequence"``: a dict
        ``{"embeddings": (n_texts, max_length, dim) float32, "lengths": (n_texts,) int64}``
        with zero padding after each text, for recurrent networks (skorch passes the dict
        keys to ``forward(embeddings, lengths)``). ``"ids"``: word ids instead of vectors,
        for networks that train the embedding (see Notes): a dict ``{"ids": (n_texts,
        max_length) int64, "lengths": (n_texts,) int64, "embedding_weights":
        embedding_matrix_}``.
    max_length : int, default=None
        Keep only the first ``max_length`` tokens of each text. ``None`` keeps all of them
        when pooling, and means 64 with ``pooling="sequence"``.
    lowercase : bool, default=True
        Lower-case tokens before the lookup (GloVe 6B is lower-cased; set False for
        cased vectors such as word2vec GoogleNews).
    vector_size : int, default=100
        Dimension of trained vectors (``vectors="word2vec"`` / ``"fasttext"`` only).
    window : int, default=5
        Context window of trained vectors.
    min_count : int, default=1
        Ignore words rarer than this when training vectors.
    epochs : int, default=10
        Training epochs of trained vectors.
    random_state : int, RandomState instance or None, default=None
        Seeds the training of word2vec / fastText vectors (trained with one worker thread,
        so an int gives identical vectors on every fit).
    cache : None, bool, str, path-like, EmbeddingCache or joblib.Memory, default=None
        Keep the ``"mean"``, ``"max"`` and ``"sequence"`` outputs on disk (see
        :mod:`sklearn_emotion.cache`): a folder path (or ``True`` for
        :func:`~sklearn_emotion.cache.default_cache_dir`), an
        :class:`~sklearn_emotion.cache.EmbeddingCache`, or a ``joblib.Memory``. Entries
        are keyed by the vectors' contents, ``pooling``, ``max_length``, ``lowercase``
        and the text. Looking words up is fast, so this pays off mainly for fastText
        subword vectors and very large corpora; ``"ids"`` output depends on the
        training vocabulary and is never cached. ``None``: no cache.

    Attributes
    ----------
    vocabulary_ : dict
        Maps each known word to its row in ``vectors_``.
    vectors_ : ndarray of shape (n_words, dim), dtype=float32
        The word vectors (memory-mapped for ``.npy`` folders such as GloVe 6B).
    unknown_vector_ : ndarray of shape (dim,), dtype=float32
        Vector of out-of-vocabulary tokens in ``"sequence"`` output: the mean of all word
        vectors, so unknown words never look like zero padding.
    subword_vectors_ : gensim FastTextKeyedVectors or None
        For fastText vectors, the model that builds vectors for unseen words from their
        character n-grams; ``None`` otherwise.
    id_vocabulary_ : dict
        Only with ``pooling="ids"``: maps each word of the ``fit`` texts that has a vector
        to its id (from 2; 0 is padding, 1 unknown).
    embedding_matrix_ : ndarray of shape (len(id_vocabulary_) + 2, dim), dtype=float32
        Only with ``pooling="ids"``: row ``i`` is the vector of id ``i``; row 0 (padding)
        is zeros and row 1 is ``unknown_vector_``. Read-only.
    n_features_out_ : int
        Dimension of the vectors.
    source_ : str
        Where the vectors came from (for messages).
    n_features_in_ : int
        Always 1 (one text column).

    See Also
    --------
    SentenceVectorizer : Sentence embeddings from sentence-transformers.
    sklearn_emotion.text.TextCleaner : Normalisation to run before this transformer.

    Notes
    -----
    Format detection for paths: a folder (or a ``.npy`` file) means the ``.npy`` +
    ``.parquet`` format; ``.kv`` / ``.model`` / ``.wv`` are gensim files; a ``.bin`` file
    starting with fastText's magic number is fastText, other ``.bin`` files are word2vec
    binary; all other files are text, word2vec/fastText if the first line is
    ``"<n_words> <dim>"``, else GloVe. The last two loaded files are cached in memory, so
    cross-validation does not parse a text file once per fold. A gensim object passed
    as ``vectors`` works too, but sklearn's ``clone`` deep-copies parameters, so
    ``GridSearchCV`` copies it for every candidate: prefer a path or a registered name for
    large vectors. The strings ``"word2vec"`` and ``"fasttext"`` always mean training.

    With ``"mean"`` and ``"max"``, tokens without a vector are skipped, and a text with no
    known token becomes a row of zeros (an :class:`~sklearn_emotion.exceptions.EmotionWarning`
    counts them). With ``"sequence"``, unknown tokens get ``unknown_vector_``, padding is
    zeros, and a text with no token at all gets length 1 holding ``unknown_vector_``, so
    packed sequences never have length 0. fastText vectors (trained or loaded from
    ``.bin``) give unseen words vectors built from subwords instead.

    With ``"ids"``, ``fit`` also builds ``id_vocabulary_`` from the training texts: the
    words that occur in them and have a vector, in the order of the vectors file
    (fastText adds the subword-built ones). The matching ``embedding_matrix_`` is small
    (GloVe 6B has 400,000 words, a training set a few ten thousand), which matters
    because training an ``nn.Embedding`` updates every row of it at every step: with all
    400,000 GloVe rows, a training step of a small LSTM on CPU was measured 30 times
    slower. Words not seen in ``fit`` become unknown (id 1). The output dict carries
    ``embedding_matrix_`` (by reference, no copy) under ``"embedding_weights"``, so that
    :class:`~sklearn_emotion.estimators.LSTMClassifier` can build its embedding from it
    inside a ``Pipeline``; it removes that key before batching. Memory is
    ``n_texts x max_length`` int64 instead of ``n_texts x max_length x dim`` float32.

    Examples
    --------
    >>> from sklearn_emotion.vectorizers import WordVectorizer
    >>> texts = ["i am so happy today", "this is sad news", "happy news today"]
    >>> vec = WordVectorizer(vectors="word2vec", vector_size=8, random_state=0)
    >>> vec.fit_transform(texts).shape
    (3, 8)
    >>> seq = vec.set_params(pooling="sequence", max_length=6).transform(texts)
    >>> seq["embeddings"].shape, seq["lengths"].tolist()
    ((3, 6, 8), [5, 4, 3])
    >>> ids = vec.set_params(pooling="ids").fit(texts).transform(["happy news", "unseen"])
    >>> ids["ids"][:, :3].tolist(), ids["lengths"].tolist()
    ([[4, 2, 0], [1, 0, 0]], [2, 1])
    >>> ids["embedding_weights"] is vec.embedding_matrix_, vec.embedding_matrix_.shape
    (True, (11, 8))
    >>> WordVectorizer().fit(texts).transform(["joy"]).shape  # doctest: +SKIP
    (1, 50)
    """

    _parameter_constraints = {
        "vectors": "no_validation",  # checked when loading, with a dedicated message
        "pooling": [StrOptions({"mean", "max", "sequence", "ids"})],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "lowercase": ["boolean"],
        "vector_size": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "cache": CACHE_CONSTRAINT,
    }
    _cache_params = ("pooling", "max_length", "lowercase")
    _resource_param = "vectors"
    _resource_kind = "vectors"
    # stored by reference in model files, unless trained in fit (see __emotion_persist__)
    _resource_attributes = (
        "vocabulary_", "vectors_", "unknown_vector_", "subword_vectors_", "source_"
    )

    def __init__(
        self,
        vectors="glove-6b-50d",
        pooling="mean",
        max_length=None,
        lowercase=True,
        vector_size=100,
        window=5,
        min_count=1,
        epochs=10,
        random_state=None,
        cache=None,
    ):
        self.vectors = vectors
        self.pooling = pooling
        self.max_length = max_length
        self.lowercase = lowercase
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.epochs = epochs
        self.random_state = random_state
        self.cache = cache

    def fit(self, X, y=None):
        """Load the word vectors, or train them on ``X`` for "word2vec" / "fasttext".

        Parameters
        ----------
        X : iterable of str
            Raw texts (list, array, Series or one-column DataFrame).
        y : None
            Ignored.

        Returns
        -------
        self : WordVectorizer
        """
        validate_params(self)
        texts = self._validate_texts(X, reset=True)
        resource = None
        if self._trains_vectors():
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            loaded = train_vectors(
                self.vectors,
                [tokenize(t, lowercase=self.lowercase) for t in texts],
                vector_size=self.vector_size,
                window=self.window,
                min_count=self.min_count,
                epochs=self.epochs,
                seed=seed,
            )
            fitted = self._fitted_attributes(loaded)
        else:
            if not isinstance(self.vectors, (str, os.PathLike)) and not hasattr(
                getattr(self.vectors, "wv", self.vectors), "key_to_index"
            ):
                raise TypeError(
                    "The 'vectors' parameter of WordVectorizer must be a registered vectors "
                    "name, a path, 'word2vec', 'fasttext' or a gensim KeyedVectors; got "
                    f"{type(self.vectors).__name__} instead."
                )
            resource = self._resolve_resource()
            fitted = self._load_resource(resource)
        for name, value in fitted.items():
            setattr(self, name, value)
        for name in ("id_vocabulary_", "embedding_matrix_"):  # from an earlier fit
            self.__dict__.pop(name, None)
        if self.pooling == "ids":
            self._build_id_vocabulary(texts)
        self._reset_cache_identity(resource)
        return self

    def _trains_vectors(self) -> bool:
        return isinstance(self.vectors, str) and self.vectors in TRAINABLE

    def _resolve_resource(self):
        if self._trains_vectors():
            return None  # trained in fit: nothing to resolve
        return super()._resolve_resource()

    def _load_resource(self, resource) -> dict:
        """Load the pretrained vectors (a name, a path, a hub name or a gensim object)."""
        return self._fitted_attributes(load_vectors(self.vectors, resource=resource))

    @staticmethod
    def _fitted_attributes(loaded) -> dict:
        return {
            "vocabulary_": loaded.vocabulary,
            "vectors_": loaded.vectors,
            "unknown_vector_": loaded.unknown,
            "subword_vectors_": loaded.subword_model,
            "source_": loaded.source,
            "n_features_out_": int(loaded.vectors.shape[1]),
        }

    def _weights_fingerprint(self) -> str:
        vocab = self.vocabulary_
        subword = self.subword_vectors_
        ngrams = getattr(subword, "vectors_ngrams", None) if subword is not None else None
        return fingerprint_arrays(
            "\n".join(sorted(vocab, key=vocab.get)), self.vectors_, self.unknown_vector_,
            ngrams, repr(getattr(subword, "min_n", None)), repr(getattr(subword, "max_n", None)),
        )

    def __emotion_persist__(self):
        """Pretrained vectors are stored by reference; vectors trained in fit by value.

        Raises
        ------
        UnsupportedModelError
            When the fitted vectors were given as an in-memory gensim object, which the
            safe model format can store neither by reference nor by value.
        """
        if self._trains_vectors() or not hasattr(self, "vectors_"):
            return None
        if not isinstance(self.vectors, (str, os.PathLike)):
            raise UnsupportedModelError(
                "sklearn_emotion.io.save cannot store a WordVectorizer whose 'vectors' "
                f"parameter is a {type(self.vectors).__name__} object; pass a registered "
                "name or a file path instead (or use joblib for trusted use)."
            )
        return super().__emotion_persist__()

    def transform(self, X):
        """Embed each text.

        Parameters
        ----------
        X : iterable of str
            Raw texts.

        Returns
        -------
        ndarray of shape (n_texts, dim) or dict
            Pooled float32 vectors; with ``pooling="sequence"`` a dict with
            ``"embeddings"`` (n_texts, max_length, dim) float32 and ``"lengths"``
            (n_texts,) int64; with ``pooling="ids"`` a dict with ``"ids"`` (n_texts,
            max_length) int64, ``"lengths"`` and ``"embedding_weights"``
            (``embedding_matrix_``).
        """
        check_is_fitted(self, "vectors_")
        texts = self._validate_texts(X, reset=False)
        validate_params(self)  # pooling and max_length may have been set after fit
        if self.pooling == "ids" and not hasattr(self, "id_vocabulary_"):
            raise NotFittedError(
                "WordVectorizer builds the vocabulary of pooling='ids' in fit, from the "
                "training texts, but this instance was fitted with another pooling. Call "
                "fit again with pooling='ids'."
            )
        if self.pooling in ("sequence", "ids"):
            self._check_dict_output()
        if self.pooling == "ids":  # depends on the fitted vocabulary: never cached
            return self._embed(texts)
        return self._cached(texts, self._embed)

    def _embed(self, texts: list[str]):
        tokens = self._tokens(texts)
        if self.pooling in ("sequence", "ids"):
            length = DEFAULT_SEQUENCE_LENGTH if self.max_length is None else self.max_length
            if self.pooling == "ids":
                return self._id_sequences(tokens, length)
            return self._sequences(tokens, length)
        return self._pooled(tokens)

    # ----------------------------------------------------------------- internals
    def _tokens(self, texts: list[str]) -> list[list[str]]:
        """Tokens of each text, cut to ``max_length`` (64 for sequences when None)."""
        max_length = self.max_length
        if max_length is None and self.pooling in ("sequence", "ids"):
            max_length = DEFAULT_SEQUENCE_LENGTH
        tokens = [tokenize(t, lowercase=self.lowercase) for t in texts]
        if max_length is not None:
            tokens = [t[:max_length] for t in tokens]
        return tokens

    def _check_dict_output(self) -> None:
        dense = getattr(self, "_sklearn_output_config", {}).get(
            "transform", get_config()["transform_output"]
        )
        if dense != "default":
            raise ValueError(
                f"WordVectorizer(pooling={self.pooling!r}) returns a dict of arrays, which "
                f"cannot be converted by set_output(transform={dense!r}); use pooling='mean' "
                "or 'max' for tabular output, or set_output(transform='default')."
            )

    def __getstate__(self):
        state = super().__getstate__()
        if isinstance(state.get("vectors_"), np.memmap):  # pickle the values, not the file
            state["vectors_"] = np.array(state["vectors_"])
        return state
