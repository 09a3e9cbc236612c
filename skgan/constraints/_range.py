"""``Range``: a column's values lie in a closed interval.

A float column bounded on both sides is modelled through the logit of its
position in ``[low, high]`` (squeezed into [0.025, 0.975], as SDV's
ScalarRange does, so that the bounds themselves stay finite); bounded on
one side, through the ``log1p`` of its distance to the bound. Decoding
clips to the interval in the column's own dtype, so every decoded value
lies in it. Integer, date and duration columns keep their exact values:
the table encoder already returns them within their observed range, and
the codec rejects any row outside the interval.
"""

import math

import numpy as np

from ..preprocessing._columns import ColumnType
from ._constraint import Constraint, check_label, group_of, is_number, values_of

_SQUEEZE = 0.025
_UNITS = ("s", "ms", "us", "ns")


def integer_bound(value, rounding):
    """An exact integer bound: ``value`` rounded up (a low bound) or down (a high bound) to a whole number."""
    if isinstance(value, (int, np.integer)):
        return int(value)
    return rounding(value)


def in_integer_range(ints, storage, low, high):
    """Where exact integers ``ints`` (of ``storage``) lie in ``[low, high]`` (Python ints or None): no overflow."""
    info = np.iinfo(storage)
    inside = np.ones(len(ints), dtype=bool)
    if low is not None:
        if low > info.max:
            inside[:] = False
        elif low > info.min:
            inside &= ints >= storage.type(low)
    if high is not None:
        if high < info.min:
            inside[:] = False
        elif high < info.max:
            inside &= ints <= storage.type(high)
    return inside


def _in_unit(count, unit, column_unit, rounding):
    """A count of ``unit`` as a count of ``column_unit``, rounded by ``rounding`` (exact Python integers)."""
    shift = 3 * (_UNITS.index(column_unit) - _UNITS.index(unit))
    if shift >= 0:
        return count * 10**shift
    step = 10**-shift
    return -((-count) // step) if rounding is math.ceil else count // step


def temporal_bound(owner, name, value, ctype, rounding):
    """A date or duration bound as an exact count of the column's unit (Python int)."""
    import datetime

    import pandas as pd

    dates = ctype.family == "datetime"
    kind, parse = ("date", pd.Timestamp) if dates else ("duration", pd.Timedelta)
    other = (np.timedelta64, datetime.timedelta) if dates else (np.datetime64, datetime.datetime, pd.Timestamp)
    if is_number(value) or isinstance(value, other):
        example = "a pandas Timestamp or a string" if dates else "a pandas Timedelta or a string such as '2 days'"
        raise TypeError(f"{owner}: {name} must be a {kind} ({example}) for the {kind} column {ctype.dtype}, "
                        f"got {value!r}.")
    try:
        point = parse(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{owner}: {name}={value!r} is not a {kind}: {error}") from None
    if point is pd.NaT:
        raise ValueError(f"{owner}: {name} must be a {kind}, got NaT.")
    if dates and ctype.tz is not None and point.tz is None:
        point = point.tz_localize(ctype.tz)
    elif dates and ctype.tz is None and point.tz is not None:
        raise ValueError(f"{owner}: {name}={value!r} has a timezone, but the column's dates have none.")
    count = int(point.asm8.view("int64"))
    return _in_unit(count, point.unit, ctype.unit, rounding)


class Range(Constraint):
    """The values of a column lie in the closed interval ``[low, high]``.

    Parameters
    ----------
    column : str or int
        The column's label: numbers (float or integer, numpy or nullable),
        dates (``datetime64``, with or without a timezone) or durations
        (``timedelta64``).
    low, high : number, str, pandas.Timestamp or pandas.Timedelta, default=None
        The bounds, both included; either may be None (no bound on that
        side), not both. For a date column a Timestamp or a string that
        :class:`pandas.Timestamp` reads (a date without a timezone is read
        in the column's timezone), for a duration column a Timedelta or a
        string such as ``"2 days"``. Integer columns are compared exactly,
        never through float64.

    Notes
    -----
    A missing value obeys the constraint. A float column bounded on both
    sides is met by construction (a logit of its position in the interval),
    bounded on one side by a ``log1p`` of its distance to the bound; integer,
    date and duration columns by rejection.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.constraints import Range
    >>> rows = pd.DataFrame({"age": [17, 40, 130], "when": pd.to_datetime(["2020-01-01", "2021-06-01", "1999-01-01"])})
    >>> Range("age", low=18, high=120).is_valid(rows).tolist()
    [False, True, False]
    >>> Range("when", low="2000-01-01").is_valid(rows).tolist()
    [True, True, False]
    """

    def __init__(self, column, low=None, high=None):
        self.column = column
        self.low = low
        self.high = high

    def _read_columns(self):
        return [self.column]

    def _check_params(self):
        owner = repr(self)
        check_label(owner, "column", self.column)
        if self.low is None and self.high is None:
            raise ValueError(f"{owner} needs a low or a high bound (or both).")
        for name, value in (("low", self.low), ("high", self.high)):
            if is_number(value) and not math.isfinite(value):
                raise ValueError(f"{owner}: {name} must be finite, got {value!r}.")
        if is_number(self.low) and is_number(self.high) and self.low > self.high:
            raise ValueError(f"{owner}: low={self.low!r} is above high={self.high!r}.")

    def _prepare(self, types):
        owner, ctype = repr(self), types[self.column]
        group = group_of(ctype)
        if group not in ("float", "int", "datetime", "timedelta"):
            raise TypeError(f"{owner} needs a column of numbers, dates or durations; column {self.column!r} has "
                            f"dtype {ctype.dtype}.")
        bounds = []
        for name, value, rounding in (("low", self.low, math.ceil), ("high", self.high, math.floor)):
            if value is None:
                bounds.append(None)
            elif group in ("datetime", "timedelta"):
                bounds.append(temporal_bound(owner, name, value, ctype, rounding))
            elif not is_number(value):
                raise TypeError(f"{owner}: {name} must be a number for the numeric column {self.column!r}, got "
                                f"{value!r}.")
            else:
                bounds.append(integer_bound(value, rounding) if group == "int" else float(value))
        low, high = bounds
        if low is not None and high is not None and low > high:
            raise ValueError(f"{owner}: no value of column {self.column!r} (dtype {ctype.dtype}) lies between "
                             f"low={self.low!r} and high={self.high!r}.")
        mode = "none"
        if group == "float":
            mode = "logit" if low is not None and high is not None and low < high else (
                "above" if high is None else "below" if low is None else "none")
        return {"low": low, "high": high, "mode": mode, "group": group}

    def _valid(self, frame, spec):
        column = frame[self.column]
        ctype = ColumnType.of(column, self.column)
        values, missing = values_of(ctype, column, self.column)
        low, high = spec["low"], spec["high"]
        if ctype.integral:
            inside = in_integer_range(values, values.dtype, low, high)
        else:
            inside = np.ones(len(values), dtype=bool)
            with np.errstate(invalid="ignore"):
                if low is not None:
                    inside &= values >= low
                if high is not None:
                    inside &= values <= high
        return missing | inside

    # -- the transform ------------------------------------------------------------------------------------------

    def _exact(self, frame):
        return self.spec_["mode"] != "none"

    def _changed(self):
        return (self.column,)

    def _transform(self, frame):
        spec, ctype = self.spec_, self.types_[self.column]
        x, _ = values_of(ctype, frame[self.column], self.column)
        low, high = spec["low"], spec["high"]
        with np.errstate(divide="ignore", invalid="ignore"):
            if spec["mode"] == "logit":
                position = (x / 2 - low / 2) / (high / 2 - low / 2)
                squeezed = _SQUEEZE + (1 - 2 * _SQUEEZE) * np.clip(position, 0.0, 1.0)
                z = np.log(squeezed) - np.log1p(-squeezed)
            elif spec["mode"] == "above":
                z = np.log1p(np.maximum(x - low, 0.0))
            else:
                z = np.log1p(np.maximum(high - x, 0.0))
        out = frame.copy(deep=False)
        out[self.column] = z
        return out

    def _inverse(self, frame):
        spec, ctype = self.spec_, self.types_[self.column]
        z = np.asarray(frame[self.column], dtype=np.float64)
        low, high = spec["low"], spec["high"]
        with np.errstate(over="ignore", invalid="ignore"):
            if spec["mode"] == "logit":
                squeezed = 0.5 * (1.0 + np.tanh(z / 2))
                position = np.clip((squeezed - _SQUEEZE) / (1 - 2 * _SQUEEZE), 0.0, 1.0)
                x = (1 - position) * low + position * high
            elif spec["mode"] == "above":
                x = low + np.maximum(np.expm1(z), 0.0)
            else:
                x = high - np.maximum(np.expm1(z), 0.0)
        out = frame.copy(deep=False)
        out[self.column] = ctype.from_numbers(clip_in_dtype(x, low, high, ctype))
        return out

    def _params_to_plain(self):
        return {"column": self.column, "low": self.low, "high": self.high}


def clip_in_dtype(x, low, high, ctype):
    """``x`` clipped to ``[low, high]`` so that it stays there once stored in the float dtype of ``ctype``."""
    dtype = np.dtype(ctype.name.lower())
    largest = float(np.finfo(dtype).max)
    x = np.clip(np.asarray(x, dtype=np.float64), -largest, largest)  # finite, as a table's float column must be
    if low is not None:
        x = np.maximum(x, representable(low, dtype, above=True))
    if high is not None:
        x = np.minimum(x, representable(high, dtype, above=False))
    return x


def representable(bound, dtype, above):
    """The value of ``dtype`` nearest ``bound`` on its inside (at or above a low bound, at or below a high one)."""
    value = dtype.type(bound)
    if above and float(value) < bound:
        value = np.nextafter(value, dtype.type(np.inf))
    elif not above and float(value) > bound:
        value = np.nextafter(value, dtype.type(-np.inf))
    return float(value)
