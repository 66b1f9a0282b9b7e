"""The result of an explanation: per-word scores for the explained classes of each text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Explanation"]

FRAME_COLUMNS = ["text_id", "token", "start", "end", "class", "score"]


@dataclass
class Explanation:
    """Word attributions of a batch of texts, as returned by :meth:`TokenExplainer.explain`.

    A positive score means the word raised the probability of the class; a negative one
    that it lowered it. With occlusion a score is the drop of the probability when the
    word is removed; with integrated gradients it is the word's share of the change of
    the probability from the all-padding baseline to the text.

    Attributes
    ----------
    texts : list of str
        The explained texts, as given.
    spans : list of list of (int, int)
        Character offsets of the words of each text.
    targets : list of list
        The classes explained for each text (the predicted ones by default).
    scores : list of ndarray of shape (n_words, n_targets)
        Per text, one column of word scores per explained class.
    classes : ndarray
        All classes of the model, in the order of ``proba``'s columns.
    proba : ndarray of shape (n_texts, n_classes)
        The model's probabilities for each text.
    predicted : list of list
        The labels the model predicts for each text (several or none for a multi-label
        model, whose thresholds decide).
    method : str
        ``"occlusion"`` or ``"integrated_gradients"``.
    """

    texts: list
    spans: list
    targets: list
    scores: list
    classes: np.ndarray
    proba: np.ndarray
    predicted: list
    method: str

    def __len__(self) -> int:
        return len(self.texts)

    def tokens(self, i: int) -> list[str]:
        """The words of text ``i``, as written."""
        return [self.texts[i][s:e] for s, e in self.spans[i]]

    def word_scores(self, i: int, target=None) -> dict:
        """``{word: score}`` of text ``i`` for ``target`` (default: its first explained class).

        A word written twice keeps its larger score.
        """
        column = self._column(i, target)
        out: dict = {}
        for word, score in zip(self.tokens(i), self.scores[i][:, column]):
            out[word] = max(out.get(word, -np.inf), float(score))
        return out

    def top_tokens(self, i: int, target=None, k: int = 5) -> list[str]:
        """The ``k`` words of text ``i`` with the highest scores for ``target``."""
        column = self._column(i, target)
        order = np.argsort(-self.scores[i][:, column], kind="stable")[:k]
        words = self.tokens(i)
        return [words[j] for j in order]

    def _column(self, i: int, target) -> int:
        targets = list(self.targets[i])
        if target is None:
            if not targets:
                raise ValueError(f"Text {i} has no explained class.")
            return 0
        if target not in targets:
            raise ValueError(f"Class {target!r} was not explained for text {i}; explained: "
                             f"{targets}. Ask for it with explain(..., target={target!r}).")
        return targets.index(target)

    def to_frame(self):
        """A tidy pandas table: one row per (text, word, explained class).

        Columns ``text_id, token, start, end, class, score``.

        Examples
        --------
        >>> from sklearn.feature_extraction.text import TfidfVectorizer
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn_emotion.explain import TokenExplainer
        >>> texts = ["what a lovely day", "this is awful", "lovely people", "awful food"]
        >>> model = make_pipeline(TfidfVectorizer(), LogisticRegression())
        >>> model = model.fit(texts, ["joy", "anger", "joy", "anger"])
        >>> frame = TokenExplainer(model).explain(["lovely but awful"]).to_frame()
        >>> list(frame.columns)
        ['text_id', 'token', 'start', 'end', 'class', 'score']
        >>> len(frame)
        3
        """
        import pandas as pd

        rows = []
        for i, text in enumerate(self.texts):
            for j, (start, end) in enumerate(self.spans[i]):
                for c, target in enumerate(self.targets[i]):
                    rows.append((i, text[start:end], start, end, target,
                                 float(self.scores[i][j, c])))
        frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
        return frame.astype({"text_id": "int64", "start": "int64", "end": "int64",
                             "score": "float64"})

    def to_records(self, digits: int = 4) -> list[dict]:
        """One JSON-ready dict per text: text, prediction, probabilities and word scores."""
        records = []
        for i, text in enumerate(self.texts):
            targets = [_plain(t) for t in self.targets[i]]
            records.append({
                "text_id": i,
                "text": text,
                "method": self.method,
                "predicted": [_plain(p) for p in self.predicted[i]],
                "proba": {str(_plain(c)): round(float(p), digits)
                          for c, p in zip(self.classes, self.proba[i])},
                "classes": targets,
                "tokens": [
                    {"token": text[s:e], "start": int(s), "end": int(e),
                     "scores": {str(t): round(float(v), digits)
                                for t, v in zip(targets, self.scores[i][j])}}
                    for j, (s, e) in enumerate(self.spans[i])
                ],
            })
        return records

    def probability(self, i: int, target) -> float:
        """The model's probability of ``target`` for text ``i``."""
        where = np.flatnonzero(np.asarray(self.classes) == target)
        return float(self.proba[i, where[0]]) if where.size else float("nan")

    def to_html(self, *, full_document: bool = False, title: str = "Explanations") -> str:
        """Highlighted words, self-contained (inline CSS, no script, no external asset)."""
        from ._html import render_html

        return render_html(self, full_document=full_document, title=title)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return (f"Explanation(method={self.method!r}, n_texts={len(self)}, "
                f"classes explained={sum(len(t) for t in self.targets)})")


def _plain(value):
    """numpy scalars as Python ones, for JSON."""
    return value.item() if isinstance(value, np.generic) else value
