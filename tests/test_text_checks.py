"""The library's own vectorizers pass the text-aware checks that plugins must pass."""

from __future__ import annotations

import pytest
from conftest import requires_minilm

from sklearn_emotion.testing import check_text_estimator, sample_texts
from sklearn_emotion.vectorizers import BertVectorizer, SentenceVectorizer, WordVectorizer

X, Y = sample_texts(per_class=3)


def _checked(estimator) -> dict[str, str]:
    results = check_text_estimator(estimator, X, Y)  # raises on any failed check
    return {r.check: r.detail for r in results}


def test_word_vectorizer_with_trained_vectors():
    checks = _checked(WordVectorizer("word2vec", vector_size=8, epochs=1, random_state=0))
    assert checks["persistence hooks"] == "stored by value"  # learnt from the data


def test_word_vectorizer_with_a_vectors_file(tmp_path):
    words = sorted({w for text in X for w in text.lower().split()})[:200]
    path = tmp_path / "vectors.txt"
    path.write_text("".join(f"{w} {i % 7} {i % 5} {i % 3}\n" for i, w in enumerate(words)))
    checks = _checked(WordVectorizer(vectors=str(path)))
    assert checks["persistence hooks"].startswith("vocabulary_, vectors_")


@requires_minilm
@pytest.mark.slow
@pytest.mark.parametrize("estimator", [SentenceVectorizer(progress_bar=False),
                                       BertVectorizer(pooling="mean", progress_bar=False)],
                         ids=["SentenceVectorizer", "BertVectorizer"])
def test_encoder_vectorizers(estimator):
    assert "stored by reference" in _checked(estimator)["persistence hooks"]


# ------------------------------------------------------------------ input error messages
# Issue 16: a list of ints got advice about fillna and unicode repair, which do not apply.

@pytest.mark.parametrize("X, found, advice, not_advised", [
    ([1, 2, 3], "of type int", "[str(v) for v in X]", ("fillna", "unicode")),
    ([b"x", 2], "of type bytes, int", "decode('utf-8')", ("fillna", "unicode")),
    (["ok", None], "missing", "fillna", ("str(v)", "unicode")),
    (["ok", "bad \ud800"], "not valid unicode", "encode('utf-8', 'replace')",
     ("fillna", "str(v)")),
], ids=["ints", "bytes-and-ints", "missing", "surrogate"])
def test_bad_items_get_advice_that_fits(X, found, advice, not_advised):
    from sklearn_emotion.exceptions import InvalidInputError
    from sklearn_emotion.text import TextCleaner

    with pytest.raises(InvalidInputError, match="TextCleaner") as info:
        TextCleaner().fit(X)
    message = str(info.value)
    assert found in message and advice in message, message
    for wrong in not_advised:
        assert wrong not in message, message
