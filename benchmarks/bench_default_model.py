"""The default text model against the one it replaced and the TF-IDF baseline.

Trains, on the official train split, and evaluates, on the official test split, of
GoEmotions (Ekman labels, single-label rows) and, with ``--data``, dair-ai emotion:

- ``tfidf-minilm-vote``: the built-in pipeline that ``sklearn-emotion demo`` and
  ``DEFAULT_PIPELINE`` name: ``TextVotingClassifier`` averaging word + character TF-IDF
  -> logistic regression and int8 ONNX all-MiniLM-L6-v2 embeddings -> logistic regression;
- ``minilm-mlp``: the previous default, ``TextCleaner -> SentenceVectorizer ->
  FeedForwardClassifier``;
- ``tfidf-baseline``: ``TfidfBaselineClassifier()`` with its defaults (plugins/tfidf-baseline).

Each model is built by name through the registry, as the command line builds it, with
``random_state=0``. Reported: test accuracy and macro-F1, and the wall time of fit + predict
(encoding included, no embedding cache), each also as a ratio to ``minilm-mlp`` measured
in the same run. Run it alone on the machine (``flock`` on a shared one): the times are
wall-clock.

Usage (from the project root)::

    .venv/bin/python benchmarks/bench_default_model.py                      # GoEmotions
    .venv/bin/python benchmarks/bench_default_model.py --data DAIR_FOLDER   # and dair-ai
    .venv/bin/python benchmarks/bench_default_model.py --max-train 2000     # a quick run

Results are printed and written to ``benchmarks/results/default_model_<date>_<n>.json``
and ``.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, write_result

MODELS = ("tfidf-minilm-vote", "minilm-mlp", "tfidf-baseline")
REFERENCE = "minilm-mlp"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="dair-ai emotion folder (adds that data set)")
    parser.add_argument("--datasets", default=None,
                        help="comma-separated: goemotions-ekman, dair (default: goemotions-ekman, "
                             "and dair with --data)")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--max-train", type=int, default=None,
                        help="stratified sample of the training texts (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def load(name: str, args):
    from sklearn.model_selection import train_test_split

    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions

    if name == "dair":
        folder = data_folder(args.data, "dair-ai emotion")
        train = load_dair_emotion(folder, subset="train", return_X_y=True)
        test = load_dair_emotion(folder, subset="test", return_X_y=True)
    elif name == "goemotions-ekman":
        train = load_goemotions(subset="train", labels="ekman", return_X_y=True)
        test = load_goemotions(subset="test", labels="ekman", return_X_y=True)
    else:
        raise SystemExit(f"unknown dataset {name!r}; expected goemotions-ekman or dair")
    (X_train, y_train), (X_test, y_test) = [(list(X), np.asarray(y)) for X, y in (train, test)]
    if args.max_train and args.max_train < len(X_train):
        X_train, _, y_train, _ = train_test_split(X_train, y_train, train_size=args.max_train,
                                                  stratify=y_train, random_state=0)
    return X_train, y_train, X_test, y_test


def make_model(name: str):
    from sklearn_emotion import registry
    from sklearn_emotion.pipelines import make_pipeline_by_name

    if name == "tfidf-baseline":
        return registry.load("estimators", "TfidfBaselineClassifier")()
    return make_pipeline_by_name(name, random_state=0, verbose=0, progress_bar=False)


def run_one(name: str, data) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    X_train, y_train, X_test, y_test = data
    model = make_model(name)
    started = time.perf_counter()
    model.fit(X_train, y_train)
    fitted = time.perf_counter()
    y_pred = model.predict(X_test)
    done = time.perf_counter()
    return {"model": name, "n_train": len(X_train), "n_test": len(X_test),
            "accuracy": round(float(accuracy_score(y_test, y_pred)), 4),
            "macro_f1": round(float(f1_score(y_test, y_pred, average="macro")), 4),
            "fit_s": round(fitted - started, 1), "predict_s": round(done - fitted, 1),
            "fit_predict_s": round(done - started, 1)}


def add_ratios(rows: list[dict]) -> None:
    """Time ratio and macro-F1 difference to the reference model of the same run."""
    reference = next((r for r in rows if r["model"] == REFERENCE), None)
    for row in rows:
        if reference is None:
            row["time_ratio"] = row["macro_f1_gain"] = None
            continue
        row["time_ratio"] = round(row["fit_predict_s"] / reference["fit_predict_s"], 2)
        row["macro_f1_gain"] = round(row["macro_f1"] - reference["macro_f1"], 4)


def markdown(results: dict) -> str:
    lines = [f"Ratios are to `{REFERENCE}` (the previous default) in the same run; times are "
             "fit + predict wall time, encoding included, no embedding cache.", ""]
    for dataset, rows in results["datasets"].items():
        lines += [f"## {dataset} ({rows[0]['n_train']} training, {rows[0]['n_test']} test texts)",
                  "", "| model | accuracy | macro-F1 | macro-F1 vs ref | fit + predict (s) "
                  "| time vs ref |", "| --- | --- | --- | --- | --- | --- |"]
        for r in rows:
            gain = "-" if r["macro_f1_gain"] is None else f"{r['macro_f1_gain']:+.3f}"
            ratio = "-" if r["time_ratio"] is None else f"{r['time_ratio']:.2f}x"
            lines.append(f"| {r['model']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {gain} "
                         f"| {r['fit_predict_s']:.0f} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    datasets = (args.datasets.split(",") if args.datasets
                else ["goemotions-ekman"] + (["dair"] if args.data else []))
    env = environment(("sentence-transformers", "onnxruntime"))
    results: dict = {"datasets": {}}
    for dataset in datasets:
        data = load(dataset, args)
        rows = results["datasets"][dataset] = []
        for name in args.models.split(","):
            row = run_one(name, data)
            rows.append(row)
            print(f"{dataset:17s} {name:18s} acc {row['accuracy']:.3f} macro-F1 "
                  f"{row['macro_f1']:.3f} fit+predict {row['fit_predict_s']:.0f} s", flush=True)
        add_ratios(rows)
    text = markdown(results)
    print(text)
    stem = write_result("default_model", title="Default text model vs previous default and "
                        "TF-IDF baseline", config=config_of(args), results=results,
                        markdown=text, env=env, tag=args.max_train or "full", out=args.out)
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
