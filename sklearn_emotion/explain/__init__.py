"""Token-level explanations: which words carried each emotion a fitted model predicts.

- :class:`TokenExplainer` / :func:`explain`: per-word attributions for any fitted model
  mapping raw texts to emotions, by occlusion (model-agnostic, batched and deduplicated
  through ``predict_proba``) or integrated gradients (captum, the library's torch
  networks);
- :class:`Explanation`: the result, with ``to_frame()`` (a tidy pandas table),
  ``to_records()`` (JSON lines) and ``to_html()`` / ``_repr_html_`` (highlighted words);
- :func:`word_spans`: the words of a text with their character offsets.

One module per concept: ``_words.py`` (spans and token alignment), ``_occlusion.py``,
``_gradients.py``, ``_result.py``, ``_html.py`` and ``_explainer.py``.
"""

from ._explainer import TokenExplainer, explain
from ._result import Explanation
from ._words import word_spans

__all__ = ["TokenExplainer", "explain", "Explanation", "word_spans"]
