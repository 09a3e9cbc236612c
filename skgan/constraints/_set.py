"""``ConstraintSet``: the constraints of one fit, as the table codec holds them.

:meth:`ConstraintSet.fit` checks the constraints against the training table
(columns, dtypes, and that every training row obeys every constraint) and
decides which constraints are met by construction. :meth:`transform` gives
the table the encoder is fitted on, :meth:`inverse_transform` turns decoded
rows back into the table's columns, order and dtypes, and :meth:`is_valid`
says which rows obey every constraint (the codec rejects the others).

Which constraints transform: those whose transform is exact on the training
rows (each constraint's module says when) and, for ``Range`` and
``Inequality``, whose transformed column holds more than
:data:`MANY_VALUES` distinct values, in the order given, except a
constraint that reads a column that an earlier transforming constraint
replaced or dropped; that one is met by rejection. The inverse transforms
run in reverse order, so each sees its columns as it left them.
"""

import numpy as np

from ..persistence._validators import check, check_bool, check_keys, check_list, column_label, short_repr
from ..preprocessing._columns import ColumnType
from ._combinations import FixedCombinations
from ._constraint import Constraint, check_frame, row_labels
from ._inequality import Inequality
from ._range import Range
from ._sum import Sum

#: The constraints a model file can hold, by the name it stores.
SAVED = {cls.__name__: cls for cls in (Range, Inequality, FixedCombinations, Sum)}
_BOUND_TAGS = ("timestamp", "timedelta")


#: A ``Range`` or ``Inequality`` transforms its column only when it holds more distinct values than this (the
#: TabularEncoder's ``max_discrete_values``): a column of few values (brackets, scores, counts) is one the encoder
#: keeps discrete and the generator draws only observed values of; a transform would make it continuous.
MANY_VALUES = 20


def _varied(constraint, frame):
    """Whether the columns a ``Range`` or ``Inequality`` would transform hold many values (others: always True)."""
    if not isinstance(constraint, (Range, Inequality)):
        return True
    return all(frame[label].nunique(dropna=True) > MANY_VALUES for label in constraint._changed())


def describe(constraints_and_counts):
    """``"Range(...) (12 rows), Custom(...) (3 rows)"``."""
    return ", ".join(f"{c!r} ({count} row{'s' * (count != 1)})" for c, count in constraints_and_counts)


class ConstraintSet:
    """The constraints of one fit: checks, reversible transforms, the rows that obey them, plain values.

    Parameters
    ----------
    constraints : list of Constraint
        Constraints of :mod:`skgan.constraints`, in order of priority: the
        first of two that read the same column is the one met by
        construction.

    Attributes
    ----------
    constraints_ : list of Constraint
        Fitted copies of the constraints (the parameters are left alone).
    columns_ : list
        The training table's column labels, in order.
    transformed_columns : list
        The table's columns that the transform replaces or drops.
    unchanged_columns : list
        The table's columns that the transform passes through as they are.
    """

    def __init__(self, constraints):
        self.constraints = constraints

    # -- fit ------------------------------------------------------------------------------------------------------

    def fit(self, X):
        """Check the constraints against the training table ``X`` and learn what they need; returns self.

        A missing column, a dtype a constraint does not apply to, or a
        training row that breaks a constraint is a ValueError (TypeError for
        a dtype) naming the constraint, the number of rows and the first
        rows' labels.
        """
        from sklearn.base import clone

        frame = check_frame(X, "ConstraintSet")
        constraints = self._checked_list()
        absent = list(dict.fromkeys(label for c in constraints for label in c.read_columns
                                    if label not in frame.columns))
        if absent:
            raise ValueError(f"The constraints read the column(s) {absent}, which the table does not have; its "
                             f"columns are {list(frame.columns)}.")
        fitted = [clone(c).fit(frame) for c in constraints]
        for constraint in fitted:
            valid = constraint.is_valid(frame)
            if not valid.all():
                bad = ~valid
                raise ValueError(
                    f"{bad.sum()} of the {len(frame)} training rows break {constraint!r}, e.g. the rows labelled "
                    f"{row_labels(frame, bad)}: every training row must obey the constraints."
                )
        changed = set()
        for constraint in fitted:
            reads_changed = bool(changed & set(constraint.read_columns))
            constraint.transform_ = not reads_changed and constraint._exact(frame) and _varied(constraint, frame)
            if constraint.transform_:
                changed.update(constraint._changed())
        self.constraints_ = fitted
        self.columns_ = list(frame.columns)
        return self

    def _checked_list(self):
        constraints = self.constraints
        if isinstance(constraints, Constraint) or not isinstance(constraints, (list, tuple)):
            raise TypeError(f"constraints must be a list of skgan.constraints objects, got {short_repr(constraints)}.")
        for i, constraint in enumerate(constraints):
            if not isinstance(constraint, Constraint):
                raise TypeError(f"constraints[{i}] must be a constraint of skgan.constraints (Range, Inequality, "
                                f"FixedCombinations, Sum, Custom), got {short_repr(constraint)}.")
        return list(constraints)

    @property
    def transformed_columns(self):
        """The table's columns that :meth:`transform` replaces or drops (conditions on them need rejection)."""
        changed = {label for c in self.constraints_ if c.transform_ for label in c._changed()}
        return [label for label in self.columns_ if label in changed]

    @property
    def unchanged_columns(self):
        """The table's columns that :meth:`transform` passes through as they are, in the table's order."""
        changed = set(self.transformed_columns)
        return [label for label in self.columns_ if label not in changed]

    @property
    def output_columns(self):
        """The columns of :meth:`transform`'s table, in order (a merged column keeps its first column's label)."""
        dropped = {label for c in self.constraints_ if c.transform_ for label in c._dropped()}
        columns = [label for label in self.columns_ if label not in dropped]
        return columns

    # -- transforms -----------------------------------------------------------------------------------------------

    def transform(self, X):
        """The table the encoder is fitted on: ``X`` (the training table's columns) with each transforming
        constraint's columns replaced by its reversible transform."""
        frame = check_frame(X, "ConstraintSet")
        if list(frame.columns) != self.columns_:
            raise ValueError(f"ConstraintSet was fitted on the columns {self.columns_}, got {list(frame.columns)}.")
        for constraint in self.constraints_:
            if constraint.transform_:
                frame = constraint._transform(frame)
        return frame

    def inverse_transform(self, Z):
        """Rows in the columns of :meth:`transform` (as the encoder decodes them) back in the training table's
        columns, order and dtypes; every constraint met by construction holds in every row."""
        frame = check_frame(Z, "ConstraintSet")
        expected = self.output_columns
        if set(frame.columns) != set(expected):
            raise ValueError(f"ConstraintSet.inverse_transform takes the columns {expected}, got "
                             f"{list(frame.columns)}.")
        for constraint in reversed(self.constraints_):
            if constraint.transform_:
                frame = constraint._inverse(frame)
        return frame[self.columns_]

    # -- validity -------------------------------------------------------------------------------------------------

    def is_valid(self, X):
        """Where the rows of ``X`` (the table's columns) obey every constraint: a bool array."""
        frame = check_frame(X, "ConstraintSet")
        valid = np.ones(len(frame), dtype=bool)
        for constraint in self.constraints_:
            valid &= constraint.is_valid(frame)
        return valid

    def violations(self, X):
        """``[(constraint, number of rows of X that break it), ...]`` for the constraints some rows break."""
        frame = check_frame(X, "ConstraintSet")
        found = []
        for constraint in self.constraints_:
            count = int(np.count_nonzero(~constraint.is_valid(frame)))
            if count:
                found.append((constraint, count))
        return found

    def describe_violations(self, X):
        """The constraints that rows of ``X`` break, as text for an error message (empty when none)."""
        return describe(self.violations(X))

    # -- plain values ---------------------------------------------------------------------------------------------

    def to_plain(self):
        """The fitted set as plain values for a model file; a :class:`Custom` constraint is a ValueError."""
        constraints = []
        for constraint in self.constraints_:
            params = constraint._params_to_plain()  # Custom raises here
            constraints.append({
                "type": type(constraint).__name__,
                "params": {name: param_to_plain(value, f"{constraint!r}: {name}") for name, value in params.items()},
                "dtypes": [constraint.types_[label].to_plain() for label in constraint.read_columns],
                "transform": bool(constraint.transform_),
                "state": constraint._state_to_plain(),
            })
        return {"columns": [column_label(label) for label in self.columns_], "constraints": constraints}

    @classmethod
    def from_plain(cls, plain, where="constraints"):
        """A fitted set from :meth:`to_plain`'s values, every value checked (InvalidModelFile naming the field)."""
        check_keys(plain, ("columns", "constraints"), where)
        columns = [label_from_plain(label, f"{where}['columns'][{i}]")
                   for i, label in enumerate(check_list(plain["columns"], f"{where}['columns']"))]
        check(len(set(columns)) == len(columns), f"{where}['columns']", "must not repeat a column")
        fitted, changed = [], set()
        for i, item in enumerate(check_list(plain["constraints"], f"{where}['constraints']")):
            entry = f"{where}['constraints'][{i}]"
            constraint = constraint_from_plain(item, entry, columns)
            if constraint.transform_:
                check(not changed & set(constraint.read_columns), f"{entry}['transform']",
                      "is true for a constraint that reads a column an earlier one transforms")
                changed.update(constraint._changed())
            fitted.append(constraint)
        result = cls(list(fitted))
        result.constraints_, result.columns_ = fitted, columns
        return result


def param_to_plain(value, where):
    """A constraint's parameter as plain values: labels and numbers as they are, dates and durations tagged."""
    import datetime

    import pandas as pd

    if isinstance(value, list):
        return [param_to_plain(item, where) for item in value]
    if isinstance(value, (pd.Timestamp, np.datetime64, datetime.datetime)):
        return ["timestamp", pd.Timestamp(value).isoformat()]
    if isinstance(value, (pd.Timedelta, np.timedelta64, datetime.timedelta)):
        return ["timedelta", pd.Timedelta(value).isoformat()]
    if isinstance(value, (np.generic,)):
        value = value.item()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise ValueError(f"{where}: the value {value!r} cannot be saved in a model file; use a string, a number or a "
                     "pandas Timestamp or Timedelta.")


def param_from_plain(value, where):
    """A parameter from :func:`param_to_plain`'s values, checked."""
    import pandas as pd

    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    check(isinstance(value, list) and len(value) == 2 and value[0] in _BOUND_TAGS and isinstance(value[1], str)
          and len(value[1]) <= 64, where, f"must be a plain value or a tagged date or duration, got "
                                          f"{short_repr(value)}")
    try:
        parsed = pd.Timestamp(value[1]) if value[0] == "timestamp" else pd.Timedelta(value[1])
    except (TypeError, ValueError):
        parsed = pd.NaT
    check(parsed is not pd.NaT, where, f"is not a {value[0]}: {value[1]!r}")
    return parsed


def label_from_plain(value, where):
    check(isinstance(value, (str, int)) and not isinstance(value, bool), where,
          f"must be a column label (a string or an integer), got {short_repr(value)}")
    return value


def constraint_from_plain(item, where, columns):
    """One fitted constraint from its plain values (see :meth:`ConstraintSet.to_plain`)."""
    check_keys(item, ("type", "params", "dtypes", "transform", "state"), where)
    constraint = _unfitted_from_plain(item, where)
    read = constraint.read_columns
    check(all(label in columns for label in read), f"{where}['params']", f"name columns not in the table {columns}")
    dtypes = check_list(item["dtypes"], f"{where}['dtypes']", length=len(read))
    constraint.types_ = {label: ColumnType.from_plain(dtypes[j], f"{where}['dtypes'][{j}]")
                         for j, label in enumerate(read)}
    try:
        constraint.spec_ = constraint._prepare(constraint.types_)
    except (TypeError, ValueError) as error:
        check(False, f"{where}['dtypes']", f"do not fit the constraint: {error}")
    constraint.transform_ = check_bool(item["transform"], f"{where}['transform']")
    if isinstance(constraint, FixedCombinations):
        constraint._state_from_plain(item["state"], f"{where}['state']")
    else:
        check(item["state"] is None, f"{where}['state']", "must be None")
    return constraint



def _unfitted_from_plain(item, where):
    """The constraint of ``item["type"]`` with ``item["params"]``, checked (not fitted)."""
    check(item["type"] in SAVED, f"{where}['type']", f"must be one of {sorted(SAVED)}, got {short_repr(item['type'])}")
    cls = SAVED[item["type"]]
    params = item["params"]
    names = {Range: ("column", "low", "high"), Inequality: ("low_column", "high_column", "strict"),
             FixedCombinations: ("columns",), Sum: ("columns", "total_column")}[cls]
    check_keys(params, names, f"{where}['params']")
    values = {}
    for name in names:
        field = f"{where}['params'][{name!r}]"
        if name in ("columns",):
            values[name] = [label_from_plain(v, f"{field}[{j}]") for j, v in enumerate(check_list(params[name], field))]
        elif name in ("low", "high"):
            values[name] = param_from_plain(params[name], field)
        elif name == "strict":
            values[name] = check_bool(params[name], field)
        else:
            values[name] = label_from_plain(params[name], field)
    constraint = cls(**values)
    try:
        constraint._check_params()
    except (TypeError, ValueError) as error:
        check(False, f"{where}['params']", f"are not a valid {cls.__name__}: {error}")
    return constraint


def constraints_to_config(constraints):
    """The ``constraints`` parameter (a list of unfitted constraints) as plain values for a model file.

    A :class:`Custom` constraint is a ValueError (its function cannot be stored).
    """
    if constraints is None:
        return None
    constraints = ConstraintSet(constraints)._checked_list()
    return [{"type": type(c).__name__,
             "params": {name: param_to_plain(value, f"{c!r}: {name}") for name, value in c._params_to_plain().items()}}
            for c in constraints]


def constraints_from_config(config, where="constraints"):
    """The ``constraints`` parameter back from :func:`constraints_to_config`, every value checked."""
    if config is None:
        return None
    constraints = []
    for i, item in enumerate(check_list(config, where)):
        check_keys(item, ("type", "params"), f"{where}[{i}]")
        constraints.append(_unfitted_from_plain(item, f"{where}[{i}]"))
    return constraints
