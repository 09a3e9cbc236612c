"""The Parzen engine: log-likelihoods of validated arrays, block by block.

:func:`parzen_sweep` takes the checked numpy arrays of :mod:`._checks` and
returns the log-likelihoods of every row for every bandwidth. The settings
below are private knobs; the tests shrink them to exercise the blocks.
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
# (the block's own exponentials are taken in float32 for float32 input, which
# adds ~1e-6 nats, even where the multiply runs in float64: a wide sweep then
# costs less than a float64 sweep); they are taken as exp2 (faster than exp) of exponents floored
# at -125 (float32) / -1000 (float64), since a subnormal result is many times
# slower and the row maximum term is 1;
# and a bandwidth skips the block rows whose every term is negligible in the
# sense above. Samples are streamed in column blocks with a running logsumexp
# and X in row blocks, so memory stays bounded; every decision is made per
# row, so a row's result does not depend on the other rows of X.

import math
import warnings

import numpy as np
import torch

from .._device import resolve_device
from .._distributed import sharding_group
from ._checks import max_abs

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


def block_sizes(n, m, d, block_rows=None, block_cols=None, device=None):
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


def _log_sum_terms(G, offset, w, w_list, acc, L, d_low, T, rows=None, g_min=None,
                   exp_dtype=None):
    """acc[:, rows] <- logaddexp(acc[:, rows], log sum_j exp(-w (G_ij + offset_i))).

    ``G`` (k, c) may be overwritten; its +inf entries are left out (pass its
    row minima ``g_min`` only if it has none). A bandwidth
    skips the rows whose every term is below ``exp(L - T)`` (``d_low``: lower
    bounds of the rows' distances); with the screening's negligible terms,
    they move log p by at most ~tol. The exponentials are taken in
    ``exp_dtype`` (default: ``G``'s dtype), after the row minima are taken off.
    """
    no_terms = None
    if g_min is None:
        g_min = G.amin(dim=1)
        no_terms = torch.isinf(g_min)
        g_min.masked_fill_(no_terms, 0)
    base = g_min.to(torch.float64) + offset  # (k,)
    exp_dtype = G.dtype if exp_dtype is None else exp_dtype
    fused = exp_dtype == torch.float64  # else subtract first: float32 w * G loses digits
    if not fused:
        G = G.sub_(g_min[:, None]).to(exp_dtype)
    low = _EXP2_FLOOR[exp_dtype]  # exp2() of anything lower is subnormal: slow, and negligible
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


def parzen_sweep(X, samples, bandwidths, device, block_rows=None, block_cols=None,
                 stats=None):
    """Validated numpy inputs -> (n_bandwidths, n) float64 numpy array.

    Inside :func:`skgan._distributed.sharded_rows`, each process of the group
    computes its share of the rows of ``X`` and receives the others' (a
    collective: every process calls it with the same arguments).
    """
    group = sharding_group()
    if group is None:
        return _local_sweep(X, samples, bandwidths, device, block_rows, block_cols, stats)
    part = group.shard(X.shape[0])
    local = _local_sweep(X[part], samples, bandwidths, device, block_rows, block_cols, stats)
    return group.gather_rows(local, X.shape[0])


def _local_sweep(X, samples, bandwidths, device, block_rows=None, block_cols=None, stats=None):
    """:func:`parzen_sweep` of this process's rows.

    ``X`` (n, d) and ``samples`` (m, d) as :func:`._checks.check_data` returns
    them, ``bandwidths`` as :func:`._checks.check_bandwidths` does. A dict
    ``stats`` is filled with the dtypes of the multiply and of the block's
    exponentials, the counts of recomputed
    pairs, of rows redone in float64 and of skipped block rows, and the block.
    """
    n, d = X.shape
    m = samples.shape[0]
    dev = resolve_device(device)
    f64 = torch.float64
    scale = max_abs(X, samples)
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
    rows, cols = block_sizes(n, m, d, block_rows, block_cols, dev)

    center = torch.zeros(d, dtype=f64, device=dev)
    for c0 in range(0, m, cols):
        center += St[c0 : c0 + cols].to(f64).sum(dim=0)
    center /= m
    coefs = _error_coefficients(cdtype, d, dev)
    exp_dtype = cdtype  # float32 input: exponentials in float32 (~1e-6 nats), whatever multiplies
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
                                            g_min=None if excluded else g_min, exp_dtype=exp_dtype)

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
            exp_dtype=str(exp_dtype).replace("torch.", ""),
            n_recomputed=counts["recomputed"],
            n_dense_rows=counts["dense"],
            n_skipped_rows=counts["skipped"],
            block=(rows, cols),
        )
    return out.cpu().numpy()
