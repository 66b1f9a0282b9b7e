"""Occlusion (leave-one-word-out): the drop of each class probability when a word is removed.

Model-agnostic: it needs only ``predict_proba`` on raw texts. The perturbed texts of a
whole batch are deduplicated (a word removed from two copies of a text, or two removals
giving the same text, are predicted once) and sent through ``predict_proba`` in batches,
so a vectorizer's embedding cache sees each distinct text once.
"""

from __future__ import annotations

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


def occlusion_scores(predict_proba, texts, spans, *, batch_size: int = 256, n_classes: int):
    """Probabilities of ``texts`` and, per text, the ``(n_words, n_classes)`` drops.

    ``scores[i][j, c] = p_c(texts[i]) - p_c(texts[i] without word j)``.
    """
    cache = {}

    def empty_row():
        if "row" not in cache:
            try:
                cache["row"] = np.asarray(predict_proba([""]), dtype=float)[0]
            except Exception:  # a model that refuses empty text: no information left
                cache["row"] = np.full(n_classes, 1.0 / n_classes)
        return cache["row"]

    variants, owners = [], []
    for i, (text, words) in enumerate(zip(texts, spans)):
        variants.append(text)
        owners.append(i)
        for span in words:
            variants.append(remove_spans(text, [span]))
            owners.append(i)
    proba = predict_unique(predict_proba, variants, batch_size, empty_row)
    full = np.empty((len(texts), proba.shape[1]))
    scores, position = [], 0
    for i, words in enumerate(spans):
        full[i] = proba[position]
        scores.append(full[i][None, :] - proba[position + 1:position + 1 + len(words)])
        position += 1 + len(words)
    return full, scores
