"""``sklearn-emotion train``: fit a pipeline, evaluate it, save a model folder.

One path for single- and multi-label data: check the options and build the pipeline
(before reading any data), load the training and test data, fit (a grid search, K-fold
scores, or per-label thresholds with ``--multilabel``), evaluate, and save the model
folder with its card and report. The multi-label differences are the small functions
of ``_multilabel.py``; the data handling is ``_train_data.py``, the fitting of
single-label pipelines ``_search.py`` and the card ``_card.py``.
"""

from __future__ import annotations

import argparse
import shlex
import time

import numpy as np
from rich.markup import escape

from ..exceptions import InvalidInputError
from ..model_dir import check_replaceable, evaluate_predictions, save_model_dir
from ..pipelines import (DEFAULT_MULTILABEL_PIPELINE, DEFAULT_PIPELINE, build_pipeline,
                         check_param_grid, get_pipeline_spec, parse_grid, parse_settings)
from ._card import data_cards, model_card, steps_text
from ._common import (check_known_labels, make_console, peak_memory_mib, predict_batches,
                      progress_flag, report_tables)
from ._multilabel import (check_multilabel_options, evaluate_multilabel, label_names_option,
                          multilabel_model)
from ._search import FitResult, check_scoring, fit_with_search
from ._train_data import load_train_test

__all__ = ["run_train"]


def _configured_pipeline(spec, settings: list[str], random_state: int, quiet: bool):
    """The pipeline of ``spec`` with the ``--set`` parameters, and those parameters."""
    pipeline = build_pipeline(spec, random_state=random_state, verbose=0 if quiet else 1,
                              progress_bar=False if quiet else "auto")
    checked = check_param_grid(pipeline, {k: [v] for k, v in parse_settings(settings).items()})
    overrides = {k: v[0] for k, v in checked.items()}
    return pipeline.set_params(**overrides), overrides


def _training_labels(train, test, multilabel: bool) -> list:
    """The labels of the training data; single labels: at least two, and the test's among them."""
    if multilabel:
        return sorted({label for labels in train.labels for label in labels})
    classes = np.unique(train.labels)
    if len(classes) < 2:
        raise InvalidInputError(
            f"The training data {train.source!r} has a single label ({classes[0]!r}); a "
            "classifier needs at least two. Check --label-column."
        )
    if test is not None:
        check_known_labels(test.labels, classes, f"The test data ({test.description})")
    return [str(c) for c in classes]


def _evaluate(model, test, multilabel: bool, batch_size: int, console):
    if multilabel:
        return evaluate_multilabel(model, test.texts, test.labels, batch_size=batch_size,
                                   console=console,
                                   where=f"The test data ({test.description})")
    show = progress_flag(None, console) and len(test.texts) > 5000
    y_pred, proba = predict_batches(model, test.texts, batch_size, console, show)
    return evaluate_predictions(test.labels, y_pred, [str(c) for c in model.classes_],
                                texts=test.texts, model=model, proba=proba)


def run_train(args: argparse.Namespace) -> int:
    """``sklearn-emotion train`` (with ``--multilabel``: label sets and thresholds)."""
    console = make_console()
    started = time.perf_counter()
    multilabel = args.multilabel
    threshold_cv = (check_multilabel_options(args.grid, args.cv, args.threshold_cv)
                    if multilabel else None)
    default = DEFAULT_MULTILABEL_PIPELINE if multilabel else DEFAULT_PIPELINE
    # an unknown name fails before any data is read
    spec = get_pipeline_spec(args.pipeline or default)
    # with label sets, a config file's grid is not searched (the thresholds are tuned)
    grid = {} if multilabel else dict(spec.grid) | parse_grid(args.grid or [])
    if not multilabel:
        check_scoring(args.scoring)
    check_replaceable(args.out)  # fail before training if --out is someone else's folder
    # Resolve every plugin and grid parameter before reading any data.
    pipeline, overrides = _configured_pipeline(spec, args.set or [], args.random_state,
                                               args.quiet)
    if multilabel:
        model = multilabel_model(pipeline, threshold_cv, args.random_state)
    elif grid:
        grid = check_param_grid(pipeline, grid)
    label_names = label_names_option(args.label_names) if multilabel else None
    train, test = load_train_test(
        args.data, test_source=args.test_data, test_size=args.test_size,
        text_column=args.text_column, label_column=args.label_column,
        max_train=args.max_train, max_test=args.max_test, random_state=args.random_state,
        shots=args.shots,
        multilabel=multilabel, label_names=label_names)
    classes = _training_labels(train, test, multilabel)

    console.rule(f"[bold]sklearn-emotion train{' --multilabel' if multilabel else ''}: "
                 f"{spec.name}")
    console.print(f"Training data: {train.description}, {len(train.texts)} texts, "
                  f"{len(classes)} labels: {', '.join(classes)}.")
    if test is not None:
        console.print(f"Test data: {test.description}, {len(test.texts)} texts.")
    tuning = f", one threshold per label tuned by cv={threshold_cv}" if multilabel else ""
    console.print(f"Pipeline [bold]{spec.name}[/]: {steps_text(pipeline)}{tuning}")
    t0 = time.perf_counter()
    if multilabel:
        model.fit(train.texts, list(train.labels))
        thresholds = {str(c): float(t) for c, t in zip(model.classes_, model.thresholds_)}
        fit = FitResult(model, {"multilabel": True, "thresholds": thresholds,
                                "threshold_cv": threshold_cv, "label_names": args.label_names},
                        {}, None)
    else:
        fit = fit_with_search(pipeline, train.texts, train.labels, grid=grid, cv=args.cv,
                              scoring=args.scoring, n_jobs=args.n_jobs, console=console)
    fit_seconds = time.perf_counter() - t0

    evaluation = None
    if test is not None:
        evaluation = _evaluate(fit.model, test, multilabel, args.batch_size, console)
        report_tables(console, evaluation, f"Evaluation on {test.description}")
    fitted_pipeline = fit.model.estimator_ if multilabel else fit.model
    card = model_card(spec, fitted_pipeline, fit.model.classes_, data=data_cards(train, test),
                      fit_seconds=fit_seconds, overrides=overrides,
                      random_state=args.random_state, extra=fit.card,
                      command=shlex.join(["sklearn-emotion", *args.argv]))
    metadata = {
        "pipeline": f"{spec.name}: {steps_text(pipeline)} + per-label thresholds" if multilabel
        else f"{spec.name}: {steps_text(fit.model)}",
        "training data": f"{train.description}, {len(train.texts)} texts",
        "test data": None if test is None else f"{test.description}, {len(test.texts)} texts",
        **({} if multilabel else {"grid search": fit.summary}),
        "fit time": f"{fit_seconds:.1f} s",
    }
    kind = " (multi-label)" if multilabel else ""
    out = save_model_dir(
        args.out, fit.model, card, evaluation=evaluation,
        extra_metrics={"n_train": len(train.texts),
                       "n_test": 0 if test is None else len(test.texts),
                       "fit_seconds": round(fit_seconds, 2)},
        report_title=f"{spec.name}{kind}: evaluation on "
                     f"{test.description if test else 'no test data'}",
        report_metadata=metadata, extra_files=fit.files,
    )
    files = sorted(p.name for p in out.iterdir())
    console.print(f"Saved the model folder [bold]{escape(str(out))}[/]: {', '.join(files)}.")
    console.print(f"Wall time {time.perf_counter() - started:.0f} s (fit {fit_seconds:.1f} s), "
                  f"peak memory {peak_memory_mib():.0f} MiB.")
    return 0
