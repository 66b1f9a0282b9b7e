"""BertVectorizer: contextual embeddings from a BERT-family encoder, CLS or mean pooled."""

from __future__ import annotations

import os
import warnings
from numbers import Integral

import numpy as np

from .._optional import import_optional
from ..cache import fingerprint_arrays
from ..exceptions import EmotionWarning
from ..inference._backend import BACKEND_CONSTRAINTS, OnnxBackendMixin
from ..utils._hf import load_encoder, transformer_folder
from ..utils._progress import show_progress
from ..utils._torch import _PortableModulesMixin, resolve_device
from ..utils._validation import Interval, StrOptions
from ._features import CACHE_CONSTRAINT
from ._pretrained import PretrainedVectorizer

__all__ = ["BertVectorizer"]


class BertVectorizer(OnnxBackendMixin, _PortableModulesMixin, PretrainedVectorizer):
    """Contextual embeddings of raw texts from a BERT-family encoder (frozen).

    Each text is split into word pieces by the model's tokenizer, run through the
    encoder, and the hidden states of one layer are pooled into one vector per text.

    Parameters
    ----------
    model : str or path-like, default="all-MiniLM-L6-v2"
        A registered encoder plugin name, a local Hugging Face (or sentence-transformers)
        model folder, or a Hugging Face hub name (local cache first, then online).
    pooling : {"cls", "mean"}, default="cls"
        ``"cls"``: the hidden state of the first token ([CLS]); ``"mean"``: the average
        over all tokens of the text (special tokens included, padding excluded), which is
        what sentence-transformers' mean pooling computes.
    layer : int, default=-1
        Which hidden states to pool: 0 is the embedding layer, 1..n the transformer
        layers, and negative values count from the end (-1 is the last layer).
    max_length : int, default=128
        Word pieces per text, special tokens included; longer texts are truncated (an
        :class:`~sklearn_emotion.exceptions.EmotionWarning` counts them). At most the
        model's ``max_position_embeddings``.
    batch_size : int, default=32
        Texts per forward pass. Texts are sorted by length so that each batch is padded
        only to its own longest text.
    device : str, default="cpu"
        Torch device; ``"auto"`` picks CUDA, then MPS, then CPU at fit time.
    progress_bar : bool or "auto", default="auto"
        Show a progress bar over batches; ``"auto"`` shows it from 1000 texts on.
    cache : None, bool, str, path-like, EmbeddingCache or joblib.Memory, default=None
        Keep embeddings on disk and encode each text only once per model and setting,
        across folds, grid-search candidates, processes and runs: a folder path (or
        ``True`` for :func:`~sklearn_emotion.cache.default_cache_dir`), an
        :class:`~sklearn_emotion.cache.EmbeddingCache`, or a ``joblib.Memory`` (which
        caches whole ``transform`` calls). Entries are keyed by the model's contents,
        ``pooling``, ``layer``, ``max_length`` and the text. Texts served from the cache
        are not counted in the truncation warning. ``quantize`` joins the key when
        set. With ``backend="onnx"``, the cache folder also keeps the exported graphs.
        ``None``: no cache.
    backend : {"torch", "onnx"}, default="torch"
        What runs the encoder in ``transform``: PyTorch, or ONNX Runtime on the CPU
        (``fit`` exports the encoder with the chosen ``layer`` and ``pooling`` to an
        ONNX graph, once per process and weights; needs
        ``pip install "sklearn-emotion[onnx]"``). fp32 ONNX embeddings agree with the
        torch ones within 1e-4 (absolute, per coordinate).
    quantize : {None, "int8"}, default=None
        With ``backend="onnx"``: ``"int8"`` quantizes the graph's weights to 8-bit
        integers per channel (dynamic quantization), faster on a CPU at a small cost
        in fidelity (with MiniLM, cosine similarity to the fp32 embedding 0.99 on
        average, see ``benchmarks/bench_onnx.py``).

    Attributes
    ----------
    tokenizer_ : transformers.PreTrainedTokenizerBase
        The loaded tokenizer.
    model_ : transformers.PreTrainedModel
        The loaded encoder, in eval mode.
    device_ : str
        The torch device in use.
    n_layers_ : int
        Number of transformer layers of the model.
    n_features_out_ : int
        Hidden size (384 for all-MiniLM-L6-v2).
    n_features_in_ : int
        Always 1 (one text column).
    onnx_model_ : ndarray of uint8
        With ``backend="onnx"``: the serialized ONNX graph, stored in model files and
        pickles so that loading does not export again.

    See Also
    --------
    SentenceVectorizer : Sentence embeddings with the model's own pooling.

    Notes
    -----
    With all-MiniLM-L6-v2, ``pooling="mean"`` and ``layer=-1`` reproduce
    ``SentenceVectorizer(normalize=False)`` for texts shorter than ``max_length``.
    A fitted vectorizer pickles with its weights.

    Examples
    --------
    >>> from sklearn_emotion.vectorizers import BertVectorizer
    >>> vec = BertVectorizer(pooling="mean", layer=-2)  # nothing is loaded yet
    >>> vec.fit_transform(["I love this!", "This is awful."]).shape  # doctest: +SKIP
    (2, 384)
    """

    _torch_modules = ("model_",)  # pickled on the CPU, see _PortableModulesMixin
    _resource_attributes = ("tokenizer_", "model_", "device_")  # stored by reference
    _parameter_constraints = {
        "model": [str, os.PathLike],
        "pooling": [StrOptions({"cls", "mean"})],
        "layer": [Integral],
        "max_length": [Interval(Integral, 2, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, None],
        "progress_bar": ["boolean", StrOptions({"auto"})],
        "cache": CACHE_CONSTRAINT,
        **BACKEND_CONSTRAINTS,
    }

    def __init__(
        self,
        model="all-MiniLM-L6-v2",
        pooling="cls",
        layer=-1,
        max_length=128,
        batch_size=32,
        device="cpu",
        progress_bar="auto",
        cache=None,
        backend="torch",
        quantize=None,
    ):
        self.model = model
        self.pooling = pooling
        self.layer = layer
        self.max_length = max_length
        self.batch_size = batch_size
        self.device = device
        self.progress_bar = progress_bar
        self.cache = cache
        self.backend = backend
        self.quantize = quantize

    @property
    def _cache_params(self):
        # int8 embeddings are others; fp32 ONNX ones share the torch entries (1e-4)
        names = ("pooling", "layer", "max_length")
        return names if self.quantize is None else names + ("quantize",)

    def _load_resource(self, resource) -> dict:
        """Load the tokenizer and the encoder that ``resource`` points at."""
        transformers = import_optional("transformers", feature="BertVectorizer")

        def loader(location, local_files_only):
            location = transformer_folder(location)
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                location, local_files_only=local_files_only
            )
            model = transformers.AutoModel.from_pretrained(
                location, local_files_only=local_files_only
            )
            return tokenizer, model

        loaded = load_encoder(
            "BertVectorizer", resource, loader, progress=self.progress_bar is True
        )
        if not isinstance(loaded, tuple):
            raise TypeError(
                f"The encoders plugin {self.model!r} returned a {type(loaded).__name__}; "
                "BertVectorizer needs a Hugging Face model folder."
            )
        tokenizer, model = loaded
        config = model.config
        n_layers = int(getattr(config, "num_hidden_layers", 0))
        if not -(n_layers + 1) <= self.layer <= n_layers:
            raise ValueError(
                f"BertVectorizer got layer={self.layer}, but {self.model!r} has {n_layers} "
                f"layers: use 0 (embeddings) to {n_layers}, or -1 to -{n_layers + 1} "
                "counting from the last layer."
            )
        limit = getattr(config, "max_position_embeddings", None)
        if limit is not None and self.max_length > limit:
            raise ValueError(
                f"BertVectorizer got max_length={self.max_length}, but {self.model!r} "
                f"handles at most {limit} tokens; set max_length <= {limit}."
            )
        device = resolve_device(self.device)
        return {
            "device_": device,
            "tokenizer_": tokenizer,
            "model_": model.to(device).eval(),
            "n_layers_": n_layers,
            "n_features_out_": int(config.hidden_size),
        }

    def _weights_fingerprint(self) -> str:
        vocab = self.tokenizer_.get_vocab()
        return fingerprint_arrays(
            sorted(vocab, key=vocab.get), repr(self.model_.config), self.model_.state_dict()
        )

    def _encode_inputs(self, texts: list[str]):
        """Word-piece ids (truncated) per text, and how many texts were truncated."""
        enc = self.tokenizer_(
            texts, truncation=True, max_length=self.max_length, add_special_tokens=True
        )
        if enc.encodings is not None:  # fast tokenizer: overflow is recorded
            n_truncated = sum(1 for e in enc.encodings if e.overflowing)
        else:
            full = self.tokenizer_(texts, truncation=False, add_special_tokens=True)
            n_truncated = sum(len(ids) > self.max_length for ids in full["input_ids"])
        names = [k for k in ("input_ids", "token_type_ids") if k in enc]
        return {k: enc[k] for k in names}, n_truncated

    def _encode(self, texts: list[str]) -> np.ndarray:
        from tqdm.auto import tqdm  # lazily: it looks for notebooks (a quarter second)

        inputs, n_truncated = self._encode_inputs(texts)
        if n_truncated:
            warnings.warn(
                f"BertVectorizer truncated {n_truncated} of {len(texts)} texts to "
                f"max_length={self.max_length} word pieces; raise max_length to keep more.",
                EmotionWarning,
                # _encode < _cached (< the cache's get_or_compute) < transform <
                # sklearn's set_output wrapper < caller
                stacklevel=5 if self._cache_store() is None else 6,
            )
        lengths = np.fromiter(map(len, inputs["input_ids"]), dtype=np.int64, count=len(texts))
        order = np.argsort(-lengths, kind="stable")  # longest first: memory peaks early
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        pad_id = self.tokenizer_.pad_token_id or 0
        out = np.empty((len(texts), self.n_features_out_), dtype=np.float32)
        show = show_progress(self.progress_bar, len(texts))

        def make_arrays(batch):
            width = int(lengths[batch].max())
            arrays = {k: np.zeros((len(batch), width), dtype=np.int64) for k in inputs}
            arrays["input_ids"][:] = pad_id
            for row, i in enumerate(batch):
                for key, values in inputs.items():
                    arrays[key][row, : lengths[i]] = values[i]
            valid = np.arange(width) < lengths[batch, None]
            arrays["attention_mask"] = valid.astype(np.int64)
            return arrays

        if self.backend == "onnx":
            outputs = self._run_onnx_batches(batches, make_arrays)
        else:
            outputs = (self._run_torch(make_arrays(batch)) for batch in batches)
        bar = tqdm(outputs, total=len(batches), desc="BertVectorizer", disable=not show)
        for batch, pooled in zip(batches, bar):
            out[batch] = pooled
        return out

    def _run_torch(self, arrays: dict) -> np.ndarray:
        """The pooled hidden states of one padded batch, with the torch model."""
        torch = import_optional("torch", feature="BertVectorizer")
        from ..inference._modules import PooledHiddenStates

        pooled = PooledHiddenStates(self.model_.eval(), self.pooling, self.layer)
        with torch.inference_mode():
            tensors = {k: torch.from_numpy(v).to(self.device_) for k, v in arrays.items()}
            return pooled(**tensors).float().cpu().numpy()

    # ------------------------------------------------------------ ONNX backend
    def _onnx_module(self):
        from ..inference._modules import PooledHiddenStates, example_inputs

        def tokenize(texts):
            return self.tokenizer_(texts, padding="longest", truncation=True,
                                   max_length=self.max_length)

        module = PooledHiddenStates(self.model_, self.pooling, self.layer)
        return module, example_inputs(tokenize)

    def _onnx_fingerprint(self) -> str:
        return self._model_fingerprint()

    def _onnx_options(self) -> dict:
        return {"pooling": self.pooling, "layer": self.layer}
