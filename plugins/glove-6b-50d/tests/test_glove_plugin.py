import numpy as np

from sklearn_emotion import registry


def test_registered_and_resolves_to_real_vectors():
    assert "glove-6b-50d" in registry.available("vectors")
    resource = registry.resolve("vectors", "glove-6b-50d")
    assert resource.source == "plugin"
    matrix = np.load(resource.location / "glove_6B_50d_emb.npy", mmap_mode="r")
    assert matrix.shape == (400_000, 50)
