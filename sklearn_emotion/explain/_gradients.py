"""Integrated gradients over the embedding layer of the library's torch models (captum).

Two families are supported, each explained at the embeddings its network reads:

- :class:`~sklearn_emotion.estimators.LSTMClassifier` after a
  :class:`~sklearn_emotion.vectorizers.WordVectorizer` with ``pooling="sequence"``
  (word vectors; baseline: zero vectors) or ``pooling="ids"`` (the network's own
  ``nn.Embedding``, read through; baseline: zero vectors);
- :class:`~sklearn_emotion.estimators.TransformerClassifier` (``LayerIntegratedGradients``
  on the encoder's word embeddings; baseline: padding tokens, special tokens kept).

Attributions are of the class probability (softmax, or sigmoid for a multi-label
network), so they add up to ``p(text) - p(baseline)`` like occlusion's drops add up to
a comparable scale. The model's tokens are aligned back to the words of the original
text (offset mappings, or a search where a cleaning step changed the text).
"""

from __future__ import annotations

import numpy as np

from .._optional import import_optional
from ..exceptions import InvalidInputError
from ._words import align_tokens, pool_to_words

__all__ = ["integrated_gradients", "supports_gradients"]


def _split(model):
    """``(steps before the classifier or None, the torch classifier)`` of ``model``."""
    from sklearn.pipeline import Pipeline

    inner = getattr(model, "estimator_", model)  # PerLabelThresholdClassifier
    if isinstance(inner, Pipeline):
        pre = inner[:-1] if len(inner.steps) > 1 else None
        return pre, inner.steps[-1][1]
    return None, inner


def _kind(estimator) -> str | None:
    module = getattr(estimator, "module_", None)
    name = type(module).__name__
    if name == "LSTMNet":
        return "lstm"
    if name == "TransformerNet" and hasattr(estimator, "tokenizer_"):
        return "transformer"
    return None


def supports_gradients(model) -> bool:
    """Whether :func:`integrated_gradients` can explain ``model``."""
    return _kind(_split(model)[1]) is not None


def _activation(estimator):
    import torch

    if isinstance(getattr(estimator, "criterion_", None), torch.nn.BCEWithLogitsLoss):
        return torch.sigmoid
    return lambda logits: torch.softmax(logits, dim=-1)


def integrated_gradients(model, texts, spans, pairs, *, n_steps: int = 32,
                         batch_size: int = 32) -> dict:
    """Word attributions of each ``(text index, class column)`` in ``pairs``.

    Returns ``{(i, column): array of n_words scores}``.
    """
    captum_attr = import_optional("captum.attr", extra="explain",
                                  feature="method='integrated_gradients'")
    pre, estimator = _split(model)
    kind = _kind(estimator)
    if kind is None:
        raise InvalidInputError(
            "method='integrated_gradients' explains the library's torch networks over word "
            "embeddings (LSTMClassifier after WordVectorizer(pooling='sequence' or 'ids'), "
            f"TransformerClassifier); this model ends in {type(estimator).__name__}. Use "
            "method='occlusion', which explains any model with predict_proba."
        )
    seen = list(pre.transform(list(texts))) if kind == "transformer" and pre is not None \
        else None
    run = _lstm if kind == "lstm" else _transformer
    return run(captum_attr, pre, estimator, list(texts), spans, pairs, n_steps, batch_size,
               seen)


def _chunks(pairs, size):
    for start in range(0, len(pairs), size):
        yield pairs[start:start + size]


def _lstm(captum_attr, pre, estimator, texts, spans, pairs, n_steps, batch_size, _):
    import torch

    vectorizer = pre[-1] if pre is not None else None
    if vectorizer is None or not hasattr(vectorizer, "_tokens") \
            or getattr(vectorizer, "pooling", None) not in ("sequence", "ids"):
        raise InvalidInputError(
            "method='integrated_gradients' on an LSTMClassifier needs the pipeline's "
            "WordVectorizer(pooling='sequence' or 'ids') in front of it, to know its words; "
            "use method='occlusion' otherwise."
        )
    seen = list(pre[:-1].transform(texts)) if len(pre.steps) > 1 else texts
    tokens = vectorizer._tokens(seen)
    X = vectorizer.transform(seen)
    net = estimator.module_
    net.eval()
    device = next(net.parameters()).device
    lengths_all = torch.as_tensor(np.asarray(X["lengths"]), dtype=torch.int64)
    if "ids" in X:
        with torch.no_grad():
            embeddings_all = net.embedding(torch.as_tensor(np.asarray(X["ids"])).to(device))
    else:
        embeddings_all = torch.as_tensor(np.asarray(X["embeddings"]), dtype=torch.float32)
    activation = _activation(estimator)

    def forward(embeddings, lengths):
        return activation(net(embeddings=embeddings, lengths=lengths))

    ig = captum_attr.IntegratedGradients(forward)
    out = {}
    for chunk in _chunks(pairs, batch_size):
        rows = [i for i, _ in chunk]
        inputs = embeddings_all[rows].to(device)
        lengths = lengths_all[rows].clamp(min=1)
        with torch.backends.cudnn.flags(enabled=False):  # cuDNN RNNs backprop only in train
            attributions = ig.attribute(inputs, baselines=torch.zeros_like(inputs),
                                        target=[c for _, c in chunk], n_steps=n_steps,
                                        additional_forward_args=(lengths,))
        per_token = attributions.sum(dim=-1).detach().cpu().numpy()
        for (i, column), row in zip(chunk, per_token):
            n = int(lengths_all[i])
            token_spans = align_tokens(texts[i], tokens[i][:n])
            out[(i, column)] = pool_to_words(spans[i], token_spans, row[:n])
    return out


def _transformer(captum_attr, pre, estimator, texts, spans, pairs, n_steps, batch_size, seen):
    import torch

    seen = texts if seen is None else seen
    tokenizer = estimator.tokenizer_
    net = estimator.module_
    net.eval()
    device = next(net.parameters()).device
    activation = _activation(estimator)

    def forward(input_ids, attention_mask):
        return activation(net(input_ids, attention_mask=attention_mask))

    lig = captum_attr.LayerIntegratedGradients(forward, net.encoder.get_input_embeddings())
    out = {}
    for chunk in _chunks(pairs, batch_size):
        rows = [i for i, _ in chunk]
        encoded = tokenizer([seen[i] for i in rows], padding="longest", truncation=True,
                            max_length=estimator.max_length, return_tensors="pt",
                            return_special_tokens_mask=True,
                            return_offsets_mapping=tokenizer.is_fast)
        ids = encoded["input_ids"].to(device)
        mask = encoded["attention_mask"].to(device)
        special = encoded["special_tokens_mask"].bool().to(device)
        baseline = torch.where(special, ids, torch.full_like(ids, tokenizer.pad_token_id))
        attributions = lig.attribute(ids, baselines=baseline, target=[c for _, c in chunk],
                                     additional_forward_args=(mask,), n_steps=n_steps,
                                     internal_batch_size=max(len(chunk) * n_steps // 4, 1))
        per_token = attributions.sum(dim=-1).detach().cpu().numpy()
        for k, (i, column) in enumerate(chunk):
            keep = (~special[k] & mask[k].bool()).cpu().numpy()
            if "offset_mapping" in encoded and seen[i] == texts[i]:
                offsets = encoded["offset_mapping"][k].numpy()
                token_spans = [tuple(o) if m and o[1] > o[0] else None
                               for o, m in zip(offsets, keep)]
            else:  # the text was cleaned first: find each piece in the original
                pieces = tokenizer.convert_ids_to_tokens(encoded["input_ids"][k])
                found = align_tokens(texts[i], [p for p, m in zip(pieces, keep) if m])
                found_iter = iter(found)
                token_spans = [next(found_iter) if m else None for m in keep]
            out[(i, column)] = pool_to_words(spans[i], token_spans, per_token[k])
    return out
