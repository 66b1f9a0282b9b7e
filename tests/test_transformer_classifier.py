"""TransformerClassifier and TransformerNet: fine-tuning a transformer from raw texts.

Most tests fine-tune a tiny randomly initialised BERT (one layer, 16 dims, a word-piece
vocabulary trained on GoEmotions) saved to a temporary folder, so they are fast and need
no plugin; that folder is also the "local model path" case. The tests that need real
pretrained weights use the all-MiniLM-L6-v2 plugin and are gated with ``requires_minilm``.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
import torch
from conftest import requires_minilm, save_tiny_bert
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Checkpoint

from sklearn_emotion import registry
from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.estimators import TransformerClassifier
from sklearn_emotion.exceptions import EmotionWarning, PluginNotFoundError
from sklearn_emotion.nn import TransformerNet
from sklearn_emotion.text import TextCleaner

# The tiny model trains in well under a second per epoch; these settings make it learn.
TINY = {"max_length": 32, "lr": 1e-2, "warmup_steps": 0, "verbose": 0, "device": "cpu"}
MINILM = {"max_length": 32, "verbose": 0, "device": "cpu", "random_state": 0}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # Small models on a shared CPU: more threads mostly wait for each other.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _balanced_slice(subset, per_class):
    X, y = load_goemotions(subset=subset, return_X_y=True)
    X, y = np.asarray(X, dtype=object), np.asarray(y)
    keep = np.sort(np.concatenate([np.flatnonzero(y == c)[:per_class] for c in np.unique(y)]))
    return list(X[keep]), y[keep]


@pytest.fixture(scope="module")
def texts():
    """42 real GoEmotions texts, 6 per Ekman class (7 classes)."""
    return _balanced_slice("train", 6)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A one-layer BERT with a 300-piece vocabulary, saved like a hub model folder."""
    corpus, _ = load_goemotions(subset="train", return_X_y=True)
    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), corpus[:2000])


@pytest.fixture(scope="module")
def tiny_fit(tiny_bert, texts):
    X, y = texts
    return TransformerClassifier(tiny_bert, max_epochs=3, random_state=0, **TINY).fit(X, y)


@pytest.fixture(scope="module")
def minilm_fit(texts):
    X, y = texts
    return TransformerClassifier(max_epochs=1, warmup_steps=0.1, **MINILM).fit(X, y)


# ----------------------------------------------------------------------- real model
@requires_minilm
def test_fine_tunes_minilm_on_real_texts_and_predicts_string_labels(minilm_fit, texts):
    X, y = texts
    assert list(minilm_fit.classes_) == sorted(set(y))
    y_pred = minilm_fit.predict(X[:10])
    assert y_pred.shape == (10,)
    assert set(y_pred) <= set(y)
    assert isinstance(minilm_fit.module_, TransformerNet)
    assert minilm_fit.module_.hidden_dim == 384
    assert minilm_fit.module_.output_dim == 7
    assert minilm_fit.model_path_.endswith("model")  # the plugin's folder


@requires_minilm
def test_predict_proba_rows_sum_to_one_and_match_predict(minilm_fit, texts):
    X, _ = texts
    proba = minilm_fit.predict_proba(X)
    assert proba.shape == (len(X), 7)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert np.array_equal(minilm_fit.classes_[proba.argmax(axis=1)], minilm_fit.predict(X))


@requires_minilm
@pytest.mark.slow
def test_minilm_overfits_sixteen_texts(texts):
    X, y = texts
    keep = np.isin(y, ["anger", "joy", "sadness", "neutral"])
    X, y = [x for x, k in zip(X, keep) if k][:16], y[keep][:16]
    clf = TransformerClassifier(
        lr=1e-4, max_epochs=8, warmup_steps=0, lr_schedule=None, **MINILM
    ).fit(X, y)
    losses = clf.history[:, "train_loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert clf.score(X, y) >= 0.9


@requires_minilm
def test_model_given_as_a_local_folder(minilm_fit, texts):
    X, y = texts
    clf = TransformerClassifier(
        model=minilm_fit.model_path_, max_epochs=1, warmup_steps=0, **MINILM
    )
    clf.fit(X[:16], y[:16])
    assert clf.model_path_ == minilm_fit.model_path_
    assert clf.predict_proba(X[:2]).shape == (2, len(set(y[:16])))


@requires_minilm
@pytest.mark.slow
def test_minilm_joblib_round_trip_in_a_fresh_process(minilm_fit, texts, tmp_path):
    _assert_fresh_process_predicts_the_same(minilm_fit, texts[0], tmp_path)


# ------------------------------------------------------------------------- TransformerNet
@pytest.mark.parametrize("pooling", ["cls", "mean", "pooler"])
def test_transformer_net_returns_logits(tiny_bert, pooling):
    net = TransformerNet(tiny_bert, output_dim=3, pooling=pooling).eval()
    ids = torch.tensor([[2, 50, 60, 3, 0], [2, 70, 3, 0, 0]])
    mask = (ids != 0).long()
    logits = net(ids, attention_mask=mask)
    assert logits.shape == (2, 3)
    assert net.hidden_dim == 16
    # padding does not change the logits of a text
    alone = net(ids[1:, :3], attention_mask=mask[1:, :3])
    torch.testing.assert_close(logits[1:], alone, rtol=1e-4, atol=1e-5)


def test_transformer_net_mean_pooling_differs_from_cls(tiny_bert):
    ids = torch.tensor([[2, 50, 60, 3]])
    outputs = []
    for pooling in ("cls", "mean"):
        torch.manual_seed(0)
        outputs.append(TransformerNet(tiny_bert, output_dim=2, pooling=pooling).eval()(ids))
    assert not torch.allclose(*outputs)


def test_transformer_net_collects_argument_problems():
    with pytest.raises(ValueError, match="model_name_or_path and output_dim are required.*pooling"):
        TransformerNet(pooling="max")
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        TransformerNet("x", output_dim=2, dropout=1.5)


# ------------------------------------------------------------------------- fit, predict
def test_fit_sets_fitted_attributes_and_keeps_parameters(tiny_fit, tiny_bert, texts):
    X, y = texts
    assert tiny_fit.n_features_in_ == 1
    assert tiny_fit.model_path_ == tiny_bert
    assert tiny_fit.tokenizer_.is_fast
    assert tiny_fit.model == tiny_bert  # fit does not change parameters
    assert tiny_fit.device == "cpu"
    assert tiny_fit.predict(X).dtype == np.asarray(y).dtype


def test_tiny_model_learns_its_training_texts(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=20, random_state=0, **TINY).fit(X, y)
    losses = clf.history[:, "train_loss"]
    assert losses[-1] < 0.7 * losses[0]
    assert clf.score(X, y) > 0.6


def test_init_loads_nothing():
    clf = TransformerClassifier(model="no-org/no-such-model", max_length=-3)
    assert not hasattr(clf, "tokenizer_") and not hasattr(clf, "model_path_")
    assert clone(clf).max_length == -3
    with pytest.raises(NotFittedError):
        clf.predict(["some text"])


def test_accepts_pandas_and_numpy_text_columns(tiny_fit, texts):
    pd = pytest.importorskip("pandas")
    X, _ = texts
    expected = tiny_fit.predict_proba(X[:5])
    np.testing.assert_array_equal(tiny_fit.predict_proba(pd.Series(X[:5])), expected)
    np.testing.assert_array_equal(tiny_fit.predict_proba(np.asarray(X[:5])), expected)
    frame = pd.DataFrame({"text": X[:5]})
    np.testing.assert_array_equal(tiny_fit.predict_proba(frame), expected)


def test_raw_text_input_is_validated(tiny_fit):
    with pytest.raises(TypeError, match="got a single string"):
        tiny_fit.predict("I am happy")
    with pytest.raises(ValueError, match="item 1 is missing"):
        tiny_fit.predict(["fine", None])


def test_y_is_validated(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, **TINY)
    with pytest.raises(ValueError, match="requires y to be passed"):
        clf.fit(X, None)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clf.fit(X, y[:-1])
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf.fit(X, ["joy"] * len(X))
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, np.linspace(0, 1, len(X)))


def test_dynamic_padding_pads_each_batch_to_its_longest_text(tiny_fit, texts):
    X = sorted(texts[0], key=len)  # short texts first, so that batch widths differ
    dataset = tiny_fit.get_dataset(np.asarray(X, dtype=object))
    lengths = [
        len(tiny_fit.tokenizer_(text, truncation=True, max_length=32)["input_ids"]) for text in X
    ]
    widths = []
    for i, (batch, _) in enumerate(tiny_fit.get_iterator(dataset, training=False)):
        assert set(batch) == {"input_ids", "token_type_ids", "attention_mask"}
        expected = max(lengths[i * 8 : (i + 1) * 8])
        assert batch["input_ids"].shape == batch["attention_mask"].shape
        assert batch["input_ids"].shape[1] == expected
        assert batch["attention_mask"].sum(dim=1).tolist() == lengths[i * 8 : (i + 1) * 8]
        widths.append(expected)
    assert len(set(widths)) > 1 and min(widths) < 32  # not padded to max_length


def test_reproducible_with_random_state(tiny_bert, texts):
    X, y = texts
    params = dict(TINY, max_epochs=2, module__dropout=0.3)
    first = TransformerClassifier(tiny_bert, random_state=0, **params).fit(X, y)
    second = TransformerClassifier(tiny_bert, random_state=0, **params).fit(X, y)
    other = TransformerClassifier(tiny_bert, random_state=1, **params).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))


def test_class_weight_balanced_reaches_the_criterion(tiny_bert, texts):
    X, y = texts
    y = np.where(np.arange(len(y)) < 30, "neutral", "joy")
    clf = TransformerClassifier(tiny_bert, max_epochs=1, class_weight="balanced", **TINY)
    clf.fit(X, y)
    np.testing.assert_allclose(clf.criterion_.weight.numpy(), [42 / 24, 42 / 60], rtol=1e-6)


# ------------------------------------------------------------- optimizer and schedule
def test_weight_decay_skips_biases_and_layer_norms(tiny_fit):
    names = {id(p): n for n, p in tiny_fit.module_.named_parameters()}
    groups = tiny_fit.optimizer_.param_groups
    decay = {names[id(p)]: g["weight_decay"] for g in groups for p in g["params"]}
    assert len(decay) == len(names)  # every parameter is trained
    for name, weight_decay in decay.items():
        no_decay = name.endswith("bias") or "LayerNorm" in name
        assert weight_decay == (0.0 if no_decay else 0.01), name
    assert decay["head.weight"] == 0.01
    assert decay["encoder.embeddings.LayerNorm.weight"] == 0.0
    assert isinstance(tiny_fit.optimizer_, torch.optim.AdamW)


def test_weight_decay_is_a_parameter(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=1, **TINY)
    clf.set_params(optimizer__weight_decay=0.1).fit(X, y)
    assert sorted({g["weight_decay"] for g in clf.optimizer_.param_groups}) == [0.0, 0.1]


def test_linear_warmup_then_linear_decay(tiny_bert, texts):
    X, y = texts  # 42 texts, batch 8: 6 batches per epoch, 18 in all
    clf = TransformerClassifier(tiny_bert, max_epochs=3, random_state=0, **TINY)
    clf.set_params(lr=1e-3, warmup_steps=6).fit(X, y)
    lrs = np.array([lr for epoch in clf.history[:, "batches", :, "event_lr"] for lr in epoch])
    assert len(lrs) == 18
    np.testing.assert_allclose(lrs[:7], 1e-3 * np.arange(7) / 6)  # 0 -> lr in 6 batches
    np.testing.assert_allclose(lrs[6:], 1e-3 * (18 - np.arange(6, 18)) / 12)  # lr -> 0
    assert clf.optimizer_.param_groups[0]["lr"] == 0.0  # the schedule ended


def test_warmup_fraction_and_other_schedules(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=2, lr_schedule="cosine", **TINY)
    clf.set_params(lr=1e-3, warmup_steps=0.25).fit(X, y)  # ceil(0.25 * 12) = 3 batches
    lrs = np.concatenate(clf.history[:, "batches", :, "event_lr"])
    np.testing.assert_allclose(lrs[:4], [0, 1e-3 / 3, 2e-3 / 3, 1e-3])
    assert np.all(np.diff(lrs[3:]) < 0)
    clf.set_params(lr_schedule=None).fit(X, y)
    assert "lr_scheduler" not in dict(clf.callbacks_)
    assert {g["lr"] for g in clf.optimizer_.param_groups} == {1e-3}


def test_warmup_longer_than_training_warns(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=1, **dict(TINY, warmup_steps=500))
    with pytest.warns(EmotionWarning, match="warmup_steps=500 covers all 6 training batches"):
        clf.fit(X, y)


def test_gradient_norm_is_clipped(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=1, **TINY).fit(X, y)
    assert dict(clf.callbacks_)["gradient_clipping"].gradient_clip_value == 1.0
    clf.set_params(max_grad_norm=None).fit(X, y)
    assert "gradient_clipping" not in dict(clf.callbacks_)


# ---------------------------------------------------------------- sklearn and skorch API
def test_tunable_parameters_are_reachable(tiny_fit):
    params = tiny_fit.get_params()
    for name in [
        "model", "max_length", "lr", "max_epochs", "batch_size", "warmup_steps",
        "lr_schedule", "max_grad_norm", "optimizer__weight_decay",
        "optimizer__param_groups", "class_weight", "random_state", "early_stopping",
        "device", "progress_bar",
    ]:
        assert name in params, name
    clf = clone(tiny_fit).set_params(module__dropout=0.5, module__pooling="cls")
    assert clf.get_params()["module__pooling"] == "cls"


def test_module_parameters_reach_the_module(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=1, module__pooling="cls", **TINY)
    clf.set_params(module__dropout=0.25).fit(X, y)
    assert clf.module_.pooling == "cls"
    assert clf.module_.dropout.p == 0.25


def test_clone_of_a_fitted_classifier_is_unfitted(tiny_fit):
    fresh = clone(tiny_fit)
    assert not hasattr(fresh, "tokenizer_") and not hasattr(fresh, "module_")
    assert fresh.get_params()["model"] == tiny_fit.model
    assert fresh.get_params()["optimizer__param_groups"] == tiny_fit.optimizer__param_groups
    with pytest.raises(NotFittedError):
        fresh.predict_proba(["text"])


def test_grid_search_over_the_learning_rate(tiny_bert, texts):
    X, y = texts
    base = TransformerClassifier(tiny_bert, max_epochs=2, random_state=0, **TINY)
    search = GridSearchCV(base, {"lr": [1e-4, 5e-3]}, cv=2).fit(X, y)
    # each candidate's score is that of the same model cross-validated by hand (seeded
    # fits on the CPU are bit-identical), and the refit model is the best one refit
    results = search.cv_results_
    for params, score in zip(results["params"], results["mean_test_score"]):
        assert score == cross_val_score(clone(base).set_params(**params), X, y, cv=2).mean()
    best = clone(base).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict_proba(X[:8]), best.predict_proba(X[:8]))


def test_in_a_pipeline_after_the_text_cleaner(tiny_bert, texts):
    X, y = texts
    pipe = make_pipeline(TextCleaner(), TransformerClassifier(tiny_bert, max_epochs=1, **TINY))
    assert pipe.fit(X, y).predict(X[:4]).shape == (4,)


def test_pickle_round_trip_keeps_predictions(tiny_fit, texts):
    X, _ = texts
    loaded = pickle.loads(pickle.dumps(tiny_fit))
    np.testing.assert_array_equal(loaded.predict_proba(X), tiny_fit.predict_proba(X))


def _assert_fresh_process_predicts_the_same(clf, X, tmp_path):
    joblib.dump(clf, tmp_path / "model.joblib")
    joblib.dump(list(X), tmp_path / "X.joblib")
    code = textwrap.dedent(
        f"""
        import joblib, numpy as np, torch
        torch.set_num_threads(1)
        model = joblib.load({str(tmp_path / "model.joblib")!r})
        X = joblib.load({str(tmp_path / "X.joblib")!r})
        np.save({str(tmp_path / "proba.npy")!r}, model.predict_proba(X))
        """
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300, env=env)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), clf.predict_proba(X))


def test_joblib_round_trip_in_a_fresh_process_without_the_model_folder(
    tiny_bert, texts, tmp_path
):
    X, y = texts
    folder = shutil.copytree(tiny_bert, tmp_path / "copied-model")
    clf = TransformerClassifier(str(folder), max_epochs=1, random_state=0, **TINY).fit(X, y)
    shutil.rmtree(folder)  # weights and tokenizer must travel inside the pickle
    _assert_fresh_process_predicts_the_same(clf, X, tmp_path)


def test_early_stopping_and_checkpoint_callbacks(tiny_bert, texts, tmp_path):
    X, y = texts
    X, y = X * 3, np.concatenate([y] * 3)  # enough for a stratified 20% split
    clf = TransformerClassifier(
        tiny_bert,
        max_epochs=4,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1,
        callbacks=[("checkpoint", Checkpoint(dirname=str(tmp_path), monitor="valid_loss_best"))],
        random_state=0,
        **TINY,
    ).fit(X, y)
    assert "valid_loss" in clf.history[-1] and "valid_acc" in clf.history[-1]
    assert "early_stopping" in dict(clf.callbacks_)
    assert (tmp_path / "params.pt").exists()
    assert len(clf.history) <= 4


def test_partial_fit_warm_starts(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=1, random_state=0, **TINY)
    clf.partial_fit(X, y)
    module = clf.module_
    clf.partial_fit(X, y)
    assert clf.module_ is module and len(clf.history) == 2


# ----------------------------------------------------------------------------- errors
def test_unknown_model_name_lists_installed_encoders(monkeypatch, texts):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # fail fast
    X, y = texts
    with pytest.raises(PluginNotFoundError, match="Unknown encoders plugin 'no-org/no-model'"):
        TransformerClassifier(model="no-org/no-model", verbose=0).fit(X, y)
    with pytest.raises(PluginNotFoundError, match="pass an existing local path"):
        TransformerClassifier(model="./no/such/folder", verbose=0).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"max_length": 1}, "The 'max_length' parameter of TransformerClassifier"),
        ({"warmup_steps": -1}, "The 'warmup_steps' parameter"),
        ({"warmup_steps": 1.5}, "The 'warmup_steps' parameter"),
        ({"lr_schedule": "step"}, "The 'lr_schedule' parameter"),
        ({"max_grad_norm": 0}, "The 'max_grad_norm' parameter"),
        ({"model": 3}, "The 'model' parameter"),
    ],
)
def test_invalid_parameters_are_refused_at_fit(tiny_bert, texts, params, match):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, **TINY).set_params(**params)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_max_length_above_the_model_limit(tiny_bert, texts):
    X, y = texts
    with pytest.raises(ValueError, match="handles at most 64 tokens; set max_length <= 64"):
        TransformerClassifier(tiny_bert, **dict(TINY, max_length=100)).fit(X, y)


def test_tags_say_raw_text():
    tags = TransformerClassifier().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.estimator_type == "classifier"


def test_multilabel_indicator_targets(tiny_bert):
    X, Y = load_goemotions(subset="train", labels="ekman", multilabel=True, return_X_y=True)
    X, Y = list(X[:40]), np.asarray(Y[:40])
    assert Y.ndim == 2
    clf = TransformerClassifier(tiny_bert, max_epochs=2, random_state=0, **TINY).fit(X, Y)
    assert clf.multilabel_ and isinstance(clf.criterion_, torch.nn.BCEWithLogitsLoss)
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and proba.min() >= 0 and proba.max() <= 1
    assert not np.allclose(proba.sum(axis=1), 1)  # independent labels
    pred = clf.set_params(threshold=0.3).predict(X)
    np.testing.assert_array_equal(pred, (proba >= 0.3).astype(np.int64))


@pytest.mark.skipif(
    tuple(int(v) for v in torch.__version__.split(".")[:2]) < (2, 4),
    reason="fused AdamW kernels for CPU came with torch 2.4",
)
def test_adamw_uses_its_fused_kernel_unless_told_otherwise(tiny_fit, tiny_bert, texts):
    X, y = texts
    assert tiny_fit.optimizer_.defaults["fused"] is True
    clf = TransformerClassifier(tiny_bert, max_epochs=1, optimizer__foreach=False, **TINY)
    assert not clf.fit(X, y).optimizer_.defaults["fused"]


def test_device_auto_is_resolved_but_stays_a_parameter(tiny_bert, texts):
    X, y = texts
    clf = TransformerClassifier(tiny_bert, max_epochs=1, **dict(TINY, device="auto")).fit(X, y)
    assert clf.get_params()["device"] == "auto"
    assert clf.device in ("cpu", "cuda", "mps")
    assert next(clf.module_.parameters()).device.type == clf.device


def test_registered_as_an_estimator_plugin():
    assert registry.load("estimators", "TransformerClassifier") is TransformerClassifier
