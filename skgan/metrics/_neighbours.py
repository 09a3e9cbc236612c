"""Exact nearest-neighbour distances between sets of rows, block by block.

The shared engine of the distance-based metrics (:mod:`._fidelity`,
:mod:`._privacy`): rows are float64 arrays (see :mod:`._encoding` for tables),
squared distances come from ``|x|^2 + |y|^2 - 2 x.y`` in blocks (one float32
matrix multiply per block, bounded memory), and every distance returned or
compared is *exact* in the sense below.
"""

# Implementation notes
# --------------------
# "Exact" means: equal to the direct float64 computation sum((a - b)**2) of
# the two rows as given, whatever the rounding of the matrix multiply. Both
# sets are centred on one point in float64 (smaller norms, smaller error), and
# the blocks' matrix multiplies run in float32 (``|s|^2 - 2 x.s``: one float32
# ``addmm`` of the centred rows rounded to float32, with ``|s|^2`` rounded to
# float32 as its first term; twice the speed of float64 and half the memory
# traffic). Each block gets a rigorous bound ``band`` of the distance between
# ``|x|^2 + G`` (``|x|^2`` in float64) and the direct float64 value
# (:class:`Bands`): the Parzen engine's worst-case bound of the float32 multiply
# (``_error_coefficients(torch.float32, ...)``: the rounding of the centred
# inputs and of ``|s|^2`` to float32, any order of accumulation, TF32 / bf16
# inputs if torch allows them; the float64 centring and norms), plus the
# rounding of the direct computation, doubled; then widened for the decisions'
# own roundings: a relative 2**-10 (a float32 or float64 subtraction or sum
# whose result is compared with +-band, or a float64 threshold rounded to
# float32, changes that result by at most 2**-24 of it) plus 2**-22 times the
# magnitudes involved (``(|x| + |s|)**2`` bounds ``|G|``; the radii and
# ``|x|^2`` bound the thresholds), which covers rounding a float64 threshold
# (``r_i - |x_i|^2``, a radius ``s_j``) to float32 and a float32 subtraction
# of it from ``G``. So:
#
#   * k nearest neighbours: a row's k + 1 smallest estimates are kept across
#     blocks (per block, the k + 1 smallest values within the k + 1 groups of
#     64 columns with the smallest minima: a column of another group is at
#     least the (k + 1)-th smallest group minimum, and the k + 1 chosen groups'
#     minima are kept or beaten, so it is at least the (k + 1)-th kept value;
#     merged across blocks, where what is dropped is at least what is kept).
#     The candidates are recomputed directly and sorted; every other column's
#     estimate is at least the (k + 1)-th kept one, so when that minus
#     ``band`` is at least the k-th exact value, no other column can come
#     closer. The rare rows where it is not (ties or near-ties at the k-th
#     distance: duplicated rows, categories) get a second pass, a float64
#     multiply with the float64 band, that recomputes every pair whose
#     estimate is within that band of their k-th value.
#   * threshold comparisons (``D_ij < t``): an estimate below ``t - band`` is
#     surely below, one above ``t + band`` surely not; the pairs between are
#     recomputed directly. A float32 block where too many pairs are between
#     (wide bands: data far from the centre for its spread) is redone in
#     float64 with the float64 band (``block(..., torch.float64)``).
#
# Self-matches (a set against itself) are excluded by index, not by value: a
# duplicated row is another row at distance 0, as in the ``prdc`` package.

import math

import torch

from .._device import resolve_device
from ._parzen_engine import _error_bound, _error_coefficients

# Private knobs (tests shrink them to exercise the blocks).
_MAX_BLOCK_ELEMENTS = 2**21  # (rows x columns) of one block on the CPU (8 MB in float32)
_MAX_BLOCK_ELEMENTS_CUDA = 2**25
_MAX_COLS = 4096  # columns per block on the CPU
_MAX_COLS_CUDA = 16384
_BLOCK_ROWS = None  # force the rows per block
_BLOCK_COLS = None  # force the columns per block
_MAX_GATHER_ELEMENTS = 2**20  # elements of one batch of direct differences
_GROUP = 64  # columns per group of the k-NN selection
_DENSE_FRACTION = 1.0 / 64  # a float32 block with more undecided pairs than this share is redone in float64
_U64 = 2.0**-53
_WIDEN_REL = 2.0**-10
_WIDEN_ABS = {torch.float32: 2.0**-22, torch.float64: 2.0**-50}


class RowSet:
    """Rows as float64 tensors on a device: as given, centred on ``center``, and the centred norms.

    ``centred32`` and ``sq_norms32`` are their float32 roundings (the blocks' multiplies).
    """

    def __init__(self, X, center, device):
        self.rows = torch.as_tensor(X, dtype=torch.float64).to(device).contiguous()
        self.centred = self.rows - center
        self.sq_norms = torch.linalg.vecdot(self.centred, self.centred)
        self.norms = self.sq_norms.sqrt()
        self.centred32 = self.centred.to(torch.float32)
        self.sq_norms32 = self.sq_norms.to(torch.float32)

    def __len__(self):
        return self.rows.shape[0]


def row_sets(reference, *others, device=None):
    """``reference`` and ``others`` as :class:`RowSet` objects centred on the mean of ``reference``."""
    device = resolve_device(device)
    ref = torch.as_tensor(reference, dtype=torch.float64).to(device)
    center = ref.mean(dim=0) if ref.shape[0] else torch.zeros(ref.shape[1], dtype=torch.float64, device=device)
    return tuple(RowSet(X, center, device) for X in (reference, *others))


def block_sizes(n, m, device):
    """Rows of A and columns of B per block."""
    on_cuda = torch.device(device).type == "cuda"
    elements = _MAX_BLOCK_ELEMENTS_CUDA if on_cuda else _MAX_BLOCK_ELEMENTS
    max_cols = _MAX_COLS_CUDA if on_cuda else _MAX_COLS
    cols = _BLOCK_COLS or max(1, min(m, max_cols))
    rows = _BLOCK_ROWS or max(1, min(n, elements // cols))
    return int(rows), int(cols)


class Bands:
    """The bound ``band(x_norm, y_norm)`` of |estimate - direct| for rows of ``d`` features.

    Parameters
    ----------
    d : int
        Features per row.
    device : torch.device or str
        Where the multiplies run.
    dtype : torch.dtype, default=torch.float32
        The multiplies' precision.

    Notes
    -----
    ``band(x_norm, y_norm, extra)`` bounds ``|(|x|^2 + G) - D_direct|`` for
    centred rows of norms at most ``x_norm`` and ``y_norm``, widened for the
    decisions' roundings (a relative ``2**-10``, plus ``2**-22`` (float32) /
    ``2**-50`` (float64) times ``(x_norm + y_norm)**2 + extra``, where
    ``extra`` bounds the thresholds compared with).
    """

    def __init__(self, d, device, dtype=torch.float32):
        self.dtype = dtype
        self.coefs = _error_coefficients(dtype, d, torch.device(device))
        self.direct = 2 * (d + 4) * _U64 * 1.01
        self.unit = _WIDEN_ABS[dtype]

    def __call__(self, x_norm, y_norm, extra=0.0):
        total = x_norm + y_norm
        band = 2 * (_error_bound(self.coefs, x_norm, y_norm) + self.direct * total * total)
        return band * (1 + _WIDEN_REL) + self.unit * (total * total + extra)


def block(a, b, rows, cols, exclude_self, dtype=torch.float32, buffer=None):
    """``|y|^2 - 2 x.y`` for the row slice ``rows`` of ``a`` and column slice ``cols`` of ``b`` (one addmm).

    In float32 (the default) from the float32 copies; self-matches (with
    ``exclude_self``) are ``+inf``. ``buffer``, a 1-D tensor of ``dtype``
    large enough, holds the result (fresh memory each block costs page faults).
    """
    r, c = rows.stop - rows.start, cols.stop - cols.start
    out = None if buffer is None else buffer[: r * c].view(r, c)
    if dtype == torch.float32:
        G = torch.addmm(b.sq_norms32[cols][None, :], a.centred32[rows], b.centred32[cols].T, alpha=-2, out=out)
    else:
        G = torch.addmm(b.sq_norms[cols][None, :], a.centred[rows], b.centred[cols].T, alpha=-2, out=out)
    if exclude_self:
        lo, hi = max(rows.start, cols.start), min(rows.stop, cols.stop)
        if lo < hi:
            idx = torch.arange(lo, hi, device=G.device)
            G[idx - rows.start, idx - cols.start] = torch.inf
    return G


def threshold_in(dtype, values):
    """``values`` (float64) rounded up into ``dtype``: ``G <= threshold_in(...)`` keeps every ``G <= values``."""
    out = values.to(dtype)
    if dtype != torch.float64:
        out = torch.nextafter(out, torch.full_like(out, math.inf))
    return out


def direct_sq_distances(a_rows, b_rows, i, j):
    """Direct float64 squared distances of the pairs ``(a_rows[i], b_rows[j])`` (1-D index tensors)."""
    d = a_rows.shape[1]
    step = max(1, _MAX_GATHER_ELEMENTS // max(d, 1))
    out = torch.empty(i.shape[0], dtype=torch.float64, device=a_rows.device)
    for s in range(0, i.shape[0], step):
        diff = a_rows.index_select(0, i[s : s + step]) - b_rows.index_select(0, j[s : s + step])
        out[s : s + step] = torch.linalg.vecdot(diff, diff)
    return out


def _rescue(a, b, rows_idx, kth, band, k, exclude_self):
    """Exact k smallest squared distances of rows ``rows_idx`` of ``a`` whose estimates were not conclusive.

    A float64 multiply; every pair whose estimate is within ``band`` (the
    float64 band) of the row's ``kth`` exact value (an upper bound of its true
    k-th smallest) is recomputed directly.
    """
    m = len(b)
    _, cols = block_sizes(rows_idx.shape[0], m, a.rows.device)
    best = torch.full((rows_idx.shape[0], k), torch.inf, dtype=torch.float64, device=a.rows.device)
    thr = (kth + band - a.sq_norms[rows_idx])[:, None]
    for c0 in range(0, m, cols):
        sl = slice(c0, min(m, c0 + cols))
        G = torch.addmm(b.sq_norms[sl][None, :], a.centred[rows_idx], b.centred[sl].T, alpha=-2)
        if exclude_self:
            own = (rows_idx >= c0) & (rows_idx < sl.stop)
            G[torch.nonzero(own)[:, 0], rows_idx[own] - c0] = torch.inf
        i, j = torch.nonzero(G <= thr, as_tuple=True)
        E = torch.full_like(G, torch.inf)
        E[i, j] = direct_sq_distances(a.rows, b.rows, rows_idx[i], j + c0)
        best = torch.cat([best, E], dim=1).topk(k, dim=1, largest=False).values
    return best


def smallest(G, kc):
    """The ``kc`` smallest values of each row of ``G`` and their columns (unsorted).

    Wide blocks take the minima of groups of ``_GROUP`` columns first, then
    the smallest values of the ``kc`` groups with the smallest minima (many
    times faster than ``topk`` over every column); a last, narrower group is
    searched whole. Every column left out is at least the largest value
    returned (see the implementation notes).
    """
    r, c = G.shape
    n_groups = c // _GROUP
    if n_groups < 4 * kc:
        return G.topk(min(kc, c), dim=1, largest=False, sorted=False)
    w = n_groups * _GROUP
    groups = G[:, :w].unfold(1, _GROUP, _GROUP).amin(dim=2).topk(kc, dim=1, largest=False, sorted=False).indices
    values = G[:, :w].unfold(1, _GROUP, _GROUP)[torch.arange(r, device=G.device)[:, None], groups]
    v, pos = values.view(r, kc * _GROUP).topk(kc, dim=1, largest=False, sorted=False)
    idx = groups.gather(1, pos // _GROUP) * _GROUP + pos % _GROUP
    if c > w:
        tv, ti = G[:, w:].topk(min(kc, c - w), dim=1, largest=False, sorted=False)
        v, pos = torch.cat([v, tv], dim=1).topk(kc, dim=1, largest=False, sorted=False)
        idx = torch.cat([idx, ti + w], dim=1).gather(1, pos)
    return v, idx


def _candidates(a, b, rs, kc, exclude_self, cols, buffer):
    """The ``kc`` smallest float32 estimates of rows ``rs`` of ``a`` over the column blocks of ``b``, with columns."""
    m = len(b)
    best_v = best_i = None
    for c0 in range(0, m, cols):
        cs = slice(c0, min(m, c0 + cols))
        v, idx = smallest(block(a, b, rs, cs, exclude_self, buffer=buffer), kc)
        idx += c0
        if best_v is not None:
            merged = torch.cat([best_v, v], dim=1)
            v, pos = merged.topk(min(kc, merged.shape[1]), dim=1, largest=False, sorted=False)
            idx = torch.cat([best_i, idx], dim=1).gather(1, pos)
        best_v, best_i = v, idx
    return best_v, best_i


def knn_sq_distances(a, b, k, *, exclude_self=False):
    """The exact ``k`` smallest squared distances of each row of ``a`` to the rows of ``b``, ascending.

    ``a`` and ``b`` are :class:`RowSet` objects with one centre; with
    ``exclude_self`` (``a`` is ``b``) a row is not its own neighbour. Returns
    an ``(len(a), k)`` float64 tensor. ``k`` must not exceed the rows
    available (checked by the callers).
    """
    n, m = len(a), len(b)
    d = a.rows.shape[1]
    device = a.rows.device
    available = m - 1 if exclude_self else m
    kc = min(k + 1, available)
    rows, cols = block_sizes(n, m, device)
    buffer = torch.empty(min(n, rows) * min(m, cols), dtype=torch.float32, device=device)
    bands, bands64 = Bands(d, device), Bands(d, device, torch.float64)
    b_norm_max = b.norms.max() if m else torch.zeros((), dtype=torch.float64, device=device)
    out = torch.empty((n, k), dtype=torch.float64, device=device)
    unsure_rows = []
    for r0 in range(0, n, rows):
        rs = slice(r0, min(n, r0 + rows))
        best_v, best_i = _candidates(a, b, rs, kc, exclude_self, cols, buffer)
        r = best_v.shape[0]
        row_idx = torch.arange(r0, r0 + r, device=device)[:, None].expand(r, kc)
        exact = direct_sq_distances(a.rows, b.rows, row_idx.reshape(-1), best_i.reshape(-1)).view(r, kc)
        # an index that was +inf (self) can only be a candidate when columns run out: not with kc <= available
        exact = exact.sort(dim=1).values
        out[rs] = exact[:, :k]
        if kc == available:
            continue  # every column was a candidate
        band = bands(a.norms[rs], b_norm_max)
        lower_rest = best_v.amax(dim=1).to(torch.float64) + a.sq_norms[rs] - band  # every other column is at least this
        unsure_rows.append(r0 + torch.nonzero(lower_rest < exact[:, k - 1])[:, 0])
    if unsure_rows:
        unsure = torch.cat(unsure_rows)  # rescued together: a few rows per block
        for s0 in range(0, unsure.shape[0], rows):
            idx = unsure[s0 : s0 + rows]
            out[idx] = _rescue(a, b, idx, out[idx, k - 1], bands64(a.norms[idx], b_norm_max), k, exclude_self)
    return out
