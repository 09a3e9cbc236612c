"""Mixed tables: encoded columns, the space scores are computed in, conditions on columns.

A fit on a table (a pandas DataFrame with integer, boolean, categorical or
text columns, or missing values) keeps a :class:`TableCodec`: the fitted
:class:`~skgan.preprocessing.TabularEncoder` that turns rows into the
networks' columns and generated columns back into rows with the table's
dtypes; the :class:`~skgan.metrics._encoding.DistanceEncoding` of the
training rows, the space the Parzen score is computed in (standardised
numbers and one-hot categories, so that scores of two models of one table
compare); and the category frequencies of the discrete columns the
generator is conditioned on (training-by-sampling). A new kind of column is
a column encoder of :mod:`skgan.preprocessing` (see docs/architecture.md):
this codec follows from the encoder's blocks.
"""

from collections import Counter
from numbers import Real

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, column_or_1d, validate_data

from .._frames import is_frame, take_rows
from .._random import fit_random
from .._training import ConditionSampler, table_settings
from ..constraints._set import ConstraintSet
from ..exceptions import InvalidModelFile
from ..metrics._encoding import OTHER_LABEL, DistanceEncoding
from ..networks import output_range
from ..persistence._validators import column_label, short_repr
from ..preprocessing import TabularEncoder
from ..preprocessing._columns import family_of, from_tagged
from ..preprocessing._scaling import AffineScaling
from ..privacy._mechanisms import check_epsilon
from ._arrays import FLOAT_DTYPES, scaling_from_plain, scaling_to_plain
from ._conditioned import ConditionPlan, search_rows
from ._interface import DataCodec, check_networks_see_rows, network_sizes
from ._private_scores import private_score_encoding

#: Rows encoded at a time when only a summary of the encoded rows is needed.
_CHUNK = 65536
#: The largest count of training rows a model file may hold (exact in float64, far beyond any table).
_MAX_COUNT = 2**53


def is_table(X):
    """Whether ``X`` needs the tabular encoding.

    A DataFrame does when a column is not float or has missing values; an
    array when it holds text (an array of numbers, even of dtype object, is
    numeric data, and other objects are an error of the numeric checks).
    """
    if is_frame(X):
        return any(str(dtype) not in FLOAT_DTYPES for dtype in X.dtypes) or bool(X.isna().to_numpy().any())
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


def validated_table(estimator, X, y, reset, min_rows=2):
    """A table (a DataFrame, or a 2-D array) of at least ``min_rows`` rows, and its labels checked.

    A table needs at least one column, distinct column names and cells that
    are single values (numbers, text, booleans or missing), each refused
    with a ValueError that names the column.
    """
    if sparse.issparse(X):
        raise TypeError("A tabular encoder needs a DataFrame or a dense array, got a sparse matrix.")
    if is_frame(X):
        _check_frame_columns(X)
    else:
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"Expected a 2-D table of rows, got an array of shape {X.shape}.")
    if X.shape[1] == 0:
        raise ValueError("Found a table with no columns; GANSampler needs at least one column.")
    X = validate_data(estimator, X, skip_check_array=True, reset=reset)
    if len(X) < min_rows:
        raise ValueError(
            f"Found a table with {len(X)} row(s) while a minimum of {min_rows} is required by GANSampler."
        )
    if y is not None:
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
    return X, y


def _check_frame_columns(X):
    """Distinct column names, and object columns of single values (not lists, dicts or arrays)."""
    from pandas.api.types import is_scalar

    labels = list(X.columns)
    repeated = sorted(str(label) for label, count in Counter(labels).items() if count > 1)
    if repeated:
        raise ValueError(f"The table repeats the column name(s) {repeated}; give each column its own name.")
    for label in labels:
        column = X[label]
        if str(column.dtype) != "object":
            continue
        for value in column.to_numpy():
            if not is_scalar(value):
                raise ValueError(
                    f"Column {label!r} holds {type(value).__name__} values such as {value!r}; a table's cells "
                    "must be single numbers, text, booleans or missing values (split or encode such a column)."
                )


class TableCodec(DataCodec):
    """A mixed table (see the module docstring).

    Unfitted, ``encoder`` is the ``encoder`` parameter (``"auto"`` or a
    TabularEncoder to clone); fitted,
    ``encoder`` is the fitted TabularEncoder and ``score_encoding`` the
    score space. ``condition_columns`` are the discrete columns the
    generator was conditioned on (empty when it was not, e.g. a fit with
    ``y``), with the training rows' count of each category in
    ``frequencies``.
    """

    def __init__(self, encoder="auto", score_encoding=None, condition_columns=None, frequencies=None, scaling=None,
                 constraints=None):
        self.encoder = encoder
        self.constraints = constraints
        self.score_encoding = score_encoding
        self.condition_columns = [] if condition_columns is None else condition_columns
        self.frequencies = [] if frequencies is None else frequencies
        self.scaling = scaling

    def check_fit_rows(self, estimator, X, y, reset):
        X, y = validated_table(estimator, X, y, reset)
        if y is not None:
            check_classification_targets(y)
        return X, y

    def fit(self, X_train, labelled, seed, verbose=0, X_seen=None, epsilon=None, delta=None):
        """Fit a fresh encoder (seeded with ``seed`` unless it has a ``random_state``) and the score encoding.

        The encoder learns the training rows; the score encoding all the rows
        given to fit (``X_seen``), so that none of them is unknown to
        ``score``. Returns the training rows in the networks' columns (float32, the one
        copy training needs, encoded in chunks); without labels the fit
        conditions on every discrete column. ``verbose``: the default
        encoder's progress.

        With ``epsilon`` (a private fit): the encoder is fitted with
        ``TabularEncoder(epsilon=epsilon)`` on the training rows alone, and
        the score encoding and the condition frequencies follow from its
        statistics (:func:`~skgan._codecs._private_scores.private_score_encoding`,
        its ``noisy_counts_``); the whole fit is ``epsilon``-DP. Constraints
        and an encoder that is not a TabularEncoder are a ValueError.
        """
        if epsilon is not None:
            return self._fit_private(X_train, labelled, seed, verbose, check_epsilon(epsilon), delta)
        if self.constraints is not None:  # checked on every row given to fit
            self.constraints = ConstraintSet(self.constraints).fit(X_train if X_seen is None else X_seen)
        self.encoder = self._fresh_encoder(seed, verbose).fit(self._encoded_columns(X_train))
        self.score_encoding = DistanceEncoding()
        self.score_encoding.fit(self._score_frame(X_train if X_seen is None else X_seen))
        model_rows = self.model_rows(X_train)
        if not labelled:
            self.condition_on(model_rows)
        return model_rows

    def _fit_private(self, X_train, labelled, seed, verbose, epsilon, delta=None):
        if self.constraints is not None:
            raise ValueError(
                "A private fit (epsilon) cannot use constraints: fitting them reads the training rows without "
                "differential privacy (every row is checked against them, and whether each can be transformed "
                "exactly). Fit without constraints, or without privacy."
            )
        if not isinstance(self.encoder, (str, TabularEncoder)):
            raise ValueError(
                f"A private fit (epsilon) needs skgan's TabularEncoder: the encoder {short_repr(self.encoder)} "
                "learns from the real rows without differential privacy."
            )
        self.encoder = self._fresh_encoder(seed, verbose).set_params(epsilon=epsilon, delta=delta).fit(X_train)
        self.score_encoding = private_score_encoding(self, X_train)
        model_rows = self.model_rows(X_train)
        if not labelled:
            self.condition_on(model_rows)
        return model_rows

    def _fresh_encoder(self, seed, verbose):
        if isinstance(self.encoder, str):
            return TabularEncoder(verbose=verbose, random_state=seed)
        encoder = clone(self.encoder)
        if "random_state" in encoder.get_params() and encoder.get_params()["random_state"] is None:
            encoder.set_params(random_state=seed)
        return encoder

    def network_sizes(self, settings, n_classes):
        """The encoder's columns and layout, and the classes or else the condition vectors' width."""
        check_networks_see_rows(settings, "with a table")
        n_conditions = n_classes if n_classes is not None else self.condition_width
        return network_sizes(self.layout.n_columns, n_conditions, None, self.layout)

    def fit_output(self, generator, codes, X_train):
        if output_range(generator) not in ((-1.0, 1.0), None):
            raise ValueError(
                f"A table's continuous columns are encoded in [-1, 1]; the generator's output range "
                f"{output_range(generator)} must be (-1, 1) (a tanh output) or unbounded."
            )
        self.scaling = AffineScaling.identity(codes.shape[1])
        return codes

    def auto_settings(self, n_rows):
        return table_settings(n_rows)

    def check_rows(self, estimator, X):
        X = validated_table(estimator, X, None, reset=False, min_rows=1)[0]
        if not is_frame(X) and list(self.score_encoding.columns_) != list(range(X.shape[1])):
            raise ValueError(
                f"This GANSampler was fitted on a DataFrame with the columns {list(self.score_encoding.columns_)}; "
                f"score a DataFrame with those columns, not an array."
            )
        rows = self._score_frame(X)
        unknown = self.score_encoding.unrepresentable(rows)
        if not unknown:
            return self.score_encoding.transform(rows), None
        mask = np.logical_or.reduce([found for found, _ in unknown.values()])
        if estimator.handle_unknown == "error":
            column, (_, why) = next(iter(unknown.items()))
            n_unknown = int(mask.sum())
            raise ValueError(
                f"{n_unknown} of the {len(mask)} rows {'holds a value' if n_unknown == 1 else 'hold values'} "
                f"this GANSampler cannot represent (density zero under the model): column {column!r} holds "
                f"{why}. Drop those rows, or set handle_unknown='-inf' to score them as -inf."
            )
        return self.score_encoding.transform(take_rows(rows, ~mask)), mask

    def generate(self, draw, n_samples, seed, labels=None, conditions=None):
        """The rows, generated and decoded a chunk at a time: memory beyond the returned rows stays bounded.

        ``conditions`` (a dict or a DataFrame of partial rows, read by
        :class:`~skgan._codecs._conditioned.ConditionPlan`) are met by
        construction on discrete columns and by search on the others.
        """
        plan = None if conditions is None and self.constraints is None else ConditionPlan(self, conditions,
                                                                                           n_samples)
        vectors, fixed = self.sampling_conditions(n_samples, seed, plan)
        with fit_random(seed):  # the generator's categorical draws
            if plan is not None and plan.searches:
                found = search_rows(plan, draw, labels if vectors is None else vectors, fixed, seed, self.fix)
                if plan.rejects:  # the rows as checked on the table: decoded once
                    import pandas as pd

                    tables = [table for _, _, table in found]
                    return plan.finish(pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0],
                                       checked=True)
                chunks = ((start, rows) for start, rows, _ in found)
            else:
                chunks = draw(labels if vectors is None else vectors, chunks=True)
            if not hasattr(self.encoder, "_decode_columns"):  # the user's own encoder: all rows at once
                frame = self.decode(np.concatenate([rows.copy() for _, rows in chunks]), fixed)
                return frame if plan is None else plan.finish(frame)
            pieces = []
            for start, rows in chunks:
                self.fix(rows, fixed, slice(start, start + len(rows)))
                pieces.append(self.encoder._decode_columns(rows))
        columns = []
        for j in range(len(pieces[0]) if pieces else 0):  # a column at a time: memory of one more column
            parts = [decoded[j] for decoded in pieces]
            for decoded in pieces:
                decoded[j] = None
            columns.append(parts[0] if len(parts) == 1 else _concatenate(parts))
        frame = self.encoder._assemble(columns, n_samples)
        return frame if plan is None else plan.finish(frame)

    def category_counts(self, column):
        """The training rows' count of each value of a condition column (None for another column)."""
        if column not in self.condition_columns:
            return None
        return self.frequencies[self.condition_columns.index(column)]

    def condition_on(self, model_rows):
        """Condition on every discrete column, with its category frequencies in ``model_rows`` (the training rows).

        A private encoder's (one with ``noisy_counts_``) frequencies are its
        noisy counts, rounded (each at least 1): ``model_rows`` are not read.
        """
        self.condition_columns = list(self.encoder.discrete_columns())
        noisy = getattr(self.encoder, "noisy_counts_", None)
        if noisy is not None:
            self.frequencies = [np.maximum(np.rint(noisy[column]), 1).astype(np.int64)
                                for column in self.condition_columns]
            return self
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

    def _encoded_columns(self, X):
        """``X`` in the columns the encoder sees: the constraints' transform of the table's columns."""
        return X if self.constraints is None else self.constraints.transform(X)

    def model_rows(self, X, dtype=np.float32):
        """Rows in the networks' columns, encoded a chunk at a time into one array of ``dtype``."""
        X = self._encoded_columns(X)
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
        """A DataFrame of an array's columns, numbers where the encoder saw numbers (text arrays are tables too).

        A DataFrame's dates and times become numbers: their ``int64`` counts
        of the fitted unit (periods: ordinals) as float64, NaN for ``NaT``,
        so that scores treat them as continuous columns.
        """
        if is_frame(X):
            return self._dates_as_numbers(X)
        import pandas as pd

        X = np.asarray(X)
        kinds = self.encoder.column_kinds_
        return pd.DataFrame({
            i: X[:, i].astype(np.float64) if kinds[i] in ("continuous", "integer") else X[:, i].astype(object)
            for i in range(X.shape[1])
        })

    def _dates_as_numbers(self, X):
        temporal = [(label, ctype) for label, ctype in self.column_types().items()
                    if getattr(ctype, "temporal", False) and label in X.columns]
        if not temporal:
            return X
        X = X.copy(deep=False)
        for label, ctype in temporal:
            ints, missing = ctype.integers(X[label], label)
            numbers = ints.astype(np.float64)
            numbers[missing] = np.nan
            X[label] = numbers
        return X

    def column_types(self):
        """The ``ColumnType`` of each column of the table (before the constraints' transform), by label."""
        fitted = zip(getattr(self.encoder, "_labels", []), getattr(self.encoder, "_columns", []), strict=True)
        types = {label: column.ctype for label, column in fitted}
        if self.constraints is not None:
            transformed = set(self.constraints.transformed_columns)
            for constraint in self.constraints.constraints_:
                types.update({label: ctype for label, ctype in constraint.types_.items() if label in transformed})
        return types

    def score_span(self, X):
        """The largest range of a column of ``X`` in the score space, encoding at most a chunk at a time."""
        low = high = None
        for start in range(0, len(X), _CHUNK):
            rows = self.score_rows(take_rows(X, slice(start, start + _CHUNK)))
            low = rows.min(0) if low is None else np.minimum(low, rows.min(0))
            high = rows.max(0) if high is None else np.maximum(high, rows.max(0))
        return float(np.max(high - low))

    def sampling_conditions(self, n_samples, seed, plan=None):
        """``(vectors, fixed)`` for ``n_samples`` generated rows.

        ``vectors`` are the networks' condition vectors (None when they take
        none): for each row, one of the condition columns the ``plan`` (a
        :class:`~skgan._codecs._conditioned.ConditionPlan`) fixes in that
        row, uniformly, with the row's value; in a row where it fixes none,
        one condition column uniformly and one of its categories with its
        training frequency. ``fixed`` maps discrete columns to the model
        column of each row's value (-1 where free), so that each row
        satisfies the plan's discrete conditions by construction.
        """
        rng = np.random.RandomState(seed)
        fixed = {} if plan is None else plan.fixed_positions(rng)
        if not self.condition_columns:  # e.g. a fit with y: the networks take its classes
            return None, fixed
        blocks = self.condition_blocks
        offsets = np.concatenate([[0], np.cumsum([w for _, w in blocks])[:-1]])
        keys = np.empty(n_samples, dtype=np.int64)
        fixed_columns = [j for j, column in enumerate(self.condition_columns) if column in fixed]
        given = np.zeros((n_samples, len(blocks)), dtype=bool)
        for j in fixed_columns:
            given[:, j] = fixed[self.condition_columns[j]][1] >= 0
        if fixed_columns and given[:, fixed_columns].all():  # every row fixes every such column
            chosen = np.asarray(fixed_columns)[rng.randint(len(fixed_columns), size=n_samples)]
            free = np.zeros(n_samples, dtype=bool)
        elif given.any():  # partial rows: a fixed column of each row that has one
            chosen = np.where(given.any(1), np.argmax(given * rng.random_sample(given.shape), axis=1), -1)
            free = chosen < 0
            chosen[free] = rng.randint(len(blocks), size=int(free.sum()))
        else:
            chosen = rng.randint(len(blocks), size=n_samples)
            free = np.ones(n_samples, dtype=bool)
        for j in fixed_columns:
            rows = ~free & (chosen == j)
            keys[rows] = offsets[j] + fixed[self.condition_columns[j]][1][rows] - blocks[j][0]
        for j, frequency in enumerate(self.frequencies):
            rows = free & (chosen == j)
            p = frequency / frequency.sum()
            keys[rows] = offsets[j] + rng.choice(len(frequency), size=int(rows.sum()), p=p)
        return OneHotRows(keys, self.condition_width), fixed

    def decode(self, model_rows, fixed=None):
        """Generated rows as the table's rows, each satisfying the conditions in ``fixed``."""
        self.fix(model_rows, fixed, slice(0, len(model_rows)))
        return self.encoder.inverse_transform(model_rows)

    @staticmethod
    def fix(model_rows, fixed, rows):
        """Set the conditioned categories of ``model_rows``, the generated rows ``rows`` (a slice or indices), in place.

        A row whose value is -1 (free in a partial row) is left as generated.
        """
        for (start, stop), index in (fixed or {}).values():
            wanted = index[rows]
            hit = np.flatnonzero(wanted >= 0)
            model_rows[hit, start:stop] = 0.0
            model_rows[hit, wanted[hit]] = 1.0

    # ---- model files ------------------------------------------------------

    def to_plain(self):
        encoding = self.score_encoding
        columns = encoding.columns_
        table = {
            "encoder": self.encoder.to_plain(),
            "score_encoding": {
                "is_frame": bool(encoding.is_frame_),
                "columns": [column_label(c) for c in columns],
                "categorical": [bool(encoding.categorical_[c]) for c in columns],
                "center": [float(encoding.center_.get(c, 0.0)) for c in columns],
                "scale": [float(encoding.scale_.get(c, 1.0)) for c in columns],
                "has_missing": [bool(encoding.has_missing_.get(c, False)) for c in columns],
                "categories": [[str(v) for v in encoding.categories_.get(c, [])] for c in columns],
            },
            "condition_columns": [column_label(c) for c in self.condition_columns],
            "frequencies": [[int(v) for v in counts] for counts in self.frequencies],
        }
        if self.constraints is not None:  # files of fits without constraints keep their keys
            table["constraints"] = self.constraints.to_plain()
        return {"scaling": scaling_to_plain(self.scaling), "table": table}

    @classmethod
    def from_plain(cls, plain_state, n_features):
        values = plain_state["table"]
        keys = {"encoder", "score_encoding", "condition_columns", "frequencies"}
        if not isinstance(values, dict) or set(values) - {"constraints"} != keys:
            raise InvalidModelFile("its table description is not a dict of the expected keys")
        try:
            encoder = TabularEncoder.from_plain(values["encoder"])
        except ValueError as exc:
            raise InvalidModelFile(f"its tabular encoder is invalid: {exc}") from None
        table = cls(encoder, score_encoding=_score_encoding(values["score_encoding"]))
        if "constraints" in values:
            table.constraints = ConstraintSet.from_plain(values["constraints"], "constraints")
        n_columns = encoder.n_features_in_ if table.constraints is None else len(table.constraints.columns_)
        if n_columns != n_features:
            raise InvalidModelFile(f"its table is not of the {n_features} columns of n_features_in_")
        if table.constraints is not None:
            given = table.constraints.output_columns
            if list(encoder.column_kinds_) != given:
                raise InvalidModelFile(f"its tabular encoder's columns {short_repr(list(encoder.column_kinds_))} "
                                       f"are not those its constraints give, {short_repr(given)}")
        _check_score_encoding(table.score_encoding, encoder, values["encoder"], table.constraints)
        columns, frequencies = values["condition_columns"], values["frequencies"]
        discrete = list(encoder.discrete_columns())
        if not (isinstance(columns, list) and isinstance(frequencies, list) and len(columns) == len(frequencies)
                and all(c in discrete for c in columns)):
            raise InvalidModelFile("its condition columns are not discrete columns of its encoder")
        table.condition_columns = list(columns)
        table.frequencies = []
        for (_, width), counts in zip(table.condition_blocks, frequencies, strict=True):
            if not (isinstance(counts, list) and len(counts) == width
                    and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= _MAX_COUNT for v in counts)
                    and 0 < sum(counts) <= _MAX_COUNT):
                raise InvalidModelFile("its category frequencies are not counts, one per category")
            table.frequencies.append(np.asarray(counts, dtype=np.int64))
        table.scaling = scaling_from_plain(plain_state["scaling"], table.layout.n_columns)
        return table


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


class OneHotRows:
    """Condition vectors made a slice of rows at a time: ``rows[a:b]`` is float32 one-hot of ``keys[a:b]``.

    Examples
    --------
    >>> import numpy as np
    >>> OneHotRows(np.array([2, 0, 1]), width=3)[1:3]
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """

    def __init__(self, keys, width):
        self.keys, self.width = keys, width

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, rows):
        keys = self.keys[rows]
        vectors = np.zeros((len(keys), self.width), dtype=np.float32)
        vectors[np.arange(len(keys)), keys] = 1.0
        return vectors


def _concatenate(parts):
    """One column's values from its chunks: numpy arrays, pandas Categoricals or extension arrays."""
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return type(parts[0])._concat_same_type(parts)


#: The dtype families whose columns the score encoding takes as numbers in a DataFrame (the others as categories).
_NUMBER_FAMILIES = ("float", "int", "Int", "Float", "datetime", "timedelta", "period")


def _check_score_encoding(encoding, encoder, encoder_values, constraints=None):
    """An InvalidModelFile unless the score encoding describes the encoder's columns, as fit writes them.

    Fit learns the encoder from the training rows and the score encoding
    from all the rows given to it (the held-out ones too), so the score
    encoding has the encoder's columns in their order; it takes a column as
    categories where :meth:`TableCodec._score_frame` gives it categories (a
    DataFrame's column whose dtype is not a number, an array's discrete or
    constant column); a categorical column's categories are distinct and
    include the labels of all the encoder's values (``str``,
    ``"<missing>"`` for missing values; in the rows' order, not the
    encoder's), and may add those of values only the held-out rows had; a
    numeric column has missing values where the encoder's has.
    ``encoder_values``: the encoder's plain values, already checked by
    ``TabularEncoder.from_plain``. With ``constraints`` (a fitted
    ConstraintSet) the score encoding has the table's columns, and those
    the constraints transform are checked against their own dtypes only.
    """
    labels = list(encoder.column_kinds_) if constraints is None else constraints.columns_
    if encoding.columns_ != labels or not encoding.is_frame_:
        raise InvalidModelFile(
            f"its score encoding's columns {short_repr(encoding.columns_)} are not its table's columns "
            f"{short_repr(labels)}"
        )
    transformed = set() if constraints is None else set(constraints.transformed_columns)
    for constraint in [] if constraints is None else constraints.constraints_:
        for label, ctype in constraint.types_.items():
            if label in transformed and encoding.categorical_[label] != (ctype.family not in _NUMBER_FAMILIES):
                raise InvalidModelFile(f"its score encoding takes column {label!r} of dtype {ctype.name} as "
                                       f"{'categories' if encoding.categorical_[label] else 'numbers'}, which fit "
                                       "never does")
    frame = encoder_values["output"] == "frame"
    for label, column in zip(list(encoder.column_kinds_), encoder_values["columns"], strict=True):
        if label in transformed:
            continue
        family = family_of(column["dtype"]["name"])
        discrete = column["kind"] in ("discrete", "constant")
        numbers = family in _NUMBER_FAMILIES
        if encoding.categorical_[label] != (not numbers if frame else discrete):
            raise InvalidModelFile(
                f"its score encoding takes the {column['kind']} column {label!r} of dtype {column['dtype']['name']} "
                f"as {'categories' if encoding.categorical_[label] else 'numbers'}, which fit never does"
            )
        if not encoding.categorical_[label]:
            if column["missing"] and not encoding.has_missing_[label]:
                raise InvalidModelFile(f"its score encoding has no missing values in column {label!r}, which has some")
            continue
        key = _number_label if numbers else str  # an array's numbers keep their own labels: 1 and 1.0 are two
        expected = {key(from_tagged(item, label)) for item in column["values"]} | ({"<missing>"} if column["missing"]
                                                                                  else set())
        stored = encoding.categories_[label]
        grouped = bool(stored) and stored[-1] == OTHER_LABEL  # a column of many values: its last category is the rest
        if len(set(stored)) != len(stored) or not (grouped or expected <= {key(category) for category in stored}):
            raise InvalidModelFile(
                f"its score encoding's categories {short_repr(stored)} of column {label!r} are not distinct labels "
                f"that include those of the {len(expected)} values of its tabular encoder's column"
            )


def _number_label(value):
    """A category label of a numeric column as its number (an array's ``1`` and ``1.0`` are one value)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value
