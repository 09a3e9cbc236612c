"""Constraints: rules that every row of a table obeys, and that every generated row must obey too.

:class:`Range` (a column's values in a closed interval), :class:`Inequality`
(one column at most another), :class:`FixedCombinations` (only the
combinations of values seen in the training rows), :class:`Sum` (a total
equals its parts) and :class:`Custom` (a row predicate of yours), with their
base class :class:`Constraint`. A constraint checks its parameters and the
columns' dtypes when fitted or asked which rows obey it
(:meth:`Constraint.is_valid`). A row with a missing value in a column a
constraint reads obeys it.

A sampler keeps generated rows inside the constraints by construction where
a reversible transform exists (the columns are modelled in a form whose
every value decodes to a valid row) and by rejection otherwise.
"""

from ._combinations import FixedCombinations
from ._constraint import Constraint
from ._inequality import Inequality
from ._range import Range
from ._sum import Custom, Sum

__all__ = ["Constraint", "Custom", "FixedCombinations", "Inequality", "Range", "Sum"]
