"""Discovery is lazy: importing the package and listing plugins loads no heavy module.

Measured in a fresh interpreter, since this test session has long imported everything.
The wall time itself is measured by benchmarks/bench_import.py, not asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["torch", "transformers", "sentence_transformers", "skorch", "gensim", "model2vec",
         "sklearn", "scipy", "pandas", "vaderSentiment", "librosa"]

PROBE = """
import json, sys
import sklearn_emotion
from sklearn_emotion import registry
plugins = registry.find_plugins()
names = registry.available()
problems = registry.find_problems(load=False)
modules = set(sys.modules)
print(json.dumps({
    "heavy": sorted(m for m in HEAVY if m in modules),
    "plugin_modules": sorted(m for m in modules
                             if m.startswith("sklearn_emotion_") or m in PLUGIN_MODULES),
    "n_plugins": len(plugins),
}))
"""


def _probe():
    from sklearn_emotion import registry

    plugin_modules = sorted({p.value.partition(":")[0].split(".")[0]
                             for p in registry.find_plugins()} - {"sklearn_emotion"})
    code = f"HEAVY = {HEAVY!r}\nPLUGIN_MODULES = {plugin_modules!r}\n" + PROBE
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def probe():
    return _probe()


def test_import_and_listing_import_no_heavy_library(probe):
    assert probe["n_plugins"] > 10
    assert probe["heavy"] == [], f"discovery imported {probe['heavy']}"


def test_listing_imports_no_plugin_module(probe):
    # entry points are read from metadata; no plugin code (nor its weights) is loaded
    assert probe["plugin_modules"] == []


def test_lazy_exports_still_resolve():
    code = ("import sys, sklearn_emotion; sklearn_emotion.TextCleaner; "
            "print('sklearn' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "True"  # a public name imports what it needs on first use
