"""Tests of skgan.metrics._table_metrics: column and pair similarity, train-synthetic-test-real."""

import builtins
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import ks_2samp, pearsonr, spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgan.metrics._table_metrics import (
    TSTRScore,
    column_similarity,
    ks_statistic,
    pairwise_similarity,
    train_synthetic_test_real,
)

pd = pytest.importorskip("pandas")


def mixed_frame(rng, n=300):
    """A table with float (with NaN), int, bool, object (with None) and category columns."""
    x = rng.normal(size=n)
    x[rng.rand(n) < 0.1] = np.nan
    color = rng.choice(["red", "green", "blue"], size=n).astype(object)
    color[rng.rand(n) < 0.05] = None
    return pd.DataFrame(
        {
            "x": x,
            "count": rng.poisson(3, size=n),
            "flag": rng.rand(n) < 0.3,
            "color": color,
            "size": pd.Categorical(rng.choice(["S", "M", "L"], size=n), categories=["S", "M", "L"]),
        }
    )


def records(result):
    """The result's rows as dicts, from a DataFrame or a structured array."""
    if isinstance(result, np.ndarray):
        return [dict(zip(result.dtype.names, row, strict=True)) for row in result.tolist()]
    return result.to_dict("records")


# ----------------------------------------------------------------------------
# one column


@pytest.mark.parametrize("sizes", [(50, 50), (37, 91), (200, 13)])
def test_ks_matches_scipy(sizes):
    rng = np.random.RandomState(sum(sizes))
    a = rng.normal(size=sizes[0])
    b = rng.normal(0.3, 1.2, size=sizes[1])
    b[:5] = a[:5]  # ties across samples
    assert_allclose(ks_statistic(a, b), ks_2samp(a, b).statistic, rtol=1e-12)
    result = column_similarity(a[:, None], b[:, None])
    assert_allclose(np.asarray(result["value"]), [ks_2samp(a, b).statistic], rtol=1e-12)
    assert_allclose(np.asarray(result["score"]), [1 - ks_2samp(a, b).statistic], rtol=1e-12)


def test_ks_on_discrete_values_with_ties():
    a = np.array([1, 1, 2, 2, 2, 3], dtype=float)
    b = np.array([2, 3, 3, 3], dtype=float)
    assert_allclose(ks_statistic(a, b), ks_2samp(a, b).statistic, rtol=1e-12)
    assert np.isnan(ks_statistic([], b))


def test_tv_by_hand():
    real = pd.DataFrame({"c": ["a", "a", "b", "c"]})  # a 1/2, b 1/4, c 1/4
    synthetic = pd.DataFrame({"c": ["a", "b", "b", "b", "d"]})  # a 1/5, b 3/5, d 1/5
    expected = 0.5 * (abs(0.5 - 0.2) + abs(0.25 - 0.6) + abs(0.25 - 0) + abs(0 - 0.2))
    (row,) = records(column_similarity(real, synthetic))
    assert row["kind"] == "categorical" and row["metric"] == "tv"
    assert_allclose(row["value"], expected, rtol=1e-12)
    assert_allclose(row["score"], 1 - expected, rtol=1e-12)


def test_missing_values_counted():
    # categorical: missing is its own category
    real = pd.DataFrame({"c": ["a", None, "a", np.nan]})
    synthetic = pd.DataFrame({"c": ["a", "a", "a", "a"]})
    assert_allclose(column_similarity(real, synthetic)["value"], [0.5])
    # numeric: KS on present values, plus the difference of missing rates
    real = pd.DataFrame({"x": [1.0, 2.0, np.nan, np.nan]})
    synthetic = pd.DataFrame({"x": [1.0, 2.0, 2.0, np.nan]})
    result = records(column_similarity(real, synthetic))
    assert [row["metric"] for row in result] == ["ks", "missing"]
    assert_allclose(result[0]["value"], ks_2samp([1.0, 2.0], [1.0, 2.0, 2.0]).statistic)
    assert_allclose(result[1]["value"], 0.25)


def test_identical_tables_score_one():
    data = mixed_frame(np.random.RandomState(0))
    columns = column_similarity(data, data.sample(frac=1.0, random_state=1))
    assert_allclose(columns["score"], 1.0)
    assert list(columns["column"]) == ["x", "x", "count", "flag", "color", "size"]
    assert list(columns["kind"]) == ["numeric"] * 3 + ["categorical"] * 3
    assert list(columns["metric"]) == ["ks", "missing", "ks", "tv", "tv", "tv"]
    pairs = pairwise_similarity(data, data.iloc[::-1])
    assert len(pairs) == 10
    assert_allclose(pairs["score"], 1.0, atol=1e-12)
    assert set(pairs["kind"]) == {"numeric", "categorical", "mixed"}


def test_shift_and_permuted_category_detected():
    rng = np.random.RandomState(0)
    real = mixed_frame(rng, 1000)
    synthetic = mixed_frame(rng, 1000)
    synthetic["count"] = synthetic["count"] + 2
    synthetic["size"] = pd.Categorical(
        rng.choice(["S", "M", "L"], size=1000, p=[0.6, 0.3, 0.1]), categories=["S", "M", "L"]
    )
    scores = {(row["column"], row["metric"]): row["score"] for row in records(column_similarity(real, synthetic))}
    assert scores[("count", "ks")] < 0.6
    assert scores[("size", "tv")] < 0.8
    for key in [("x", "ks"), ("x", "missing"), ("flag", "tv"), ("color", "tv")]:
        assert scores[key] > 0.9, key


def test_permuted_categories_detected():
    real = pd.DataFrame({"c": ["a"] * 60 + ["b"] * 30 + ["c"] * 10})
    synthetic = pd.DataFrame({"c": ["b"] * 60 + ["c"] * 30 + ["a"] * 10})
    assert_allclose(column_similarity(real, synthetic)["value"], [0.5])


# ----------------------------------------------------------------------------
# pairs


def correlated(rng, n, rho):
    z = rng.normal(size=(n, 2))
    return np.column_stack([z[:, 0], rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]])


@pytest.mark.parametrize("method, reference", [("pearson", pearsonr), ("spearman", spearmanr)])
def test_correlation_difference(method, reference):
    rng = np.random.RandomState(0)
    real, synthetic = correlated(rng, 5000, 0.8), correlated(rng, 5000, -0.2)
    (row,) = records(pairwise_similarity(real, synthetic, correlation=method))
    expected = abs(reference(*real.T)[0] - reference(*synthetic.T)[0])
    assert row["metric"] == method and row["kind"] == "numeric"
    assert_allclose(row["value"], expected, rtol=1e-10)
    assert_allclose(row["score"], 1 - expected / 2, rtol=1e-10)
    if method == "pearson":
        assert abs(row["value"] - 1.0) < 0.05  # the known correlations: 0.8 and -0.2


def test_correlation_uses_rows_where_both_present():
    real = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 7.0], [np.nan, 1.0], [4.0, np.nan]])
    synthetic = np.array([[1.0, 1.0], [2.0, 3.0], [3.0, 2.0]])
    (row,) = records(pairwise_similarity(real, synthetic))
    expected = abs(pearsonr([1, 2, 3], [2, 4, 7])[0] - pearsonr([1, 2, 3], [1, 3, 2])[0])
    assert_allclose(row["value"], expected, rtol=1e-12)


def test_constant_column_gives_nan():
    real = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    (row,) = records(pairwise_similarity(real, real))
    assert np.isnan(row["value"]) and np.isnan(row["score"])


def test_contingency_tv_by_hand():
    real = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "v", "u", "v"]})  # uniform over 4 cells
    synthetic = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["u", "u", "v", "v"]})  # xu 1/2, yv 1/2
    # marginals agree exactly, the joint does not
    assert_allclose(column_similarity(real, synthetic)["score"], [1.0, 1.0])
    (row,) = records(pairwise_similarity(real, synthetic))
    expected = 0.5 * (abs(0.25 - 0.5) + abs(0.25 - 0) + abs(0.25 - 0) + abs(0.25 - 0.5))
    assert row["kind"] == "categorical" and row["metric"] == "tv"
    assert_allclose(row["value"], expected)
    assert_allclose(row["score"], 1 - expected)


def test_mixed_pair_bins_at_real_quantiles():
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    # n_bins=2: the median of real x (2.5) splits the bins; low x goes with "a" in real, with "b" here
    synthetic = pd.DataFrame({"x": [0.0, 1.0, 10.0, 20.0], "c": ["b", "b", "a", "a"]})
    (row,) = records(pairwise_similarity(real, synthetic, n_bins=2))
    assert row["kind"] == "mixed" and row["metric"] == "tv"
    assert_allclose(row["value"], 1.0)
    same_bins = pd.DataFrame({"x": [0.0, 1.0, 10.0, 20.0], "c": ["a", "a", "b", "b"]})
    assert_allclose(pairwise_similarity(real, same_bins, n_bins=2)["value"], [0.0])


def test_mixed_pair_uniform_bins():
    # real x spans [0, 10]: two equal-width bins split at 5, where quantile bins split at the median (1.5)
    real = pd.DataFrame({"x": [0.0, 1.0, 2.0, 10.0], "c": ["a", "a", "b", "b"]})
    synthetic = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "c": ["a", "a", "b", "b"]})
    # uniform: real (low,a) 1/2, (low,b) 1/4, (high,b) 1/4; synthetic (low,a) 1/2, (low,b) 1/2
    assert_allclose(pairwise_similarity(real, synthetic, n_bins=2, binning="uniform")["value"], [0.25])
    assert_allclose(pairwise_similarity(real, synthetic, n_bins=2)["value"], [0.0])
    with pytest.raises(ValueError, match="binning"):
        pairwise_similarity(real, synthetic, binning="width")


def test_mixed_pair_detects_broken_dependence():
    rng = np.random.RandomState(0)
    x = rng.normal(size=2000)
    real = pd.DataFrame({"x": x, "c": np.where(x > 0, "pos", "neg").astype(object)})
    synthetic = real.assign(c=rng.permutation(real["c"].to_numpy()))
    assert_allclose(column_similarity(real, synthetic)["score"], 1.0)
    (row,) = records(pairwise_similarity(real, synthetic))
    assert row["score"] < 0.6


def test_pairwise_arguments_checked():
    data = np.zeros((3, 2))
    with pytest.raises(ValueError, match="correlation"):
        pairwise_similarity(data, data, correlation="kendall")
    with pytest.raises(ValueError, match="n_bins"):
        pairwise_similarity(data, data, n_bins=0)
    with pytest.raises(ValueError, match="two columns"):
        pairwise_similarity(data[:, :1], data[:, :1])


# ----------------------------------------------------------------------------
# inputs and outputs


def test_dataframe_with_every_kind_and_column_order():
    rng = np.random.RandomState(3)
    real, synthetic = mixed_frame(rng), mixed_frame(rng, 200)
    columns = column_similarity(real, synthetic[synthetic.columns[::-1]])
    assert isinstance(columns, pd.DataFrame)
    assert list(columns.columns) == ["column", "kind", "metric", "value", "score"]
    assert ((columns["value"] >= 0) & (columns["value"] <= 1)).all()
    pairs = pairwise_similarity(real, synthetic)
    assert list(pairs.columns) == ["column_1", "column_2", "kind", "metric", "value", "score"]
    assert pairs["score"].between(0, 1).all()
    kinds = {(a, b): kind for a, b, kind in zip(pairs["column_1"], pairs["column_2"], pairs["kind"], strict=True)}
    assert kinds[("x", "count")] == "numeric"
    assert kinds[("x", "color")] == "mixed"
    assert kinds[("flag", "size")] == "categorical"


def test_nullable_and_string_dtypes():
    real = pd.DataFrame({"n": pd.array([1, None, 3, 4], dtype="Int64"), "s": pd.array(["a", None, "b", "b"], "string")})
    result = records(column_similarity(real, real))
    assert [(r["column"], r["kind"], r["metric"]) for r in result] == [
        ("n", "numeric", "ks"), ("n", "numeric", "missing"), ("s", "categorical", "tv")
    ]
    assert_allclose([r["score"] for r in result], 1.0)
    assert_allclose(pairwise_similarity(real, real)["score"], [1.0])


def test_numpy_arrays():
    rng = np.random.RandomState(0)
    real, synthetic = rng.normal(size=(100, 3)), rng.normal(size=(80, 3))
    columns = records(column_similarity(real, synthetic))
    assert [row["column"] for row in columns] == [0, 1, 2]
    for j, row in enumerate(columns):
        assert_allclose(row["value"], ks_2samp(real[:, j], synthetic[:, j]).statistic, rtol=1e-12)
    pairs = records(pairwise_similarity(real, synthetic))
    assert [(row["column_1"], row["column_2"]) for row in pairs] == [(0, 1), (0, 2), (1, 2)]
    labels = np.array([["a", "b"], ["a", "a"]], dtype=object)
    assert [row["kind"] for row in records(column_similarity(labels, labels))] == ["categorical"] * 2


def test_without_pandas_a_structured_array(monkeypatch):
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "pandas")
    monkeypatch.setattr(builtins, "__import__", no_pandas)
    real = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0]])
    columns = column_similarity(real, real[:2])
    assert isinstance(columns, np.ndarray) and columns.dtype.names == ("column", "kind", "metric", "value", "score")
    assert columns["metric"].tolist() == ["ks", "ks", "missing"]
    assert columns["value"].dtype == np.float64
    labels = np.array([["a", None], ["b", "x"]], dtype=object)
    assert_allclose(column_similarity(labels, labels)["score"], [1.0, 1.0])
    pairs = pairwise_similarity(real, real)
    assert pairs.dtype.names == ("column_1", "column_2", "kind", "metric", "value", "score")
    assert_allclose(pairs["score"], [1.0])


def test_mismatched_columns_are_clear_errors():
    a = pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"synthetic lacks \['y'\] and has \['z'\]"):
        column_similarity(a, a.rename(columns={"y": "z"}))
    with pytest.raises(ValueError, match="synthetic lacks"):
        pairwise_similarity(a, a[["x"]])
    with pytest.raises(ValueError, match="real has 2 columns but synthetic has 3"):
        column_similarity(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="2-D"):
        column_similarity(np.zeros(3), np.zeros(3))
    with pytest.raises(TypeError, match="both be pandas DataFrames or both be arrays"):
        column_similarity(a, a.to_numpy())
    with pytest.raises(ValueError, match="at least one row"):
        column_similarity(a, a.iloc[:0])
    with pytest.raises(ValueError, match="'x' is numeric in the real rows"):
        column_similarity(a, a.assign(x=["p", "q"]))


# ----------------------------------------------------------------------------
# train synthetic, test real


def classification(rng, n):
    X = rng.normal(size=(n, 4))
    y = (X[:, 0] - X[:, 1] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y


def test_tstr_equals_trtr_on_the_real_training_rows():
    rng = np.random.RandomState(0)
    X, y = classification(rng, 600)
    score = train_synthetic_test_real(
        LogisticRegression(), X[:400], y[:400], X[400:], y[400:], X_train=X[:400], y_train=y[:400]
    )
    assert isinstance(score, TSTRScore)
    assert score.tstr == score.trtr > 0.85
    assert score.difference == 0.0 and score.ratio == 1.0
    assert "TRTR" in str(score)


def test_shuffled_labels_lower_tstr():
    rng = np.random.RandomState(0)
    X, y = classification(rng, 1000)
    score = train_synthetic_test_real(
        LogisticRegression(), X[:500], rng.permutation(y[:500]), X[500:], y[500:],
        X_train=X[:500], y_train=y[:500], scoring="roc_auc",
    )
    assert score.trtr > 0.95
    assert score.tstr < 0.7
    assert score.difference < -0.25 and score.ratio < 0.75


def test_tstr_alone_scoring_callable_and_no_fit_of_the_estimator():
    rng = np.random.RandomState(1)
    X, y = classification(rng, 300)
    model = LogisticRegression()
    score = train_synthetic_test_real(model, X[:200], y[:200], X[200:], y[200:])
    assert score.trtr is None and score.difference is None and score.ratio is None
    assert score.tstr == LogisticRegression().fit(X[:200], y[:200]).score(X[200:], y[200:])
    assert not hasattr(model, "coef_")
    constant = train_synthetic_test_real(model, X[:200], y[:200], X[200:], y[200:], scoring=lambda est, X, y: 0.25)
    assert constant.tstr == 0.25


def test_tstr_with_dataframes_and_pipeline():
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.RandomState(2)
    data = mixed_frame(rng, 600).drop(columns=["x"])
    y = ((data["count"] > 3) ^ data["flag"]).astype(int)
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["color", "size"]),
            (StandardScaler(), ["count", "flag"]),
        ),
        LogisticRegression(),
    )
    data["color"] = data["color"].fillna("none")
    score = train_synthetic_test_real(
        model, data[:400], y[:400], data[400:], y[400:], X_train=data[:400], y_train=y[:400], scoring="accuracy"
    )
    assert score.ratio == 1.0


def test_tstr_arguments_checked():
    X, y = classification(np.random.RandomState(0), 20)
    with pytest.raises(ValueError, match="together"):
        train_synthetic_test_real(LogisticRegression(), X, y, X, y, X_train=X)
    with pytest.raises(ValueError, match="inconsistent"):
        train_synthetic_test_real(LogisticRegression(), X, y[:10], X, y)
