"""``Sum`` (a total column equals the sum of other columns) and ``Custom`` (a row predicate of the user's).

``Sum`` compares integers exactly (bigger than int64 sums included) and
floats with a relative tolerance. Its transform drops the total column and
its inverse recomputes it from the parts in the total's dtype, when the
training rows have a missing total exactly where a part is missing.
``Custom`` is met by rejection only and cannot be saved in a model file.
"""

import numpy as np

from ._constraint import Constraint, check_label, check_labels, group_of, values_of

#: The relative tolerance of a float Sum on float64 columns.
FLOAT64_RTOL = 1e-9
_EXACT_BELOW = 2.0**62


def sum_tolerance(types):
    """The relative tolerance of a float sum over columns of ``types``: :data:`FLOAT64_RTOL`, or more for
    columns of fewer bits: 4 ulps of the narrowest float dtype per column."""
    eps = [float(np.finfo(t.name.lower()).eps) for t in types if group_of(t) == "float"]
    return max([FLOAT64_RTOL] + [4 * len(types) * e for e in eps])


def exact_sum(parts):
    """The exact sum of integer arrays: int64 when it cannot overflow, Python integers (object) otherwise."""
    if all(np.abs(p.astype(np.float64)).max(initial=0) < _EXACT_BELOW / len(parts) for p in parts):
        return np.sum([p.astype(np.int64) for p in parts], axis=0, dtype=np.int64)
    total = parts[0].astype(object)
    for part in parts[1:]:
        total = total + part.astype(object)
    return total


def as_storage(values, storage):
    """Exact integers (int64 or Python integers) as ``storage`` integers, modulo 2**64 where they overflow."""
    if values.dtype == object:
        values = np.array([int(v) % 2**64 for v in values], dtype=np.uint64)
        return values.view(np.int64) if storage == np.int64 else values
    return values.astype(storage)


class Sum(Constraint):
    """A total column equals the sum of other columns in every row.

    Parameters
    ----------
    columns : list of str or int
        The columns summed: numbers (integers, floats, booleans as 0 and 1).
    total_column : str or int
        The column that holds their sum: integers or floats.

    Notes
    -----
    When the total and every part are integers (or booleans) the sum is
    exact, past 2**63 too. Otherwise the row obeys the constraint when
    ``|total - sum| <= rtol * (|total| + sum of |parts|)``, with ``rtol``
    1e-9 for float64 columns and 4 ulps per column of the narrowest float
    dtype for narrower ones. A row with a missing value in any of the
    columns obeys it. Met by construction (the total is dropped and
    recomputed from the parts) when the training rows' total is missing
    exactly where a part is, and an integer total has integer parts.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.constraints import Sum
    >>> rows = pd.DataFrame({"net": [80, 50], "tax": [20, 10], "gross": [100, 70]})
    >>> Sum(["net", "tax"], "gross").is_valid(rows).tolist()
    [True, False]
    """

    def __init__(self, columns, total_column):
        self.columns = columns
        self.total_column = total_column

    def _read_columns(self):
        return list(self.columns) + [self.total_column]

    def _check_params(self):
        owner = repr(self)
        parts = check_labels(owner, "columns", self.columns, at_least=1)
        check_label(owner, "total_column", self.total_column)
        if self.total_column in parts:
            raise ValueError(f"{owner}: total_column {self.total_column!r} is also one of the columns summed.")

    def _prepare(self, types):
        owner = repr(self)
        for label, ctype in types.items():
            allowed = ("int", "float") if label == self.total_column else ("int", "float", "bool")
            if group_of(ctype) not in allowed:
                raise TypeError(f"{owner} sums columns of numbers; column {label!r} has dtype {ctype.dtype}.")
        exact = all(group_of(t) in ("int", "bool") for t in types.values())
        return {"exact": exact, "rtol": sum_tolerance(list(types.values()))}

    def _parts(self, frame, types):
        """The parts' values (exact integers, or float64) and the rows with a missing part."""
        values, missing = [], np.zeros(len(frame), dtype=bool)
        for label in self.columns:
            ctype = types[label]
            part, gone = values_of(ctype, frame[label], label)
            if group_of(ctype) == "bool":
                part = np.nan_to_num(part).astype(np.int64)
            values.append(part)
            missing |= gone
        return values, missing

    def _valid(self, frame, spec):
        from ..preprocessing._columns import ColumnType

        types = {label: ColumnType.of(frame[label], label) for label in self.read_columns}
        parts, missing = self._parts(frame, types)
        total, total_missing = values_of(types[self.total_column], frame[self.total_column], self.total_column)
        missing = missing | total_missing
        if spec["exact"]:
            sums = exact_sum(parts)
            if sums.dtype == object or total.dtype == np.uint64:
                equal = total.astype(object) == sums.astype(object)
            else:
                equal = total == sums
            return missing | np.asarray(equal, dtype=bool)
        floats = [p.astype(np.float64) for p in parts]
        with np.errstate(invalid="ignore", over="ignore"):
            sums = np.sum(floats, axis=0)
            scale = np.abs(total) + np.sum(np.abs(floats), axis=0)
            close = np.abs(total - sums) <= spec["rtol"] * scale
        return missing | close

    # -- the transform ------------------------------------------------------------------------------------------

    def _exact(self, frame):
        total_type = self.types_[self.total_column]
        if group_of(total_type) == "int" and not self.spec_["exact"]:
            return False
        _, missing = self._parts(frame, self.types_)
        _, total_missing = values_of(total_type, frame[self.total_column], self.total_column)
        return bool((missing == total_missing).all())

    def _changed(self):
        return (self.total_column,)

    def _dropped(self):
        return (self.total_column,)

    def _transform(self, frame):
        return frame.drop(columns=[self.total_column])

    def _inverse(self, frame):
        total_type = self.types_[self.total_column]
        parts, missing = self._parts(frame, self.types_)
        out = frame.copy(deep=False)
        if group_of(total_type) == "int":
            sums = as_storage(exact_sum(parts), total_type.storage)
            out[self.total_column] = total_type.from_integers(np.where(missing, 0, sums).astype(sums.dtype), missing)
        else:
            with np.errstate(invalid="ignore", over="ignore"):
                sums = np.sum([p.astype(np.float64) for p in parts], axis=0)
            sums[missing] = np.nan
            out[self.total_column] = total_type.from_numbers(sums)
        return out

    def _params_to_plain(self):
        return {"columns": list(self.columns), "total_column": self.total_column}


class Custom(Constraint):
    """Rows obey a predicate of yours: ``is_valid(rows)`` returns one boolean per row.

    Parameters
    ----------
    is_valid : callable
        Takes a pandas DataFrame (rows with every column of the table) and
        returns a boolean array-like with one value per row, True where the
        row is acceptable.

    Notes
    -----
    Met by rejection only: generated rows where the predicate is False are
    dropped and others drawn. A model file cannot store a Python function:
    saving an estimator with a Custom constraint is a ValueError.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.constraints import Custom
    >>> even = Custom(lambda rows: rows["n"] % 2 == 0)
    >>> even.is_valid(pd.DataFrame({"n": [2, 3]})).tolist()
    [True, False]
    """

    def __init__(self, is_valid):
        self.predicate = is_valid

    def get_params(self, deep=True):
        """The constructor's parameters: ``{"is_valid": the predicate}``.

        Parameters
        ----------
        deep : bool, default=True
            Ignored: the predicate has no parameters of its own.

        Returns
        -------
        params : dict
            ``{"is_valid": predicate}``.

        Examples
        --------
        >>> from skgan.constraints import Custom
        >>> Custom(callable).get_params()["is_valid"] is callable
        True
        """
        return {"is_valid": self.predicate}

    def set_params(self, **params):
        """Set the predicate: ``set_params(is_valid=function)``.

        Parameters
        ----------
        **params : dict
            ``is_valid``, the new predicate.

        Returns
        -------
        self : Custom
            The constraint.

        Examples
        --------
        >>> from skgan.constraints import Custom
        >>> Custom(callable).set_params(is_valid=bool).predicate is bool
        True
        """
        unknown = set(params) - {"is_valid"}
        if unknown:
            raise ValueError(f"Custom has one parameter, is_valid; got {sorted(unknown)}.")
        if "is_valid" in params:
            self.predicate = params["is_valid"]
        return self

    def __repr__(self, N_CHAR_MAX=700):
        name = getattr(self.predicate, "__qualname__", None) or type(self.predicate).__name__
        return f"Custom(is_valid={name})"

    def _read_columns(self):
        return []

    def _check_params(self):
        if not callable(self.predicate):
            raise TypeError(f"Custom's is_valid must be a function of the rows, got {self.predicate!r}.")

    def _valid(self, frame, spec):
        result = self.predicate(frame)
        values = np.asarray(getattr(result, "to_numpy", lambda: result)())
        if values.shape != (len(frame),):
            raise ValueError(f"{self!r} must return one boolean per row ({len(frame)}), got an array of shape "
                             f"{values.shape}.")
        if values.dtype != bool:
            if values.dtype != object or not all(isinstance(v, (bool, np.bool_)) for v in values):
                raise TypeError(f"{self!r} must return booleans, got values of dtype {values.dtype}.")
            values = values.astype(bool)
        return values

    def _params_to_plain(self):
        raise ValueError(
            f"A model file cannot store the Python function of {self!r}. Refit the estimator without Custom "
            "constraints to save it (and filter sampled rows with your function), or keep the fitted estimator "
            "with pickle or joblib, which can run code when loaded: only load such files from sources you trust."
        )
