"""The learning-rate schedule of fine-tuning: linear warmup, then a decay, every batch."""

from __future__ import annotations

import math
import warnings

from skorch.callbacks import LRScheduler

from .._optional import import_optional
from ..exceptions import EmotionWarning

__all__: list[str] = []  # private: TransformerClassifier's default callback


def _warmup_schedule(optimizer, *, lr_schedule, num_warmup_steps, num_training_steps):
    """A ``torch.optim.lr_scheduler.LambdaLR`` from transformers' schedule functions."""
    transformers = import_optional("transformers", feature="TransformerClassifier")
    if lr_schedule == "constant":
        return transformers.get_constant_schedule_with_warmup(
            optimizer, num_warmup_steps=num_warmup_steps
        )
    factory = {
        "linear": transformers.get_linear_schedule_with_warmup,
        "cosine": transformers.get_cosine_schedule_with_warmup,
    }[lr_schedule]
    return factory(
        optimizer, num_warmup_steps=num_warmup_steps, num_training_steps=num_training_steps
    )


class _WarmupLRScheduler(LRScheduler):
    """skorch ``LRScheduler`` stepped every batch: warmup, then a transformers schedule.

    The schedule's length (training batches per epoch times ``max_epochs``) is only
    known once the data is split, so the scheduler is built when the first epoch
    begins. Each ``fit`` (or ``partial_fit`` call) runs its own complete schedule.

    Parameters
    ----------
    lr_schedule : {"linear", "cosine", "constant"}, default="linear"
        Shape after the warmup: ``transformers.get_linear_schedule_with_warmup``
        (decay to 0), ``get_cosine_schedule_with_warmup`` or
        ``get_constant_schedule_with_warmup``.
    warmup_steps : int or float, default=500
        Batches of linear warmup from 0 to ``lr``; a float in ``[0, 1)`` is a share
        of all training batches (as in transformers' ``TrainingArguments``).
    event_name : str, default="event_lr"
        The learning rate of every batch is recorded under this name in
        ``history[:, "batches", :, event_name]``.
    """

    def __init__(self, lr_schedule="linear", warmup_steps=500, event_name="event_lr"):
        super().__init__(
            policy=_warmup_schedule, monitor=None, event_name=event_name, step_every="batch"
        )
        self.lr_schedule = lr_schedule
        self.warmup_steps = warmup_steps

    def on_train_begin(self, net, **kwargs):
        self.lr_scheduler_ = None  # built in on_epoch_begin, see the class docstring

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        if self.lr_scheduler_ is not None:
            return
        n_batches = len(net.get_iterator(dataset_train, training=True))
        total = max(1, n_batches * net.max_epochs)
        warmup = self.warmup_steps
        n_warmup = int(warmup) if warmup >= 1 else math.ceil(total * warmup)
        if n_warmup >= total and n_warmup > 0:
            warnings.warn(
                f"{type(net).__name__}: warmup_steps={warmup!r} covers all {total} training "
                f"batches ({n_batches} per epoch x max_epochs={net.max_epochs}), so the "
                f"learning rate never reaches lr={net.lr}. Use fewer warmup steps or a "
                "fraction of the training batches, e.g. warmup_steps=0.1.",
                EmotionWarning,
            )
        self.lr_scheduler_ = self.policy_(
            net.optimizer_,
            lr_schedule=self.lr_schedule,
            num_warmup_steps=n_warmup,
            num_training_steps=total,
        )

    def on_train_end(self, net, **kwargs):
        # The scheduler holds the optimizer: kept, a pickled net would store the
        # AdamW state twice (skorch pickles the optimizer on its own).
        self.lr_scheduler_ = None
