"""Fidelity and coverage of synthetic rows: precision, recall, density and coverage."""

from fractions import Fraction
from typing import NamedTuple

import numpy as np
import torch

from . import _neighbours
from ._encoding import DistanceEncoding, check_sets
from ._neighbours import (
    Bands,
    block,
    block_sizes,
    direct_sq_distances,
    knn_sq_distances,
    row_sets,
    threshold_in,
)


class PRDC(NamedTuple):
    """Precision, recall, density and coverage of synthetic rows.

    Attributes
    ----------
    precision : float
        Share of synthetic rows inside the real rows' k-NN balls (fidelity).
    recall : float
        Share of real rows inside the synthetic rows' k-NN balls (diversity).
    density : float
        Mean number of real balls holding a synthetic row, divided by k
        (about 1 when the two sets follow one distribution; may exceed 1).
    coverage : float
        Share of real rows whose ball holds at least one synthetic row.

    Examples
    --------
    >>> from skgan.metrics import PRDC
    >>> print(PRDC(precision=0.9, recall=0.8, density=1.02, coverage=0.95))
    precision 0.900, recall 0.800, density 1.020, coverage 0.950
    """

    precision: float
    recall: float
    density: float
    coverage: float

    def __str__(self):
        return ", ".join(f"{name} {value:.3f}" for name, value in zip(self._fields, self, strict=True))


def _check_n_neighbors(n_neighbors, n_real, n_synthetic):
    if isinstance(n_neighbors, (bool, np.bool_)) or not isinstance(n_neighbors, (int, np.integer)) or n_neighbors < 1:
        raise ValueError(f"n_neighbors must be a positive integer, got {n_neighbors!r}.")
    smallest = min(n_real, n_synthetic)
    if n_neighbors >= smallest:
        raise ValueError(
            f"n_neighbors={n_neighbors} needs more than {n_neighbors} rows in each set "
            f"(a row's radius is the distance to its {n_neighbors}-th nearest other row); "
            f"got {n_real} real and {n_synthetic} synthetic rows."
        )


class _Counts:
    """The running counts of :func:`_ball_counts`."""

    def __init__(self, n, m, device):
        self.n_inside = 0
        self.in_real = torch.zeros(m, dtype=torch.bool, device=device)
        self.covered = torch.zeros(n, dtype=torch.bool, device=device)
        self.recalled = torch.zeros(n, dtype=torch.bool, device=device)


def _real_balls(G, t, band):
    """Pairs ``(i, j)`` of a block with ``G_ij`` within ``band`` of ``t_i`` or below, and which are surely below.

    ``t`` (float64) are the thresholds ``r_i - |x_i|^2``. Returns ``i``,
    ``j`` and ``sure`` (``G_ij < t_i - band``); the other pairs need a direct
    computation. Only the rows whose minimum is at most their threshold are
    compared pair by pair.
    """
    upper = threshold_in(G.dtype, t + band)
    rows = torch.nonzero(G.amin(dim=1) <= upper)[:, 0]
    i, j = torch.nonzero(G.index_select(0, rows) <= upper[rows, None], as_tuple=True)
    i = rows[i]
    sure = G[i, j].to(torch.float64) < (t - band)[i]
    return i, j, sure


def _count_real_balls(real, synth, real_radii, rs, cs, pairs, counts, ties):
    """Adds the pairs of a block inside the real rows' (closed) balls to ``counts``."""
    i, j, sure = pairs
    unsure = torch.nonzero(~sure)[:, 0]
    if unsure.numel():
        iu, ju = i[unsure] + rs.start, j[unsure] + cs.start
        sure[unsure] = ties.inside(direct_sq_distances(real.rows, synth.rows, iu, ju), iu, ju, owner="real")
    i, j = i[sure] + rs.start, j[sure] + cs.start
    counts.n_inside += int(i.numel())
    counts.covered[i] = True
    counts.in_real[j] = True


def _count_recalled(real, synth, synth_radii, rs, cs, G, band, counts, ties):
    """Marks the real rows of a block inside a synthetic row's (closed) ball: ``G_ij - s_j <= -|x_i|^2``."""
    H = G.sub_(synth_radii[cs].to(G.dtype)[None, :])  # G is not needed after
    x_sq = real.sq_norms[rs]
    low = H.amin(dim=1).to(torch.float64) + x_sq
    recalled = counts.recalled[rs]  # a view: updated in place
    recalled |= low < -band
    unsure = torch.nonzero((low <= band) & ~recalled)[:, 0]
    if unsure.numel():
        near = H[unsure].to(torch.float64) + x_sq[unsure, None]
        i, j = torch.nonzero(near.abs_() <= band, as_tuple=True)
        i, j = unsure[i] + rs.start, j + cs.start
        reach = ties.inside(direct_sq_distances(real.rows, synth.rows, i, j), j, i, owner="synthetic")
        counts.recalled[i[reach]] = True


class _ExactTies:
    """Decides ``D_ij <= r_i`` exactly when the float64 values are too close to tell.

    ``D`` is the exact squared distance ``sum(((raw_a - raw_b) / scale)**2)``
    of the rows before encoding (:meth:`DistanceEncoding.exact_parts`), ``r_i``
    the exact ``k``-th smallest of row ``i``'s distances to the other rows of
    its set. A direct float64 value is within ``margin / 2`` of the exact one
    (the encoding's rounding, the direct computation's; see the notes of
    ``precision_recall_density_coverage``), so a pair whose float64 value is
    more than ``margin`` from its float64 radius is decided by it; the others
    (exact ties, as on integer grids and one-hot columns) are computed in
    rational arithmetic (``fractions.Fraction``), the radius too.
    """

    def __init__(self, sets, raws, scale, k):
        self.sets, self.raws, self.k = sets, raws, k  # {"real": RowSet, "synthetic": RowSet}, their raw rows
        self.weights = [1 / Fraction(float(s)) ** 2 for s in scale]
        d = len(scale)
        norm_max = max(float(s.rows.norm(dim=1).max()) for s in sets.values())
        # |fl(D) - D| <= 1.01 (d + 8) 2**-53 (|x_a| + |x_b|)^2 for encoded rows x: margin is four times that
        self.margin = 4 * 1.01 * (d + 8) * 2.0**-53 * (2 * norm_max) ** 2
        self.radii, self.terms = {name: {} for name in sets}, {}
        self.float_radii = {}

    def exact(self, a, b):
        """The exact squared distance of two raw rows (1-D float64 arrays)."""
        total, terms = Fraction(0), self.terms
        for column, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            if x != y:
                if x.is_integer() and y.is_integer() and abs(x) < 2.0**52 and abs(y) < 2.0**52:
                    key = (column, abs(x - y))  # exact: the term depends on the difference alone
                else:
                    key = (column, x, y) if x < y else (column, y, x)
                term = terms.get(key)
                if term is None:  # ties come from values that recur: each term is computed once
                    term = terms[key] = self.weights[column] * (Fraction(x) - Fraction(y)) ** 2
                total += term
        return total

    def radius(self, owner, i):
        """The exact ``k``-th smallest squared distance of row ``i`` of ``owner`` to the other rows of its set."""
        cache = self.radii[owner]
        if i not in cache:
            rows = self.sets[owner].rows
            diff = rows - rows[i]
            D = torch.linalg.vecdot(diff, diff)
            D[i] = torch.inf
            F = float(self.float_radii[owner][i])
            below = int((D < F - self.margin).sum())
            near = torch.nonzero((D - F).abs() <= self.margin)[:, 0].tolist()
            raw = self.raws[owner]
            values = sorted(self.exact(raw[i], raw[j]) for j in near)
            cache[i] = values[self.k - 1 - below]
        return cache[i]

    def inside(self, D, owners, others, owner):
        """``D_ij <= r_i`` for the pairs (row ``owners`` of ``owner``, row ``others`` of the other set)."""
        F = self.float_radii[owner][owners]
        inside = D < F - self.margin
        tied = torch.nonzero((D - F).abs() <= self.margin)[:, 0].tolist()
        if tied:
            other = "synthetic" if owner == "real" else "real"
            own_raw, other_raw = self.raws[owner], self.raws[other]
            rows, cols = owners[tied].tolist(), others[tied].tolist()
            exact = [self.exact(own_raw[i], other_raw[j]) <= self.radius(owner, i) for i, j in zip(rows, cols,
                                                                                                  strict=True)]
            inside[tied] = torch.as_tensor(exact, device=inside.device)
        return inside


def _ball_counts(real, synth, real_radii, synth_radii, ties):
    """Counts over all (real i, synthetic j) pairs with ``D_ij`` the exact squared distance.

    Returns ``n_inside`` (the number of pairs with ``D_ij <= real_radii[i]``),
    ``in_real`` (per synthetic row: whether some real row has ``D_ij <=
    real_radii[i]``), ``covered`` (per real row: whether some synthetic row
    has ``D_ij <= real_radii[i]``) and ``recalled`` (per real row: whether
    some synthetic row has ``D_ij <= synth_radii[j]``); pairs within
    ``ties.margin`` of a radius are decided in exact arithmetic. A block is a float32
    multiply; the few pairs at or below a real row's threshold plus band are
    gathered (one comparison per pair, no boolean reductions, which are slow)
    and the synthetic balls are decided from row minima; the pairs whose
    estimate is within the error band of a radius are recomputed directly. A
    block with too many such pairs is redone in float64.
    """
    n, m = len(real), len(synth)
    device = real.rows.device
    d = real.rows.shape[1]
    rows, cols = block_sizes(n, m, device)
    bands32, bands64 = Bands(d, device), Bands(d, device, torch.float64)
    counts = _Counts(n, m, device)
    synth_norm_max = synth.norms.max()
    radii_max = float(torch.cat([real_radii, synth_radii]).max())
    buffer = torch.empty(min(n, rows) * min(m, cols), dtype=torch.float32, device=device)
    for r0 in range(0, n, rows):
        rs = slice(r0, min(n, r0 + rows))
        t = real_radii[rs] - real.sq_norms[rs]  # D < r_i  <=>  G < r_i - |x|^2
        x_norm = real.norms[rs].max()
        extra = radii_max + float(real.sq_norms[rs].max())
        for c0 in range(0, m, cols):
            cs = slice(c0, min(m, c0 + cols))
            G = block(real, synth, rs, cs, False, buffer=buffer)
            band = float(bands32(x_norm, synth_norm_max, extra)) + ties.margin
            pairs = _real_balls(G, t, band)
            if int((~pairs[2]).sum()) > _neighbours._DENSE_FRACTION * G.numel():
                G = block(real, synth, rs, cs, False, torch.float64)
                band = float(bands64(x_norm, synth_norm_max, extra)) + ties.margin
                pairs = _real_balls(G, t, band)
            _count_real_balls(real, synth, real_radii, rs, cs, pairs, counts, ties)
            _count_recalled(real, synth, synth_radii, rs, cs, G, band, counts, ties)
    return counts.n_inside, counts.in_real, counts.covered, counts.recalled


def precision_recall_density_coverage(real, synthetic, *, n_neighbors=5, standardize=True, device=None):
    """Precision and recall (Kynkäänniemi et al., 2019), density and coverage (Naeem et al., 2020).

    Each real row gets a ball whose radius is the distance to its
    ``n_neighbors``-th nearest *other* real row (likewise each synthetic row,
    for recall); then

    - **precision**: the share of synthetic rows inside at least one real ball;
    - **recall**: the share of real rows inside at least one synthetic ball;
    - **density**: the number of (real ball, synthetic row) memberships
      divided by ``n_neighbors`` times the number of synthetic rows;
    - **coverage**: the share of real rows whose ball holds a synthetic row.

    The balls are *closed* (distance <= radius), and distances are *exact*:
    the squared distance of two rows is that of the real numbers
    ``sum(((a - b) / scale)**2)`` (``a``, ``b`` the values given, ``scale``
    the column's standard deviation), so that rows at the same distance
    (integer grids, one-hot categories, repeated rows) are decided alike.
    Distances are computed in blocks by matrix multiplies, the pairs near a
    radius recomputed directly in float64, and the few whose float64 value
    cannot tell (ties) in rational arithmetic; memory stays bounded, without
    the ``n x n`` matrices of the authors' ``prdc`` package.

    How it differs from ``prdc`` (``compute_prdc``): ``prdc``'s balls are
    open (distance < radius), so a row with ``n_neighbors`` or more copies has
    radius 0 and holds nothing, and identical sets with repeated rows get
    precision, recall, density and coverage 0, where this function gives 1;
    ``prdc`` decides ties by its floating-point rounding. Where no distance
    equals a radius (continuous data) the values are identical.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame of shape (n_rows, n_features)
        The two sets of rows. Tables (DataFrames with numeric, boolean or
        categorical columns) are compared in the encoding fitted on ``real``
        (standardised numerics, one-hot categories; see :mod:`skgan.metrics`);
        a column must be of one kind (numeric or categorical) in both.
    n_neighbors : int, default=5
        The ``k`` of the k-nearest-neighbour radii; both sets need more than
        ``k`` rows.
    standardize : bool, default=True
        Scale each numeric column by the real rows' standard deviation. False
        compares the values in their own units, as the papers do with
        embeddings (``prdc`` on the raw features).
    device : str or torch.device, optional
        Where the distances are computed (``None``: the CPU; ``"auto"``: CUDA
        if available).

    Returns
    -------
    PRDC
        ``(precision, recall, density, coverage)`` as floats.

    Raises
    ------
    ValueError
        If ``n_neighbors`` is not a positive integer smaller than both sets'
        row counts, the sets have different columns, a column is categorical
        in one set and numeric in the other, or values are so large that
        their squared distances overflow float64.
    TypeError
        If a set is a sparse matrix.

    References
    ----------
    T. Kynkäänniemi, T. Karras, S. Laine, J. Lehtinen and T. Aila, "Improved
    Precision and Recall Metric for Assessing Generative Models", NeurIPS 2019.
    M. F. Naeem, S. J. Oh, Y. Uh, Y. Choi and J. Yoo, "Reliable Fidelity and
    Diversity Metrics for Generative Models", ICML 2020
    (https://github.com/clovaai/generative-evaluation-prdc).

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import precision_recall_density_coverage
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 3))
    >>> result = precision_recall_density_coverage(real, real)
    >>> result.precision, result.recall, result.coverage
    (1.0, 1.0, 1.0)
    >>> repeated = np.repeat(real[:50], 10, axis=0)  # each row ten times: every radius is 0
    >>> tuple(precision_recall_density_coverage(repeated, repeated))
    (1.0, 1.0, 2.0, 1.0)
    >>> shifted = precision_recall_density_coverage(real, real + 3.0)
    >>> shifted.precision < 0.1 and shifted.coverage < 0.1
    True
    """
    check_sets({"real": real, "synthetic": synthetic})
    encoding = DistanceEncoding(standardize=standardize).fit(real, synthetic)
    real_x, synth_x = encoding.transform(real), encoding.transform(synthetic)
    _check_n_neighbors(n_neighbors, real_x.shape[0], synth_x.shape[0])
    k = int(n_neighbors)
    with torch.no_grad():
        r, s = row_sets(real_x, synth_x, device=device)
        (raw_real, scale), (raw_synth, _) = encoding.exact_parts(real), encoding.exact_parts(synthetic)
        ties = _ExactTies({"real": r, "synthetic": s}, {"real": raw_real, "synthetic": raw_synth}, scale, k)
        real_radii = knn_sq_distances(r, r, k, exclude_self=True)[:, k - 1]
        synth_radii = knn_sq_distances(s, s, k, exclude_self=True)[:, k - 1]
        ties.float_radii = {"real": real_radii, "synthetic": synth_radii}
        n_inside, in_real, covered, recalled = _ball_counts(r, s, real_radii, synth_radii, ties)
        m = len(s)
        return PRDC(
            precision=float(in_real.double().mean()),
            recall=float(recalled.double().mean()),
            density=(1.0 / k) * (n_inside / m),  # prdc's rounding
            coverage=float(covered.double().mean()),
        )
