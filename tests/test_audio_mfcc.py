"""MFCCVectorizer (plugin sklearn-emotion-audio-mfcc) on real RAVDESS clips."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from conftest import SHARED_DATA
from sklearn_emotion.exceptions import DataNotFoundError, EmotionWarning, InvalidInputError

librosa = pytest.importorskip("librosa")
soundfile = pytest.importorskip("soundfile")
audio_plugin = pytest.importorskip("sklearn_emotion_audio")
MFCCVectorizer = audio_plugin.MFCCVectorizer

SUBSET = SHARED_DATA / "ravdess_subset"
pytestmark = pytest.mark.skipif(not SUBSET.exists(), reason=f"{SUBSET} not present")


@pytest.fixture(scope="module")
def clips():
    """Four real clips (48 kHz mono WAV): two actors, two emotions."""
    return [str(p) for p in sorted(SUBSET.glob("03-01-0[15]-01-01-01-0[12].wav"))]


@pytest.fixture(scope="module")
def features(clips):
    return MFCCVectorizer().fit_transform(clips)


def test_shape_names_and_determinism(clips, features):
    vec = MFCCVectorizer().fit(clips)
    assert features.shape == (4, 80) and features.dtype == np.float32
    assert np.isfinite(features).all()
    np.testing.assert_array_equal(vec.transform(clips), features)
    names = vec.get_feature_names_out()
    assert len(names) == vec.n_features_out_ == 80
    assert names[0] == "mfcc0_mean" and names[-1] == "mfcc39_std"
    # different clips give different features
    assert np.abs(features[0] - features[1]).max() > 1


def test_equals_librosa_on_the_resampled_waveform(clips, features):
    y, sr = soundfile.read(clips[0], dtype="float32")
    y = librosa.resample(y, orig_sr=sr, target_sr=16000, res_type="soxr_hq")
    mfcc = librosa.feature.mfcc(y=y, sr=16000, n_mfcc=40, n_fft=512, hop_length=160,
                                win_length=400, n_mels=64)
    np.testing.assert_allclose(features[0], np.concatenate([mfcc.mean(1), mfcc.std(1)]),
                               rtol=1e-4, atol=1e-3)


def test_stereo_and_other_sample_rates_give_the_same_feature_size(clips, features, tmp_path):
    y, sr = soundfile.read(clips[0], dtype="float32")
    stereo = tmp_path / "stereo.wav"
    soundfile.write(stereo, np.stack([y, y], axis=1), sr)
    variants = [str(stereo)]
    for rate, fmt in [(44100, "flac"), (8000, "wav")]:
        path = tmp_path / f"clip_{rate}.{fmt}"
        soundfile.write(path, librosa.resample(y, orig_sr=sr, target_sr=rate), rate)
        variants.append(str(path))
    out = MFCCVectorizer().fit_transform(variants)
    assert out.shape == (3, 80)
    # the down-mix of two identical channels is the mono clip
    np.testing.assert_allclose(out[0], features[0], rtol=1e-4, atol=1e-3)
    # 44.1 kHz differs only by resampling; 8 kHz lost everything above 4 kHz
    assert np.corrcoef(out[1], features[0])[0, 1] > 0.999
    assert np.corrcoef(out[2], features[0])[0, 1] > 0.9
    # waveforms and Hugging Face audio dicts are accepted too
    arrays = MFCCVectorizer().fit_transform([{"array": y, "sampling_rate": sr}])
    np.testing.assert_allclose(arrays[0], features[0], rtol=1e-4, atol=1e-3)


def test_rich_features_and_sequences(clips):
    rich = MFCCVectorizer(n_mfcc=13, features=("mfcc", "delta", "delta2", "spectral", "prosody"),
                          stats=("mean", "p90"), trim_db=40).fit(clips)
    Z = rich.transform(clips)
    assert Z.shape == (4, (3 * 13 + 11 + 3) * 2) and np.isfinite(Z).all()
    assert "log_f0_p90" in rich.get_feature_names_out()
    seq = MFCCVectorizer(pooling="sequence", max_frames=200).fit(clips).transform(clips)
    assert seq["embeddings"].shape == (4, 200, 40)
    assert (seq["lengths"] <= 200).all() and seq["lengths"].dtype == np.int64
    full = MFCCVectorizer(pooling="sequence").fit_transform(clips[:1])
    assert full["lengths"][0] > 300  # a 3.3 s clip at a 10 ms hop
    # the recurrent audio branch: LSTMClassifier reads the sequences as they are
    from sklearn_emotion.estimators import LSTMClassifier

    labels = [p.rsplit("/", 1)[1].split("-")[2] for p in clips]
    lstm = LSTMClassifier(module__hidden_size=8, max_epochs=2, early_stopping=False,
                          verbose=0, random_state=0).fit(seq, labels)
    assert lstm.n_features_in_ == 40 and lstm.predict(seq).shape == (4,)


def test_bad_clips_are_named(clips, tmp_path):
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF not really a wave file" * 10)
    silent = tmp_path / "silent.wav"
    soundfile.write(silent, np.zeros(16000, np.float32), 16000)
    short = tmp_path / "short.wav"
    soundfile.write(short, np.full(100, 0.5, np.float32), 16000)
    vec = MFCCVectorizer().fit(clips)
    with pytest.raises(DataNotFoundError, match="missing.wav' does not exist"):
        vec.transform([str(tmp_path / "missing.wav")])
    with pytest.raises(InvalidInputError, match="could not decode.*corrupt.wav"):
        vec.transform([str(corrupt)])
    with pytest.raises(InvalidInputError, match="silent.wav' is silent"):
        vec.transform([str(silent)])
    with pytest.raises(InvalidInputError, match="short.wav' is too short: 100 samples"):
        vec.transform([str(short)])
    with pytest.raises(TypeError, match=r"X\[0\] is of type int"):
        vec.transform([5])
    with pytest.raises(TypeError, match="wrap it in a list"):
        vec.fit(clips[0])
    with pytest.raises(InvalidInputError, match="3 of 4 clips could not be featurised"):
        vec.transform([clips[0], str(corrupt), str(silent), str(short)])


def test_on_error_skip_reports_and_zero_fills(clips, features, tmp_path):
    missing = str(tmp_path / "missing.flac")
    vec = MFCCVectorizer(on_error="skip").fit(clips)
    with pytest.warns(EmotionWarning, match="skipped 1 of 3 clips.*missing.flac"):
        out = vec.transform([clips[0], missing, clips[1]])
    np.testing.assert_array_equal(out[[0, 2]], features[:2])
    assert not out[1].any()


def test_parameters_are_validated_in_fit(clips):
    with pytest.raises(ValueError, match="'features' must be distinct names"):
        MFCCVectorizer(features=("mfcc", "mfc")).fit(clips)
    with pytest.raises(ValueError, match="'pooling' parameter of MFCCVectorizer"):
        MFCCVectorizer(pooling="mean").fit(clips)
    with pytest.raises(ValueError, match="n_mfcc=80 must not exceed n_mels=64"):
        MFCCVectorizer(n_mfcc=80).fit(clips)


def test_clone_pickle_pandas_output_and_parallel(clips, features):
    vec = MFCCVectorizer(n_jobs=2).fit(clips + clips)
    assert clone(vec).get_params() == vec.get_params()
    np.testing.assert_array_equal(vec.transform(clips + clips)[:4], features)
    restored = pickle.loads(pickle.dumps(vec))
    np.testing.assert_array_equal(restored.transform(clips[:1]), features[:1])
    frame = MFCCVectorizer().set_output(transform="pandas").fit_transform(clips[:2])
    assert list(frame.columns[:2]) == ["mfcc0_mean", "mfcc1_mean"]


def test_registered_as_a_vectorizer_plugin():
    from sklearn_emotion import registry

    assert registry.load("vectorizers", "MFCCVectorizer") is MFCCVectorizer
