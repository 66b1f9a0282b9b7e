"""Word spans of the original text, and the alignment of a model's tokens onto them.

Explanations are reported on the words of the text the user passed, located by their
character offsets, whatever the model reads (cleaned text, GloVe tokens, WordPiece
sub-words): a model token is placed on the original text by its offsets or by a
search from the previous match, and its attribution goes to the word it overlaps.
"""

from __future__ import annotations

import numpy as np

from ..text._tokenize import _APOSTROPHES, _token_regex

__all__ = ["word_spans", "remove_spans", "align_tokens", "pool_to_words"]


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the words of ``text``.

    The words are those of :func:`~sklearn_emotion.text.tokenize` (words, contraction
    pieces, numbers, emoji, punctuation marks, URLs, placeholders), located in the
    original text, so ``text[start:end]`` is each word as written.

    Examples
    --------
    >>> from sklearn_emotion.explain import word_spans
    >>> text = "I don't care!"
    >>> [text[s:e] for s, e in word_spans(text)]
    ['I', 'do', "n't", 'care', '!']
    """
    # the apostrophe translation keeps every character in place (one for one)
    return [m.span() for m in _token_regex().finditer(text.translate(_APOSTROPHES))]


def remove_spans(text: str, spans) -> str:
    """``text`` without the characters of ``spans`` (and one space next to each gap)."""
    keep = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        left = text[cursor:start]
        if left.endswith(" ") and text[end:end + 1] in (" ", ""):
            left = left[:-1]
        keep.append(left)
        cursor = end
        if start == 0 and text[end:end + 1] == " ":  # the first word: drop the space after
            cursor += 1
    keep.append(text[cursor:])
    return "".join(keep)


def align_tokens(text: str, tokens, offsets=None) -> list[tuple[int, int] | None]:
    """Character spans in ``text`` of a model's ``tokens``, in order (``None``: not found).

    With ``offsets`` (a fast tokenizer's offset mapping into ``text`` itself) they are
    used as they are; otherwise each token is searched for, case-insensitively, from the
    end of the previous match, with WordPiece's ``##`` and SentencePiece's ``▁`` marks
    removed. A token the cleaning step invented (say ``<url>``) is not found and gets
    ``None``.
    """
    if offsets is not None:
        return [(int(s), int(e)) if e > s else None for s, e in offsets]
    lowered = text.translate(_APOSTROPHES).lower()
    spans, cursor = [], 0
    for token in tokens:
        piece = str(token).replace("##", "").replace("\u2581", "").replace("\u0120", "")
        piece = piece.translate(_APOSTROPHES).lower()
        at = lowered.find(piece, cursor) if piece else -1
        # a match far ahead is more likely a coincidence than the token's own place
        if at < 0 or at - cursor > 40 + len(piece):
            spans.append(None)
            continue
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


def pool_to_words(words, token_spans, token_scores) -> np.ndarray:
    """Sum the scores of the tokens (rows of ``token_scores``) over the words they overlap.

    ``words`` are ``(start, end)`` spans, ``token_spans`` one span or ``None`` per row of
    ``token_scores`` (shape ``(n_tokens, ...)``). A token overlapping several words
    counts for the first one.
    """
    token_scores = np.asarray(token_scores, dtype=np.float64)
    out = np.zeros((len(words),) + token_scores.shape[1:])
    starts = np.array([s for s, _ in words]) if words else np.zeros(0, dtype=int)
    ends = np.array([e for _, e in words]) if words else np.zeros(0, dtype=int)
    for span, score in zip(token_spans, token_scores):
        if span is None:
            continue
        hits = np.flatnonzero((starts < span[1]) & (ends > span[0]))
        if hits.size:
            out[hits[0]] += score
    return out
