"""Tests of sklearn_emotion.datasets on the real GoEmotions and dair-ai emotion files."""

from __future__ import annotations

import gzip
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from conftest import DAIR_PATH, GOEMOTIONS_PATH, requires_dair

from sklearn_emotion.datasets import load_dair_emotion, load_goemotions
from sklearn_emotion.datasets import _goemotions
from sklearn_emotion.datasets._base import data_file
from sklearn_emotion.exceptions import EmotionError, InvalidInputError

EKMAN = ["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"]
SENTIMENT = ["positive", "negative", "ambiguous", "neutral"]
N_ROWS = {"train": 43410, "validation": 5426, "test": 5427}
# Rows whose mapped label set has exactly one class (measured on the shipped files).
N_SINGLE = {
    ("ekman", "train"): 39555,
    ("ekman", "validation"): 4946,
    ("ekman", "test"): 4968,
    ("original", "train"): 36308,
    ("original", "validation"): 4548,
    ("original", "test"): 4590,
    ("sentiment", "train"): 40030,
    ("sentiment", "validation"): 5006,
    ("sentiment", "test"): 5027,
}


# --------------------------------------------------------------------------- packaged files


@pytest.mark.parametrize("name", ["train", "dev", "test"])
def test_packaged_tsv_is_byte_identical_to_source(name):
    source = GOEMOTIONS_PATH / f"{name}.tsv"
    if not source.exists():
        pytest.skip(f"{source} not present")
    with data_file(f"goemotions_{name}.tsv.gz").open("rb") as fh:
        assert gzip.decompress(fh.read()) == source.read_bytes()


def test_license_note_is_shipped():
    text = data_file("GOEMOTIONS_LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in text and "Demszky" in text


# --------------------------------------------------------------------------- load_goemotions


@pytest.mark.parametrize("labels, subset", sorted(N_SINGLE))
def test_single_label_row_counts(labels, subset):
    bunch = load_goemotions(subset=subset, labels=labels)
    n = N_SINGLE[labels, subset]
    assert len(bunch.data) == n
    assert bunch.target.shape == (n,)
    assert bunch.target.dtype == object
    assert len(bunch.ids) == n
    assert set(bunch.target) == set(bunch.target_names)


@pytest.mark.parametrize("subset", list(N_ROWS))
@pytest.mark.parametrize("labels, n_classes", [("ekman", 7), ("original", 28), ("sentiment", 4)])
def test_multilabel_keeps_every_row(subset, labels, n_classes):
    bunch = load_goemotions(subset=subset, labels=labels, multilabel=True)
    assert len(bunch.data) == N_ROWS[subset]
    assert bunch.target.shape == (N_ROWS[subset], n_classes)
    assert bunch.target.dtype == np.int64
    assert set(np.unique(bunch.target)) == {0, 1}
    assert (bunch.target.sum(axis=1) >= 1).all()
    assert (bunch.target.sum(axis=0) > 0).all()  # every class occurs


def test_target_names_order():
    assert load_goemotions("test").target_names == EKMAN
    assert load_goemotions("test", labels="sentiment").target_names == SENTIMENT
    original = load_goemotions("test", labels="original").target_names
    assert len(original) == 28 and original[-1] == "neutral"
    assert original[:27] == sorted(original[:27])
    assert original == data_file("emotions.txt").read_text().split()
    assert original[:3] == ["admiration", "amusement", "anger"]


def test_single_label_agrees_with_multilabel():
    single = load_goemotions("validation")
    multi = load_goemotions("validation", multilabel=True)
    one = multi.target.sum(axis=1) == 1
    np.testing.assert_array_equal(single.ids, multi.ids[one])
    assert single.data == [t for t, keep in zip(multi.data, one) if keep]
    names = np.array(multi.target_names, dtype=object)
    np.testing.assert_array_equal(single.target, names[multi.target[one].argmax(axis=1)])


def test_known_rows_are_parsed_exactly():
    # First line of train.tsv:
    # "My favourite food is anything I didn't have to cook myself.\t27\teebbqej"
    bunch = load_goemotions("train", labels="original", multilabel=True)
    assert bunch.data[0] == "My favourite food is anything I didn't have to cook myself."
    assert bunch.ids[0] == "eebbqej"
    assert bunch.target[0].tolist() == [0] * 27 + [1]
    # "Fuck\t2,11\tedpz0mi": anger and disgust; dropped from single-label Ekman
    row = list(bunch.ids).index("edpz0mi")
    assert bunch.data[row] == "Fuck"
    assert np.flatnonzero(bunch.target[row]).tolist() == [2, 11]
    assert "edpz0mi" not in set(load_goemotions("train").ids)


def test_quotes_are_kept_verbatim():
    data = load_goemotions("train", multilabel=True).data
    quoted = [t for t in data if t.startswith('"')]
    assert quoted and all(isinstance(t, str) for t in data)
    assert sum(t.count('"') for t in data) > 1000


def test_texts_like_na_stay_strings(tmp_path):
    raw = 'NA\t27\ta1\nnull\t1,2\ta2\n"quoted" text\t0\ta3\nN/A\t3\ta4\n'
    path = tmp_path / "tiny.tsv.gz"
    path.write_bytes(gzip.compress(raw.encode()))
    table = pd.read_csv(
        path, sep="\t", header=None, names=["text", "labels", "id"], dtype=str,
        quoting=_goemotions.csv.QUOTE_NONE, keep_default_na=False, na_filter=False,
    )
    parsed = _goemotions._parse_table(table, "tiny.tsv")
    assert parsed.texts == ("NA", "null", '"quoted" text', "N/A")
    assert parsed.indicator[1].nonzero()[0].tolist() == [1, 2]


def test_bad_label_ids_are_reported_with_line_numbers():
    table = pd.DataFrame(
        {"text": ["a", "b", "c"], "labels": ["1", "28", "x"], "id": ["1", "2", "3"]}
    )
    with pytest.raises(InvalidInputError, match=r"line 2: '28'; line 3: 'x'"):
        _goemotions._parse_table(table, "bad.tsv")


def test_all_texts_are_non_missing_strings():
    for subset in N_ROWS:
        data = load_goemotions(subset, multilabel=True).data
        assert all(isinstance(t, str) and t for t in data)


def test_dev_alias():
    a = load_goemotions("dev", return_X_y=True)
    b = load_goemotions("validation", return_X_y=True)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])


def test_bunch_fields():
    bunch = load_goemotions("test")
    assert isinstance(bunch.data, list)
    assert bunch.frame is None
    assert bunch.feature_names == ["text"]
    assert "Apache" in bunch.DESCR and "39,555" in bunch.DESCR
    assert bunch.ids.dtype == object


def test_return_X_y():
    X, y = load_goemotions("test", labels="sentiment", return_X_y=True)
    assert isinstance(X, list) and len(X) == len(y) == 5027
    assert sorted(set(y)) == sorted(SENTIMENT)


def test_as_frame_single_label():
    bunch = load_goemotions("test", as_frame=True)
    assert isinstance(bunch.frame, pd.DataFrame)
    assert list(bunch.frame.columns) == ["text", "emotion"]
    assert bunch.frame.shape == (4968, 2)
    assert isinstance(bunch.data, pd.Series) and bunch.data.name == "text"
    assert isinstance(bunch.target, pd.Series) and bunch.target.name == "emotion"
    X, y = load_goemotions("test", as_frame=True, return_X_y=True)
    assert X.shape == (4968,) and y.shape == (4968,)


def test_as_frame_multilabel():
    bunch = load_goemotions("test", labels="ekman", multilabel=True, as_frame=True)
    assert list(bunch.frame.columns) == ["text"] + EKMAN
    assert bunch.frame.shape == (5427, 8)
    assert isinstance(bunch.target, pd.DataFrame) and list(bunch.target.columns) == EKMAN
    assert (bunch.target.sum(axis=1) >= 1).all()


def test_results_are_fresh_copies():
    first = load_goemotions("test", labels="original", multilabel=True)
    first.data[0] = "changed"
    first.target[:] = 0
    first.ids[0] = "changed"
    second = load_goemotions("test", labels="original", multilabel=True)
    assert second.data[0] != "changed" and second.ids[0] != "changed"
    assert (second.target.sum(axis=1) >= 1).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"subset": "training"}, r"'subset' parameter of load_goemotions must be one of 'train'"),
        ({"labels": "plutchik"}, r"'labels' parameter of load_goemotions .*'ekman'"),
        ({"multilabel": "yes"}, r"'multilabel' parameter of load_goemotions"),
        ({"as_frame": 1}, r"'as_frame' parameter"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_goemotions(**kwargs)


# --------------------------------------------------------------------------- load_dair_emotion


@requires_dair
@pytest.mark.parametrize(
    "subset, n", [("train", 16000), ("validation", 2000), ("val", 2000), ("test", 2000)]
)
def test_dair_counts(subset, n):
    bunch = load_dair_emotion(DAIR_PATH, subset=subset)
    assert len(bunch.data) == bunch.target.shape[0] == len(bunch.ids) == n
    assert bunch.target_names == ["anger", "fear", "joy", "love", "sadness", "surprise"]
    assert set(bunch.target) == set(bunch.target_names)


@requires_dair
def test_dair_train_label_counts():
    _, y = load_dair_emotion(str(DAIR_PATH), return_X_y=True)
    assert Counter(y) == {
        "joy": 5362, "sadness": 4666, "anger": 2159, "fear": 1937, "love": 1304, "surprise": 572,
    }


@requires_dair
def test_dair_first_line_and_frame():
    bunch = load_dair_emotion(DAIR_PATH, as_frame=True)
    assert list(bunch.frame.columns) == ["text", "emotion"]
    assert bunch.data.iloc[0] == "i didnt feel humiliated"
    assert bunch.target.iloc[0] == "sadness"
    assert bunch.ids[0] == 1
    assert "research" in bunch.DESCR


def _write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_dair_parses_on_last_semicolon_and_skips_blank_lines(tmp_path):
    folder = _write(tmp_path / "d", "test.txt", "\ni feel; odd;joy\nso sad;sadness\n\n")
    X, y = load_dair_emotion(folder, subset="test", return_X_y=True)
    assert X == ["i feel; odd", "so sad"]
    assert y.tolist() == ["joy", "sadness"]
    assert load_dair_emotion(folder, subset="test").ids.tolist() == [2, 3]


def test_dair_malformed_lines_name_the_line(tmp_path):
    folder = _write(tmp_path / "d", "train.txt", "fine;joy\nno label here\nhappy;happiness\n")
    match = r"line 2: 'no label here'; line 3: 'happy;happiness'"
    with pytest.raises(InvalidInputError, match=match):
        load_dair_emotion(folder)


def test_dair_missing_folder(tmp_path):
    missing = tmp_path / "nowhere"
    match = r"could not find the folder .*nowhere.*CARER.*train.txt, val.txt and test.txt"
    with pytest.raises(FileNotFoundError, match=match):
        load_dair_emotion(missing)


def test_dair_missing_file(tmp_path):
    folder = _write(tmp_path / "d", "train.txt", "fine;joy\n")
    match = r"could not find 'val.txt' \(subset 'validation'\)"
    with pytest.raises(FileNotFoundError, match=match):
        load_dair_emotion(folder, subset="validation")


def test_dair_file_instead_of_folder(tmp_path):
    folder = _write(tmp_path / "d", "train.txt", "fine;joy\n")
    with pytest.raises(FileNotFoundError, match=r"Pass its folder instead"):
        load_dair_emotion(folder / "train.txt")


def test_dair_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"'subset' parameter of load_dair_emotion"):
        load_dair_emotion(tmp_path, subset="dev")
    with pytest.raises(ValueError, match=r"'path' parameter of load_dair_emotion"):
        load_dair_emotion(None)


def test_dair_sees_edited_files(tmp_path):
    folder = _write(tmp_path / "d", "train.txt", "fine;joy\n")
    assert len(load_dair_emotion(folder).data) == 1
    _write(folder, "train.txt", "fine;joy\nsad;sadness\n")
    assert len(load_dair_emotion(folder).data) == 2


def test_errors_belong_to_library_hierarchy(tmp_path):
    folder = _write(tmp_path / "d", "train.txt", "oops\n")
    with pytest.raises(EmotionError):
        load_dair_emotion(folder)


# --------------------------------------------------------------------------- resources


def test_loading_closes_its_files(monkeypatch):
    """Issue 16: the packaged .gz files were left open (ResourceWarning).

    An unclosed file warns from its finaliser, where an exception cannot propagate: it
    goes to ``sys.unraisablehook``, which this test records.
    """
    import gc
    import sys
    import warnings

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    _goemotions._read_subset.cache_clear()  # read the files again, not from the cache
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        load_goemotions(subset="test", return_X_y=True)
        load_goemotions(subset="train", labels="sentiment", return_X_y=True)
        gc.collect()  # an unclosed file warns when collected: now, inside the filter
    assert not unraisable, [str(u.exc_value) for u in unraisable]
