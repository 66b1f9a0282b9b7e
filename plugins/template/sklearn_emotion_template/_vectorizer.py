"""TextStatsVectorizer: a few surface statistics of each text (a template plugin).

Only public scikit-learn API is used, as a third-party plugin should: the library's
internals may change between releases, the contract in plugins/README.md does not.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["TextStatsVectorizer"]

_STATS = ("n_chars", "n_words", "exclamations", "questions", "capital_words", "elongated")
_WORD = re.compile(r"\w+")
_ELONGATED = re.compile(r"(\w)\1{2,}")  # "sooo", "nooooo"


class TextStatsVectorizer(TransformerMixin, BaseEstimator):
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

    def __init__(self, log_counts=True):
        self.log_counts = log_counts  # __init__ only stores parameters

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # raw text in: sklearn skips its numeric checks
        tags.input_tags.two_d_array = False
        return tags

    @staticmethod
    def _texts(X):
        if isinstance(X, str) or X is None:
            raise TypeError("TextStatsVectorizer expects an iterable of texts, got "
                            f"{type(X).__name__}; wrap a single text in a list.")
        texts = list(X)
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad or not texts:
            raise ValueError("TextStatsVectorizer expects a non-empty iterable of str; "
                             f"items {bad[:5]} are not strings." if bad else
                             "TextStatsVectorizer got no texts.")
        return texts

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
        if not isinstance(self.log_counts, (bool, np.bool_)):
            raise TypeError("The 'log_counts' parameter of TextStatsVectorizer must be a "
                            f"bool. Got {self.log_counts!r} instead.")
        self._texts(X)
        self.n_features_in_ = 1
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
        for text in self._texts(X):
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
