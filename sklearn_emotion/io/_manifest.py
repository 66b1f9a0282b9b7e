"""The manifest of a model file: format, versions, structure, labels, checksums.

Reading a model file starts here: :func:`open_archive` checks that the file is a zip
archive written by :func:`sklearn_emotion.io.save`, that its format version is one this
library reads, and that every member matches its SHA-256 checksum, before anything in it
is interpreted.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import warnings
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import DataNotFoundError, ModelFileError, ModelVersionWarning
from ._parts import json_default, qualname

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "SKOPS",
    "describe",
    "labels_of",
    "open_archive",
    "read_manifest",
    "sha256",
    "versions",
    "warn_versions",
]

#: The ``format`` field of every manifest.
FORMAT = "sklearn-emotion-model"
#: The newest manifest ``format_version`` this library writes and reads. Version 2 stores
#: the terms of text vectorizers packed (``PackedTerms``); version 1 files still load.
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SKOPS = "model.skops"

# distributions whose versions are recorded, and compared when loading
_VERSIONED = (
    "sklearn-emotion",
    "scikit-learn",
    "skorch",
    "torch",
    "numpy",
    "scipy",
    "skops",
    "safetensors",
    "transformers",
    "sentence-transformers",
)


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe(model) -> dict:
    """The structure of ``model``: classes, step names, nested estimators."""
    out: dict[str, Any] = {"class": qualname(model)}
    steps = getattr(model, "steps", None)
    if isinstance(steps, list):
        out["steps"] = [{"name": name, **describe(step)} for name, step in steps]
    elif isinstance(getattr(model, "transformer_list", None), list):
        out["transformers"] = [
            {"name": name, **describe(step)} for name, step in model.transformer_list
        ]
    return out


def labels_of(model):
    classes = getattr(model, "classes_", None)
    if classes is None:
        return None
    try:
        return json.loads(json.dumps(np.asarray(classes).tolist(), default=json_default))
    except (TypeError, ValueError):
        return None


def open_archive(path) -> tuple[dict, dict[str, bytes]]:
    """Read and check the archive: manifest, format, checksums."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"No model file at {str(path)!r}.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                raise ModelFileError(
                    f"{str(path)!r} is not a sklearn-emotion model file: it has no "
                    f"{MANIFEST}. Files written by joblib or pickle must be loaded with "
                    "joblib.load, and only if you trust their source."
                )
            manifest = json.loads(archive.read(MANIFEST))
            data = {name: archive.read(name) for name in names - {MANIFEST}}
    except zipfile.BadZipFile:
        raise ModelFileError(
            f"{str(path)!r} is not a sklearn-emotion model file (not a zip archive). "
            "Files written by joblib or pickle must be loaded with joblib.load, and only "
            "if you trust their source."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{str(path)!r} has an unreadable {MANIFEST}: {exc}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(
            f"{str(path)!r} is not a sklearn-emotion model file: its manifest's format is "
            f"{manifest.get('format') if isinstance(manifest, dict) else None!r}, expected "
            f"{FORMAT!r}."
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"{str(path)!r} uses model file format version {version!r}; this sklearn-emotion "
            f"reads versions up to {FORMAT_VERSION}. Upgrade sklearn-emotion."
        )
    expected = manifest.get("files", {})
    problems = []
    for name in sorted(set(expected) | set(data)):
        if name not in data:
            problems.append(f"{name} is missing")
        elif name not in expected:
            problems.append(f"{name} is not listed in the manifest")
        elif sha256(data[name]) != expected[name]:
            problems.append(f"{name} does not match its SHA-256 checksum")
    if problems:
        raise ModelFileError(
            f"{str(path)!r} is damaged or was altered: " + "; ".join(problems) + "."
        )
    return manifest, data


def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest of a model file (versions, classes, structure, checksums), checked.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`sklearn_emotion.io.save`.

    Returns
    -------
    dict
    """
    return open_archive(path)[0]


def warn_versions(saved: dict, path) -> None:
    current = versions()
    changed = [
        f"{name} {saved[name]} (now {current.get(name)})"
        for name in sorted(saved)
        if saved.get(name) is not None and current.get(name) != saved[name]
    ]
    if changed:
        warnings.warn(
            f"The model in {str(path)!r} was saved with " + ", ".join(changed) + ". It "
            "usually works, but predictions may differ; re-save it with the installed "
            "versions once checked.",
            ModelVersionWarning,
            stacklevel=3,
        )
