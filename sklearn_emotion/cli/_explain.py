"""``sklearn-emotion explain``: which words carried each predicted emotion.

Words are coloured in the terminal (rich), or written as a self-contained HTML page or
JSON lines (one object per text) with ``--format`` and ``--output``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from rich.text import Text

from ..exceptions import InvalidInputError
from ..explain import TokenExplainer
from ..explain._html import highlight_colour
from ..model_dir import load_model_dir
from ..utils._io import atomic_path
from ._common import make_console

__all__ = ["run_explain", "add_explain_parser"]


def add_explain_parser(sub) -> None:
    """Register the ``explain`` sub-command on the parser's sub-parsers."""
    parser = sub.add_parser(
        "explain", help="show which words carried each predicted emotion",
        description="Explain a model's predictions word by word: occlusion (any model) or "
                    "integrated gradients (LSTM and fine-tuned transformer models). Coloured "
                    "words in the terminal (orange: for the emotion, blue: against), or an "
                    "HTML page / JSON lines with --format.")
    parser.add_argument("--model", required=True, metavar="DIR", help="a model folder")
    parser.add_argument("texts", nargs="*", metavar="TEXT", help="texts to explain")
    parser.add_argument("--input", "-i", metavar="FILE",
                        help="a text file, one text per line ('-': standard input)")
    parser.add_argument("--method", choices=("occlusion", "integrated_gradients"),
                        default="occlusion", help="attribution method (default: %(default)s)")
    parser.add_argument("--target", default="predicted", metavar="LABEL|predicted|all",
                        help="the emotion to explain: the predicted one(s), all, or a label "
                             "(default: %(default)s)")
    parser.add_argument("--format", choices=("terminal", "html", "jsonl"),
                        help="output format (default: from --output's suffix, else terminal)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write here instead of standard output (written atomically)")
    parser.add_argument("--batch-size", type=int, default=256, metavar="N",
                        help="texts per predict_proba call (default: %(default)s)")
    parser.add_argument("--contexts", type=int, default=32, metavar="N",
                        help="occlusion: remove each word from the text and from N - 1 "
                             "random versions of it (1: plain leave-one-out, about N/2 "
                             "times faster; default: %(default)s)")
    parser.add_argument("--steps", type=int, default=32, metavar="N",
                        help="integrated gradients: steps of the path integral "
                             "(default: %(default)s)")
    parser.set_defaults(handler=run_explain)


def _texts(args) -> list[str]:
    if args.texts and args.input:
        raise InvalidInputError("Pass texts as arguments or --input FILE, not both.")
    if args.texts:
        return list(args.texts)
    if args.input is None and (sys.stdin is None or sys.stdin.isatty()):
        raise InvalidInputError("No texts to explain: pass them as arguments, --input FILE "
                                "(one text per line), or pipe them on standard input.")
    if args.input in (None, "-"):
        lines = sys.stdin.read().splitlines()
    else:
        lines = Path(args.input).read_text(encoding="utf-8").splitlines()
    texts = [line for line in lines if line.strip()]
    if not texts:
        raise InvalidInputError("The input has no texts to explain: it is empty.")
    return texts


def _format(args) -> str:
    if args.format:
        return args.format
    if args.output and args.output != "-":
        suffix = Path(args.output).suffix.lower()
        return "html" if suffix in (".html", ".htm") else "jsonl"
    return "terminal"


def _rich_lines(explanation) -> list[Text]:
    """One rich Text per (text, explained class): a heading, then the coloured words."""
    lines = []
    for i, text in enumerate(explanation.texts):
        for c, target in enumerate(explanation.targets[i]):
            scores = explanation.scores[i][:, c]
            scale = float(np.max(np.abs(scores))) if len(scores) else 0.0
            line = Text(f"{target} ", style="bold")
            line.append(f"p={explanation.probability(i, target):.2f}  ", style="dim")
            cursor = 0
            for (start, end), score in zip(explanation.spans[i], scores):
                line.append(text[cursor:start])
                colour = highlight_colour(float(score), scale)
                style = ""
                if colour:  # rgba(r,g,b,a) -> the colour blended on white
                    *rgb, alpha = (float(v) for v in colour[5:-1].split(","))
                    r, g, b = (round(255 + alpha * (v - 255)) for v in rgb)
                    style = f"black on rgb({r},{g},{b})"
                line.append(text[start:end], style=style)
                cursor = end
            line.append(text[cursor:])
            lines.append(line)
    return lines


def run_explain(args: argparse.Namespace) -> int:
    """``sklearn-emotion explain``: attributions per word, coloured, as HTML or JSON lines."""
    texts = _texts(args)
    model, _ = load_model_dir(args.model)
    fmt = _format(args)
    explainer = TokenExplainer(model, method=args.method, batch_size=args.batch_size,
                               n_contexts=args.contexts, n_steps=args.steps)
    explanation = explainer.explain(texts, target=args.target)
    if fmt == "terminal":
        console = make_console()
        for line in _rich_lines(explanation):
            console.print(line, soft_wrap=True)
        return 0
    if fmt == "html":
        content = explanation.to_html(full_document=True,
                                      title=f"Explanations of {Path(args.model).name}")
    else:
        content = "".join(json.dumps(r, ensure_ascii=False) + "\n"
                          for r in explanation.to_records())
    if args.output and args.output != "-":
        with atomic_path(args.output) as tmp:
            Path(tmp).write_text(content, encoding="utf-8")
        make_console(stderr=True).print(
            f"Wrote the explanations of {len(texts)} texts ({fmt}) to [bold]{args.output}[/].")
    else:
        sys.stdout.write(content)
    return 0
