"""One report of the metric families: ``skgan.evaluate(real, synthetic, holdout=..., target=...)``."""

import sys
import time

import numpy as np
from sklearn.utils import check_random_state

from ._attacks import membership_inference
from ._encoding import with_categories
from ._fidelity import precision_recall_density_coverage
from ._privacy import distance_to_closest_record
from ._table_metrics import column_similarity, pairwise_similarity, train_synthetic_test_real
from ._two_sample import classifier_two_sample_test, maximum_mean_discrepancy

#: Rows each set is subsampled to for the quadratic metrics (MMD, PRDC, distances to closest records).
MAX_PAIRWISE_ROWS = 5000

#: Members, non-members, reference and synthetic rows of the membership attacks, at most (their kernel densities
#: cost (2 x 2,000) x (2 x 2,000) terms; an AUC's 95% interval is then about +-0.02 wide).
MAX_ATTACK_ROWS = 2000

_FIELDS = ("family", "metric", "value", "reference", "meaning")


class EvaluationReport:
    """The result of :func:`evaluate`: one row per metric, with the value a perfect synthetic set would get.

    Each row has ``family``, ``metric``, ``value``, ``reference`` (the value
    of synthetic data that is indistinguishable from the real data, or None)
    and a one-line ``meaning``. ``report["metric name"]`` is a value,
    ``to_frame()`` a pandas DataFrame, ``str(report)`` a table and ``plot()``
    a one-page figure.

    Parameters
    ----------
    rows : list of dict
        The rows, with the keys above.
    seconds : dict, default=None
        Time each family took.

    Examples
    --------
    >>> from skgan.metrics._report import EvaluationReport
    >>> report = EvaluationReport([dict(family="two-sample", metric="C2ST AUC", value=0.52, reference=0.5,
    ...                                 meaning="0.5: a classifier cannot tell them apart")])
    >>> report["C2ST AUC"]
    0.52
    """

    def __init__(self, rows, seconds=None):
        self.rows = [dict(zip(_FIELDS, (row[field] for field in _FIELDS), strict=True)) for row in rows]
        self.seconds = dict(seconds or {})

    def __getitem__(self, metric):
        for row in self.rows:
            if row["metric"] == metric:
                return row["value"]
        raise KeyError(f"no metric {metric!r}; the report has {[row['metric'] for row in self.rows]}")

    def __len__(self):
        return len(self.rows)

    def to_frame(self):
        """The rows as a pandas DataFrame (pandas needed)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(_FIELDS))

    def __str__(self):
        width = max(len(row["metric"]) for row in self.rows)
        lines = [f"{'family':<11} {'metric':<{width}} {'value':>9} {'perfect':>8}  meaning"]
        for row in self.rows:
            reference = "" if row["reference"] is None else f"{row['reference']:.3g}"
            lines.append(
                f"{row['family']:<11} {row['metric']:<{width}} {row['value']:>9.4g} {reference:>8}  {row['meaning']}"
            )
        return "\n".join(lines)

    def __repr__(self):
        return f"EvaluationReport({len(self.rows)} metrics)\n{self}"

    def plot(self, ax=None):
        """A horizontal bar per metric whose perfect value is 1 or 0.5, with that value marked.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; None makes a new figure.

        Returns
        -------
        ax : matplotlib Axes
        """
        import matplotlib.pyplot as plt

        rows = [row for row in self.rows if row["reference"] in (0.5, 1.0) and np.isfinite(row["value"])]
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.4 * len(rows) + 1))
        positions = np.arange(len(rows))[::-1]
        ax.barh(positions, [row["value"] for row in rows], color="tab:blue", alpha=0.7)
        ax.scatter([row["reference"] for row in rows], positions, marker="|", s=300, color="black",
                   label="indistinguishable")
        ax.set_yticks(positions, [f"{row['family']}: {row['metric']}" for row in rows])
        ax.set_xlim(0, 1.05)
        ax.legend(loc="lower right")
        ax.set_title("Synthetic vs real data")
        return ax


def _row(family, metric, value, reference, meaning):
    return dict(family=family, metric=metric, value=float(value), reference=reference, meaning=meaning)


def _subsample(rows, n, rng):
    if len(rows) <= n:
        return rows
    index = np.sort(rng.choice(len(rows), size=n, replace=False))
    return rows.iloc[index] if hasattr(rows, "iloc") else np.asarray(rows)[index]


def _split_target(rows, target):
    """``(X, y)``: the rows without the target column, and the target."""
    if hasattr(rows, "columns"):
        if target not in rows.columns:
            raise ValueError(f"target {target!r} is not a column of the table; it has {list(rows.columns)}.")
        return rows.drop(columns=[target]), rows[target].to_numpy()
    rows = np.asarray(rows)
    if not (isinstance(target, (int, np.integer)) and -rows.shape[1] <= target < rows.shape[1]):
        raise ValueError(f"With arrays, target must be a column index below {rows.shape[1]}, got {target!r}.")
    return np.delete(rows, target, axis=1), rows[:, target]


def _utility_estimator(y):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.utils.multiclass import type_of_target

    if type_of_target(y) in ("binary", "multiclass"):
        return HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0), "accuracy"
    return HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=0), "r2"


def evaluate(real, synthetic, *, holdout=None, target=None, random_state=0, verbose=0):
    """Compare synthetic rows with real ones: fidelity, coverage, marginals, pairs, utility and privacy.

    Runs the relevant metrics of :mod:`skgan.metrics` and gathers them in one
    table: the classifier two-sample test and the MMD, precision, recall,
    density and coverage, the mean column and pair similarities, and, with
    ``holdout``, the distances to closest records and the two
    membership-inference attacks (privacy) and, with ``target`` too,
    train-synthetic-test-real. The quadratic metrics (MMD,
    precision/recall/density/coverage, distances) use at most
    ``MAX_PAIRWISE_ROWS`` = 5,000 rows of each set, drawn from
    ``random_state``; the attacks score at most ``MAX_ATTACK_ROWS`` = 2,000
    training rows against as many holdout rows, from at most 2,000
    synthetic rows, with a reference density on at most 2,000 other holdout
    rows (see :func:`~skgan.metrics.membership_inference`).
    Attribute inference needs a sensitive column, so it is not in the
    report: call :func:`~skgan.metrics.attribute_inference`.

    Parameters
    ----------
    real : array-like or DataFrame of shape (n_real, n_columns)
        The real rows the generator was trained on.
    synthetic : array-like or DataFrame of shape (n_synthetic, n_columns)
        Generated rows, with the same columns.
    holdout : array-like or DataFrame, default=None
        Real rows the generator never saw: the reference for privacy (a
        synthetic row should be no closer to the training rows than to
        these) and the test set of utility.
    target : str or int, default=None
        A column to predict from the others (a name for a DataFrame, an
        index for an array): utility is the score on ``holdout`` of a
        gradient-boosting model trained on the synthetic rows, beside the same
        model trained on ``real`` (accuracy for classes, R² otherwise).
    random_state : int, RandomState instance or None, default=0
        Seeds the subsamples, the classifier and the permutations.
    verbose : int, default=0
        Print each family's progress when positive.

    Returns
    -------
    report : EvaluationReport
        One row per metric: its family, value, the value of perfect synthetic
        data, and what it means.

    See Also
    --------
    classifier_two_sample_test, maximum_mean_discrepancy,
    precision_recall_density_coverage, column_similarity,
    pairwise_similarity, train_synthetic_test_real, distance_to_closest_record,
    membership_inference

    Examples
    --------
    >>> import numpy as np
    >>> import skgan
    >>> rng = np.random.RandomState(0)
    >>> real, holdout, synthetic = rng.normal(size=(300, 3)), rng.normal(size=(300, 3)), rng.normal(size=(300, 3))
    >>> report = skgan.evaluate(real, synthetic, holdout=holdout)
    >>> abs(report["C2ST AUC"] - 0.5) < 0.1, report["identical training rows"]
    (True, 0.0)
    >>> copied = skgan.evaluate(real, real[::-1], holdout=holdout)  # a "generator" that returns its training rows
    >>> copied["share closer to training"], copied["identical training rows"]
    (1.0, 300.0)
    """
    rng = check_random_state(random_state)
    seed = int(rng.randint(np.iinfo(np.int32).max))
    rows, seconds = [], {}

    def step(family, compute):
        if verbose:
            print(f"evaluate: {family}...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        rows.extend(compute())
        seconds[family] = time.perf_counter() - start

    n = MAX_PAIRWISE_ROWS
    real_sub, synthetic_sub = _subsample(real, n, rng), _subsample(synthetic, n, rng)

    def two_sample():
        # the cross-validated AUC (five fits, no test): a point estimate, with less variance than a held-out half
        c2st = classifier_two_sample_test(real, synthetic, method="permutation", n_permutations=0, random_state=seed)
        mmd = maximum_mean_discrepancy(real_sub, synthetic_sub, random_state=seed)
        return [
            _row("two-sample", "C2ST AUC", c2st.statistic, 0.5, "out-of-fold AUC of a classifier telling them apart"),
            _row("two-sample", "MMD²", mmd.statistic, 0.0, f"unbiased MMD², Gaussian kernel; p = {mmd.p_value:.3g}"),
        ]

    def fidelity():
        prdc = precision_recall_density_coverage(real_sub, synthetic_sub)
        return [
            _row("fidelity", "precision", prdc.precision, 1.0, "share of synthetic rows among real ones"),
            _row("fidelity", "recall", prdc.recall, 1.0, "share of real rows among synthetic ones"),
            _row("fidelity", "density", prdc.density, 1.0, "how densely synthetic rows fill real neighbourhoods"),
            _row("fidelity", "coverage", prdc.coverage, 1.0, "share of real neighbourhoods with a synthetic row"),
        ]

    def marginals():
        columns = column_similarity(real, synthetic)
        scores = np.asarray(columns["score"], dtype=float)[np.asarray(columns["metric"]) != "missing"]
        out = [_row("marginals", "column similarity", np.nanmean(scores), 1.0,
                    "mean of 1 - KS (numeric) and 1 - TV (categories) over the columns")]
        if np.shape(real)[1] > 1:
            pairs = pairwise_similarity(real, synthetic)
            out.append(_row("pairs", "pair similarity", np.nanmean(pairs["score"]), 1.0,
                            "mean correlation / contingency similarity over the pairs of columns"))
        return out

    def privacy():
        # the function subsamples the larger of real and holdout to the other's size for the distances,
        # and counts copies against all their rows
        dcr = distance_to_closest_record(real, synthetic_sub, _subsample(holdout, n, rng), random_state=seed)
        return [
            _row("privacy", "share closer to training", dcr.share_closer_to_train, 0.5,
                 "synthetic rows nearer a training row than a holdout row (above 0.5: memorisation)"),
            _row("privacy", "identical training rows", dcr.n_identical, float(dcr.n_identical_holdout),
                 "synthetic rows that copy a training row (reference: copies of holdout rows)"),
            _row("privacy", "median NNDR", dcr.median_nndr, None,
                 "nearest/second-nearest training distance; near 0: rows sit on training rows"),
            *membership_rows(),
        ]

    def membership_rows():
        # members: training rows; non-members: half the holdout, the other half the reference density's rows
        attack = membership_inference(real, holdout, synthetic_sub, max_rows=MAX_ATTACK_ROWS, random_state=seed)
        return [
            _row("privacy", f"membership AUC ({name})", auc, 0.5,
                 f"{what}: training vs holdout rows, 95% CI [{low:.3f}, {high:.3f}]; above 0.5: a leak")
            for name, auc, (low, high), what in (
                ("distance", attack.distance_auc, attack.distance_interval, "attack by distance to a synthetic row"),
                ("density ratio", attack.density_ratio_auc, attack.density_ratio_interval,
                 "attack by synthetic/real density (DOMIAS)"),
            )
        ]

    def utility():
        X_real, y_real = _split_target(real, target)
        X_syn, y_syn = _split_target(synthetic, target)
        X_test, y_test = _split_target(holdout, target)
        X_real, X_syn, X_test = with_categories(X_real, X_syn, X_test)
        estimator, scoring = _utility_estimator(y_real)
        score = train_synthetic_test_real(estimator, X_syn, y_syn, X_test, y_test, X_train=X_real, y_train=y_real,
                                          scoring=scoring)
        return [_row("utility", f"TSTR {scoring}", score.tstr, score.trtr,
                     f"trained on synthetic, tested on holdout (reference: trained on real, {scoring})")]

    step("two-sample", two_sample)
    step("fidelity", fidelity)
    step("marginals", marginals)
    if holdout is not None:
        step("privacy", privacy)
        if target is not None:
            step("utility", utility)
    elif target is not None:
        raise ValueError("target needs holdout: utility is measured on held-out real rows.")
    return EvaluationReport(rows, seconds)
