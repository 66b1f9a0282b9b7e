"""The model card (``card.json``) of a trained pipeline: one builder for every command.

``train`` (single- and multi-label) and ``demo`` describe what they trained the same
way; :func:`~sklearn_emotion.model_dir.save_model_dir` adds the versions, the metrics,
the creation time and the file list.
"""

from __future__ import annotations

from ..pipelines import PipelineSpec, jsonable

__all__ = ["model_card", "data_cards", "step_params", "steps_text"]


def steps_text(pipeline) -> str:
    """The step classes of a pipeline, ``"TfidfVectorizer -> LogisticRegression"``."""
    return " -> ".join(type(step).__name__ for _, step in pipeline.steps)


def step_params(model) -> list[dict]:
    """Name, qualified class and parameters of each step (of a model without steps: itself)."""
    steps = model.steps if hasattr(model, "steps") else [("model", model)]
    return [
        {"name": name, "class": f"{type(step).__module__}.{type(step).__qualname__}",
         "params": jsonable(step.get_params(deep=False))}
        for name, step in steps
    ]


def data_cards(train, test) -> dict:
    """The ``data`` entry of a card from :class:`~sklearn_emotion._data_io.LabelledData`."""
    return {"train": train.card(), "test": None if test is None else test.card()}


def model_card(
    spec: PipelineSpec,
    pipeline,
    labels,
    *,
    data: dict,
    fit_seconds: float,
    command: str,
    overrides: dict | None = None,
    random_state: int | None = None,
    extra: dict | None = None,
) -> dict:
    """The card of a fitted pipeline.

    Parameters
    ----------
    spec : PipelineSpec
        What the pipeline was built from.
    pipeline : sklearn.pipeline.Pipeline
        The fitted pipeline whose step parameters are recorded (for a multi-label
        model, the pipeline inside the threshold classifier).
    labels : sequence
        The model's classes.
    data : dict
        ``{"train": ..., "test": ...}`` descriptions (see :func:`data_cards`).
    fit_seconds : float
        Training time.
    command : str
        The command line that trained the model.
    overrides : dict, default=None
        ``--set`` parameters (left out when None).
    random_state : int, default=None
        The seed (left out when None).
    extra : dict, default=None
        What the training mode adds: the grid search and cross-validation, or the
        per-label thresholds of a multi-label model.
    """
    card = {
        "pipeline": spec.to_dict(),
        "parameters": step_params(pipeline),
        "labels": [str(c) for c in labels],
        "data": data,
    }
    if overrides is not None:
        card["overrides"] = jsonable(overrides)
    card.update(extra or {})
    if random_state is not None:
        card["random_state"] = random_state
    card["fit_seconds"] = round(fit_seconds, 2)
    card["command"] = command
    return card
