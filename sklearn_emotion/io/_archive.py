"""The model file: a zip archive of ``model.skops``, safetensors weights and a manifest.

See :mod:`sklearn_emotion.io` for what each member holds.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Sequence

from .. import registry
from ..exceptions import ModelFileError, UnsupportedModelError, UntrustedTypesError
from ..utils._io import atomic_path
from ..utils._persist import NetRef
from ._manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SKOPS,
    describe,
    labels_of,
    open_archive,
    read_manifest,
    sha256,
    versions,
    warn_versions,
)
from ._nets import build_net, is_fitted, net_spec
from ._parts import (
    find_parts,
    json_default,
    light_copy,
    packed_copy,
    persist_spec,
    qualname,
    resource_name,
    substitute,
)
from ._trust import untrusted_types

__all__ = ["FORMAT", "FORMAT_VERSION", "save", "load", "get_untrusted_types", "read_manifest"]


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

    nets, holders, vectorizers = find_parts(model)
    memo: dict[int, Any] = {id(net): NetRef(i) for i, net in enumerate(nets)}
    resources = []
    for holder in holders:
        attributes, digest = persist_spec(holder)
        memo[id(holder)] = light_copy(holder, attributes, digest)
        resources.append(
            {"class": qualname(holder), "resource": resource_name(holder), "fingerprint": digest}
        )
    for vectorizer in vectorizers:
        light = packed_copy(vectorizer)
        if light is not None:
            memo[id(vectorizer)] = light
    specs = [net_spec(net) for net in nets]
    try:
        structure = copy.deepcopy(model, memo)
        payload = sio.dumps({"model": structure, "nets": specs}, compression=zipfile.ZIP_DEFLATED,
                            compresslevel=1)  # graphs and weights barely compress
    except Exception as exc:  # copying or skops names the object it cannot handle
        raise UnsupportedModelError(
            f"sklearn_emotion.io.save cannot store this model safely: {type(exc).__name__}: "
            f"{exc}. Use joblib for trusted use."
        ) from exc
    files = {SKOPS: payload}
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
        "versions": versions(),
        "model": describe(model),
        "classes": labels_of(model),
        "nets": net_entries,
        "resources": resources,
        "files": {name: sha256(data) for name, data in files.items()},
    }
    path = Path(path)
    with atomic_path(path) as tmp_path:
        with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, default=json_default))
            for name, data in files.items():
                archive.writestr(name, data)
    return path


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
    manifest, data = open_archive(path)
    return untrusted_types(manifest, data[SKOPS])


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

    manifest, data = open_archive(path)
    allowed = frozenset(trusted or ())
    untrusted = [name for name in untrusted_types(manifest, data[SKOPS]) if name not in allowed]
    if untrusted:
        raise UntrustedTypesError(
            f"sklearn_emotion.io.load refuses to load {untrusted} from {str(path)!r}: "
            "creating them could run code. If you trust the file's origin and these "
            f"types, pass trusted={untrusted!r}."
        )
    warn_versions(manifest.get("versions", {}), path)
    skops_trusted = sio.get_untrusted_types(data=data[SKOPS])
    try:
        content = sio.loads(data[SKOPS], trusted=skops_trusted)
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
