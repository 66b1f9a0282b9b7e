"""ONNX Runtime inference (fp32 and dynamic int8) against PyTorch, and against transformers.

(1) Embeddings. ``SentenceVectorizer`` (all-MiniLM-L6-v2) encodes the first ``--n-test``
    GoEmotions-Ekman test texts with ``backend="torch"``, ``backend="onnx"`` and
    ``backend="onnx", quantize="int8"`` (texts/s, best of ``--repeats``, sides
    alternating so all see the same load). Fidelity: the cosine similarity of each
    ONNX embedding to the torch one (min and mean). Downstream: a LogisticRegression
    fitted on the embeddings of ``--n-train`` training texts (stratified sample) from
    each backend, macro-F1 on the test texts. Target: int8 >= 2.5x torch's texts/s,
    cosine >= 0.99, macro-F1 within 0.5 point.

(2) Fine-tuned classifier. A ``TransformerClassifier`` (MiniLM, ``pooling="pooler"``,
    which is exactly ``BertForSequenceClassification``) is fine-tuned on the CPU on
    ``--n-finetune`` dair-ai emotion training texts for ``--epochs`` epochs (or loaded
    from ``--model``, a file of :func:`sklearn_emotion.io.save`). Its weights are copied
    into a ``BertForSequenceClassification`` folder that transformers'
    ``pipeline("text-classification")`` loads; then the pipeline, the torch
    classifier, ONNX fp32 and ONNX int8 predict the first ``--n-predict`` test texts,
    all in batches of ``--batch-size``. Macro-F1 of each. Target: int8 >= 3x the
    pipeline's texts/s, macro-F1 within 0.5 point.

All ratios come from one run. Results go to ``benchmarks/results/onnx_<date>.json``/``.md``.

Usage::

    python benchmarks/bench_onnx.py --dair /work/shared/data/dair_emotion
    python benchmarks/bench_onnx.py --dair DIR --n-test 300 --n-train 500 \\
        --n-finetune 200 --n-predict 300 --repeats 1        # quick
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from _common import config_of, data_folder, environment, export_to_transformers, write_result

SIDES = {"torch": {}, "onnx": {"backend": "onnx"},
         "onnx-int8": {"backend": "onnx", "quantize": "int8"}}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dair", type=Path, default=None, help="dair-ai emotion folder")
    parser.add_argument("--n-test", type=int, default=2000, help="GoEmotions test texts")
    parser.add_argument("--n-train", type=int, default=4000, help="GoEmotions train texts")
    parser.add_argument("--n-finetune", type=int, default=2000, help="dair texts to fine-tune")
    parser.add_argument("--epochs", type=int, default=1, help="fine-tuning epochs")
    parser.add_argument("--lr", type=float, default=5e-5, help="fine-tuning learning rate")
    parser.add_argument("--fit-batch-size", type=int, default=16, help="fine-tuning batch size")
    parser.add_argument("--warmup", type=lambda v: float(v) if "." in v else int(v),
                        default=0.1,
                        help="warmup steps (a fraction of all steps if below 1)")
    parser.add_argument("--device", default="cpu",
                        help="fine-tuning device (predictions always run on the CPU)")
    parser.add_argument("--save-model", type=Path, default=None,
                        help="save the fine-tuned classifier here (io.save)")
    parser.add_argument("--fit-only", action="store_true",
                        help="fine-tune (and --save-model), then stop: predict in a process "
                             "that sees no GPU with --model")
    parser.add_argument("--n-predict", type=int, default=2000, help="dair test texts")
    parser.add_argument("--batch-size", type=int, default=32, help="prediction batch size")
    parser.add_argument("--repeats", type=int, default=2, help="timings per side (best)")
    parser.add_argument("--model", type=Path, default=None,
                        help="a fine-tuned TransformerClassifier saved with io.save")
    parser.add_argument("--skip-embeddings", action="store_true")
    parser.add_argument("--skip-classifier", action="store_true")
    parser.add_argument("--tag", default=None)
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args(argv)


def macro_f1(y_true, y_pred) -> float:
    from sklearn.metrics import f1_score

    return round(float(f1_score(y_true, y_pred, average="macro")), 4)


def best_time(fns: dict, texts, repeats: int) -> tuple[dict, dict]:
    """Best wall time of each function over ``repeats`` alternating rounds."""
    times = {name: [] for name in fns}
    outputs = {}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            outputs[name] = fn(texts)
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}, outputs


# ------------------------------------------------------------------ (1) embeddings
def embeddings(args) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from sklearn_emotion.datasets import load_goemotions
    from sklearn_emotion.vectorizers import SentenceVectorizer

    X_train, y_train = load_goemotions("train", return_X_y=True)
    X_train, _, y_train, _ = train_test_split(
        np.asarray(X_train, dtype=object), np.asarray(y_train), train_size=args.n_train,
        stratify=y_train, random_state=0)
    X_test, y_test = load_goemotions("test", return_X_y=True)
    X_test, y_test = list(X_test[: args.n_test]), np.asarray(y_test[: args.n_test])
    vectorizers, rows = {}, {}
    for side, params in SIDES.items():
        start = time.perf_counter()
        vectorizers[side] = SentenceVectorizer(progress_bar=False, **params).fit(X_test[:2])
        rows[side] = {"fit_s (load + export)": round(time.perf_counter() - start, 1)}
        vectorizers[side].transform(X_test[:64])  # warm up
    fns = {side: vec.transform for side, vec in vectorizers.items()}
    seconds, outputs = best_time(fns, X_test, args.repeats)
    reference = outputs["torch"]
    for side, emb in outputs.items():
        cosine = np.sum(emb * reference, axis=1) / (
            np.linalg.norm(emb, axis=1) * np.linalg.norm(reference, axis=1))
        train = vectorizers[side].transform(list(X_train))
        clf = LogisticRegression(max_iter=2000).fit(train, y_train)
        rows[side].update({
            "texts_per_s": round(len(X_test) / seconds[side], 1),
            "speedup_vs_torch": round(seconds["torch"] / seconds[side], 2),
            "cosine_min": round(float(cosine.min()), 4),
            "cosine_mean": round(float(cosine.mean()), 4),
            "macro_f1": macro_f1(y_test, clf.predict(emb)),
        })
        print(side, rows[side], flush=True)
    return rows


# ------------------------------------------------------------ (2) fine-tuned classifier
def classifier(args) -> dict:
    from transformers import pipeline as hf_pipeline

    from sklearn_emotion import io
    from sklearn_emotion.datasets import load_dair_emotion
    from sklearn_emotion.estimators import TransformerClassifier

    folder = data_folder(args.dair, "dair-ai emotion", "--dair")
    X_train, y_train = load_dair_emotion(folder, "train", return_X_y=True)
    X_test, y_test = load_dair_emotion(folder, "test", return_X_y=True)
    X_test, y_test = list(X_test[: args.n_predict]), np.asarray(y_test[: args.n_predict])
    start = time.perf_counter()
    if args.model is not None:
        clf = io.load(args.model)
        sidecar = Path(f"{args.model}.json")  # how --save-model fine-tuned it
        fit = json.loads(sidecar.read_text()) if sidecar.exists() else {"model": str(args.model)}
    else:
        clf = TransformerClassifier(pooling="pooler", max_epochs=args.epochs,
                                    batch_size=args.fit_batch_size, lr=args.lr,
                                    warmup_steps=args.warmup, random_state=0,
                                    device=args.device, progress_bar=False)
        clf.fit(list(X_train[: args.n_finetune]), list(y_train[: args.n_finetune]))
        fit = {"texts": min(args.n_finetune, len(X_train)), "epochs": args.epochs,
               "lr": args.lr, "batch_size": args.fit_batch_size, "warmup_steps": args.warmup,
               "device": device_name(clf.device), "fit_s": round(time.perf_counter() - start, 1)}
    if args.save_model is not None:
        io.save(clf, args.save_model)  # fitted with --device auto: loads on any machine
        Path(f"{args.save_model}.json").write_text(json.dumps(fit))
    if args.fit_only:
        print("fine-tuned:", fit, flush=True)
        return {"fit": fit, "sides": {}}
    clf.set_params(batch_size=args.batch_size)
    copies, rows = {}, {}
    for side, params in SIDES.items():
        copies[side] = io_copy(clf, params)
        start = time.perf_counter()
        copies[side].predict(X_test[:64])  # warm up (ONNX: export)
        rows[side] = {"first_predict_s (export)": round(time.perf_counter() - start, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        hf_folder = export_to_transformers(clf, Path(tmp) / "hf-model")
        hf = hf_pipeline("text-classification", model=str(hf_folder), device=-1,
                         batch_size=args.batch_size, truncation=True,
                         max_length=clf.max_length)
        hf(X_test[:64])  # warm up
        fns = {"transformers pipeline": lambda texts: np.array([p["label"] for p in hf(texts)])}
        fns.update({side: c.predict for side, c in copies.items()})
        seconds, outputs = best_time(fns, X_test, args.repeats)
    rows["transformers pipeline"] = {}
    for side, labels in outputs.items():
        rows[side].update({
            "texts_per_s": round(len(X_test) / seconds[side], 1),
            "speedup_vs_pipeline": round(seconds["transformers pipeline"] / seconds[side], 2),
            "speedup_vs_torch": round(seconds["torch"] / seconds[side], 2),
            "macro_f1": macro_f1(y_test, labels.astype(str)),
            "agreement_with_torch": round(float(np.mean(
                labels.astype(str) == outputs["torch"].astype(str))), 4),
        })
        print(side, rows[side], flush=True)
    return {"fit": fit, "sides": rows}


def device_name(device) -> str:
    import torch

    return torch.cuda.get_device_name(device) if str(device).startswith("cuda") else str(device)


def fit_sentence(fit: dict) -> str:
    """How the classifier was fine-tuned, for the Markdown."""
    if "texts" not in fit:
        return f"Loaded from {fit['model']}."
    return (f"Fine-tuned on {fit['texts']} dair-ai texts, {fit['epochs']} epoch(s), lr "
            f"{fit['lr']}, batch {fit['batch_size']}, warmup {fit['warmup_steps']}, on "
            f"{fit['device']} in {fit['fit_s']} s.")


def io_copy(clf, params):
    """A copy of the fitted classifier with other backend parameters."""
    import copy

    return copy.deepcopy(clf).set_params(**{"backend": "torch", "quantize": None, **params})


# ------------------------------------------------------------------------ output
def table(rows: dict, columns: list[str]) -> str:
    lines = ["| side | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for side, row in rows.items():
        lines.append(f"| {side} | " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    warnings.simplefilter("ignore")
    import torch

    results, parts = {}, []
    if not args.skip_embeddings:
        results["embeddings"] = embeddings(args)
        parts.append(
            f"## SentenceVectorizer (all-MiniLM-L6-v2), {args.n_test} GoEmotions test texts\n\n"
            "Target: int8 >= 2.5x torch, cosine >= 0.99, macro-F1 (LogisticRegression on "
            f"{args.n_train} training texts) within 0.5 point.\n\n"
            + table(results["embeddings"], ["texts_per_s", "speedup_vs_torch", "cosine_min",
                                            "cosine_mean", "macro_f1",
                                            "fit_s (load + export)"]))
    if not args.skip_classifier:
        results["classifier"] = classifier(args)
        if args.fit_only:
            return 0
        parts.append(
            f"## Fine-tuned TransformerClassifier, {args.n_predict} dair-ai test texts\n\n"
            + fit_sentence(results["classifier"]["fit"])
            + f" Batch size {args.batch_size}. "
            "Target: int8 >= 3x the transformers pipeline, macro-F1 within 0.5 point.\n\n"
            + table(results["classifier"]["sides"],
                    ["texts_per_s", "speedup_vs_pipeline", "speedup_vs_torch", "macro_f1",
                     "agreement_with_torch", "first_predict_s (export)"]))
    env = environment(("transformers", "sentence-transformers", "onnxruntime", "onnx"))
    env["machine"]["torch_threads"] = torch.get_num_threads()
    stem = write_result("onnx", title="ONNX Runtime inference (fp32, int8) vs PyTorch",
                        config=config_of(args), results=results,
                        markdown="\n\n".join(parts), env=env, tag=args.tag, out=args.out)
    print(Path(f"{stem}.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
