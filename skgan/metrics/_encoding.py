"""The encoding that distance-based metrics compare rows in: standardised numerics plus one-hot categories.

Tables (pandas DataFrames) may mix numeric, boolean and categorical (``category``,
``object``/string) columns with missing values; arrays are all numeric. The
encoding is fitted on the real rows and applied to every set compared with
them, so that all sets share one space:

- a numeric column is centred and scaled by the real rows' mean and standard
  deviation (a constant column by 1); a missing value becomes 0 (the mean)
  and, when the column has missing values in any set, a 0/1 indicator column
  records it;
- a boolean or categorical column becomes one 0/1 column per category seen
  in the real rows (missing values count as their own category); a category
  the real rows lack encodes as all zeros;
- a categorical column with more than :data:`MAX_CATEGORIES` categories in
  the real rows is grouped, so that its width stays bounded: its
  :data:`KEPT_CATEGORIES` most frequent categories seen at least twice (and
  missing values) keep a column each, and one more column, the category
  :data:`OTHER_LABEL` (listed last), holds every other value, a rare one or
  one the real rows lack. In a grouped column no value is unrepresentable.

Two rows that differ in one category are then ``sqrt(2)`` apart, as far as two
numeric values about 1.4 standard deviations apart.
"""

import math

import numpy as np

from .._frames import is_frame

#: The most categories a column keeps a column each for; past them it is grouped (see the module docstring).
MAX_CATEGORIES = 1000
#: The categories a grouped column keeps a column each for (its most frequent ones seen at least twice).
KEPT_CATEGORIES = 50
#: The last category of a grouped column: every value but the kept ones.
OTHER_LABEL = "<other values>"


def is_categorical(series):
    kind = getattr(series.dtype, "kind", "O")
    return kind in "bOSU" or str(series.dtype) in ("category", "string", "boolean")


class DistanceEncoding:
    """Fitted on the real rows; ``transform`` maps any set of rows with the same columns to float64.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics._encoding import DistanceEncoding
    >>> real = np.array([[0.0, 10.0], [2.0, 10.0]])
    >>> DistanceEncoding().fit(real).transform(np.array([[1.0, 12.0]]))
    array([[0., 2.]])
    """

    def __init__(self, standardize=True):
        self.standardize = standardize

    def fit(self, real, *others):
        """Learn the columns, centres, scales and categories from ``real`` (and missing-value columns from all)."""
        self.is_frame_ = is_frame(real)
        if self.is_frame_:
            self.columns_ = list(real.columns)
            self.categorical_ = {col: is_categorical(real[col]) for col in self.columns_}
            values = {col: real[col] for col in self.columns_}
        else:
            real = np.asarray(real, dtype=np.float64)
            if real.ndim != 2:
                raise ValueError(f"Rows must form a 2-D array, got shape {real.shape}.")
            self.columns_ = list(range(real.shape[1]))
            self.categorical_ = dict.fromkeys(self.columns_, False)
            values = {col: real[:, col] for col in self.columns_}
        self.center_, self.scale_, self.categories_, self.has_missing_ = {}, {}, {}, {}
        for col in self.columns_:
            column = values[col]
            if self.categorical_[col]:
                labels = category_labels(column)
                categories = list(dict.fromkeys(labels))
                self.categories_[col] = categories if len(categories) <= MAX_CATEGORIES else grouped(labels)
                continue
            numbers = np.asarray(column, dtype=np.float64)
            finite = numbers[~np.isnan(numbers)]
            _check_magnitude(finite, col, len(self.columns_))
            self.center_[col] = float(finite.mean()) if finite.size else 0.0
            scale = float(finite.std()) if finite.size and self.standardize else 0.0
            self.scale_[col] = scale if scale > 0 else 1.0
            self.has_missing_[col] = any(np.isnan(self._numbers(rows, col)).any() for rows in (real, *others))
        return self

    def _column(self, rows, col):
        if self.is_frame_:
            if not is_frame(rows) or col not in rows.columns:
                raise ValueError(f"All sets compared must be tables with the real rows' columns; {col!r} is missing.")
            return rows[col]
        rows = np.asarray(rows, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != len(self.columns_):
            raise ValueError(
                f"All sets compared must have the real rows' {len(self.columns_)} columns, got shape {rows.shape}."
            )
        return rows[:, col]

    def _numbers(self, rows, col):
        column = self._column(rows, col)
        try:
            return np.asarray(column, dtype=np.float64)
        except (TypeError, ValueError):
            text = _not_numbers(column)
            raise ValueError(
                f"Column {col!r} holds values that are not numbers (e.g. {text[0]!r}), but the real rows "
                "have numbers there."
            ) from None

    def transform(self, rows):
        """``rows`` in the encoded space, a float64 array with one row per row."""
        return self._encode(rows, raw=False)[0]

    def exact_parts(self, rows):
        """``(raw, scale)``: rows whose encoding is ``(raw - center) / scale`` column by column, before rounding.

        ``raw`` is a float64 array as wide as the encoding: a numeric column's
        values (a missing value as the column's centre), 0/1 for the one-hot
        and missing-value columns; ``scale`` is the numeric columns' scale and
        1 elsewhere. The exact squared distance of two rows is
        ``sum(((raw_a - raw_b) / scale)**2)`` in real numbers.
        """
        raw, scale = self._encode(rows, raw=True)
        return raw, scale

    def _encode(self, rows, raw):
        blocks, scales = [], []
        for col in self.columns_:
            if self.categorical_[col]:
                labels = category_labels(self._column(rows, col))
                categories = self.categories_[col]
                if categories and categories[-1] == OTHER_LABEL:  # grouped: the rest is the last column
                    index = {category: i for i, category in enumerate(categories[:-1])}
                    codes = np.fromiter((index.get(label, len(index)) for label in labels), np.intp, len(labels))
                    blocks.append(codes[:, None] == np.arange(len(categories)))
                else:
                    blocks.append(np.stack([labels == category for category in categories], axis=1))
                scales += [1.0] * len(categories)
                continue
            numbers = self._numbers(rows, col)
            if np.isinf(numbers).any():
                raise ValueError(f"Column {col!r} holds infinite values.")
            _check_magnitude(numbers, col, len(self.columns_))
            missing = np.isnan(numbers)
            if raw:
                blocks.append(np.where(missing, self.center_[col], numbers)[:, None])
            else:
                blocks.append(np.where(missing, 0.0, (numbers - self.center_[col]) / self.scale_[col])[:, None])
            scales.append(self.scale_[col])
            if self.has_missing_[col]:
                blocks.append(missing[:, None])
                scales.append(1.0)
        return np.ascontiguousarray(np.hstack([block.astype(np.float64) for block in blocks])), np.asarray(scales)

    def unrepresentable(self, rows):
        """The rows with a value the fitted rows had no place for: ``{column: (boolean mask, why)}``.

        Such a value is a category the real rows lack, a missing value in a
        numeric column that had none (a missing category is a category of its
        own), or a value that is not a number in a numeric column. ``why``
        describes the first such value of the column; columns without such
        rows are left out.
        """
        found = {}
        for col in self.columns_:
            column = self._column(rows, col)
            if self.categorical_[col]:
                if self.categories_[col] and self.categories_[col][-1] == OTHER_LABEL:
                    continue  # grouped: every value has a place
                known = set(self.categories_[col])
                labels = category_labels(column)
                mask = np.fromiter((label not in known for label in labels), bool, len(labels))
                if mask.any():
                    found[col] = mask, f"the category {np.asarray(column, dtype=object)[mask][0]!r}, unseen at fit"
                continue
            missing = _missing(column)
            text = np.isnan(_to_numbers(column)) & ~missing
            if text.any():
                found[col] = text, f"{np.asarray(column, dtype=object)[text][0]!r}, which is not a number"
            if not self.has_missing_[col] and missing.any():
                mask, why = found.get(col, (False, "a missing value, and the column had none at fit"))
                found[col] = mask | missing, why
        return found

    def get_feature_names_out(self):
        """Names of the encoded columns: ``col``, ``col__missing`` and ``col=category``."""
        names = []
        for col in self.columns_:
            if self.categorical_[col]:
                names.extend(f"{col}={category}" for category in self.categories_[col])
            else:
                names.append(str(col))
                if self.has_missing_[col]:
                    names.append(f"{col}__missing")
        return np.asarray(names, dtype=object)


def _missing(column):
    values = np.asarray(column, dtype=object)
    try:
        import pandas as pd

        return np.asarray(pd.isna(values), dtype=bool)
    except ImportError:  # arrays without pandas: None and NaN are missing
        return np.array([v is None or (isinstance(v, float) and v != v) for v in values], dtype=bool)


def _to_numbers(column):
    """A column as float64, NaN for each value that is missing or not a number."""
    try:
        return np.asarray(column, dtype=np.float64)
    except (TypeError, ValueError):
        import pandas as pd

        return pd.to_numeric(pd.Series(np.asarray(column, dtype=object)), errors="coerce").to_numpy(np.float64)


def _not_numbers(column):
    """The values of a column that are neither numbers nor missing."""
    values = np.asarray(column, dtype=object)
    return values[np.isnan(_to_numbers(values)) & ~_missing(values)]


def category_labels(column):
    """A column's values as an object array, missing values as one marker."""
    values = np.asarray(column, dtype=object)
    labels = values.astype(str).astype(object)
    labels[_missing(values)] = "<missing>"
    return labels


def grouped(labels):
    """The categories of a grouped column (see the module docstring), in the order of first appearance."""
    import pandas as pd

    counts = pd.Series(labels).value_counts(sort=False)  # first-appearance order
    names, numbers = counts.index.to_numpy(dtype=object), counts.to_numpy()
    missing = names == "<missing>"
    order = np.argsort(-numbers, kind="stable")
    often = order[(numbers[order] >= 2) & ~missing[order]][:KEPT_CATEGORIES]
    kept = np.union1d(often, np.flatnonzero(missing)).astype(np.intp)
    return [str(name) for name in names[kept]] + [OTHER_LABEL]


def temporal_numbers(column):
    """A date, time-delta or period column as float64 numbers (nanoseconds, UTC; a period's ordinal), NaN for NaT.

    None for a column of another dtype.
    """
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.PeriodDtype):
        ints = np.asarray(column.array.asi8)
    elif isinstance(dtype, pd.DatetimeTZDtype):
        ints = column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").view(np.int64)
    elif pd.api.types.is_datetime64_dtype(dtype):
        ints = column.to_numpy(dtype="datetime64[ns]").view(np.int64)
    elif pd.api.types.is_timedelta64_dtype(dtype):
        ints = column.to_numpy(dtype="timedelta64[ns]").view(np.int64)
    else:
        return None
    numbers = ints.astype(np.float64)
    numbers[np.asarray(column.isna())] = np.nan
    return numbers


def with_categories(*frames):
    """Tables whose text and categorical columns are ``category`` dtype with one set of categories across all.

    For estimators that read categories from the dtype
    (``HistGradientBoostingClassifier(categorical_features="from_dtype")``);
    dates, time deltas and periods become numbers (:func:`temporal_numbers`),
    boolean columns stay as they are, arrays pass through unchanged.
    """
    if not is_frame(frames[0]):
        return frames
    import pandas as pd

    frames = [frame.copy() for frame in frames]
    for col in frames[0].columns:
        numbers = [temporal_numbers(frame[col]) for frame in frames]
        if any(values is not None for values in numbers):
            if any(values is None for values in numbers):
                raise ValueError(f"Column {col!r} holds dates or times in one table and not in the other.")
            for frame, values in zip(frames, numbers, strict=True):
                frame[col] = values
        elif is_categorical(frames[0][col]) and str(frames[0][col].dtype) not in ("bool", "boolean"):
            labels = [frame[col].astype(str).where(frame[col].notna()) for frame in frames]
            categories = sorted(set().union(*(values.dropna() for values in labels)))
            for frame, values in zip(frames, labels, strict=True):
                frame[col] = pd.Categorical(values, categories=categories)
    return frames


def encode(real, *others, standardize=True):
    """``real`` and each of ``others`` in the one encoded space fitted on ``real`` (float64 arrays)."""
    encoding = DistanceEncoding(standardize=standardize).fit(real, *others)
    return tuple(encoding.transform(rows) for rows in (real, *others))


def _check_magnitude(numbers, col, n_columns):
    """Values whose squared differences, summed over the columns, overflow float64 are a ValueError."""
    finite = numbers[~np.isnan(numbers)]
    if finite.size:
        scale = float(np.max(np.abs(finite)))
        if not math.isfinite(16.0 * n_columns * scale * scale):
            raise ValueError(
                f"Column {col!r} holds values too large ({scale:.3g}) for squared distances in float64; "
                "rescale the data."
            )


def check_sets(sets):
    """Check the sets a metric compares (``{name: rows}``, the reference first); returns nothing.

    Sparse matrices are a TypeError; a mix of tables and arrays, arrays that
    are not 2-D or not as wide as the first, tables whose columns differ from
    the first's, and a column categorical in one table and numeric in another
    are a ValueError naming them.
    """
    import scipy.sparse

    names = list(sets)
    for name in names:
        if scipy.sparse.issparse(sets[name]):
            raise TypeError(f"{name} is a sparse matrix; the metrics need dense rows (e.g. {name}.toarray()).")
    frames = [is_frame(sets[name]) for name in names]
    if any(frames) and not all(frames):
        every = "both" if len(names) == 2 else "all"
        raise ValueError(f"{', '.join(names)} must {every} be DataFrames or {every} be arrays.")
    first = names[0]
    if not frames[0]:
        shapes = {name: np.shape(sets[name]) for name in names}
        for name in names:
            if len(shapes[name]) != 2:
                raise ValueError(f"{name} must be 2-D, got shape {shapes[name]}.")
            if shapes[name][1] != shapes[first][1]:
                raise ValueError(f"{name} has {shapes[name][1]} columns but {first} has {shapes[first][1]} columns; "
                                 "they must have the same number.")
        return
    columns = list(sets[first].columns)
    for name in names[1:]:
        other = list(sets[name].columns)
        missing = [c for c in columns if c not in set(other)]
        extra = [c for c in other if c not in set(columns)]
        if missing or extra or len(other) != len(columns):
            raise ValueError(f"{name} must have the same columns as {first}; it lacks {missing} and has {extra} "
                             f"that {first} lacks.")
        for col in columns:
            kinds = [is_categorical(sets[n][col]) for n in (first, name)]
            if kinds[0] != kinds[1]:
                what = ["categorical" if kind else "numeric" for kind in kinds]
                raise ValueError(
                    f"Column {col!r} is {what[0]} in {first} ({sets[first][col].dtype}) but {what[1]} in {name} "
                    f"({sets[name][col].dtype}); give it one kind in both (e.g. with .astype)."
                )
