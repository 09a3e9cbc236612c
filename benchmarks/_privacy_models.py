"""The reference DP generators of :mod:`benchmarks.privacy`, fitted in their own venv, with a cache of their rows.

Run in the smartnoise venv (see :mod:`benchmarks.privacy` for the setup): it
needs smartnoise-synth and the tables' packages, not skgan::

    nice -n 10 /work/venv-dp/bin/python -m benchmarks._privacy_models --tables penguins --models mst --epsilons 1 3 10

Each (table, model, epsilon, seed) is fitted on the table's training rows at
one thread and draws as many rows; the rows (as drawn, before
:func:`benchmarks._conform.conform`) and the timings go to
``benchmarks/results/cache/privacy/privacy_{table}_{model}_e{eps}_s{seed}_n{rows}_{bounds}.json.gz``
(ignored by git), with ``fit_cpu_seconds`` (``time.process_time`` of this
process around the fit), ``fit_seconds`` (wall) and ``sample_seconds``. A
cache file is reused when it exists and was fitted on the same split.

The models, smartnoise-synth's ``Synthesizer.create(name, epsilon=eps,
delta=1 / (10 * n_train))`` with its defaults otherwise, fitted with
``fit(rows, transformer=..., categorical_columns=..., continuous_columns=...,
nullable=..., preprocessor_eps=...)`` (its documented call):

* ``dpctgan`` (DP-CTGAN, opacus DP-SGD on the discriminator; 300 epochs at
  most, stops when the budget is spent; sigma 5; batch 500, or the largest
  even number up to half the rows on tables of fewer than 1,000 rows, as
  opacus refuses a batch larger than the rows: :func:`batch_size_for`);
* ``patectgan`` (PATE-CTGAN; teachers on disjoint partitions);
* ``mst`` (MST, private-pgm) and ``aim`` (AIM, mbi): marginal-based, on
  discretised data (smartnoise's "cube" style: each continuous column cut
  into ``BinTransformer``'s 10 equal-width bins, drawn back as bin midpoints).

Columns: category, text and bool columns are categorical (their labels as
text, missing values as None); float and int columns are continuous.
Continuous columns need bounds. With ``--bounds public`` (the default) each
gets *public* bounds, its observed training min and max rounded outward to
a tenth of the range's order of magnitude (:func:`public_bounds`), handed
to smartnoise as ``MinMaxTransformer`` (GANs) or ``BinTransformer`` (MST,
AIM) constraints, so no budget is spent on them: this favours the
references (the bounds come from the private rows for free). With
``--bounds dp`` smartnoise infers them itself (``approx_bounds``) with
``preprocessor_eps`` = 10% of epsilon, subtracted from the training budget.
"""

import argparse
import gzip
import json
import math
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import _tables
from benchmarks._tabular_models import _seed_everything, cpu_model, pin_one_thread, read_cache

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / "results" / "cache" / "privacy"
PRIVATE_MODELS = ("dpctgan", "patectgan", "mst", "aim")
EPSILONS = (1.0, 3.0, 10.0)
BOUNDS = ("public", "dp")
#: ``--bounds dp``: the share of epsilon smartnoise spends on the continuous columns' bounds.
PREPROCESSOR_SHARE = 0.1
#: MST and AIM: equal-width bins of each continuous column (BinTransformer's default).
BINS = 10


def delta_for(n_train):
    """The delta of every fit: ``1 / (10 * n_train)``."""
    return 1.0 / (10 * n_train)


def batch_size_for(model, n_train):
    """DP-CTGAN's batch: its default 500, or the largest even number up to half the rows when that is fewer."""
    return min(500, 2 * max(n_train // 4, 1)) if model == "dpctgan" else None


def cache_path(table, model, epsilon, seed, n_train, bounds="public"):
    return CACHE / f"privacy_{table}_{model}_e{epsilon:g}_s{seed}_n{n_train}_{bounds}.json.gz"


def error_path(path):
    """Where a failed fit's error is kept, beside its cache file."""
    return path.with_name(path.name.replace(".json.gz", ".error.json.gz"))


def split_columns(train):
    """``(categorical, continuous)`` column names: labels and bools; floats and ints."""
    kinds = _tables.column_kinds(train)
    return ([c for c, k in kinds.items() if k in ("category", "str", "bool")],
            [c for c, k in kinds.items() if k in ("float", "int")])


def public_bounds(values):
    """``(lower, upper)``: the observed min and max, rounded outward to a tenth of the range's order of magnitude."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    unit = 10.0 ** (math.floor(math.log10(span)) - 1)
    lower, upper = math.floor(lo / unit) * unit, math.ceil(hi / unit) * unit
    if upper <= lower:
        upper = lower + unit
    return float(lower), float(upper)


def as_smartnoise_rows(train):
    """The training rows as smartnoise reads them: an object frame, labels as text, numbers as floats, None missing."""
    categorical, continuous = split_columns(train)
    out = pd.DataFrame(index=range(len(train)))
    for col in train.columns:
        values = train[col].reset_index(drop=True)
        if col in categorical:
            text = values.astype(object).map(lambda v: None if v is None or v != v else str(v))
            out[col] = text.astype(object)
        else:
            numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
            out[col] = pd.Series([None if v != v else float(v) for v in numbers], dtype=object)
    return out


def constraints(train, style, bounds):
    """smartnoise's transformer constraints for the continuous columns (public bounds), or None (``bounds="dp"``)."""
    from snsynth.transform import BinTransformer, MinMaxTransformer

    if bounds == "dp":
        return None, {}
    _, continuous = split_columns(train)
    out, used = {}, {}
    for col in continuous:
        lower, upper = public_bounds(train[col].to_numpy(dtype=np.float64, na_value=np.nan))
        nullable = bool(train[col].isna().any())
        used[col] = [lower, upper]
        if style == "gan":
            out[col] = MinMaxTransformer(lower=lower, upper=upper, nullable=nullable)
        else:
            out[col] = BinTransformer(bins=BINS, lower=lower, upper=upper, nullable=nullable)
    return out, used


def fit_reference(model, train, epsilon, seed, bounds="public"):
    """Fit ``model`` at ``epsilon`` on ``train`` and draw ``len(train)`` rows: the cache record (JSON-ready)."""
    from snsynth import Synthesizer

    _seed_everything(seed)
    categorical, continuous = split_columns(train)
    rows = as_smartnoise_rows(train)
    style = "cube" if model in ("mst", "aim") else "gan"
    transformer, used_bounds = constraints(train, style, bounds)
    nullable = bool(train.isna().any().any())
    delta = delta_for(len(train))
    kwargs = {"delta": delta}
    if model in ("dpctgan", "patectgan"):
        kwargs.update(cuda=False, verbose=False)
    if model == "dpctgan":  # opacus refuses a batch larger than the rows (sample rate > 1)
        kwargs["batch_size"] = batch_size_for(model, len(train))
    synth = Synthesizer.create(model, epsilon=float(epsilon), **kwargs)
    preprocessor_eps = PREPROCESSOR_SHARE * epsilon if bounds == "dp" else 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    synth.fit(rows, transformer=transformer, categorical_columns=categorical,
              continuous_columns=[] if transformer else continuous, nullable=nullable,
              preprocessor_eps=preprocessor_eps)
    fit_cpu, fit_wall = time.process_time() - cpu, time.perf_counter() - wall
    _seed_everything(seed + 1)
    start = time.perf_counter()
    synthetic = synth.sample(len(train))
    sample_seconds = time.perf_counter() - start
    synthetic = pd.DataFrame(synthetic)
    if list(synthetic.columns) != list(train.columns):
        synthetic.columns = list(train.columns)
    info = {"batch_size": kwargs.get("batch_size"), "style": style, "bounds": bounds, "public_bounds": used_bounds,
            "nullable": nullable,
            "preprocessor_eps": preprocessor_eps, "bins": BINS if style == "cube" else None,
            "epsilon_remaining_for_training": float(getattr(synth, "epsilon", epsilon))}
    if model == "dpctgan":
        spent = [float(e) for e in getattr(synth, "epsilon_list", [])]
        info.update(epochs_run=len(spent), epsilon_reported=spent[-1] if spent else None)
    return dict(info, model=model, epsilon=float(epsilon), delta=delta, seed=seed, n_train=len(train),
                train_fingerprint=_tables.fingerprint(train), fit_cpu_seconds=fit_cpu, fit_seconds=fit_wall,
                sample_seconds=sample_seconds, environment=versions(),
                settings=f"Synthesizer.create({model!r}, epsilon, delta=1/(10 n_train)) defaults",
                synthetic=_tables.to_records(synthetic[list(train.columns)]))


def versions():
    import importlib.metadata as md
    import platform

    out = {"python": platform.python_version(), "cpu": cpu_model(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    for package in ("smartnoise-synth", "smartnoise-sql", "opacus", "mbi", "jax", "opendp", "torch", "numpy",
                    "pandas"):
        try:
            out[package] = md.version(package)
        except md.PackageNotFoundError:
            pass
    return out


def worker(tables, models, epsilons, seeds, *, bounds="public", quick=False, refit=False):
    """Fill the cache: every (table, model, epsilon, seed) whose file is missing (all with ``refit``)."""
    warnings.filterwarnings("ignore")
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    pin_one_thread()
    CACHE.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        for name in tables:
            name, train, _, _ = _tables.load(name, quick=quick)
            for epsilon in epsilons:
                for model in models:
                    path = cache_path(name, model, epsilon, seed, len(train), bounds)
                    if not refit and read_cache(path, train) is not None:
                        continue
                    label = f"{model} {name} eps {epsilon:g} seed {seed}"
                    print(f"{label}: fitting {len(train):,} rows", flush=True)
                    try:
                        record = fit_reference(model, train, epsilon, seed, bounds)
                    except Exception as exc:  # one model's failure must not stop the others
                        print(f"{label}: FAILED {type(exc).__name__}: {exc}", flush=True)
                        failure = {"model": model, "epsilon": float(epsilon), "seed": seed, "n_train": len(train),
                                   "train_fingerprint": _tables.fingerprint(train), "bounds": bounds,
                                   "error": f"{type(exc).__name__}: {exc}"[:2000], "environment": versions()}
                        with gzip.open(error_path(path), "wt") as fh:
                            json.dump(failure, fh)
                        continue
                    with gzip.open(path, "wt") as fh:
                        json.dump(record, fh)
                    print(f"{label}: {record['fit_cpu_seconds']:.1f} CPU s, {record['fit_seconds']:.1f} s wall, "
                          f"wrote {path.name}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fit the reference DP generators and cache their rows.")
    parser.add_argument("--tables", nargs="+", default=["penguins", "anes96", "fair"])
    parser.add_argument("--models", nargs="+", default=list(PRIVATE_MODELS), choices=PRIVATE_MODELS)
    parser.add_argument("--epsilons", nargs="+", type=float, default=list(EPSILONS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--bounds", default="public", choices=BOUNDS)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--refit", action="store_true", help="refit even where a cache file exists")
    args = parser.parse_args(argv)
    worker(args.tables, args.models, args.epsilons, args.seeds, bounds=args.bounds, quick=args.quick,
           refit=args.refit)


if __name__ == "__main__":
    main()
