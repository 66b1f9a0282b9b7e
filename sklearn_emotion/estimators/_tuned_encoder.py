"""A sentence encoder whose weights were fine-tuned in ``fit``, stored by value.

:class:`~sklearn_emotion.vectorizers.SentenceVectorizer` stores its frozen encoder by
reference in model files (the plugin or folder name and a fingerprint). A fine-tuned
encoder differs from the one its name loads, so this subclass also keeps the tuned
weights as numpy arrays (``encoder_state_``, sharing memory with the CPU model), which
the safe model format writes by value; loading applies them to the named base encoder.
"""

from __future__ import annotations

import copy

from .._optional import import_optional
from ..utils._torch import resolve_device
from ..vectorizers import SentenceVectorizer

__all__: list[str] = []  # private: the body of FewShotClassifier

# The last base encoder loaded from local files, as (key, loaded attributes): fits in a
# grid search or a cross-validation start from a copy instead of reading ~90 MB again.
_LAST_LOADED: list = []


def _numpy_state(encoder) -> dict:
    """The encoder's weights as numpy arrays (views of the tensors on the CPU)."""
    return {name: tensor.detach().cpu().numpy() for name, tensor in encoder.state_dict().items()}


class _TunedSentenceVectorizer(SentenceVectorizer):
    """SentenceVectorizer holding weights trained after loading (see module docstring)."""

    def _load_resource(self, resource) -> dict:
        """The base encoder, a fresh copy of the last one loaded from the same local files."""
        location = getattr(resource, "location", None)
        if location is None:  # a hub name: load as SentenceVectorizer does
            return super()._load_resource(resource)
        key = (str(location), resolve_device(self.device))
        if not _LAST_LOADED or _LAST_LOADED[0][0] != key:
            _LAST_LOADED[:] = [(key, super()._load_resource(resource))]
        loaded = dict(_LAST_LOADED[0][1])
        loaded["encoder_"] = copy.deepcopy(loaded["encoder_"])
        return loaded

    def _store_tuned_weights(self) -> None:
        """Record the (fine-tuned) weights of ``encoder_`` for the model format."""
        self.encoder_state_ = _numpy_state(self.encoder_)

    def __emotion_reload__(self) -> dict:
        """The base encoder loaded from the parameters, with the tuned weights applied."""
        torch = import_optional("torch", feature="FewShotClassifier")
        loaded = super().__emotion_reload__()
        state = {name: torch.from_numpy(array.copy())
                 for name, array in self.encoder_state_.items()}
        loaded["encoder_"].load_state_dict(state, strict=True)
        self.encoder_state_ = _numpy_state(loaded["encoder_"])
        return loaded

    def __getstate__(self):
        state = super().__getstate__()
        if state.get("encoder_") is not None:  # pickle: the module carries the weights
            state = dict(state)
            state.pop("encoder_state_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if getattr(self, "encoder_", None) is not None and "encoder_state_" not in state:
            self._store_tuned_weights()
