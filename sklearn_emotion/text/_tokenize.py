"""A regex word tokenizer close to the one GloVe was trained with (Stanford PTB style).

The rules, applied left to right at each position of the text:

1. URLs (``http://...``, ``https://...``, ``www....``) stay one token (trailing punctuation
   is left out of the URL).
2. GoEmotions placeholders such as ``[NAME]`` and ``[RELIGION]`` stay one token, in upper
   case even when lower-casing (so they never collide with the words "name", "religion").
3. ``@mentions`` stay one token.
4. Emoji, including ZWJ sequences, skin tones, keycaps and flags, become one token each.
5. Contractions are split the Penn Treebank way: ``don't`` -> ``do n't``, ``can't`` ->
   ``ca n't``, ``it's`` -> ``it 's``, ``we'll`` -> ``we 'll``, ``I'm`` -> ``I 'm``.
   Typographic apostrophes (``’``) count as ``'``.
6. Words (letters and digits, with inner hyphens as in ``well-known``), numbers with inner
   ``.``, ``,``, ``:`` or ``/`` (``3.14``, ``1,000``, ``10:30``).
7. ``...`` and ``--`` runs stay together; every other punctuation mark is its own token.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["tokenize"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})

URL_PATTERN = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\"'.,;:!?)\]}]"
PLACEHOLDER_PATTERN = r"\[[A-Z]+\]"
MENTION_PATTERN = r"(?<![\w@])@\w+"
NUMBER_PATTERN = r"(?<![\w.])\d+(?:[.,:/]\d+)*(?![\w])"
_CLITICS = r"(?i:n't|'(?:s|re|ve|ll|m|d))(?![^\W_])"
# emoji modifiers: variation selector 16, keycap, skin tones, tag characters (subdivision flags)
_EMOJI_MODIFIERS = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_PLACEHOLDER_RE = re.compile(PLACEHOLDER_PATTERN + r"\Z")


def _emoji_class() -> str:
    """A regex character class of the code points that start or join emoji sequences."""
    import emoji

    chars = set()
    for sequence in emoji.EMOJI_DATA:
        chars.update(sequence)
    skip = set("\u200d\ufe0f\ufe0e\u20e3") | {chr(c) for c in range(0x1F3FB, 0x1F400)}
    skip |= {chr(c) for c in range(0xE0020, 0xE0080)}
    chars = sorted(c for c in chars if c not in skip and ord(c) > 0x7F)
    return "[" + "".join(re.escape(c) for c in chars) + "]"


@lru_cache(maxsize=1)
def _token_regex() -> re.Pattern:
    emoji_char = _emoji_class()
    flag = "[\U0001f1e6-\U0001f1ff]{2}"
    emoji_seq = (
        f"{flag}|{emoji_char}[{_EMOJI_MODIFIERS}]*(?:\u200d{emoji_char}[{_EMOJI_MODIFIERS}]*)*"
    )
    alternatives = [
        URL_PATTERN,
        PLACEHOLDER_PATTERN,
        MENTION_PATTERN,
        emoji_seq,
        "[0-9#*]\ufe0f?\u20e3",  # keycaps
        # the stem of a negative contraction: "do" in "don't", "ca" in "can't"
        r"[^\W_]+?(?=(?i:n't)(?![^\W_]))",
        _CLITICS,
        r"\d+(?:[.,:/]\d+)+",
        # a word; an inner apostrophe not starting a clitic is kept ("o'clock", "rock'n'roll")
        r"[^\W_]+(?:(?:-|'(?!(?i:s|re|ve|ll|m|d|t)(?![^\W_])))[^\W_]+)*",
        "\\.\\.+|--+|[^\\s\ufe0e\ufe0f\u200d]",  # stray selectors and joiners are dropped
    ]
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def tokenize(text: str, lowercase: bool = True) -> list[str]:
    """Split a text into word, number, punctuation and emoji tokens (PTB/GloVe style).

    Parameters
    ----------
    text : str
        One raw document.
    lowercase : bool, default=True
        Lower-case the tokens (GloVe 6B is lower-cased). Placeholders such as ``[NAME]``
        keep their case.

    Returns
    -------
    list of str
        The tokens, in order.

    See Also
    --------
    TextCleaner : Normalises whole corpora with these tokens (URLs, mentions, emoji...).

    Notes
    -----
    Contractions are split as in the Penn Treebank, the tokenisation GloVe 6B was trained
    on, so their pieces (``do``, ``n't``, ``'s``) are in its vocabulary. Underscores are
    treated as separators. See the module docstring for the full list of rules.

    Examples
    --------
    >>> from sklearn_emotion.text import tokenize
    >>> tokenize("I don't know, it's [NAME]'s fault!!")
    ['i', 'do', "n't", 'know', ',', 'it', "'s", '[NAME]', "'s", 'fault', '!', '!']
    >>> tokenize("Can't wait... see https://x.org/a?b=1. 😂😂", lowercase=False)
    ['Ca', "n't", 'wait', '...', 'see', 'https://x.org/a?b=1', '.', '😂', '😂']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize expects a str, got {type(text).__name__}.")
    text = text.translate(_APOSTROPHES)
    tokens = _token_regex().findall(text)
    if lowercase:
        tokens = [t if _PLACEHOLDER_RE.match(t) else t.lower() for t in tokens]
    return tokens
