"""Fidelity and coverage of synthetic rows: precision, recall, density and coverage."""

from typing import NamedTuple

import numpy as np
import torch

from . import _neighbours
from ._encoding import encode
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


def _count_real_balls(real, synth, real_radii, rs, cs, pairs, counts):
    """Adds the pairs of a block inside the real rows' balls to ``counts``."""
    i, j, sure = pairs
    unsure = torch.nonzero(~sure)[:, 0]
    if unsure.numel():
        iu, ju = i[unsure] + rs.start, j[unsure] + cs.start
        sure[unsure] = direct_sq_distances(real.rows, synth.rows, iu, ju) < real_radii[iu]
    i, j = i[sure] + rs.start, j[sure] + cs.start
    counts.n_inside += int(i.numel())
    counts.covered[i] = True
    counts.in_real[j] = True


def _count_recalled(real, synth, synth_radii, rs, cs, G, band, counts):
    """Marks the real rows of a block inside a synthetic row's ball: ``G_ij - s_j < -|x_i|^2``."""
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
        reach = direct_sq_distances(real.rows, synth.rows, i, j) < synth_radii[j]
        counts.recalled[i[reach]] = True


def _ball_counts(real, synth, real_radii, synth_radii):
    """Counts over all (real i, synthetic j) pairs with ``D_ij`` the exact squared distance.

    Returns ``n_inside`` (the number of pairs with ``D_ij < real_radii[i]``),
    ``in_real`` (per synthetic row: whether some real row has ``D_ij <
    real_radii[i]``), ``covered`` (per real row: whether some synthetic row
    has ``D_ij < real_radii[i]``) and ``recalled`` (per real row: whether
    some synthetic row has ``D_ij < synth_radii[j]``). A block is a float32
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
            band = float(bands32(x_norm, synth_norm_max, extra))
            pairs = _real_balls(G, t, band)
            if int((~pairs[2]).sum()) > _neighbours._DENSE_FRACTION * G.numel():
                G = block(real, synth, rs, cs, False, torch.float64)
                band = float(bands64(x_norm, synth_norm_max, extra))
                pairs = _real_balls(G, t, band)
            _count_real_balls(real, synth, real_radii, rs, cs, pairs, counts)
            _count_recalled(real, synth, synth_radii, rs, cs, G, band, counts)
    return counts.n_inside, counts.in_real, counts.covered, counts.recalled


def precision_recall_density_coverage(real, synthetic, *, n_neighbors=5, device=None):
    """Precision and recall (Kynkäänniemi et al., 2019), density and coverage (Naeem et al., 2020).

    Each real row gets a ball whose radius is the distance to its
    ``n_neighbors``-th nearest *other* real row (likewise each synthetic row,
    for recall); then

    - **precision**: the share of synthetic rows inside at least one real ball;
    - **recall**: the share of real rows inside at least one synthetic ball;
    - **density**: the number of (real ball, synthetic row) memberships
      divided by ``n_neighbors`` times the number of synthetic rows;
    - **coverage**: the share of real rows whose ball holds a synthetic row.

    "Inside" is strict (distance < radius), and the values are those of the
    authors' ``prdc`` package (``compute_prdc``), on exact distances: every
    distance compared is the direct float64 ``sqrt(sum((a - b)**2))`` (computed
    in blocks by matrix multiplies; pairs near a radius are recomputed
    directly), with bounded memory and without the package's ``n x n`` matrices.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame of shape (n_rows, n_features)
        The two sets of rows. Tables (DataFrames with numeric, boolean or
        categorical columns) are compared in the encoding fitted on ``real``
        (standardised numerics, one-hot categories; see :mod:`skgan.metrics`);
        arrays too are standardised on ``real``'s columns. To compare raw
        features (e.g. embeddings, as in the papers), standardising changes
        the values; pass arrays you have scaled yourself when that matters.
    n_neighbors : int, default=5
        The ``k`` of the k-nearest-neighbour radii; both sets need more than
        ``k`` rows.
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
        row counts, or the sets have different columns.

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
    >>> shifted = precision_recall_density_coverage(real, real + 3.0)
    >>> shifted.precision < 0.1 and shifted.coverage < 0.1
    True
    """
    real_x, synth_x = encode(real, synthetic)
    _check_n_neighbors(n_neighbors, real_x.shape[0], synth_x.shape[0])
    k = int(n_neighbors)
    with torch.no_grad():
        r, s = row_sets(real_x, synth_x, device=device)
        real_radii = knn_sq_distances(r, r, k, exclude_self=True)[:, k - 1]
        synth_radii = knn_sq_distances(s, s, k, exclude_self=True)[:, k - 1]
        n_inside, in_real, covered, recalled = _ball_counts(r, s, real_radii, synth_radii)
        m = len(s)
        return PRDC(
            precision=float(in_real.double().mean()),
            recall=float(recalled.double().mean()),
            density=(1.0 / k) * (n_inside / m),  # prdc's rounding
            coverage=float(covered.double().mean()),
        )
