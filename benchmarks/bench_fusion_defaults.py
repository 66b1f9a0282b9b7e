"""FusionClassifier() defaults against LogisticRegression on unseen RAVDESS speakers.

The rule of ``bench_learning_curve.py`` for audio: the defaults, untuned, must not lose
to a linear model on the same features. Data: the RAVDESS speech clips of actors 1-12
(``load_ravdess``; ``--data`` names your folder, CC BY-NC-SA, not bundled), scored with
``GroupKFold`` by actor (``--folds``, default 6: two unseen actors per test fold);
accuracy and macro-F1 are the means over the folds. Models:

- ``FusionClassifier()`` on ``MFCCVectorizer()`` features (plugins/audio-mfcc defaults:
  MFCC-40 mean and std), every parameter at its default but ``random_state``
  (``--seeds`` seeds; mean and sd over them);
- ``LR`` on the same features: ``StandardScaler()`` + ``LogisticRegression()``
  (``max_iter`` raised to converge);
- ``floor``: plain librosa ``mfcc(n_mfcc=40)`` mean/std (librosa's frame settings) +
  ``StandardScaler()`` + ``LogisticRegression()``, the figure the issue quotes (about 0.41);
- ``FusionClassifier()`` on the floor features too, for the same comparison there.

Features are computed once for all clips (no statistics are learnt from them; the
scaling is inside each fold). Results: ``benchmarks/results/fusion_defaults_<date>.json``
and ``.md``. Usage::

    .venv/bin/python benchmarks/bench_fusion_defaults.py --data RAVDESS_FOLDER
    .venv/bin/python benchmarks/bench_fusion_defaults.py --data RAVDESS_FOLDER --seeds 2
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, write_result


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="RAVDESS speech folder")
    parser.add_argument("--actors", type=int, default=12, help="actors 1..N are used")
    parser.add_argument("--folds", type=int, default=6, help="GroupKFold splits over actors")
    parser.add_argument("--seeds", type=int, default=5, help="FusionClassifier seeds")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n-jobs", type=int, default=1, help="clips featurised in parallel")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def librosa_floor(paths) -> np.ndarray:
    """Plain librosa in a loop: MFCC-40 mean and std with librosa's defaults."""
    import librosa

    rows = []
    for path in paths:
        y, sr = librosa.load(path, sr=16000)
        mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=40)
        rows.append(np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]))
    return np.asarray(rows, dtype=np.float32)


def cross_validate(make, X, y, groups, folds) -> dict:
    """Mean accuracy and macro-F1 over GroupKFold folds (actors never shared)."""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import GroupKFold

    acc, f1 = [], []
    start = time.perf_counter()
    for train, test in GroupKFold(n_splits=folds).split(X, y, groups):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = make().fit(X[train], y[train]).predict(X[test])
        acc.append(accuracy_score(y[test], pred))
        f1.append(f1_score(y[test], pred, average="macro"))
    return {"accuracy": float(np.mean(acc)), "macro_f1": float(np.mean(f1)),
            "fold_accuracy": [float(a) for a in acc], "seconds": time.perf_counter() - start}


def summarise(runs: list[dict]) -> dict:
    acc = np.array([r["accuracy"] for r in runs])
    f1 = np.array([r["macro_f1"] for r in runs])
    return {"accuracy_mean": float(acc.mean()), "accuracy_sd": float(acc.std()),
            "macro_f1_mean": float(f1.mean()), "macro_f1_sd": float(f1.std()), "runs": runs}


def markdown(results: dict, args) -> str:
    lines = [f"{results['n_clips']} clips of actors 1-{args.actors}, GroupKFold({args.folds}) "
             "by actor, means over the folds; FusionClassifier: mean +- sd over "
             f"{args.seeds} seeds.", "",
             "| features | model | accuracy | macro-F1 | minus LR, same features "
             "(accuracy, macro-F1) |",
             "|---|---|---|---|---|"]
    for features in ("MFCCVectorizer()", "librosa MFCC-40 mean/std"):
        rows = results[features]
        lr = rows["LR"]
        for model, r in rows.items():
            sd = f" +- {r['accuracy_sd']:.3f}" if len(r["runs"]) > 1 else ""
            sd_f1 = f" +- {r['macro_f1_sd']:.3f}" if len(r["runs"]) > 1 else ""
            gap = "" if model == "LR" else (
                f"{r['accuracy_mean'] - lr['accuracy_mean']:+.3f}, "
                f"{r['macro_f1_mean'] - lr['macro_f1_mean']:+.3f}")
            lines.append(f"| {features} | {model} | {r['accuracy_mean']:.3f}{sd} | "
                         f"{r['macro_f1_mean']:.3f}{sd_f1} | {gap} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn_emotion_audio import MFCCVectorizer

    from sklearn_emotion import FusionClassifier, load_ravdess

    torch.set_num_threads(args.threads)
    env = environment(("librosa",))
    folder = data_folder(args.data, "RAVDESS", option="--data")
    ravdess = load_ravdess(folder)
    keep = np.asarray(ravdess.groups).astype(int) <= args.actors
    paths = list(np.asarray(ravdess.data["audio"])[keep])
    y = np.asarray(ravdess.target)[keep]
    groups = np.asarray(ravdess.groups)[keep]
    start = time.perf_counter()
    features = {"MFCCVectorizer()": MFCCVectorizer(n_jobs=args.n_jobs).fit_transform(paths),
                "librosa MFCC-40 mean/std": librosa_floor(paths)}
    print(f"features of {len(paths)} clips: {time.perf_counter() - start:.0f} s", flush=True)
    results: dict = {"n_clips": len(paths), "n_actors": int(len(np.unique(groups)))}
    for name, X in features.items():
        X = np.asarray(X, dtype=np.float32)
        rows = results[name] = {}
        rows["LR"] = summarise([cross_validate(
            lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)),
            X, y, groups, args.folds)])
        rows["FusionClassifier()"] = summarise([
            cross_validate(lambda: FusionClassifier(random_state=seed), X, y, groups, args.folds)
            for seed in range(args.seeds)])
        for model, r in rows.items():
            print(f"{name:26s} {model:20s} accuracy {r['accuracy_mean']:.3f} "
                  f"macro-F1 {r['macro_f1_mean']:.3f}", flush=True)
    text = markdown(results, args)
    print(text)
    stem = write_result("fusion_defaults", title="FusionClassifier() defaults vs "
                        "LogisticRegression, RAVDESS, unseen speakers", config=config_of(args),
                        results=results, markdown=text, env=env, out=args.out)
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
