"""The ``backend`` and ``quantize`` parameters, shared by the transformer estimators.

:class:`OnnxBackendMixin` validates the two parameters, builds the graph of the fitted
weights (through the caches of :mod:`._graph`) and runs it. The estimator says what
is exported and how it is identified through three hooks:

``_onnx_module(self) -> (torch.nn.Module, example inputs)``
    The module to export (see :mod:`._modules`) and a dict of example tensors.
``_onnx_fingerprint(self) -> str``
    A hash of the weights.
``_onnx_options(self) -> dict``
    The parameters that change the graph besides ``quantize`` (pooling, layer...).

and optionally ``_onnx_directory(self)``, a folder that keeps graphs across processes, and
``_int8_fp32_nodes``, a function of the graph naming the nodes int8 leaves in fp32.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence

import numpy as np

from ..utils._validation import StrOptions
from ._graph import build_graph, export_onnx, graph_key, require_onnx
from ._session import default_threads, get_session, run_session

__all__ = ["BACKEND_CONSTRAINTS", "OnnxBackendMixin"]

#: ``_parameter_constraints`` entries of the two parameters.
BACKEND_CONSTRAINTS = {
    "backend": [StrOptions({"torch", "onnx"})],
    "quantize": [StrOptions({"int8"}), None],
}
# the fitted attributes that hold the graph (stored in model files and pickles)
ONNX_ATTRIBUTES = ("onnx_model_", "onnx_key_", "onnx_options_")


class OnnxBackendMixin:
    """``backend="torch" | "onnx"`` and ``quantize=None | "int8"`` for an estimator."""

    #: int8 quantizes every projection unless an estimator names nodes to keep in fp32
    _int8_fp32_nodes = None

    def _check_backend(self) -> None:
        """Refuse ``quantize`` without ONNX, and ONNX without onnxruntime (named extra)."""
        name = type(self).__name__
        if self.quantize is not None and self.backend != "onnx":
            raise ValueError(
                f"{name}: quantize={self.quantize!r} quantizes the exported ONNX graph, "
                f"but backend={self.backend!r}; set backend='onnx' to quantize, or "
                "quantize=None to run the torch model."
            )
        if self.backend == "onnx":
            require_onnx(name)

    def _onnx_directory(self):
        """The folder of the ``cache`` parameter's EmbeddingCache, if any."""
        path = getattr(self._cache_store(), "path", None) if hasattr(self, "cache") else None
        return path.parent if path is not None else None

    # PretrainedVectorizer's fit hooks
    def _check_params(self) -> None:
        self._check_backend()

    def _after_load(self) -> None:
        self._forget_onnx_graph()
        if self.backend == "onnx":
            self._ensure_onnx_graph()

    def _forget_onnx_graph(self) -> None:
        for name in ONNX_ATTRIBUTES:
            self.__dict__.pop(name, None)

    def _ensure_onnx_graph(self) -> None:
        """Set ``onnx_model_`` (the graph) for the current parameters, building it once.

        A graph stored with the same options (by ``fit``, a model file or a pickle) is
        kept; otherwise the graph comes from this process's memory, the disk cache, or
        an export of the fitted weights.
        """
        self._check_backend()
        options = {**self._onnx_options(), "quantize": self.quantize}
        if (getattr(self, "onnx_options_", None) == options
                and getattr(self, "onnx_model_", None) is not None):
            return
        fingerprint = self._onnx_fingerprint()
        directory = self._onnx_directory()

        def export():
            module, inputs = self._onnx_module()
            return export_onnx(module, inputs)

        def fp32_graph():  # cached too: int8 after fp32 (or the reverse) exports once
            fp32_key = graph_key(fingerprint, estimator=type(self).__name__,
                                 **{**options, "quantize": None})
            return build_graph(fp32_key, export, directory=directory).tobytes()

        key = graph_key(fingerprint, estimator=type(self).__name__, **options)
        source = export if self.quantize is None else fp32_graph
        self.onnx_model_ = build_graph(key, source, quantize=self.quantize,
                                       directory=directory, keep_fp32=self._int8_fp32_nodes)
        self.onnx_key_ = key
        self.onnx_options_ = options

    def _run_onnx(self, arrays: dict) -> np.ndarray:
        """The graph's output for one batch of int arrays (``input_ids``, ...)."""
        session = get_session(self.onnx_key_, self.onnx_model_)
        return run_session(session, arrays)

    def _run_onnx_batches(self, batches: Sequence, make_arrays: Callable[[Any], dict]):
        """The graph's output for each batch, in order (a generator).

        ``make_arrays(batch)`` tokenizes one batch into int arrays. With n threads (torch's
        count), n batches run at once, each on one thread, in a session that ONNX
        Runtime lets several threads run: the tokenizer and the small matrix products of
        short texts keep one session of n threads from using all n cores (on 2 cores,
        about 15% more texts per second). Tokenizing takes a lock: a Hugging Face fast
        tokenizer sets its padding state on each call and fails if two threads do.
        """
        self._ensure_onnx_graph()
        n_threads = default_threads() or 1
        if n_threads == 1 or len(batches) < 2:
            for batch in batches:
                yield self._run_onnx(make_arrays(batch))
            return
        session = get_session(self.onnx_key_, self.onnx_model_, n_threads=1)
        lock = threading.Lock()

        def run(batch):
            with lock:
                arrays = make_arrays(batch)
            return run_session(session, arrays)

        with ThreadPoolExecutor(n_threads) as pool:
            yield from pool.map(run, batches)
