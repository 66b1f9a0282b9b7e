"""TextVotingClassifier: average the probabilities of classifiers that read raw texts."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import VotingClassifier
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d

from ..text._base import RawTextMixin
from ..utils._targets import check_several_classes
from ..utils._validation import check_texts

__all__ = ["TextVotingClassifier"]


class TextVotingClassifier(RawTextMixin, VotingClassifier):
    """Soft vote of classifiers that each turn the same raw texts into their own features.

    scikit-learn's :class:`~sklearn.ensemble.VotingClassifier` with the library's raw-text
    contract: ``X`` is a sequence of texts, checked (and refused with this class's name)
    before any member sees it, and ``voting="soft"`` by default, so ``predict_proba``
    averages the members' class probabilities. Each member is a classifier on raw texts:
    a pipeline that ends in a classifier (e.g. ``SentenceVectorizer`` then
    ``LogisticRegression``) or a raw-text classifier such as ``TfidfBaselineClassifier``.
    Every member is fitted once on all the texts (no internal cross-validation), so an
    expensive encoder runs once.

    Members that make different errors help: on GoEmotions-Ekman, word and character
    TF-IDF + logistic regression (macro-F1 0.586) and MiniLM sentence embeddings +
    logistic regression (0.508) vote to 0.601 (``benchmarks/bench_default_model.py``,
    the built-in pipeline ``tfidf-minilm-vote``). Where one member is much weaker, as
    MiniLM embeddings on dair-ai tweets, the vote can fall below the stronger member
    alone: give it a larger weight.

    Parameters
    ----------
    estimators : list of (str, estimator) tuples
        The members, by name; each must take raw texts and (for soft voting) have
        ``predict_proba``. A member can be replaced or dropped (``"drop"``) with
        ``set_params(<name>=...)``, and its parameters are ``<name>__<param>``.
    voting : {"soft", "hard"}, default="soft"
        ``"soft"``: predict the class of largest weighted mean probability;
        ``"hard"``: majority vote of the members' predictions (no ``predict_proba``).
    weights : array-like of shape (n_estimators,), default=None
        Weights of the members' probabilities (or votes); ``None``: equal weights.
    n_jobs : int, default=None
        Members fitted in parallel (joblib); ``None``: one at a time.
    flatten_transform : bool, default=True
        Shape of ``transform``'s output with soft voting, as in ``VotingClassifier``.
    verbose : bool, default=False
        Print the time each member takes to fit.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members (without the dropped ones).
    named_estimators_ : sklearn.utils.Bunch
        The fitted members, by name.
    le_ : sklearn.preprocessing.LabelEncoder
        Encodes the labels for the members.
    classes_ : ndarray
        The class labels.
    n_features_in_ : int
        Always 1 (one text column).

    See Also
    --------
    sklearn.ensemble.VotingClassifier : The same on numeric features.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_emotion.estimators import TextVotingClassifier
    >>> X = ["i feel so happy today", "what a joy", "i am furious", "this makes me angry"]
    >>> y = ["joy", "joy", "anger", "anger"]
    >>> words = make_pipeline(TfidfVectorizer(), LogisticRegression())
    >>> chars = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)),
    ...                       LogisticRegression())
    >>> clf = TextVotingClassifier([("words", words), ("chars", chars)]).fit(X, y)
    >>> clf.predict(["so happy and full of joy", "angry and furious"]).tolist()
    ['joy', 'anger']
    >>> clf.predict_proba(["what a joy"]).shape
    (1, 2)
    """

    _parameter_constraints = {
        **VotingClassifier._parameter_constraints,
        "voting": [StrOptions({"soft", "hard"})],
    }

    def __init__(self, estimators, *, voting="soft", weights=None, n_jobs=None,
                 flatten_transform=True, verbose=False):
        super().__init__(estimators, voting=voting, weights=weights, n_jobs=n_jobs,
                         flatten_transform=flatten_transform, verbose=verbose)

    @property
    def n_features_in_(self):
        """Always 1 (one text column), once fitted."""
        if not hasattr(self, "estimators_"):
            raise AttributeError(f"{type(self).__name__} is not fitted, so it has no "
                                 "n_features_in_ yet.")
        return 1

    @n_features_in_.setter
    def n_features_in_(self, value):  # RawTextMixin records it; it is always 1
        pass

    def _texts(self, X) -> list[str]:
        return check_texts(X, name=type(self).__name__)

    def fit(self, X, y, sample_weight=None):
        """Fit every member on the texts.

        Parameters
        ----------
        X : iterable of str
            Raw texts.
        y : array-like of shape (n_texts,)
            Labels.
        sample_weight : array-like of shape (n_texts,), default=None
            Passed to every member's ``fit`` (each must accept it).

        Returns
        -------
        self : TextVotingClassifier
        """
        texts = self._validate_texts(X, reset=True)
        classes = np.unique(column_or_1d(y, warn=True))
        check_several_classes(classes, type(self).__name__,
                              advice="Give it texts of several labels.")
        if sample_weight is None:
            return super().fit(texts, y)
        return super().fit(texts, y, sample_weight=sample_weight)

    def predict(self, X):
        """The class of largest mean probability (soft) or most votes (hard)."""
        return super().predict(self._texts(X))

    @available_if(VotingClassifier._check_voting)
    def predict_proba(self, X):
        """Weighted mean of the members' class probabilities (soft voting only)."""
        return super().predict_proba(self._texts(X))

    def transform(self, X):
        """The members' probabilities (soft) or predictions (hard), as VotingClassifier."""
        return super().transform(self._texts(X))
