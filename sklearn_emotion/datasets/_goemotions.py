"""GoEmotions, shipped inside the package (Apache-2.0): :func:`load_goemotions`."""

from __future__ import annotations

import csv
import functools
import gzip
import json
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..exceptions import InvalidInputError
from ..utils._validation import validate_parameter_constraints
from ._base import check_option, data_file, load_descr, make_bunch

__all__ = ["load_goemotions"]

_SUBSET_FILES = {
    "train": "goemotions_train.tsv.gz",
    "validation": "goemotions_dev.tsv.gz",
    "test": "goemotions_test.tsv.gz",
}
_SUBSET_ALIASES = {"dev": "validation"}
_LABEL_SCHEMES = ("ekman", "original", "sentiment")
_SCHEME_FILES = {"ekman": "ekman_mapping.json", "sentiment": "sentiment_dict.json"}
_NEUTRAL = "neutral"

_CONSTRAINTS = {
    "multilabel": ["boolean"],
    "return_X_y": ["boolean"],
    "as_frame": ["boolean"],
}


class _RawSubset(NamedTuple):
    """One parsed TSV file; immutable so that the in-process cache cannot be altered."""

    texts: tuple[str, ...]
    indicator: np.ndarray  # (n_samples, 28) bool, read-only, columns follow emotions.txt
    ids: tuple[str, ...]


@functools.lru_cache(maxsize=None)
def _emotions() -> tuple[str, ...]:
    """The 28 original label names, in the order of ``emotions.txt`` (label id order)."""
    return tuple(data_file("emotions.txt").read_text(encoding="utf-8").split())


@functools.lru_cache(maxsize=None)
def _scheme(labels: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Class names of a label scheme and the (28, n_classes) bool matrix mapping onto them.

    ``original`` keeps the order of ``emotions.txt``; ``ekman`` and ``sentiment`` keep the
    order of their mapping file, with ``neutral`` appended as the last class.
    """
    emotions = _emotions()
    if labels == "original":
        names = emotions
        groups = {name: [name] for name in names}
    else:
        groups = json.loads(data_file(_SCHEME_FILES[labels]).read_text(encoding="utf-8"))
        groups[_NEUTRAL] = [_NEUTRAL]
        names = tuple(groups)
    mapping = np.zeros((len(emotions), len(names)), dtype=bool)
    for j, name in enumerate(names):
        for emotion in groups[name]:
            mapping[emotions.index(emotion), j] = True
    if not (mapping.sum(axis=1) == 1).all():  # a broken install, not a user error
        raise RuntimeError(
            f"The packaged {labels!r} label mapping does not assign every GoEmotions emotion to "
            "exactly one class; reinstall sklearn-emotion."
        )
    mapping.flags.writeable = False
    return names, mapping


@functools.lru_cache(maxsize=None)
def _read_subset(filename: str) -> _RawSubset:
    """Parse one packaged TSV file (``text<TAB>label ids<TAB>comment id``, no header)."""
    # gzip.open(fileobj) does not close fileobj: both need closing (ResourceWarning)
    with data_file(filename).open("rb") as raw, gzip.open(raw) as fh:
        table = pd.read_csv(
            fh,
            sep="\t",
            header=None,
            names=["text", "labels", "id"],
            dtype=str,
            quoting=csv.QUOTE_NONE,  # texts contain quote characters: keep them verbatim
            keep_default_na=False,  # texts such as "NA" or "null" stay strings
            na_filter=False,
            encoding="utf-8",
        )
    return _parse_table(table, filename)


def _parse_table(table, filename: str) -> _RawSubset:
    """Turn the raw string table into texts, a label indicator matrix and ids."""
    n_emotions = len(_emotions())
    indicator = np.zeros((len(table), n_emotions), dtype=bool)
    problems = []
    for row, field in enumerate(table["labels"].tolist()):
        try:
            label_ids = [int(x) for x in field.split(",")]
            indicator[row, label_ids] = True
            if min(label_ids) < 0:
                raise IndexError
        except (ValueError, IndexError):
            problems.append(f"line {row + 1}: {field!r}")
            if len(problems) >= 5:
                break
    if problems:
        raise InvalidInputError(
            f"{filename}: the label column must hold comma-separated ids between 0 and "
            f"{n_emotions - 1}; got " + "; ".join(problems) + ". The packaged file is damaged: "
            "reinstall sklearn-emotion."
        )
    indicator.flags.writeable = False
    return _RawSubset(tuple(table["text"].tolist()), indicator, tuple(table["id"].tolist()))


def load_goemotions(
    subset: str = "train",
    labels: str = "ekman",
    multilabel: bool = False,
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """Load GoEmotions: 54k Reddit comments labelled with 27 emotions plus neutral.

    The data ship inside the package (Apache-2.0, gzip-compressed), so no download is
    needed. The 28 original labels can be grouped into Ekman's six basic emotions
    (plus neutral) or into sentiments, using the mappings published with the dataset.

    Parameters
    ----------
    subset : {"train", "validation", "test"}, default="train"
        The official split: 43,410 / 5,426 / 5,427 comments. ``"dev"`` is an alias of
        ``"validation"`` (the file is called ``dev.tsv`` upstream).
    labels : {"ekman", "original", "sentiment"}, default="ekman"
        The label scheme and the order of ``target_names``:

        - ``"ekman"``: anger, disgust, fear, joy, sadness, surprise, neutral (7 classes,
          the order of ``ekman_mapping.json``, then neutral);
        - ``"original"``: the 28 labels in the order of ``emotions.txt`` (alphabetical,
          neutral last), so column ``i`` is label id ``i``;
        - ``"sentiment"``: positive, negative, ambiguous, neutral (4 classes, the order
          of ``sentiment_dict.json``, then neutral).
    multilabel : bool, default=False
        If False, keep only the comments whose mapped label set has exactly one class
        and return one string label per comment. If True, keep every comment and
        return an ``(n_samples, n_classes)`` indicator matrix of ``np.int64``.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects: ``frame`` is a DataFrame with a ``"text"`` column and an
        ``"emotion"`` column (single-label) or one 0/1 column per class (multi-label);
        ``data`` is ``frame["text"]`` and ``target`` the target column(s).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With attributes

        data : list of str, or Series
            The comments (names are masked as ``[NAME]``).
        target : ndarray or Series or DataFrame
            Single-label: object array of class names. Multi-label: ``np.int64``
            indicator matrix, columns ordered as ``target_names``.
        target_names : list of str
            The class names, in the order described under ``labels``.
        frame : DataFrame or None
            Only with ``as_frame=True``.
        ids : ndarray of str
            The Reddit comment id of each row.
        feature_names : list of str
            ``["text"]``.
        DESCR : str
            Description, licence, citation and row counts.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_dair_emotion : Six-class tweets, read from a folder you provide.

    Notes
    -----
    Rows kept in single-label mode (``multilabel=False``), out of 43,410 / 5,426 / 5,427:

    ============  ======  ==========  =====
    labels        train   validation  test
    ============  ======  ==========  =====
    ``ekman``     39,555  4,946       4,968
    ``original``  36,308  4,548       4,590
    ``sentiment`` 40,030  5,006       5,027
    ============  ======  ==========  =====

    A comment labelled both *joy* and *amusement* keeps one Ekman class (joy), so the
    grouped schemes keep more rows than ``"original"``. Parsed files are cached in the
    process; every call returns fresh objects that are safe to modify.

    Examples
    --------
    >>> from sklearn_emotion.datasets import load_goemotions
    >>> bunch = load_goemotions(subset="test")
    >>> len(bunch.data), bunch.target.shape
    (4968, (4968,))
    >>> bunch.target_names
    ['anger', 'disgust', 'fear', 'joy', 'sadness', 'surprise', 'neutral']
    >>> bunch.target[:3]
    array(['sadness', 'joy', 'joy'], dtype=object)

    Multi-label, as a DataFrame:

    >>> X, Y = load_goemotions("validation", labels="original", multilabel=True,
    ...                        return_X_y=True, as_frame=True)
    >>> X.shape, Y.shape
    ((5426,), (5426, 28))
    """
    subset = check_option("load_goemotions", "subset", subset, list(_SUBSET_FILES), _SUBSET_ALIASES)
    labels = check_option("load_goemotions", "labels", labels, _LABEL_SCHEMES)
    validate_parameter_constraints(
        _CONSTRAINTS,
        {"multilabel": multilabel, "return_X_y": return_X_y, "as_frame": as_frame},
        caller_name="load_goemotions",
    )
    raw = _read_subset(_SUBSET_FILES[subset])
    target_names, mapping = _scheme(labels)
    indicator = (raw.indicator.astype(np.int64) @ mapping.astype(np.int64)) > 0
    if multilabel:
        texts = list(raw.texts)
        target = indicator.astype(np.int64)
        ids = np.array(raw.ids, dtype=object)
    else:
        keep = np.flatnonzero(indicator.sum(axis=1) == 1)
        texts = [raw.texts[i] for i in keep]
        target = np.array(target_names, dtype=object)[indicator[keep].argmax(axis=1)]
        ids = np.array(raw.ids, dtype=object)[keep]
    return make_bunch(
        texts,
        target,
        target_names,
        descr=load_descr("goemotions.rst"),
        ids=ids,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
