"""Plain PyTorch modules used by the estimators; they return logits.

Nothing here imports scikit-learn or skorch, so the modules can be reused in any
training loop, or passed to a skorch estimator as ``module=...``.
"""

from ._fusion import FusionNet
from ._lstm import LSTMNet
from ._mlp import MLPNet
from ._transformer import TransformerNet

__all__ = ["FusionNet", "LSTMNet", "MLPNet", "TransformerNet"]
