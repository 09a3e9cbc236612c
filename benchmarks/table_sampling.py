"""Large samples of a table: memory beside the returned DataFrame, and rows per second on one thread.

A default ``GANSampler`` (one epoch) fitted on 2,000 rows of a 20-column
mixed table (8 floats, 4 integer columns, 6 text columns of 3 to 13
categories, a boolean and a float with missing values) draws N rows
(5,000,000; 500,000 with --quick). Measured in the same run:

* the peak resident memory of ``sample(N)`` above the process before it (a
  fresh process, VmHWM), against the memory of the returned DataFrame
  (pandas' ``memory_usage(deep=True)``): goal at most 1.5;
* rows per second on one thread (goal: at least 200,000), against the
  generator's matrix-multiply floor (its Linear layers at the rate torch
  reaches on their shapes, as in ``benchmarks.sampling``).

Writes ``benchmarks/results/table_sampling.json`` (``table_sampling_quick.json``
with --quick).

    python -m benchmarks.table_sampling [--quick]

(from the repository root).
"""

import argparse
import time

import numpy as np
import torch

from benchmarks._common import make_parser, peak_extra_mb, print_probe, probe_in_subprocess, setup, write_result
from benchmarks.sampling import matmul_floor
from skgan import GANSampler, _generation


def table(n_rows=2_000):
    import pandas as pd

    rng = np.random.RandomState(0)
    columns = {f"f{i}": rng.normal(size=n_rows) * (i + 1) for i in range(8)}
    columns.update({f"i{i}": rng.randint(0, 1000, n_rows) for i in range(4)})
    columns.update({f"c{i}": rng.choice([f"v{k}" for k in range(3 + 2 * i)], n_rows) for i in range(6)})
    columns["b"] = rng.rand(n_rows) < 0.4
    columns["m"] = np.where(rng.rand(n_rows) < 0.2, np.nan, rng.normal(size=n_rows))
    return pd.DataFrame(columns)


def fitted():
    return GANSampler(max_iter=1, bandwidth=1.0, random_state=0).fit(table())


def memory_probe(n_rows):
    """In a fresh process: the peak RSS of ``sample(n_rows)`` above the process before it, and the frame's MB."""
    gan = fitted()
    gan.sample(10)  # imports, first allocations
    frame, extra = peak_extra_mb(lambda: gan.sample(n_rows, random_state=1))
    print(f"frame {frame.memory_usage(deep=True).sum() / 2**20:.1f} MB")
    print_probe(extra)


def main(argv=None):
    parser = make_parser(__doc__, quick="500,000 rows instead", threads=1)
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    env = setup(args, device="cpu")
    if args.memory_probe:
        memory_probe(args.rows)
        return
    wall = time.perf_counter()
    n_rows = 500_000 if args.quick else 5_000_000
    gan = fitted()
    gan.sample(1000)  # warm-up
    start = time.perf_counter()
    frame = gan.sample(n_rows, random_state=1)
    seconds = time.perf_counter() - start
    frame_mb = frame.memory_usage(deep=True).sum() / 2**20
    del frame
    floor = matmul_floor(gan.generator_.eval(), n_rows, _generation.GENERATE_ROWS)
    extra_mb = probe_in_subprocess("benchmarks.table_sampling", "--memory-probe", "--rows", n_rows,
                                   "--threads", torch.get_num_threads())
    figures = {
        "rows_per_second": n_rows / seconds,
        "seconds": seconds,
        "matmul_floor_seconds": floor,
        "ratio_to_matmul_floor": seconds / floor,
        "frame_mb": frame_mb,
        "peak_extra_mb": extra_mb,
        "ratio_peak_to_frame": None if extra_mb is None else extra_mb / frame_mb,
    }
    print(f"sample({n_rows:,}) of a 20-column table on {torch.get_num_threads()} thread(s):")
    print(f"  {seconds:7.2f} s, {n_rows / seconds:,.0f} rows/s (goal: at least 200,000); "
          f"generator's matmul floor {floor:.2f} s, ratio {seconds / floor:.2f}")
    if extra_mb is not None:
        print(f"  peak extra memory {extra_mb:,.0f} MB; returned DataFrame {frame_mb:,.0f} MB; "
              f"ratio {extra_mb / frame_mb:.2f} (goal: at most 1.5)")
    name = "table_sampling_quick" if args.quick else "table_sampling"
    write_result({
        "benchmark": "table_sampling", "quick": args.quick, "n_rows": n_rows, "figures": figures,
        "environment": env, "wall_seconds": time.perf_counter() - wall,
    }, name)


if __name__ == "__main__":
    main()
