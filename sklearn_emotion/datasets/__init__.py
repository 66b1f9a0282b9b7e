"""Dataset loaders returning scikit-learn style Bunches, ``(X, y)`` tuples or DataFrames.

GoEmotions (Apache-2.0) ships inside the package; the dair-ai emotion tweets are
research-only and are read from a folder you provide.

Examples
--------
>>> from sklearn_emotion.datasets import load_goemotions
>>> X, y = load_goemotions(subset="validation", labels="sentiment", return_X_y=True)
>>> len(X), sorted(set(y))
(5006, ['ambiguous', 'negative', 'neutral', 'positive'])
"""

from ._audio import load_audio_folder, load_ravdess
from ._dair import load_dair_emotion
from ._goemotions import load_goemotions

__all__ = ["load_goemotions", "load_dair_emotion", "load_ravdess", "load_audio_folder"]
