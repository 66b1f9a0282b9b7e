"""Tools for the tests of plugin packages: :func:`check_plugin` verifies the contract.

A plugin package's own test suite calls :func:`check_plugin` once with its distribution
name; it checks everything ``plugins/README.md`` asks of a plugin and raises one
:class:`~sklearn_emotion.exceptions.PluginCheckError` that lists every problem found:

- the package metadata (name, version, licence, description) and the plugin API
  version it declares;
- every entry point it registers: the name is unique among the installed packages, the
  object loads, resources (``vectors``, ``encoders``) resolve to an existing path or an
  object, datasets are callable;
- every vectorizer and estimator: its class is declared safe for the model format
  (``sklearn_emotion.safe_types``), scikit-learn's own ``check_estimator`` checks, and,
  for those that take raw text (or whatever ``X`` the caller passes, such as audio file
  paths), the text-aware checks of :func:`check_text_estimator`.

:func:`check_text_estimator` runs the text-aware checks on one estimator, for classes
that are not (yet) registered by a package. :func:`text_estimator_checks` yields the
text-aware common-check suite (scikit-learn's common checks on raw texts and dicts of
modalities) as ``(name, check)`` pairs for ``pytest.mark.parametrize``;
:func:`run_text_estimator_checks` runs it.

Examples
--------
>>> from sklearn_emotion.testing import check_plugin
>>> results = check_plugin("sklearn-emotion", names=["goemotions"])
>>> all(r.passed for r in results)
True
>>> sorted({r.check for r in results})
['api version', 'callable', 'loads', 'metadata', 'registers names', 'unique name']
"""

from ._data import sample_texts
from ._estimator import CheckResult, check_text_estimator
from ._plugin import check_plugin
from ._suite import SkipCheck, check_names, run_text_estimator_checks, text_estimator_checks

__all__ = ["CheckResult", "SkipCheck", "check_names", "check_plugin", "check_text_estimator",
           "run_text_estimator_checks", "sample_texts", "text_estimator_checks"]
