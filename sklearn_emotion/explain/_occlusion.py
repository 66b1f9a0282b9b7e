"""Occlusion: the drop of each class probability when a word is removed, in context.

Model-agnostic: it needs only ``predict_proba`` on raw texts. A word's score is the drop
of the class probability when it is removed from the full text (leave-one-out) and, with
``n_contexts > 1``, from ``n_contexts - 1`` random versions of the text in which every
other word is kept with probability ``keep``; the score is the mean drop over the
contexts holding the word. With ``keep=0.5`` this is a sampled Banzhaf value (every
subset of the other words equally likely) with the full text always among the contexts:
unlike leave-one-out it credits redundant words ("sad and down": removing either alone
changes little), which a deletion of several words exposes.

The perturbed texts of a whole call are deduplicated (a word removed from two copies of
a text, or two contexts giving the same text, are predicted once) and sent through
``predict_proba`` in batches, so a vectorizer's embedding cache sees each distinct text
once. The random contexts of a text depend only on the text and ``random_state``, not
on the other texts of the call.
"""

from __future__ import annotations

import zlib

import numpy as np

from ._words import remove_spans

__all__ = ["occlusion_scores", "predict_unique"]


def predict_unique(predict_proba, texts, batch_size: int, empty_row=None) -> np.ndarray:
    """``predict_proba`` of ``texts``, each distinct text predicted once, in batches.

    Texts that are empty once stripped are not sent to the model: they get
    ``empty_row()`` (the model's probabilities for ``""``, or the uniform distribution
    for a model that refuses empty text).
    """
    index: dict[str, int] = {}
    for text in texts:
        if text.strip():
            index.setdefault(text, len(index))
    unique = list(index)
    rows = []
    for start in range(0, len(unique), batch_size):
        rows.append(np.asarray(predict_proba(unique[start:start + batch_size]), dtype=float))
    proba = np.concatenate(rows) if rows else None
    out = []
    for text in texts:
        if text.strip():
            out.append(proba[index[text]])
        else:
            out.append(empty_row())
    return np.vstack(out)


def context_masks(text: str, n_words: int, n_contexts: int, keep: float,
                  random_state) -> np.ndarray:
    """``(n_contexts, n_words)`` booleans, the words kept in each context; row 0: all."""
    seed = None if random_state is None else [int(random_state), zlib.crc32(text.encode())]
    rng = np.random.default_rng(seed)
    masks = rng.random((n_contexts, n_words)) < keep
    masks[0] = True
    return masks


def occlusion_scores(predict_proba, texts, spans, *, batch_size: int = 256, n_classes: int,
                     n_contexts: int = 1, keep: float = 0.5, random_state=0):
    """Probabilities of ``texts`` and, per text, the ``(n_words, n_classes)`` scores.

    With ``n_contexts=1``: ``scores[i][j, c] = p_c(texts[i]) - p_c(texts[i] without word
    j)``. Otherwise the mean of ``p_c(context) - p_c(context without word j)`` over the
    contexts (the full text first) that hold word ``j``.
    """
    cache = {}

    def empty_row():
        if "row" not in cache:
            try:
                cache["row"] = np.asarray(predict_proba([""]), dtype=float)[0]
            except Exception:  # a model that refuses empty text: no information left
                cache["row"] = np.full(n_classes, 1.0 / n_classes)
        return cache["row"]

    variants, plans = [], []
    for text, words in zip(texts, spans):
        masks = context_masks(text, len(words), n_contexts, keep, random_state)
        plan = []
        for mask in masks:
            removed = [span for span, kept in zip(words, mask) if not kept]
            present = np.flatnonzero(mask)
            plan.append((len(variants), present))
            variants.append(remove_spans(text, removed))
            variants.extend(remove_spans(text, removed + [words[j]]) for j in present)
        plans.append(plan)
    proba = predict_unique(predict_proba, variants, batch_size, empty_row)
    full = np.empty((len(texts), proba.shape[1]))
    scores = []
    for i, (words, plan) in enumerate(zip(spans, plans)):
        full[i] = proba[plan[0][0]]
        total = np.zeros((len(words), proba.shape[1]))
        count = np.zeros((len(words), 1))
        for base, present in plan:
            total[present] += proba[base][None, :] - proba[base + 1:base + 1 + len(present)]
            count[present] += 1
        scores.append(total / count)  # every word is in the full text: count >= 1
    return full, scores
