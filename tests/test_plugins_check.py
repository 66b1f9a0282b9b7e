"""check_plugin on packages that break the contract, placed on sys.path as real dist-infos."""

from __future__ import annotations

import textwrap

import pytest

from sklearn_emotion.exceptions import PluginCheckError
from sklearn_emotion.testing import check_plugin, sample_texts

BAD_MODULE = textwrap.dedent('''
    import numpy as np
    from sklearn.base import BaseEstimator, TransformerMixin


    class SloppyVectorizer(TransformerMixin, BaseEstimator):
        """Raw text in; fit rewrites a parameter and transform drops a row."""

        def __init__(self, width=3):
            self.width = width

        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.string = True
            tags.input_tags.two_d_array = False
            return tags

        def fit(self, X, y=None):
            self.width = int(self.width) + 1
            self.fitted_ = True
            return self

        def transform(self, X):
            if not hasattr(self, "fitted_"):
                raise AttributeError("not fitted")
            return np.ones((len(list(X)) - 1, self.width))


    def get_path():
        return "/no/such/folder/anywhere"
''')


def _package(root, name, entry_points, *, licence="MIT", summary="A plugin", api=True):
    info = root / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    header = f"Metadata-Version: 2.4\nName: {name}\nVersion: 0.1\n"
    if licence:
        header += f"License-Expression: {licence}\n"
    if summary:
        header += f"Summary: {summary}\n"
    (info / "METADATA").write_text(header)
    text = ""
    if api:
        text += f"[sklearn_emotion.api]\n{name} = sklearn_emotion.registry:API_1\n\n"
    for group, entries in entry_points.items():
        text += f"[sklearn_emotion.{group}]\n"
        text += "".join(f"{k} = {v}\n" for k, v in entries.items()) + "\n"
    (info / "entry_points.txt").write_text(text)


@pytest.fixture
def plugin_path(tmp_path, monkeypatch):
    (tmp_path / "sloppy_plugin_mod.py").write_text(BAD_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_every_breach_is_reported_at_once(plugin_path, monkeypatch):
    _package(plugin_path, "sloppy-plugin", {
        "vectorizers": {"SloppyVectorizer": "sloppy_plugin_mod:SloppyVectorizer",
                        "WordVectorizer": "sloppy_plugin_mod:SloppyVectorizer",
                        "Broken": "no_such_module_for_sure:Thing"},
        "vectors": {"nowhere": "sloppy_plugin_mod:get_path"},
    }, licence=None, api=False)
    monkeypatch.syspath_prepend(str(plugin_path))  # re-scan the metadata
    with pytest.raises(PluginCheckError) as info:
        check_plugin("sloppy-plugin", estimator_checks=False)
    message = str(info.value)
    assert message.startswith("sloppy-plugin breaks the sklearn-emotion plugin contract")
    for expected in [
        "metadata: missing License-Expression or License",
        'api version: no plugin API version declared; add [project.entry-points."sklearn_'
        'emotion.api"] sloppy-plugin = "sklearn_emotion.registry:API_1"',
        "vectorizers:WordVectorizer: unique name: also registered by "
        "sklearn-emotion[WordVectorizer]",
        "vectorizers:Broken: loads: ModuleNotFoundError",
        "vectors:nowhere: resolves: MissingWeightsError",
        "vectorizers:SloppyVectorizer: fit returns self: AssertionError: fit changed "
        "parameters: width: 3 -> 4",
    ]:
        assert expected in message, f"{expected!r} not in:\n{message}"


def test_results_without_raising_and_output_checks(plugin_path, monkeypatch):
    _package(plugin_path, "sloppy-two", {
        "vectorizers": {"SloppyVectorizer": "sloppy_plugin_mod:SloppyVectorizer"}})
    monkeypatch.syspath_prepend(str(plugin_path))
    X, y = sample_texts(per_class=2)
    results = check_plugin("sloppy-two", X=X, y=y, raise_on_failure=False,
                           estimator_checks=False)
    by_check = {r.check: r for r in results}
    assert by_check["metadata"].passed and by_check["api version"].passed
    assert not by_check["not fitted error"].passed  # AttributeError is not NotFittedError
    assert not by_check["fit returns self"].passed
    # neither declared in sklearn_emotion.safe_types nor one of skops's own types
    assert not by_check["declared safe"].passed
    assert "sloppy_plugin_mod.SloppyVectorizer is not declared safe" in (
        by_check["declared safe"].detail)


def test_sklearn_checks_run_on_tabular_estimators(plugin_path, monkeypatch):
    _package(plugin_path, "tabular-plugin", {
        "estimators": {"Knn": "sklearn.neighbors:KNeighborsClassifier"}})
    monkeypatch.syspath_prepend(str(plugin_path))
    results = check_plugin("tabular-plugin")
    [sk] = [r for r in results if r.check == "sklearn check_estimator"]
    assert sk.passed and int(sk.detail.split()[0]) > 30  # the full numeric battery ran
    [safe] = [r for r in results if r.check == "declared safe"]
    assert safe.passed  # scikit-learn's own classes load without a declaration


def test_unknown_package():
    with pytest.raises(PluginCheckError, match="'no-such-plugin' is not installed"):
        check_plugin("no-such-plugin")


def test_names_must_exist():
    with pytest.raises(PluginCheckError, match="registers no plugin named \\['nope'\\]"):
        check_plugin("sklearn-emotion", names=["nope"])
