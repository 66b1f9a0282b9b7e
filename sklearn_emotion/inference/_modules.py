"""The torch modules that are exported: an encoder plus the pooling its estimator applies.

Each module takes ``input_ids``, ``attention_mask`` and (for models that use them)
``token_type_ids`` and returns what the estimator's torch path computes from them, so
the exported graph ends where the torch path ends: the pooled (and normalised) vector.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["SentenceEmbedding", "PooledHiddenStates"]


class SentenceEmbedding(nn.Module):
    """A sentence-transformers model's ``sentence_embedding``, optionally unit-normalised.

    The model's own modules run (transformer, pooling, ``Normalize`` if it has one);
    ``normalize=True`` then divides by the L2 norm as ``encode(normalize_embeddings=True)``
    does.
    """

    def __init__(self, encoder, normalize: bool):
        super().__init__()
        self.encoder = encoder
        self.normalize = bool(normalize)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        features = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            features["token_type_ids"] = token_type_ids
        embedding = self.encoder(features)["sentence_embedding"]
        if self.normalize:
            embedding = nn.functional.normalize(embedding, p=2, dim=1)
        return embedding


class PooledHiddenStates(nn.Module):
    """One layer's hidden states of a transformers encoder, CLS or mean pooled.

    The mean is over the text's tokens (padding excluded), as in ``BertVectorizer``.
    """

    def __init__(self, model, pooling: str, layer: int):
        super().__init__()
        self.model = model
        self.pooling = pooling
        self.layer = int(layer)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            inputs["token_type_ids"] = token_type_ids
        output = self.model(**inputs, output_hidden_states=self.layer != -1)
        if self.layer == -1:
            hidden = output.last_hidden_state
        else:
            hidden = output.hidden_states[self.layer]
        if self.pooling == "cls":
            return hidden[:, 0]
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)


def example_inputs(tokenize) -> dict:
    """Two tokenised texts of different lengths (so that the traced graph keeps padding)."""
    encoded = tokenize(["How are you feeling today, my friend?", "Fine."])
    names = ("input_ids", "attention_mask", "token_type_ids")
    return {k: torch.as_tensor(encoded[k], dtype=torch.long) for k in names if k in encoded}
