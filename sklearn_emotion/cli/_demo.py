"""``sklearn-emotion demo``: the default model on bundled GoEmotions, end to end."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from rich.table import Table

from .._data_io import stratified_head
from ..datasets import load_goemotions
from ..model_dir import evaluate_predictions, save_model_dir
from ..pipelines import get_pipeline_spec, make_pipeline_by_name
from ._card import model_card, steps_text
from ._common import make_console, peak_memory_mib, predict_chunk, report_tables

__all__ = ["run_demo"]

EXAMPLE_SENTENCES = [
    "I can't believe they cancelled the show, this is outrageous!",
    "Thank you so much, this made my whole week :)",
    "I'm really scared about the exam results tomorrow.",
    "Wait, what? I did not see that coming at all.",
    "My dog passed away this morning and the house feels empty.",
    "Ugh, that smell in the kitchen is disgusting.",
    "The meeting is moved to 3pm on Thursday.",
]


def run_demo(args: argparse.Namespace) -> int:
    """``sklearn-emotion demo``: train, evaluate, save and try the default pipeline."""
    console = make_console()
    started = time.perf_counter()
    out = Path(args.out)
    progress = "auto" if args.progress else False

    train = load_goemotions(subset="train", labels="ekman")
    test = load_goemotions(subset="test", labels="ekman")
    labels = list(train.target_names)
    X_train, y_train = stratified_head(train.data, train.target, args.max_train, args.random_state)
    X_test, y_test = stratified_head(test.data, test.target, args.max_test, args.random_state)
    console.rule("[bold]sklearn-emotion demo")
    console.print(
        f"GoEmotions, Ekman labels ({len(labels)} classes), single-label examples: "
        f"{len(X_train)} for training, {len(X_test)} for testing."
    )

    model = make_pipeline_by_name(
        args.pipeline, random_state=args.random_state, verbose=int(args.progress),
        progress_bar=progress,
    )
    console.print(f"Pipeline [bold]{args.pipeline}[/]: {steps_text(model)}")
    t0 = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - t0

    console.print("Predicting the test split ...")
    texts = list(X_test)
    # one pass for labels and probabilities: the report explains the most confident errors
    y_pred, proba = predict_chunk(model, texts, np.asarray(model.classes_),
                                  hasattr(model, "predict_proba"))
    evaluation = evaluate_predictions(y_test, y_pred, labels, texts=texts, model=model,
                                      proba=proba)
    report_tables(console, evaluation, "GoEmotions test (Ekman)")

    metrics = {"n_train": len(X_train), "n_test": len(X_test), "fit_seconds": round(fit_seconds, 1)}
    data = {"train": {"source": "goemotions:ekman:train", "n_samples": len(X_train)},
            "test": {"source": "goemotions:ekman:test", "n_samples": len(X_test)}}
    card = model_card(get_pipeline_spec(args.pipeline), model, model.classes_, data=data,
                      fit_seconds=fit_seconds, command="sklearn-emotion demo")
    save_model_dir(
        out, model, card, evaluation=evaluation, extra_metrics=metrics,
        report_title="sklearn-emotion demo: GoEmotions test (Ekman)",
        report_metadata={"pipeline": f"{args.pipeline}: {steps_text(model)}",
                         "training data": f"GoEmotions train, {len(X_train)} texts",
                         "test data": f"GoEmotions test, {len(X_test)} texts"},
    )

    probabilities = model.predict_proba(EXAMPLE_SENTENCES)
    classes = model.classes_
    table = Table(title="Predictions for example sentences")
    table.add_column("text")
    table.add_column("emotion", style="bold")
    table.add_column("probability", justify="right")
    for text, row in zip(EXAMPLE_SENTENCES, probabilities):
        best = row.argmax()
        table.add_row(text, str(classes[best]), f"{row[best]:.2f}")
    console.print(table)

    console.print(f"Saved the fitted pipeline to [bold]{out / 'model.zip'}[/], the confusion "
                  f"matrix to [bold]{out / 'confusion_matrix.png'}[/], the metrics to "
                  f"[bold]{out / 'metrics.json'}[/] and the report to "
                  f"[bold]{out / 'report.html'}[/].")
    console.print(f"Try it: sklearn-emotion predict --model {out} \"What a lovely surprise!\"")
    console.print(f"Wall time {time.perf_counter() - started:.0f} s (fit {fit_seconds:.0f} s), "
                  f"peak memory {peak_memory_mib():.0f} MiB.")
    return 0
