"""Privacy audit: can an attacker tell whether one planted outlier row was in the training rows?

A table of ``--rows`` rows from a standard normal in 2 dimensions, and the
same table with one row replaced by an outlier at (6, 6). Each fit, with
and without the outlier and ``--runs`` seeds each, draws ``--synthetic``
rows; the attack's score is how close the nearest synthetic row comes to
the outlier (the negative distance). A differentially private fit bounds
what any attack can tell: for every threshold, the true-positive rate is at
most ``exp(epsilon)`` times the false-positive rate plus ``delta``. So

    epsilon_lower = max over thresholds of log((TPR_low - delta) / FPR_high)

with one-sided Clopper-Pearson bounds (95% overall, Bonferroni over the
thresholds) is a lower bound on the epsilon the fits actually have: a
private fit is wrong if its lower bound exceeds its epsilon. Its power is
limited by the runs: with ``R`` runs each the largest lower bound the audit
can show is about ``log(R) - 1`` (≈ 2.0 for 20 runs), so it can refute a
claimed epsilon only below that. The non-private fit is the check of the
attack's power: it should be told apart (AUC near 1).

Prints, per setting, the attack's ROC AUC (with vs without) and the lower
bound, and writes ``benchmarks/results/privacy_audit.json``.

    python -m benchmarks.privacy_audit [--quick] [--runs 20] [--epsilons 1 3]

(from the repository root; one thread).
"""

import math
import time
import warnings

import numpy as np
from scipy.stats import beta
from sklearn.metrics import roc_auc_score

from benchmarks._common import make_parser, setup, write_result
from skgan import GANSampler
from skgan.privacy import DPSGD

OUTLIER = np.array([6.0, 6.0])


def tables(n_rows):
    """``(without, with)``: the table, and the same table with its first row replaced by the outlier."""
    rows = np.random.RandomState(0).normal(size=(n_rows, 2))
    planted = rows.copy()
    planted[0] = OUTLIER
    return rows, planted


def attack_score(gan, n_synthetic, seed):
    """How close the nearest of ``n_synthetic`` generated rows comes to the outlier (larger: closer)."""
    synthetic = gan.sample(n_synthetic, random_state=seed)
    return -float(np.min(np.linalg.norm(synthetic - OUTLIER, axis=1)))


def fit(X, epsilon, seed, max_iter):
    privacy = None if epsilon is None else DPSGD(epsilon=epsilon, statistics_share=0.2)
    gan = GANSampler(privacy=privacy, max_iter=max_iter, batch_size=64, bandwidth=0.5, n_parzen_samples=100,
                     random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the statistics' warnings of small budgets
        return gan.fit(X)


def _upper(k, n, level):
    return 1.0 if k == n else float(beta.ppf(1 - level, k + 1, n - k))


def _lower(k, n, level):
    return 0.0 if k == 0 else float(beta.ppf(level, k, n - k + 1))


def epsilon_lower_bound(with_scores, without_scores, delta, confidence=0.95):
    """The audit's lower bound on epsilon: the best threshold's, Clopper-Pearson bounds, Bonferroni-corrected."""
    with_scores, without_scores = np.asarray(with_scores), np.asarray(without_scores)
    thresholds = np.unique(np.concatenate([with_scores, without_scores]))
    level = (1 - confidence) / (2 * len(thresholds))
    best = 0.0
    for t in thresholds:
        tpr_low = _lower(int((with_scores >= t).sum()), len(with_scores), level)
        fpr_high = _upper(int((without_scores >= t).sum()), len(without_scores), level)
        if tpr_low - delta > 0 and fpr_high > 0:
            best = max(best, math.log((tpr_low - delta) / fpr_high))
    return best


def main(argv=None):
    parser = make_parser(__doc__, quick="fewer runs, rows and epochs")
    parser.add_argument("--runs", type=int, default=None, help="fits with and without the outlier (default 20)")
    parser.add_argument("--epsilons", type=float, nargs="+", default=[1.0, 3.0])
    args = parser.parse_args(argv)
    env = setup(args)
    runs = args.runs or (4 if args.quick else 20)
    n_rows, max_iter, n_synthetic = (300, 3, 500) if args.quick else (1000, 10, 2000)
    without, planted = tables(n_rows)
    delta = 1.0 / (10 * n_rows)
    results = {}
    for epsilon in [None, *args.epsilons]:
        name = "non-private" if epsilon is None else f"epsilon={epsilon:g}"
        start = time.process_time()
        scores = {label: [attack_score(fit(X, epsilon, seed, max_iter), n_synthetic, seed)
                          for seed in range(runs)] for label, X in (("with", planted), ("without", without))}
        auc = roc_auc_score([1] * runs + [0] * runs, scores["with"] + scores["without"])
        lower = epsilon_lower_bound(scores["with"], scores["without"], delta)
        results[name] = {"auc": float(auc), "epsilon_lower_bound": lower, "runs": runs,
                         "cpu_seconds": time.process_time() - start, "scores": scores}
        claimed = "" if epsilon is None else f" (claimed {epsilon:g}: {'REFUTED' if lower > epsilon else 'holds'})"
        print(f"{name:14s} attack AUC {auc:5.3f}   epsilon lower bound {lower:5.2f}{claimed}   "
              f"{results[name]['cpu_seconds']:.0f} CPU s")
    print(f"Largest lower bound {runs} runs can show: about {math.log(runs) - 1:.1f}")
    write_result({"benchmark": "privacy_audit", "quick": args.quick, "rows": n_rows, "delta": delta,
                  "figures": results, "environment": env}, "privacy_audit_quick" if args.quick else "privacy_audit")


if __name__ == "__main__":
    main()
