"""Helpers shared by the sub-commands: consoles, progress, batched prediction, tables."""

from __future__ import annotations

import sys

import numpy as np
from rich.console import Console
from rich.progress import (BarColumn, Progress, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table

from ..exceptions import InvalidInputError

__all__ = ["make_console", "peak_memory_mib", "progress_display", "predict_batches",
           "predict_chunk", "check_known_labels", "report_tables", "progress_flag"]


def make_console(stderr: bool = False) -> Console:
    """A rich console on standard output (or error) that does not colour numbers."""
    return Console(stderr=stderr, highlight=False)


def peak_memory_mib() -> float:
    """The peak resident memory of this process, in MiB."""
    import resource  # Unix only: imported here so that the CLI still starts elsewhere

    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)


def progress_display(console, enabled: bool):
    """A rich progress display (a no-op context when disabled)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[texts]} texts"), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console, disable=not enabled, transient=False,
    )


def predict_batches(model, texts, batch_size: int, console, progress: bool):
    """Labels and probabilities (None if the model has none) of ``texts``, in batches."""
    classes = np.asarray(model.classes_)
    has_proba = hasattr(model, "predict_proba")
    labels, probas = [], []
    with progress_display(console, progress) as bar:
        task = bar.add_task("predicting", total=len(texts), texts=0)
        for start in range(0, len(texts), batch_size):
            chunk = texts[start:start + batch_size]
            label, proba = predict_chunk(model, chunk, classes, has_proba)
            labels.append(label)
            probas.append(proba)
            bar.update(task, advance=len(chunk), texts=start + len(chunk))
    proba = np.concatenate(probas) if has_proba and probas else None
    return np.concatenate(labels) if labels else np.array([], dtype=object), proba


def predict_chunk(model, texts, classes, has_proba):
    """Labels (comma-joined label sets for a multi-label model) and probabilities or None."""
    if hasattr(model, "thresholds_"):  # multi-label: every label that passes its threshold
        Y = model.predict(texts)
        labels = np.array([",".join(str(c) for c in classes[row == 1]) for row in Y],
                          dtype=object)
        return labels, (model.predict_proba(texts) if has_proba else None)
    if has_proba:
        proba = model.predict_proba(texts)
        return classes[proba.argmax(axis=1)], proba
    return model.predict(texts), None


def check_known_labels(y_true, classes, where: str) -> None:
    """Refuse evaluation labels the model was never trained on."""
    known = {str(c) for c in classes}
    values, counts = np.unique(np.asarray(y_true, dtype=str), return_counts=True)
    unknown = [(v, c) for v, c in zip(values, counts) if v not in known]
    if unknown:
        listing = ", ".join(f"{str(v)!r} ({c} rows)" for v, c in unknown)
        raise InvalidInputError(
            f"{where} has labels the model was not trained on: {listing}. The model knows "
            f"{', '.join(sorted(known))}. Evaluate on data with the training label set, map "
            "these labels onto it, or retrain the model with them."
        )


def report_tables(console, evaluation, title: str) -> None:
    """Print an evaluation's report and its most confused pairs."""
    console.print(evaluation.report.to_rich_table(title=title))
    pairs = evaluation.pairs
    if len(pairs):
        table = Table(title="Most confused pairs")
        table.add_column("true emotion", style="bold")
        table.add_column("predicted as")
        table.add_column("count", justify="right")
        table.add_column("share of true", justify="right")
        for row in pairs.head(8).to_dict("records"):
            table.add_row(str(row["true"]), str(row["predicted"]), str(row["count"]),
                          f"{row['share_of_true']:.1%}")
        console.print(table)


def progress_flag(value, console) -> bool:
    """``--progress``/``--no-progress``, or by default whether ``console`` is a terminal."""
    return console.is_terminal if value is None else value
