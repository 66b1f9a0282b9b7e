"""When to show a progress bar."""

from __future__ import annotations

__all__ = ["show_progress"]

# Below this many items a bar flashes by and only adds noise (e.g. inside GridSearchCV folds
# of small data); above it, people want to see that work is happening.
AUTO_THRESHOLD = 1000


def show_progress(progress_bar: bool | str, n_items: int) -> bool:
    """Resolve a ``progress_bar`` parameter: True, False or ``"auto"``.

    Examples
    --------
    >>> from sklearn_emotion.utils._progress import show_progress
    >>> show_progress("auto", 10), show_progress("auto", 5000), show_progress(True, 1)
    (False, True, True)
    """
    if progress_bar == "auto":
        return n_items >= AUTO_THRESHOLD
    return bool(progress_bar)
