"""The model file: a zip archive of ``model.skops``, safetensors weights and a manifest.

See :mod:`sklearn_emotion.io` for what each member holds.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import os
import platform
import tempfile
import warnings
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .. import registry
from ..exceptions import (
    DataNotFoundError,
    ModelFileError,
    ModelVersionWarning,
    UnsupportedModelError,
    UntrustedTypesError,
)
from ..utils._io import atomic_path
from ..utils._persist import NetRef
from ._nets import build_net, is_fitted, net_spec
from ._parts import (
    find_parts,
    json_default,
    light_copy,
    persist_spec,
    qualname,
    resource_name,
    substitute,
)
from ._trust import untrusted_types

__all__ = ["FORMAT", "FORMAT_VERSION", "save", "load", "get_untrusted_types", "read_manifest"]

#: The ``format`` field of every manifest.
FORMAT = "sklearn-emotion-model"
#: The newest manifest ``format_version`` this library writes and reads.
FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_SKOPS = "model.skops"

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


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _describe(model) -> dict:
    """The structure of ``model``: classes, step names, nested estimators."""
    out: dict[str, Any] = {"class": qualname(model)}
    steps = getattr(model, "steps", None)
    if isinstance(steps, list):
        out["steps"] = [{"name": name, **_describe(step)} for name, step in steps]
    elif isinstance(getattr(model, "transformer_list", None), list):
        out["transformers"] = [
            {"name": name, **_describe(step)} for name, step in model.transformer_list
        ]
    return out


def _labels(model):
    classes = getattr(model, "classes_", None)
    if classes is None:
        return None
    try:
        return json.loads(json.dumps(np.asarray(classes).tolist(), default=json_default))
    except (TypeError, ValueError):
        return None


def save(model, path: str | os.PathLike) -> Path:
    """Save a fitted model to one file that :func:`load` reads without running code.

    The file is a zip archive: the scikit-learn parts in the :mod:`skops.io` format,
    the weights of every skorch network as safetensors, and a ``manifest.json`` with
    the library versions, the label set, the pipeline structure and a SHA-256 checksum
    of every file. It is written to a temporary file and renamed into place, so an
    interrupted save never leaves a half-written file where a good one was.

    Parameters
    ----------
    model : estimator
        A fitted estimator or pipeline, e.g. ``make_pipeline(SentenceVectorizer(),
        FeedForwardClassifier())``. Parameters and fitted attributes must be plain
        values, arrays or estimators; torch objects are stored only as network weights.
    path : str or path-like
        Where to write the file (by convention with the suffix ``.zip``).

    Returns
    -------
    path : pathlib.Path
        The path written.

    Raises
    ------
    UnsupportedModelError
        If part of the model can only be stored with pickle.

    See Also
    --------
    load : Read the file back.
    joblib.dump : Faster and stores anything, but loading runs arbitrary code.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_emotion import io
    >>> model = make_pipeline(TfidfVectorizer(), LogisticRegression())
    >>> model = model.fit(["so happy", "very sad", "happy day", "sad day"],
    ...                   ["joy", "sadness", "joy", "sadness"])
    >>> path = io.save(model, pathlib.Path(tempfile.mkdtemp()) / "model.zip")
    >>> io.load(path).predict(["happy"])
    array(['joy'], dtype='<U7')
    >>> io.read_manifest(path)["classes"]
    ['joy', 'sadness']
    """
    import skops.io as sio
    from safetensors.torch import save_model as save_safetensors

    nets, holders = find_parts(model)
    memo: dict[int, Any] = {id(net): NetRef(i) for i, net in enumerate(nets)}
    resources = []
    for holder in holders:
        attributes, digest = persist_spec(holder)
        memo[id(holder)] = light_copy(holder, attributes, digest)
        resources.append(
            {"class": qualname(holder), "resource": resource_name(holder), "fingerprint": digest}
        )
    specs = [net_spec(net) for net in nets]
    try:
        structure = copy.deepcopy(model, memo)
        payload = sio.dumps({"model": structure, "nets": specs}, compression=zipfile.ZIP_DEFLATED)
    except Exception as exc:  # copying or skops names the object it cannot handle
        raise UnsupportedModelError(
            f"sklearn_emotion.io.save cannot store this model safely: {type(exc).__name__}: "
            f"{exc}. Use joblib for trusted use."
        ) from exc
    files = {_SKOPS: payload}
    net_entries = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, net in enumerate(nets):
            weights = {}
            for name in sorted(net._modules) if is_fitted(net) else []:
                member = f"weights/net-{i}/{name}.safetensors"
                target = Path(tmp) / f"{i}-{name}.safetensors"
                save_safetensors(getattr(net, name + "_"), str(target))
                files[member] = target.read_bytes()
                weights[name] = member
            net_entries.append({"class": qualname(net), "weights": weights})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": _versions(),
        "model": _describe(model),
        "classes": _labels(model),
        "nets": net_entries,
        "resources": resources,
        "files": {name: _sha256(data) for name, data in files.items()},
    }
    path = Path(path)
    with atomic_path(path) as tmp_path:
        with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(_MANIFEST, json.dumps(manifest, indent=2, default=json_default))
            for name, data in files.items():
                archive.writestr(name, data)
    return path


def _open(path) -> tuple[dict, dict[str, bytes]]:
    """Read and check the archive: manifest, format, checksums."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"No model file at {str(path)!r}.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _MANIFEST not in names:
                raise ModelFileError(
                    f"{str(path)!r} is not a sklearn-emotion model file: it has no "
                    f"{_MANIFEST}. Files written by joblib or pickle must be loaded with "
                    "joblib.load, and only if you trust their source."
                )
            manifest = json.loads(archive.read(_MANIFEST))
            data = {name: archive.read(name) for name in names - {_MANIFEST}}
    except zipfile.BadZipFile:
        raise ModelFileError(
            f"{str(path)!r} is not a sklearn-emotion model file (not a zip archive). "
            "Files written by joblib or pickle must be loaded with joblib.load, and only "
            "if you trust their source."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{str(path)!r} has an unreadable {_MANIFEST}: {exc}.") from None
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
        elif _sha256(data[name]) != expected[name]:
            problems.append(f"{name} does not match its SHA-256 checksum")
    if problems:
        raise ModelFileError(
            f"{str(path)!r} is damaged or was altered: " + "; ".join(problems) + "."
        )
    return manifest, data


def get_untrusted_types(path: str | os.PathLike) -> list[str]:
    """The types in a model file that :func:`load` refuses unless they are trusted.

    Inspect them (and the file's origin) before passing them to ``load(trusted=...)``.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    list of str
        Fully qualified type or function names, sorted; empty for files that hold only
        skops's default types (scikit-learn, numpy, scipy) and types that installed
        packages declare safe (:func:`sklearn_emotion.registry.safe_types`).
    """
    manifest, data = _open(path)
    return untrusted_types(manifest, data[_SKOPS])


def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest of a model file (versions, classes, structure, checksums), checked.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.

    Returns
    -------
    dict
    """
    return _open(path)[0]


def _warn_versions(saved: dict, path) -> None:
    current = _versions()
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


def load(path: str | os.PathLike, *, trusted: Sequence[str] | None = None, device=None):
    """Load a model written by :func:`save`, without running code from the file.

    The archive's checksums are verified first; then every type the file names is
    checked: skops's defaults (scikit-learn, numpy, scipy) and the types that the
    library and the installed plugins declare safe
    (:func:`sklearn_emotion.registry.safe_types`) load; any other type is refused
    unless listed in ``trusted``. Weights are read from safetensors. Pretrained resources the model
    references (frozen encoders, word vectors) are resolved from the installed plugins
    or local folders, with a warning if they differ from those at saving time.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save`.
    trusted : list of str, default=None
        Further type names to accept, as listed by :func:`get_untrusted_types` (or in
        the error). Only trust types whose code you know: loading creates them.
    device : str or None, default=None
        Move the networks to this device (e.g. ``"cpu"`` for a model trained on a GPU);
        ``None`` keeps each network's ``device`` parameter.

    Returns
    -------
    model : estimator
        The fitted model, ready to ``predict``.

    Raises
    ------
    ModelFileError
        If the file is not a model file written by :func:`save`, is damaged or altered
        (checksum mismatch), or uses a newer format.
    UntrustedTypesError
        If the file names types that are not trusted.

    Warns
    -----
    ModelVersionWarning
        If the file was saved with other versions of the libraries in its manifest, or a
        pretrained resource has changed since.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sklearn_emotion import io
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.zip"
    >>> _ = io.save(FunctionTransformer(func=print).fit([[1]]), path)
    >>> io.load(path)
    Traceback (most recent call last):
    ...
    sklearn_emotion.exceptions.UntrustedTypesError: ...refuses to load ['builtins.print']...
    >>> io.load(path, trusted=["builtins.print"])
    FunctionTransformer(func=<built-in function print>)
    """
    import skops.io as sio

    manifest, data = _open(path)
    allowed = frozenset(trusted or ())
    untrusted = [name for name in untrusted_types(manifest, data[_SKOPS]) if name not in allowed]
    if untrusted:
        raise UntrustedTypesError(
            f"sklearn_emotion.io.load refuses to load {untrusted} from {str(path)!r}: "
            "creating them could run code. If you trust the file's origin and these "
            f"types, pass trusted={untrusted!r}."
        )
    _warn_versions(manifest.get("versions", {}), path)
    skops_trusted = sio.get_untrusted_types(data=data[_SKOPS])
    try:
        content = sio.loads(data[_SKOPS], trusted=skops_trusted)
    except Exception as exc:
        raise ModelFileError(
            f"{str(path)!r} could not be read: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(content, dict) or set(content) != {"model", "nets"}:
        raise ModelFileError(f"{str(path)!r} does not hold a sklearn-emotion model.")
    nets = []
    for spec, entry in zip(content["nets"], manifest.get("nets", [])):
        weights = {name: data[member] for name, member in entry.get("weights", {}).items()}
        nets.append(build_net(spec, weights, device, allowed | registry.safe_types()))
    return substitute(content["model"], nets, set())
