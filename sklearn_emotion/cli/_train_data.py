"""The training and test data of ``sklearn-emotion train``, from plain option values.

The test data is, in this order: ``--test-data``; nothing with ``--test-size 0``; the
data's own test split (a bundled dataset, a dair-ai folder); or a held-out share of the
training data (stratified by label, whole speakers for speech, a plain random share for
label sets). ``--max-train`` and ``--max-test`` then take samples.
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from .._data_io import LabelledData, has_split, load_labelled, stratified_head
from ..exceptions import InvalidInputError

__all__ = ["load_train_test"]


def load_train_test(
    source: str,
    *,
    test_source: str | None = None,
    test_size: float = 0.2,
    text_column: str | None = None,
    label_column: str | None = None,
    max_train: int | None = None,
    max_test: int | None = None,
    random_state: int = 0,
    multilabel: bool = False,
    label_names: list[str] | None = None,
    shots: int | None = None,
) -> tuple[LabelledData, LabelledData | None]:
    """The training data and the test data (None with ``test_size=0``) of ``train``.

    Parameters
    ----------
    source, test_source : str
        Data sources as :func:`~sklearn_emotion._data_io.load_labelled` reads them.
    test_size : float
        Share held out of ``source`` when there is no ``test_source`` and ``source``
        has no test split; 0 means no test data.
    text_column, label_column : str, default=None
        Columns of a table (the test table also tries the training data's first).
    max_train, max_test : int, default=None
        Sample sizes (stratified by label for single labels).
    random_state : int, default=0
        Seed of the held-out split and the samples.
    multilabel : bool, default=False
        Read label sets (see :func:`~sklearn_emotion._data_io.parse_label_lists`).
    label_names : list of str, default=None
        With ``multilabel``: names of integer label ids.
    shots : int, default=None
        Few-shot training: keep ``shots`` training examples of each label (single
        labels), drawn with ``random_state`` after the test data is set aside.
    """
    if shots is not None and multilabel:
        raise InvalidInputError(
            "--shots draws N examples of each label, which needs one label per text; "
            "with --multilabel use --max-train N instead."
        )
    labels = {"multilabel": multilabel, "label_names": label_names}
    train = load_labelled(source, text_column=text_column, label_column=label_column,
                          split="train", **labels)
    if test_source:
        test = load_labelled(test_source, text_column=text_column, label_column=label_column,
                             split="test", preferred_columns=(train.text_column,
                                                              train.label_column), **labels)
    elif test_size == 0:
        test = None
    elif has_split(source, "test"):
        test = load_labelled(source, split="test", **labels)
    elif multilabel:
        train, test = _split_random(train, test_size, random_state)
    else:
        train, test = _split_holdout(train, test_size, random_state)
    if multilabel:
        return _sample_label_sets(train, test, max_train, max_test, random_state)
    if shots is not None:
        train = _few_shots(train, shots, random_state)
    X, y = stratified_head(train.texts, train.labels, max_train, random_state)
    train = train._replace(texts=X, labels=y)
    if test is not None:
        X, y = stratified_head(test.texts, test.labels, max_test, random_state)
        test = test._replace(texts=X, labels=y)
    return train, test


def _few_shots(data: LabelledData, shots: int, random_state: int) -> LabelledData:
    """``shots`` examples of each label of ``data``, drawn with ``random_state``."""
    labels = np.asarray(data.labels, dtype=object)
    values, counts = np.unique(labels.astype(str), return_counts=True)
    short = [f"{v} ({c})" for v, c in zip(values, counts) if c < shots]
    if short:
        raise InvalidInputError(
            f"--shots {shots}: the training data has fewer than {shots} examples of the "
            f"labels {', '.join(short)}. Lower --shots or add examples."
        )
    rng = np.random.RandomState(random_state)
    keep = np.sort(np.concatenate([
        rng.choice(np.flatnonzero(labels.astype(str) == v), shots, replace=False)
        for v in values]))
    return data._replace(texts=[data.texts[i] for i in keep], labels=labels[keep],
                         description=f"{shots} examples per label of {data.description}")


def _held_out(data: LabelledData, train_idx, test_idx, description: str):
    """``data`` split by index into training data and described held-out test data."""
    texts = data.texts
    labels = np.asarray(data.labels, dtype=object)
    train = data._replace(texts=[texts[i] for i in train_idx], labels=labels[train_idx])
    test = data._replace(texts=[texts[i] for i in test_idx], labels=labels[test_idx],
                         description=description)
    return train, test


def _split_by_speaker(data: LabelledData, test_size: float, random_state: int):
    """Speech records that name their speaker: hold out whole speakers (or None).

    A random split puts the same voice in training and test data, which inflates
    accuracy on speech by 20 points or more.
    """
    texts = data.texts
    if not texts or not all(isinstance(r, dict) and "speaker" in r for r in texts):
        return None
    speakers = np.asarray([str(r["speaker"]) for r in texts])
    if len(np.unique(speakers)) < 2:
        return None
    split = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train_idx, test_idx = next(split.split(texts, data.labels, groups=speakers))
    held = (f"speakers {', '.join(sorted(set(speakers[test_idx]), key=str))} "
            f"({test_size:.0%} of the speakers) held out of {data.description}")
    return _held_out(data, train_idx, test_idx, held)


def _split_holdout(data: LabelledData, test_size: float, random_state: int):
    """Hold out a stratified share of ``data`` for evaluation (speech: whole speakers)."""
    by_speaker = _split_by_speaker(data, test_size, random_state)
    if by_speaker is not None:
        return by_speaker
    values, counts = np.unique(data.labels, return_counts=True)
    rare = [str(v) for v, c in zip(values, counts) if c < 2]
    if rare:
        raise InvalidInputError(
            f"Cannot hold out a stratified test set: the labels {rare} have a single example. "
            "Add examples, pass --test-data FILE, or --test-size 0 to skip the evaluation."
        )
    n_test = int(np.ceil(test_size * len(data.labels))) if test_size < 1 else int(test_size)
    n_train = len(data.labels) - n_test
    if min(n_test, n_train) < len(values):
        raise InvalidInputError(
            f"Cannot hold out a stratified test set: --test-size {test_size} of "
            f"{len(data.labels)} examples leaves {n_test} for testing and {n_train} for "
            f"training, but each needs at least one example of each of the {len(values)} "
            "labels. Add examples, change --test-size, or pass --test-data FILE."
        )
    train_idx, test_idx = train_test_split(
        np.arange(len(data.labels)), test_size=test_size, stratify=data.labels,
        random_state=random_state,
    )
    return _held_out(data, train_idx, test_idx,
                     f"{test_size:.0%} held out of {data.description}")


def _split_random(data: LabelledData, test_size: float, random_state: int):
    """Hold out a random share of multi-label data (label sets cannot be stratified)."""
    train_idx, test_idx = train_test_split(np.arange(len(data.texts)), test_size=test_size,
                                           random_state=random_state)
    return _held_out(data, train_idx, test_idx,
                     f"{test_size:.0%} held out of {data.description}")


def _sample_label_sets(train, test, max_train, max_test, random_state):
    """Random samples of multi-label training and test data, in their original order."""
    rng = np.random.RandomState(random_state)
    sampled = []
    for data, limit in ((train, max_train), (test, max_test)):
        if data is not None and limit is not None and limit < len(data.texts):
            keep = np.sort(rng.choice(len(data.texts), limit, replace=False))
            data = data._replace(texts=[data.texts[i] for i in keep], labels=data.labels[keep])
        sampled.append(data)
    return tuple(sampled)
