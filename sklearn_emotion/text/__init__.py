"""Text preprocessing: the :class:`TextCleaner` transformer and the :func:`tokenize` function."""

from ._cleaner import TextCleaner
from ._tokenize import tokenize

__all__ = ["TextCleaner", "tokenize"]
