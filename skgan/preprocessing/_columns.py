"""The per-column encoders of ``TabularEncoder``: column types, kinds, and the fitted column objects.

A column's :class:`ColumnType` is its dtype, from a fixed allow-list of names
(with the categories of a ``category`` dtype): it reads the column as numbers
(float64, NaN for missing) or as objects with a missing mask, and turns decoded
values back into that dtype.

A fitted column is one of:

- :class:`DiscreteColumn`: one-hot over the observed values (missing values are
  the last one); with a single value it is constant and takes no model column;
- :class:`ContinuousColumn`: mode-specific normalisation (Xu et al. 2019,
  CTGAN): a scalar ``alpha = (x - mu_k) / (4 sigma_k)`` clipped to [-1, 1],
  then the one-hot of the mode ``k`` (and of "missing"), the modes fitted by
  :func:`fit_modes` on a subsample.

Every fitted column converts to plain values (``to_plain``) and back
(``from_plain``, which checks everything it reads).
"""

import math
from numbers import Real

import numpy as np

from .._frames import is_frame
from ..persistence._validators import check, check_bool, check_keys, check_list
from ._integers import column_integers, storage_dtype
from ._layout import OutputBlock
from ._temporal import (
    TEMPORAL_NAMES,
    UNITS,
    freq_from_plain,
    temporal_dtype,
    temporal_from_integers,
    temporal_integers,
    temporal_of,
    tz_from_plain,
    tz_to_plain,
)

NUMPY_DTYPES = (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "bool", "object",
)
PANDAS_DTYPES = (
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
    "Float32", "Float64", "boolean", "category", "str", "string",
)
#: The dtype names a TabularEncoder encodes and ``from_plain`` accepts; nothing else is ever turned into a dtype.
DTYPE_NAMES = NUMPY_DTYPES + PANDAS_DTYPES + TEMPORAL_NAMES
NUMERIC = ("float", "int", "bool", "Int", "Float", "boolean")
#: The families read as exact integers (:mod:`skgan.preprocessing._integers`): integers, dates and times.
INTEGRAL = ("int", "Int", "datetime", "timedelta", "period")
KINDS = ("continuous", "integer", "discrete", "constant")
MISSING_MARKERS = ("none", "nan", "na")  # what an object column's missing values come back as: None, NaN, pd.NA
_TAGS = {"bool": bool, "int": int, "float": float, "str": str, "none": type(None)}


def family_of(name):
    """The family of a dtype name: float, int, bool, object (numpy); Int, Float, boolean, category, string (pandas).

    And datetime, timedelta, period for dates and times.
    """
    if name in ("bool", "object", "boolean", "category", "period"):
        return name
    if name in ("datetime64", "timedelta64"):
        return name[:-2]
    if name in ("str", "string"):
        return "string"
    if name.startswith(("Int", "UInt")):
        return "Int"
    if name.startswith("Float"):
        return "Float"
    return "float" if name.startswith("float") else "int"


def missing_mask(objects):
    """Where an object array holds None, NaN or ``pd.NA``."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - arrays without pandas
        return np.fromiter((v is None or (isinstance(v, float) and v != v) for v in objects), bool, len(objects))
    return np.asarray(pd.isna(objects), dtype=bool)


def value_key(value):
    """A value as the Python object it is stored as: numpy scalars become Python ones."""
    return value.item() if isinstance(value, np.generic) else value


def is_missing_value(value):
    """A scalar None, NaN, ``pd.NA`` or ``pd.NaT``."""
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return True
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    result = pd.isna(value)
    return isinstance(result, (bool, np.bool_)) and bool(result)


def is_number(value):
    """A real number that is not a boolean (what an object array's numeric column holds)."""
    return isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))


# -- plain values -----------------------------------------------------------------------------------------------------


def to_tagged(value, where):
    """``[tag, value]`` for a str, int, float, bool or None value; any other type is a ValueError."""
    value = value_key(value)
    for tag, kind in _TAGS.items():
        if isinstance(value, kind):
            return [tag, value]
    raise ValueError(
        f"{where}: the value {value!r} ({type(value).__name__}) is not a plain value; "
        "TabularEncoder.to_plain saves str, int, float, bool and None values only."
    )


def from_tagged(item, where):
    """The value of a ``[tag, value]`` pair, checked."""
    check(isinstance(item, (list, tuple)) and len(item) == 2 and item[0] in _TAGS, where,
          f"must be a [tag, value] pair with a tag in {sorted(_TAGS)}, got {item!r}")
    tag, value = item
    if tag == "float" and type(value) is int:  # a whole float written as an int (JSON)
        value = float(value)
    check(type(value) is _TAGS[tag], where, f"holds {value!r}, which is not of its tag {tag!r}")
    return value


def check_fits_dtype(values, ctype, where):
    """Every number of ``values`` is one that a column of ``ctype`` holds: an InvalidModelFile otherwise.

    Integers within the range of an integer dtype (a ``uint8`` column cannot
    hold 2007, which it would decode as 215), finite values of a float dtype
    (a ``float16`` column cannot hold 1e6, which it would decode as inf);
    text only in a string column.
    """
    family = ctype.family
    if family in INTEGRAL:
        info = np.iinfo(ctype.name.lower() if family in ("int", "Int") else "int64")
        low = info.min + (family not in ("int", "Int"))  # the int64 minimum is NaT
        bad = [v for v in values if not low <= v <= info.max]
    elif family in ("float", "Float"):
        largest = float(np.finfo(ctype.name.lower()).max)
        bad = [v for v in values if not -largest <= v <= largest]
    elif family == "string":
        bad = [v for v in values if not isinstance(v, str)]
    else:
        return
    if bad:
        check(False, where, f"holds {bad[0]!r}, which a column of dtype {ctype.name} cannot hold")


def unique_values(items, where):
    values = [from_tagged(item, f"{where}[{i}]") for i, item in enumerate(check_list(items, where))]
    check(len(set(values)) == len(values), where, "must not repeat a value")
    check(all(not (isinstance(v, float) and math.isnan(v)) for v in values), where, "must not hold NaN")
    return values


# -- column types -----------------------------------------------------------------------------------------------------


class ColumnType:
    """A column's dtype, from :data:`DTYPE_NAMES`: how the column is read and how decoded values come back."""

    def __init__(self, name, *, categories=None, ordered=False, missing="nan", dtype=None, unit=None, tz=None,
                 freq=None):
        self.name = name
        self.family = family_of(name)
        self.categories = categories
        self.ordered = ordered
        self.missing = missing
        self.unit, self.tz, self.freq = unit, tz, freq
        self._dtype = dtype

    @property
    def numeric(self):
        return self.family in NUMERIC

    @property
    def integral(self):
        """Whether the column is read as exact integers: an integer dtype, or dates and times."""
        return self.family in INTEGRAL

    @property
    def temporal(self):
        return self.name in TEMPORAL_NAMES

    @property
    def storage(self):
        """The numpy dtype of its exact integers (:func:`~skgan.preprocessing._integers.storage_dtype`)."""
        return storage_dtype(self.name)

    def integers(self, column, label):
        """The column's exact integers (storage dtype) and missing mask; only for an integral column."""
        if self.temporal:
            return temporal_integers(self, column, label)
        return column_integers(self, column, label)

    def from_integers(self, ints, missing=None):
        """Decoded exact integers (any value where ``missing``) in this dtype."""
        if self.temporal:
            return temporal_from_integers(self, ints, np.zeros(len(ints), bool) if missing is None else missing)
        if self.name in NUMPY_DTYPES:
            return np.asarray(ints).astype(self.dtype)
        import pandas as pd

        mask = np.zeros(len(ints), bool) if missing is None else np.asarray(missing, dtype=bool)
        return pd.arrays.IntegerArray(np.asarray(ints).astype(self.dtype.numpy_dtype), mask)

    @classmethod
    def of(cls, column, label):
        """The type of a frame's column (a Series) or of an array's column (a 1-D array)."""
        dtype = column.dtype
        temporal = temporal_of(dtype, label, is_frame_column(column))
        if temporal is not None:
            name, unit, tz, freq = temporal
            return cls(name, dtype=dtype, unit=unit, tz=tz, freq=freq)
        if isinstance(dtype, np.dtype):
            name = "object" if dtype.kind in "OUS" else dtype.name
            if name == "object" and not is_frame_column(column):
                # an object array's column of numbers (and missing values) is a float column
                objects = np.asarray(column, dtype=object)
                values = objects[~missing_mask(objects)]
                if values.size and all(is_number(v) for v in values):
                    return cls("float64")
            dtype = None if name == "object" else dtype
        else:
            name = str(dtype)
        if name.startswith("complex"):
            raise ValueError(f"Column {label!r} has dtype {name}: Complex data not supported by TabularEncoder.")
        if name not in DTYPE_NAMES:
            raise ValueError(
                f"Column {label!r} has dtype {name}, which TabularEncoder does not encode; it encodes numbers, "
                "booleans, categories and text: convert the column to one of them first."
            )
        if name == "category":
            categories = [value_key(c) for c in dtype.categories]
            return cls(name, categories=categories, ordered=bool(dtype.ordered), dtype=dtype)
        if name == "object":
            objects = np.asarray(column, dtype=object)
            missing = objects[missing_mask(objects)]
            marker = "nan" if not missing.size else "none" if missing[0] is None else "nan"
            if missing.size and type(missing[0]).__name__ == "NAType":
                marker = "na"
            return cls(name, missing=marker)
        return cls(name, dtype=dtype)

    @property
    def dtype(self):
        """The numpy or pandas dtype."""
        if self._dtype is None:
            if self.temporal:
                self._dtype = temporal_dtype(self.name, self.unit, self.tz, self.freq)
            elif self.name in NUMPY_DTYPES:
                self._dtype = np.dtype(self.name)
            else:
                import pandas as pd

                if self.family == "category":
                    self._dtype = pd.CategoricalDtype(self.categories, ordered=self.ordered)
                else:
                    self._dtype = pd.api.types.pandas_dtype(self.name)
                    if isinstance(self._dtype, np.dtype):  # "str" before pandas 3
                        self._dtype = pd.StringDtype()
        return self._dtype

    @property
    def missing_value(self):
        if self.missing == "na":
            import pandas as pd

            return pd.NA
        return None if self.missing == "none" else math.nan

    def numbers(self, column, label):
        """The column as float64 numbers, NaN where missing; infinite values and text are a ValueError."""
        try:
            if is_frame_column(column):
                numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
            elif column.dtype == object:
                missing = missing_mask(column)
                numbers = np.full(len(column), np.nan)
                numbers[~missing] = column[~missing].astype(np.float64)
            else:
                numbers = np.asarray(column, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"Column {label!r} must hold numbers, as when the encoder was fitted: {error}") from None
        if np.isinf(numbers).any():
            raise ValueError(f"Column {label!r} holds infinite values; TabularEncoder encodes finite and missing ones.")
        return numbers

    def from_numbers(self, numbers):
        """Decoded float64 numbers (NaN for missing) in this dtype."""
        if self.name in NUMPY_DTYPES:
            return numbers.astype(self.dtype)
        import pandas as pd

        return pd.array(numbers, dtype=self.dtype)

    def from_objects(self, objects):
        """Decoded values (an object array, missing values as this type's marker) in this dtype."""
        if self.family == "object":
            return objects
        import pandas as pd

        return pd.array(objects, dtype=self.dtype)

    def to_plain(self):
        plain = {"name": self.name}
        if self.family == "category":
            plain["categories"] = [to_tagged(c, "a category") for c in self.categories]
            plain["ordered"] = self.ordered
        if self.family == "object":
            plain["missing"] = self.missing
        if self.unit is not None:
            plain["unit"] = self.unit
        if self.family == "datetime":
            plain["tz"] = tz_to_plain(self.tz, f"The dtype {self.dtype}")
        if self.family == "period":
            plain["freq"] = self.freq
        return plain

    @classmethod
    def from_plain(cls, plain, where):
        check(isinstance(plain, dict) and plain.get("name") in DTYPE_NAMES, f"{where}['name']",
              f"must be one of {list(DTYPE_NAMES)}, got {plain.get('name') if isinstance(plain, dict) else plain!r}")
        name = plain["name"]
        if name == "category":
            check_keys(plain, ("name", "categories", "ordered"), where)
            categories = unique_values(plain["categories"], f"{where}['categories']")
            check(None not in categories, f"{where}['categories']", "must not hold None")
            return cls(name, categories=categories, ordered=check_bool(plain["ordered"], f"{where}['ordered']"))
        if name == "object":
            check_keys(plain, ("name", "missing"), where)
            check(plain["missing"] in MISSING_MARKERS, f"{where}['missing']", f"must be one of {list(MISSING_MARKERS)}")
            return cls(name, missing=plain["missing"])
        if name in TEMPORAL_NAMES:
            return cls._temporal_from_plain(plain, where)
        check_keys(plain, ("name",), where)
        return cls(name)

    @classmethod
    def _temporal_from_plain(cls, plain, where):
        name = plain["name"]
        if name == "period":
            check_keys(plain, ("name", "freq"), where)
            return cls(name, freq=freq_from_plain(plain["freq"], f"{where}['freq']"))
        check_keys(plain, ("name", "unit") + ("tz",) * (name == "datetime64"), where)
        check(plain["unit"] in UNITS, f"{where}['unit']", f"must be one of {list(UNITS)}, got {plain['unit']!r}")
        tz = tz_from_plain(plain["tz"], f"{where}['tz']") if name == "datetime64" else None
        return cls(name, unit=plain["unit"], tz=tz)


def is_frame_column(column):
    return hasattr(column, "to_numpy") and hasattr(column, "dtype") and not isinstance(column, np.ndarray)


# -- discrete columns -------------------------------------------------------------------------------------------------


class DiscreteColumn:
    """One-hot over the observed values in a stable order, missing values last; one value: constant, no column.

    ``fallback`` (a private fit's, see :mod:`skgan.preprocessing._private_columns`):
    the value index (``len(values)``: missing) that a value not kept, or a
    missing value where missing values have no entry, is encoded as; None:
    such values are a ValueError.
    """

    def __init__(self, ctype, values, has_missing, fallback=None):
        self.ctype = ctype
        self.values = list(values)
        self.has_missing = bool(has_missing)
        self.fallback = fallback
        n_categories = len(self.values) + self.has_missing
        self.kind = "discrete" if n_categories >= 2 else "constant"
        self.width = n_categories if n_categories >= 2 else 0
        self._index = {value: i for i, value in enumerate(self.values)}
        self._sorted = (np.asarray(self.values, dtype=ctype.storage) if ctype.integral
                        else np.asarray(self.values, dtype=np.float64) if ctype.numeric else None)

    @classmethod
    def fit(cls, ctype, column, label, numbers=None):
        """The values observed in ``column`` (``numbers``: its numbers, or exact integers and mask, when read)."""
        if ctype.integral:
            ints, missing = ctype.integers(column, label) if numbers is None else numbers
            return cls(ctype, [int(v) for v in np.unique(ints[~missing])], missing.any())
        if ctype.numeric:
            numbers = ctype.numbers(column, label) if numbers is None else numbers
            missing = np.isnan(numbers)
            convert = {"int": int, "Int": int, "bool": bool, "boolean": bool}.get(ctype.family, float)
            return cls(ctype, [convert(v) for v in np.unique(numbers[~missing])], missing.any())
        if ctype.family == "category" and hasattr(column, "cat"):
            codes = column.cat.codes.to_numpy()
            observed = np.unique(codes[codes >= 0])
            return cls(ctype, [ctype.categories[i] for i in observed], (codes < 0).any())
        objects = np.asarray(column, dtype=object)
        missing = missing_mask(objects)
        values = list(dict.fromkeys(value_key(v) for v in objects[~missing]))
        try:
            values = sorted(values)
        except TypeError:  # not sortable (mixed types): first-appearance order
            pass
        return cls(ctype, values, missing.any())

    def codes(self, column, label):
        """The row's value indices (missing: ``len(values)``); a value not seen at fit is a ValueError."""
        n_values = len(self.values)
        if self.ctype.numeric or self.ctype.integral:
            if self.ctype.integral:
                numbers, missing = self.ctype.integers(column, label)
            else:
                numbers = self.ctype.numbers(column, label)
                missing = np.isnan(numbers)
            if n_values:
                codes = np.minimum(np.searchsorted(self._sorted, numbers), n_values - 1)
                unknown = ~missing & (self._sorted[codes] != numbers)
            else:
                codes, unknown = np.zeros(len(numbers), dtype=np.intp), ~missing
        elif self.ctype.family == "category" and hasattr(column, "cat"):
            lookup = np.array([self._index.get(value_key(c), -1) for c in column.cat.categories] + [-1], dtype=np.intp)
            raw = column.cat.codes.to_numpy()
            missing, codes = raw < 0, lookup[raw]
            unknown = ~missing & (codes < 0)
        else:
            values = np.asarray(column, dtype=object)
            missing = missing_mask(values)
            codes = np.fromiter((self._lookup(v) for v in values), dtype=np.intp, count=len(values))
            unknown = ~missing & (codes < 0)
        if unknown.any() and self.fallback is None:
            value = value_key(np.asarray(column, dtype=object)[np.flatnonzero(unknown)[0]])
            raise ValueError(
                f"Column {label!r} has the value {value!r}, which it did not have when the encoder was fitted "
                f"(it was fitted on {self.fitted_values()}); TabularEncoder encodes rows like its training rows."
            )
        if missing.any() and not self.has_missing and self.fallback is None:
            raise ValueError(f"Column {label!r} has missing values, which it did not have when the encoder was fitted.")
        if missing.any():
            codes[missing] = n_values if self.has_missing else self.fallback
        if unknown.any():
            codes[unknown] = self.fallback
        return codes

    def _lookup(self, value):
        try:
            return self._index.get(value, -1)
        except TypeError:  # unhashable
            return -1

    def fitted_values(self):
        """The observed values, missing (``None``) last."""
        return self.values + [None] * self.has_missing

    def encode(self, column, label, out):
        codes = self.codes(column, label)
        if self.width:
            out[np.arange(len(codes)), codes] = 1.0

    def decode(self, block, n_rows):
        """The values of the rows of ``block`` (argmax per row), in the column's dtype."""
        return self.from_codes(np.argmax(block, axis=1) if self.width else np.zeros(n_rows, dtype=np.intp))

    def from_codes(self, codes):
        """The values of value indices ``codes`` (``len(values)``: missing), in the column's dtype."""
        ctype = self.ctype
        if ctype.integral:
            return ctype.from_integers(np.append(self._sorted, np.zeros(1, self._sorted.dtype))[codes],
                                       codes == len(self.values))
        if ctype.numeric:
            return ctype.from_numbers(np.append(np.asarray(self.values, dtype=np.float64), np.nan)[codes])
        if ctype.family == "category":
            import pandas as pd

            position = {value: i for i, value in enumerate(ctype.categories)}
            table = np.array([position[v] for v in self.values] + [-1], dtype=np.intp)
            return pd.Categorical.from_codes(table[codes], dtype=ctype.dtype)
        table = np.empty(len(self.values) + 1, dtype=object)
        table[:-1] = self.values
        table[-1] = ctype.missing_value
        return ctype.from_objects(table[codes])

    def blocks(self, start, name):
        return [OutputBlock("categorical", start, start + self.width, name=name)] if self.width else []

    def feature_names(self, name):
        if not self.width:
            return []
        return [f"{name}_{value}" for value in self.values] + [f"{name}_nan"] * self.has_missing

    def positions(self, start):
        """Each value's model column, missing as ``None``."""
        return {value: start + i for i, value in enumerate(self.fitted_values())}

    def to_plain(self, where):
        plain = {"kind": self.kind, "values": [to_tagged(v, where) for v in self.values], "missing": self.has_missing}
        if self.fallback is not None:  # a private fit's (files of exact fits keep their keys)
            plain["fallback"] = int(self.fallback)
        return plain

    @classmethod
    def from_plain(cls, plain, ctype, where, version):
        optional = ("fallback",) if isinstance(plain, dict) and "fallback" in plain else ()
        check_keys(plain, ("name", "dtype", "kind", "values", "missing") + optional, where)
        values = unique_values(plain["values"], f"{where}['values']")
        has_missing = check_bool(plain["missing"], f"{where}['missing']")
        fallback = plain.get("fallback")
        check(fallback is None or (type(fallback) is int and 0 <= fallback < max(len(values) + has_missing, 1)),
              f"{where}['fallback']", "must be the index of one of the column's values")
        check(None not in values, f"{where}['values']", "must not hold None (missing values are 'missing')")
        family = ctype.family
        if ctype.numeric or ctype.temporal:
            kinds = (bool,) if family in ("bool", "boolean") else (int,) if family in INTEGRAL else (int, float)
            check(all(type(v) in kinds for v in values), f"{where}['values']",
                  f"must hold {' or '.join(k.__name__ for k in kinds)} values for dtype {ctype.name}")
            increasing = all(a < b for a, b in zip(values[:-1], values[1:], strict=True))
            check(increasing, f"{where}['values']", "must be increasing")
        elif family == "category":
            position = {value: i for i, value in enumerate(ctype.categories)}
            check(all(v in position for v in values), f"{where}['values']", "must be categories of the dtype")
            check([position[v] for v in values] == sorted(position[v] for v in values), f"{where}['values']",
                  "must be in the order of the categories")
        check_fits_dtype(values, ctype, f"{where}['values']")
        check(not has_missing or family not in ("int", "bool"), f"{where}['missing']",
              f"is impossible for dtype {ctype.name}")
        column = cls(ctype, values, has_missing, fallback)
        check(column.kind == plain["kind"], f"{where}['kind']",
              f"is {plain['kind']!r}, but {len(values) + has_missing} value(s) make a {column.kind} column")
        return column


# -- kinds ------------------------------------------------------------------------------------------------------------


def infer_kind(ctype, column, label, max_discrete_values):
    """``"discrete"`` (constant too: one value), ``"integer"`` or ``"continuous"``, and the column's numbers.

    The numbers of an integral column are its exact integers and missing
    mask; a date or time column is an integer one unless it has one value.
    """
    if ctype.integral:
        ints, missing = ctype.integers(column, label)
        n_distinct, n_present = np.unique(ints[~missing]).size, np.count_nonzero(~missing)
        numbers = (ints, missing)
    elif not ctype.numeric or ctype.family in ("bool", "boolean"):
        return "discrete", None
    else:
        numbers = ctype.numbers(column, label)
        distinct = np.unique(numbers[~np.isnan(numbers)])
        n_distinct, n_present = distinct.size, np.count_nonzero(~np.isnan(numbers))
    if n_distinct <= 1:
        return "discrete", numbers
    whole = ctype.integral or bool(np.all(distinct == np.round(distinct)))
    repeated = 2 * n_distinct <= n_present  # values seen twice on average
    if n_distinct <= max_discrete_values and (whole or repeated) and not ctype.temporal:
        return "discrete", numbers
    return ("integer" if whole else "continuous"), numbers


def column_of(X, index, label):
    """Column ``index`` (labelled ``label``) of a frame or of a 2-D array."""
    return X[label] if is_frame(X) else X[:, index]


def fit_sample(numbers, max_fit_rows, rng):
    """The finite values to fit the modes on: all of them, or ``max_fit_rows`` drawn from ``rng``."""
    finite = numbers[~np.isnan(numbers)]
    if len(finite) <= max_fit_rows:
        return finite
    return finite[np.sort(rng.choice(len(finite), size=max_fit_rows, replace=False))]
