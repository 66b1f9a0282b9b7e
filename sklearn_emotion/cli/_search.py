"""Fitting a single-label pipeline for ``train``: a grid search, K-fold scores, or a plain fit."""

from __future__ import annotations

import difflib
from typing import NamedTuple

import numpy as np
import pandas as pd
from rich.table import Table
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import GridSearchCV, cross_val_score

from ..exceptions import InvalidInputError
from ..pipelines import jsonable

__all__ = ["FitResult", "check_scoring", "fit_with_search"]


class FitResult(NamedTuple):
    """The fitted model, what the card records of how it was chosen, extra folder files."""

    model: object
    card: dict
    files: dict
    summary: str | None  # the grid search's best candidate, for the report


def check_scoring(scoring: str) -> None:
    """Refuse an unknown scikit-learn scorer name before any work, suggesting the closest."""
    names = sorted(get_scorer_names())
    if scoring not in names:
        close = difflib.get_close_matches(scoring, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InvalidInputError(
            f"Unknown --scoring {scoring!r}.{hint} Use a scikit-learn scorer name such as "
            "f1_macro, f1_weighted, accuracy or balanced_accuracy."
        )


def _grid_table(search, top: int = 10) -> Table:
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
    frame = pd.DataFrame(search.cv_results_)
    keep = [c for c in frame.columns if c.startswith("param_")] + [
        "mean_test_score", "std_test_score", "rank_test_score", "mean_fit_time"]
    return frame[keep].sort_values("rank_test_score").to_csv(index=False).encode("utf-8")


def fit_with_search(pipeline, texts, labels, *, grid: dict, cv: int | None, scoring: str,
                    n_jobs: int | None, console) -> FitResult:
    """Fit ``pipeline``: grid-search ``grid`` (``cv`` folds, 3 by default) and refit the
    best, or report ``cv``-fold scores first when there is no grid, or just fit."""
    if grid:
        n_candidates = int(np.prod([len(v) for v in grid.values()]))
        cv = cv or 3
        console.print(f"Grid search over {n_candidates} candidates, {cv}-fold CV, "
                      f"scoring {scoring} ...")
        search = GridSearchCV(pipeline, grid, cv=cv, scoring=scoring, n_jobs=n_jobs,
                              refit=True, error_score="raise")
        search.fit(texts, labels)
        console.print(_grid_table(search))
        card = {"param_grid": jsonable(grid), "cv": cv, "scoring": scoring,
                "best_params": jsonable(search.best_params_),
                "best_score": float(search.best_score_), "n_candidates": n_candidates}
        summary = f"best {card['best_params']} ({scoring} {card['best_score']:.3f})"
        return FitResult(search.best_estimator_, {"grid_search": card, "cross_validation": None},
                         {"grid_search.csv": _grid_csv(search)}, summary)
    cv_card = None
    if cv:
        console.print(f"{cv}-fold cross-validation ({scoring}) ...")
        scores = cross_val_score(pipeline, texts, labels, cv=cv, scoring=scoring,
                                 n_jobs=n_jobs)
        console.print(f"{scoring}: {scores.mean():.3f} +/- {scores.std():.3f} "
                      f"({', '.join(f'{s:.3f}' for s in scores)})")
        cv_card = {"cv": cv, "scoring": scoring, "scores": scores.tolist(),
                   "mean": float(scores.mean()), "std": float(scores.std())}
    model = pipeline.fit(texts, labels)
    return FitResult(model, {"grid_search": None, "cross_validation": cv_card}, {}, None)
