"""Reading one speech clip: decode, down-mix, resample, and refuse what cannot be featurised.

Every failure becomes an error that names the clip, so a batch of hundreds of files never
stops half way with a bare decoder trace: ``DataNotFoundError`` for a missing file,
``InvalidInputError`` for a file that does not decode, a clip shorter than one analysis
frame or a silent clip, ``TypeError`` for an item that is no clip at all.
"""

from __future__ import annotations

import os
import warnings
from numbers import Real
from pathlib import Path

import numpy as np

from sklearn_emotion.plugin_api import (
    DataNotFoundError,
    InvalidInputError,
    InvalidInputTypeError,
    import_optional,
)

__all__ = ["load_audio", "describe", "SILENCE_PEAK"]

#: A clip whose absolute peak is at most this (-80 dBFS) holds no signal to describe.
SILENCE_PEAK = 1e-4


def _librosa():
    return import_optional("librosa", extra="audio", feature="MFCCVectorizer")


def describe(source, index: int) -> str:
    """How an error message names a clip: its path, or its position in X."""
    if isinstance(source, (str, os.PathLike)):
        return repr(os.fspath(source))
    if isinstance(source, dict) and isinstance(source.get("path"), (str, os.PathLike)):
        return repr(os.fspath(source["path"]))
    return f"X[{index}]"


def _decode(path: Path, who: str) -> tuple[np.ndarray, int]:
    """``(samples, sample_rate)`` with samples of shape (n_samples, n_channels), float32."""
    if not path.exists():
        raise DataNotFoundError(f"{who}: the audio file {str(path)!r} does not exist.")
    if path.is_dir():
        raise InvalidInputError(
            f"{who}: {str(path)!r} is a folder, not an audio file; list its clips, e.g. with "
            "sklearn_emotion.datasets.load_audio_folder."
        )
    soundfile = import_optional("soundfile", extra="audio", feature=who)
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        return data, int(rate)
    except Exception as sf_error:  # libsndfile refuses it: try audioread (mp3, m4a) next
        try:
            with warnings.catch_warnings():  # librosa warns that it falls back to audioread
                warnings.simplefilter("ignore")
                data, rate = _librosa().load(str(path), sr=None, mono=False)
        except Exception:
            raise InvalidInputError(
                f"{who}: could not decode the audio file {str(path)!r} "
                f"({type(sf_error).__name__}: {sf_error}). It is corrupt or not in a format "
                "libsndfile (WAV, FLAC, OGG, MP3) or audioread can read."
            ) from None
        data = np.atleast_2d(data).T.astype(np.float32)  # librosa: (channels, samples)
        return data, int(rate)


def load_audio(source, sr: int, *, min_samples: int, index: int = 0,
               who: str = "MFCCVectorizer") -> np.ndarray:
    """One clip as a mono float32 waveform at ``sr`` Hz.

    Parameters
    ----------
    source : str, path-like, ndarray or dict
        A file path (any format libsndfile or audioread reads, any sample rate, any
        number of channels); a waveform already at ``sr`` Hz, 1-D ``(n_samples,)`` or 2-D
        ``(n_channels, n_samples)``; or a Hugging Face ``datasets`` audio dict with
        ``"array"`` and ``"sampling_rate"`` (or only ``"path"``).
    sr : int
        Target sample rate.
    min_samples : int
        Fewest samples (after resampling) accepted: one analysis frame.
    index : int, default=0
        Position of the clip in ``X``, for messages.
    who : str, default="MFCCVectorizer"
        Name of the caller, for messages.

    Returns
    -------
    ndarray of shape (n_samples,), dtype float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion_audio._io import load_audio
    >>> tone = np.sin(np.linspace(0, 400 * np.pi, 8000)).astype("float32")
    >>> load_audio({"array": tone, "sampling_rate": 8000}, 16000, min_samples=400).shape
    (16000,)
    >>> load_audio(np.zeros(16000), 16000, min_samples=400)
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputError: MFCCVectorizer: X[0] is silent ...
    """
    name = describe(source, index)
    rate = sr
    if isinstance(source, dict):
        if "array" in source:
            rate = source.get("sampling_rate")
            if not isinstance(rate, Real) or rate <= 0:
                raise InvalidInputError(
                    f"{who}: the audio dict {name} has an 'array' but no positive "
                    f"'sampling_rate' (got {rate!r}); add the rate of the samples in Hz."
                )
            source = source["array"]
        elif "path" in source:
            source = source["path"]
        else:
            raise InvalidInputTypeError(
                f"{who}: the audio dict {name} needs an 'array' and a 'sampling_rate', or a "
                f"'path' (the Hugging Face datasets layout); got the keys {sorted(source)}."
            )
    if isinstance(source, (str, os.PathLike)):
        data, rate = _decode(Path(source).expanduser(), who)
        y = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    elif isinstance(source, np.ndarray) or (
        isinstance(source, (list, tuple)) and len(source) and isinstance(source[0], Real)
    ):
        y = np.asarray(source)
        if y.dtype.kind not in "fiu" or y.ndim not in (1, 2):
            raise InvalidInputTypeError(
                f"{who}: a waveform must be a 1-D (samples) or 2-D (channels, samples) array "
                f"of numbers; {name} has shape {y.shape} and dtype {y.dtype}."
            )
        if y.dtype.kind in "iu":  # PCM integers to [-1, 1]
            y = y / float(np.iinfo(y.dtype).max)
        y = y.mean(axis=0) if y.ndim == 2 else y
    else:
        raise InvalidInputTypeError(
            f"{who} expects each item of X to be an audio file path, a waveform array or an "
            f"audio dict; {name} is of type {type(source).__name__} ({source!r:.60})."
        )
    y = np.ascontiguousarray(y, dtype=np.float32)
    if not np.isfinite(y).all():
        raise InvalidInputError(f"{who}: {name} contains NaN or infinite samples.")
    if rate != sr and y.size:
        y = _librosa().resample(y, orig_sr=rate, target_sr=sr, res_type="soxr_hq")
    if y.size < min_samples:
        raise InvalidInputError(
            f"{who}: {name} is too short: {y.size} samples ({1000 * y.size / sr:.1f} ms at "
            f"{sr} Hz), fewer than one analysis frame of {min_samples} samples "
            f"({1000 * min_samples / sr:.1f} ms)."
        )
    peak = float(np.abs(y).max())
    if peak <= SILENCE_PEAK:
        raise InvalidInputError(
            f"{who}: {name} is silent (peak amplitude {peak:.2g}, at most {SILENCE_PEAK:g} = "
            "-80 dBFS): there is no speech to describe."
        )
    return y
