"""The one-call report on a 50,000-row mixed table: ``skgan.evaluate`` against its 60-second goal.

A table of 50,000 rows (four numeric columns, one with missing values, a
category, a string column, a boolean and a binary target), a synthetic
version (the rows resampled with noise, a category's frequencies shifted) and
a holdout of 50,000 fresh rows. Prints the time of each family and the total
against the goal (60 s on 2 cores), and writes
``benchmarks/results/metrics_report.json`` (``metrics_report_quick.json`` with
--quick: 5,000 rows).

    python -m benchmarks.metrics_report [--quick] [--threads N]

(from the repository root; needs pandas).
"""

import time

import numpy as np
import pandas as pd

import skgan
from benchmarks._common import make_parser, setup, write_result

GOAL_SECONDS = 60.0


def table(n, rng, shift=0.0):
    x = rng.normal(size=n) + shift
    income = rng.lognormal(10, 0.5, size=n)
    income[rng.rand(n) < 0.05] = np.nan
    colour = rng.choice(["red", "green", "blue", "black"], size=n, p=[0.4, 0.3, 0.2, 0.1] if shift == 0 else
                        [0.3, 0.3, 0.3, 0.1])
    return pd.DataFrame({
        "x": x,
        "y": 0.5 * x + rng.normal(size=n),
        "age": rng.randint(18, 90, size=n),
        "income": income,
        "colour": pd.Categorical(colour),
        "city": rng.choice([f"city{i}" for i in range(20)], size=n),
        "member": rng.rand(n) < 0.3,
        "target": np.where(x + rng.normal(size=n) > 0, "yes", "no"),
    })


def main(argv=None):
    args = make_parser(__doc__, quick="5,000 rows instead of 50,000").parse_args(argv)
    env = setup(args)
    n = 5000 if args.quick else 50000
    rng = np.random.RandomState(0)
    real, holdout, synthetic = table(n, rng), table(n, rng), table(n, rng, shift=0.2)
    start = time.perf_counter()
    report = skgan.evaluate(real, synthetic, holdout=holdout, target="target", verbose=1)
    total = time.perf_counter() - start
    print(report)
    print(f"\nskgan.evaluate on {n:,} x {real.shape[1]} rows (+ {n:,} synthetic, {n:,} holdout):")
    for family, seconds in report.seconds.items():
        print(f"  {family:<11} {seconds:7.2f} s")
    print(f"  total       {total:7.2f} s   ratio to the {GOAL_SECONDS:.0f} s goal: {total / GOAL_SECONDS:.2f}")
    result = {
        "benchmark": "metrics_report",
        "figures": {"total_seconds": total, "ratio_to_goal": total / GOAL_SECONDS,
                    **{f"{family}_seconds": seconds for family, seconds in report.seconds.items()}},
        "settings": {"n_rows": n, "n_columns": real.shape[1], "goal_seconds": GOAL_SECONDS},
        "report": report.rows,
        "environment": env,
    }
    write_result(result, "metrics_report_quick" if args.quick else "metrics_report")


if __name__ == "__main__":
    main()
