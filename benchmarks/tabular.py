"""Mixed-type tables: skgan's GANSampler against CTGAN and two simple baselines on real tables, in one run.

Four real tables (:mod:`benchmarks._tables`: penguins, anes96, fair, randhie;
``--tables all`` adds modechoice) with float, int, bool, category and text
columns and missing values, each split 70/30 into training and held-out
rows (fixed, stratified). Each model learns the training rows and draws as
many synthetic rows:

* ``skgan``: ``GANSampler(**SKGAN_SETTINGS).fit(train)`` on the DataFrame,
  and ``skgan_fast``: the same with fewer epochs (``SKGAN_FAST_SETTINGS``);
* ``skgan_y``: the same settings, class-conditional on the table's target
  (the supervised use): ``fit(train without the target, y=target)``, then
  ``sample(n, y=labels)`` with ``labels`` drawn from the training rows'
  targets (their frequencies), joined back as the target column;
* ``ctgan``: CTGAN 0.12.1 with its defaults (300 epochs, batch 500, pac 10),
  ``discrete_columns`` = the non-float columns. CTGAN refuses missing values
  in continuous columns, so its training rows drop the rows with a missing
  float (penguins: 1 of 240); the rows it draws then have none;
* ``gmm``: a Gaussian mixture (full covariance, 1-16 components chosen by
  BIC) fitted on ``skgan.preprocessing.TabularEncoder().fit(train).transform(
  train)``, sampled and decoded with ``inverse_transform``;
* ``marginals``: every column resampled independently from the training
  rows (the right marginals, no dependence: a weak baseline);
* ``real``: the training rows themselves (the reference: what real rows
  score against the held-out rows).

Measured for each (table, model), against the held-out real rows:

* C2ST AUC: ``skgan.metrics.classifier_two_sample_test(holdout, synthetic,
  cv=5, random_state=0)``, cross-validated gradient boosting telling
  held-out real rows from synthetic ones (0.5: indistinguishable; 1:
  trivially separable);
* TSTR: a ``HistGradientBoostingClassifier(categorical_features=
  "from_dtype")`` trained on the synthetic rows to predict the table's
  target, scored on the held-out rows (accuracy and macro F1,
  ``skgan.metrics.train_synthetic_test_real``); the ``real`` row's figure is
  train-real-test-real;
* per-column similarity: the mean ``score`` of
  ``skgan.metrics.column_similarity(holdout, synthetic)`` (1 - KS statistic
  or 1 - total variation per column; 1 is identical);
* whole-fit wall seconds (encoding included) and sampling seconds, and the
  ratio CTGAN fit seconds / each model's fit seconds.

All models run with the same number of torch threads (``--threads``,
default 1) and BLAS/OpenMP threads; CTGAN's transform, which uses joblib
with ``n_jobs=-1``, is held to the same number of processes
(``LOKY_MAX_CPU_COUNT``).

How to run (from the repository root)
-------------------------------------
CTGAN is BUSL-licensed and not a dependency of skgan; it lives in its own
venv, ``venv-ctgan`` (ignored by git through its own ``.gitignore``)::

    python3.11 -m venv venv-ctgan
    echo '*' > venv-ctgan/.gitignore
    venv-ctgan/bin/pip install torch==2.13.0          # the CPU build
    venv-ctgan/bin/pip install ctgan==0.12.1
    venv-ctgan/bin/pip install -e . pandas statsmodels palmerpenguins scikit-learn

The benchmark runs in the main venv; the CTGAN fits run in venv-ctgan as a
subprocess (``--ctgan-python``, default ``venv-ctgan/bin/python``) that
caches CTGAN's synthetic rows and timings in
``benchmarks/results/tabular_ctgan_{table}_n{rows}_s{seed}_e{epochs}.json``.
``--reuse-ctgan`` reads those files instead of refitting (a cached run must
match the table's split). Run under ``venv-ctgan/bin/python`` itself, the
benchmark fits CTGAN in-process::

    nice -n 10 venv-ctgan/bin/python -m benchmarks.tabular --ctgan-worker   # CTGAN only: fill the cache
    nice -n 10 .venv/bin/python -m benchmarks.tabular --reuse-ctgan         # everything, cached CTGAN
    nice -n 10 .venv/bin/python -m benchmarks.tabular                       # everything, CTGAN refitted
    .venv/bin/python -m benchmarks.tabular --quick                          # smoke run, about a minute

``--quick``: tables cut to 400 rows, 5 epochs for all GANs, mixtures of 1-2
components. Writes ``benchmarks/results/tabular.json`` (``tabular_quick.json``;
``--seed``, ``--train-rows`` and ``--moment-weight`` other than the defaults
add ``_seed{S}``, ``_n{N}`` and ``_mw{W}`` to the name). ``--train-rows N``
fits on N of the training rows, measured against the same held-out rows:
how a setting depends on the table's size.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
import warnings

import numpy as np
import pandas as pd

from benchmarks import _tables
from benchmarks._common import (
    RESULTS,
    ROOT,
    environment,
    fit_ctgan_timed,
    make_parser,
    pin_threads,
    setup,
    timed,
    write_result,
)

# --------------------------------------------------------------------------- settings (tune here)

#: GANSampler's settings for tables (a float bandwidth: fit does not search one), chosen by measurement on
#: penguins, anes96, fair and randhie: batch 64 beat 256 and 500 (anes96 C2ST 0.72 against 0.90), a weight
#: average with decay 0.99 helped on every table, WGAN-GP with pac 4 was no better, and 150 epochs beat 50
#: (anes96 C2ST 0.78 -> 0.72, TSTR accuracy 0.51 -> 0.78; penguins 0.96 -> 0.84); one setting for all tables.
SKGAN_SETTINGS = dict(
    max_iter=150,
    batch_size=64,
    ema_decay=0.99,
    bandwidth=1.0,
    random_state=0,
)
#: The same with fewer epochs: the speed at which skgan still matches CTGAN's fidelity.
SKGAN_FAST_SETTINGS = dict(SKGAN_SETTINGS, max_iter=15)
#: CTGAN's defaults, written out (0.12.1).
CTGAN_SETTINGS = dict(epochs=300, batch_size=500, pac=10)
#: Mixture sizes the BIC chooses among (full covariance).
GMM_COMPONENTS = (1, 2, 4, 8, 16)

QUICK_EPOCHS = 5
QUICK_GMM_COMPONENTS = (1, 2)
SEED = 0
MODELS = ("real", "skgan", "skgan_fast", "skgan_y", "ctgan", "gmm", "marginals")
SKGAN_MODELS = ("skgan", "skgan_fast", "skgan_y")
DEFAULT_CTGAN_PYTHON = ROOT / "venv-ctgan" / "bin" / "python"


# --------------------------------------------------------------------------- CTGAN (in venv-ctgan)


def ctgan_cache_path(table, n_train, seed, epochs):
    return RESULTS / f"tabular_ctgan_{table}_n{n_train}_s{seed}_e{epochs}.json"


def fit_ctgan(train, *, epochs, seed, threads):
    """Fit CTGAN on ``train`` and draw ``len(train)`` rows: the cache record (JSON-ready)."""
    os.environ["LOKY_MAX_CPU_COUNT"] = str(threads)  # DataTransformer.transform: Parallel(n_jobs=-1)
    import ctgan
    from ctgan import CTGAN

    kinds = _tables.column_kinds(train)
    discrete = [col for col, kind in kinds.items() if kind != "float"]
    floats = [col for col, kind in kinds.items() if kind == "float"]
    complete = train.dropna(subset=floats)  # CTGAN refuses NaN in continuous columns
    model = CTGAN(epochs=epochs, batch_size=CTGAN_SETTINGS["batch_size"], pac=CTGAN_SETTINGS["pac"],
                  verbose=False, enable_gpu=False)
    model.set_random_state(seed)
    fit_seconds, preprocessing_seconds, durations = fit_ctgan_timed(model, complete, discrete_columns=discrete)
    sample_seconds, synthetic = timed(lambda: model.sample(len(train)))
    return {
        "model": "ctgan", "ctgan": getattr(ctgan, "__version__", "unknown"),
        "settings": {**CTGAN_SETTINGS, "epochs": epochs, "enable_gpu": False, "set_random_state": seed},
        "discrete_columns": discrete, "n_train": len(train), "n_fit_rows": len(complete),
        "dropped_rows_with_missing_floats": len(train) - len(complete),
        "train_fingerprint": _tables.fingerprint(train),
        "fit_seconds": fit_seconds, "preprocessing_seconds": preprocessing_seconds,
        "median_epoch_seconds": float(np.median(durations)) if durations else None,
        "sample_seconds": sample_seconds,
        "environment": environment(ctgan=getattr(ctgan, "__version__", "unknown"), pandas=pd.__version__),
        "synthetic": _tables.to_records(synthetic),
    }


def ctgan_worker(tables, *, quick, epochs, seed, threads, reuse):
    """Fit CTGAN on each table whose cache is missing (or on all without ``reuse``); write the cache files."""
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    pin_threads(threads, blas=True)
    for name in tables:
        name, train, _, _ = _tables.load(name, quick=quick)
        path = ctgan_cache_path(name, len(train), seed, epochs)
        if reuse and _cached(path, train) is not None:
            print(f"ctgan {name}: cached in {path.name}", flush=True)
            continue
        print(f"ctgan {name}: fitting {len(train):,} rows, {epochs} epochs, {threads} thread(s)", flush=True)
        record = fit_ctgan(train, epochs=epochs, seed=seed, threads=threads)
        path.write_text(json.dumps(record) + "\n")
        print(f"ctgan {name}: {record['fit_seconds']:.1f} s fit "
              f"({record['preprocessing_seconds'] or 0:.1f} s preprocessing), wrote {path.name}", flush=True)


def _cached(path, train):
    """The cache record at ``path`` if it exists and was fitted on ``train``'s split, else None."""
    if not path.is_file():
        return None
    record = json.loads(path.read_text())
    if record.get("train_fingerprint") != _tables.fingerprint(train):
        print(f"{path.name}: fitted on another split; refitting", file=sys.stderr)
        return None
    return record


def ctgan_importable():
    try:
        import ctgan  # noqa: F401
    except ImportError:
        return False
    return True


def ensure_ctgan(tables, args, epochs):
    """Make sure each table's CTGAN cache exists: in-process if ``ctgan`` imports, else in venv-ctgan."""
    if ctgan_importable():
        ctgan_worker(tables, quick=args.quick, epochs=epochs, seed=args.seed, threads=args.threads,
                     reuse=args.reuse_ctgan)
        return True
    python = args.ctgan_python
    if not os.path.exists(python):
        print(f"CTGAN skipped: no {python} (see this script's docstring to make venv-ctgan)", file=sys.stderr)
        return False
    cmd = [str(python), "-m", "benchmarks.tabular", "--ctgan-worker", "--tables", *tables, "--seed", str(args.seed),
           "--threads", str(args.threads), "--epochs", str(epochs), *(["--quick"] if args.quick else []),
           *(["--reuse-ctgan"] if args.reuse_ctgan else [])]
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode:
        print(f"CTGAN worker failed (exit {result.returncode})", file=sys.stderr)
    return True


# --------------------------------------------------------------------------- the other models


def fit_skgan(train, settings, seed, target=None):
    """skgan on the table; with ``target``, class-conditional on it (its labels drawn at their frequencies)."""
    from skgan import GANSampler
    from skgan._training import table_moment_weight

    gan = GANSampler(**settings)
    if target is None:
        fit_seconds, _ = timed(lambda: gan.fit(train))
        sample_seconds, synthetic = timed(lambda: gan.sample(len(train), random_state=seed + 1))
    else:
        y = train[target].to_numpy()
        fit_seconds, _ = timed(lambda: gan.fit(train.drop(columns=[target]), y))

        def sample():
            labels = np.random.RandomState(seed + 1).choice(y, size=len(train))
            rows = gan.sample(len(train), y=labels, random_state=seed + 1)
            rows[target] = pd.Series(labels, index=rows.index).astype(train[target].dtype)
            return rows[list(train.columns)]

        sample_seconds, synthetic = timed(sample)
    weight = settings.get("moment_weight", "auto")  # "auto": the weight it gives a table of this many rows
    weight = table_moment_weight(len(train)) if weight == "auto" else weight
    return synthetic, {"fit_seconds": fit_seconds, "sample_seconds": sample_seconds, "settings": settings,
                       "class_conditional_on": target, "moment_weight": weight}


def fit_gmm(train, components, seed):
    from sklearn.mixture import GaussianMixture

    from skgan.preprocessing import TabularEncoder

    def fit():
        encoder = TabularEncoder(random_state=seed).fit(train)
        Z = encoder.transform(train)
        fits = [GaussianMixture(k, covariance_type="full", random_state=seed).fit(Z)
                for k in components if k <= len(Z)]
        bics = [gm.bic(Z) for gm in fits]
        return encoder, Z.shape[1], fits[int(np.argmin(bics))], bics

    fit_seconds, (encoder, width, gm, bics) = timed(fit)

    def sample():
        Z, _ = gm.sample(len(train))
        Z = Z[np.random.RandomState(seed + 1).permutation(len(Z))]  # sample() groups rows by component
        return encoder.inverse_transform(Z)

    sample_seconds, synthetic = timed(sample)
    return synthetic, {"fit_seconds": fit_seconds, "sample_seconds": sample_seconds, "encoded_width": width,
                       "n_components": int(gm.n_components), "bic": dict(zip(map(str, components), bics, strict=False))}


def fit_marginals(train, seed):
    def sample():
        rng = np.random.RandomState(seed + 1)
        return pd.DataFrame({col: train[col].to_numpy()[rng.randint(len(train), size=len(train))]
                             for col in train.columns}).astype(train.dtypes.to_dict())

    sample_seconds, synthetic = timed(sample)
    return synthetic, {"fit_seconds": 0.0, "sample_seconds": sample_seconds}


# --------------------------------------------------------------------------- metrics


def dtype_mismatches(synthetic, train):
    """The columns whose dtype (or presence) differs from the training rows'."""
    out = {}
    for col, dtype in train.dtypes.items():
        if col not in synthetic.columns:
            out[str(col)] = "missing"
        elif str(synthetic[col].dtype) != str(dtype):
            out[str(col)] = f"{synthetic[col].dtype} (real: {dtype})"
    return out


def tstr_estimator():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0)


def measure(train, holdout, target, synthetic):
    """C2ST, TSTR and column similarity of ``synthetic`` against the held-out rows."""
    from skgan.metrics import classifier_two_sample_test, column_similarity, train_synthetic_test_real
    from skgan.metrics._encoding import with_categories

    out = {}
    c2st = classifier_two_sample_test(holdout, synthetic, cv=5, random_state=0)
    out["c2st_auc"], out["c2st_ci"] = c2st.statistic, list(c2st.confidence_interval)
    out["column_similarity"] = float(np.nanmean(column_similarity(holdout, synthetic)["score"]))

    rows = synthetic[synthetic[target].notna()]
    features = [col for col in train.columns if col != target]
    X_syn, X_hold = with_categories(rows[features], holdout[features])
    y_syn, y_hold = rows[target].astype(str).to_numpy(), holdout[target].astype(str).to_numpy()
    if len(np.unique(y_syn)) < 2:
        out["tstr_accuracy"] = out["tstr_f1_macro"] = float("nan")
        out["tstr_note"] = f"synthetic target has {len(np.unique(y_syn))} class(es)"
        return out
    out["tstr_accuracy"] = train_synthetic_test_real(tstr_estimator(), X_syn, y_syn, X_hold, y_hold).tstr
    out["tstr_f1_macro"] = train_synthetic_test_real(tstr_estimator(), X_syn, y_syn, X_hold, y_hold,
                                                     scoring="f1_macro").tstr
    return out


# --------------------------------------------------------------------------- main


def result_name(args):
    """``tabular`` (``tabular_quick``), with the seed, training rows and moment weight when not the defaults."""
    name = "tabular_quick" if args.quick else "tabular"
    name += "" if args.seed == SEED else f"_seed{args.seed}"
    name += "" if args.train_rows is None else f"_n{args.train_rows}"
    return name + ("" if args.moment_weight is None else f"_mw{args.moment_weight:g}")


def skgan_settings(model, quick, seed=SEED, moment_weight=None):
    """An skgan model's settings: ``seed`` is its ``random_state``, ``moment_weight`` (None: its default) its weight."""
    settings = dict(SKGAN_FAST_SETTINGS if model == "skgan_fast" else SKGAN_SETTINGS, random_state=seed)
    if moment_weight is not None:
        settings["moment_weight"] = moment_weight
    return dict(settings, max_iter=QUICK_EPOCHS) if quick else settings


def run_table(name, args, epochs, ctgan_ran):
    name, train, holdout, target = _tables.load(name, quick=args.quick, train_rows=args.train_rows)
    print(f"\n{name}: {len(train):,} training rows, {len(holdout):,} held out, target {target!r}", flush=True)
    components = QUICK_GMM_COMPONENTS if args.quick else GMM_COMPONENTS
    rows = []
    for model in args.models:
        row = {"table": name, "n_train": len(train), "n_holdout": len(holdout), "model": model}
        try:
            if model == "real":
                synthetic, info = train.reset_index(drop=True), {"fit_seconds": 0.0, "sample_seconds": 0.0}
            elif model in SKGAN_MODELS:
                settings = skgan_settings(model, args.quick, args.seed, args.moment_weight)
                synthetic, info = fit_skgan(train, settings, args.seed, target if model == "skgan_y" else None)
            elif model == "gmm":
                synthetic, info = fit_gmm(train, components, args.seed)
            elif model == "marginals":
                synthetic, info = fit_marginals(train, args.seed)
            else:  # ctgan, from the cache its worker wrote
                record = _cached(ctgan_cache_path(name, len(train), args.seed, epochs), train) if ctgan_ran else None
                if record is None:
                    raise RuntimeError("no CTGAN result (venv-ctgan missing or its run failed)")
                synthetic = _tables.from_records(record.pop("synthetic"), train)
                info = {k: v for k, v in record.items() if k != "model"}
            row.update(info)
            row["dtype_mismatches"] = dtype_mismatches(synthetic, train)
            synthetic = _tables.conform(synthetic, train)
            row["synthetic_missing"] = {str(c): int(k) for c, k in synthetic.isna().sum().items() if k}
            eval_seconds, scores = timed(lambda synthetic=synthetic: measure(train, holdout, target, synthetic))
            row.update(scores, eval_seconds=eval_seconds)
        except Exception as exc:  # one model's failure must not lose the others' figures
            row["error"] = f"{type(exc).__name__}: {exc}"
            if args.verbose:
                traceback.print_exc()
        _print_row(row)
        rows.append(row)
    ct = next((r for r in rows if r["model"] == "ctgan" and "error" not in r), None)
    for row in rows:
        if ct is not None and row.get("fit_seconds"):
            row["ctgan_fit_over_fit_seconds"] = ct["fit_seconds"] / row["fit_seconds"]
    return {"table": name, "target": target, "train": _tables.describe(train),
            "holdout": _tables.describe(holdout), "train_fingerprint": _tables.fingerprint(train), "rows": rows}


HEADER = (f"  {'model':<10} {'C2ST AUC':>8} {'TSTR acc':>8} {'TSTR F1':>8} {'col sim':>7} {'fit s':>8} "
          f"{'sample s':>8}")


def _fmt(value, spec):
    if isinstance(value, (int, float)) and value == value:
        return format(value, spec)
    return "—".rjust(int(spec.split(".")[0]))


def _print_row(row):
    if "error" in row:
        print(f"  {row['model']:<10} {'—':>8} {'—':>8} {'—':>8} {'—':>7} {'—':>8} {'—':>8}  {row['error'][:60]}")
        return
    print(f"  {row['model']:<10} {_fmt(row.get('c2st_auc'), '8.3f')} {_fmt(row.get('tstr_accuracy'), '8.3f')} "
          f"{_fmt(row.get('tstr_f1_macro'), '8.3f')} {_fmt(row.get('column_similarity'), '7.3f')} "
          f"{_fmt(row.get('fit_seconds'), '8.1f')} {_fmt(row.get('sample_seconds'), '8.2f')}", flush=True)


def summarise(tables):
    """Per table: skgan against CTGAN (speed-up, C2ST and TSTR differences); the printed summary table."""
    summary = []
    lines = [f"{'table':<11} {'rows':>6} {'model':<10} {'C2ST AUC':>8} {'TSTR acc':>8} {'TSTR F1':>8} "
             f"{'col sim':>7} {'fit s':>8} {'CTGAN s/fit s':>13}"]
    for t in tables:
        by_model = {r["model"]: r for r in t["rows"]}
        for r in t["rows"]:
            lines.append(f"{t['table']:<11} {r['n_train']:>6} {r['model']:<10} {_fmt(r.get('c2st_auc'), '8.3f')} "
                         f"{_fmt(r.get('tstr_accuracy'), '8.3f')} {_fmt(r.get('tstr_f1_macro'), '8.3f')} "
                         f"{_fmt(r.get('column_similarity'), '7.3f')} {_fmt(r.get('fit_seconds'), '8.1f')} "
                         f"{_fmt(r.get('ctgan_fit_over_fit_seconds'), '13.2f')}")
        ct = by_model.get("ctgan", {})
        entry = {"table": t["table"], "n_train": t["train"]["rows"]}
        for model in SKGAN_MODELS:
            sk = by_model.get(model, {})
            if "c2st_auc" in sk and "c2st_auc" in ct:
                entry.update({
                    f"speedup_{model}_over_ctgan": ct["fit_seconds"] / sk["fit_seconds"],
                    f"c2st_{model}_minus_ctgan": sk["c2st_auc"] - ct["c2st_auc"],
                    f"tstr_accuracy_{model}_minus_ctgan": sk["tstr_accuracy"] - ct["tstr_accuracy"],
                    f"tstr_f1_{model}_minus_ctgan": sk["tstr_f1_macro"] - ct["tstr_f1_macro"],
                    f"{model}_c2st_not_worse": bool(sk["c2st_auc"] <= ct["c2st_auc"]),
                })
        gmm = by_model.get("gmm", {})
        for model in ("skgan", "skgan_y"):
            if "c2st_auc" in gmm and "c2st_auc" in by_model.get(model, {}):
                entry[f"c2st_{model}_minus_gmm"] = by_model[model]["c2st_auc"] - gmm["c2st_auc"]
        summary.append(entry)
    return summary, lines


def main(argv=None):
    parser = make_parser(__doc__, quick="400-row tables, 5 epochs", threads=1, blas=True, seed=SEED,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", nargs="+", default=list(_tables.DEFAULT_TABLES),
                        help=f"tables to run, or 'all' (default: {' '.join(_tables.DEFAULT_TABLES)})")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS, help="models to run")
    parser.add_argument("--moment-weight", type=float, default=None,
                        help="skgan's moment_weight (default: its own, 'auto')")
    parser.add_argument("--train-rows", type=int, default=None,
                        help="fit on at most this many of each table's training rows, drawn at random; the "
                             "held-out rows stay the same (not with ctgan)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="CTGAN's epochs (default 300, its default; 5 with --quick); skgan's are in its settings")
    parser.add_argument("--reuse-ctgan", action="store_true",
                        help="use CTGAN's cached synthetic rows and timings where they exist")
    parser.add_argument("--ctgan-python", default=str(DEFAULT_CTGAN_PYTHON),
                        help="the interpreter with ctgan installed (default venv-ctgan/bin/python)")
    parser.add_argument("--ctgan-worker", action="store_true",
                        help="only fit CTGAN on the tables and write its cache files (run in venv-ctgan)")
    parser.add_argument("--out", default=None,
                        help="name of the results file in benchmarks/results (default: from --quick, --seed, "
                             "--train-rows and --moment-weight, e.g. tabular_seed1)")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failures")
    args = parser.parse_args(argv)
    if args.tables == ["all"]:
        args.tables = list(_tables.ALL_TABLES)
    unknown = set(args.tables) - set(_tables.ALL_TABLES)
    if unknown:
        parser.error(f"unknown tables {sorted(unknown)}; choose from {', '.join(_tables.ALL_TABLES)}")
    if args.train_rows is not None and (args.train_rows < 2 or "ctgan" in args.models):
        parser.error("--train-rows needs at least 2 rows and runs without ctgan (choose --models)")
    epochs = args.epochs or (QUICK_EPOCHS if args.quick else CTGAN_SETTINGS["epochs"])  # CTGAN's

    if args.ctgan_worker:
        ctgan_worker(args.tables, quick=args.quick, epochs=epochs, seed=args.seed, threads=args.threads,
                     reuse=args.reuse_ctgan)
        return

    warnings.filterwarnings("ignore", category=FutureWarning)
    wall = time.perf_counter()
    ctgan_ran = "ctgan" in args.models and ensure_ctgan(args.tables, args, epochs)
    env = setup(args, device="cpu", pandas=pd.__version__)
    threads = env["threads"]
    print(f"\nCTGAN {epochs} epochs, skgan {skgan_settings('skgan', args.quick)['max_iter']} "
          f"(skgan_fast {skgan_settings('skgan_fast', args.quick)['max_iter']}), {threads} torch thread(s); "
          "C2ST AUC 0.5 is perfect; TSTR on the held-out rows")
    print(HEADER)
    tables = [run_table(name, args, epochs, ctgan_ran) for name in args.tables]
    summary, lines = summarise(tables)
    print("\n" + "\n".join(lines))
    for entry in summary:
        for model in SKGAN_MODELS:
            if f"speedup_{model}_over_ctgan" in entry:
                print(f"{entry['table']}: {model} {entry[f'speedup_{model}_over_ctgan']:.2f}x CTGAN's speed, "
                      f"C2ST {entry[f'c2st_{model}_minus_ctgan']:+.3f}, TSTR accuracy "
                      f"{entry[f'tstr_accuracy_{model}_minus_ctgan']:+.3f} ({model} - CTGAN)")
    ctgan_versions = {r.get("ctgan") for t in tables for r in t["rows"] if r["model"] == "ctgan" and "ctgan" in r}
    record = {
        "benchmark": "tabular", "quick": args.quick, "summary": summary, "tables": tables,
        "settings": {
            "epochs": epochs, "threads": threads, "seed": args.seed,
            "skgan": skgan_settings("skgan", args.quick, args.seed, args.moment_weight),
            "skgan_fast": skgan_settings("skgan_fast", args.quick, args.seed, args.moment_weight),
            "skgan_y": "skgan's settings; fit(train without the target, y=target), sample(n, y=labels drawn from the "
                       "training targets)",
            "ctgan": dict(CTGAN_SETTINGS, epochs=epochs, discrete_columns="the non-float columns"),
            "gmm_components": QUICK_GMM_COMPONENTS if args.quick else GMM_COMPONENTS,
            "split": f"{1 - _tables.HOLDOUT_FRACTION:.0%} train / {_tables.HOLDOUT_FRACTION:.0%} holdout, "
                     f"stratified by target, seed {_tables.SPLIT_SEED}",
            "synthetic_rows": "as many as the training rows",
            "c2st": "classifier_two_sample_test(holdout, synthetic, cv=5, random_state=0): ROC AUC",
            "tstr": "HistGradientBoostingClassifier(categorical_features='from_dtype', random_state=0) fitted "
                    "on synthetic rows, accuracy and macro F1 on the holdout",
            "reuse_ctgan": args.reuse_ctgan,
        },
        "environment": dict(env, ctgan=sorted(v for v in ctgan_versions if v)),
        "wall_seconds": time.perf_counter() - wall,
    }
    write_result(record, args.out or result_name(args))


if __name__ == "__main__":
    main()
