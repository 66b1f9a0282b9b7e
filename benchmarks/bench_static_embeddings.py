"""Static (model2vec) embeddings against the transformer they were distilled from.

Compares, on dair-ai emotion and GoEmotions (Ekman labels, single-label rows), official
train/test splits, each followed by the same ``LogisticRegression`` head:

- ``minilm-static``: ``StaticEmbeddingVectorizer()`` (plugins/model2vec; all-MiniLM-L6-v2
  distilled with model2vec, 256 dims, int8), the same at ``dimensionality=128``, and in a
  ``FeatureUnion`` with ``LexiconVectorizer()`` (VADER scores, plugins/lexicon);
- ``all-MiniLM-L6-v2``: ``SentenceVectorizer("all-MiniLM-L6-v2")`` (plugins/minilm);
- ``tfidf-baseline``: the registered classical baseline ``TfidfBaselineClassifier``
  (plugins/tfidf-baseline), for reference.

Reported: test accuracy and macro-F1, encoding throughput over the whole run (texts/s) and
a clean throughput measurement on the same ``--throughput-texts`` test texts, best of
``--repeats``, with ``--threads`` torch/BLAS threads (default 1, for a shared machine).

Usage (from the project root)::

    .venv/bin/python benchmarks/bench_static_embeddings.py --dair DAIR_FOLDER   # everything
    .venv/bin/python benchmarks/bench_static_embeddings.py --dair DAIR_FOLDER --max-train 2000
    .venv/bin/python benchmarks/bench_static_embeddings.py --datasets goemotions-ekman

dair-ai emotion is not bundled: ``--dair`` names its folder. Results are printed and
written to ``benchmarks/results/static_<date>_<n>.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, write_result

MODELS = ("minilm-static", "minilm-static-128", "minilm-static+vader", "all-MiniLM-L6-v2",
          "tfidf-baseline")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="dair,goemotions-ekman")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--dair", type=Path, default=None, help="dair-ai emotion folder")
    parser.add_argument("--max-train", type=int, default=None,
                        help="stratified sample of the training texts (default: all)")
    parser.add_argument("--throughput-texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def load(name: str, args):
    from sklearn.model_selection import train_test_split

    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions

    if name == "dair":
        folder = data_folder(args.dair, "dair-ai emotion", option="--dair")
        train = load_dair_emotion(folder, subset="train", return_X_y=True)
        test = load_dair_emotion(folder, subset="test", return_X_y=True)
    elif name == "goemotions-ekman":
        train = load_goemotions(subset="train", return_X_y=True)
        test = load_goemotions(subset="test", return_X_y=True)
    else:
        raise SystemExit(f"unknown dataset {name!r}; expected dair or goemotions-ekman")
    (X_train, y_train), (X_test, y_test) = [(list(X), np.asarray(y)) for X, y in (train, test)]
    if args.max_train and args.max_train < len(X_train):
        X_train, _, y_train, _ = train_test_split(X_train, y_train, train_size=args.max_train,
                                                  stratify=y_train, random_state=0)
    return X_train, y_train, X_test, y_test


def make_vectorizer(model: str):
    from sklearn_emotion import registry

    if model.startswith("minilm-static"):
        static = registry.load("vectorizers", "StaticEmbeddingVectorizer")(
            dimensionality=128 if model.endswith("128") else None)
        if model.endswith("+vader"):  # the lexicon plugin as a FeatureUnion partner
            from sklearn.pipeline import make_union

            return make_union(static, registry.load("vectorizers", "LexiconVectorizer")())
        return static
    if model == "all-MiniLM-L6-v2":
        from sklearn_emotion.vectorizers import SentenceVectorizer

        return SentenceVectorizer("all-MiniLM-L6-v2", progress_bar=False)
    return None


def throughput(vectorizer, texts, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        vectorizer.transform(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def run_one(model: str, data, args) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    from sklearn_emotion import registry

    X_train, y_train, X_test, y_test = data
    row = {"model": model, "n_train": len(X_train), "n_test": len(X_test)}
    vectorizer = make_vectorizer(model)
    start = time.perf_counter()
    if vectorizer is None:  # the registered classical baseline, on raw texts
        clf = registry.load("estimators", "TfidfBaselineClassifier")().fit(X_train, y_train)
        row["fit_s"] = time.perf_counter() - start
        start = time.perf_counter()
        pred = clf.predict(X_test)
        row["predict_s"] = time.perf_counter() - start
        sample = X_test[: args.throughput_texts]
        best = min(_timed(lambda: clf.predict(sample)) for _ in range(args.repeats))
        row["texts_per_s"] = len(sample) / best
        row["texts_per_s_note"] = "TF-IDF + prediction"
    else:
        vectorizer.fit(X_train[:10])
        row["load_s"] = time.perf_counter() - start
        start = time.perf_counter()
        Z_train = vectorizer.transform(X_train)
        Z_test = vectorizer.transform(X_test)
        row["encode_s"] = time.perf_counter() - start
        row["encode_texts_per_s"] = (len(X_train) + len(X_test)) / row["encode_s"]
        start = time.perf_counter()
        head = LogisticRegression(max_iter=2000).fit(Z_train, y_train)
        row["fit_s"] = time.perf_counter() - start
        pred = head.predict(Z_test)
        row["dim"] = int(Z_test.shape[1])
        row["texts_per_s"] = throughput(vectorizer, X_test[: args.throughput_texts],
                                        args.repeats)
    row["accuracy"] = float(accuracy_score(y_test, pred))
    row["macro_f1"] = float(f1_score(y_test, pred, average="macro"))
    return row


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def markdown(results: dict) -> str:
    lines = []
    for dataset, rows in results["datasets"].items():
        lines += [f"### {dataset} (train {rows[0]['n_train']}, test {rows[0]['n_test']})", "",
                  "| model | dim | accuracy | macro-F1 | texts/s (1 thread) | speed-up vs MiniLM |",
                  "|---|---|---|---|---|---|"]
        base = next((r["texts_per_s"] for r in rows if r["model"] == "all-MiniLM-L6-v2"), None)
        for r in rows:
            speed = f"{r['texts_per_s'] / base:.0f}x" if base else ""
            lines.append(f"| {r['model']} | {r.get('dim', '-')} | {r['accuracy']:.3f} | "
                         f"{r['macro_f1']:.3f} | {r['texts_per_s']:.0f} | {speed} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    env = environment(("model2vec",))
    results: dict = {"datasets": {}}
    for dataset in args.datasets.split(","):
        data = load(dataset, args)
        rows = results["datasets"][dataset] = []
        for model in args.models.split(","):
            row = run_one(model, data, args)
            rows.append(row)
            print(f"{dataset:17s} {model:18s} acc {row['accuracy']:.3f} "
                  f"macro-F1 {row['macro_f1']:.3f} {row['texts_per_s']:8.0f} texts/s",
                  flush=True)
    text = markdown(results)
    print(text)
    stem = write_result("static", title="Static embeddings vs MiniLM", config=config_of(args),
                        results=results, markdown=text, env=env,
                        tag=args.max_train or "full", out=args.out)
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
