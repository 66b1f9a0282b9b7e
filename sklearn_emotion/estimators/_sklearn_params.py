"""scikit-learn's parameter interface over skorch's: repr, get_params, set_params, knobs.

skorch lists every attribute as a parameter, prints its own repr, and accepts any
``prefix__name`` key in ``set_params`` (a typo fails only at fit). This mixin gives the
estimators scikit-learn's behaviour instead:

- ``repr`` and the HTML diagram are scikit-learn's, with only the parameters that
  differ from their defaults. skorch's own arguments that an estimator takes through
  ``**kwargs`` (``iterator_train``, ``callbacks``, ``warm_start``, ...) are left out
  of ``get_params(deep=False)`` while they keep skorch's default, as if they were in
  the signature; ``clone`` rebuilds them from that default.
- The network's tunable arguments are estimator parameters of the same name (the
  class attribute ``_module_params``), forwarded to the module at initialization.
  ``module__<name>`` still works underneath.
- ``set_params`` refuses an unknown key at once, with the valid names, as
  scikit-learn does.
"""

from __future__ import annotations

import difflib
import inspect

import torch
from skorch import NeuralNet
from sklearn.base import BaseEstimator

from ._params import accepted_kwargs

__all__: list[str] = []  # private: mixed into the estimators of this package

# the components whose ``<prefix>__<name>`` keys are arguments of a class or function
_FACTORY_PREFIXES = ("module", "criterion", "optimizer", "iterator_train", "iterator_valid",
                     "dataset")
# skorch's own optimizer keys that are not arguments of the optimizer class
_SKORCH_OPTIMIZER_KEYS = ("param_groups",)


def _same(value, default) -> bool:
    """Equal as scikit-learn's repr compares defaults (by ``repr``)."""
    if value is default:
        return True
    try:
        return repr(value) == repr(default)
    except Exception:  # a value whose repr fails counts as changed
        return False


def _signature_defaults(factory) -> dict:
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


class _SklearnParamsMixin:
    """scikit-learn's repr, ``get_params`` and ``set_params`` for a skorch network.

    Subclasses list the module arguments that are first-class parameters in
    ``_module_params`` (each also an ``__init__`` argument with the module's default),
    and the ``**kwargs`` values their ``__init__`` sets by default in
    ``_default_kwargs`` (left out of the repr while unchanged).
    """

    _module_params: tuple[str, ...] = ()
    _default_kwargs: dict = {}

    # skorch's NeuralNet prints "<class ...>[uninitialized](module=...)"
    __repr__ = BaseEstimator.__repr__

    def _get_param_names(self):
        # skorch lists every attribute that does not end in "_" as a parameter, which
        # includes its private bookkeeping set; set_params(_params_to_validate=...) then
        # breaks skorch (sklearn's check_set_params). NeuralNet.__init__ rebuilds the set
        # from the keyword arguments, so clone does not need it.
        return [name for name in super()._get_param_names() if name != "_params_to_validate"]

    def _hidden_defaults(self) -> dict:
        """Parameters outside the signature that still have the value ``__init__`` gives."""
        own = inspect.signature(type(self).__init__).parameters
        skorch = _signature_defaults(NeuralNet.__init__)
        hidden = {k: v for k, v in skorch.items() if k not in own}
        hidden.update(self._default_kwargs)
        return hidden

    def get_params(self, deep=True):
        """Parameters of the estimator (scikit-learn's ``get_params``).

        With ``deep=False`` (what ``clone`` and ``repr`` read), skorch's own arguments
        that still have skorch's default are left out: the constructor sets them anyway.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of the callbacks (``callbacks__<name>__<arg>``)
            and every skorch argument.

        Returns
        -------
        params : dict
        """
        params = super().get_params(deep=deep)
        if deep:
            return params
        hidden = self._hidden_defaults()
        return {k: v for k, v in params.items() if not (k in hidden and _same(v, hidden[k]))}

    def _get_params_html(self, deep=True, doc_link=""):
        # the HTML table of a single estimator reads get_params(deep=True), which for a
        # skorch net lists every callback's arguments: show what the repr shows
        return super()._get_params_html(deep=False, doc_link=doc_link)

    def set_params(self, **params):
        """Set parameters; an unknown name fails at once, listing the valid ones.

        Parameters
        ----------
        **params : dict
            Estimator parameters, ``module__<arg>``, ``optimizer__<arg>``,
            ``criterion__<arg>``, ``iterator_train__<arg>``, ``callbacks__<name>``, ...

        Returns
        -------
        self : object
        """
        for key in params:
            self._check_param_key(key)
        for name in self._module_params:  # a knob and module__<knob> must agree
            if name in params or f"module__{name}" in params:
                self._resolve_knob(name, {**self.__dict__, **params})
        return super().set_params(**params)

    # ------------------------------------------------------------ internals
    def _component_factory(self, prefix):
        value = getattr(self, prefix, None)
        if isinstance(value, torch.nn.Module):
            return type(value)
        return value if callable(value) else None

    def _valid_param_names(self) -> list[str]:
        # callbacks' own arguments (callbacks__<name>__<arg>) would drown the list
        names = {k for k in self.get_params(deep=True) if k.count("__") < 2}
        factory = self._component_factory("module")
        for name in _signature_defaults(factory) if factory is not None else ():
            names.add(f"module__{name}")
        return sorted(names)

    def _invalid(self, key, reason=""):
        valid = self._valid_param_names()
        close = difflib.get_close_matches(key, valid, n=1, cutoff=0.75)
        if close and close[0].startswith("module__"):
            knob = close[0][len("module__"):]  # point to the first-class parameter
            close = [knob] if knob in self._module_params else close
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return ValueError(
            f"Invalid parameter {key!r} for estimator {type(self).__name__}.{reason}{hint} "
            f"Valid parameters are: {valid!r}."
        )

    def _check_param_key(self, key):
        """Raise scikit-learn's "Invalid parameter" error for a key no part accepts."""
        if "__" not in key:
            if key not in self.get_params(deep=True):
                raise self._invalid(key)
            return
        prefix, name = key.split("__", 1)
        if prefix == "callbacks":
            return  # skorch checks callback names itself
        if prefix not in self.prefixes_ and prefix not in _FACTORY_PREFIXES:
            raise self._invalid(key)
        if prefix not in _FACTORY_PREFIXES or "__" in name:
            return
        if prefix == "optimizer" and name in _SKORCH_OPTIMIZER_KEYS:
            return
        factory = self._component_factory(prefix)
        try:
            inspect.signature(factory)
        except (TypeError, ValueError):
            return  # None, or cannot be inspected: the component decides at fit
        # multi-label targets train the default CrossEntropyLoss as BCEWithLogitsLoss
        also = torch.nn.BCEWithLogitsLoss if factory is torch.nn.CrossEntropyLoss else None
        if not accepted_kwargs(factory, [name]) and not (also and accepted_kwargs(also, [name])):
            what = getattr(factory, "__name__", repr(factory))
            raise self._invalid(key, f" {what} takes no argument {name!r}.")

    def _resolve_knob(self, name, state):
        """``(value, explicit)``: a knob's value, and whether it must be passed on.

        ``module__<name>`` wins when the knob keeps its default; both set to different
        values is an error.
        """
        default = inspect.signature(type(self).__init__).parameters[name].default
        value = state.get(name, default)
        changed = not _same(value, default)
        key = f"module__{name}"
        if key in state:
            if changed and not _same(state[key], value):
                raise ValueError(
                    f"{type(self).__name__} got {name}={value!r} and {key}={state[key]!r}; "
                    f"set only {name} (module__{name} is the old spelling)."
                )
            return state[key], True
        return value, changed

    def _module_kwargs(self) -> dict:
        """The module's arguments: the first-class knobs, then ``module__*`` values.

        A knob is passed when the module class accepts it (with an instance as the
        module, only when it differs from its default: the instance is used as given).
        A changed knob that the module does not accept is an error, never ignored.
        """
        for key in self.get_params_for("module"):
            self._check_param_key(f"module__{key}")
        explicit = self.get_params_for("module")
        factory = self._component_factory("module")
        is_instance = isinstance(self.module, torch.nn.Module)
        knobs = {}
        for name in self._module_params:
            value, changed = self._resolve_knob(name, self.__dict__)
            if f"module__{name}" in explicit:
                continue
            if factory is not None and accepted_kwargs(factory, [name]):
                if changed or not is_instance:
                    knobs[name] = value
            elif changed:
                what = getattr(factory, "__name__", repr(factory))
                raise ValueError(
                    f"{type(self).__name__}: {name}={value!r} is an argument of the "
                    f"network, but the module {what} takes no argument {name!r}. Leave "
                    f"{name} at its default with this module."
                )
        return {**knobs, **explicit}
