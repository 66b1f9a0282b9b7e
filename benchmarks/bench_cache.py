"""Grid search over MiniLM sentence embeddings, with and without the embedding cache.

A grid of 8 feed-forward head configurations (hidden width x learning rate x dropout) is
searched with ``GridSearchCV(cv=2)`` over ``SentenceVectorizer("all-MiniLM-L6-v2") ->
FeedForwardClassifier`` on GoEmotions (Ekman labels, single-label training rows), three
times in one process:

- ``no cache``: every candidate and every fold encodes its texts again (what a user gets
  from a plain Pipeline);
- ``cache (cold)``: ``SentenceVectorizer(cache=DIR)`` with an empty cache folder: each
  text is encoded once, every later fold and candidate reads it back;
- ``cache (warm)``: the same search again, as a second run of a script would do.

It reports wall time, the speed-up over ``no cache`` (target: at least 5x for the cold
cache), the cache's hit and miss counts, and checks that all runs find the same scores.
Results go to ``benchmarks/results/cache_<date>_<n>.json`` and ``.md``.

Usage::

    python benchmarks/bench_cache.py                      # 4,000 training texts
    python benchmarks/bench_cache.py --max-train 0        # the whole training set (slow)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, environment, load_average, write_result

GRID = {
    "classify__module__hidden_dims": [(128,), (256,)],
    "classify__lr": [1e-3, 3e-3],
    "classify__module__dropout": [0.1, 0.3],
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-train", type=int, default=4000,
                        help="training texts (stratified head); 0 = all 39,555")
    parser.add_argument("--cv", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10, help="head epochs per fit")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="cache folder (default: a fresh temporary folder)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def load_data(max_train: int):
    from sklearn.model_selection import train_test_split

    from sklearn_emotion.datasets import load_goemotions

    X, y = load_goemotions(subset="train", return_X_y=True)
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    if max_train and max_train < len(X):
        X, _, y, _ = train_test_split(X, y, train_size=max_train, stratify=y, random_state=0)
    return list(X), y


def search(X, y, args, cache) -> tuple[dict, object]:
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    from sklearn_emotion import FeedForwardClassifier, SentenceVectorizer

    pipe = Pipeline([
        ("embed", SentenceVectorizer(model=args.model, progress_bar=False, cache=cache)),
        ("classify", FeedForwardClassifier(max_epochs=args.epochs, random_state=0,
                                           verbose=0, progress_bar=False)),
    ])
    grid = GridSearchCV(pipe, GRID, cv=args.cv, scoring="f1_macro", refit=False,
                        error_score="raise")
    start = time.perf_counter()
    grid.fit(X, y)
    seconds = time.perf_counter() - start
    best = {k: str(v) for k, v in grid.best_params_.items()}
    return {"seconds": round(seconds, 1), "best_params": best,
            "best_macro_f1": round(float(grid.best_score_), 4)}, grid


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    from sklearn_emotion.cache import EmbeddingCache
    from sklearn_emotion.vectorizers import SentenceVectorizer

    X, y = load_data(args.max_train)
    SentenceVectorizer(model=args.model).fit(X[:1]).transform(X[:1])  # warm up: load once
    n_candidates = int(np.prod([len(v) for v in GRID.values()]))
    print(f"{len(X)} texts, {n_candidates} candidates, cv={args.cv}, "
          f"{args.threads} torch thread(s)")
    with tempfile.TemporaryDirectory() as tmp:
        cache_dir = args.cache_dir or Path(tmp) / "cache"
        cache = EmbeddingCache(cache_dir)
        cache.clear()
        runs, grids = {}, {}
        for name, use in (("no cache", None), ("cache (cold)", cache_dir),
                          ("cache (warm)", cache_dir)):
            cache.reset_stats()
            load = load_average()
            runs[name], grids[name] = search(X, y, args, use)
            runs[name]["load_before"] = load
            if use is not None:
                runs[name]["cache"] = cache.stats()
            print(f"{name:>14}: {runs[name]['seconds']:8.1f} s  {runs[name].get('cache', '')}")
        base = runs["no cache"]["seconds"]
        for run in runs.values():
            run["speedup"] = round(base / run["seconds"], 2)
        reference = grids["no cache"].cv_results_["mean_test_score"]
        same = {name: bool(np.allclose(g.cv_results_["mean_test_score"], reference,
                                       atol=1e-3)) for name, g in grids.items()}
    config = {"n_train": len(X), "n_candidates": n_candidates, "cv": args.cv,
              "epochs": args.epochs, "model": args.model,
              "grid": {k: [str(v) for v in vals] for k, vals in GRID.items()}}
    env = environment(("sentence-transformers",))
    lines = [
        f"GoEmotions-Ekman, {len(X)} training texts, {n_candidates} head configurations x "
        f"cv={args.cv} over {args.model} sentence embeddings, FeedForwardClassifier "
        f"{args.epochs} epochs, {env['machine']['torch_threads']} torch thread(s) on "
        f"{env['machine']['cpu_count']} CPUs.",
        "",
        "| run | seconds | speed-up | cache hits | cache misses | same scores | 1-min load |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for name, run in runs.items():
        stats = run.get("cache", {})
        lines.append(
            f"| {name} | {run['seconds']:.1f} | {run['speedup']:.2f}x | "
            f"{stats.get('hits', '-')} | {stats.get('misses', '-')} | "
            f"{'yes' if same[name] else 'NO'} | {run['load_before']} |"
        )
    stem = write_result("cache", title="Grid search with and without the embedding cache",
                        config=config, results={"runs": runs, "same_scores_as_no_cache": same},
                        markdown="\n".join(lines), env=env, tag=len(X), out=args.out)
    print("\n".join(lines))
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
