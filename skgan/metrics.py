"""Parzen-window log-likelihood, the evaluation of Goodfellow et al. (2014).

A Gaussian kernel density estimate with bandwidth ``sigma`` is fitted to
generated samples and the log-likelihood of held-out data is reported under
it; ``sigma`` is chosen by maximising the mean log-likelihood on a validation
set. See I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
"""

# Implementation notes
# --------------------
# log p(x) = logsumexp_j(-||x - s_j||^2 / (2 sigma^2)) - log m - d/2 log(2 pi sigma^2)
#
# Squared distances come from the expansion ||x||^2 + ||s||^2 - 2 x.s (one
# matrix multiply per block) after centring both sets on the mean of the
# samples. Every block also gets a rigorous bound ``epsD`` on the error of that
# expansion (worst-case floating-point analysis of the matrix product, the
# centring and the norms). A term is recomputed exactly (float64 direct
# differences) when its error could matter:
#
#   * terms whose exponent error ``eps = epsD / (2 sigma^2)`` is below ``tol``
#     are kept as they are (they move log p by at most ~tol);
#   * a term with a larger error is kept only if
#     ``a_hat - L + log(expm1(eps)) < -T`` with ``T = log(m) + log(1 / tol)``
#     where ``L`` is a running lower bound of the row's largest exponent;
#     all such terms together move log p by at most ~tol.
#
# So the terms are within about ``2 * tol`` nats of exact, whatever the
# precision of the matrix multiply. For float32 input the matrix multiply runs
# in float32 (``tol = 1e-6``); a row of a block where too many terms would need
# recomputing is recomputed with a float64 matrix multiply instead (then
# screened again with float64 error bounds), and when a probe of the samples
# shows that most rows would be (wide bandwidths), the multiply runs in
# float64 from the start. For other input the matrix multiply runs in
# float64 (``tol = 1e-8``), where recomputation is rare.
#
# Speed: a block (rows x samples) is as large as the last-level cache allows,
# so that one multiply packs its samples for many rows, and it is reused for
# every bandwidth of a sweep; the recomputed pairs are summed apart in float64
# (the block's own exponentials are taken in its dtype, which adds ~1e-6 nats
# for float32); they are taken as exp2 (faster than exp) of exponents floored
# at -125 (float32) / -1000 (float64), since a subnormal result is many times
# slower and the row maximum term is 1;
# and a bandwidth skips the block rows whose every term is negligible in the
# sense above. Samples are streamed in column blocks with a running logsumexp
# and X in row blocks, so memory stays bounded; every decision is made per
# row, so a row's result does not depend on the other rows of X.

import inspect
import math
import warnings
from numbers import Integral
from typing import NamedTuple

import numpy as np
import torch
from sklearn.utils import check_array

from ._device import resolve_device

__all__ = [
    "PAPER_BANDWIDTHS",
    "ParzenEvaluation",
    "ParzenScore",
    "mean_and_std_error",
    "paper_parzen_evaluation",
    "parzen_log_likelihood",
    "parzen_log_likelihood_sweep",
    "parzen_score",
    "select_bandwidth",
]

#: The bandwidth grid of the original evaluation script (``numpy.logspace(-1, 0, 10)``).
PAPER_BANDWIDTHS = np.logspace(-1, 0, 10)

# Private knobs (tests shrink them to exercise chunking).
_MAX_BLOCK_ELEMENTS = 2**20  # elements of one (rows x samples) block on the CPU (8 MB in float64)
_MAX_BLOCK_ELEMENTS_CUDA = 2**24  # on a GPU: 128 MB in float64
_MAX_SLICE_ELEMENTS = 2**22  # elements of a slice of X or of the samples
_MAX_COLS = 2048  # samples per block on the CPU
_MAX_COLS_CUDA = 8192
_SPARSE_ROWS = 4  # a bandwidth gathers its rows when fewer than 1 in this many count
_MAX_CACHE_BYTES = 128 * 2**20  # keep the centred samples if they fit in this
_BLOCK_ROWS = None  # force the number of rows per block
_BLOCK_COLS = None  # force the number of samples per block
_MAX_GATHER_BYTES = 4 * 2**20  # direct-difference recomputation batch
_DENSE_FRACTION = 1.0 / 64  # float32: recompute a block row in float64 above this share
_PROBE_ROWS = 128  # float32: samples probed to choose the multiply's precision
_EXP2_FLOOR = {torch.float32: -125.0, torch.float64: -1000.0}  # exp2() stays normal above
_LOG2_E = 1.0 / math.log(2.0)

_TOL = {torch.float32: 1e-6, torch.float64: 1e-8}
_U32 = 2.0**-24
_U64 = 2.0**-53


class ParzenScore(NamedTuple):
    """Mean log-likelihood and its standard error, as reported in the paper.

    Attributes
    ----------
    mean : float
        Mean log-likelihood over the evaluated rows.
    std_error : float
        Population standard deviation (``ddof=0``) divided by ``sqrt(n)``.

    Examples
    --------
    >>> from skgan.metrics import ParzenScore
    >>> score = ParzenScore(mean=225.0312, std_error=1.9788)
    >>> print(score)
    225.03 ± 1.98
    >>> score.mean
    225.0312
    """

    mean: float
    std_error: float

    def __str__(self):
        return f"{self.mean:.2f} ± {self.std_error:.2f}"


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------


def _to_numpy(array):
    if isinstance(array, torch.Tensor):
        array = array.detach()
        if array.dtype not in (torch.float32, torch.float64):
            array = array.to(torch.float64)
        return array.cpu().numpy()
    return array


def _check_data(X, samples, x_name="X", s_name="samples"):
    X = check_array(
        _to_numpy(X), dtype=[np.float64, np.float32], order="C", input_name=x_name
    )
    samples = check_array(
        _to_numpy(samples),
        dtype=[np.float64, np.float32],
        order="C",
        input_name=s_name,
    )
    if X.shape[1] != samples.shape[1]:
        raise ValueError(
            f"{x_name} has {X.shape[1]} features, but {s_name} has "
            f"{samples.shape[1]} features; they must have the same number."
        )
    scale = _max_abs(X, samples)
    if not math.isfinite(16.0 * X.shape[1] * scale * scale):
        raise ValueError(
            f"{x_name} and {s_name} hold values too large ({scale:.3g}) for "
            "squared distances in float64; rescale the data."
        )
    return X, samples


def _max_abs(*arrays):
    return max(max(float(a.max()), -float(a.min())) for a in arrays)


def _check_bandwidths(bandwidths, name="bandwidths"):
    if isinstance(bandwidths, torch.Tensor):
        bandwidths = bandwidths.detach().cpu().numpy()
    try:
        values = np.atleast_1d(np.asarray(bandwidths, dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be positive real numbers, got {bandwidths!r}."
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of positive numbers, "
            f"got shape {values.shape}."
        )
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"{name} must be finite and > 0, got {values.tolist()}.")
    with np.errstate(over="ignore", divide="ignore"):
        inv = 0.5 / values**2
    if not np.all(np.isfinite(inv)):
        raise ValueError(f"{name} too small to be represented: {values.tolist()}.")
    return values


def _check_bandwidth(bandwidth):
    if isinstance(bandwidth, torch.Tensor):
        bandwidth = bandwidth.detach().cpu().numpy()
    if np.ndim(bandwidth) != 0 or isinstance(bandwidth, (str, bytes, bool)):
        raise ValueError(
            f"bandwidth must be a single positive number, got {bandwidth!r}; "
            "use parzen_log_likelihood_sweep for several bandwidths."
        )
    return _check_bandwidths(bandwidth, name="bandwidth")


# --------------------------------------------------------------------------
# core
# --------------------------------------------------------------------------


def _gamma(k, u):
    ku = k * u
    return ku / (1.0 - ku)


def _float32_input_unit(device):
    """Unit roundoff of the inputs of a float32 matmul (TF32 / bf16 if enabled)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            level = torch.get_float32_matmul_precision()
            if level == "medium":
                return 2.0**-8
            if level == "high":
                return 2.0**-11
            if device.type == "cuda":
                matmul = torch.backends.cuda.matmul
                if getattr(matmul, "allow_tf32", False):
                    return 2.0**-11
                prec = getattr(matmul, "fp32_precision", "none")
                if prec == "none":
                    prec = getattr(torch.backends, "fp32_precision", "none")
                if prec == "tf32":
                    return 2.0**-11
    except Exception:  # pragma: no cover - unknown torch: assume the worst
        return 2.0**-8
    return 0.0


def _error_coefficients(dtype, d, device):
    """(coef, k, kb, a0) with, for centred x and s,

    |D_hat - D| <= 2*coef*|x||s| + k*(|x| + |s|)**2 + kb*|s|**2 + a0*(1 + |x| + |s|)

    where D_hat is ``|x|^2 + (|s|^2 - 2 x.s)`` with the norms in float64 and
    the bracket in ``dtype`` (one ``addmm``) (rounding of the centred inputs to ``dtype``, TF32 /
    bf16 inputs if torch allows them, and any order of accumulation, as in
    Higham's gamma_d bound); ``k`` covers the float64 centring, norms and sums,
    ``a0`` underflow.
    """
    if dtype == torch.float32:
        u_in, u = _float32_input_unit(device), _U32
        coef = (1 + u) ** 2 * (1 + u_in) ** 2 * (1 + _gamma(d + 1, u)) - 1
        a0 = 4 * (d + 2) * 2.0**-140
    else:
        u = _U64
        coef = _gamma(d + 1, u)
        a0 = 4 * (d + 2) * 2.0**-1000
    k = 2 * _gamma(d, _U64) + 12 * _U64
    kb = _gamma(d + 1, u) + 2 * u  # |s|^2 enters the product as its first term
    return coef * 1.01, k * 1.01, kb * 1.01, a0


def _error_bound(coefs, x_norm, s_norm):
    """Bound of |D_hat - D| for centred rows and samples of these norms."""
    coef, k, kb, a0 = coefs
    return (2 * coef * x_norm * s_norm + k * (x_norm + s_norm) ** 2
            + kb * s_norm**2 + a0 * (1 + x_norm + s_norm))


def _block_sizes(n, m, d, block_rows=None, block_cols=None, device=None):
    """Rows of X and samples per block.

    A block's (rows x samples) distances are reused for every bandwidth, so on
    the CPU blocks stay within the last-level cache (8 MB in float64: 512 x
    2048, where the multiply runs within 5% of its best rate); the slices of
    X and of the samples are capped at ``_MAX_SLICE_ELEMENTS``.
    """
    block_rows = block_rows if block_rows is not None else _BLOCK_ROWS
    block_cols = block_cols if block_cols is not None else _BLOCK_COLS
    on_cuda = device is not None and torch.device(device).type == "cuda"
    elements = _MAX_BLOCK_ELEMENTS_CUDA if on_cuda else _MAX_BLOCK_ELEMENTS
    max_cols = _MAX_COLS_CUDA if on_cuda else _MAX_COLS
    cap = max(1, _MAX_SLICE_ELEMENTS // max(d, 1))  # rows of an (n, d) slice
    cols = block_cols or max(1, min(m, max_cols, cap, elements))
    rows = block_rows or max(1, min(n, elements // cols, cap))
    return int(rows), int(cols)


def _rows(A, index):
    """``A[index]`` for a 1-D index: ``index_select``, many times faster on the CPU."""
    return A.index_select(0, index)


def _pairwise(rows, cols, d, device, fn):
    """``fn(rows, cols)`` for each pair, in batches of bounded memory (float64)."""
    step = max(1, _MAX_GATHER_BYTES // (16 * max(d, 1)))
    out = torch.empty(rows.shape[0], dtype=torch.float64, device=device)
    for start in range(0, rows.shape[0], step):
        out[start : start + step] = fn(rows[start : start + step], cols[start : start + step])
    return out


def _direct_sq_dist(Xt, St, rows, cols):
    """Exact float64 squared distances of the pairs (Xt[rows], St[cols])."""

    def sq_dist(r, c):
        diff = _rows(Xt, r).to(torch.float64) - _rows(St, c).to(torch.float64)
        return torch.linalg.vecdot(diff, diff)

    return _pairwise(rows, cols, Xt.shape[1], Xt.device, sq_dist)


def _recompute_pairs(Xt, St, xc, xn2, sn2, center, r0, c0, i, j, coefs64, w_max, tol):
    """Float64 squared distances of the candidate pairs (i, j) of a block.

    ``|x|^2 + |s|^2 - 2 x.s`` from the centred rows in float64, pair by pair;
    the few pairs whose float64 error bound still exceeds ``tol`` are redone
    by direct differences.
    """

    def dot(r, c):
        return torch.linalg.vecdot(_rows(xc, r), _rows(St, c + c0).to(torch.float64).sub_(center))

    exact = _pairwise(i, j, xc.shape[1], xc.device, dot)
    exact.mul_(-2).add_(xn2[i]).add_(sn2[j])
    eps = _error_bound(coefs64, xn2[i].sqrt(), sn2[j].sqrt())
    redo = torch.nonzero(w_max * eps > tol)[:, 0]
    if redo.numel():
        exact[redo] = _direct_sq_dist(Xt, St, i[redo] + r0, j[redo] + c0)
    return exact.clamp_min_(0)


def _threshold_in(dtype, values):
    """``values`` rounded up into ``dtype`` (so a ``<=`` test keeps every candidate)."""
    out = values.to(dtype)
    if dtype != torch.float64:
        out = torch.nextafter(out, torch.full_like(out, math.inf))
    return out


def _screen(G, xn2, xn, sn, coefs, L, w, tol, T, dense_fraction=None):
    """Pairs of a block whose expansion error could matter; updates ``L``.

    ``G + xn2[:, None]`` are the estimated squared distances of the block;
    xn (r,), sn (c,) are the norms of the centred rows / samples; L : (B, r)
    running lower bounds of the largest exponent of each row, per bandwidth;
    w : (B,) = 1 / (2 sigma**2). Returns the lower bounds of the rows' true
    minimum distances, the row minima of ``G``, the (i, j) index tensors of
    the pairs to recompute and, if ``dense_fraction`` is given, the rows with
    more than that share of candidate pairs (to be redone whole; none of
    their pairs is in (i, j)).
    """
    c = G.shape[1]
    sn_max = sn.max()
    eps_max = _error_bound(coefs, xn, sn_max)
    g_min = G.amin(dim=1)
    d_min = (g_min.to(torch.float64) + xn2).clamp_min_(0)
    d_low = (d_min - eps_max).clamp_min_(0)
    torch.maximum(L, -w[:, None] * (d_min + eps_max)[None, :], out=L)
    e_max = w[:, None] * eps_max[None, :]  # (B, r)
    active = e_max > tol
    empty = torch.empty(0, dtype=torch.long, device=G.device)
    if not bool(active.any()):
        return d_low, g_min, empty, empty, empty
    # a term can only need recomputing if D_hat <= thr (row-wise bound)
    slack = torch.log(torch.expm1(e_max.clamp_min(tol)))
    thr = (T + slack - L) / w[:, None]
    thr = torch.where(active, thr, torch.full_like(thr, -math.inf))
    thr_max = thr.amax(dim=0)  # (r,)
    if not bool((thr_max >= d_min).any()):
        return d_low, g_min, empty, empty, empty
    cand = G <= _threshold_in(G.dtype, thr_max - xn2)[:, None]
    dense = empty
    if dense_fraction is not None:
        counts = cand.view(torch.uint8).sum(dim=1, dtype=torch.int32)  # faster than bool
        dense = torch.nonzero(counts > dense_fraction * c)[:, 0]
        if dense.numel():
            cand[dense] = False
    i, j = torch.nonzero(cand, as_tuple=True)
    if i.numel() == 0:
        return d_low, g_min, i, j, dense
    # exact test on the candidates
    eps = _error_bound(coefs, xn[i], sn[j])
    d_ij = G[i, j].to(torch.float64) + xn2[i]
    keep = torch.zeros_like(i, dtype=torch.bool)
    for b in range(w.shape[0]):
        e = w[b] * eps
        keep |= (e > tol) & (
            torch.log(torch.expm1(e.clamp_min(tol))) - w[b] * d_ij - L[b, i] >= -T
        )
    return d_low, g_min, i[keep], j[keep], dense


def _centred(A, center):
    """``A - center`` in float64 and its rows' squared norms."""
    centred = A.to(torch.float64) - center
    return centred, torch.linalg.vecdot(centred, centred)


def _mostly_redone_in_float64(St, center, cols, coefs, w, tol, T):
    """Whether most rows would be redone with a float64 multiply (float32 input).

    At wide bandwidths nearly every term counts and the float32 error bound
    matters for all of them. Probed with the first samples as rows against
    the next ones, so the choice never depends on ``X`` and a row's result
    stays independent of the other rows.
    """
    m = St.shape[0]
    p = min(_PROBE_ROWS, m // 2)
    if p == 0:
        return False
    xc, xn2 = _centred(St[:p], center)
    sc, sn2 = _centred(St[p : p + cols], center)
    G = torch.addmm(sn2.float()[None, :], (-2 * xc).float(), sc.float().T)
    L = torch.full((w.shape[0], p), -math.inf, dtype=torch.float64, device=St.device)
    # a block row is redone past a share of a block's columns, not the probe's
    fraction = _DENSE_FRACTION * min(m, cols) / sc.shape[0]
    dense = _screen(G, xn2, xn2.sqrt(), sn2.sqrt(), coefs, L, w, tol, T,
                    dense_fraction=fraction)[4]
    return dense.numel() > p / 2


def _log_sum_terms(G, offset, w, w_list, acc, L, d_low, T, rows=None, g_min=None):
    """acc[:, rows] <- logaddexp(acc[:, rows], log sum_j exp(-w (G_ij + offset_i))).

    ``G`` (k, c) may be overwritten; its +inf entries are left out (pass its
    row minima ``g_min`` only if it has none). A bandwidth
    skips the rows whose every term is below ``exp(L - T)`` (``d_low``: lower
    bounds of the rows' distances); with the screening's negligible terms,
    they move log p by at most ~tol.
    """
    low = _EXP2_FLOOR[G.dtype]  # exp2() of anything lower is subnormal: slow, and negligible
    no_terms = None
    if g_min is None:
        g_min = G.amin(dim=1)
        no_terms = torch.isinf(g_min)
        g_min.masked_fill_(no_terms, 0)
    base = g_min.to(torch.float64) + offset  # (k,)
    fused = G.dtype == torch.float64  # else subtract first: float32 w * G loses digits
    if not fused:
        G.sub_(g_min[:, None])
    L_rows = L if rows is None else L[:, rows]
    keep = (-w[:, None] * d_low[None, :]) >= L_rows - T  # (B, k)
    counts = keep.sum(dim=1).tolist()
    k = G.shape[0]
    totals = torch.zeros((len(w_list), k), dtype=torch.float64, device=G.device)
    E = torch.empty_like(G)
    for b, wb in enumerate(w_list):
        if counts[b] == 0:
            continue
        sub = torch.nonzero(keep[b])[:, 0] if counts[b] * _SPARSE_ROWS < k else None
        G_b, g_min_b, E_b = (G, g_min, E) if sub is None else (G[sub], g_min[sub], E[: sub.numel()])
        w2 = wb * _LOG2_E  # exp(x) = exp2(x log2 e): torch's exp2 is ~30% faster
        if fused:
            torch.add((w2 * g_min_b)[:, None], G_b, alpha=-w2, out=E_b)
        else:
            torch.mul(G_b, -w2, out=E_b)
        sums = E_b.clamp_min_(low).exp2_().sum(dim=1)
        if sub is None:
            totals[b] = sums
        else:
            totals[b, sub] = sums.to(torch.float64)
    if no_terms is not None:
        totals.masked_fill_(no_terms[None, :], 0)
    terms = totals.log_().sub_(w[:, None] * base[None, :])
    if rows is None:
        torch.logaddexp(acc, terms, out=acc)
    else:
        acc[:, rows] = torch.logaddexp(acc[:, rows], terms)
    return len(w_list) * k - sum(counts)  # rows skipped, summed over bandwidths


def _log_sum_pairs(rows, exact, w, acc):
    """Add the recomputed terms exp(-w D_exact) of the pairs on ``rows``."""
    n_rows = acc.shape[1]
    ref = torch.full((n_rows,), math.inf, dtype=torch.float64, device=exact.device)
    ref.scatter_reduce_(0, rows, exact, reduce="amin")
    terms = torch.exp(-w[:, None] * (exact - ref[rows])[None, :])  # (B, pairs)
    totals = torch.zeros((w.shape[0], n_rows), dtype=torch.float64, device=exact.device)
    totals.index_add_(1, rows, terms)
    present = torch.isfinite(ref)
    ref.masked_fill_(~present, 0)
    terms = totals.log_().sub_(w[:, None] * ref[None, :])
    terms.masked_fill_(~present[None, :], -math.inf)
    torch.logaddexp(acc, terms, out=acc)


def _parzen_sweep(X, samples, bandwidths, device, block_rows=None, block_cols=None,
                  stats=None):
    """Validated numpy inputs -> (n_bandwidths, n) float64 numpy array."""
    n, d = X.shape
    m = samples.shape[0]
    dev = resolve_device(device)
    f64 = torch.float64
    scale = _max_abs(X, samples)
    cdtype = (
        torch.float32
        if X.dtype == np.float32
        and samples.dtype == np.float32
        and 16.0 * d * scale * scale < 1e36  # no float32 overflow in x.s
        else f64
    )
    tol = _TOL[cdtype]
    T = math.log(m) + math.log(1.0 / tol)
    coefs64 = _error_coefficients(f64, d, dev)

    Xt = torch.as_tensor(X, device=dev)
    St = torch.as_tensor(samples, device=dev)
    bw = torch.as_tensor(bandwidths, dtype=f64, device=dev)
    w = 0.5 / bw**2
    w_list = w.tolist()
    n_bw = bw.shape[0]
    rows, cols = _block_sizes(n, m, d, block_rows, block_cols, dev)

    center = torch.zeros(d, dtype=f64, device=dev)
    for c0 in range(0, m, cols):
        center += St[c0 : c0 + cols].to(f64).sum(dim=0)
    center /= m
    coefs = _error_coefficients(cdtype, d, dev)
    if cdtype == torch.float32 and _mostly_redone_in_float64(St, center, cols, coefs, w, tol, T):
        cdtype, coefs = f64, coefs64  # the float32 multiply would only cost time

    cache = {}
    itemsize = 4 if cdtype == torch.float32 else 8
    use_cache = n > rows and m * d * itemsize <= _MAX_CACHE_BYTES

    def col_chunk(c0):
        """Centred samples c0:c0+cols in the compute dtype, squared norms, norms."""
        if c0 in cache:
            return cache[c0]
        sc, sn2 = _centred(St[c0 : c0 + cols], center)
        entry = (sc.to(cdtype), sn2, sn2.to(cdtype), sn2.sqrt())
        if use_cache:
            cache[c0] = entry
        return entry

    counts = {"recomputed": 0, "dense": 0, "skipped": 0}
    is64 = cdtype == f64

    def add_block(G, b0, xc, xn2, xn, L, acc, c0, chunk):
        """Add the terms of rows ``b0:`` x samples ``c0:`` (``G``, overwritten) to ``acc``."""
        sg, sn2, _, sn = chunk
        d_low, g_min, i, j, dense = _screen(
            G, xn2, xn, sn, coefs, L, w, tol, T,
            dense_fraction=None if is64 else _DENSE_FRACTION,
        )
        if dense.numel():
            # rows with many uncertain terms: float64 matrix multiply
            counts["dense"] += dense.numel()
            sc = sg if sg.dtype == f64 else St[c0 : c0 + sg.shape[0]].to(f64) - center
            G64 = torch.addmm(sn2[None, :], -2 * _rows(xc, dense), sc.T)
            L_sub = L[:, dense]
            d_low64, g_min64, i2, j2, _ = _screen(
                G64, xn2[dense], xn[dense], sn, coefs64, L_sub, w, tol, T
            )
            L[:, dense] = L_sub
            if i2.numel():
                counts["recomputed"] += i2.numel()
                exact = _direct_sq_dist(Xt, St, dense[i2] + b0, j2 + c0)
                G64[i2, j2] = math.inf
                _log_sum_pairs(dense[i2], exact, w, acc)
            counts["skipped"] += _log_sum_terms(
                G64, xn2[dense], w, w_list, acc, L, d_low64, T,
                rows=dense, g_min=None if i2.numel() else g_min64,
            )
            G[dense] = math.inf
        if i.numel():
            counts["recomputed"] += i.numel()
            if is64:
                exact = _direct_sq_dist(Xt, St, i + b0, j + c0)
            else:
                exact = _recompute_pairs(Xt, St, xc, xn2, sn2, center, b0, c0,
                                         i, j, coefs64, max(w_list), tol)
            G[i, j] = math.inf
            _log_sum_pairs(i, exact, w, acc)
        excluded = bool(i.numel() or dense.numel())
        counts["skipped"] += _log_sum_terms(G, xn2, w, w_list, acc, L, d_low, T,
                                            g_min=None if excluded else g_min)

    out = torch.empty((n_bw, n), dtype=f64, device=dev)
    with torch.no_grad():
        for r0 in range(0, n, rows):
            xc, xn2 = _centred(Xt[r0 : r0 + rows], center)
            xn = xn2.sqrt()
            xg = (-2 * xc).to(cdtype)
            r = xc.shape[0]
            L = torch.full((n_bw, r), -math.inf, dtype=f64, device=dev)
            acc = torch.full((n_bw, r), -math.inf, dtype=f64, device=dev)
            for c0 in range(0, m, cols):
                chunk = col_chunk(c0)
                sg, _, sn2_c, _ = chunk
                # G + |x|^2 = |x|^2 + |s|^2 - 2 x.s, in one matrix multiply
                G = torch.addmm(sn2_c[None, :], xg, sg.T)
                add_block(G, r0, xc, xn2, xn, L, acc, c0, chunk)
            out[:, r0 : r0 + r] = acc
    const = math.log(m) + 0.5 * d * (math.log(2 * math.pi) + 2 * torch.log(bw))
    out -= const[:, None]
    if stats is not None:
        stats.update(
            compute_dtype=str(cdtype).replace("torch.", ""),
            n_recomputed=counts["recomputed"],
            n_dense_rows=counts["dense"],
            n_skipped_rows=counts["skipped"],
            block=(rows, cols),
        )
    return out.cpu().numpy()


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------


def parzen_log_likelihood_sweep(X, samples, bandwidths, *, device=None):
    """Parzen-window log-likelihoods of ``X`` for several bandwidths at once.

    The squared distances are computed once per block and every bandwidth is
    evaluated from them, so a sweep costs little more than one bandwidth.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Rows whose log-likelihood is evaluated (numpy array or torch tensor).
    samples : array-like of shape (m, d)
        Points of the kernel density estimate, e.g. generated samples.
    bandwidths : array-like of shape (n_bandwidths,)
        Standard deviations of the Gaussian kernel, finite and > 0.
    device : str or torch.device, default=None
        Where to compute (``None`` is the CPU), e.g. ``"cuda"``.

    Returns
    -------
    log_likelihoods : ndarray of shape (n_bandwidths, n), dtype float64
        ``log_likelihoods[b, i]`` is ``log p(X[i])`` for ``bandwidths[b]``.

    See Also
    --------
    parzen_log_likelihood : One bandwidth.
    select_bandwidth : Choose the bandwidth on validation data.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import parzen_log_likelihood_sweep
    >>> rng = np.random.RandomState(0)
    >>> samples, X = rng.rand(500, 2), rng.rand(4, 2)
    >>> ll = parzen_log_likelihood_sweep(X, samples, [0.05, 0.1, 0.5])
    >>> ll.shape
    (3, 4)
    >>> print(np.round(ll.mean(axis=1), 3))
    [-0.335 -0.465 -1.072]
    """
    X, samples = _check_data(X, samples)
    bandwidths = _check_bandwidths(bandwidths)
    return _parzen_sweep(X, samples, bandwidths, device)


def parzen_log_likelihood(X, samples, bandwidth, *, device=None):
    """Log-likelihood of each row of ``X`` under a Gaussian Parzen window.

    ``log p(x) = logsumexp_i(-||x - s_i||^2 / (2 sigma^2)) - log m
    - (d / 2) log(2 pi sigma^2)`` with ``m`` samples ``s_i`` in ``d``
    dimensions, as in Goodfellow et al., "Generative Adversarial Nets" (2014).
    The result is within about 2e-8 nats of the exact value (1e-5 nats for
    float32 input, whose matrix multiplies run in float32 unless the
    bandwidth is so wide that nearly every term would be redone in float64).

    Parameters
    ----------
    X : array-like of shape (n, d)
        Rows whose log-likelihood is evaluated (numpy array or torch tensor).
    samples : array-like of shape (m, d)
        Points of the kernel density estimate, e.g. generated samples.
    bandwidth : float
        Standard deviation ``sigma`` of the Gaussian kernel, finite and > 0.
    device : str or torch.device, default=None
        Where to compute (``None`` is the CPU), e.g. ``"cuda"``.

    Returns
    -------
    log_likelihood : ndarray of shape (n,), dtype float64
        ``log p(X[i])`` for each row.

    See Also
    --------
    parzen_score : Mean and standard error, as reported in the paper.
    select_bandwidth : Choose ``bandwidth`` on validation data.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import parzen_log_likelihood
    >>> rng = np.random.RandomState(0)
    >>> samples, X = rng.rand(500, 2), rng.rand(4, 2)
    >>> ll = parzen_log_likelihood(X, samples, bandwidth=0.1)
    >>> ll.shape, ll.dtype
    ((4,), dtype('float64'))
    >>> print(np.round(ll, 3))
    [-0.555 -0.233 -0.561 -0.512]
    """
    X, samples = _check_data(X, samples)
    bandwidth = _check_bandwidth(bandwidth)
    return _parzen_sweep(X, samples, bandwidth, device)[0]


def select_bandwidth(samples, X_val, bandwidths=None, *, device=None):
    """Bandwidth with the best mean log-likelihood on validation data.

    This is the rule of the paper's evaluation: every candidate is evaluated
    on ``X_val`` (in one pass over the distances) and the one with the highest
    mean log-likelihood is returned (the first one on ties).

    Parameters
    ----------
    samples : array-like of shape (m, d)
        Points of the kernel density estimate, e.g. generated samples.
    X_val : array-like of shape (n, d)
        Validation rows.
    bandwidths : array-like of shape (n_bandwidths,), default=None
        Candidates, finite and > 0; ``None`` means :data:`PAPER_BANDWIDTHS`.
    device : str or torch.device, default=None
        Where to compute (``None`` is the CPU), e.g. ``"cuda"``.

    Returns
    -------
    bandwidth : float
        The selected candidate.

    See Also
    --------
    parzen_log_likelihood_sweep : The log-likelihoods for every candidate.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import select_bandwidth
    >>> rng = np.random.RandomState(0)
    >>> samples, X_val = rng.randn(1000, 2), rng.randn(200, 2)
    >>> print(round(select_bandwidth(samples, X_val), 4))
    0.2783
    >>> select_bandwidth(samples, X_val, [0.01, 0.3, 10.0])
    0.3
    """
    X_val, samples = _check_data(X_val, samples, x_name="X_val")
    if bandwidths is None:
        bandwidths = PAPER_BANDWIDTHS
    bandwidths = _check_bandwidths(bandwidths)
    ll = _parzen_sweep(X_val, samples, bandwidths, device)
    return float(bandwidths[int(np.argmax(ll.mean(axis=1)))])


def mean_and_std_error(log_likelihoods):
    """Mean and standard error of log-likelihoods, as the paper's ± figures.

    The standard error is the population standard deviation (``ddof=0``)
    divided by ``sqrt(n)``, as in the original evaluation script.

    Parameters
    ----------
    log_likelihoods : array-like of shape (n,)
        Per-row log-likelihoods.

    Returns
    -------
    score : ParzenScore
        ``(mean, std_error)``.

    Examples
    --------
    >>> from skgan.metrics import mean_and_std_error
    >>> score = mean_and_std_error([1.0, 2.0, 3.0, 4.0])
    >>> print(score)
    2.50 ± 0.56
    >>> round(score.std_error, 6)
    0.559017
    """
    values = np.asarray(_to_numpy(log_likelihoods), dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            "log_likelihoods must be a non-empty 1-D array, got shape "
            f"{values.shape}."
        )
    if np.any(np.isnan(values)):
        raise ValueError("log_likelihoods contains NaN.")
    mean = float(np.mean(values))
    std_error = float(np.std(values) / np.sqrt(values.size))
    return ParzenScore(mean, std_error)


def parzen_score(X, samples, bandwidth, *, device=None):
    """Mean Parzen-window log-likelihood of ``X`` and its standard error.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Test rows.
    samples : array-like of shape (m, d)
        Points of the kernel density estimate, e.g. generated samples.
    bandwidth : float
        Standard deviation of the Gaussian kernel, finite and > 0.
    device : str or torch.device, default=None
        Where to compute (``None`` is the CPU), e.g. ``"cuda"``.

    Returns
    -------
    score : ParzenScore
        Mean log-likelihood and ``std(ddof=0) / sqrt(n)``.

    See Also
    --------
    parzen_log_likelihood : The per-row values.
    mean_and_std_error : The summary used here.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import parzen_score
    >>> rng = np.random.RandomState(0)
    >>> samples, X = rng.rand(500, 2), rng.rand(100, 2)
    >>> score = parzen_score(X, samples, bandwidth=0.1)
    >>> print(score)
    -0.25 ± 0.03
    """
    ll = parzen_log_likelihood(X, samples, bandwidth, device=device)
    return mean_and_std_error(ll)


class ParzenEvaluation(NamedTuple):
    """Result of :func:`paper_parzen_evaluation`.

    Prints as ``mean ± std_error``, like a row of the paper's Table 1.

    Attributes
    ----------
    mean : float
        Mean log-likelihood of the test rows, in nats.
    std_error : float
        Population standard deviation of the test log-likelihoods (``ddof=0``)
        divided by ``sqrt(n_test)``.
    bandwidth : float
        The selected bandwidth ``sigma``.
    validation_scores : ndarray of shape (n_bandwidths,)
        Mean log-likelihood of the validation rows for each candidate.
    bandwidths : ndarray of shape (n_bandwidths,)
        The candidates.
    n_samples : int
        Number of generated samples in the window.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.metrics import ParzenEvaluation
    >>> result = ParzenEvaluation(225.031, 1.979, 0.2, np.array([-3.0, 1.0]), np.array([0.1, 0.2]), 10000)
    >>> print(result)
    225.03 ± 1.98
    """

    mean: float
    std_error: float
    bandwidth: float
    validation_scores: np.ndarray
    bandwidths: np.ndarray
    n_samples: int

    def __str__(self):
        return str(ParzenScore(self.mean, self.std_error))


def _draw_samples(generator, n_samples, random_state):
    """Rows from ``generator.sample`` (the first element if it returns a tuple)."""
    if n_samples is None:
        n_samples = 10000
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    kwargs = {}
    if random_state is not None:
        params = inspect.signature(generator.sample).parameters
        takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        if "random_state" not in params and not takes_kwargs:
            raise ValueError(
                f"random_state was given, but {type(generator).__name__}.sample takes no "
                "random_state; seed the sampler itself and pass random_state=None."
            )
        kwargs["random_state"] = random_state
    samples = generator.sample(int(n_samples), **kwargs)
    if isinstance(samples, tuple):  # e.g. GaussianMixture.sample returns (X, labels)
        samples = samples[0]
    if np.shape(samples)[:1] != (n_samples,):
        raise ValueError(
            f"{type(generator).__name__}.sample({n_samples}) returned an array of shape "
            f"{np.shape(samples)}; expected {n_samples} rows."
        )
    return samples


def paper_parzen_evaluation(
    generator, X_val, X_test, *, n_samples=None, bandwidths=None, n_validation=1000,
    random_state=None, device=None,
):
    """The Parzen-window evaluation of Goodfellow et al. (2014), in one call.

    The protocol of the paper's evaluation script:

    1. draw ``n_samples`` rows from the model (10,000);
    2. for every candidate ``sigma`` of ``bandwidths`` (``logspace(-1, 0,
       10)``), compute the mean Parzen log-likelihood of the first
       ``n_validation`` rows of ``X_val`` (1,000) under the window of samples,
       and keep the candidate with the highest mean (the first on ties);
    3. compute the log-likelihood of every row of ``X_test`` with that
       ``sigma`` and report the mean ± the population standard deviation over
       ``sqrt(n_test)``.

    The log-likelihoods are those of :func:`parzen_log_likelihood_sweep`,
    within about 2e-8 nats of the exact values (1e-5 for float32 input). They
    are in the units of the data: the paper's figures are for pixels scaled
    to [0, 1].

    Parameters
    ----------
    generator : fitted sampler or array-like of shape (m, d)
        A fitted model with a ``sample(n_samples)`` method (a
        :class:`~skgan.GANSampler`, :class:`sklearn.mixture.GaussianMixture`,
        :class:`sklearn.neighbors.KernelDensity`, ...), from which exactly
        ``n_samples`` rows are drawn; if ``sample`` returns a tuple, its first
        element is used. Or the generated rows themselves, all of which are
        used.
    X_val : array-like of shape (n_val, d)
        Validation rows; only the first ``n_validation`` are used, to choose
        the bandwidth.
    X_test : array-like of shape (n_test, d)
        Test rows; all of them are scored.
    n_samples : int, default=None
        Number of rows drawn from a sampler; None means 10,000, the paper's
        number. For an array of samples it must be None or the array's number
        of rows.
    bandwidths : array-like of shape (n_bandwidths,), default=None
        Candidate bandwidths, finite and > 0; None means
        :data:`PAPER_BANDWIDTHS`.
    n_validation : int, default=1000
        Number of leading rows of ``X_val`` used to choose the bandwidth;
        ``X_val`` must have at least that many.
    random_state : int, RandomState instance or None, default=None
        Passed to ``generator.sample(n_samples, random_state=...)``; None
        calls ``generator.sample(n_samples)``, so the sampler's own seed
        applies. Samplers whose ``sample`` takes no ``random_state`` (such as
        ``GaussianMixture``) need None.
    device : str or torch.device, default=None
        Where to compute the Parzen estimates (``None`` is the CPU).

    Returns
    -------
    result : ParzenEvaluation
        ``mean``, ``std_error``, the chosen ``bandwidth``, the
        ``validation_scores`` of all ``bandwidths`` and ``n_samples``; prints
        as ``mean ± std_error``.

    Raises
    ------
    ValueError
        If the arrays hold NaN or infinite values or differ in their number
        of features, if ``X_val`` has fewer than ``n_validation`` rows, or if
        a sampler returns the wrong number of rows.

    See Also
    --------
    parzen_log_likelihood_sweep : The log-likelihoods for several bandwidths.
    select_bandwidth : The bandwidth rule alone.

    References
    ----------
    I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
    section 5 and Table 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.mixture import GaussianMixture
    >>> from skgan.metrics import paper_parzen_evaluation
    >>> rng = np.random.RandomState(0)
    >>> X_train, X_val, X_test = rng.randn(300, 2), rng.randn(100, 2), rng.randn(50, 2)
    >>> model = GaussianMixture(3, random_state=0).fit(X_train)
    >>> result = paper_parzen_evaluation(model, X_val, X_test, n_samples=2000, n_validation=80)
    >>> print(result)
    -2.77 ± 0.11
    >>> round(result.bandwidth, 4), result.n_samples
    (0.4642, 2000)

    Passing the samples instead of the model gives the same result:

    >>> samples, _ = model.sample(2000)
    >>> paper_parzen_evaluation(samples, X_val, X_test, n_validation=80).mean == result.mean
    True
    """
    if hasattr(generator, "sample"):
        samples = _draw_samples(generator, n_samples, random_state)
    else:
        samples = generator
        if n_samples is not None and np.shape(samples)[:1] != (n_samples,):
            raise ValueError(
                f"n_samples={n_samples!r}, but {np.shape(samples)[0] if np.ndim(samples) else 0} "
                "samples were given; pass n_samples=None to use all the given samples."
            )
    if isinstance(n_validation, bool) or not isinstance(n_validation, Integral) or n_validation < 1:
        raise ValueError(f"n_validation must be a positive integer, got {n_validation!r}.")
    X_val, samples = _check_data(X_val, samples, x_name="X_val")
    X_test, samples = _check_data(X_test, samples, x_name="X_test")
    if X_val.shape[0] < n_validation:
        raise ValueError(
            f"X_val has {X_val.shape[0]} rows, fewer than n_validation={n_validation}; "
            f"pass n_validation={X_val.shape[0]} to choose the bandwidth on all of them."
        )
    bandwidths = _check_bandwidths(PAPER_BANDWIDTHS if bandwidths is None else bandwidths)
    validation_scores = _parzen_sweep(X_val[:n_validation], samples, bandwidths, device).mean(axis=1)
    best = int(np.argmax(validation_scores))
    test_ll = _parzen_sweep(X_test, samples, bandwidths[best : best + 1], device)[0]
    score = mean_and_std_error(test_ll)
    return ParzenEvaluation(
        mean=score.mean,
        std_error=score.std_error,
        bandwidth=float(bandwidths[best]),
        validation_scores=validation_scores,
        bandwidths=bandwidths,
        n_samples=int(samples.shape[0]),
    )
