"""Calibration of the classifier two-sample test: its rejection rate on one distribution, its interval, its power.

Usage, from the repository root:

    python -m benchmarks.c2st_calibration [--quick] [--repeats R] [--power-repeats P] [--threads N]
        [--classifiers hgb logistic] [--methods holdout pooled-cv permutation] [--n-permutations B]

Two samples of ``--n`` = 200 rows each from one distribution (N(0, I), d = 5),
``--repeats`` = 500 times (new data and a new seed each time), tested with
``skgan.metrics.classifier_two_sample_test`` for each classifier (``hgb``: the
default ``HistGradientBoostingClassifier``; ``logistic``: ``LogisticRegression()``)
and each method:

* ``holdout``: the function's default (fit on half, Mann–Whitney p-value and
  DeLong interval on the held-out half);
* ``pooled-cv``: the function's behaviour before issue 30, reproduced here as
  the baseline: the AUC of 5-fold out-of-fold scores pooled, a normal
  approximation p-value and DeLong's interval on the pooled scores;
* ``permutation``: ``method="permutation"`` (5-fold cross-validation refitted
  for each of ``--n-permutations`` relabellings; no interval). Costly: not in
  the default methods.

Reports, per (classifier, method): the rejection rate at alpha = 0.05 and
0.01 (goal: in [0.03, 0.07] at 0.05), the share of 95% intervals that cover
0.5 (goal: >= 93%), the Kolmogorov–Smirnov p-value of the p-values against
U(0, 1), seconds per test; and the power at alpha = 0.05 on a shifted
alternative (the synthetic rows' mean moved by ``--shift`` = 0.15 in every
column), ``--power-repeats`` = 200 times. The binomial standard error of a
rejection rate near 0.05 is about sqrt(0.05 * 0.95 / R): 0.010 at R = 500.

Writes benchmarks/results/c2st_calibration.json (``_quick`` added with --quick).
"""

import math
import time

import numpy as np
from scipy.stats import kstest, norm
from sklearn.linear_model import LogisticRegression

from benchmarks._common import make_parser, setup, write_result
from skgan.metrics import classifier_two_sample_test

CLASSIFIERS = {"hgb": lambda: None, "logistic": LogisticRegression}
METHODS = ("holdout", "pooled-cv", "permutation")


def pooled_cv(real, synthetic, estimator, seed):
    """The test before issue 30: pooled 5-fold out-of-fold AUC, normal p-value, DeLong interval."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from skgan.metrics._two_sample import _delong_std_error

    rng = np.random.RandomState(seed)
    cv = StratifiedKFold(5, shuffle=True, random_state=rng.randint(2**31 - 1))
    if estimator is None:
        estimator = HistGradientBoostingClassifier(class_weight="balanced", random_state=rng.randint(2**31 - 1))
    n, m = len(real), len(synthetic)
    y = np.r_[np.zeros(n, int), np.ones(m, int)]
    scores = cross_val_predict(estimator, np.vstack([real, synthetic]), y, cv=cv, method="predict_proba")[:, 1]
    auc = float(roc_auc_score(y, scores))
    se = _delong_std_error(y, scores)
    p_value = float(norm.sf((auc - 0.5) / math.sqrt((n + m + 1) / (12.0 * n * m))))
    return auc, p_value, (auc - 1.96 * se, auc + 1.96 * se)


def one_test(classifier, method, real, synthetic, seed, n_permutations):
    estimator = CLASSIFIERS[classifier]()
    if method == "pooled-cv":
        return pooled_cv(real, synthetic, estimator, seed)
    kwargs = {"method": "permutation", "n_permutations": n_permutations} if method == "permutation" else {}
    result = classifier_two_sample_test(real, synthetic, estimator=estimator, random_state=seed, **kwargs)
    return result.statistic, result.p_value, result.confidence_interval or (math.nan, math.nan)


def draw(n, d, shift, repeat, seed):
    rng = np.random.RandomState([seed, repeat, int(shift * 1000)])
    return rng.normal(size=(n, d)), rng.normal(size=(n, d)) + shift


def run(classifier, method, args, shift, repeats):
    aucs, p_values, covered = [], [], []
    start = time.perf_counter()
    for r in range(repeats):
        real, synthetic = draw(args.n, args.d, shift, r, args.seed)
        auc, p_value, (low, high) = one_test(classifier, method, real, synthetic, r, args.n_permutations)
        aucs.append(auc)
        p_values.append(p_value)
        covered.append(bool(low <= 0.5 <= high) if not math.isnan(low) else None)
    seconds = (time.perf_counter() - start) / repeats
    p_values = np.asarray(p_values)
    out = {"repeats": repeats, "seconds_per_test": seconds, "mean_auc": float(np.mean(aucs)),
           "reject_0.05": float(np.mean(p_values <= 0.05)), "reject_0.01": float(np.mean(p_values <= 0.01))}
    if shift == 0:
        out["interval_coverage"] = None if covered[0] is None else float(np.mean(covered))
        out["ks_uniform_p"] = float(kstest(p_values, "uniform").pvalue)
    return out


def main(argv=None):
    parser = make_parser(__doc__, quick="40 null and 20 shifted repeats", threads=1, blas=True, seed=True,
                         output=True)
    parser.add_argument("--repeats", type=int, default=500, help="null repeats (default: 500)")
    parser.add_argument("--power-repeats", type=int, default=200, help="shifted repeats (default: 200)")
    parser.add_argument("--n", type=int, default=200, help="rows of each sample (default: 200)")
    parser.add_argument("--d", type=int, default=5, help="columns (default: 5)")
    parser.add_argument("--shift", type=float, default=0.15, help="the alternative's mean shift (default: 0.15)")
    parser.add_argument("--classifiers", nargs="+", default=list(CLASSIFIERS), choices=CLASSIFIERS)
    parser.add_argument("--methods", nargs="+", default=["holdout", "pooled-cv"], choices=METHODS)
    parser.add_argument("--n-permutations", type=int, default=50,
                        help="relabellings of method permutation (default: 50)")
    args = parser.parse_args(argv)
    env = setup(args)
    repeats, power_repeats = (40, 20) if args.quick else (args.repeats, args.power_repeats)
    wall0 = time.perf_counter()
    rows = []
    print(f"C2ST calibration: {args.n} vs {args.n} rows, d={args.d}; {repeats} null repeats, "
          f"{power_repeats} repeats at shift {args.shift}")
    print(f"{'classifier':>10} {'method':>11} {'rej .05':>8} {'rej .01':>8} {'cover':>6} {'KS p':>6} "
          f"{'power':>6} {'AUC alt':>7} {'s/test':>7}")
    for classifier in args.classifiers:
        for method in args.methods:
            null = run(classifier, method, args, 0.0, repeats)
            alt = run(classifier, method, args, args.shift, power_repeats) if power_repeats else None
            rows.append({"classifier": classifier, "method": method, "null": null, "shifted": alt})
            cover = "-" if null["interval_coverage"] is None else f"{null['interval_coverage']:.3f}"
            power = "-" if alt is None else f"{alt['reject_0.05']:.3f}"
            auc_alt = "-" if alt is None else f"{alt['mean_auc']:.3f}"
            print(f"{classifier:>10} {method:>11} {null['reject_0.05']:8.3f} {null['reject_0.01']:8.3f} "
                  f"{cover:>6} {null['ks_uniform_p']:6.3f} {power:>6} {auc_alt:>7} "
                  f"{null['seconds_per_test']:7.2f}", flush=True)
    wall = time.perf_counter() - wall0
    report = {
        "settings": {"n": args.n, "d": args.d, "repeats": repeats, "power_repeats": power_repeats,
                     "shift": args.shift, "n_permutations": args.n_permutations, "quick": args.quick,
                     "data": "N(0, I) vs N(0, I) (null) and N(shift, I) (shifted)"},
        "results": rows,
        "environment": env,
        "wall_time_s": wall,
    }
    print(f"loadavg {env['loadavg']}, wall {wall:.0f} s")
    write_result(report, "c2st_calibration" + ("_quick" if args.quick else ""), path=args.output)


if __name__ == "__main__":
    main()
