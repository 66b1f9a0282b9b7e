"""Fine-tuning MiniLM on emotion data: TransformerClassifier against transformers' Trainer.

Both sides run the BERT fine-tuning recipe of the reference article (AdamW, 3 epochs,
batch 8, learning rate 5e-5, weight decay 0.01 except biases and LayerNorm weights,
linear warmup over 500 batches then linear decay, dynamic padding, gradient norm 1) on
the same training texts, with the same seed and the same number of CPU threads:

- ``sklearn-emotion``: ``TransformerClassifier(model=...).fit(texts, labels)``;
- ``transformers Trainer``: ``AutoModelForSequenceClassification`` + ``Trainer`` +
  ``DataCollatorWithPadding``, as the article's example 2 does (it needs ``accelerate``).

Datasets (``--dataset``): ``dair`` (dair-ai emotion, 6 classes, read from ``--data``),
``goemotions-ekman`` (GoEmotions single-label rows, Ekman's 6 emotions plus neutral, bundled)
and ``goemotions-multilabel`` (all GoEmotions rows, the 28 original labels as an indicator
matrix: sigmoid outputs, accuracy is subset accuracy at threshold 0.5). ``--save-proba DIR``
writes ``dev_proba.npy`` and ``test_proba.npy`` of the sklearn-emotion model for GoEmotions
(rows in ``load_goemotions`` order), so ``bench_multilabel.py --proba DIR`` can tune
per-label thresholds on them.

It reports test accuracy and macro-F1, training and prediction times, and the time
ratio, and writes ``benchmarks/results/finetune_<date>_<dataset>_<n>.json`` and ``.md``. The
seeds cannot make the two runs identical (the head initialisation and the batch order
draw different random numbers), so expect differences of about a point on small slices.

Usage::

    python benchmarks/bench_finetune.py --data DAIR_FOLDER
    python benchmarks/bench_finetune.py --data DAIR_FOLDER --max-train 1000 --epochs 1  # a slice
    python benchmarks/bench_finetune.py --dataset goemotions-ekman --device cuda

A full run (16,000 texts, 3 epochs) takes about 17 minutes per side on two CPU cores.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, data_folder, environment, load_average, write_result

RECIPE = {"lr": 5e-5, "batch_size": 8, "weight_decay": 0.01, "max_grad_norm": 1.0}
DATASETS = {
    "dair": "dair-ai emotion",
    "goemotions-ekman": "GoEmotions (Ekman, single-label)",
    "goemotions-multilabel": "GoEmotions (28 labels, multi-label)",
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="dair")
    parser.add_argument("--data", type=Path, default=None,
                        help="folder with the dair-ai emotion train/test files")
    parser.add_argument("--device", default="cpu",
                        help="torch device for both sides: cpu, cuda or auto")
    parser.add_argument("--save-proba", type=Path, default=None,
                        help="GoEmotions only: write dev_proba.npy and test_proba.npy here")
    parser.add_argument("--model", default="all-MiniLM-L6-v2",
                        help="encoder plugin name or local model folder")
    parser.add_argument("--max-train", type=int, default=None,
                        help="fine-tune on a random slice of this many training texts")
    parser.add_argument("--max-test", type=int, default=None,
                        help="evaluate on the first N test texts (default: all 2000)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=RECIPE["lr"])
    parser.add_argument("--batch-size", type=int, default=RECIPE["batch_size"])
    parser.add_argument("--warmup-steps", type=float, default=500,
                        help="warmup batches; a value below 1 is a share of all batches")
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--pooling", choices=["cls", "mean", "pooler"], nargs="+",
                        default=[None], help="TransformerNet pooling, one run each (default: "
                        "the estimator's default; 'pooler' is the head Trainer uses)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads for both sides (default: torch's choice)")
    parser.add_argument("--skip-trainer", action="store_true",
                        help="run only TransformerClassifier")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def load_split(args, subset):
    """Texts and targets of one official split of ``args.dataset``."""
    from sklearn_emotion.datasets import load_dair_emotion, load_goemotions

    if args.dataset == "dair":
        subset = {"validation": "val"}.get(subset, subset)
        folder = data_folder(args.data, "dair-ai emotion")
        return load_dair_emotion(folder, subset=subset, return_X_y=True)
    if args.dataset == "goemotions-ekman":
        return load_goemotions(subset, labels="ekman", return_X_y=True)
    return load_goemotions(subset, labels="original", multilabel=True, return_X_y=True)


def load_data(args):
    X_train, y_train = load_split(args, "train")
    X_test, y_test = load_split(args, "test")
    X_train, y_train = np.asarray(X_train, dtype=object), np.asarray(y_train)
    if args.max_train is not None and args.max_train < len(X_train):
        keep = np.sort(np.random.RandomState(args.seed).permutation(len(X_train))[: args.max_train])
        X_train, y_train = X_train[keep], y_train[keep]
    X_test, y_test = list(X_test[: args.max_test]), np.asarray(y_test[: args.max_test])
    return list(X_train), y_train, X_test, y_test


def warmup_steps(args):
    return int(args.warmup_steps) if args.warmup_steps >= 1 else args.warmup_steps


def scores(y_true, y_pred) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    # multi-label: subset accuracy and macro-F1 over the label columns, both at 0.5
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro")), 4),
    }


def run_sklearn_emotion(args, pooling, X_train, y_train, X_test, y_test) -> dict:
    from sklearn_emotion.estimators import TransformerClassifier

    params = {}
    if pooling is not None:
        params["module__pooling"] = pooling
    clf = TransformerClassifier(
        model=args.model,
        max_length=args.max_length,
        max_epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        warmup_steps=warmup_steps(args),
        random_state=args.seed,
        device=args.device,
        verbose=1,
        **params,
    )
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    y_pred = clf.predict(X_test)
    predict_s = time.perf_counter() - start
    if args.save_proba is not None:
        save_probabilities(args, clf, X_test)
    pooling = clf.module_.pooling
    return {"fit_s": round(fit_s, 1), "predict_s": round(predict_s, 1), "pooling": pooling,
            **scores(y_test, y_pred)}


def save_probabilities(args, clf, X_test) -> None:
    """Write the model's dev and test probabilities for threshold tuning elsewhere."""
    if args.dataset == "dair":
        raise SystemExit("--save-proba is for the GoEmotions datasets")
    args.save_proba.mkdir(parents=True, exist_ok=True)
    X_dev, _ = load_split(args, "validation")
    np.save(args.save_proba / "dev_proba.npy", clf.predict_proba(list(X_dev)))
    np.save(args.save_proba / "test_proba.npy", clf.predict_proba(X_test))
    (args.save_proba / "classes.json").write_text(json.dumps(np.asarray(clf.classes_).tolist()))


class _Encoded:
    """Token ids per text plus the label index: what Trainer's data collator expects."""

    def __init__(self, encodings, labels=None):
        self.encodings, self.labels = encodings, labels

    def __len__(self):
        return len(self.encodings["input_ids"])

    def __getitem__(self, i):
        item = {key: values[i] for key, values in self.encodings.items()}
        if self.labels is not None:
            label = self.labels[i]
            item["labels"] = label if np.ndim(label) else int(label)
        return item


def run_trainer(args, X_train, y_train, X_test, y_test) -> dict:
    import transformers
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    from sklearn_emotion import registry

    location = registry.resolve("encoders", args.model).location
    multilabel = np.ndim(y_train) == 2
    classes = np.arange(y_train.shape[1]) if multilabel else np.unique(y_train)
    index = {label: i for i, label in enumerate(classes)}
    transformers.set_seed(args.seed)
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(location))
    model = AutoModelForSequenceClassification.from_pretrained(
        str(location),
        num_labels=len(classes),
        id2label=dict(enumerate(classes.tolist())),
        label2id={label: i for i, label in enumerate(classes.tolist())},
        problem_type="multi_label_classification" if multilabel else None,
    )

    def encode(texts):
        return tokenizer(list(texts), truncation=True, max_length=args.max_length)

    if multilabel:
        labels = np.asarray(y_train, dtype=np.float32)
    else:
        labels = [index[label] for label in y_train]
    train = _Encoded(encode(X_train), labels)
    with tempfile.TemporaryDirectory() as output_dir:
        training_args = TrainingArguments(
            output_dir=output_dir,
            num_train_epochs=args.epochs,
            per_device_train_batch_size=args.batch_size,
            per_device_eval_batch_size=args.batch_size,
            learning_rate=args.lr,
            warmup_steps=args.warmup_steps,
            weight_decay=RECIPE["weight_decay"],
            max_grad_norm=RECIPE["max_grad_norm"],
            seed=args.seed,
            save_strategy="no",
            eval_strategy="no",
            logging_strategy="epoch",
            report_to="none",
            use_cpu=args.device == "cpu",
            disable_tqdm=True,
        )
        trainer = Trainer(
            model=model,
            args=training_args,
            train_dataset=train,
            data_collator=DataCollatorWithPadding(tokenizer),
        )
        trainer.train()
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        logits = trainer.predict(_Encoded(encode(X_test))).predictions
        predict_s = time.perf_counter() - start
    logits = np.asarray(logits)
    if multilabel:
        y_pred = (logits >= 0).astype(np.int64)  # sigmoid(logit) >= 0.5
    else:
        y_pred = classes[logits.argmax(axis=1)]
    return {"fit_s": round(fit_s, 1), "predict_s": round(predict_s, 1), "pooling": "pooler",
            **scores(y_test, y_pred)}


def with_load(run, *args) -> dict:
    """Run one side and record the machine's 1-minute load before and after it.

    Times are only comparable between runs that saw similar loads.
    """
    before = load_average()
    result = run(*args)
    return {**result, "load_before": before, "load_after": load_average()}


def warm_up(args) -> None:
    """Import transformers and read the model once, so neither timed run pays for it."""
    from transformers import AutoModel, AutoTokenizer

    from sklearn_emotion import registry

    location = str(registry.resolve("encoders", args.model).location)
    AutoTokenizer.from_pretrained(location)
    AutoModel.from_pretrained(location)


def compare(ours, theirs) -> dict:
    def points(key):
        return round(100 * (ours[key] - theirs[key]), 2)

    return {
        "accuracy_difference_points": points("accuracy"),
        "macro_f1_difference_points": points("macro_f1"),
        "fit_time_ratio": round(ours["fit_s"] / theirs["fit_s"], 3),
        "predict_time_ratio": round(ours["predict_s"] / theirs["predict_s"], 3),
    }


def write_results(args, config, runs, env) -> Path:
    results = {"runs": runs}
    theirs = runs.get("trainer")
    if theirs is not None:
        results["comparison"] = {
            name: compare(ours, theirs) for name, ours in runs.items() if name != "trainer"
        }
    machine = env["machine"]
    lines = [
        f"{config['n_train']} training texts, {config['n_test']} test texts, "
        f"{config['epochs']} epoch(s), warmup {config['warmup_steps']}, seed {config['seed']}, "
        f"{machine['torch_threads']} torch thread(s) on {machine['cpu_count']} CPUs, device "
        f"{config['device']} ({machine['gpu'] or 'no GPU'}). Times are "
        "comparable only between runs that saw similar machine loads.",
        "",
        "| run | pooling | accuracy | macro-F1 | fit (s) | predict (s) | 1-min load |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, run in runs.items():
        lines.append(
            f"| {name} | {run['pooling']} | {run['accuracy']:.4f} | {run['macro_f1']:.4f} "
            f"| {run['fit_s']:.1f} | {run['predict_s']:.1f} "
            f"| {run['load_before']} -> {run['load_after']} |"
        )
    if "comparison" in results:
        lines += ["", "Against `trainer` (time ratios: ours / Trainer):", ""]
        for name, comp in results["comparison"].items():
            lines.append(
                f"- {name}: accuracy {comp['accuracy_difference_points']:+.2f} points, "
                f"macro-F1 {comp['macro_f1_difference_points']:+.2f} points, "
                f"fit time x{comp['fit_time_ratio']:.2f}, "
                f"predict time x{comp['predict_time_ratio']:.2f}"
            )
    return write_result(
        "finetune", title=f"Fine-tuning {config['model']} on {DATASETS[config['dataset']]}",
        config=config, results=results, markdown="\n".join(lines), env=env,
        tag=f"{config['dataset']}_{config['n_train']}", out=args.out)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    X_train, y_train, X_test, y_test = load_data(args)
    n_batches = math.ceil(len(X_train) / args.batch_size) * args.epochs
    config = {
        "dataset": args.dataset, "model": args.model, "device": args.device,
        "n_train": len(X_train), "n_test": len(X_test),
        "epochs": args.epochs, "warmup_steps": args.warmup_steps, "training_batches": n_batches,
        "max_length": args.max_length, "seed": args.seed,
        **RECIPE, "lr": args.lr, "batch_size": args.batch_size,
    }
    print(f"config: {config}", flush=True)
    warm_up(args)
    runs = {}
    for pooling in args.pooling:
        run = with_load(run_sklearn_emotion, args, pooling, X_train, y_train, X_test, y_test)
        name = f"sklearn_emotion[{run['pooling']}]"
        runs[name] = run
        print(f"{name}: {run}", flush=True)
    if not args.skip_trainer:
        runs["trainer"] = with_load(run_trainer, args, X_train, y_train, X_test, y_test)
        print(f"trainer: {runs['trainer']}", flush=True)
    stem = write_results(args, config, runs, environment(("transformers",)))
    print(Path(f"{stem}.md").read_text())
    print(f"written: {stem}.json, {stem}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
