"""The command line, driven through ``main(argv)`` and the real console script.

Real data throughout: a class-balanced slice of GoEmotions (Ekman labels) written to
CSV/JSONL/TXT files, the bundled GoEmotions by name, and the dair-ai emotion folder when
it is present. Models are ``tfidf-logreg`` (seconds to train) unless the model type is
the point of the test (``tests/test_pipelines_config.py``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import DAIR_PATH, requires_dair, requires_minilm
from sklearn_emotion.cli import main
from sklearn_emotion.model_dir import load_model_dir
from sklearn_emotion.pipelines import DEFAULT_PIPELINE

EKMAN = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
SCRIPT = Path(sys.executable).with_name("sklearn-emotion")


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    """One BLAS/OpenMP thread: on a busy 2-core machine, LogisticRegression's threads
    spin against each other and a 0.5 s fit takes 8 s."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def run(argv, capsys):
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def data(tmp_path_factory, goemotions_slice):
    """The GoEmotions slice as files: train/test CSV with an 'emotion' column, JSONL, TXT."""
    X_train, y_train, X_test, y_test = goemotions_slice
    folder = tmp_path_factory.mktemp("data")
    for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "text", "emotion"])
            writer.writerows((i, text, label) for i, (text, label) in enumerate(zip(X, y)))
    with open(folder / "test.jsonl", "w", encoding="utf-8") as fh:
        for text, label in zip(X_test, y_test):
            fh.write(json.dumps({"text": text, "emotion": label}) + "\n")
    (folder / "texts.txt").write_text("\n".join(" ".join(t.split()) for t in X_test) + "\n",
                                      encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def model_dir(data, tmp_path_factory):
    """A tfidf-logreg model folder trained once for the module."""
    out = tmp_path_factory.mktemp("models") / "tfidf"
    status = main(["train", "--data", str(data / "train.csv"), "--label-column", "emotion",
                   "--pipeline", "tfidf-logreg", "--test-data", str(data / "test.csv"),
                   "--out", str(out), "--quiet"])
    assert status == 0
    return out


# --------------------------------------------------------------------------- plugins, usage


def test_plugins_lists_every_kind(capsys):
    status, out, _ = run(["plugins"], capsys)
    assert status == 0
    for name in ("WordVectorizer", "FeedForwardClassifier", "goemotions", "TfidfVectorizer",
                 "LogisticRegression"):
        assert name in out


def test_plugins_check_reports_a_broken_plugin(capsys, monkeypatch, tmp_path):
    from importlib import metadata

    from sklearn_emotion import registry

    info = tmp_path / "broken_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: broken-plugin\nVersion: 1.0\nLicense-Expression: MIT\n")
    (info / "entry_points.txt").write_text(
        "[sklearn_emotion.vectorizers]\nBroken = no_such_module_anywhere:Thing\n")
    dist = metadata.PathDistribution(info)
    monkeypatch.setattr(registry, "_entry_points",
                        lambda group: [e for e in dist.entry_points if e.group == group])
    status, out, _ = run(["plugins", "--kind", "vectorizers"], capsys)
    assert status == 0 and "Broken" in out and "MIT" in out  # listing imports nothing
    status, out, _ = run(["plugins", "--kind", "vectorizers", "--check"], capsys)
    assert status == 1
    assert "problem" in out and "'Broken'" in out and "no_such_module_anywhere" in out


def test_unknown_subcommand_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# --------------------------------------------------------------------------- train


def test_train_writes_a_complete_model_folder(model_dir, data):
    files = sorted(p.name for p in model_dir.iterdir())
    assert files == sorted(["model.zip", "card.json", "report.html", "metrics.json",
                            "confusion_matrix.png", "confusion_matrix_counts.png",
                            "confused_pairs.csv"])
    card = json.loads((model_dir / "card.json").read_text())
    assert card["format"] == "sklearn-emotion-model/1"
    assert card["pipeline"]["name"] == "tfidf-logreg" and card["pipeline"]["source"] == "builtin"
    assert [s["class"] for s in card["parameters"]] == [
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.linear_model._logistic.LogisticRegression"]
    assert card["parameters"][0]["params"]["ngram_range"] == [1, 2]
    assert card["labels"] == EKMAN
    train = card["data"]["train"]
    assert (train["text_column"], train["label_column"]) == ("text", "emotion")
    assert train["n_samples"] == 210 and len(train["sha256"]) == 64
    assert train["class_counts"] == {label: 30 for label in EKMAN}
    assert card["data"]["test"]["n_samples"] == 70
    assert 0.2 < card["metrics"]["accuracy"] <= 1  # 7 balanced classes: chance is 1/7
    assert {"macro_f1", "weighted_f1", "per_class", "confused_pairs"} <= set(card["metrics"])
    assert {"python", "scikit-learn", "sklearn-emotion", "numpy"} <= set(card["versions"])
    assert card["created"].startswith("20") and card["command"].startswith("sklearn-emotion train")
    assert set(card["files"]) == set(files)

    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["accuracy"] == card["metrics"]["accuracy"] and metrics["n_test"] == 70
    for name in ("confusion_matrix.png", "confusion_matrix_counts.png"):
        assert (model_dir / name).read_bytes().startswith(b"\x89PNG")

    model = load_model_dir(model_dir)[0]
    assert list(model.classes_) == EKMAN
    assert oct(os.stat(model_dir / "model.zip").st_mode)[-3:] != "600"  # not tempfile's mode


def test_report_html_is_self_contained(model_dir):
    page = (model_dir / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/png;base64,') == 2
    for external in ("http://", "https://", "<script", "<link"):
        assert external not in page
    for label in EKMAN:
        assert f">{label}<" in page
    for heading in ("Per emotion", "Confusion matrix", "Most confused pairs", "macro avg"):
        assert heading in page


@requires_minilm  # the default pipeline's sentence encoder
def test_train_on_bundled_goemotions_by_name(tmp_path, capsys):
    out = tmp_path / "m"
    status, stdout, _ = run(["train", "--data", "goemotions", "--max-train", 700, "--max-test",
                             210, "--out", out, "--quiet"], capsys)
    assert status == 0
    assert "goemotions, test split" in stdout and "macro avg" in stdout
    card = json.loads((out / "card.json").read_text())
    assert card["data"]["test"]["description"] == "goemotions, test split"
    assert card["data"]["train"]["n_samples"] == 700
    # without --pipeline: the default model (the vote, not the TF-IDF baseline)
    assert card["pipeline"]["name"] == DEFAULT_PIPELINE == "tfidf-minilm-vote"


def test_train_holds_out_a_share_when_there_is_no_test_split(data, tmp_path, capsys):
    status, stdout, _ = run(["train", "--data", data / "train.csv", "--label-column", "emotion",
                             "--pipeline", "tfidf-logreg", "--test-size", 0.3,
                             "--out", tmp_path / "m", "--quiet"], capsys)
    assert status == 0
    card = json.loads((tmp_path / "m" / "card.json").read_text())
    assert card["data"]["train"]["n_samples"] + card["data"]["test"]["n_samples"] == 210
    assert card["data"]["test"]["n_samples"] == 63
    assert "30% held out of train.csv" in card["data"]["test"]["description"]


def test_train_test_size_zero_skips_the_report(data, tmp_path, capsys):
    status, _, _ = run(["train", "--data", data / "train.csv", "--label-column", "emotion",
                        "--pipeline", "tfidf-logreg", "--test-size", 0, "--out", tmp_path / "m",
                        "--quiet"], capsys)
    assert status == 0
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["card.json", "model.zip"]


def test_grid_search(data, tmp_path, capsys):
    out = tmp_path / "grid"
    status, stdout, _ = run(["train", "--data", data / "train.csv", "--label-column", "emotion",
                             "--pipeline", "tfidf-logreg", "--test-data", data / "test.csv",
                             "--grid", "classify__C=0.1,1",
                             "--grid", "tfidf__ngram_range=[(1, 1), (1, 2)]", "--cv", 2,
                             "--out", out, "--quiet"], capsys)
    assert status == 0
    assert "Grid search over 4 candidates, 2-fold CV" in stdout
    card = json.loads((out / "card.json").read_text())
    search = card["grid_search"]
    assert search["cv"] == 2 and search["scoring"] == "f1_macro" and search["n_candidates"] == 4
    assert search["best_params"]["classify__C"] in (0.1, 1)
    assert search["best_params"]["tfidf__ngram_range"] in ([1, 1], [1, 2])
    rows = list(csv.DictReader(open(out / "grid_search.csv")))
    assert len(rows) == 4 and rows[0]["rank_test_score"] == "1"
    model = load_model_dir(out)[0]  # the refitted best pipeline
    assert model.named_steps["classify"].C == search["best_params"]["classify__C"]
    assert isinstance(model.named_steps["tfidf"].ngram_range, tuple)


def test_cross_validation_and_set(data, tmp_path, capsys):
    out = tmp_path / "cv"
    status, stdout, _ = run(["train", "--data", data / "train.csv", "--label-column", "emotion",
                             "--pipeline", "tfidf-logreg", "--cv", 3, "--set",
                             "classify__C=0.5", "--set",
                             "tfidf__ngram_range=(1, 1)", "--test-size", 0, "--out", out,
                             "--quiet"], capsys)
    assert status == 0
    card = json.loads((out / "card.json").read_text())
    assert len(card["cross_validation"]["scores"]) == 3
    assert card["overrides"] == {"classify__C": 0.5, "tfidf__ngram_range": [1, 1]}
    model = load_model_dir(out)[0]
    assert model.named_steps["classify"].C == 0.5
    assert model.named_steps["tfidf"].ngram_range == (1, 1)


def test_retraining_replaces_the_model_folder(data, model_dir, tmp_path, capsys):
    out = tmp_path / "m"
    argv = ["train", "--data", data / "train.csv", "--label-column", "emotion", "--pipeline",
            "tfidf-logreg", "--test-size", 0, "--out", out, "--quiet"]
    assert run(argv, capsys)[0] == 0
    (out / "stale.txt").write_text("from an older run")
    assert run(argv + ["--set", "classify__C=2"], capsys)[0] == 0
    assert not (out / "stale.txt").exists()
    assert load_model_dir(out)[0].named_steps["classify"].C == 2
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no temporary folders left


# --------------------------------------------------------------------------- evaluate


def test_evaluate_reproduces_the_training_report(model_dir, data, capsys):
    status, stdout, _ = run(["evaluate", "--model", model_dir, "--data", data / "test.csv"],
                            capsys)
    assert status == 0
    assert "macro avg" in stdout and "Most confused pairs" in stdout
    folder = model_dir / "evaluations" / "test"
    metrics = json.loads((folder / "metrics.json").read_text())
    card = json.loads((model_dir / "card.json").read_text())
    assert metrics["accuracy"] == pytest.approx(card["metrics"]["accuracy"])
    assert metrics["data"]["label_column"] == "emotion"  # the card's column, found again
    assert (folder / "report.html").read_text().count("data:image/png;base64,") == 2


def test_evaluate_jsonl_into_a_chosen_folder(model_dir, data, tmp_path, capsys):
    out = tmp_path / "eval"
    status, _, _ = run(["evaluate", "--model", model_dir, "--data", data / "test.jsonl",
                        "--out", out, "--no-progress"], capsys)
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["report.html", "metrics.json", "confusion_matrix.png", "confusion_matrix_counts.png",
         "confused_pairs.csv"])
    pairs = list(csv.DictReader(open(out / "confused_pairs.csv")))
    assert pairs and set(pairs[0]) == {"true", "predicted", "count", "share_of_true"}


# --------------------------------------------------------------------------- predict


def test_predict_arguments_to_csv(model_dir, capsys):
    texts = ["I love you all so much!", "This is disgusting, gross.", "Why, what happened?"]
    status, out, _ = run(["predict", "--model", model_dir, *texts], capsys)
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["text"] for r in rows] == texts
    assert list(rows[0]) == ["text", "label"] + [f"proba_{c}" for c in EKMAN]
    model = load_model_dir(model_dir)[0]
    assert [r["label"] for r in rows] == list(model.predict(texts))
    proba = np.array([[float(r[f"proba_{c}"]) for c in EKMAN] for r in rows])
    np.testing.assert_allclose(proba, model.predict_proba(texts), atol=1e-4)
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-3)


@pytest.mark.parametrize("source, options", [
    ("test.csv", []),
    ("test.jsonl", []),
    ("texts.txt", ["--batch-size", "16"]),
])
@pytest.mark.parametrize("output", ["out.csv", "out.jsonl"])
def test_predict_files(model_dir, data, tmp_path, capsys, source, options, output):
    target = tmp_path / output
    status, stdout, err = run(["predict", "--model", model_dir, "--input", data / source,
                               "--output", target, *options], capsys)
    assert status == 0 and stdout == ""
    assert f"Wrote 70 predictions ({output.split('.')[1]})" in err
    if output.endswith(".csv"):
        rows = list(csv.DictReader(open(target)))
    else:
        rows = [json.loads(line) for line in open(target)]
        assert set(rows[0]["proba"]) == set(EKMAN)
    assert len(rows) == 70 and {r["label"] for r in rows} <= set(EKMAN)


def test_predict_labels_only_without_text(model_dir, capsys):
    status, out, _ = run(["predict", "--model", model_dir, "--no-text", "--no-proba",
                          "--format", "jsonl", "so happy"], capsys)
    assert status == 0 and list(json.loads(out)) == ["label"]


@pytest.mark.parametrize("command", [[str(SCRIPT)], [sys.executable, "-m", "sklearn_emotion.cli"]],
                         ids=["console-script", "python-m"])
def test_predict_from_stdin_through_the_real_entry_point(model_dir, command):
    texts = ["I am so happy for you!", "", "That is terrifying, I'm scared.", "Whatever."]
    result = subprocess.run(
        command + ["predict", "--model", str(model_dir), "--format", "jsonl"],
        input="\n".join(texts) + "\n", capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == [t for t in texts if t]  # blank lines skipped
    assert all(abs(sum(r["proba"].values()) - 1) < 1e-3 for r in records)


def test_predict_streams_its_input_in_constant_memory():
    """A batch comes out after reading about one batch of input, not the whole stream."""
    from sklearn_emotion._data_io import iter_text_batches

    for fmt, header, line in [("txt", "", "text number {}\n"),
                              ("csv", "id,text\n", '{},"a text, with a comma"\n'),
                              ("jsonl", "", '{{"text": "text {}"}}\n')]:
        payload = (header + "".join(line.format(i) for i in range(100_000))).encode()
        stream = io.BytesIO(payload)
        batches = iter_text_batches(stream, fmt, batch_size=100)
        first = next(batches)
        assert len(first.texts) == 100
        assert stream.tell() < 20_000 and len(payload) > 1_500_000, fmt
        assert sum(len(b.texts) for b in batches) == 99_900


def test_predict_reads_a_quoted_comma_and_follows_an_explicit_dialect(model_dir, tmp_path,
                                                                      capsys):
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('text\n"thanks a lot, really"\n')
    status, out, _ = run(["predict", "--model", model_dir, "--input", quoted, "--format",
                          "jsonl"], capsys)
    assert status == 0 and json.loads(out)["text"] == "thanks a lot, really"
    # naming the column and the dialect reads the column as CSV splits the row
    unquoted = tmp_path / "texts.csv"
    unquoted.write_text("text\nthanks a lot, really\n")
    status, out, _ = run(["predict", "--model", model_dir, "--input", unquoted, "--format",
                          "jsonl", "--text-column", "text", "--input-format", "csv"], capsys)
    assert status == 0 and json.loads(out)["text"] == "thanks a lot"


def test_failed_predict_leaves_no_partial_output(model_dir, tmp_path, capsys):
    source = tmp_path / "broken.jsonl"
    lines = [json.dumps({"text": f"text {i}"}) for i in range(600)]
    lines[450] = "{not json"
    source.write_text("\n".join(lines) + "\n")
    target = tmp_path / "predictions.csv"
    target.write_text("previous results\n")
    status, _, err = run(["predict", "--model", model_dir, "-i", source, "-o", target,
                          "--batch-size", 100], capsys)
    assert status == 2 and "line 451 is not valid JSON" in err
    assert target.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.jsonl", "predictions.csv"]


# --------------------------------------------------------------------------- demo


def test_demo_with_a_fast_pipeline_writes_a_model_folder(tmp_path, capsys):
    out = tmp_path / "demo"
    status, stdout, _ = run(["demo", "--pipeline", "tfidf-logreg", "--out", out, "--max-train",
                             700, "--max-test", 210, "--no-progress"], capsys)
    assert status == 0
    assert "Predictions for example sentences" in stdout and "macro avg" in stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == 700 and metrics["n_test"] == 210
    assert (out / "card.json").exists() and (out / "report.html").exists()
    # like train's, the demo's report explains the most confident errors word by word
    report = (out / "report.html").read_text()
    assert "Most confident errors, explained" in report and "&rarr;" in report
    status, stdout, _ = run(["predict", "--model", out, "I am so happy for you!"], capsys)
    assert status == 0 and ",joy," in stdout


@pytest.mark.slow
@requires_minilm
def test_demo_trains_evaluates_saves_and_predicts(tmp_path, capsys):
    out = tmp_path / "demo"
    status = main(["demo", "--out", str(out), "--max-train", "700", "--max-test", "210",
                   "--no-progress"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "accuracy" in printed.lower() and "macro" in printed.lower()
    assert "Predictions for example sentences" in printed

    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == 700 and metrics["n_test"] == 210
    # 7 classes: chance is about 0.14 accuracy; a working model on real data does far better
    assert metrics["accuracy"] > 0.3
    png = (out / "confusion_matrix.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000

    model = load_model_dir(out)[0]
    assert set(model.classes_) == set(EKMAN)
    assert model.predict(["I am so happy for you!"])[0] == "joy"


# --------------------------------------------------------------------------- dair-ai emotion


@requires_dair
@requires_minilm  # the default pipeline's sentence encoder
def test_dair_folder_train_evaluate_predict_round_trip(tmp_path, capsys):
    out = tmp_path / "dair"
    status, stdout, _ = run(["train", "--data", DAIR_PATH, "--max-train", 1200, "--max-test",
                             300, "--out", out, "--quiet"], capsys)
    assert status == 0
    card = json.loads((out / "card.json").read_text())
    assert card["labels"] == ["anger", "fear", "joy", "love", "sadness", "surprise"]
    assert card["data"]["test"]["description"] == "dair-ai emotion dair_emotion/, test split"
    assert card["metrics"]["accuracy"] > 0.4  # 6 classes, 1200 tweets

    # the test split as a 'text;label' file; the folder with an explicit split
    for source in (DAIR_PATH / "test.txt", f"{DAIR_PATH}:validation"):
        status, stdout, _ = run(["evaluate", "--model", out, "--data", source, "--max-test", 300],
                                capsys)
        assert status == 0 and "macro avg" in stdout
    assert {p.name for p in (out / "evaluations").iterdir()} == {"test", "dair_emotion-validation"}

    status, stdout, _ = run(["predict", "--model", out, "i feel so loved and cherished"], capsys)
    assert status == 0 and ",love," in stdout


@requires_dair
def test_dair_labels_unseen_by_a_goemotions_model_are_an_error(model_dir, capsys):
    status, _, err = run(["evaluate", "--model", model_dir, "--data", DAIR_PATH], capsys)
    assert status == 2
    assert "labels the model was not trained on: 'love' (159 rows)" in err


# --------------------------------------------------------------------------- errors


@pytest.fixture
def bad_files(tmp_path, data):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text("text,emotion\n")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("not a model")
    (tmp_path / "typo.toml").write_text(
        '[[steps]]\nplugin = "TfidfVectoriser"\n\n[[steps]]\nplugin = "LogisticRegression"\n')
    (tmp_path / "bad-param.toml").write_text(
        '[[steps]]\nplugin = "TfidfVectorizer"\n\n[[steps]]\nplugin = "LogisticRegression"\n'
        'params = { max_iters = 10 }\n')
    (tmp_path / "no-label.csv").write_text("text,emotion\nso happy,joy\nso sad,\n")
    (tmp_path / "feeling.jsonl").write_text('{"text": "so happy", "feeling": "joy"}\n')
    # the README's example written without quotes: the comma splits the text in two
    (tmp_path / "texts.csv").write_text("text\nthanks a lot, really\n")
    (tmp_path / "unquoted.csv").write_text(
        "text,emotion\nso happy,joy\nwell, that hurt,sadness\nso sad,sadness\n")
    (tmp_path / "all-unquoted.tsv").write_text("text\temotion\nso\thappy\tjoy\n")
    return tmp_path


TRAIN = ["train", "--label-column", "emotion"]


@pytest.mark.parametrize("argv, messages", [
    pytest.param(TRAIN + ["--data", "{tmp}/missing.csv"],
                 ["The data file", "missing.csv' does not exist"], id="missing-file"),
    pytest.param(["train", "--data", "goemotons"],
                 ["Did you mean the bundled dataset 'goemotions'?"], id="misspelled-dataset"),
    pytest.param(["train", "--data", "goemotions:ekmann"],
                 ["Could not load 'goemotions:ekmann'", "must be one of 'ekman', 'original'"],
                 id="bad-dataset-option"),
    pytest.param(["train", "--data", "{data}/train.csv", "--label-column", "emotoin"],
                 ["has no column 'emotoin' (--label-column). Did you mean 'emotion'?",
                  "Its columns: 'id', 'text', 'emotion'."], id="misspelled-column"),
    pytest.param(["train", "--data", "{data}/train.csv", "--text-column", "txt"],
                 ["has no column 'txt' (--text-column). Did you mean 'text'?"],
                 id="misspelled-text-column"),
    pytest.param(["train", "--data", "{tmp}/feeling.jsonl"],
                 ["has no label column named 'label'; pass --label-column with one of its "
                  "columns: 'text', 'feeling'."], id="column-not-found"),
    pytest.param(TRAIN + ["--data", "{tmp}/empty.csv"], ["empty.csv' is empty"], id="empty-file"),
    pytest.param(TRAIN + ["--data", "{tmp}/header.csv"], ["has a header but no rows"],
                 id="header-only"),
    pytest.param(TRAIN + ["--data", "{tmp}/no-label.csv"],
                 ["1 rows have no label in column 'emotion' (data rows 2)"], id="empty-label"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--pipeline", "tfidf-logrg"],
                 ["Unknown pipeline 'tfidf-logrg'. Did you mean 'tfidf-logreg'?",
                  "Built-in pipelines: few-shot, glove-lstm, minilm-finetune, minilm-mlp,"],
                 id="unknown-pipeline"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--pipeline", "{tmp}/typo.toml"],
                 ["Unknown plugin 'TfidfVectoriser' in step 'tfidfvectoriser'",
                  "Did you mean 'TfidfVectorizer'?", "Installed vectorizers:"],
                 id="unknown-plugin"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--pipeline", "{tmp}/bad-param.toml"],
                 ["LogisticRegression in step 'logisticregression'",
                  "has no parameter 'max_iters' (did you mean 'max_iter'?)"],
                 id="unknown-parameter"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--pipeline", "{tmp}/missing.toml"],
                 ["Pipeline config file", "missing.toml' does not exist"], id="missing-config"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--pipeline", "tfidf-logreg", "--grid",
                          "classify__D=1,2"],
                 ["no parameter 'classify__D' to search over. Did you mean 'classify__C'?"],
                 id="unknown-grid-parameter"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--scoring", "f1macro"],
                 ["Unknown --scoring 'f1macro'. Did you mean 'f1_macro'?"], id="unknown-scoring"),
    pytest.param(TRAIN + ["--data", "{data}/train.csv", "--out", "{tmp}/notes"],
                 ["notes' exists and is not a sklearn-emotion model folder"],
                 id="out-is-not-a-model-folder"),
    pytest.param(["evaluate", "--model", "{model}", "--data", "goemotions:original:test"],
                 ["has labels the model was not trained on: 'admiration' (", "The model knows "
                  "anger, disgust, fear, joy, neutral, sadness, surprise."],
                 id="labels-unseen-in-training"),
    pytest.param(["evaluate", "--model", "{tmp}/nothing", "--data", "goemotions"],
                 ["The model folder", "nothing' does not exist"], id="missing-model"),
    pytest.param(["predict", "--model", "{tmp}/notes", "hello"],
                 ["notes' is not a model folder: it has no model.zip"], id="not-a-model"),
    pytest.param(["predict", "--model", "{model}", "--input", "{tmp}/missing.csv"],
                 ["The input file", "missing.csv' does not exist"], id="missing-input"),
    pytest.param(["predict", "--model", "{model}", "--input", "{data}/train.csv",
                  "--text-column", "txt"],
                 ["has no column 'txt' (--text-column). Did you mean 'text'?"],
                 id="predict-misspelled-column"),
    pytest.param(["predict", "--model", "{model}", "--input", "{tmp}/empty.csv"],
                 ["is empty"], id="predict-empty-file"),
    pytest.param(["predict", "--model", "{model}", "--input", "{tmp}/texts.csv"],
                 ["texts.csv', line 2, has 2 fields but the header has 1 ('text'): "
                  "'thanks a lot, really'.", 'must be quoted (e.g. "thanks a lot, really")',
                  "--text-column NAME --input-format csv"], id="predict-unquoted-comma"),
    pytest.param(["predict", "--model", "{model}", "--input", "{tmp}/texts.csv",
                  "--text-column", "text"],
                 ["texts.csv', line 2, has 2 fields"], id="predict-unquoted-column-only"),
    pytest.param(TRAIN + ["--data", "{tmp}/unquoted.csv"],
                 ["The data file", "unquoted.csv', line 3, has 3 fields but the header has 2 "
                  "('text', 'emotion')", "must be quoted"], id="train-unquoted-comma"),
    pytest.param(TRAIN + ["--data", "{tmp}/all-unquoted.tsv"],
                 ["all-unquoted.tsv', line 2, has 3 fields but the header has 2",
                  "A text that holds a tab must be quoted."], id="train-every-row-too-long"),
    pytest.param(["evaluate", "--model", "{model}", "--data", "{tmp}/unquoted.csv"],
                 ["unquoted.csv', line 3, has 3 fields"], id="evaluate-unquoted-comma"),
])
def test_errors_say_what_is_wrong(argv, messages, bad_files, data, model_dir, capsys):
    values = {"tmp": bad_files, "data": data, "model": model_dir}
    argv = [a.format(**values) for a in argv]
    if "--out" not in argv and argv[0] == "train":
        argv += ["--out", str(bad_files / "out")]
    status, out, err = run(argv, capsys)
    assert status == 2, out + err
    assert err.startswith("error: ")
    for message in messages:
        assert message in err
    assert not (bad_files / "out").exists()
    assert (bad_files / "notes" / "keep.txt").exists()


def test_empty_standard_input_is_an_error(model_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n\n")))
    status, _, err = run(["predict", "--model", model_dir], capsys)
    assert status == 2 and "Standard input has no texts to predict: it is empty." in err
