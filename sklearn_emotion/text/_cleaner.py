"""TextCleaner: normalise raw texts (URLs, mentions, numbers, emoji, placeholders)."""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from .._optional import import_optional
from ..utils._validation import StrOptions, validate_params
from ._base import RawTextMixin
from ._tokenize import (
    _APOSTROPHES,
    _PLACEHOLDER_RE,
    MENTION_PATTERN,
    NUMBER_PATTERN,
    PLACEHOLDER_PATTERN,
    URL_PATTERN,
)
from ._tokenize import tokenize as _tokenize

__all__ = ["TextCleaner"]

_URL_RE = re.compile(URL_PATTERN)
_MENTION_RE = re.compile(MENTION_PATTERN)
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_PLACEHOLDER_SUB_RE = re.compile(PLACEHOLDER_PATTERN)
_DEMOJIZED_RE = re.compile("\x02([^\x03]*)\x03")
_NON_WORD_RE = re.compile(r"[\W_]+")

_REPLACE_OPTIONS = StrOptions({"keep", "remove", "replace"})


def _demojize(text: str) -> str:
    """Replace each emoji by its CLDR name in words: "😂" -> " face with tears of joy "."""
    import emoji

    text = emoji.demojize(text, delimiters=("\x02", "\x03"))
    return _DEMOJIZED_RE.sub(lambda m: " " + _NON_WORD_RE.sub(" ", m.group(1)).strip() + " ", text)


class TextCleaner(OneToOneFeatureMixin, RawTextMixin, TransformerMixin, BaseEstimator):
    """Normalise raw texts: URLs, @mentions, numbers, emoji, placeholders, stop words, stems.

    A stateless transformer: ``fit`` only validates, and ``transform`` maps each text to a
    cleaned string whose tokens are joined by single spaces, ready for
    :class:`~sklearn_emotion.vectorizers.WordVectorizer` or sklearn's ``TfidfVectorizer``.

    Parameters
    ----------
    lowercase : bool, default=True
        Lower-case the text. Kept placeholders (``[NAME]``) keep their case.
    urls : {"replace", "remove", "keep"}, default="replace"
        What to do with URLs (``http://...``, ``www....``): replace each by the word
        ``"url"``, remove it, or keep it.
    mentions : {"replace", "remove", "keep"}, default="replace"
        What to do with ``@user`` mentions: replace each by the word ``"user"``, remove it,
        or keep it.
    numbers : {"keep", "replace", "remove"}, default="keep"
        What to do with numbers (``42``, ``3.14``, ``1,000``, ``10:30``; not ``2nd``):
        keep them, replace each by the word ``"number"``, or remove them.
    emoji : {"words", "remove", "keep"}, default="words"
        ``"words"`` spells each emoji out with the `emoji` package's names
        ("😂" -> "face with tears of joy"); ``"remove"`` drops emoji; ``"keep"`` leaves them
        (the tokenizer makes each one a token).
    placeholders : {"words", "remove", "keep"}, default="words"
        GoEmotions anonymisation placeholders ``[NAME]``, ``[RELIGION]``: ``"words"`` turns
        them into the plain words ``"name"``, ``"religion"``; ``"remove"`` drops them;
        ``"keep"`` keeps them as single tokens such as ``"[NAME]"``.
    stop_words : {"english"}, list of str or None, default=None
        Tokens to remove (compared in lower case). ``"english"`` uses scikit-learn's
        ``ENGLISH_STOP_WORDS``, which also removes negations ("not", "no", "never"):
        often a bad idea for emotion and sentiment.
    stemming : bool, default=False
        Reduce tokens to their Snowball (Porter2) English stems with `snowballstemmer`.
    tokenize : bool, default=True
        Split with :func:`~sklearn_emotion.text.tokenize` (punctuation and the pieces of
        contractions become separate tokens). If False, tokens are the whitespace-separated
        chunks.

    Attributes
    ----------
    n_features_in_ : int
        Always 1 (one text column). Set by ``fit``.
    feature_names_in_ : ndarray of shape (1,)
        The column name, when ``X`` in ``fit`` was a one-column DataFrame.

    See Also
    --------
    tokenize : The tokenizer used when ``tokenize=True``.
    sklearn_emotion.vectorizers.WordVectorizer : Word embeddings of the cleaned texts.

    Notes
    -----
    The steps run in this order: URLs, mentions, numbers, placeholders, emoji,
    lower-casing and tokenisation, stop words, stemming. ``transform`` works without
    ``fit`` (the transformer holds no state), and the output is a 1-D object array of
    strings; ``set_output(transform="pandas")`` gives a one-column DataFrame.

    Examples
    --------
    >>> from sklearn_emotion.text import TextCleaner
    >>> cleaner = TextCleaner()
    >>> cleaner.fit_transform(["@bob I can't believe [NAME] won 😂 https://t.co/x"]).tolist()
    ["user i ca n't believe name won face with tears of joy url"]
    >>> TextCleaner(stop_words="english", stemming=True).fit_transform(
    ...     ["The kittens were running happily"]).tolist()
    ['kitten run happili']
    """

    _parameter_constraints = {
        "lowercase": ["boolean"],
        "urls": [_REPLACE_OPTIONS],
        "mentions": [_REPLACE_OPTIONS],
        "numbers": [_REPLACE_OPTIONS],
        "emoji": [StrOptions({"words", "remove", "keep"})],
        "placeholders": [StrOptions({"words", "remove", "keep"})],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "stemming": ["boolean"],
        "tokenize": ["boolean"],
    }

    def __init__(
        self,
        lowercase=True,
        urls="replace",
        mentions="replace",
        numbers="keep",
        emoji="words",
        placeholders="words",
        stop_words=None,
        stemming=False,
        tokenize=True,
    ):
        self.lowercase = lowercase
        self.urls = urls
        self.mentions = mentions
        self.numbers = numbers
        self.emoji = emoji
        self.placeholders = placeholders
        self.stop_words = stop_words
        self.stemming = stemming
        self.tokenize = tokenize

    def fit(self, X, y=None):
        """Validate the parameters and the texts; nothing is learned.

        Parameters
        ----------
        X : iterable of str
            Raw texts (list, array, Series or one-column DataFrame).
        y : None
            Ignored.

        Returns
        -------
        self : TextCleaner
        """
        validate_params(self)
        self._validate_texts(X, reset=True)
        return self

    def transform(self, X):
        """Clean each text.

        Parameters
        ----------
        X : iterable of str
            Raw texts.

        Returns
        -------
        ndarray of shape (n_texts,), dtype=object
            The cleaned texts, tokens joined by single spaces.
        """
        validate_params(self)
        texts = self._validate_texts(X, reset=False)
        stop = self._stop_word_set()
        stemmer = None
        if self.stemming:
            snowball = import_optional("snowballstemmer", feature="TextCleaner(stemming=True)")
            stemmer = snowball.stemmer("english")
        out = np.empty(len(texts), dtype=object)
        for i, text in enumerate(texts):
            out[i] = self._clean(text, stop, stemmer)
        return out

    def _stop_word_set(self) -> frozenset | None:
        if self.stop_words is None:
            return None
        if isinstance(self.stop_words, str):  # "english", the only allowed string
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

            return ENGLISH_STOP_WORDS
        return frozenset(str(w).lower() for w in self.stop_words)

    def _clean(self, text: str, stop, stemmer) -> str:
        text = text.translate(_APOSTROPHES)
        for option, regex, word in (
            (self.urls, _URL_RE, "url"),
            (self.mentions, _MENTION_RE, "user"),
            (self.numbers, _NUMBER_RE, "number"),
        ):
            if option != "keep":
                text = regex.sub(f" {word} " if option == "replace" else " ", text)
        if self.placeholders == "words":
            text = _PLACEHOLDER_SUB_RE.sub(lambda m: " " + m.group(0)[1:-1].lower() + " ", text)
        elif self.placeholders == "remove":
            text = _PLACEHOLDER_SUB_RE.sub(" ", text)
        if self.emoji != "keep" and not text.isascii():
            if self.emoji == "words":
                text = _demojize(text)
            else:
                import emoji

                text = emoji.replace_emoji(text, replace=" ")
        if self.tokenize:
            tokens = _tokenize(text, lowercase=self.lowercase)
        else:
            tokens = text.split()
            if self.lowercase:
                tokens = [t if _PLACEHOLDER_RE.match(t) else t.lower() for t in tokens]
        if stop is not None:
            tokens = [t for t in tokens if t.lower() not in stop]
        if stemmer is not None:
            tokens = stemmer.stemWords(tokens)
        return " ".join(tokens)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
