"""Benchmark of skgan.metrics maximum_mean_discrepancy against the matrix-multiply floor.

Usage, from the repository root:

    python -m benchmarks.metrics_mmd [--quick] [--device cpu] [--threads N] [--output PATH]

n real rows against n synthetic rows in d = 784, float64 (20,000 x 20,000, or
3,000 x 3,000 with --quick), uniform values in [0, 1] (the second set shifted
by 0.01). Reports, in one run:

* the time of the statistic (``n_permutations=0``, ``standardize=False``) as
  a ratio to the float64 matrix-multiply floor of the three Gram blocks,
  ``3 * 2 n^2 d / rate``, with the rate the best torch reaches here on an
  ``a @ b.T`` of 2048 x 784 x 2048 (goal: at most 1.5; the engine computes
  only the upper triangle of the pooled Gram matrix, so it can beat 1);
* the same with the defaults (standardised columns, 200 permutations);
* the peak extra resident memory of one call of each, in a fresh process
  (goal: at most 512 MB);
* the relative difference from a direct float64 computation on 300 rows.

Writes benchmarks/results/metrics_mmd.json (``_quick`` added with --quick).
"""

import argparse
import sys
import time

import numpy as np
import torch

from benchmarks._common import (
    make_parser,
    peak_extra_mb,
    print_probe,
    probe_in_subprocess,
    setup,
    timed,
    write_result,
)
from skgan.metrics._two_sample import maximum_mean_discrepancy

D = 784


def data(n, seed=0):
    rng = np.random.RandomState(seed)
    return rng.uniform(size=(n, D)), rng.uniform(size=(n, D)) + 0.01


def matmul_rate(device, repeat=3):
    """Float64 FLOP/s of a 2048 x 784 x 2048 ``a @ b.T`` (best of ``repeat``)."""
    a = torch.rand(2048, D, dtype=torch.float64, device=device)
    b = torch.rand(2048, D, dtype=torch.float64, device=device)
    best = float("inf")
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        a @ b.T
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t0)
    return 2 * 2048 * 2048 * D / best


def direct_error(device):
    X, Y = data(300, seed=1)
    result = maximum_mean_discrepancy(X, Y, n_permutations=0, standardize=False, random_state=0, device=device)
    s = result.bandwidth

    def gram(a, b):
        d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
        return np.exp(-np.maximum(d2, 0) / (2 * s * s))

    # direct differences for the exact reference
    def gram_direct(a, b):
        return np.exp(-np.array([((a - row) ** 2).sum(1) for row in b]).T / (2 * s * s))

    del gram
    n = len(X)
    kxx, kyy, kxy = gram_direct(X, X), gram_direct(Y, Y), gram_direct(X, Y)
    ref = ((kxx.sum() - np.trace(kxx)) + (kyy.sum() - np.trace(kyy))) / (n * (n - 1)) - 2 * kxy.mean()
    return abs(result.statistic - ref) / abs(ref)


def probe(n, defaults, device):
    X, Y = data(n)
    kwargs = {} if defaults else {"n_permutations": 0, "standardize": False}
    _, peak = peak_extra_mb(lambda: maximum_mean_discrepancy(X, Y, random_state=0, device=device, **kwargs))
    print_probe(peak)


def main(argv=None):
    parser = make_parser(__doc__, quick="3,000 x 3,000 instead of 20,000 x 20,000", device=True, output=True)
    parser.add_argument("--probe", choices=["statistic", "defaults"], help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    env = setup(args)
    threads = env["threads"]
    device = torch.device(args.device)
    n = args.n or (3000 if args.quick else 20000)
    if args.probe:
        return probe(n, args.probe == "defaults", device)

    X, Y = data(n)
    maximum_mean_discrepancy(X[:2048], Y[:2048], random_state=0, device=device)  # warm-up
    rate = matmul_rate(device)
    floor = 3 * 2.0 * n * n * D / rate
    t_stat, stat = timed(lambda: maximum_mean_discrepancy(
        X, Y, n_permutations=0, standardize=False, random_state=0, device=device))
    t_def, res = timed(lambda: maximum_mean_discrepancy(X, Y, random_state=0, device=device))
    extra = ["--n", n, "--device", args.device] + (["--threads", args.threads] if args.threads else [])
    mem_stat = probe_in_subprocess("benchmarks.metrics_mmd", "--probe", "statistic", *extra)
    mem_def = probe_in_subprocess("benchmarks.metrics_mmd", "--probe", "defaults", *extra)
    err = direct_error(device)
    report = {
        "environment": env,
        "n": n, "d": D, "threads": threads,
        "matmul_gflops": rate / 1e9,
        "floor_s": floor,
        "statistic": {"seconds": t_stat, "ratio_to_floor": t_stat / floor, "peak_extra_mb": mem_stat,
                      "mmd2": stat.statistic, "bandwidth": stat.bandwidth},
        "defaults": {"seconds": t_def, "ratio_to_floor": t_def / floor, "peak_extra_mb": mem_def,
                     "mmd2": res.statistic, "p_value": res.p_value},
        "relative_error_vs_direct_300": err,
        "goals": {"ratio_to_floor": 1.5, "peak_extra_mb": 512},
    }
    print(f"MMD {n} x {n} x {D} float64 on {device}, {threads} threads; matmul {rate / 1e9:.1f} GFLOP/s, "
          f"floor {floor:.2f} s")
    print(f"  statistic: {t_stat:.2f} s = {t_stat / floor:.2f} x floor (goal <= 1.5), peak extra {mem_stat} MB")
    print(f"  defaults (standardised, 200 permutations): {t_def:.2f} s = {t_def / floor:.2f} x floor, "
          f"peak extra {mem_def} MB")
    print(f"  relative error vs direct float64 (300 rows): {err:.1e}")
    name = "metrics_mmd" + ("_quick" if args.quick else "")
    write_result(report, name, path=args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
