"""A pretrained Hugging Face encoder with a classification head, for fine-tuning."""

from __future__ import annotations

import contextlib
import numbers

import torch
from torch import nn

__all__ = ["TransformerNet"]

_POOLINGS = ("mean", "cls", "pooler")


@contextlib.contextmanager
def _quiet_transformers():
    """Hide transformers' "Loading weights" progress bar, then restore the setting."""
    from transformers.utils import logging

    enabled = logging.is_progress_bar_enabled()
    if enabled:
        logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            logging.enable_progress_bar()


class TransformerNet(nn.Module):
    """Pretrained transformer encoder (BERT, RoBERTa, MiniLM, ...) plus a linear head.

    The encoder is loaded with ``transformers.AutoModel.from_pretrained``; one vector
    per text is pooled from its last layer, passed through dropout and a linear layer
    that returns one logit per class. All weights are trainable, so training the
    module fine-tunes the whole encoder.

    All arguments are plain keywords with defaults, so that skorch can set them
    through ``module__pooling``, ``module__dropout`` etc. (and grid-search them).

    Parameters
    ----------
    model_name_or_path : str or path-like, default=None
        A local model folder (with ``config.json`` and weights) or a Hugging Face hub
        name. Required;
        :class:`~sklearn_emotion.estimators.TransformerClassifier` resolves its
        ``model`` parameter to a folder and passes it here.
    output_dim : int, default=None
        Number of classes. Required; the estimator infers it from ``y``.
    pooling : {"mean", "cls", "pooler"}, default="mean"
        How the token states become one vector per text. ``"mean"``: the mean over
        the text's tokens (padding excluded), the pooling sentence-transformers models
        such as all-MiniLM-L6-v2 were trained with, and a sound choice for models whose
        [CLS] state was never trained for a sentence task (RoBERTa, DistilBERT);
        ``"cls"``: the last hidden state of the first token ([CLS]); ``"pooler"``: the
        encoder's own pooler output (BERT: a tanh layer over [CLS]), as in
        ``AutoModelForSequenceClassification``.
    dropout : float, default=0.1
        Dropout probability before the head, in ``[0, 1)``. The encoder keeps the
        dropout of its own configuration.
    local_files_only : bool, default=False
        Passed to ``from_pretrained``: do not try to download anything.

    Attributes
    ----------
    encoder : transformers.PreTrainedModel
        The pretrained encoder.
    head : torch.nn.Linear
        The classification layer, initialised like Hugging Face's (normal with the
        encoder's ``initializer_range``, zero bias).
    hidden_dim : int
        Width of the pooled vector (the encoder's ``hidden_size``).

    Examples
    --------
    >>> import torch
    >>> from sklearn_emotion.nn import TransformerNet
    >>> net = TransformerNet("path/to/bert-folder", output_dim=6)  # doctest: +SKIP
    >>> ids = torch.tensor([[101, 7592, 102]])
    >>> net(ids, attention_mask=torch.ones_like(ids)).shape  # doctest: +SKIP
    torch.Size([1, 6])
    """

    def __init__(
        self,
        model_name_or_path=None,
        output_dim=None,
        pooling="mean",
        dropout=0.1,
        local_files_only=False,
    ):
        super().__init__()
        problems = []
        if model_name_or_path is None or output_dim is None:
            problems.append(
                "model_name_or_path and output_dim are required (TransformerClassifier "
                "infers them from its 'model' parameter and y at fit time); got "
                f"model_name_or_path={model_name_or_path!r}, output_dim={output_dim!r}"
            )
        elif not isinstance(output_dim, numbers.Integral) or output_dim < 1:
            problems.append(f"output_dim must be a positive int; got {output_dim!r}")
        if pooling not in _POOLINGS:
            problems.append(f"pooling must be one of {list(_POOLINGS)}; got {pooling!r}")
        if not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            problems.append(f"dropout must be in [0, 1); got {dropout!r}")
        if problems:
            raise ValueError("TransformerNet: " + "; ".join(problems) + ".")

        from transformers import AutoModel

        with _quiet_transformers():
            self.encoder = AutoModel.from_pretrained(
                str(model_name_or_path), local_files_only=local_files_only
            )
        config = self.encoder.config
        if pooling == "pooler" and getattr(self.encoder, "pooler", None) is None:
            raise ValueError(
                f"TransformerNet: pooling='pooler', but the {type(self.encoder).__name__} "
                f"loaded from {str(model_name_or_path)!r} has no pooler; use 'cls' or 'mean'."
            )
        self.pooling = pooling
        self.hidden_dim = int(config.hidden_size)
        self.output_dim = int(output_dim)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.hidden_dim, self.output_dim)
        std = getattr(config, "initializer_range", 0.02)
        nn.init.normal_(self.head.weight, mean=0.0, std=std)
        nn.init.zeros_(self.head.bias)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Return logits of shape ``(n_texts, output_dim)``.

        Parameters
        ----------
        input_ids : LongTensor of shape (n_texts, n_tokens)
            Token ids, padded to the longest text of the batch.
        attention_mask : LongTensor of shape (n_texts, n_tokens), default=None
            1 for real tokens and 0 for padding; ``None`` attends to every token.
        token_type_ids : LongTensor of shape (n_texts, n_tokens), default=None
            Segment ids, for models that use them (BERT).
        """
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            inputs["token_type_ids"] = token_type_ids
        output = self.encoder(**inputs)
        if self.pooling == "pooler":
            pooled = output.pooler_output
        else:
            hidden = output.last_hidden_state
            if self.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.head(self.dropout(pooled))
