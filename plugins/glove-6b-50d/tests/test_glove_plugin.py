import numpy as np

from sklearn_emotion import registry
from sklearn_emotion.testing import check_plugin


def test_honours_the_plugin_contract():
    check_plugin("sklearn-emotion-glove-6b-50d")


def test_registered_and_resolves_to_real_vectors():
    assert "glove-6b-50d" in registry.available("vectors")
    resource = registry.resolve("vectors", "glove-6b-50d")
    assert resource.source == "plugin"
    matrix = np.load(resource.location / "glove_6B_50d_emb.npy", mmap_mode="r")
    assert matrix.shape == (400_000, 50)


def test_metadata():
    info = registry.plugin_metadata("vectors", "glove-6b-50d")
    assert (info["licence"], info["dimension"], info["api_version"]) == ("PDDL-1.0", 50, 1)
