"""How every estimator trains: seeding, the early-stopping split, callbacks, batches."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import torch
from skorch.callbacks import EpochScoring, EpochTimer, PassthroughScoring, PrintLog, ProgressBar
from skorch.dataset import ValidSplit
from skorch.utils import to_numpy
from sklearn.metrics import accuracy_score
from sklearn.utils import check_random_state
from torch.utils.data import DataLoader

from ..exceptions import EmotionWarning
from ..utils._progress import show_progress
from ._params import is_auto, is_on
from ._sample_weight import is_weighted, weighted_collate
from .callbacks import ValidationEarlyStopping

__all__: list[str] = []  # private: a mixin of the estimators' base


def _valid_accuracy(net, X, y):
    """Accuracy on the internal validation split, where ``y`` holds encoded labels.

    skorch's default ``EpochScoring("accuracy")`` calls ``net.predict``, which returns
    the original labels, so it would compare them with the encoded ``y`` (always 0).
    Multi-label: subset accuracy (every label of a sample right) at ``net.threshold``.
    """
    proba = net.predict_proba(X)
    y = to_numpy(y)
    if getattr(net, "multilabel_", False):
        return accuracy_score(y.astype(np.int64), (proba >= net.threshold).astype(np.int64))
    return accuracy_score(y, proba.argmax(axis=1))


class _TrainingMixin:
    """skorch's training hooks, set up from the estimator parameters."""

    @contextlib.contextmanager
    def _seeded(self):
        """Seed torch from ``random_state`` without touching the caller's RNG state.

        Module initialization, dropout and DataLoader shuffling all draw from torch's
        default generator, so one seed inside ``fork_rng`` makes a refit bit-identical
        (on CPU); the validation split gets its own seed from the same stream.
        """
        if self.random_state is None:
            self._split_seed_ = None
            yield
            return
        rng = check_random_state(self.random_state)
        torch_seed, split_seed = (int(s) for s in rng.randint(np.iinfo(np.int32).max, size=2))
        self._split_seed_ = split_seed
        device = torch.device(self.device or "cpu")
        cuda = []
        if device.type == "cuda":
            cuda = [device.index if device.index is not None else torch.cuda.current_device()]
        with torch.random.fork_rng(devices=cuda):
            torch.random.default_generator.manual_seed(torch_seed)
            for index in cuda:
                with torch.cuda.device(index):
                    torch.cuda.manual_seed(torch_seed)
            yield

    @property
    def _default_callbacks(self):
        callbacks = [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("valid_acc", EpochScoring(_valid_accuracy, name="valid_acc", lower_is_better=False)),
        ]
        if is_on(self.early_stopping):
            callbacks.append((
                "early_stopping",
                ValidationEarlyStopping(
                    monitor="valid_loss", patience=self.n_iter_no_change, load_best=True
                ),
            ))
        if self._progress_bar_enabled():
            callbacks.append(("progress_bar", ProgressBar()))
        callbacks.append(("print_log", PrintLog()))
        return callbacks

    def _progress_bar_enabled(self) -> bool:
        # "auto": only when the net talks at all (verbose) and the data is large enough
        # for training to take a while; True shows the bar even with verbose=0.
        if is_auto(self.progress_bar):
            n_samples = getattr(self, "_n_train_samples_", 0)
            return is_on(self.verbose) and show_progress("auto", n_samples)
        return is_on(self.progress_bar)

    def get_split_datasets(self, X, y=None, **fit_params):
        # sample weights are attached before the split, so both parts keep theirs
        dataset = self._weighted_dataset(self.get_dataset(X, y))
        if not is_auto(self.train_split):
            return super().get_split_datasets(dataset, y, **fit_params)
        split = self._auto_train_split(to_numpy(y))
        if split is None:
            return dataset, None
        return split(dataset, y, **fit_params)

    def _auto_train_split(self, y):
        """``train_split="auto"``: a stratified hold-out set when early stopping is on.

        Multi-label targets get a plain shuffled split (stratifying label sets is
        rarely possible, and iterative stratification is not worth a dependency).
        """
        if not self.early_stopping:
            return None
        n_samples = len(y)
        n_valid = int(np.ceil(self.validation_fraction * n_samples))
        n_train = int(np.floor((1 - self.validation_fraction) * n_samples))
        if getattr(self, "multilabel_", False):
            if min(n_valid, n_train) >= 1:
                return ValidSplit(
                    self.validation_fraction, stratified=False, random_state=self._split_seed_
                )
            kind = "a validation split"
            problem = (
                f"validation_fraction={self.validation_fraction} of {n_samples} samples "
                "leaves no sample for validation or training"
            )
        else:
            kind = "a stratified validation split"
            problem = self._stratification_problem(y, n_valid, n_train)
            if problem is None:
                return ValidSplit(
                    self.validation_fraction, stratified=True, random_state=self._split_seed_
                )
        warnings.warn(
            f"{type(self).__name__}: early stopping needs {kind}, "
            f"but {problem}; training on all {n_samples} samples for max_epochs="
            f"{self.max_epochs} epochs instead. Use more data or a larger "
            "validation_fraction, or set early_stopping=False to silence this warning.",
            EmotionWarning,
        )
        return None

    def _stratification_problem(self, y, n_valid, n_train):
        _, counts = np.unique(y, return_counts=True)
        if counts.min() < 2:
            return f"the least populated class has only {counts.min()} sample"
        if min(n_valid, n_train) < len(counts):
            return (
                f"validation_fraction={self.validation_fraction} of {len(y)} samples "
                f"leaves {n_valid} for validation and {n_train} for training, fewer than "
                f"the {len(counts)} classes"
            )
        return None

    def get_iterator(self, dataset, training=False):
        # Shuffle the training batches by default (skorch's DataLoader default is
        # shuffle=False); iterator_train__shuffle=False turns it off. Weighted samples
        # (fit with sample_weight) are collated a batch at a time.
        prefix = "iterator_train" if training else "iterator_valid"
        weighted = is_weighted(dataset)
        if getattr(self, prefix) is not DataLoader or not (training or weighted):
            return super().get_iterator(dataset, training=training)
        kwargs = self.get_params_for(prefix)
        if training:
            kwargs.setdefault("shuffle", True)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        if weighted:
            kwargs["collate_fn"] = weighted_collate(dataset, kwargs.get("collate_fn"))
        return DataLoader(dataset, **kwargs)

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        # ResumeTraining restored a checkpoint: train only the epochs that remain
        done = self.__dict__.pop("_resumed_epochs_", None)
        if epochs is None and done is not None:
            epochs = max(self.max_epochs - done, 0)
        return super().fit_loop(X, y, epochs=epochs, **fit_params)
