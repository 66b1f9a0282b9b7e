"""Few-shot emotion classification: FewShotClassifier against the setfit package.

For each data set (dair-ai emotion, 6 classes; GoEmotions with Ekman labels,
single-label comments, 7 classes), each number N of examples per class and each seed,
N training texts per class are drawn from the training split with that seed, and the
same texts train every method:

- ``tfidf_lr``: TF-IDF + LogisticRegression (scikit-learn defaults);
- ``minilm_lr``: frozen all-MiniLM-L6-v2 embeddings + LogisticRegression;
- ``minilm_ff``: frozen all-MiniLM-L6-v2 embeddings + FeedForwardClassifier (the
  library's default head, its defaults);
- ``setfit``: the setfit package (``SetFitModel`` + ``Trainer``), its defaults except
  the pair budget, on the same MiniLM body (the bundled plugin's folder), seed = seed;
- ``fewshot``: ``FewShotClassifier`` with its defaults except the same pair budget,
  ``random_state`` = seed.

Both contrastive methods get the same training budget, ``--pairs`` (a CPU budget, the
same at every N): ``pairs / 16`` optimisation steps of 32 encoded texts each. SetFit
draws its pairs with ``num_iterations = ceil(pairs / (2 * n_train))`` and stops after
``max_steps = pairs / 16``; FewShotClassifier runs with ``max_pairs = pairs`` (it encodes
the texts those pairs hold, 2 per pair) and its defaults otherwise
(``loss="batch_cosine"``: the same texts per step, every pair of each batch scored).
``--budget setfit-default`` gives both SetFit's published recipe instead,
``num_iterations = 20`` (40 pairs per training text, 2.5 steps per text, no cap), and
``--budget defaults`` runs each at its own defaults (SetFit's recipe against
FewShotClassifier's ``num_iterations`` / ``max_pairs`` / ``lr``): what a user of either gets.
Each keeps its own learning rate default (SetFit 2e-5, FewShotClassifier its ``lr``).
Every method
is evaluated on the same fixed random subsample of the test split (``--test-size``,
seed 0). Fit time includes loading the body; predict time covers the test subsample;
both are wall seconds on one torch thread, and the ratios to SetFit are taken cell by
cell (same data, same run) and averaged. Results: ``benchmarks/results/fewshot_<date>``
``.json``, ``.md`` and ``.png`` (macro-F1 against N), rewritten after every completed
seed, so an interrupted run still leaves its completed seeds.

Usage::

    python benchmarks/bench_fewshot.py --dair DAIR_FOLDER --shots 8 --seeds 0 --test-size 200
    flock /tmp/bench.lock python benchmarks/bench_fewshot.py --dair DAIR_FOLDER --seeds 0,1,2,3,4
    python benchmarks/bench_fewshot.py --dair DAIR_FOLDER --datasets dair --shots 8 \
        --budget setfit-default --seeds 0,1,2 --test-size 500
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, write_result

METHODS = ("tfidf_lr", "minilm_lr", "minilm_ff", "setfit", "fewshot")
LABELS = {
    "tfidf_lr": "TF-IDF + LR",
    "minilm_lr": "MiniLM embeddings + LR",
    "minilm_ff": "MiniLM embeddings + FeedForward (default head)",
    "setfit": "SetFit (setfit package)",
    "fewshot": "FewShotClassifier",
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="dair,goemotions")
    parser.add_argument("--shots", default="8,16,32,64", help="examples per class")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--test-size", type=int, default=1000)
    parser.add_argument("--eval-split", choices=("test", "validation"), default="test",
                        help="the split scored (validation: to choose settings without "
                             "looking at the test split)")
    parser.add_argument("--pairs", type=int, default=192,
                        help="pairs per contrastive fit, a multiple of 16 (the same budget "
                             "for SetFit and FewShotClassifier)")
    parser.add_argument("--budget", choices=("fixed", "setfit-default", "defaults"),
                        default="fixed",
                        help="fixed: --pairs at every N; setfit-default: SetFit's published "
                             "recipe, num_iterations=20 (40 pairs per training text), for "
                             "both contrastive methods; defaults: each method at its own "
                             "defaults")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--dair", default=None,
                        help="folder of the dair-ai emotion split files (not bundled)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", default=RESULTS)
    return parser.parse_args(argv)


def load(name: str, args):
    """``(train_texts, train_labels, eval_texts, eval_labels)``; the scored split
    (``--eval-split``) subsampled with seed 0."""
    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions

    if name == "dair":
        folder = data_folder(args.dair, "dair-ai emotion", "--dair")
        train = load_dair_emotion(folder, subset="train", return_X_y=True)
        test = load_dair_emotion(folder, subset=args.eval_split, return_X_y=True)
    else:
        train = load_goemotions(subset="train", return_X_y=True)
        test = load_goemotions(subset=args.eval_split, return_X_y=True)
    X_test, y_test = np.asarray(test[0], dtype=object), np.asarray(test[1])
    keep = np.random.RandomState(0).permutation(len(X_test))[:args.test_size]
    return np.asarray(train[0], dtype=object), np.asarray(train[1]), X_test[keep], y_test[keep]


def sample_per_class(y, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` examples of each class, drawn with ``seed`` (sorted by class)."""
    rng = np.random.RandomState(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), n, replace=False)
                           for c in np.unique(y)])


def minilm_folder() -> str:
    from sklearn_emotion import registry

    return str(registry.resolve("encoders", "all-MiniLM-L6-v2").location)


class Frozen:
    """Frozen MiniLM embeddings, loaded once (test embeddings: once per data set, timed)."""

    def __init__(self):
        from sklearn_emotion.vectorizers import SentenceVectorizer

        self.vectorizer = SentenceVectorizer(progress_bar=False).fit(["warm up"])

    def __call__(self, texts):
        return self.vectorizer.transform(list(texts))


def run_method(method, X, y, X_test, seed, num_iterations, pairs, frozen, test_embeddings,
               max_steps):
    """``(predictions, fit seconds, predict seconds)`` of one method on one cell."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sklearn_emotion.estimators import FeedForwardClassifier, FewShotClassifier

    start = time.perf_counter()
    if method == "tfidf_lr":
        model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(X, y)
        fitted = time.perf_counter()
        return model.predict(list(X_test)), fitted - start, time.perf_counter() - fitted
    if method in ("minilm_lr", "minilm_ff"):
        head = (LogisticRegression(max_iter=1000) if method == "minilm_lr"
                else FeedForwardClassifier(random_state=seed, progress_bar=False))
        head.fit(frozen(X), y)
        fitted = time.perf_counter()
        # frozen embeddings of the test texts are shared; time one encoding pass anyway
        predicted = head.predict(test_embeddings[0])
        return predicted, fitted - start, time.perf_counter() - fitted + test_embeddings[1]
    if method == "fewshot":
        budget = {} if pairs is None else {"num_iterations": num_iterations,
                                           "max_pairs": pairs}
        model = FewShotClassifier(random_state=seed, **budget).fit(X, y)
        fitted = time.perf_counter()
        return model.predict(list(X_test)), fitted - start, time.perf_counter() - fitted
    return run_setfit(X, y, X_test, seed, num_iterations, max_steps)


def run_setfit(X, y, X_test, seed, num_iterations, max_steps):
    from datasets import Dataset
    from setfit import SetFitModel, Trainer, TrainingArguments

    classes, codes = np.unique(y, return_inverse=True)
    start = time.perf_counter()
    model = SetFitModel.from_pretrained(minilm_folder(), local_files_only=True)
    train = Dataset.from_dict({"text": list(X), "label": codes.tolist()})
    arguments = TrainingArguments(batch_size=16, num_epochs=1, num_iterations=num_iterations,
                                  max_steps=max_steps, seed=seed, report_to="none",
                                  show_progress_bar=False, save_strategy="no")
    Trainer(model=model, args=arguments, train_dataset=train).train()
    fitted = time.perf_counter()
    predicted = np.asarray(model.predict(list(X_test), show_progress_bar=False))
    return classes[predicted], fitted - start, time.perf_counter() - fitted


def summarise(cells, methods):
    """Mean and sd per (data set, N, method), and the mean ratios to SetFit."""
    summary = {}
    for key in sorted({(c["dataset"], c["shots"]) for c in cells}):
        rows = [c for c in cells if (c["dataset"], c["shots"]) == key]
        entry = {}
        for m in methods:
            got = [r[m] for r in rows if m in r]
            if not got:
                continue
            stats = {"n_seeds": len(got)}
            for metric in ("accuracy", "macro_f1", "fit_s", "predict_s"):
                values = np.array([g[metric] for g in got])
                stats[metric] = [float(values.mean()), float(values.std(ddof=1))
                                 if len(values) > 1 else 0.0]
            if "setfit" in methods and all("setfit" in r for r in rows if m in r):
                for t in ("fit_s", "predict_s"):
                    ratios = [r[m][t] / r["setfit"][t] for r in rows if m in r]
                    stats[f"{t}_ratio_to_setfit"] = float(np.mean(ratios))
            entry[m] = stats
        summary[f"{key[0]}@{key[1]}"] = entry
    return summary


def markdown(summary, methods, args, pairs_of) -> str:
    if args.budget == "fixed":
        budget = (f"{args.pairs // 16} steps of 32 encoded texts at every N ({args.pairs} "
                  "pairs of SetFit; FewShotClassifier scores every pair of each batch); "
                  "`num_iterations` below only sets how SetFit draws its pairs")
    elif args.budget == "defaults":
        budget = ("each method at its own defaults: SetFit's recipe (`num_iterations` = 20, "
                  "40 pairs per training text, lr 2e-5) and FewShotClassifier's "
                  "(`num_iterations=10`, `max_pairs=960`, `lr=3e-4`)")
    else:
        budget = ("SetFit's default recipe, `num_iterations` = 20: 40 pairs per training "
                  "text, so 2.5 steps of 32 encoded texts per training text for both "
                  "(FewShotClassifier: `num_iterations=20`, every pair of each batch scored)")
    lines = [
        f"Scored: {args.test_size} texts of the {args.eval_split} split per data set (seed "
        "0), the same for every "
        f"method. Training budget of both contrastive methods: {budget}. "
        "Macro-F1 and accuracy: mean ± sd over the seeds run; times: mean wall seconds, and "
        "the mean over cells of the ratio to SetFit in the same cell.",
        "",
        "| data set | N/class | num_iterations | method | seeds | macro-F1 | accuracy "
        "| fit s | fit / SetFit | predict s | predict / SetFit |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, entry in summary.items():
        dataset, shots = key.split("@")
        for m in methods:
            s = entry.get(m)
            if s is None:
                continue
            ratio = lambda t: (f"{s[t]:.2f}" if t in s else "")  # noqa: E731
            lines.append(
                f"| {dataset} | {shots} | {pairs_of.get(key, '')} | {LABELS[m]} | "
                f"{s['n_seeds']} | {s['macro_f1'][0]:.3f} ± {s['macro_f1'][1]:.3f} | "
                f"{s['accuracy'][0]:.3f} ± {s['accuracy'][1]:.3f} | {s['fit_s'][0]:.1f} | "
                f"{ratio('fit_s_ratio_to_setfit')} | {s['predict_s'][0]:.1f} | "
                f"{ratio('predict_s_ratio_to_setfit')} |")
    lines += ["", "Targets (issue 17), per cell:", ""]
    for key, entry in summary.items():
        if "fewshot" not in entry or "setfit" not in entry:
            continue
        ours, theirs = entry["fewshot"], entry["setfit"]
        f1_ok = ours["macro_f1"][0] >= theirs["macro_f1"][0] - theirs["macro_f1"][1] / 2
        time_ok = ours.get("fit_s_ratio_to_setfit", np.inf) <= 1.0
        line = (f"- {key}: macro-F1 >= SetFit mean - sd/2: {'met' if f1_ok else 'MISSED'}; "
                f"fit time <= SetFit's: {'met' if time_ok else 'MISSED'}")
        if key.startswith("dair@8") and "minilm_lr" in entry:
            gain = ours["macro_f1"][0] - entry["minilm_lr"]["macro_f1"][0]
            line += (f"; {100 * gain:+.1f} points over MiniLM + LR (target +10): "
                     f"{'met' if gain >= 0.10 else 'MISSED'}")
        lines.append(line)
    return "\n".join(lines)


def plot(summary, methods, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = sorted({key.split("@")[0] for key in summary})
    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.2), squeeze=False)
    for ax, dataset in zip(axes[0], datasets):
        keys = sorted((k for k in summary if k.startswith(dataset + "@")),
                      key=lambda k: int(k.split("@")[1]))
        shots = [int(k.split("@")[1]) for k in keys]
        for m in methods:
            mean = [summary[k][m]["macro_f1"][0] if m in summary[k] else np.nan for k in keys]
            sd = [summary[k][m]["macro_f1"][1] if m in summary[k] else np.nan for k in keys]
            ax.errorbar(shots, mean, yerr=sd, marker="o", capsize=3, label=LABELS[m])
        ax.set_xscale("log", base=2)
        ax.set_xticks(shots, [str(s) for s in shots])
        ax.set_xlabel("training examples per class")
        ax.set_ylabel("macro-F1 (mean ± sd over seeds)")
        ax.set_title({"dair": "dair-ai emotion (6 classes)",
                      "goemotions": "GoEmotions-Ekman (7 classes)"}.get(dataset, dataset))
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    import torch
    from sklearn.metrics import accuracy_score, f1_score

    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    methods = [m for m in args.methods.split(",") if m]
    datasets = [d for d in args.datasets.split(",") if d]
    shots = [int(s) for s in args.shots.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    env = environment(("torch", "transformers", "sentence-transformers", "setfit",
                       "scikit-learn"))
    frozen = Frozen()
    data = {name: load(name, args) for name in datasets}
    test_embeddings = {}
    for name, (_, _, X_test, _) in data.items():
        start = time.perf_counter()
        embeddings = frozen(X_test)
        test_embeddings[name] = (embeddings, time.perf_counter() - start)
    cells, pairs_of, stem = [], {}, None
    for seed in seeds:  # seeds outermost: every completed pass is a complete grid
        for name in datasets:
            X_train, y_train, X_test, y_test = data[name]
            for n in shots:
                idx = sample_per_class(y_train, n, seed)
                X, y = X_train[idx], y_train[idx]
                if args.budget == "fixed":
                    iterations = int(np.ceil(args.pairs / (2 * len(X))))
                    pairs, max_steps = args.pairs, args.pairs // 16
                else:  # SetFit's recipe: 20 iterations, its own length (no max_steps)
                    iterations, max_steps = 20, -1
                    # defaults: FewShotClassifier's own budget (pairs=None)
                    pairs = 2 * iterations * len(X) if args.budget != "defaults" else None
                pairs_of[f"{name}@{n}"] = iterations
                cell = {"dataset": name, "shots": n, "seed": seed,
                        "num_iterations": iterations, "pairs": pairs}
                for m in methods:
                    predicted, fit_s, predict_s = run_method(
                        m, X, y, X_test, seed, iterations, pairs, frozen,
                        test_embeddings[name], max_steps)
                    cell[m] = {"accuracy": float(accuracy_score(y_test, predicted)),
                               "macro_f1": float(f1_score(y_test, predicted, average="macro")),
                               "fit_s": fit_s, "predict_s": predict_s}
                    print(f"{name} N={n} seed={seed} {m}: macro-F1 {cell[m]['macro_f1']:.3f} "
                          f"fit {fit_s:.1f}s predict {predict_s:.1f}s", flush=True)
                cells.append(cell)
        summary = summarise(cells, methods)
        done = seeds[:seeds.index(seed) + 1]
        results = {"cells": cells, "summary": summary, "seeds_completed": done}
        config = {**config_of(args), "num_iterations": pairs_of}
        if stem is not None:  # rewrite this run's files with one more seed
            for suffix in (".json", ".md", ".png"):
                Path(f"{stem}{suffix}").unlink(missing_ok=True)
        title = "Few-shot: FewShotClassifier vs SetFit" + {
            "fixed": "", "setfit-default": " at SetFit's default recipe budget",
            "defaults": ", each at its own defaults"}[args.budget]
        stem = write_result("fewshot", title=title,
                            config=config, results=results, env=env,
                            markdown=markdown(summary, methods, args, pairs_of)
                            + "\n\n![macro-F1 against N](fewshot_PLOT.png)\n", out=args.out)
        plot(summary, methods, f"{stem}.png")
        md = Path(f"{stem}.md")
        md.write_text(md.read_text().replace("fewshot_PLOT.png", Path(f"{stem}.png").name))
        print(f"wrote {stem}.md/.json/.png ({len(results['seeds_completed'])} seeds)", flush=True)


if __name__ == "__main__":
    main()
