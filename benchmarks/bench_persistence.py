"""Safe persistence and checkpoints: what they cost next to joblib and plain training.

For four fitted pipelines on GoEmotions (Ekman labels, single-label training rows):

- ``tfidf-logreg``: ``TfidfVectorizer -> LogisticRegression`` (scikit-learn only);
- ``glove-lstm``: ``TextCleaner -> WordVectorizer("glove-6b-50d", pooling="ids") ->
  LSTMClassifier`` (trainable embeddings);
- ``minilm-mlp``: ``SentenceVectorizer("all-MiniLM-L6-v2") -> FeedForwardClassifier``;
- ``tfidf-minilm-vote``: the default model (``make_pipeline_by_name()``: word + char
  TF-IDF and int8 ONNX MiniLM, each with a logistic regression, soft vote);
- with ``--finetune``: ``TransformerClassifier("all-MiniLM-L6-v2")``, 1 epoch;

it measures the file size and the save and load times of ``joblib.dump``/``joblib.load``
(pickle: loading runs code) and of ``sklearn_emotion.io.save``/``load`` (skops +
safetensors + manifest: no code runs), and checks that both loaded models give the same
``predict_proba`` as the original. It then times ``LSTMClassifier`` training with and
without ``TrainingCheckpoint`` + ``ResumeTraining`` (a checkpoint every epoch) and
reports the overhead per epoch and the size of a checkpoint.
Results go to ``benchmarks/results/persistence_<date>_<n>.json`` and ``.md``.

Usage::

    python benchmarks/bench_persistence.py                 # 2,000 training texts
    python benchmarks/bench_persistence.py --finetune      # also a fine-tuned MiniLM
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, environment, write_result


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-train", type=int, default=2000, help="training texts")
    parser.add_argument("--epochs", type=int, default=3, help="LSTM epochs")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--finetune", action="store_true",
                        help="also fine-tune MiniLM (1 epoch on --max-train // 4 texts)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def _pipelines(args):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from sklearn_emotion import (FeedForwardClassifier, LSTMClassifier, SentenceVectorizer,
                                 TextCleaner, TransformerClassifier, WordVectorizer)
    from sklearn_emotion.pipelines import make_pipeline_by_name

    models = {
        "tfidf-logreg": lambda: make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2), LogisticRegression(max_iter=1000)),
        "glove-lstm": lambda: make_pipeline(
            TextCleaner(), WordVectorizer("glove-6b-50d", pooling="ids", max_length=48),
            LSTMClassifier(max_epochs=args.epochs, random_state=0, verbose=0)),
        "minilm-mlp": lambda: make_pipeline(
            SentenceVectorizer(), FeedForwardClassifier(max_epochs=20, random_state=0,
                                                        verbose=0)),
        "tfidf-minilm-vote": lambda: make_pipeline_by_name(progress_bar=False),
    }
    if args.finetune:
        models["minilm-finetune"] = lambda: TransformerClassifier(
            max_epochs=1, max_length=64, warmup_steps=0.1, random_state=0, verbose=0)
    return models


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def bench_files(args, X, y, X_test) -> list[dict]:
    import joblib

    from sklearn.dummy import DummyClassifier

    from sklearn_emotion import io

    with tempfile.TemporaryDirectory() as tmp:  # untimed: both sides' first-use imports
        warm = DummyClassifier().fit([[0], [1]], [0, 1])
        joblib.load(joblib.dump(warm, Path(tmp) / "w.joblib")[0])
        io.load(io.save(warm, Path(tmp) / "w.zip"))
    rows = []
    for name, make in _pipelines(args).items():
        n = len(X) // 4 if name == "minilm-finetune" else len(X)
        model, fit_s = _timed(lambda: make().fit(X[:n], y[:n]))
        expected = model.predict_proba(X_test)
        with tempfile.TemporaryDirectory() as tmp:
            jpath, spath = Path(tmp) / "model.joblib", Path(tmp) / "model.zip"
            _, jsave = _timed(lambda: joblib.dump(model, jpath))
            jloaded, jload = _timed(lambda: joblib.load(jpath))
            _, ssave = _timed(lambda: io.save(model, spath))
            sloaded, sload = _timed(lambda: io.load(spath))
            row = {
                "model": name, "fit_s": fit_s,
                "joblib_mb": jpath.stat().st_size / 2**20, "joblib_save_s": jsave,
                "joblib_load_s": jload,
                "io_mb": spath.stat().st_size / 2**20, "io_save_s": ssave, "io_load_s": sload,
                "joblib_same_proba": bool(np.array_equal(jloaded.predict_proba(X_test),
                                                         expected)),
                "io_same_proba": bool(np.array_equal(sloaded.predict_proba(X_test), expected)),
            }
        rows.append(row)
        print(f"{name:16s} joblib {row['joblib_mb']:8.2f} MB save {jsave:6.2f} s load "
              f"{jload:6.2f} s | io {row['io_mb']:8.2f} MB save {ssave:6.2f} s load "
              f"{sload:6.2f} s | identical proba: joblib {row['joblib_same_proba']}, io "
              f"{row['io_same_proba']}")
    return rows


def bench_checkpoint(args, X, y) -> dict:
    from sklearn.pipeline import make_pipeline

    from sklearn_emotion import LSTMClassifier, TextCleaner, WordVectorizer
    from sklearn_emotion.estimators.callbacks import ResumeTraining, TrainingCheckpoint

    features = make_pipeline(
        TextCleaner(), WordVectorizer("glove-6b-50d", pooling="ids", max_length=48)
    ).fit_transform(X)

    def train(callbacks):
        net = LSTMClassifier(max_epochs=args.epochs, random_state=0, verbose=0,
                             callbacks=callbacks)
        return _timed(lambda: net.fit(features, y))

    plain, plain_s = train(None)
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = TrainingCheckpoint(dirname=tmp)
        net, checkpointed_s = train([checkpoint, ResumeTraining(checkpoint)])
        folder = checkpoint.latest()
        size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
        _, resume_s = train([TrainingCheckpoint(dirname=tmp),
                             ResumeTraining(TrainingCheckpoint(dirname=tmp))])
    same = np.array_equal(plain.predict_proba(features), net.predict_proba(features))
    row = {
        "epochs": args.epochs, "plain_s": plain_s, "checkpointed_s": checkpointed_s,
        "overhead_per_epoch_s": (checkpointed_s - plain_s) / args.epochs,
        "checkpoint_mb": size, "finished_run_reload_s": resume_s,
        "same_proba_as_plain": bool(same),
    }
    print(f"LSTM {args.epochs} epochs: plain {plain_s:.2f} s, with checkpoints "
          f"{checkpointed_s:.2f} s ({row['overhead_per_epoch_s']:+.3f} s/epoch), checkpoint "
          f"{size:.2f} MB, re-running a finished fit {resume_s:.2f} s, same weights: {same}")
    return row


def write_results(args, files, checkpoint, out: Path) -> Path:
    lines = [
        f"{args.max_train} training texts, {args.threads} thread.", "",
        "| model | joblib MB | joblib save s | joblib load s | io MB | io save s | io load s "
        "| identical proba (joblib / io) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in files:
        lines.append(
            f"| {r['model']} | {r['joblib_mb']:.2f} | {r['joblib_save_s']:.2f} | "
            f"{r['joblib_load_s']:.2f} | {r['io_mb']:.2f} | {r['io_save_s']:.2f} | "
            f"{r['io_load_s']:.2f} | {r['joblib_same_proba']} / {r['io_same_proba']} |")
    c = checkpoint
    lines += ["", f"LSTMClassifier, {c['epochs']} epochs: {c['plain_s']:.2f} s plain, "
              f"{c['checkpointed_s']:.2f} s with a checkpoint every epoch "
              f"({c['overhead_per_epoch_s']:+.3f} s per epoch); one checkpoint "
              f"{c['checkpoint_mb']:.2f} MB; re-running the finished fit "
              f"{c['finished_run_reload_s']:.2f} s; same weights as plain training: "
              f"{c['same_proba_as_plain']}.", ""]
    return write_result("persistence", title="Persistence: safe format, joblib, checkpoints",
                        config=config_of(args), results={"files": files, "checkpoint": checkpoint},
                        markdown="\n".join(lines), env=environment(("skops", "safetensors")),
                        tag=args.max_train, out=out)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    warnings.simplefilter("ignore")
    from sklearn_emotion.datasets import load_goemotions

    X, y = load_goemotions(subset="train", return_X_y=True)
    X_test, _ = load_goemotions(subset="test", return_X_y=True)
    X, y, X_test = list(X[: args.max_train]), np.asarray(y[: args.max_train]), list(X_test[:500])
    files = bench_files(args, X, y, X_test)
    checkpoint = bench_checkpoint(args, X, y)
    base = write_results(args, files, checkpoint, args.out)
    print(f"wrote {base}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
