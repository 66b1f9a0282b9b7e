"""Running ONNX graphs: one ONNX Runtime session per graph and thread count, per process.

An ``onnxruntime.InferenceSession`` cannot be pickled, copied or stored in a model
file, so estimators keep only the graph's bytes and its key; :func:`get_session` builds
the session the first time a process runs the graph and reuses it afterwards.
"""

from __future__ import annotations

import sys
from collections import OrderedDict

import numpy as np

__all__ = ["get_session", "run_session", "default_threads"]

_MAX_SESSIONS = 4
_SESSIONS: OrderedDict[tuple, object] = OrderedDict()


def default_threads() -> int | None:
    """Torch's thread count when torch is loaded (so both backends use as many cores)."""
    torch = sys.modules.get("torch")
    return int(torch.get_num_threads()) if torch is not None else None


def get_session(key: str, graph: np.ndarray, n_threads: int | None = None):
    """The ONNX Runtime session of a graph, built once per process.

    Parameters
    ----------
    key : str
        The graph's key (see :func:`~sklearn_emotion.inference._graph.graph_key`).
    graph : ndarray of uint8
        The serialized graph.
    n_threads : int, default=None
        Intra-op threads; ``None`` uses torch's thread count, else ONNX Runtime's default.

    Returns
    -------
    onnxruntime.InferenceSession
        On the CPU, with every graph optimisation enabled.
    """
    import onnxruntime as ort

    n_threads = n_threads or default_threads()
    cache_key = (key, n_threads)
    session = _SESSIONS.get(cache_key)
    if session is None:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only
        if n_threads:
            options.intra_op_num_threads = n_threads
            options.inter_op_num_threads = 1
        session = ort.InferenceSession(
            np.ascontiguousarray(graph, dtype=np.uint8).tobytes(), options,
            providers=["CPUExecutionProvider"],
        )
        _SESSIONS[cache_key] = session
    _SESSIONS.move_to_end(cache_key)
    while len(_SESSIONS) > _MAX_SESSIONS:
        _SESSIONS.popitem(last=False)
    return session


def run_session(session, arrays: dict) -> np.ndarray:
    """The first output of ``session`` for the arrays among its inputs (as int64)."""
    names = [node.name for node in session.get_inputs()]
    feed = {name: np.asarray(arrays[name], dtype=np.int64) for name in names}
    return session.run(None, feed)[0]
