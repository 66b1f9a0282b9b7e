"""The persistence hooks of the built-in vectorizers, called directly.

The safe model format calls ``__emotion_persist__`` to learn which fitted attributes hold
a frozen pretrained resource (left out of the file, with a fingerprint) and
``__emotion_reload__`` on the loaded object to load them again. Each test does what the
format does: persist, drop those attributes, reload, and compare the outputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_glove, requires_minilm

from sklearn_emotion.exceptions import UnsupportedModelError
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

TEXTS = ["I am so happy today!", "this is sad news", "what a scary film", "ok"]


def _drop_and_reload(est):
    """``(attributes, fingerprint)``, and a copy of ``est`` rebuilt as the model format does."""
    attributes, fingerprint = est.__emotion_persist__()
    light = object.__new__(type(est))
    light.__dict__.update({k: v for k, v in vars(est).items() if k not in attributes})
    assert not any(hasattr(light, name) for name in attributes)
    reloaded = light.__emotion_reload__()
    assert sorted(reloaded) == sorted(attributes)
    for key, value in reloaded.items():
        setattr(light, key, value)
    assert light.__emotion_persist__() == (attributes, fingerprint)
    return attributes, fingerprint, light


@pytest.fixture
def glove_file(tmp_path):
    rng = np.random.default_rng(0)
    words = sorted({w for text in TEXTS for w in text.lower().replace("!", "").split()})
    path = tmp_path / "tiny-glove.txt"
    path.write_text("".join(
        w + " " + " ".join(f"{x:.4f}" for x in rng.normal(size=5)) + "\n" for w in words))
    return path


def test_unfitted_vectorizers_store_everything_by_value():
    for est in (WordVectorizer(), SentenceVectorizer(), BertVectorizer()):
        assert est.__emotion_persist__() is None


@pytest.mark.parametrize("pooling", ["mean", "sequence", "ids"])
def test_word_vectors_from_a_file_are_stored_by_reference(glove_file, pooling):
    vec = WordVectorizer(vectors=str(glove_file), pooling=pooling, max_length=6).fit(TEXTS)
    expected = vec.transform(TEXTS)
    attributes, fingerprint, light = _drop_and_reload(vec)
    assert attributes == ("vocabulary_", "vectors_", "unknown_vector_", "subword_vectors_",
                          "source_")
    assert len(fingerprint) >= 32 and int(fingerprint, 16) >= 0
    got = light.transform(TEXTS)
    if pooling == "mean":
        np.testing.assert_array_equal(got, expected)
    else:
        for key in expected:
            np.testing.assert_array_equal(got[key], expected[key])


def test_word_vectors_fingerprint_follows_the_file(glove_file):
    vec = WordVectorizer(vectors=str(glove_file)).fit(TEXTS)
    _, before = vec.__emotion_persist__()
    glove_file.write_text(glove_file.read_text().replace("0", "1"))
    assert WordVectorizer(vectors=str(glove_file)).fit(TEXTS).__emotion_persist__()[1] != before


def test_trained_word_vectors_are_stored_by_value():
    vec = WordVectorizer("word2vec", vector_size=4, epochs=1, random_state=0).fit(TEXTS)
    assert vec.__emotion_persist__() is None


def test_in_memory_word_vectors_cannot_be_stored_safely(glove_file):
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(glove_file), binary=False, no_header=True)
    vec = WordVectorizer(vectors=kv).fit(TEXTS)
    with pytest.raises(UnsupportedModelError, match="registered name or a file path"):
        vec.__emotion_persist__()


@requires_glove
def test_glove_plugin_vectors_reload():
    vec = WordVectorizer(vectors="glove-6b-50d").fit(TEXTS)
    _, _, light = _drop_and_reload(vec)
    np.testing.assert_array_equal(light.transform(TEXTS), vec.transform(TEXTS))


@requires_minilm
def test_sentence_encoder_is_stored_by_reference():
    vec = SentenceVectorizer(progress_bar=False).fit(TEXTS)
    attributes, _, light = _drop_and_reload(vec)
    assert attributes == ("encoder_", "device_")
    np.testing.assert_allclose(light.transform(TEXTS), vec.transform(TEXTS), atol=1e-6)


@requires_minilm
def test_bert_encoder_is_stored_by_reference():
    vec = BertVectorizer(pooling="mean", layer=-2, progress_bar=False).fit(TEXTS)
    attributes, _, light = _drop_and_reload(vec)
    assert attributes == ("tokenizer_", "model_", "device_")
    assert light.n_layers_ == vec.n_layers_
    np.testing.assert_allclose(light.transform(TEXTS), vec.transform(TEXTS), atol=1e-6)


@requires_minilm
def test_the_encoder_is_resolved_once_per_fit(monkeypatch, tmp_path):
    from sklearn_emotion import registry

    calls = []
    resolve = registry.resolve

    def counting(kind, name, **kwargs):
        calls.append((kind, name))
        return resolve(kind, name, **kwargs)

    monkeypatch.setattr(registry, "resolve", counting)
    SentenceVectorizer(progress_bar=False, cache=tmp_path / "cache").fit(TEXTS)
    assert calls == [("encoders", "all-MiniLM-L6-v2")]
