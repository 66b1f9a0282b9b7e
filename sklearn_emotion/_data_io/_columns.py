"""File formats and column names of tabular input, and the rows that do not fit a header.

Shared by labelled-data loading (``train``, ``evaluate``) and text streaming
(``predict``): the format a file name implies, the column holding the texts or labels,
and the error for a CSV/TSV row with more fields than its header.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import hashlib
from pathlib import Path

from ..exceptions import InvalidInputError

__all__ = ["TABLE_FORMATS", "INPUT_FORMATS", "SPLITS", "format_of", "file_sha256",
           "resolve_column", "too_many_fields", "first_long_row"]

TABLE_FORMATS = ("csv", "tsv", "jsonl", "json", "parquet", "txt")
INPUT_FORMATS = ("csv", "tsv", "jsonl", "txt")
SPLITS = {"train": "train", "validation": "validation", "test": "test", "dev": "validation",
          "val": "validation"}
_TEXT_FALLBACKS = ("text", "texts", "sentence", "comment", "tweet", "content", "document")
_LABEL_FALLBACKS = ("label", "labels", "emotion", "emotions", "target", "class", "y")


def format_of(path: Path, given: str | None = None) -> str:
    """``given``, or the format named by the suffix of ``path`` (``.gz`` looked through)."""
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


def file_sha256(path: Path) -> str:
    """The SHA-256 hex digest of a file (recorded in the model card)."""
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


def too_many_fields(where: str, line: int, row: list, header: list, fmt: str, *,
                    can_ignore: bool) -> InvalidInputError:
    """The error for a CSV/TSV row with more fields than the header.

    Such a row usually holds an unquoted delimiter inside a text; reading it anyway
    would drop or shift part of the text without a word, so it is refused with the
    file, the line and how to fix it.

    Parameters
    ----------
    where : str
        Names the input (``"The input file 'texts.csv'"``).
    line : int
        1-based line number of the row in the file (the header is line 1).
    row, header : list of str
        The fields of the row and of the header.
    fmt : {"csv", "tsv"}
        The dialect the row was split with.
    can_ignore : bool
        Whether the command can be told to read such rows (``predict`` with
        ``--text-column`` and ``--input-format``), which the message then says.
    """
    delimiter = "comma" if fmt == "csv" else "tab"
    shown = ("," if fmt == "csv" else "\t").join(row)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    example = ' (e.g. "thanks a lot, really")' if fmt == "csv" else ""
    message = (
        f"{where}, line {line}, has {len(row)} fields but the header has {len(header)} "
        f"({', '.join(map(repr, header))}): {shown!r}. A text that holds a {delimiter} must "
        f"be quoted{example}."
    )
    if can_ignore:
        message += (
            f" Or name the text column and the dialect (--text-column NAME --input-format "
            f"{fmt}) to read that column as the {fmt.upper()} dialect splits each row, "
            "ignoring the fields past the header."
        )
    return InvalidInputError(message)


def first_long_row(path: Path, fmt: str) -> tuple[int, list, list] | None:
    """The first row of a CSV/TSV file with more fields than its header, or None.

    Returns ``(line, row, header)`` with the 1-based line number where the row ends
    (quoted fields may span lines).
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="", errors="replace") as fh:
        reader = csv.reader(fh, delimiter="," if fmt == "csv" else "\t")
        header = next(reader, None) or []
        for row in reader:
            if len(row) > len(header):
                return reader.line_num, row, header
    return None
