"""The parameters every estimator shares: their constraints, their docs, readers of them.

Each estimator keeps all its parameters as explicit keywords of its own ``__init__``
(scikit-learn reads that signature), with its own defaults. What they share is
written once here:

- ``NET_PARAMETER_CONSTRAINTS``: what ``fit`` validates;
- ``SHARED_DOCS`` and :func:`compose_docs`: the numpydoc entry of each shared
  parameter and attribute. A class docstring names them, in order, with a line
  ``{shared: NAME NAME ...}``; the entries are put there, each with the default read
  from the class's own signature, so the docs cannot drift from the code. Indented
  lines right after the marker stay and extend the last entry (what is particular to
  that estimator). This is skorch's way of composing ``NeuralNetClassifier``'s
  docstring from ``NeuralNet``'s, by name instead of by regular expression.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from numbers import Integral, Real

import numpy as np
import torch

from ..utils._validation import Interval, Options, StrOptions

__all__: list[str] = []  # private: used by the estimators of this package

NET_PARAMETER_CONSTRAINTS: dict = {
    "module": [callable],
    "criterion": [callable],
    "optimizer": [callable],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "max_epochs": [Interval(Integral, 1, None, closed="left")],
    "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
    "train_split": [StrOptions({"auto"}), callable, None],
    "classes": ["array-like", None],
    "class_weight": [dict, StrOptions({"balanced", "balanced_sqrt"}), None],
    "random_state": ["random_state"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "device": [str, torch.device, None],
    "verbose": ["verbose"],
    "progress_bar": ["boolean", StrOptions({"auto"})],
    "threshold": [Interval(Real, 0, 1, closed="both")],
    "warm_start": ["boolean"],
}

_POSITIVE_INT = Interval(Integral, 1, None, closed="left")

# The network arguments that estimators take as their own parameters (each estimator
# lists its own in ``_module_params``; options that differ per network, such as
# ``pooling``, are in the estimator's constraints). The module checks them again.
MODULE_PARAMETER_CONSTRAINTS: dict = {
    "hidden_dims": [_POSITIVE_INT, tuple, list],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "activation": [StrOptions({"relu", "gelu", "tanh", "leaky_relu"})],
    "hidden_size": [_POSITIVE_INT],
    "num_layers": [_POSITIVE_INT],
    "bidirectional": ["boolean"],
    "cell": [StrOptions({"lstm", "gru"})],
    "freeze_embeddings": ["boolean"],
    "hidden_dim": [_POSITIVE_INT, dict],
    "branch_layers": [_POSITIVE_INT],
    "fusion": [StrOptions({"concat", "gated", "attention"})],
    "head_dims": [_POSITIVE_INT, tuple, list],
    "n_heads": [_POSITIVE_INT],
}


def module_constraints(*names, **options) -> dict:
    """Constraints of the knobs ``names``, plus ``pooling=("mean", ...)``-style options."""
    constraints = {name: MODULE_PARAMETER_CONSTRAINTS[name] for name in names}
    constraints.update({name: [StrOptions(set(values))] for name, values in options.items()})
    return constraints


# ``{default}`` is replaced by the default of the documenting class's signature
SHARED_DOCS: dict[str, str] = {
    "criterion": """\
criterion : torch loss class, default={default}
    Training loss; the module returns logits, and with ``CrossEntropyLoss`` skorch
    applies a softmax in ``predict_proba``. For a multi-label ``y`` the
    ``CrossEntropyLoss`` class is replaced by ``torch.nn.BCEWithLogitsLoss`` (any other
    criterion is kept).""",
    "optimizer": """\
optimizer : torch optimizer class, default={default}
    Set its arguments with ``optimizer__<name>``, e.g. ``optimizer__weight_decay``.""",
    "lr": """\
lr : float, default={default}
    Learning rate.""",
    "max_epochs": """\
max_epochs : int, default={default}
    Maximum number of passes over the training data (fewer when early stopping ends
    training).""",
    "batch_size": """\
batch_size : int, default={default}
    Samples per mini-batch, in training and prediction; ``-1`` uses the whole data set
    as one batch.""",
    "train_split": """\
train_split : "auto", callable or None, default={default}
    The internal train/validation split. ``"auto"`` holds out a stratified
    ``validation_fraction`` of the data (multi-label: a shuffled one) when
    ``early_stopping=True`` and trains on all of it otherwise. Any skorch split (e.g.
    ``skorch.helper.predefined_split``) or ``None`` (no validation) is used as given.""",
    "class_weight": """\
class_weight : dict, "balanced", "balanced_sqrt" or None, default={default}
    Weights of the classes in the loss, as in scikit-learn: ``{label: weight}`` or
    ``"balanced"`` (``n_samples / (n_classes * np.bincount(y))``); ``"balanced_sqrt"``
    is the square root of the balanced weights, a milder correction that lifts rare
    classes without flooding the predictions with them. Passed as ``weight`` to the
    criterion, unless ``criterion__weight`` is set. Multi-label: the weight of each
    label's positives, passed as ``pos_weight``; ``"balanced"`` is negatives /
    positives per label, ``"balanced_sqrt"`` its square root.""",
    "random_state": """\
random_state : int, RandomState instance or None, default={default}
    Seeds weight initialization, dropout, batch shuffling and the validation split.
    With an int, two fits on the same data give bit-identical results on CPU. The
    global torch random state is left untouched. ``None`` uses torch's and numpy's
    global random state.""",
    "early_stopping": """\
early_stopping : bool, default={default}
    Hold out ``validation_fraction`` of the data, stop when the validation loss has
    not improved for ``n_iter_no_change`` epochs, and restore the weights of the best
    epoch. If the data is too small for a stratified split, an ``EmotionWarning`` says
    so and training runs for ``max_epochs`` on all the data.""",
    "validation_fraction": """\
validation_fraction : float, default={default}
    Share of the training data held out for early stopping, in (0, 1).""",
    "n_iter_no_change": """\
n_iter_no_change : int, default={default}
    Patience of early stopping, in epochs.""",
    "device": """\
device : str, torch.device or None, default={default}
    Where to train and predict: ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, or
    ``"auto"`` for the best available one (CUDA, then MPS, then CPU; resolved when
    used, while the parameter stays ``"auto"``). ``None`` leaves tensors where they
    are (skorch).""",
    "verbose": """\
verbose : int, default={default}
    ``0`` prints nothing; ``1`` prints one line per epoch (skorch's ``PrintLog``) and
    early-stopping messages.""",
    "progress_bar": """\
progress_bar : bool or "auto", default={default}
    Show a per-epoch progress bar over the batches (``skorch.callbacks.ProgressBar``,
    on stderr). ``"auto"``: only if ``verbose > 0`` and there are at least 1000
    training samples; ``True``: always, even with ``verbose=0``; ``False``: never.""",
    "classes": """\
classes : array-like or None, default={default}
    All class labels, when ``y`` might not contain every one of them. Multi-label:
    names of the columns of ``y`` (default ``0..n_labels-1``).""",
    "threshold": """\
threshold : float, default={default}
    Multi-label only: ``predict`` marks the labels whose probability is at least this.
    Ignored for single-label targets.""",
    "kwargs": """\
**kwargs : dict
    Further skorch parameters: ``module__*`` (the module's other arguments),
    ``optimizer__*``, ``criterion__*``, ``callbacks``, ``callbacks__*``,
    ``iterator_train__*``, ``warm_start``, ... (see ``skorch.NeuralNet``); an unknown
    name fails at once. Training batches are shuffled unless
    ``iterator_train__shuffle=False``.""",
    # attributes
    "classes_": """\
classes_ : ndarray of shape (n_classes,)
    Class labels, in the order of the ``predict_proba`` columns (multi-label: the
    names of the label columns).""",
    "multilabel_": """\
multilabel_ : bool
    Whether ``y`` was a multi-label target (an indicator matrix or label lists).""",
    "label_encoder_": """\
label_encoder_ : LabelEncoder or MultiLabelBinarizer
    Maps labels to the module's output indices (multi-label: a
    ``MultiLabelBinarizer`` whose ``inverse_transform`` turns ``predict`` output into
    tuples of label names).""",
    "class_weight_": """\
class_weight_ : ndarray of shape (n_classes,) or None
    The class weights given to the criterion (multi-label: its ``pos_weight``).""",
    "history_": """\
history_ : skorch.History
    Per-epoch losses, ``valid_acc`` and timings.""",
    # notes
    "multilabel_notes": """\
Multi-label targets (a 2-D 0/1 indicator matrix ``y``, such as
``load_goemotions(labels="original", multilabel=True)``, or one list of labels per
sample) train one sigmoid output per label with ``BCEWithLogitsLoss``;
``predict_proba`` returns ``(n_samples, n_labels)`` independent probabilities and
``predict`` the int64 indicator matrix at ``threshold``. The early-stopping split is
then a plain shuffled split.""",
}

_MARKER = re.compile(r"^(?P<indent>[ \t]*)\{shared:(?P<names>[\w ]+)\}[ \t]*$", re.MULTILINE)


def _render_default(value) -> str:
    """A default as the docs write it: ``"auto"``, ``1e-3``, ``torch.optim.AdamW``."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value and abs(value) < 1e-2:
        return re.sub(r"e-0*(\d)", r"e-\1", f"{value:.0e}")
    if isinstance(value, type):
        for namespace, module in (("torch.nn", torch.nn), ("torch.optim", torch.optim)):
            if getattr(module, value.__name__, None) is value:
                return f"{namespace}.{value.__name__}"
        return value.__name__
    return repr(value)


def compose_docs(cls):
    """Class decorator: replace the ``{shared: NAME ...}`` lines of the docstring.

    Raises ``KeyError`` for an unknown name, so a typo fails at import.
    """
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
    }

    def entry(name):
        text = SHARED_DOCS[name]
        if "{default}" in text:
            text = text.replace("{default}", _render_default(defaults[name]))
        return text

    def entries(match):
        text = "\n".join(entry(name) for name in match["names"].split())
        return textwrap.indent(text, match["indent"])

    cls.__doc__ = _MARKER.sub(entries, cls.__doc__)
    return cls


# -------------------------------------------------- reading parameter values safely
def is_auto(value) -> bool:
    return isinstance(value, str) and value == "auto"


def is_on(flag) -> bool:
    # get_params/set_params build the default callbacks from parameters that are not
    # validated yet (that happens in fit), so an odd value must not raise here
    return isinstance(flag, (bool, np.bool_, Integral)) and bool(flag)


def accepted_kwargs(factory, names) -> set:
    """The subset of ``names`` that ``factory`` (a class or function) accepts."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # builtins and C extensions without a signature
        return set()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return set(names)
    return {p.name for p in parameters} & set(names)
