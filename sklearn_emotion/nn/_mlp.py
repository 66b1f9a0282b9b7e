"""A feed-forward network over fixed-size feature vectors."""

from __future__ import annotations

import numbers

import torch
from torch import nn

__all__ = ["MLPNet"]

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "leaky_relu": nn.LeakyReLU,
}


class MLPNet(nn.Module):
    """Multi-layer perceptron that maps feature vectors to class logits.

    Each hidden layer is ``Linear -> activation -> Dropout``; a final ``Linear``
    produces one unnormalised score (logit) per class. Pair it with
    ``torch.nn.CrossEntropyLoss``; skorch then applies a softmax in ``predict_proba``.

    All arguments are plain keywords with defaults, so that skorch can set them
    through ``module__hidden_dims``, ``module__dropout`` etc. (and grid-search them).

    Parameters
    ----------
    input_dim : int, default=None
        Number of input features. Required;
        :class:`~sklearn_emotion.estimators.FeedForwardClassifier` infers it from ``X``
        at fit time.
    output_dim : int, default=None
        Number of classes. Required; the estimator infers it from ``y``.
    hidden_dims : int or tuple of int, default=(256,)
        Width of each hidden layer. ``()`` gives a linear (logistic-regression) model;
        an int is short for a single hidden layer.
    dropout : float, default=0.2
        Dropout probability after each hidden layer, in ``[0, 1)``.
    activation : {"relu", "gelu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity after each hidden linear layer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_emotion.nn import MLPNet
    >>> net = MLPNet(input_dim=8, output_dim=3, hidden_dims=(16, 16))
    >>> net(torch.zeros(5, 8)).shape
    torch.Size([5, 3])
    """

    def __init__(
        self,
        input_dim=None,
        output_dim=None,
        hidden_dims=(256,),
        dropout=0.2,
        activation="relu",
    ):
        super().__init__()
        problems = []
        if input_dim is None or output_dim is None:
            problems.append(
                "input_dim and output_dim are required (FeedForwardClassifier infers them "
                f"from X and y at fit time); got input_dim={input_dim!r}, "
                f"output_dim={output_dim!r}"
            )
        if isinstance(hidden_dims, numbers.Integral):
            hidden_dims = (hidden_dims,)
        hidden_dims = tuple(hidden_dims)
        if not all(isinstance(h, numbers.Integral) and h > 0 for h in hidden_dims):
            problems.append(f"hidden_dims must be positive ints; got {hidden_dims!r}")
        if not 0 <= dropout < 1:
            problems.append(f"dropout must be in [0, 1); got {dropout!r}")
        if activation not in _ACTIVATIONS:
            problems.append(
                f"activation must be one of {sorted(_ACTIVATIONS)}; got {activation!r}"
            )
        if problems:
            raise ValueError("MLPNet: " + "; ".join(problems) + ".")

        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.hidden_dims = tuple(int(h) for h in hidden_dims)

        layers = []
        width = self.input_dim
        for hidden in self.hidden_dims:
            layers += [nn.Linear(width, hidden), _ACTIVATIONS[activation](), nn.Dropout(dropout)]
            width = hidden
        layers.append(nn.Linear(width, self.output_dim))
        self.layers = nn.Sequential(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Return logits of shape ``(n_samples, output_dim)``."""
        return self.layers(X)
