"""skorch callbacks used by the sklearn-emotion estimators."""

from __future__ import annotations

from skorch.callbacks import EarlyStopping

__all__ = ["ValidationEarlyStopping"]


class ValidationEarlyStopping(EarlyStopping):
    """skorch's :class:`~skorch.callbacks.EarlyStopping` that stands by without validation data.

    The estimators add this callback when ``early_stopping=True``. If an epoch ran
    without a validation set (``train_split=None``, or data too small for the
    stratified split), there is no ``valid_loss`` to monitor: plain ``EarlyStopping``
    would raise a ``KeyError``, this one simply lets training run to ``max_epochs``.
    Parameters are those of ``EarlyStopping``.

    Examples
    --------
    >>> from sklearn_emotion.estimators.callbacks import ValidationEarlyStopping
    >>> ValidationEarlyStopping(patience=3, load_best=True).patience
    3
    """

    def on_epoch_end(self, net, dataset_valid=None, **kwargs):
        if dataset_valid is None:
            return
        super().on_epoch_end(net, dataset_valid=dataset_valid, **kwargs)
