"""Models given by path, loaded through the safe model format only.

A path is a model folder (``sklearn-emotion train``,
:func:`~sklearn_emotion.model_dir.save_model_dir`) or a single model file written by
:func:`sklearn_emotion.io.save`. Both are read without unpickling anything, so a
crafted file cannot run code in the client or on a worker: a joblib or pickle file is
refused with :class:`~sklearn_emotion.exceptions.ModelFileError`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .. import io as model_io
from ..exceptions import DataNotFoundError
from ..model_dir import load_model_dir


@lru_cache(maxsize=4)
def _load_path(path: str, mtime_ns: int):
    """A model folder or file, loaded once per process (until it changes)."""
    if Path(path).is_dir():
        return load_model_dir(path)[0]
    return model_io.load(path)


def resolve_model(model, caller: str):
    """``model`` itself, or the model stored at the path ``model``.

    Parameters
    ----------
    model : estimator or path-like
        A fitted model, or the path of a model folder or a model file.
    caller : str
        The public function, named in errors.

    Returns
    -------
    estimator
        The fitted model; a path is loaded once per process and file version.

    Raises
    ------
    DataNotFoundError
        If the path does not exist.
    ModelFileError
        If the path is not a model written by sklearn-emotion (a joblib or pickle file,
        a damaged or altered model file).
    """
    if not isinstance(model, (str, os.PathLike)):
        return model
    path = Path(model).expanduser().resolve()
    if not path.exists():
        raise DataNotFoundError(
            f"{caller}: the model {str(model)!r} does not exist; pass a fitted model, a "
            "model folder of `sklearn-emotion train` or a model file written by "
            "sklearn_emotion.io.save."
        )
    return _load_path(str(path), path.stat().st_mtime_ns)
