"""Ready-made pipelines, by short name.

Examples
--------
>>> from sklearn_emotion.pipelines import make_pipeline_by_name, PIPELINES
>>> "minilm-mlp" in PIPELINES
True
>>> [name for name, _ in make_pipeline_by_name("minilm-mlp").steps]
['clean', 'embed', 'classify']
"""

from __future__ import annotations

from sklearn.pipeline import Pipeline

from .exceptions import PluginNotFoundError

__all__ = ["PIPELINES", "DEFAULT_PIPELINE", "make_pipeline_by_name"]


def _minilm_mlp(random_state=0, verbose=0, progress_bar="auto") -> Pipeline:
    """TextCleaner -> MiniLM sentence embeddings -> feed-forward head (the demo's default)."""
    from .estimators import FeedForwardClassifier
    from .text import TextCleaner
    from .vectorizers import SentenceVectorizer

    return Pipeline([
        ("clean", TextCleaner()),
        ("embed", SentenceVectorizer(model="all-MiniLM-L6-v2", progress_bar=progress_bar)),
        ("classify", FeedForwardClassifier(
            class_weight="balanced",
            random_state=random_state,
            verbose=verbose,
            progress_bar=bool(verbose) and progress_bar is not False,
        )),
    ])


PIPELINES = {
    "minilm-mlp": _minilm_mlp,
}
DEFAULT_PIPELINE = "minilm-mlp"


def make_pipeline_by_name(name: str = DEFAULT_PIPELINE, **options) -> Pipeline:
    """Build an unfitted pipeline registered under ``name`` in :data:`PIPELINES`."""
    try:
        factory = PIPELINES[name]
    except KeyError:
        raise PluginNotFoundError(
            f"Unknown pipeline {name!r}; available pipelines: {', '.join(sorted(PIPELINES))}."
        ) from None
    return factory(**options)
