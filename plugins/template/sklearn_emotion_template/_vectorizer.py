"""TextStatsVectorizer: a few surface statistics of each text (a template plugin).

Only public API is used, as every plugin should: scikit-learn's, and
``sklearn_emotion.plugin_api``, whose names keep their meaning for as long as the plugin
API version this package declares (``pyproject.toml``) is supported. The library's
private modules (any name starting with ``_``) may change in any release.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_emotion.plugin_api import RawTextMixin, validate_params

__all__ = ["TextStatsVectorizer"]

_STATS = ("n_chars", "n_words", "exclamations", "questions", "capital_words", "elongated")
_WORD = re.compile(r"\w+")
_ELONGATED = re.compile(r"(\w)\1{2,}")  # "sooo", "nooooo"


# Mixins go left of the base class; RawTextMixin tags the input as raw text (so
# scikit-learn's numeric checks are skipped and check_plugin runs its text-aware ones)
# and gives _validate_texts, the library's validation of text input.
class TextStatsVectorizer(RawTextMixin, TransformerMixin, BaseEstimator):
    """Surface statistics of raw texts: length, punctuation, shouting, elongation.

    Parameters
    ----------
    log_counts : bool, default=True
        Return ``log1p`` of the counts, which keeps long texts from dominating.

    Attributes
    ----------
    n_features_in_ : int
        Always 1 (one text column).
    n_features_out_ : int
        Number of statistics (6).

    Examples
    --------
    >>> from sklearn_emotion_template import TextStatsVectorizer
    >>> stats = TextStatsVectorizer(log_counts=False).fit(["x"])
    >>> stats.transform(["WHY is it sooo late?!"]).tolist()
    [[21.0, 5.0, 1.0, 1.0, 1.0, 1.0]]
    >>> list(stats.get_feature_names_out())[:3]
    ['n_chars', 'n_words', 'exclamations']
    """

    # checked by validate_params at the top of fit, with scikit-learn's messages
    _parameter_constraints = {"log_counts": ["boolean"]}

    def __init__(self, log_counts=True):
        self.log_counts = log_counts  # __init__ only stores parameters

    def fit(self, X, y=None):
        """Validate the parameters and the texts; nothing is learned.

        Parameters
        ----------
        X : iterable of str
            Raw texts.
        y : None
            Ignored.

        Returns
        -------
        self : TextStatsVectorizer
        """
        validate_params(self)
        self._validate_texts(X, reset=True)  # also sets n_features_in_ (and feature_names_in_)
        self.n_features_out_ = len(_STATS)
        return self

    def transform(self, X):
        """One row of statistics per text.

        Parameters
        ----------
        X : iterable of str
            Raw texts.

        Returns
        -------
        ndarray of shape (n_texts, 6), dtype=float64
        """
        check_is_fitted(self, "n_features_out_")
        rows = []
        for text in self._validate_texts(X, reset=False):
            words = _WORD.findall(text)
            rows.append([
                len(text),
                len(words),
                text.count("!"),
                text.count("?"),
                sum(len(w) > 1 and w.isupper() for w in words),
                len(_ELONGATED.findall(text)),
            ])
        out = np.asarray(rows, dtype=np.float64)
        return np.log1p(out) if self.log_counts else out

    def get_feature_names_out(self, input_features=None):
        """The statistics' names."""
        check_is_fitted(self, "n_features_out_")
        return np.asarray(_STATS, dtype=object)
