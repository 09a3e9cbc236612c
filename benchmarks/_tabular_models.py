"""The reference generators of :mod:`benchmarks.tabular`, fitted in their own venv, with a cache of their rows.

Run in ``venv-refs`` (see :mod:`benchmarks.tabular` for the setup): it needs
ctgan, sdv, arfpy, torch, numpy, pandas and the tables' packages, not skgan::

    nice -n 10 venv-refs/bin/python -m benchmarks._tabular_models --tables penguins fair --models ctgan arf --seeds 0

Each (table, model, seed) is fitted on the table's training rows at one
thread and draws as many rows; the rows (as drawn, before
:func:`benchmarks._conform.conform`) and the timings go to
``benchmarks/results/cache/tabular_{table}_{model}_s{seed}_n{rows}.json.gz``
(ignored by git). Timings: ``fit_cpu_seconds`` (``time.process_time`` of
this process around the fit: one thread, so CPU seconds), ``fit_seconds``
(wall) and ``sample_seconds`` (wall). A cache file is reused when it exists
and was fitted on the same split (its ``train_fingerprint``).

The models, each with its package's defaults:

* ``ctgan``: CTGAN 0.12.1 (300 epochs, batch 500, pac 10), ``discrete_columns``
  the category, text and bool columns. It refuses missing values in
  continuous columns: it is fitted on the rows without a missing number;
* ``tvae`` and ``copula``: SDV 2.0.0's ``TVAESynthesizer`` (300 epochs) and
  ``GaussianCopulaSynthesizer``; metadata by ``Metadata.detect_from_dataframes``,
  then each column's sdtype set from its dtype (float, int: numerical;
  bool: boolean; category, text: categorical). They model missing values;
* ``arf``: arfpy 0.1.1's adversarial random forest, ``arf.arf(x=train)``,
  ``forde()``, ``forge(n)``. It refuses missing values: fitted on the
  complete rows; bool columns go in as text.
"""

import argparse
import gzip
import json
import os
import platform
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import _tables

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / "results" / "cache"
REFERENCE_MODELS = ("ctgan", "tvae", "copula", "arf")
TABLE_NAME = "table"


def cache_path(table, model, seed, n_train):
    return CACHE / f"tabular_{table}_{model}_s{seed}_n{n_train}.json.gz"


def read_cache(path, train=None):
    """The cache record at ``path`` (None if absent, or fitted on another split than ``train``'s)."""
    if not path.is_file():
        return None
    with gzip.open(path, "rt") as fh:
        record = json.load(fh)
    if train is not None and record.get("train_fingerprint") != _tables.fingerprint(train):
        print(f"{path.name}: fitted on another split; ignored", file=sys.stderr)
        return None
    return record


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _seed_everything(seed):
    import torch

    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (the packages draw from numpy's global generator)
    torch.manual_seed(seed)


def _numeric_columns(train):
    return [col for col, kind in _tables.column_kinds(train).items() if kind in ("float", "int")]


def _fit_ctgan(train, seed):
    os.environ["LOKY_MAX_CPU_COUNT"] = "1"  # DataTransformer.transform: Parallel(n_jobs=-1)
    from ctgan import CTGAN

    kinds = _tables.column_kinds(train)
    discrete = [col for col, kind in kinds.items() if kind in ("category", "str", "bool")]
    rows = train.dropna(subset=_numeric_columns(train))
    model = CTGAN(verbose=False, enable_gpu=False)
    model.set_random_state(seed)
    return rows, (lambda: model.fit(rows, discrete_columns=discrete)), model.sample, {
        "discrete_columns": discrete, "settings": "CTGAN() defaults: epochs 300, batch 500, pac 10"}


def _sdv_metadata(train):
    from sdv.metadata import Metadata

    metadata = Metadata.detect_from_dataframes({TABLE_NAME: train})
    for col, kind in _tables.column_kinds(train).items():
        if kind in ("float", "int"):  # SDV 2.0 takes the representation from the data
            metadata.update_column(col, table_name=TABLE_NAME, sdtype="numerical")
        elif kind == "bool":
            metadata.update_column(col, table_name=TABLE_NAME, sdtype="boolean")
        else:
            metadata.update_column(col, table_name=TABLE_NAME, sdtype="categorical")
    return metadata


def _fit_sdv(train, seed, kind):
    from sdv.single_table import GaussianCopulaSynthesizer, TVAESynthesizer

    rows = train.copy()
    for col, column_kind in _tables.column_kinds(train).items():
        if column_kind == "category":  # SDV refuses the category dtype: labels as objects
            rows[col] = rows[col].astype(object).where(rows[col].notna(), None)
    metadata = _sdv_metadata(rows)
    cls = TVAESynthesizer if kind == "tvae" else GaussianCopulaSynthesizer
    model = cls(metadata)

    def sample(n):
        out = model.sample(num_rows=n)
        return out[TABLE_NAME] if isinstance(out, dict) else out

    return rows, (lambda: model.fit({TABLE_NAME: rows})), sample, {
        "settings": f"{cls.__name__}(metadata) defaults", "metadata": metadata.to_dict()}


def _fit_arf(train, seed):
    from arfpy import arf

    rows = train.dropna().copy()
    for col, kind in _tables.column_kinds(rows).items():
        if kind in ("bool", "str"):
            rows[col] = rows[col].astype(str).astype(object)
        elif kind == "category":
            rows[col] = rows[col].astype(str).astype("category")
    rows = rows.reset_index(drop=True)
    state = {}

    def fit():
        state["model"] = arf.arf(x=rows, verbose=False)
        state["model"].forde()

    return rows, fit, (lambda n: state["model"].forge(n=n)), {
        "settings": "arf.arf(x=complete rows), forde(), forge(n): defaults (30 trees)"}


def fit_reference(model, train, seed):
    """Fit ``model`` on ``train`` and draw ``len(train)`` rows: the cache record (JSON-ready)."""
    _seed_everything(seed)
    makers = {"ctgan": _fit_ctgan, "tvae": lambda t, s: _fit_sdv(t, s, "tvae"),
              "copula": lambda t, s: _fit_sdv(t, s, "copula"), "arf": _fit_arf}
    rows, fit, sample, info = makers[model](train, seed)
    cpu, wall = time.process_time(), time.perf_counter()
    fit()
    fit_cpu, fit_wall = time.process_time() - cpu, time.perf_counter() - wall
    _seed_everything(seed + 1)
    start = time.perf_counter()
    synthetic = sample(len(train))
    sample_seconds = time.perf_counter() - start
    return dict(info, model=model, seed=seed, n_train=len(train), n_fit_rows=len(rows),
                train_fingerprint=_tables.fingerprint(train), fit_cpu_seconds=fit_cpu, fit_seconds=fit_wall,
                sample_seconds=sample_seconds, environment=versions(),
                synthetic=_tables.to_records(pd.DataFrame(synthetic)[list(train.columns)]))


def versions():
    import importlib.metadata as md

    out = {"python": platform.python_version(), "cpu": cpu_model(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    for package in ("ctgan", "sdv", "arfpy", "torch", "numpy", "pandas", "scikit-learn"):
        try:
            out[package] = md.version(package)
        except md.PackageNotFoundError:
            pass
    return out


def pin_one_thread():
    """One thread, and no joblib worker processes (their CPU seconds would escape ``time.process_time``).

    CTGAN's and TVAE's ``DataTransformer.transform`` run ``Parallel(n_jobs=-1)`` on 500 rows or more:
    ``LOKY_MAX_CPU_COUNT=1`` makes that one process, this one.
    """
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "LOKY_MAX_CPU_COUNT"):
        os.environ[var] = "1"
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(limits=1)


def worker(tables, models, seeds, *, quick=False, refit=False):
    """Fill the cache: every (table, model, seed) whose file is missing (all with ``refit``)."""
    warnings.filterwarnings("ignore")
    pin_one_thread()
    CACHE.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        for name in tables:
            name, train, _, _ = _tables.load(name, quick=quick)
            for model in models:
                path = cache_path(name, model, seed, len(train))
                if not refit and read_cache(path, train) is not None:
                    continue
                print(f"{model} {name} seed {seed}: fitting {len(train):,} rows", flush=True)
                try:
                    record = fit_reference(model, train, seed)
                except Exception as exc:  # one model's failure must not stop the others
                    print(f"{model} {name} seed {seed}: FAILED {type(exc).__name__}: {exc}", flush=True)
                    continue
                with gzip.open(path, "wt") as fh:
                    json.dump(record, fh)
                print(f"{model} {name} seed {seed}: {record['fit_cpu_seconds']:.1f} CPU s, "
                      f"{record['fit_seconds']:.1f} s wall, wrote {path.name}", flush=True)


def adopt_earlier_ctgan(tables, quick=False):
    """Cache records from the earlier benchmark's committed CTGAN fits (``tabular_ctgan_{table}_n{rows}_s0_e300.json``).

    Those fits ran CTGAN 0.12.1's defaults at seed 0 on the same splits, with
    every non-float column discrete (ints included), and timed wall seconds
    only: ``fit_cpu_seconds`` is None and ``source`` says where they come from.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in tables:
        name, train, _, _ = _tables.load(name, quick=quick)
        earlier = ROOT / "benchmarks" / "results" / f"tabular_ctgan_{name}_n{len(train)}_s0_e300.json"
        if not earlier.is_file():
            print(f"no {earlier.name}", file=sys.stderr)
            continue
        record = json.loads(earlier.read_text())
        if record["train_fingerprint"] != _tables.fingerprint(train):
            print(f"{earlier.name}: another split", file=sys.stderr)
            continue
        out = {k: record[k] for k in ("discrete_columns", "n_train", "n_fit_rows", "train_fingerprint", "fit_seconds",
                                      "sample_seconds", "environment", "synthetic")}
        out.update(model="ctgan", seed=0, fit_cpu_seconds=None,
                   settings="CTGAN() defaults: epochs 300, batch 500, pac 10",
                   source=f"earlier run, {earlier.name}: every non-float column discrete; wall seconds only")
        with gzip.open(cache_path(name, "ctgan", 0, len(train)), "wt") as fh:
            json.dump(out, fh)
        print(f"ctgan {name} seed 0: adopted {earlier.name}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fit the reference generators and cache their rows.")
    parser.add_argument("--tables", nargs="+", default=list(_tables.BENCHMARK_TABLES))
    parser.add_argument("--models", nargs="+", default=list(REFERENCE_MODELS), choices=REFERENCE_MODELS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--refit", action="store_true", help="refit even where a cache file exists")
    parser.add_argument("--adopt-earlier-ctgan", action="store_true",
                        help="cache the earlier benchmark's committed CTGAN fits (seed 0) of the tables instead")
    args = parser.parse_args(argv)
    if args.adopt_earlier_ctgan:
        adopt_earlier_ctgan(args.tables, quick=args.quick)
        return
    worker(args.tables, args.models, args.seeds, quick=args.quick, refit=args.refit)


if __name__ == "__main__":
    main()
