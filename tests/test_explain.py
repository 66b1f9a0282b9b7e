"""Token-level explanations (issue 18): occlusion, integrated gradients, output, CLI, browser."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from conftest import requires_glove, requires_minilm
from scipy.stats import spearmanr
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

from sklearn_emotion.cli import main
from sklearn_emotion.datasets import load_goemotions
from sklearn_emotion.exceptions import (
    InvalidInputError, InvalidInputTypeError, MissingDependencyError,
)
from sklearn_emotion.explain import Explanation, TokenExplainer, explain, word_spans
from sklearn_emotion.model_dir import evaluate_predictions, save_model_dir, write_report
from sklearn_emotion.multilabel import PerLabelThresholdClassifier

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PROBES = {  # text -> (its class, the word that carries it)
    "This is disgusting, I hate it": ("disgust", "disgusting"),
    "I am so scared of what comes next": ("fear", "scared"),
    "Thank you so much for the help": ("joy", "Thank"),
}


@pytest.fixture(scope="module")
def go_train():
    X, y = load_goemotions(subset="train", return_X_y=True)
    return list(X[:6000]), np.asarray(y[:6000])


@pytest.fixture(scope="module")
def tfidf(go_train):
    """TF-IDF + logistic regression fitted on 6,000 real GoEmotions (Ekman) comments."""
    X, y = go_train
    return make_pipeline(TfidfVectorizer(sublinear_tf=True),
                         LogisticRegression(max_iter=1000, class_weight="balanced")).fit(X, y)


class CountingModel:
    """A fitted model whose predict_proba calls and texts are recorded."""

    def __init__(self, model):
        self.model = model
        self.classes_ = model.classes_
        self.calls = []

    def __sklearn_is_fitted__(self):
        return True

    def predict_proba(self, texts):
        self.calls.append(list(texts))
        return self.model.predict_proba(texts)


# ------------------------------------------------------------------------------ occlusion


def test_occlusion_puts_the_emotion_word_on_top(tfidf):
    result = TokenExplainer(tfidf).explain(list(PROBES))
    leave_one_out = TokenExplainer(tfidf, n_contexts=1).explain(list(PROBES))
    for i, (label, word) in enumerate(PROBES.values()):
        assert result.predicted[i] == [label]
        assert result.top_tokens(i, k=1) == [word], result.word_scores(i)
        assert leave_one_out.top_tokens(i, k=1) == [word]
        # leave-one-out: the drop of the probability when the word is removed
        without = list(PROBES)[i].replace(word + " ", "", 1).replace(word, "", 1)
        drop = result.probability(i, label) - tfidf.predict_proba([without])[0][
            list(tfidf.classes_).index(label)]
        assert leave_one_out.word_scores(i)[word] == pytest.approx(drop, abs=1e-9)
        assert result.word_scores(i)[word] != pytest.approx(drop, abs=1e-6)


class RuleModel:
    """p(yes) from the words of a text: a sum of word weights, or an OR of words."""

    classes_ = np.array(["no", "yes"])

    def __init__(self, weights=None, any_of=()):
        self.weights, self.any_of = weights or {}, set(any_of)

    def __sklearn_is_fitted__(self):
        return True

    def predict_proba(self, texts):
        yes = []
        for text in texts:
            words = text.lower().split()
            if self.any_of:
                yes.append(0.9 if self.any_of & set(words) else 0.1)
            else:
                yes.append(0.1 + sum(self.weights.get(w, 0.0) for w in words))
        return np.column_stack([1 - np.array(yes), yes])


def test_occlusion_in_context_credits_redundant_words():
    text = "i feel sad and down today"
    either = RuleModel(any_of=("sad", "down"))
    alone = TokenExplainer(either, n_contexts=1).explain([text], target="yes")
    assert set(alone.word_scores(0).values()) == {0.0}  # removing one word changes nothing
    result = TokenExplainer(either).explain([text], target="yes")
    scores = result.word_scores(0)
    assert sorted(scores, key=scores.get)[-2:] in (["sad", "down"], ["down", "sad"])
    assert min(scores["sad"], scores["down"]) > 0.1 and scores["feel"] == 0.0
    # an additive model: every context gives each word its own weight back
    additive = RuleModel(weights={"sad": 0.4, "down": 0.3, "feel": -0.05})
    scores = TokenExplainer(additive).explain([text], target="yes").word_scores(0)
    assert scores["sad"] == pytest.approx(0.4) and scores["down"] == pytest.approx(0.3)
    assert scores["feel"] == pytest.approx(-0.05) and scores["today"] == pytest.approx(0.0)
    # a text's contexts depend on the text and the seed, not on its neighbours
    other = TokenExplainer(either).explain(["so so tired", text], target="yes")
    np.testing.assert_array_equal(other.scores[1], result.scores[0])
    reseeded = TokenExplainer(either, random_state=1).explain([text], target="yes")
    assert not np.array_equal(reseeded.scores[0], result.scores[0])


def test_perturbed_texts_are_deduplicated_and_batched(tfidf):
    model = CountingModel(tfidf)
    texts = ["so happy so happy", "so happy so happy", "awful"]
    result = TokenExplainer(model, batch_size=3, n_contexts=1).explain(texts)
    sent = [t for call in model.calls for t in call]
    # text, "happy so happy" / "so so happy" / "so happy happy" / "so happy so", "awful",
    # then "" (awful without its only word) once, for the probabilities of no words
    assert len(sent) == len(set(sent)) == 7
    assert [len(c) for c in model.calls] == [3, 3, 1] and model.calls[-1] == [""]
    assert "happy so happy" in sent
    np.testing.assert_allclose(result.scores[0], result.scores[1])


def test_tidy_frame_and_records(tfidf):
    text = "I can't believe they cancelled it, outrageous!"
    result = explain(tfidf, [text, "thanks"], target="all")
    frame = result.to_frame()
    assert list(frame.columns) == ["text_id", "token", "start", "end", "class", "score"]
    n_words = len(word_spans(text)) + 1
    assert len(frame) == n_words * len(tfidf.classes_)
    first = frame[frame.text_id == 0]
    assert all(text[s:e] == tok for tok, s, e in zip(first.token, first.start, first.end))
    assert set(frame["class"]) == set(tfidf.classes_)
    fragment = result._repr_html_()  # what Jupyter shows: no page, no script
    assert fragment.startswith('<div class="se-explain"><style>') and "<script" not in fragment
    assert fragment.count('class="se-w"') == n_words * len(tfidf.classes_)
    record = result.to_records()[0]
    assert json.loads(json.dumps(record))["text"] == text
    assert [t["token"] for t in record["tokens"]][:4] == ["I", "ca", "n't", "believe"]


def test_target_label_and_errors(tfidf):
    explainer = TokenExplainer(tfidf)
    result = explainer.explain(["I am so scared"], target="joy")
    assert result.targets == [["joy"]] and result.predicted == [["fear"]]
    assert result.word_scores(0)["scared"] < 0  # "scared" speaks against joy
    with pytest.raises(InvalidInputError, match="Unknown class 'rage'.*'anger'"):
        explainer.explain(["hi there"], target="rage")
    with pytest.raises(InvalidInputTypeError, match="list of texts; got None"):
        explainer.explain(None)
    with pytest.raises(InvalidInputTypeError, match=r"explain\(\[text\]\)"):
        explainer.explain("one bare text")
    with pytest.raises(InvalidInputError, match="Text 1 .* no word"):
        explainer.explain(["fine", "  "])
    with pytest.raises(InvalidInputTypeError, match="Text 0 is a int"):
        explainer.explain([3])
    with pytest.raises(InvalidInputError, match="'context_keep' parameter.*in \\(0, 1\\]"):
        TokenExplainer(tfidf, context_keep=0).explain(["hi"])
    with pytest.raises(InvalidInputError, match="'n_contexts' parameter"):
        TokenExplainer(tfidf, n_contexts=0).explain(["hi"])
    with pytest.raises(InvalidInputError, match="'method' parameter"):
        TokenExplainer(tfidf, method="lime").explain(["hi"])
    with pytest.raises(NotFittedError, match="not fitted yet"):
        TokenExplainer(make_pipeline(TfidfVectorizer(), LogisticRegression())).explain(["hi"])
    with pytest.raises(InvalidInputError, match="ends in LogisticRegression.*occlusion"):
        TokenExplainer(tfidf, method="integrated_gradients").explain(["hi there"])


def test_missing_captum_names_the_extra(tfidf, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "captum.attr", None)
    with pytest.raises(MissingDependencyError, match=r"sklearn-emotion\[explain\]"):
        TokenExplainer(tfidf, method="integrated_gradients").explain(["hi there"])


def test_multilabel_attributions_per_predicted_label():
    data = load_goemotions("train", labels="ekman", multilabel=True)
    model = PerLabelThresholdClassifier(make_pipeline(
        TfidfVectorizer(sublinear_tf=True),
        OneVsRestClassifier(LogisticRegression(max_iter=1000))), cv=0.3, random_state=0)
    model.fit(data.data[:4000], data.target[:4000])
    pool = list(load_goemotions("test", labels="ekman", multilabel=True).data[:300])
    several = np.flatnonzero(model.predict(pool).sum(axis=1) >= 2)[:3]
    assert len(several), "no test text with two predicted labels"
    texts = [pool[i] for i in several] + ["this is disgusting"]
    result = TokenExplainer(model).explain(texts)
    indicator = model.predict(texts)
    classes = np.asarray(model.classes_)
    for i in range(len(texts)):
        expected = list(classes[indicator[i] == 1]) or [classes[model.predict_proba(
            texts[i:i + 1])[0].argmax()]]
        assert result.targets[i] == expected
        assert result.scores[i].shape == (len(word_spans(texts[i])), len(expected))
    # one column per predicted label, and the columns differ (each label has its words)
    assert len(result.targets[0]) >= 2
    assert not np.allclose(result.scores[0][:, 0], result.scores[0][:, 1])


# ---------------------------------------------------------------------------- gradients


@requires_glove
def test_integrated_gradients_agree_with_occlusion_on_an_lstm(go_train):
    from sklearn_emotion.estimators import LSTMClassifier
    from sklearn_emotion.vectorizers import WordVectorizer

    X, y = go_train
    model = make_pipeline(
        WordVectorizer("glove-6b-50d", pooling="sequence", max_length=40),
        LSTMClassifier(hidden_size=32, max_epochs=4, lr=5e-3, class_weight="balanced",
                       verbose=0, progress_bar=False, random_state=0),
    ).fit(X[:2000], y[:2000])
    texts = list(PROBES)
    occlusion = TokenExplainer(model).explain(texts)
    gradients = TokenExplainer(model, method="integrated_gradients", n_steps=24).explain(texts)
    assert gradients.predicted == occlusion.predicted
    same_top = sum(occlusion.top_tokens(i, k=1) == gradients.top_tokens(i, k=1)
                   for i in range(len(texts)))
    rho = [spearmanr(occlusion.scores[i][:, 0], gradients.scores[i][:, 0])[0]
           for i in range(len(texts))]
    assert same_top >= 2 and np.mean(rho) > 0.3, (same_top, rho)
    # completeness: the attributions add up to p(text) - p(all-zero embeddings)
    total = gradients.scores[0][:, 0].sum()
    assert 0 < total <= gradients.probability(0, gradients.targets[0][0])


@requires_minilm
@pytest.mark.slow
def test_integrated_gradients_of_a_transformer_add_up_over_the_words(go_train):
    import torch

    from sklearn_emotion.estimators import TransformerClassifier

    X, y = go_train
    model = TransformerClassifier(model="all-MiniLM-L6-v2", max_length=32, max_epochs=1,
                                  warmup_steps=0, verbose=0, progress_bar=False,
                                  random_state=0, device="cpu").fit(X[:120], y[:120])
    text = "Thank you so much, I can't believe how brilliant this is"
    result = TokenExplainer(model, method="integrated_gradients", n_steps=48).explain([text])
    assert result.tokens(0)[6:8] == ["ca", "n't"]
    # completeness: the word scores (sub-word pieces summed into their words) add up to
    # p(text) - p(the padding baseline); a piece left unaligned would break the sum
    encoded = model.tokenizer_([text], return_tensors="pt", return_special_tokens_mask=True)
    ids = encoded["input_ids"]
    baseline = torch.where(encoded["special_tokens_mask"].bool(), ids,
                           torch.full_like(ids, model.tokenizer_.pad_token_id))
    column = list(model.classes_).index(result.targets[0][0])
    with torch.no_grad():
        p = [torch.softmax(model.module_(x, encoded["attention_mask"]), -1)[0, column].item()
             for x in (ids, baseline)]
    assert result.scores[0][:, 0].sum() == pytest.approx(p[0] - p[1], abs=0.02)


@requires_minilm
@pytest.mark.slow
def test_fewshot_classifier_from_its_model_folder(go_train, tmp_path):
    from sklearn_emotion.estimators import FewShotClassifier

    X, y = go_train
    X = np.asarray(X, dtype=object)
    keep = np.concatenate([np.flatnonzero(y == c)[:8] for c in np.unique(y)])
    model = FewShotClassifier(max_pairs=64, random_state=0).fit(list(X[keep]), y[keep])
    folder = save_model_dir(tmp_path / "few-shot", model, {})
    out = tmp_path / "e.jsonl"
    assert main(["explain", "--model", str(folder), "This is disgusting, I hate it",
                 "--output", str(out)]) == 0
    record = json.loads(out.read_text())
    # the folder's model, as fitted, and the emotion-bearing word on top of its prediction
    assert record["predicted"] == model.predict(["This is disgusting, I hate it"]).tolist()
    label = record["predicted"][0]
    top = max(record["tokens"], key=lambda t: t["scores"][label])["token"]
    assert top in {"disgusting", "hate"}


# ------------------------------------------------------------------ output: CLI and report


@pytest.fixture(scope="module")
def model_dir(tfidf, tmp_path_factory):
    return save_model_dir(tmp_path_factory.mktemp("explain") / "model", tfidf, {})


def test_cli_jsonl_and_html(model_dir, tmp_path, capsys):
    out = tmp_path / "e.jsonl"
    assert main(["explain", "--model", str(model_dir), *PROBES, "--output", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["predicted"] for r in records] == [[c] for c, _ in PROBES.values()]
    top = max(records[0]["tokens"], key=lambda t: t["scores"]["disgust"])
    assert top["token"] == "disgusting"
    page = tmp_path / "e.html"
    assert main(["explain", "--model", str(model_dir), "so scared", "--format", "html",
                 "-o", str(page), "--target", "all"]) == 0
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count('class="se-w"') == 2 * 7
    assert main(["explain", "--model", str(model_dir), "so scared"]) == 0
    assert "fear" in capsys.readouterr().out
    assert main(["explain", "--model", str(model_dir), "x", "--target", "rage"]) == 2


def test_cli_contexts_choose_leave_one_out_or_more_contexts(model_dir, tfidf, tmp_path,
                                                            capsys):
    text = "I can't believe they cancelled the show, this is outrageous and so sad"

    def cli_scores(*options):
        out = tmp_path / "e.jsonl"
        assert main(["explain", "--model", str(model_dir), text, "-o", str(out),
                     *options]) == 0
        (record,) = [json.loads(line) for line in out.read_text().splitlines()]
        label = record["predicted"][0]
        return label, [t["scores"][label] for t in record["tokens"]]

    label, loo = cli_scores("--contexts", "1")
    expected = TokenExplainer(tfidf, n_contexts=1).explain([text])
    assert expected.targets[0] == [label]
    assert loo == pytest.approx(expected.scores[0][:, 0].tolist(), abs=1e-4)
    _, default = cli_scores()
    assert default != pytest.approx(loo, abs=1e-3)  # 32 contexts by default
    assert main(["explain", "--model", str(model_dir), text, "--contexts", "0"]) == 2
    assert "n_contexts" in capsys.readouterr().err


def test_report_explains_confident_errors(tfidf, tmp_path):
    test = load_goemotions(subset="test", return_X_y=True)
    texts, y_true = list(test[0][:400]), np.asarray(test[1][:400])
    proba = tfidf.predict_proba(texts)
    y_pred = tfidf.classes_[proba.argmax(axis=1)]
    evaluation = evaluate_predictions(y_true, y_pred, list(tfidf.classes_), texts=texts,
                                      model=tfidf, proba=proba)
    (true, wrong), first = next(iter(evaluation.explanations.items()))
    assert isinstance(first, Explanation) and len(first) == 2 and first.targets[0] == [wrong]
    errors = [p for t, p, y, pp in zip(texts, proba, y_true, y_pred) if y == true and pp == wrong]
    best = max(p[list(tfidf.classes_).index(wrong)] for p in errors)
    assert first.probability(0, wrong) == pytest.approx(best)
    html = write_report(tmp_path, evaluation, title="t")["report.html"].read_text()
    assert "Most confident errors, explained" in html and html.count('class="se-w"') > 20


# ------------------------------------------------------------------------------ browser

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)

_PROBE_SCRIPT = """<script>
window.__errors = [];
window.addEventListener("error", e => window.__errors.push(String(e.message)));
const originalError = console.error;
console.error = (...a) => { window.__errors.push(a.join(" ")); originalError(...a); };
window.addEventListener("load", () => {
  const spans = [...document.querySelectorAll(".se-w")];
  const shown = spans.filter(s => {
    const r = s.getBoundingClientRect(), bg = getComputedStyle(s).backgroundColor;
    return r.width > 0 && r.height > 0 && bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent";
  });
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({errors: window.__errors, spans: spans.length,
                                    highlighted: shown.length});
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (chromium, chromium-browser "
                                             "or google-chrome) on PATH")
def test_html_renders_in_headless_chromium(tfidf, tmp_path):
    result = TokenExplainer(tfidf).explain(["This is disgusting, I hate it"])
    page = result.to_html(full_document=True).replace("<head>", "<head>" + _PROBE_SCRIPT, 1)
    path = tmp_path / "explain.html"
    path.write_text(page, encoding="utf-8")
    flags = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=900,400"]
    dom = subprocess.run(flags + ["--virtual-time-budget=3000", "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=90, check=True).stdout
    probe = json.loads(dom.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0]
                       .replace("&quot;", '"'))
    assert probe["errors"] == []
    assert probe["spans"] == len(word_spans("This is disgusting, I hate it"))
    assert probe["highlighted"] >= 1
    shot = tmp_path / "shot.png"
    subprocess.run(flags + [f"--screenshot={shot}", path.as_uri()], capture_output=True,
                   timeout=90, check=True)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    # "disgusting" carries the class: the strongest orange (214, 69, 10 at alpha 0.85 on white)
    orange = np.abs(pixels - np.array([220, 97, 47])).max(axis=1) <= 12
    assert orange.sum() > 200, orange.sum()
