"""The common base of the constraints, and the helpers they share: reading a column's values, missing rows.

A constraint's constructor only stores its parameters. They are checked, with
the dtypes of the columns it reads, when it is fitted (:meth:`Constraint.fit`)
or asked which rows it accepts (:meth:`Constraint.is_valid`): a ValueError or
TypeError that names the constraint.

The private pieces (``_prepare``, ``_valid``, ``_exact``, ``_transform``,
``_inverse``, ``_changed``, ``_params_to_plain``) are what
:class:`~skgan.constraints._set.ConstraintSet` uses to keep the rows a
generator produces inside the constraints.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ..preprocessing._columns import ColumnType

_GROUPS = {"float": "float", "Float": "float", "int": "int", "Int": "int", "bool": "bool", "boolean": "bool",
           "datetime": "datetime", "timedelta": "timedelta", "period": "period"}
#: The number of row labels that an error names.
SHOWN_ROWS = 5


def group_of(ctype):
    """The kind of values a column holds: float, int, bool, datetime, timedelta, period or other."""
    return _GROUPS.get(ctype.family, "other")


def values_of(ctype, column, label):
    """A column's values and missing mask: exact integers (int64 or uint64) for integers, dates and durations,
    float64 otherwise (booleans as 0 and 1)."""
    if ctype.integral:
        return ctype.integers(column, label)
    numbers_ = ctype.numbers(column, label)
    return numbers_, np.isnan(numbers_)


def missing_rows(frame, columns):
    """The rows with a missing value (None, NaN, ``pd.NA``, ``NaT``) in any of ``columns``."""
    if not columns:
        return np.zeros(len(frame), dtype=bool)
    return np.asarray(frame[list(columns)].isna().any(axis=1), dtype=bool)


def row_labels(frame, mask, limit=SHOWN_ROWS):
    """The labels of the first ``limit`` rows where ``mask`` holds, as a short list."""
    return [label.item() if isinstance(label, np.generic) else label for label in frame.index[mask][:limit]]


def check_label(owner, name, value):
    """A column label parameter: hashable, not a list or a boolean."""
    if isinstance(value, (bool, np.bool_, list, tuple, set, dict, np.ndarray)) or value is None:
        raise TypeError(f"{owner}: {name} must be a column label (a string or an integer), got {value!r}.")
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"{owner}: {name} must be a column label (a string or an integer), got {value!r}.") from None
    return value


def check_labels(owner, name, values, at_least):
    """A list of distinct column labels, at least ``at_least`` of them."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__") or isinstance(values, dict):
        raise TypeError(f"{owner}: {name} must be a list of column labels, got {values!r}.")
    labels = [check_label(owner, name, value) for value in values]
    if len(labels) < at_least:
        raise ValueError(f"{owner}: {name} must name at least {at_least} column(s), got {labels!r}.")
    if len(set(labels)) != len(labels):
        raise ValueError(f"{owner}: {name} names a column twice: {labels!r}.")
    return labels


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_frame(X, owner):
    """``X`` is a DataFrame with distinct column labels."""
    import pandas as pd

    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"{owner} checks the rows of a pandas DataFrame, got {type(X).__name__}.")
    if not X.columns.is_unique:
        repeated = X.columns[X.columns.duplicated()].unique().tolist()
        raise ValueError(f"{owner}: the table names the columns {repeated} more than once.")
    return X


class Constraint(BaseEstimator):
    """A rule that every row of a table obeys: the base class of the constraints of :mod:`skgan.constraints`.

    Its constructor only stores its parameters; :meth:`fit` checks them
    against a table (the columns exist and have dtypes the constraint
    applies to) and learns what it needs, and :meth:`is_valid` says which
    rows obey it. A row with a missing value (None, NaN, ``pd.NA``,
    ``NaT``) in a column the constraint reads obeys it.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgan.constraints import Constraint, Range
    >>> isinstance(Range("age", low=0), Constraint)
    True
    >>> Range("age", low=0).is_valid(pd.DataFrame({"age": [3, -1, None]})).tolist()
    [True, False, True]
    """

    #: Whether :meth:`is_valid` needs :meth:`fit` first (the constraint learns from the data).
    _needs_fit = False

    @property
    def read_columns(self):
        """The labels of the columns the constraint reads, a tuple (empty for :class:`Custom`: the whole row)."""
        return tuple(self._read_columns())

    def fit(self, X, y=None):
        """Check the parameters against the table ``X`` and learn what the constraint needs from it.

        Parameters
        ----------
        X : pandas.DataFrame
            A table with the columns the constraint reads.
        y : None
            Ignored.

        Returns
        -------
        self : Constraint
            The fitted constraint (``spec_``: what it learnt).

        Examples
        --------
        >>> import pandas as pd
        >>> from skgan.constraints import FixedCombinations
        >>> constraint = FixedCombinations(["city", "country"])
        >>> constraint.fit(pd.DataFrame({"city": ["Paris", "Lyon"], "country": ["FR", "FR"]}))
        FixedCombinations(columns=['city', 'country'])
        """
        frame = check_frame(X, repr(self))
        self.types_ = self._types(frame)
        self.spec_ = self._prepare(self.types_)
        self._learn(frame)
        return self

    def is_valid(self, X):
        """Which rows of ``X`` obey the constraint (a row with a missing value in its columns does).

        Parameters
        ----------
        X : pandas.DataFrame
            Rows with the columns the constraint reads.

        Returns
        -------
        valid : numpy.ndarray of bool, shape (n_rows,)
            True where the row obeys the constraint.

        Examples
        --------
        >>> import pandas as pd
        >>> from skgan.constraints import Inequality
        >>> rows = pd.DataFrame({"start": [1, 5, 2], "end": [3, 4, 2]})
        >>> Inequality("start", "end").is_valid(rows).tolist()
        [True, False, True]
        """
        frame = check_frame(X, repr(self))
        if self._needs_fit:
            check_is_fitted(self, "spec_", msg=f"{self!r} learns from the training table: call fit(X) before "
                            "is_valid.")
        types = self._types(frame)
        return np.asarray(self._valid(frame, self._prepare(types)), dtype=bool)

    # -- the pieces the subclasses define -------------------------------------------------------------------------

    def _types(self, frame):
        """The ColumnType of each column read, after checking the parameters and that the columns exist."""
        self._check_params()
        absent = [label for label in self.read_columns if label not in frame.columns]
        if absent:
            raise ValueError(
                f"{self!r} reads the column(s) {absent}, which the table does not have; its columns are "
                f"{list(frame.columns)}."
            )
        return {label: ColumnType.of(frame[label], label) for label in self.read_columns}

    def _read_columns(self):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _check_params(self):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _prepare(self, types):
        """What the constraint needs from the dtypes (bounds in the column's units, a mode); checks the dtypes."""
        return {}

    def _learn(self, frame):
        """Learn from the training table (the seen combinations); after ``_prepare``."""

    def _valid(self, frame, spec):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _exact(self, frame):
        """Whether the transform is defined and reversible on the training rows ``frame`` (after fit)."""
        return False

    def _changed(self):
        """The original columns that the transform replaces or drops."""
        return ()

    def _dropped(self):
        """The original columns that the transform drops (the others of ``_changed`` are replaced in place)."""
        return ()

    def _transform(self, frame):  # pragma: no cover - only for constraints whose _exact can be True
        raise NotImplementedError

    def _inverse(self, frame):  # pragma: no cover - only for constraints whose _exact can be True
        raise NotImplementedError

    def _params_to_plain(self):  # pragma: no cover - every saved subclass defines it
        raise NotImplementedError

    def _state_to_plain(self):
        """What the constraint learnt beyond the dtypes, as plain values (the seen combinations)."""
        return None

    def _state_from_plain(self, plain, where):
        """The inverse of ``_state_to_plain``, every value checked."""

