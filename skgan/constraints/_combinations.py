"""``FixedCombinations``: the values of some columns come only in the combinations seen in the training rows.

Fitting keeps one row per seen combination (the first, with its values and
dtypes as they are). The transform replaces the columns by one categorical
column, the index of each row's combination (a pandas ``category`` of
integers, which the table encoder treats as discrete), in the place of the
first column; the inverse takes the seen rows back by index, so the columns
return in their original dtypes, bit for bit. A combination with a missing
value is a combination like any other.
"""

import numpy as np

from ..persistence._validators import check, check_list
from ..preprocessing._columns import check_fits_dtype, from_tagged, missing_mask, to_tagged, value_key
from ._constraint import Constraint, check_labels


def combination_codes(combinations, frame, columns):
    """Each row's index among ``combinations`` (rows of distinct combinations), -1 for a combination not there."""
    import pandas as pd

    n_seen = len(combinations)
    both = pd.concat([combinations, frame[columns].reset_index(drop=True)], ignore_index=True)
    try:
        ids = both.groupby(columns, dropna=False, sort=False, observed=True).ngroup().to_numpy()
    except TypeError as error:
        raise ValueError(f"FixedCombinations compares the values of {columns}, which must be hashable: "
                         f"{error}") from None
    codes = ids[n_seen:].astype(np.int64)
    codes[codes >= n_seen] = -1
    return codes


class FixedCombinations(Constraint):
    """The values of some columns come only in the combinations seen in the training rows.

    Parameters
    ----------
    columns : list of str or int
        At least two columns, of any dtype; each is treated as discrete.

    Notes
    -----
    Met by construction: the columns are modelled as one categorical column
    whose values are the seen combinations, which a generator can only draw
    among. A combination that holds a missing value is one of the seen
    combinations like any other.
    :meth:`~skgan.constraints.Constraint.is_valid` needs
    :meth:`~skgan.constraints.Constraint.fit` first, to know the seen
    combinations.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.constraints import FixedCombinations
    >>> train = pd.DataFrame({"city": ["Paris", "Lyon", "Berlin"], "country": ["FR", "FR", "DE"]})
    >>> constraint = FixedCombinations(["city", "country"]).fit(train)
    >>> rows = pd.DataFrame({"city": ["Lyon", "Berlin"], "country": ["FR", "FR"]})
    >>> constraint.is_valid(rows).tolist()
    [True, False]
    """

    _needs_fit = True

    def __init__(self, columns):
        self.columns = columns

    def _read_columns(self):
        return list(self.columns)

    def _check_params(self):
        check_labels(repr(self), "columns", self.columns, at_least=2)

    def _learn(self, frame):
        columns = list(self.columns)
        ids = frame[columns].groupby(columns, dropna=False, sort=False, observed=True).ngroup().to_numpy()
        _, first = np.unique(ids, return_index=True)
        self.combinations_ = frame[columns].iloc[np.sort(first)].reset_index(drop=True)

    def _valid(self, frame, spec):
        return combination_codes(self.combinations_, frame, list(self.columns)) >= 0

    # -- the transform ------------------------------------------------------------------------------------------

    def _exact(self, frame):
        return True

    def _changed(self):
        return tuple(self.columns)

    def _dropped(self):
        return tuple(self.columns)[1:]

    def _transform(self, frame):
        import pandas as pd

        columns = list(self.columns)
        codes = combination_codes(self.combinations_, frame, columns)
        if (codes < 0).any():
            raise ValueError(f"{self!r}: the rows hold combinations not seen when it was fitted.")
        merged = pd.Categorical.from_codes(codes, categories=pd.RangeIndex(len(self.combinations_)))
        out = frame.drop(columns=columns[1:])
        out[columns[0]] = merged
        return out

    def _inverse(self, frame):
        import pandas as pd

        columns = list(self.columns)
        merged = frame[columns[0]]
        n_seen = len(self.combinations_)
        codes = pd.to_numeric(pd.Series(np.asarray(merged, dtype=object)), errors="coerce").to_numpy()
        if np.isnan(codes.astype(np.float64)).any() or not ((codes >= 0) & (codes < n_seen)).all() or (
            codes != np.round(codes)
        ).any():
            raise ValueError(f"{self!r}: the merged column {columns[0]!r} must hold the index of a seen combination "
                             f"(0 to {n_seen - 1}), got {merged[:5].tolist()}...")
        seen = self.combinations_.iloc[codes.astype(np.int64)].set_axis(frame.index)
        out = frame.drop(columns=[columns[0]])
        for label in columns:
            out[label] = seen[label]
        return out

    # -- plain values -------------------------------------------------------------------------------------------

    def _params_to_plain(self):
        return {"columns": list(self.columns)}

    def _state_to_plain(self):
        """The seen combinations, one list of tagged values per column (None for a missing value)."""
        plain = []
        for label in self.columns:
            ctype, column = self.types_[label], self.combinations_[label]
            where = f"{self!r}: column {label!r}"
            if ctype.integral:
                ints, missing = ctype.integers(column, label)
                values = [None if gone else to_tagged(int(v), where) for v, gone in zip(ints, missing, strict=True)]
            else:
                objects = np.asarray(column.astype(object))
                missing = missing_mask(objects)
                values = [None if gone else to_tagged(value_key(v), where)
                          for v, gone in zip(objects, missing, strict=True)]
            plain.append(values)
        return plain

    def _state_from_plain(self, plain, where):
        import pandas as pd

        columns = list(self.columns)
        check_list(plain, where, length=len(columns))
        series, n_rows = {}, None
        for i, label in enumerate(columns):
            entry = f"{where}[{i}]"
            items = check_list(plain[i], entry)
            n_rows = len(items) if n_rows is None else n_rows
            check(len(items) == n_rows, entry, f"must have {n_rows} entries, got {len(items)}")
            values = [None if item is None else from_tagged(item, f"{entry}[{j}]") for j, item in enumerate(items)]
            series[label] = pd.Series(column_from_values(values, self.types_[label], entry), name=label)
        check(n_rows > 0, where, "must hold at least one combination")
        frame = pd.DataFrame(series)
        check(not frame.duplicated().any(), where, "must not repeat a combination")
        self.combinations_ = frame


def column_from_values(values, ctype, where):
    """A column of ``ctype`` from plain values (None for missing), every value checked to fit the dtype."""
    import pandas as pd

    present = [v for v in values if v is not None]
    missing = np.array([v is None for v in values], dtype=bool)
    family = ctype.family
    if ctype.integral:
        check(all(type(v) is int for v in present), where, f"must hold integers for dtype {ctype.name}")
        check_fits_dtype(present, ctype, where)
        check(not missing.any() or family not in ("int",), where, f"cannot hold a missing value in dtype {ctype.name}")
        ints = np.array([0 if v is None else v for v in values], dtype=object).astype(ctype.storage)
        return ctype.from_integers(ints, missing)
    if family in ("float", "Float"):
        check(all(type(v) in (int, float) for v in present), where, f"must hold numbers for dtype {ctype.name}")
        check_fits_dtype(present, ctype, where)
        return ctype.from_numbers(np.array([np.nan if v is None else v for v in values], dtype=np.float64))
    if family in ("bool", "boolean"):
        check(all(type(v) is bool for v in present), where, f"must hold booleans for dtype {ctype.name}")
        check(not missing.any() or family == "boolean", where, "cannot hold a missing value in dtype bool")
        return pd.array(values, dtype=ctype.dtype)
    if family == "category":
        check(all(v in ctype.categories for v in present), where, "must hold categories of the dtype")
        return pd.Categorical(values, dtype=ctype.dtype)
    check_fits_dtype(present, ctype, where)
    objects = np.empty(len(values), dtype=object)
    objects[:] = [ctype.missing_value if v is None else v for v in values]
    return ctype.from_objects(objects)
