"""TabularEncoder against CTGAN's DataTransformer on 100,000 rows; GANSampler's peak memory on 1,000,000 mixed rows.

Encoder mode (the default): 100,000 rows x 10 continuous columns from a
fixed generator (column j a mixture of 1 + j % 5 Gaussian modes with random
means, scales and weights; seed 0), or with ``--data randhie`` the randhie
table's six numeric columns resampled to 100,000 rows. Measured in one run,
with the same BLAS/torch threads (``--threads``, default 1):

* fit seconds of ``skgan.preprocessing.TabularEncoder(random_state=0)`` with
  ``n_jobs=1`` and ``n_jobs=2``, and of CTGAN's ``DataTransformer().fit(df,
  discrete_columns=[])`` (ctgan 0.12.1, run in ``venv-ctgan`` as a
  subprocess, or in-process when this interpreter has ``ctgan``), and the
  ratio DataTransformer / TabularEncoder (the goal: >= 10x);
* transform seconds of all the rows (DataTransformer's transform uses joblib
  with ``n_jobs=-1``, as CTGAN ships it);
* the reconstruction error of ``inverse_transform(transform(X))``: per
  column the mean absolute error divided by the column's standard deviation;
  the mean and the largest over the columns.

Memory mode (``--memory``): the peak resident memory and the CPU seconds of
``GANSampler(random_state=0).fit(df)`` (the defaults: on a table this size,
one epoch of 512-row steps) on 1,000,000 rows x 20 mixed columns (10 float,
3 of them with 5% NaN; 4 int; 3 category with 5, 40 and 200 labels, one with
NaN; 2 bool; 1 str with 30 values and NaN), in a fresh process with the probe
of :mod:`benchmarks._common`: the whole process's peak (the goal: < 4 GB),
the peak above the resident memory once the table is built, and the fit's
CPU seconds on ``--threads`` threads (the goal: < 10 CPU minutes).

    nice -n 10 .venv/bin/python -m benchmarks.tabular_encoder [--data randhie] [--rows N] [--threads N]
    nice -n 10 .venv/bin/python -m benchmarks.tabular_encoder --memory [--rows 1000000]
    .venv/bin/python -m benchmarks.tabular_encoder --quick            # 10,000 rows; memory mode 50,000

(from the repository root; venv-ctgan as in :mod:`benchmarks.tabular`). Writes
``benchmarks/results/tabular_encoder.json`` (``tabular_encoder_memory.json``
with --memory; ``_quick`` added with --quick).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import (
    ROOT,
    make_parser,
    peak_extra_mb,
    pin_threads,
    print_probe,
    probe_in_subprocess,
    setup,
    timed,
    write_result,
)

N_COLUMNS = 10
DEFAULT_PYTHON = ROOT / "venv-ctgan" / "bin" / "python"
MEMORY_GOAL_MB = 4096
#: The goal for the fit of 1,000,000 rows with the defaults: ten CPU minutes.
CPU_GOAL_SECONDS = 600
SPEED_GOAL = 10.0


# --------------------------------------------------------------------------- data


def multimodal(n, seed=0, n_columns=N_COLUMNS):
    """``n`` x ``n_columns`` floats: column j a mixture of 1 + j % 5 Gaussian modes (fixed by ``seed``)."""
    rng = np.random.RandomState(seed)
    columns = {}
    for j in range(n_columns):
        k = 1 + j % 5
        weights = rng.dirichlet(np.full(k, 2.0))
        means = rng.uniform(-20, 20, size=k) * (1 + j)
        scales = rng.uniform(0.2, 3.0, size=k) * (1 + j)
        mode = rng.choice(k, size=n, p=weights)
        columns[f"x{j}"] = means[mode] + scales[mode] * rng.normal(size=n)
    return pd.DataFrame(columns)


def randhie_scaled(n, seed=0):
    """randhie's numeric columns (mdvis as float) resampled with replacement to ``n`` rows."""
    from benchmarks._tables import randhie

    _, df, _ = randhie()
    df = df.drop(columns=["idp", "health"]).astype(np.float64)
    return df.iloc[np.random.RandomState(seed).randint(len(df), size=n)].reset_index(drop=True)


def make_data(kind, n, seed):
    return multimodal(n, seed) if kind == "synthetic" else randhie_scaled(n, seed)


def mixed(n, seed=0):
    """``n`` rows x 20 mixed columns: 10 float (3 with NaN), 4 int, 3 category, 2 bool, 1 str."""
    rng = np.random.RandomState(seed)
    df = multimodal(n, seed, n_columns=10)
    for j in (1, 4, 7):
        df.loc[rng.rand(n) < 0.05, f"x{j}"] = np.nan
    df["count"] = rng.poisson(3.0, size=n).astype(np.int64)
    df["age"] = rng.randint(18, 90, size=n).astype(np.int64)
    df["year"] = rng.randint(1990, 2025, size=n).astype(np.int64)
    df["visits"] = rng.negative_binomial(2, 0.1, size=n).astype(np.int64)
    for name, k in (("colour", 5), ("region", 40), ("product", 200)):
        p = rng.dirichlet(np.full(k, 0.7))
        df[name] = pd.Categorical.from_codes(rng.choice(k, size=n, p=p), [f"{name}{i}" for i in range(k)])
    df.loc[rng.rand(n) < 0.02, "region"] = np.nan
    df["member"] = rng.rand(n) < 0.3
    df["active"] = rng.rand(n) < 0.8
    city = np.array([f"city{i}" for i in range(30)], dtype=object)[rng.randint(30, size=n)]
    city[rng.rand(n) < 0.03] = None
    df["city"] = pd.Series(city).astype("str") if pd.__version__ >= "3" else pd.Series(city, dtype=object)
    return df


# --------------------------------------------------------------------------- encoders


def reconstruction(X, X_back):
    """Per column: mean |X - X_back| / std(X); returns (mean over columns, max over columns, per column)."""
    errors = {}
    for col in X.columns:
        x = X[col].to_numpy(dtype=np.float64)
        back = pd.to_numeric(pd.Series(np.asarray(X_back[col])), errors="coerce").to_numpy(dtype=np.float64)
        errors[str(col)] = float(np.mean(np.abs(x - back)) / x.std())
    values = list(errors.values())
    return float(np.mean(values)), float(np.max(values)), errors


def measure_tabular_encoder(X, n_jobs, repeat):
    from skgan.preprocessing import TabularEncoder

    fit_seconds, encoder = timed(lambda: TabularEncoder(n_jobs=n_jobs, random_state=0).fit(X), repeat)
    transform_seconds, Z = timed(lambda: encoder.transform(X), repeat)
    inverse_seconds, back = timed(lambda: encoder.inverse_transform(Z), repeat)
    mean_err, max_err, per_column = reconstruction(X, back)
    return {"fit_seconds": fit_seconds, "transform_seconds": transform_seconds, "inverse_seconds": inverse_seconds,
            "encoded_width": int(Z.shape[1]), "reconstruction_mae_over_std_mean": mean_err,
            "reconstruction_mae_over_std_max": max_err, "reconstruction_per_column": per_column}


def measure_data_transformer(X, repeat):
    import ctgan
    from ctgan.data_transformer import DataTransformer

    fit_seconds, transformer = timed(lambda: _fitted_transformer(DataTransformer, X), repeat)
    transform_seconds, Z = timed(lambda: transformer.transform(X), repeat)
    inverse_seconds, back = timed(lambda: transformer.inverse_transform(Z), repeat)
    mean_err, max_err, per_column = reconstruction(X, back)
    return {"fit_seconds": fit_seconds, "transform_seconds": transform_seconds, "inverse_seconds": inverse_seconds,
            "encoded_width": int(Z.shape[1]), "reconstruction_mae_over_std_mean": mean_err,
            "reconstruction_mae_over_std_max": max_err, "reconstruction_per_column": per_column,
            "ctgan": getattr(ctgan, "__version__", "unknown")}


def _fitted_transformer(DataTransformer, X):
    transformer = DataTransformer()
    transformer.fit(X, discrete_columns=[])
    return transformer


def data_transformer_figures(args):
    """DataTransformer's figures: in-process when ``ctgan`` imports, else from venv-ctgan; None if neither."""
    try:
        import ctgan  # noqa: F401

        return measure_data_transformer(make_data(args.data, args.rows, args.seed), args.repeat)
    except ImportError:
        pass
    if not os.path.exists(args.ctgan_python):
        print(f"DataTransformer skipped: no {args.ctgan_python}", file=sys.stderr)
        return None
    cmd = [args.ctgan_python, "-m", "benchmarks.tabular_encoder", "--ctgan-side", "--data", args.data,
           "--rows", str(args.rows), "--seed", str(args.seed), "--threads", str(args.threads),
           "--repeat", str(args.repeat)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        print(f"DataTransformer run failed:\n{res.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- memory


def memory_probe(rows, seed, threads, out):
    """In the probe process: build the mixed table, then fit GANSampler with its defaults under the probe."""
    from benchmarks._common import _status_kb
    from skgan import GANSampler

    pin_threads(threads)
    df = mixed(rows, seed)
    settings = {"random_state": 0}
    start, cpu_start = time.perf_counter(), time.process_time()
    gan, extra = peak_extra_mb(lambda: GANSampler(**settings).fit(df))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    Path(out).write_text(json.dumps({
        "process_peak_mb": (_status_kb("VmHWM") or 0) / 1024, "frame_mb": df.memory_usage(deep=True).sum() / 2**20,
        "fit_seconds": seconds, "fit_cpu_seconds": cpu_seconds, "epochs": gan.n_iter_, "settings": settings,
        "dtypes": {c: str(t) for c, t in df.dtypes.items()},
    }))
    print_probe(extra)


def run_memory(args, env):
    rows = args.rows or (50_000 if args.quick else 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "probe.json"
        extra = probe_in_subprocess("benchmarks.tabular_encoder", "--memory-probe", "--rows", rows, "--seed",
                                    args.seed, "--threads", args.threads, "--probe-out", out)
        details = json.loads(out.read_text()) if out.is_file() else {}
    peak = details.get("process_peak_mb")
    seconds = details.get("fit_seconds", float("nan"))
    cpu = details.get("fit_cpu_seconds", float("nan"))
    print(f"GANSampler(random_state=0).fit on {rows:,} x 20 mixed rows: fit {seconds:.1f} s, {cpu:.1f} CPU s "
          f"(goal < {CPU_GOAL_SECONDS} CPU s: ratio {cpu / CPU_GOAL_SECONDS:.2f}), {details.get('epochs')} epoch(s)")
    if extra is not None and peak is not None:
        print(f"  peak resident memory of the process {peak:,.0f} MB (goal < {MEMORY_GOAL_MB:,} MB: "
              f"ratio {peak / MEMORY_GOAL_MB:.2f}); {extra:,.0f} MB above the process once the "
              f"{details['frame_mb']:,.0f} MB table was built")
    record = {
        "benchmark": "tabular_encoder_memory", "quick": args.quick,
        "figures": {"rows": rows, "columns": 20, "process_peak_mb": peak, "fit_peak_extra_mb": extra,
                    "ratio_to_goal": peak / MEMORY_GOAL_MB if peak else None,
                    "goal_below_4gb": bool(peak is not None and peak < MEMORY_GOAL_MB),
                    "cpu_ratio_to_goal": details.get("fit_cpu_seconds", float("nan")) / CPU_GOAL_SECONDS,
                    **details},
        "environment": env,
    }
    write_result(record, "tabular_encoder_memory_quick" if args.quick else "tabular_encoder_memory")


# --------------------------------------------------------------------------- main


def main(argv=None):
    parser = make_parser(__doc__, quick="10,000 rows; memory mode 50,000", threads=1, blas=True, seed=True,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", choices=("synthetic", "randhie"), default="synthetic",
                        help="multi-modal synthetic columns (default) or randhie resampled")
    parser.add_argument("--rows", type=int, default=None, help="rows (default 100,000; memory mode 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many timings (default 1)")
    parser.add_argument("--memory", action="store_true", help="peak memory and CPU time of GANSampler().fit instead")
    parser.add_argument("--ctgan-python", default=str(DEFAULT_PYTHON))
    parser.add_argument("--ctgan-side", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_probe:
        memory_probe(args.rows, args.seed, args.threads, args.probe_out)
        return
    env = setup(args, device="cpu", pandas=pd.__version__)
    if args.memory:  # in a probe process, with the same threads
        run_memory(args, env)
        return
    args.rows = args.rows or (10_000 if args.quick else 100_000)
    if args.ctgan_side:
        print(json.dumps(measure_data_transformer(make_data(args.data, args.rows, args.seed), args.repeat)))
        return

    wall = time.perf_counter()
    X = make_data(args.data, args.rows, args.seed)
    print(f"{args.rows:,} x {X.shape[1]} continuous rows ({args.data}), {args.threads} thread(s)")
    results = {}
    for n_jobs in (1, 2):
        try:
            results[f"tabular_encoder_n_jobs_{n_jobs}"] = measure_tabular_encoder(X, n_jobs, args.repeat)
        except Exception as exc:
            results[f"tabular_encoder_n_jobs_{n_jobs}"] = {"error": f"{type(exc).__name__}: {exc}"}
    dt = data_transformer_figures(args)
    results["ctgan_data_transformer"] = dt if dt is not None else {"error": "not run"}

    print(f"  {'encoder':<26} {'fit s':>8} {'transform s':>11} {'inverse s':>9} {'width':>5} "
          f"{'MAE/std mean':>12} {'max':>8}  DataTransformer fit / fit")
    figures = {}
    for name, r in results.items():
        if "error" in r:
            print(f"  {name:<26} {r['error'][:80]}")
            continue
        ratio = dt["fit_seconds"] / r["fit_seconds"] if dt and name != "ctgan_data_transformer" else None
        if ratio is not None:
            figures[f"fit_speedup_{name}"] = ratio
            figures[f"transform_speedup_{name}"] = dt["transform_seconds"] / r["transform_seconds"]
        print(f"  {name:<26} {r['fit_seconds']:8.2f} {r['transform_seconds']:11.2f} {r['inverse_seconds']:9.2f} "
              f"{r['encoded_width']:5d} {r['reconstruction_mae_over_std_mean']:12.2e} "
              f"{r['reconstruction_mae_over_std_max']:8.2e}  {'' if ratio is None else f'{ratio:.1f}x'}")
    speedups = [v for k, v in figures.items() if k.startswith("fit_speedup")]
    if speedups:
        figures["goal_fit_speedup_at_least_10"] = bool(max(speedups) >= SPEED_GOAL)
    record = {
        "benchmark": "tabular_encoder", "quick": args.quick, "figures": figures, "results": results,
        "settings": {"rows": args.rows, "columns": X.shape[1], "data": args.data, "seed": args.seed,
                     "threads": args.threads, "repeat": args.repeat,
                     "tabular_encoder": "TabularEncoder(n_jobs=..., random_state=0), other parameters default",
                     "data_transformer": "DataTransformer().fit(df, discrete_columns=[]) (ctgan 0.12.1 defaults: "
                                         "max_clusters 10, weight_threshold 0.005)",
                     "reconstruction": "mean |X - inverse_transform(transform(X))| / std(X) per column"},
        "environment": env,
        "wall_seconds": time.perf_counter() - wall,
    }
    name = "tabular_encoder" + ("" if args.data == "synthetic" else f"_{args.data}") + ("_quick" if args.quick else "")
    write_result(record, name)


if __name__ == "__main__":
    main()
