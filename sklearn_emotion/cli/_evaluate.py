"""``sklearn-emotion evaluate``: the full report of a model folder on labelled data."""

from __future__ import annotations

import argparse
from pathlib import Path

from .._data_io import data_slug, load_labelled, stratified_head
from ..model_dir import evaluate_predictions, load_model_dir, write_report
from ._common import (check_known_labels, make_console, predict_batches, progress_flag,
                      report_tables)
from ._multilabel import evaluate_multilabel, label_names_option

__all__ = ["run_evaluate"]


def _card_columns(card: dict) -> tuple:
    train = (card.get("data") or {}).get("train") or {}
    return train.get("text_column"), train.get("label_column")


def run_evaluate(args: argparse.Namespace) -> int:
    """``sklearn-emotion evaluate``: report, metrics and figures of a model folder on data."""
    console = make_console()
    model, card = load_model_dir(args.model)
    # a multi-label model reads label sets (with the label names it was trained with)
    multilabel = bool(card.get("multilabel")) or args.multilabel
    label_names = args.label_names or card.get("label_names")
    if multilabel:
        label_names = label_names_option(label_names)
    data = load_labelled(args.data, text_column=args.text_column, label_column=args.label_column,
                         split="test", preferred_columns=_card_columns(card),
                         multilabel=multilabel, label_names=label_names if multilabel else None)
    texts, y_true = stratified_head(data.texts, data.labels, args.max_test, 0)
    console.print(f"Evaluating [bold]{args.model}[/] on {data.description}, {len(texts)} texts.")
    progress = progress_flag(args.progress, console)
    if multilabel:
        evaluation = evaluate_multilabel(model, texts, y_true, batch_size=args.batch_size,
                                         console=console, progress=progress,
                                         where=f"The evaluation data {data.source!r}")
    else:
        classes = [str(c) for c in model.classes_]
        check_known_labels(y_true, classes, f"The evaluation data {data.source!r}")
        y_pred, proba = predict_batches(model, texts, args.batch_size, console, progress)
        evaluation = evaluate_predictions(y_true, y_pred, classes, texts=texts, model=model,
                                          proba=proba)
    report_tables(console, evaluation, f"Evaluation on {data.description}")

    model_dir = Path(args.model)
    out = Path(args.out) if args.out else (
        model_dir if model_dir.is_dir() else model_dir.parent) / "evaluations" / data_slug(
        args.data)
    pipeline = (card.get("pipeline") or {}).get("name", "model")
    metadata = {
        "model": f"{args.model} ({pipeline})",
        "trained on": ((card.get("data") or {}).get("train") or {}).get("source"),
        "evaluation data": f"{data.description}, {len(texts)} texts",
    }
    write_report(out, evaluation, title=f"{pipeline}: evaluation on {data.description}",
                 metadata=metadata,
                 extra_metrics={"n_test": len(texts), "data": data.card(),
                                "model": str(args.model)},
                 footer=f"model created {card.get('created', 'unknown')}")
    console.print(f"Saved the report to [bold]{out / 'report.html'}[/] (with "
                  "metrics.json, confusion_matrix.png, confusion_matrix_counts.png, "
                  "confused_pairs.csv).")
    return 0
