"""StaticEmbeddingVectorizer: model2vec static sentence embeddings of raw texts."""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np

from sklearn_emotion.plugin_api import (
    Interval,
    PretrainedVectorizer,
    fingerprint_arrays,
    import_optional,
    load_encoder,
)

__all__ = ["StaticEmbeddingVectorizer"]


class StaticEmbeddingVectorizer(PretrainedVectorizer):
    """Static sentence embeddings (model2vec): a token lookup and a mean, no network.

    A model2vec model is a table of one vector per sub-word token, distilled from a
    sentence transformer; a text's embedding is the mean of its tokens' vectors. There
    is no forward pass, so encoding runs 150-250 times faster than the transformer it was
    distilled from on one CPU core (measured against all-MiniLM-L6-v2), for 2-3 points of
    accuracy.

    The model is loaded in ``fit`` (never in ``__init__``); ``fit`` learns nothing
    from ``X``.

    Parameters
    ----------
    model : str or path-like, default="minilm-static"
        A registered encoder plugin name (``"minilm-static"``: all-MiniLM-L6-v2
        distilled with model2vec, shipped with this plugin), a local model2vec folder,
        or a Hugging Face hub name such as ``"minishlab/potion-base-8M"`` (needs the hub).
    dimensionality : int, default=None
        Keep only the first ``dimensionality`` components (the model's PCA axes, most
        informative first); ``None`` keeps them all (256 for ``"minilm-static"``).
    normalize : bool, default=True
        Scale each embedding to unit L2 norm.
    max_length : int, default=512
        Tokens per text taken into account (the rest is ignored).
    batch_size : int, default=1024
        Texts tokenized per batch.

    Attributes
    ----------
    model_ : model2vec.StaticModel
        The loaded model.
    n_features_out_ : int
        Embedding dimension.
    n_features_in_ : int
        Always 1 (one text column).

    See Also
    --------
    sklearn_emotion.vectorizers.SentenceVectorizer : The transformer-based embeddings
        this model is distilled from (slower, a little more accurate).

    Notes
    -----
    A fitted vectorizer pickles with its token table (about 8 MB for
    ``"minilm-static"``), so a restored copy needs neither the plugin nor model2vec's
    model files, only the ``model2vec`` package. :func:`sklearn_emotion.io.save` stores
    the model by name and fingerprint instead, and loads it again from the plugin.

    Examples
    --------
    >>> from sklearn_emotion_model2vec import StaticEmbeddingVectorizer
    >>> vec = StaticEmbeddingVectorizer().fit(["I love this!"])
    >>> vec.transform(["I love this!", "This is awful."]).shape
    (2, 256)
    >>> StaticEmbeddingVectorizer(dimensionality=64).fit_transform(["so happy"]).shape
    (1, 64)
    """

    _resource_attributes = ("model_",)  # stored by reference in model files
    _parameter_constraints = {
        "model": [str, os.PathLike],
        "dimensionality": [Interval(Integral, 1, None, closed="left"), None],
        "normalize": ["boolean"],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, model="minilm-static", dimensionality=None, normalize=True,
                 max_length=512, batch_size=1024):
        self.model = model
        self.dimensionality = dimensionality
        self.normalize = normalize
        self.max_length = max_length
        self.batch_size = batch_size

    def _load_resource(self, resource) -> dict:
        """Load the model2vec model that ``resource`` points at."""
        model2vec = import_optional("model2vec", feature="StaticEmbeddingVectorizer")

        def loader(location, local_files_only):
            # model2vec reads a local folder directly; a hub name goes through the hub
            return model2vec.StaticModel.from_pretrained(
                location, normalize=self.normalize, force_download=not local_files_only)

        model = load_encoder("StaticEmbeddingVectorizer", resource, loader)
        if not isinstance(model, model2vec.StaticModel):
            raise TypeError(
                f"The encoders plugin {self.model!r} returned a {type(model).__name__}; "
                "StaticEmbeddingVectorizer needs a model2vec model folder."
            )
        full = int(model.dim)
        if self.dimensionality is not None and self.dimensionality > full:
            raise ValueError(
                f"StaticEmbeddingVectorizer: dimensionality={self.dimensionality} exceeds the "
                f"{full} dimensions of model {self.model!r}; pass at most {full} or None."
            )
        return {"model_": model, "n_features_out_": self.dimensionality or full}

    def _weights_fingerprint(self) -> str:
        return fingerprint_arrays(np.asarray(self.model_.embedding),
                                  self.model_.tokenizer.to_str(), repr(self.model_.normalize))

    def _encode(self, texts: list[str]) -> np.ndarray:
        embeddings = self.model_.encode(
            texts, max_length=self.max_length, batch_size=self.batch_size,
            show_progress_bar=False, use_multiprocessing=False,
        )
        embeddings = np.asarray(embeddings, dtype=np.float32)[:, : self.n_features_out_]
        if self.normalize and self.dimensionality is not None:
            norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
            embeddings = embeddings / np.maximum(norms, np.finfo(np.float32).tiny)
        return embeddings
