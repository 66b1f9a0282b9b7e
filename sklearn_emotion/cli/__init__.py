"""The ``sklearn-emotion`` command line.

Sub-commands:

- ``demo``: train the default pipeline on the bundled GoEmotions data (Ekman labels),
  evaluate it on the test split, save it as a model folder (fitted pipeline, card,
  report) and predict a few example sentences.
- ``train``: train a pipeline (built-in name or config file) on a data file, a dair-ai
  folder or a bundled dataset, optionally with a grid search; evaluate it on held-out
  data and save a model folder.
- ``evaluate``: the full report of a model folder on labelled data.
- ``predict``: labels and probabilities for texts from arguments, a file or standard
  input, streamed in batches, as CSV or JSON lines.
- ``explain``: which words carried each predicted emotion (occlusion or integrated
  gradients), coloured in the terminal or written as HTML / JSON lines.
- ``plugins``: list every registered plugin by kind, with its package, version, plugin
  API version and licence, then any problem found (``--check`` imports each one too).

One private module per sub-command (``_train.py``, ``_evaluate.py``, ``_predict.py``,
``_demo.py``, ``_explain.py``, ``_plugins.py``); this one holds the parser and
:func:`main`. ``train`` is one path for single- and multi-label data: ``_train_data.py``
loads and splits the data, ``_search.py`` fits single-label pipelines (grid search,
cross-validation), ``_multilabel.py`` holds the multi-label branch and ``_card.py``
builds the model card. Every command is also callable in-process: ``main(["train",
...])`` returns the exit status (0 success, 2 a usage or data error, 130 interrupted).
"""

from __future__ import annotations

import argparse
import sys

from rich.markup import escape

from .. import registry
from ..exceptions import EmotionError
from ..pipelines import DEFAULT_MULTILABEL_PIPELINE, DEFAULT_PIPELINE, PIPELINES
from ._common import make_console
from ._demo import run_demo
from ._evaluate import run_evaluate
from ._explain import add_explain_parser
from ._plugins import run_plugins
from ._predict import run_predict
from ._train import run_train

__all__ = ["main", "build_parser"]


# --------------------------------------------------------------------------- parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text}")
    return value


def _add_column_options(parser) -> None:
    parser.add_argument("--text-column", metavar="NAME",
                        help="column holding the texts (default: text, sentence, comment, ...)")
    parser.add_argument("--label-column", metavar="NAME",
                        help="column holding the labels (default: label, emotion, target, ...)")


def _add_multilabel_options(parser) -> None:
    parser.add_argument("--multilabel", action="store_true",
                        help="several labels per text: the label column holds comma-separated "
                             "labels ('joy,love'; empty: none) or, with --label-names, label "
                             "ids ('2,27'); a bundled dataset keeps every row and label")
    parser.add_argument("--label-names", metavar="goemotions|FILE",
                        help="with --multilabel: names of the integer label ids, 'goemotions' "
                             "(its 28 labels) or a text file with one name per line")


_DATA_HELP = ("a CSV/TSV/JSONL/JSON/Parquet file, a .txt of 'text;label' lines, a dair-ai "
              "emotion folder, or a bundled dataset: goemotions, goemotions:original, "
              "goemotions:sentiment (add :test etc. for a split)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sklearn-emotion`` command."""
    parser = argparse.ArgumentParser(
        prog="sklearn-emotion",
        description="scikit-learn compatible PyTorch emotion classifiers.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="train, evaluate and save the default model on bundled data")
    demo.add_argument("--out", default="demo-output", help="output folder (default: %(default)s)")
    demo.add_argument("--pipeline", default=DEFAULT_PIPELINE, choices=sorted(PIPELINES),
                      help="pipeline to train (default: %(default)s)")
    demo.add_argument("--max-train", type=_positive_int, default=None, metavar="N",
                      help="train on a stratified sample of N texts (default: all)")
    demo.add_argument("--max-test", type=_positive_int, default=None, metavar="N",
                      help="evaluate on a stratified sample of N texts (default: all)")
    demo.add_argument("--random-state", type=int, default=0)
    demo.add_argument("--no-progress", dest="progress", action="store_false",
                      help="hide progress bars and the training log")
    demo.set_defaults(handler=run_demo)

    pipelines = ", ".join(sorted(PIPELINES))
    train = sub.add_parser(
        "train", help="train a pipeline on labelled data and save a model folder",
        description="Train a pipeline, evaluate it on held-out data and save a model folder "
                    "(fitted pipeline, card.json, report.html, confusion matrices).")
    train.add_argument("--data", required=True, metavar="SOURCE", help=_DATA_HELP)
    _add_column_options(train)
    train.add_argument("--pipeline", default=None, metavar="NAME|FILE",
                       help=f"a built-in pipeline ({pipelines}) or a .toml/.yaml pipeline file "
                            f"(default: {DEFAULT_PIPELINE}; with --multilabel: "
                            f"{DEFAULT_MULTILABEL_PIPELINE})")
    train.add_argument("--out", required=True, metavar="DIR", help="the model folder to write")
    train.add_argument("--test-data", metavar="SOURCE",
                       help="labelled data to evaluate on (default: the data's test split, or a "
                            "held-out share of it)")
    train.add_argument("--test-size", type=_fraction, default=0.2, metavar="F",
                       help="share held out for evaluation when the data has no test split; "
                            "0 skips the evaluation (default: %(default)s)")
    train.add_argument("--set", action="append", metavar="PARAM=VALUE",
                       help="set a pipeline parameter (repeatable), e.g. classify__max_epochs=3")
    train.add_argument("--grid", action="append", metavar="PARAM=V1,V2,...",
                       help="grid-search these values with GridSearchCV (repeatable), e.g. "
                            "classify__C=0.1,1,10")
    train.add_argument("--cv", type=_positive_int, default=None, metavar="K",
                       help="cross-validation folds (grid search default: 3; without a grid, "
                            "report K-fold CV scores)")
    train.add_argument("--scoring", default="f1_macro",
                       help="scikit-learn scorer of the grid search/CV (default: %(default)s)")
    train.add_argument("--n-jobs", type=int, default=None, metavar="N",
                       help="parallel jobs of the grid search/CV (default: 1)")
    train.add_argument("--max-train", type=_positive_int, default=None, metavar="N",
                       help="train on a stratified sample of N texts (default: all)")
    train.add_argument("--shots", type=_positive_int, default=None, metavar="N",
                       help="few-shot: train on N examples of each label, drawn with "
                            "--random-state (e.g. with --pipeline few-shot; default: all)")
    train.add_argument("--max-test", type=_positive_int, default=None, metavar="N",
                       help="evaluate on a stratified sample of N texts (default: all)")
    train.add_argument("--batch-size", type=_positive_int, default=256, metavar="N",
                       help="texts per prediction batch (default: %(default)s)")
    train.add_argument("--random-state", type=int, default=0)
    train.add_argument("--quiet", action="store_true", help="hide the training log")
    _add_multilabel_options(train)
    train.add_argument("--threshold-cv", type=float, default=0.2, metavar="K|F",
                       help="with --multilabel: tune one decision threshold per label on "
                            "K-fold out-of-fold scores (an integer >= 2) or on a held-out "
                            "fraction F, then refit on all (default: %(default)s)")
    train.set_defaults(handler=run_train)

    evaluate = sub.add_parser(
        "evaluate", help="evaluate a model folder on labelled data",
        description="Print the report of a model on labelled data and save it (report.html, "
                    "metrics.json, confusion matrices, confused pairs).")
    evaluate.add_argument("--model", required=True, metavar="DIR", help="a model folder")
    evaluate.add_argument("--data", required=True, metavar="SOURCE",
                          help=_DATA_HELP.replace("(add :test etc. for a split)",
                                                  "(their test split by default)"))
    _add_column_options(evaluate)
    evaluate.add_argument("--out", metavar="DIR",
                          help="report folder (default: MODEL/evaluations/<data name>)")
    evaluate.add_argument("--max-test", type=_positive_int, default=None, metavar="N",
                          help="evaluate on a stratified sample of N texts (default: all)")
    evaluate.add_argument("--batch-size", type=_positive_int, default=256, metavar="N")
    evaluate.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                          help="show a progress bar (default: on a terminal)")
    _add_multilabel_options(evaluate)
    evaluate.set_defaults(handler=run_evaluate)

    predict = sub.add_parser(
        "predict", help="predict emotions of texts (arguments, file or standard input)",
        description="Predict labels and probabilities, streaming the input in batches "
                    "(constant memory). Reads standard input when no texts or --input are "
                    "given.")
    predict.add_argument("--model", required=True, metavar="DIR", help="a model folder")
    predict.add_argument("texts", nargs="*", metavar="TEXT", help="texts to classify")
    predict.add_argument("--input", "-i", metavar="FILE",
                         help="CSV, TSV, JSONL or TXT file (one text per line); '-' for stdin")
    predict.add_argument("--input-format", choices=("csv", "tsv", "jsonl", "txt"),
                         help="format of --input (default: from its suffix; stdin: txt)")
    predict.add_argument("--text-column", metavar="NAME",
                         help="column (CSV/TSV) or key (JSONL) of the texts (default: text, "
                              "...). A CSV/TSV row with more fields than the header is an "
                              "error, unless both --text-column and --input-format are given: "
                              "then the named column is read as that dialect splits each row "
                              "and the fields past the header are ignored")
    predict.add_argument("--output", "-o", metavar="FILE",
                         help="write here instead of standard output (written atomically)")
    predict.add_argument("--format", choices=("csv", "jsonl", "table"),
                         help="output format (default: from --output's suffix; csv, or a table "
                              "on a terminal)")
    predict.add_argument("--batch-size", type=_positive_int, default=256, metavar="N",
                         help="texts per batch (default: %(default)s)")
    predict.add_argument("--no-text", action="store_true", help="leave the text out of the output")
    predict.add_argument("--no-proba", action="store_true", help="write labels only")
    predict.add_argument("--digits", type=int, default=4, help="decimals of the probabilities")
    predict.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                         help="progress bar on standard error (default: on a terminal)")
    predict.set_defaults(handler=run_predict)

    add_explain_parser(sub)

    plugins = sub.add_parser("plugins", help="list registered plugins by kind")
    plugins.add_argument("--kind", choices=registry.KINDS, default=None)
    plugins.add_argument("--check", action="store_true",
                         help="also import every plugin and report those that fail (exit 1)")
    plugins.set_defaults(handler=run_plugins)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return args.handler(args)
    except (EmotionError, FileNotFoundError) as exc:
        make_console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return 2
    except BrokenPipeError:  # e.g. `... | head`: the reader has gone, not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        make_console(stderr=True).print("interrupted")
        return 130
