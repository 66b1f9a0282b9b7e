"""What every sklearn-emotion classifier adds on top of ``skorch.NeuralNetClassifier``.

``_EmotionNetMixin`` closes the gap between skorch and scikit-learn's estimator
contract: parameter and input validation, label encoding (any labels in, the same
labels out), a refusal of single-class and regression targets with sklearn's
messages, inferred module sizes and class weights. It is assembled from one mixin per
concern: the target and its label encoding (``_targets.py``), the multi-label mode
(``_multilabel.py``), sample weights (``_sample_weight.py``), training
(``_training.py``: seeding, the early-stopping split, callbacks, batches), ``device="auto"``
(``_device.py``) and scikit-learn's repr, ``get_params``/``set_params`` and the
network knobs (``_sklearn_params.py``); ``_params.py`` holds the shared parameters'
constraints and docs.
A concrete estimator is ``class XClassifier(_EmotionNetMixin, NeuralNetClassifier)``
whose ``__init__`` lists every parameter (scikit-learn reads the signature) and only
stores them. Its hooks are ``_validate_input`` (how X is checked) and
``_inferred_module_params`` (what the module learns from the data), plus skorch's.
"""

from __future__ import annotations

import inspect

import numpy as np
import torch
from skorch.utils import is_dataset
from sklearn.utils.validation import _num_samples, validate_data

from ..text._base import RawTextMixin
from ..utils._validation import (
    as_input_errors, check_numeric_input, check_sample_weight, validate_params,
)
from ._device import _AutoDeviceMixin
from ._multilabel import _MultiLabelMixin, is_multi_column
from ._params import NET_PARAMETER_CONSTRAINTS, accepted_kwargs
from ._sample_weight import _SampleWeightMixin
from ._sklearn_params import _SklearnParamsMixin
from ._targets import _TargetsMixin
# _valid_accuracy too: model files written before the split name it here
from ._training import _TrainingMixin, _valid_accuracy  # noqa: F401

__all__: list[str] = []  # private: the public classes live in one module each

_NOT_FITTED_MSG = (
    "This %(name)s instance is not fitted yet. Call 'fit' with appropriate arguments "
    "before using this estimator."
)

# the arguments that NeuralNetClassifier.__init__ takes; the estimators' other explicit
# arguments are this library's own, stored as attributes of the same name
_SKORCH_ARGUMENTS = (
    "module", "criterion", "optimizer", "lr", "max_epochs", "batch_size", "train_split",
    "device", "verbose", "classes",
)


class _EmotionNetMixin(
    _TargetsMixin, _MultiLabelMixin, _SampleWeightMixin, _TrainingMixin, _AutoDeviceMixin,
    _SklearnParamsMixin,
):
    """Mixin for ``skorch.NeuralNetClassifier`` subclasses; put it left of the base class.

    The subclass ``__init__`` must accept ``class_weight``, ``random_state``,
    ``early_stopping``, ``validation_fraction``, ``n_iter_no_change``,
    ``progress_bar`` and ``threshold`` besides skorch's arguments, and store them all
    with ``self._store_init_arguments(locals())``. It may override:

    - ``_validate_input(X, y, *, reset)``: check X (and y) with
      ``sklearn.utils.validation.validate_data``; the default accepts a dense 2-D
      float array and casts it to float32. Override for sequences or dict input, and
      validate ``y`` with ``self._validate_target(y)`` (it keeps multi-label targets 2-D).
    - ``_inferred_module_params()``: the module arguments that depend on the
      training data; the default is ``input_dim`` (``n_features_in_``) and
      ``output_dim`` (number of classes).
    - ``_parameter_constraints``: extend with ``{**_EmotionNetMixin._parameter_constraints, ...}``.
    - ``_module_params``: the module arguments that are also ``__init__`` arguments
      (with the module's defaults), forwarded to the module at initialization.
    """

    _parameter_constraints: dict = NET_PARAMETER_CONSTRAINTS

    # used by predict for multi-label targets; subclasses take it as an __init__
    # argument (this class attribute only keeps older subclasses working)
    threshold = 0.5

    def _store_init_arguments(self, arguments):
        """The whole body of an estimator's ``__init__``: ``self._store_init_arguments(locals())``.

        skorch's arguments and ``**kwargs`` go to ``NeuralNetClassifier.__init__``; every
        other argument is stored as the attribute of the same name, in signature order.
        """
        arguments = {k: v for k, v in arguments.items() if k not in ("self", "__class__")}
        kwargs = arguments.pop("kwargs")
        skorch = {name: arguments.pop(name) for name in _SKORCH_ARGUMENTS}
        super().__init__(**skorch, **kwargs)
        for name, value in arguments.items():
            setattr(self, name, value)

    # ------------------------------------------------------- hooks to override
    def _validate_input(self, X, y="no_validation", *, reset):
        """Validate X (and y, unless "no_validation") the way sklearn estimators do."""
        only_X = isinstance(y, str) and y == "no_validation"
        # a multi-label indicator matrix stays 2-D; a column vector is raveled (with
        # sklearn's DataConversionWarning)
        y_params = {"multi_output": True} if is_multi_column(y) else {}
        validated = validate_data(self, X, y, reset=reset, dtype=np.float32, **y_params)
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
    def fit(self, X, y, sample_weight=None, **fit_params):
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
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the training loss (the weighted mean of the
            per-sample losses), also on the internal validation split that early
            stopping watches; it multiplies with ``class_weight``. Non-negative, not
            all zero; ``None`` weighs every sample alike.
        **fit_params : dict
            Passed to the module's ``forward`` (skorch semantics).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not (self.warm_start and self._is_trained())
        return self._fit(X, y, reset=reset, classes=None, routing="fit",
                         sample_weight=sample_weight, **fit_params)

    def partial_fit(self, X, y=None, classes=None, sample_weight=None, **fit_params):
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
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the training loss, as in ``fit``.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        reset = not self._is_trained()
        return self._fit(X, y, reset=reset, classes=classes, routing="partial_fit",
                         sample_weight=sample_weight, **fit_params)

    def _is_trained(self) -> bool:
        return bool(self.initialized_) and hasattr(self, "label_encoder_")

    def _fit(self, X, y, *, reset, classes, routing, sample_weight, **fit_params):
        validate_params(self)
        with as_input_errors():  # sklearn's ValueError/TypeError -> the library's own
            self._check_numeric_input(X)
            y, classes = self._binarize_label_lists(y, reset=reset, classes=classes)
            if y is not None:  # (else _validate_input says that y is required)
                sample_weight = check_sample_weight(sample_weight, _num_samples(y))
        # the weights are known from here on: to _validate_input (FusionClassifier's
        # standardization) and to the data set of the training loop
        with self._fit_weights(sample_weight):
            with as_input_errors():
                X, y = self._validate_input(X, y, reset=reset)
                y = self._encode_targets(y, reset=reset, classes=classes,
                                         sample_weight=sample_weight)
            if reset:
                self._n_train_samples_ = len(y)  # for progress_bar="auto"
            with self._seeded():
                if reset:
                    self.initialize()
                # skorch's own partial_fit: the training loop, without our validation
                super().partial_fit(X, y, _routing_method=routing, **fit_params)
        return self

    # ------------------------------------------------------------ skorch hooks
    def initialize_module(self):
        # The sizes that depend on the data (input_dim, output_dim) are passed to the
        # module here, at initialization, instead of through skorch's InputShapeSetter:
        # that callback calls ``set_params(module__input_dim=...)``, which adds public
        # attributes during fit (sklearn's check_dont_overwrite_parameters fails) and
        # makes a clone of a fitted net inherit the old sizes. The first-class knobs
        # (hidden sizes, dropout, ...) and explicit ``module__*`` values win; a module
        # instance without changed ones is used as given (with them, skorch rebuilds
        # it from its class).
        kwargs = self._module_kwargs()
        is_instance = isinstance(self.module, torch.nn.Module)
        if kwargs or not is_instance:
            inferred = self._inferred_module_params()
            accepted = accepted_kwargs(type(self.module) if is_instance else self.module, inferred)
            kwargs = {**{k: v for k, v in inferred.items() if k in accepted}, **kwargs}
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def initialize_criterion(self):
        # Class weights become the criterion's ``weight`` (multi-label: ``pos_weight``)
        # unless criterion__weight (criterion__pos_weight) is set.
        kwargs = self.get_params_for("criterion")
        criterion, key, example = self._training_criterion()
        weight = getattr(self, "class_weight_", None)
        if weight is not None and key not in kwargs:
            if isinstance(criterion, torch.nn.Module) or not accepted_kwargs(criterion, [key]):
                if self._class_weight_is_default():
                    # the estimator's default weighting gives way to a criterion without
                    # weights; only a class_weight the user chose is an error
                    self.class_weight_ = None
                    self.criterion_ = self.initialized_instance(criterion, kwargs)
                    return self
                raise ValueError(
                    f"{type(self).__name__}: class_weight={self.class_weight!r} needs a "
                    f"criterion class that accepts a '{key}' argument (such as "
                    f"torch.nn.{example}); got criterion={criterion!r}. Pass "
                    "the class rather than an instance, or set class_weight=None."
                )
            kwargs[key] = torch.as_tensor(weight, dtype=torch.float32)
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

    def _class_weight_is_default(self) -> bool:
        default = inspect.signature(type(self).__init__).parameters.get("class_weight")
        return default is not None and isinstance(self.class_weight, str) and (
            self.class_weight == default.default)

    def _check_numeric_input(self, X):
        # raw-text estimators (TransformerClassifier) check their texts themselves
        if not isinstance(self, RawTextMixin):
            check_numeric_input(X, name=type(self).__name__)

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
        return self._decide(self.predict_proba(X))  # NotFittedError before fit

    def score(self, X, y, sample_weight=None):
        """Accuracy of ``predict(X)`` (multi-label: subset accuracy, every label right).

        As ``sklearn.base.ClassifierMixin.score``: a label never seen in ``fit`` simply
        counts as a wrong prediction, so default-scored cross-validation gives numbers
        even when a fold lacks a class.

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

        Notes
        -----
        Where a label would silently corrupt a result, a clear error stays:
        ``partial_fit`` (or a ``warm_start`` refit) with labels outside ``classes_``; a
        multi-label ``y`` with another number of columns; label lists naming a label
        outside ``classes_`` (dropping it would change the truth); a single-label ``y``
        for a multi-label model, or the reverse.
        """
        self.check_is_fitted()
        return super().score(X, self._as_indicator(y), sample_weight=sample_weight)

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
