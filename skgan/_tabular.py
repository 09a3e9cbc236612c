"""Tables in and out of a fit: encoded columns, the space scores are computed in, conditions on columns.

A fit on a table (a pandas DataFrame with integer, boolean, categorical or
text columns, or missing values) keeps a :class:`TableFit`: the fitted
:class:`~skgan.preprocessing.TabularEncoder` that turns rows into the
networks' columns and generated columns back into rows with the table's
dtypes; the :class:`~skgan.metrics._encoding.DistanceEncoding` of the
training rows, the space the Parzen score is computed in (standardised
numbers and one-hot categories, so that scores of two models of one table
compare); and the category frequencies of the discrete columns the
generator is conditioned on (training-by-sampling). A fit on a numeric
DataFrame keeps only a :class:`FrameShape`, to give its samples back as a
DataFrame.
"""

from dataclasses import dataclass, field
from numbers import Real

import numpy as np
from scipy import sparse

from ._model_file import InvalidModelFile
from ._plain import short_repr
from ._training import ConditionSampler
from .metrics._encoding import DistanceEncoding, is_frame
from .preprocessing import TabularEncoder

#: Rows encoded at a time when only a summary of the encoded rows is needed.
_CHUNK = 65536
_FLOAT_DTYPES = ("float16", "float32", "float64")


def is_table(X):
    """Whether ``X`` needs the tabular encoding.

    A DataFrame does when a column is not float or has missing values; an
    array when it holds text (an array of numbers, even of dtype object, is
    numeric data, and other objects are an error of the numeric checks).
    """
    if is_frame(X):
        return any(str(dtype) not in _FLOAT_DTYPES for dtype in X.dtypes) or bool(X.isna().to_numpy().any())
    if sparse.issparse(X):
        return False
    values = np.asarray(X)
    if values.dtype.kind in "US":
        return True
    if values.dtype.kind != "O":
        return False
    try:
        values.astype(np.float64)
    except (TypeError, ValueError):
        return all(v is None or isinstance(v, (str, bool, Real)) for v in values.ravel())
    return False


def take_rows(X, indices):
    """Rows ``indices`` of an array or a DataFrame."""
    return X.iloc[indices] if is_frame(X) else X[indices]


@dataclass
class FrameShape:
    """The columns and dtypes of a numeric DataFrame, to give generated rows back as one."""

    columns: list
    dtypes: list

    @classmethod
    def of(cls, X):
        return cls(list(X.columns), [str(dtype) for dtype in X.dtypes]) if is_frame(X) else None

    def to_frame(self, rows):
        import pandas as pd

        frame = pd.DataFrame(rows, columns=self.columns)
        return frame.astype(dict(zip(self.columns, self.dtypes, strict=True)))

    def to_plain(self):
        return {"columns": [_column_label(c) for c in self.columns], "dtypes": list(self.dtypes)}

    @classmethod
    def from_plain(cls, values, n_features):
        if not isinstance(values, dict) or set(values) != {"columns", "dtypes"}:
            raise InvalidModelFile("its frame description is not a dict of columns and dtypes")
        columns, dtypes = values["columns"], values["dtypes"]
        if not (isinstance(columns, list) and isinstance(dtypes, list) and len(columns) == len(dtypes) == n_features):
            raise InvalidModelFile(f"its frame description does not have {n_features} columns and dtypes")
        if not all(dtype in _FLOAT_DTYPES for dtype in dtypes):
            raise InvalidModelFile(f"its frame dtypes {short_repr(dtypes)} are not all float dtypes")
        return cls([_column_label(c) for c in columns], dtypes)


@dataclass
class TableFit:
    """The tabular side of a fitted estimator (see the module docstring).

    ``condition_columns`` are the discrete columns the generator was
    conditioned on (empty when it was not, e.g. a fit with ``y``), with the
    training rows' count of each category in ``frequencies``.
    """

    encoder: TabularEncoder
    score_encoding: DistanceEncoding
    condition_columns: list = field(default_factory=list)
    frequencies: list = field(default_factory=list)

    @classmethod
    def fit(cls, encoder, X_train):
        """Fit ``encoder`` (a fresh TabularEncoder) and the score encoding on the training rows."""
        encoder.fit(X_train)
        table = cls(encoder, DistanceEncoding())
        table.score_encoding.fit(table._score_frame(X_train))
        return table

    def condition_on(self, model_rows):
        """Condition on every discrete column, with its category frequencies in ``model_rows`` (the training rows)."""
        self.condition_columns = list(self.encoder.discrete_columns())
        codes = self.codes(model_rows) if self.condition_columns else None
        self.frequencies = [np.bincount(codes[:, j], minlength=width).astype(np.int64)
                            for j, (_, width) in enumerate(self.condition_blocks)]
        return self

    @property
    def layout(self):
        return self.encoder.output_layout_

    def block(self, column):
        """``(first model column, number of categories)`` of a discrete column's one-hot block."""
        positions = self.encoder.value_positions(column).values()
        return min(positions), len(positions)

    @property
    def condition_blocks(self):
        """The :meth:`block` of each condition column."""
        return [self.block(column) for column in self.condition_columns]

    @property
    def condition_width(self):
        """Width of the condition vectors the networks take (None: not conditioned on columns)."""
        return sum(len(f) for f in self.frequencies) or None

    def model_rows(self, X, dtype=np.float64):
        """Rows in the networks' columns, encoded a chunk at a time into one array of ``dtype``."""
        if len(X) <= _CHUNK and dtype == np.float64:
            return self.encoder.transform(X)
        out = np.empty((len(X), self.layout.n_columns), dtype=dtype)
        for start in range(0, len(X), _CHUNK):
            out[start : start + _CHUNK] = self.encoder.transform(take_rows(X, slice(start, start + _CHUNK)))
        return out

    def codes(self, model_rows):
        """The category of each row in each condition column, from its encoded block."""
        return np.stack([model_rows[:, start : start + width].argmax(1) for start, width in self.condition_blocks],
                        axis=1)

    def condition_sampler(self, model_rows, device):
        """The training-by-sampling of a fit on ``model_rows``, or None without condition columns."""
        if not self.condition_columns:
            return None
        blocks = self.condition_blocks
        return ConditionSampler(self.codes(model_rows), [w for _, w in blocks], [s for s, _ in blocks], device)

    def score_rows(self, X):
        """Rows in the space of the Parzen score: standardised numbers, one-hot categories."""
        return self.score_encoding.transform(self._score_frame(X))

    def _score_frame(self, X):
        """A DataFrame of an array's columns, numbers where the encoder saw numbers (text arrays are tables too)."""
        if is_frame(X):
            return X
        import pandas as pd

        X = np.asarray(X)
        kinds = self.encoder.column_kinds_
        return pd.DataFrame({
            i: X[:, i].astype(np.float64) if kinds[i] in ("continuous", "integer") else X[:, i].astype(object)
            for i in range(X.shape[1])
        })

    def score_span(self, X):
        """The largest range of a column of ``X`` in the score space, encoding at most a chunk at a time."""
        low = high = None
        for start in range(0, len(X), _CHUNK):
            rows = self.score_rows(take_rows(X, slice(start, start + _CHUNK)))
            low = rows.min(0) if low is None else np.minimum(low, rows.min(0))
            high = rows.max(0) if high is None else np.maximum(high, rows.max(0))
        return float(np.max(high - low))

    def sampling_conditions(self, n_samples, seed, conditions=None):
        """``(vectors, fixed)`` for ``n_samples`` generated rows.

        ``vectors`` are the networks' condition vectors (None when they take
        none): one condition column per row, uniformly, and one of its
        categories with its training frequency, or one of the user's
        ``conditions``. ``fixed`` maps model columns to the one-hot values
        the generated rows get, so that each satisfies ``conditions`` by
        construction.
        """
        fixed = self._fixed_positions(conditions or {}, n_samples)
        if not self.condition_columns:  # e.g. a fit with y: the networks take its classes
            return None, fixed
        rng = np.random.RandomState(seed)
        blocks = self.condition_blocks
        offsets = np.concatenate([[0], np.cumsum([w for _, w in blocks])[:-1]])
        keys = np.empty(n_samples, dtype=np.int64)
        fixed_columns = [j for j, column in enumerate(self.condition_columns) if column in (conditions or {})]
        if fixed_columns:
            chosen = np.asarray(fixed_columns)[rng.randint(len(fixed_columns), size=n_samples)]
            for j in fixed_columns:
                rows = chosen == j
                keys[rows] = offsets[j] + fixed[self.condition_columns[j]][1][rows] - blocks[j][0]
        else:
            chosen = rng.randint(len(blocks), size=n_samples)
            for j, frequency in enumerate(self.frequencies):
                rows = chosen == j
                p = frequency / frequency.sum()
                keys[rows] = offsets[j] + rng.choice(len(frequency), size=int(rows.sum()), p=p)
        vectors = np.zeros((n_samples, self.condition_width), dtype=np.float32)
        vectors[np.arange(n_samples), keys] = 1.0
        return vectors, fixed

    def _fixed_positions(self, conditions, n_samples):
        """``{column: (block, model column of each row's value)}`` for the user's conditions."""
        if not isinstance(conditions, dict):
            raise TypeError(f"conditions must be a dict of column: value, got {type(conditions).__name__}.")
        discrete = list(self.encoder.discrete_columns())
        fixed = {}
        for column, value in conditions.items():
            if column not in discrete:
                raise ValueError(
                    f"Cannot condition on column {column!r}: conditions apply to the discrete columns "
                    f"(categorical, boolean, or numeric with few values) {discrete}."
                )
            start, width = self.block(column)
            values = np.asarray(value, dtype=object)
            if values.ndim == 0:
                index = np.full(n_samples, self.encoder.value_position(column, value))
            elif values.shape == (n_samples,):
                index = np.array([self.encoder.value_position(column, v) for v in values.tolist()])
            else:
                raise ValueError(
                    f"The condition on {column!r} must be one value or {n_samples} values (one per row), "
                    f"got shape {values.shape}."
                )
            fixed[column] = ((start, start + width), index)
        return fixed

    def decode(self, model_rows, fixed=None):
        """Generated rows as the table's rows, each satisfying the conditions in ``fixed``."""
        for (start, stop), index in (fixed or {}).values():
            model_rows[:, start:stop] = 0.0
            model_rows[np.arange(len(model_rows)), index] = 1.0
        return self.encoder.inverse_transform(model_rows)

    # ---- model files ------------------------------------------------------

    def to_plain(self):
        encoding = self.score_encoding
        columns = encoding.columns_
        return {
            "encoder": self.encoder.to_plain(),
            "score_encoding": {
                "is_frame": bool(encoding.is_frame_),
                "columns": [_column_label(c) for c in columns],
                "categorical": [bool(encoding.categorical_[c]) for c in columns],
                "center": [float(encoding.center_.get(c, 0.0)) for c in columns],
                "scale": [float(encoding.scale_.get(c, 1.0)) for c in columns],
                "has_missing": [bool(encoding.has_missing_.get(c, False)) for c in columns],
                "categories": [[str(v) for v in encoding.categories_.get(c, [])] for c in columns],
            },
            "condition_columns": [_column_label(c) for c in self.condition_columns],
            "frequencies": [[int(v) for v in counts] for counts in self.frequencies],
        }

    @classmethod
    def from_plain(cls, values):
        if not isinstance(values, dict) or set(values) != {"encoder", "score_encoding", "condition_columns",
                                                            "frequencies"}:
            raise InvalidModelFile("its table description is not a dict of the expected keys")
        try:
            encoder = TabularEncoder.from_plain(values["encoder"])
        except (ValueError, TypeError) as exc:
            raise InvalidModelFile(f"its tabular encoder is invalid: {exc}") from None
        table = cls(encoder, _score_encoding(values["score_encoding"]))
        columns, frequencies = values["condition_columns"], values["frequencies"]
        discrete = list(encoder.discrete_columns())
        if not (isinstance(columns, list) and isinstance(frequencies, list) and len(columns) == len(frequencies)
                and all(c in discrete for c in columns)):
            raise InvalidModelFile("its condition columns are not discrete columns of its encoder")
        table.condition_columns = list(columns)
        table.frequencies = []
        for (_, width), counts in zip(table.condition_blocks, frequencies, strict=True):
            if not (isinstance(counts, list) and len(counts) == width
                    and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in counts)
                    and sum(counts) > 0):
                raise InvalidModelFile("its category frequencies are not counts, one per category")
            table.frequencies.append(np.asarray(counts, dtype=np.int64))
        return table


def _column_label(label):
    """A column label as a plain value (str or int)."""
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (str, int, np.integer)):
        raise ValueError(f"skgan saves tables whose column labels are strings or integers, got {label!r}.")
    return label if isinstance(label, str) else int(label)


def _score_encoding(values):
    keys = {"is_frame", "columns", "categorical", "center", "scale", "has_missing", "categories"}
    if not isinstance(values, dict) or set(values) != keys:
        raise InvalidModelFile("its score encoding is not a dict of the expected keys")
    columns = values["columns"]
    n = len(columns) if isinstance(columns, list) else -1
    lists_ok = n > 0 and all(isinstance(values[k], list) and len(values[k]) == n for k in keys - {"is_frame"})
    if not (lists_ok and isinstance(values["is_frame"], bool)
            and all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in columns)
            and all(isinstance(v, bool) for k in ("categorical", "has_missing") for v in values[k])
            and all(isinstance(v, float) and np.isfinite(v) for v in values["center"])
            and all(isinstance(v, float) and 0 < v < np.inf for v in values["scale"])
            and all(isinstance(c, list) and all(isinstance(v, str) for v in c) for c in values["categories"])):
        raise InvalidModelFile("its score encoding has values of the wrong types or lengths")
    encoding = DistanceEncoding()
    encoding.is_frame_, encoding.columns_ = values["is_frame"], list(columns)
    encoding.categorical_ = dict(zip(columns, values["categorical"], strict=True))
    encoding.center_, encoding.scale_, encoding.has_missing_, encoding.categories_ = {}, {}, {}, {}
    for i, column in enumerate(columns):
        if encoding.categorical_[column]:
            encoding.categories_[column] = list(values["categories"][i])
        else:
            encoding.center_[column] = values["center"][i]
            encoding.scale_[column] = values["scale"][i]
            encoding.has_missing_[column] = values["has_missing"][i]
    return encoding
