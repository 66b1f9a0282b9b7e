"""What every sklearn-emotion classifier adds on top of ``skorch.NeuralNetClassifier``.

``_EmotionNetMixin`` closes the gap between skorch and scikit-learn's estimator
contract (see DESIGN.md, "Known gap to close"): parameter and input validation,
label encoding (any labels in, the same labels out), a refusal of single-class and
regression targets with sklearn's messages, inferred module sizes, class weights,
seeding for bit-identical refits, a stratified early-stopping split and a progress bar
that can be turned off. A concrete estimator is

    class XClassifier(_EmotionNetMixin, NeuralNetClassifier)

with an ``__init__`` that only stores its arguments. Its hooks are
``_validate_input`` (how X is checked) and ``_inferred_module_params`` (what the
module learns from the data), plus any skorch hook.
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
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data
from torch.utils.data import DataLoader

from ..exceptions import EmotionWarning
from ..utils._progress import show_progress
from ..utils._torch import resolve_device
from ..utils._validation import Interval, Options, StrOptions, validate_params
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
    """
    return accuracy_score(to_numpy(y), net.predict_proba(X).argmax(axis=1))


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
    ``random_state``, ``early_stopping``, ``validation_fraction``, ``n_iter_no_change``
    and ``progress_bar``, and pass ``train_split="auto"``, ``device`` and ``verbose``
    on to skorch. It may override:

    - ``_validate_input(X, y, *, reset)``: check X (and y) with
      ``sklearn.utils.validation.validate_data``; the default accepts a dense 2-D
      float array and casts it to float32. Override for sequences or dict input.
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
        "warm_start": ["boolean"],
    }

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
        validated = validate_data(self, X, y, reset=reset, dtype=np.float32)
        X = validated if only_X else validated[0]
        # torch warns about (and cannot protect) read-only arrays, which pandas
        # copy-on-write and memory-mapped input produce: copy those
        if not X.flags.writeable:
            X = X.copy()
        return X if only_X else (X, validated[1])

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
        y : array-like of shape (n_samples,)
            Class labels of any type (str, int, ...); at least two classes.
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
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            All labels that can appear; only used by the first call.
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

    def _encode_targets(self, y, *, reset, classes):
        """Check that y is a classification target; map labels to 0..n_classes-1."""
        check_classification_targets(y)
        name = type(self).__name__
        if reset:
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
        # class weights become the criterion's ``weight`` unless criterion__weight is set
        kwargs = self.get_params_for("criterion")
        weight = getattr(self, "class_weight_", None)
        if weight is not None and "weight" not in kwargs:
            if isinstance(self.criterion, torch.nn.Module) or not _accepted_kwargs(
                self.criterion, ["weight"]
            ):
                raise ValueError(
                    f"{type(self).__name__}: class_weight={self.class_weight!r} needs a "
                    "criterion class that accepts a 'weight' argument (such as "
                    f"torch.nn.CrossEntropyLoss); got criterion={self.criterion!r}. Pass "
                    "the class rather than an instance, or set class_weight=None."
                )
            kwargs["weight"] = torch.as_tensor(weight, dtype=torch.float32)
        self.criterion_ = self.initialized_instance(self.criterion, kwargs)
        return self

    def get_split_datasets(self, X, y=None, **fit_params):
        if not _is_auto(self.train_split):
            return super().get_split_datasets(X, y, **fit_params)
        dataset = self.get_dataset(X, y)
        split = self._auto_train_split(to_numpy(y))
        if split is None:
            return dataset, None
        return split(dataset, y, **fit_params)

    def _auto_train_split(self, y):
        """``train_split="auto"``: a stratified hold-out set when early stopping is on."""
        if not self.early_stopping:
            return None
        n_samples = len(y)
        _, counts = np.unique(y, return_counts=True)
        n_valid = int(np.ceil(self.validation_fraction * n_samples))
        n_train = int(np.floor((1 - self.validation_fraction) * n_samples))
        if counts.min() < 2:
            problem = f"the least populated class has only {counts.min()} sample"
        elif min(n_valid, n_train) < len(counts):
            problem = (
                f"validation_fraction={self.validation_fraction} of {n_samples} samples "
                f"leaves {n_valid} for validation and {n_train} for training, fewer than "
                f"the {len(counts)} classes"
            )
        else:
            return ValidSplit(
                self.validation_fraction, stratified=True, random_state=self._split_seed_
            )
        warnings.warn(
            f"{type(self).__name__}: early stopping needs a stratified validation split, "
            f"but {problem}; training on all {n_samples} samples for max_epochs="
            f"{self.max_epochs} epochs instead. Use more data or a larger "
            "validation_fraction, or set early_stopping=False to silence this warning.",
            EmotionWarning,
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
        """Class labels seen in ``fit`` (or given by ``classes``), in sorted order."""
        try:
            return self.label_encoder_.classes_
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__} has no attribute 'classes_' before it is fitted; "
                "call 'fit' first."
            ) from None

    def predict_proba(self, X):
        """Class probabilities; columns follow ``classes_`` and rows sum to 1.

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
            X = self._validate_input(X, reset=False)
        return super().predict_proba(X)

    def predict(self, X):
        """Most probable class label for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, with the same columns as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels of the same kind as the ``y`` passed to ``fit``.
        """
        proba = self.predict_proba(X)  # first: it raises NotFittedError before fit
        return self.classes_[proba.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # stated explicitly: dense, finite 2-D input; one label per sample; y required
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        return tags
