"""Registry tests with in-memory entry points, so no installed plugin is needed."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from sklearn_emotion import registry
from sklearn_emotion.exceptions import PluginLoadError, PluginNotFoundError


@pytest.fixture
def fake_entry_points(monkeypatch, tmp_path):
    (tmp_path / "vecs.txt").write_text("hello 0.1 0.2\n")
    table = {
        "sklearn_emotion.vectors": [
            EntryPoint("tiny-vectors", "os.path:curdir", "sklearn_emotion.vectors"),
            EntryPoint("broken", "no_such_module_xyz:thing", "sklearn_emotion.vectors"),
            # tempfile.mktemp returns a path that does not exist
            EntryPoint("missing-file", "tempfile:mktemp", "sklearn_emotion.vectors"),
        ],
        "sklearn_emotion.estimators": [
            EntryPoint("Zeta", "sklearn.dummy:DummyClassifier", "sklearn_emotion.estimators"),
            EntryPoint("Alpha", "sklearn.linear_model:LogisticRegression",
                       "sklearn_emotion.estimators"),
        ],
    }
    monkeypatch.setattr(registry, "_entry_points", lambda group: table.get(group, []))
    return table


def test_find_plugins_sorted_and_lazy(fake_entry_points):
    names = [p.name for p in registry.find_plugins("estimators")]
    assert names == ["Alpha", "Zeta"]
    # finding does not import: the broken plugin is still listed
    assert "broken" in registry.available("vectors")


def test_available_by_kind(fake_entry_points):
    found = registry.available()
    assert set(found) == set(registry.KINDS)
    assert found["datasets"] == []


def test_load_imports_object(fake_entry_points):
    from sklearn.dummy import DummyClassifier

    assert registry.load("estimators", "Zeta") is DummyClassifier
    assert registry.load("estimators", "zeta") is DummyClassifier  # case-insensitive fallback


def test_unknown_name_lists_installed_and_suggests(fake_entry_points):
    with pytest.raises(PluginNotFoundError) as info:
        registry.load("estimators", "Alpah")
    message = str(info.value)
    assert "Unknown estimators plugin 'Alpah'" in message
    assert "Did you mean 'Alpha'?" in message
    assert "Installed estimators plugins: Alpha" in message
    assert "sklearn_emotion.estimators" in message
    assert isinstance(info.value, LookupError)


def test_load_failure_is_wrapped(fake_entry_points):
    match = "Failed to load vectors plugin .*broken.*ModuleNotFoundError"
    with pytest.raises(PluginLoadError, match=match):
        registry.load("vectors", "broken")


def test_unknown_kind():
    with pytest.raises(ValueError, match="Unknown plugin kind 'vector'"):
        registry.find_plugins("vector")


def test_resolution_order_plugin_then_path_then_hub(fake_entry_points, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plugin = registry.resolve("vectors", "tiny-vectors")
    assert plugin.source == "plugin"  # os.path.curdir is not callable: returned as is
    path = registry.resolve("vectors", str(tmp_path / "vecs.txt"))
    assert path.source == "path" and path.location == tmp_path / "vecs.txt"
    hub = registry.resolve("vectors", "word2vec-google-news-300")
    assert hub == registry.Resource("hub", "word2vec-google-news-300", "word2vec-google-news-300")


def test_missing_local_file_is_not_taken_for_a_hub_name(fake_entry_points):
    with pytest.raises(PluginNotFoundError, match="existing local path"):
        registry.resolve("vectors", "./nowhere/vectors.txt")
    with pytest.raises(PluginNotFoundError, match="hub names are not allowed"):
        registry.resolve("vectors", "some-name", allow_hub=False)


def test_plugin_pointing_at_missing_file(fake_entry_points):
    with pytest.raises(PluginLoadError, match="does not exist; reinstall"):
        registry.resolve("vectors", "missing-file")


def test_name_clash_is_reported(monkeypatch):
    eps = [
        EntryPoint("same", "sklearn.dummy:DummyClassifier", "sklearn_emotion.estimators"),
        EntryPoint("same", "sklearn.linear_model:LogisticRegression", "sklearn_emotion.estimators"),
    ]
    plugins = [registry.Plugin("estimators", "same", ep.value, pkg, "1.0", ep)
               for ep, pkg in zip(eps, ["pkg-a", "pkg-b"])]
    monkeypatch.setattr(registry, "find_plugins", lambda kind=None: plugins)
    with pytest.raises(PluginLoadError, match=r"pkg-a\[same\], pkg-b\[same\]"):
        registry.load("estimators", "same")


def test_builtins_register_through_entry_points():
    # the installed distribution registers its own classes through the same groups
    assert {"WordVectorizer", "SentenceVectorizer", "BertVectorizer"} <= set(
        registry.available("vectorizers"))
    assert "FeedForwardClassifier" in registry.available("estimators")
    assert "goemotions" in registry.available("datasets")
