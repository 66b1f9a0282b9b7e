"""Writing predictions as CSV or JSON lines, and naming evaluation folders."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO

__all__ = ["PredictionWriter", "data_slug"]


class PredictionWriter:
    """Write predicted labels (and probabilities) as CSV or JSON lines, batch by batch.

    With ``multilabel=True`` each label is a comma-joined label set: CSV keeps the string
    (``"joy,love"``), JSON lines write a list under ``"labels"``.
    """

    def __init__(self, stream: IO[str], fmt: str, classes, *, include_text=True, digits=4,
                 multilabel=False):
        self.multilabel = multilabel
        self.stream = stream
        self.fmt = fmt
        self.classes = [str(c) for c in classes]
        self.include_text = include_text
        self.digits = digits
        self._csv = None
        self.n_written = 0

    def _header(self, with_proba: bool):
        header = (["text"] if self.include_text else []) + ["label"]
        if with_proba:
            header += [f"proba_{c}" for c in self.classes]
        self._csv = csv.writer(self.stream, lineterminator="\n")
        self._csv.writerow(header)

    def write(self, texts, labels, proba=None) -> None:
        d = self.digits
        if self.fmt == "csv":
            if self._csv is None:
                self._header(proba is not None)
            for i, (text, label) in enumerate(zip(texts, labels)):
                row = ([text] if self.include_text else []) + [label]
                if proba is not None:
                    row += [f"{p:.{d}f}" for p in proba[i]]
                self._csv.writerow(row)
        else:
            for i, (text, label) in enumerate(zip(texts, labels)):
                record = {"text": text} if self.include_text else {}
                if self.multilabel:
                    record["labels"] = label.split(",") if label else []
                else:
                    record["label"] = label
                if proba is not None:
                    record["proba"] = {
                        c: round(float(p), d) for c, p in zip(self.classes, proba[i])
                    }
                self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.n_written += len(labels)
        self.stream.flush()


def data_slug(source: str) -> str:
    """A short folder-friendly name for a data source (for evaluation folders)."""
    path = Path(source)
    stem = path.name if path.is_dir() else path.name.split(".")[0] or "data"
    keep = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem.replace(":", "-"))
    return keep.strip("-") or "data"
