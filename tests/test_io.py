"""sklearn_emotion.io: safe save/load without pickle."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import textwrap
import warnings
import zipfile

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_emotion import io
from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier
from sklearn_emotion.exceptions import (
    ModelFileError,
    ModelVersionWarning,
    UnsupportedModelError,
    UntrustedTypesError,
)
from sklearn_emotion.io._nets import net_spec
from sklearn_emotion.utils._persist import PackedTerms
from sklearn_emotion.text import TextCleaner
from sklearn_emotion.vectorizers import SentenceVectorizer, WordVectorizer

from conftest import requires_glove, requires_minilm

# Loads a model in a fresh interpreter with every network connection refused and no
# access to the training data, and writes predict_proba for the given texts.
FRESH_PROCESS = textwrap.dedent(
    """
    import json, socket, sys
    import numpy as np

    def refuse(*args, **kwargs):
        raise OSError("network access attempted while loading a model")

    socket.socket.connect = refuse
    socket.create_connection = refuse
    import torch
    torch.set_num_threads(int(sys.argv[4]))  # as in the parent: same summation order
    from sklearn_emotion import io

    model = io.load(sys.argv[1])
    texts = json.load(open(sys.argv[2]))
    np.save(sys.argv[3], model.predict_proba(texts))
    """
)


def _proba_in_fresh_process(tmp_path, model_path, texts):
    import torch

    (tmp_path / "texts.json").write_text(json.dumps(texts))
    (tmp_path / "load.py").write_text(FRESH_PROCESS)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "SKLEARN_EMOTION_SHARED_DATA": str(tmp_path / "no-data-here")}
    done = subprocess.run(
        [sys.executable, str(tmp_path / "load.py"), str(model_path),
         str(tmp_path / "texts.json"), str(tmp_path / "proba.npy"),
         str(torch.get_num_threads())],
        env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return np.load(tmp_path / "proba.npy")


@pytest.fixture(scope="module")
def tfidf_model(goemotions_slice):
    X, y, _, _ = goemotions_slice
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=200)).fit(X, y)


@requires_glove
def test_lstm_pipeline_loads_in_a_fresh_process_with_identical_proba(tmp_path, goemotions_slice):
    X, y, X_test, _ = goemotions_slice
    model = make_pipeline(
        TextCleaner(),
        WordVectorizer("glove-6b-50d", pooling="ids", max_length=32),
        LSTMClassifier(max_epochs=2, module__hidden_size=16, random_state=0, verbose=0),
    ).fit(X, y)
    path = io.save(model, tmp_path / "lstm.zip")

    manifest = io.read_manifest(path)
    assert manifest["classes"] == sorted(set(y))
    assert [s["name"] for s in manifest["model"]["steps"]] == [
        "textcleaner", "wordvectorizer", "lstmclassifier"]
    assert manifest["versions"]["torch"] and manifest["versions"]["skops"]
    assert manifest["resources"][0]["resource"] == "glove-6b-50d"
    # the GloVe table (80 MB) is referenced, not copied
    assert path.stat().st_size < 5_000_000

    expected = model.predict_proba(X_test)
    np.testing.assert_array_equal(_proba_in_fresh_process(tmp_path, path, X_test), expected)
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), expected)
    assert loaded[-1].history_[:, "train_loss"] == model[-1].history_[:, "train_loss"]


@requires_minilm
@pytest.mark.slow
def test_sentence_pipeline_round_trip(tmp_path, goemotions_slice):
    X, y, X_test, _ = goemotions_slice
    X, y, X_test = X[:42], y[:42], X_test[:14]
    model = make_pipeline(
        SentenceVectorizer(), FeedForwardClassifier(max_epochs=3, random_state=0, verbose=0)
    ).fit(X, y)
    path = io.save(model, tmp_path / "minilm.zip")
    np.testing.assert_array_equal(
        _proba_in_fresh_process(tmp_path, path, X_test), model.predict_proba(X_test)
    )


def test_multilabel_net_round_trip(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 5)).astype("float32")
    Y = (X[:, :3] > 0).astype(int)
    net = FeedForwardClassifier(max_epochs=2, random_state=0, verbose=0,
                                classes=["joy", "anger", "fear"]).fit(X, Y)
    loaded = io.load(io.save(net, tmp_path / "ml.zip"))
    assert loaded.multilabel_ and loaded.classes_.tolist() == ["joy", "anger", "fear"]
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


def test_fusion_classifier_round_trip(tmp_path, ravdess_fusion_features):
    from sklearn_emotion.estimators import FusionClassifier

    X, y = ravdess_fusion_features
    clf = FusionClassifier(module__hidden_dim=16, max_epochs=3, random_state=0, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    loaded = io.load(io.save(clf, tmp_path / "fusion.zip"))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert io.read_manifest(tmp_path / "fusion.zip")["classes"] == sorted(set(y))


class _Exploit:
    """What a malicious pickle does: run a command when it is unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_load_refuses_a_pickle_that_would_run_code(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.zip"
    path.write_bytes(pickle.dumps(_Exploit(marker)))
    with pytest.raises(ModelFileError, match="not a sklearn-emotion model file .*joblib.load"):
        io.load(path)
    assert not marker.exists()


def test_load_refuses_a_well_formed_file_that_names_a_dangerous_function(tmp_path):
    # a model file whose pipeline calls os.system on its input: loadable only when
    # trusted explicitly, and the refusal names the function
    marker = tmp_path / "pwned"
    model = make_pipeline(FunctionTransformer(func=os.system)).fit([[0]])
    path = io.save(model, tmp_path / "model.zip")
    system = f"{os.system.__module__}.system"
    assert io.get_untrusted_types(path) == [system]
    with pytest.raises(UntrustedTypesError, match=rf"refuses to load \['{system}'\].*trusted="):
        io.load(path)
    assert not marker.exists()
    assert io.load(path, trusted=[system])[0].func is os.system


def test_load_refuses_a_network_class_from_elsewhere(tmp_path, tfidf_model):
    path = io.save(tfidf_model, tmp_path / "model.zip")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["nets"] = [{"class": "builtins.eval", "weights": {}}]
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert io.get_untrusted_types(path) == ["builtins.eval"]
    with pytest.raises(UntrustedTypesError, match="builtins.eval"):
        io.load(path)


def test_crafted_names_are_not_imported(tmp_path, tfidf_model, monkeypatch):
    # checking whether a type is trusted must not import a script (the CLI's __main__)
    import sys

    path = io.save(tfidf_model, tmp_path / "model.zip")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["nets"] = [{"class": "sklearn_emotion.cli.__main__.Net", "weights": {}}]
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    monkeypatch.delitem(sys.modules, "sklearn_emotion.cli.__main__", raising=False)
    with pytest.raises(UntrustedTypesError, match=r"sklearn_emotion\.cli\.__main__\.Net"):
        io.load(path)
    assert "sklearn_emotion.cli.__main__" not in sys.modules


def test_altered_file_fails_its_checksum(tmp_path, tfidf_model):
    path = io.save(tfidf_model, tmp_path / "model.zip")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["model.skops"] = members["model.skops"][:-10] + b"0123456789"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="damaged or was altered: model.skops does not "
                                             "match its SHA-256 checksum"):
        io.load(path)


def test_other_library_versions_warn_with_the_difference(tmp_path, tfidf_model, goemotions_slice):
    path = io.save(tfidf_model, tmp_path / "model.zip")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["versions"]["scikit-learn"] = "1.0.0"
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.warns(ModelVersionWarning, match=r"saved with scikit-learn 1\.0\.0 \(now 1\."):
        loaded = io.load(path)
    X_test = goemotions_slice[2]
    np.testing.assert_array_equal(loaded.predict_proba(X_test), tfidf_model.predict_proba(X_test))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        io.load(io.save(tfidf_model, tmp_path / "same.zip"))  # same versions: silent


def test_newer_format_and_missing_file(tmp_path, tfidf_model):
    with pytest.raises(FileNotFoundError, match="No model file"):
        io.load(tmp_path / "nothing.zip")
    path = io.save(tfidf_model, tmp_path / "model.zip")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = 99
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            if name != "manifest.json":
                archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="format version 99; this sklearn-emotion reads"):
        io.load(path)


def test_save_is_atomic_and_refuses_torch_parameters(tmp_path, tfidf_model):
    import torch

    path = io.save(tfidf_model, tmp_path / "model.zip")
    before = path.read_bytes()
    X = np.random.RandomState(0).normal(size=(30, 3)).astype("float32")
    net = FeedForwardClassifier(max_epochs=1, verbose=0, criterion__weight=torch.ones(2))
    net.fit(X, np.array(["a", "b"] * 15))
    with pytest.raises(UnsupportedModelError, match="criterion__weight: it holds a torch object"):
        io.save(net, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.zip"]


@requires_minilm
@pytest.mark.slow
def test_fine_tuned_transformer_round_trip(tmp_path, goemotions_slice):
    from sklearn_emotion.estimators import TransformerClassifier

    X, y, X_test, _ = goemotions_slice
    clf = TransformerClassifier("all-MiniLM-L6-v2", max_length=24, max_epochs=1, batch_size=7,
                                warmup_steps=0, random_state=0, verbose=0).fit(X[:21], y[:21])
    path = io.save(clf, tmp_path / "finetuned.zip")
    assert path.stat().st_size > 50_000_000  # fine-tuned: every weight is stored
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X_test[:10]), clf.predict_proba(X_test[:10]))


class _Scaled(TransformerMixin, BaseEstimator):
    """A transformer whose 'pretrained' table is named by a parameter (the C1 hooks)."""

    loads = 0
    _resource_param = "resource"  # what names the resource, for the manifest and warnings

    def __init__(self, resource="x2"):
        self.resource = resource

    def _table(self):
        type(self).loads += 1
        return np.full(3, {"x2": 2.0, "x3": 3.0}[self.resource], dtype="float32")

    def fit(self, X, y=None):
        self.table_ = self._table()
        self.n_features_out_ = 3
        return self

    def transform(self, X):
        return np.asarray(X, dtype="float32") * self.table_

    def __emotion_persist__(self):
        if not hasattr(self, "table_"):
            return None
        return ("table_",), hashlib.sha256(self.table_.tobytes()).hexdigest()

    def __emotion_reload__(self):
        return {"table_": self._table()}


def test_persistence_hooks_are_called_without_knowing_the_class(tmp_path):
    X = np.eye(3, dtype="float32")
    model = make_pipeline(_Scaled(), LogisticRegression()).fit(X, [0, 1, 1])
    path = io.save(model, tmp_path / "hooks.zip")
    name = f"{__name__}._Scaled"
    assert [r["resource"] for r in io.read_manifest(path)["resources"]] == ["x2"]
    with zipfile.ZipFile(path) as archive:  # stored by reference: the table is left out
        assert b"table_" not in archive.read("model.skops")
    before = _Scaled.loads
    loaded = io.load(path, trusted=[name])
    assert _Scaled.loads == before + 1  # __emotion_reload__ loaded it again
    np.testing.assert_array_equal(loaded[0].table_, model[0].table_)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_changed_resource_warns(tmp_path, monkeypatch):
    X = np.eye(3, dtype="float32")
    path = io.save(make_pipeline(_Scaled(), LogisticRegression()).fit(X, [0, 1, 1]),
                   tmp_path / "hooks.zip")
    monkeypatch.setattr(_Scaled, "_table", lambda self: np.full(3, 5.0, dtype="float32"))
    with pytest.warns(ModelVersionWarning, match="'x2' of _Scaled differs from the one"):
        loaded = io.load(path, trusted=[f"{__name__}._Scaled"])
    np.testing.assert_array_equal(loaded[0].table_, [5.0, 5.0, 5.0])


def test_networks_leave_out_what_their_class_declares_rebuilt(tmp_path):
    class RebuiltClassifier(FeedForwardClassifier):
        _persist_rebuilt = ("scratch_",)

        def initialize(self):
            super().initialize()
            self.scratch_ = "rebuilt by initialize()"
            return self

    X = np.random.RandomState(0).normal(size=(30, 4)).astype("float32")
    net = RebuiltClassifier(max_epochs=1, verbose=0, random_state=0).fit(X, ["a", "b"] * 15)
    net.scratch_ = "set after fit, not stored"
    spec = net_spec(net)
    assert "scratch_" not in spec["attributes"] and "label_encoder_" in spec["attributes"]
    plain = FeedForwardClassifier(max_epochs=1, verbose=0, random_state=0).fit(X, ["a", "b"] * 15)
    plain.scratch_ = "an attribute its class does not declare rebuilt"
    assert net_spec(plain)["attributes"]["scratch_"] == plain.scratch_  # stored


def test_text_vectorizer_terms_are_stored_packed_and_come_back_identical(tmp_path,
                                                                         goemotions_slice):
    # skops stores a dict entry by entry: a TF-IDF vocabulary of 100,000 n-grams took 20 s
    # to save and as long to load. The terms travel as two arrays instead.
    X, y = goemotions_slice[:2]
    texts = list(X) + ["naïve café 😀 — “quoted”", "日本語のテキスト"]
    labels = list(y) + [y[0], y[1]]
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), max_df=0.5),
        LogisticRegression(max_iter=200),
    ).fit(texts, labels)
    vectorizer = model[0]
    assert len(vectorizer.vocabulary_) > 5000
    path = io.save(model, tmp_path / "model.zip")

    with zipfile.ZipFile(path) as archive:
        payload = archive.read("model.skops")
    with zipfile.ZipFile(__import__("io").BytesIO(payload)) as inner:
        schema = inner.read("schema.json")
    # one node per term: 4.4 MB of schema for these 6,400 n-grams; packed: 44 kB
    assert len(schema) < 200_000, len(schema)

    loaded = io.load(path)
    assert loaded[0].vocabulary_ == vectorizer.vocabulary_
    assert isinstance(loaded[0].vocabulary_, dict)
    np.testing.assert_array_equal(loaded.predict_proba(texts), model.predict_proba(texts))
    # the original model is untouched by the packing
    assert isinstance(vectorizer.vocabulary_, dict) and "😀" in vectorizer.vocabulary_
    # scikit-learn < 1.8 also keeps stop_words_, a set of terms
    terms = {"", "a b", "😀", "naïve", "x" * 300}
    assert PackedTerms.pack(terms).unpack() == terms
