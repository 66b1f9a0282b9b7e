"""Frame-level acoustic features of one waveform (MFCCs, deltas, log-mel, spectral,
prosody) and the statistics that summarise them over time."""

from __future__ import annotations

import numpy as np

from ._io import _librosa

__all__ = ["FRAME_FEATURES", "STATISTICS", "frame_features", "frame_names"]

#: Frame-level feature groups and what each adds per frame.
FRAME_FEATURES = {
    "mfcc": "n_mfcc cepstral coefficients of the log-mel spectrogram",
    "delta": "first time derivative of the MFCCs (n_mfcc)",
    "delta2": "second time derivative of the MFCCs (n_mfcc)",
    "logmel": "the log-mel spectrogram itself (n_mels, in dB)",
    "spectral": "centroid, bandwidth, roll-off, flatness and 7 contrast bands (11)",
    "prosody": "RMS energy, zero-crossing rate and log fundamental frequency (YIN) (3)",
}

#: Statistics over time available for ``pooling="stats"``.
STATISTICS = {
    "mean": lambda a: a.mean(axis=1),
    "std": lambda a: a.std(axis=1),
    "min": lambda a: a.min(axis=1),
    "max": lambda a: a.max(axis=1),
    "median": lambda a: np.median(a, axis=1),
    "p10": lambda a: np.percentile(a, 10, axis=1),
    "p90": lambda a: np.percentile(a, 90, axis=1),
}

_SPECTRAL = ["centroid", "bandwidth", "rolloff", "flatness"] + [f"contrast{i}" for i in range(7)]
_PROSODY = ["rms", "zcr", "log_f0"]


def frame_names(features, *, n_mfcc: int, n_mels: int) -> list[str]:
    """The names of the frame-level features of ``features``, in output order."""
    names = []
    for group in features:
        if group == "mfcc":
            names += [f"mfcc{i}" for i in range(n_mfcc)]
        elif group in ("delta", "delta2"):
            names += [f"{group}{i}" for i in range(n_mfcc)]
        elif group == "logmel":
            names += [f"logmel{i}" for i in range(n_mels)]
        elif group == "spectral":
            names += list(_SPECTRAL)
        else:
            names += list(_PROSODY)
    return names


def frame_features(y, features, *, sr, n_fft, hop_length, win_length, n_mels, n_mfcc,
                   trim_db, duration) -> np.ndarray:
    """Frame-level features ``(n_frame_features, n_frames)`` of one mono waveform ``y``."""
    librosa = _librosa()
    if trim_db is not None:
        trimmed, _ = librosa.effects.trim(y, top_db=trim_db, frame_length=n_fft,
                                          hop_length=hop_length)
        y = trimmed if trimmed.size >= win_length else y
    if duration is not None:
        y = librosa.util.fix_length(y, size=int(round(duration * sr)))
    hop, win = hop_length, win_length
    magnitude = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop, win_length=win))
    groups = {}
    if {"mfcc", "delta", "delta2", "logmel"} & set(features):
        mel = librosa.feature.melspectrogram(S=magnitude**2, sr=sr, n_mels=n_mels)
        logmel = librosa.power_to_db(mel)
        mfcc = librosa.feature.mfcc(S=logmel, n_mfcc=n_mfcc)
        groups["mfcc"], groups["logmel"] = mfcc, logmel
        if {"delta", "delta2"} & set(features):
            # librosa's default 9-frame window needs 9 frames; short clips get fewer
            width = min(9, mfcc.shape[1] - (1 - mfcc.shape[1] % 2))
            width = max(width, 3)
            mode = "interp" if mfcc.shape[1] >= width else "nearest"
            groups["delta"] = librosa.feature.delta(mfcc, width=width, mode=mode)
            groups["delta2"] = librosa.feature.delta(mfcc, width=width, order=2, mode=mode)
    if "spectral" in features:
        groups["spectral"] = np.vstack([
            librosa.feature.spectral_centroid(S=magnitude, sr=sr),
            librosa.feature.spectral_bandwidth(S=magnitude, sr=sr),
            librosa.feature.spectral_rolloff(S=magnitude, sr=sr),
            librosa.feature.spectral_flatness(S=magnitude),
            librosa.feature.spectral_contrast(S=magnitude, sr=sr),
        ])
    if "prosody" in features:
        n_frames = magnitude.shape[1]
        f0 = librosa.yin(y, fmin=60, fmax=min(500, sr // 4), sr=sr,
                         frame_length=max(n_fft, 2 * win), hop_length=hop)
        groups["prosody"] = np.vstack([
            librosa.feature.rms(S=magnitude, frame_length=n_fft)[:, :n_frames],
            librosa.feature.zero_crossing_rate(
                y, frame_length=n_fft, hop_length=hop)[:, :n_frames],
            np.log(f0)[None, :n_frames],
        ])
    n_frames = min(groups[g].shape[1] for g in features)
    return np.vstack([groups[g][:, :n_frames] for g in features]).astype(np.float32)
