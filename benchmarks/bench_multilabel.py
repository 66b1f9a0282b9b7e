"""GoEmotions multi-label (28 labels): one global threshold against per-label thresholds.

Every model is trained on the official train split; its dev-split probabilities tune
the decision thresholds (``sklearn_emotion.multilabel.tune_thresholds``, F1), and the
official test split is scored:

- ``global``: one threshold shared by all labels, the one that maximises the dev
  macro-F1;
- ``per-label``: one threshold per label, each maximising that label's dev F1;
- ``per-label, >=1``: the same, and every comment gets at least one label (the
  most confident one when none passes its threshold: ``min_labels=1``).

Models (rows):

- ``tfidf-ovr``: TF-IDF of 1-2 grams + ``OneVsRestClassifier(LogisticRegression)``;
- ``minilm-ovr``: all-MiniLM-L6-v2 sentence embeddings (cached in ``--cache-dir``) +
  ``OneVsRestClassifier(LogisticRegression)``;
- ``minilm-ffn``: the same embeddings +
  ``FeedForwardClassifier`` on the indicator matrix (sigmoid outputs,
  ``BCEWithLogitsLoss``), and ``minilm-ffn-balanced`` with ``class_weight="balanced"``
  (``pos_weight`` = negatives / positives of each label);
- ``--proba DIR``: fine-tuned MiniLM, from ``DIR/dev_proba.npy`` and ``DIR/test_proba.npy``
  (float arrays of shape (n, 28), rows in ``load_goemotions(subset, labels="original",
  multilabel=True)`` order, columns in its ``target_names`` order), e.g. written by a
  ``TransformerClassifier`` trained on a GPU machine.

Reported: test macro-F1, micro-F1, per-label F1 and the Ekman-grouped multi-label
macro-F1 (the 28 probabilities of a comment are grouped into Ekman's 6 emotions + neutral
by the maximum over each group's labels; thresholds for the 7 groups are tuned on dev the
same way). Results go to ``benchmarks/results/multilabel_<date>.json`` and ``.md``.

Usage::

    python benchmarks/bench_multilabel.py                       # every CPU row
    python benchmarks/bench_multilabel.py --models tfidf-ovr    # one row
    python benchmarks/bench_multilabel.py --models --proba results/finetuned_minilm
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, environment, write_result

MODELS = ("tfidf-ovr", "minilm-ovr", "minilm-ffn", "minilm-ffn-balanced")
SUBSETS = ("train", "validation", "test")
DECISIONS = ("global", "per-label", "per-label, >=1")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="*", choices=MODELS, default=list(MODELS),
                        help="CPU rows to train (none: only --proba)")
    parser.add_argument("--proba", type=Path, action="append", default=[],
                        help="folder with dev_proba.npy and test_proba.npy of a fine-tuned "
                        "model (repeatable)")
    parser.add_argument("--proba-name", action="append", default=[],
                        help="row name of each --proba folder (default: "
                        "'fine-tuned MiniLM')")
    parser.add_argument("--cache-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "sklearn_emotion_bench",
                        help="where MiniLM embeddings are cached as minilm_<subset>.npy")
    parser.add_argument("--thresholds", type=int, default=100,
                        help="candidate thresholds per label")
    parser.add_argument("--C", type=float, default=4.0, help="LogisticRegression C")
    parser.add_argument("--epochs", type=int, default=50,
                        help="FeedForwardClassifier max_epochs (early stopping on)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------- data
def load_data() -> dict:
    from sklearn_emotion.datasets import load_goemotions
    from sklearn_emotion.datasets._goemotions import _scheme

    data = {}
    for subset in SUBSETS:
        bunch = load_goemotions(subset=subset, labels="original", multilabel=True)
        ekman = load_goemotions(subset=subset, labels="ekman", multilabel=True)
        data[subset] = {"X": bunch.data, "Y": bunch.target, "Y_ekman": ekman.target}
    data["labels"] = list(bunch.target_names)
    data["ekman_labels"] = list(ekman.target_names)
    names, mapping = _scheme("ekman")
    assert list(names) == data["ekman_labels"]
    data["ekman_mapping"] = np.asarray(mapping, dtype=bool)  # (28, 7)
    return data


def minilm_embeddings(data: dict, cache_dir: Path, say) -> dict:
    """all-MiniLM-L6-v2 embeddings of each split, encoded once and cached as .npy."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    out, vectorizer, seconds = {}, None, 0.0
    for subset in SUBSETS:
        path = cache_dir / f"minilm_{subset}.npy"
        n = len(data[subset]["X"])
        if path.exists():
            E = np.load(path)
            if E.shape == (n, 384):
                out[subset] = E
                continue
        if vectorizer is None:
            from sklearn_emotion.vectorizers import SentenceVectorizer

            vectorizer = SentenceVectorizer(progress_bar=False).fit(["warm up"])
        say(f"encoding {n} {subset} texts with MiniLM ...")
        start = time.perf_counter()
        E = vectorizer.transform(data[subset]["X"]).astype(np.float32)
        seconds += time.perf_counter() - start
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, E)
        os.replace(tmp, path)
        out[subset] = E
    return {"embeddings": out, "encode_s": round(seconds, 1)}


# --------------------------------------------------------------------------- models
def fit_and_score(model, X: dict, Y_train) -> dict:
    """Fit on ``X["train"]``; dev and test probabilities and the fit time."""
    start = time.perf_counter()
    model.fit(X["train"], Y_train)
    fit_s = time.perf_counter() - start
    return {
        "dev": model.predict_proba(X["validation"]),
        "test": model.predict_proba(X["test"]),
        "fit_s": round(fit_s, 1),
    }


def tfidf_ovr(data: dict, args) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        OneVsRestClassifier(LogisticRegression(C=args.C, max_iter=2000)),
    )
    texts = {subset: data[subset]["X"] for subset in SUBSETS}
    return fit_and_score(model, texts, data["train"]["Y"])


def minilm_ovr(data: dict, embeddings: dict, args) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    model = OneVsRestClassifier(LogisticRegression(C=args.C, max_iter=2000))
    return fit_and_score(model, embeddings, data["train"]["Y"])


def minilm_ffn(data: dict, embeddings: dict, args, class_weight=None) -> dict:
    from sklearn_emotion.estimators import FeedForwardClassifier

    model = FeedForwardClassifier(
        max_epochs=args.epochs,
        class_weight=class_weight,
        classes=data["labels"],
        random_state=args.seed,
        verbose=0,
        progress_bar=False,
    )
    return {**fit_and_score(model, embeddings, data["train"]["Y"]),
            "epochs": len(model.history_)}


def load_proba(folder: Path, data: dict) -> dict:
    classes_file = folder / "classes.json"  # written by bench_finetune.py --save-proba
    if classes_file.exists():
        classes = json.loads(classes_file.read_text(encoding="utf-8"))
        if classes not in (data["labels"], list(range(len(data["labels"])))):
            raise SystemExit(f"{classes_file}: columns {classes} are not the 28 GoEmotions "
                             "labels in target_names order")
    out = {}
    for key, subset, filename in (("dev", "validation", "dev_proba.npy"),
                                  ("test", "test", "test_proba.npy")):
        P = np.load(folder / filename)
        expected = data[subset]["Y"].shape
        if P.shape != expected:
            raise SystemExit(f"{folder / filename}: shape {P.shape}, expected {expected} "
                             f"({subset} rows x 28 labels)")
        out[key] = P.astype(np.float64)
    return out


# ------------------------------------------------------------------------ evaluation
def evaluate(proba: dict, data: dict, n_thresholds: int) -> dict:
    """Test scores of each decision rule, with thresholds tuned on the dev probabilities."""
    from sklearn.metrics import f1_score

    from sklearn_emotion.multilabel import apply_thresholds, tune_thresholds

    mapping = data["ekman_mapping"]

    def group(P):  # (n, 28) -> (n, 7): the most probable label of each Ekman group
        return np.stack([P[:, mapping[:, g]].max(axis=1) for g in range(mapping.shape[1])], 1)

    results = {}
    for decision in DECISIONS:
        per_label = decision != "global"
        min_labels = 1 if decision.endswith(">=1") else 0
        row = {}
        for key, dev, test, Y_dev, Y_test in (
            ("", proba["dev"], proba["test"], data["validation"]["Y"], data["test"]["Y"]),
            ("ekman_", group(proba["dev"]), group(proba["test"]),
             data["validation"]["Y_ekman"], data["test"]["Y_ekman"]),
        ):
            thresholds = tune_thresholds(Y_dev, dev, thresholds=n_thresholds,
                                         per_label=per_label)
            Y_pred = apply_thresholds(test, thresholds, min_labels=min_labels)
            row[key + "macro_f1"] = round(float(f1_score(Y_test, Y_pred, average="macro",
                                                         zero_division=0)), 4)
            row[key + "micro_f1"] = round(float(f1_score(Y_test, Y_pred, average="micro",
                                                         zero_division=0)), 4)
            if not key:
                row["per_label_f1"] = [round(float(v), 4) for v in
                                       f1_score(Y_test, Y_pred, average=None, zero_division=0)]
                row["thresholds"] = [round(float(t), 4) for t in thresholds]
                row["empty_rows"] = int((Y_pred.sum(axis=1) == 0).sum())
        results[decision] = row
    # the fixed 0.5 cut-off everybody uses, for reference
    Y_pred = (proba["test"] >= 0.5).astype(np.int64)
    results["fixed 0.5"] = {
        "macro_f1": round(float(f1_score(data["test"]["Y"], Y_pred, average="macro",
                                         zero_division=0)), 4),
        "micro_f1": round(float(f1_score(data["test"]["Y"], Y_pred, average="micro",
                                         zero_division=0)), 4),
    }
    return results


# --------------------------------------------------------------------------- report
def markdown(report: dict) -> str:
    lines = [
        "Thresholds tuned on the dev split (F1), scores on the official test split (5,427).",
        "",
        "| model | decision | macro-F1 | micro-F1 | Ekman macro-F1 | Ekman micro-F1 | "
        "empty rows | fit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        for decision, r in row["results"].items():
            lines.append(
                f"| {row['model']} | {decision} | {r['macro_f1']:.3f} | {r['micro_f1']:.3f} | "
                + (f"{r['ekman_macro_f1']:.3f} | {r['ekman_micro_f1']:.3f} | "
                   f"{r['empty_rows']} | " if "ekman_macro_f1" in r else "| | | ")
                + f"{row.get('fit_s', '')} |"
            )
    labels = report["labels"]
    per_label_rows = [row for row in report["rows"] if "per-label" in row["results"]]
    if per_label_rows:
        lines += ["", "Per-label test F1 (global / per-label threshold) and test support:", ""]
        header = "| label | support | " + " | ".join(r["model"] for r in per_label_rows) + " |"
        lines += [header, "|---|---|" + "---|" * len(per_label_rows)]
        for j, label in enumerate(labels):
            cells = [
                f"{r['results']['global']['per_label_f1'][j]:.2f} / "
                f"{r['results']['per-label']['per_label_f1'][j]:.2f}"
                for r in per_label_rows
            ]
            lines.append(f"| {label} | {report['support'][j]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)

    def say(message):
        print(message, flush=True)

    data = load_data()
    env = environment()
    report = {
        "labels": data["labels"],
        "support": data["test"]["Y"].sum(axis=0).astype(int).tolist(),
        "rows": [],
    }

    def add(name, proba, **extra):
        row = {"model": name, **extra, "results": evaluate(proba, data, args.thresholds)}
        report["rows"].append(row)
        for decision, r in row["results"].items():
            say(f"{name:<28} {decision:<16} macro-F1 {r['macro_f1']:.3f}  micro-F1 "
                f"{r['micro_f1']:.3f}"
                + (f"  Ekman macro-F1 {r['ekman_macro_f1']:.3f}" if "ekman_macro_f1" in r
                   else ""))

    if "tfidf-ovr" in args.models:
        say("training TF-IDF + one-vs-rest LogisticRegression ...")
        result = tfidf_ovr(data, args)
        add("TF-IDF + OvR LogisticRegression", result, fit_s=result["fit_s"])
    ffn = [m for m in args.models if m.startswith("minilm-ffn")]
    if ffn or "minilm-ovr" in args.models:
        cached = minilm_embeddings(data, args.cache_dir, say)
        report["encode_s"] = cached["encode_s"]
    if "minilm-ovr" in args.models:
        say("training MiniLM + one-vs-rest LogisticRegression ...")
        result = minilm_ovr(data, cached["embeddings"], args)
        add("MiniLM + OvR LogisticRegression", result, fit_s=result["fit_s"])
        for name in ffn:
            balanced = name.endswith("balanced")
            say(f"training FeedForwardClassifier ({'balanced' if balanced else 'plain'}) ...")
            result = minilm_ffn(data, cached["embeddings"], args,
                                class_weight="balanced" if balanced else None)
            add("MiniLM + FeedForwardClassifier" + (" (balanced)" if balanced else ""),
                result, fit_s=result["fit_s"], epochs=result["epochs"])
    names = args.proba_name + ["fine-tuned MiniLM"] * (len(args.proba) - len(args.proba_name))
    for folder, name in zip(args.proba, names):
        add(name, load_proba(folder, data), proba_dir=str(folder))
    base = write_result(
        "multilabel", title="GoEmotions multi-label (28 labels): global vs per-label thresholds",
        config=config_of(args), results=report, markdown=markdown(report), env=env,
        out=args.out)
    say(f"\n{markdown(report)}\n\nwritten to {base}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
