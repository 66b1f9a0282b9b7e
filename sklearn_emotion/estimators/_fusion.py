"""Multimodal classifier: one network branch per modality (text, audio, ...), fused."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from scipy import sparse
from skorch import NeuralNetClassifier
from sklearn.utils.validation import check_array, check_consistent_length, validate_data

from ..exceptions import InvalidInputError
from ..nn import FusionNet
from ..utils._validation import StrOptions
from ._base import _EmotionNetMixin
from ._params import compose_docs, module_constraints

__all__ = ["FusionClassifier"]

#: The modality name of a plain 2-D array X (one modality).
SINGLE_MODALITY = "features"


@compose_docs
class FusionClassifier(_EmotionNetMixin, NeuralNetClassifier):
    """Multimodal emotion classifier: text and audio (or any modalities) fused in PyTorch.

    ``X`` is a dict of 2-D arrays, one per modality, such as
    ``{"text": sentence_embeddings, "audio": mfcc_statistics}`` (what
    :class:`~sklearn_emotion.multimodal.ModalityUnion` returns). The default module,
    :class:`~sklearn_emotion.nn.FusionNet`, gives each modality a ``Linear -> ReLU``
    branch, concatenates them (or fuses them with a gate or attention) and classifies
    with a linear head. Every input width is inferred from ``X``. A plain 2-D array is
    one modality named ``"features"``.

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=FusionNet
        The network; it must accept one keyword argument per modality and return
        logits. ``input_dims`` (``{modality: width}``) and ``output_dim`` are filled in at
        fit time, and so are the parameters below, down to ``n_heads``. Its other
        arguments are ``module__<name>``.
    hidden_dim : int or dict of {str: int}, default=128
        Width of every modality's branch (a dict sets them one by one; ``"gated"`` and
        ``"attention"`` fusion need equal widths).
    branch_layers : int, default=1
        ``Linear -> ReLU -> Dropout`` blocks per branch.
    dropout : float, default=0.2
        Dropout after each branch block and before the head, in ``[0, 1)``.
    fusion : {"concat", "gated", "attention"}, default="concat"
        How the branches are combined: concatenated, weighed by a softmax gate, or
        mixed by one self-attention layer over the modalities (see
        :class:`~sklearn_emotion.nn.FusionNet`).
    head_dims : tuple of int, default=()
        Hidden layers of the head after fusion; ``()`` is a single linear layer.
    n_heads : int, default=4
        Attention heads for ``fusion="attention"`` (must divide ``hidden_dim``).
    {shared: criterion optimizer lr max_epochs batch_size train_split class_weight}
    {shared: random_state early_stopping validation_fraction n_iter_no_change}
    standardize : bool, default=True
        Scale every input column to zero mean and unit variance with statistics learnt
        in ``fit`` (``mean_``, ``scale_``). MFCC statistics span several orders of
        magnitude; without this a network trains poorly on them.
    missing_modality : {"raise", "zero"}, default="raise"
        A modality seen in ``fit`` but absent from ``X`` at predict time raises an
        ``InvalidInputError``; ``"zero"`` fills it with zeros (after standardization:
        the training mean), so that e.g. a clip without transcript can still be scored.
    {shared: device verbose progress_bar classes threshold kwargs}

    Attributes
    ----------
    {shared: classes_ multilabel_}
    modalities_ : tuple of str
        The modalities seen in ``fit``, in order.
    input_dims_ : dict of {str: int}
        Width of each modality.
    n_features_in_ : int
        Total number of input columns over all modalities.
    mean_, scale_ : dict of {str: ndarray}
        Per-modality standardization statistics (``standardize=True``).
    {shared: label_encoder_ class_weight_}
    module_ : torch.nn.Module
        The trained network.
    {shared: history_}

    See Also
    --------
    sklearn_emotion.nn.FusionNet : The default network.
    sklearn_emotion.multimodal.ModalityUnion : Builds the dict ``X`` inside a Pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_emotion.estimators import FusionClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = {"text": rng.normal(size=(60, 5)), "audio": rng.normal(size=(60, 3))}
    >>> y = np.where(X["text"][:, 0] + X["audio"][:, 0] > 0, "joy", "sadness")
    >>> clf = FusionClassifier(hidden_dim=16, lr=1e-2, max_epochs=30,
    ...                        early_stopping=False, random_state=0).fit(X, y)
    >>> clf.modalities_, clf.input_dims_
    (('text', 'audio'), {'text': 5, 'audio': 3})
    >>> clf.predict_proba({"text": X["text"][:2], "audio": X["audio"][:2]}).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.8)
    True
    """

    _parameter_constraints = {
        **_EmotionNetMixin._parameter_constraints,
        "standardize": ["boolean"],
        "missing_modality": [StrOptions({"raise", "zero"})],
        **module_constraints("hidden_dim", "branch_layers", "dropout", "fusion", "head_dims",
                             "n_heads"),
    }
    # forwarded to the module (see _sklearn_params.py)
    _module_params = ("hidden_dim", "branch_layers", "dropout", "fusion", "head_dims", "n_heads")

    def __init__(
        self, module=FusionNet, *, hidden_dim=128, branch_layers=1, dropout=0.2,
        fusion="concat", head_dims=(), n_heads=4, criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW, lr=1e-3, max_epochs=100, batch_size=32,
        train_split="auto", class_weight=None, random_state=None, early_stopping=True,
        validation_fraction=0.1, n_iter_no_change=10, standardize=True,
        missing_modality="raise", device="cpu", verbose=0, progress_bar="auto",
        classes=None, threshold=0.5, **kwargs,
    ):
        self._store_init_arguments(locals())

    # ------------------------------------------------------------------ input
    def _validate_input(self, X, y="no_validation", *, reset):
        """Turn X into ``{modality: float32 array}``, checked and standardized."""
        only_X = isinstance(y, str) and y == "no_validation"
        if isinstance(X, Mapping) and not sparse.issparse(X):
            arrays = self._check_dict(X, reset=reset)
        else:  # one modality: sklearn validates it and counts its features
            if not reset and self.modalities_ != (SINGLE_MODALITY,):
                raise InvalidInputError(
                    f"{type(self).__name__} was fitted on the modalities "
                    f"{list(self.modalities_)} and expects X as a dict of arrays with those "
                    f"keys; got a {type(X).__name__}."
                )
            flat = validate_data(self, X, reset=reset, dtype=np.float32)
            arrays = {SINGLE_MODALITY: flat}
            if reset:
                self.modalities_ = (SINGLE_MODALITY,)
                self.input_dims_ = {SINGLE_MODALITY: flat.shape[1]}
        if reset:
            self._fit_scaling(arrays)
        arrays = self._scale(arrays)
        if only_X:
            return arrays
        y = self._validate_target(y)
        check_consistent_length(next(iter(arrays.values())), y)
        return arrays, y

    def _check_dict(self, X, *, reset):
        name = type(self).__name__
        if not X:
            raise InvalidInputError(f"{name} got an empty dict X; give one array per modality.")
        arrays, problems = {}, []
        if not reset:
            missing = [m for m in self.modalities_ if m not in X]
            unknown = sorted(map(str, set(X) - set(self.modalities_)))
            if unknown:
                problems.append(
                    f"X has modalities {unknown} that were not seen in fit (fitted on "
                    f"{list(self.modalities_)})"
                )
            if missing and self.missing_modality == "raise":
                problems.append(
                    f"X lacks the modalities {missing} (fitted on {list(self.modalities_)}); "
                    "provide them, or set missing_modality='zero' to fill a missing "
                    "modality with zeros"
                )
            if problems:
                raise InvalidInputError(f"{name}: " + "; ".join(problems) + ".")
        for key, value in X.items():
            if not isinstance(key, str) or not key or "." in key:
                problems.append(f"modality names must be strings without '.'; got {key!r}")
                continue
            if sparse.issparse(value):
                problems.append(
                    f"X[{key!r}] is a sparse matrix; FusionClassifier needs dense arrays "
                    "(use a dense vectorizer, or .toarray() a small one)"
                )
                continue
            try:
                array = check_array(value, dtype=np.float32, input_name=f"X[{key!r}]",
                                    estimator=self)
            except ValueError as exc:
                problems.append(str(exc).rstrip("."))
                continue
            arrays[key] = array if array.flags.writeable else array.copy()
        if problems:
            raise InvalidInputError(f"{name}: " + "; ".join(problems) + ".")
        lengths = {k: len(v) for k, v in arrays.items()}
        if len(set(lengths.values())) > 1:
            raise InvalidInputError(
                f"{name}: every modality of X needs one row per sample; got {lengths}."
            )
        if reset:
            self.modalities_ = tuple(arrays)
            self.input_dims_ = {k: int(v.shape[1]) for k, v in arrays.items()}
            self.n_features_in_ = int(sum(self.input_dims_.values()))
            self.__dict__.pop("feature_names_in_", None)
            return arrays
        widths = {k: v.shape[1] for k, v in arrays.items() if v.shape[1] != self.input_dims_[k]}
        if widths:
            expected = {k: self.input_dims_[k] for k in widths}
            raise ValueError(
                f"X has modality widths {widths}, but {name} is expecting {expected} "
                "features as input."
            )
        n_samples = next(iter(lengths.values()))
        return {
            m: arrays[m] if m in arrays else self._zeros(m, n_samples) for m in self.modalities_
        }

    def _zeros(self, modality, n_samples):
        """Raw values that standardize to zero: the training mean (or zeros)."""
        width = self.input_dims_[modality]
        mean = getattr(self, "mean_", {}).get(modality)
        if mean is None:
            return np.zeros((n_samples, width), np.float32)
        return np.repeat(mean[None, :], n_samples, axis=0).astype(np.float32)

    def _fit_scaling(self, arrays):
        if not self.standardize:
            self.__dict__.pop("mean_", None)
            self.__dict__.pop("scale_", None)
            return
        self.mean_, self.scale_ = {}, {}
        weights = getattr(self, "_fit_sample_weight_", None)  # fit(sample_weight=...)
        for key, array in arrays.items():
            if weights is None:
                mean = array.mean(axis=0, dtype=np.float64)
                std = array.std(axis=0, dtype=np.float64)
            else:  # as StandardScaler with sample_weight: weights count like copies
                mean = np.average(array, axis=0, weights=weights)
                std = np.sqrt(np.average((array - mean) ** 2, axis=0, weights=weights))
            self.mean_[key] = mean.astype(np.float32)
            self.scale_[key] = np.where(std > 1e-12, std, 1.0).astype(np.float32)

    def _scale(self, arrays):
        if not self.standardize or not hasattr(self, "mean_"):
            return arrays
        return {k: (v - self.mean_[k]) / self.scale_[k] for k, v in arrays.items()}

    def _inferred_module_params(self) -> dict:
        if not hasattr(self, "label_encoder_"):
            return {}
        return {"input_dims": dict(self.input_dims_), "output_dim": len(self.classes_)}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.dict = True
        return tags
