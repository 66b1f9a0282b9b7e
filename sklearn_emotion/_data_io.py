"""Reading labelled data and streaming texts for the command line; writing predictions.

- :func:`load_labelled` reads a whole labelled data set (for ``train`` and
  ``evaluate``): a CSV/TSV/JSONL/JSON/Parquet/TXT file, a dair-ai emotion folder, or a
  registered dataset by name (``goemotions``, ``goemotions:original:test``).
- :func:`iter_text_batches` streams texts in batches from a file or standard input
  (CSV/TSV/JSONL/TXT) in constant memory, for ``predict``.
- :class:`PredictionWriter` writes labels and probabilities as CSV or JSON lines.
- :func:`parse_label_lists` reads a multi-label column: comma-separated labels
  (``"joy,love"``), GoEmotions-style id lists (``"2,27"`` with ``label_names``) or lists.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import IO, Iterator, NamedTuple

import numpy as np

from .exceptions import DataNotFoundError, InvalidInputError

__all__ = [
    "LabelledData",
    "load_labelled",
    "has_split",
    "resolve_column",
    "iter_text_batches",
    "TextBatch",
    "PredictionWriter",
    "INPUT_FORMATS",
    "parse_label_lists",
    "goemotions_label_names",
]

TABLE_FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "txt")
INPUT_FORMATS = ("csv", "tsv", "jsonl", "txt")
SPLITS = {"train": "train", "validation": "validation", "test": "test", "dev": "validation",
          "val": "validation"}
_TEXT_FALLBACKS = ("text", "texts", "sentence", "comment", "tweet", "content", "document")
_LABEL_FALLBACKS = ("label", "labels", "emotion", "emotions", "target", "class", "y")


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
    from .datasets._goemotions import _emotions

    return list(_emotions())


def _label_tuples(lists) -> np.ndarray:
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
    return _label_tuples(rows)


def _format_of(path: Path, given: str | None = None) -> str:
    if given:
        return given
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1].lstrip(".") if suffixes else ""
    suffix = {"ndjson": "jsonl", "tab": "tsv", "pq": "parquet"}.get(suffix, suffix)
    if suffix not in TABLE_FORMATS:
        raise InvalidInputError(
            f"Cannot tell the format of {str(path)!r} from its name; expected a file ending in "
            f"{', '.join('.' + f for f in TABLE_FORMATS)} (optionally .gz)."
        )
    return suffix


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_column(columns, requested: str | None, role: str, where: str,
                   preferred: str | None = None) -> str:
    """The column to use for ``role`` ('text' or 'label'), or an error suggesting one.

    With ``requested=None``, ``preferred`` (e.g. the column used in training) and then
    the usual names (``text``, ``label``, ``emotion`` ...) are tried, case-insensitively.
    """
    columns = [str(c) for c in columns]
    option = f"--{role}-column"
    if requested is not None:
        if requested in columns:
            return requested
        lower = {c.lower(): c for c in columns}
        if requested.lower() in lower:
            return lower[requested.lower()]
        close = difflib.get_close_matches(requested, columns, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InvalidInputError(
            f"{where} has no column {requested!r} ({option}).{hint} "
            f"Its columns: {', '.join(map(repr, columns))}."
        )
    fallbacks = _TEXT_FALLBACKS if role == "text" else _LABEL_FALLBACKS
    lower = {c.lower(): c for c in columns}
    for name in ((preferred.lower(),) if preferred else ()) + fallbacks:
        if name in lower:
            return lower[name]
    raise InvalidInputError(
        f"{where} has no {role} column named {fallbacks[0]!r}; pass {option} with one of its "
        f"columns: {', '.join(map(repr, columns))}."
    )


# --------------------------------------------------------------------------- labelled data


def _read_table(path: Path, fmt: str):
    import pandas as pd

    if path.stat().st_size == 0:
        raise InvalidInputError(f"The data file {str(path)!r} is empty: it has no rows.")
    try:
        if fmt in ("csv", "tsv"):
            return pd.read_csv(path, sep="," if fmt == "csv" else "\t", dtype=str,
                               keep_default_na=False, na_filter=False)
        if fmt in ("jsonl", "json"):
            return pd.read_json(path, lines=fmt == "jsonl", dtype=False)
        if fmt == "parquet":
            return pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise InvalidInputError(f"The data file {str(path)!r} is empty: it has no rows.") from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"Could not read {str(path)!r} as {fmt.upper()}: {exc}") from None
    # txt: the dair-ai emotion layout, one 'text;label' example per line
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
    fmt = _format_of(path)
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
                            _sha256(path))
    empty = np.flatnonzero(labels.isna().to_numpy() | (labels.astype(str).str.strip() == ""))
    if len(empty):
        rows = ", ".join(str(i + 1) for i in empty[:5])
        raise InvalidInputError(
            f"{where}: {len(empty)} rows have no label in column {label_col!r} (data rows "
            f"{rows}{', ...' if len(empty) > 5 else ''}). Fill in or remove these rows."
        )
    texts = table[text_col].fillna("").astype(str).tolist()
    label_values = np.asarray(labels.astype(str).str.strip().tolist(), dtype=object)
    return LabelledData(texts, label_values, str(path), what, text_col, label_col, _sha256(path))


def _is_dair_folder(path: Path) -> bool:
    return path.is_dir() and any((path / f).is_file() for f in ("train.txt", "test.txt"))


def _from_audio_folder(path: Path, text_column, label_column) -> LabelledData | None:
    """A folder of speech clips: RAVDESS names, or a ``labels.csv`` table (None if neither).

    Each sample is a record ``{"audio": path, "text": transcript, "speaker": ...}``, the
    input of ``ModalityUnion`` (pipeline ``text-audio-fusion``); ``train`` holds out
    whole speakers when the records name them.
    """
    from .datasets import load_audio_folder, load_ravdess
    from .datasets._audio import AUDIO_SUFFIXES

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
    from . import registry

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
            y = _label_tuples([tuple(names[np.flatnonzero(row)]) for row in bunch.target])
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
    from . import registry

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
    from . import registry

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
        from .datasets import load_dair_emotion

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


# --------------------------------------------------------------------------- streaming


class TextBatch(NamedTuple):
    """One batch of texts and how far the reader has got (for a progress bar)."""

    texts: list
    bytes_read: int


class _CountingLines:
    """Decoded lines of a binary stream, counting the bytes consumed (lazy)."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.bytes_read = 0
        self._first = True

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = self.stream.readline()
        if not raw:
            raise StopIteration
        self.bytes_read += len(raw)
        encoding = "utf-8-sig" if self._first else "utf-8"
        self._first = False
        return raw.decode(encoding, errors="replace")


def open_input(source: str) -> tuple[IO[bytes], int | None, str]:
    """A binary stream for ``source`` ('-' is standard input), its size if known, a name."""
    if source == "-":
        return sys.stdin.buffer, None, "standard input"
    path = Path(source).expanduser()
    if not path.is_file():
        hint = " (it is a folder)" if path.is_dir() else ""
        raise DataNotFoundError(
            f"The input file {str(source)!r} does not exist{hint}. Pass an existing CSV, TSV, "
            "JSONL or TXT file, '-' for standard input, or the texts themselves as arguments."
        )
    if path.suffix == ".gz":
        return gzip.open(path, "rb"), None, str(path)
    return path.open("rb"), path.stat().st_size, str(path)


def iter_text_batches(
    stream: IO[bytes],
    fmt: str,
    *,
    text_column: str | None = None,
    preferred_column: str | None = None,
    batch_size: int = 256,
    name: str = "the input",
) -> Iterator[TextBatch]:
    """Yield batches of texts read lazily from ``stream``: memory stays constant.

    ``fmt`` is ``txt`` (one text per line, blank lines skipped), ``csv``/``tsv`` (a
    header row; ``text_column`` or the usual names, or the only column) or ``jsonl``
    (an object per line with the text under ``text_column``, or a JSON string).
    Without ``text_column``, ``preferred_column`` (the training data's) and then the
    usual names are tried.
    """
    lines = _CountingLines(stream)
    batch: list[str] = []
    where = f"The input {name!r}" if name != "standard input" else "Standard input"
    if fmt in ("csv", "tsv"):
        reader = csv.reader(lines, delimiter="," if fmt == "csv" else "\t")
        header = next(reader, None)
        if header is None:
            raise InvalidInputError(f"{where} is empty: it has no header and no rows.")
        if len(header) == 1 and text_column is None:
            index = 0
        else:
            index = header.index(
                resolve_column(header, text_column, "text", where, preferred_column)
            )
        rows = (row[index] if index < len(row) else "" for row in reader if row)
    elif fmt == "jsonl":
        rows = _jsonl_texts(lines, text_column, preferred_column, where)
    elif fmt == "txt":
        rows = (line.rstrip("\r\n") for line in lines if line.strip())
    else:
        raise InvalidInputError(f"Unknown input format {fmt!r}; expected one of {INPUT_FORMATS}.")
    for text in rows:
        batch.append(text)
        if len(batch) >= batch_size:
            yield TextBatch(batch, lines.bytes_read)
            batch = []
    if batch:
        yield TextBatch(batch, lines.bytes_read)


def _jsonl_texts(lines, text_column, preferred_column, where):
    column = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{where}: line {number} is not valid JSON ({exc}).") from None
        if isinstance(value, str):
            yield value
            continue
        if not isinstance(value, dict):
            raise InvalidInputError(
                f"{where}: line {number} must be a JSON object or string; got "
                f"{type(value).__name__}."
            )
        if column is None or column not in value:
            column = resolve_column(list(value), text_column, "text",
                                    f"{where} (line {number})", preferred_column)
        yield str(value[column])


def input_format(source: str, given: str | None) -> str:
    """The format of a predict input: ``given``, the file's suffix, or txt for stdin."""
    if given:
        return given
    if source == "-":
        return "txt"
    fmt = _format_of(Path(source))
    if fmt not in INPUT_FORMATS:
        raise InvalidInputError(
            f"predict streams {', '.join(INPUT_FORMATS)} files; {source!r} is {fmt}. Convert it, "
            "or use `sklearn-emotion evaluate` for labelled data."
        )
    return fmt


# --------------------------------------------------------------------------- writing


class PredictionWriter:
    """Write predicted labels (and probabilities) as CSV or JSON lines, batch by batch.

    With ``multilabel=True`` each label is a comma-joined label set: CSV keeps the string
    (``"joy,love"``), JSON lines write a list under ``"labels"``.
    """

    def __init__(self, stream: IO[str], fmt: str, classes, *, include_text=True, digits=4,
                 multilabel=False):
        self.multilabel = multilabel
        self.stream = stream
        self.fmt = fmt
        self.classes = [str(c) for c in classes]
        self.include_text = include_text
        self.digits = digits
        self._csv = None
        self.n_written = 0

    def _header(self, with_proba: bool):
        header = (["text"] if self.include_text else []) + ["label"]
        if with_proba:
            header += [f"proba_{c}" for c in self.classes]
        self._csv = csv.writer(self.stream, lineterminator="\n")
        self._csv.writerow(header)

    def write(self, texts, labels, proba=None) -> None:
        d = self.digits
        if self.fmt == "csv":
            if self._csv is None:
                self._header(proba is not None)
            for i, (text, label) in enumerate(zip(texts, labels)):
                row = ([text] if self.include_text else []) + [label]
                if proba is not None:
                    row += [f"{p:.{d}f}" for p in proba[i]]
                self._csv.writerow(row)
        else:
            for i, (text, label) in enumerate(zip(texts, labels)):
                record = {"text": text} if self.include_text else {}
                if self.multilabel:
                    record["labels"] = label.split(",") if label else []
                else:
                    record["label"] = label
                if proba is not None:
                    record["proba"] = {
                        c: round(float(p), d) for c, p in zip(self.classes, proba[i])
                    }
                self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.n_written += len(labels)
        self.stream.flush()


def data_slug(source: str) -> str:
    """A short folder-friendly name for a data source (for evaluation folders)."""
    path = Path(source)
    stem = path.name if path.is_dir() else path.name.split(".")[0] or "data"
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem.replace(":", "-"))
    return keep.strip("-") or "data"


def stratified_head(texts, labels, n: int | None, random_state: int = 0):
    """A stratified sample of at most ``n`` rows (all rows with ``n=None``)."""
    if n is None or n >= len(texts):
        return texts, labels
    from sklearn.model_selection import train_test_split

    if len(labels) and isinstance(labels[0], tuple):  # label sets: a plain random sample
        X, _, y, _ = train_test_split(texts, labels, train_size=n, random_state=random_state)
        return list(X), _label_tuples(y)

    try:
        X, _, y, _ = train_test_split(texts, labels, train_size=n, stratify=labels,
                                      random_state=random_state)
    except ValueError:  # a class too small to stratify: fall back to a plain sample
        X, _, y, _ = train_test_split(texts, labels, train_size=n, random_state=random_state)
    return list(X), np.asarray(y, dtype=object)
