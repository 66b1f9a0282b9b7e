"""Building the unfitted ``Pipeline`` a spec describes, every step through the registry."""

from __future__ import annotations

import difflib
import inspect
import os

from sklearn.pipeline import Pipeline

from .. import registry
from ..exceptions import InvalidInputError, PluginNotFoundError
from ._builtin import DEFAULT_PIPELINE
from ._config import get_pipeline_spec
from ._specs import STEP_KEYS, PipelineSpec, StepSpec, coerce

__all__ = ["build_pipeline", "make_pipeline_by_name"]


def _find_step_plugin(step: StepSpec, is_last: bool, where: str):
    """Load the class (or factory) a step names, from the registry."""
    kinds = (step.kind,) if step.kind else (
        ("estimators", "vectorizers") if is_last else ("vectorizers", "estimators")
    )
    for kind in kinds:
        # a qualified "package[Name]" picks one of two plugins that share a name
        lowered = {n.lower() for n in registry.available(kind)}
        if registry.is_registered(kind, step.plugin) or step.plugin.lower() in lowered:
            return registry.load(kind, step.plugin)
    installed = {kind: registry.available(kind) for kind in kinds}
    every = [name for names in installed.values() for name in names]
    close = difflib.get_close_matches(step.plugin, every, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = "; ".join(
        f"{kind}: {', '.join(names) or 'none'}" for kind, names in installed.items()
    )
    raise PluginNotFoundError(
        f"Unknown plugin {step.plugin!r} in step {step.name!r} of {where}.{hint} "
        f"Installed {listing}. `sklearn-emotion plugins` lists them with their packages; "
        "install a package that registers more."
    )


def _param_names(factory) -> list[str] | None:
    """The named parameters of a class or factory (``None`` if it cannot be inspected).

    The signature is used rather than sklearn's ``_get_param_names``, which skorch
    overrides with an instance method.
    """
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return None
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [name for name, p in signature.parameters.items() if p.kind in named]


def _defaults(factory) -> dict:
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return {}
    return {
        name: p.default for name, p in signature.parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _build_step(step: StepSpec, is_last: bool, where: str, options: dict):
    factory = _find_step_plugin(step, is_last, where)
    names = _param_names(factory)
    defaults = _defaults(factory)
    if names is not None:
        unknown = [p for p in step.params if p not in names and "__" not in p]
        if unknown:
            parts = []
            for p in unknown:
                close = difflib.get_close_matches(p, names, n=1, cutoff=0.6)
                parts.append(f"{p!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise InvalidInputError(
                f"{getattr(factory, '__name__', step.plugin)} in step {step.name!r} of {where} "
                f"has no parameter {', '.join(parts)}. Its parameters: {', '.join(sorted(names))}."
            )
    params = {
        k: coerce(_build_nested(v, where, options), defaults.get(k))
        for k, v in step.params.items()
    }
    # Run-wide options (seed, verbosity) fill in what the spec leaves unset.
    for key, value in _run_options(factory, options).items():
        if key not in params and names is not None and key in names:
            params[key] = value
    try:
        estimator = factory(**params)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"Could not build step {step.name!r} ({step.plugin}) of {where} with parameters "
            f"{params}: {exc}"
        ) from exc
    if not hasattr(estimator, "fit"):
        raise InvalidInputError(
            f"Plugin {step.plugin!r} in step {step.name!r} of {where} did not give an estimator "
            f"(no fit method); got {type(estimator).__name__}."
        )
    return estimator


def _build_nested(value, where: str, options: dict):
    """Build the steps nested in a parameter value (ModalityUnion's transformers).

    A :class:`StepSpec`, or a table with a ``plugin`` key (from TOML/YAML), becomes the
    estimator it describes; lists and tuples are searched; anything else is kept.
    """
    if isinstance(value, StepSpec):
        return _build_step(value, False, where, options)
    if (isinstance(value, dict) and isinstance(value.get("plugin"), str)
            and set(value) <= STEP_KEYS):
        params = value.get("params", {})
        if not isinstance(params, dict):
            raise InvalidInputError(
                f"The nested step {value['plugin']!r} of {where}: 'params' must be a table."
            )
        nested = StepSpec(str(value.get("name", value["plugin"].lower())), value["plugin"],
                          dict(params), value.get("kind"))
        return _build_step(nested, False, where, options)
    if isinstance(value, list):
        return [_build_nested(v, where, options) for v in value]
    if isinstance(value, tuple):
        return tuple(_build_nested(v, where, options) for v in value)
    return value


def build_pipeline(
    spec: PipelineSpec | str | os.PathLike,
    *,
    random_state: int | None = 0,
    verbose: int = 0,
    progress_bar: bool | str = "auto",
) -> Pipeline:
    """Build the unfitted ``Pipeline`` a spec (or a pipeline name, or a config path) describes.

    Parameters
    ----------
    spec : PipelineSpec, str or path-like
        A spec, a key of :data:`PIPELINES`, or a TOML/YAML config file.
    random_state : int or None, default=0
        Given to every step that has a ``random_state`` parameter the spec leaves unset.
    verbose : int, default=0
        Training log of the neural-network steps (skorch's ``verbose``).
    progress_bar : bool or "auto", default="auto"
        Progress bars of steps that have them (encoding, training when ``verbose``).

    Returns
    -------
    sklearn.pipeline.Pipeline
    """
    spec = get_pipeline_spec(spec)
    where = "pipeline " + (repr(spec.name) if spec.source == "builtin" else repr(spec.source))
    options = {"random_state": random_state, "verbose": verbose, "progress_bar": progress_bar}
    steps = []
    for i, step in enumerate(spec.steps):
        is_last = i == len(spec.steps) - 1
        steps.append((step.name, _build_step(step, is_last, where, options)))
    return Pipeline(steps)


def _is_skorch(factory) -> bool:
    """Whether ``factory`` is a skorch net class (checked without importing skorch)."""
    return any(c.__module__.split(".")[0] == "skorch" for c in getattr(factory, "__mro__", ()))


def _run_options(factory, options: dict) -> dict:
    """The run-wide options that apply to ``factory``.

    ``verbose`` only goes to skorch nets (for LogisticRegression it prints solver
    internals), and a net's training progress bar is shown only with its log.
    """
    if not _is_skorch(factory):
        return {k: v for k, v in options.items() if k != "verbose"}
    progress = bool(options["verbose"]) and options["progress_bar"] is not False
    return options | {"progress_bar": progress}


def make_pipeline_by_name(name: str = DEFAULT_PIPELINE, **options) -> Pipeline:
    """Build the unfitted pipeline registered under ``name`` in :data:`PIPELINES`.

    ``options`` are those of :func:`build_pipeline`. A config file path works too.
    """
    return build_pipeline(get_pipeline_spec(name), **options)
