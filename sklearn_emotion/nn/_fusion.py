"""A multimodal network: one branch per modality, fused, then a classification head."""

from __future__ import annotations

import numbers

import torch
from torch import nn

__all__ = ["FusionNet"]

_FUSIONS = ("concat", "gated", "attention")


class FusionNet(nn.Module):
    """One ``Linear -> ReLU -> Dropout`` branch per modality, fused, then a linear head.

    The reference model of multimodal emotion recognition (a text branch over a sentence
    embedding, an audio branch over MFCC statistics, concatenated, then a linear layer),
    generalised to any set of named modalities. ``forward`` takes the modalities as
    keyword arguments, which is how skorch passes a dict ``X``
    (``{"text": ..., "audio": ...}``).

    Parameters
    ----------
    input_dims : dict of {str: int}, default=None
        Width of each modality's input, e.g. ``{"text": 384, "audio": 80}``. Required;
        :class:`~sklearn_emotion.estimators.FusionClassifier` infers it from ``X``.
    output_dim : int, default=None
        Number of classes. Required; the estimator infers it from ``y``.
    hidden_dim : int, default=128
        Width of every branch (a dict ``{modality: width}`` sets them one by one;
        ``"gated"`` and ``"attention"`` fusion need equal widths).
    branch_layers : int, default=1
        ``Linear -> ReLU -> Dropout`` blocks per branch.
    dropout : float, default=0.2
        Dropout after each branch block and before the head, in ``[0, 1)``.
    fusion : {"concat", "gated", "attention"}, default="concat"
        ``"concat"``: concatenate the branch outputs (the reference model).
        ``"gated"``: a softmax gate computed from all branches weighs each branch, and
        the weighted sum goes to the head. ``"attention"``: the branch outputs attend to
        each other (one multi-head self-attention layer over the modalities), then are
        averaged.
    head_dims : tuple of int, default=()
        Hidden layers of the head after fusion; ``()`` is a single linear layer.
    n_heads : int, default=4
        Attention heads for ``fusion="attention"`` (must divide ``hidden_dim``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_emotion.nn import FusionNet
    >>> net = FusionNet(input_dims={"text": 8, "audio": 6}, output_dim=3, hidden_dim=16)
    >>> net(text=torch.zeros(5, 8), audio=torch.zeros(5, 6)).shape
    torch.Size([5, 3])
    >>> gated = FusionNet(input_dims={"text": 8, "audio": 6}, output_dim=3, fusion="gated")
    >>> gated(text=torch.zeros(2, 8), audio=torch.zeros(2, 6)).shape
    torch.Size([2, 3])
    """

    def __init__(
        self,
        input_dims=None,
        output_dim=None,
        hidden_dim=128,
        branch_layers=1,
        dropout=0.2,
        fusion="concat",
        head_dims=(),
        n_heads=4,
    ):
        super().__init__()
        problems = []
        if not isinstance(input_dims, dict) or not input_dims or output_dim is None:
            problems.append(
                "input_dims (a dict {modality: width}) and output_dim are required "
                "(FusionClassifier infers them from X and y at fit time); got "
                f"input_dims={input_dims!r}, output_dim={output_dim!r}"
            )
            input_dims = {}
        names = list(input_dims)
        bad = [n for n in names if not isinstance(n, str) or not n or "." in n]
        if bad:
            problems.append(f"modality names must be non-empty strings without '.'; got {bad}")
        if isinstance(hidden_dim, dict):
            widths = {n: hidden_dim.get(n) for n in names}
        else:
            widths = {n: hidden_dim for n in names}
        if not all(isinstance(w, numbers.Integral) and w > 0 for w in widths.values()):
            problems.append(f"hidden_dim must be a positive int per modality; got {hidden_dim!r}")
        if not isinstance(branch_layers, numbers.Integral) or branch_layers < 1:
            problems.append(f"branch_layers must be an int >= 1; got {branch_layers!r}")
        if not 0 <= dropout < 1:
            problems.append(f"dropout must be in [0, 1); got {dropout!r}")
        if fusion not in _FUSIONS:
            problems.append(f"fusion must be one of {list(_FUSIONS)}; got {fusion!r}")
        elif fusion != "concat" and len(set(widths.values())) > 1:
            problems.append(f"fusion={fusion!r} needs equal branch widths; got {widths}")
        if isinstance(head_dims, numbers.Integral):
            head_dims = (head_dims,)
        head_dims = tuple(head_dims)
        if not all(isinstance(h, numbers.Integral) and h > 0 for h in head_dims):
            problems.append(f"head_dims must be positive ints; got {head_dims!r}")
        if fusion == "attention" and not problems and next(iter(widths.values())) % n_heads:
            problems.append(f"n_heads={n_heads} must divide hidden_dim={hidden_dim}")
        if problems:
            raise ValueError("FusionNet: " + "; ".join(problems) + ".")

        self.modalities = tuple(names)
        self.fusion = fusion
        self.branches = nn.ModuleDict()
        for name in names:
            layers, width = [], int(input_dims[name])
            for _ in range(int(branch_layers)):
                layers += [nn.Linear(width, widths[name]), nn.ReLU(), nn.Dropout(dropout)]
                width = widths[name]
            self.branches[name] = nn.Sequential(*layers)
        width = next(iter(widths.values())) if names else 0
        if fusion == "concat":
            width = sum(widths.values())
        elif fusion == "gated":
            self.gate = nn.Linear(width * len(names), len(names))
        else:
            self.attention = nn.MultiheadAttention(width, n_heads, dropout=dropout,
                                                   batch_first=True)
            self.norm = nn.LayerNorm(width)
        head = []
        for hidden in head_dims:
            head += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout)]
            width = hidden
        head.append(nn.Linear(width, int(output_dim)))
        self.head = nn.Sequential(*head)

    def forward(self, **inputs: torch.Tensor) -> torch.Tensor:
        """Logits of shape ``(n_samples, output_dim)``; one keyword argument per modality."""
        missing = [m for m in self.modalities if m not in inputs]
        unknown = [m for m in inputs if m not in self.modalities]
        if missing or unknown:
            raise ValueError(
                f"FusionNet was built for the modalities {list(self.modalities)}; got "
                f"{sorted(inputs)} (missing {missing}, unknown {unknown})."
            )
        parts = [self.branches[m](inputs[m]) for m in self.modalities]
        if self.fusion == "concat":
            fused = torch.cat(parts, dim=1)
        elif self.fusion == "gated":
            weights = torch.softmax(self.gate(torch.cat(parts, dim=1)), dim=1)
            fused = (torch.stack(parts, dim=1) * weights.unsqueeze(-1)).sum(dim=1)
        else:
            tokens = torch.stack(parts, dim=1)  # (n, n_modalities, width)
            attended, _ = self.attention(tokens, tokens, tokens, need_weights=False)
            fused = self.norm(tokens + attended).mean(dim=1)
        return self.head(fused)
