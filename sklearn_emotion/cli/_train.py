"""``sklearn-emotion train``: fit a pipeline, evaluate it, save a model folder."""

from __future__ import annotations

import argparse
import shlex
import time

from ._common import (check_known_labels, make_console, peak_memory_mib, predict_batches,
                      progress_flag, report_tables, step_params, steps_text)

# --------------------------------------------------------------------------- train


def _split_by_speaker(data, test_size: float, random_state: int):
    """Speech records that name their speaker: hold out whole speakers (or None).

    A random split puts the same voice in training and test data, which inflates
    accuracy on speech by 20 points or more.
    """
    import numpy as np
    from sklearn.model_selection import GroupShuffleSplit

    from .._data_io import LabelledData

    texts = data.texts
    if not texts or not all(isinstance(r, dict) and "speaker" in r for r in texts):
        return None
    speakers = np.asarray([str(r["speaker"]) for r in texts])
    if len(np.unique(speakers)) < 2:
        return None
    split = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train_idx, test_idx = next(split.split(texts, data.labels, groups=speakers))
    labels = np.asarray(data.labels, dtype=object)
    held = (f"speakers {', '.join(sorted(set(speakers[test_idx]), key=str))} "
            f"({test_size:.0%} of the speakers) held out of {data.description}")
    train = data._replace(texts=[texts[i] for i in train_idx], labels=labels[train_idx])
    test = LabelledData([texts[i] for i in test_idx], labels[test_idx], data.source, held,
                        data.text_column, data.label_column, data.sha256)
    return train, test


def _split_holdout(data, test_size: float, random_state: int):
    """Hold out a stratified share of ``data`` for evaluation (speech: whole speakers)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    from .._data_io import LabelledData
    from ..exceptions import InvalidInputError

    by_speaker = _split_by_speaker(data, test_size, random_state)
    if by_speaker is not None:
        return by_speaker
    values, counts = np.unique(data.labels, return_counts=True)
    rare = [str(v) for v, c in zip(values, counts) if c < 2]
    if rare:
        raise InvalidInputError(
            f"Cannot hold out a stratified test set: the labels {rare} have a single example. "
            "Add examples, pass --test-data FILE, or --test-size 0 to skip the evaluation."
        )
    n_test = int(np.ceil(test_size * len(data.labels))) if test_size < 1 else int(test_size)
    n_train = len(data.labels) - n_test
    if min(n_test, n_train) < len(values):
        raise InvalidInputError(
            f"Cannot hold out a stratified test set: --test-size {test_size} of "
            f"{len(data.labels)} examples leaves {n_test} for testing and {n_train} for "
            f"training, but each needs at least one example of each of the {len(values)} "
            "labels. Add examples, change --test-size, or pass --test-data FILE."
        )
    X_train, X_test, y_train, y_test = train_test_split(
        data.texts, data.labels, test_size=test_size, stratify=data.labels,
        random_state=random_state,
    )
    held = f"{test_size:.0%} held out of {data.description}"
    train = data._replace(texts=list(X_train), labels=np.asarray(y_train, dtype=object))
    test = LabelledData(list(X_test), np.asarray(y_test, dtype=object), data.source, held,
                        data.text_column, data.label_column, data.sha256)
    return train, test


def _load_train_test(args):
    from .._data_io import has_split, load_labelled, stratified_head

    train = load_labelled(args.data, text_column=args.text_column,
                          label_column=args.label_column, split="train")
    preferred = (train.text_column, train.label_column)
    if args.test_data:
        test = load_labelled(args.test_data, text_column=args.text_column,
                             label_column=args.label_column, split="test",
                             preferred_columns=preferred)
    elif args.test_size == 0:
        test = None
    elif has_split(args.data, "test"):
        test = load_labelled(args.data, split="test")
    else:
        train, test = _split_holdout(train, args.test_size, args.random_state)
    X, y = stratified_head(train.texts, train.labels, args.max_train, args.random_state)
    train = train._replace(texts=X, labels=y)
    if test is not None:
        X, y = stratified_head(test.texts, test.labels, args.max_test, args.random_state)
        test = test._replace(texts=X, labels=y)
    return train, test


def _check_scoring(scoring: str) -> None:
    import difflib

    from sklearn.metrics import get_scorer_names

    from ..exceptions import InvalidInputError

    names = sorted(get_scorer_names())
    if scoring not in names:
        close = difflib.get_close_matches(scoring, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InvalidInputError(
            f"Unknown --scoring {scoring!r}.{hint} Use a scikit-learn scorer name such as "
            "f1_macro, f1_weighted, accuracy or balanced_accuracy."
        )


def _grid_table(search, top: int = 10):
    from rich.table import Table

    results = search.cv_results_
    order = sorted(range(len(results["params"])), key=lambda i: results["rank_test_score"][i])
    table = Table(title=f"Grid search ({search.n_splits_}-fold CV, {search.scoring})")
    table.add_column("rank", justify="right")
    table.add_column("parameters")
    table.add_column("mean", justify="right")
    table.add_column("std", justify="right")
    for i in order[:top]:
        params = ", ".join(f"{k}={v!r}" for k, v in results["params"][i].items())
        style = "bold green" if results["rank_test_score"][i] == 1 else None
        table.add_row(str(results["rank_test_score"][i]), params,
                      f"{results['mean_test_score'][i]:.3f}",
                      f"{results['std_test_score'][i]:.3f}", style=style)
    return table


def _grid_csv(search) -> bytes:
    import pandas as pd

    frame = pd.DataFrame(search.cv_results_)
    keep = [c for c in frame.columns if c.startswith("param_")] + [
        "mean_test_score", "std_test_score", "rank_test_score", "mean_fit_time"]
    return frame[keep].sort_values("rank_test_score").to_csv(index=False).encode("utf-8")


def run_train(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.markup import escape

    from ..exceptions import InvalidInputError
    from ..model_dir import check_replaceable, evaluate_predictions, save_model_dir
    from ..pipelines import (build_pipeline, check_param_grid, get_pipeline_spec, jsonable,
                             parse_grid, parse_settings)

    if getattr(args, "multilabel", False):
        from ._multilabel import run_train_multilabel

        return run_train_multilabel(args)
    console = make_console()
    started = time.perf_counter()
    spec = get_pipeline_spec(args.pipeline)  # an unknown name fails before any data is read
    grid = dict(spec.grid) | parse_grid(args.grid or [])
    _check_scoring(args.scoring)
    check_replaceable(args.out)  # fail before training if --out is someone else's folder
    # Resolve every plugin and grid parameter before reading any data.
    verbose = 0 if args.quiet else 1
    pipeline = build_pipeline(spec, random_state=args.random_state, verbose=verbose,
                              progress_bar=False if args.quiet else "auto")
    settings = {k: [v] for k, v in parse_settings(args.set or []).items()}
    overrides = {k: v[0] for k, v in check_param_grid(pipeline, settings).items()}
    pipeline.set_params(**overrides)
    grid = check_param_grid(pipeline, grid) if grid else grid
    train, test = _load_train_test(args)
    classes = np.unique(train.labels)
    if len(classes) < 2:
        raise InvalidInputError(
            f"The training data {train.source!r} has a single label ({classes[0]!r}); a "
            "classifier needs at least two. Check --label-column."
        )
    if test is not None:
        check_known_labels(test.labels, classes, f"The test data ({test.description})")

    console.rule(f"[bold]sklearn-emotion train: {spec.name}")
    console.print(f"Training data: {train.description}, {len(train.texts)} texts, "
                  f"{len(classes)} labels: {', '.join(map(str, classes))}.")
    if test is not None:
        console.print(f"Test data: {test.description}, {len(test.texts)} texts.")
    console.print(f"Pipeline [bold]{spec.name}[/]: {steps_text(pipeline)}")

    search_card = cv_card = None
    extra_files = {}
    t0 = time.perf_counter()
    if grid:
        from sklearn.model_selection import GridSearchCV

        n_candidates = int(np.prod([len(v) for v in grid.values()]))
        cv = args.cv or 3
        console.print(f"Grid search over {n_candidates} candidates, {cv}-fold CV, "
                      f"scoring {args.scoring} ...")
        search = GridSearchCV(pipeline, grid, cv=cv, scoring=args.scoring, n_jobs=args.n_jobs,
                              refit=True, error_score="raise")
        search.fit(train.texts, train.labels)
        model = search.best_estimator_
        console.print(_grid_table(search))
        search_card = {"param_grid": jsonable(grid), "cv": cv, "scoring": args.scoring,
                       "best_params": jsonable(search.best_params_),
                       "best_score": float(search.best_score_),
                       "n_candidates": n_candidates}
        extra_files["grid_search.csv"] = _grid_csv(search)
    else:
        if args.cv:
            from sklearn.model_selection import cross_val_score

            console.print(f"{args.cv}-fold cross-validation ({args.scoring}) ...")
            scores = cross_val_score(pipeline, train.texts, train.labels, cv=args.cv,
                                     scoring=args.scoring, n_jobs=args.n_jobs)
            console.print(f"{args.scoring}: {scores.mean():.3f} +/- {scores.std():.3f} "
                          f"({', '.join(f'{s:.3f}' for s in scores)})")
            cv_card = {"cv": args.cv, "scoring": args.scoring, "scores": scores.tolist(),
                       "mean": float(scores.mean()), "std": float(scores.std())}
        model = pipeline.fit(train.texts, train.labels)
    fit_seconds = time.perf_counter() - t0

    evaluation = None
    if test is not None:
        show = progress_flag(None, console) and len(test.texts) > 5000
        y_pred, _ = predict_batches(model, test.texts, args.batch_size, console, show)
        evaluation = evaluate_predictions(test.labels, y_pred, [str(c) for c in model.classes_],
                                          texts=test.texts)
        report_tables(console, evaluation, f"Evaluation on {test.description}")

    card = {
        "pipeline": spec.to_dict(),
        "parameters": step_params(model),
        "labels": [str(c) for c in model.classes_],
        "data": {"train": train.card(), "test": None if test is None else test.card()},
        "overrides": jsonable(overrides),
        "grid_search": search_card,
        "cross_validation": cv_card,
        "random_state": args.random_state,
        "fit_seconds": round(fit_seconds, 2),
        "command": shlex.join(["sklearn-emotion", *args.argv]),
    }
    metadata = {
        "pipeline": f"{spec.name}: {steps_text(model)}",
        "training data": f"{train.description}, {len(train.texts)} texts",
        "test data": None if test is None else f"{test.description}, {len(test.texts)} texts",
        "grid search": None if search_card is None else
        f"best {search_card['best_params']} ({args.scoring} {search_card['best_score']:.3f})",
        "fit time": f"{fit_seconds:.1f} s",
    }
    extra_metrics = {"n_train": len(train.texts),
                     "n_test": 0 if test is None else len(test.texts),
                     "fit_seconds": round(fit_seconds, 2)}
    out = save_model_dir(
        args.out, model, card, evaluation=evaluation, extra_metrics=extra_metrics,
        report_title=f"{spec.name}: evaluation on {test.description if test else 'no test data'}",
        report_metadata=metadata, extra_files=extra_files,
    )
    files = sorted(p.name for p in out.iterdir())
    console.print(f"Saved the model folder [bold]{escape(str(out))}[/]: {', '.join(files)}.")
    console.print(f"Wall time {time.perf_counter() - started:.0f} s (fit {fit_seconds:.1f} s), "
                  f"peak memory {peak_memory_mib():.0f} MiB.")
    return 0
