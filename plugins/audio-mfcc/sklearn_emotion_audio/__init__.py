"""Audio features for sklearn-emotion: :class:`MFCCVectorizer`, registered as a vectorizer.

librosa is imported when a clip is first featurised, not when the registry loads this
module.
"""

from __future__ import annotations

from ._mfcc import FRAME_FEATURES, STATISTICS, MFCCVectorizer

__all__ = ["MFCCVectorizer", "FRAME_FEATURES", "STATISTICS", "METADATA", "SAFE_TYPES"]

#: The types sklearn_emotion.io.load may create for this package ("sklearn_emotion.safe_types").
SAFE_TYPES = (MFCCVectorizer,)

METADATA = {
    "description": "Speech clips (any format, rate, channels) to MFCC statistics or frame "
                   "sequences, with optional deltas, log-mel, spectral and prosodic features "
                   "(librosa).",
    "input": "audio file paths, waveforms or Hugging Face audio dicts",
}
