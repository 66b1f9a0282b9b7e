"""Route the columns of multimodal data to one transformer each; return a dict of arrays.

:class:`ModalityUnion` is to :class:`~sklearn_emotion.estimators.FusionClassifier` what
``ColumnTransformer`` is to a linear model: it sends the ``"text"`` column to a text
vectorizer and the ``"audio"`` column to ``MFCCVectorizer`` (or any columns to any
transformers), but keeps the outputs apart, as ``{"text": ..., "audio": ...}``, so the
classifier can give each modality its own branch.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import check_is_fitted

from .exceptions import EmotionWarning, InvalidInputError, InvalidInputTypeError

__all__ = ["ModalityUnion"]


_EXPECTED = ("X as a DataFrame, a dict of columns (e.g. {'text': texts, 'audio': clips}) or "
             "a list of records (dicts)")


def _column_names(X) -> list:
    if hasattr(X, "columns"):
        return [str(c) for c in X.columns]
    if isinstance(X, Mapping):
        return [str(k) for k in X]
    if isinstance(X, (list, tuple)) and X and isinstance(X[0], Mapping):
        return [str(k) for k in X[0]]
    return []


def _n_samples(X) -> int:
    if hasattr(X, "columns") or not isinstance(X, Mapping):
        return len(X)
    return len(next(iter(X.values()))) if X else 0


def _select(X, column, owner: str):
    """The values of ``column`` in a DataFrame, a dict of columns or a list of records."""
    if callable(column):
        return column(X)
    if isinstance(column, list):  # several columns: a 2-D selection
        if hasattr(X, "columns"):
            if all(c in X.columns for c in column):
                return X[column]
            raise KeyError(column)
        parts = [_select(X, c, owner) for c in column]
        return np.column_stack([np.asarray(p).reshape(len(p), -1) for p in parts])
    if hasattr(X, "columns"):
        if column in X.columns:
            return X[column]
    elif isinstance(X, Mapping):
        if column in X:
            return X[column]
    elif isinstance(X, (list, tuple)) and all(isinstance(r, Mapping) for r in X):
        missing = [i for i, r in enumerate(X) if column not in r]
        if not missing:
            return [r[column] for r in X]
        if len(missing) < len(X):
            raise InvalidInputError(
                f"{owner}: the records {missing[:5]} of X have no {column!r} field."
            )
    else:
        raise InvalidInputTypeError(f"{owner} expects {_EXPECTED}; got {type(X).__name__}.")
    raise KeyError(column)


def _check_input(X, owner: str) -> None:
    """Refuse ``None`` and input without samples, before any column transformer sees it."""
    if X is None:
        raise InvalidInputTypeError(f"{owner} expects {_EXPECTED}; got None.")
    try:
        empty = _n_samples(X) == 0 and (not isinstance(X, Mapping) or bool(X))
    except TypeError:  # no length: _select (or a callable column) says what is wrong
        return
    if empty:
        raise InvalidInputError(
            f"{owner} got X with no samples; at least one is required. Pass a DataFrame "
            "with rows, a dict of non-empty columns or a non-empty list of records."
        )


class ModalityUnion(_BaseComposition, TransformerMixin, BaseEstimator):
    """Apply one transformer per modality column and return their outputs as a dict.

    Parameters
    ----------
    transformers : list of (name, transformer, column) tuples
        ``name`` becomes the key of the output dict (the modality name
        ``FusionClassifier`` sees), ``transformer`` is any scikit-learn transformer (or
        ``"passthrough"`` for columns that already hold feature arrays) and ``column``
        the key of the input column, a list of keys (a 2-D selection) or a callable
        ``X -> data``. Transformers are cloned
        in ``fit``; their parameters are reachable as ``<name>__<param>``, and a whole
        transformer can be swapped with ``set_params(<name>=...)``, e.g. in a grid search.
    allow_missing : bool, default=False
        At transform time, leave out a modality whose column is absent from ``X``
        instead of raising; ``FusionClassifier(missing_modality="zero")`` then fills it.
    dense : bool, default=True
        Turn sparse outputs (TF-IDF) into dense arrays, which ``FusionClassifier`` needs.
    normalize_by : str or None, default=None
        A column of ``X`` naming the speaker (or any group) of each sample, e.g.
        ``"speaker"``: every output column is then standardized (zero mean, unit variance)
        within each group, using the rows of that group in the ``X`` being transformed.
        This per-speaker normalization removes much of what makes voices differ and is
        the largest single gain on speaker-independent speech emotion recognition; it
        needs several clips of each speaker in one ``transform`` call (a speaker with a
        single clip gets all-zero features, with an ``EmotionWarning``).
    normalized : list of str or None, default=None
        The modalities ``normalize_by`` applies to; ``None`` means all of them.

    Attributes
    ----------
    transformers_ : list of (name, fitted transformer, column)
        The fitted transformers.
    named_transformers_ : dict of {str: transformer}
        The same, by name.

    See Also
    --------
    sklearn.compose.ColumnTransformer : Concatenates the outputs instead.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn_emotion.multimodal import ModalityUnion
    >>> df = pd.DataFrame({"text": ["so happy", "so sad", "happy again"],
    ...                    "pitch": [220.0, 110.0, 230.0]})
    >>> union = ModalityUnion([("text", TfidfVectorizer(), "text"),
    ...                        ("prosody", StandardScaler(), ["pitch"])])
    >>> out = union.fit_transform(df)
    >>> sorted(out), out["text"].shape, out["prosody"].shape
    (['prosody', 'text'], (3, 4), (3, 1))
    >>> union.set_params(text__min_df=2).fit_transform(df)["text"].shape
    (3, 2)
    """

    def __init__(self, transformers, *, allow_missing=False, dense=True, normalize_by=None,
                 normalized=None):
        self.transformers = transformers
        self.allow_missing = allow_missing
        self.dense = dense
        self.normalize_by = normalize_by
        self.normalized = normalized

    # ---------------------------------------------- parameters (as ColumnTransformer)
    @property
    def _transformers(self):
        try:
            return [(name, trans) for name, trans, _ in self.transformers]
        except (TypeError, ValueError):
            return self.transformers

    @_transformers.setter
    def _transformers(self, value):
        try:
            self.transformers = [
                (name, trans, col)
                for ((name, trans), (_, _, col)) in zip(value, self.transformers)
            ]
        except (TypeError, ValueError):
            self.transformers = value

    def get_params(self, deep=True):
        """Parameters, including ``<name>`` and ``<name>__<param>`` of each transformer."""
        return self._get_params("_transformers", deep=deep)

    def set_params(self, **params):
        """Set parameters; ``<name>=transformer`` replaces a whole transformer."""
        self._set_params("_transformers", **params)
        return self

    # ------------------------------------------------------------------ checks
    def _check_transformers(self):
        name = type(self).__name__
        try:
            entries = [tuple(t) for t in self.transformers]
            ok = bool(entries) and all(len(t) == 3 for t in entries)
        except TypeError:
            ok = False
        if not ok:
            raise TypeError(
                f"{name}: 'transformers' must be a non-empty list of (name, transformer, "
                f"column) tuples; got {self.transformers!r:.120}."
            )
        names = [t[0] for t in entries]
        self._validate_names(names)  # sklearn: unique, no '__', no clash with params
        bad = [n for n in names if not isinstance(n, str) or "." in n]
        if bad:
            raise ValueError(f"{name}: transformer names must be strings without '.'; got {bad}.")
        for n, trans, _ in entries:
            if trans != "passthrough" and not (
                hasattr(trans, "fit") and (hasattr(trans, "transform")
                                           or hasattr(trans, "fit_transform"))
            ):
                raise TypeError(
                    f"{name}: the transformer {n!r} must be a scikit-learn transformer (fit "
                    f"and transform) or 'passthrough'; got {trans!r:.80}."
                )
        return entries

    def _data(self, X, column, name, *, required):
        try:
            return _select(X, column, type(self).__name__)
        except KeyError:
            if not required:
                return None
            columns = _column_names(X)
            raise InvalidInputError(
                f"{type(self).__name__}: the modality {name!r} reads the column {column!r}, "
                f"which X does not have (its columns: {columns}). Add it"
                + ("" if self.allow_missing else
                   ", or set allow_missing=True to leave the modality out")
                + "."
            ) from None

    def _finish(self, name, Z):
        if isinstance(Z, Mapping):
            raise InvalidInputError(
                f"{type(self).__name__}: the transformer {name!r} returned a dict (keys "
                f"{sorted(Z)}), a sequence output; give it a pooled output (e.g. "
                "pooling='mean' or 'stats') so each modality is one 2-D array."
            )
        if sparse.issparse(Z):
            return Z.toarray() if self.dense else Z
        Z = np.asarray(Z)
        return Z.reshape(-1, 1) if Z.ndim == 1 else Z

    # --------------------------------------------------------------- fit/transform
    def fit(self, X, y=None):
        """Fit every transformer on its column.

        Parameters
        ----------
        X : DataFrame, dict of columns, or list of records (dicts)
            The multimodal data, e.g. from ``load_ravdess(...).data``.
        y : array-like, default=None
            Passed to each transformer's ``fit``.

        Returns
        -------
        self : ModalityUnion
        """
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None):
        """Fit every transformer on its column and return ``{name: output}``.

        Parameters
        ----------
        X : DataFrame, dict of columns, or list of records (dicts)
            The multimodal data.
        y : array-like, default=None
            Passed to each transformer.

        Returns
        -------
        dict of {str: ndarray of shape (n_samples, n_features)}
        """
        entries = self._check_transformers()
        _check_input(X, type(self).__name__)
        fitted, out = [], {}
        for name, trans, column in entries:
            data = self._data(X, column, name, required=True)
            if trans == "passthrough":
                fitted.append((name, trans, column))
                out[name] = self._finish(name, data)
                continue
            est = clone(trans)
            Z = est.fit_transform(data, y) if hasattr(est, "fit_transform") else (
                est.fit(data, y).transform(data)
            )
            fitted.append((name, est, column))
            out[name] = self._finish(name, Z)
        self.transformers_ = fitted
        self.n_samples_seen_ = _n_samples(X)
        return self._normalize(X, out)

    def transform(self, X):
        """Transform each column with its fitted transformer.

        Parameters
        ----------
        X : DataFrame, dict of columns, or list of records (dicts)
            The multimodal data.

        Returns
        -------
        dict of {str: ndarray of shape (n_samples, n_features)}
            Without the modalities whose column is absent, if ``allow_missing=True``.
        """
        check_is_fitted(self, "transformers_")
        _check_input(X, type(self).__name__)
        out = {}
        for name, trans, column in self.transformers_:
            data = self._data(X, column, name, required=not self.allow_missing)
            if data is None:
                continue
            Z = data if trans == "passthrough" else trans.transform(data)
            out[name] = self._finish(name, Z)
        if not out:
            raise InvalidInputError(
                f"{type(self).__name__}: X has none of the modality columns "
                f"{[c for _, _, c in self.transformers_]}."
            )
        return self._normalize(X, out)

    def _normalize(self, X, out):
        """``normalize_by``: standardize the chosen modalities within each group of rows."""
        if self.normalize_by is None:
            return out
        name = type(self).__name__
        names = [n for n, _, _ in self.transformers_]
        chosen = names if self.normalized is None else list(self.normalized)
        unknown = [n for n in chosen if n not in names]
        if unknown:
            raise ValueError(
                f"{name}: 'normalized' names modalities {unknown} that are not among the "
                f"transformers {names}."
            )
        groups = self._data(X, self.normalize_by, f"normalize_by={self.normalize_by!r}",
                            required=True)
        groups = np.asarray(list(groups), dtype=object).astype(str)
        if len(groups) != _n_samples(X):
            raise InvalidInputError(f"{name}: the column {self.normalize_by!r} has "
                                    f"{len(groups)} values for {_n_samples(X)} samples.")
        values, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
        if counts.min() < 2:
            lonely = values[counts < 2][:5].tolist()
            warnings.warn(
                f"{name}: normalize_by={self.normalize_by!r} standardizes within each group, "
                f"but the groups {lonely} have a single sample here, so their features "
                "become zero. Transform several samples of each speaker together.",
                EmotionWarning, stacklevel=3,
            )
        for modality in chosen:
            if modality not in out or sparse.issparse(out[modality]):
                continue
            Z = np.array(out[modality], dtype=np.float32)
            for g in range(len(values)):
                rows = inverse == g
                mean = Z[rows].mean(axis=0)
                std = Z[rows].std(axis=0)
                Z[rows] = (Z[rows] - mean) / np.where(std > 1e-6, std, 1.0)
            out[modality] = Z
        return out

    @property
    def named_transformers_(self):
        """The fitted transformers by name."""
        check_is_fitted(self, "transformers_")
        return {name: trans for name, trans, _ in self.transformers_}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.input_tags.string = True
        return tags
