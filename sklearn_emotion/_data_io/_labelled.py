"""Reading a whole labelled data set for ``train`` and ``evaluate``.

:func:`load_labelled` reads a CSV/TSV/JSONL/JSON/Parquet/TXT file, a dair-ai emotion
folder, a folder of speech clips, or a registered dataset by name (``goemotions``,
``goemotions:original:test``).
"""

from __future__ import annotations

import difflib
import gzip
from pathlib import Path

import numpy as np
import pandas as pd

from .. import registry
from ..datasets import load_audio_folder, load_dair_emotion, load_ravdess
from ..datasets._audio import AUDIO_SUFFIXES
from ..exceptions import DataNotFoundError, InvalidInputError
from ._columns import (SPLITS, TABLE_FORMATS, file_sha256, first_long_row, format_of,
                       resolve_column, too_many_fields)
from ._labels import LabelledData, label_tuples, parse_label_lists

__all__ = ["load_labelled", "has_split"]


def _check_row_widths(path: Path, fmt: str, table: pd.DataFrame | None) -> None:
    """Refuse a CSV/TSV row with more fields than the header (pandas would shift or fail).

    pandas reads such rows into an implicit index when every row has them, and fails
    with its own message when some do; either way the error names the line.
    """
    if table is not None and isinstance(table.index, pd.RangeIndex):
        return
    found = first_long_row(path, fmt)
    if found is not None:
        line, row, header = found
        raise too_many_fields(f"The data file {str(path)!r}", line, row, header, fmt,
                              can_ignore=False)


def _read_table(path: Path, fmt: str) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise InvalidInputError(f"The data file {str(path)!r} is empty: it has no rows.")
    if fmt == "txt":
        return _read_txt(path)
    table = None
    try:
        if fmt in ("csv", "tsv"):
            table = pd.read_csv(path, sep="," if fmt == "csv" else "\t", dtype=str,
                                keep_default_na=False, na_filter=False)
        elif fmt in ("jsonl", "json"):
            table = pd.read_json(path, lines=fmt == "jsonl", dtype=False)
        else:
            table = pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise InvalidInputError(f"The data file {str(path)!r} is empty: it has no rows.") from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        if fmt in ("csv", "tsv"):
            _check_row_widths(path, fmt, None)
        raise InvalidInputError(f"Could not read {str(path)!r} as {fmt.upper()}: {exc}") from None
    if fmt in ("csv", "tsv"):
        _check_row_widths(path, fmt, table)
    return table


def _read_txt(path: Path) -> pd.DataFrame:
    """The dair-ai emotion layout: one ``text;label`` example per line."""
    opener = gzip.open if path.suffix == ".gz" else open
    texts, labels, bad = [], [], []
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            text, sep, label = line.rpartition(";")
            if not sep or not label.strip():
                bad.append(number)
                continue
            texts.append(text)
            labels.append(label.strip())
    if bad:
        raise InvalidInputError(
            f"{str(path)!r}: a labelled .txt file needs one 'text;label' example per line (the "
            f"dair-ai emotion layout); lines {bad[:5]} are not. Use CSV or JSONL for other "
            "layouts."
        )
    return pd.DataFrame({"text": texts, "label": labels})


def _from_file(path: Path, text_column, label_column, preferred, multilabel=False,
               label_names=None) -> LabelledData:
    fmt = format_of(path)
    table = _read_table(path, fmt)
    where = f"The data file {str(path)!r}"
    if len(table) == 0:
        raise InvalidInputError(f"{where} is empty: it has a header but no rows.")
    text_col = resolve_column(table.columns, text_column, "text", where, preferred[0])
    label_col = resolve_column(table.columns, label_column, "label", where, preferred[1])
    labels = table[label_col]
    what = f"{path.name} (columns {text_col!r} and {label_col!r})"
    if multilabel:  # an empty cell is a sample without labels
        label_values = parse_label_lists(labels.tolist(), label_names=label_names,
                                         where=f"{where}, column {label_col!r}")
        texts = table[text_col].fillna("").astype(str).tolist()
        return LabelledData(texts, label_values, str(path), what, text_col, label_col,
                            file_sha256(path))
    empty = np.flatnonzero(labels.isna().to_numpy() | (labels.astype(str).str.strip() == ""))
    if len(empty):
        rows = ", ".join(str(i + 1) for i in empty[:5])
        raise InvalidInputError(
            f"{where}: {len(empty)} rows have no label in column {label_col!r} (data rows "
            f"{rows}{', ...' if len(empty) > 5 else ''}). Fill in or remove these rows."
        )
    texts = table[text_col].fillna("").astype(str).tolist()
    label_values = np.asarray(labels.astype(str).str.strip().tolist(), dtype=object)
    return LabelledData(texts, label_values, str(path), what, text_col, label_col,
                        file_sha256(path))


def _is_dair_folder(path: Path) -> bool:
    return path.is_dir() and any((path / f).is_file() for f in ("train.txt", "test.txt"))


def _from_audio_folder(path: Path, text_column, label_column) -> LabelledData | None:
    """A folder of speech clips: RAVDESS names, or a ``labels.csv`` table (None if neither).

    Each sample is a record ``{"audio": path, "text": transcript, "speaker": ...}``, the
    input of ``ModalityUnion`` (pipeline ``text-audio-fusion``); ``train`` holds out
    whole speakers when the records name them.
    """
    if not any(p.suffix.lower() in AUDIO_SUFFIXES for p in path.rglob("*")):
        return None
    if (path / "labels.csv").is_file():
        bunch = load_audio_folder(path, text_column=text_column, label_column=label_column)
        what = f"audio clips {path.name}/ (labels.csv)"
    else:
        try:
            bunch = load_ravdess(path)
        except DataNotFoundError:
            raise InvalidInputError(
                f"{str(path)!r} holds audio clips but neither RAVDESS file names nor a "
                "labels.csv table (a file-name column and an emotion column)."
            ) from None
        what = f"RAVDESS clips {path.name}/"
    records = bunch.data.to_dict("records")
    if bunch.groups is not None:
        for record, group in zip(records, bunch.groups):
            record["speaker"] = str(group)
    return LabelledData(records, np.asarray(bunch.target, dtype=object), str(path), what,
                        None, None, None)


def _from_dataset(name: str, options: list[str], split: str, multilabel=False) -> LabelledData:
    scheme = None
    for option in options:
        if option.lower() in SPLITS:
            split = SPLITS[option.lower()]
        else:
            scheme = option
    loader = registry.load("datasets", name)
    kwargs = {"subset": split, "return_X_y": not multilabel}
    if scheme is not None:
        kwargs["labels"] = scheme
    if multilabel:
        kwargs["multilabel"] = True
    try:
        if multilabel:
            bunch = loader(**kwargs)
            X, names = bunch.data, np.asarray(bunch.target_names, dtype=object)
            y = label_tuples([tuple(names[np.flatnonzero(row)]) for row in bunch.target])
        else:
            X, y = loader(**kwargs)
    except TypeError as exc:
        raise InvalidInputError(
            f"The dataset {name!r} cannot be loaded by name alone ({exc}); pass the path of its "
            "files instead, e.g. the dair-ai emotion folder."
        ) from None
    except ValueError as exc:  # the loader's own InvalidInputError gets the context too
        raise InvalidInputError(
            f"Could not load {':'.join([name, *options])!r}: {exc} After the dataset name come "
            "a label scheme and/or a split (train, validation, test), separated by colons."
        ) from None
    what = f"{':'.join([name, scheme] if scheme else [name])}, {split} split"
    if multilabel:
        what += ", multi-label"
    else:
        y = np.asarray(y, dtype=object)
    return LabelledData(list(X), y, ":".join([name, *options]), what, None, None, None)


def has_split(source: str, split: str) -> bool:
    """Whether ``source`` is a data set with named splits that has ``split``."""
    path = Path(source).expanduser()
    if path.exists():
        return _is_dair_folder(path) and (path / {"test": "test.txt", "validation": "val.txt",
                                                  "train": "train.txt"}[split]).is_file()
    name, *options = source.split(":")
    explicit = [o for o in options if o.lower() in SPLITS]
    return name in registry.available("datasets") and not explicit


def load_labelled(
    source: str,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    split: str = "train",
    preferred_columns: tuple = (None, None),
    multilabel: bool = False,
    label_names=None,
) -> LabelledData:
    """Read a labelled data set from a file, a dair-ai folder or a registered dataset.

    Parameters
    ----------
    source : str
        A file (``.csv``, ``.tsv``, ``.jsonl``, ``.json``, ``.parquet``, or ``.txt`` with
        ``text;label`` lines; ``.gz`` compressed too), a folder with the dair-ai emotion
        ``train.txt``/``val.txt``/``test.txt``, or a registered dataset name with
        options after colons: ``goemotions``, ``goemotions:original``,
        ``goemotions:sentiment:test``.
    text_column, label_column : str, default=None
        Columns of a table; by default the usual names are tried.
    split : {"train", "validation", "test"}, default="train"
        Split of a folder or dataset (an explicit ``:test`` in ``source`` wins).
    preferred_columns : (str or None, str or None), default=(None, None)
        Text and label columns tried first when the columns are not given (e.g. the
        ones used in training).
    multilabel : bool, default=False
        Read a multi-label column (see :func:`parse_label_lists`): ``labels`` then holds
        one tuple of labels per sample. A bundled dataset is loaded with
        ``multilabel=True`` (every row kept, all its labels).
    label_names : list of str, default=None
        With ``multilabel``: names of integer label ids in the column.

    Raises
    ------
    DataNotFoundError
        If the file or folder does not exist and is no registered dataset name.
    InvalidInputError
        For an empty file, a missing column (with the closest suggestion), a row
        without a label or an unreadable file.
    """
    path = Path(source).expanduser()
    # "folder:test" selects a split of a dair-ai folder
    base, _, option = str(source).rpartition(":")
    if not path.exists() and base and option.lower() in SPLITS and Path(base).expanduser().exists():
        path, split = Path(base).expanduser(), SPLITS[option.lower()]
    if path.is_file():
        return _from_file(path, text_column, label_column, preferred_columns, multilabel,
                          label_names)
    if _is_dair_folder(path) and multilabel:
        raise InvalidInputError(
            f"{str(path)!r} is a dair-ai emotion folder, which has one label per text; drop "
            "--multilabel."
        )
    if _is_dair_folder(path):
        X, y = load_dair_emotion(path, subset=split, return_X_y=True)
        return LabelledData(list(X), np.asarray(y, dtype=object), str(path),
                            f"dair-ai emotion {path.name}/, {split} split", None, None, None)
    audio = _from_audio_folder(path, text_column, label_column) if path.is_dir() else None
    if audio is not None:
        return audio
    if path.is_dir():
        raise InvalidInputError(
            f"{str(path)!r} is a folder; pass a data file ({', '.join(TABLE_FORMATS)}), a "
            "dair-ai emotion folder holding train.txt, val.txt and test.txt, or a folder of "
            "speech clips (RAVDESS names, or a labels.csv table)."
        )
    name, *options = str(source).split(":")
    datasets = registry.available("datasets")
    if name in datasets:
        return _from_dataset(name, options, split, multilabel)
    close = difflib.get_close_matches(name, datasets, n=1, cutoff=0.6)
    hint = f" Did you mean the bundled dataset {close[0]!r}?" if close else ""
    raise DataNotFoundError(
        f"The data file {str(source)!r} does not exist.{hint} Pass an existing file "
        f"(CSV, TSV, JSONL, JSON, Parquet, TXT), a dair-ai emotion folder, or a registered "
        f"dataset: {', '.join(datasets)} (e.g. goemotions:original:test)."
    )
