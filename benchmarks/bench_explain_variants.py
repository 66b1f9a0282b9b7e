"""Which occlusion variant is the default: deletion AOPC on VALIDATION texts.

The benchmark's test texts (``bench_explain.py``) are not used to choose: this script
explains a seeded sample of each data set's validation split, with the models
``bench_explain.py`` builds (same training sample), for their predicted class, by:

- ``TokenExplainer(n_contexts=N, context_keep=Q)`` for leave-one-out (``N = 1``) and
  occlusion in N contexts (the full text and N - 1 random versions of it, each other word
  kept with probability Q);
- ``windows_1_3``: occlusion of sliding windows of 1, 2 and 3 words, each window's drop
  given to its words and averaged over the windows holding a word (captum's
  ``Occlusion`` with sliding windows, over words), written here only for the comparison.

Output: ``benchmarks/results/explain_variants_<date>.{json,md}``: AOPC (k = 1..5) and
seconds per text of each variant.

``--models`` takes ``tfidf``, ``lstm`` and ``minilm`` (the MiniLM head: each variant gets a
fresh embedding cache, so none reuses another's encodings); ``--variants`` names the
variants to run.

Usage::

    python benchmarks/bench_explain_variants.py --dair DAIR_FOLDER --n-texts 150 --jobs 2
    python benchmarks/bench_explain_variants.py --dair DAIR_FOLDER --models minilm --jobs 2 \
        --variants contexts_16_keep_0.5,contexts_16_keep_0.6,contexts_16_keep_0.7
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time

import numpy as np

import bench_explain
from _common import RESULTS, config_of, environment, write_result

VARIANTS = ("leave_one_out,contexts_8_keep_0.8,contexts_16_keep_0.8,contexts_16_keep_0.7,"
            "contexts_8_keep_0.5,contexts_16_keep_0.5,contexts_32_keep_0.5,windows_1_3")


def variant_params(name: str) -> tuple[int, float]:
    """``(n_contexts, context_keep)`` of a variant named ``contexts_N_keep_Q``."""
    if name == "leave_one_out":
        return 1, 1.0
    found = re.fullmatch(r"contexts_(\d+)_keep_([0-9.]+)", name)
    if not found:
        raise SystemExit(f"unknown variant {name!r}: use leave_one_out, windows_1_3 or "
                         "contexts_N_keep_Q")
    return int(found[1]), float(found[2])


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dair", default=None, help="the dair-ai emotion folder")
    parser.add_argument("--datasets", default="dair,goemotions")
    parser.add_argument("--models", default="tfidf,lstm")
    parser.add_argument("--n-texts", type=int, default=150, help="validation texts")
    parser.add_argument("--n-train", type=int, default=8000)
    parser.add_argument("--minilm-train", type=int, default=3000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--variants", default=VARIANTS,
                        help="comma-separated: leave_one_out, windows_1_3, contexts_N_keep_Q")
    parser.add_argument("--out", default=RESULTS)
    return parser.parse_args(argv)


def validation_texts(dataset, args) -> list[str]:
    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions
    from sklearn_emotion.explain import word_spans

    if dataset == "dair":
        X = load_dair_emotion(bench_explain.data_folder(args.dair, "dair-ai emotion", "--dair"),
                              "validation", return_X_y=True)[0]
    else:
        X = load_goemotions("validation", return_X_y=True)[0]
    X = np.asarray(X, dtype=object)
    order = np.random.default_rng(args.seed + 1).permutation(len(X))
    return [str(X[i]) for i in order if word_spans(str(X[i]))][:args.n_texts]


def window_scores(model, texts, spans, columns, widths=(1, 2, 3)):
    """Sliding-window occlusion over words, each window's drop averaged onto its words."""
    from sklearn_emotion.explain._occlusion import predict_unique
    from sklearn_emotion.explain._words import remove_spans

    variants, plans = [], []
    for text, words in zip(texts, spans):
        plan = [(len(variants), None)]
        variants.append(text)
        for width in widths:
            for start in range(len(words) - width + 1):
                plan.append((len(variants), (start, width)))
                variants.append(remove_spans(text, words[start:start + width]))
        plans.append(plan)
    proba = predict_unique(model.predict_proba, variants, 256,
                           lambda: np.asarray(model.predict_proba([""]), dtype=float)[0])
    scores = []
    for words, plan, c in zip(spans, plans, columns):
        total, count = np.zeros(len(words)), np.zeros(len(words))
        full = proba[plan[0][0], c]
        for row, window in plan[1:]:
            start, width = window
            total[start:start + width] += full - proba[row, c]
            count[start:start + width] += 1
        scores.append(total / np.maximum(count, 1))
    return scores


def run_dataset(dataset, args) -> dict:
    import torch

    from sklearn_emotion.explain import TokenExplainer, word_spans

    torch.set_num_threads(1)
    X, y, _ = bench_explain.load(dataset, bench_args(args))
    texts = validation_texts(dataset, args)
    spans = [word_spans(t) for t in texts]
    out = {}
    for model_name in args.models.split(","):
        model = bench_explain.build(model_name, X, y, bench_args(args))
        columns = list(np.asarray(model.predict_proba(texts)).argmax(axis=1))
        entry = {}
        for name in args.variants.split(","):
            bench_explain.fresh_cache(model, name, args.scratch)  # each variant encodes afresh
            started = time.perf_counter()
            if name == "windows_1_3":
                scores = window_scores(model, texts, spans, columns)
            else:
                n_contexts, keep = variant_params(name)
                result = TokenExplainer(model, n_contexts=n_contexts, context_keep=keep,
                                        random_state=args.seed).explain(texts)
                scores = [s[:, 0] for s in result.scores]
            seconds = (time.perf_counter() - started) / len(texts)
            curve = bench_explain.deletion_curves(model, texts, spans, columns, scores, args.k)
            entry[name] = {"aopc": float(curve.mean()), "aopc_at_k": curve.mean(0).tolist(),
                           "seconds_per_text": seconds}
        entry["_setup"] = {"n_texts": len(texts)}
        out[f"{dataset}/{model_name}"] = entry
        print(dataset, model_name, {k: round(v["aopc"], 4) for k, v in entry.items()
                                    if k != "_setup"}, flush=True)
    return out


def bench_args(args) -> argparse.Namespace:
    return bench_explain.parse_args(["--n-train", str(args.n_train), "--minilm-train",
                                     str(args.minilm_train), "--seed", str(args.seed),
                                     "--scratch", args.scratch]
                                    + (["--dair", str(args.dair)] if args.dair else []))


def markdown(args, results) -> str:
    names = args.variants.split(",")
    lines = [f"Deletion AOPC over k = 1..{args.k} (predicted class) on {args.n_texts} "
             "validation texts per data set, and seconds per text (one torch thread; "
             f"{args.jobs} process(es)). Best AOPC per model in bold.", "",
             "| data / model | " + " | ".join(names) + " |",
             "|---|" + "---:|" * len(names)]
    for key, entry in results.items():
        if "/" not in key:
            continue
        best = max(entry[n]["aopc"] for n in names)
        cells = [(f"**{entry[n]['aopc']:.4f}**" if entry[n]["aopc"] == best
                  else f"{entry[n]['aopc']:.4f}") + f" ({entry[n]['seconds_per_text']:.3f} s)"
                 for n in names]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    keys = [k for k in results if "/" in k]
    mean = {n: float(np.mean([results[k][n]["aopc"] for k in keys])) for n in names}
    lines += ["", "Mean AOPC over the models: " + ", ".join(
        f"{n} {v:.4f}" for n, v in sorted(mean.items(), key=lambda kv: -kv[1])) + "."]
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    datasets = args.datasets.split(",")
    with tempfile.TemporaryDirectory(prefix="bench_explain_variants_") as scratch:
        args.scratch = scratch  # the embedding caches, removed at the end
        results = bench_explain.per_dataset(run_dataset, datasets, args)
    text = markdown(args, results)
    stem = write_result("explain_variants", title="Occlusion variants on validation texts "
                        "(choosing TokenExplainer's default)",
                        config=config_of(args, drop=("out", "scratch")),
                        results=results, markdown=text, env=environment(), out=args.out)
    print(text)
    print(f"written {stem}.json and .md")


if __name__ == "__main__":
    main()
