"""Two-sample tests: MMD against a direct computation, its permutation test, the classifier test, scorers."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from skgan.metrics import _two_sample
from skgan.metrics._encoding import encode
from skgan.metrics._two_sample import (
    C2STResult,
    MMDResult,
    c2st_scorer,
    classifier_two_sample_test,
    make_two_sample_scorer,
    maximum_mean_discrepancy,
    mmd_scorer,
)


def direct_mmd(X, Y, sigma):
    """Unbiased MMD² by direct float64 differences (Gretton et al., 2012, eq. 3)."""

    def gram(a, b):
        return np.exp(-((a[:, None, :] - b[None, :, :]) ** 2).sum(-1) / (2 * sigma**2))

    n, m = len(X), len(Y)
    kxx, kyy = gram(X, X), gram(Y, Y)
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * gram(X, Y).mean())


def standardised(real, synthetic):
    mean, std = real.mean(axis=0), real.std(axis=0)
    std[std == 0] = 1
    return (real - mean) / std, (synthetic - mean) / std


@pytest.fixture(params=[1024, 7], ids=["one-block", "blocks-of-7"])
def block(request, monkeypatch):
    monkeypatch.setattr(_two_sample, "_BLOCK", request.param)
    if request.param == 7:
        monkeypatch.setattr(_two_sample, "_MAX_CACHE_BYTES", 0)
    return request.param


# --------------------------------------------------------------------------- MMD


@pytest.mark.parametrize("bandwidth", ["median", 0.7, 3.0])
def test_mmd_matches_direct_computation(block, bandwidth):
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(41, 5)) * [1, 10, 0.1, 1, 1], rng.normal(size=(29, 5)) + 0.3
    X[:, 3] = 2.0  # a constant column: scale 1
    result = maximum_mean_discrepancy(X, Y, bandwidth=bandwidth, n_permutations=0, random_state=0)
    assert isinstance(result, MMDResult) and result.p_value is None
    reference = direct_mmd(*standardised(X, Y), result.bandwidth)
    assert result.statistic == pytest.approx(reference, rel=1e-10)
    if bandwidth != "median":
        assert result.bandwidth == bandwidth


def test_mmd_dataframe_with_categorical_column(block):
    rng = np.random.RandomState(1)

    def table(n, shift):
        return pd.DataFrame({
            "age": rng.normal(40 + shift, 10, size=n),
            "city": pd.Categorical(rng.choice(["a", "b", "c"], size=n)),
            "plan": rng.choice(["x", "y"], size=n).astype(object),
            "income": rng.lognormal(size=n) * 1000,
        })

    real, synthetic = table(40, 0), table(33, 5)
    result = maximum_mean_discrepancy(real, synthetic[["income", "plan", "city", "age"]], random_state=0)
    Xe, Ye = encode(real, synthetic)
    assert result.statistic == pytest.approx(direct_mmd(Xe, Ye, result.bandwidth), rel=1e-10)


def test_mmd_median_heuristic_and_standardize_false():
    rng = np.random.RandomState(2)
    X, Y = rng.uniform(size=(50, 3)), rng.uniform(size=(40, 3))
    result = maximum_mean_discrepancy(X, Y, n_permutations=0, standardize=False, random_state=0)
    from scipy.spatial.distance import pdist

    assert result.bandwidth == pytest.approx(np.median(pdist(np.vstack([X, Y]))))
    assert result.statistic == pytest.approx(direct_mmd(X, Y, result.bandwidth), rel=1e-10)


def test_mmd_identical_samples_is_about_zero():
    X = np.random.RandomState(3).normal(size=(200, 4))
    result = maximum_mean_discrepancy(X, X.copy(), random_state=0)
    # unbiased: the within-set sums leave out the diagonal, the cross sum keeps it, so MMD² < 0
    assert -0.02 < result.statistic <= 0
    assert result.p_value > 0.5


def test_mmd_permutation_p_values_calibrated_under_the_null():
    p_values = []
    for seed in range(20):
        rng = np.random.RandomState(100 + seed)
        p = maximum_mean_discrepancy(rng.normal(size=(60, 3)), rng.normal(size=(50, 3)),
                                     n_permutations=99, random_state=seed).p_value
        p_values.append(p)
    p_values = np.array(p_values)
    assert np.all((p_values > 0) & (p_values <= 1))
    assert np.sum(p_values < 0.05) <= 3  # expected 1 of 20
    assert 0.3 < np.mean(p_values) < 0.7  # uniform: mean 0.5
    assert np.sum(p_values > 0.5) >= 5


def test_mmd_small_p_value_on_shifted_data():
    rng = np.random.RandomState(4)
    result = maximum_mean_discrepancy(rng.normal(size=(100, 3)), rng.normal(size=(120, 3)) + 0.8, random_state=0)
    assert result.p_value == pytest.approx(1 / 201)
    assert result.statistic > 0.05


def test_mmd_permutations_match_direct_relabellings(block):
    rng = np.random.RandomState(5)
    X, Y = rng.normal(size=(20, 2)), rng.normal(size=(15, 2))
    n, Z = len(X), np.vstack([X, Y])
    labels = np.zeros((35, 4))
    labels[:, 0], labels[:n, 1] = 1, 1
    perms = [rng.permutation(35)[:n] for _ in range(2)]
    for p, idx in enumerate(perms):
        labels[idx, p + 2] = 1
    import torch

    sums = _two_sample._mmd_sums(X, Y, np.zeros(2), np.ones(2), 0.9, labels, torch.device("cpu"))
    values = _two_sample._unbiased(*sums, n, len(Y))
    expected = [direct_mmd(X, Y, 0.9)]
    for idx in perms:
        mask = np.isin(np.arange(35), idx)
        expected.append(direct_mmd(Z[mask], Z[~mask], 0.9))
    np.testing.assert_allclose(values, expected, rtol=1e-10)


def test_mmd_is_reproducible():
    rng = np.random.RandomState(6)
    X, Y = rng.normal(size=(1500, 2)), rng.normal(size=(1400, 2))  # the median subsample is drawn
    first = maximum_mean_discrepancy(X, Y, n_permutations=20, random_state=7)
    assert maximum_mean_discrepancy(X, Y, n_permutations=20, random_state=7) == first


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"bandwidth": 0.0}, "bandwidth"),
        ({"bandwidth": -1}, "bandwidth"),
        ({"bandwidth": "mean"}, "bandwidth"),
        ({"bandwidth": np.nan}, "bandwidth"),
        ({"bandwidth": 1e-300}, "bandwidth"),
        ({"kernel": "laplacian"}, "kernel"),
        ({"n_permutations": -1}, "n_permutations"),
        ({"n_permutations": 1.5}, "n_permutations"),
    ],
)
def test_mmd_bad_parameters(kwargs, message):
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match=message):
        maximum_mean_discrepancy(X, X, **kwargs)


@pytest.mark.parametrize("metric", [maximum_mean_discrepancy, classifier_two_sample_test])
def test_bad_inputs(metric):
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="same number"):
        metric(X, np.zeros((20, 3)))
    with pytest.raises(ValueError, match="at least"):
        metric(X, X[:1])
    with pytest.raises(ValueError, match="2-D"):
        metric(X, X[:, 0])
    frame = pd.DataFrame(X, columns=["a", "b"])
    with pytest.raises(ValueError, match="same columns"):
        metric(frame, frame.rename(columns={"b": "c"}))
    with pytest.raises(ValueError, match="both"):
        metric(frame, X)


def test_mmd_infinite_values_are_an_error():
    X = np.ones((5, 2))
    Y = X.copy()
    Y[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        maximum_mean_discrepancy(X, Y)


# --------------------------------------------------------------------------- C2ST


def test_c2st_same_distribution_is_about_half():
    rng = np.random.RandomState(1)
    result = classifier_two_sample_test(rng.normal(size=(400, 3)), rng.normal(size=(300, 3)), random_state=0)
    assert isinstance(result, C2STResult)
    assert abs(result.statistic - 0.5) < 0.1  # se ~0.022, and the folds add their own spread
    assert result.p_value > 0.01
    low, high = result.confidence_interval
    assert low < result.statistic < high and 0.02 < result.std_error < 0.05


def test_c2st_shifted_is_about_one():
    rng = np.random.RandomState(1)
    result = classifier_two_sample_test(rng.normal(size=(300, 3)), rng.normal(size=(300, 3)) + 4, random_state=0)
    assert result.statistic > 0.99
    assert result.p_value < 1e-10
    assert result.confidence_interval[1] <= 1.0


def test_c2st_dataframe_categories_and_user_estimator():
    rng = np.random.RandomState(2)
    real = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], size=200).astype(object)})
    fake = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b", "z"], size=200).astype(object)})
    default = classifier_two_sample_test(real, fake, random_state=0)
    assert default.statistic > 0.6 and default.p_value < 0.01  # the category "z" gives the synthetic rows away
    logistic = classifier_two_sample_test(real, fake, estimator=LogisticRegression(), random_state=0)
    assert logistic.statistic > 0.6
    # copies of the real rows: a held-out row's twin often trains the other label, so AUC << 0.5
    copies = classifier_two_sample_test(real, real.sample(frac=1, random_state=0), random_state=0)
    assert copies.statistic < 0.4
    cv_auc = classifier_two_sample_test(real, real.sample(frac=1, random_state=0), method="permutation",
                                        n_permutations=0, random_state=0)
    assert cv_auc.statistic < 0.3 and cv_auc.p_value is None


def test_c2st_reproducible_and_option_checks():
    rng = np.random.RandomState(3)
    X, Y = rng.normal(size=(60, 2)), rng.normal(size=(50, 2))
    assert classifier_two_sample_test(X, Y, random_state=4) == classifier_two_sample_test(X, Y, random_state=4)
    with pytest.raises(ValueError, match="at least 4"):
        classifier_two_sample_test(X, Y[:3])
    with pytest.raises(ValueError, match="at least 5"):
        classifier_two_sample_test(X, Y[:4], method="permutation")
    bad = [
        ({"method": "cv"}, "method"),
        ({"cv": 5}, "cv applies to method='permutation'"),
        ({"n_permutations": 10}, "n_permutations applies"),
        ({"test_size": 0}, "test_size"),
        ({"test_size": 1.0}, "test_size"),
        ({"test_size": "half"}, "test_size"),
        ({"method": "permutation", "test_size": 0.3}, "test_size applies"),
        ({"method": "permutation", "cv": 1}, "at least 2 folds"),
        ({"method": "permutation", "n_permutations": -1}, "n_permutations"),
        ({"method": "permutation", "n_permutations": 2.5}, "n_permutations"),
    ]
    for kwargs, message in bad:
        with pytest.raises(ValueError, match=message):
            classifier_two_sample_test(X, Y, **kwargs)
    with pytest.raises(ValueError, match="at least 20"):  # 2 rows of each set in the held-out 10%
        classifier_two_sample_test(X, Y[:10], test_size=0.1)


class _ColumnScore:
    """A 'classifier' that scores a row by its first column and records the rows it is fitted on."""

    fitted = []

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y):
        _ColumnScore.fitted.append(np.asarray(X).copy())
        return self

    def decision_function(self, X):
        return np.asarray(X)[:, 0]


def reference_auc(pos, neg):
    """AUC by counting pairs, float64 (ties count 1/2)."""
    return (np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])) / (len(pos) * len(neg))


def reference_mann_whitney_exact(pos, neg):
    """P(U >= u) over every split of the pooled scores into sets of the two sizes (no ties)."""
    from itertools import combinations

    pooled = np.concatenate([pos, neg])
    u = reference_auc(pos, neg)
    null = [reference_auc(pooled[list(c)], np.delete(pooled, list(c))) for c in combinations(range(len(pooled)),
                                                                                          len(pos))]
    return np.mean(np.asarray(null) >= u - 1e-12)


def reference_delong(pos, neg):
    """DeLong's standard error from its structural components, by loops over pairs."""
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))


def test_c2st_holdout_scores_only_rows_the_classifier_never_saw():
    rng = np.random.RandomState(6)
    X, Y = rng.normal(size=(14, 2)), rng.normal(size=(12, 2)) + [0.8, 0]
    _ColumnScore.fitted.clear()
    result = classifier_two_sample_test(X, Y, estimator=_ColumnScore(), random_state=0)
    (train,) = _ColumnScore.fitted  # one fit
    assert len(train) == 13 and result.n_test == 13 and result.method == "holdout"
    seen = {tuple(row) for row in train}
    pos = np.array([y[0] for y in Y if tuple(y) not in seen])
    neg = np.array([x[0] for x in X if tuple(x) not in seen])
    assert len(pos) == 6 and len(neg) == 7  # stratified halves
    assert result.statistic == pytest.approx(reference_auc(pos, neg), abs=1e-12)
    assert result.p_value == pytest.approx(reference_mann_whitney_exact(pos, neg), rel=1e-9)
    assert result.std_error == pytest.approx(reference_delong(pos, neg), rel=1e-9)
    low, high = result.confidence_interval
    assert low == pytest.approx(max(0, result.statistic - 1.96 * result.std_error))
    assert high == pytest.approx(min(1, result.statistic + 1.96 * result.std_error))


def test_mann_whitney_p_with_ties_and_many_rows_is_the_normal_approximation():
    from scipy.stats import norm

    rng = np.random.RandomState(7)
    scores = np.round(rng.normal(size=300), 1)  # ties
    y = np.r_[np.zeros(150, int), np.ones(150, int)]
    scores[y == 1] += 0.2
    pos, neg = scores[y == 1], scores[y == 0]
    u = reference_auc(pos, neg) * 150 * 150
    _, counts = np.unique(scores, return_counts=True)
    var = 150 * 150 / 12 * (301 - np.sum(counts**3 - counts) / (300 * 299))
    expected = norm.sf((u - 150 * 150 / 2 - 0.5) / np.sqrt(var))
    assert _two_sample._mann_whitney_p(scores, y) == pytest.approx(expected, rel=1e-9)


def test_c2st_permutation_refits_the_folds_for_each_relabelling():
    rng = np.random.RandomState(8)
    X, Y = rng.normal(size=(20, 2)), rng.normal(size=(20, 2)) + [3, 0]
    _ColumnScore.fitted.clear()
    result = classifier_two_sample_test(X, Y, estimator=_ColumnScore(), method="permutation", cv=4,
                                        n_permutations=9, random_state=0)
    assert len(_ColumnScore.fitted) == (1 + 9) * 4
    assert result.method == "permutation" and result.n_test == 40
    assert result.confidence_interval is None and result.std_error is None
    assert result.statistic == pytest.approx(reference_auc(Y[:, 0], X[:, 0]))  # a fixed score: the folds do not matter
    assert result.p_value == pytest.approx(1 / 10)  # no relabelling does as well as the shift
    same = classifier_two_sample_test(X, X[::-1] + 0, estimator=_ColumnScore(), method="permutation",
                                      n_permutations=19, random_state=0)
    assert same.statistic == pytest.approx(0.5) and (20 * same.p_value) % 1 == pytest.approx(0)  # k / (1 + 19)


def test_delong_std_error_matches_hanley_mcneil_order():
    rng = np.random.RandomState(5)
    y = np.r_[np.zeros(300, int), np.ones(300, int)]
    scores = rng.normal(size=600) + y
    se = _two_sample._delong_std_error(y, scores)
    # Hanley & McNeil (1982) for AUC ~ 0.76: sqrt(A(1-A)/n ...) ~ 0.019
    assert 0.012 < se < 0.03


# --------------------------------------------------------------------------- scorers


@pytest.mark.parametrize(
    "scorer",
    [mmd_scorer, c2st_scorer, make_two_sample_scorer("mmd", bandwidth=1.0), make_two_sample_scorer("coverage")],
)
def test_scorers_in_grid_search(scorer, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(80, 2))
    search = GridSearchCV(tiny_sampler(max_iter=2), {"learning_rate": [1e-3, 1e-4]}, scoring=scorer, cv=2)
    search.fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    if scorer is c2st_scorer:
        assert np.all((scores >= 0) & (scores <= 1))


def test_scorer_values_and_bad_metric(tiny_sampler):
    X = np.random.RandomState(0).normal(size=(64, 2))
    gan = tiny_sampler().fit(X)
    synthetic = gan.sample(64, random_state=0)
    assert mmd_scorer(gan, X) == -maximum_mean_discrepancy(X, synthetic, n_permutations=0, random_state=0).statistic
    auc = classifier_two_sample_test(X, synthetic, method="permutation", n_permutations=0, random_state=0).statistic
    assert c2st_scorer(gan, X) == pytest.approx(1 - 2 * abs(auc - 0.5))
    assert "mmd" in repr(mmd_scorer)
    from skgan.metrics import precision_recall_density_coverage

    coverage = make_two_sample_scorer("coverage", n_neighbors=3)
    assert coverage(gan, X) == precision_recall_density_coverage(X, synthetic, n_neighbors=3).coverage
    with pytest.raises(ValueError, match="metric"):
        make_two_sample_scorer("parzen")


# --- dates and times in tables ------------------------------------------------------------------------------------


def _dated(seed, n=120, shift_days=0):
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(seed)
    start = pd.Timestamp("2024-03-01", tz="Europe/Paris") + pd.Timedelta(days=shift_days)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "when": start + pd.to_timedelta(rng.randint(0, 60, n), unit="D"),
        "month": pd.period_range("2020-01", periods=n, freq="M")[rng.permutation(n)],
        "wait": pd.to_timedelta(rng.randint(0, 9, n), unit="h"),
    })


def test_temporal_numbers_are_nanoseconds_utc_and_ordinals():
    pd = pytest.importorskip("pandas")
    from skgan.metrics._encoding import temporal_numbers

    when = pd.Series(pd.to_datetime(["2024-01-01 01:00", None]).tz_localize("Europe/Paris"))
    when = when.astype("datetime64[s, Europe/Paris]")  # another unit: still nanoseconds
    numbers = temporal_numbers(when)
    assert numbers[0] == pd.Timestamp("2024-01-01 00:00", tz="UTC").value and np.isnan(numbers[1])
    assert temporal_numbers(pd.Series(pd.to_timedelta([1], unit="s")))[0] == 1e9
    assert temporal_numbers(pd.Series(pd.period_range("1970-03", periods=1, freq="M")))[0] == 2
    assert temporal_numbers(pd.Series([1.0])) is None


def test_c2st_and_evaluate_read_dates_as_numbers():
    from skgan.metrics import evaluate

    same = classifier_two_sample_test(_dated(0), _dated(1), random_state=0)
    shifted = classifier_two_sample_test(_dated(0), _dated(1, shift_days=45), random_state=0)
    assert same.statistic < 0.75 < shifted.statistic  # the dates, and only they, tell the second pair apart
    assert "C2ST AUC" in str(evaluate(_dated(0), _dated(1)))


def test_dates_in_one_table_only_are_a_clear_error():
    real = _dated(0)
    with pytest.raises(ValueError, match="'when' holds dates or times in one table"):
        classifier_two_sample_test(real, real.assign(when=1.0), random_state=0)
