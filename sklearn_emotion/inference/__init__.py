"""ONNX Runtime inference for the transformer estimators (``backend="onnx"``).

:class:`~sklearn_emotion.vectorizers.SentenceVectorizer`,
:class:`~sklearn_emotion.vectorizers.BertVectorizer` and
:class:`~sklearn_emotion.estimators.TransformerClassifier` take ``backend="onnx"``
(and ``quantize="int8"``): their fitted weights are exported to an ONNX graph, which
ONNX Runtime runs on the CPU instead of PyTorch. Training stays in PyTorch.

The package keeps one concept per module: ``_graph`` (export with ``torch.onnx``,
dynamic int8 quantization with ``onnxruntime.quantization.quantize_dynamic``, and the
graph cache keyed by a hash of the weights and options), ``_session`` (one
``InferenceSession`` per graph per process, built lazily since sessions cannot be
pickled), ``_modules`` (the torch modules exported: encoder plus pooling) and
``_backend`` (the parameters and their validation, mixed into the estimators).

The graph is a fitted attribute (``onnx_model_``, the serialized graph as a uint8
array), so :func:`sklearn_emotion.io.save` and pickles store it and loading never
exports again. Install the dependencies with ``pip install "sklearn-emotion[onnx]"``.
"""

from ._graph import ONNX_EXTRA, clear_graphs

__all__ = ["ONNX_EXTRA", "clear_graphs"]
