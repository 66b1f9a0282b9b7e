"""Multi-label ``train`` and ``evaluate``: label sets, per-label thresholds, one picture.

``--multilabel`` reads the label column as label sets (see
:func:`sklearn_emotion._data_io.parse_label_lists`), wraps the pipeline in a
:class:`~sklearn_emotion.multilabel.PerLabelThresholdClassifier` (a final step that
cannot learn several labels, such as ``LogisticRegression``, is made one-vs-rest
first) and reports per-label precision, recall, F1, support and threshold, with micro
and macro averages and one confusion-matrix panel per label.
"""

from __future__ import annotations

import argparse
import shlex
import time

from ._common import make_console, peak_memory_mib, progress_display, steps_text

__all__ = ["run_train_multilabel", "evaluate_multilabel", "label_names_option"]


def label_names_option(value: str | None) -> list[str] | None:
    """``--label-names``: ``goemotions`` or a text file with one name per line."""
    if value is None:
        return None
    from pathlib import Path

    from .._data_io import goemotions_label_names
    from ..exceptions import DataNotFoundError

    if value.lower() == "goemotions":
        return goemotions_label_names()
    path = Path(value).expanduser()
    if not path.is_file():
        raise DataNotFoundError(
            f"--label-names {value!r} is neither 'goemotions' nor an existing text file with "
            "one label name per line."
        )
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _multilabel_pipeline(pipeline):
    """Make the final step multi-label capable (one-vs-rest when it is not)."""
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.utils import get_tags

    name, last = pipeline.steps[-1]
    if not get_tags(last).classifier_tags.multi_label:
        pipeline.steps[-1] = (name, OneVsRestClassifier(last))
    return pipeline


def _predict_all(model, texts, batch_size, console, progress):
    """Indicator predictions and per-label probabilities, in batches."""
    import numpy as np

    preds, probas = [], []
    with progress_display(console, progress) as bar:
        task = bar.add_task("predicting", total=len(texts), texts=0)
        for start in range(0, len(texts), batch_size):
            chunk = texts[start:start + batch_size]
            preds.append(model.predict(chunk))
            probas.append(model.predict_proba(chunk))
            bar.update(task, advance=len(chunk), texts=start + len(chunk))
    return np.concatenate(preds), np.concatenate(probas)


def evaluate_multilabel(model, texts, label_sets, *, batch_size=256, console=None,
                        progress=False, where="The evaluation data"):
    """An :class:`~sklearn_emotion.model_dir.Evaluation` of a multi-label model."""
    import io

    import pandas as pd

    from ..exceptions import InvalidInputError
    from ..metrics import emotion_report, plot_multilabel_confusion_matrix
    from ..model_dir import Evaluation

    classes = [str(c) for c in model.classes_]
    unknown = sorted({label for labels in label_sets for label in labels} - set(classes))
    if unknown:
        raise InvalidInputError(
            f"{where} has labels the model was not trained on: {unknown}. The model knows "
            f"{', '.join(classes)}."
        )
    Y_true = model.label_binarizer_.transform([list(labels) for labels in label_sets])
    Y_pred, _ = _predict_all(model, texts, batch_size, console, progress)
    report = emotion_report(Y_true, Y_pred, labels=classes,
                            thresholds=getattr(model, "thresholds_", None))
    images = {}
    for caption, normalize in (("Per-label confusion matrices (shares of each true row)",
                                "true"), ("Per-label confusion matrices (counts)", None)):
        fig = plot_multilabel_confusion_matrix(Y_true, Y_pred, labels=classes,
                                               normalize=normalize)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        images[caption] = buffer.getvalue()
    pairs = pd.DataFrame(columns=["true", "predicted", "count", "share_of_true"])
    return Evaluation(report, pairs, images, None)


def run_train_multilabel(args: argparse.Namespace) -> int:
    """``sklearn-emotion train --multilabel``."""
    import numpy as np
    from rich.markup import escape

    from .._data_io import load_labelled
    from ..exceptions import InvalidInputError
    from ..model_dir import check_replaceable, save_model_dir
    from ..multilabel import PerLabelThresholdClassifier
    from ..pipelines import (build_pipeline, check_param_grid, get_pipeline_spec, jsonable,
                             parse_settings)
    from ._common import report_tables, step_params

    if args.grid or args.cv:
        raise InvalidInputError(
            "--grid and --cv are not supported with --multilabel yet; the decision thresholds "
            "are tuned by --threshold-cv."
        )
    cv = args.threshold_cv
    if cv >= 2 and float(cv).is_integer():
        cv = int(cv)
    elif not 0 < cv < 1:
        raise InvalidInputError(
            f"--threshold-cv must be a number of folds (an integer >= 2) or a fraction in "
            f"(0, 1); got {args.threshold_cv}."
        )
    console = make_console()
    started = time.perf_counter()
    spec = get_pipeline_spec(args.pipeline)
    check_replaceable(args.out)
    verbose = 0 if args.quiet else 1
    pipeline = build_pipeline(spec, random_state=args.random_state, verbose=verbose,
                              progress_bar=False if args.quiet else "auto")
    settings = {k: [v] for k, v in parse_settings(args.set or []).items()}
    overrides = {k: v[0] for k, v in check_param_grid(pipeline, settings).items()}
    pipeline = _multilabel_pipeline(pipeline.set_params(**overrides))
    names = label_names_option(args.label_names)
    kwargs = {"text_column": args.text_column, "label_column": args.label_column,
              "multilabel": True, "label_names": names}
    train = load_labelled(args.data, split="train", **kwargs)
    test = None
    if args.test_data:
        test = load_labelled(args.test_data, split="test",
                             preferred_columns=(train.text_column, train.label_column), **kwargs)
    elif args.test_size > 0:
        from .._data_io import has_split

        if has_split(args.data, "test"):
            test = load_labelled(args.data, split="test", multilabel=True, label_names=names)
        else:
            from sklearn.model_selection import train_test_split

            X_tr, X_te, y_tr, y_te = train_test_split(
                train.texts, train.labels, test_size=args.test_size,
                random_state=args.random_state)
            held = f"{args.test_size:.0%} held out of {train.description}"
            test = train._replace(texts=list(X_te), labels=y_te, description=held)
            train = train._replace(texts=list(X_tr), labels=y_tr)
    rng = np.random.RandomState(args.random_state)
    for name, limit in (("train", args.max_train), ("test", args.max_test)):
        data = train if name == "train" else test
        if data is not None and limit is not None and limit < len(data.texts):
            keep = np.sort(rng.choice(len(data.texts), limit, replace=False))
            data = data._replace(texts=[data.texts[i] for i in keep], labels=data.labels[keep])
            train, test = (data, test) if name == "train" else (train, data)

    model = PerLabelThresholdClassifier(pipeline, cv=cv, random_state=args.random_state)
    classes = sorted({label for labels in train.labels for label in labels})
    console.rule(f"[bold]sklearn-emotion train --multilabel: {spec.name}")
    console.print(f"Training data: {train.description}, {len(train.texts)} texts, "
                  f"{len(classes)} labels: {', '.join(classes)}.")
    if test is not None:
        console.print(f"Test data: {test.description}, {len(test.texts)} texts.")
    console.print(f"Pipeline [bold]{spec.name}[/]: {steps_text(pipeline)}, one threshold per "
                  f"label tuned by cv={cv}")
    t0 = time.perf_counter()
    model.fit(train.texts, list(train.labels))
    fit_seconds = time.perf_counter() - t0

    evaluation = None
    if test is not None:
        evaluation = evaluate_multilabel(model, test.texts, test.labels,
                                         batch_size=args.batch_size, console=console,
                                         where=f"The test data ({test.description})")
        report_tables(console, evaluation, f"Evaluation on {test.description}")
    labels = [str(c) for c in model.classes_]
    card = {
        "pipeline": spec.to_dict(),
        "parameters": step_params(model.estimator_),
        "labels": labels,
        "multilabel": True,
        "thresholds": {c: float(t) for c, t in zip(labels, model.thresholds_)},
        "threshold_cv": cv,
        "label_names": args.label_names,
        "data": {"train": train.card(), "test": None if test is None else test.card()},
        "overrides": jsonable(overrides),
        "random_state": args.random_state,
        "fit_seconds": round(fit_seconds, 2),
        "command": shlex.join(["sklearn-emotion", *args.argv]),
    }
    metadata = {
        "pipeline": f"{spec.name}: {steps_text(pipeline)} + per-label thresholds",
        "training data": f"{train.description}, {len(train.texts)} texts",
        "test data": None if test is None else f"{test.description}, {len(test.texts)} texts",
        "fit time": f"{fit_seconds:.1f} s",
    }
    out = save_model_dir(
        args.out, model, card, evaluation=evaluation,
        extra_metrics={"n_train": len(train.texts),
                       "n_test": 0 if test is None else len(test.texts),
                       "fit_seconds": round(fit_seconds, 2)},
        report_title=f"{spec.name} (multi-label): evaluation on "
                     f"{test.description if test else 'no test data'}",
        report_metadata=metadata,
    )
    files = sorted(p.name for p in out.iterdir())
    console.print(f"Saved the model folder [bold]{escape(str(out))}[/]: {', '.join(files)}.")
    console.print(f"Wall time {time.perf_counter() - started:.0f} s (fit {fit_seconds:.1f} s), "
                  f"peak memory {peak_memory_mib():.0f} MiB.")
    return 0
