"""The multimodal path end to end: ModalityUnion -> FusionClassifier in a Pipeline.

Real RAVDESS subset clips and transcripts; MFCCVectorizer comes from the audio plugin
(skipped without it), the text branch is TF-IDF or MiniLM.
"""

from __future__ import annotations

import json
import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from conftest import SHARED_DATA, requires_minilm
from sklearn_emotion.cli import main
from sklearn_emotion.datasets import load_ravdess
from sklearn_emotion.estimators import FusionClassifier
from sklearn_emotion.exceptions import EmotionWarning, InvalidInputError
from sklearn_emotion.model_dir import load_model_dir
from sklearn_emotion.multimodal import ModalityUnion
from sklearn_emotion.pipelines import PIPELINES, build_pipeline
from sklearn_emotion.vectorizers import SentenceVectorizer

SUBSET = SHARED_DATA / "ravdess_subset"
pytestmark = [
    pytest.mark.skipif(not SUBSET.exists(), reason=f"{SUBSET} not present"),
    pytest.mark.usefixtures("one_torch_thread"),
]


@pytest.fixture(scope="module")
def ravdess():
    return load_ravdess(SUBSET)


# --------------------------------------------------------------------------- ModalityUnion
# (numeric and text columns only: no audio plugin needed)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_union_routes_columns_and_keeps_outputs_apart(ravdess):
    frame = ravdess.data.assign(level=np.arange(len(ravdess.data), dtype=float))
    union = ModalityUnion([("text", TfidfVectorizer(), "text"),
                           ("level", StandardScaler(), ["level"])])
    out = union.fit_transform(frame)
    assert sorted(out) == ["level", "text"]
    assert isinstance(out["text"], np.ndarray) and out["text"].shape[0] == len(frame)
    np.testing.assert_allclose(out["level"].mean(), 0, atol=1e-6)
    # the same data as a list of records and as a dict of columns
    records = frame.to_dict("records")
    np.testing.assert_array_equal(union.transform(records)["text"], out["text"])
    columns = {c: frame[c].tolist() for c in ("text", "audio")}
    np.testing.assert_array_equal(union.transform({**columns, "level": frame[["level"]]})["text"],
                                  out["text"])
    assert set(union.named_transformers_) == {"text", "level"}


def test_union_parameters_are_nested_and_swappable():
    union = ModalityUnion([("text", TfidfVectorizer(), "text")])
    assert union.get_params()["text__lowercase"] is True
    union.set_params(text__min_df=2)
    assert union.transformers[0][1].min_df == 2
    other = TfidfVectorizer(analyzer="char")
    union.set_params(text=other)
    assert union.transformers[0] == ("text", other, "text")
    assert clone(union).get_params()["text__analyzer"] == "char"


def test_union_errors_name_the_problem(ravdess):
    union = ModalityUnion([("text", TfidfVectorizer(), "transcript")])
    with pytest.raises(InvalidInputError, match="reads the column 'transcript'.*allow_missing"):
        union.fit(ravdess.data)
    with pytest.raises(TypeError, match=r"list of \(name, transformer, column\) tuples"):
        ModalityUnion([("text", TfidfVectorizer())]).fit(ravdess.data)
    with pytest.raises(TypeError, match="must be a scikit-learn transformer"):
        ModalityUnion([("text", "tfidf", "text")]).fit(ravdess.data)
    with pytest.raises(ValueError, match="unique"):
        ModalityUnion([("a", "passthrough", "x"), ("a", "passthrough", "y")]).fit({"x": [1]})


def test_union_allow_missing_leaves_the_modality_out(ravdess):
    union = ModalityUnion([("text", TfidfVectorizer(), "text"),
                           ("speaker", "passthrough", "speaker")], allow_missing=True)
    union.fit(ravdess.data)
    assert list(union.transform(ravdess.data[["speaker"]])) == ["speaker"]


def test_union_normalize_by_speaker(ravdess):
    frame = ravdess.data.assign(level=np.linspace(0, 10, len(ravdess.data)))
    union = ModalityUnion([("level", "passthrough", ["level"])], normalize_by="speaker")
    out = union.fit_transform(frame)["level"][:, 0]
    for speaker in set(frame["speaker"]):
        rows = (frame["speaker"] == speaker).to_numpy()
        np.testing.assert_allclose([out[rows].mean(), out[rows].std()], [0, 1], atol=1e-5)
    with pytest.warns(EmotionWarning, match="single sample"):
        union.transform(frame.iloc[:1])


# --------------------------------------------------------------------------- with audio


@pytest.fixture(scope="module")
def mfcc():
    pytest.importorskip("sklearn_emotion_audio")
    from sklearn_emotion_audio import MFCCVectorizer

    return MFCCVectorizer


def _pipeline(mfcc, text=None, memory=None, **net):
    params = {"module__hidden_dim": 32, "lr": 1e-2, "max_epochs": 30, "early_stopping": False,
              "verbose": 0, "random_state": 0, **net}
    return Pipeline([
        ("features", ModalityUnion([("text", text or TfidfVectorizer(), "text"),
                                    ("audio", mfcc(), "audio")], allow_missing=True)),
        ("classify", FusionClassifier(**params)),
    ], memory=memory)


@pytest.fixture(scope="module")
def fitted_pipeline(mfcc, ravdess):
    return _pipeline(mfcc).fit(ravdess.data, ravdess.target)


def test_pipeline_fits_predicts_and_clones(fitted_pipeline, ravdess, mfcc):
    assert fitted_pipeline.score(ravdess.data, ravdess.target) > 0.8
    assert fitted_pipeline.named_steps["classify"].input_dims_["audio"] == 80
    records = ravdess.data.to_dict("records")
    np.testing.assert_array_equal(fitted_pipeline.predict(records[:5]),
                                  fitted_pipeline.predict(ravdess.data.iloc[:5]))
    unfitted = clone(fitted_pipeline)
    assert not hasattr(unfitted.named_steps["classify"], "classes_")
    with pytest.raises(InvalidInputError, match=r"lacks the modalities \['text'\]"):
        fitted_pipeline.predict(ravdess.data[["audio"]].iloc[:2])
    zero = _pipeline(mfcc, missing_modality="zero").fit(ravdess.data, ravdess.target)
    assert zero.predict(ravdess.data[["audio"]].iloc[:2]).shape == (2,)


@pytest.mark.slow
def test_joblib_round_trip_in_a_fresh_process(fitted_pipeline, ravdess, tmp_path):
    path = tmp_path / "fusion.joblib"
    joblib.dump(fitted_pipeline, path)
    clips = ravdess.data.iloc[::4]
    expected = fitted_pipeline.predict_proba(clips)
    clips.to_json(tmp_path / "clips.json", orient="records")
    code = (
        "import json, sys, joblib, pandas as pd\n"
        f"model = joblib.load({str(path)!r})\n"
        f"X = pd.read_json({str(tmp_path / 'clips.json')!r}, orient='records')\n"
        "print(json.dumps(model.predict_proba(X).tolist()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    np.testing.assert_array_equal(np.asarray(json.loads(out.stdout.splitlines()[-1]),
                                             dtype=np.float32), expected)


@pytest.mark.slow
@requires_minilm
def test_grid_search_over_branch_width_and_text_vectorizer(mfcc, ravdess, tmp_path):
    grid = [{"classify__module__hidden_dim": [8, 32]},
            {"features__text": [SentenceVectorizer(progress_bar=False)]}]
    search = GridSearchCV(_pipeline(mfcc, memory=str(tmp_path), max_epochs=10), grid,
                          cv=GroupKFold(n_splits=2), error_score="raise")
    search.fit(ravdess.data, ravdess.target, groups=ravdess.groups)
    assert len(search.cv_results_["params"]) == 3
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert best.predict(ravdess.data.iloc[:3]).shape == (3,)


# --------------------------------------------------------------------------- built-in spec


def test_builtin_pipeline_builds_the_nested_steps(mfcc):
    pipeline = build_pipeline("text-audio-fusion", random_state=3)
    union = pipeline.named_steps["features"]
    assert [name for name, _, _ in union.transformers] == ["text", "audio"]
    audio = union.transformers[1][1]
    assert isinstance(audio, mfcc) and "prosody" in audio.features
    assert type(union.transformers[0][1]).__name__ == "SentenceVectorizer"
    assert pipeline.named_steps["classify"].random_state == 3
    card = json.dumps(PIPELINES["text-audio-fusion"].to_dict())
    assert '"plugin": "MFCCVectorizer"' in card


def test_config_files_can_nest_steps(mfcc, tmp_path):
    config = tmp_path / "fusion.toml"
    config.write_text(
        'name = "tfidf-mfcc"\n\n[[steps]]\nname = "features"\nplugin = "ModalityUnion"\n'
        'params = { transformers = [["text", { plugin = "TfidfVectorizer" }, "text"], '
        '["audio", { plugin = "MFCCVectorizer", params = { n_mfcc = 13 } }, "audio"]] }\n\n'
        '[[steps]]\nname = "classify"\nplugin = "FusionClassifier"\n'
        'params = { max_epochs = 3 }\n'
    )
    pipeline = build_pipeline(config)
    audio = pipeline.named_steps["features"].transformers[1][1]
    assert isinstance(audio, mfcc) and audio.n_mfcc == 13


@pytest.mark.slow
@requires_minilm
def test_cli_trains_the_fusion_pipeline_on_a_ravdess_folder(mfcc, tmp_path):
    out = tmp_path / "model"
    rc = main(["train", "--pipeline", "text-audio-fusion", "--data", str(SUBSET),
               "--test-size", "0.5", "--set", "classify__max_epochs=5", "--set",
               "classify__early_stopping=False", "--out", str(out),
               "--quiet"])
    assert rc == 0
    card = json.loads((out / "card.json").read_text())
    assert card["data"]["test"]["description"].startswith("speakers ")
    assert card["data"]["train"]["n_samples"] == card["data"]["test"]["n_samples"] == 16
    model = load_model_dir(out)[0]
    assert set(model.classes_) <= {"angry", "calm", "disgust", "fearful", "happy", "neutral",
                                   "sad", "surprised"}
