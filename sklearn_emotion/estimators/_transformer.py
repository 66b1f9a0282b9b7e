"""Fine-tuning a pretrained transformer (BERT family) on raw texts."""

from __future__ import annotations

import copy
import os
from numbers import Integral, Real

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.callbacks import GradientNormClipping
from skorch.dataset import Dataset
from skorch.utils import is_dataset
from sklearn.utils.validation import check_consistent_length
from torch.utils.data import DataLoader, default_collate

from .._optional import import_optional
from ..cache import fingerprint_arrays
from ..inference._backend import BACKEND_CONSTRAINTS, OnnxBackendMixin
from ..inference._graph import fp32_feedforward_nodes
from ..nn import TransformerNet
from ..text._base import RawTextMixin
from ..utils._validation import Interval, StrOptions, as_input_errors, warn_truncated
from ..utils._hf import load_encoder, transformer_folder
from ._base import _EmotionNetMixin
from ._params import compose_docs, module_constraints
from ._sample_weight import WeightedInputs, split_weights, weighted_collate
# _warmup_schedule too: model files written before the split name both here
from ._warmup import _WarmupLRScheduler, _warmup_schedule  # noqa: F401

__all__ = ["TransformerClassifier"]

# AdamW's decoupled weight decay is not applied to biases and normalisation weights
# (BERT's recipe; Hugging Face's Trainer excludes the same). skorch matches the
# patterns against ``module_.named_parameters()``; the first matching group wins.
_NO_DECAY_PATTERNS = ("*bias", "*[Nn]orm.weight")


def _default_param_groups() -> list:
    return [(pattern, {"weight_decay": 0.0}) for pattern in _NO_DECAY_PATTERNS]


class _TextCollator:
    """Tokenise one batch of ``(text, target)`` pairs, padded to its longest text.

    Weighted samples (``fit`` with ``sample_weight``) stay weighted: the batch is then
    ``WeightedInputs(inputs=<tokens>, sample_weight=<weights>)``.
    """

    def __init__(self, tokenizer, max_length):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        inputs = [split_weights(x) for x, _ in batch]
        texts = [str(text) for text, _ in inputs]
        targets = default_collate([target for _, target in batch])
        encoded = self.tokenizer(
            texts,
            padding="longest",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        if inputs[0][1] is None:
            return dict(encoded), targets
        weights = default_collate([weight for _, weight in inputs])
        return WeightedInputs(inputs=dict(encoded), sample_weight=weights), targets


@compose_docs
class TransformerClassifier(OnnxBackendMixin, RawTextMixin, _EmotionNetMixin, NeuralNetClassifier):
    """Fine-tune a pretrained transformer encoder on raw texts to classify emotions.

    Raw texts go in, labels come out: the estimator loads the model's tokenizer and
    weights in ``fit``, tokenises each batch padded to its own longest text, and
    trains the whole encoder together with a linear head. The defaults follow the
    usual BERT fine-tuning recipe (AdamW, 3 epochs, batch 8, learning rate 5e-5,
    weight decay 0.01 except on biases and LayerNorm weights, linear warmup over 500
    batches then linear decay to 0, gradient norm clipped at 1). It is a
    scikit-learn classifier (``Pipeline``, ``GridSearchCV``, ``clone``, pickle) and a
    ``skorch.NeuralNetClassifier`` (callbacks, ``history``, ``module__*``,
    ``optimizer__*`` and ``callbacks__*`` parameters).

    Parameters
    ----------
    model : str or path-like, default="all-MiniLM-L6-v2"
        The pretrained encoder: a registered ``encoders`` plugin name, a local
        Hugging Face (or sentence-transformers) model folder, or a Hugging Face hub
        name (tried from the local cache, then online).
    max_length : int, default=128
        Word pieces per text, special tokens included; longer texts are truncated,
        with one ``EmotionWarning`` per ``fit`` or ``predict`` that counts them.
        At most what the model supports (512 for BERT).
    module : torch.nn.Module class, default=TransformerNet
        The network; it must return logits. ``model_name_or_path``,
        ``local_files_only`` and ``output_dim`` are filled in at fit time, and so are
        ``pooling`` and ``dropout``. Its other arguments are ``module__<name>``.
    pooling : {"mean", "cls", "pooler"}, default="mean"
        How the token states become one vector per text: their mean over the text's
        tokens (the pooling sentence-transformers models were trained with), the
        [CLS] token's state, or the encoder's own pooler output (BERT).
    dropout : float, default=0.1
        Dropout before the classification head, in ``[0, 1)``; the encoder keeps the
        dropout of its own configuration.
    {shared: criterion}
    optimizer : torch optimizer class, default=torch.optim.AdamW
        Its arguments are set with ``optimizer__<name>``. By default
        ``optimizer__weight_decay=0.01`` and ``optimizer__param_groups`` sets the
        weight decay of biases and normalisation weights (parameter names matching
        ``*bias`` or ``*[Nn]orm.weight``) to 0. Adam and AdamW use their fused
        kernel where the device has one, as transformers' ``Trainer`` does (unless
        ``optimizer__fused`` or ``optimizer__foreach`` is set).
    lr : float, default=5e-5
        Peak learning rate, reached at the end of the warmup.
    {shared: max_epochs batch_size}
    warmup_steps : int or float, default=500
        Batches over which the learning rate rises linearly from 0 to ``lr``. A float
        in ``[0, 1)`` is a share of all training batches (e.g. ``0.1``). When the
        warmup covers the whole training run (small data), an ``EmotionWarning``
        says so.
    lr_schedule : {"linear", "cosine", "constant"} or None, default="linear"
        Learning rate after the warmup: linear or cosine decay to 0 at the last batch,
        or constant (transformers' ``get_*_schedule_with_warmup``, run by skorch's
        ``LRScheduler`` every batch). ``None``: constant ``lr``, no warmup.
    max_grad_norm : float or None, default=1.0
        Clip the gradient norm to this value before each step
        (``skorch.callbacks.GradientNormClipping``); ``None`` disables clipping.
    {shared: train_split class_weight random_state early_stopping}
        Off by default: the recipe trains for only 3 epochs, and the learning-rate
        schedule already ends at 0.
    {shared: validation_fraction n_iter_no_change device}
        Fine-tuning on a CPU is slow: about 50 texts per second for MiniLM on two cores.
    {shared: verbose progress_bar threshold classes}
    backend : {"torch", "onnx"}, default="torch"
        What runs ``predict`` and ``predict_proba``: PyTorch, or ONNX Runtime on the
        CPU. Training always runs in PyTorch; with ``"onnx"``, ``fit`` ends by exporting
        the fine-tuned network to an ONNX graph (also built lazily at the first
        prediction after ``set_params(backend="onnx")``; needs
        ``pip install "sklearn-emotion[onnx]"``). fp32 ONNX probabilities agree with
        the torch ones within 1e-4 (absolute).
    quantize : {None, "int8"}, default=None
        With ``backend="onnx"``: ``"int8"`` quantizes the graph's weights to 8-bit
        integers per channel (dynamic quantization; the feed-forward outputs of the
        first half of the layers stay fp32), faster on a CPU; one or two predictions
        in a hundred may change (``benchmarks/bench_onnx.py`` measures the macro-F1).
    {shared: kwargs}
        A custom ``iterator_train__collate_fn``/``iterator_valid__collate_fn`` replaces
        the built-in tokenisation.

    Attributes
    ----------
    {shared: classes_ multilabel_}
    tokenizer_ : transformers.PreTrainedTokenizerBase
        The model's tokenizer (fast when available).
    model_path_ : str
        Where the weights were loaded from: a local folder, or the hub name.
    n_features_in_ : int
        Always 1 (one column of text).
    {shared: label_encoder_ class_weight_}
    module_ : TransformerNet
        The fine-tuned network.
    {shared: history_}
        The learning rate of every training batch is in
        ``history[:, "batches", :, "event_lr"]``.
    onnx_model_ : ndarray of uint8
        With ``backend="onnx"``: the serialized ONNX graph of the fitted network,
        stored in model files and pickles so that loading does not export again.

    See Also
    --------
    sklearn_emotion.nn.TransformerNet : The default network.
    sklearn_emotion.vectorizers.BertVectorizer : Frozen embeddings from the same models.
    FeedForwardClassifier : A fast head over frozen sentence embeddings.

    Notes
    -----
    The learning rate of 5e-5 is the default of transformers' ``Trainer`` that the
    recipe runs with. With only 3 epochs, the smaller 2e-5 often used for BERT-base
    leaves a 6-layer model such as MiniLM under-trained; grid-search ``lr`` over
    ``[2e-5, 5e-5]`` when there is time.

    Texts are tokenised batch by batch and padded to the longest text of each batch
    (dynamic padding), never to ``max_length``. ``warmup_steps=500`` assumes a data
    set of thousands of texts; on small data use a fraction such as ``0.1``.

    {shared: multilabel_notes}

    A fitted classifier pickles with its weights and tokenizer, so it loads and
    predicts without the original model folder. The pickle also holds the AdamW
    state (about twice the model's size), which ``warm_start`` needs.

    Examples
    --------
    >>> from sklearn_emotion.estimators import TransformerClassifier
    >>> clf = TransformerClassifier(max_length=64, random_state=0)
    >>> clf.set_params(lr=2e-5, pooling="cls")  # nothing is loaded yet
    TransformerClassifier(lr=2e-05, max_length=64, pooling='cls', random_state=0)
    >>> clf.get_params()["optimizer__weight_decay"]
    0.01
    >>> X = ["I love this so much!", "This is terrible.", "What a lovely day", "I hate it"]
    >>> y = ["joy", "anger", "joy", "anger"]
    >>> _ = clf.set_params(max_epochs=10, warmup_steps=0.1).fit(X, y)  # doctest: +SKIP
    >>> clf.predict(["so happy today"])  # doctest: +SKIP
    array(['joy'], dtype='<U5')
    """

    # recreated by initialize() from the model folder; sklearn_emotion.io never stores them
    _persist_rebuilt = ("tokenizer_", "model_path_", "_local_files_only_")

    _int8_fp32_nodes = staticmethod(fp32_feedforward_nodes)

    _parameter_constraints: dict = {
        **_EmotionNetMixin._parameter_constraints,
        "model": [str, os.PathLike],
        "max_length": [Interval(Integral, 2, None, closed="left")],
        "warmup_steps": [
            Interval(Integral, 0, None, closed="left"),
            Interval(Real, 0, 1, closed="left"),
        ],
        "lr_schedule": [StrOptions({"linear", "cosine", "constant"}), None],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        **module_constraints("dropout", pooling=("mean", "cls", "pooler")),
        **BACKEND_CONSTRAINTS,
    }
    # forwarded to the module (see _sklearn_params.py)
    _module_params = ("pooling", "dropout")
    # set by __init__ unless given; the repr leaves them out while unchanged
    _default_kwargs = {
        "optimizer__weight_decay": 0.01,
        "optimizer__param_groups": _default_param_groups(),
    }

    def __init__(
        self, model="all-MiniLM-L6-v2", *, max_length=128, module=TransformerNet,
        pooling="mean", dropout=0.1, criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW, lr=5e-5,
        max_epochs=3, batch_size=8, warmup_steps=500, lr_schedule="linear",
        max_grad_norm=1.0, train_split="auto", class_weight=None, random_state=None,
        early_stopping=False, validation_fraction=0.1, n_iter_no_change=2, device="auto",
        verbose=0, progress_bar="auto", threshold=0.5, classes=None, backend="torch",
        quantize=None, **kwargs,
    ):
        # (a comprehension: no loop variable may end up in locals())
        kwargs = {**{k: copy.deepcopy(v) for k, v in self._default_kwargs.items()}, **kwargs}
        self._store_init_arguments(locals())

    # ------------------------------------------------------------ input, model
    def _validate_input(self, X, y="no_validation", *, reset):
        """Texts as a 1-D object array (skorch indexes it per sample); y by the base class."""
        only_X = isinstance(y, str) and y == "no_validation"
        if not only_X:
            # first: validating y alone resets feature_names_in_, which X then sets
            y = self._validate_target(y)
        texts = np.asarray(self._validate_texts(X, reset=reset), dtype=object)
        if only_X:
            self._warn_truncated(texts)  # predict; fit counts once the tokenizer is loaded
            return texts
        check_consistent_length(texts, y)
        return texts, y

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._check_backend()
        self._forget_onnx_graph()  # the weights are about to change
        if isinstance(X, np.ndarray):
            self._warn_truncated(X)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        super().on_train_end(net, X=X, y=y, **kwargs)
        if self.backend == "onnx":
            self._ensure_onnx_graph()

    def _warn_truncated(self, texts):
        """One EmotionWarning that counts the texts longer than ``max_length``."""
        tokenizer = getattr(self, "tokenizer_", None)
        if tokenizer is None or not len(texts):
            return
        lengths = tokenizer(
            list(texts), add_special_tokens=True, return_length=True,
            return_attention_mask=False, return_token_type_ids=False, verbose=False,
        )["length"]
        n_truncated = sum(int(n) > self.max_length for n in lengths)
        warn_truncated(type(self).__name__, n_truncated, len(texts), self.max_length,
                       "word pieces")

    def initialize(self):
        """Load the tokenizer and resolve the model folder, then build the net."""
        self._load_pretrained()
        return super().initialize()

    def _load_pretrained(self):
        name = type(self).__name__
        transformers = import_optional("transformers", feature=name)

        def loader(location, local_files_only):
            location = transformer_folder(location)
            tokenizer = transformers.AutoTokenizer.from_pretrained(
                location, local_files_only=local_files_only
            )
            config = transformers.AutoConfig.from_pretrained(
                location, local_files_only=local_files_only
            )
            return location, local_files_only, tokenizer, config

        loaded = load_encoder(name, self.model, loader, progress=self.progress_bar is True)
        if not isinstance(loaded, tuple):
            raise TypeError(
                f"The encoders plugin {self.model!r} returned a {type(loaded).__name__}; "
                f"{name} needs a Hugging Face model folder to fine-tune."
            )
        location, local_files_only, tokenizer, config = loaded
        if tokenizer.pad_token_id is None:
            raise ValueError(
                f"{name}: the tokenizer of {self.model!r} has no padding token, which "
                "batching texts of different lengths needs. Use an encoder model "
                "(BERT, RoBERTa, MiniLM, ...) or save a tokenizer with a pad_token."
            )
        limit = getattr(config, "max_position_embeddings", None)
        if limit is not None and self.max_length > limit:
            raise ValueError(
                f"{name} got max_length={self.max_length}, but {self.model!r} handles "
                f"at most {limit} tokens; set max_length <= {limit}."
            )
        self.tokenizer_ = tokenizer
        self.model_path_ = str(location)
        self._local_files_only_ = bool(local_files_only)

    def _inferred_module_params(self) -> dict:
        params = super()._inferred_module_params()
        params.pop("input_dim", None)  # the module reads token ids, not features
        if params and hasattr(self, "model_path_"):
            params["model_name_or_path"] = self.model_path_
            params["local_files_only"] = self._local_files_only_
        return params

    # ------------------------------------------------------------ skorch hooks
    def initialize_optimizer(self, triggered_directly=None):
        """Build the optimizer; Adam and AdamW use their fused kernel when they can.

        transformers' Trainer does the same: on a CPU one fused AdamW step over MiniLM
        takes about a sixth of the time of the default (foreach) one, a quarter of
        the training time. ``optimizer__fused`` or ``optimizer__foreach`` decide instead.
        """
        if triggered_directly is not None:  # skorch's deprecated argument
            return super().initialize_optimizer(triggered_directly)
        named_parameters = self.get_all_learnable_params()
        args, kwargs = self.get_params_for_optimizer("optimizer", named_parameters)
        fusable = self.optimizer in (torch.optim.Adam, torch.optim.AdamW)
        if fusable and not {"fused", "foreach"} & set(kwargs):
            groups = [dict(group) for group in args[0]]  # the optimizer adds its defaults
            try:
                self.optimizer_ = self.optimizer(groups, *args[1:], fused=True, **kwargs)
                return self
            except (RuntimeError, TypeError, ValueError):
                pass  # no fused kernel for this device or torch version
        self.optimizer_ = self.optimizer(*args, **kwargs)
        return self

    @property
    def _default_callbacks(self):
        callbacks = list(super()._default_callbacks)
        extra = []
        if self.lr_schedule is not None:
            extra.append((
                "lr_scheduler",
                _WarmupLRScheduler(lr_schedule=self.lr_schedule, warmup_steps=self.warmup_steps),
            ))
        if self.max_grad_norm is not None:
            extra.append(("gradient_clipping", GradientNormClipping(self.max_grad_norm)))
        names = [name for name, _ in callbacks]
        at = names.index("print_log") if "print_log" in names else len(callbacks)
        return callbacks[:at] + extra + callbacks[at:]

    def get_iterator(self, dataset, training=False):
        # Each batch is tokenised and padded to its own longest text by a collate_fn,
        # unless the user passes iterator_*__collate_fn. Training batches are
        # shuffled by default, as in the other estimators.
        prefix = "iterator_train" if training else "iterator_valid"
        if getattr(self, prefix) is not DataLoader:
            return super().get_iterator(dataset, training=training)
        kwargs = self.get_params_for(prefix)
        kwargs.setdefault("collate_fn", _TextCollator(self.tokenizer_, self.max_length))
        kwargs["collate_fn"] = weighted_collate(dataset, kwargs["collate_fn"])
        kwargs.setdefault("batch_size", self.batch_size)
        if training:
            kwargs.setdefault("shuffle", True)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return DataLoader(dataset, **kwargs)

    def predict_proba(self, X):
        """Class probabilities; columns follow ``classes_`` (multi-label: one sigmoid each).

        Texts are run in order of length, so each batch pads little, and the rows come
        back in input order.

        Parameters
        ----------
        X : iterable of str of shape (n_samples,)
            Raw texts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), dtype float32
        """
        self.check_is_fitted()
        if is_dataset(X):  # skorch's scoring callbacks pass its own datasets
            return super().predict_proba(X)
        with as_input_errors():
            texts = self._validate_input(X, reset=False)
        order = np.argsort([len(text) for text in texts], kind="stable")
        if self.backend == "onnx":
            proba = self._predict_proba_onnx(texts[order])
        else:
            proba = super().predict_proba(Dataset(texts[order], None))
        in_input_order = np.empty_like(proba)
        in_input_order[order] = proba
        return in_input_order

    # ------------------------------------------------------------ ONNX backend
    def _predict_proba_onnx(self, texts) -> np.ndarray:
        """Probabilities of texts (sorted by length) from the ONNX graph, batch by batch."""
        nonlinearity = self._get_predict_nonlinearity()
        batch_size = len(texts) if self.batch_size == -1 else self.batch_size
        starts = range(0, len(texts), max(batch_size, 1))

        def make_arrays(start):
            batch = [str(text) for text in texts[start : start + batch_size]]
            return dict(self.tokenizer_(batch, padding="longest", truncation=True,
                                        max_length=self.max_length, return_tensors="np"))

        probas = [nonlinearity(torch.from_numpy(logits)).numpy()
                  for logits in self._run_onnx_batches(starts, make_arrays)]
        n_classes = len(self.classes_)
        return np.concatenate(probas) if probas else np.empty((0, n_classes), np.float32)

    def _onnx_module(self):
        from ..inference._modules import example_inputs

        def tokenize(texts):
            return self.tokenizer_(texts, padding="longest", truncation=True,
                                   max_length=self.max_length)

        module = copy.deepcopy(self.module_).to("cpu").eval()
        return module, example_inputs(tokenize)

    def _onnx_fingerprint(self) -> str:
        return fingerprint_arrays(repr(self.module_), self.module_.state_dict())

    def _onnx_options(self) -> dict:
        return {}
