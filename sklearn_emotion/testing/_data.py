"""The small, class-balanced text sample that the plugin checks fit on by default."""

from __future__ import annotations

import numpy as np

from ..datasets import load_goemotions

__all__ = ["sample_texts"]


def sample_texts(per_class: int = 10, random_state: int = 0) -> tuple[list[str], np.ndarray]:
    """A small, class-balanced sample of real GoEmotions (Ekman) training texts and labels.

    The default data of :func:`check_plugin`; bundled with the package, so no download.

    Examples
    --------
    >>> from sklearn_emotion.testing import sample_texts
    >>> X, y = sample_texts(per_class=2)
    >>> len(X), len(set(y))
    (14, 7)
    """
    X, y = load_goemotions(subset="train", return_X_y=True)
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    rng = np.random.default_rng(random_state)
    keep = np.concatenate([
        rng.choice(np.flatnonzero(y == c), size=per_class, replace=False) for c in np.unique(y)
    ])
    keep.sort()
    return [str(x) for x in X[keep]], y[keep]
