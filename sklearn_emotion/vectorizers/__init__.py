"""Text to features: word embeddings, sentence embeddings and contextual BERT embeddings.

All three are scikit-learn transformers over raw texts that load their resources in
``fit``. Heavy libraries (gensim, sentence-transformers, transformers, torch) are imported
only when a method needs them.
"""

from ._bert import BertVectorizer
from ._sentence import SentenceVectorizer
from ._word import WordVectorizer

__all__ = ["WordVectorizer", "SentenceVectorizer", "BertVectorizer"]
