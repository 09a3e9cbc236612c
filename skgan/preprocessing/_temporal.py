"""Dates and times: ``datetime64`` (naive or timezone-aware), ``timedelta64`` and ``Period`` columns as integers.

A DataFrame's column of one of these dtypes is read as the ``int64`` numbers
pandas keeps it as (``asi8``): counts of its unit (``s``, ``ms``, ``us`` or
``ns``) since 1970-01-01 UTC for a date, of its unit for a duration, and the
period's ordinal for a ``Period``, with ``NaT`` as missing values. The
encoder models them as exact integers (:mod:`skgan.preprocessing._integers`)
and rebuilds the dtype from them: the same unit, the same timezone (the
values are UTC instants shown in it) and the same frequency.

In a model file the dtype is plain values, each checked when read: the
unit from :data:`UNITS`, the timezone as ``"UTC"``, a fixed offset
``"+HH:MM"`` or an IANA name that :mod:`zoneinfo` knows (never a path),
and the frequency as the text pandas writes for it (``"M"``, ``"Q-DEC"``),
read back only when pandas gives the same frequency for it.
"""

import datetime
import re

import numpy as np

from ..persistence._validators import check

#: The dtype names of dates and times in :data:`~skgan.preprocessing._columns.DTYPE_NAMES`.
TEMPORAL_NAMES = ("datetime64", "timedelta64", "period")
#: The units of pandas' datetime64 and timedelta64 columns.
UNITS = ("s", "ms", "us", "ns")
_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")
_FREQ = re.compile(r"\d{0,6}[A-Za-z]{1,8}(-[A-Za-z]{1,8})?")
_IANA_NAMES = None


def temporal_of(dtype, label, frame_column):
    """``(name, unit, tz, freq)`` of a date or time dtype (None where it has none), or None for another dtype."""
    kind = getattr(dtype, "kind", None)
    if kind not in ("M", "m") and type(dtype).__name__ != "PeriodDtype":
        return None
    if not frame_column:
        raise ValueError(
            f"Column {label!r} has dtype {dtype}: TabularEncoder encodes dates and times in a DataFrame's "
            "columns; pass the table as a DataFrame."
        )
    if type(dtype).__name__ == "PeriodDtype":
        return "period", None, None, str(dtype)[len("period["):-1]
    unit = dtype.unit if hasattr(dtype, "unit") else np.datetime_data(dtype)[0]
    if unit not in UNITS:  # pragma: no cover - pandas keeps these units only
        raise ValueError(f"Column {label!r} has dtype {dtype}, whose unit TabularEncoder does not encode.")
    if kind == "m":
        return "timedelta64", unit, None, None
    return "datetime64", unit, getattr(dtype, "tz", None), None


def temporal_dtype(name, unit, tz, freq):
    """The pandas or numpy dtype of a date or time column."""
    import pandas as pd

    if name == "period":
        return pd.PeriodDtype(freq)
    if name == "timedelta64":
        return np.dtype(f"timedelta64[{unit}]")
    return np.dtype(f"datetime64[{unit}]") if tz is None else pd.DatetimeTZDtype(unit=unit, tz=tz)


def temporal_integers(ctype, column, label):
    """The column's ``int64`` values (see the module docstring) and its missing mask.

    Rows of another unit, timezone or frequency are converted to the fitted
    one; anything else (text, numbers, a naive date in a timezone-aware
    column) is a ValueError naming the column.
    """
    import pandas as pd

    series = pd.Series(column, copy=False) if not isinstance(column, pd.Series) else column
    if series.dtype != ctype.dtype:
        try:
            if getattr(series.dtype, "kind", None) not in ("M", "m") and not isinstance(series.dtype, pd.PeriodDtype):
                raise TypeError(f"dtype {series.dtype}")
            series = series.astype(ctype.dtype)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"Column {label!r} must hold values of dtype {ctype.dtype}, as when the encoder was fitted: {error}"
            ) from None
    missing = series.isna().to_numpy()
    ints = np.array(series.array.asi8, dtype=np.int64)
    ints[missing] = 0
    return ints, missing


def temporal_from_integers(ctype, ints, missing):
    """Decoded ``int64`` values (any where ``missing``) as an array of the column's dtype, ``NaT`` where missing."""
    import pandas as pd

    ints = np.array(ints, dtype=np.int64)
    ints[missing] = np.iinfo(np.int64).min  # NaT
    if ctype.name == "period":
        return pd.arrays.PeriodArray(ints, dtype=ctype.dtype)
    if ctype.name == "timedelta64":
        return pd.array(ints.view(f"timedelta64[{ctype.unit}]"))
    values = ints.view(f"datetime64[{ctype.unit}]")
    if ctype.tz is None:
        return pd.array(values)
    return pd.DatetimeIndex(values).tz_localize("UTC").tz_convert(ctype.tz).array


# -- plain values -----------------------------------------------------------------------------------------------------


def tz_to_plain(tz, where):
    """A timezone's name for a model file: ``"UTC"``, ``"+HH:MM"`` or an IANA name; any other is a ValueError."""
    if tz is None:
        return None
    name = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if isinstance(name, str) and name in _iana_names():
        return name
    if isinstance(tz, datetime.timezone):
        minutes = int(tz.utcoffset(None).total_seconds()) // 60
        if minutes == 0:
            return "UTC"
        sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
        return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    if str(tz) == "UTC":
        return "UTC"
    raise ValueError(
        f"{where}: the timezone {tz!r} cannot be saved; TabularEncoder.to_plain saves UTC, fixed offsets and IANA "
        "timezones (zoneinfo.ZoneInfo('Europe/Paris')): convert the column with tz_convert."
    )


def tz_from_plain(value, where):
    """The timezone a model file names (see :func:`tz_to_plain`), checked: no other name is looked up."""
    if value is None:
        return None
    check(isinstance(value, str) and len(value) <= 64, where, f"must be a timezone name, got {value!r}")
    if value == "UTC":
        return datetime.timezone.utc
    offset = _OFFSET.fullmatch(value)
    if offset:
        sign, hours, minutes = offset.groups()
        check(int(hours) < 24 and int(minutes) < 60, where, f"is not a UTC offset: {value!r}")
        delta = datetime.timedelta(hours=int(hours), minutes=int(minutes))
        return datetime.timezone(-delta if sign == "-" else delta)
    check(value in _iana_names(), where, f"is not a timezone this system knows: {value!r}")
    import zoneinfo

    return zoneinfo.ZoneInfo(value)


def freq_from_plain(value, where):
    """A period frequency from a model file: pandas' text for it, checked to read back as itself."""
    import pandas as pd

    check(isinstance(value, str) and _FREQ.fullmatch(value) is not None, where,
          f"must be a period frequency such as 'D' or 'Q-DEC', got {value!r}")
    try:
        same = str(pd.PeriodDtype(value)) == f"period[{value}]"
    except (TypeError, ValueError):
        same = False
    check(same, where, f"is not a period frequency pandas reads back as itself: {value!r}")
    return value


def _iana_names():
    global _IANA_NAMES
    if _IANA_NAMES is None:
        import zoneinfo

        _IANA_NAMES = frozenset(zoneinfo.available_timezones())
    return _IANA_NAMES
