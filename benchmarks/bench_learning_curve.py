"""Learning curve: the default FeedForwardClassifier against LogisticRegression, same features.

At each training size (500, 1,000, 4,000 and all training texts by default), on dair-ai
emotion and GoEmotions with Ekman labels (single-label rows), official test splits, the
same embeddings are classified by

- ``FF``: ``FeedForwardClassifier(random_state=seed)``, every other parameter at its
  default (no tuning);
- ``LR``: ``LogisticRegression(max_iter=3000)`` (scikit-learn's defaults, with enough
  iterations to converge);
- ``LR balanced``: ``LogisticRegression(class_weight="balanced", max_iter=3000)``, an extra
  row for honesty (FF's default weighs the classes too).

Embeddings: ``minilm`` is ``SentenceVectorizer("all-MiniLM-L6-v2")`` (plugins/minilm,
384 dims), ``static`` is ``StaticEmbeddingVectorizer()`` (plugins/model2vec, MiniLM
distilled into static token vectors, 256 dims). Each data set is encoded once per
embedding; MiniLM goes through the library's embedding cache (``--cache``, default the
library's cache folder), so a rerun encodes nothing.

Each size below "all" is drawn ``--seeds`` times (stratified, ``random_state=seed``); at
"all" the data are the same and only FF's seed changes (``--seeds-all`` of them; LR is
deterministic). Reported:
macro-F1 (and accuracy) on the test split, mean and sd over the draws, FF minus LR and
FF / LR side by side, fit seconds. A PNG plots macro-F1 against the training size per
data set and embedding, with +-1 sd bands.

Usage (from the project root)::

    .venv/bin/python benchmarks/bench_learning_curve.py --dair DAIR_FOLDER   # everything
    .venv/bin/python benchmarks/bench_learning_curve.py --dair DAIR_FOLDER \\
        --sizes 500,1000 --seeds 2 --embeddings static                       # a quick look

Results: ``benchmarks/results/learning_curve_<date>.json``, ``.md`` and ``.png``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, write_result

HEADS = ("FF", "LR", "LR balanced")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="dair,goemotions-ekman")
    parser.add_argument("--embeddings", default="minilm,static")
    parser.add_argument("--sizes", default="500,1000,4000,all",
                        help="training sizes, comma-separated; 'all' is the whole split")
    parser.add_argument("--seeds", type=int, default=5, help="draws per size")
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds are first-seed, first-seed + 1, ... (to add draws later)")
    parser.add_argument("--seeds-all", type=int, default=None,
                        help="FF seeds at 'all' (default: --seeds); the slowest point")
    parser.add_argument("--dair", type=Path, default=None, help="dair-ai emotion folder")
    parser.add_argument("--cache", default=None,
                        help="embedding cache folder (default: the library's cache folder)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--merge", type=Path, nargs="+", default=None, metavar="JSON",
                        help="write one table and plot from earlier runs' result files "
                             "(e.g. the small sizes and 'all' run side by side); runs nothing")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def load(name: str, args):
    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions

    if name == "dair":
        folder = data_folder(args.dair, "dair-ai emotion", option="--dair")
        train = load_dair_emotion(folder, subset="train", return_X_y=True)
        test = load_dair_emotion(folder, subset="test", return_X_y=True)
    elif name == "goemotions-ekman":
        train = load_goemotions(subset="train", labels="ekman", return_X_y=True)
        test = load_goemotions(subset="test", labels="ekman", return_X_y=True)
    else:
        raise SystemExit(f"unknown dataset {name!r}; expected dair or goemotions-ekman")
    return [(list(X), np.asarray(y)) for X, y in (train, test)]


def encode(embedding: str, texts_train, texts_test, args):
    """Both splits' embeddings, and the seconds it took (near 0 on a cached rerun)."""
    from sklearn_emotion import registry
    from sklearn_emotion.vectorizers import SentenceVectorizer

    if embedding == "minilm":
        vectorizer = SentenceVectorizer("all-MiniLM-L6-v2", progress_bar=False,
                                        cache=args.cache or True)
    elif embedding == "static":
        vectorizer = registry.load("vectorizers", "StaticEmbeddingVectorizer")()
    else:
        raise SystemExit(f"unknown embedding {embedding!r}; expected minilm or static")
    vectorizer.fit(texts_train[:10])
    start = time.perf_counter()
    Z_train = np.asarray(vectorizer.transform(texts_train), dtype=np.float32)
    Z_test = np.asarray(vectorizer.transform(texts_test), dtype=np.float32)
    return Z_train, Z_test, time.perf_counter() - start


def heads(seed: int) -> dict:
    from sklearn.linear_model import LogisticRegression

    from sklearn_emotion.estimators import FeedForwardClassifier

    return {
        "FF": FeedForwardClassifier(random_state=seed),
        "LR": LogisticRegression(max_iter=3000),
        "LR balanced": LogisticRegression(class_weight="balanced", max_iter=3000),
    }


def run_size(n, Z_train, y_train, Z_test, y_test, args) -> dict:
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split

    runs = {head: [] for head in HEADS}
    seeds = args.seeds if n < len(y_train) or args.seeds_all is None else args.seeds_all
    for seed in range(args.first_seed, args.first_seed + seeds):
        if n < len(y_train):
            X, _, y, _ = train_test_split(Z_train, y_train, train_size=n, stratify=y_train,
                                          random_state=seed)
        else:
            X, y = Z_train, y_train
        for head, model in heads(seed).items():
            if head != "FF" and n >= len(y_train) and runs[head]:
                runs[head].append(dict(runs[head][-1]))  # deterministic: same data, same fit
                continue
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X, y)
            fit_s = time.perf_counter() - start
            pred = model.predict(Z_test)
            runs[head].append({
                "macro_f1": float(f1_score(y_test, pred, average="macro")),
                "accuracy": float(accuracy_score(y_test, pred)),
                "fit_s": fit_s,
                **({"epochs": len(model.history_)} if head == "FF" else {}),
            })
    return {"n_train": int(min(n, len(y_train))), "draws": seeds, "runs": runs,
            "summary": summarise(runs)}


def summarise(runs: dict) -> dict:
    summary = {}
    for head, rows in runs.items():
        f1 = np.array([r["macro_f1"] for r in rows])
        summary[head] = {"macro_f1_mean": float(f1.mean()), "macro_f1_sd": float(f1.std()),
                         "accuracy_mean": float(np.mean([r["accuracy"] for r in rows])),
                         "fit_s_mean": float(np.mean([r["fit_s"] for r in rows]))}
    return summary


def markdown(results: dict) -> str:
    lines = ["Macro-F1 on the official test split, mean +- sd over the draws; FF is "
             "`FeedForwardClassifier()` at its defaults, LR `LogisticRegression()`; "
             "LR balanced (`class_weight=\"balanced\"`) is an extra reference.", "",
             "| data set | embedding | train texts | draws | FF | LR | FF - LR | FF / LR | "
             "FF >= LR | LR balanced | FF fit s | LR fit s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    wins = total = 0
    for curve in results["curves"]:
        for point in curve["points"]:
            s = point["summary"]
            ff, lr, lrb = (s[h]["macro_f1_mean"] for h in HEADS)
            total += 1
            wins += ff >= lr
            lines.append(
                f"| {curve['dataset']} | {curve['embedding']} | {point['n_train']} | "
                f"{point.get('draws', len(point['runs']['FF']))} | "
                f"{ff:.3f} +- {s['FF']['macro_f1_sd']:.3f} | "
                f"{lr:.3f} +- {s['LR']['macro_f1_sd']:.3f} | {ff - lr:+.3f} | {ff / lr:.2f} | "
                f"{'yes' if ff >= lr else '**no**'} | "
                f"{lrb:.3f} +- {s['LR balanced']['macro_f1_sd']:.3f} | "
                f"{s['FF']['fit_s_mean']:.1f} | {s['LR']['fit_s_mean']:.1f} |")
    lines += ["", f"FF >= LR at {wins} of {total} points."]
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = results["curves"]
    datasets = list(dict.fromkeys(c["dataset"] for c in curves))
    embeddings = list(dict.fromkeys(c["embedding"] for c in curves))
    fig, axes = plt.subplots(len(datasets), len(embeddings), squeeze=False,
                             figsize=(4.2 * len(embeddings), 3.3 * len(datasets)))
    styles = {"FF": ("C0", "-"), "LR": ("C1", "-"), "LR balanced": ("C1", ":")}
    for curve in curves:
        ax = axes[datasets.index(curve["dataset"])][embeddings.index(curve["embedding"])]
        n = [p["n_train"] for p in curve["points"]]
        for head in HEADS:
            mean = np.array([p["summary"][head]["macro_f1_mean"] for p in curve["points"]])
            sd = np.array([p["summary"][head]["macro_f1_sd"] for p in curve["points"]])
            color, style = styles[head]
            label = "FeedForwardClassifier()" if head == "FF" else (
                "LogisticRegression()" if head == "LR" else "LR, class_weight='balanced'")
            ax.plot(n, mean, style, color=color, marker="o", ms=3, label=label)
            if head != "LR balanced":
                ax.fill_between(n, mean - sd, mean + sd, color=color, alpha=0.2)
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(n, [f"{v:,}" for v in n], fontsize=8)
        ax.set_title(f"{curve['dataset']}, {curve['embedding']}", fontsize=10)
        ax.set_xlabel("training texts")
        ax.set_ylabel("test macro-F1")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def merge(paths) -> tuple[dict, dict]:
    """The curves of several result files as one: points of the same curve, by size."""
    import json

    curves: dict = {}
    envs = []
    for path in paths:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
        envs.append(payload["environment"])
        for curve in payload["results"]["curves"]:
            points = curves.setdefault((curve["dataset"], curve["embedding"]),
                                       {**curve, "points": {}})["points"]
            for point in curve["points"]:  # draws of the same size (--first-seed) pool
                if point["n_train"] in points:
                    pooled = points[point["n_train"]]
                    for head in HEADS:
                        pooled["runs"][head] += point["runs"][head]
                    pooled["draws"] += point["draws"]
                    pooled["summary"] = summarise(pooled["runs"])
                else:
                    points[point["n_train"]] = json.loads(json.dumps(point))
    for curve in curves.values():
        curve["points"] = [curve["points"][n] for n in sorted(curve["points"])]
    return {"curves": list(curves.values()), "merged_from": [str(p) for p in paths]}, envs[0]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.merge:
        results, env = merge(args.merge)
        return finish(results, env, args)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    env = environment(("sentence-transformers", "model2vec"))
    results: dict = {"curves": []}
    for dataset in args.datasets.split(","):
        (texts_train, y_train), (texts_test, y_test) = load(dataset, args)
        for embedding in args.embeddings.split(","):
            Z_train, Z_test, encode_s = encode(embedding, texts_train, texts_test, args)
            curve = {"dataset": dataset, "embedding": embedding, "dim": int(Z_train.shape[1]),
                     "n_test": len(y_test), "encode_s": encode_s, "points": []}
            for size in args.sizes.split(","):
                n = len(y_train) if size == "all" else int(size)
                point = run_size(n, Z_train, y_train, Z_test, y_test, args)
                curve["points"].append(point)
                s = point["summary"]
                gap = s["FF"]["macro_f1_mean"] - s["LR"]["macro_f1_mean"]
                print(f"{dataset:17s} {embedding:7s} {point['n_train']:6d}  " + "  ".join(
                    f"{h} {s[h]['macro_f1_mean']:.3f}+-{s[h]['macro_f1_sd']:.3f}"
                    for h in HEADS) + f"  FF-LR {gap:+.3f}", flush=True)
            results["curves"].append(curve)
    return finish(results, env, args)


def finish(results: dict, env: dict, args) -> int:
    text = markdown(results)
    print(text)
    stem = write_result("learning_curve", title="Learning curve: FeedForwardClassifier() vs "
                        "LogisticRegression(), same embeddings", config=config_of(args),
                        results=results, markdown=text, env=env, out=args.out)
    if not args.no_plot:
        plot(results, Path(f"{stem}.png"))
        print(f"wrote {stem}.png")
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
