"""Continuous columns of ``TabularEncoder``: mode-specific normalisation, point masses, grids, exact integers.

A :class:`ContinuousColumn` models a column of numbers (floats, integers
with many values, dates and times) by mode-specific normalisation (Xu et
al. 2019, CTGAN): a scalar ``alpha = (x - mu_k) / (4 sigma_k)`` clipped to
[-1, 1], then the one-hot of the mode ``k`` (and of "missing"), the modes
fitted by :func:`fit_modes` on a subsample. An integral column (integers,
dates and times) is modelled as the offset of each value from its minimum
and decoded with exact integer arithmetic (:mod:`skgan.preprocessing._integers`).
"""

import numpy as np
from sklearn.mixture import BayesianGaussianMixture

from ..persistence._validators import check, check_bool, check_float, check_keys, check_list
from ._columns import INTEGRAL, check_fits_dtype
from ._integers import from_offsets, nearest, offsets
from ._layout import OutputBlock


def fit_modes(sample, seed, max_modes, weight_threshold):
    """Means, standard deviations and weights of the modes of ``sample`` with weight above the threshold.

    A Bayesian Gaussian mixture with a Dirichlet-process prior (CTGAN's) fitted
    on the standardised sample; at least the heaviest mode is kept, and the
    modes are sorted by mean. Runs in a joblib worker.
    """
    center, scale = float(sample.mean()), float(sample.std())
    scale = scale if scale > 0 else 1.0
    mixture = BayesianGaussianMixture(
        n_components=min(max_modes, len(sample)), weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.001, max_iter=100, n_init=1, random_state=seed,
        covariance_type="diag",  # one feature: the same model as "full" (1e-12 apart when measured), 15% faster
    ).fit(((sample - center) / scale)[:, None])
    weights = mixture.weights_
    keep = weights > weight_threshold
    if not keep.any():
        keep = weights == weights.max()
    means = mixture.means_[keep, 0] * scale + center
    stds = np.sqrt(mixture.covariances_[keep, 0]) * scale
    order = np.argsort(means, kind="stable")
    return means[order], stds[order], weights[keep][order]


#: A value that holds at least this share (2%) of a continuous column's values, and at least POINT_MASS_ROWS of
#: them, is a point mass (e.g. the zeros of an amount that is often zero): its own entry of the mode block,
#: decoded exactly.
POINT_MASS_SHARE = 0.02
POINT_MASS_ROWS = 10


#: A continuous column with at most this many distinct values, each seen twice on average, is on a grid:
#: decoded values snap to the nearest observed value.
MAX_GRID = 1000


def value_grid(finite):
    """The distinct values of a continuous column whose values repeat (at most MAX_GRID), else an empty array."""
    distinct = np.unique(finite)
    return distinct if distinct.size <= MAX_GRID and 2 * distinct.size <= finite.size else np.empty(0)


def point_masses(finite):
    """The point masses of a continuous column's finite values, and the values left for the modes.

    None when fewer than two distinct values would be left for the modes.
    """
    values, counts = np.unique(finite, return_counts=True)
    points = values[counts >= max(POINT_MASS_SHARE * len(finite), POINT_MASS_ROWS)]
    rest = finite[~np.isin(finite, points)]
    if len(points) == 0 or np.unique(rest).size < 2:
        return np.empty(0), finite
    return points, rest


class ContinuousColumn:
    """Mode-specific normalisation: ``alpha`` (clipped to [-1, 1]) then the one-hot of the mode (and of missing).

    The mode of ``x`` is the argmax over the kept modes of ``log w_k +
    log N(x; mu_k, sigma_k)``, so the encoding is a function. Values that are
    point masses (``points``) have an entry of their own after the modes,
    with ``alpha`` 0, and decode exactly (as missing values do). ``gated``:
    the layout tells the generator so (``zero_with`` of the scalar's block),
    and its head zeroes ``alpha`` on those entries, as the encoding does;
    encoders saved before version 2 are not gated. One mode, no point masses and no
    missing values: the scalar alone. Decoded values are rounded for an
    integer column, snapped to the nearest value of ``grid`` (the observed
    values, when they repeat) and clipped to the observed [low, high].

    An integral column (``ctype.integral``: integers, dates and times,
    ``kind="integer"``) keeps ``low``, ``high``, ``points`` and ``grid`` as
    exact integers (Python ints; numpy arrays of the column's storage dtype)
    and its modes (``means``) as offsets from ``low``: it is encoded from
    ``x - low`` and decoded to ``low + round(offset)`` in integer arithmetic.
    Other integer columns (a float column of whole numbers) are rounded floats.
    """

    def __init__(self, ctype, means, stds, weights, low, high, *, rounded, has_missing, points=(), grid=(),
                 gated=False, fallback=None):
        self.ctype = ctype
        self.means = np.asarray(means, dtype=np.float64)
        self.stds = np.asarray(stds, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.exact = bool(rounded) and ctype.integral
        values = ctype.storage if self.exact else np.float64
        self.low, self.high = (int(low), int(high)) if self.exact else (float(low), float(high))
        self.rounded, self.has_missing = bool(rounded), bool(has_missing)
        self.kind = "integer" if self.rounded else "continuous"
        self.points = np.asarray(points, dtype=values)
        self.grid = np.asarray(grid, dtype=values)
        self.gated = bool(gated)
        self.fallback = None if fallback is None else (int(fallback) if self.exact else float(fallback))
        n_modes = len(self.means) + len(self.points)
        self.mode_width = n_modes + self.has_missing if n_modes > 1 or self.has_missing else 0
        self.width = 1 + self.mode_width
        self._log_scores = np.log(self.weights) - np.log(self.stds)

    def _read(self, column, label):
        """The column's values (exact integers, or float64) and its missing mask."""
        if self.exact:
            return self.ctype.integers(column, label)
        numbers = self.ctype.numbers(column, label)
        return numbers, np.isnan(numbers)

    def encode(self, column, label, out):
        values, missing = self._read(column, label)
        if missing.any() and not self.has_missing:
            if self.fallback is None:
                raise ValueError(f"Column {label!r} has missing values, which it did not have when the encoder was "
                                 "fitted.")
            values = values.copy()  # a private fit's column: missing values as its fallback value
            values[missing] = self.fallback
            missing = np.zeros_like(missing)
        numbers = offsets(values, self.low) if self.exact else values
        rows = np.arange(len(numbers))
        z = (np.where(missing, self.means[0], numbers)[:, None] - self.means) / self.stds
        modes = np.argmax(self._log_scores - 0.5 * z * z, axis=1) if len(self.means) > 1 else np.zeros_like(rows)
        alpha = np.clip(z[rows, modes] / 4, -1.0, 1.0)
        point = np.searchsorted(self.points, values).clip(max=max(len(self.points) - 1, 0))
        at_point = (self.points[point] == values) & ~missing if len(self.points) else np.zeros(len(values), bool)
        alpha[missing | at_point] = 0.0
        out[:, 0] = alpha
        if self.mode_width:
            modes[at_point] = len(self.means) + point[at_point]
            modes[missing] = len(self.means) + len(self.points)
            out[rows, 1 + modes] = 1.0

    def decode(self, block, n_rows):
        alpha = np.clip(block[:, 0], -1.0, 1.0)
        n_modes, at_point = len(self.means), None
        if self.mode_width:
            modes = np.argmax(block[:, 1:], axis=1)
            missing = modes == n_modes + len(self.points)
            at_point = (modes >= n_modes) & ~missing
            point = modes[at_point] - n_modes
            modes[missing | at_point] = 0
        else:
            modes, missing = np.zeros(n_rows, dtype=np.intp), np.zeros(n_rows, dtype=bool)
        values = alpha * 4 * self.stds[modes] + self.means[modes]
        if self.exact:
            values = from_offsets(values, self.low, self.high, self.ctype.storage)
            if self.grid.size:
                values = nearest(self.grid, values, self.low)
        else:
            if self.rounded:
                np.rint(values, out=values)
            np.clip(values, self.low, self.high, out=values)
            if self.grid.size:
                values = _nearest_float(self.grid, values)
        if at_point is not None:
            values[at_point] = self.points[point]
        if self.exact:
            return self.ctype.from_integers(values, missing)
        values[missing] = np.nan
        return self.ctype.from_numbers(values)

    def blocks(self, start, name):
        valueless = (start + 1 + len(self.means), start + self.width)  # point masses and missing: alpha is 0
        zero_with = valueless if self.gated and valueless[0] < valueless[1] else None
        blocks = [OutputBlock("continuous", start, start + 1, name=name, zero_with=zero_with)]
        if self.mode_width:
            blocks.append(OutputBlock("categorical", start + 1, start + self.width, name=name))
        return blocks

    def feature_names(self, name):
        if not self.mode_width:
            return [str(name)]
        modes = [f"{name}__mode_{k}" for k in range(len(self.means))]
        points = [f"{name}__value_{value:g}" for value in self.points]
        return [str(name), *modes, *points] + [f"{name}__missing"] * self.has_missing

    def to_plain(self, where):
        plain = {"kind": self.kind, "means": self.means.tolist(), "stds": self.stds.tolist(),
                 "weights": self.weights.tolist(), "low": self.low, "high": self.high, "missing": self.has_missing,
                 "points": self.points.tolist(), "grid": self.grid.tolist(), "gated": self.gated}
        if self.fallback is not None:  # a private fit's (files of exact fits keep their keys)
            plain["fallback"] = self.fallback
        return plain

    @classmethod
    def from_plain(cls, plain, ctype, where, version):
        """The column from plain values; version 3 wrote an integral column's values as exact integers.

        An integral column of an older version (floats, modes on the values
        themselves) is read as the same model in offsets from ``low``.
        """
        keys = ("name", "dtype", "kind", "means", "stds", "weights", "low", "high", "missing", "points", "grid")
        optional = ("fallback",) if isinstance(plain, dict) and "fallback" in plain else ()
        check_keys(plain, keys + ("gated",) * (version >= 2) + optional, where)
        allowed = ("float", "Float") + INTEGRAL * (plain["kind"] == "integer")
        check(ctype.family in allowed, f"{where}['kind']",
              f"is {plain['kind']!r}, which a column of dtype {ctype.name} cannot be")
        n_modes = len(check_list(plain["means"], f"{where}['means']"))
        check(n_modes >= 1, f"{where}['means']", "must hold at least one mode")
        arrays = {}
        for key in ("means", "stds", "weights"):
            items = check_list(plain[key], f"{where}[{key!r}]", n_modes)
            arrays[key] = [check_float(v, f"{where}[{key!r}][{i}]") for i, v in enumerate(items)]
            if key != "means":
                check(min(arrays[key]) > 0, f"{where}[{key!r}]", "must be positive")
        rounded = plain["kind"] == "integer"
        exact = rounded and ctype.integral
        read = _exact_integer if exact and version >= 3 else check_float
        low, high = (read(plain[key], f"{where}[{key!r}]") for key in ("low", "high"))
        check(low <= high, f"{where}['low']", "must not exceed 'high'")
        check(not rounded or (float(low).is_integer() and float(high).is_integer()), f"{where}['low']",
              "and 'high' must be whole numbers in an integer column")
        lists = {}
        for key in ("points", "grid"):
            items = check_list(plain[key], f"{where}[{key!r}]")
            lists[key] = [read(v, f"{where}[{key!r}][{i}]") for i, v in enumerate(items)]
        if exact and version < 3:  # floats of the values: the same model in offsets from low
            check(not ctype.temporal, f"{where}['dtype']", f"is {ctype.name}, which version {version} never wrote")
            low, high = int(low), int(high)
            arrays["means"] = [mean - low for mean in arrays["means"]]
            check(all(float(v).is_integer() for v in lists["points"] + lists["grid"]), f"{where}['points']",
                  "and 'grid' must be whole numbers in an integer column")
            lists = {key: [int(v) for v in values] for key, values in lists.items()}
        check_fits_dtype([low, high], ctype, f"{where}['low'] and ['high']")
        has_missing = check_bool(plain["missing"], f"{where}['missing']")
        check(not has_missing or ctype.family != "int", f"{where}['missing']",
              f"is impossible for dtype {ctype.name}")
        points, grid = lists["points"], lists["grid"]
        check(all(low <= v <= high for v in points) and points == sorted(set(points)), f"{where}['points']",
              "must be distinct values in [low, high], in increasing order")
        check(len(grid) <= MAX_GRID and all(low <= v <= high for v in grid) and grid == sorted(set(grid)),
              f"{where}['grid']", f"must be at most {MAX_GRID} distinct values in [low, high], in increasing order")
        gated = check_bool(plain["gated"], f"{where}['gated']") if version >= 2 else False
        fallback = plain.get("fallback")
        if fallback is not None:
            fallback = read(fallback, f"{where}['fallback']")
            check(low <= fallback <= high, f"{where}['fallback']", "must be in [low, high]")
        return cls(ctype, arrays["means"], arrays["stds"], arrays["weights"], low, high,
                   rounded=rounded, has_missing=has_missing, points=points, grid=grid, gated=gated,
                   fallback=fallback)


def _exact_integer(value, where):
    check(type(value) is int, where, f"must be an integer, got {value!r}")
    return value


def _nearest_float(grid, values):
    """Each value's nearest value of ``grid`` (sorted floats)."""
    above = np.searchsorted(grid, values).clip(1, grid.size - 1) if grid.size > 1 else 0
    below = np.maximum(above - 1, 0)
    nearer_above = np.abs(grid[above] - values) < np.abs(values - grid[below])
    return np.where(nearer_above, grid[above], grid[below])
