"""Speech-clip folders as data sets: :func:`load_ravdess` and :func:`load_audio_folder`.

Neither loader decodes audio (no librosa needed): they list the clips, their transcripts
and labels. ``data`` is a DataFrame with an ``"audio"`` column (absolute file paths),
when there are transcripts a ``"text"`` column and when speakers are known a
``"speaker"`` column: the input of
:class:`~sklearn_emotion.multimodal.ModalityUnion`, which routes each column to its
vectorizer. ``groups`` holds the speaker of each clip, for speaker-independent
evaluation with ``GroupKFold``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ..exceptions import DataNotFoundError, InvalidInputError
from ..utils._validation import validate_parameter_constraints
from ._base import check_option, load_descr

__all__ = ["load_ravdess", "load_audio_folder", "RAVDESS_EMOTIONS", "RAVDESS_STATEMENTS",
           "AUDIO_SUFFIXES"]

#: Emotion codes of the RAVDESS file names.
RAVDESS_EMOTIONS = {"01": "neutral", "02": "calm", "03": "happy", "04": "sad", "05": "angry",
                    "06": "fearful", "07": "disgust", "08": "surprised"}
#: Statement codes of the RAVDESS file names: the transcripts.
RAVDESS_STATEMENTS = {"01": "Kids are talking by the door", "02": "Dogs are sitting by the door"}
#: File suffixes taken for audio clips.
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".aiff", ".aif", ".m4a")

_RAVDESS_NAME = re.compile(r"^(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)$")
_CHANNELS = {"01": "speech", "02": "song"}
_INTENSITIES = {"01": "normal", "02": "strong"}
_AUDIO_COLUMNS = ("audio", "path", "filename", "file", "file_name", "audio_path", "clip")
_LABEL_COLUMNS = ("emotion", "label", "labels", "target", "class", "y")
_TEXT_COLUMNS = ("text", "transcript", "transcription", "sentence", "statement", "utterance")
_GROUP_COLUMNS = ("speaker", "actor", "speaker_id", "actor_id", "group")


def _folder(path, caller: str) -> Path:
    folder = Path(path).expanduser()
    if folder.is_file():
        raise DataNotFoundError(
            f"{caller} expects a folder of audio clips; got the file {str(folder)!r}. Pass its "
            f"folder instead: {str(folder.parent)!r}."
        )
    if not folder.is_dir():
        raise DataNotFoundError(f"{caller} could not find the folder {str(folder)!r}.")
    return folder


def _bunch(frame, target_column, *, descr, as_frame, return_X_y, groups_column):
    """Assemble the result; ``frame`` holds audio, optional text, target and metadata."""
    feature_names = [c for c in ("audio", "text") if c in frame.columns]
    if groups_column is not None:  # for ModalityUnion(normalize_by="speaker")
        frame = frame.assign(speaker=frame[groups_column])
        feature_names.append("speaker")
    data = frame[feature_names].reset_index(drop=True)
    target = frame[target_column].reset_index(drop=True)
    target_names = sorted(target.unique().tolist())
    if not as_frame:
        target = np.asarray(target.tolist(), dtype=object)
    if return_X_y:
        return data, target
    groups = None
    if groups_column is not None:
        groups = frame[groups_column].to_numpy()
    return Bunch(
        data=data, target=target, target_names=target_names,
        frame=frame.reset_index(drop=True) if as_frame else None, groups=groups,
        feature_names=feature_names, DESCR=descr,
    )


def load_ravdess(
    path: str | os.PathLike,
    *,
    vocal_channel: str = "all",
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """List the RAVDESS clips of a folder, with transcripts, emotions and actors.

    RAVDESS (CC BY-NC-SA 4.0) is not shipped with the package: pass the folder where its
    audio files are (searched recursively, so the ``Actor_01/``... layout works). Labels,
    transcripts and speakers come from the file names
    (``modality-channel-emotion-intensity-statement-repetition-actor``); video files are
    left out.

    Parameters
    ----------
    path : str or path-like
        Folder holding RAVDESS audio files (``.wav``, ``.flac``, ...).
    vocal_channel : {"all", "speech", "song"}, default="all"
        Keep only spoken or only sung clips.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``target`` as a Series and ``frame``, a DataFrame with every field of the
        file names (``emotion``, ``intensity``, ``statement``, ``repetition``, ``actor``,
        ``sex``, ``vocal_channel``).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: DataFrame with columns ``"audio"`` (absolute paths), ``"text"`` (the
        statement) and ``"speaker"`` (the actor); ``target``: the emotions;
        ``target_names``; ``groups``: actor numbers (1-24, odd male, even female);
        ``frame`` (with ``as_frame=True``); ``feature_names`` (``["audio", "text",
        "speaker"]``); ``DESCR``. Sorted by file name.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    DataNotFoundError
        If the folder does not exist or holds no audio file named the RAVDESS way.

    See Also
    --------
    load_audio_folder : Any folder of clips with a labels table.

    Examples
    --------
    >>> from sklearn_emotion.datasets import load_ravdess
    >>> ravdess = load_ravdess("path/to/ravdess")  # doctest: +SKIP
    >>> ravdess.data.columns.tolist(), ravdess.target[:2]  # doctest: +SKIP
    (['audio', 'text', 'speaker'], array(['neutral', 'neutral'], dtype=object))
    """
    validate_parameter_constraints(
        {"path": [str, os.PathLike], "return_X_y": ["boolean"], "as_frame": ["boolean"]},
        {"path": path, "return_X_y": return_X_y, "as_frame": as_frame},
        caller_name="load_ravdess",
    )
    vocal_channel = check_option("load_ravdess", "vocal_channel", vocal_channel,
                                 ["all", "speech", "song"])
    folder = _folder(path, "load_ravdess")
    rows, odd = [], []
    for file in sorted(folder.rglob("*"), key=lambda p: (p.name, str(p))):
        if file.suffix.lower() not in AUDIO_SUFFIXES or not file.is_file():
            continue
        match = _RAVDESS_NAME.match(file.stem)
        fields = match.groups() if match else None
        if (fields is None or fields[1] not in _CHANNELS or fields[2] not in RAVDESS_EMOTIONS
                or fields[3] not in _INTENSITIES or fields[4] not in RAVDESS_STATEMENTS):
            odd.append(file.name)
            continue
        _, channel, emotion, intensity, statement, repetition, actor = fields
        if vocal_channel != "all" and _CHANNELS[channel] != vocal_channel:
            continue
        rows.append({
            "audio": str(file.resolve()), "text": RAVDESS_STATEMENTS[statement],
            "emotion": RAVDESS_EMOTIONS[emotion], "intensity": _INTENSITIES[intensity],
            "statement": int(statement), "repetition": int(repetition), "actor": int(actor),
            "sex": "male" if int(actor) % 2 else "female", "vocal_channel": _CHANNELS[channel],
        })
    if not rows:
        found = f"; its audio files {odd[:3]} are not named that way" if odd else ""
        raise DataNotFoundError(
            f"load_ravdess found no RAVDESS clip ({vocal_channel}) in {str(folder)!r}{found}. "
            "RAVDESS files are named modality-channel-emotion-intensity-statement-repetition-"
            "actor, e.g. 03-01-06-01-02-01-12.wav. For other folders use load_audio_folder."
        )
    return _bunch(pd.DataFrame(rows), "emotion", descr=load_descr("ravdess.rst"),
                  as_frame=as_frame, return_X_y=return_X_y, groups_column="actor")


def _pick(columns, requested, fallbacks, what, where, required=True):
    columns = [str(c) for c in columns]
    if requested is not None:
        if requested not in columns:
            raise InvalidInputError(
                f"{where} has no column {requested!r} ({what}_column); its columns: "
                f"{', '.join(map(repr, columns))}."
            )
        return requested
    lower = {c.lower(): c for c in columns}
    for name in fallbacks:
        if name in lower:
            return lower[name]
    if required:
        raise InvalidInputError(
            f"{where} has no {what} column (tried {', '.join(fallbacks)}); pass {what}_column= "
            f"with one of its columns: {', '.join(map(repr, columns))}."
        )
    return None


def load_audio_folder(
    path: str | os.PathLike,
    labels_csv: str | os.PathLike | None = None,
    *,
    audio_column: str | None = None,
    label_column: str | None = None,
    text_column: str | None = None,
    group_column: str | None = None,
    return_X_y: bool = False,
    as_frame: bool = False,
):
    """List the clips of a folder with their labels (and transcripts) from a table.

    Parameters
    ----------
    path : str or path-like
        Folder of audio clips (any format, rate and channel count; decoded later by
        ``MFCCVectorizer``).
    labels_csv : str or path-like, default=None
        CSV (``.tsv``: tab-separated) with one row per clip; relative file names are
        read from ``path``. Default: ``path/labels.csv``.
    audio_column, label_column, text_column, group_column : str, default=None
        Columns of the table. By default the usual names are tried: ``audio``/``path``/
        ``filename``/``file``; ``emotion``/``label``; ``text``/``transcript``/``sentence``/
        ``statement`` (optional); ``speaker``/``actor`` (optional).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``target`` as a Series, and ``frame``: the whole table with absolute paths.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: DataFrame with ``"audio"`` (absolute paths), with transcripts
        ``"text"``, with speakers ``"speaker"``; ``target``, ``target_names``, ``groups``
        (the speakers, or None), ``frame``, ``feature_names`` and ``DESCR``.

    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    DataNotFoundError
        If the folder, the table or any listed clip does not exist (every missing clip is
        counted, the first five named).
    InvalidInputError
        If a column is missing or a row has no label.

    Examples
    --------
    >>> from sklearn_emotion.datasets import load_audio_folder
    >>> clips = load_audio_folder("path/to/clips", "path/to/clips/labels.csv")  # doctest: +SKIP
    >>> clips.data.columns.tolist()  # doctest: +SKIP
    ['audio', 'text']
    """
    validate_parameter_constraints(
        {"path": [str, os.PathLike], "labels_csv": [str, os.PathLike, None],
         "return_X_y": ["boolean"], "as_frame": ["boolean"]},
        {"path": path, "labels_csv": labels_csv, "return_X_y": return_X_y,
         "as_frame": as_frame},
        caller_name="load_audio_folder",
    )
    folder = _folder(path, "load_audio_folder")
    table_path = folder / "labels.csv" if labels_csv is None else Path(labels_csv).expanduser()
    if not table_path.is_file():
        raise DataNotFoundError(
            f"load_audio_folder could not find the labels table {str(table_path)!r}; pass "
            "labels_csv= a CSV with one row per clip (file name and emotion columns)."
        )
    sep = "\t" if table_path.suffix.lower() in (".tsv", ".tab") else ","
    try:
        table = pd.read_csv(table_path, sep=sep, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"Could not read {str(table_path)!r} as a table: {exc}") from None
    where = f"The labels table {str(table_path)!r}"
    if len(table) == 0:
        raise InvalidInputError(f"{where} has no rows.")
    audio_col = _pick(table.columns, audio_column, _AUDIO_COLUMNS, "audio", where)
    label_col = _pick(table.columns, label_column, _LABEL_COLUMNS, "label", where)
    text_col = _pick(table.columns, text_column, _TEXT_COLUMNS, "text", where,
                     required=text_column is not None)
    group_col = _pick(table.columns, group_column, _GROUP_COLUMNS, "group", where,
                      required=group_column is not None)
    labels = table[label_col].str.strip()
    empty = np.flatnonzero((labels == "").to_numpy())
    if len(empty):
        raise InvalidInputError(
            f"{where}: {len(empty)} rows have no label in column {label_col!r} (data rows "
            f"{', '.join(str(i + 1) for i in empty[:5])}). Fill in or remove them."
        )
    paths = [Path(p).expanduser() for p in table[audio_col]]
    paths = [(p if p.is_absolute() else folder / p).resolve() for p in paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise DataNotFoundError(
            f"{where} lists {len(missing)} clips that do not exist: "
            f"{', '.join(map(repr, missing[:5]))}{' ...' if len(missing) > 5 else ''}."
        )
    frame = table.rename(columns={label_col: "emotion"}).copy()
    frame["emotion"] = labels
    frame["audio"] = [str(p) for p in paths]
    if text_col is not None:
        frame["text"] = table[text_col].astype(str)
    columns = ["audio"] + (["text"] if text_col else []) + ["emotion"]
    frame = frame[columns + [c for c in frame.columns if c not in columns]]
    descr = (f"Audio clips of {str(folder)!r} labelled by {str(table_path)!r} (column "
             f"{label_col!r}); {len(frame)} clips.")
    return _bunch(frame, "emotion", descr=descr, as_frame=as_frame, return_X_y=return_X_y,
                  groups_column=group_col)
