"""A self-contained HTML evaluation report: :func:`html_report`.

One file with no external resources: the styles are inline and the confusion-matrix
pictures are embedded as base64 PNG, so the report can be mailed, attached to a CI run
or opened offline.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from typing import TYPE_CHECKING

from ._confused import most_confused_pairs
from ._plot import plot_confusion_matrix
from ._report import emotion_report

if TYPE_CHECKING:
    import pandas as pd

    from ._report import EmotionReport

__all__ = ["html_report", "figure_to_png", "render_html_report"]

_CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --accent:#2563eb; --soft:#eff4ff; }
* { box-sizing: border-box; }
body { margin:0; background:#f5f7fa; color:var(--ink);
  font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:1180px; margin:0 auto; padding:28px 32px 40px; }
h1 { font-size:26px; margin:0 0 4px; }
h2 { font-size:18px; margin:34px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
.sub { color:var(--muted); margin:0 0 18px; }
.cards { display:flex; flex-wrap:wrap; gap:14px; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:14px 18px;
  min-width:150px; flex:1; }
.card .v { font-size:28px; font-weight:650; font-variant-numeric:tabular-nums; }
.card .k { color:var(--muted); font-size:13px; text-transform:uppercase; letter-spacing:.04em; }
table { border-collapse:collapse; background:#fff; border:1px solid var(--line);
  border-radius:10px; overflow:hidden; }
th, td { padding:7px 14px; text-align:right; font-variant-numeric:tabular-nums;
  border-bottom:1px solid var(--line); }
th { background:#f0f3f7; font-weight:600; font-size:13px; color:#3e4c59; }
td.l, th.l { text-align:left; }
tr.avg td { background:#fafbfc; font-style:italic; }
tr:last-child td { border-bottom:none; }
table.wide { width:100%; }
td.f1 { width:40%; }
.f1cell { display:flex; align-items:center; gap:12px; }
.f1cell .num { width:3.2em; text-align:right; font-weight:600; }
.track { flex:1; height:10px; background:#e8eef9; border-radius:5px; overflow:hidden; }
.fill { display:block; height:100%; border-radius:5px;
  background:linear-gradient(90deg,#93c5fd,#2563eb); }
tr.avg .fill { background:#9aa5b1; }
.figs { display:flex; flex-wrap:wrap; gap:18px; }
figure { margin:0; background:#fff; border:1px solid var(--line); border-radius:10px;
  padding:12px; flex:1 1 480px; }
.figs.many figure { flex-basis:100%; }
figure img { width:100%; height:auto; display:block; }
figcaption { color:var(--muted); font-size:13px; margin-top:6px; }
.pair { font-weight:600; }
.arrow { color:var(--muted); padding:0 6px; }
.ex { text-align:left; color:#3e4c59; font-size:13px; max-width:520px; }
.meta td { text-align:left; }
.meta td:first-child { color:var(--muted); white-space:nowrap; }
footer { color:var(--muted); font-size:12px; margin-top:36px; }
"""


def figure_to_png(figure, dpi: int = 120) -> bytes:
    """The PNG bytes of a matplotlib figure."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _esc(value) -> str:
    return html.escape(str(value))


def _num(value: float, digits: int = 3) -> str:
    return f"{value:.{digits}f}"


def _metadata_table(metadata: dict | None) -> str:
    if not metadata:
        return ""
    rows = "".join(
        f"<tr><td>{_esc(k)}</td><td>{_esc(v)}</td></tr>" for k, v in metadata.items()
        if v not in (None, "")
    )
    return f'<table class="meta">{rows}</table>'


def _f1_cell(value: float, digits: int) -> str:
    width = max(0.0, min(1.0, value)) * 100
    return (
        f'<td class="f1"><div class="f1cell"><span class="num">{_num(value, digits)}</span>'
        f'<span class="track"><span class="fill" style="width:{width:.1f}%"></span></span>'
        "</div></td>"
    )


def _per_class_table(report: EmotionReport) -> str:
    d = report.digits
    rows = []
    for label, row in zip(report.labels, report.per_class.to_dict("records")):
        rows.append(
            f'<tr><td class="l">{_esc(label)}</td><td>{_num(row["precision"], d)}</td>'
            f'<td>{_num(row["recall"], d)}</td>{_f1_cell(row["f1"], d)}'
            f'<td>{int(row["support"])}</td></tr>'
        )
    total = report.support
    for name in ("macro", "weighted"):
        rows.append(
            f'<tr class="avg"><td class="l">{name} avg</td>'
            f'<td>{_num(getattr(report, name + "_precision"), d)}</td>'
            f'<td>{_num(getattr(report, name + "_recall"), d)}</td>'
            f'{_f1_cell(getattr(report, name + "_f1"), d)}<td>{total}</td></tr>'
        )
    head = (
        '<tr><th class="l">emotion</th><th>precision</th><th>recall</th>'
        '<th class="l">F1</th><th>support</th></tr>'
    )
    return f'<table class="wide">{head}{"".join(rows)}</table>'


def _pairs_table(pairs: pd.DataFrame, examples: dict | None) -> str:
    if pairs is None or len(pairs) == 0:
        return "<p>No mistakes: every prediction is right.</p>"
    with_examples = bool(examples)
    head = (
        '<tr><th class="l">true emotion</th><th class="l">predicted as</th><th>count</th>'
        "<th>share of the true emotion</th>"
        + ('<th class="l">for example</th>' if with_examples else "")
        + "</tr>"
    )
    rows = []
    for row in pairs.to_dict("records"):
        cells = (
            f'<td class="l pair">{_esc(row["true"])}</td>'
            f'<td class="l"><span class="arrow">&rarr;</span>{_esc(row["predicted"])}</td>'
            f'<td>{int(row["count"])}</td><td>{row["share_of_true"]:.1%}</td>'
        )
        if with_examples:
            texts = examples.get((row["true"], row["predicted"]), [])
            shown = "<br>".join(f"&ldquo;{_esc(_shorten(t))}&rdquo;" for t in texts)
            cells += f'<td class="ex">{shown}</td>'
        rows.append(f"<tr>{cells}</tr>")
    return f'<table class="wide">{head}{"".join(rows)}</table>'


def _shorten(text: str, width: int = 140) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def confused_examples(texts, y_true, y_pred, pairs, per_pair: int = 2) -> dict:
    """Up to ``per_pair`` texts for each (true, predicted) pair of ``pairs``."""
    wanted = {(r["true"], r["predicted"]): [] for r in pairs.to_dict("records")}
    for text, t, p in zip(texts, y_true, y_pred):
        bucket = wanted.get((t, p))
        if bucket is not None and len(bucket) < per_pair:
            bucket.append(text)
    return wanted


def render_html_report(
    report: EmotionReport,
    pairs: pd.DataFrame,
    images: dict[str, bytes],
    *,
    title: str = "Emotion report",
    subtitle: str = "",
    metadata: dict | None = None,
    examples: dict | None = None,
    footer: str = "",
    explained: str = "",
) -> str:
    """Assemble the HTML page from already computed parts (see :func:`html_report`).

    ``images`` maps a caption to PNG bytes; each is embedded as a base64 data URI.
    ``explained`` is an HTML section placed after the confused pairs (the explained
    errors of ``sklearn_emotion.explain``).
    """
    d = report.digits
    cards = [
        ("accuracy", report.accuracy),
        ("macro F1", report.macro_f1),
        ("weighted F1", report.weighted_f1),
        ("macro precision", report.macro_precision),
        ("macro recall", report.macro_recall),
    ]
    cards_html = "".join(
        f'<div class="card"><div class="k">{k}</div><div class="v">{_num(v, d)}</div></div>'
        for k, v in cards
    )
    figures = "".join(
        f'<figure><img alt="{_esc(caption)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
        f"<figcaption>{_esc(caption)}</figcaption></figure>"
        for caption, png in images.items()
    )
    n_classes = len(report.labels)
    subtitle = subtitle or f"{report.n_samples} samples, {n_classes} emotions"
    created = _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    footer = _esc(footer) + (" &middot; " if footer else "") + f"generated {_esc(created)}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title><style>{_CSS}</style></head>
<body><main>
<h1>{_esc(title)}</h1><p class="sub">{_esc(subtitle)}</p>
<div class="cards">{cards_html}</div>
{"<h2>About this evaluation</h2>" + _metadata_table(metadata) if metadata else ""}
<h2>Per emotion</h2>
{_per_class_table(report)}
<h2>Confusion matrix</h2>
<p class="sub">Rows are the true emotions, columns the predicted ones.</p>
<div class="figs{' many' if n_classes > 12 else ''}">{figures}</div>
<h2>Most confused pairs</h2>
{_pairs_table(pairs, examples)}
{explained}
<footer>{footer}</footer>
</main></body></html>
"""


def confusion_images(y_true, y_pred, labels, dpi: int = 120) -> dict[str, bytes]:
    """The normalised and the count confusion matrices as PNG bytes, keyed by caption."""
    normalised = plot_confusion_matrix(
        y_true, y_pred, labels=labels, normalize="true",
        title="Normalised by true emotion (rows sum to 1: recall)",
    )
    counts = plot_confusion_matrix(y_true, y_pred, labels=labels, title="Counts")
    return {
        "Normalised by true emotion: each row shows where that emotion's samples went.":
            figure_to_png(normalised, dpi),
        "Counts: the number of samples in each cell.": figure_to_png(counts, dpi),
    }


def html_report(
    y_true,
    y_pred,
    labels=None,
    *,
    texts=None,
    title: str = "Emotion report",
    metadata: dict | None = None,
    n_pairs: int = 10,
    digits: int = 3,
) -> str:
    """A self-contained HTML page with the whole evaluation of emotion predictions.

    It shows accuracy and the macro and weighted averages, the per-class precision,
    recall and F1 (with bars), the confusion matrix normalised by true label and as
    counts (PNG embedded as base64) and the most confused pairs (with example texts
    when ``texts`` is given). Nothing is loaded from elsewhere: the page works offline.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    labels : array-like, default=None
        Classes to report, in order (default: the sorted union of both).
    texts : sequence of str, default=None
        The texts that were classified, to quote examples of the confused pairs.
    title : str, default="Emotion report"
        Page title and heading.
    metadata : dict, default=None
        Shown as a two-column table ("About this evaluation"), e.g. model and data.
    n_pairs : int, default=10
        How many confused pairs to list.
    digits : int, default=3
        Decimals shown.

    Returns
    -------
    str
        The HTML document; write it with ``Path("report.html").write_text(page)``.

    See Also
    --------
    emotion_report, plot_confusion_matrix, most_confused_pairs : The parts it shows.

    Examples
    --------
    >>> from sklearn_emotion.metrics import html_report
    >>> page = html_report(["joy", "fear", "joy"], ["joy", "joy", "joy"], title="Demo")
    >>> page.startswith("<!DOCTYPE html>"), "data:image/png;base64," in page
    (True, True)
    """
    report = emotion_report(y_true, y_pred, labels=labels, digits=digits)
    pairs = most_confused_pairs(y_true, y_pred, labels=report.labels, n=n_pairs)
    examples = None
    if texts is not None:
        examples = confused_examples(texts, list(y_true), list(y_pred), pairs)
    images = confusion_images(y_true, y_pred, report.labels)
    return render_html_report(
        report, pairs, images, title=title, metadata=metadata, examples=examples
    )
