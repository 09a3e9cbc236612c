"""Column-wise and pairwise similarity of two tables, and train-synthetic-test-real utility.

The measures of SDMetrics' quality report ("Column Shapes" and "Column Pair
Trends", https://docs.sdv.dev/sdmetrics), computed exactly on arrays or pandas
DataFrames:

- one column: the two-sample Kolmogorov–Smirnov statistic of a numeric
  column, the total-variation distance of a categorical column's category
  frequencies;
- two columns: the absolute difference of two numeric columns' correlations,
  the total-variation distance of two categorical columns' contingency tables
  (a numeric column of a mixed pair is first cut into quantile bins of the
  real rows);
- utility: a model trained on synthetic rows and scored on real test rows
  (TSTR, Esteban, Hyland & Rätsch, 2017), beside the same model trained on
  real rows (TRTR).

Column kinds follow the rule of :mod:`skgan.metrics._encoding`: a boolean,
``object``, string or ``category`` column is categorical, any other numeric.
A numpy array's columns all have the array's kind (a float array is all
numeric, an ``object`` array all categorical).

Results are tidy tables: a pandas DataFrame when pandas is installed, else a
numpy structured array with the same fields, so that ``result["score"]`` works
with either.
"""

from itertools import combinations
from typing import NamedTuple

import numpy as np
from scipy.stats import rankdata
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.utils import check_consistent_length

from .._frames import is_frame
from ._encoding import category_labels, is_categorical

COLUMN_FIELDS = ("column", "kind", "metric", "value", "score")
PAIR_FIELDS = ("column_1", "column_2", "kind", "metric", "value", "score")
_NUMBER_FIELDS = ("value", "score")


# ----------------------------------------------------------------------------
# inputs and outputs


def _table(rows, fields):
    """``rows`` (dicts) as a pandas DataFrame, or a numpy structured array without pandas."""
    try:
        import pandas as pd
    except ImportError:
        dtype = [(f, np.float64 if f in _NUMBER_FIELDS else object) for f in fields]
        return np.array([tuple(row[f] for f in fields) for row in rows], dtype=dtype)
    return pd.DataFrame(rows, columns=list(fields))


class _Column(NamedTuple):
    name: object
    categorical: bool
    real: object
    synthetic: object


def _columns(real, synthetic):
    """The columns of the two tables, paired by name (frames) or position (arrays)."""
    if is_frame(real) != is_frame(synthetic):
        raise TypeError(
            "real and synthetic must both be pandas DataFrames or both be arrays, got "
            f"{type(real).__name__} and {type(synthetic).__name__}."
        )
    if is_frame(real):
        names = list(real.columns)
        if len(set(names)) != len(names) or synthetic.columns.duplicated().any():
            raise ValueError("Column names must be unique in real and in synthetic.")
        missing = [c for c in names if c not in set(synthetic.columns)]
        extra = [c for c in synthetic.columns if c not in set(names)]
        if missing or extra:
            raise ValueError(
                "real and synthetic must have the same columns: synthetic lacks "
                f"{missing} and has {extra} that real lacks."
            )
        columns = [_Column(c, is_categorical(real[c]), real[c], synthetic[c]) for c in names]
    else:
        real, synthetic = np.asarray(real), np.asarray(synthetic)
        if real.ndim != 2 or synthetic.ndim != 2:
            raise ValueError(
                f"real and synthetic must be 2-D, got shapes {real.shape} and {synthetic.shape}."
            )
        if real.shape[1] != synthetic.shape[1]:
            raise ValueError(
                f"real has {real.shape[1]} columns but synthetic has {synthetic.shape[1]}; "
                "they must have the same columns."
            )
        categorical = is_categorical(real)
        columns = [_Column(j, categorical, real[:, j], synthetic[:, j]) for j in range(real.shape[1])]
    if not columns:
        raise ValueError("real and synthetic have no columns.")
    if len(columns[0].real) == 0 or len(columns[0].synthetic) == 0:
        raise ValueError(
            f"real and synthetic need at least one row each, got {len(columns[0].real)} "
            f"and {len(columns[0].synthetic)}."
        )
    return columns


def _numbers(values, name, which):
    """A numeric column as float64, missing values (None, NaN, pandas' NA) as NaN."""
    try:
        if hasattr(values, "to_numpy"):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        values = np.asarray(values)
        if values.dtype == object:
            values = np.where(np.equal(values, None), np.nan, values)
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"Column {name!r} is numeric in the real rows, but the {which} rows hold "
            "values that are not numbers."
        ) from None


def _codes(real_labels, synthetic_labels):
    """Integer codes of two label arrays over their shared categories, and the number of categories."""
    categories, inverse = np.unique(np.concatenate([real_labels, synthetic_labels]), return_inverse=True)
    inverse = inverse.ravel()
    return inverse[: len(real_labels)], inverse[len(real_labels):], len(categories)


def _bin_codes(real, synthetic, n_bins, binning):
    """Codes of two numeric columns in ``n_bins`` bins of the real values; missing is one more bin."""
    finite = real[~np.isnan(real)]
    if not finite.size:
        edges = np.empty(0)
    elif binning == "quantile":
        edges = np.unique(np.quantile(finite, np.linspace(0, 1, n_bins + 1)[1:-1]))
    else:
        edges = np.histogram_bin_edges(finite, bins=n_bins)[1:-1]
    missing_code = edges.size + 1

    def code(values):
        codes = np.searchsorted(edges, values, side="right")
        codes[np.isnan(values)] = missing_code
        return codes

    return code(real), code(synthetic), missing_code + 1


def _total_variation(real_codes, synthetic_codes, n_codes):
    """Total-variation distance between the frequencies of two code arrays."""
    p = np.bincount(real_codes, minlength=n_codes) / real_codes.size
    q = np.bincount(synthetic_codes, minlength=n_codes) / synthetic_codes.size
    return float(0.5 * np.abs(p - q).sum())


def ks_statistic(a, b):
    """The two-sample Kolmogorov–Smirnov statistic: the largest gap between two empirical CDFs.

    Exact (no sampling, no binning), as ``scipy.stats.ks_2samp(a, b).statistic``;
    NaN when either sample is empty.

    Examples
    --------
    >>> from skgan.metrics._table_metrics import ks_statistic
    >>> ks_statistic([1.0, 2.0, 3.0, 4.0], [3.0, 4.0, 5.0, 6.0])
    0.5
    """
    a = np.sort(np.asarray(a, dtype=np.float64))
    b = np.sort(np.asarray(b, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        return float("nan")
    points = np.concatenate([a, b])
    gap = np.searchsorted(a, points, side="right") / a.size - np.searchsorted(b, points, side="right") / b.size
    return float(np.abs(gap).max())


# ----------------------------------------------------------------------------
# one column


def column_similarity(real, synthetic):
    """How alike each column's distribution is in the real and synthetic rows.

    For a numeric column, the two-sample Kolmogorov–Smirnov statistic of its
    non-missing values (the largest gap between the two empirical CDFs,
    computed exactly; Smirnov, 1939); when either set has missing values, one
    more row compares the missing-value rates (their absolute difference).
    For a categorical column, the total-variation distance between the two
    sets' category frequencies, ``0.5 * sum(|p - q|)``, missing values being
    one more category. Each ``value`` is in [0, 1], 0 for identical
    distributions, and ``score = 1 - value`` is SDMetrics' ``KSComplement`` or
    ``TVComplement`` (1 for identical distributions).

    Parameters
    ----------
    real : pandas DataFrame or array-like of shape (n, d)
        The real rows.
    synthetic : pandas DataFrame or array-like of shape (m, d)
        The synthetic rows: a DataFrame with the same column names (in any
        order) when ``real`` is one, else an array with as many columns.

    Returns
    -------
    result : pandas DataFrame or numpy structured array
        One row per column (two for a numeric column with missing values), in
        the real rows' column order, with fields ``column`` (its name, or its
        position in an array), ``kind`` (``"numeric"`` or ``"categorical"``),
        ``metric`` (``"ks"``, ``"missing"`` or ``"tv"``), ``value`` and
        ``score``. A DataFrame when pandas is installed, else a structured
        array with the same fields. A numeric column with no non-missing
        values in either set has a NaN ``ks`` value.

    See Also
    --------
    pairwise_similarity : the same for pairs of columns.

    Notes
    -----
    Column kinds follow the one rule of all skgan metrics: boolean,
    ``object``, string and ``category`` columns are categorical, the rest
    numeric (an array's columns all have the array's kind). Categories are
    compared as their text, so ``1`` and ``"1"`` are one category.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics._table_metrics import column_similarity
    >>> real = np.array([[1.0], [2.0], [3.0], [4.0]])
    >>> synthetic = np.array([[3.0], [4.0], [5.0], [6.0]])
    >>> result = column_similarity(real, synthetic)
    >>> result["metric"].tolist(), result["value"].tolist(), result["score"].tolist()
    (['ks'], [0.5], [0.5])
    >>> colors = np.array([["red"], ["red"], ["blue"], ["blue"]], dtype=object)
    >>> column_similarity(colors, colors[:3])["score"].round(4).tolist()
    [0.8333]
    """
    rows = []
    for column in _columns(real, synthetic):
        if column.categorical:
            codes = _codes(category_labels(column.real), category_labels(column.synthetic))
            rows.append(_row(column.name, "categorical", "tv", _total_variation(*codes)))
            continue
        a = _numbers(column.real, column.name, "real")
        b = _numbers(column.synthetic, column.name, "synthetic")
        a_missing, b_missing = np.isnan(a), np.isnan(b)
        rows.append(_row(column.name, "numeric", "ks", ks_statistic(a[~a_missing], b[~b_missing])))
        if a_missing.any() or b_missing.any():
            rows.append(_row(column.name, "numeric", "missing", abs(a_missing.mean() - b_missing.mean())))
    return _table(rows, COLUMN_FIELDS)


def _row(name, kind, metric, value):
    value = float(value)
    return {"column": name, "kind": kind, "metric": metric, "value": value, "score": 1.0 - value}


# ----------------------------------------------------------------------------
# pairs of columns


def _correlation(x, y, method):
    """Pearson or Spearman correlation of the rows where both are present; NaN when undefined."""
    present = ~(np.isnan(x) | np.isnan(y))
    x, y = x[present], y[present]
    if x.size < 2:
        return float("nan")
    if method == "spearman":
        x, y = rankdata(x), rankdata(y)
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt((x * x).sum() * (y * y).sum())
    if denominator == 0 or not np.isfinite(denominator):
        return float("nan")
    return float(np.clip((x * y).sum() / denominator, -1.0, 1.0))


def pairwise_similarity(real, synthetic, *, correlation="pearson", n_bins=10, binning="quantile"):
    """How alike the relationship of each pair of columns is in the real and synthetic rows.

    - Two numeric columns: the absolute difference of their correlations in
      the two sets, ``|r_real - r_synthetic|`` in [0, 2], over the rows where
      both are present; ``score = 1 - value / 2`` is SDMetrics'
      ``CorrelationSimilarity``.
    - Two categorical columns: the total-variation distance between the two
      sets' contingency tables (the joint frequencies of the pairs of
      categories, missing values being one more category), in [0, 1];
      ``score = 1 - value`` is SDMetrics' ``ContingencySimilarity``.
    - A numeric and a categorical column: the numeric column is cut into
      ``n_bins`` bins at quantiles of its real values (fewer when quantiles
      coincide; values outside the real range fall into the end bins, missing
      values are one more bin) and the pair is compared as two categorical
      columns. SDMetrics' ``ContingencySimilarity`` bins continuous columns
      too, but into equal-width bins of the real range: ``binning="uniform"``
      does the same.

    Parameters
    ----------
    real : pandas DataFrame or array-like of shape (n, d)
        The real rows, with at least two columns.
    synthetic : pandas DataFrame or array-like of shape (m, d)
        The synthetic rows: a DataFrame with the same column names (in any
        order) when ``real`` is one, else an array with as many columns.
    correlation : {"pearson", "spearman"}, default="pearson"
        The correlation of numeric pairs (Pearson is SDMetrics' default;
        Spearman's is Pearson's on ranks, less sensitive to outliers).
    n_bins : int, default=10
        Number of bins of a numeric column in a mixed pair.
    binning : {"quantile", "uniform"}, default="quantile"
        Bins of equal counts of the real values (every bin matters, whatever
        the column's skew) or of equal width over the real range (SDMetrics'
        choice).

    Returns
    -------
    result : pandas DataFrame or numpy structured array
        One row per pair of columns, in the real rows' column order, with
        fields ``column_1``, ``column_2``, ``kind`` (``"numeric"``,
        ``"categorical"`` or ``"mixed"``), ``metric`` (``"pearson"`` or
        ``"spearman"``: the correlation difference; ``"tv"``: the contingency
        tables' distance), ``value`` and ``score`` (1 for identical sets). A
        correlation that is undefined in either set (a constant column, fewer
        than two rows with both values) makes ``value`` and ``score`` NaN.

    See Also
    --------
    column_similarity : the same for single columns.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics._table_metrics import pairwise_similarity
    >>> real = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    >>> synthetic = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    >>> result = pairwise_similarity(real, synthetic)
    >>> result["value"].tolist(), result["score"].tolist()
    ([2.0], [0.0])
    """
    if correlation not in ("pearson", "spearman"):
        raise ValueError(f"correlation must be 'pearson' or 'spearman', got {correlation!r}.")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}.")
    if binning not in ("quantile", "uniform"):
        raise ValueError(f"binning must be 'quantile' or 'uniform', got {binning!r}.")
    columns = _columns(real, synthetic)
    if len(columns) < 2:
        raise ValueError(f"Pairs need at least two columns, got {len(columns)}.")
    numbers, codes = {}, {}
    for column in columns:
        if column.categorical:
            codes[column.name] = _codes(category_labels(column.real), category_labels(column.synthetic))
        else:
            numbers[column.name] = (
                _numbers(column.real, column.name, "real"),
                _numbers(column.synthetic, column.name, "synthetic"),
            )
    rows = []
    for first, second in combinations(columns, 2):
        names = {"column_1": first.name, "column_2": second.name}
        if not (first.categorical or second.categorical):
            (a_real, a_synthetic), (b_real, b_synthetic) = numbers[first.name], numbers[second.name]
            value = abs(_correlation(a_real, b_real, correlation) - _correlation(a_synthetic, b_synthetic, correlation))
            rows.append({**names, "kind": "numeric", "metric": correlation, "value": value, "score": 1 - value / 2})
            continue
        pair = []
        for column in (first, second):
            if column.name not in codes:
                codes[column.name] = _bin_codes(*numbers[column.name], n_bins, binning)
            pair.append(codes[column.name])
        (a_real, a_synthetic, a_n), (b_real, b_synthetic, b_n) = pair
        value = _total_variation(a_real * b_n + b_real, a_synthetic * b_n + b_synthetic, a_n * b_n)
        kind = "categorical" if first.categorical and second.categorical else "mixed"
        rows.append({**names, "kind": kind, "metric": "tv", "value": value, "score": 1 - value})
    return _table(rows, PAIR_FIELDS)


# ----------------------------------------------------------------------------
# utility


class TSTRScore(NamedTuple):
    """Scores of one model trained on synthetic rows (TSTR) and on real rows (TRTR), both tested on real rows.

    Attributes
    ----------
    tstr : float
        Score on the real test rows of the model trained on the synthetic rows.
    trtr : float or None
        Score on the same rows of the model trained on the real training rows
        (None when none were given).
    difference : float or None
        ``tstr - trtr``: 0 when the synthetic rows are as useful as the real
        ones, below 0 when less useful (for scores where higher is better,
        as all scikit-learn scorers are).
    ratio : float or None
        ``tstr / trtr`` (NaN when ``trtr`` is 0): 1 when as useful, below 1
        when less useful for positive scores such as accuracy or ROC AUC. For
        negated losses (``"neg_mean_squared_error"``) and scores that can be
        negative (R²), read ``difference`` instead.

    Examples
    --------
    >>> from skgan.metrics._table_metrics import TSTRScore
    >>> print(TSTRScore(tstr=0.8, trtr=0.9, difference=-0.1, ratio=0.8 / 0.9))
    TSTR 0.8 vs TRTR 0.9 (difference -0.1, ratio 0.889)
    """

    tstr: float
    trtr: float | None = None
    difference: float | None = None
    ratio: float | None = None

    def __str__(self):
        if self.trtr is None:
            return f"TSTR {self.tstr:.3g}"
        return (
            f"TSTR {self.tstr:.3g} vs TRTR {self.trtr:.3g} "
            f"(difference {self.difference:.3g}, ratio {self.ratio:.3g})"
        )


def train_synthetic_test_real(
    estimator, synthetic, y_synthetic, X_test, y_test, *, X_train=None, y_train=None, scoring=None
):
    """Train on synthetic rows, test on real rows (TSTR), beside training on real rows (TRTR).

    The utility measure of Esteban, Hyland & Rätsch, "Real-valued (Medical)
    Time Series Generation with Recurrent Conditional GANs" (2017): a clone
    of ``estimator`` is fitted on the synthetic rows and scored on held-out
    real rows; when the real training rows are given, another clone is fitted
    on them and scored on the same rows, the reference that synthetic data
    can at best match.

    Parameters
    ----------
    estimator : scikit-learn estimator
        The model (a pipeline with its own preprocessing for DataFrames); it
        is cloned, never fitted itself.
    synthetic : array-like or DataFrame of shape (m, d)
        Synthetic features to train on.
    y_synthetic : array-like of shape (m,)
        Their targets.
    X_test : array-like or DataFrame of shape (n_test, d)
        Real rows to score on, held out from the generator's training.
    y_test : array-like of shape (n_test,)
        Their targets.
    X_train : array-like or DataFrame of shape (n, d), default=None
        Real training rows (those the generator learnt from), for TRTR.
    y_train : array-like of shape (n,), default=None
        Their targets; given exactly when ``X_train`` is.
    scoring : str or callable, default=None
        A scikit-learn scoring name (``"roc_auc"``, ``"f1_macro"``, ``"r2"``,
        ...) or a scorer ``scorer(estimator, X, y)``; None uses the
        estimator's own ``score`` (accuracy for classifiers, R² for
        regressors).

    Returns
    -------
    score : TSTRScore
        ``(tstr, trtr, difference, ratio)``; the last three are None without
        ``X_train``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgan.metrics._table_metrics import train_synthetic_test_real
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(400, 2))
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> score = train_synthetic_test_real(
    ...     LogisticRegression(), X[:200], y[:200], X[200:], y[200:], X_train=X[:200], y_train=y[:200]
    ... )
    >>> score.tstr == score.trtr, score.difference, score.ratio
    (True, 0.0, 1.0)
    """
    if (X_train is None) != (y_train is None):
        raise ValueError("X_train and y_train must be given together (or neither).")
    check_consistent_length(synthetic, y_synthetic)
    check_consistent_length(X_test, y_test)
    scorer = check_scoring(estimator, scoring=scoring)
    tstr = float(scorer(clone(estimator).fit(synthetic, y_synthetic), X_test, y_test))
    if X_train is None:
        return TSTRScore(tstr)
    check_consistent_length(X_train, y_train)
    trtr = float(scorer(clone(estimator).fit(X_train, y_train), X_test, y_test))
    ratio = tstr / trtr if trtr != 0 else float("nan")
    return TSTRScore(tstr, trtr, tstr - trtr, ratio)
