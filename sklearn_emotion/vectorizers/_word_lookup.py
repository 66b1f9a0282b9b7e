"""How WordVectorizer turns tokens into vectors: lookups, pooling, sequences and ids.

A mixin over the fitted attributes of :class:`~sklearn_emotion.vectorizers.WordVectorizer`
(``vocabulary_``, ``vectors_``, ``unknown_vector_``, ``subword_vectors_``), kept apart
from the estimator's parameters and fitting.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..exceptions import EmotionWarning

__all__: list[str] = []  # private: used by WordVectorizer only

_CHUNK = 2048  # texts gathered at a time: bounds the temporary (tokens x dim) array


class _TokenLookupMixin:
    """Vectors of tokenised texts, pooled (``"mean"``, ``"max"``), as sequences or as ids."""

    def _build_id_vocabulary(self, texts: list[str]) -> None:
        """``id_vocabulary_`` and ``embedding_matrix_`` of the words in ``texts``."""
        vocab = self.vocabulary_
        words = {token for text_tokens in self._tokens(texts) for token in text_tokens}
        known = sorted((w for w in words if w in vocab), key=vocab.__getitem__)
        subword = []  # (word, vector) of unknown words that fastText builds from subwords
        if self.subword_vectors_ is not None:
            for word in sorted(w for w in words if w not in vocab):
                vector = self.subword_vectors_.get_vector(word)
                if np.any(vector):
                    subword.append((word, vector))
        matrix = np.empty((2 + len(known) + len(subword), self.n_features_out_), np.float32)
        matrix[0] = 0.0
        matrix[1] = self.unknown_vector_
        rows = np.fromiter((vocab[w] for w in known), dtype=np.int64, count=len(known))
        matrix[2 : 2 + len(known)] = self.vectors_[rows]
        for k, (_, vector) in enumerate(subword):
            matrix[2 + len(known) + k] = vector
        matrix.flags.writeable = False  # shared by reference with every transform output
        self.id_vocabulary_ = {w: i for i, w in enumerate(known + [w for w, _ in subword], 2)}
        self.embedding_matrix_ = matrix

    def _id_sequences(self, tokens: list[list[str]], length: int) -> dict:
        ids = np.zeros((len(tokens), length), dtype=np.int64)
        lengths = np.ones(len(tokens), dtype=np.int64)  # an empty text is one unknown token
        vocab = self.id_vocabulary_
        for i, text_tokens in enumerate(tokens):
            if text_tokens:
                ids[i, : len(text_tokens)] = [vocab.get(t, 1) for t in text_tokens]
                lengths[i] = len(text_tokens)
            else:
                ids[i, 0] = 1
        return {"ids": ids, "lengths": lengths, "embedding_weights": self.embedding_matrix_}

    def _ids(self, tokens: list[list[str]], oov: dict) -> tuple[np.ndarray, np.ndarray]:
        """Flat row ids of all tokens and per-text counts; unknown tokens get -1 - k.

        ``oov`` collects the distinct unknown tokens in order, so that id ``-1 - k`` is the
        k-th of them.
        """
        vocab = self.vocabulary_
        lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
        flat = []
        for text_tokens in tokens:
            for token in text_tokens:
                j = vocab.get(token)
                if j is None:
                    j = -1 - oov.setdefault(token, len(oov))
                flat.append(j)
        return np.asarray(flat, dtype=np.int64), lengths

    def _oov_vectors(self, oov: dict) -> tuple[np.ndarray, np.ndarray]:
        """Vectors of the unknown tokens, and which of them are real (fastText) vectors.

        Without a subword model every row is ``unknown_vector_`` and none is real.
        """
        table = np.empty((len(oov), self.n_features_out_), dtype=np.float32)
        found = np.zeros(len(oov), dtype=bool)
        table[:] = self.unknown_vector_
        model = self.subword_vectors_
        if model is not None:
            for word, k in oov.items():
                if word is None:  # stands for an empty text in sequence output
                    continue
                vector = model.get_vector(word)
                if np.any(vector):
                    table[k] = vector
                    found[k] = True
        return table, found

    def _gather(self, ids: np.ndarray, oov_table: np.ndarray) -> np.ndarray:
        rows = np.empty((len(ids), self.n_features_out_), dtype=np.float32)
        known = ids >= 0
        rows[known] = self.vectors_[ids[known]]
        rows[~known] = oov_table[-1 - ids[~known]]
        return rows

    def _pooled(self, tokens: list[list[str]]) -> np.ndarray:
        n, dim = len(tokens), self.n_features_out_
        out = np.zeros((n, dim), dtype=np.float32)
        reduce = np.add if self.pooling == "mean" else np.maximum
        n_empty = 0
        for start in range(0, n, _CHUNK):
            oov: dict = {}
            ids, lengths = self._ids(tokens[start : start + _CHUNK], oov)
            oov_table, found = self._oov_vectors(oov)
            # drop tokens without a vector; count what is left per text
            keep = ids >= 0
            if found.any():
                keep[~keep] = found[-1 - ids[~keep]]
            owner = np.repeat(np.arange(len(lengths)), lengths)
            ids, owner = ids[keep], owner[keep]
            counts = np.bincount(owner, minlength=len(lengths))
            nonempty = counts > 0
            n_empty += int((~nonempty).sum())
            if not ids.size:
                continue
            rows = self._gather(ids, oov_table)
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[nonempty]
            pooled = reduce.reduceat(rows, starts, axis=0)
            if self.pooling == "mean":
                pooled /= counts[nonempty, None]
            out[start + np.flatnonzero(nonempty)] = pooled
        if n_empty:
            warnings.warn(
                f"WordVectorizer: {n_empty} of {n} texts have no token with a vector in "
                f"{self.source_} and are encoded as zero vectors.",
                EmotionWarning,
                # _pooled < _embed < _cached (< the cache's get_or_compute) < transform <
                # sklearn's set_output wrapper < caller
                stacklevel=6 if self._cache_store() is None else 7,
            )
        return out

    def _sequences(self, tokens: list[list[str]], length: int) -> dict:
        n, dim = len(tokens), self.n_features_out_
        embeddings = np.zeros((n, length, dim), dtype=np.float32)
        all_lengths = np.empty(n, dtype=np.int64)
        for start in range(0, n, _CHUNK):
            chunk = [t if t else [None] for t in tokens[start : start + _CHUNK]]
            oov: dict = {}
            ids, lengths = self._ids(chunk, oov)
            oov_table, _ = self._oov_vectors(oov)
            owner = start + np.repeat(np.arange(len(lengths)), lengths)
            offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            position = np.arange(len(ids)) - np.repeat(offsets, lengths)
            embeddings[owner, position] = self._gather(ids, oov_table)
            all_lengths[start : start + len(chunk)] = lengths
        return {"embeddings": embeddings, "lengths": all_lengths}
