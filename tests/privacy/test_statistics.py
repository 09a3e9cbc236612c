"""Private statistics before training: the mechanisms, and what the codecs and the encoder learn with epsilon."""

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats
from sklearn.preprocessing import StandardScaler

from skgan._codecs import ArrayCodec, TableCodec, TransformerCodec
from skgan.constraints import Range
from skgan.metrics._encoding import OTHER_LABEL
from skgan.preprocessing import TabularEncoder
from skgan.preprocessing._scaling import AffineScaling
from skgan.privacy._mechanisms import (
    approx_bounds,
    dp_quantile,
    exponential_mechanism,
    histogram_quantiles,
    keep_threshold,
    kept_categories,
    laplace_counts,
    narrowed_bounds,
    private_range,
)

BAD_EPSILONS = [0, -1.0, math.inf, math.nan, True, "1"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # ranges guessed for tiny budgets
        yield


def _table(n=600, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "colour": rng.choice(["red", "green", "blue"], size=n, p=[0.5, 0.3, 0.2]),
        "legs": rng.choice([0, 2, 4], size=n),
        "when": pd.date_range("2021-01-01", periods=n, freq="D"),
    })


def _exact_counts(X, column, values):
    counts = X[column].value_counts()
    return np.array([counts.get(value, 0) for value in values])


# -- mechanisms -------------------------------------------------------------------------------------------------------


def test_laplace_counts_have_laplace_mean_and_variance():
    epsilon, n = 0.5, 20000
    noisy = laplace_counts(np.full(n, 100), epsilon, np.random.default_rng(0))  # far from 0: clipping never acts
    variance = 2 / epsilon**2
    assert abs(noisy.mean() - 100) < 5 * math.sqrt(variance / n)
    assert abs(noisy.var() / variance - 1) < 0.1
    assert laplace_counts([0, 0, 0], 0.1, np.random.default_rng(1)).min() >= 0


def test_exponential_mechanism_draws_by_its_definition():
    utilities, log_measure, epsilon = np.array([0.0, -1.0, -2.0, -4.0]), np.log([1.0, 2.0, 1.0, 1.0]), 1.5
    draws = exponential_mechanism(utilities, epsilon, np.random.default_rng(0), log_measure=log_measure, size=40000)
    weights = np.exp(log_measure + epsilon * utilities / 2)
    expected = weights / weights.sum() * len(draws)
    assert stats.chisquare(np.bincount(draws, minlength=4), expected).pvalue > 1e-3
    assert exponential_mechanism([0.0, 5.0], 1.0, np.random.default_rng(0), log_measure=[0.0, -np.inf]) == 0


def test_dp_quantile_picks_gaps_by_width_and_rank_then_uniformly():
    epsilon, values, bounds = 1.0, [1.0, 2.0, 3.0], (0.0, 5.0)  # gaps [0,1] [1,2] [2,3] [3,5]
    rng = np.random.default_rng(0)
    draws = np.array([dp_quantile(values, 0.5, bounds, epsilon, rng) for _ in range(8000)])
    widths, ranks = np.array([1.0, 1.0, 1.0, 2.0]), np.arange(4)
    weights = widths * np.exp(-epsilon * np.abs(ranks - 1.5) / 2)
    found = np.bincount(np.searchsorted([1.0, 2.0, 3.0], draws, side="right"), minlength=4)
    assert stats.chisquare(found, weights / weights.sum() * len(draws)).pvalue > 1e-3
    inside = draws[(draws > 3.0)]  # uniform in the last gap
    assert stats.kstest((inside - 3.0) / 2.0, "uniform").pvalue > 1e-3
    assert not np.isin(draws, values).any()


def test_a_category_seen_once_is_kept_with_the_chosen_probability():
    rng, trials, p, epsilon = np.random.default_rng(0), 20000, 0.2, 1.0
    kept = np.array([kept_categories([1, 0, 500], epsilon, rng, one_row_kept=p)[0] for _ in range(trials)])
    assert kept[:, 2].all()
    for column, expected in ((0, p), (1, p * math.exp(-epsilon))):
        assert abs(kept[:, column].mean() - expected) < 5 * math.sqrt(expected * (1 - expected) / trials)
    assert keep_threshold(epsilon, one_row_kept=0.001) == pytest.approx(1 + math.log(500))


def test_kept_categories_keep_one_at_least_and_at_most_max_kept():
    keep, noisy = kept_categories([0, 0, 0], 1.0, np.random.default_rng(0))
    assert keep.sum() == 1 and keep[np.argmax(noisy)]
    keep, noisy = kept_categories([900, 800, 700, 600], 1.0, np.random.default_rng(0), max_kept=2)
    assert keep.tolist() == [True, True, False, False]


def test_approx_bounds_ignore_a_single_outlier():
    values = np.append(np.random.default_rng(0).uniform(1.0, 3.0, size=2000), 1e9)
    for seed in range(20):
        assert approx_bounds(values, 1.0, np.random.default_rng(seed)) == (0.0, 4.0)
    assert approx_bounds(-values, 1.0, np.random.default_rng(0)) == (-4.0, 0.0)
    assert approx_bounds(values - 2.0, 1.0, np.random.default_rng(0)) == (-1.0, 1.0)


def test_approx_bounds_group_bins_when_none_holds_enough_rows_and_refuse_to_guess():
    values = np.random.default_rng(0).normal(size=2000)  # about 300 rows a bin: none passes at this budget
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        for seed in range(5):
            low, high = approx_bounds(values, 0.03, np.random.default_rng(seed))
            assert -16 <= low < -0.5 and 0.5 < high <= 16
    with pytest.raises(ValueError, match="Too few rows"):
        approx_bounds(values[:20], 0.01, np.random.default_rng(0))


def test_narrowed_bounds_find_a_narrow_column_and_keep_spread_ones():
    years = np.random.default_rng(0).integers(1990, 2020, size=2000).astype(float)
    low, high = narrowed_bounds(years, (0.0, 2048.0), 1.0, np.random.default_rng(0))
    assert 1950 <= low <= 1990 and 2020 <= high <= 2060
    spread = np.random.default_rng(0).uniform(0, 1, size=300)  # no equal bin passes: kept as given
    assert narrowed_bounds(spread, (0.0, 1.0), 0.1, np.random.default_rng(0)) == (0.0, 1.0)


def test_private_range_is_not_set_by_a_max_outlier():
    values = np.append(np.random.default_rng(0).uniform(0.0, 1.0, size=2000), 1e6)
    for seed in range(10):
        low, high = private_range(values, 2.0, np.random.default_rng(seed))
        assert 0.0 <= low < 0.05 and 0.95 < high <= 1.0
    assert private_range(values, 2.0, np.random.default_rng(3)) == private_range(values, 2.0, np.random.default_rng(3))


def test_histogram_quantiles_match_exact_ones_with_a_large_budget():
    values = np.random.default_rng(0).exponential(size=5000)
    quantiles = [0.1, 0.5, 0.9]
    found = histogram_quantiles(values, quantiles, (0.0, 8.0), 1e4, np.random.default_rng(0), n_bins=256)
    assert np.allclose(found, np.quantile(values, quantiles), atol=8.0 / 256)
    noisy = histogram_quantiles(values, quantiles, (0.0, 8.0), 0.05, np.random.default_rng(0))
    assert not np.allclose(noisy, found, atol=1e-3) and np.all(np.diff(noisy) >= 0)


@pytest.mark.parametrize("epsilon", BAD_EPSILONS)
def test_mechanisms_refuse_a_bad_epsilon(epsilon):
    rng = np.random.default_rng(0)
    for call in (lambda: laplace_counts([1], epsilon, rng), lambda: exponential_mechanism([0.0], epsilon, rng),
                 lambda: approx_bounds([1.0], epsilon, rng), lambda: dp_quantile([1.0], 0.5, (0, 2), epsilon, rng),
                 lambda: histogram_quantiles([1.0], [0.5], (0, 2), epsilon, rng),
                 lambda: private_range([1.0], epsilon, rng), lambda: keep_threshold(epsilon)):
        with pytest.raises(ValueError, match="epsilon must be a positive finite number"):
            call()


# -- arrays -----------------------------------------------------------------------------------------------------------


def _array(n=1000, seed=0):
    X = np.random.default_rng(seed).uniform(-2.0, 3.0, size=(n, 2))
    X[0, 0] = 1e6  # one row's outlier
    return X


def test_array_codec_without_epsilon_scales_from_the_exact_range():
    X = _array()
    codec = ArrayCodec()
    codes = codec.fit(X, False, 0, X_seen=X[:10])
    rows = codec.fit_output(torch.nn.Tanh(), codes, X)
    exact = AffineScaling((-1.0, 1.0)).fit(X)
    assert codec.bounds_ is None and codes is X
    assert np.array_equal(rows, exact.to_model(X)) and np.array_equal(codec.scaling.center_, exact.center_)
    assert np.array_equal(codec.model_rows(X), rows)


def test_array_codec_with_epsilon_scales_from_private_bounds_and_clips():
    X = _array()
    codec = ArrayCodec()
    codes = codec.fit(X, False, 7, epsilon=2.0)
    rows = codec.fit_output(torch.nn.Tanh(), codes, X)
    low, high = codec.bounds_
    assert high[0] < 10 and low[0] > -3  # the outlier sets nothing
    assert not np.array_equal(codec.bounds_, [X.min(0), X.max(0)])
    assert rows.min() >= -1 and rows.max() <= 1 and rows[0, 0] == 1.0  # clipped into the bounds
    assert np.allclose(codec.scaling.to_data(np.array([[-1.0, -1.0], [1.0, 1.0]])), codec.bounds_)
    assert np.array_equal(codec.model_rows(X), rows)
    again = ArrayCodec()
    again.fit(X, False, 7, epsilon=2.0)
    other = ArrayCodec()
    other.fit(X, False, 8, epsilon=2.0)
    assert np.array_equal(again.bounds_, codec.bounds_) and not np.array_equal(other.bounds_, codec.bounds_)
    assert "bounds_" not in json.dumps(codec.to_plain(), default=str)


def test_array_codec_with_epsilon_ignores_the_held_out_rows():
    X = _array()
    seen = np.vstack([X, np.full((500, 2), 1e3)])
    a, b = ArrayCodec(), ArrayCodec()
    a.fit(X, False, 0, epsilon=1.0)
    b.fit(X, False, 0, X_seen=seen, epsilon=1.0)
    assert np.array_equal(a.bounds_, b.bounds_)


def test_streamed_rows_give_the_bounds_of_the_rows_in_memory(tmp_path):
    from skgan._streaming import StreamedRows

    path = tmp_path / "x.npy"
    np.save(path, _array(1200))
    X = np.load(path, mmap_mode="r")
    streamed, in_memory = ArrayCodec(), ArrayCodec()
    codes = streamed.fit(StreamedRows(X, np.arange(1000)), False, 0, epsilon=2.0)
    in_memory.fit(np.asarray(X[:1000]), False, 0, epsilon=2.0)
    assert np.array_equal(streamed.bounds_, in_memory.bounds_)
    rows = streamed.fit_output(torch.nn.Tanh(), codes, None)[torch.arange(1000)]
    assert rows.abs().max() <= 1 and rows[0, 0] == 1


def test_unbounded_output_standardises_from_the_private_bounds():
    X = _array()
    codec = ArrayCodec()
    codes = codec.fit(X, False, 0, epsilon=2.0)
    codec.fit_output(torch.nn.Identity(), codes, X)
    assert np.allclose(codec.scaling.center_, codec.bounds_.mean(0))


def test_a_transformer_conflicts_with_epsilon():
    with pytest.raises(ValueError, match="private fit .* cannot use a transformer: StandardScaler"):
        TransformerCodec(StandardScaler()).fit(_array(), False, 0, epsilon=1.0)


@pytest.mark.parametrize("epsilon", BAD_EPSILONS)
def test_codecs_refuse_a_bad_epsilon(epsilon):
    with pytest.raises(ValueError, match="epsilon must be a positive finite number"):
        ArrayCodec().fit(_array(), False, 0, epsilon=epsilon)
    with pytest.raises(ValueError, match="epsilon must be a positive finite number"):
        TableCodec().fit(_table(50), False, 0, epsilon=epsilon)


# -- tables -----------------------------------------------------------------------------------------------------------


def test_table_codec_without_epsilon_is_the_exact_fit():
    X = _table()
    codec = TableCodec()
    codec.fit(X, False, 3)
    exact = TabularEncoder(random_state=3).fit(X)
    assert codec.encoder.to_plain() == exact.to_plain()
    assert "epsilon" not in codec.encoder.to_plain()["params"] and not hasattr(codec.encoder, "noisy_counts_")
    for column, counts in zip(codec.condition_columns, codec.frequencies, strict=True):
        values = list(codec.encoder.value_positions(column))
        assert np.array_equal(counts, _exact_counts(X, column, values))
    assert codec.score_encoding.center_["x"] == X["x"].mean()


def test_private_table_statistics_are_noisy_and_drawn_from_the_seed():
    X = _table()
    codec = TableCodec()
    rows = codec.fit(X, False, 3, epsilon=3.0)
    assert rows.shape == (len(X), codec.layout.n_columns)
    assert codec.encoder.epsilon == 3.0 and codec.encoder.column_kinds_ == {
        "x": "continuous", "colour": "discrete", "legs": "discrete", "when": "integer"}
    exact = [_exact_counts(X, c, list(codec.encoder.value_positions(c))) for c in codec.condition_columns]
    assert codec.condition_columns == ["colour", "legs"]
    for noisy, counts in zip(codec.frequencies, exact, strict=True):
        assert noisy.dtype == np.int64 and (noisy >= 1).all() and np.abs(noisy - counts).max() < 60
    assert any(not np.array_equal(noisy, counts) for noisy, counts in zip(codec.frequencies, exact, strict=True))
    for column, noisy in codec.encoder.noisy_counts_.items():
        assert np.array_equal(codec.frequencies[codec.condition_columns.index(column)],
                              np.maximum(np.rint(noisy), 1))
    x = codec.encoder._columns[0]
    assert x.low != X["x"].min() and x.high != X["x"].max() and len(x.grid) == 0 and len(x.points) == 0
    assert codec.score_encoding.center_["x"] != X["x"].mean()
    again = TableCodec()
    again.fit(X, False, 3, epsilon=3.0)
    assert again.encoder.to_plain() == codec.encoder.to_plain()
    other = TableCodec()
    other.fit(X, False, 4, epsilon=3.0)
    assert other.encoder.to_plain() != codec.encoder.to_plain()


def test_a_category_seen_in_one_row_is_dropped_and_mapped_to_the_most_frequent():
    X = _table()
    X.loc[10, "colour"] = "violet"
    for seed in range(10):
        encoder = TabularEncoder(epsilon=8.0, random_state=seed).fit(X)
        assert list(encoder.value_positions("colour")) == ["blue", "green", "red"]
        counts = encoder.noisy_counts_["colour"]
        assert np.argmax(counts) == 2  # red, the most frequent
        decoded = encoder.inverse_transform(encoder.transform(X.iloc[[10]]))
        assert decoded["colour"].iloc[0] == "red"
        unseen = X.iloc[[0]].assign(colour="never seen")
        assert encoder.inverse_transform(encoder.transform(unseen))["colour"].iloc[0] == "red"


def test_a_max_outlier_row_does_not_set_a_columns_range():
    X = _table()
    X.loc[0, "x"] = 1e6
    for seed in range(5):
        column = TabularEncoder(epsilon=3.0, random_state=seed).fit(X)._columns[0]
        assert column.high < 5 and column.low > -5
    exact = TabularEncoder(random_state=0).fit(X)._columns[0]
    assert exact.high == 1e6


def test_missing_values_are_a_noisy_count():
    X = _table()
    X["rare_missing"] = np.where(np.arange(len(X)) == 5, np.nan, X["x"])
    X["often_missing"] = np.where(np.arange(len(X)) % 3 == 0, np.nan, X["x"])
    encoder = TabularEncoder(epsilon=6.0, random_state=0).fit(X)
    rare, often = encoder._columns[-2], encoder._columns[-1]
    assert not rare.has_missing and rare.fallback is not None and often.has_missing
    decoded = encoder.inverse_transform(encoder.transform(X.iloc[[5]]))
    assert decoded["rare_missing"].iloc[0] == pytest.approx(rare.fallback)


def test_integer_columns_are_discrete_when_few_values_hold_most_rows():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"few": rng.choice([1, 5, 9], size=2000), "many": rng.integers(0, 10**6, size=2000),
                      "ages": rng.integers(18, 90, size=2000)})
    encoder = TabularEncoder(epsilon=6.0, random_state=0).fit(X)
    assert encoder.column_kinds_ == {"few": "discrete", "many": "integer", "ages": "integer"}
    ages = encoder._columns[2]  # from its kept values' noisy counts: a range of seen values, no fallback
    assert 18 <= ages.low <= 20 and 87 <= ages.high <= 89 and ages.fallback is None
    decoded = encoder.inverse_transform(encoder.transform(X))
    assert decoded.dtypes.tolist() == X.dtypes.tolist()
    many = encoder._columns[1]
    assert 0 <= many.low and many.high <= 10**6 + 2**14 and decoded["many"].between(many.low, many.high).all()


def test_booleans_and_categories_count_over_their_whole_domain():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"flag": np.ones(800, bool), "kind": pd.Categorical(rng.choice(["a", "b"], 800),
                                                                          categories=["a", "b", "unused"])})
    X.loc[0, "flag"] = False
    encoder = TabularEncoder(epsilon=2.0, random_state=0).fit(X)
    assert encoder.column_kinds_ == {"flag": "constant", "kind": "discrete"}  # one False row is not kept
    assert list(encoder.value_positions("kind")) == ["a", "b"]
    assert encoder.inverse_transform(encoder.transform(X))["flag"].all()


def test_private_encoder_round_trips_through_plain_values():
    X = _table()
    X.loc[::7, "x"] = np.nan
    encoder = TabularEncoder(epsilon=2.0, random_state=1).fit(X)
    plain = json.loads(json.dumps(encoder.to_plain()))
    assert plain["params"]["epsilon"] == 2.0
    copy = TabularEncoder.from_plain(plain)
    assert copy.epsilon == 2.0 and np.array_equal(copy.transform(X), encoder.transform(X))
    unseen = X.iloc[[0]].assign(colour="never seen")
    assert np.array_equal(copy.transform(unseen), encoder.transform(unseen))
    plain["columns"][1]["fallback"] = 99
    with pytest.raises(ValueError, match="fallback"):
        TabularEncoder.from_plain(plain)


def test_private_table_codec_round_trips_and_scores_every_row():
    X = _table()
    codec = TableCodec()
    codec.fit_output(torch.nn.Tanh(), codec.fit(X, False, 0, epsilon=3.0), X)
    copy = TableCodec.from_plain(codec.to_plain(), X.shape[1])
    assert [f.tolist() for f in copy.frequencies] == [f.tolist() for f in codec.frequencies]
    assert codec.score_encoding.categories_["colour"][-1] == OTHER_LABEL
    odd = X.head(3).assign(colour="never seen", x=np.nan)
    assert codec.score_encoding.unrepresentable(codec._score_frame(odd)) == {}
    assert np.array_equal(copy.score_rows(odd), codec.score_rows(odd))


def test_private_table_codec_ignores_the_held_out_rows():
    X = _table()
    seen = pd.concat([X, X.head(50).assign(colour="held out only", x=1e9)], ignore_index=True)
    a, b = TableCodec(), TableCodec()
    a.fit(X, False, 0, epsilon=8.0)
    b.fit(X, False, 0, X_seen=seen, epsilon=8.0)
    assert a.encoder.to_plain() == b.encoder.to_plain()
    assert a.score_encoding.categories_ == b.score_encoding.categories_


def test_what_a_private_table_fit_cannot_do_is_an_error():
    X = _table()
    with pytest.raises(ValueError, match="cannot use constraints"):
        TableCodec(constraints=[Range("x", low=-10, high=10)]).fit(X, False, 0, epsilon=1.0)
    with pytest.raises(ValueError, match="'identifier' policy"):
        TableCodec(TabularEncoder(high_cardinality={"colour": "identifier"})).fit(X, False, 0, epsilon=1.0)
    with pytest.raises(ValueError, match="needs skgan's TabularEncoder"):
        TableCodec(StandardScaler()).fit(X, False, 0, epsilon=1.0)


@pytest.mark.parametrize("epsilon", [0, -1.0, math.inf, "1"])
def test_tabular_encoder_refuses_a_bad_epsilon(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        TabularEncoder(epsilon=epsilon).fit(_table(50))


def test_a_private_float_column_keeps_its_repeated_values_and_point_masses():
    rng = np.random.default_rng(0)
    n = 3000
    X = pd.DataFrame({
        "bracket": rng.choice([17.5, 22.0, 27.0, 32.0, 37.0, 42.0], size=n),  # few values: discrete
        "amount": np.where(rng.random(n) < 0.7, 0.0, rng.exponential(2.0, n)),  # a point mass at 0
        "fine": np.round(rng.normal(50, 10, n)),  # many repeated values: snapped to them
    })
    encoder = TabularEncoder(epsilon=6.0, random_state=0).fit(X)
    assert encoder.column_kinds_["bracket"] == "discrete"
    amount, fine = encoder._columns[1], encoder._columns[2]
    assert 0.0 in amount.points.tolist()
    back = encoder.inverse_transform(encoder.transform(X))
    assert ((back["amount"] == 0.0) == (X["amount"] == 0.0)).mean() > 0.99  # exact zeros, as encoded
    assert len(fine.grid) > 20 and np.isin(back["fine"], fine.grid).all()
    assert set(back["bracket"]) <= set(X["bracket"])


def test_no_value_of_the_rows_own_is_kept_by_default_when_none_passes():
    keep, _ = kept_categories([1, 1, 1], epsilon=1.0, rng=np.random.default_rng(0), public_domain=False)
    assert not keep.any()
    keep, _ = kept_categories([1, 1, 1], epsilon=1.0, rng=np.random.default_rng(0))  # a public domain: the largest
    assert keep.sum() == 1


def test_a_private_text_column_of_near_identifiers_is_a_clear_error():
    X = pd.DataFrame({"name": [f"person {i}" for i in range(300)], "x": np.random.default_rng(0).normal(size=300)})
    with pytest.raises(ValueError, match="no value is held by enough rows"):
        TabularEncoder(epsilon=1.0, random_state=0).fit(X)


def test_delta_bounds_the_chance_a_one_row_value_is_kept():
    X = pd.DataFrame({"kind": ["a"] * 400 + ["rare"] + ["b"] * 399})
    strict = TabularEncoder(epsilon=2.0, delta=1e-9, random_state=0).fit(X)._columns[0]
    loose = TabularEncoder(epsilon=2.0, delta=0.5, random_state=0).fit(X)._columns[0]
    assert keep_threshold(2.0, 1e-9) > keep_threshold(2.0, 0.5)
    assert "rare" not in strict.values and set(strict.values) == {"a", "b"} and set(loose.values) >= {"a", "b"}
