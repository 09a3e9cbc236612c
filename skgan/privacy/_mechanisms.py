"""Differentially private statistics of the training rows, each with a pure epsilon-DP guarantee.

A private fit (:class:`~skgan.privacy.DPSGD`) spends a share of its
epsilon on what the encoder and the codec learn from the rows before
training (category counts, ranges, quantiles); the functions here are the
mechanisms that spend it. Each takes its own ``epsilon`` and a
``numpy.random.Generator``; their epsilons add up (basic composition) to the
share the fit gives them. Neighbouring data sets differ by one row added or
removed.

- :func:`laplace_counts`: a histogram over bins that do not depend on the
  rows, with Laplace noise (Dwork et al., 2006);
- :func:`kept_categories`: the categories of a column whose noisy count
  passes :func:`keep_threshold`, so that a category seen in one row is kept
  with a small, chosen probability. Where the categories are the rows'
  own values (text, integers), the set of kept categories is
  ``(epsilon, delta)``-DP with ``delta`` that probability; over a public
  domain (a ``category`` dtype's categories, booleans) it is pure;
- :func:`exponential_mechanism`: an index drawn with probability
  proportional to ``measure * exp(epsilon * utility / (2 * sensitivity))``
  (McSherry and Talwar, 2007);
- :func:`approx_bounds`: a range that holds most rows, from a noisy
  histogram over the bins ``[2**(k-1), 2**k)`` of either sign (as OpenDP's
  and SmartNoise's "approx bounds");
- :func:`dp_quantile`: one quantile inside given bounds by the exponential
  mechanism over the gaps between sorted values (Smith, 2011);
- :func:`histogram_quantiles`: many quantiles at once from one noisy
  histogram of equal bins inside given bounds;
- :func:`narrowed_bounds`: bounds narrowed to the equal bins inside them
  whose noisy counts pass a threshold (a column of years, or of dates,
  fills a small part of its power-of-2 bin);
- :func:`private_range`: a column's range for scaling and clipping: the
  :data:`EDGE_QUANTILES` by :func:`dp_quantile` (or, with few rows for
  the budget, :func:`histogram_quantiles`) inside :func:`approx_bounds`
  narrowed once.
"""

import math
from numbers import Real

import numpy as np

__all__ = ["approx_bounds", "dp_quantile", "exponential_mechanism", "histogram_quantiles", "keep_threshold",
           "kept_categories", "laplace_counts", "narrowed_bounds", "private_range"]

#: The probability that a category seen in one row keeps a place of its own (:func:`keep_threshold`).
ONE_ROW_KEPT = 1e-3
#: The probability that some empty bin of :func:`approx_bounds`'s histogram passes its threshold.
EMPTY_BIN_PASSES = 1e-3
#: The exponents of :func:`approx_bounds`'s bins: magnitudes below ``2**MIN_EXPONENT`` share one bin around 0,
#: those from ``2**(MAX_EXPONENT - 1)`` on the outermost bins (whose outer edge is ``2**MAX_EXPONENT``).
MIN_EXPONENT, MAX_EXPONENT = -32, 64
#: The widths of the groups of bins :func:`approx_bounds` tries when no single bin passes.
MERGED_WIDTHS = (1, 2, 4, 8, 16)
#: :func:`narrowed_bounds` keeps its bounds when a bin outside the bins that pass passes this share of the threshold.
NARROWED_GUARD = 0.75
#: :func:`private_range` finds its quantiles by the exponential mechanism when ``n * epsilon`` of each is this or more.
EXPONENTIAL_ROWS = 50
#: The quantiles :func:`private_range` takes as a column's range (the rows beyond them are clipped to it).
EDGE_QUANTILES = (0.005, 0.995)


def check_epsilon(epsilon, name="epsilon"):
    """``epsilon`` as a float: a ValueError unless it is a positive finite number (booleans are not).

    Examples
    --------
    >>> check_epsilon(3)
    3.0
    >>> check_epsilon(0)
    Traceback (most recent call last):
    ...
    ValueError: epsilon must be a positive finite number, got 0.
    """
    if isinstance(epsilon, (bool, np.bool_)) or not isinstance(epsilon, Real) or not (
            math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"{name} must be a positive finite number, got {epsilon!r}.")
    return float(epsilon)


def laplace_counts(counts, epsilon, rng):
    """A histogram's counts with Laplace noise of scale ``1 / epsilon``, clipped at 0.

    Adding or removing one row changes one count by one (sensitivity 1 in
    the L1 norm), so the noisy counts are ``epsilon``-DP (Dwork et al.,
    2006); clipping is post-processing.

    Parameters
    ----------
    counts : array-like of int
        The exact counts of a histogram whose bins do not depend on the rows.
    epsilon : float
        The privacy budget this histogram spends.
    rng : numpy.random.Generator

    Returns
    -------
    noisy : ndarray of float64
        The noisy counts, each at least 0.

    Examples
    --------
    >>> import numpy as np
    >>> noisy = laplace_counts([500, 20, 0], epsilon=1.0, rng=np.random.default_rng(0))
    >>> noisy.shape, bool((noisy >= 0).all())
    ((3,), True)
    """
    epsilon = check_epsilon(epsilon)
    counts = np.asarray(counts, dtype=np.float64)
    return np.maximum(counts + rng.laplace(0.0, 1.0 / epsilon, size=counts.shape), 0.0)


def keep_threshold(epsilon, one_row_kept=ONE_ROW_KEPT):
    """The noisy count a category needs to be kept: one seen in one row passes with probability ``one_row_kept``.

    With Laplace noise of scale ``b = 1 / epsilon``, ``P(1 + noise > t) =
    exp(-(t - 1) / b) / 2``, so ``t = 1 + b * log(1 / (2 * one_row_kept))``;
    a category with no row passes with ``exp(-epsilon) * one_row_kept``.

    Parameters
    ----------
    epsilon : float
        The budget of the noisy counts.
    one_row_kept : float, default=ONE_ROW_KEPT
        In (0, 0.5).

    Returns
    -------
    threshold : float

    Examples
    --------
    >>> round(keep_threshold(1.0, one_row_kept=0.5), 6)
    1.0
    """
    epsilon = check_epsilon(epsilon)
    if not 0 < one_row_kept <= 0.5:
        raise ValueError(f"one_row_kept must be in (0, 0.5], got {one_row_kept!r}.")
    return 1.0 + math.log(1.0 / (2.0 * one_row_kept)) / epsilon


def kept_categories(counts, epsilon, rng, one_row_kept=ONE_ROW_KEPT, max_kept=None, public_domain=True):
    """The categories whose noisy count passes :func:`keep_threshold`, and the noisy counts (``epsilon``-DP).

    When none passes and the categories are a public domain (chosen without
    the rows: booleans, a dtype's categories), the one with the largest
    noisy count is kept (post-processing of all the noisy counts); over the
    rows' own values (``public_domain=False``) none is, since that choice
    would name a value seen in one row. With ``max_kept``, only that many
    of the largest noisy counts.

    Parameters
    ----------
    counts : array-like of int
        Each category's count (one count per row: sensitivity 1).
    epsilon : float
    rng : numpy.random.Generator
    one_row_kept : float, default=ONE_ROW_KEPT
        The probability that a category seen in one row is kept.
    max_kept : int or None, default=None

    Returns
    -------
    keep : ndarray of bool
        At least one True over a public domain.
    noisy : ndarray of float64
        :func:`laplace_counts` of ``counts``.

    Examples
    --------
    >>> import numpy as np
    >>> keep, noisy = kept_categories([1000, 800, 1], epsilon=1.0, rng=np.random.default_rng(0))
    >>> keep.tolist()
    [True, True, False]
    """
    threshold = keep_threshold(epsilon, one_row_kept)
    noisy = laplace_counts(counts, epsilon, rng)
    keep = noisy > threshold
    if noisy.size and not keep.any() and public_domain:
        keep[np.argmax(noisy)] = True
    if max_kept is not None and keep.sum() > max_kept:
        order = np.argsort(-np.where(keep, noisy, -1.0), kind="stable")
        keep = np.zeros_like(keep)
        keep[order[:max_kept]] = True
    return keep, noisy


def exponential_mechanism(utilities, epsilon, rng, sensitivity=1.0, log_measure=None, size=None):
    """Indices drawn with probability proportional to ``exp(log_measure + epsilon * utility / (2 * sensitivity))``.

    ``epsilon``-DP when one row changes each utility by at most
    ``sensitivity`` and ``log_measure`` does not depend on the rows (or is
    the log-width of intervals whose utility is constant over them, as in
    :func:`dp_quantile`). Drawn exactly by the Gumbel-max trick.

    Parameters
    ----------
    utilities : array-like of float
    epsilon : float
    rng : numpy.random.Generator
    sensitivity : float, default=1.0
    log_measure : array-like of float or None, default=None
        Log of a base measure (``-inf``: never drawn); None is uniform.
    size : int or None, default=None
        Number of independent draws (each spends ``epsilon``); None for one.

    Returns
    -------
    index : int or ndarray of int

    Examples
    --------
    >>> import numpy as np
    >>> exponential_mechanism([0.0, -100.0, -100.0], epsilon=1.0, rng=np.random.default_rng(0))
    0
    """
    epsilon = check_epsilon(epsilon)
    scores = epsilon * np.asarray(utilities, dtype=np.float64) / (2.0 * sensitivity)
    if log_measure is not None:
        scores = scores + np.asarray(log_measure, dtype=np.float64)
    if not np.isfinite(scores).any():
        raise ValueError("The exponential mechanism needs at least one candidate of positive measure.")
    shape = scores.shape if size is None else (size, scores.size)
    draws = np.argmax(scores + rng.gumbel(size=shape), axis=-1)
    return int(draws) if size is None else draws


def _exponent_bins(values):
    """Each value's bin of :func:`approx_bounds`: ``L`` negative bins (largest magnitude first), 0, ``L`` positive."""
    levels = MAX_EXPONENT - MIN_EXPONENT
    _, exponent = np.frexp(np.abs(values))  # |x| in [2**(e-1), 2**e)
    level = np.clip(exponent - MIN_EXPONENT, 0, levels)  # 0: the bin around 0
    return np.where(values < 0, levels - level, levels + level), 2 * levels + 1


def _bin_edges(index):
    """``(low, high)`` of bin ``index`` of :func:`_exponent_bins`, within the finite floats."""
    levels = MAX_EXPONENT - MIN_EXPONENT
    largest = float(np.finfo(np.float64).max)
    level = abs(index - levels)
    if level == 0:
        edge = math.ldexp(1.0, MIN_EXPONENT)
        return -edge, edge
    outer = min(math.ldexp(1.0, level + MIN_EXPONENT), largest)
    inner = math.ldexp(1.0, level + MIN_EXPONENT - 1)
    return (-outer, -inner) if index < levels else (inner, outer)


def approx_bounds(values, epsilon, rng, empty_bin_passes=EMPTY_BIN_PASSES):
    """A range ``(low, high)`` around most of ``values``, ``epsilon``-DP, from a noisy histogram of magnitudes.

    The bins are ``[2**(k-1), 2**k)`` and their negatives for ``k`` from
    ``MIN_EXPONENT + 1`` to ``MAX_EXPONENT``, and one bin around 0; their
    counts get Laplace noise (:func:`laplace_counts`), and the bounds are the
    outer edges of the lowest and highest bins whose noisy count passes a
    threshold that an empty bin passes with probability
    ``empty_bin_passes / n_bins`` (so that some empty bin passes with at
    most ``empty_bin_passes``): a value held by a few rows alone rarely
    widens the range. When no bin passes (rows spread over bins too thin
    for the noise), groups of 2, 4, ... adjacent bins on either side of 0
    are tried against the threshold times half the square root of their
    width, at least the threshold (the same noisy counts: no more budget);
    when none passes either, a ValueError (too few rows for the budget: a
    guess could be anywhere among the bins). The range is within a factor of 2 of the values' (OpenDP,
    SmartNoise), or of the groups' width; when the bins that pass are all of one sign, the range
    reaches 0 (rows of small values in bins too sparse to pass are not
    cut off). :func:`narrowed_bounds` and :func:`dp_quantile` narrow it.

    Parameters
    ----------
    values : array-like of float
        Finite numbers.
    epsilon : float
    rng : numpy.random.Generator
    empty_bin_passes : float, default=EMPTY_BIN_PASSES

    Returns
    -------
    low, high : float
        ``low < high``.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.random.default_rng(0).uniform(3.0, 7.0, size=1000)
    >>> approx_bounds(values, epsilon=1.0, rng=np.random.default_rng(1))
    (0.0, 8.0)
    """
    epsilon = check_epsilon(epsilon)
    bins, n_bins = _exponent_bins(np.asarray(values, dtype=np.float64).ravel())
    noisy = np.bincount(bins, minlength=n_bins) + rng.laplace(0.0, 1.0 / epsilon, size=n_bins)
    threshold = math.log(n_bins / (2.0 * empty_bin_passes)) / epsilon
    levels, index = n_bins // 2, np.arange(n_bins)
    for width in MERGED_WIDTHS:  # groups of bins outward from 0: the zero bin, then +-(1..width), ...
        group = np.where(index > levels, (index - levels - 1) // width + 1,
                         np.where(index < levels, -((levels - 1 - index) // width + 1), 0))
        sums = np.bincount(group - group.min(), weights=noisy)
        passing = np.flatnonzero(sums > threshold * max(1.0, math.sqrt(width) / 2)) + group.min()
        if passing.size:
            first, last = index[group == passing[0]].min(), index[group == passing[-1]].max()
            break
    else:  # a guess would be anywhere between 1e-300 and 1e300: no range is better than a wrong one
        raise ValueError(
            f"Too few rows ({len(bins)}) for a private range at epsilon {epsilon:.3g}: no group of bins of the "
            "noisy histogram holds enough of them. Give the statistics a larger share of epsilon "
            "(DPSGD(statistics_share=...)), a larger epsilon, fewer columns, or fit on more rows."
        )
    low, high = _bin_edges(int(first))[0], _bin_edges(int(last))[1]
    return (0.0 if low > 0 else low), (0.0 if high < 0 else high)  # one sign: the range reaches 0


def _passing_bins(counts, epsilon, rng, empty_bin_passes, guard=None):
    """The first and last bins whose noisy count passes the threshold, and the noisy counts.

    None for the bins when no bin passes, or when a bin outside them passes
    ``guard`` times the threshold (rows spread beyond the bins that pass).
    """
    noisy = laplace_counts(counts, epsilon, rng)
    threshold = math.log(len(noisy) / (2.0 * empty_bin_passes)) / epsilon
    passing = np.flatnonzero(noisy > threshold)
    if not passing.size:
        return None, noisy
    first, last = int(passing[0]), int(passing[-1])
    if guard is not None and (np.delete(noisy, np.arange(first, last + 1)) > guard * threshold).any():
        return None, noisy
    return (first, last), noisy


def narrowed_bounds(values, bounds, epsilon, rng, n_bins=64, empty_bin_passes=EMPTY_BIN_PASSES):
    """``bounds`` narrowed to the outer edges of the first and last of ``n_bins`` equal bins that hold rows, DP.

    As :func:`approx_bounds` on a linear scale: the values clipped into
    ``bounds`` are counted in equal bins, with Laplace noise; the bins that
    pass the threshold (an empty bin passes with ``empty_bin_passes /
    n_bins``) give the range. If none passes, or a bin outside that range
    passes :data:`NARROWED_GUARD` times the threshold (rows spread beyond
    it), ``bounds`` are kept.

    Parameters
    ----------
    values : array-like of float
    bounds : (float, float)
        ``low <= high``, chosen without the rows (or privately).
    epsilon : float
    rng : numpy.random.Generator
    n_bins : int, default=64
    empty_bin_passes : float, default=EMPTY_BIN_PASSES

    Returns
    -------
    low, high : float
        Within ``bounds``.

    Examples
    --------
    >>> import numpy as np
    >>> years = np.random.default_rng(0).integers(1990, 2020, size=1000).astype(float)
    >>> narrowed_bounds(years, (1024.0, 2048.0), epsilon=1.0, rng=np.random.default_rng(1))
    (1984.0, 2032.0)
    """
    epsilon = check_epsilon(epsilon)
    low, high = float(bounds[0]), float(bounds[1])
    if not low < high:
        return low, high
    edges = np.linspace(low, high, n_bins + 1)
    if not np.isfinite(edges).all() or not np.all(np.diff(edges) > 0):  # too wide, or too narrow, for floats
        return low, high
    counts, _ = np.histogram(np.clip(np.asarray(values, dtype=np.float64).ravel(), low, high), bins=edges)
    passing, _ = _passing_bins(counts, epsilon, rng, empty_bin_passes, NARROWED_GUARD)
    return (low, high) if passing is None else (float(edges[passing[0]]), float(edges[passing[1] + 1]))


def dp_quantile(values, quantile, bounds, epsilon, rng):
    """The ``quantile`` of ``values`` inside ``bounds``, ``epsilon``-DP, by the exponential mechanism (Smith, 2011).

    The values are clipped to ``bounds`` and sorted, ``x_1 <= ... <= x_n``
    with ``x_0 = low`` and ``x_{n+1} = high``; the gap ``[x_i, x_{i+1}]`` is
    drawn with probability proportional to its width times ``exp(-epsilon
    * |i - quantile * n| / 2)``, and the result uniformly inside it. Its
    distribution has no atom at any row's value.

    Parameters
    ----------
    values : array-like of float
    quantile : float
        In [0, 1].
    bounds : (float, float)
        ``low <= high``, chosen without the rows (or privately).
    epsilon : float
    rng : numpy.random.Generator

    Returns
    -------
    value : float
        In ``bounds``.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.arange(1000.0)
    >>> median = dp_quantile(values, 0.5, (0.0, 1000.0), epsilon=1.0, rng=np.random.default_rng(0))
    >>> 450 < median < 550
    True
    """
    epsilon = check_epsilon(epsilon)
    if not 0.0 <= quantile <= 1.0:
        raise ValueError(f"quantile must be in [0, 1], got {quantile!r}.")
    low, high = float(bounds[0]), float(bounds[1])
    if not low <= high:
        raise ValueError(f"bounds must be (low, high) with low <= high, got {bounds!r}.")
    if low == high:
        return low
    points = np.concatenate([[low], np.sort(np.clip(np.asarray(values, dtype=np.float64).ravel(), low, high)),
                             [high]])
    widths = np.diff(points)
    if not np.isfinite(widths).all():  # bounds too far apart for float64 differences: halve them
        widths = np.diff(points / 2.0)
    with np.errstate(divide="ignore"):
        log_widths = np.log(widths)
    n = len(points) - 2
    gap = exponential_mechanism(-np.abs(np.arange(n + 1) - quantile * n), epsilon, rng, log_measure=log_widths)
    return float(np.clip(points[gap] + rng.uniform() * (points[gap + 1] - points[gap]), low, high))


def histogram_quantiles(values, quantiles, bounds, epsilon, rng, n_bins=64):
    """Several quantiles of ``values`` inside ``bounds`` from one noisy histogram, ``epsilon``-DP in all.

    ``n_bins`` equal bins over ``bounds`` (values clipped into them), their
    counts with Laplace noise of scale ``b = 1 / epsilon``, less ``b / 2``
    (the mean that clipping at 0 leaves to an empty bin), clipped at 0, and
    each quantile interpolated linearly in the cumulative counts: any
    number of quantiles for one budget, each as precise as a bin and the
    noise allow.

    Parameters
    ----------
    values : array-like of float
    quantiles : array-like of float
        In [0, 1].
    bounds : (float, float)
        ``low <= high``, chosen without the rows (or privately).
    epsilon : float
    rng : numpy.random.Generator
    n_bins : int, default=64

    Returns
    -------
    values : ndarray of float64
        Non-decreasing in ``quantiles``, within ``bounds``.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.random.default_rng(0).uniform(0.0, 1.0, size=10000)
    >>> q = histogram_quantiles(values, [0.25, 0.5, 0.75], (0.0, 1.0), epsilon=1.0, rng=np.random.default_rng(1))
    >>> np.round(q, 1).tolist()
    [0.2, 0.5, 0.8]
    """
    epsilon = check_epsilon(epsilon)
    low, high = float(bounds[0]), float(bounds[1])
    quantiles = np.asarray(quantiles, dtype=np.float64)
    if low == high:
        return np.full(quantiles.shape, low)
    edges = np.linspace(low, high, n_bins + 1)
    counts, _ = np.histogram(np.clip(np.asarray(values, dtype=np.float64).ravel(), low, high), bins=edges)
    noisy = np.maximum(laplace_counts(counts, epsilon, rng) - 0.5 / epsilon, 0.0)
    total = noisy.sum()
    if total <= 0:
        return low + quantiles * (high - low)
    cumulative = np.concatenate([[0.0], np.cumsum(noisy) / total])
    return np.clip(np.interp(quantiles, cumulative, edges), low, high)


def private_range(values, epsilon, rng):
    """A column's range ``(low, high)``, ``epsilon``-DP: the :data:`EDGE_QUANTILES` of ``values``.

    Half of ``epsilon`` finds :func:`approx_bounds`, a quarter narrows them
    (:func:`narrowed_bounds`), and the last quarter finds the two
    quantiles inside them: by :func:`dp_quantile` (an eighth each) when
    the rows are many for that budget (``n * epsilon / 8`` at least
    :data:`EXPONENTIAL_ROWS`), else from one histogram
    (:func:`histogram_quantiles`: the exponential mechanism with few rows
    draws almost uniformly between the bounds). No row's value is the
    range's end but by chance: one outlier neither widens it nor sets it.

    Parameters
    ----------
    values : array-like of float
        Finite numbers.
    epsilon : float
    rng : numpy.random.Generator

    Returns
    -------
    low, high : float
        ``low <= high``.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.append(np.random.default_rng(0).uniform(0.0, 1.0, size=999), 1e6)
    >>> low, high = private_range(values, epsilon=1.0, rng=np.random.default_rng(1))
    >>> 0.0 <= low < 0.1 and 0.9 < high <= 1.0
    True
    """
    epsilon = check_epsilon(epsilon)
    values = np.asarray(values, dtype=np.float64).ravel()
    coarse = narrowed_bounds(values, approx_bounds(values, epsilon / 2, rng), epsilon / 4, rng)
    if len(values) * epsilon / 8 >= EXPONENTIAL_ROWS:
        low, high = (dp_quantile(values, q, coarse, epsilon / 8, rng) for q in EDGE_QUANTILES)
    else:
        low, high = histogram_quantiles(values, EDGE_QUANTILES, coarse, epsilon / 4, rng)
    return (float(low), float(high)) if low <= high else (float(high), float(low))
