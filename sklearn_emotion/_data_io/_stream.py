"""Streaming texts in batches from a file or standard input, for ``predict``.

Memory stays constant: CSV/TSV/JSONL/TXT input is read line by line.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path
from typing import IO, Iterator, NamedTuple

from ..exceptions import DataNotFoundError, InvalidInputError
from ._columns import INPUT_FORMATS, format_of, resolve_column, too_many_fields

__all__ = ["TextBatch", "open_input", "iter_text_batches", "input_format"]


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
    extra_fields: str = "error",
) -> Iterator[TextBatch]:
    """Yield batches of texts read lazily from ``stream``: memory stays constant.

    ``fmt`` is ``txt`` (one text per line, blank lines skipped), ``csv``/``tsv`` (a
    header row; ``text_column`` or the usual names, or the only column) or ``jsonl``
    (an object per line with the text under ``text_column``, or a JSON string).
    Without ``text_column``, ``preferred_column`` (the training data's) and then the
    usual names are tried.

    A CSV/TSV row with more fields than the header (an unquoted comma or tab inside
    a text) raises :class:`~sklearn_emotion.exceptions.InvalidInputError` naming the
    line, with ``extra_fields="error"`` (the default). With ``extra_fields="ignore"``
    the row is read as the dialect splits it: the text column's field is the text and
    the fields past the header are ignored. ``predict`` asks for this only when the
    user names both the text column and the input format.
    """
    lines = _CountingLines(stream)
    batch: list[str] = []
    where = f"The input {name!r}" if name != "standard input" else "Standard input"
    if extra_fields not in ("error", "ignore"):
        raise ValueError(f"extra_fields must be 'error' or 'ignore'; got {extra_fields!r}.")
    if fmt in ("csv", "tsv"):
        rows = _csv_texts(lines, fmt, text_column, preferred_column, where,
                          ignore_extra=extra_fields == "ignore")
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


def _csv_texts(lines, fmt, text_column, preferred_column, where, ignore_extra):
    reader = csv.reader(lines, delimiter="," if fmt == "csv" else "\t")
    header = next(reader, None)
    if header is None:
        raise InvalidInputError(f"{where} is empty: it has no header and no rows.")
    if len(header) == 1 and text_column is None:
        index = 0
    else:
        index = header.index(resolve_column(header, text_column, "text", where, preferred_column))
    for row in reader:
        if not row:
            continue
        if len(row) > len(header) and not ignore_extra:
            raise too_many_fields(where, reader.line_num, row, header, fmt, can_ignore=True)
        yield row[index] if index < len(row) else ""


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
    fmt = format_of(Path(source))
    if fmt not in INPUT_FORMATS:
        raise InvalidInputError(
            f"predict streams {', '.join(INPUT_FORMATS)} files; {source!r} is {fmt}. Convert it, "
            "or use `sklearn-emotion evaluate` for labelled data."
        )
    return fmt
