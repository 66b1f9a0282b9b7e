"""What ``sample_weight`` costs in the fit of the demo's head.

The demo trains ``FeedForwardClassifier`` with its defaults on 384-dimensional MiniLM
sentence embeddings of the GoEmotions training set (39,555 texts, Ekman labels). The
cost of weighting does not depend on what the numbers in the features are, so this
script fits the same head on random 384-dimensional features of that size and 7
classes (no encoding needed), three ways, interleaved and repeated:

- ``none``: ``fit(X, y)``;
- ``ones``: ``fit(X, y, sample_weight=np.ones(n))``;
- ``random``: ``fit(X, y, sample_weight=rng.uniform(0.1, 2, n))``.

Each fit runs ``--epochs`` epochs (the defaults otherwise, early-stopping split
included). Two timings, each the best of all runs (on a shared machine the slow runs
measure the neighbours): a whole fit in CPU seconds of this process
(``time.process_time``), and one epoch (training and validation, skorch's ``dur``, wall
seconds). The ratio to ``none`` is the cost of weighting (target: under 1.05). Results
go to ``benchmarks/results/sample_weight_<date>.json`` and ``.md``.

Usage::

    python benchmarks/bench_sample_weight.py                # about 1.5 minutes on 1 core
    python benchmarks/bench_sample_weight.py --epochs 1 --repeats 2
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from _common import RESULTS, config_of, environment, load_average, write_result

N_SAMPLES, N_FEATURES, N_CLASSES = 39555, 384, 7  # the demo's training set and MiniLM


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-samples", type=int, default=N_SAMPLES)
    parser.add_argument("--epochs", type=int, default=2, help="epochs per fit")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each variant")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", default=RESULTS)
    return parser.parse_args(argv)


def run(args) -> dict:
    from sklearn_emotion.estimators import FeedForwardClassifier

    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.n_samples, N_FEATURES)).astype(np.float32)
    y = rng.randint(N_CLASSES, size=args.n_samples)
    weights = {"none": None, "ones": np.ones(args.n_samples),
               "random": rng.uniform(0.1, 2.0, size=args.n_samples)}
    FeedForwardClassifier(max_epochs=1).fit(X[:200], y[:200])  # imports, first-call costs
    seconds = {name: [] for name in weights}
    epochs = {name: [] for name in weights}
    names = list(weights)
    for repeat in range(args.repeats):
        # interleaved, in a rotating order: load drifts and ordering effects even out
        for name in names[repeat % 3:] + names[:repeat % 3]:
            sample_weight = weights[name]
            clf = FeedForwardClassifier(max_epochs=args.epochs, random_state=0)
            started = time.process_time()
            clf.fit(X, y, sample_weight=sample_weight)
            seconds[name].append(time.process_time() - started)
            epochs[name].extend(clf.history[:, "dur"])
    best = {name: min(times) for name, times in seconds.items()}
    best_epoch = {name: min(times) for name, times in epochs.items()}
    return {
        "seconds": seconds,
        "epoch_seconds": epochs,
        "best_seconds": best,
        "best_epoch_seconds": best_epoch,
        "ratio_to_none": {name: best[name] / best["none"] for name in best},
        "epoch_ratio_to_none": {name: best_epoch[name] / best_epoch["none"] for name in best},
        "load_average_1min_after": load_average(),
    }


def markdown(args, results) -> str:
    lines = [
        f"FeedForwardClassifier defaults, {args.epochs} epochs, on {args.n_samples} random "
        f"{N_FEATURES}-dimensional features ({N_CLASSES} classes); CPU seconds, best of "
        f"{args.repeats}, {args.threads} torch thread.", "",
        "| sample_weight | best fit (CPU s) | all fits (CPU s) | ratio | best epoch (s) "
        "| ratio |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name, best in results["best_seconds"].items():
        runs = ", ".join(f"{t:.2f}" for t in results["seconds"][name])
        lines.append(f"| {name} | {best:.2f} | {runs} | {results['ratio_to_none'][name]:.3f} "
                     f"| {results['best_epoch_seconds'][name]:.2f} "
                     f"| {results['epoch_ratio_to_none'][name]:.3f} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    import torch

    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    results = run(args)
    stem = write_result("sample_weight", title="sample_weight: cost in the demo head's fit",
                        config=config_of(args), results=results, markdown=markdown(args, results),
                        env=environment(), out=args.out)
    for name, ratio in results["ratio_to_none"].items():
        print(f"{name:>7}: fit {results['best_seconds'][name]:.2f} CPU s, ratio {ratio:.3f}; "
              f"epoch ratio {results['epoch_ratio_to_none'][name]:.3f}")
    print(f"written {stem}.json and .md")


if __name__ == "__main__":
    main()
