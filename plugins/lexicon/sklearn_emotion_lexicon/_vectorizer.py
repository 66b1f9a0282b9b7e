"""LexiconVectorizer: rule- and lexicon-based affect features (VADER, NRC-style lexicons)."""

from __future__ import annotations

import csv
import os
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_emotion.plugin_api import (
    DataNotFoundError,
    Interval,
    InvalidInputError,
    PretrainedVectorizer,
    StrOptions,
    fingerprint_arrays,
    import_optional,
    tokenize,
)

__all__ = ["LexiconVectorizer", "read_lexicon"]

VADER_FEATURES = ("neg", "neu", "pos", "compound")

_NRC_HINT = (
    "Lexicons such as the NRC Emotion Lexicon (EmoLex) may not be redistributed for "
    "commercial use, so none is shipped: download it from its authors (for EmoLex, "
    "NRC-Emotion-Lexicon-Wordlevel-v0.92.txt) and pass its path as lexicon=..."
)


def read_lexicon(path) -> tuple[dict[str, np.ndarray], list[str]]:
    """Read a word-category lexicon file into ``({word: scores}, categories)``.

    Two layouts are understood (tab-, comma- or semicolon-separated, detected):

    - *long*, three columns per line, ``word, category, value``: the NRC Emotion
      Lexicon word-level file (``abandon<TAB>fear<TAB>1``) and the NRC Emotion
      Intensity Lexicon (``outraged<TAB>anger<TAB>0.964``); a header line is allowed;
    - *wide*, a header ``word, cat1, cat2, ...`` and one row per word.

    Parameters
    ----------
    path : str or path-like
        The lexicon file.

    Returns
    -------
    lexicon : dict of {str: ndarray of shape (n_categories,)}
        Lower-cased word to its category scores; words with only zeros are dropped.
    categories : list of str
        Sorted category names (long layout) or the header's order (wide layout).
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataNotFoundError(f"LexiconVectorizer: the lexicon file {str(path)!r} does not "
                                f"exist. {_NRC_HINT}")
    with path.open(encoding="utf-8", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters="\t,;")
        except csv.Error:
            dialect = csv.excel_tab
        rows = [row for row in csv.reader(fh, dialect) if row and any(c.strip() for c in row)]
    if not rows:
        raise InvalidInputError(f"LexiconVectorizer: the lexicon file {str(path)!r} is empty.")

    def number(text):
        try:
            return float(text)
        except ValueError:
            return None

    header = [c.strip().lower() for c in rows[0]]
    has_header = number(rows[0][-1]) is None
    long_header = len(header) == 3 and header[1] in {
        "emotion", "category", "affect", "dimension"}
    wide = has_header and not long_header and (len(header) != 3
                                               or header[0] in {"word", "term", "token"})
    if wide:
        categories = [c.strip() for c in rows[0][1:]]
        lexicon = {}
        for i, row in enumerate(rows[1:], start=2):
            values = [number(c) for c in row[1:]]
            if len(values) != len(categories) or None in values:
                raise InvalidInputError(
                    f"LexiconVectorizer: line {i} of {str(path)!r} should hold a word and "
                    f"{len(categories)} numbers (header {rows[0]}); got {row}.")
            lexicon[row[0].strip().lower()] = np.asarray(values, dtype=np.float32)
    else:
        start = 1 if long_header else 0
        triples = []
        for i, row in enumerate(rows[start:], start=start + 1):
            value = number(row[2]) if len(row) == 3 else None
            if value is None:
                raise InvalidInputError(
                    f"LexiconVectorizer: line {i} of {str(path)!r} should be 'word, category, "
                    f"value' (as in the NRC lexicons) or the file should have a 'word' header "
                    f"with one column per category; got {row}.")
            triples.append((row[0].strip().lower(), row[1].strip(), value))
        categories = sorted({c for _, c, _ in triples})
        column = {c: j for j, c in enumerate(categories)}
        lexicon = {}
        for word, category, value in triples:
            scores = lexicon.setdefault(word, np.zeros(len(categories), dtype=np.float32))
            scores[column[category]] = value
    lexicon = {w: s for w, s in lexicon.items() if np.any(s)}
    if not lexicon:
        raise InvalidInputError(f"LexiconVectorizer: no word of {str(path)!r} has a non-zero "
                                "score.")
    return lexicon, categories


class LexiconVectorizer(PretrainedVectorizer):
    """Affect features from a sentiment/emotion lexicon: a cheap, interpretable partner.

    A handful of dense, meaningful columns (how negative, how joyful, ...) that sit well
    next to a neural vectorizer in a ``FeatureUnion``: they carry the lexical cues that
    sentence embeddings blur, and each column can be read.

    Parameters
    ----------
    lexicon : "vader" or path-like, default="vader"
        ``"vader"``: VADER's rule-based sentence scores (negative, neutral, positive,
        compound; negation, intensifiers, capitals and punctuation handled), from the
        MIT-licensed ``vaderSentiment`` package. A path: a word-category lexicon file
        (NRC Emotion Lexicon layout or a wide table, see :func:`read_lexicon`), read from
        where you keep it, since such lexicons may not be redistributed; each text then
        gets one column per category.
    aggregate : {"mean", "sum", "max"}, default="mean"
        How a word lexicon's scores are combined over a text's tokens: ``"mean"`` over
        all tokens (the share of anger words, ...), ``"sum"``, or ``"max"``.
    min_tokens : int, default=1
        Floor of the token count used by ``"mean"`` (a one-word text is not inflated).

    Attributes
    ----------
    categories_ : list of str
        The output columns' categories.
    lexicon_ : dict or vaderSentiment SentimentIntensityAnalyzer
        The loaded lexicon.
    n_features_out_ : int
        Number of output columns.
    n_features_in_ : int
        Always 1 (one text column).

    Notes
    -----
    :func:`sklearn_emotion.io.save` stores the lexicon by reference (its name or path,
    and a fingerprint), never its contents: lexicons such as EmoLex may not be
    redistributed inside a model file. Loading the model reads the lexicon again.

    Examples
    --------
    >>> from sklearn_emotion_lexicon import LexiconVectorizer
    >>> vec = LexiconVectorizer().fit(["any text"])
    >>> list(vec.get_feature_names_out())
    ['vader_neg', 'vader_neu', 'vader_pos', 'vader_compound']
    >>> scores = vec.transform(["I love this so much!", "This is not good at all."])
    >>> bool(scores[0, 3] > 0.5), bool(scores[1, 3] < 0)
    (True, True)
    """

    _resource_attributes = ("lexicon_", "categories_")  # stored by reference
    _resource_param = "lexicon"
    _resource_kind = None  # a name or a path of the user's, not a registry resource
    _parameter_constraints = {
        "lexicon": [StrOptions({"vader"}), str, os.PathLike],
        "aggregate": [StrOptions({"mean", "sum", "max"})],
        "min_tokens": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, lexicon="vader", aggregate="mean", min_tokens=1):
        self.lexicon = lexicon
        self.aggregate = aggregate
        self.min_tokens = min_tokens

    def _load_resource(self, resource) -> dict:
        """Load VADER, or read the lexicon file."""
        if isinstance(self.lexicon, str) and self.lexicon == "vader":
            vader = import_optional("vaderSentiment.vaderSentiment",
                                    feature="LexiconVectorizer(lexicon='vader')")
            lexicon, categories = vader.SentimentIntensityAnalyzer(), list(VADER_FEATURES)
        else:
            lexicon, categories = read_lexicon(self.lexicon)
        return {"lexicon_": lexicon, "categories_": categories,
                "n_features_out_": len(categories)}

    def _weights_fingerprint(self) -> str:
        words = self.lexicon_ if isinstance(self.lexicon_, dict) else self.lexicon_.lexicon
        return fingerprint_arrays(words, self.categories_)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.n_features_out_), dtype=np.float32)
        if isinstance(self.lexicon_, dict):
            for i, text in enumerate(texts):
                tokens = tokenize(text)
                hits = [self.lexicon_[t] for t in tokens if t in self.lexicon_]
                if not hits:
                    continue
                hits = np.vstack(hits)
                if self.aggregate == "sum":
                    out[i] = hits.sum(axis=0)
                elif self.aggregate == "max":
                    out[i] = hits.max(axis=0)
                else:
                    out[i] = hits.sum(axis=0) / max(len(tokens), self.min_tokens)
        else:
            for i, text in enumerate(texts):
                scores = self.lexicon_.polarity_scores(text)
                out[i] = [scores[k] for k in VADER_FEATURES]
        return out

    def get_feature_names_out(self, input_features=None):
        """``vader_<score>`` or ``lexicon_<category>`` for each output column."""
        check_is_fitted(self, "categories_")
        prefix = "lexicon" if isinstance(self.lexicon_, dict) else "vader"
        return np.asarray([f"{prefix}_{c}" for c in self.categories_], dtype=object)
