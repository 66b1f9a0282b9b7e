"""Building ONNX graphs: export a torch module, quantize it, and cache the result.

A graph is identified by a key: the SHA-256 of the weights' fingerprint, the options
that change the graph (pooling, layer, normalisation, quantisation...) and the versions
of the libraries that write it. :func:`build_graph` returns the graph of a key from this
process's memory, else from a folder on disk (when one is given), else exports it with
``torch.onnx.export`` (and quantizes it with ONNX Runtime's ``quantize_dynamic``),
so each graph is built once per process, and once per cache folder across processes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import tempfile
import warnings
from collections import OrderedDict
from importlib import metadata
from pathlib import Path

import numpy as np

from .._optional import import_optional
from ..utils._io import atomic_path

__all__ = ["ONNX_EXTRA", "require_onnx", "graph_key", "build_graph", "export_onnx",
           "quantize_int8", "fp32_feedforward_nodes", "clear_graphs"]

#: How to install what backend="onnx" needs.
ONNX_EXTRA = 'pip install "sklearn-emotion[onnx]"'
OPSET = 17
# changes every graph key when quantize_int8 quantizes differently, so that a disk cache
# never serves a graph quantized the old way (2: nodes can be kept in fp32)
INT8_RECIPE = 2
# graphs kept in memory, most recently used last (MiniLM: 90 MB fp32, 64 MB int8: its word
# embeddings stay fp32)
_MAX_GRAPHS = 4
_GRAPHS: OrderedDict[str, bytes] = OrderedDict()


def require_onnx(feature: str) -> None:
    """Import onnxruntime and onnx, or raise an error that names the extra to install."""
    for name in ("onnxruntime", "onnx"):
        import_optional(name, extra="onnx", feature=f"{feature} with backend='onnx'",
                        alternative="use backend='torch'")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def graph_key(fingerprint: str, **options) -> str:
    """The identity of a graph: the weights' fingerprint, the options, the exporters.

    Parameters
    ----------
    fingerprint : str
        A hash of the weights (see :func:`~sklearn_emotion.cache.fingerprint_arrays`).
    **options
        What else changes the graph (its ``repr`` is hashed).

    Returns
    -------
    str
        A hex SHA-256.
    """
    identity = {
        "fingerprint": fingerprint,
        "options": {k: repr(v) for k, v in sorted(options.items())},
        "opset": OPSET,
        "int8_recipe": INT8_RECIPE,
        "versions": [_version(n) for n in ("torch", "onnx", "onnxruntime", "transformers")],
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def export_onnx(module, inputs: dict, output_name: str = "output") -> bytes:
    """An fp32 ONNX graph of ``module(**inputs)`` with dynamic batch and sequence axes.

    Parameters
    ----------
    module : torch.nn.Module
        Called with the tensors of ``inputs`` as keyword arguments, in eval mode.
    inputs : dict of str to LongTensor of shape (n_texts, n_tokens)
        Example inputs; their names become the graph's input names.
    output_name : str, default="output"
        The name of the graph's single output.

    Returns
    -------
    bytes
        The serialized ``onnx.ModelProto``.
    """
    import torch

    names = list(inputs)
    was_training = module.training
    module.eval()
    buffer = io.BytesIO()
    try:
        # TorchScript-based exporter: exact dynamic axes for transformers' encoders,
        # in seconds; the dynamo exporter takes four times longer on MiniLM
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _keyword_module(module, names),
                tuple(inputs[name] for name in names),
                buffer,
                input_names=names,
                output_names=[output_name],
                dynamic_axes={name: {0: "batch", 1: "sequence"} for name in names}
                | {output_name: {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
    finally:
        module.train(was_training)
    return buffer.getvalue()


def quantize_int8(graph: bytes, keep_fp32=None) -> bytes:
    """Dynamic int8 quantization of the weights of a graph's ``MatMul`` and ``Gemm`` nodes.

    Weights are quantized per output channel to signed int8 ahead of time; activations
    are quantized at run time, batch by batch (ONNX Runtime's ``quantize_dynamic``).
    Products of two activations (attention scores) stay in fp32. Per-channel scales
    keep MiniLM's embeddings much closer to fp32 than one scale per tensor (mean cosine
    0.989 against 0.95 on GoEmotions texts, at the same speed). ``keep_fp32``, a
    function of the ``onnx.ModelProto``, names nodes to leave in fp32 (for example
    :func:`fp32_feedforward_nodes`).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep_fp32 = keep_fp32(onnx.load_from_string(graph)) if keep_fp32 else []
    with tempfile.TemporaryDirectory() as tmp, _quiet_root_logger():
        source, target = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        source.write_bytes(graph)
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Gemm"], nodes_to_exclude=keep_fp32,
                         extra_options={"MatMulConstBOnly": True})
        return target.read_bytes()


_FEEDFORWARD_OUTPUT = re.compile(r"layer\.(\d+)/output/dense/")


def fp32_feedforward_nodes(model) -> list[str]:
    """The nodes a TransformerClassifier's int8 graph keeps in fp32: the feed-forward output
    projections (``layer.N.output.dense``, BERT naming) of the first half of the layers.

    Their inputs, after GELU, span the widest range of the network, which one int8
    scale per batch represents worst. On a MiniLM fine-tuned on dair-ai (2,000
    validation texts) keeping the first three of six in fp32 raised the agreement with
    fp32 labels from 97.6% to 98.7% (macro-F1 -0.37 point instead of -0.58) for 5% of
    int8's speed. The vectorizers quantize every projection, as measured in
    ``benchmarks/bench_onnx.py``. Graphs without BERT's node names get no fp32 node.
    """
    found = [(int(match[1]), node.name) for node in model.graph.node
             if node.op_type in ("MatMul", "Gemm")
             and (match := _FEEDFORWARD_OUTPUT.search(node.name))]
    if not found:
        return []
    n_layers = max(layer for layer, _ in found) + 1
    return [name for layer, name in found if layer < (n_layers + 1) // 2]


@contextlib.contextmanager
def _quiet_root_logger():
    # quantize_dynamic logs a pre-processing hint on the root logger on every call
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _keyword_module(module, names):
    """A module that calls ``module`` with keyword arguments from positional ones."""
    import torch

    class KeywordModule(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = module

        def forward(self, *tensors):
            return self.inner(**dict(zip(names, tensors)))

    return KeywordModule()


def build_graph(key: str, export, *, quantize: str | None = None, directory=None,
                keep_fp32=None) -> np.ndarray:
    """The graph of ``key``: from memory, else from ``directory``, else ``export()``.

    Parameters
    ----------
    key : str
        From :func:`graph_key`; it must cover ``quantize``.
    export : callable
        Returns the fp32 graph's bytes (see :func:`export_onnx`); called only on a miss,
        then quantized if ``quantize`` is set.
    quantize : {None, "int8"}, default=None
        Quantize the exported graph.
    directory : path-like, default=None
        A folder where graphs are kept across processes (``<key>.onnx``); ``None``
        keeps them in this process only.
    keep_fp32 : callable, default=None
        With ``quantize="int8"``: the nodes to leave in fp32 (see :func:`quantize_int8`);
        ``key`` must cover it.

    Returns
    -------
    ndarray of uint8
        The serialized graph (an array, so that the model format stores it as is).
    """
    graph = _GRAPHS.get(key)
    path = Path(directory).expanduser() / "onnx" / f"{key}.onnx" if directory else None
    if graph is None and path is not None and path.is_file():
        graph = path.read_bytes()
    if graph is None:
        graph = export()
        if quantize == "int8":
            graph = quantize_int8(graph, keep_fp32)
        if path is not None:
            with atomic_path(path) as tmp:
                tmp.write_bytes(graph)
    _GRAPHS[key] = graph
    _GRAPHS.move_to_end(key)
    while len(_GRAPHS) > _MAX_GRAPHS:
        _GRAPHS.popitem(last=False)
    return np.frombuffer(graph, dtype=np.uint8)


def clear_graphs() -> None:
    """Forget the graphs and sessions kept in this process's memory.

    Fitted estimators keep their own graph (``onnx_model_``); only the next export of
    a graph that no estimator holds starts from scratch.

    Examples
    --------
    >>> from sklearn_emotion.inference import clear_graphs
    >>> clear_graphs()
    """
    from ._session import _SESSIONS

    _GRAPHS.clear()
    _SESSIONS.clear()
