"""Sample weights in training: they ride along with each sample, the loss reads them.

``fit(X, y, sample_weight=w)`` wraps the training data set so that every sample is
``(WeightedInputs(inputs=x, sample_weight=w), y)``; the internal validation split
takes subsets of that data set, so the held-out samples keep their weights too. A
batch arrives as one ``WeightedInputs`` (a ``dict`` subclass, which torch's
``default_collate`` keeps), ``infer`` hands only the inputs to the module (``forward``
never sees the weights), and ``get_loss`` turns the criterion's per-sample losses into
their weighted mean. Without ``sample_weight`` nothing is wrapped and the loss is the
criterion's own (unchanged).

The estimators' own ``DataLoader`` s fetch a batch at once (``__getitems__``) and
collate it with :class:`WeightedCollate`: the samples as without weights, the weights
as one slice, so that weighting costs only a few per cent of the training time. Any
other loader gets the weighted samples one by one, which any ``collate_fn`` that keeps
dicts (the default one does) turns into the same batch.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np
import torch
from skorch.dataset import Dataset as SkorchDataset
from skorch.utils import to_tensor
from torch.utils.data import Dataset, Subset, default_collate

__all__: list[str] = []  # private: a mixin of the estimators' base


class WeightedInputs(dict):
    """The inputs of one sample (or of a collated batch) and their sample weight(s).

    Keys: ``"inputs"`` (what the module gets: an array, a tensor or a dict of them)
    and ``"sample_weight"``.
    """


class WeightedDataset(Dataset):
    """A data set of ``(inputs, y)`` pairs whose samples carry a weight each."""

    def __init__(self, dataset, sample_weight):
        self.dataset = dataset
        self.sample_weight = np.asarray(sample_weight, dtype=np.float32)

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        Xi, yi = self.dataset[i]
        return WeightedInputs(inputs=Xi, sample_weight=self.sample_weight[i]), yi

    def __getitems__(self, indices):
        # the DataLoader's batched fetch (torch.utils.data.Subset passes it on)
        return WeightedSamples([self.dataset[i] for i in indices], self.sample_weight[indices])


class _WeightedSkorchDataset(WeightedDataset, SkorchDataset):
    """A weighted skorch ``Dataset``: skorch's helpers (e.g. uncached ``EpochScoring``)
    still read its unweighted ``X`` and ``y``."""

    def __init__(self, dataset, sample_weight):  # (skorch's __init__ would copy the data)
        WeightedDataset.__init__(self, dataset, sample_weight)

    @property
    def X(self):
        return self.dataset.X

    @property
    def y(self):
        return self.dataset.y


def with_weights(dataset, sample_weight):
    """``dataset`` with a weight per sample (a skorch ``Dataset`` stays one)."""
    if isinstance(dataset, SkorchDataset):
        return _WeightedSkorchDataset(dataset, sample_weight)
    return WeightedDataset(dataset, sample_weight)


class WeightedSamples(Sequence):
    """The samples of one batch: seen one by one, each carries its weight; a
    :class:`WeightedCollate` reads the plain samples and the weights directly."""

    def __init__(self, samples, sample_weight):
        self.samples = samples
        self.sample_weight = sample_weight

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        Xi, yi = self.samples[i]
        return WeightedInputs(inputs=Xi, sample_weight=self.sample_weight[i]), yi


class WeightedCollate:
    """A ``collate_fn`` for weighted batches around the loader's own ``collate_fn``."""

    def __init__(self, collate_fn=None):
        self.collate_fn = collate_fn or default_collate

    def __call__(self, batch):
        if not isinstance(batch, WeightedSamples):
            return self.collate_fn(batch)
        Xb, yb = self.collate_fn(batch.samples)
        return WeightedInputs(inputs=Xb, sample_weight=torch.from_numpy(batch.sample_weight)), yb


def is_weighted(dataset) -> bool:
    """Whether ``dataset`` (or the data set a ``Subset`` takes from) carries weights."""
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return isinstance(dataset, WeightedDataset)


def weighted_collate(dataset, collate_fn=None):
    """``collate_fn`` for a loader over ``dataset``: wrapped if the samples are weighted."""
    return WeightedCollate(collate_fn) if is_weighted(dataset) else collate_fn


def split_weights(Xi):
    """``(inputs, weights)`` of a batch; ``weights`` is None for an unweighted batch."""
    if isinstance(Xi, WeightedInputs):
        return Xi["inputs"], Xi["sample_weight"]
    return Xi, None


def _reduction(criterion, owner):
    """The criterion's ``reduction`` (which ``get_loss`` sets to "none" for a while)."""
    reduction = getattr(criterion, "reduction", None)
    if reduction is None:
        raise ValueError(
            f"{owner}: sample_weight needs a criterion with torch's 'reduction' "
            f"argument (such as torch.nn.CrossEntropyLoss); got {criterion!r}."
        )
    return reduction


class _SampleWeightMixin:
    """``sample_weight`` for skorch nets: the data set, ``infer`` and ``get_loss``."""

    def _weighted_dataset(self, dataset):
        """The training data set with this fit's sample weights (if any) attached."""
        weights = getattr(self, "_fit_sample_weight_", None)
        return dataset if weights is None else with_weights(dataset, weights)

    @contextlib.contextmanager
    def _fit_weights(self, sample_weight):
        """Hold this fit's validated weights where ``get_split_datasets`` reads them."""
        self._fit_sample_weight_ = sample_weight
        try:
            yield
        finally:
            del self._fit_sample_weight_

    def infer(self, x, **fit_params):
        return super().infer(split_weights(x)[0], **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The criterion's loss; with sample weights, the weighted mean of the
        per-sample losses ``sum(w_i * loss_i) / sum(w_i)`` over the batch.

        A class weight (the criterion's ``weight``, for class-index targets) multiplies
        with the sample weight, in the loss and in the normalisation, as torch's
        ``CrossEntropyLoss`` does it; multi-label per-label losses are averaged over the
        labels first. So weights of all ones give the unweighted loss, and an integer
        weight counts like that many copies of the sample.
        """
        inputs, weights = split_weights(X)
        if weights is None:
            return super().get_loss(y_pred, y_true, X=X, training=training)
        criterion = self.criterion_
        reduction = _reduction(criterion, type(self).__name__)
        criterion.reduction = "none"  # one loss per sample, for this call only
        try:
            losses = super().get_loss(y_pred, y_true, X=inputs, training=training)
        finally:
            criterion.reduction = reduction
        if losses.ndim > 1:  # multi-label: (n_samples, n_labels)
            losses = losses.flatten(1).mean(dim=1)
        weights = torch.as_tensor(weights, dtype=losses.dtype, device=losses.device)
        total = weights
        class_weight = getattr(self.criterion_, "weight", None)
        if class_weight is not None and losses.ndim == 1:
            y_true = to_tensor(y_true, device=losses.device)
            if y_true.ndim == 1 and not torch.is_floating_point(y_true):
                total = weights * class_weight.to(losses.dtype)[y_true]
        # a batch of zero weights only (possible in a validation batch) adds nothing
        return torch.dot(weights, losses) / total.sum().clamp_min(torch.finfo(losses.dtype).tiny)
