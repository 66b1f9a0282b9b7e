"""MFCCVectorizer: speech clips to fixed-size acoustic features (or frame sequences)."""

from __future__ import annotations

import os
import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from sklearn_emotion.plugin_api import (
    EmotionWarning,
    Interval,
    InvalidInputError,
    InvalidInputTypeError,
    StrOptions,
)

from ._frames import FRAME_FEATURES, STATISTICS, frame_features, frame_names
from ._io import describe, load_audio

__all__ = ["MFCCVectorizer", "FRAME_FEATURES", "STATISTICS"]


def _as_tuple(value):
    return (value,) if isinstance(value, str) else tuple(value)


class MFCCVectorizer(TransformerMixin, BaseEstimator):
    """Turn speech clips into MFCC statistics, or into frame sequences for a recurrent net.

    Each clip is decoded (any format libsndfile or audioread reads), down-mixed to mono,
    resampled to ``sr``, optionally trimmed of leading and trailing silence and padded or
    cut to ``duration``; then frame-level features are computed with librosa (MFCCs by
    default; deltas, log-mel, spectral shape and prosody on request) and either summarised
    over time by ``stats`` (one fixed-size row per clip) or returned as padded sequences.

    Parameters
    ----------
    n_mfcc : int, default=40
        Number of cepstral coefficients.
    sr : int, default=16000
        Sample rate (Hz) every clip is resampled to, so that clips of any rate give the
        same features.
    stats : tuple of str, default=("mean", "std")
        Statistics over time for ``pooling="stats"``, among ``"mean"``, ``"std"``,
        ``"min"``, ``"max"``, ``"median"``, ``"p10"`` and ``"p90"`` (percentiles).
    features : tuple of str, default=("mfcc",)
        Frame-level feature groups, among ``"mfcc"``, ``"delta"``, ``"delta2"``,
        ``"logmel"``, ``"spectral"`` and ``"prosody"`` (see :data:`FRAME_FEATURES`).
    pooling : {"stats", "sequence"}, default="stats"
        ``"stats"``: an array ``(n_clips, n_frame_features * len(stats))``.
        ``"sequence"``: a dict ``{"embeddings": (n_clips, n_frames, n_frame_features),
        "lengths": (n_clips,)}``, zero-padded at the end: the input
        :class:`~sklearn_emotion.estimators.LSTMClassifier` takes.
    n_mels : int, default=64
        Mel bands of the spectrogram the MFCCs are computed from.
    n_fft : int, default=512
        FFT size in samples (32 ms at 16 kHz).
    win_length : int, default=400
        Analysis window in samples (25 ms at 16 kHz); also the shortest clip accepted.
    hop_length : int, default=160
        Frame step in samples (10 ms at 16 kHz).
    trim_db : float or None, default=None
        Trim leading and trailing parts quieter than this many dB below the peak
        (``librosa.effects.trim``); ``None`` keeps the clip whole.
    duration : float or None, default=None
        Pad with silence or cut every clip to this many seconds; ``None`` keeps each
        clip's own length.
    max_frames : int or None, default=None
        ``pooling="sequence"`` only: cut sequences to at most this many frames.
    on_error : {"raise", "skip"}, default="raise"
        What a clip that cannot be featurised (missing, corrupt, silent, shorter than
        one frame) does: ``"raise"`` collects every bad clip of the batch and raises one
        error naming them; ``"skip"`` gives such clips an all-zero row (a single zero
        frame for sequences) and reports them in an ``EmotionWarning``.
    n_jobs : int or None, default=None
        Clips decoded and featurised in parallel (joblib); ``None`` means 1, ``-1`` all
        cores.

    Attributes
    ----------
    n_features_in_ : int
        Always 1 (one column of clips).
    feature_names_in_ : ndarray of shape (1,)
        The column name, when ``X`` was a one-column DataFrame.
    n_frame_features_ : int
        Features per frame.
    n_features_out_ : int
        Width of the output of ``pooling="stats"`` (``n_frame_features_`` for sequences).

    See Also
    --------
    sklearn_emotion.multimodal.ModalityUnion : Routes an audio column here and a text
        column to a text vectorizer, for ``FusionClassifier``.

    Notes
    -----
    The MFCCs equal ``librosa.feature.mfcc(y=y, sr=sr, n_mfcc=..., n_fft=..., hop_length=...,
    win_length=..., n_mels=...)`` on the resampled mono waveform; the STFT is computed
    once per clip and shared by every feature group. On RAVDESS speech, speaker-independent,
    ``features=("mfcc", "delta", "delta2", "spectral", "prosody")`` with
    ``stats=("mean", "std", "min", "max", "median", "p10", "p90")`` is what lifts a small
    network above plain MFCC mean/std (see ``benchmarks/bench_audio.py``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion_audio import MFCCVectorizer
    >>> t = np.arange(16000) / 16000
    >>> clips = [np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 440 * t[:8000])]
    >>> vec = MFCCVectorizer(n_mfcc=13).fit(clips)
    >>> vec.transform(clips).shape
    (2, 26)
    >>> list(vec.get_feature_names_out()[:2])
    ['mfcc0_mean', 'mfcc1_mean']
    >>> seq = MFCCVectorizer(n_mfcc=13, pooling="sequence").fit_transform(clips)
    >>> seq["embeddings"].shape, seq["lengths"].tolist()
    ((2, 101, 13), [101, 51])
    """

    _parameter_constraints = {
        "n_mfcc": [Interval(Integral, 1, None, closed="left")],
        "sr": [Interval(Integral, 1000, None, closed="left")],
        "stats": [tuple, list, str],
        "features": [tuple, list, str],
        "pooling": [StrOptions({"stats", "sequence"})],
        "n_mels": [Interval(Integral, 1, None, closed="left")],
        "n_fft": [Interval(Integral, 16, None, closed="left")],
        "win_length": [Interval(Integral, 16, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left")],
        "trim_db": [Interval(Real, 0, None, closed="neither"), None],
        "duration": [Interval(Real, 0, None, closed="neither"), None],
        "max_frames": [Interval(Integral, 1, None, closed="left"), None],
        "on_error": [StrOptions({"raise", "skip"})],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        n_mfcc=40,
        sr=16000,
        stats=("mean", "std"),
        features=("mfcc",),
        pooling="stats",
        n_mels=64,
        n_fft=512,
        win_length=400,
        hop_length=160,
        trim_db=None,
        duration=None,
        max_frames=None,
        on_error="raise",
        n_jobs=None,
    ):
        self.n_mfcc = n_mfcc
        self.sr = sr
        self.stats = stats
        self.features = features
        self.pooling = pooling
        self.n_mels = n_mels
        self.n_fft = n_fft
        self.win_length = win_length
        self.hop_length = hop_length
        self.trim_db = trim_db
        self.duration = duration
        self.max_frames = max_frames
        self.on_error = on_error
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # clips in (paths or waveforms), not a numeric matrix: sklearn skips its numeric checks
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []
        return tags

    # ------------------------------------------------------------------ checks
    def _check_params(self):
        self._validate_params()
        name = type(self).__name__
        problems = []
        features, stats = _as_tuple(self.features), _as_tuple(self.stats)
        unknown = [f for f in features if f not in FRAME_FEATURES]
        if unknown or not features or len(set(features)) != len(features):
            problems.append(
                f"'features' must be distinct names among {sorted(FRAME_FEATURES)}; got "
                f"{self.features!r}"
            )
        unknown = [s for s in stats if s not in STATISTICS]
        if unknown or not stats or len(set(stats)) != len(stats):
            problems.append(
                f"'stats' must be distinct names among {sorted(STATISTICS)}; got {self.stats!r}"
            )
        if self.win_length > self.n_fft:
            problems.append(
                f"win_length={self.win_length} must not exceed n_fft={self.n_fft}"
            )
        if self.n_mfcc > self.n_mels:
            problems.append(f"n_mfcc={self.n_mfcc} must not exceed n_mels={self.n_mels}")
        if problems:
            raise InvalidInputError(f"{name}: " + "; ".join(problems) + ".")
        return features, stats

    def _check_clips(self, X) -> list:
        """X as a list of clip sources (paths, waveforms, audio dicts); decodes nothing."""
        name = type(self).__name__
        if isinstance(X, (str, bytes, os.PathLike)):
            raise InvalidInputTypeError(
                f"{name} expects a list of clips (file paths or waveforms), got a single "
                f"{type(X).__name__}; wrap it in a list: [clip]."
            )
        if X is None or isinstance(X, dict):
            raise InvalidInputTypeError(
                f"{name} expects a list of clips (file paths or waveforms), got "
                f"{type(X).__name__}."
            )
        if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:
            if X.shape[1] != 1:
                raise InvalidInputError(
                    f"{name} expects one column of clips; got a DataFrame with columns "
                    f"{list(X.columns)}. Select the audio column, e.g. df['audio'], or route it "
                    "with sklearn_emotion.multimodal.ModalityUnion."
                )
            X = X.iloc[:, 0]
        if isinstance(X, np.ndarray) and X.dtype.kind in "fiu":
            if X.ndim != 2:
                raise InvalidInputError(
                    f"{name}: a numeric array X must be 2-D (n_clips, n_samples), equal-length "
                    f"waveforms at sr={self.sr}; got shape {X.shape}. Pass a list for clips of "
                    "different lengths."
                )
            return list(X)
        try:
            clips = list(X)
        except TypeError:
            raise InvalidInputTypeError(
                f"{name} expects a list of clips (file paths or waveforms), got "
                f"{type(X).__name__}."
            ) from None
        if not clips:
            raise InvalidInputError(f"{name} got an empty list of clips; at least one is required.")
        return clips

    def _frame_names(self, features) -> list[str]:
        return frame_names(features, n_mfcc=self.n_mfcc, n_mels=self.n_mels)

    # --------------------------------------------------------------------- fit
    def fit(self, X, y=None):
        """Check the parameters and the clips' types; nothing is learnt from the audio.

        Parameters
        ----------
        X : list of str, path-like, ndarray or dict
            The clips: file paths, waveforms at ``sr`` Hz, or audio dicts with ``"array"``
            and ``"sampling_rate"``.
        y : None
            Ignored.

        Returns
        -------
        self : MFCCVectorizer
        """
        features, stats = self._check_params()
        self._check_clips(X)
        self.n_features_in_ = 1
        columns = list(getattr(X, "columns", []))  # a DataFrame's, as sklearn records them
        if len(columns) == 1 and isinstance(columns[0], str):
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self._frame_names_ = self._frame_names(features)
        self.n_frame_features_ = len(self._frame_names_)
        self.n_features_out_ = self.n_frame_features_ * (
            len(stats) if self.pooling == "stats" else 1
        )
        return self

    # ---------------------------------------------------------------- transform
    def transform(self, X):
        """Featurise the clips.

        Parameters
        ----------
        X : list of str, path-like, ndarray or dict
            The clips.

        Returns
        -------
        ndarray of shape (n_clips, n_features_out_), dtype float32, or dict
            With ``pooling="sequence"``: ``{"embeddings": (n_clips, n_frames,
            n_frame_features_), "lengths": (n_clips,)}``.

        Raises
        ------
        DataNotFoundError, InvalidInputError
            With ``on_error="raise"``, for missing, corrupt, silent or too short clips;
            the message names every bad clip of the batch.
        """
        check_is_fitted(self, "n_features_out_")
        features, stats = self._check_params()
        clips = self._check_clips(X)
        results = self._extract_all(clips, features)
        failures = [(i, r) for i, r in enumerate(results) if isinstance(r, Exception)]
        if failures:
            self._report(clips, failures)
        width = self.n_frame_features_
        frames = [
            np.zeros((width, 1), np.float32) if isinstance(r, Exception) else r for r in results
        ]
        if self.pooling == "sequence":
            return self._pad(frames, failed={i for i, _ in failures})
        failed = {i for i, _ in failures}
        out = np.zeros((len(frames), self.n_features_out_), dtype=np.float32)
        for i, f in enumerate(frames):
            if i not in failed:
                out[i] = np.concatenate([STATISTICS[s](f) for s in stats])
        return out

    def _report(self, clips, failures):
        name = type(self).__name__
        listed = "; ".join(str(exc) for _, exc in failures[:5])
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        if self.on_error == "raise":
            if len(failures) == 1:
                raise failures[0][1]
            error = failures[0][1]
            kind = type(error) if all(type(e) is type(error) for _, e in failures) else (
                InvalidInputError
            )
            raise kind(
                f"{name}: {len(failures)} of {len(clips)} clips could not be featurised: "
                f"{listed}{more}. Fix or drop them, or pass on_error='skip'."
            )
        skipped = ", ".join(describe(clips[i], i) for i, _ in failures[:5])
        warnings.warn(
            f"{name} skipped {len(failures)} of {len(clips)} clips (their features are all "
            f"zero): {skipped}{more}. Reasons: {listed}.",
            EmotionWarning,
            stacklevel=3,
        )

    def _pad(self, frames, failed):
        lengths = np.array([1 if i in failed else f.shape[1] for i, f in enumerate(frames)])
        if self.max_frames is not None:
            lengths = np.minimum(lengths, self.max_frames)
        out = np.zeros((len(frames), int(lengths.max()), self.n_frame_features_), np.float32)
        for i, (f, n) in enumerate(zip(frames, lengths)):
            out[i, :n] = f[:, :n].T
        return {"embeddings": out, "lengths": lengths.astype(np.int64)}

    def _extract_all(self, clips, features):
        """Frame features ``(n_frame_features, n_frames)`` per clip, or the exception."""
        if self.n_jobs in (None, 1) or len(clips) < 8:
            return [self._extract_one(c, i, features) for i, c in enumerate(clips)]
        return Parallel(n_jobs=self.n_jobs)(
            delayed(self._extract_one)(c, i, features) for i, c in enumerate(clips)
        )

    def _extract_one(self, clip, index, features):
        try:
            y = load_audio(clip, self.sr, min_samples=self.win_length, index=index,
                           who=type(self).__name__)
            return self._frames(y, features)
        except (OSError, ValueError, TypeError) as exc:  # ours name the clip
            return exc

    def _frames(self, y, features):
        # one BLAS thread: the same floats for any n_jobs and number of cores (the
        # matrices are small, so this costs no speed)
        with threadpool_limits(limits=1, user_api="blas"):
            return frame_features(
                y, features, sr=self.sr, n_fft=self.n_fft, hop_length=self.hop_length,
                win_length=self.win_length, n_mels=self.n_mels, n_mfcc=self.n_mfcc,
                trim_db=self.trim_db, duration=self.duration,
            )

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, e.g. ``mfcc0_mean`` (frame features for sequences).

        Parameters
        ----------
        input_features : None
            Ignored (one column of clips in).

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self, "n_features_out_")
        if self.pooling == "sequence":
            return np.asarray(self._frame_names_, dtype=object)
        stats = _as_tuple(self.stats)
        return np.asarray(
            [f"{f}_{s}" for s in stats for f in self._frame_names_], dtype=object
        )
