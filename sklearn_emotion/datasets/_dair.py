"""The dair-ai "emotion" tweets (CARER), read from a folder you provide: :func:`load_dair_emotion`.

The dataset is for research and education only, so it is never shipped with the
package: download it yourself and pass the folder.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from ..exceptions import DataNotFoundError, InvalidInputError
from ..utils._validation import validate_parameter_constraints
from ._base import check_option, load_descr, make_bunch

__all__ = ["load_dair_emotion", "DAIR_LABELS"]

#: The six classes, sorted (the order of ``target_names``).
DAIR_LABELS = ("anger", "fear", "joy", "love", "sadness", "surprise")

_SUBSET_FILES = {
    "train": "train.txt",
    "validation": "val.txt",
    "test": "test.txt",
}
_SUBSET_ALIASES = {"val": "validation"}
_HOW_TO_GET = (
    "Download the 'split' version of the dair-ai emotion dataset (CARER, Saravia et al., "
    "EMNLP 2018; https://github.com/dair-ai/emotion_dataset, also the 'dair-ai/emotion' "
    "dataset on the Hugging Face hub) and save its train.txt, val.txt and test.txt files "
    "('text;label' per line) in one folder."
)
_CONSTRAINTS = {
    "path": [str, os.PathLike],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
}


def _locate(path, subset: str) -> Path:
    """The file of ``subset`` in folder ``path``, or a FileNotFoundError saying how to fix it."""
    folder = Path(path).expanduser()
    filename = _SUBSET_FILES[subset]
    if folder.is_file():
        raise DataNotFoundError(
            f"load_dair_emotion expects the folder holding train.txt, val.txt and test.txt; "
            f"got the file {str(folder)!r}. Pass its folder instead: {str(folder.parent)!r}."
        )
    if not folder.is_dir():
        raise DataNotFoundError(
            f"load_dair_emotion could not find the folder {str(folder)!r}. {_HOW_TO_GET}"
        )
    file = folder / filename
    if not file.is_file():
        present = sorted(p.name for p in folder.iterdir() if p.is_file())[:10]
        raise DataNotFoundError(
            f"load_dair_emotion could not find {filename!r} (subset {subset!r}) in "
            f"{str(folder)!r}, which holds {present or 'no files'}; expected train.txt, "
            f"val.txt and test.txt. {_HOW_TO_GET}"
        )
    return file


@functools.lru_cache(maxsize=8)
def _read_file(
    path: str, mtime_ns: int, size: int
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """Parse a ``text;label`` file; the key includes mtime and size so edits are seen."""
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInputError(
            f"load_dair_emotion could not read {path!r}: it is not valid UTF-8 text (byte "
            f"{raw[exc.start:exc.start + 1]!r} on line {line}). Save the file as UTF-8, or "
            "download the original files again."
        ) from None
    texts, labels, line_numbers, problems = [], [], [], []
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():  # blank lines (some re-uploads add one) carry no example
            continue
        text, sep, label = line.rpartition(";")
        label = label.strip()
        if not sep or not text.strip() or label not in DAIR_LABELS:
            problems.append(f"line {number}: {line!r:.80}")
            if len(problems) >= 5:
                break
            continue
        texts.append(text)
        labels.append(label)
        line_numbers.append(number)
    if problems:
        raise InvalidInputError(
            f"load_dair_emotion could not parse {path!r}: every line must be 'text;label' with "
            f"a label among {', '.join(DAIR_LABELS)}; got " + "; ".join(problems) + ". "
            "Fix or remove these lines, or download the original files again."
        )
    if not texts:
        raise InvalidInputError(
            f"load_dair_emotion found no examples in {path!r}; the file is empty."
        )
    return tuple(texts), tuple(labels), tuple(line_numbers)


def load_dair_emotion(
    path: str | os.PathLike,
    subset: str = "train",
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Load the dair-ai "emotion" tweets (CARER): 20,000 English tweets, 6 emotions.

    The data are for research and educational use only and are not shipped with
    sklearn-emotion: pass the folder where you saved them.

    Parameters
    ----------
    path : str or path-like
        Folder holding ``train.txt``, ``val.txt`` and ``test.txt``, one ``text;label``
        example per line (the dataset's "split" version). Each line is split on its
        last ``;``; blank lines are skipped and any other malformed line is an error
        that names the line number.
    subset : {"train", "validation", "test"}, default="train"
        16,000 / 2,000 / 2,000 tweets. ``"val"`` is an alias of ``"validation"``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects: ``frame`` is a DataFrame with ``"text"`` and
        ``"emotion"`` columns, ``data`` is ``frame["text"]`` and ``target``
        ``frame["emotion"]``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With attributes ``data`` (list of str, or Series), ``target`` (object array of
        class names, or Series), ``target_names`` (``['anger', 'fear', 'joy', 'love',
        'sadness', 'surprise']``), ``frame`` (DataFrame or None), ``ids`` (the 1-based
        line number of each example in its file), ``feature_names`` (``["text"]``) and
        ``DESCR``.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    FileNotFoundError
        If the folder or the subset's file does not exist; the message says how to
        obtain the data.
    InvalidInputError
        If a line is not ``text;label`` with one of the six labels.

    See Also
    --------
    load_goemotions : Reddit comments, shipped with the package.

    Notes
    -----
    Class counts (train / validation / test): joy 5,362 / 704 / 695, sadness
    4,666 / 550 / 581, anger 2,159 / 275 / 275, fear 1,937 / 212 / 224, love
    1,304 / 178 / 159, surprise 572 / 81 / 66.

    Examples
    --------
    >>> from sklearn_emotion.datasets import load_dair_emotion
    >>> X, y = load_dair_emotion("path/to/dair_emotion", return_X_y=True)  # doctest: +SKIP
    >>> len(X), y[:2]  # doctest: +SKIP
    (16000, array(['sadness', 'sadness'], dtype=object))
    """
    subset = check_option(
        "load_dair_emotion", "subset", subset, list(_SUBSET_FILES), _SUBSET_ALIASES
    )
    validate_parameter_constraints(
        _CONSTRAINTS,
        {"path": path, "return_X_y": return_X_y, "as_frame": as_frame},
        caller_name="load_dair_emotion",
    )
    file = _locate(path, subset)
    stat = file.stat()
    texts, labels, line_numbers = _read_file(str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    return make_bunch(
        list(texts),
        np.array(labels, dtype=object),
        DAIR_LABELS,
        descr=load_descr("dair_emotion.rst"),
        ids=np.array(line_numbers, dtype=np.int64),
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
