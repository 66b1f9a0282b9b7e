"""One model format: model folders, the command line and plugins' types, end to end.

The product never unpickles a file: a model folder holds ``model.zip``, written by
``sklearn_emotion.io.save`` and read by ``io.load``, which creates only the types that
installed packages declare safe. A crafted folder is refused by ``evaluate`` and
``predict`` with a clear error and a non-zero exit status, and its payload never runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_emotion import io, registry
from sklearn_emotion.cli import main
from sklearn_emotion.estimators import FeedForwardClassifier
from sklearn_emotion.exceptions import UntrustedTypesError
from sklearn_emotion.model_dir import load_model_dir, save_model_dir
from sklearn_emotion.testing import sample_texts

from conftest import requires_minilm


class _Exploit:
    """What a malicious pickle does: run a command when it is unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture(scope="module")
def texts():
    return sample_texts(per_class=6)


@pytest.fixture
def data_file(tmp_path, texts):
    X, y = texts
    path = tmp_path / "test.jsonl"
    path.write_text("".join(json.dumps({"text": t, "label": str(c)}) + "\n"
                            for t, c in zip(X, y)))
    return path


@pytest.fixture
def model_folder(tmp_path, texts):
    X, y = texts
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=200)).fit(X, y)
    return save_model_dir(tmp_path / "model", model, {"labels": sorted(set(y))})


def _run(capsys, *argv):
    status = main([str(a) for a in argv])
    return status, capsys.readouterr()


def _commands(folder, data_file):
    return {
        "evaluate": ["evaluate", "--model", folder, "--data", data_file,
                     "--out", folder.parent / "evaluation"],
        "predict": ["predict", "--model", folder, "so happy today"],
    }


def _rewrite(archive_path, change):
    with zipfile.ZipFile(archive_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_model_folder_round_trips_through_the_command_line(model_folder, data_file, capsys):
    for name, argv in _commands(model_folder, data_file).items():
        status, out = _run(capsys, *argv)
        assert status == 0, (name, out.err)
    assert sorted(p.name for p in model_folder.iterdir()) == ["card.json", "model.zip"]
    assert io.get_untrusted_types(model_folder / "model.zip") == []


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_a_pickled_model_folder_is_refused_and_never_unpickled(
        tmp_path, data_file, capsys, command):
    marker = tmp_path / "pwned"
    folder = tmp_path / "crafted"
    folder.mkdir()
    (folder / "card.json").write_text(json.dumps({"labels": ["joy"]}))
    (folder / "model.joblib").write_bytes(pickle.dumps(_Exploit(marker)))
    status, out = _run(capsys, *_commands(folder, data_file)[command])
    assert status != 0
    assert "model.joblib' is a pickle" in out.err and "sklearn-emotion train" in out.err
    assert "sklearn_emotion.io.save" in out.err  # how to convert it
    assert not marker.exists()


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_a_pickle_disguised_as_the_model_file_is_refused(
        tmp_path, model_folder, data_file, capsys, command):
    marker = tmp_path / "pwned"
    (model_folder / "model.zip").write_bytes(pickle.dumps(_Exploit(marker)))
    status, out = _run(capsys, *_commands(model_folder, data_file)[command])
    assert status != 0 and "not a sklearn-emotion model file" in out.err
    assert not marker.exists()


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_a_manifest_naming_an_untrusted_network_class_is_refused(model_folder, data_file,
                                                                 capsys, command):
    def name_popen(members):
        manifest = json.loads(members["manifest.json"])
        manifest["nets"] = [{"class": "subprocess.Popen", "weights": {}}]
        members["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(model_folder / "model.zip", name_popen)
    status, out = _run(capsys, *_commands(model_folder, data_file)[command])
    assert status != 0
    assert "refuses to load ['subprocess.Popen']" in out.err and "trusted=" in out.err


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_a_model_calling_an_undeclared_function_is_refused(tmp_path, texts, data_file, capsys,
                                                           command):
    X, y = texts
    model = make_pipeline(FunctionTransformer(), TfidfVectorizer(), LogisticRegression())
    model.fit(X, y)
    model.set_params(functiontransformer__func=os.system)  # what an attacker would store
    folder = save_model_dir(tmp_path / "model", model, {})
    status, out = _run(capsys, *_commands(folder, data_file)[command])
    assert status != 0 and f"refuses to load ['{os.system.__module__}.system']" in out.err


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_an_altered_model_file_fails_its_checksum(model_folder, data_file, capsys, command):
    def alter(members):
        members["model.skops"] = members["model.skops"][:-10] + b"0123456789"

    _rewrite(model_folder / "model.zip", alter)
    status, out = _run(capsys, *_commands(model_folder, data_file)[command])
    assert status != 0 and "model.skops does not match its SHA-256 checksum" in out.err


class _Undeclared(TransformerMixin, BaseEstimator):
    """A transformer that no installed package declares safe."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


def test_an_unknown_type_is_refused_even_when_plugins_declare_theirs(tmp_path, texts):
    X, y = texts
    model = make_pipeline(TfidfVectorizer(), _Undeclared(), LogisticRegression()).fit(X, y)
    path = io.save(model, tmp_path / "m.zip")
    name = f"{__name__}._Undeclared"
    assert name not in registry.safe_types() and len(registry.safe_types()) > 100
    with pytest.raises(UntrustedTypesError, match=rf"refuses to load \['{name}'\]"):
        io.load(path)
    assert isinstance(io.load(path, trusted=[name])[1], _Undeclared)


def _waveforms(n):
    rng = np.random.RandomState(0)
    t = np.arange(8000) / 16000
    return np.stack([np.sin(2 * np.pi * (200 + 40 * i) * t) + 0.01 * rng.normal(size=t.size)
                     for i in range(n)]).astype("float32")


def _plugin_model(name):
    """A fitted model built from the first-party plugin ``name``, and its inputs."""
    X, y = sample_texts(per_class=4)
    if name == "lexicon":
        pytest.importorskip("vaderSentiment")
        vectorizer = pytest.importorskip("sklearn_emotion_lexicon").LexiconVectorizer()
    elif name == "model2vec":
        plugin = pytest.importorskip("sklearn_emotion_model2vec")
        vectorizer = plugin.StaticEmbeddingVectorizer()
    elif name == "template":
        vectorizer = pytest.importorskip("sklearn_emotion_template").TextStatsVectorizer()
    elif name == "tfidf-baseline":
        plugin = pytest.importorskip("sklearn_emotion_tfidf_baseline")
        return plugin.TfidfBaselineClassifier().fit(X, y), X
    else:  # audio-mfcc, on synthetic waveforms
        pytest.importorskip("librosa")
        vectorizer = pytest.importorskip("sklearn_emotion_audio").MFCCVectorizer(n_mfcc=13)
        X, y = _waveforms(8), np.array(["calm", "angry"] * 4)
    return make_pipeline(vectorizer, LogisticRegression(max_iter=500)).fit(X, y), X


@pytest.mark.parametrize("name", ["lexicon", "model2vec", "tfidf-baseline", "audio-mfcc",
                                  "template"])
def test_models_of_each_first_party_plugin_load_without_trusted(tmp_path, name):
    model, X = _plugin_model(name)
    path = io.save(model, tmp_path / f"{name}.zip")
    assert io.get_untrusted_types(path) == []
    loaded = io.load(path)
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X), rtol=1e-6)


@requires_minilm
@pytest.mark.slow
def test_the_demo_model_folder_is_small_and_loads_without_trusted(tmp_path, goemotions_slice):
    from sklearn_emotion.pipelines import DEFAULT_PIPELINE, make_pipeline_by_name

    X, y, X_test, _ = goemotions_slice
    model = make_pipeline_by_name(DEFAULT_PIPELINE, random_state=0, verbose=0)
    model.fit(X, y)
    folder = save_model_dir(tmp_path / "demo", model, {"labels": sorted(set(y))})
    size = sum(p.stat().st_size for p in folder.iterdir())
    # the torch weights of MiniLM (90 MB) are referenced, not copied; the demo's int8 ONNX
    # graph (about 59 MB, its word-piece table stays float32) is stored with the model
    assert size < 70_000_000, f"{size / 1e6:.1f} MB"
    manifest = io.read_manifest(folder / "model.zip")
    assert [r["resource"] for r in manifest["resources"]] == ["all-MiniLM-L6-v2"]
    loaded = io.load(folder / "model.zip")
    np.testing.assert_allclose(loaded.predict_proba(X_test), model.predict_proba(X_test),
                               rtol=1e-5, atol=1e-6)
    assert load_model_dir(folder)[0].predict(X_test[:3]).tolist() == model.predict(
        X_test[:3]).tolist()


def test_a_network_inside_the_skops_stream_is_never_created_by_skops(tmp_path, model_folder):
    # skops would hand a skorch network's state to skorch's __setstate__, which unpickles
    # with torch.load: a declared network class is trusted only as the manifest's network
    X = np.random.RandomState(0).normal(size=(20, 3)).astype("float32")
    net = FeedForwardClassifier(max_epochs=1, verbose=0).fit(X, ["a", "b"] * 10)
    payload = sio.dumps({"model": net, "nets": []})

    def smuggle(members):
        members["model.skops"] = payload
        manifest = json.loads(members["manifest.json"])
        manifest["files"]["model.skops"] = hashlib.sha256(payload).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(model_folder / "model.zip", smuggle)
    name = "sklearn_emotion.estimators._feedforward.FeedForwardClassifier"
    assert name in registry.safe_types()
    assert name in io.get_untrusted_types(model_folder / "model.zip")
    with pytest.raises(UntrustedTypesError, match=name):
        load_model_dir(model_folder)
