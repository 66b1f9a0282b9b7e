"""The recurrent path: GloVe-50 + LSTMClassifier against a TF-IDF floor, and skorch's overhead.

(a) Accuracy. On dair-ai emotion and on GoEmotions (Ekman labels, single-label rows), each
    with its official train/test split:

    - ``tfidf-logreg``: TF-IDF of 1-2 grams + LogisticRegression(C=10) (the floor);
    - ``lstm``: ``WordVectorizer("glove-6b-50d", pooling="sequence")`` +
      ``LSTMClassifier()`` with the reference recipe (hidden 128, Adam 1e-3, batch 32,
      10 epochs), packed sequences, shuffled batches, frozen GloVe vectors;
    - ``bilstm``: the same, bidirectional;
    - ``lstm-ids`` / ``bilstm-ids``: ``WordVectorizer(pooling="ids")``: the LSTM (or
      bidirectional LSTM) also fine-tunes its copy of the GloVe vectors of the training
      vocabulary.

    Test accuracy, macro-F1, fit and predict times.

(b) skorch overhead. The same ``LSTMNet`` on the same sequences, trained by a minimal
    hand-written PyTorch loop (DataLoader with shuffling, Adam, cross-entropy) and by
    ``LSTMClassifier.fit`` (input validation, label encoding and skorch's loop included),
    with the same epochs, batch size, threads and seed; the ratio of the training times.

Results are printed as tables and written to ``benchmarks/results/lstm_<date>_<n>.json``
and ``.md`` with the date, the machine and the versions. dair-ai emotion is not bundled:
``--data`` names its folder.

Usage::

    python benchmarks/bench_lstm.py --data DAIR_FOLDER --threads 1   # everything, full data
    python benchmarks/bench_lstm.py --data DAIR_FOLDER --max-train 2000 --epochs 2  # a slice
    python benchmarks/bench_lstm.py --datasets goemotions-ekman --skip-overhead  # bundled
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from _common import RESULTS, config_of, data_folder, environment, write_result

VARIANTS = {
    "lstm": {"pooling": "sequence", "module": {}},
    "bilstm": {"pooling": "sequence", "module": {"bidirectional": True}},
    "lstm-ids": {"pooling": "ids", "module": {}},
    "bilstm-ids": {"pooling": "ids", "module": {"bidirectional": True}},
}
DATASETS = ("dair", "goemotions-ekman")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="folder with the dair-ai emotion train/test files")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--max-train", type=int, default=None,
                        help="train on a random slice of this many texts (default: all)")
    parser.add_argument("--max-test", type=int, default=None,
                        help="evaluate on the first N test texts (default: all)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--max-length", type=int, default=64, help="tokens kept per text")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: torch's choice; 1 is fastest for "
                        "this small LSTM on a busy machine)")
    parser.add_argument("--skip-accuracy", action="store_true", help="skip part (a)")
    parser.add_argument("--skip-overhead", action="store_true", help="skip part (b)")
    parser.add_argument("--overhead-train", type=int, default=4000,
                        help="dair training texts for the overhead comparison")
    parser.add_argument("--overhead-epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2,
                        help="overhead: alternate the two sides this many times, keep the best")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------- data
def _slice(X, y, n, seed):
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    if n is not None and n < len(X):
        keep = np.sort(np.random.RandomState(seed).permutation(len(X))[:n])
        X, y = X[keep], y[keep]
    return list(X), y


def load(name: str, args):
    """(X_train, y_train, X_test, y_test) of one data set, sliced as asked."""
    if name == "dair":
        from sklearn_emotion.datasets import load_dair_emotion

        folder = data_folder(args.data, "dair-ai emotion")
        train = load_dair_emotion(folder, subset="train", return_X_y=True)
        test = load_dair_emotion(folder, subset="test", return_X_y=True)
    else:
        from sklearn_emotion.datasets import load_goemotions

        train = load_goemotions(subset="train", labels="ekman", return_X_y=True)
        test = load_goemotions(subset="test", labels="ekman", return_X_y=True)
    X_train, y_train = _slice(*train, args.max_train, args.seed)
    X_test, y_test = list(test[0])[: args.max_test], np.asarray(test[1])[: args.max_test]
    return X_train, y_train, X_test, y_test


# ----------------------------------------------------------------------- accuracy
def _scores(y_true, y_pred) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, average="macro")), 4),
    }


def _timed_fit_predict(model, X_train, y_train, X_test, y_test) -> dict:
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_s = time.perf_counter() - start
    return {**_scores(y_test, y_pred), "fit_s": round(fit_s, 1), "predict_s": round(predict_s, 1)}


def tfidf_floor():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    # C=10: the default C=1 underfits these short texts (0.80 instead of 0.86 on dair)
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=10.0, max_iter=1000)
    )


def lstm_pipeline(variant: str, args):
    from sklearn.pipeline import make_pipeline

    from sklearn_emotion.estimators import LSTMClassifier
    from sklearn_emotion.vectorizers import WordVectorizer

    spec = VARIANTS[variant]
    module = {f"module__{k}": v for k, v in spec["module"].items()}
    return make_pipeline(
        WordVectorizer("glove-6b-50d", pooling=spec["pooling"], max_length=args.max_length),
        LSTMClassifier(max_epochs=args.epochs, random_state=args.seed, verbose=0,
                       progress_bar=False, **module),
    )


def accuracy_part(args, say) -> list[dict]:
    from sklearn_emotion.vectorizers import WordVectorizer

    WordVectorizer("glove-6b-50d").fit(["warm"])  # the vectors file is cached: not timed
    rows = []
    for dataset in args.datasets:
        X_train, y_train, X_test, y_test = load(dataset, args)
        say(f"{dataset}: {len(X_train)} training, {len(X_test)} test texts")
        models = [("tfidf-logreg", tfidf_floor())]
        models += [(variant, lstm_pipeline(variant, args)) for variant in args.variants]
        for name, model in models:
            result = _timed_fit_predict(model, X_train, y_train, X_test, y_test)
            rows.append({"dataset": dataset, "model": name, "n_train": len(X_train),
                         "n_test": len(X_test), **result})
            say(f"  {name}: {result}")
    return rows


# ------------------------------------------------------------------------ overhead
def _hand_loop(sequences, y_encoded, n_classes, args) -> float:
    """The minimal PyTorch training loop a user would write; returns its wall time."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from sklearn_emotion.nn import LSTMNet

    start = time.perf_counter()
    torch.manual_seed(args.seed)
    dataset = TensorDataset(
        torch.from_numpy(sequences["embeddings"]),
        torch.from_numpy(sequences["lengths"]),
        torch.from_numpy(y_encoded),
    )
    loader = DataLoader(dataset, batch_size=32, shuffle=True)
    model = LSTMNet(input_dim=sequences["embeddings"].shape[2], output_dim=n_classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    model.train()
    for _ in range(args.overhead_epochs):
        for embeddings, lengths, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(embeddings, lengths), labels)
            loss.backward()
            optimizer.step()
    return time.perf_counter() - start


def _skorch_fit(sequences, y, args) -> float:
    from sklearn_emotion.estimators import LSTMClassifier

    start = time.perf_counter()
    LSTMClassifier(max_epochs=args.overhead_epochs, random_state=args.seed, verbose=0,
                   progress_bar=False).fit(sequences, y)
    return time.perf_counter() - start


def overhead_part(args, say) -> dict:
    from sklearn.preprocessing import LabelEncoder

    from sklearn_emotion.vectorizers import WordVectorizer

    sub = argparse.Namespace(**{**vars(args), "max_train": args.overhead_train})
    X_train, y_train, _, _ = load("dair", sub)
    sequences = WordVectorizer("glove-6b-50d", pooling="sequence",
                               max_length=args.max_length).fit_transform(X_train)
    encoder = LabelEncoder().fit(y_train)
    y_encoded = encoder.transform(y_train).astype(np.int64)
    hand, skorch = [], []
    for _ in range(args.repeats):
        hand.append(_hand_loop(sequences, y_encoded, len(encoder.classes_), args))
        skorch.append(_skorch_fit(sequences, y_train, args))
        say(f"  overhead: hand loop {hand[-1]:.1f} s, LSTMClassifier {skorch[-1]:.1f} s")
    return {
        "n_train": len(X_train),
        "epochs": args.overhead_epochs,
        "batch_size": 32,
        "hand_loop_s": [round(t, 2) for t in hand],
        "lstm_classifier_s": [round(t, 2) for t in skorch],
        "ratio_best": round(min(skorch) / min(hand), 3),
    }


# ------------------------------------------------------------------------- report
def markdown(report: dict, config: dict) -> str:
    lines = [f"Arguments: `{json.dumps(config)}`", ""]
    if report.get("accuracy"):
        lines += ["| data set | model | train | test | accuracy | macro-F1 | fit s | predict s |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in report["accuracy"]:
            lines.append(f"| {r['dataset']} | {r['model']} | {r['n_train']} | {r['n_test']} | "
                         f"{r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['fit_s']} | "
                         f"{r['predict_s']} |")
        lines.append("")
    if report.get("overhead"):
        o = report["overhead"]
        lines += [
            f"skorch overhead ({o['n_train']} dair texts, {o['epochs']} epochs, batch "
            f"{o['batch_size']}): hand-written loop {o['hand_loop_s']} s, LSTMClassifier "
            f"{o['lstm_classifier_s']} s; ratio of the best times **{o['ratio_best']}**.",
            "",
        ]
    return "\n".join(lines)


def print_tables(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if report.get("accuracy"):
        table = Table(title="Test accuracy and macro-F1")
        for column in ("data set", "model", "train", "accuracy", "macro-F1", "fit s",
                       "predict s"):
            table.add_column(column, justify="left" if column in ("data set", "model")
                             else "right")
        for r in report["accuracy"]:
            table.add_row(r["dataset"], r["model"], str(r["n_train"]), f"{r['accuracy']:.3f}",
                          f"{r['macro_f1']:.3f}", str(r["fit_s"]), str(r["predict_s"]))
        console.print(table)
    if report.get("overhead"):
        o = report["overhead"]
        table = Table(title=f"skorch overhead ({o['n_train']} texts, {o['epochs']} epochs)")
        for column in ("hand-written loop s", "LSTMClassifier s", "ratio (best)"):
            table.add_column(column, justify="right")
        table.add_row(str(o["hand_loop_s"]), str(o["lstm_classifier_s"]), str(o["ratio_best"]))
        console.print(table)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    if args.threads is not None:
        torch.set_num_threads(args.threads)

    def say(message):
        print(message, flush=True)

    env, config = environment(), config_of(args)
    report = {"accuracy": [] if args.skip_accuracy else accuracy_part(args, say)}
    report["overhead"] = None if args.skip_overhead else overhead_part(args, say)
    print_tables(report)
    base = write_result("lstm", title="The recurrent path: GloVe + LSTMClassifier",
                        config=config, results=report, markdown=markdown(report, config),
                        env=env, tag=args.max_train or "full", out=args.out)
    say(f"wrote {base}.json and {base}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
