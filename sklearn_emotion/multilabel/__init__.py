"""Multi-label decisions done right: one tuned threshold per label.

A multi-label classifier scores every label independently; turning those scores into
label sets needs a cut-off per label. A fixed 0.5 is wrong for imbalanced labels
(GoEmotions' *grief* has 77 training examples, *neutral* 14k), and scikit-learn's
:class:`~sklearn.model_selection.TunedThresholdClassifierCV` tunes binary classifiers
only. This package adds

- :func:`tune_thresholds`: the best threshold of each label (or one shared threshold)
  for a metric, from true labels and scores, e.g. probabilities saved on a dev split;
- :class:`PerLabelThresholdClassifier`: a meta-estimator that learns those thresholds by
  cross-validation, on a validation split, or on held-out data for a prefitted model,
  around any multi-label classifier of this library or of scikit-learn.

Examples
--------
>>> import numpy as np
>>> from sklearn_emotion.multilabel import tune_thresholds
>>> y_true = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
>>> y_score = np.array([[0.9, 0.2], [0.6, 0.3], [0.4, 0.35], [0.1, 0.1]])
>>> tune_thresholds(y_true, y_score, thresholds=[0.25, 0.5, 0.75]).tolist()
[0.5, 0.25]
"""

from ._classifier import PerLabelThresholdClassifier
from ._thresholds import apply_thresholds, tune_thresholds

__all__ = ["PerLabelThresholdClassifier", "apply_thresholds", "tune_thresholds"]
