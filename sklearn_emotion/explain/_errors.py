"""The most confident errors of each confused pair, explained word by word (for report.html)."""

from __future__ import annotations

import html
import warnings

import numpy as np

from ..exceptions import EmotionWarning
from ._explainer import TokenExplainer
from ._words import word_spans

__all__ = ["explain_confident_errors", "errors_html"]


def explain_confident_errors(model, texts, y_true, y_pred, proba, pairs, *,
                             per_pair: int = 2, max_pairs: int = 5) -> dict:
    """``{(true, predicted): Explanation}`` of the most confident errors of each pair.

    For each of the first ``max_pairs`` rows of ``pairs`` (a ``most_confused_pairs``
    table), the ``per_pair`` texts of that error with the highest probability of the
    wrong label are explained by occlusion, for the wrong label. At most
    ``max_pairs * per_pair`` short texts are explained, so this costs about two thousand
    predictions (each text in occlusion's 32 contexts). A model without
    ``predict_proba`` gives ``{}``; a failure is a warning, never an error (the report
    is written without the section).
    """
    if proba is None or not hasattr(model, "predict_proba") or pairs is None or not len(pairs):
        return {}
    classes = [str(c) for c in model.classes_]
    y_true, y_pred = np.asarray(y_true, dtype=str), np.asarray(y_pred, dtype=str)
    proba = np.asarray(proba)
    explainer = TokenExplainer(model, method="occlusion")
    out = {}
    try:
        for row in pairs.head(max_pairs).to_dict("records"):
            true, wrong = str(row["true"]), str(row["predicted"])
            if wrong not in classes:
                continue
            rows = np.flatnonzero((y_true == true) & (y_pred == wrong))
            rows = [r for r in rows if word_spans(str(texts[r]))]
            if not rows:
                continue
            confidence = proba[rows, classes.index(wrong)]
            chosen = [rows[k] for k in np.argsort(-confidence, kind="stable")[:per_pair]]
            target = model.classes_[classes.index(wrong)]
            explanation = explainer.explain([str(texts[r]) for r in chosen], target=target)
            out[(true, wrong)] = explanation
    except Exception as exc:  # the report must not fail because of its illustrations
        warnings.warn(f"The report's explained errors were skipped: {exc}", EmotionWarning,
                      stacklevel=2)
        return {}
    return out


def errors_html(explained: dict) -> str:
    """The report section: one block per confused pair, its errors with highlighted words."""
    if not explained:
        return ""
    blocks = []
    for (true, wrong), explanation in explained.items():
        blocks.append(
            f"<h3>{html.escape(true)} &rarr; {html.escape(wrong)}</h3>"
            + explanation.to_html()
        )
    return ("<h2>Most confident errors, explained</h2>"
            "<p class=\"sub\">For each confused pair, the texts the model got wrong with the "
            "highest probability of the wrong emotion. Orange words pushed the model towards "
            "the wrong emotion, blue ones away from it (occlusion: the drop of its "
            "probability when the word is removed).</p>" + "".join(blocks))
