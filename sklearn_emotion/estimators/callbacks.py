"""skorch callbacks used by the sklearn-emotion estimators."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Checkpoint, EarlyStopping, LoadInitState
from skorch.history import History
from skorch.utils import noop

from ..exceptions import InvalidInputError
from ..utils._io import atomic_path

__all__ = ["ValidationEarlyStopping", "TrainingCheckpoint", "ResumeTraining"]


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


# --------------------------------------------------------------- checkpoints, resume
_LATEST = "latest"
_STATE = "state.json"


def _json_float(value):
    value = float(value)
    return value if np.isfinite(value) else str(value)  # JSON has no inf/nan: "inf"


class TrainingCheckpoint(Checkpoint):
    """Save everything needed to resume training, at the end of every epoch, atomically.

    skorch's :class:`~skorch.callbacks.Checkpoint`, made crash-safe and complete: each
    checkpoint is written to a new folder ``<dirname>/epoch-<n>``, then a small file
    ``<dirname>/latest`` is atomically replaced to point at it, and older folders are
    removed. A crash at any moment (even ``kill -9`` while writing) leaves the previous
    checkpoint intact. A checkpoint holds the module weights (safetensors), the
    optimizer state, the history, the random number generator state, and the state of
    the early-stopping, scoring and learning-rate-schedule callbacks, so that a run
    resumed with :class:`ResumeTraining` ends with the same weights as an uninterrupted
    run with the same ``random_state`` (on CPU). A last checkpoint is written when
    training ends, marked complete.

    Parameters
    ----------
    dirname : str or path-like, default="checkpoints"
        Folder for the checkpoints (created when needed).
    monitor : str, callable or None, default=None
        When to save: ``None`` saves every epoch (what resuming needs); otherwise as in
        skorch's ``Checkpoint`` (e.g. ``"valid_loss_best"``).
    event_name : str or None, default="event_cp"
        Records in the history whether a checkpoint was written in each epoch.
    sink : callable, default=skorch.utils.noop
        Called with a message after each checkpoint (e.g. ``print``).

    See Also
    --------
    ResumeTraining : Loads the checkpoint when ``fit`` starts.
    sklearn_emotion.io.save : Save the final model for prediction.

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_emotion.estimators import FeedForwardClassifier
    >>> from sklearn_emotion.estimators.callbacks import ResumeTraining, TrainingCheckpoint
    >>> checkpoint = TrainingCheckpoint(dirname=tempfile.mkdtemp())
    >>> clf = FeedForwardClassifier(
    ...     callbacks=[checkpoint, ResumeTraining(checkpoint)], random_state=0, verbose=0)

    ``clf.fit(X, y)`` now saves each epoch; after a crash, the same ``fit`` call
    continues from the last epoch saved instead of starting over.
    """

    def __init__(self, dirname="checkpoints", monitor=None, event_name="event_cp", sink=noop):
        super().__init__(
            monitor=monitor,
            dirname=dirname,
            event_name=event_name,
            sink=sink,
            f_params=None,
            f_optimizer=None,
            f_criterion=None,
            f_history=None,
        )

    def initialize(self):
        Path(self.dirname).mkdir(parents=True, exist_ok=True)
        return self

    def on_train_end(self, net, **kwargs):
        self.save_model(net, complete=True)

    def latest(self) -> Path | None:
        """The folder of the last complete checkpoint, or ``None`` if there is none."""
        pointer = Path(self.dirname) / _LATEST
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        folder = Path(self.dirname) / name
        return folder if (folder / _STATE).is_file() else None

    def save_model(self, net, complete=False):
        """Write a checkpoint of ``net`` (called by skorch at the end of an epoch)."""
        from safetensors.torch import save_file

        root = Path(self.dirname)
        root.mkdir(parents=True, exist_ok=True)
        epoch = len(net.history)
        name = f"epoch-{epoch:04d}" + ("-final" if complete else "")
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
        try:
            for module in net._modules:
                save_file(_contiguous(getattr(net, module + "_").state_dict()),
                          str(tmp / f"{module}.safetensors"))
            for criterion in net._criteria:
                state = getattr(net, criterion + "_").state_dict()
                if state:
                    save_file(_contiguous(state), str(tmp / f"{criterion}.safetensors"))
            for optimizer in net._optimizers:  # tensors and numbers: weights_only loads them
                torch.save(getattr(net, optimizer + "_").state_dict(), tmp / f"{optimizer}.pt")
            rng = {"cpu": torch.get_rng_state()}
            if torch.cuda.is_available() and torch.cuda.is_initialized():
                for i, state in enumerate(torch.cuda.get_rng_state_all()):
                    rng[f"cuda{i}"] = state
            save_file(rng, str(tmp / "rng.safetensors"))
            callbacks = {}
            for cb_name, callback in net.callbacks_:
                state, tensors = _callback_state(callback)
                if tensors:
                    save_file(_contiguous(tensors), str(tmp / f"callback-{cb_name}.safetensors"))
                if state or tensors:
                    callbacks[cb_name] = {"state": state, "tensors": bool(tensors)}
            net.history.to_file(str(tmp / "history.json"))
            state = {
                "epoch": epoch,
                "complete": complete,
                "signature": _signature(net),
                "callbacks": callbacks,
            }
            (tmp / _STATE).write_text(json.dumps(state, indent=1), encoding="utf-8")
            target = root / name
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        with atomic_path(root / _LATEST) as pointer:
            pointer.write_text(name, encoding="utf-8")
        for old in root.glob("epoch-*"):  # only the checkpoint "latest" points to is kept
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)


def _contiguous(state: dict) -> dict:
    return {k: v.detach().cpu().contiguous() for k, v in state.items()}


def _signature(net) -> dict:
    """What a checkpoint must agree on with the run that resumes from it."""
    classes = getattr(net, "classes_", None) if hasattr(net, "label_encoder_") else None
    return {
        "class": type(net).__name__,
        "classes": None if classes is None else [str(c) for c in np.asarray(classes).tolist()],
        "n_features_in": getattr(net, "n_features_in_", None),
        "n_train_samples": getattr(net, "_n_train_samples_", None),
    }


def _callback_state(callback) -> tuple[dict, dict]:
    """The JSON state and tensors of a callback that a resumed run must get back."""
    state, tensors = {}, {}
    for attr in ("best_score_", "misses_", "dynamic_threshold_", "best_epoch_"):
        if hasattr(callback, attr):
            value = getattr(callback, attr)
            state[attr] = _json_float(value) if attr != "best_epoch_" else int(value)
    weights = getattr(callback, "best_model_weights_", None)
    if weights:
        tensors.update(weights)
    scheduler = getattr(callback, "lr_scheduler_", None)
    if scheduler is not None and hasattr(scheduler, "state_dict"):
        scheduler_state = scheduler.state_dict()
        try:
            state["lr_scheduler"] = json.loads(json.dumps(scheduler_state))
        except TypeError:  # a scheduler with non-JSON state is not restored
            pass
    return state, tensors


class ResumeTraining(LoadInitState):
    """Resume ``fit`` from the last :class:`TrainingCheckpoint` when it exists.

    skorch's :class:`~skorch.callbacks.LoadInitState` for :class:`TrainingCheckpoint`:
    when training begins and the checkpoint folder holds a checkpoint, the module
    weights, optimizer, history, random state and callback state are restored, and
    ``fit`` trains only the epochs that remain up to ``max_epochs``. A checkpoint of a
    finished run is loaded and no epoch is trained. Without a checkpoint, training
    starts from scratch. Put it after the checkpoint in ``callbacks``.

    Parameters
    ----------
    checkpoint : TrainingCheckpoint
        The checkpoint callback whose folder is read.

    Raises
    ------
    InvalidInputError
        When training begins, if the checkpoint was written for another run (other
        estimator class, labels, feature count or number of training samples).

    Notes
    -----
    Resuming gives the same result as an uninterrupted run when ``random_state`` is
    an int and the data and parameters are the same; a ``fit`` without
    ``random_state`` resumes too, but its validation split may differ. The
    checkpoint is trusted: the optimizer state is read with
    ``torch.load(weights_only=True)``, the rest from safetensors and JSON.

    Examples
    --------
    >>> from sklearn_emotion.estimators.callbacks import ResumeTraining, TrainingCheckpoint
    >>> checkpoint = TrainingCheckpoint(dirname="run-1")
    >>> callbacks = [checkpoint, ResumeTraining(checkpoint)]
    """

    def __init__(self, checkpoint):
        super().__init__(checkpoint, use_safetensors=True)

    def initialize(self):
        super().initialize()
        self.pending_scheduler_state_ = None
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        if self.did_load_:
            return
        self.did_load_ = True
        folder = self.checkpoint.latest()
        if folder is None:
            return
        state = json.loads((folder / _STATE).read_text(encoding="utf-8"))
        current = _signature(net)
        different = {
            key: (value, current.get(key))
            for key, value in state["signature"].items()
            if current.get(key) is not None and value != current.get(key)
        }
        if different:
            details = "; ".join(
                f"{key}: checkpoint {saved!r}, now {now!r}"
                for key, (saved, now) in different.items()
            )
            raise InvalidInputError(
                f"ResumeTraining: the checkpoint in {str(folder)!r} was written by another "
                f"training run ({details}). Delete the folder or give TrainingCheckpoint "
                "another dirname to train from scratch."
            )
        self._restore(net, folder, state)
        net._resumed_epochs_ = int(state["epoch"])
        self.checkpoint._sink(
            f"Resumed from {folder} after epoch {state['epoch']}.", net.verbose
        )

    def _restore(self, net, folder: Path, state: dict) -> None:
        from safetensors.torch import load_file

        device = net.device if net.device is not None else "cpu"
        for module in net._modules:
            weights = load_file(str(folder / f"{module}.safetensors"), device=str(device))
            getattr(net, module + "_").load_state_dict(weights)
        for criterion in net._criteria:
            path = folder / f"{criterion}.safetensors"
            if path.exists():
                weights = load_file(str(path), device=str(device))
                getattr(net, criterion + "_").load_state_dict(weights)
        for optimizer in net._optimizers:
            saved = torch.load(folder / f"{optimizer}.pt", map_location=device, weights_only=True)
            getattr(net, optimizer + "_").load_state_dict(saved)
        net.history_ = History.from_file(str(folder / "history.json"))
        rng = load_file(str(folder / "rng.safetensors"))
        torch.set_rng_state(rng["cpu"])
        cuda = [rng[k] for k in sorted(rng) if k.startswith("cuda")]
        if cuda and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(cuda)
        callbacks = dict(net.callbacks_)
        for cb_name, saved in state["callbacks"].items():
            callback = callbacks.get(cb_name)
            if callback is None:
                continue
            for attr, value in saved["state"].items():
                if attr == "lr_scheduler":
                    self.pending_scheduler_state_ = (cb_name, value)
                elif attr == "best_epoch_":
                    setattr(callback, attr, int(value))
                else:
                    setattr(callback, attr, float(value))
            if saved["tensors"]:
                path = folder / f"callback-{cb_name}.safetensors"
                callback.best_model_weights_ = load_file(str(path), device=str(device))

    def on_epoch_begin(self, net, **kwargs):
        # a schedule callback builds its scheduler when the first epoch begins (it needs
        # the number of batches); its saved state is put back right after
        if self.pending_scheduler_state_ is None:
            return
        cb_name, saved = self.pending_scheduler_state_
        self.pending_scheduler_state_ = None
        scheduler = getattr(dict(net.callbacks_).get(cb_name), "lr_scheduler_", None)
        if scheduler is None:
            return
        scheduler.load_state_dict(saved)
        for group, lr in zip(scheduler.optimizer.param_groups, scheduler.get_last_lr()):
            group["lr"] = lr
