"""Shared plumbing of the dataset loaders: packaged files, DESCR texts and Bunch assembly.

The loaders return what :mod:`sklearn.datasets` loaders return: a
:class:`sklearn.utils.Bunch`, or ``(data, target)`` with ``return_X_y=True``, and pandas
objects with ``as_frame=True``. Keeping that logic here means every loader behaves the
same way.
"""

from __future__ import annotations

from importlib import resources
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..exceptions import InvalidInputError

__all__ = ["check_option", "data_file", "load_descr", "make_bunch", "TEXT_COLUMN", "TARGET_COLUMN"]

#: Name of the text column (and of ``feature_names``) in every text dataset.
TEXT_COLUMN = "text"
#: Name of the target column of single-label datasets when ``as_frame=True``.
TARGET_COLUMN = "emotion"


def check_option(caller: str, name: str, value, options, aliases=None):
    """Return ``value`` resolved through ``aliases``, or raise an error listing the options.

    Examples
    --------
    >>> from sklearn_emotion.datasets._base import check_option
    >>> check_option("f", "subset", "dev", ["train", "validation"], {"dev": "validation"})
    'validation'
    >>> check_option("f", "subset", "training", ["train", "validation"], {"dev": "validation"})
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputError: The 'subset' parameter of f must be one of
    'train', 'validation' ('dev' is an alias of 'validation'). Got 'training' instead.
    """
    aliases = aliases or {}
    if isinstance(value, str):
        if value in options:
            return value
        if value in aliases:
            return aliases[value]
    listed = ", ".join(repr(o) for o in options)
    alias_note = "; ".join(f"{a!r} is an alias of {o!r}" for a, o in aliases.items())
    alias_note = f" ({alias_note})" if alias_note else ""
    raise InvalidInputError(
        f"The {name!r} parameter of {caller} must be one of {listed}{alias_note}. "
        f"Got {value!r} instead."
    )


def data_file(name: str):
    """A file shipped in ``sklearn_emotion/datasets/data/`` (a Traversable, open with ``.open``).

    Examples
    --------
    >>> from sklearn_emotion.datasets._base import data_file
    >>> data_file("emotions.txt").is_file()
    True
    """
    return resources.files("sklearn_emotion.datasets").joinpath("data", name)


def load_descr(name: str) -> str:
    """The text of ``sklearn_emotion/datasets/descr/<name>``.

    Examples
    --------
    >>> from sklearn_emotion.datasets._base import load_descr
    >>> load_descr("goemotions.rst").splitlines()[0].startswith(".. _goemotions")
    True
    """
    path = resources.files("sklearn_emotion.datasets").joinpath("descr", name)
    return path.read_text(encoding="utf-8")


def make_bunch(
    texts: list[str],
    target: np.ndarray,
    target_names: Sequence[str],
    *,
    descr: str,
    ids: np.ndarray,
    as_frame: bool,
    return_X_y: bool,
):
    """Assemble a loader's result the way :mod:`sklearn.datasets` does.

    Parameters
    ----------
    texts : list of str
        The documents.
    target : ndarray
        1-D array of string labels (single-label) or a 2-D ``(n_samples, n_classes)``
        indicator matrix whose columns follow ``target_names`` (multi-label).
    target_names : sequence of str
        The class names.
    descr : str
        The dataset description.
    ids : ndarray
        One identifier per document.
    as_frame : bool
        Return pandas objects: ``frame`` holds a ``"text"`` column and the target
        column(s): ``"emotion"`` for a 1-D target, one column per class for a 2-D one.
    return_X_y : bool
        Return ``(data, target)`` instead of the Bunch.

    Returns
    -------
    Bunch or tuple
    """
    target_names = list(target_names)
    frame = None
    data = texts
    if as_frame:
        frame = pd.DataFrame({TEXT_COLUMN: texts})
        if target.ndim == 1:
            frame[TARGET_COLUMN] = target
            target = frame[TARGET_COLUMN]
        else:
            labels = pd.DataFrame(target, columns=target_names, index=frame.index)
            frame = pd.concat([frame, labels], axis=1)
            target = frame[target_names]
        data = frame[TEXT_COLUMN]
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=target_names,
        frame=frame,
        DESCR=descr,
        ids=ids,
        feature_names=[TEXT_COLUMN],
    )
