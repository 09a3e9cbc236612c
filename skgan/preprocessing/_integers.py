"""Exact integers: a column's whole numbers read without float64, offsets from its minimum, and back.

Integer columns (``int64``, ``uint64``, the nullable ``Int64`` and the other
widths) and the columns of dates and times (their ``int64`` counts of a
unit, see :mod:`skgan.preprocessing._temporal`) are read as numpy integers
of one of two storage dtypes, ``uint64`` for a ``uint64`` column and
``int64`` for every other one, with a missing mask. float64 holds whole
numbers exactly only up to 2**53: 2**60 + 1 and 2**60 + 3 are one float, and
2**64 - 1 is none. So a discrete column compares and returns its values as
these integers, bit for bit, and a continuous one models each value as its
offset from the column's minimum (a float, as exact as the column's range
allows) and turns decoded offsets back into integers with integer
arithmetic, clipped to the observed range.
"""

import numpy as np

_TWO_63 = 2.0**63
#: The largest float64 below 2**64: the most a decoded offset can be before it is made an integer.
_BELOW_TWO_64 = float(np.nextafter(2.0**64, 0.0))


def storage_dtype(name):
    """The numpy dtype that holds the integers of a column of dtype ``name`` exactly: uint64 or int64."""
    return np.dtype(np.uint64) if name.lower() == "uint64" else np.dtype(np.int64)


def whole_numbers(numbers, storage, label):
    """Float64 ``numbers`` (NaN where missing) as integers of ``storage`` and the missing mask.

    For rows given in another dtype than the fitted one (floats in an
    integer column): a number that is not whole, or that the storage dtype
    cannot hold, is a ValueError naming the column.
    """
    missing = np.isnan(numbers)
    finite = numbers[~missing]
    info = np.iinfo(storage)
    bad = (finite != np.round(finite)) | (finite < info.min) | (finite >= 2.0 ** (info.bits - (info.min < 0)))
    if bad.any():
        raise ValueError(
            f"Column {label!r} must hold whole numbers that {storage} holds, as when the encoder was fitted; "
            f"got {finite[bad][0]!r}."
        )
    ints = np.zeros(len(numbers), dtype=storage)
    ints[~missing] = finite.astype(storage)
    return ints, missing


def as_unsigned(value):
    """A Python int of an int64 or uint64 column as the uint64 of its two's complement bits."""
    return np.uint64(value % 2**64)


def offsets(ints, low):
    """``ints - low`` as float64: exact where the difference is below 2**53, negative below ``low``.

    The difference is taken in uint64 arithmetic (exact for any two values
    of one int64 or uint64 column), then made a float.
    """
    ints = np.asarray(ints)
    bits = ints.view(np.uint64) if ints.dtype == np.int64 else ints.astype(np.uint64, copy=False)
    base = as_unsigned(low)
    below = ints < low
    out = (bits - base).astype(np.float64)
    if below.any():
        out[below] = -(base - bits[below]).astype(np.float64)
    return out


def from_offsets(values, low, high, storage):
    """Decoded float offsets from ``low`` as the integers ``low + round(value)`` of ``storage``, within [low, high].

    Rounded and clipped as floats to [0, high - low], then made uint64
    offsets and clipped again in integer arithmetic (``float(high - low)``
    may be above ``high - low``), then added to ``low`` modulo 2**64: no
    float64 rounding reaches the result, and every result is a value of
    the column's range.
    """
    span = high - low
    v = np.clip(np.rint(np.nan_to_num(values, nan=0.0)), 0.0, min(float(span), _BELOW_TWO_64))
    big = v >= _TWO_63
    u = np.empty(len(v), dtype=np.uint64)
    u[~big] = v[~big].astype(np.uint64)
    u[big] = (v[big] - _TWO_63).astype(np.uint64) + np.uint64(2**63)
    np.minimum(u, np.uint64(span), out=u)
    u += as_unsigned(low)  # wraps modulo 2**64: the bits of low + offset, which the range holds
    return u.view(np.int64) if storage == np.int64 else u


def nearest(grid, values, low):
    """Each decoded integer's nearest value of ``grid`` (sorted integers), compared as offsets from ``low``."""
    if grid.size == 1:
        return np.full(len(values), grid[0], dtype=grid.dtype)
    points, x = offsets(grid, low), offsets(values, low)
    above = np.searchsorted(points, x).clip(1, grid.size - 1)
    below = above - 1
    return np.where(np.abs(points[above] - x) < np.abs(x - points[below]), grid[above], grid[below])


def column_integers(ctype, column, label):
    """An integer column's values as integers of its storage dtype, exactly, and its missing mask.

    A numpy integer column or a nullable one (``Int64``...) is read without
    float64; rows of another dtype go through :func:`whole_numbers`.
    """
    storage = storage_dtype(ctype.name)
    dtype = getattr(column, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        values, missing = np.asarray(column), np.zeros(len(column), dtype=bool)
    elif hasattr(dtype, "numpy_dtype") and np.dtype(dtype.numpy_dtype).kind in "iu" and hasattr(column, "isna"):
        missing = np.asarray(column.isna(), dtype=bool)
        values = column.to_numpy(dtype=np.dtype(dtype.numpy_dtype), na_value=0)
    else:
        return whole_numbers(ctype.numbers(column, label), storage, label)
    negative = values.dtype.kind == "i" and values.min(initial=0) < 0
    huge = values.dtype == np.uint64 and values.max(initial=0) >= 2**63
    if (storage == np.uint64 and negative) or (storage == np.int64 and huge):  # refused by whole_numbers
        numbers = values.astype(np.float64)
        numbers[missing] = np.nan
        return whole_numbers(numbers, storage, label)
    return values.astype(storage), missing
