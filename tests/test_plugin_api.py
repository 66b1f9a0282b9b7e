"""The public plugin API: what it exports, and that first-party plugins use nothing else."""

from __future__ import annotations

import ast
from numbers import Real
from pathlib import Path

import numpy as np
import pytest

from sklearn_emotion import plugin_api, registry

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"


def _plugin_sources() -> list[Path]:
    skip = {"build", "dist", ".venv"}
    return sorted(p for p in PLUGINS.rglob("*.py")
                  if not skip & set(p.relative_to(PLUGINS).parts)
                  and not any(part.endswith(".egg-info") for part in p.parts))


def _private_uses(tree: ast.AST) -> list[str]:
    """Every import (or attribute chain) naming a private module or name of the library."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {alias.name}" for alias in node.names
                      if alias.name.split(".")[0] == "sklearn_emotion"
                      and any(part.startswith("_") for part in alias.name.split("."))]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "sklearn_emotion":
                continue
            names = [alias.name for alias in node.names]
            if any(p.startswith("_") for p in parts) or any(n.startswith("_") for n in names):
                found.append(f"line {node.lineno}: from {node.module} import "
                             f"{', '.join(names)}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id == "sklearn_emotion":
                found.append(f"line {node.lineno}: sklearn_emotion.{'.'.join(chain[::-1])}")
    return found


def test_the_scan_sees_private_imports():
    code = ("import sklearn_emotion._optional\nfrom sklearn_emotion.text._base import X\n"
            "from sklearn_emotion.registry import _normalise\n"
            "from sklearn_emotion import plugin_api, registry\nfrom . import _mine\n"
            "import sklearn_emotion\nsklearn_emotion.utils._hf.load_encoder\n")
    assert len(_private_uses(ast.parse(code))) == 4


@pytest.mark.parametrize("path", _plugin_sources(), ids=lambda p: str(p.relative_to(PLUGINS)))
def test_plugins_import_only_public_names(path):
    assert _private_uses(ast.parse(path.read_text(), str(path))) == []


def test_every_plugin_folder_is_scanned():
    folders = {p.relative_to(PLUGINS).parts[0] for p in _plugin_sources()}
    assert folders >= {"audio-mfcc", "glove-6b-50d", "lexicon", "minilm", "model2vec",
                       "template", "tfidf-baseline"}


def test_every_exported_name_exists():
    assert len(plugin_api.__all__) == len(set(plugin_api.__all__))
    missing = [name for name in plugin_api.__all__ if not hasattr(plugin_api, name)]
    assert missing == []
    assert all(not name.startswith("_") for name in plugin_api.__all__)


def test_the_api_version_is_the_registry_s():
    assert plugin_api.PLUGIN_API_VERSION == registry.PLUGIN_API_VERSION
    assert plugin_api.PLUGIN_API_VERSION in registry.SUPPORTED_API_VERSIONS
    assert registry.parse_api_version(
        f"sklearn_emotion.registry:API_{plugin_api.PLUGIN_API_VERSION}"
    ) == plugin_api.PLUGIN_API_VERSION


def test_testing_names_are_the_testing_module_s():
    from sklearn_emotion import testing

    for name in ("check_plugin", "check_text_estimator", "sample_texts", "CheckResult"):
        assert getattr(plugin_api, name) is getattr(testing, name)


def test_every_first_party_class_plugin_is_declared_safe():
    safe = registry.safe_types()
    for kind in ("vectorizers", "estimators"):
        for plugin in registry.find_plugins(kind):
            if plugin.package == registry.CORE_DISTRIBUTION or not plugin.package.startswith(
                    "sklearn-emotion-"):
                continue
            cls = registry.load(kind, plugin.display_name)
            assert registry.type_name(cls) in safe, plugin.display_name


class _Shout(plugin_api.PretrainedVectorizer):
    """A minimal PretrainedVectorizer: the 'resource' is a table of letter weights."""

    _resource_attributes = ("weights_",)
    _resource_param = "scale"
    _resource_kind = None
    _parameter_constraints = {"scale": [plugin_api.Interval(Real, 0, None, closed="neither")]}

    def __init__(self, scale=1.0):
        self.scale = scale

    def _load_resource(self, resource):
        assert resource is None  # no registry kind: nothing is resolved
        return {"weights_": np.arange(1, 4, dtype=np.float32) * self.scale,
                "n_features_out_": 3}

    def _encode(self, texts):
        counts = np.array([[t.count("!"), t.count("?"), sum(c.isupper() for c in t)]
                           for t in texts], dtype=np.float32)
        return counts * self.weights_


def test_a_pretrained_vectorizer_needs_only_its_two_hooks():
    from sklearn_emotion.testing import check_text_estimator

    results = check_text_estimator(_Shout(scale=2.0), X=["Hi!", "What?", "OK!!"], y=[0, 1, 0])
    checks = {r.check: r for r in results}
    assert checks["persistence hooks"].detail == "weights_ stored by reference"
    vec = _Shout(scale=2.0).fit(["a"])
    assert vec.transform(["AB!?"]).tolist() == [[2.0, 4.0, 12.0]]
    assert list(vec.get_feature_names_out()) == ["_shout0", "_shout1", "_shout2"]
    with pytest.raises(ValueError, match="'scale' parameter of _Shout"):
        _Shout(scale=-1.0).fit(["a"])
