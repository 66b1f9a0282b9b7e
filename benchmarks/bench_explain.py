"""Faithfulness and speed of the word explanations, against shap and LIME.

For each data set (dair-ai emotion test split, GoEmotions-Ekman test split) and model
(TF-IDF + logistic regression, TextCleaner + GloVe-50d + LSTM, TextCleaner + MiniLM +
feed-forward head), the same test texts are explained for the model's predicted class
by:

- ``occlusion``: :class:`sklearn_emotion.explain.TokenExplainer` (default method and
  parameters: the full text and 31 random contexts);
- ``integrated_gradients``: the same, ``method="integrated_gradients"`` (LSTM only:
  the other two models have no embedding layer to integrate over);
- ``shap``: ``shap.Explainer`` with a ``shap.maskers.Text`` masker (the Partition
  explainer) on ``predict_proba``, ``--shap-evals`` evaluations per text (default 500,
  shap's own);
- ``lime``: ``lime.lime_text.LimeTextExplainer``, ``--lime-samples`` samples per text
  (default 5000, LIME's own);
- ``random``: a random order of the words (the floor).

All methods see the same words (those of ``sklearn_emotion.text.tokenize``): shap
through a tokenizer returning them with their offsets (shap's mask token "..."), LIME
through its ``split_expression`` callable (bag of words: a word type removed everywhere).

Faithfulness is the deletion AOPC: for k = 1..5 the drop of the predicted class's
probability when the k highest-ranked words are removed, averaged over k and texts
(higher: the ranking finds the words the model uses). Time is wall seconds per text
(each method on all texts, one after the other, same process and threads). Agreement
is the Spearman rank correlation of each method's word scores with occlusion's, averaged
over texts with at least three words. Results: ``benchmarks/results/explain_<date>``
(``.json``, ``.md`` and a ``.png`` of the AOPC bars); the ``.md`` says, per model,
whether each target of issue 18 is met.

``--occlusion-contexts`` and ``--occlusion-keep`` run occlusion at other settings than the
defaults. ``--methods occlusion,random --paired-with RESULT.json`` explains with those two
only and takes the other methods' per-text AOPC (and times) from an earlier run on the same
texts and models: the random floor's per-text AOPC, which depends only on the model's
probabilities, the texts and the seed, must equal the earlier run's, else the run stops.
A run too long for one sitting can be split: ``--first-text N`` explains the sample from
text N on, and ``--merge A.json B.json`` joins runs on consecutive texts into one result
(``_explain_report.merge``: same settings, texts that follow on, figures weighted by texts).

The MiniLM model's vectorizer uses the library's embedding cache (a fresh folder for
each method, so no method reuses another's encodings): a perturbed text that comes back
(LIME's and shap's samples of short texts repeat) is encoded once. ``--jobs 2`` runs the
data sets in two processes (one torch thread each); times are compared within a process.

Usage::

    python benchmarks/bench_explain.py --dair DAIR_FOLDER --n-texts 300   # the issue's size
    python benchmarks/bench_explain.py --dair DAIR_FOLDER --n-texts 300 --lstm-texts 100 \
        --minilm-texts 12 --jobs 2   # what fits in about 40 minutes on 2 cores
    python benchmarks/bench_explain.py --dair DAIR_FOLDER --models minilm --minilm-texts 62 \
        --stop-at 23:59 --chunk minilm=2 --methods occlusion,random --occlusion-contexts 32 \
        --paired-with benchmarks/results/explain_20261130T074920_300.json --jobs 2
    python benchmarks/bench_explain.py --dair DAIR_FOLDER --models minilm --first-text 62 \
        --occlusion-contexts 32 --chunk minilm=2 --stop-at 13:40 --jobs 2   # the rest, later
    python benchmarks/bench_explain.py --merge FIRST.json REST.json   # one result of both
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, load_average, write_result
from _explain_report import (METHODS, explainer_default, markdown, merge, occlusion_params,
                             pair_with, plot, verdicts)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dair", type=Path, default=None,
                        help="the dair-ai emotion folder (not bundled; needed for 'dair')")
    parser.add_argument("--datasets", default="dair,goemotions")
    parser.add_argument("--models", default="tfidf,lstm,minilm")
    parser.add_argument("--n-texts", type=int, default=300, help="test texts per data set")
    parser.add_argument("--lstm-texts", type=int, default=None,
                        help="test texts for the LSTM (the first of the same sample; "
                        "default: --n-texts)")
    parser.add_argument("--minilm-texts", type=int, default=None,
                        help="test texts for the MiniLM model (default: --n-texts)")
    parser.add_argument("--first-text", type=int, default=0,
                        help="skip the first texts of the sample (to continue an earlier "
                             "run; join the two with --merge)")
    parser.add_argument("--n-train", type=int, default=8000, help="training texts")
    parser.add_argument("--minilm-train", type=int, default=3000,
                        help="training texts of the MiniLM head (encoding is the cost)")
    parser.add_argument("--lime-samples", type=int, default=5000, help="LIME's default")
    parser.add_argument("--shap-evals", type=int, default=500,
                        help="shap's default for the Partition explainer")
    parser.add_argument("--ig-steps", type=int, default=32)
    parser.add_argument("--methods", default=",".join(METHODS),
                        help="the methods to run (occlusion always among them)")
    parser.add_argument("--occlusion-contexts", type=int, default=None,
                        help="occlusion's n_contexts (default: TokenExplainer's)")
    parser.add_argument("--occlusion-keep", type=float, default=None,
                        help="occlusion's context_keep (default: TokenExplainer's)")
    parser.add_argument("--paired-with", type=Path, default=None,
                        help="an earlier result on the same texts and models: the methods "
                             "not run here are taken from it (see the module docstring)")
    parser.add_argument("--k", type=int, default=5, help="AOPC over k = 1..K words")
    parser.add_argument("--random-draws", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--device", default="cpu",
                        help="the MiniLM model's device (encoder and head), e.g. cuda")
    parser.add_argument("--encode-batch-size", type=int, default=64,
                        help="the MiniLM model's encoding batch size")
    parser.add_argument("--jobs", type=int, default=1,
                        help="data sets run in parallel processes")
    parser.add_argument("--stop-at", default=None,
                        help="UTC time HH:MM: the LSTM (60%% of the time left when it "
                        "starts, all of it without a MiniLM model after it) and the MiniLM "
                        "model explain their texts in chunks until their share is spent")
    parser.add_argument("--chunk", default="lstm=10,minilm=2",
                        help="texts per chunk with --stop-at")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--partial", type=Path, default=None,
                        help="a folder where each data set's models are saved as they end")
    parser.add_argument("--assemble", type=Path, default=None,
                        help="write the result from the --partial folder of a run that "
                        "was stopped, instead of running (the .md says what is missing)")
    parser.add_argument("--merge", type=Path, nargs="+", default=None,
                        help="write one result from these results of runs on consecutive "
                             "texts (--first-text), instead of running")
    parser.add_argument("--scratch", default=None,
                        help="folder of the embedding caches (default: a temporary folder, "
                             "removed at the end)")
    parser.add_argument("--out", default=RESULTS)
    args = parser.parse_args(argv)
    unknown = set(args.methods.split(",")) - set(METHODS)
    if unknown or "occlusion" not in args.methods.split(","):
        parser.error(f"--methods: occlusion and some of {', '.join(METHODS)}; got {args.methods}")
    if args.paired_with and "random" not in args.methods.split(","):
        parser.error("--paired-with checks the texts and models by the random floor: "
                     "add random to --methods")
    if not args.merge:  # record the settings themselves: "the default" changes over time
        if args.occlusion_contexts is None:
            args.occlusion_contexts = explainer_default("n_contexts")
        if args.occlusion_keep is None:
            args.occlusion_keep = explainer_default("context_keep")
    return args


# ----------------------------------------------------------------------------- data, models


def load(name, args):
    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions

    if name == "dair":
        folder = data_folder(args.dair, "dair-ai emotion", "--dair")
        train = load_dair_emotion(folder, "train", return_X_y=True)
        test = load_dair_emotion(folder, "test", return_X_y=True)
    else:
        train = load_goemotions("train", return_X_y=True)
        test = load_goemotions("test", return_X_y=True)
    rng = np.random.default_rng(args.seed)
    X, y = np.asarray(train[0], dtype=object), np.asarray(train[1])
    keep = rng.permutation(len(X))[:args.n_train]
    X_test = np.asarray(test[0], dtype=object)
    order = rng.permutation(len(X_test))
    return list(X[keep]), y[keep], [str(t) for t in X_test[order]]


def build(model_name, X, y, args):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier
    from sklearn_emotion.text import TextCleaner
    from sklearn_emotion.vectorizers import SentenceVectorizer, WordVectorizer

    quiet = {"verbose": 0, "progress_bar": False, "random_state": args.seed}
    if model_name == "tfidf":  # the tfidf-logreg pipeline
        model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                              LogisticRegression(max_iter=1000, class_weight="balanced"))
    elif model_name == "lstm":  # the glove-lstm pipeline, fewer epochs
        model = make_pipeline(TextCleaner(), WordVectorizer("glove-6b-50d", pooling="sequence"),
                              LSTMClassifier(class_weight="balanced", max_epochs=6, **quiet))
    else:  # the minilm-mlp pipeline
        model = make_pipeline(TextCleaner(), SentenceVectorizer(
            "all-MiniLM-L6-v2", batch_size=args.encode_batch_size, device=args.device,
            progress_bar=False), FeedForwardClassifier(device=args.device, **quiet))
        model.set_params(sentencevectorizer__cache=tempfile.mkdtemp(prefix="explain_fit_",
                                                                    dir=args.scratch))
        X, y = X[:args.minilm_train], y[:args.minilm_train]
    return model.fit(X, y)


# ------------------------------------------------------------------------- the explainers


class WordTokenizer:
    """shap's tokenizer protocol over the words of ``sklearn_emotion.text.tokenize``."""

    def __call__(self, s, return_offsets_mapping=True):
        from sklearn_emotion.explain import word_spans

        spans = word_spans(s)
        out = {"input_ids": [s[a:b] for a, b in spans]}
        if return_offsets_mapping:
            out["offset_mapping"] = spans
        return out


def ranked_scores(model, texts, spans, columns, method, args, rng):
    """Per text, one score per word (for its predicted class), and the seconds spent."""
    from sklearn_emotion.explain import TokenExplainer

    started = time.perf_counter()
    if method in ("occlusion", "integrated_gradients"):
        params = occlusion_params(args) if method == "occlusion" else {}
        result = TokenExplainer(model, method=method, n_steps=args.ig_steps, **params).explain(
            texts, target="predicted")
        scores = [s[:, 0] for s in result.scores]
    elif method == "shap":
        import shap

        # shap's default mask token ("..."), runs of masked words collapsed into one
        masker = shap.maskers.Text(WordTokenizer(), collapse_mask_token=True)
        explainer = shap.Explainer(model.predict_proba, masker, silent=True)
        # untimed warm-up: shap's first call compiles its numba code (seconds)
        explainer(texts[:1], max_evals=args.shap_evals, batch_size=256)
        fresh_cache(model, "shap", args.scratch)
        started = time.perf_counter()
        values = explainer(texts, max_evals=args.shap_evals, batch_size=256)
        scores = []
        for i, c in enumerate(columns):
            row = np.asarray(values.values[i])[:, c]
            if len(row) != len(spans[i]):
                raise RuntimeError(f"shap tokens differ from the words of text {i}")
            scores.append(row)
    elif method == "lime":
        from lime.lime_text import LimeTextExplainer

        tokenizer = WordTokenizer()
        explainer = LimeTextExplainer(split_expression=lambda s: tokenizer(s)["input_ids"],
                                      bow=True, random_state=args.seed)
        scores = []
        for text, words, c in zip(texts, spans, columns):
            exp = explainer.explain_instance(text, model.predict_proba, labels=(c,),
                                             num_features=len(words),
                                             num_samples=args.lime_samples)
            weights = {exp.domain_mapper.indexed_string.word(f): w for f, w in exp.as_map()[c]}
            scores.append(np.array([weights.get(text[a:b], 0.0) for a, b in words]))
    else:
        scores = [rng.permutation(len(w)).astype(float) for w in spans]
    return scores, time.perf_counter() - started


def deletion_curves(model, texts, spans, columns, scores, k_max, batch_size=256):
    """(n_texts, k_max) drops of the predicted class's probability, top-k words removed."""
    from sklearn_emotion.explain._occlusion import predict_unique
    from sklearn_emotion.explain._words import remove_spans

    variants = []
    for text, words, s in zip(texts, spans, scores):
        order = np.argsort(-np.asarray(s), kind="stable")
        variants.append(text)
        variants.extend(remove_spans(text, [words[j] for j in order[:k]])
                        for k in range(1, k_max + 1))
    empty = {}

    def empty_row():
        if "row" not in empty:
            empty["row"] = np.asarray(model.predict_proba([""]), dtype=float)[0]
        return empty["row"]

    proba = predict_unique(model.predict_proba, variants, batch_size, empty_row)
    proba = proba.reshape(len(texts), k_max + 1, -1)
    full = proba[np.arange(len(texts)), 0, columns]
    return full[:, None] - proba[np.arange(len(texts)), 1:, :][
        np.arange(len(texts))[:, None], np.arange(k_max)[None, :], np.asarray(columns)[:, None]]


def fresh_cache(model, label, scratch=None) -> None:
    """A new, empty embedding cache (in ``scratch``) for a model with a SentenceVectorizer."""
    if "sentencevectorizer" in getattr(model, "named_steps", {}):
        model.set_params(sentencevectorizer__cache=tempfile.mkdtemp(prefix=f"explain_{label}_",
                                                                    dir=scratch))


def run_chunk(model, texts, args, methods) -> dict:
    """Per method: the (n_texts, k) deletion curves, the seconds spent, the rank correlations."""
    from scipy.stats import spearmanr

    from sklearn_emotion.explain import word_spans

    rng = np.random.default_rng(args.seed)
    spans = [word_spans(t) for t in texts]
    columns = list(np.asarray(model.predict_proba(texts)).argmax(axis=1))
    out, all_scores = {}, {}
    for method in methods:
        draws = args.random_draws if method == "random" else 1
        curves, seconds = [], 0.0
        for _ in range(draws):
            fresh_cache(model, method, args.scratch)
            scores, spent = ranked_scores(model, texts, spans, columns, method, args, rng)
            seconds += spent
            curves.append(deletion_curves(model, texts, spans, columns, scores, args.k))
        all_scores[method] = scores
        out[method] = {"curves": np.mean(curves, axis=0), "seconds": seconds / draws}
    for method in methods:
        pairs = zip(all_scores["occlusion"], all_scores[method], spans)
        out[method]["rhos"] = [spearmanr(a, b)[0] for a, b, w in pairs
                               if len(w) >= 3 and np.ptp(a) > 0 and np.ptp(b) > 0]
    return out


def summarize(chunks, methods) -> dict:
    """The chunks' figures as one: AOPC, AOPC at each k, seconds per text, Spearman."""
    out = {}
    for method in methods:
        curve = np.concatenate([c[method]["curves"] for c in chunks])
        rhos = [r for c in chunks for r in c[method]["rhos"]]
        out[method] = {"aopc": float(curve.mean()), "aopc_at_k": curve.mean(axis=0).tolist(),
                       "seconds_per_text": sum(c[method]["seconds"] for c in chunks)
                       / len(curve),
                       "spearman_vs_occlusion": float(np.nanmean(rhos)) if rhos else None,
                       # per text, in the same order for every method: paired comparisons
                       "aopc_per_text": np.round(curve.mean(axis=1), 6).tolist()}
    return out


def run_one(model, texts, args, methods, budget=None, chunk=None):
    """Explain ``texts`` in chunks until they are done or ``budget`` seconds are spent."""
    chunk = chunk or len(texts)
    started, chunks, spent_last = time.perf_counter(), [], 0.0
    for start in range(0, len(texts), chunk):
        elapsed = time.perf_counter() - started
        if chunks and budget is not None and elapsed + spent_last > budget:
            break
        chunks.append(run_chunk(model, texts[start:start + chunk], args, methods))
        spent_last = time.perf_counter() - started - elapsed
    n_done = sum(len(c["occlusion"]["curves"]) for c in chunks)
    return summarize(chunks, methods), n_done


def run_dataset(dataset, args) -> dict:
    """Every model of one data set (a process of its own with ``--jobs``)."""
    import torch

    torch.set_num_threads(args.threads)
    results = {}
    X, y, pool = load(dataset, args)
    for model_name in args.models.split(","):
        n = {"lstm": args.lstm_texts, "minilm": args.minilm_texts}.get(model_name)
        texts = pool[args.first_text:n or args.n_texts]
        started = time.perf_counter()
        budget, chunk = time_share(model_name, args)
        model = build(model_name, X, y, args)
        fit_seconds = time.perf_counter() - started
        methods = [m for m in METHODS if m in args.methods.split(",")
                   and (m != "integrated_gradients" or model_name == "lstm")]
        if budget is not None:
            budget -= fit_seconds
        entry, n_done = run_one(model, texts, args, methods, budget, chunk)
        texts = texts[:n_done]
        entry["_setup"] = {"n_texts": len(texts), "first_text": args.first_text,
                           "fit_seconds": round(fit_seconds, 1),
                           "mean_words": float(np.mean([len(t.split()) for t in texts]))}
        results[f"{dataset}/{model_name}"] = entry
        print(dataset, model_name, {m: round(v["aopc"], 3) for m, v in entry.items()
                                    if m != "_setup"}, flush=True)
        if args.partial:
            args.partial.mkdir(parents=True, exist_ok=True)
            (args.partial / f"{dataset}.json").write_text(json.dumps(results))
    return results


def time_share(model_name, args):
    """(seconds, texts per chunk) for a model under --stop-at, or (None, None)."""
    chunks = dict(item.split("=") for item in args.chunk.split(",") if item)
    if args.stop_at is None or model_name not in chunks:
        return None, None
    now = time.gmtime()
    hour, minute = (int(v) for v in args.stop_at.split(":"))
    left = (hour * 3600 + minute * 60) - (now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec)
    if left < -12 * 3600:  # past midnight
        left += 24 * 3600
    later = args.models.split(",")
    later = later[later.index(model_name) + 1:]
    share = 0.6 if any(m in chunks for m in later) else 1.0
    return max(left, 0.0) * share, int(chunks[model_name])


def per_dataset(run_one, datasets, args, parts=None) -> dict:
    """The merged results of ``run_one(dataset, args)`` for each data set (in ``args.jobs``
    spawned processes), or of ``parts`` already computed, with the load average after."""
    if parts is None and args.jobs > 1:
        with ProcessPoolExecutor(min(args.jobs, len(datasets)),
                                 mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(run_one, datasets, [args] * len(datasets)))
    elif parts is None:
        parts = [run_one(dataset, args) for dataset in datasets]
    results = {key: entry for part in parts for key, entry in part.items()}
    results["load_average_1min_after"] = load_average()
    return results


def run(args) -> dict:
    datasets = args.datasets.split(",")
    parts = None
    if args.assemble:
        parts = [json.loads((args.assemble / f"{d}.json").read_text()) for d in datasets
                 if (args.assemble / f"{d}.json").exists()]
    results = per_dataset(run_dataset, datasets, args, parts)
    if args.paired_with:
        pair_with(results, json.loads(args.paired_with.read_text())["results"],
                  args.paired_with.stem)
    results["targets"] = verdicts(results)
    return results


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.merge:
        config, results, env = merge(args.merge)
        args = argparse.Namespace(**{**vars(args), **config, "merge": None})
    else:
        import torch

        torch.set_num_threads(args.threads)
        with tempfile.TemporaryDirectory(prefix="bench_explain_") as scratch:
            args.scratch = args.scratch or scratch
            results = run(args)
        config = config_of(args, drop=("out", "scratch"))
        env = environment(("shap", "lime", "captum"))
    text = markdown(args, results)
    stem = write_result("explain", title="Word explanations: faithfulness and speed against "
                        "shap and LIME", config=config, results=results, markdown=text,
                        env=env, out=args.out, tag=args.n_texts)
    plot(results, f"{stem}.png")
    print(text)
    print(f"written {stem}.json, .md and .png")


if __name__ == "__main__":
    main()
