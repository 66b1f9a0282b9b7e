from sklearn_emotion import registry
from sklearn_emotion.testing import check_plugin


def test_honours_the_plugin_contract():
    check_plugin("sklearn-emotion-minilm")


def test_registered_and_resolves_to_model_folder():
    assert "all-MiniLM-L6-v2" in registry.available("encoders")
    resource = registry.resolve("encoders", "all-MiniLM-L6-v2")
    assert resource.source == "plugin"
    assert (resource.location / "model.safetensors").exists()
    assert (resource.location / "tokenizer.json").exists()


def test_metadata():
    info = registry.plugin_metadata("encoders", "all-MiniLM-L6-v2")
    assert (info["licence"], info["dimension"], info["api_version"]) == ("Apache-2.0", 384, 1)
