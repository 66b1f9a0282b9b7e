"""Every bad input, for every public class: a clear error from the library's hierarchy.

One table per kind of input. Each row is (what is wrong, the input, the exception class,
a regular expression the message must match). Each message names the class (or the
argument), what was found and what is expected; every exception derives from
``EmotionError`` and from ``ValueError`` or ``TypeError``.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sklearn_emotion import config_context, registry
from sklearn_emotion.estimators import FeedForwardClassifier, LSTMClassifier, TransformerClassifier
from sklearn_emotion.exceptions import (
    DataNotFoundError,
    EmotionError,
    EmotionWarning,
    InvalidInputError,
    InvalidInputTypeError,
    PluginLoadError,
)
from sklearn_emotion.text import TextCleaner
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

from conftest import glove_installed, minilm_installed

TEXTS = ["I love this so much!", "This is terrible news.", "What a surprise", "I am scared"]
LABELS = np.array(["joy", "sadness", "joy", "sadness"])

# ------------------------------------------------------------------ raw-text input
# (id, X, exception, message); "{name}" is replaced by the class name
TEXT_CASES = [
    ("None", None, InvalidInputTypeError,
     r"^{name} expects an iterable of raw text documents, got None\."),
    ("bare string", "I am happy", InvalidInputTypeError,
     r"^{name} expects an iterable of raw text documents, got a single string\. Wrap it"),
    ("bare bytes", b"I am happy", InvalidInputTypeError,
     r"^{name} expects an iterable of raw text documents, got a single bytes object"),
    ("not iterable", 42, InvalidInputTypeError,
     r"^{name} expects an iterable of raw text documents, got int\."),
    ("empty list", [], InvalidInputError,
     r"^{name} got an empty list of texts; at least one text is required"),
    ("None item", ["fine", None], InvalidInputError,
     r"^{name} expects every item of X to be a valid str; item 1 is missing \(None\)"),
    ("NaN item", ["fine", np.nan], InvalidInputError,
     r"^{name} expects every item of X to be a valid str; item 1 is missing \(nan\)\. "
     r"Drop or fill missing texts"),
    ("pandas NA item", pd.Series(["fine", None, "ok"]), InvalidInputError,
     r"item 1 is missing \((None|nan)\)"),
    ("number item", ["fine", 3.5], InvalidInputError, r"item 1 is of type float \(3\.5\)"),
    ("bytes item", ["fine", b"raw bytes"], InvalidInputError,
     r"item 1 is of type bytes \(b'raw bytes'\)"),
    ("invalid unicode", ["fine", "bad \ud800 text"], InvalidInputError,
     r"item 1 is not valid unicode \(surrogates not allowed '\\ud800' at position 4\).*"
     r"encode\('utf-8', 'replace'\)"),
    ("2-D array", np.array([["a", "b"], ["c", "d"]], dtype=object), InvalidInputError,
     r"^{name} expects a 1-D sequence of texts; got a 2-D array of shape \(2, 2\)"),
    ("2-column DataFrame", pd.DataFrame({"a": ["x", "y"], "b": ["z", "w"]}), InvalidInputError,
     r"^{name} expects a 1-D sequence of texts; got a DataFrame with 2 columns\. Select"),
    ("3-D array", np.array([[["a"]]]), InvalidInputError,
     r"^{name} expects a 1-D sequence of texts; got an array of shape \(1, 1, 1\)"),
    ("sparse matrix", "<sparse>", InvalidInputTypeError,
     r"^{name} expects raw text documents; sparse input is not supported"),
]
EMPTY_CASES = [
    ("empty string", ["fine", ""], r"^{name} got 1 empty or whitespace-only text\(s\) of 2 "
                                   r"\(items \[1\]\); expected non-empty texts"),
    ("whitespace only", [" \t\n", "fine", "  "],
     r"^{name} got 2 empty or whitespace-only text\(s\) of 3 \(items \[0, 2\]\)"),
]


def _sparse():
    from scipy import sparse

    return sparse.csr_matrix(np.ones((2, 2)))


def _text_estimators():
    """(id, unfitted estimator factory, needs) for every public raw-text class."""
    return [
        ("TextCleaner", lambda: TextCleaner(), True),
        ("WordVectorizer", lambda: WordVectorizer("glove-6b-50d"), glove_installed),
        ("SentenceVectorizer", lambda: SentenceVectorizer(), minilm_installed),
        ("BertVectorizer", lambda: BertVectorizer("all-MiniLM-L6-v2"), minilm_installed),
        ("TransformerClassifier",
         lambda: TransformerClassifier("all-MiniLM-L6-v2", max_epochs=1, batch_size=4,
                                       max_length=16, warmup_steps=0, random_state=0,
                                       verbose=0),
         minilm_installed),
    ]


TEXT_ESTIMATORS = {name: (factory, ok) for name, factory, ok in _text_estimators()}
_fitted_cache: dict = {}


def _fitted(name):
    """One fitted instance per class for the whole module (fitting loads models)."""
    factory, ok = TEXT_ESTIMATORS[name]
    if not ok:
        pytest.skip(f"{name} needs a plugin that is not installed")
    if name not in _fitted_cache:
        est = factory()
        _fitted_cache[name] = est.fit(TEXTS, LABELS) if name.endswith("Classifier") else est.fit(
            TEXTS)
    return _fitted_cache[name]


def _call(est, method, X):
    if isinstance(X, str) and X == "<sparse>":
        X = _sparse()
    if method != "fit":
        return getattr(est, method)(X)
    if not type(est).__name__.endswith("Classifier"):
        return est.fit(X)
    n = getattr(X, "shape", (None,))[0] if hasattr(X, "shape") else (
        len(X) if isinstance(X, list) else None)
    return est.fit(X, LABELS[:n] if n else LABELS)


def _method(name):
    return "predict" if name.endswith("Classifier") else "transform"


def _check(exc_info, exc_type, pattern, name):
    err = exc_info.value
    assert isinstance(err, exc_type) and isinstance(err, EmotionError)
    assert isinstance(err, (ValueError, TypeError))
    assert re.search(pattern.replace("{name}", re.escape(name)), str(err)), str(err)


@pytest.mark.parametrize("stage", ["fit", "predict"])
@pytest.mark.parametrize("name", list(TEXT_ESTIMATORS))
@pytest.mark.parametrize("case, X, exc_type, pattern", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_raw_text_input(name, stage, case, X, exc_type, pattern):
    factory, ok = TEXT_ESTIMATORS[name]
    if not ok:
        pytest.skip(f"{name} needs a plugin that is not installed")
    est = factory() if stage == "fit" else _fitted(name)
    method = "fit" if stage == "fit" else _method(name)
    with pytest.raises(exc_type) as exc_info:
        _call(est, method, X)
    _check(exc_info, exc_type, pattern, name)


@pytest.mark.filterwarnings("ignore:WordVectorizer.*no token with a vector")
@pytest.mark.parametrize("name", list(TEXT_ESTIMATORS))
@pytest.mark.parametrize("case, X, pattern", EMPTY_CASES, ids=[c[0] for c in EMPTY_CASES])
def test_empty_text_policy(name, case, X, pattern):
    """'keep' (default) accepts empty texts, 'warn' counts them, 'error' refuses them."""
    est = _fitted(name)
    method = getattr(est, _method(name))
    kept = method(X)
    assert len(kept) == len(X)
    with config_context(empty_text="warn"), pytest.warns(EmotionWarning, match="kept"):
        method(X)
    with config_context(empty_text="error"), pytest.raises(InvalidInputError) as exc_info:
        method(X)
    _check(exc_info, InvalidInputError, pattern, name)


def test_empty_text_policy_is_validated_and_restored():
    from sklearn.utils._param_validation import InvalidParameterError

    from sklearn_emotion import get_config, set_config

    with pytest.raises(InvalidParameterError, match=r"The 'empty_text' parameter of set_config "
                                                    r"must be a str among .*Got 'drop' instead"):
        set_config(empty_text="drop")
    with config_context(empty_text="error"):
        assert get_config() == {"empty_text": "error"}
    assert get_config() == {"empty_text": "keep"}


# ------------------------------------------------------------------ numeric input
def _numeric_data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 4)).astype("float32")
    y = np.where(X[:, 0] > 0, "joy", "sadness")
    return X, y


def _with(X, row, col, value):
    X = X.copy()
    X[row, col] = value
    return X


NUMERIC_ESTIMATORS = {
    "FeedForwardClassifier": lambda: FeedForwardClassifier(max_epochs=1, verbose=0),
    "LSTMClassifier": lambda: LSTMClassifier(max_epochs=1, module__hidden_size=8, verbose=0),
}
X_NUM, Y_NUM = _numeric_data()
NUMERIC_CASES = [
    ("None", None, InvalidInputTypeError,
     r"^{name} expects numeric features X \(a 2-D array .*\), got None\."),
    ("raw texts", TEXTS, InvalidInputTypeError,
     r"^{name} expects numeric features X .*, got raw text \('I love this so much!'\)\. "
     r"Turn texts into features first"),
    ("bare string", "so happy", InvalidInputTypeError, r"got raw text \('so happy'\)"),
    ("bytes", [b"so happy"], InvalidInputTypeError, r"got raw text \(b'so happy'\)"),
    ("NaN", _with(X_NUM, 3, 1, np.nan), InvalidInputError,
     r"^Input X contains NaN\.\n{name} does not accept missing values"),
    ("infinity", _with(X_NUM, 3, 1, np.inf), InvalidInputError,
     r"^Input X contains infinity"),
    ("1-D", X_NUM[:, 0], InvalidInputError, r"^Expected 2D array, got 1D array instead"),
    ("empty", np.empty((0, 4), dtype="float32"), InvalidInputError,
     r"^Found array with 0 sample\(s\) \(shape=\(0, 4\)\) while a minimum of 1 is required by "
     r"{name}"),
]


@pytest.fixture(scope="module")
def numeric_fitted():
    return {name: make().fit(X_NUM, Y_NUM) for name, make in NUMERIC_ESTIMATORS.items()}


@pytest.mark.parametrize("stage", ["fit", "predict"])
@pytest.mark.parametrize("name", list(NUMERIC_ESTIMATORS))
@pytest.mark.parametrize("case, X, exc_type, pattern", NUMERIC_CASES,
                         ids=[c[0] for c in NUMERIC_CASES])
def test_numeric_input(name, stage, case, X, exc_type, pattern, numeric_fitted):
    with pytest.raises(exc_type) as exc_info:
        if stage == "fit":
            NUMERIC_ESTIMATORS[name]().fit(X, Y_NUM[: len(X)] if hasattr(X, "shape") else Y_NUM)
        else:
            numeric_fitted[name].predict(X)
    _check(exc_info, exc_type, pattern, name)


def test_lstm_sequence_dict_with_nan(numeric_fitted):
    X = {"embeddings": np.full((2, 3, 4), np.nan, dtype="float32"), "lengths": np.array([3, 1])}
    with pytest.raises(InvalidInputError) as exc_info:
        numeric_fitted["LSTMClassifier"].predict(X)
    _check(exc_info, InvalidInputError, r"^{name}: X\['embeddings'\] contains NaN or infinity",
           "LSTMClassifier")


def test_wrong_feature_count(numeric_fitted):
    with pytest.raises(InvalidInputError) as exc_info:
        numeric_fitted["FeedForwardClassifier"].predict(X_NUM[:, :3])
    _check(exc_info, InvalidInputError,
           r"X has 3 features, but {name} is expecting 4 features as input",
           "FeedForwardClassifier")


# ----------------------------------------------------------------------- targets
def _classifiers():
    out = [(name, make, X_NUM, Y_NUM) for name, make in NUMERIC_ESTIMATORS.items()]
    if minilm_installed:
        out.append(("TransformerClassifier", TEXT_ESTIMATORS["TransformerClassifier"][0],
                    np.array(TEXTS * 10, dtype=object), np.tile(LABELS, 10)))
    return out


CLASSIFIERS = {name: (make, X, y) for name, make, X, y in _classifiers()}
TARGET_CASES = [
    ("y shorter than X", lambda X, y: (X, y[:-1]), InvalidInputError,
     r"^X and y have inconsistent numbers of samples: \[(\d+), (?!\1)\d+\] \(X first\)\. Give "
     r"exactly one label"),
    ("single class", lambda X, y: (X, np.full(len(y), "joy")), InvalidInputError,
     r"^{name} needs samples of at least 2 classes in the data, but the data contains only "
     r"one class: 'joy'"),
    ("y None", lambda X, y: (X, None), InvalidInputError,
     r"^This {name} estimator requires y to be passed, but the target y is None"),
    ("continuous y", lambda X, y: (X, np.linspace(0, 1, len(y))), InvalidInputError,
     r"^Unknown label type: continuous"),
    ("y with NaN", lambda X, y: (X, np.where(np.arange(len(y)) == 2, np.nan, 1.0)),
     InvalidInputError, r"^Input y contains NaN"),
]


@pytest.mark.parametrize("name", list(CLASSIFIERS))
@pytest.mark.parametrize("case, make_data, exc_type, pattern", TARGET_CASES,
                         ids=[c[0] for c in TARGET_CASES])
def test_bad_targets(name, case, make_data, exc_type, pattern):
    make, X, y = CLASSIFIERS[name]
    X, y = make_data(X, y)
    with pytest.raises(exc_type) as exc_info:
        make().fit(X, y)
    _check(exc_info, exc_type, pattern, name)


@pytest.mark.parametrize("case, make_data, exc_type, pattern", TARGET_CASES,
                         ids=[c[0] for c in TARGET_CASES])
def test_bad_targets_fusion(case, make_data, exc_type, pattern, ravdess_fusion_features):
    from sklearn_emotion.estimators import FusionClassifier

    X, y = ravdess_fusion_features
    X, y = make_data(X, y)
    with pytest.raises(exc_type) as exc_info:
        FusionClassifier(max_epochs=1, verbose=0).fit(X, y)
    _check(exc_info, exc_type, pattern, "FusionClassifier")


def test_fusion_input_errors(ravdess_fusion_features):
    from sklearn_emotion.estimators import FusionClassifier

    X, y = ravdess_fusion_features
    clf = FusionClassifier(max_epochs=1, verbose=0).fit(X, y)
    bad = {"text": X["text"].copy(), "audio": X["audio"]}
    bad["text"][0, 0] = np.nan
    cases = [
        (None, InvalidInputTypeError, r"^{name} expects numeric features X .*, got None"),
        (TEXTS, InvalidInputTypeError, r"^{name} expects numeric features X .*, got raw text"),
        (bad, InvalidInputError, r"^{name}: Input X\['text'\] contains NaN"),
        ({"text": X["text"]}, InvalidInputError,
         r"^{name}: X lacks the modalities \['audio'\] \(fitted on \['text', 'audio'\]\)"),
    ]
    for X_bad, exc_type, pattern in cases:
        with pytest.raises(exc_type) as exc_info:
            clf.predict(X_bad)
        _check(exc_info, exc_type, pattern, "FusionClassifier")
    # as in scikit-learn, a label never seen in fit counts as a wrong prediction
    y_unseen = np.where(y == y[0], "no-such-emotion", y)
    assert clf.score(X, y_unseen) == np.mean(clf.predict(X) == y_unseen)


@pytest.mark.parametrize("name", list(CLASSIFIERS))
def test_scoring_with_labels_the_model_never_saw(name, numeric_fitted):
    # as ClassifierMixin.score: unseen labels count as wrong, they do not raise
    make, X, y = CLASSIFIERS[name]
    est = numeric_fitted.get(name) or _fitted(name)
    X = X[:4] if name != "TransformerClassifier" else TEXTS
    y = np.array(["joy", "anger", "sadness", "disgust"])
    predicted = est.predict(X)
    assert set(predicted) <= {"joy", "sadness"}
    assert est.score(X, y) == np.mean(predicted == y)
    weights = [1, 5, 1, 5]
    assert est.score(X, y, sample_weight=weights) == np.average(predicted == y, weights=weights)


# ------------------------------------------------------------- long texts, plugins
@pytest.mark.parametrize("name, limit", [
    ("BertVectorizer", 8), ("SentenceVectorizer", 256), ("TransformerClassifier", 16)])
def test_texts_longer_than_the_encoder_limit_are_truncated_with_a_count(name, limit):
    if name == "BertVectorizer":
        if not minilm_installed:
            pytest.skip("MiniLM plugin not installed")
        est = BertVectorizer("all-MiniLM-L6-v2", max_length=8).fit(TEXTS)
    else:
        est = _fitted(name)
    long_text = "so very happy " * (limit // 2)
    method = getattr(est, _method(name))
    with pytest.warns(EmotionWarning, match=rf"^{name} truncated 2 of 3 texts to "
                                            rf"max_length={limit} word pieces"):
        out = method([long_text, "short", long_text + "!"])
    assert len(out) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # texts within the limit: no warning
        method(["short", "also short"])


def _missing_weights():
    """A vectors/encoders plugin provider whose files are gone."""
    return Path(__file__).parent / "no-such-weights" / "glove.npy"


@pytest.fixture
def broken_plugin(monkeypatch, tmp_path):
    info = tmp_path / "broken_weights-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.4\nName: broken-weights\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[sklearn_emotion.vectors]\nbroken-glove = test_reliability:_missing_weights\n"
        "[sklearn_emotion.encoders]\nbroken-minilm = test_reliability:_missing_weights\n"
    )
    dist = metadata.PathDistribution(info)
    monkeypatch.setattr(
        registry, "_entry_points", lambda group: [e for e in dist.entry_points if e.group == group]
    )
    registry.refresh()  # discovery caches its scans per process
    yield
    monkeypatch.undo()
    registry.refresh()


@pytest.mark.parametrize("make, plugin", [
    (lambda: WordVectorizer("broken-glove"), "vectors plugin 'broken-glove'"),
    (lambda: SentenceVectorizer("broken-minilm"), "encoders plugin 'broken-minilm'"),
    (lambda: BertVectorizer("broken-minilm"), "encoders plugin 'broken-minilm'"),
])
def test_missing_weights_for_a_registered_name(broken_plugin, make, plugin):
    with pytest.raises(PluginLoadError) as exc_info:
        make().fit(TEXTS)
    assert isinstance(exc_info.value, ValueError)  # MissingWeightsError
    assert re.search(rf"The {plugin} points at '.*no-such-weights.*', which does not exist; "
                     "reinstall the plugin package", str(exc_info.value)), str(exc_info.value)


# ------------------------------------------------------------------- data loaders
def test_dair_loader_errors(tmp_path):
    from sklearn_emotion.datasets import load_dair_emotion

    with pytest.raises(DataNotFoundError, match=re.escape(str(tmp_path / "nope"))):
        load_dair_emotion(path=tmp_path / "nope")
    (tmp_path / "train.txt").write_bytes(b"i feel fine;joy\n\xff\xfe broken;anger\n")
    with pytest.raises(EmotionError) as exc_info:
        load_dair_emotion(path=tmp_path, subset="train")
    assert isinstance(exc_info.value, (ValueError, TypeError))
    assert re.search(r"train\.txt.*not valid UTF-8 text \(byte b'\\xff' on line 2\)",
                     str(exc_info.value)), str(exc_info.value)


def test_goemotions_loader_names_the_bad_argument():
    from sklearn_emotion.datasets import load_goemotions

    with pytest.raises(InvalidInputError, match=r"^The 'subset' parameter of load_goemotions "
                                                r"must be one of 'train', .*Got 'bogus' instead"):
        load_goemotions(subset="bogus")


# ------------------------------------------------------------------------ CLI
def test_cli_reports_bad_training_data_without_a_traceback(tmp_path, capsys):
    from sklearn_emotion.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"text,label\nhello there,joy\n\xff\xfe bad bytes,anger\nok,joy\n")
    assert main(["train", "--data", str(bad), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and re.search(r"bad\.csv.*utf-8", err), err
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("text,label\nhello,joy\nfine,joy\nsad,anger\nawful,anger\n")
    assert main(["train", "--data", str(tiny), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert re.search(r"--test-size 0\.2 of 4 examples leaves 1 for testing and 3 for "
                     r"training, but each needs at least one example of each of the 2 labels",
                     err), err


# ------------------------------------------------------------------------ audio
# corrupt or silent audio is validated by the audio plugin; its rows run when it is installed
audio_installed = importlib.util.find_spec("sklearn_emotion_audio") is not None


def _audio_cases(tmp_path):
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF this is not audio" * 10)
    return [
        ("missing file", [str(tmp_path / "nope.wav")], DataNotFoundError,
         r"^MFCCVectorizer: the audio file '.*nope\.wav' does not exist"),
        ("corrupt file", [str(junk)], InvalidInputError,
         r"^MFCCVectorizer: could not decode the audio file '.*junk\.wav'"),
        ("silent clip", [np.zeros(16000, dtype="float32")], InvalidInputError,
         r"^MFCCVectorizer: X\[0\] is silent \(peak amplitude 0"),
        ("NaN samples", [np.full(16000, np.nan, dtype="float32")], InvalidInputError,
         r"^MFCCVectorizer: X\[0\] contains NaN or infinite samples"),
    ]


@pytest.mark.skipif(not audio_installed, reason="sklearn-emotion's audio vectorizer not installed")
def test_audio_vectorizer_refuses_corrupt_and_silent_audio(tmp_path):
    audio = pytest.importorskip("sklearn_emotion_audio")
    clips = sorted((Path(__file__).parents[2] / "shared" / "data" / "ravdess_subset").rglob(
        "*.wav"))[:2]
    if not clips or not hasattr(audio, "MFCCVectorizer"):
        pytest.skip("no RAVDESS clips or no MFCCVectorizer")
    vectorizer = audio.MFCCVectorizer().fit([str(c) for c in clips])
    for case, X, exc_type, pattern in _audio_cases(tmp_path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # librosa's fallback-decoder warnings
            with pytest.raises(exc_type) as exc_info:
                vectorizer.transform(X)
        assert isinstance(exc_info.value, EmotionError), case
        assert re.search(pattern, str(exc_info.value)), (case, str(exc_info.value))
