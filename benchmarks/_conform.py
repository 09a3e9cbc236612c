"""The one ``conform`` step every model's synthetic rows go through in :mod:`benchmarks.tabular`, skgan's included.

Generators differ in what they return: CTGAN, TVAE and the Gaussian copula
draw integers as floats and may draw beyond the training range, columns of
bracket midpoints (fair's ``age``: 17.5, 22, 27, ...) as continuous values,
and labels as text. So that the benchmark scores what a model learnt and not
how it writes its output, every model's rows are put in the same form, with
the training rows as the only guide:

1. dtypes and columns as the training frame's (:func:`benchmarks._tables.conform`:
   floats, ints, bools, categories with the training categories, text);
2. numeric columns with at most :data:`FEW_VALUES` distinct observed values
   (counts of children, brackets, scales) are snapped to the nearest observed
   value (ties to the lower);
3. integer columns are rounded and clipped to the observed training range;
4. category and text columns keep only the labels observed in the training
   rows (others become missing).

Missing values stay missing. Nothing else changes: floats with many values
are left as drawn, even outside the observed range.
"""

import numpy as np
import pandas as pd

from benchmarks import _tables

#: Numeric columns with at most this many distinct observed values are snapped to them.
FEW_VALUES = 20


def _snap(values, observed):
    """Each of ``values`` (float array, NaN kept) replaced by the nearest of the sorted ``observed``."""
    out = values.copy()
    present = ~np.isnan(values)
    v = values[present]
    right = np.clip(np.searchsorted(observed, v), 1, len(observed) - 1) if len(observed) > 1 else np.zeros(
        len(v), dtype=int)
    if len(observed) == 1:
        out[present] = observed[0]
        return out
    left = right - 1
    nearer_left = (v - observed[left]) <= (observed[right] - v)
    out[present] = np.where(nearer_left, observed[left], observed[right])
    return out


def conform(synthetic, train, *, few_values=FEW_VALUES):
    """``synthetic`` rows in the form of ``train``'s (see the module's docstring); a new DataFrame."""
    frame = _tables.conform(synthetic.reset_index(drop=True), train)
    kinds = _tables.column_kinds(train)
    for col, kind in kinds.items():
        if kind in ("float", "int"):
            observed_values = train[col].dropna().to_numpy(dtype=np.float64)
            if not len(observed_values):
                continue
            values = frame[col].to_numpy(dtype=np.float64, na_value=np.nan)
            observed = np.unique(observed_values)
            if len(observed) <= few_values:
                values = _snap(values, observed)
            if kind == "int":
                values = np.clip(np.round(values), observed[0], observed[-1])
                missing = np.isnan(values)
                if missing.any():
                    column = pd.array(np.where(missing, 0, values).astype(np.int64), dtype="Int64")
                    column[missing] = pd.NA
                    frame[col] = column
                else:
                    frame[col] = values.astype(train[col].dtype)
            else:
                frame[col] = values
        elif kind in ("category", "str"):
            seen = set(train[col].dropna().astype(str))
            column = frame[col]
            keep = column.isna() | column.astype(str).isin(seen)
            if not keep.all():
                frame[col] = column.where(keep)
            if kind == "category":
                frame[col] = frame[col].astype(train[col].dtype)
    return frame
