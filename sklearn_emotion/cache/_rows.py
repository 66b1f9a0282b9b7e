"""How the cache stores rows: one byte string per text, and the layout to rebuild them.

An output is an array with one row per text, or a dict of such arrays (e.g. sequences
and their lengths). Its layout, ``[[field or None, dtype, row shape], ...]``, is kept
once per namespace; each text's row is the concatenation of its fields' bytes.
"""

from __future__ import annotations

import numpy as np


def _layout_of(output) -> list:
    """[[field or None, dtype, row shape], ...] of an array or a dict of per-row arrays."""
    if isinstance(output, np.ndarray):
        return [[None, output.dtype.str, list(output.shape[1:])]]
    if isinstance(output, dict):
        n = {len(v) for v in output.values() if isinstance(v, np.ndarray)}
        if len(n) != 1 or not all(isinstance(v, np.ndarray) for v in output.values()):
            raise TypeError(
                "EmbeddingCache stores arrays with one row per text (or dicts of them); got "
                f"a dict with entries {sorted(output)} that are not all such arrays."
            )
        return [[k, output[k].dtype.str, list(output[k].shape[1:])] for k in sorted(output)]
    raise TypeError(
        "EmbeddingCache stores arrays with one row per text (or dicts of them); got "
        f"{type(output).__name__}."
    )


def _split_rows(output, layout: list, n: int) -> list[bytes]:
    fields = [output if name is None else output[name] for name, _, _ in layout]
    flat = [np.ascontiguousarray(f).reshape(n, -1).view(np.uint8) for f in fields]
    rows = flat[0] if len(flat) == 1 else np.concatenate(flat, axis=1)
    return [row.tobytes() for row in rows]


def _join_rows(values: list[bytes], layout: list):
    n = len(values)
    buffer = np.frombuffer(bytearray(b"".join(values)), dtype=np.uint8).reshape(n, -1)
    out, offset = {}, 0
    for name, dtype, shape in layout:
        dtype = np.dtype(dtype)
        width = dtype.itemsize * int(np.prod(shape, dtype=np.int64))
        part = buffer[:, offset:offset + width]
        if len(layout) > 1:
            part = np.ascontiguousarray(part)
        out[name] = part.view(dtype).reshape((n, *shape))
        offset += width
    return out[None] if len(layout) == 1 and layout[0][0] is None else out
