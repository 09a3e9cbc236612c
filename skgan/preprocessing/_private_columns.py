"""Private fits of a ``TabularEncoder``'s columns (``epsilon``): every statistic a column keeps is DP.

``TabularEncoder(epsilon=...)`` gives each column ``epsilon / n_columns``
and fits it with the mechanisms of :mod:`skgan.privacy._mechanisms`
(pure epsilon-DP, Laplace noise, budgets added by basic composition); the
table's schema (its columns, their dtypes, a ``category`` dtype's
categories) and its number of rows are taken as public; a text column's
missing values come back as NaN (an exact fit's come back as the marker
it saw first, which would tell that there is one). In an object array
(not a DataFrame) a column of numbers alone is a float column, which its
values decide. A column's kind follows its dtype:

- **discrete** (booleans, ``category``, text, and columns a
  ``high_cardinality`` dict names): one noisy count per value and one for
  missing values (:func:`~skgan.privacy._mechanisms.kept_categories`); a
  value is kept when its noisy count passes a threshold that a value seen
  in one row passes with probability
  :data:`~skgan.privacy._mechanisms.ONE_ROW_KEPT`, at most
  ``max_categories`` of them under ``"auto"`` and ``"frequent"`` (no tail:
  a private column has no "other" category). Rows of values not kept are
  encoded as the kept value with the largest noisy count (the column's
  ``fallback``), and so is any value the column does not know at
  transform. The noisy counts of the kept values are the encoder's
  ``noisy_counts_`` (a table codec's condition frequencies). Over a
  public domain (booleans, a ``category`` dtype's categories) the kept
  set is pure epsilon-DP; over the rows' own values it is (epsilon,
  delta)-DP with delta the chance a value seen in one row is kept;
- **numbers** (floats, integers, dates and times): half the column's
  budget goes on the noisy counts of its values (thresholded as a
  discrete column's). When the kept values hold at least
  :data:`DISCRETE_MASS` of the rows, the column is discrete if they are at
  most ``max_discrete_values``, else continuous on the grid of the kept
  values (decoded values snap to them; its quantile bins from their noisy
  counts). Otherwise the other half goes on whether the column has
  missing values (a thresholded noisy count, :data:`MISSING_SHARE`;
  without an entry of their own they are encoded as the column's median,
  its ``fallback``), bounds around its values
  (:func:`~skgan.privacy._mechanisms.approx_bounds`, then
  :func:`~skgan.privacy._mechanisms.narrowed_bounds`, :data:`RANGE_SHARE`
  each), and inside them the quantiles :data:`EDGE_QUANTILES` (its range:
  values beyond it are clipped) and ``max_modes`` equal quantile bins
  between them, all from one noisy histogram
  (:func:`~skgan.privacy._mechanisms.histogram_quantiles`, the rest). The
  bins are the modes of the mode-specific normalisation, one Gaussian per
  bin (its centre, an eighth of its width), weighted by the quantiles
  they hold. Either way, kept values whose noisy count is a point mass's
  (:data:`~._continuous.POINT_MASS_SHARE` of the rows, plus the keeping
  threshold) are point masses, decoded exactly (the zeros of an amount
  that is often zero), and the range holds them;
- ``"identifier"`` reads every value's form: a ValueError.
"""

import math

import numpy as np

from ..privacy._mechanisms import (
    EDGE_QUANTILES,
    ONE_ROW_KEPT,
    approx_bounds,
    check_epsilon,
    histogram_quantiles,
    keep_threshold,
    kept_categories,
    laplace_counts,
    narrowed_bounds,
)
from ._columns import ColumnType, DiscreteColumn, column_of
from ._continuous import POINT_MASS_ROWS, POINT_MASS_SHARE, ContinuousColumn
from ._high_cardinality import requested_policy, value_counts

#: The shares of a continuous column's budget: its missing values' count and its bounds (the rest: its quantiles).
MISSING_SHARE, RANGE_SHARE = 0.1, 0.2
#: An integer column is discrete when its kept values hold at least this share of the rows.
DISCRETE_MASS = 0.9


def private_columns(X, labels, encoder, rng):
    """The fitted columns of ``X`` under ``encoder.epsilon``, and the noisy counts of the discrete ones by label."""
    epsilon = check_epsilon(encoder.epsilon) / len(labels)
    delta = 1.0 / (10.0 * len(X)) if encoder.delta is None else float(encoder.delta)
    one_row_kept = min(ONE_ROW_KEPT, delta / len(labels))  # each column's part of delta
    for label in labels:  # refused before any budget is spent
        if requested_policy(encoder.high_cardinality, label)[0] == "identifier":
            _refuse_identifier(label)
    columns, counts = [], {}
    for index, label in enumerate(labels):
        column = column_of(X, index, label)
        ctype = ColumnType.of(column, label)
        if ctype.family == "object":  # the marker of the first missing value would tell there is one: NaN always
            ctype.missing = "nan"
        fitted, noisy = private_column(ctype, column, label, encoder, epsilon, rng, one_row_kept)
        columns.append(fitted)
        if noisy is not None and fitted.kind == "discrete":
            counts[label] = noisy
    return columns, counts


def private_column(ctype, column, label, encoder, epsilon, rng, one_row_kept=ONE_ROW_KEPT):
    """``(fitted column, noisy counts of its values or None)`` of one column, ``(epsilon, one_row_kept)``-DP."""
    policy, explicit = requested_policy(encoder.high_cardinality, label)
    if policy == "identifier":
        _refuse_identifier(label)
    max_kept = None if policy == "onehot" else encoder.max_categories
    family = ctype.family
    if explicit or not (ctype.numeric or ctype.integral) or family in ("bool", "boolean"):
        return private_discrete(ctype, column, label, epsilon, rng, max_kept, one_row_kept)
    discrete, noisy = private_discrete(ctype, column, label, epsilon / 2, rng, one_row_kept=one_row_kept)
    if discrete is None:
        return private_continuous(ctype, column, label, encoder.max_modes, epsilon / 2, rng), None
    values = np.asarray(discrete.values)
    counts = noisy[:len(values)]
    points = _point_masses(values, counts, len(column), epsilon / 2)
    if noisy.sum() >= DISCRETE_MASS * len(column):  # the kept values hold most rows
        if len(values) + discrete.has_missing <= max(encoder.max_discrete_values, 1):
            return discrete, noisy
        order = np.argsort(values, kind="stable")
        quantiles = _weighted_quantiles(values[order], counts[order], encoder.max_modes)
        return _quantile_column(ctype, quantiles, discrete.has_missing, family != "int", encoder.max_modes,
                                points=points, grid=values[order]), None
    return private_continuous(ctype, column, label, encoder.max_modes, epsilon / 2, rng, points), None


def _point_masses(values, noisy_counts, n_rows, epsilon):
    """The kept values whose noisy count is a point mass's (as :func:`~._continuous.point_masses` decides, plus the
    keeping threshold of ``epsilon``'s noise, so that a value of a few rows is one only by rare noise), sorted."""
    heavy = noisy_counts >= max(POINT_MASS_SHARE * n_rows, POINT_MASS_ROWS) + keep_threshold(epsilon)
    return np.sort(values[heavy]) if heavy.sum() else values[:0]


def _refuse_identifier(label):
    raise ValueError(
        f"Column {label!r} has the 'identifier' policy, which reads the form of every value: a private "
        "TabularEncoder (epsilon) cannot fit it. Give it 'frequent' or 'onehot', or drop the column."
    )


def discrete_counts(ctype, column, label):
    """``(domain, counts, n_missing, can_miss)``: the values in one-hot order, their counts, the missing rows'.

    The domain is public for booleans and a ``category`` dtype (every
    category, seen or not), else the values seen.
    """
    if ctype.family == "category" and hasattr(column, "cat"):
        codes = column.cat.codes.to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(ctype.categories))
        return list(ctype.categories), counts, int((codes < 0).sum()), True
    if ctype.family in ("bool", "boolean"):
        numbers = ctype.numbers(column, label)
        missing = np.isnan(numbers)
        counts = np.bincount(numbers[~missing].astype(np.intp), minlength=2)
        return [False, True], counts, int(missing.sum()), ctype.family == "boolean"
    values, counts, _ = value_counts(ctype, column, label)
    return values, counts, len(column) - int(np.sum(counts)), ctype.family not in ("int", "bool")


def private_discrete(ctype, column, label, epsilon, rng, max_kept=None, one_row_kept=ONE_ROW_KEPT):
    """A :class:`DiscreteColumn` of the values whose noisy count passes the threshold, and their noisy counts.

    A value held by one row is kept with probability ``one_row_kept``.
    """
    domain, counts, n_missing, can_miss = discrete_counts(ctype, column, label)
    histogram = np.append(counts, n_missing) if can_miss else np.asarray(counts)
    public = ctype.family in ("category", "bool", "boolean")
    keep, noisy = kept_categories(histogram, epsilon, rng, one_row_kept=one_row_kept,
                                  max_kept=None if max_kept is None else max_kept + can_miss, public_domain=public)
    if not keep.any():
        if ctype.numeric or ctype.integral:  # its values are then modelled as numbers
            return None, noisy[:0]
        raise ValueError(
            f"Column {label!r}: no value is held by enough rows for its part of the privacy budget "
            f"(epsilon {epsilon:.3g}), so every value would tell a few rows apart. Drop the column, group its "
            "values, or give the statistics more of epsilon."
        )
    kept = np.flatnonzero(keep)
    values = [domain[i] for i in kept if i < len(domain)]
    has_missing = bool(can_miss and keep[-1])
    fallback = int(np.argmax(noisy[kept]))  # the kept value of the largest noisy count, in fitted order
    return DiscreteColumn(ctype, values, has_missing, fallback=fallback), noisy[kept]


def private_continuous(ctype, column, label, max_modes, epsilon, rng, points=()):
    """A :class:`ContinuousColumn` of private quantile bins (see the module docstring), ``epsilon``-DP.

    ``points``: values already chosen privately as the column's point masses.
    """
    if ctype.integral:
        ints, missing = ctype.integers(column, label)
        finite = ints[~missing].astype(np.float64)
    else:
        numbers = ctype.numbers(column, label)
        missing = np.isnan(numbers)
        finite = numbers[~missing]
    has_missing, can_miss = False, ctype.family != "int"
    if can_miss:
        share = MISSING_SHARE * epsilon
        has_missing = bool(laplace_counts([missing.sum()], share, rng)[0] > keep_threshold(share))
        epsilon -= share
    share = RANGE_SHARE / (1 - MISSING_SHARE * can_miss) * epsilon
    bounds = narrowed_bounds(finite, approx_bounds(finite, share, rng), share, rng)
    rest = epsilon - 2 * share
    quantiles = histogram_quantiles(finite, np.linspace(*EDGE_QUANTILES, max_modes + 1), bounds, rest, rng)
    return _quantile_column(ctype, quantiles, has_missing, can_miss, max_modes, points=points)


def _weighted_quantiles(values, weights, max_modes):
    """The quantiles :data:`EDGE_QUANTILES` and the ``max_modes`` bins between them of sorted values with weights."""
    cumulative = np.cumsum(weights) / np.sum(weights)
    wanted = np.linspace(*EDGE_QUANTILES, max_modes + 1)
    return np.asarray(values, dtype=np.float64)[np.minimum(np.searchsorted(cumulative, wanted), len(values) - 1)]


def _quantile_column(ctype, quantiles, has_missing, can_miss, max_modes, points=(), grid=()):
    """The :class:`ContinuousColumn` of a column's private quantiles (its range first and last), with its private
    point masses and the grid of its private values (``grid``: decoded values snap to them)."""
    ends = [quantiles[0], quantiles[-1], *points]  # the range holds the point masses (private values too)
    low, high = _in_dtype(ctype, min(ends), max(ends))
    points = [p for p in points if low <= p <= high]
    grid = [g for g in grid if low <= g <= high]
    edges = np.clip(np.concatenate([[low], quantiles[1:-1], [high]]), low, high)
    base = low if ctype.integral else 0.0  # an integral column's modes are offsets from its low
    means, stds, weights = _bins(edges - base, max_modes, high - low)
    fallback = None
    if can_miss and not has_missing:
        median = edges[len(edges) // 2]
        fallback = min(max(round(median), low), high) if ctype.integral else float(median)
    return ContinuousColumn(ctype, means, stds, weights, low, high, rounded=ctype.integral, has_missing=has_missing,
                            gated=True, fallback=fallback, points=points, grid=grid)


def _in_dtype(ctype, low, high):
    """A private range as the column's dtype holds it: whole numbers of its range, or floats it can hold."""
    if ctype.integral:
        info = np.iinfo(ctype.name.lower() if ctype.family in ("int", "Int") else "int64")
        smallest = int(info.min) + (ctype.family not in ("int", "Int"))  # the int64 minimum is NaT
        low = min(max(math.floor(low), smallest), int(info.max))
        high = min(max(math.ceil(high), low), int(info.max))
        return low, high
    largest = float(np.finfo(ctype.name.lower()).max)
    return min(max(low, -largest), largest), min(max(high, -largest), largest)


def _bins(edges, n_bins, span):
    """Means, standard deviations and weights of the bins between distinct ``edges`` (one mode when all are one)."""
    distinct = np.unique(edges)
    if distinct.size < 2:
        return distinct[:1], np.ones(1), np.ones(1)
    widths = np.diff(distinct)
    first = np.clip(np.searchsorted(distinct, edges[:-1], side="right") - 1, 0, widths.size - 1)
    weights = np.bincount(first, minlength=widths.size) / n_bins  # the quantile bins each distinct bin holds
    means = distinct[:-1] + widths / 2
    stds = np.maximum(widths / 8, max(float(span) * 1e-9, 1e-12))
    return means, stds, weights
