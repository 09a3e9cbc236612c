"""Benchmark of skgan.metrics.parzen_log_likelihood on MNIST-scale data.

Usage, from the repository root:

    python -m benchmarks.parzen [--quick] [--data uniform|mnist] [--mnist PATH]
                                [--device cpu] [--output PATH]

n test rows against m samples in d=784 (10,000 x 10,000, or 2,000 x 2,000
with --quick), sigma = 0.2. ``--data uniform`` (default): random values in
[0, 1], where every distance is close to every other (the hardest case for
skipping negligible terms); ``--data mnist``: MNIST test images against
10,000 training images standing in for generated samples (read from
``--mnist``, else $SKGAN_MNIST, else ../shared/data/mnist.npz from the
repository root). Reports, for float32 and
float64 input:

* our time for one bandwidth, as a ratio to the matrix-multiply floor
  2 n m d / rate, with the rate the best torch reaches here on ``a @ b.T``
  (our block shape, and one large multiply);
* a sweep over the 10 bandwidths of the paper, as a ratio to one pass;
* the speed-up over the original script's method (numpy float64 direct
  differences in batches of 10 rows) and over scikit-learn's KernelDensity
  with leaf_size >= n_samples (both timed on a subset of rows, scaled up
  linearly);
* the max abs error against a float64 direct-difference reference on a subset;
* the peak extra resident memory of one call (VmHWM, best effort).

Writes benchmarks/results/parzen.json (parzen_mnist.json with --data mnist;
``_quick`` added with --quick).
"""

import argparse
import time
from functools import partial

import numpy as np
import torch
from scipy.special import logsumexp

from benchmarks._common import (
    load_mnist,
    make_parser,
    mnist_path,
    peak_extra_mb,
    print_probe,
    probe_in_subprocess,
    setup,
    timed,
    write_result,
)
from skgan.metrics import (
    PAPER_BANDWIDTHS,
    parzen_log_likelihood,
    parzen_log_likelihood_sweep,
)
from skgan.metrics._parzen_engine import block_sizes, parzen_sweep

SIGMA = 0.2


# ---------------------------------------------------------------- helpers


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def matmul_rate(dtype, rows, cols, d, device, repeat):
    """FLOP/s of a block-shaped a @ b.T (the shape our blocks use)."""
    a = torch.rand(rows, d, dtype=dtype, device=device)
    b = torch.rand(cols, d, dtype=dtype, device=device)
    out = torch.empty(rows, cols, dtype=dtype, device=device)
    torch.mm(a, b.T, out=out)
    sync(device)
    reps = max(1, repeat)

    def run():
        for _ in range(reps):
            torch.mm(a, b.T, out=out)
        sync(device)

    t, _ = timed(run, repeat=5)
    return 2.0 * rows * cols * d * reps / t


def reference(X, S, sigma, batch=200):
    """Float64 direct differences (exact reference), batched over rows."""
    X = np.asarray(X, np.float64)
    S = np.asarray(S, np.float64)
    out = np.empty(len(X))
    for i in range(0, len(X), batch):
        x = X[i : i + batch]
        sq = np.empty((len(x), len(S)))
        for j in range(len(x)):
            diff = S - x[j]
            sq[j] = np.einsum("ij,ij->i", diff, diff)
        out[i : i + batch] = logsumexp(-sq / (2 * sigma**2), axis=1)
    m, d = S.shape
    return out - np.log(m) - 0.5 * d * np.log(2 * np.pi * sigma**2)


def original_script(X, S, sigma, batch_size=10):
    """The method of the original parzen_ll.py (Theano), in numpy float64."""
    X = np.asarray(X, np.float64)
    S = np.asarray(S, np.float64)
    d = X.shape[1]
    out = []
    for i in range(0, len(X), batch_size):
        x = X[i : i + batch_size]
        a = (x[:, None, :] - S[None, :, :]) / sigma
        t = -0.5 * (a**2).sum(2)
        mx = t.max(1, keepdims=True)  # log_mean_exp
        E = mx[:, 0] + np.log(np.exp(t - mx).mean(1))
        Z = d * np.log(sigma * np.sqrt(np.pi * 2))
        out.append(E - Z)
    return np.concatenate(out)


def make_data(n, m, d, data="uniform", mnist=None):
    if data == "mnist":  # test images against the first m training images
        S64, _, X64 = load_mnist(mnist, n_train=m, n_test=n)
        return X64, S64
    rng = np.random.RandomState(0)
    S64 = rng.rand(m, d)
    X64 = rng.rand(n, d)
    return X64, S64


def memory_probe(name, n, m, d, device, data, mnist):
    """In a fresh process: peak extra RSS (MB) of one call on ready inputs."""
    X, S = make_data(n, m, d, data, mnist)
    X, S = X.astype(name), S.astype(name)
    parzen_log_likelihood(X[:20], S[:200], SIGMA, device=device)  # imports, threads
    _, extra = peak_extra_mb(partial(parzen_log_likelihood, X, S, SIGMA, device=device))
    print_probe(extra)


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = make_parser(__doc__, quick="2,000 x 2,000 instead", threads=False, device=True, output=True,
                         mnist="--mnist")
    parser.add_argument("--data", choices=["uniform", "mnist"], default="uniform")
    parser.add_argument("--memory-probe", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--m", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.mnist = str(mnist_path(args.mnist).resolve())
    if args.memory_probe:
        memory_probe(args.memory_probe, args.n, args.m, 784, torch.device(args.device),
                     args.data, args.mnist)
        return

    env = setup(args)
    wall0 = time.perf_counter()
    device = torch.device(args.device)
    n = m = 2000 if args.quick else 10_000
    d = 784
    n_sub = 20 if args.quick else 40  # rows for the slow baselines
    n_err = 200 if args.quick else 100  # rows for the error check
    repeat = 3

    X64, S64 = make_data(n, m, d, args.data, args.mnist)
    data = {"float32": (X64.astype(np.float32), S64.astype(np.float32)),
            "float64": (X64, S64)}
    rows, cols = block_sizes(n, m, d)

    # warm-up (threads, MKL, allocator)
    parzen_log_likelihood(X64[:50].astype(np.float32), S64[:500].astype(np.float32),
                          SIGMA, device=device)
    parzen_log_likelihood(X64[:50], S64[:500], SIGMA, device=device)

    results = {}
    for name, (X, S) in data.items():
        # interleaved repeats, each figure its best: the machine's speed drifts
        rate = t_one = t_sweep = None
        for _ in range(repeat):
            r = max(matmul_rate(getattr(torch, name), rows, cols, d, device, repeat=30),
                    matmul_rate(getattr(torch, name), 4096, 4096, d, device, repeat=1))
            rate = r if rate is None else max(rate, r)
            t, ll = timed(partial(parzen_log_likelihood, X, S, SIGMA, device=device))
            t_one = t if t_one is None else min(t_one, t)
            t, _ = timed(partial(parzen_log_likelihood_sweep, X, S, PAPER_BANDWIDTHS, device=device))
            t_sweep = t if t_sweep is None else min(t_sweep, t)
        floor = 2.0 * n * m * d / rate
        mem = probe_in_subprocess("benchmarks.parzen", "--memory-probe", name, "--n", n, "--m", m,
                                  "--device", device, "--data", args.data, "--mnist", args.mnist)
        sweep_stats = {}
        parzen_sweep(X[:n_err], S, PAPER_BANDWIDTHS, device, stats=sweep_stats)
        stats = {}
        ours_sub = parzen_sweep(X[:n_err], S, np.array([SIGMA]), device, stats=stats)[0]
        ref = reference(X[:n_err], S, SIGMA)
        results[name] = {
            "matmul_gflops": rate / 1e9,
            "floor_s": floor,
            "one_bandwidth_s": t_one,
            "ratio_to_floor": t_one / floor,
            "sweep_10_s": t_sweep,
            "sweep_ratio_to_one": t_sweep / t_one,
            "max_abs_error": float(np.abs(ll[:n_err] - ref).max()),
            "subset_equals_full": bool(np.array_equal(ours_sub, ll[:n_err])),
            "peak_extra_mb": mem,
            "recomputed_pairs_per_row": stats["n_recomputed"] / n_err,
            "sweep_skipped_row_fraction": sweep_stats["n_skipped_rows"]
            / (n_err * len(PAPER_BANDWIDTHS) * -(-m // cols)),
            "dense_rows_fraction": stats["n_dense_rows"] / n_err,
            "mean_log_likelihood": float(ll.mean()),
        }

    # baselines, on a subset of rows, scaled up linearly to n rows
    Xs, Ss = data["float64"][0][:n_sub], data["float64"][1]
    t_orig, ll_orig = timed(lambda: original_script(Xs, Ss, SIGMA))
    t_orig *= n / n_sub
    from sklearn.neighbors import KernelDensity

    kde = KernelDensity(bandwidth=SIGMA, kernel="gaussian", leaf_size=m + 1).fit(Ss)
    t_kde, ll_kde = timed(lambda: kde.score_samples(Xs))
    t_kde *= n / n_sub
    ref_sub = reference(Xs, Ss, SIGMA)
    baselines = {
        "original_script_s": t_orig,
        "original_script_max_abs_error": float(np.abs(ll_orig - ref_sub).max()),
        "kernel_density_s": t_kde,
        "kernel_density_max_abs_error": float(np.abs(ll_kde - ref_sub).max()),
        "subset_rows": n_sub,
    }
    for name in results:
        t_ours = results[name]["one_bandwidth_s"]
        results[name]["speedup_vs_original_script"] = t_orig / t_ours
        results[name]["speedup_vs_kernel_density"] = t_kde / t_ours

    wall = time.perf_counter() - wall0
    report = {
        "settings": {
            "n": n, "m": m, "d": d, "sigma": SIGMA, "quick": args.quick,
            "device": str(device), "block": [rows, cols],
            "data": "uniform [0, 1]" if args.data == "uniform"
            else "MNIST test images vs 10,000 training images",
            "sweep_bandwidths": PAPER_BANDWIDTHS.tolist(), "error_rows": n_err,
        },
        "results": results,
        "baselines": baselines,
        "environment": env,
        "wall_time_s": wall,
    }

    print(f"Parzen window, n={n} x m={m}, d={d}, sigma={SIGMA}, device={device}, "
          f"block={rows}x{cols}")
    print(f"{'':34s}{'float32':>12s}{'float64':>12s}")
    rows_out = [
        ("matmul rate (GFLOP/s)", "matmul_gflops", "{:.1f}"),
        ("matmul floor 2nmd/rate (s)", "floor_s", "{:.2f}"),
        ("one bandwidth (s)", "one_bandwidth_s", "{:.2f}"),
        ("  ratio to floor", "ratio_to_floor", "{:.2f}"),
        ("sweep of 10 bandwidths (s)", "sweep_10_s", "{:.2f}"),
        ("  ratio to one bandwidth", "sweep_ratio_to_one", "{:.2f}"),
        ("speed-up vs original script", "speedup_vs_original_script", "{:.0f}x"),
        ("speed-up vs KernelDensity", "speedup_vs_kernel_density", "{:.0f}x"),
        ("max abs error (nats)", "max_abs_error", "{:.1e}"),
        ("recomputed pairs per row", "recomputed_pairs_per_row", "{:.2f}"),
        ("rows redone in float64", "dense_rows_fraction", "{:.2f}"),
        ("sweep: block rows skipped", "sweep_skipped_row_fraction", "{:.2f}"),
        ("peak extra memory (MB, VmHWM)", "peak_extra_mb", "{:.0f}"),
    ]
    for label, key, fmt in rows_out:
        cells = "".join(
            f"{fmt.format(results[k][key]):>12s}" for k in ("float32", "float64")
        )
        print(f"{label:34s}{cells}")
    print(f"original script (numpy f64, scaled from {n_sub} rows): {t_orig:.1f} s, "
          f"max abs error {baselines['original_script_max_abs_error']:.1e}")
    print(f"KernelDensity(leaf_size={m + 1}) (scaled from {n_sub} rows): "
          f"{t_kde:.1f} s, "
          f"max abs error {baselines['kernel_density_max_abs_error']:.1e}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"loadavg {report['environment']['loadavg']}, wall {wall:.0f} s")

    name = "parzen" + ("_mnist" if args.data == "mnist" else "") + ("_quick" if args.quick else "")
    write_result(report, name, path=args.output)


if __name__ == "__main__":
    main()
