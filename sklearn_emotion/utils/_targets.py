"""Checks of classification targets shared by the library's classifiers and its plugins."""

from __future__ import annotations

import numpy as np

from ..exceptions import InvalidInputError

__all__ = ["check_several_classes"]


def check_several_classes(classes, name: str, advice: str = "") -> None:
    """Refuse a target with a single class, in scikit-learn's words.

    Parameters
    ----------
    classes : array-like
        The distinct labels found in ``y``.
    name : str
        The estimator's name, for the message.
    advice : str, default=""
        A sentence appended to the message, e.g. how to fix the data.

    Raises
    ------
    InvalidInputError
        A ``ValueError`` whose wording scikit-learn's ``check_classifiers_one_label``
        recognises, when ``classes`` holds fewer than two labels.

    Examples
    --------
    >>> from sklearn_emotion.utils._targets import check_several_classes
    >>> check_several_classes(["joy", "anger"], "MyClassifier")
    >>> check_several_classes(["joy"], "MyClassifier")
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.InvalidInputError: MyClassifier needs samples of at least 2 ...
    """
    if len(classes) >= 2:
        return
    label = classes[0] if len(classes) else None
    label = label.item() if isinstance(label, np.generic) else label
    raise InvalidInputError(
        f"{name} needs samples of at least 2 classes in the data, but the data contains "
        f"only one class: {label!r}." + (f" {advice}" if advice else "")
    )
