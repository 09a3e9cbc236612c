"""Benchmark of skgan's precision/recall/density/coverage against the ``prdc`` package.

Usage, from the repository root:

    python -m benchmarks.metrics_prdc [--quick] [--threads N] [--device cpu] [--output PATH]

PRDC of n real rows against n synthetic rows in d = 64 (10,000 x 10,000, or
2,000 x 2,000 with --quick), k = 5, Gaussian data (the synthetic rows
shifted by 0.1 and scaled by 1.1). Reports our time (the public function,
encoding included), the time of the authors' package ``prdc.compute_prdc``
on the same encoded rows (the baseline, measured in the same run), the
speed-up, whether all four values are identical, and the peak extra memory of
each (VmHWM, best effort, in fresh processes).

``prdc`` is optional: ``pip install prdc`` (it needs numpy, scipy and
scikit-learn only). Without it the baseline is skipped and said so.

Writes benchmarks/results/metrics_prdc.json (``_quick`` added with --quick).
"""

import argparse
import contextlib
import io
import time
from functools import partial

import numpy as np
import torch

from benchmarks._common import (
    make_parser,
    peak_extra_mb,
    pin_threads,
    print_probe,
    probe_in_subprocess,
    setup,
    timed,
    write_result,
)
from skgan.metrics._encoding import encode
from skgan.metrics._fidelity import precision_recall_density_coverage

K = 5
D = 64


def make_data(n, d=D):
    rng = np.random.RandomState(0)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d)) * 1.1 + 0.1


def load_prdc():
    try:
        from prdc import compute_prdc
    except ImportError:
        return None
    return compute_prdc


def run_prdc(compute_prdc, real, synth):
    with contextlib.redirect_stdout(io.StringIO()):  # it prints the set sizes
        out = compute_prdc(real, synth, K)
    return tuple(float(out[key]) for key in ("precision", "recall", "density", "coverage"))


def memory_probe(which, n, device, threads):
    pin_threads(threads, blas=True)
    real, synth = make_data(n)
    if which == "skgan":
        precision_recall_density_coverage(real[:50], synth[:50], n_neighbors=K, device=device)
        fn = partial(precision_recall_density_coverage, real, synth, n_neighbors=K, device=device)
    else:
        real, synth = encode(real, synth)
        fn = partial(run_prdc, load_prdc(), real, synth)
    _, extra = peak_extra_mb(fn)
    print_probe(extra)


def main(argv=None):
    parser = make_parser(__doc__, quick="2,000 x 2,000 instead", blas=True, device=True, output=True)
    parser.add_argument("--memory-probe", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_probe:
        memory_probe(args.memory_probe, args.n, args.device, args.threads)
        return

    wall0 = time.perf_counter()
    env = setup(args, prdc_threads_note="prdc uses sklearn pairwise_distances(n_jobs=8)")
    threads = env["threads"]
    n = 2000 if args.quick else 10_000
    repeat = 3 if args.quick else 2
    real, synth = make_data(n)
    real_x, synth_x = encode(real, synth)
    compute_prdc = load_prdc()

    precision_recall_density_coverage(real[:100], synth[:100], n_neighbors=K, device=args.device)  # warm-up
    t_ours, ours = timed(
        partial(precision_recall_density_coverage, real, synth, n_neighbors=K, device=args.device), repeat
    )
    probe = ["--n", n, "--device", args.device] + (["--threads", args.threads] if args.threads else [])
    mem_ours = probe_in_subprocess("benchmarks.metrics_prdc", "--memory-probe", "skgan", *probe)
    baseline = None
    if compute_prdc is None:
        print("prdc is not installed: the baseline is skipped (pip install prdc).")
    else:
        t_ref, ref = timed(partial(run_prdc, compute_prdc, real_x, synth_x), repeat)
        mem_ref = probe_in_subprocess("benchmarks.metrics_prdc", "--memory-probe", "prdc", *probe)
        baseline = {
            "prdc_s": t_ref,
            "prdc_values": dict(zip(ours._fields, ref, strict=True)),
            "prdc_peak_extra_mb": mem_ref,
            "speedup": t_ref / t_ours,
            "identical_values": tuple(ours) == ref,
            "max_abs_difference": max(abs(a - b) for a, b in zip(ours, ref, strict=True)),
        }
    wall = time.perf_counter() - wall0
    report = {
        "settings": {"n_real": n, "n_synthetic": n, "d": D, "n_neighbors": K, "quick": args.quick,
                     "device": args.device, "repeat": repeat,
                     "data": "N(0, 1) real, N(0.1, 1.1^2) synthetic"},
        "results": {"skgan_s": t_ours, "values": ours._asdict(), "peak_extra_mb": mem_ours},
        "baseline": baseline,
        "environment": env,
        "wall_time_s": wall,
    }
    print(f"PRDC, {n} real x {n} synthetic rows, d={D}, k={K}, device={args.device}, {threads} torch threads")
    print(f"  skgan: {t_ours:.2f} s, {ours}, peak extra {mem_ours and round(mem_ours)} MB")
    if baseline:
        print(f"  prdc:  {baseline['prdc_s']:.2f} s, peak extra {mem_ref and round(mem_ref)} MB; "
              f"speed-up {baseline['speedup']:.1f}x, identical values: {baseline['identical_values']}")
    print(f"torch {torch.__version__}, loadavg {report['environment']['loadavg']}, wall {wall:.0f} s")
    write_result(report, "metrics_prdc" + ("_quick" if args.quick else ""), path=args.output)


if __name__ == "__main__":
    main()
