"""``sklearn-emotion predict``: stream texts through a model, write labels and probabilities."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from rich.table import Table

from .._data_io import PredictionWriter, TextBatch, input_format, iter_text_batches, open_input
from ..exceptions import InvalidInputError
from ..model_dir import load_model_dir
from ..utils._io import atomic_path
from ._common import make_console, predict_chunk, progress_display

__all__ = ["run_predict"]


def _output_format(args, to_terminal: bool) -> str:
    if args.format:
        return args.format
    if args.output and args.output != "-":
        suffix = Path(args.output).suffix.lower()
        return "jsonl" if suffix in (".jsonl", ".ndjson", ".json") else "csv"
    return "table" if to_terminal else "csv"


def _text_batches(args, text_column: str | None):
    """(batches, total bytes or None, a name for messages, the stream to close or None)."""
    if args.texts and args.input:
        raise InvalidInputError("Pass texts as arguments or --input FILE, not both.")
    if args.texts:
        size = args.batch_size
        batches = (TextBatch(args.texts[i:i + size], 0) for i in range(0, len(args.texts), size))
        return batches, None, "arguments", None
    source = args.input
    if source is None:
        if sys.stdin is None or sys.stdin.isatty():
            raise InvalidInputError(
                "No texts to predict: pass them as arguments, --input FILE (CSV, TSV, JSONL, "
                "TXT), or pipe them on standard input (one text per line)."
            )
        source = "-"
    fmt = input_format(source, args.input_format)
    stream, total, name = open_input(source)
    # A row with more fields than the header is an error, unless the user named both the
    # text column and the dialect: then that column is read as the dialect splits the row.
    explicit = args.text_column is not None and args.input_format is not None
    batches = iter_text_batches(stream, fmt, text_column=args.text_column,
                                preferred_column=text_column, batch_size=args.batch_size,
                                name=name, extra_fields="ignore" if explicit else "error")
    return batches, total, name, stream


def run_predict(args: argparse.Namespace) -> int:
    """``sklearn-emotion predict``: labels and probabilities, streamed batch by batch."""
    err = make_console(stderr=True)
    model, card = load_model_dir(args.model)
    classes = np.asarray(model.classes_)
    has_proba = hasattr(model, "predict_proba") and not args.no_proba
    trained_on = ((card.get("data") or {}).get("train") or {}).get("text_column")
    batches, total, name, stream = _text_batches(args, trained_on)
    to_file = bool(args.output) and args.output != "-"
    fmt = _output_format(args, sys.stdout.isatty() and not to_file)
    show = args.progress if args.progress is not None else (err.is_terminal and name != "arguments")

    def run(out_stream):
        rows = []
        writer = PredictionWriter(out_stream, fmt, classes, include_text=not args.no_text,
                                  digits=args.digits,
                                  multilabel=hasattr(model, "thresholds_"),
                                  ) if fmt != "table" else None
        with progress_display(err, show) as bar:
            task = bar.add_task(f"predicting {name}", total=total, texts=0)
            for batch in batches:
                labels, proba = predict_chunk(model, batch.texts, classes, has_proba)
                labels = [str(x) for x in labels]
                if writer is not None:
                    writer.write(batch.texts, labels, proba)
                else:
                    best = proba.max(axis=1) if proba is not None else [None] * len(labels)
                    rows.extend(zip(batch.texts, labels, best))
                done = (writer.n_written if writer else len(rows))
                bar.update(task, completed=batch.bytes_read if total else done, texts=done)
        n = writer.n_written if writer else len(rows)
        if n == 0:
            where = "Standard input" if name == "standard input" else f"The input file {name!r}"
            raise InvalidInputError(f"{where} has no texts to predict: it is empty.")
        return rows, n

    try:
        if to_file:
            with atomic_path(args.output) as tmp:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    _, n = run(fh)
            err.print(f"Wrote {n} predictions ({fmt}) to [bold]{args.output}[/].")
        else:
            rows, n = run(sys.stdout)
            if fmt == "table":
                table = Table(title=f"Predictions of {args.model}")
                table.add_column("text")
                table.add_column("emotion", style="bold")
                if has_proba:
                    table.add_column("probability", justify="right")
                for text, label, p in rows:
                    table.add_row(text, label, *([f"{p:.2f}"] if has_proba else []))
                make_console().print(table)
    finally:
        if stream is not None and stream is not getattr(sys.stdin, "buffer", None):
            stream.close()
    return 0
