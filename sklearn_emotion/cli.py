"""The ``sklearn-emotion`` command line.

Sub-commands:

- ``demo``: train the default pipeline on the bundled GoEmotions data (Ekman labels),
  evaluate it on the test split, save the fitted pipeline, a metrics file and a
  confusion-matrix picture, and predict a few example sentences.
- ``plugins``: list every registered plugin by kind, with its package and version.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser"]

EXAMPLE_SENTENCES = [
    "I can't believe they cancelled the show, this is outrageous!",
    "Thank you so much, this made my whole week :)",
    "I'm really scared about the exam results tomorrow.",
    "Wait, what? I did not see that coming at all.",
    "My dog passed away this morning and the house feels empty.",
    "Ugh, that smell in the kitchen is disgusting.",
    "The meeting is moved to 3pm on Thursday.",
]


def _console():
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def _peak_memory_mib() -> float:
    import resource

    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / (1024 if sys.platform == "darwin" else 1)


def _subsample(X, y, n, random_state=0):
    """A stratified subsample of at most ``n`` rows (all rows when ``n`` is None)."""
    if n is None or n >= len(X):
        return X, y
    from sklearn.model_selection import train_test_split

    X_keep, _, y_keep, _ = train_test_split(
        X, y, train_size=n, stratify=y, random_state=random_state
    )
    return X_keep, y_keep


def _run_demo(args: argparse.Namespace) -> int:
    from rich.table import Table

    from .datasets import load_goemotions
    from .metrics import emotion_report, plot_confusion_matrix
    from .pipelines import make_pipeline_by_name
    from .utils._io import atomic_path, dump_model

    console = _console()
    started = time.perf_counter()
    out = Path(args.out)
    progress = "auto" if args.progress else False

    train = load_goemotions(subset="train", labels="ekman")
    test = load_goemotions(subset="test", labels="ekman")
    X_train, y_train = _subsample(train.data, train.target, args.max_train)
    X_test, y_test = _subsample(test.data, test.target, args.max_test)
    console.rule("[bold]sklearn-emotion demo")
    console.print(
        f"GoEmotions, Ekman labels ({len(train.target_names)} classes), single-label examples: "
        f"{len(X_train)} for training, {len(X_test)} for testing."
    )

    model = make_pipeline_by_name(
        args.pipeline, random_state=args.random_state, verbose=int(args.progress),
        progress_bar=progress,
    )
    console.print(f"Pipeline [bold]{args.pipeline}[/]: "
                  + " -> ".join(type(step).__name__ for _, step in model.steps))
    t0 = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - t0

    console.print("Predicting the test split ...")
    y_pred = model.predict(X_test)
    report = emotion_report(y_test, y_pred, labels=list(train.target_names))
    console.print(report.to_rich_table())

    model_path = dump_model(model, out / "model.joblib")
    figure = plot_confusion_matrix(
        y_test, y_pred, labels=list(train.target_names), normalize="true",
        title="GoEmotions test (Ekman), normalised by true label",
    )
    figure_path = out / "confusion_matrix.png"
    with atomic_path(figure_path) as tmp:
        figure.savefig(tmp, format="png", dpi=120)
    metrics = report.to_dict() | {
        "n_train": len(X_train), "n_test": len(X_test), "fit_seconds": round(fit_seconds, 1),
    }
    with atomic_path(out / "metrics.json") as tmp:
        tmp.write_text(json.dumps(metrics, indent=2))

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

    console.print(f"Saved the fitted pipeline to [bold]{model_path}[/], the confusion matrix to "
                  f"[bold]{figure_path}[/] and the metrics to [bold]{out / 'metrics.json'}[/].")
    console.print(f"Wall time {time.perf_counter() - started:.0f} s (fit {fit_seconds:.0f} s), "
                  f"peak memory {_peak_memory_mib():.0f} MiB.")
    return 0


def _run_plugins(args: argparse.Namespace) -> int:
    from rich.table import Table

    from . import registry

    table = Table(title="Registered sklearn-emotion plugins")
    table.add_column("kind", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("package", overflow="fold")
    table.add_column("version")
    kinds = [args.kind] if args.kind else registry.KINDS
    for kind in kinds:
        for plugin in registry.find_plugins(kind):
            table.add_row(plugin.kind, plugin.name, plugin.package, plugin.version)
    _console().print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sklearn-emotion`` command."""
    from . import registry
    from .pipelines import DEFAULT_PIPELINE, PIPELINES

    parser = argparse.ArgumentParser(
        prog="sklearn-emotion",
        description="scikit-learn compatible PyTorch emotion classifiers.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="train, evaluate and save the default model on bundled data")
    demo.add_argument("--out", default="demo-output", help="output folder (default: %(default)s)")
    demo.add_argument("--pipeline", default=DEFAULT_PIPELINE, choices=sorted(PIPELINES),
                      help="pipeline to train (default: %(default)s)")
    demo.add_argument("--max-train", type=int, default=None, metavar="N",
                      help="train on a stratified sample of N texts (default: all)")
    demo.add_argument("--max-test", type=int, default=None, metavar="N",
                      help="evaluate on a stratified sample of N texts (default: all)")
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument("--no-progress", dest="progress", action="store_false",
                      help="hide progress bars and the training log")
    demo.set_defaults(handler=_run_demo)

    plugins = sub.add_parser("plugins", help="list registered plugins by kind")
    plugins.add_argument("--kind", choices=registry.KINDS, default=None)
    plugins.set_defaults(handler=_run_plugins)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from .exceptions import EmotionError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (EmotionError, FileNotFoundError) as exc:
        _console().print(f"[bold red]error:[/] {exc}")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
