"""SentenceVectorizer: frozen sentence-transformers embeddings of raw texts."""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np

from .._optional import import_optional
from ..cache import fingerprint_arrays
from ..inference._backend import BACKEND_CONSTRAINTS, OnnxBackendMixin
from ..utils._hf import load_encoder
from ..utils._progress import show_progress
from ..utils._torch import _PortableModulesMixin, resolve_device
from ..utils._validation import Interval, StrOptions, warn_truncated
from ._features import CACHE_CONSTRAINT
from ._pretrained import PretrainedVectorizer

__all__ = ["SentenceVectorizer"]


class SentenceVectorizer(OnnxBackendMixin, _PortableModulesMixin, PretrainedVectorizer):
    """Sentence embeddings from a sentence-transformers model (frozen, no training).

    The model is loaded in ``fit`` (never in ``__init__``), so ``clone`` and
    ``set_params`` stay cheap; ``fit`` learns nothing from ``X``.

    Parameters
    ----------
    model : str or path-like, default="all-MiniLM-L6-v2"
        A registered encoder plugin name (see ``sklearn-emotion plugins``), a local
        sentence-transformers folder, or a Hugging Face hub name (tried from the local
        cache first, then online).
    batch_size : int, default=64
        Texts encoded per forward pass.
    normalize : bool, default=True
        Scale each embedding to unit L2 norm (cosine geometry).
    device : str, default="cpu"
        Torch device; ``"auto"`` picks CUDA, then MPS, then CPU at fit time.
    progress_bar : bool or "auto", default="auto"
        Show a progress bar while encoding; ``"auto"`` shows it from 1000 texts on.
    cache : None, bool, str, path-like, EmbeddingCache or joblib.Memory, default=None
        Keep embeddings on disk and encode each text only once per model and setting,
        across folds, grid-search candidates, processes and runs: a folder path (or
        ``True`` for :func:`~sklearn_emotion.cache.default_cache_dir`), an
        :class:`~sklearn_emotion.cache.EmbeddingCache`, or a ``joblib.Memory`` (which
        caches whole ``transform`` calls). Entries are keyed by the model's contents,
        ``normalize`` (and ``quantize`` when set) and the text. ``None``: no cache.
        With ``backend="onnx"``, the cache folder also keeps the exported graphs
        (``onnx/<key>.onnx``), so other processes do not export again.
    backend : {"torch", "onnx"}, default="torch"
        What runs the encoder in ``transform``: PyTorch, or ONNX Runtime on the CPU
        (``fit`` exports the model with its pooling and normalisation to an ONNX
        graph, once per process and weights; needs
        ``pip install "sklearn-emotion[onnx]"``). fp32 ONNX embeddings agree with the
        torch ones within 1e-4 (absolute, per coordinate).
    quantize : {None, "int8"}, default=None
        With ``backend="onnx"``: ``"int8"`` quantizes the weights of the graph's
        matrix products to 8-bit integers per channel (dynamic quantization), faster
        on a CPU at a small cost in fidelity: on GoEmotions texts the cosine
        similarity to the fp32 embedding is 0.99 on average and above 0.9 for every
        text (``benchmarks/bench_onnx.py`` measures it with the downstream macro-F1).

    Attributes
    ----------
    encoder_ : sentence_transformers.SentenceTransformer
        The loaded model.
    device_ : str
        The torch device in use.
    n_features_out_ : int
        Embedding dimension (384 for all-MiniLM-L6-v2).
    n_features_in_ : int
        Always 1 (one text column).
    onnx_model_ : ndarray of uint8
        With ``backend="onnx"``: the serialized ONNX graph, stored in model files
        (:func:`sklearn_emotion.io.save`) and pickles so that loading does not export
        again.

    See Also
    --------
    BertVectorizer : Contextual token embeddings with CLS or mean pooling.
    WordVectorizer : Static word embeddings.

    Notes
    -----
    Texts longer than the model's ``max_seq_length`` (256 word pieces for
    all-MiniLM-L6-v2) are truncated by sentence-transformers, with one ``EmotionWarning``
    per ``transform`` that counts them. Models whose pipeline ends
    with a ``Normalize`` module, all-MiniLM-L6-v2 among them, return unit vectors even
    with ``normalize=False``. A fitted vectorizer pickles
    with its weights (about 90 MB for MiniLM), so a restored copy needs no model files.

    Examples
    --------
    >>> from sklearn_emotion.vectorizers import SentenceVectorizer
    >>> vec = SentenceVectorizer()  # nothing is loaded yet
    >>> vec.fit_transform(["I love this!", "This is awful."]).shape  # doctest: +SKIP
    (2, 384)
    >>> fast = SentenceVectorizer(backend="onnx", quantize="int8")  # ONNX Runtime, int8
    >>> fast.fit_transform(["I love this!", "This is awful."]).shape  # doctest: +SKIP
    (2, 384)
    """

    _torch_modules = ("encoder_",)  # pickled on the CPU, see _PortableModulesMixin
    _resource_attributes = ("encoder_", "device_")  # stored by reference in model files
    _parameter_constraints = {
        "model": [str, os.PathLike],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "normalize": ["boolean"],
        "device": [str, None],
        "progress_bar": ["boolean", StrOptions({"auto"})],
        "cache": CACHE_CONSTRAINT,
        **BACKEND_CONSTRAINTS,
    }

    def __init__(
        self,
        model="all-MiniLM-L6-v2",
        batch_size=64,
        normalize=True,
        device="cpu",
        progress_bar="auto",
        cache=None,
        backend="torch",
        quantize=None,
    ):
        self.model = model
        self.batch_size = batch_size
        self.normalize = normalize
        self.device = device
        self.progress_bar = progress_bar
        self.cache = cache
        self.backend = backend
        self.quantize = quantize

    @property
    def _cache_params(self):
        # int8 embeddings are others; fp32 ONNX ones share the torch entries (1e-4)
        return ("normalize",) if self.quantize is None else ("normalize", "quantize")

    def _load_resource(self, resource) -> dict:
        """Load the sentence-transformers model that ``resource`` points at."""
        st = import_optional("sentence_transformers", feature="SentenceVectorizer")
        device = resolve_device(self.device)

        def loader(location, local_files_only):
            return st.SentenceTransformer(
                location, device=device, local_files_only=local_files_only
            )

        encoder = load_encoder(
            "SentenceVectorizer", resource, loader, progress=self.progress_bar is True
        )
        if not isinstance(encoder, st.SentenceTransformer):
            raise TypeError(
                f"The encoders plugin {self.model!r} returned a {type(encoder).__name__}; "
                "SentenceVectorizer needs a sentence-transformers folder or model."
            )
        encoder = encoder.to(device)
        encoder.eval()
        # sentence-transformers >= 5 renamed get_sentence_embedding_dimension
        dim = getattr(encoder, "get_embedding_dimension", None)
        dim = dim or encoder.get_sentence_embedding_dimension
        return {"device_": device, "encoder_": encoder, "n_features_out_": int(dim())}

    def _weights_fingerprint(self) -> str:
        return fingerprint_arrays(repr(self.encoder_), self.encoder_.state_dict())

    def _warn_truncated(self, texts: list[str]) -> None:
        """One EmotionWarning counting the texts longer than the model's max_seq_length."""
        tokenizer = getattr(self.encoder_, "tokenizer", None)
        limit = getattr(self.encoder_, "max_seq_length", None)
        if tokenizer is None or not limit or not texts:
            return
        lengths = tokenizer(
            texts, add_special_tokens=True, return_length=True,
            return_attention_mask=False, return_token_type_ids=False, verbose=False,
        )["length"]
        n_truncated = sum(int(n) > limit for n in lengths)
        warn_truncated("SentenceVectorizer", n_truncated, len(texts), limit, "word pieces")

    # ------------------------------------------------------------ ONNX backend
    def _tokenize(self, texts: list[str]) -> dict:
        # sentence-transformers >= 5.2 renamed tokenize to preprocess
        tokenize = getattr(self.encoder_, "preprocess", None) or self.encoder_.tokenize
        return tokenize(texts)

    def _onnx_module(self):
        from ..inference._modules import SentenceEmbedding, example_inputs

        return SentenceEmbedding(self.encoder_, self.normalize), example_inputs(self._tokenize)

    def _onnx_fingerprint(self) -> str:
        return self._model_fingerprint()

    def _onnx_options(self) -> dict:
        return {"normalize": self.normalize}

    def _encode_onnx(self, texts: list[str]) -> np.ndarray:
        order = np.argsort([-len(text) for text in texts], kind="stable")
        batches = [order[i : i + self.batch_size] for i in range(0, len(texts), self.batch_size)]

        def make_arrays(batch):
            features = self._tokenize([texts[i] for i in batch])
            return {k: np.asarray(v) for k, v in features.items()
                    if k in ("input_ids", "attention_mask", "token_type_ids")}

        out = np.empty((len(texts), self.n_features_out_), dtype=np.float32)
        outputs = self._run_onnx_batches(batches, make_arrays)
        if show_progress(self.progress_bar, len(texts)):
            from tqdm.auto import tqdm  # lazily: it looks for notebooks

            outputs = tqdm(outputs, total=len(batches), desc="SentenceVectorizer")
        for batch, embeddings in zip(batches, outputs):
            out[batch] = embeddings
        return out

    def _encode(self, texts: list[str]) -> np.ndarray:
        self._warn_truncated(texts)
        if self.backend == "onnx":
            return self._encode_onnx(texts)
        embeddings = self.encoder_.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=self.normalize,
            convert_to_numpy=True,
            show_progress_bar=show_progress(self.progress_bar, len(texts)),
        )
        return np.asarray(embeddings, dtype=np.float32)
