"""Labelled data as the command line holds it, and multi-label columns.

:class:`LabelledData` carries texts, labels and their provenance (recorded in the model
card); :func:`parse_label_lists` reads a multi-label column; :func:`stratified_head`
takes the ``--max-train``/``--max-test`` samples.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split

from ..datasets._goemotions import _emotions
from ..exceptions import InvalidInputError

__all__ = ["LabelledData", "goemotions_label_names", "label_tuples", "parse_label_lists",
           "stratified_head"]


class LabelledData(NamedTuple):
    """Texts and their labels, with where they came from (recorded in the model card)."""

    texts: list
    labels: np.ndarray
    source: str
    description: str
    text_column: str | None
    label_column: str | None
    sha256: str | None

    @property
    def multilabel(self) -> bool:
        """Whether each sample holds a tuple of labels (a multi-label column)."""
        return len(self.labels) > 0 and isinstance(self.labels[0], tuple)

    def card(self) -> dict:
        """Provenance and class counts, as recorded in the model card."""
        if self.multilabel:
            values, counts = np.unique(
                [label for labels in self.labels for label in labels], return_counts=True
            )
        else:
            values, counts = np.unique(self.labels, return_counts=True)
        return {
            "source": self.source,
            "description": self.description,
            "text_column": self.text_column,
            "label_column": self.label_column,
            "n_samples": len(self.texts),
            "class_counts": {str(v): int(c) for v, c in zip(values, counts)},
            "sha256": self.sha256,
            **({"multilabel": True} if self.multilabel else {}),
        }


def goemotions_label_names() -> list[str]:
    """The 28 GoEmotions label names in id order (id ``i`` is name ``i``)."""
    return list(_emotions())


def label_tuples(lists) -> np.ndarray:
    """A 1-D object array of label tuples (numpy would make a 2-D array of equal lengths)."""
    out = np.empty(len(lists), dtype=object)
    out[:] = [tuple(labels) for labels in lists]
    return out


def parse_label_lists(values, *, label_names=None, where: str = "The label column") -> np.ndarray:
    """Read a multi-label column: one tuple of label names per row.

    Parameters
    ----------
    values : sequence
        Per row a string of comma-separated labels (``"joy, love"``; an empty string is a
        row without labels) or a list of labels (JSON lines, Parquet).
    label_names : list of str, default=None
        Names of integer label ids: with them, ``"2,27"`` reads as
        ``(label_names[2], label_names[27])`` (GoEmotions' id lists with
        :func:`goemotions_label_names`). Without them, ids stay strings.
    where : str
        Names the column in error messages.

    Returns
    -------
    ndarray of object, shape (n_samples,)
        Tuples of label strings, without duplicates, in their order of appearance.

    Examples
    --------
    >>> from sklearn_emotion._data_io import parse_label_lists
    >>> parse_label_lists(["joy, love", "anger", ""]).tolist()
    [('joy', 'love'), ('anger',), ()]
    >>> parse_label_lists(["0,2"], label_names=["admiration", "amusement", "anger"]).tolist()
    [('admiration', 'anger')]
    """
    rows, bad = [], []
    for number, value in enumerate(values, start=1):
        if isinstance(value, str):
            tokens = [t.strip() for t in value.split(",")]
        elif value is None or (isinstance(value, float) and np.isnan(value)):
            tokens = []
        else:
            tokens = [str(t).strip() for t in value]
        tokens = [t for t in tokens if t]
        if label_names is not None:
            try:
                ids = [int(t) for t in tokens]
                if any(i < 0 or i >= len(label_names) for i in ids):
                    raise ValueError
            except ValueError:
                bad.append((number, value))
                continue
            tokens = [str(label_names[i]) for i in ids]
        rows.append(tuple(dict.fromkeys(tokens)))
    if bad:
        shown = "; ".join(f"row {n}: {v!r}" for n, v in bad[:5])
        raise InvalidInputError(
            f"{where}: with label names, each row must hold comma-separated label ids between 0 "
            f"and {len(label_names) - 1}; got {shown}. Leave --label-names out to read the "
            "labels as names."
        )
    return label_tuples(rows)


def stratified_head(texts, labels, n: int | None, random_state: int = 0):
    """A stratified sample of at most ``n`` rows (all rows with ``n=None``)."""
    if n is None or n >= len(texts):
        return texts, labels
    if len(labels) and isinstance(labels[0], tuple):  # label sets: a plain random sample
        X, _, y, _ = train_test_split(texts, labels, train_size=n, random_state=random_state)
        return list(X), label_tuples(y)

    try:
        X, _, y, _ = train_test_split(texts, labels, train_size=n, stratify=labels,
                                      random_state=random_state)
    except ValueError:  # a class too small to stratify: fall back to a plain sample
        X, _, y, _ = train_test_split(texts, labels, train_size=n, random_state=random_state)
    return list(X), np.asarray(y, dtype=object)
