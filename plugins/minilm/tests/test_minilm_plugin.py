from sklearn_emotion import registry


def test_registered_and_resolves_to_model_folder():
    assert "all-MiniLM-L6-v2" in registry.available("encoders")
    resource = registry.resolve("encoders", "all-MiniLM-L6-v2")
    assert resource.source == "plugin"
    assert (resource.location / "model.safetensors").exists()
    assert (resource.location / "tokenizer.json").exists()
