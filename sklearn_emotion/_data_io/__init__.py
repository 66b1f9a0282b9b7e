"""Reading labelled data and streaming texts for the command line; writing predictions.

- :func:`load_labelled` (``_labelled.py``) reads a whole labelled data set (for
  ``train`` and ``evaluate``): a CSV/TSV/JSONL/JSON/Parquet/TXT file, a dair-ai emotion
  folder, a folder of speech clips, or a registered dataset by name (``goemotions``,
  ``goemotions:original:test``).
- :func:`iter_text_batches` (``_stream.py``) streams texts in batches from a file or
  standard input (CSV/TSV/JSONL/TXT) in constant memory, for ``predict``.
- :class:`PredictionWriter` (``_writer.py``) writes labels and probabilities as CSV or
  JSON lines.
- :func:`parse_label_lists` (``_labels.py``) reads a multi-label column:
  comma-separated labels (``"joy,love"``), GoEmotions-style id lists (``"2,27"`` with
  ``label_names``) or lists.
- ``_columns.py`` holds what both readers share: formats, column names, and the error
  for a CSV/TSV row with more fields than its header (never read silently).
"""

from ._columns import INPUT_FORMATS, SPLITS, TABLE_FORMATS, resolve_column
from ._labelled import has_split, load_labelled
from ._labels import LabelledData, goemotions_label_names, parse_label_lists, stratified_head
from ._stream import TextBatch, input_format, iter_text_batches, open_input
from ._writer import PredictionWriter, data_slug

__all__ = [
    "LabelledData",
    "load_labelled",
    "has_split",
    "resolve_column",
    "iter_text_batches",
    "open_input",
    "input_format",
    "TextBatch",
    "PredictionWriter",
    "INPUT_FORMATS",
    "TABLE_FORMATS",
    "SPLITS",
    "parse_label_lists",
    "goemotions_label_names",
    "stratified_head",
    "data_slug",
]
