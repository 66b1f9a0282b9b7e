"""Registry tests with distributions written to a temporary folder and patched discovery.

Each fake package is a real ``.dist-info`` folder (METADATA + entry_points.txt) read by
``importlib.metadata.PathDistribution``, so the registry sees the same objects as for an
installed package, without installing anything.
"""

from __future__ import annotations

import warnings
from importlib import metadata

import pytest

from sklearn_emotion import registry
from sklearn_emotion.exceptions import EmotionWarning, PluginLoadError, PluginNotFoundError

API_OK = "sklearn_emotion.registry:API_1"


def make_dist(root, name, groups, *, version="1.0", licence="MIT", summary="A test plugin"):
    """A distribution ``name`` whose entry points are ``{group suffix: {name: value}}``."""
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n"
        f"License-Expression: {licence}\nSummary: {summary}\n")
    lines = []
    for group, entries in groups.items():
        lines.append(f"[{'sklearn_emotion.' + group}]")
        lines += [f"{k} = {v}" for k, v in entries.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return metadata.PathDistribution(info)


def install(monkeypatch, *dists, calls=None):
    """Make discovery see exactly the entry points of ``dists`` (``calls`` counts groups)."""
    def entry_points(group):
        if calls is not None:
            calls.append(group)
        return [ep for dist in dists for ep in dist.entry_points if ep.group == group]

    monkeypatch.setattr(registry, "_entry_points", entry_points)
    registry.refresh()  # what a test changes is seen at once, and forgotten after it


@pytest.fixture
def fake_plugins(monkeypatch, tmp_path):
    (tmp_path / "vecs.txt").write_text("hello 0.1 0.2\n")
    dist = make_dist(tmp_path, "fake-plugins", {
        "api": {"fake-plugins": API_OK},
        "vectors": {
            "tiny-vectors": "os.path:curdir",
            "broken": "no_such_module_xyz:thing",
            # tempfile.mktemp returns a path that does not exist
            "missing-file": "tempfile:mktemp",
        },
        "estimators": {
            "Zeta": "sklearn.dummy:DummyClassifier",
            "Alpha": "sklearn.linear_model:LogisticRegression",
        },
    })
    install(monkeypatch, dist)
    return dist


def test_find_plugins_sorted_and_lazy(fake_plugins):
    names = [p.name for p in registry.find_plugins("estimators")]
    assert names == ["Alpha", "Zeta"]
    # finding does not import: the broken plugin is still listed
    assert "broken" in registry.available("vectors")


def test_plugin_records_carry_package_metadata(fake_plugins):
    plugin = registry.get_plugin("estimators", "Alpha")
    assert (plugin.package, plugin.version, plugin.licence, plugin.summary) == (
        "fake-plugins", "1.0", "MIT", "A test plugin")
    assert plugin.api_version == 1
    assert plugin.display_name == "fake-plugins[Alpha]"


def test_available_by_kind(fake_plugins):
    found = registry.available()
    assert set(found) == set(registry.KINDS)
    assert found["datasets"] == []


def test_load_imports_object(fake_plugins):
    from sklearn.dummy import DummyClassifier

    assert registry.load("estimators", "Zeta") is DummyClassifier
    assert registry.load("estimators", "zeta") is DummyClassifier  # case-insensitive fallback
    assert registry.load("estimators", "fake-plugins[Zeta]") is DummyClassifier


def test_unknown_name_lists_installed_and_suggests(fake_plugins):
    with pytest.raises(PluginNotFoundError) as info:
        registry.load("estimators", "Alpah")
    message = str(info.value)
    assert "Unknown estimators plugin 'Alpah'" in message
    assert "Did you mean 'Alpha'?" in message
    assert "Installed estimators plugins: Alpha (fake-plugins 1.0)" in message
    assert "sklearn_emotion.estimators" in message
    assert isinstance(info.value, LookupError)


def test_missing_first_party_plugin_names_its_package(fake_plugins):
    with pytest.raises(PluginNotFoundError) as info:
        registry.load("vectorizers", "StaticEmbeddingVectorizer")
    message = str(info.value)
    assert "provided by the package sklearn-emotion-model2vec" in message
    assert "pip install -e plugins/model2vec" in message


def test_load_failure_is_wrapped(fake_plugins):
    match = r"Failed to load vectors plugin fake-plugins\[broken\].*ModuleNotFoundError"
    with pytest.raises(PluginLoadError, match=match):
        registry.load("vectors", "broken")


def test_unknown_kind():
    with pytest.raises(ValueError, match="Unknown plugin kind 'vector'"):
        registry.find_plugins("vector")


def test_resolution_order_plugin_then_path_then_hub(fake_plugins, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plugin = registry.resolve("vectors", "tiny-vectors")
    assert plugin.source == "plugin"  # os.path.curdir is not callable: returned as is
    assert registry.resolve("vectors", "fake-plugins[tiny-vectors]").name == "tiny-vectors"
    path = registry.resolve("vectors", str(tmp_path / "vecs.txt"))
    assert path.source == "path" and path.location == tmp_path / "vecs.txt"
    hub = registry.resolve("vectors", "word2vec-google-news-300")
    assert hub == registry.Resource("hub", "word2vec-google-news-300", "word2vec-google-news-300")


def test_missing_local_file_is_not_taken_for_a_hub_name(fake_plugins):
    with pytest.raises(PluginNotFoundError, match="existing local path"):
        registry.resolve("vectors", "./nowhere/vectors.txt")
    with pytest.raises(PluginNotFoundError, match="hub names are not allowed"):
        registry.resolve("vectors", "some-name", allow_hub=False)


def test_plugin_pointing_at_missing_file(fake_plugins):
    with pytest.raises(PluginLoadError, match="does not exist; reinstall"):
        registry.resolve("vectors", "missing-file")


def test_name_clash_is_reported_and_a_qualified_name_picks_one(monkeypatch, tmp_path):
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression

    install(monkeypatch,
            make_dist(tmp_path, "pkg-a", {"api": {"pkg-a": API_OK},
                                          "estimators": {"same": "sklearn.dummy:DummyClassifier"}}),
            make_dist(tmp_path, "pkg-b", {"api": {"pkg-b": API_OK}, "estimators": {
                "same": "sklearn.linear_model:LogisticRegression"}}))
    # listing is not broken by the clash
    assert registry.available("estimators") == ["same", "same"]
    with pytest.raises(PluginLoadError) as info:
        registry.load("estimators", "same")
    message = str(info.value)
    assert "registered by more than one package: 'pkg-a[same]', 'pkg-b[same]'" in message
    assert "Pick one by its qualified name" in message
    assert registry.load("estimators", "pkg-a[same]") is DummyClassifier
    assert registry.load("estimators", "PKG_B[same]") is LogisticRegression  # normalised name
    problems = registry.find_problems("estimators")
    assert [(p.package, "more than one package" in p.problem) for p in problems] == [
        ("pkg-a", True), ("pkg-b", True)]


def test_incompatible_api_version_is_skipped_with_a_warning(monkeypatch, tmp_path):
    install(monkeypatch,
            make_dist(tmp_path, "future-plugin", {
                "api": {"future-plugin": "sklearn_emotion.registry:API_99"},
                "vectorizers": {"FutureVectorizer": "future_plugin:FutureVectorizer"}}),
            make_dist(tmp_path, "good-plugin", {
                "api": {"good-plugin": API_OK},
                "vectorizers": {"GoodVectorizer": "sklearn.feature_extraction.text:"
                                                  "CountVectorizer"}}))
    with pytest.warns(EmotionWarning, match=r"Skipping vectorizers plugin "
                                            r"future-plugin\[FutureVectorizer\].*API version 99"):
        names = registry.available("vectorizers")
    assert names == ["GoodVectorizer"]
    with pytest.warns(EmotionWarning), pytest.raises(PluginNotFoundError):
        registry.load("vectorizers", "FutureVectorizer")
    problems = registry.find_problems("vectorizers")
    assert len(problems) == 1 and problems[0].package == "future-plugin"
    assert "supports 1; the plugin is skipped" in problems[0].problem


def test_undeclared_api_version_is_listed_but_reported(monkeypatch, tmp_path):
    install(monkeypatch, make_dist(tmp_path, "old-plugin", {
        "estimators": {"Old": "sklearn.dummy:DummyClassifier"}}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning for a package that declares nothing
        assert registry.available("estimators") == ["Old"]
    [problem] = registry.find_problems("estimators")
    assert "declares no plugin API version" in problem.problem
    assert '"sklearn_emotion.api"' in problem.problem and API_OK in problem.problem


def test_broken_plugin_is_reported_not_fatal(fake_plugins):
    problems = registry.find_problems(load=True)
    assert [(p.name, p.problem.split(":")[0]) for p in problems] == [
        ("broken", "fails to load (no_such_module_xyz")]
    assert "ModuleNotFoundError" in problems[0].problem
    assert registry.find_problems(load=False) == []


def test_plugin_metadata_merges_module_metadata(monkeypatch, tmp_path):
    module = tmp_path / "src"
    module.mkdir()
    (module / "meta_plugin_xyz.py").write_text(
        "METADATA = {'dimension': 7, 'description': 'seven numbers'}\n"
        "def get_path():\n    return '.'\n")
    monkeypatch.syspath_prepend(str(module))
    install(monkeypatch, make_dist(tmp_path, "meta-plugin", {
        "api": {"meta-plugin": API_OK}, "vectors": {"seven": "meta_plugin_xyz:get_path"}},
        licence="Apache-2.0"))
    info = registry.plugin_metadata("vectors", "seven")
    assert info["dimension"] == 7
    assert info["description"] == "seven numbers"  # the module's own words win
    assert (info["package"], info["version"], info["licence"], info["api_version"]) == (
        "meta-plugin", "1.0", "Apache-2.0", 1)


def test_parse_api_version():
    assert registry.parse_api_version(API_OK) == registry.PLUGIN_API_VERSION
    assert registry.parse_api_version("sklearn_emotion.registry:API_2") == 2
    assert registry.parse_api_version("other.module:API_1") is None
    assert registry.load.__module__ == "sklearn_emotion.registry"  # where users find it
    assert registry.API_1 == 1  # what an API entry point loads


def test_builtins_register_through_entry_points():
    # the installed distribution registers its own classes through the same groups
    assert {"WordVectorizer", "SentenceVectorizer", "BertVectorizer"} <= set(
        registry.available("vectorizers"))
    assert "FeedForwardClassifier" in registry.available("estimators")
    assert "goemotions" in registry.available("datasets")
    plugin = registry.get_plugin("datasets", "goemotions")
    assert plugin.api_version == registry.PLUGIN_API_VERSION  # the library itself
    assert plugin.licence == "Apache-2.0"


def test_scans_are_cached_per_process_and_refresh_forgets_them(monkeypatch, tmp_path):
    (tmp_path / "vecs.txt").write_text("hello 0.1 0.2\n")
    calls = []
    install(monkeypatch, make_dist(tmp_path, "cached-plugin", {
        "api": {"cached-plugin": API_OK}, "vectors": {"tiny": "os.path:curdir"}}), calls=calls)
    first = registry.resolve("vectors", "tiny")
    # one scan per resolve: the API declarations and the kind's group, each read once
    assert sorted(calls) == ["sklearn_emotion.api", "sklearn_emotion.vectors"]
    assert registry.resolve("vectors", "tiny") == first
    registry.find_plugins("vectors"), registry.is_registered("vectors", "tiny")
    assert len(calls) == 2  # later lookups reuse the scan
    registry.refresh()
    registry.available("vectors")
    assert len(calls) == 4  # refresh() reads the metadata again


def test_installed_entry_points_are_read_once(monkeypatch):
    from importlib import metadata as md

    real = md.entry_points
    groups = []
    monkeypatch.setattr(md, "entry_points",
                        lambda **kw: (groups.append(kw.get("group")), real(**kw))[1])
    registry.refresh()
    try:
        for _ in range(3):
            registry.find_plugins("datasets")
            registry.load("datasets", "goemotions")
        assert sorted(groups) == ["sklearn_emotion.api", "sklearn_emotion.datasets"]
    finally:
        monkeypatch.undo()
        registry.refresh()


class _NotSafe:
    pass


SAFE = (registry.Plugin, _NotSafe)  # what a fake package's SAFE_TYPES entry point loads


def test_safe_types_are_read_from_the_declarations(monkeypatch, tmp_path):
    module = f"{__name__}:SAFE"
    install(monkeypatch,
            make_dist(tmp_path, "good-safe", {"api": {"good-safe": API_OK},
                                              "safe_types": {"good-safe": module}}),
            make_dist(tmp_path, "future-safe", {
                "api": {"future-safe": "sklearn_emotion.registry:API_99"},
                "safe_types": {"future-safe": "sklearn.dummy:DummyClassifier"}}),
            make_dist(tmp_path, "broken-safe", {"api": {"broken-safe": API_OK},
                                                "safe_types": {"broken-safe": "no_such_xyz:T"}}))
    with pytest.warns(EmotionWarning, match=r"Ignoring the safe types declared by broken-safe "
                                            r"\(no_such_xyz:T\) due to ModuleNotFoundError"):
        found = registry.safe_types()
    # the good package's declarations, by qualified name; nothing from the one built for
    # another plugin API, nor from the broken one
    assert found == frozenset({"sklearn_emotion.registry.Plugin", f"{__name__}._NotSafe"})
    assert registry.safe_types() is found  # cached


def test_installed_packages_declare_their_safe_types():
    registry.refresh()
    names = registry.safe_types()
    assert "sklearn_emotion.text._cleaner.TextCleaner" in names
    assert "sklearn_emotion.estimators._feedforward.FeedForwardClassifier" in names
    assert not any(name.startswith(("os.", "builtins.", "subprocess.")) for name in names)
