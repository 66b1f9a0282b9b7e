"""scikit-learn classifiers built on skorch: one per model family.

Each is a ``skorch.NeuralNetClassifier`` subclass with scikit-learn's contract
(validation, label encoding, seeding, early stopping); see ``_base.py``.
``TextVotingClassifier`` (``_voting.py``) averages the probabilities of raw-text
classifiers (scikit-learn's ``VotingClassifier`` with the raw-text contract).
"""

from ._feedforward import FeedForwardClassifier
from ._fewshot import FewShotClassifier
from ._fusion import FusionClassifier
from ._lstm import LSTMClassifier
from ._transformer import TransformerClassifier
from ._voting import TextVotingClassifier

__all__ = [
    "FeedForwardClassifier",
    "FewShotClassifier",
    "FusionClassifier",
    "LSTMClassifier",
    "TextVotingClassifier",
    "TransformerClassifier",
]
