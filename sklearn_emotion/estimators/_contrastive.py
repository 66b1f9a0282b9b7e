"""Contrastive fine-tuning of a sentence encoder on few labelled texts.

The first stage of :class:`~sklearn_emotion.estimators.FewShotClassifier`, in the
manner of SetFit: the encoder is trained so that the cosine similarity of two texts'
embeddings approaches 1 when they share a label and 0 otherwise. ``"batch_cosine"`` (the
default) applies that objective to every pair within each batch of texts, so a batch of
32 texts gives 496 pairs for the forward passes that SetFit spends on 16;
``"cosine"`` is SetFit's own form, pairs drawn reproducibly and scored as
sentence-transformers' ``CosineSimilarityLoss`` scores them; ``"batch_hard"`` is
sentence-transformers' ``BatchHardTripletLoss``. A plain torch loop runs it: AdamW
(fused where torch has the kernel), linear warm-up then linear decay, gradient norm
clipped at 1. The time goes into the encoder's forward and backward passes, so each
training text is tokenized once, each distinct text of a batch is encoded once, and on
the CPU a batch is encoded in chunks of texts of similar length (little padding).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .._optional import import_optional

__all__ = ["draw_pairs", "fine_tune_encoder", "n_pairs"]


def n_pairs(n_samples: int, num_iterations: int, max_pairs=None) -> int:
    """The training length in SetFit's pairs: ``2 * num_iterations * n_samples``, capped.

    The batch losses encode as many texts as those pairs hold (2 per pair), in batches
    of ``2 * batch_size`` texts: the same steps and forward passes as SetFit's.
    """
    pairs = 2 * num_iterations * n_samples
    return pairs if max_pairs is None else min(pairs, max_pairs)


def draw_pairs(Y, num_iterations: int, rng: np.random.RandomState, max_pairs=None):
    """Positive and negative pairs of sample indices, ``2 * num_iterations`` per sample.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_labels)
        0/1 indicator matrix (one column per class; one 1 per row for single-label).
    num_iterations : int
        Rounds; each round pairs every sample with one positive partner (another
        sample sharing a label, itself if it has none) and one negative partner (a
        sample sharing no label; skipped when there is none).
    rng : numpy.random.RandomState
        The only source of randomness: the same seed gives the same pairs.
    max_pairs : int or None
        Keep at most this many pairs (a random subset, positives and negatives alike).

    Returns
    -------
    first, second : ndarray of int
        The two sample indices of each pair, in training order (shuffled).
    target : ndarray of float32
        1.0 for positive pairs, 0.0 for negative ones.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.eye(2, dtype=int)[[0, 0, 1, 1]]
    >>> a, b, t = draw_pairs(Y, 1, np.random.RandomState(0))
    >>> len(t), int(t.sum())
    (8, 4)
    """
    Y = np.asarray(Y) != 0
    n = len(Y)
    shares = (Y.astype(np.int64) @ Y.T.astype(np.int64)) > 0
    firsts, seconds, targets = [], [], []
    for _ in range(num_iterations):
        for i in rng.permutation(n):
            positives = np.flatnonzero(shares[i])
            others = positives[positives != i]
            positives = others if len(others) else np.array([i])
            firsts.append(i)
            seconds.append(positives[rng.randint(len(positives))])
            targets.append(1.0)
            negatives = np.flatnonzero(~shares[i])
            if len(negatives):
                firsts.append(i)
                seconds.append(negatives[rng.randint(len(negatives))])
                targets.append(0.0)
    order = rng.permutation(len(targets))
    if max_pairs is not None:
        order = order[:max_pairs]
    return (np.asarray(firsts)[order], np.asarray(seconds)[order],
            np.asarray(targets, dtype=np.float32)[order])


# Texts per forward pass on the CPU: a batch is encoded in chunks of similar length, so
# that little time goes into padding (about 1.7x faster than one padded batch of 32 tweets).
_CPU_CHUNK = 8


class _Tokens:
    """Every training text tokenized once (not once per step), and encoded in chunks.

    ``embed(encoder, idx)`` runs the encoder, with gradients, once on each distinct text
    of ``idx``: sorted by length, in chunks of ``chunk`` texts each padded only to its own
    longest text; the embeddings come back in the order of ``idx``, repeats included.
    """

    def __init__(self, encoder, texts, device):
        tokenize = getattr(encoder, "preprocess", None) or encoder.tokenize  # ST >= 6
        features = tokenize(list(texts))
        mask = features["attention_mask"]
        self.n, self.width = mask.shape
        self.lengths = mask.sum(dim=1).numpy()
        self.features = {k: v.to(device) if isinstance(v, torch.Tensor) else v
                         for k, v in features.items()}
        self.chunk = _CPU_CHUNK if torch.device(device).type == "cpu" else None

    def _rows(self, rows):
        """The features of ``rows`` (a torch index), cut to the longest of them."""
        width = int(self.lengths[rows.cpu().numpy()].max())
        out = {}
        for key, value in self.features.items():
            if isinstance(value, torch.Tensor) and value.ndim and value.shape[0] == self.n:
                value = value[rows]
                if value.ndim == 2 and value.shape[1] == self.width:
                    value = value[:, :width]
            out[key] = value
        return out

    def embed(self, encoder, idx):
        distinct, where = np.unique(np.asarray(idx), return_inverse=True)  # each text once
        order = np.argsort(self.lengths[distinct], kind="stable")
        device = self.features["attention_mask"].device
        rows = torch.as_tensor(distinct[order], device=device)
        chunk = self.chunk or len(rows)
        parts = [encoder(self._rows(rows[start:start + chunk]))["sentence_embedding"]
                 for start in range(0, len(rows), chunk)]
        back = np.argsort(order, kind="stable")[where.ravel()]
        return torch.cat(parts)[torch.as_tensor(back, device=device)]


def _optimizer(parameters, lr, device):
    """AdamW, fused where torch has the kernel (a tenth of the time of the default loop
    on the CPU, the same updates)."""
    if torch.device(device).type in ("cpu", "cuda"):
        try:
            return torch.optim.AdamW(parameters, lr=lr, fused=True)
        except (RuntimeError, TypeError, ValueError):  # e.g. parameters of another dtype
            pass
    return torch.optim.AdamW(parameters, lr=lr)


def _schedule(optimizer, n_steps: int, warmup_proportion: float):
    """Linear warm-up over ``warmup_proportion`` of the steps, then linear decay to 0."""
    warmup = int(round(warmup_proportion * n_steps))

    def factor(step):
        if step < warmup:
            return (step + 1) / (warmup + 1)
        return max(0.0, (n_steps - step) / max(1, n_steps - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _batches(n_items: int, batch_size: int, max_epochs: int, rng):
    """Index batches over ``max_epochs`` passes, each pass in its own shuffled order."""
    for _ in range(max_epochs):
        order = rng.permutation(n_items)
        for start in range(0, n_items, batch_size):
            yield order[start:start + batch_size]


def _draw_texts(n: int, n_items: int, weights, rng) -> np.ndarray:
    """Text indices for batches: whole shuffled passes (or weighted draws, with weights)."""
    if weights is not None:
        return rng.choice(n, size=n_items, replace=True, p=weights / weights.sum())
    passes = [rng.permutation(n) for _ in range(math.ceil(n_items / n))]
    return np.concatenate(passes)[:n_items]


def _all_pairs_cosine_loss(embeddings, Y, weights, device):
    """SetFit's objective on every pair of a batch: the squared error of the cosine
    similarity against 1 for the pairs that share a label and against 0 for the others,
    positive and negative pairs weighted equally (SetFit draws as many of each); with
    ``weights``, each pair counts with the mean weight of its two texts."""
    embeddings = torch.nn.functional.normalize(embeddings, dim=1)
    similarity = embeddings @ embeddings.T
    labels = torch.as_tensor(np.asarray(Y, dtype=np.float32), device=device)
    target = (labels @ labels.T > 0).to(similarity.dtype)
    errors = (similarity - target) ** 2
    if weights is None:
        pair_weight = torch.ones_like(errors)
    else:
        w = torch.as_tensor(weights, dtype=errors.dtype, device=device)
        pair_weight = (w[:, None] + w[None, :]) / 2
    pair_weight = pair_weight * (1 - torch.eye(len(errors), dtype=errors.dtype, device=device))
    parts = []
    for mask in (target > 0, target == 0):
        weight = pair_weight * mask
        if weight.sum() > 0:
            parts.append((errors * weight).sum() / weight.sum())
    return sum(parts) / len(parts)


def fine_tune_encoder(encoder, texts, Y, *, sample_weight, loss, num_iterations, max_pairs,
                      lr, max_epochs, batch_size, warmup_proportion, device, rng, verbose):
    """Train ``encoder`` (a ``SentenceTransformer``) in place; return the loss per step.

    ``Y`` is a 0/1 indicator matrix; ``sample_weight`` (or None) weights each pair by
    the mean weight of its two texts (``loss="cosine"``), or the chance of a text to be
    drawn into a batch (``loss="batch_hard"``). Randomness comes from ``rng`` (pairs,
    order) and from torch's generator, which the caller seeds.
    """
    import_optional("sentence_transformers", feature="FewShotClassifier")
    try:  # sentence-transformers >= 6 moved the losses
        from sentence_transformers.sentence_transformer import losses as losses_module
    except ImportError:
        from sentence_transformers import losses as losses_module
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if loss == "cosine":
        first, second, target = draw_pairs(Y, num_iterations, rng, max_pairs)
        n_items = len(target)
    else:  # batches of single texts, as many as the pairs would hold
        labels = np.asarray(Y).argmax(axis=1)
        n_items = 2 * n_pairs(len(Y), num_iterations, max_pairs)  # the texts of the pairs
        drawn = _draw_texts(len(Y), n_items, weights if loss == "batch_hard" else None, rng)
        triplets = losses_module.BatchHardTripletLoss(encoder) if loss == "batch_hard" else None
        batch_size = 2 * batch_size if batch_size > 0 else -1  # a pair batch: 2 texts each
    if batch_size == -1:
        batch_size = n_items
    n_steps = max_epochs * math.ceil(n_items / batch_size)
    tokens = _Tokens(encoder, texts, device)
    optimizer = _optimizer(encoder.parameters(), lr, device)
    scheduler = _schedule(optimizer, n_steps, warmup_proportion)
    history = []
    bar = None
    if verbose:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_steps, desc=f"Contrastive fine-tuning ({loss})", unit="batch")
    encoder.train()
    try:
        for batch in _batches(n_items, batch_size, max_epochs, rng):
            if loss == "cosine":  # each distinct text of the batch encoded once
                embeddings = tokens.embed(encoder, np.concatenate([first[batch], second[batch]]))
                a, b = embeddings[:len(batch)], embeddings[len(batch):]
                similarity = torch.nn.functional.cosine_similarity(a, b)
                per_pair = (similarity - torch.as_tensor(target[batch], device=device)) ** 2
                if weights is None:
                    value = per_pair.mean()
                else:
                    w = (weights[first[batch]] + weights[second[batch]]) / 2
                    w = torch.as_tensor(w, dtype=per_pair.dtype, device=device)
                    value = (per_pair * w).sum() / w.sum().clamp_min(1e-12)
            else:
                idx = drawn[batch]
                embeddings = tokens.embed(encoder, idx)
                if loss == "batch_hard":
                    value = triplets.batch_hard_triplet_loss(
                        torch.as_tensor(labels[idx], device=device), embeddings)
                else:
                    value = _all_pairs_cosine_loss(
                        embeddings, np.asarray(Y)[idx],
                        None if weights is None else weights[idx], device)
            optimizer.zero_grad()
            value.backward()
            torch.nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            history.append(float(value.detach()))
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history[-1]:.4f}")
    finally:
        encoder.eval()
        if bar is not None:
            bar.close()
    return history
