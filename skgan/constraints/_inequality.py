"""``Inequality``: one column's value is at most (or below) another's in every row.

The transform replaces the high column by the difference ``high - low``,
which cannot be negative, and the inverse adds it back (as SDV's Inequality
does):

- integers of one dtype: the exact difference as ``uint64`` (``UInt64`` for
  nullable columns), never through float64; the inverse caps it so that
  ``low + difference`` stays within the dtype;
- dates of one unit (any timezones) or durations of one unit: the
  difference as a ``timedelta64`` of that unit, exact;
- floats (and a float high column over an integer low one): ``log1p`` of the
  difference; the inverse's ``expm1`` is clipped at 0 and the value is
  stored at or above ``low`` in the high column's dtype.

``strict=True`` takes one step off the difference (integers, dates) before
it is modelled and adds it back, or moves a float to the next value above
``low``. Other pairs (integers of two dtypes, periods, dates of two units)
are met by rejection only.
"""

import numpy as np

from ..preprocessing._columns import ColumnType
from ._constraint import Constraint, check_label, group_of, values_of

_INT64_MAX = np.iinfo(np.int64).max
_EXACT_FLOAT = 2.0**53


def as_bits(ints):
    """Exact integers (int64 or uint64) as the uint64 of their two's complement bits."""
    return ints.view(np.uint64) if ints.dtype == np.int64 else ints.astype(np.uint64, copy=False)


def ordered(low, high, strict):
    """``low < high`` (``strict``) or ``low <= high``, exactly, for float64 or exact integer arrays."""
    mixed = (low.dtype.kind == "f") != (high.dtype.kind == "f")
    if mixed:
        ints = high if low.dtype.kind == "f" else low
        if ints.size and np.abs(ints.astype(np.float64)).max() > _EXACT_FLOAT:  # compare as Python numbers
            low, high = low.astype(object), high.astype(object)
    with np.errstate(invalid="ignore"):
        result = low < high if strict else low <= high
    return np.asarray(result, dtype=bool)


def read_steps(column, label):
    """A column of decoded differences as non-negative uint64 counts and a missing mask (any dtype accepted)."""
    ctype = ColumnType.of(column, label)
    values, missing = values_of(ctype, column, label)
    if values.dtype.kind == "f":
        values = np.clip(np.rint(np.nan_to_num(values, nan=0.0)), 0.0, float(_INT64_MAX))
        return values.astype(np.int64).astype(np.uint64), missing
    if values.dtype == np.int64:
        values = np.maximum(values, 0)
    return values.astype(np.uint64), missing


class Inequality(Constraint):
    """A column's value is at most another column's value in every row: ``low_column <= high_column``.

    Parameters
    ----------
    low_column, high_column : str or int
        The labels of two columns of numbers (integers compared exactly),
        of dates (both with a timezone or both without) or of durations.
    strict : bool, default=False
        Whether the values must differ: ``low_column < high_column``.

    Notes
    -----
    A row with a missing value in either column obeys the constraint. It is
    met by construction (the high column is modelled as its non-negative
    difference to the low one) when the two columns are floats, integers of
    one dtype, or dates or durations of one unit, and the training rows
    never have a high value without a low one; by rejection otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.constraints import Inequality
    >>> rows = pd.DataFrame({"start": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
    ...                      "end": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-02-20"])})
    >>> Inequality("start", "end").is_valid(rows).tolist()
    [True, True, False]
    >>> Inequality("start", "end", strict=True).is_valid(rows).tolist()
    [True, False, False]
    """

    def __init__(self, low_column, high_column, strict=False):
        self.low_column = low_column
        self.high_column = high_column
        self.strict = strict

    def _read_columns(self):
        return [self.low_column, self.high_column]

    def _check_params(self):
        owner = repr(self)
        check_label(owner, "low_column", self.low_column)
        check_label(owner, "high_column", self.high_column)
        if self.low_column == self.high_column:
            raise ValueError(f"{owner}: low_column and high_column must be two columns, got {self.low_column!r} "
                             "twice.")
        if not isinstance(self.strict, (bool, np.bool_)):
            raise TypeError(f"{owner}: strict must be True or False, got {self.strict!r}.")

    def _prepare(self, types):
        owner = repr(self)
        low, high = types[self.low_column], types[self.high_column]
        groups = group_of(low), group_of(high)
        numeric = set(groups) <= {"float", "int"}
        if not numeric and groups[0] != groups[1] or groups[0] not in ("float", "int", "datetime", "timedelta",
                                                                         "period"):
            raise TypeError(
                f"{owner} compares two columns of numbers, of dates or of durations; column {self.low_column!r} "
                f"has dtype {low.dtype} and column {self.high_column!r} has dtype {high.dtype}."
            )
        if groups[0] == "datetime" and (low.tz is None) != (high.tz is None):
            raise TypeError(f"{owner}: one column's dates have a timezone and the other's do not; convert them "
                            "first.")
        if groups[0] == "period" and low.freq != high.freq:
            raise TypeError(f"{owner}: the period columns have two frequencies, {low.freq} and {high.freq}.")
        if groups[1] == "float":
            mode = "float"
        elif groups == ("int", "int") and low.name == high.name:
            mode = "integer"
        elif groups[0] in ("datetime", "timedelta") and low.unit == high.unit:
            mode = "temporal"
        else:
            mode = "none"
        return {"mode": mode, "groups": groups}

    def _valid(self, frame, spec):
        low_col, high_col = frame[self.low_column], frame[self.high_column]
        if spec["groups"][0] in ("datetime", "timedelta", "period"):
            missing = np.asarray(low_col.isna() | high_col.isna(), dtype=bool)
            result = low_col < high_col if self.strict else low_col <= high_col
            return missing | np.asarray(result, dtype=bool)
        low, low_missing = values_of(ColumnType.of(low_col, self.low_column), low_col, self.low_column)
        high, high_missing = values_of(ColumnType.of(high_col, self.high_column), high_col, self.high_column)
        return low_missing | high_missing | ordered(low, high, self.strict)

    # -- the transform ------------------------------------------------------------------------------------------

    def _read(self, frame, label):
        return values_of(self.types_[label], frame[label], label)

    def _exact(self, frame):
        mode = self.spec_["mode"]
        if mode == "none":
            return False
        low, low_missing = self._read(frame, self.low_column)
        high, high_missing = self._read(frame, self.high_column)
        if (low_missing & ~high_missing).any():  # a high value without a low one: the difference cannot hold it
            return False
        if mode == "temporal":
            both = ~(low_missing | high_missing)
            steps = as_bits(high[both]) - as_bits(low[both])
            return bool((steps <= np.uint64(_INT64_MAX)).all())
        return True

    def _changed(self):
        return (self.high_column,)

    def _transform(self, frame):
        mode, strict = self.spec_["mode"], bool(self.strict)
        low, low_missing = self._read(frame, self.low_column)
        high, high_missing = self._read(frame, self.high_column)
        missing = low_missing | high_missing
        if mode == "float":
            with np.errstate(invalid="ignore"):
                steps = np.log1p(np.maximum(high - low.astype(np.float64), 0.0))
            steps[missing] = np.nan
        else:
            steps = as_bits(high) - as_bits(low) - np.uint64(strict)
            steps[missing] = 0
            steps = self._steps_column(steps, missing)
        out = frame.copy(deep=False)
        out[self.high_column] = steps
        return out

    def _steps_column(self, steps, missing):
        """The exact differences as a column: timedelta64 for dates, uint64 or UInt64 for integers."""
        import pandas as pd

        if self.spec_["mode"] == "temporal":
            values = steps.view(np.int64).copy()
            values[missing] = np.iinfo(np.int64).min  # NaT
            return values.view(f"timedelta64[{self.types_[self.high_column].unit}]")
        if self.types_[self.high_column].family == "int":
            return steps
        return pd.arrays.IntegerArray(steps, missing.copy())

    def _inverse(self, frame):
        mode, strict = self.spec_["mode"], bool(self.strict)
        high_type = self.types_[self.high_column]
        low, low_missing = self._read(frame, self.low_column)
        out = frame.copy(deep=False)
        if mode == "float":
            with np.errstate(over="ignore", invalid="ignore"):
                steps = np.maximum(np.expm1(np.asarray(frame[self.high_column], dtype=np.float64)), 0.0)
                high = low.astype(np.float64) + steps
            out[self.high_column] = high_type.from_numbers(at_least(high, low, high_type, strict))
            return out
        steps, steps_missing = read_steps(frame[self.high_column], self.high_column)
        top = np.uint64(_INT64_MAX if high_type.temporal else np.iinfo(high_type.name.lower()).max)
        room = top - as_bits(low)  # the most that low can grow within the high column's dtype, exact
        if strict:  # low at the dtype's top has no value above it: the row stays invalid, for rejection
            impossible = room == 0
            limit = np.where(impossible, np.uint64(0), room - np.uint64(1))
        else:
            impossible, limit = np.zeros(len(room), dtype=bool), room
        grown = np.minimum(steps, limit) + (strict & ~impossible).astype(np.uint64)
        high = as_bits(low) + grown
        high = high.view(np.int64) if high_type.storage == np.int64 else high
        missing = low_missing | steps_missing
        out[self.high_column] = high_type.from_integers(high, missing)
        return out

    def _params_to_plain(self):
        return {"low_column": self.low_column, "high_column": self.high_column, "strict": bool(self.strict)}


def at_least(high, low, ctype, strict):
    """Float64 ``high`` moved up, where needed, to the first value of the high column's dtype at or above
    ``low`` (strictly above with ``strict``): stored in that dtype it keeps the order."""
    dtype = np.dtype(ctype.name.lower())
    largest = float(np.finfo(dtype).max)
    stored = np.clip(high, -largest, largest).astype(dtype)  # finite, as a table's float column must be
    with np.errstate(invalid="ignore"):
        bad = (stored <= low) if strict else (stored < low)
    if bad.any():
        floor = low[bad].astype(dtype)
        with np.errstate(invalid="ignore"):
            below = (floor <= low[bad]) if strict else (floor < low[bad])
        floor[below] = np.nextafter(floor[below], dtype.type(np.inf))
        stored[bad] = floor
    return stored.astype(np.float64)
