"""What every sklearn-emotion classifier adds on top of ``skorch.NeuralNetClassifier``.

``_EmotionNetMixin`` closes the gap between skorch and scikit-learn's estimator
contract (see DESIGN.md, "Known gap to close"): parameter and input validation,
label encoding (any labels in, the same labels out), a refusal of single-class and
regression targets with sklearn's messages, inferred module sizes, class weights,
seeding for bit-identical refits, a stratified early-stopping split, a progress bar
that can be turned off, and multi-label targets (see below). A concrete estimator is

    class XClassifier(_EmotionNetMixin, NeuralNetClassifier)

with an ``__init__`` that only stores its arguments. Its hooks are
``_validate_input`` (how X is checked) and ``_inferred_module_params`` (what the
module learns from the data), plus any skorch hook.

Multi-label: when ``y`` is a 2-D indicator matrix of 0/1 (sklearn's
``type_of_target(y) == "multilabel-indicator"``), ``fit`` sets ``multilabel_ = True``,
the module gets one output per label, the default ``criterion=CrossEntropyLoss`` is
replaced by ``BCEWithLogitsLoss`` (any other criterion is used as given),
``class_weight`` becomes the loss's ``pos_weight``, ``predict_proba`` applies a sigmoid
(one independent probability per label) and ``predict`` returns the int64 indicator
matrix ``predict_proba(X) >= threshold``. ``classes_`` names the label columns
(``0..n_labels-1``, or the ``classes`` the user passed, in that order). The early-stopping
split is a plain shuffled split, and ``valid_acc`` is the subset accuracy. ``y`` may also
be a list of label lists (``[["joy", "love"], ["anger"], []]``): it is binarized with
``MultiLabelBinarizer`` semantics, ``classes_`` are the sorted label names (or
``classes``), and ``label_encoder_.inverse_transform(net.predict(X))`` gives label lists
back. ``class_weight="balanced"`` sets ``pos_weight`` to negatives / positives per label.
"""

from __future__ import annotations

import contextlib
import inspect
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from skorch.callbacks import EpochScoring, EpochTimer, PassthroughScoring, PrintLog, ProgressBar
from skorch.dataset import ValidSplit
from skorch.utils import is_dataset, to_numpy
from sklearn.metrics import accuracy_score
from scipy import sparse
from sklearn.preprocessing import LabelEncoder, MultiLabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array, column_or_1d, validate_data
from torch.utils.data import DataLoader

from ..exceptions import EmotionWarning, InvalidInputError
from ..text._base import _RawTextMixin
from ..utils._progress import show_progress
from ..utils._torch import resolve_device
from ..utils._validation import (
    Interval,
    Options,
    StrOptions,
    as_input_errors,
    check_numeric_input,
    validate_params,
)
from ..multilabel import _is_label_lists
from .callbacks import ValidationEarlyStopping

__all__: list[str] = []  # private: the public classes live in one module each

_NOT_FITTED_MSG = (
    "This %(name)s instance is not fitted yet. Call 'fit' with appropriate arguments "
    "before using this estimator."
)


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


def _is_multi_column(y) -> bool:
    """Whether ``y`` is 2-D with more than one column (a multi-label target, maybe)."""
    if y is None or isinstance(y, str):
        return False
    shape = getattr(y, "shape", None)
    if shape is None:
        try:
            shape = np.asarray(y).shape
        except (ValueError, TypeError):  # ragged lists: let the validation explain
            return False
    return len(shape) == 2 and shape[1] > 1


def _accepted_kwargs(factory, names) -> set:
    """The subset of ``names`` that ``factory`` (a class or function) accepts."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):  # builtins and C extensions without a signature
        return set()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return set(names)
    return {p.name for p in parameters} & set(names)


def _is_auto(value) -> bool:
    return isinstance(value, str) and value == "auto"


def _is_on(flag) -> bool:
    # get_params/set_params build the default callbacks from parameters that are not
    # validated yet (that happens in fit), so an odd value must not raise here
    return isinstance(flag, (bool, np.bool_, Integral)) and bool(flag)


class _EmotionNetMixin:
    """Mixin for ``skorch.NeuralNetClassifier`` subclasses; put it left of the base class.

    The subclass ``__init__`` must accept (and only store) ``class_weight``,
    ``random_state``, ``early_stopping``, ``validation_fraction``, ``n_iter_no_change``,
    ``progress_bar`` and ``threshold``, and pass ``train_split="auto"``, ``device`` and
    ``verbose`` on to skorch. It may override:

    - ``_validate_input(X, y, *, reset)``: check X (and y) with
      ``sklearn.utils.validation.validate_data``; the default accepts a dense 2-D
      float array and casts it to float32. Override for sequences or dict input, and
      validate ``y`` with ``self._validate_target(y)`` (it keeps multi-label targets 2-D).
    - ``_inferred_module_params()``: the module arguments that depend on the
      training data; the default is ``input_dim`` (``n_features_in_``) and
      ``output_dim`` (number of classes).
    - ``_parameter_constraints``: extend with ``{**_EmotionNetMixin._parameter_constraints, ...}``.
    """

    _parameter_constraints: dict = {
        "module": [callable],
        "criterion": [callable],
        "optimizer": [callable],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1})],
        "train_split": [StrOptions({"auto"}), callable, None],
        "classes": ["array-like", None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
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

    # used by predict for multi-label targets; subclasses take it as an __init__
    # argument (this class attribute only keeps older subclasses working)
    threshold = 0.5

    # ------------------------------------------------------------------ device
    # skorch reads ``self.device`` wherever it moves tensors and modules, but
    # ``device="auto"`` must stay "auto" as a parameter (sklearn: fit does not change
    # parameters, and a clone of a model fitted on a GPU machine must still say "auto").
    # So the attribute read returns the resolved device, while get_params, clone and
    # pickle see the value the user passed, kept in the instance __dict__.
    def _get_device(self):
        device = self.__dict__.get("device", "cpu")
        return resolve_device("auto") if _is_auto(device) else device

    def _set_device(self, value):
        self.__dict__["device"] = value

    device = property(_get_device, _set_device)

    def _get_param_names(self):
        # skorch lists every attribute that does not end in "_" as a parameter, which
        # includes its private bookkeeping set; set_params(_params_to_validate=...) then
        # breaks skorch (sklearn's check_set_params). NeuralNet.__init__ rebuilds the set
        # from the keyword arguments, so clone does not need it.
        return [name for name in super()._get_param_names() if name != "_params_to_validate"]

    def get_params(self, deep=True, **kwargs):
        params = super().get_params(deep=deep, **kwargs)
        if "device" in self.__dict__:
            params["device"] = self.__dict__["device"]  # "auto" stays "auto"
        return params

    def __setstate__(self, state):
        auto = _is_auto(state.get("device"))
        if auto:  # skorch's __setstate__ maps tensors to state["device"]
            state["device"] = resolve_device("auto")
        super().__setstate__(state)
        if auto:
            self.__dict__["device"] = "auto"

    # ------------------------------------------------------- hooks to override
    def _validate_input(self, X, y="no_validation", *, reset):
        """Validate X (and y, unless "no_validation") the way sklearn estimators do."""
        only_X = isinstance(y, str) and y == "no_validation"
        # a multi-label indicator matrix stays 2-D; a column vector is raveled (with
        # sklearn's DataConversionWarning)
        y_params = {"multi_output": True} if _is_multi_column(y) else {}
        validated = validate_data(self, X, y, reset=reset, dtype=np.float32, **y_params)
        X = validated if only_X else validated[0]
        # torch warns about (and cannot protect) read-only arrays, which pandas
        # copy-on-write and memory-mapped input produce: copy those
        if not X.flags.writeable:
            X = X.copy()
        return X if only_X else (X, validated[1])

    def _validate_target(self, y):
        """Validate ``y`` alone (for subclasses that check X themselves).

        1-D labels and column vectors give a 1-D array (the latter with sklearn's
        ``DataConversionWarning``); a 2-D target with several columns stays 2-D.
        """
        # sklearn's validate_data(X="no_validation", y=y) would also reset (delete) the
        # feature_names_in_ that the subclass may just have set from X: check y alone
        if y is None:
            raise ValueError(
                f"This {type(self).__name__} estimator requires y to be passed, but the "
                "target y is None."
            )
        if not _is_multi_column(y):
            y = column_or_1d(y, warn=True)
        return check_array(
            y, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y", estimator=self
        )

    def _inferred_module_params(self) -> dict:
        """Module arguments learnt from the training data (empty before fit)."""
        if not hasattr(self, "label_encoder_"):
            return {}
        return {"input_dim": self.n_features_in_, "output_dim": len(self.classes_)}

    # --------------------------------------------------------------------- fit
    def fit(self, X, y, **fit_params):
        """Validate the data, initialize the module and train it.

        Unless ``warm_start=True`` (and the net was fitted before), everything
        learnt is reset: labels, input width, module weights and history.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features (cast to float32).
        y : array-like of shape (n_samples,) or (n_samples, n_labels), or list of lists
            Class labels of any type (str, int, ...), at least two classes; or a
            multi-label indicator matrix of 0/1, or one list of labels per sample.
        **fit_params : dict
            Passed to the module's ``forward`` (skorch semantics).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not (self.warm_start and self._is_trained())
        return self._fit(X, y, reset=reset, classes=None, routing="fit", **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs, without resetting the module.

        The first call behaves like ``fit``; pass ``classes`` there when a batch may
        not contain every label. Later calls must use the same features and labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), or list of lists
            Class labels, a multi-label indicator matrix, or label lists.
        classes : array-like of shape (n_classes,), default=None
            All labels that can appear (multi-label: the names of the columns); only
            used by the first call.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not self._is_trained()
        return self._fit(X, y, reset=reset, classes=classes, routing="partial_fit", **fit_params)

    def _is_trained(self) -> bool:
        return bool(self.initialized_) and hasattr(self, "label_encoder_")

    def _fit(self, X, y, *, reset, classes, routing, **fit_params):
        validate_params(self)
        with as_input_errors():  # sklearn's ValueError/TypeError -> the library's own
            self._check_numeric_input(X)
            y, classes = self._binarize_label_lists(y, reset=reset, classes=classes)
            X, y = self._validate_input(X, y, reset=reset)
            y = self._encode_targets(y, reset=reset, classes=classes)
        if reset:
            self._n_train_samples_ = len(y)  # for progress_bar="auto"
        with self._seeded():
            if reset:
                self.initialize()
            # skorch's own partial_fit: the training loop, without our validation
            super().partial_fit(X, y, _routing_method=routing, **fit_params)
        return self

    def _binarize_label_lists(self, y, *, reset, classes):
        """A list of label lists (``[["joy", "love"], ["anger"], []]``) becomes an
        indicator matrix, with ``MultiLabelBinarizer`` semantics: the columns are the
        sorted labels, or the ``classes`` given (every label of y must be among them).
        Anything else is returned unchanged. Returns ``(y, classes)``.
        """
        if not _is_label_lists(y):
            return y, classes
        y = [list(labels) for labels in y]
        known = classes if classes is not None else self.classes
        if not reset:
            known = self.classes_
        if known is None:
            binarizer = MultiLabelBinarizer().fit(y)
        else:
            binarizer = MultiLabelBinarizer(classes=list(np.asarray(known))).fit([])
            seen = {label for labels in y for label in labels}
            unknown = sorted(seen - set(binarizer.classes_.tolist()), key=str)
            if unknown:
                raise ValueError(
                    f"{type(self).__name__}: y names labels {unknown} that are not among the "
                    f"classes {binarizer.classes_.tolist()}. Add them to 'classes' or refit "
                    "from scratch with fit."
                )
        return binarizer.transform(y), (binarizer.classes_ if reset else classes)

    def _encode_targets(self, y, *, reset, classes):
        """Check that y is a classification target; map labels to 0..n_classes-1.

        A multi-label indicator matrix is returned as float32 (for BCEWithLogitsLoss).
        """
        if sparse.issparse(y):
            y = y.toarray()
        check_classification_targets(y)
        name = type(self).__name__
        kind = type_of_target(y, input_name="y")
        if kind == "multiclass-multioutput":
            raise ValueError(
                f"{name} supports one label per sample (a 1-D y) or several labels per "
                "sample given as a 2-D indicator matrix of 0 and 1 (multi-label); got a 2-D "
                "y with other values (multiclass-multioutput). Binarize it, e.g. with "
                "sklearn.preprocessing.MultiLabelBinarizer, or fit one classifier per column."
            )
        multilabel = kind == "multilabel-indicator"
        if multilabel:
            values = np.unique(np.asarray(y))
            if not np.isin(values, [0, 1]).all():  # sklearn also calls {0, 2} multi-label
                raise ValueError(
                    f"{name}: a multi-label indicator matrix must hold 0 and 1; got "
                    f"{values.tolist()}."
                )
        if not reset and multilabel != self.multilabel_:
            raise ValueError(
                f"{name} was fitted on a {'multi' if self.multilabel_ else 'single'}-label "
                f"target and got a {'multi' if multilabel else 'single'}-label one; refit "
                "from scratch with fit."
            )
        if multilabel:
            return self._encode_multilabel(np.asarray(y), reset=reset, classes=classes)
        if reset:
            self.multilabel_ = False
            labels = classes if classes is not None else self.classes
            encoder = LabelEncoder().fit(y if labels is None else np.asarray(labels))
            if len(encoder.classes_) < 2:
                label = encoder.classes_[0]
                label = label.item() if isinstance(label, np.generic) else label
                raise ValueError(
                    f"{name} needs samples of at least 2 classes in the data, but the data "
                    f"contains only one class: {label!r}."
                )
            self.label_encoder_ = encoder
            self.class_weight_ = (
                None
                if self.class_weight is None
                else compute_class_weight(self.class_weight, classes=encoder.classes_, y=y)
            )
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"{name}: y contains labels {unseen.tolist()} that are not among the known "
                f"classes {self.classes_.tolist()}. Pass every label through 'classes' "
                "or refit from scratch with fit."
            )
        return self.label_encoder_.transform(y).astype(np.int64)

    def _encode_multilabel(self, Y, *, reset, classes):
        """Multi-label: name the columns, compute ``pos_weight``; return float32 targets."""
        name = type(self).__name__
        n_labels = Y.shape[1]
        if reset:
            self.multilabel_ = True
            labels = classes if classes is not None else self.classes
            labels = list(range(n_labels)) if labels is None else list(np.asarray(labels))
            if len(labels) != n_labels:
                raise ValueError(
                    f"{name}: 'classes' must name the {n_labels} columns of the multi-label "
                    f"target y; got {len(labels)} names."
                )
            # keeps the column order (LabelEncoder would sort the names)
            self.label_encoder_ = MultiLabelBinarizer(classes=labels).fit([])
            self.class_weight_ = self._pos_weight(Y)
        elif n_labels != len(self.classes_):
            raise ValueError(
                f"{name} was fitted on {len(self.classes_)} labels; y has {n_labels} columns."
            )
        return Y.astype(np.float32)

    def _pos_weight(self, Y):
        """``class_weight`` as BCEWithLogitsLoss's ``pos_weight`` (one value per label).

        "balanced": negatives / positives of each label (1 where a label is constant);
        a dict ``{label: weight}`` sets the weight of the positives of those labels.
        """
        if self.class_weight is None:
            return None
        n_labels = Y.shape[1]
        if isinstance(self.class_weight, dict):
            weights = np.ones(n_labels)
            classes = self.classes_.tolist()
            missing = [label for label in self.class_weight if label not in classes]
            if missing:
                raise ValueError(
                    f"{type(self).__name__}: class_weight names labels {missing} that are not "
                    f"among the label columns {classes}."
                )
            for label, value in self.class_weight.items():
                weights[classes.index(label)] = value
            return weights
        positives = (Y != 0).sum(axis=0).astype(np.float64)
        negatives = len(Y) - positives
        constant = (positives == 0) | (negatives == 0)
        return np.where(constant, 1.0, negatives / np.maximum(positives, 1))

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

    # ------------------------------------------------------------ skorch hooks
    @property
    def _default_callbacks(self):
        callbacks = [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("valid_acc", EpochScoring(_valid_accuracy, name="valid_acc", lower_is_better=False)),
        ]
        if _is_on(self.early_stopping):
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
        if _is_auto(self.progress_bar):
            n_samples = getattr(self, "_n_train_samples_", 0)
            return _is_on(self.verbose) and show_progress("auto", n_samples)
        return _is_on(self.progress_bar)

    def initialize_module(self):
        # The sizes that depend on the data (input_dim, output_dim) are passed to the
        # module here, at initialization, instead of through skorch's InputShapeSetter:
        # that callback calls ``set_params(module__input_dim=...)``, which adds public
        # attributes during fit (sklearn's check_dont_overwrite_parameters fails) and
        # makes a clone of a fitted net inherit the old sizes. Explicit ``module__*``
        # values win; a module instance without ``module__*`` values is used as given
        # (with them, skorch rebuilds it from its class).
        kwargs = self.get_params_for("module")
        is_instance = isinstance(self.module, torch.nn.Module)
        if kwargs or not is_instance:
            inferred = self._inferred_module_params()
            accepted = _accepted_kwargs(type(self.module) if is_instance else self.module, inferred)
            kwargs = {**{k: v for k, v in inferred.items() if k in accepted}, **kwargs}
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def initialize_criterion(self):
        # Multi-label targets swap the default CrossEntropyLoss class for
        # BCEWithLogitsLoss. Class weights become the criterion's ``weight`` (multi-label:
        # ``pos_weight``) unless criterion__weight (criterion__pos_weight) is set.
        kwargs = self.get_params_for("criterion")
        criterion = self.criterion
        multilabel = getattr(self, "multilabel_", False)
        if multilabel and criterion is torch.nn.CrossEntropyLoss:
            criterion = torch.nn.BCEWithLogitsLoss
        key, example = ("pos_weight", "BCEWithLogitsLoss") if multilabel else (
            "weight", "CrossEntropyLoss"
        )
        weight = getattr(self, "class_weight_", None)
        if weight is not None and key not in kwargs:
            if isinstance(criterion, torch.nn.Module) or not _accepted_kwargs(criterion, [key]):
                raise ValueError(
                    f"{type(self).__name__}: class_weight={self.class_weight!r} needs a "
                    f"criterion class that accepts a '{key}' argument (such as "
                    f"torch.nn.{example}); got criterion={criterion!r}. Pass "
                    "the class rather than an instance, or set class_weight=None."
                )
            kwargs[key] = torch.as_tensor(weight, dtype=torch.float32)
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

    def _get_predict_nonlinearity(self):
        # skorch infers the softmax from CrossEntropyLoss; for BCEWithLogitsLoss it would
        # build (n, 2) binary probabilities, which is wrong for n_labels independent logits
        if getattr(self, "multilabel_", False) and _is_auto(self.predict_nonlinearity):
            self.check_is_fitted()
            return torch.sigmoid
        return super()._get_predict_nonlinearity()

    def get_split_datasets(self, X, y=None, **fit_params):
        if not _is_auto(self.train_split):
            return super().get_split_datasets(X, y, **fit_params)
        dataset = self.get_dataset(X, y)
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
        # shuffle=False); iterator_train__shuffle=False turns it off.
        if not training or self.iterator_train is not DataLoader:
            return super().get_iterator(dataset, training=training)
        kwargs = self.get_params_for("iterator_train")
        kwargs.setdefault("shuffle", True)
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return self.iterator_train(dataset, **kwargs)

    def _check_numeric_input(self, X):
        # raw-text estimators (TransformerClassifier) check their texts themselves
        if not isinstance(self, _RawTextMixin):
            check_numeric_input(X, name=type(self).__name__)

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        # ResumeTraining restored a checkpoint: train only the epochs that remain
        done = self.__dict__.pop("_resumed_epochs_", None)
        if epochs is None and done is not None:
            epochs = max(self.max_epochs - done, 0)
        return super().fit_loop(X, y, epochs=epochs, **fit_params)

    def check_data(self, X, y):
        # X and y were validated, and y label-encoded, before training started;
        # NeuralNetClassifier.check_data would only store the encoded labels again.
        pass

    def check_is_fitted(self, attributes=None, *args, **kwargs):
        attributes = attributes or (
            [name + "_" for name in self._modules] or ["module_"]
        ) + ["label_encoder_"]
        kwargs.setdefault("msg", _NOT_FITTED_MSG)
        return super().check_is_fitted(attributes, *args, **kwargs)

    # ----------------------------------------------------------------- predict
    @property
    def classes_(self):
        """Class labels seen in ``fit`` (or given by ``classes``), in sorted order.

        Multi-label: the names of the label columns, in column order.
        """
        try:
            return self.label_encoder_.classes_
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute 'classes_' before it is fitted; "
                "call 'fit' first."
            ) from None

    def predict_proba(self, X):
        """Class probabilities; columns follow ``classes_`` and rows sum to 1.

        Multi-label: one independent probability per label (a sigmoid), so rows do
        not sum to 1.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, with the same columns as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), dtype float32
        """
        self.check_is_fitted()
        if not is_dataset(X):  # skorch's scoring callbacks pass its own datasets
            with as_input_errors():
                self._check_numeric_input(X)
                X = self._validate_input(X, reset=False)
        # torch's DataLoader draws a seed from the global generator on every pass, even
        # unshuffled: predicting must not move the caller's random state
        with torch.random.fork_rng(devices=[]):
            return super().predict_proba(X)

    def predict(self, X):
        """Most probable class label for each sample (multi-label: every likely label).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, with the same columns as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels of the same kind as the ``y`` passed to ``fit``. Multi-label: the
            int64 indicator matrix ``predict_proba(X) >= threshold``.
        """
        proba = self.predict_proba(X)  # first: it raises NotFittedError before fit
        if getattr(self, "multilabel_", False):
            return (proba >= self.threshold).astype(np.int64)
        return self.classes_[proba.argmax(axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy of ``predict(X)`` (multi-label: subset accuracy, every label right).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, with the same columns as in ``fit``.
        y : array-like of shape (n_samples,) or (n_samples, n_labels), or list of lists
            True labels, of the same kind as in ``fit``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        float
        """
        if getattr(self, "multilabel_", False) and _is_label_lists(y):
            y = self._binarize_label_lists(y, reset=False, classes=None)[0]
        self._check_known_labels(y)
        return super().score(X, y, sample_weight=sample_weight)

    def _check_known_labels(self, y):
        """Scoring: refuse labels the model never saw (they could only count as errors)."""
        self.check_is_fitted()
        if getattr(self, "multilabel_", False) or y is None or _is_multi_column(y):
            return
        with as_input_errors():
            y = column_or_1d(y, warn=True)
            unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise InvalidInputError(
                f"{type(self).__name__}.score got y with labels {unseen.tolist()[:10]} that "
                f"the model never saw in fit (it knows {self.classes_.tolist()}). Map them to "
                "known labels or drop those samples; a model cannot predict unseen labels."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # stated explicitly: dense, finite 2-D input; y required; multi-class and
        # multi-label (indicator matrix) targets. Not multi_output: sklearn means
        # multiclass-multioutput by it, which fit refuses.
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = True
        return tags
