"""Peak memory of a fit on a table with a high-cardinality text column, against the same table without it.

Run from the repository root::

    python -m benchmarks.high_cardinality               # (a) 60,000 rows, a 50,000-distinct text column
    python -m benchmarks.high_cardinality --large       # and (b) 1,000,000 rows, 500,000 distinct, an identifier
    python -m benchmarks.high_cardinality --max-iter 2  # a short fit (the default: the estimator's own max_iter)

Each fit runs in a fresh subprocess, which reports its peak resident set
size (``ru_maxrss``, the whole process: Python, torch and the data
included); the baseline is the same table without the high-cardinality
column(s), fitted the same way in the same run. Goals (issue 29): (a) under
1 GB, (b) under 4 GB.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def make_table(n_rows, n_distinct, *, identifier=False, n_other=4, seed=0):
    """A table of ``n_rows``: a text column of ``n_distinct`` values (each at least once, then Zipf-like), others."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    codes = np.concatenate([rng.permutation(n_distinct), rng.zipf(1.3, n_rows - n_distinct) % n_distinct])
    columns = {"text": np.asarray([f"item-{c:07d}" for c in rng.permutation(codes)], dtype=object)}
    if identifier:
        columns["id"] = np.asarray([f"ID{i:08d}" for i in rng.permutation(n_rows)], dtype=object)
    for j in range(n_other):
        kind = j % 4
        if kind == 0:
            columns[f"num{j}"] = rng.normal(size=n_rows)
        elif kind == 1:
            columns[f"cat{j}"] = pd.Categorical(rng.choice(["a", "b", "c", "d", "e"], n_rows))
        elif kind == 2:
            columns[f"int{j}"] = rng.integers(0, 1000, n_rows)
        else:
            columns[f"flag{j}"] = rng.random(n_rows) < 0.3
    return pd.DataFrame(columns)


CASES = {
    "a": dict(n_rows=60_000, n_distinct=50_000, n_other=4),
    "b": dict(n_rows=1_000_000, n_distinct=500_000, identifier=True, n_other=10),
}


def child(case, baseline, max_iter):
    from skgan import GANSampler

    X = make_table(**CASES[case])
    if baseline:
        X = X.drop(columns=[c for c in ("text", "id") if c in X.columns])
    params = {} if max_iter is None else {"max_iter": max_iter}
    start = time.perf_counter()
    model = GANSampler(random_state=0, **params).fit(X)
    seconds = time.perf_counter() - start
    sample = model.sample(1000, random_state=0)
    assert list(sample.columns) == list(X.columns)
    print(json.dumps({
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "fit_s": seconds,
        "model_columns": model.encoder_.output_layout_.n_columns,
        "policies": {str(k): v for k, v in model.encoder_.column_policies_.items() if v is not None},
    }))


def run(case, baseline, max_iter):
    command = [sys.executable, "-m", "benchmarks.high_cardinality", "--child", case]
    command += ["--baseline"] * baseline + ([] if max_iter is None else ["--max-iter", str(max_iter)])
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"case {case} (baseline={baseline}) failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also case (b): 1,000,000 rows (several minutes)")
    parser.add_argument("--max-iter", type=int, default=None, help="epochs of each fit (default: the estimator's)")
    parser.add_argument("--child", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.baseline, args.max_iter)
    goals = {"a": 1024, "b": 4096}
    for case in ["a", "b"] if args.large else ["a"]:
        with_column, without = run(case, False, args.max_iter), run(case, True, args.max_iter)
        print(f"case ({case}) {CASES[case]}, max_iter={args.max_iter or 'default'}")
        print(f"  with the high-cardinality column(s): peak RSS {with_column['peak_rss_mb']:.0f} MB, "
              f"fit {with_column['fit_s']:.1f} s, {with_column['model_columns']} model columns, "
              f"policies {with_column['policies']}")
        print(f"  baseline without them:               peak RSS {without['peak_rss_mb']:.0f} MB, "
              f"fit {without['fit_s']:.1f} s, {without['model_columns']} model columns")
        ratio = with_column["peak_rss_mb"] / without["peak_rss_mb"]
        verdict = "met" if with_column["peak_rss_mb"] < goals[case] else "NOT met"
        print(f"  ratio {ratio:.2f}; goal < {goals[case]} MB {verdict}")


if __name__ == "__main__":
    main()
