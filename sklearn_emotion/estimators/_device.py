"""``device="auto"``: resolved wherever skorch uses it, kept as "auto" as a parameter."""

from __future__ import annotations

from ..utils._torch import resolve_device
from ._params import is_auto

__all__: list[str] = []  # private: a mixin of the estimators' base


class _AutoDeviceMixin:
    """skorch reads ``self.device`` wherever it moves tensors and modules, but
    ``device="auto"`` must stay "auto" as a parameter (sklearn: fit does not change
    parameters, and a clone of a model fitted on a GPU machine must still say "auto").
    So the attribute read returns the resolved device, while get_params, clone and
    pickle see the value the user passed, kept in the instance ``__dict__``.
    """

    def _get_device(self):
        device = self.__dict__.get("device", "cpu")
        return resolve_device("auto") if is_auto(device) else device

    def _set_device(self, value):
        self.__dict__["device"] = value

    device = property(_get_device, _set_device)

    def get_params(self, deep=True, **kwargs):
        params = super().get_params(deep=deep, **kwargs)
        if "device" in self.__dict__:
            params["device"] = self.__dict__["device"]  # "auto" stays "auto"
        return params

    def __setstate__(self, state):
        auto = is_auto(state.get("device"))
        if auto:  # skorch's __setstate__ maps tensors to state["device"]
            state["device"] = resolve_device("auto")
        super().__setstate__(state)
        if auto:
            self.__dict__["device"] = "auto"
