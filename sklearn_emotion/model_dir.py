"""A trained model as a folder: the fitted pipeline, its card and its evaluation report.

::

    model-dir/
      model.zip                    the fitted pipeline, in the safe model format of
                                   :mod:`sklearn_emotion.io` (no pickle)
      card.json                    the model card: pipeline, parameters, data, label set,
                                   metrics, library versions, date
      report.html                  self-contained evaluation report (images embedded)
      metrics.json                 every number of the report, plus the confused pairs
      confusion_matrix.png         normalised by true label
      confusion_matrix_counts.png  counts
      confused_pairs.csv           the most confused (true, predicted) pairs
      grid_search.csv              with a grid search: one row per candidate

The folder is written whole into a temporary sibling and renamed into place, so an
interrupted run never leaves a half-written model where a good one was (see
:func:`atomic_dir`). Loading checks the model file's checksums and creates only the
types installed packages declare safe (:func:`sklearn_emotion.io.load`).

Folders written by earlier versions hold a pickle, ``model.joblib``. Loading a pickle
runs any code it contains, so :func:`load_model_dir` refuses them with a
:class:`~sklearn_emotion.exceptions.LegacyModelError` that says how to convert them.

Examples
--------
>>> import tempfile
>>> from sklearn.dummy import DummyClassifier
>>> from sklearn_emotion.model_dir import save_model_dir, load_model_dir
>>> folder = tempfile.mkdtemp() + "/m"
>>> model = DummyClassifier().fit([[0], [1]], ["joy", "fear"])
>>> _ = save_model_dir(folder, model, {"labels": ["fear", "joy"]})
>>> loaded, card = load_model_dir(folder)
>>> card["labels"], card["format"]
(['fear', 'joy'], 'sklearn-emotion-model/1')
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import shutil
import tempfile
import uuid
from importlib import metadata
from pathlib import Path
from typing import Iterator, NamedTuple

from . import io
from .exceptions import DataNotFoundError, InvalidInputError, LegacyModelError
from .metrics import emotion_report, most_confused_pairs
from .metrics._html import confused_examples, confusion_images, render_html_report
from .utils._io import atomic_path, current_umask

__all__ = [
    "MODEL_FILE",
    "LEGACY_MODEL_FILE",
    "CARD_FILE",
    "FORMAT",
    "Evaluation",
    "atomic_dir",
    "check_replaceable",
    "is_model_dir",
    "library_versions",
    "evaluate_predictions",
    "write_report",
    "save_model_dir",
    "load_model_dir",
]

#: The model, written by :func:`sklearn_emotion.io.save`.
MODEL_FILE = "model.zip"
#: What earlier versions wrote instead: a pickle, refused by :func:`load_model_dir`.
LEGACY_MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
FORMAT = "sklearn-emotion-model/1"
REPORT_FILES = ("report.html", "metrics.json", "confusion_matrix.png",
                "confusion_matrix_counts.png", "confused_pairs.csv")
_DISTRIBUTIONS = ("sklearn-emotion", "scikit-learn", "numpy", "pandas", "torch", "skorch",
                  "transformers", "sentence-transformers", "joblib", "skops", "safetensors")


def library_versions() -> dict:
    """Python and the versions of the libraries a saved model depends on."""
    versions = {"python": platform.python_version()}
    for name in _DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def is_model_dir(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a folder written by :func:`save_model_dir`."""
    path = Path(path)
    return path.is_dir() and any(
        (path / name).is_file() for name in (CARD_FILE, MODEL_FILE, LEGACY_MODEL_FILE))


def check_replaceable(path: str | os.PathLike) -> None:
    """Raise unless ``path`` is absent, an empty folder or a model folder.

    :func:`atomic_dir` replaces only those, never other user data.
    """
    path = Path(path)
    if path.exists() and not (is_model_dir(path) or (path.is_dir() and not any(path.iterdir()))):
        raise InvalidInputError(
            f"{str(path)!r} exists and is not a sklearn-emotion model folder (it has no "
            f"{CARD_FILE} or {MODEL_FILE}); refusing to replace it. Choose a new --out folder "
            "or remove it."
        )


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, with the usual permissions (umask)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``path``; on success it replaces ``path``.

    On any exception the temporary folder is removed and ``path`` is untouched. An
    existing ``path`` is first renamed aside, then the new folder renamed into place
    and the old one deleted: at no moment is ``path`` a half-written folder. Only an
    empty folder or a model folder is replaced (:func:`check_replaceable`).
    """
    path = Path(path)
    check_replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it private (0o700)
        if path.exists():
            old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class Evaluation(NamedTuple):
    """Everything a report shows, computed once."""

    report: object  # EmotionReport
    pairs: object  # pandas.DataFrame of most_confused_pairs
    images: dict  # caption -> PNG bytes (normalised, counts)
    examples: dict | None
    explanations: dict | None = None  # (true, predicted) -> Explanation of its errors


def evaluate_predictions(y_true, y_pred, labels, texts=None, n_pairs: int = 10, *,
                         model=None, proba=None) -> Evaluation:
    """Compute the report, the confused pairs and both confusion-matrix pictures.

    With the ``model``, the ``texts`` and its probabilities ``proba``, the most confident
    errors of the first confused pairs are explained word by word (occlusion, a few
    texts per pair) for the report.
    """
    report = emotion_report(y_true, y_pred, labels=labels)
    pairs = most_confused_pairs(y_true, y_pred, labels=report.labels, n=n_pairs)
    examples = None if texts is None else confused_examples(texts, y_true, y_pred, pairs)
    explained = None
    if model is not None and texts is not None and proba is not None:
        from .explain._errors import explain_confident_errors

        explained = explain_confident_errors(model, texts, y_true, y_pred, proba, pairs)
    return Evaluation(report, pairs, confusion_images(y_true, y_pred, report.labels), examples,
                      explained)


def _explained_html(evaluation: Evaluation) -> str:
    if not getattr(evaluation, "explanations", None):
        return ""
    from .explain._errors import errors_html

    return errors_html(evaluation.explanations)


def write_report(
    folder: str | os.PathLike,
    evaluation: Evaluation,
    *,
    title: str,
    metadata: dict | None = None,
    extra_metrics: dict | None = None,
    footer: str = "",
) -> dict[str, Path]:
    """Write the report files of :data:`REPORT_FILES` into ``folder``, each atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png_normalised, png_counts = evaluation.images.values()
    metrics = evaluation.report.to_dict()
    metrics["confused_pairs"] = evaluation.pairs.to_dict("records")
    metrics.update(extra_metrics or {})
    page = render_html_report(
        evaluation.report, evaluation.pairs, evaluation.images, title=title,
        metadata=metadata, examples=evaluation.examples, footer=footer,
        explained=_explained_html(evaluation),
    )
    contents = {
        "report.html": page.encode("utf-8"),
        "metrics.json": json.dumps(metrics, indent=2, default=str).encode("utf-8"),
        "confusion_matrix.png": png_normalised,
        "confusion_matrix_counts.png": png_counts,
        "confused_pairs.csv": evaluation.pairs.to_csv(index=False).encode("utf-8"),
    }
    written = {}
    for name, data in contents.items():
        _write_file(folder / name, data)
        written[name] = folder / name
    return written


def save_model_dir(
    path: str | os.PathLike,
    model,
    card: dict,
    *,
    evaluation: Evaluation | None = None,
    report_title: str = "Emotion report",
    report_metadata: dict | None = None,
    extra_metrics: dict | None = None,
    extra_files: dict[str, bytes] | None = None,
) -> Path:
    """Write a model folder atomically: pipeline, card and (with ``evaluation``) report.

    ``card`` is completed with ``format``, ``created`` (UTC, ISO 8601), ``versions`` and
    the list of ``files``; with an evaluation, its summary metrics go under ``metrics``.
    The model is written with :func:`sklearn_emotion.io.save`.

    Raises
    ------
    UnsupportedModelError
        If part of the model cannot be stored safely; nothing is written then.
    """
    path = Path(path)
    card = dict(card)
    card.setdefault("format", FORMAT)
    card.setdefault("created", _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    card.setdefault("versions", library_versions())
    with atomic_dir(path) as tmp:
        io.save(model, tmp / MODEL_FILE)
        files = [MODEL_FILE, CARD_FILE]
        if evaluation is not None:
            summary = evaluation.report.to_dict()
            card["metrics"] = {k: v for k, v in summary.items() if k != "per_class"} | {
                "per_class": summary["per_class"],
                "confused_pairs": evaluation.pairs.head(5).to_dict("records"),
            }
            footer = f"sklearn-emotion {card['versions'].get('sklearn-emotion', '')}"
            written = write_report(tmp, evaluation, title=report_title,
                                   metadata=report_metadata, extra_metrics=extra_metrics,
                                   footer=footer)
            files += list(written)
        for name, data in (extra_files or {}).items():
            _write_file(tmp / name, data)
            files.append(name)
        card["files"] = files
        _write_file(tmp / CARD_FILE, json.dumps(card, indent=2, default=str).encode("utf-8"))
    return path


def _legacy_error(pickle_file: Path, folder: Path | None) -> LegacyModelError:
    target = (folder / MODEL_FILE) if folder is not None else pickle_file.with_suffix(".zip")
    retrain = f" --out {str(folder)!r}" if folder is not None else ""
    return LegacyModelError(
        f"{str(pickle_file)!r} is a pickle, the model format of earlier sklearn-emotion "
        "versions. sklearn-emotion no longer loads pickles: loading one runs whatever code "
        "it contains. Convert it once: retrain the model (`sklearn-emotion train --data FILE"
        f"{retrain}`), or, only if you trust where the file came from, load it with joblib "
        "in a Python session and save it in the safe format with "
        f"`sklearn_emotion.io.save(model, {str(target)!r})`."
    )


def load_model_dir(path: str | os.PathLike):
    """Load ``(model, card)`` from a folder written by :func:`save_model_dir`.

    The model is read with :func:`sklearn_emotion.io.load`: checksums verified, only
    declared-safe types created, nothing unpickled. A bare model file written by
    :func:`sklearn_emotion.io.save` is accepted too (its card is then empty).

    Raises
    ------
    DataNotFoundError
        If the folder or its ``model.zip`` does not exist.
    LegacyModelError
        If the folder (or file) holds a pickle written by an earlier version; the
        message says how to convert it. The pickle is never loaded.
    ModelFileError, UntrustedTypesError
        If the model file is damaged, altered, or names types no installed package
        declares safe (see :func:`sklearn_emotion.io.load`).
    """
    path = Path(path).expanduser()
    if path.is_file():
        if path.suffix in (".joblib", ".pkl", ".pickle"):
            raise _legacy_error(path, None)
        return io.load(path), {}
    if not path.exists():
        raise DataNotFoundError(
            f"The model folder {str(path)!r} does not exist. Train one with "
            "`sklearn-emotion train --data FILE --out FOLDER`."
        )
    model_file = path / MODEL_FILE
    if not model_file.is_file():
        if (path / LEGACY_MODEL_FILE).is_file():
            raise _legacy_error(path / LEGACY_MODEL_FILE, path)
        raise DataNotFoundError(
            f"{str(path)!r} is not a model folder: it has no {MODEL_FILE}. Pass the --out "
            "folder of `sklearn-emotion train` (or of `sklearn-emotion demo`)."
        )
    card = {}
    card_file = path / CARD_FILE
    if card_file.is_file():
        card = json.loads(card_file.read_text(encoding="utf-8"))
    return io.load(model_file), card
