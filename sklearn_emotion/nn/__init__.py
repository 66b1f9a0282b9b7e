"""Plain PyTorch modules used by the estimators; they return logits.

Nothing here imports scikit-learn or skorch, so the modules can be reused in any
training loop, or passed to a skorch estimator as ``module=...``.
"""

from ._mlp import MLPNet

__all__ = ["MLPNet"]
