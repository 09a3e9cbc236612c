"""Privacy attacks as metrics: membership inference (distance, density ratio) and attribute inference (CAP)."""

import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from scipy.special import logsumexp
from sklearn.metrics import roc_auc_score

import skgan.metrics._report as report_module
from skgan.metrics import (
    AttributeInference,
    C2STResult,
    MembershipInference,
    attribute_inference,
    evaluate,
    membership_inference,
)
from skgan.metrics._attacks import scott_bandwidth
from skgan.metrics._encoding import DistanceEncoding

pd = pytest.importorskip("pandas")


def gaussian_sets(seed, n_train=300, n_holdout=600, d=2):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(n_train, d)), rng.normal(size=(n_holdout, d))


# --------------------------------------------------------------------------- membership inference


def test_copies_of_the_training_rows_are_found_by_the_distance_attack():
    _, train, holdout = gaussian_sets(0)
    result = membership_inference(train, holdout, train[::-1], random_state=0)
    assert isinstance(result, MembershipInference)
    assert result.distance_auc == 1.0 and result.distance_interval == (1.0, 1.0)
    assert result.n_members == result.n_non_members == 300 and result.n_reference == 300
    assert result.is_member.sum() == 300 and np.all(result.distance_scores[result.is_member] == 0)
    assert "distance 1.000" in str(result)


def test_a_sample_of_the_distribution_leaks_nothing():
    rng, train, holdout = gaussian_sets(1)
    result = membership_inference(train, holdout, rng.normal(size=(300, 2)), random_state=0)
    for auc, (low, high) in ((result.distance_auc, result.distance_interval),
                             (result.density_ratio_auc, result.density_ratio_interval)):
        assert low < 0.5 < high and abs(auc - 0.5) < 0.08 and high - low < 0.2


def test_the_density_ratio_finds_overfitting_that_distances_miss():
    # a generator that learnt a kernel density of its training rows (DOMIAS' setting): no synthetic row sits on
    # a training row, but the synthetic density is higher around them than the population's
    rng, train, holdout = gaussian_sets(2, n_train=200, n_holdout=800)
    synthetic = train[rng.integers(0, 200, 4000)] + 0.3 * rng.normal(size=(4000, 2))
    result = membership_inference(train, holdout, synthetic, random_state=0)
    assert result.density_ratio_interval[0] > 0.55
    assert result.density_ratio_auc > result.distance_auc + 0.08


def test_the_aucs_are_sklearns_and_the_intervals_delongs():
    rng, train, holdout = gaussian_sets(3, n_train=40, n_holdout=90)
    synthetic = train + 0.3 * rng.normal(size=train.shape)
    result = membership_inference(train, holdout, synthetic, random_state=0)
    y = result.is_member
    for auc, (low, high), scores in ((result.distance_auc, result.distance_interval, result.distance_scores),
                                     (result.density_ratio_auc, result.density_ratio_interval,
                                      result.density_ratio_scores)):
        assert auc == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
        # DeLong by its definition: placements of each member among non-members and back, ties count half
        pos, neg = scores[y], scores[~y]
        psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
        se = math.sqrt(psi.mean(axis=1).var(ddof=1) / len(pos) + psi.mean(axis=0).var(ddof=1) / len(neg))
        assert psi.mean() == pytest.approx(auc, abs=1e-12)
        assert (low, high) == pytest.approx((max(0, auc - 1.96 * se), min(1, auc + 1.96 * se)), abs=1e-12)
        assert low < auc < high


def test_scores_match_a_direct_float64_computation():
    rng, train, holdout = gaussian_sets(4, n_train=50, n_holdout=50, d=3)
    train = train * [1.0, 10.0, 0.1] + [0.0, 5.0, 0.0]  # the encoding standardises
    holdout = holdout * [1.0, 10.0, 0.1] + [0.0, 5.0, 0.0]
    synthetic, reference = train[:30] + 0.1 * rng.normal(size=(30, 3)), rng.normal(size=(70, 3)) * [1, 10, 0.1]
    result = membership_inference(train, holdout, synthetic, reference=reference, random_state=0)
    # equal sizes and a given reference: every training row is a member, every holdout row a non-member, in order
    encoding = DistanceEncoding().fit(train)
    test, synth, ref = (encoding.transform(rows) for rows in (np.vstack([train, holdout]), synthetic, reference))
    np.testing.assert_allclose(result.distance_scores, -cdist(test, synth).min(axis=1), rtol=1e-12, atol=1e-12)

    def kde(x, points, h):
        sq = ((x[:, None, :] - points[None, :, :]) ** 2).sum(-1)
        d = x.shape[1]
        return logsumexp(-sq / (2 * h * h), axis=1) - math.log(len(points)) - d / 2 * math.log(2 * math.pi * h * h)

    def scott(x):
        return math.sqrt(np.mean(x.var(axis=0))) * len(x) ** (-1 / (x.shape[1] + 4))

    assert result.bandwidths == pytest.approx((scott(synth), scott(ref)), rel=1e-12)
    expected = kde(test, synth, scott(synth)) - kde(test, ref, scott(ref))
    np.testing.assert_allclose(result.density_ratio_scores, expected, rtol=0, atol=1e-7)
    fixed = membership_inference(train, holdout, synthetic, reference=reference, bandwidth=0.2, random_state=0)
    np.testing.assert_allclose(fixed.density_ratio_scores, kde(test, synth, 0.2) - kde(test, ref, 0.2), atol=1e-7)
    assert fixed.bandwidths == (0.2, 0.2)


def test_scotts_rule_falls_back_to_unit_spread():
    assert scott_bandwidth(np.zeros((16, 4))) == pytest.approx(16 ** (-1 / 8))


def test_sets_are_split_and_subsampled_reproducibly():
    rng, train, holdout = gaussian_sets(5, n_train=500, n_holdout=301)
    synthetic = rng.normal(size=(400, 2))
    result = membership_inference(train, holdout, synthetic, random_state=0)
    assert (result.n_members, result.n_non_members, result.n_reference, result.n_synthetic) == (150, 150, 151, 400)
    again = membership_inference(train, holdout, synthetic, random_state=0)
    np.testing.assert_array_equal(result.density_ratio_scores, again.density_ratio_scores)
    other = membership_inference(train, holdout, synthetic, random_state=1)
    assert not np.array_equal(result.distance_scores, other.distance_scores)
    capped = membership_inference(train, holdout, synthetic, max_rows=60, random_state=0)
    assert (capped.n_members, capped.n_non_members, capped.n_reference, capped.n_synthetic) == (60, 60, 60, 60)
    given = membership_inference(train, holdout, synthetic, reference=rng.normal(size=(90, 2)), random_state=0)
    assert (given.n_members, given.n_non_members, given.n_reference) == (301, 301, 90)


def mixed_table(n, rng):
    x = rng.normal(size=n)
    income = rng.lognormal(10, 0.5, size=n)
    income[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({
        "x": x, "income": income, "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
        "city": rng.choice(["paris", "rome", "oslo", "lima"], n), "member": rng.random(n) < 0.3,
    })


def test_mixed_tables_work_like_the_other_distance_metrics():
    rng = np.random.default_rng(6)
    train, holdout = mixed_table(200, rng), mixed_table(400, rng)
    copies = membership_inference(train, holdout, train.sample(frac=1.0, random_state=0), random_state=0)
    assert copies.distance_auc == 1.0 and copies.density_ratio_auc > 0.5
    fresh = membership_inference(train, holdout, mixed_table(200, rng), random_state=0)
    assert fresh.distance_interval[0] < 0.5 < fresh.distance_interval[1]
    assert fresh.density_ratio_interval[0] < 0.5 < fresh.density_ratio_interval[1]
    reordered = membership_inference(train, holdout[holdout.columns[::-1]], mixed_table(200, rng), random_state=0)
    assert 0.3 < reordered.distance_auc < 0.7


def test_membership_inference_rejects_bad_input():
    rng, train, holdout = gaussian_sets(7, n_train=20, n_holdout=20)
    with pytest.raises(ValueError, match="synthetic has 3 columns but train has 2"):
        membership_inference(train, holdout, rng.normal(size=(10, 3)))
    with pytest.raises(ValueError, match="holdout has no rows"):
        membership_inference(train, holdout[:0], train)
    with pytest.raises(ValueError, match="holdout needs at least 4 rows"):
        membership_inference(train, holdout[:3], train)
    with pytest.raises(ValueError, match="synthetic needs at least 2 rows"):
        membership_inference(train, holdout, train[:1])
    with pytest.raises(ValueError, match="reference needs at least 2 rows"):
        membership_inference(train, holdout, train, reference=holdout[:1])
    frame = pd.DataFrame(train, columns=["a", "b"])
    with pytest.raises(ValueError, match="same columns"):
        membership_inference(frame, pd.DataFrame(holdout, columns=["a", "c"]), frame)
    with pytest.raises(TypeError, match="all be DataFrames or all arrays"):
        membership_inference(frame, holdout, frame)
    with pytest.raises(TypeError, match="max_rows"):
        membership_inference(train, holdout, train, max_rows=10.0)
    with pytest.raises(ValueError, match="max_rows"):
        membership_inference(train, holdout, train, max_rows=1)
    with pytest.raises(ValueError, match="bandwidth"):
        membership_inference(train, holdout, train, bandwidth="silverman")
    with pytest.raises(ValueError, match="bandwidth"):
        membership_inference(train, holdout, train, bandwidth=-1.0)
    with pytest.raises(TypeError, match="bandwidth"):
        membership_inference(train, holdout, train, bandwidth=[0.1])


def test_evaluate_reports_both_attacks_on_a_bounded_subsample(monkeypatch):
    # the classifier two-sample test is tested elsewhere; stubbed here to keep this test fast on a busy machine
    monkeypatch.setattr(report_module, "classifier_two_sample_test",
                        lambda *args, **kwargs: C2STResult(0.5, 1.0, (0.4, 0.6), 0.05))
    rng, train, holdout = gaussian_sets(8, n_train=200, n_holdout=200, d=3)
    report = evaluate(train, train[::-1], holdout=holdout)
    rows = {row["metric"]: row for row in report.rows if row["metric"].startswith("membership")}
    assert set(rows) == {"membership AUC (distance)", "membership AUC (density ratio)"}
    for row in rows.values():
        assert row["family"] == "privacy" and row["reference"] == 0.5 and "95% CI" in row["meaning"]
    assert report["membership AUC (distance)"] == 1.0

    seen = []
    original = report_module.membership_inference

    def spy(*args, **kwargs):
        result = original(*args, **kwargs)
        seen.append((kwargs["max_rows"], result.n_members, result.n_non_members, result.n_reference))
        return result

    monkeypatch.setattr(report_module, "membership_inference", spy)
    monkeypatch.setattr(report_module, "MAX_ATTACK_ROWS", 30)
    evaluate(train, rng.normal(size=(200, 3)), holdout=holdout)
    assert seen == [(30, 30, 30, 30)]
    evaluate(train, rng.normal(size=(200, 3)))  # no holdout, no attack
    assert len(seen) == 1


# --------------------------------------------------------------------------- attribute inference


def test_copies_of_unique_rows_give_their_sensitive_values_away():
    rng = np.random.default_rng(10)
    illness = rng.choice(["flu", "cold", "none"], 90, p=[0.5, 0.3, 0.2])
    train = pd.DataFrame({"person": [f"p{i}" for i in range(90)], "sex": rng.choice(["f", "m"], 90),
                          "illness": illness})
    result = attribute_inference(train, train.iloc[::-1], known=["person", "sex"], sensitive="illness")
    assert isinstance(result, AttributeInference)
    shares = pd.Series(illness).value_counts(normalize=True)
    assert result.cap == 1.0 and result.n_no_match == 0 and result.n_rows == 90
    assert result.base_rate == pytest.approx(float((shares**2).sum()))
    assert "CAP 1.000" in str(result)


def test_cap_by_hand():
    train = pd.DataFrame({"zip": ["a", "a", "b", "b", "c"], "illness": ["flu", "cold", "flu", "flu", "flu"]})
    synthetic = pd.DataFrame({"zip": ["a", "a", "a", "b", "d"], "illness": ["flu", "flu", "cold", "cold", "flu"]})
    # zip a: 2 flu, 1 cold; zip b: 1 cold; zip c: no match. Synthetic marginal: flu 3/5, cold 2/5.
    result = attribute_inference(train, synthetic, known=["zip"], sensitive="illness")
    np.testing.assert_allclose(result.row_scores, [2 / 3, 1 / 3, 0, 0, np.nan])
    assert result.cap == pytest.approx(0.25) and result.n_no_match == 1
    assert result.base_rate == pytest.approx((4 * 0.6 + 0.4) / 5)
    majority = attribute_inference(train, synthetic, known=["zip"], sensitive="illness", guess="majority")
    np.testing.assert_allclose(majority.row_scores, [1, 0, 0, 0, np.nan])
    assert majority.cap == pytest.approx(0.25) and majority.base_rate == pytest.approx(0.8)
    tie = pd.DataFrame({"zip": ["a", "a"], "illness": ["flu", "cold"]})
    assert attribute_inference(tie, tie, known=["zip"], sensitive="illness", guess="majority").cap == 0.5
    nothing = attribute_inference(train, synthetic.assign(zip="z"), known=["zip"], sensitive="illness")
    assert math.isnan(nothing.cap) and nothing.n_no_match == 5


def test_a_sensitive_column_independent_of_the_known_ones_is_at_its_base_rate():
    rng = np.random.default_rng(11)

    def table(n):
        return pd.DataFrame({"age": rng.integers(20, 80, n), "sex": rng.choice(["f", "m"], n),
                             "illness": rng.choice(["flu", "cold", "none"], n)})

    train = table(2000)
    result = attribute_inference(train, table(2000), known=["age", "sex"], sensitive="illness", n_bins=100)
    assert abs(result.cap - result.base_rate) < 0.03 and result.n_no_match == 0
    # copies carry the chance imbalances of each (age, sex) group of ~17 rows: CAP = mean over rows of the share
    # of its group with its illness, about base + (1 - base) / 17
    copies = attribute_inference(train, train, known=["age", "sex"], sensitive="illness", n_bins=100)
    share = train.groupby(["age", "sex", "illness"])["age"].transform("size") / train.groupby(
        ["age", "sex"])["age"].transform("size")
    assert copies.cap == pytest.approx(share.mean(), rel=1e-12) and copies.cap > result.cap + 0.03


def test_numeric_columns_match_by_quantile_bins():
    rng = np.random.default_rng(12)

    def table(n):
        x = rng.random(n)
        return pd.DataFrame({"x": x, "level": np.where(x > 0.5, "high", "low")})

    train, fresh = table(1000), table(1000)
    result = attribute_inference(train, fresh, known=["x"], sensitive="level")
    assert result.n_no_match == 0 and result.cap > 0.9 and abs(result.base_rate - 0.5) < 0.05
    # arrays: column indices, every column numeric (the sensitive one too, in bins)
    arrays = attribute_inference(train.assign(level=train["x"] > 0.5).to_numpy(float),
                                 fresh.assign(level=fresh["x"] > 0.5).to_numpy(float), known=[0], sensitive=1)
    assert arrays.cap == pytest.approx(result.cap) and arrays.base_rate == pytest.approx(result.base_rate)
    # few distinct values match exactly, a missing value matches a missing value
    small = pd.DataFrame({"k": [1.0, 1.0, 2.0, np.nan], "s": ["a", "a", "b", "c"]})
    assert attribute_inference(small, small, known=["k"], sensitive="s").cap == 1.0


def test_attribute_inference_rejects_bad_input():
    train = pd.DataFrame({"a": ["x", "y"], "b": [1, 2], "s": ["p", "q"]})
    with pytest.raises(ValueError, match="sensitive column 'nope' is not a column"):
        attribute_inference(train, train, known=["a"], sensitive="nope")
    with pytest.raises(ValueError, match="known column 'c' is not a column"):
        attribute_inference(train, train, known=["a", "c"], sensitive="s")
    with pytest.raises(ValueError, match="at least one column"):
        attribute_inference(train, train, known=[], sensitive="s")
    with pytest.raises(ValueError, match="must not hold the sensitive column"):
        attribute_inference(train, train, known=["a", "s"], sensitive="s")
    with pytest.raises(ValueError, match="twice"):
        attribute_inference(train, train, known=["a", "a"], sensitive="s")
    with pytest.raises(TypeError, match="known must be a list"):
        attribute_inference(train, train, known="a", sensitive="s")
    with pytest.raises(TypeError, match="sensitive must be one column"):
        attribute_inference(train, train, known=["a"], sensitive=["s"])
    with pytest.raises(ValueError, match="same columns"):
        attribute_inference(train, train.drop(columns="b"), known=["a"], sensitive="s")
    with pytest.raises(ValueError, match="synthetic has no rows"):
        attribute_inference(train, train.iloc[:0], known=["a"], sensitive="s")
    with pytest.raises(ValueError, match="guess"):
        attribute_inference(train, train, known=["a"], sensitive="s", guess="mode")
    with pytest.raises(ValueError, match="n_bins"):
        attribute_inference(train, train, known=["a"], sensitive="s", n_bins=1)
    array = np.arange(6.0).reshape(3, 2)
    with pytest.raises(TypeError, match="column indices"):
        attribute_inference(array, array, known=["a"], sensitive=1)
    with pytest.raises(ValueError, match="not a column"):
        attribute_inference(array, array, known=[0], sensitive=2)
    with pytest.raises(ValueError, match="3 columns but train has 2"):
        attribute_inference(array, np.ones((3, 3)), known=[0], sensitive=1)
