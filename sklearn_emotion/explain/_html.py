"""Self-contained HTML of an :class:`Explanation`: words highlighted by their scores."""

from __future__ import annotations

import html

import numpy as np

__all__ = ["render_html", "HTML_STYLE", "highlight_colour"]

#: Inline style sheet; every rule is scoped under ``.se-explain``.
HTML_STYLE = """
.se-explain{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.9;
  color:#1f2328;max-width:60em}
.se-explain .se-item{margin:0 0 1em 0;padding:.4em .6em;border-left:3px solid #d0d7de}
.se-explain .se-head{font-size:.85em;color:#57606a}
.se-explain .se-head b{color:#1f2328}
.se-explain .se-text{font-size:1.05em}
.se-explain .se-w{border-radius:3px;padding:0 1px}
.se-explain .se-legend{font-size:.8em;color:#57606a;margin-bottom:.8em}
.se-explain .se-legend span{padding:0 .4em;border-radius:3px}
""".strip()

_POSITIVE = (214, 69, 10)  # orange-red: the word supports the class
_NEGATIVE = (33, 102, 172)  # blue: the word speaks against it


def highlight_colour(score: float, scale: float) -> str | None:
    """The CSS background of a word with ``score`` (``None`` below 2% of ``scale``)."""
    if scale <= 0 or not np.isfinite(score):
        return None
    strength = min(abs(score) / scale, 1.0)
    if strength < 0.02:
        return None
    red, green, blue = _POSITIVE if score > 0 else _NEGATIVE
    return f"rgba({red},{green},{blue},{0.15 + 0.7 * strength:.3f})"


def _marked_text(text: str, spans, scores) -> str:
    scale = float(np.max(np.abs(scores))) if len(scores) else 0.0
    parts, cursor = [], 0
    for (start, end), score in zip(spans, scores):
        parts.append(html.escape(text[cursor:start]))
        word = html.escape(text[start:end])
        colour = highlight_colour(float(score), scale)
        style = f' style="background-color:{colour}"' if colour else ""
        parts.append(f'<span class="se-w" data-score="{score:.4f}" title="{score:+.4f}"'
                     f"{style}>{word}</span>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


def render_html(explanation, *, full_document: bool = False,
                title: str = "Explanations") -> str:
    """HTML of the explanation; with ``full_document``, a whole page with a ``<title>``."""
    items = []
    for i, text in enumerate(explanation.texts):
        predicted = ", ".join(str(p) for p in explanation.predicted[i]) or "(none)"
        for c, target in enumerate(explanation.targets[i]):
            proba = explanation.probability(i, target)
            head = (f'<div class="se-head">text {i} · <b>{html.escape(str(target))}</b> '
                    f"p={proba:.2f} · predicted: {html.escape(predicted)}</div>")
            body = _marked_text(text, explanation.spans[i], explanation.scores[i][:, c])
            items.append(f'<div class="se-item">{head}<div class="se-text">{body}</div></div>')
    legend = (f'<div class="se-legend">{html.escape(explanation.method)}: '
              f'<span style="background-color:rgba({",".join(map(str, _POSITIVE))},.6)">'
              "for the class</span> "
              f'<span style="background-color:rgba({",".join(map(str, _NEGATIVE))},.6)">'
              "against it</span></div>")
    fragment = (f'<div class="se-explain"><style>{HTML_STYLE}</style>{legend}'
                + "".join(items) + "</div>")
    if not full_document:
        return fragment
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head><body>"
            f"<h1 style=\"font-family:system-ui,sans-serif\">{html.escape(title)}</h1>"
            f"{fragment}</body></html>\n")
