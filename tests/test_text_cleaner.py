"""Tests of sklearn_emotion.text: tokenize() and TextCleaner."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import GOEMOTIONS_PATH, requires_glove
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from sklearn_emotion.exceptions import InvalidInputError
from sklearn_emotion.text import TextCleaner, tokenize


@pytest.fixture(scope="module")
def reddit_texts():
    """The first lines of real GoEmotions training data (or look-alikes if absent)."""
    path = GOEMOTIONS_PATH / "train.tsv"
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            return [next(fh).split("\t")[0] for _ in range(20)]
    return ["My favourite food is anything I didn't have to cook myself.", "[NAME] is 😂"] * 10


# ---------------------------------------------------------------- tokenize
@pytest.mark.parametrize(
    "text, expected",
    [
        ("don't", ["do", "n't"]),
        ("It's fine", ["it", "'s", "fine"]),
        ("I can't and won't", ["i", "ca", "n't", "and", "wo", "n't"]),
        (
            "we'll they're I've I'm he'd",
            ["we", "'ll", "they", "'re", "i", "'ve", "i", "'m", "he", "'d"],
        ),
        ("don\u2019t it\u2019s", ["do", "n't", "it", "'s"]),  # typographic apostrophe
        ("o'clock rock'n'roll", ["o'clock", "rock'n'roll"]),
        ("Hello, world!", ["hello", ",", "world", "!"]),
        ("wait... what?!", ["wait", "...", "what", "?", "!"]),
        ("a well-known fact -- yes", ["a", "well-known", "fact", "--", "yes"]),
        (
            "pi is 3.14, pop 1,000 at 10:30 on the 2nd",
            ["pi", "is", "3.14", ",", "pop", "1,000", "at", "10:30", "on", "the", "2nd"],
        ),
    ],
)
def test_tokenize_ptb_rules(text, expected):
    assert tokenize(text) == expected


def test_tokenize_keeps_placeholders_whole_and_upper_case():
    assert tokenize("[NAME] and [RELIGION]'s people") == [
        "[NAME]", "and", "[RELIGION]", "'s", "people"
    ]


def test_tokenize_emoji_are_tokens():
    tokens = tokenize("so good😂😂 👍🏽 👨\u200d👩\u200d👧 🇺🇸 1\ufe0f\u20e3")
    assert tokens == ["so", "good", "😂", "😂", "👍🏽", "👨\u200d👩\u200d👧", "🇺🇸", "1\ufe0f\u20e3"]


def test_tokenize_urls_and_mentions():
    tokens = tokenize("@Bob look: https://example.org/a?b=1. www.x.com!")
    assert tokens == ["@bob", "look", ":", "https://example.org/a?b=1", ".", "www.x.com", "!"]


def test_tokenize_lowercase_false_and_type_error():
    assert tokenize("Don't SHOUT", lowercase=False) == ["Do", "n't", "SHOUT"]
    assert tokenize("") == []
    with pytest.raises(TypeError, match="expects a str"):
        tokenize(["not", "a", "string"])


@requires_glove
def test_tokenize_pieces_are_in_the_glove_vocabulary():
    from sklearn_emotion.vectorizers import WordVectorizer

    vocabulary = WordVectorizer().fit(["x"]).vocabulary_
    text = "I can't, won't... it's they're we'll well-known 1,000"
    assert all(token in vocabulary for token in tokenize(text))


# ---------------------------------------------------------------- TextCleaner
def test_defaults():
    out = TextCleaner().fit_transform(
        ["@bob I can't believe [NAME] won 😂 https://t.co/x", "Nice!! 10 points"]
    )
    assert isinstance(out, np.ndarray) and out.dtype == object and out.shape == (2,)
    assert out.tolist() == [
        "user i ca n't believe name won face with tears of joy url",
        "nice ! ! 10 points",
    ]


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("urls", "replace", "see url now"),
        ("urls", "remove", "see now"),
        ("urls", "keep", "see http://a.io/x now"),
        ("mentions", "replace", "hi user !"),
        ("mentions", "remove", "hi !"),
        ("mentions", "keep", "hi @ann !"),
        ("numbers", "keep", "i ate 3.5 pies at 10:30"),
        ("numbers", "replace", "i ate number pies at number"),
        ("numbers", "remove", "i ate pies at"),
        ("emoji", "words", "love it red heart smiling face with heart eyes"),
        ("emoji", "remove", "love it"),
        ("emoji", "keep", "love it \u2764\ufe0f 😍"),
        ("placeholders", "words", "name told religion folks"),
        ("placeholders", "remove", "told folks"),
        ("placeholders", "keep", "[NAME] told [RELIGION] folks"),
    ],
)
def test_each_option(option, value, expected):
    texts = {
        "urls": "See http://a.io/x now",
        "mentions": "Hi @ann!",
        "numbers": "I ate 3.5 pies at 10:30",
        "emoji": "Love it \u2764\ufe0f😍",
        "placeholders": "[NAME] told [RELIGION] folks",
    }
    cleaner = TextCleaner(**{option: value})
    assert cleaner.fit_transform([texts[option]])[0] == expected


def test_emoji_words_are_not_glued_together():
    assert TextCleaner().fit_transform(["😂👍"])[0] == "face with tears of joy thumbs up"


def test_lowercase_false_keeps_case():
    out = TextCleaner(lowercase=False).fit_transform(["Don't YELL at [NAME]"])[0]
    assert out == "Do n't YELL at name"


def test_stop_words_english_and_custom_list():
    text = ["This is not the best movie at all"]
    assert TextCleaner(stop_words="english").fit_transform(text)[0] == "best movie"
    custom = TextCleaner(stop_words=["THIS", "the"]).fit_transform(text)[0]
    assert custom == "is not best movie at all"


def test_stemming():
    out = TextCleaner(stemming=True).fit_transform(["The kittens were running happily"])[0]
    assert out == "the kitten were run happili"


def test_tokenize_false_splits_on_whitespace_only():
    out = TextCleaner(tokenize=False).fit_transform(["Don't panic, [NAME]!"])[0]
    assert out == "don't panic, name !"  # replaced placeholders stand apart
    kept = TextCleaner(tokenize=False, placeholders="keep").fit_transform(["Hey [NAME] hi"])[0]
    assert kept == "hey [NAME] hi"


def test_stateless_transform_without_fit(reddit_texts):
    cleaner = TextCleaner()
    assert cleaner.__sklearn_tags__().requires_fit is False
    assert cleaner.transform(reddit_texts).tolist() == clone(cleaner).fit(reddit_texts).transform(
        reddit_texts
    ).tolist()


def test_tags_and_n_features_in():
    tags = TextCleaner().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    cleaner = TextCleaner().fit(["a b"])
    assert cleaner.n_features_in_ == 1
    assert cleaner.get_feature_names_out().tolist() == ["x0"]


def test_invalid_parameter_message():
    with pytest.raises(ValueError, match="The 'urls' parameter of TextCleaner must be a str among"):
        TextCleaner(urls="drop").fit(["text"])


def test_input_validation():
    with pytest.raises(TypeError, match="TextCleaner expects an iterable of raw text documents"):
        TextCleaner().fit("one string")
    with pytest.raises(InvalidInputError, match="item 1 is missing"):
        TextCleaner().fit_transform(["ok", None])


def test_pandas_input_and_output():
    frame = pd.DataFrame({"text": ["Hello @you", "[NAME] :)"]}, index=[10, 20])
    cleaner = TextCleaner().set_output(transform="pandas")
    out = cleaner.fit_transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["text"] and list(out.index) == [10, 20]
    assert out["text"].tolist() == ["hello user", "name : )"]


def test_pickle_and_pipeline_on_real_text(reddit_texts):
    cleaner = pickle.loads(pickle.dumps(TextCleaner(stemming=True)))
    pipe = make_pipeline(cleaner, TfidfVectorizer(lowercase=False, token_pattern=r"\S+"))
    X = pipe.fit_transform(reddit_texts)
    assert X.shape[0] == len(reddit_texts)
    vocabulary = pipe[-1].vocabulary_
    assert "[NAME]" not in vocabulary and all(word == word.lower() for word in vocabulary)


def test_text_versions_of_sklearn_api_checks(reddit_texts):
    """What sklearn's numeric-input checks would verify, with raw text."""
    cleaner = TextCleaner(stop_words="english")
    params = cleaner.get_params()
    assert cleaner.fit(reddit_texts) is cleaner and cleaner.get_params() == params
    state = dict(vars(cleaner))
    full = cleaner.transform(reddit_texts)
    assert vars(cleaner) == state
    order = np.random.RandomState(0).permutation(len(reddit_texts))
    assert cleaner.transform([reddit_texts[i] for i in order]).tolist() == full[order].tolist()
    assert cleaner.fit_transform(reddit_texts[:3]).tolist() == full[:3].tolist()
