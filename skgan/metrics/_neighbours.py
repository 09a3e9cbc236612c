"""Exact nearest-neighbour distances between sets of rows, block by block.

The shared engine of the distance-based metrics (:mod:`._fidelity`,
:mod:`._privacy`): rows are float64 arrays (see :mod:`._encoding` for tables),
squared distances come from ``|x|^2 + |y|^2 - 2 x.y`` in blocks (one float64
matrix multiply per block, bounded memory), and every distance returned or
compared is *exact* in the sense below.
"""

# Implementation notes
# --------------------
# "Exact" means: equal to the direct float64 computation sum((a - b)**2) of
# the two rows as given, whatever the rounding of the matrix multiply. Both
# sets are centred on one point before the multiply (smaller norms, smaller
# error); each block also gets a rigorous bound ``band`` of the distance between
# the expansion's value and the direct one (the Parzen engine's worst-case
# bound of the float64 multiply, centring and norms, plus the rounding of the
# direct computation, doubled), so:
#
#   * k nearest neighbours: a row's k + 1 smallest estimates are kept across
#     blocks (``torch.topk`` per block, merged), the candidates are recomputed
#     directly and sorted; every other column's estimate is at least the
#     (k + 1)-th one, so when that minus ``band`` is at least the k-th exact
#     value, no other column can come closer. The rare rows where it is not
#     (ties or near-ties at the k-th distance: duplicated rows, categories) get
#     a second pass that recomputes every pair whose estimate is within
#     ``band`` of their k-th value.
#   * threshold comparisons (``D_ij < t``): an estimate below ``t - band`` is
#     surely below, one above ``t + band`` surely not; the pairs between are
#     recomputed directly.
#
# Self-matches (a set against itself) are excluded by index, not by value: a
# duplicated row is another row at distance 0, as in the ``prdc`` package.

import torch

from .._device import resolve_device
from ._parzen_engine import _error_bound, _error_coefficients

# Private knobs (tests shrink them to exercise the blocks).
_MAX_BLOCK_ELEMENTS = 2**21  # (rows x columns) of one block on the CPU (16 MB in float64)
_MAX_BLOCK_ELEMENTS_CUDA = 2**25
_MAX_COLS = 4096  # columns per block on the CPU
_MAX_COLS_CUDA = 16384
_BLOCK_ROWS = None  # force the rows per block
_BLOCK_COLS = None  # force the columns per block
_MAX_GATHER_ELEMENTS = 2**20  # elements of one batch of direct differences
_U64 = 2.0**-53


class RowSet:
    """Rows as float64 tensors on a device: as given, centred on ``center``, and the centred norms."""

    def __init__(self, X, center, device):
        self.rows = torch.as_tensor(X, dtype=torch.float64).to(device).contiguous()
        self.centred = self.rows - center
        self.sq_norms = torch.linalg.vecdot(self.centred, self.centred)
        self.norms = self.sq_norms.sqrt()

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
    """The bound ``band(x_norm, y_norm)`` of |expansion - direct| for rows of ``d`` features."""

    def __init__(self, d, device):
        self.coefs = _error_coefficients(torch.float64, d, torch.device(device))
        self.direct = 2 * (d + 4) * _U64 * 1.01

    def __call__(self, x_norm, y_norm):
        total = x_norm + y_norm
        return 2 * (_error_bound(self.coefs, x_norm, y_norm) + self.direct * total * total)


def block(a, b, rows, cols, exclude_self):
    """``|y|^2 - 2 x.y`` for the row slice ``rows`` of ``a`` and column slice ``cols`` of ``b`` (one addmm)."""
    G = torch.addmm(b.sq_norms[cols][None, :], a.centred[rows], b.centred[cols].T, alpha=-2)
    if exclude_self:
        lo, hi = max(rows.start, cols.start), min(rows.stop, cols.stop)
        if lo < hi:
            idx = torch.arange(lo, hi, device=G.device)
            G[idx - rows.start, idx - cols.start] = torch.inf
    return G


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

    Every pair whose estimate is within ``band`` of the row's ``kth`` exact
    value (an upper bound of its true k-th smallest) is recomputed directly.
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
    bands = Bands(d, device)
    b_norm_max = b.norms.max() if m else torch.zeros((), dtype=torch.float64, device=device)
    out = torch.empty((n, k), dtype=torch.float64, device=device)
    for r0 in range(0, n, rows):
        rs = slice(r0, min(n, r0 + rows))
        best_v = best_i = None
        for c0 in range(0, m, cols):
            cs = slice(c0, min(m, c0 + cols))
            G = block(a, b, rs, cs, exclude_self)
            v, idx = G.topk(min(kc, G.shape[1]), dim=1, largest=False, sorted=False)
            idx += c0
            if best_v is not None:
                merged = torch.cat([best_v, v], dim=1)
                v, pos = merged.topk(min(kc, merged.shape[1]), dim=1, largest=False, sorted=False)
                idx = torch.cat([best_i, idx], dim=1).gather(1, pos)
            best_v, best_i = v, idx
        r = best_v.shape[0]
        row_idx = torch.arange(r0, r0 + r, device=device)[:, None].expand(r, kc)
        exact = direct_sq_distances(a.rows, b.rows, row_idx.reshape(-1), best_i.reshape(-1)).view(r, kc)
        # an index that was +inf (self) can only be a candidate when columns run out: not with kc <= available
        exact = exact.sort(dim=1).values
        out[rs] = exact[:, :k]
        if kc == available:
            continue  # every column was a candidate
        band = bands(a.norms[rs], b_norm_max)
        lower_rest = best_v.amax(dim=1) + a.sq_norms[rs] - band  # every other column is at least this
        unsure = torch.nonzero(lower_rest < exact[:, k - 1])[:, 0]
        if unsure.numel():
            out[r0 + unsure] = _rescue(a, b, r0 + unsure, exact[unsure, k - 1], band[unsure], k, exclude_self)
    return out
