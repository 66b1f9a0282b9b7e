"""Safe persistence: save a fitted model without pickle, load it without running code.

:func:`save` writes a single ``.zip`` file that :func:`load` reads without unpickling
anything:

- ``model.skops``: the scikit-learn structure (pipelines, vectorizers, label encoders,
  parameters, fitted arrays), written by :mod:`skops.io`; the term dictionaries of
  scikit-learn's text vectorizers (``vocabulary_``) go in as two arrays, which skops
  writes and reads in a fraction of a second where a dict of 95,600 terms took 25 s;
- ``weights/net-<i>/<module>.safetensors``: the weights of every skorch network, in
  the safetensors format (tensors only, no code);
- ``manifest.json``: library versions, label set, pipeline structure, the pretrained
  resources referenced, and the SHA-256 of every other file, checked before anything
  is read.

Which types loading may create is declared, not guessed: skops's safe defaults
(scikit-learn, numpy, scipy) plus the types that the library and each installed plugin
declare through the registry (``sklearn_emotion.safe_types`` entry points, see
:func:`sklearn_emotion.registry.safe_types`). Any other type is refused unless the
caller names it in ``trusted=`` (:func:`get_untrusted_types` lists them).

Pretrained resources that a model uses but does not change (a frozen encoder, word
vectors) are stored by name and fingerprint rather than copied: each class says how
through the hooks ``__emotion_persist__``/``__emotion_reload__`` (see
:mod:`sklearn_emotion.plugin_api`); :func:`load` loads them again (from the installed
plugin, local folder or Hugging Face cache, no network needed for plugins) and warns if
their fingerprint differs. A network class names the attributes its ``initialize()``
rebuilds in the class attribute ``_persist_rebuilt``; they are not stored. The network
of a ``TransformerClassifier`` is fine-tuned, so its weights are stored.

Networks are restored for prediction: the optimizer state is not stored, so
``warm_start``/``partial_fit`` after loading start a fresh optimizer.

Model folders (:mod:`sklearn_emotion.model_dir`, the command line, ``dask_predict``)
store their model with :func:`save` as ``model.zip``. The library itself never unpickles
a file.

``joblib.dump``/``pickle``, the scikit-learn convention, still work on every estimator
of the library, and are faster and store anything. But loading a pickle runs whatever
code the file contains: ``joblib.load`` a file only if you trust its origin as you
would trust a program, and prefer :func:`save`/:func:`load` for files you share.
"""

from ._archive import FORMAT, FORMAT_VERSION, get_untrusted_types, load, read_manifest, save

__all__ = ["FORMAT", "FORMAT_VERSION", "save", "load", "get_untrusted_types", "read_manifest"]
