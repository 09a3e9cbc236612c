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
  the real rows lack encodes as all zeros.

Two rows that differ in one category are then ``sqrt(2)`` apart, as far as two
numeric values about 1.4 standard deviations apart.
"""

import numpy as np

from .._frames import is_frame


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
                self.categories_[col] = list(dict.fromkeys(category_labels(column)))
                continue
            numbers = np.asarray(column, dtype=np.float64)
            finite = numbers[~np.isnan(numbers)]
            self.center_[col] = float(finite.mean()) if finite.size else 0.0
            scale = float(finite.std()) if finite.size else 0.0
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
        blocks = []
        for col in self.columns_:
            if self.categorical_[col]:
                labels = category_labels(self._column(rows, col))
                blocks.append(np.stack([labels == category for category in self.categories_[col]], axis=1))
                continue
            numbers = self._numbers(rows, col)
            if np.isinf(numbers).any():
                raise ValueError(f"Column {col!r} holds infinite values.")
            missing = np.isnan(numbers)
            blocks.append(np.where(missing, 0.0, (numbers - self.center_[col]) / self.scale_[col])[:, None])
            if self.has_missing_[col]:
                blocks.append(missing[:, None])
        return np.ascontiguousarray(np.hstack([block.astype(np.float64) for block in blocks]))

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


def with_categories(*frames):
    """Tables whose text and categorical columns are ``category`` dtype with one set of categories across all.

    For estimators that read categories from the dtype
    (``HistGradientBoostingClassifier(categorical_features="from_dtype")``);
    boolean columns stay as they are, arrays pass through unchanged.
    """
    if not is_frame(frames[0]):
        return frames
    import pandas as pd

    frames = [frame.copy() for frame in frames]
    for col in frames[0].columns:
        if is_categorical(frames[0][col]) and str(frames[0][col].dtype) not in ("bool", "boolean"):
            labels = [frame[col].astype(str).where(frame[col].notna()) for frame in frames]
            categories = sorted(set().union(*(values.dropna() for values in labels)))
            for frame, values in zip(frames, labels, strict=True):
                frame[col] = pd.Categorical(values, categories=categories)
    return frames


def encode(real, *others):
    """``real`` and each of ``others`` in the one encoded space fitted on ``real`` (float64 arrays)."""
    encoding = DistanceEncoding().fit(real, *others)
    return tuple(encoding.transform(rows) for rows in (real, *others))
