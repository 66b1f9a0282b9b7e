"""`sklearn-emotion train/evaluate/predict --multilabel` on real GoEmotions label sets."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from sklearn_emotion._data_io import goemotions_label_names, load_labelled, parse_label_lists
from sklearn_emotion.cli import main
from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.pipelines import DEFAULT_MULTILABEL_PIPELINE


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def run(argv, capsys):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """GoEmotions rows as CSV files: label ids ('2,27', the upstream layout) and names."""
    folder = tmp_path_factory.mktemp("multilabel")
    names = goemotions_label_names()
    for subset, n in (("train", 1200), ("test", 300)):
        bunch = load_goemotions(subset, labels="original", multilabel=True)
        ids = [",".join(map(str, np.flatnonzero(row))) for row in bunch.target[:n]]
        with open(folder / f"{subset}_ids.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["text", "labels"])
            writer.writerows(zip(bunch.data[:n], ids))
        with open(folder / f"{subset}_names.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["text", "emotions"])
            writer.writerows(
                (text, ",".join(names[i] for i in map(int, label_ids.split(","))))
                for text, label_ids in zip(bunch.data[:n], ids)
            )
    return folder


def test_parse_label_lists():
    names = goemotions_label_names()
    assert parse_label_lists(["27", "2,25", "joy , love,joy"][:2], label_names=names).tolist() == [
        ("neutral",), ("anger", "sadness")]
    assert parse_label_lists(["joy , love,joy", "", ["fear"]]).tolist() == [
        ("joy", "love"), (), ("fear",)]
    with pytest.raises(InvalidInputError, match=r"label ids between 0 and 27; got row 2: '28'"):
        parse_label_lists(["1", "28"], label_names=names)


def test_id_lists_and_names_read_the_same(files):
    by_id = load_labelled(str(files / "train_ids.csv"), multilabel=True,
                          label_names=goemotions_label_names())
    by_name = load_labelled(str(files / "train_names.csv"), multilabel=True)
    assert by_id.labels.tolist() == by_name.labels.tolist()
    assert by_name.card()["multilabel"] and sum(by_name.card()["class_counts"].values()) >= 1200
    bundled = load_labelled("goemotions:original:test", multilabel=True)
    assert len(bundled.texts) == 5427 and all(isinstance(x, tuple) for x in bundled.labels[:5])


def test_train_evaluate_predict(files, tmp_path, capsys):
    model = tmp_path / "model"
    status, out, _ = run(["train", "--data", files / "train_ids.csv", "--multilabel",
                          "--label-names", "goemotions", "--test-data", files / "test_ids.csv",
                          "--threshold-cv", "3", "--out", model, "--quiet"], capsys)
    assert status == 0 and "micro avg" in out and "threshold" in out
    card = json.loads((model / "card.json").read_text())
    assert card["multilabel"] and len(card["thresholds"]) == len(card["labels"])
    assert card["pipeline"]["name"] == DEFAULT_MULTILABEL_PIPELINE  # not the single-label vote
    metrics = json.loads((model / "metrics.json").read_text())
    assert 0 < metrics["micro_f1"] < 1 and "threshold" in metrics["per_class"]["neutral"]
    assert (model / "confusion_matrix.png").stat().st_size > 10_000

    # evaluate reads the label ids with the names recorded in the card
    status, out, _ = run(["evaluate", "--model", model, "--data", files / "test_ids.csv",
                          "--out", tmp_path / "eval"], capsys)
    evaluated = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert status == 0 and evaluated["macro_f1"] == pytest.approx(metrics["macro_f1"])

    # predict: every label's probability, the predicted label set
    output = tmp_path / "pred.csv"
    status, _, _ = run(["predict", "--model", model, "thank you so much!", "I am so angry",
                        "--output", output], capsys)
    with open(output, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert status == 0 and len(rows) == 2
    probas = [c for c in rows[0] if c.startswith("proba_")]
    assert len(probas) == len(card["labels"])
    for row in rows:
        labels = row["label"].split(",")
        assert labels[0] and set(labels) <= set(card["labels"])  # at least one label
        for label in labels:
            assert float(row[f"proba_{label}"]) >= card["thresholds"][label] - 1e-4 or \
                len(labels) == 1

    status, out, _ = run(["predict", "--model", model, "thank you so much!", "--format",
                          "jsonl"], capsys)
    record = json.loads(out.splitlines()[0])
    assert status == 0 and record["labels"] and set(record["labels"]) <= set(card["labels"])
    assert set(record["proba"]) == set(card["labels"])


def test_multilabel_refuses_grid_search(files, tmp_path, capsys):
    status, _, err = run(["train", "--data", files / "train_names.csv", "--multilabel",
                          "--grid", "classify__C=1,10", "--out", tmp_path / "m"], capsys)
    assert status == 2 and "not supported with --multilabel" in err
