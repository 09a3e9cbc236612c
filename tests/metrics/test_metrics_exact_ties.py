"""PRDC's closed balls and exact ties, ``standardize=``, and the inputs the distance metrics refuse."""

import contextlib
import io
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

import skgan
from skgan.metrics import (
    classifier_two_sample_test,
    column_similarity,
    distance_to_closest_record,
    maximum_mean_discrepancy,
    precision_recall_density_coverage,
)
from skgan.metrics._encoding import encode

from .test_metrics_neighbours import direct_prdc


def exact_prdc(real, synth, k, scale):
    """The closed-ball definitions on exact squared distances sum(((a - b) / scale)**2), in fractions."""
    weights = [1 / Fraction(float(s)) ** 2 for s in scale]

    def sq(A, B):
        return [[sum(w * (Fraction(float(x)) - Fraction(float(y))) ** 2 for w, x, y in zip(weights, a, b, strict=True))
                 for b in B] for a in A]

    def radii(A):
        D = sq(A, A)
        return [sorted(row[:i] + row[i + 1:])[k - 1] for i, row in enumerate(D)]

    r_real, r_synth, D = radii(real), radii(synth), sq(real, synth)
    inside = np.array([[D[i][j] <= r_real[i] for j in range(len(synth))] for i in range(len(real))])
    recalled = np.array([[D[i][j] <= r_synth[j] for j in range(len(synth))] for i in range(len(real))])
    return (inside.any(axis=0).mean(), recalled.any(axis=1).mean(), inside.sum() / (k * len(synth)),
            inside.any(axis=1).mean())


def grid(seed, n, d=3, size=4):
    return np.random.RandomState(seed).randint(0, size, size=(n, d)).astype(float)


# --------------------------------------------------------------------------- closed balls, exact ties


@pytest.mark.parametrize("k", [1, 5])
def test_identical_sets_with_repeated_rows_give_one(k):
    rows = np.repeat(np.random.RandomState(0).normal(size=(30, 4)), 6, axis=0)  # every row 6 times: radii 0
    got = precision_recall_density_coverage(rows, rows[::-1].copy(), n_neighbors=k)
    assert got.precision == got.recall == got.coverage == 1.0
    assert got.density == pytest.approx(6 / k)  # each ball holds the row's 6 copies
    table = pd.DataFrame({"c": np.repeat(["a", "b", "c"], 20), "x": np.repeat([1.0, 2.0, 3.0], 20)})
    assert tuple(precision_recall_density_coverage(table, table, n_neighbors=k)) == (1.0, 1.0, 20 / k, 1.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_integer_grid_ties_are_decided_exactly(seed):
    real, synth = grid(seed, 40), grid(seed + 10, 35)
    scale = real.std(axis=0)
    expected = exact_prdc(real, synth, 4, scale)
    assert tuple(precision_recall_density_coverage(real, synth, n_neighbors=4)) == pytest.approx(expected, abs=1e-15)
    # in their own units the squared distances are integers: float64 is exact, and so is the reference
    raw = precision_recall_density_coverage(real, synth, n_neighbors=4, standardize=False)
    assert tuple(raw) == pytest.approx(direct_prdc(real, synth, 4), abs=1e-15)
    assert tuple(raw) == pytest.approx(exact_prdc(real, synth, 4, np.ones(3)), abs=1e-15)


def test_ties_that_rounding_would_break():
    # values whose standardised differences round differently: float64 on the encoded rows splits the ties
    real = np.array([[0.1 * i, 0.3 * j] for i in range(6) for j in range(6)]) * 3.0
    synth = real[::2] + np.array([0.3, 0.0])
    scale = real.std(axis=0)
    expected = exact_prdc(real, synth, 3, scale)
    assert tuple(precision_recall_density_coverage(real, synth, n_neighbors=3)) == pytest.approx(expected, abs=1e-15)


def test_matches_the_prdc_package_without_ties_in_raw_units():
    prdc = pytest.importorskip("prdc")
    rng = np.random.RandomState(6)
    real, synth = rng.normal(size=(200, 6)) * 7 + 3, rng.normal(size=(180, 6)) * 7 + 4
    real[:, 0] *= 100  # a wide column: standardising changes the neighbours
    with contextlib.redirect_stdout(io.StringIO()):  # compute_prdc prints the set sizes
        expected = prdc.compute_prdc(real, synth, 5)
    raw = precision_recall_density_coverage(real, synth, n_neighbors=5, standardize=False)
    assert raw._asdict() == pytest.approx(expected, abs=0, rel=0)
    with contextlib.redirect_stdout(io.StringIO()):
        standardised = prdc.compute_prdc(*encode(real, synth), 5)
    assert precision_recall_density_coverage(real, synth, n_neighbors=5)._asdict() == pytest.approx(standardised)
    assert raw._asdict() != pytest.approx(standardised)


def test_standardize_must_be_honoured_by_mmd_on_tables():
    rng = np.random.RandomState(3)
    real = pd.DataFrame({"x": rng.normal(size=60) * 50, "c": rng.choice(["a", "b"], size=60)})
    synth = pd.DataFrame({"x": rng.normal(size=60) * 50, "c": rng.choice(["a", "b"], size=60)})
    scaled = maximum_mean_discrepancy(real, synth, bandwidth=1.0, n_permutations=0)
    raw = maximum_mean_discrepancy(real, synth, bandwidth=1.0, n_permutations=0, standardize=False)
    assert scaled.statistic != pytest.approx(raw.statistic)


# --------------------------------------------------------------------------- inputs refused


@pytest.mark.parametrize("metric", ["prdc", "mmd", "dcr"])
def test_values_whose_squares_overflow_are_an_error(metric):
    X = np.random.RandomState(0).normal(size=(20, 2))
    Y = X.copy()
    Y[3, 1] = 1e200
    call = {
        "prdc": lambda: precision_recall_density_coverage(X, Y),
        "mmd": lambda: maximum_mean_discrepancy(X, Y),
        "dcr": lambda: distance_to_closest_record(X, Y, X[::-1]),
    }[metric]
    with pytest.raises(ValueError, match="too large"):
        call()
    table = pd.DataFrame({"x": X[:, 0], "c": ["a", "b"] * 10})
    huge = table.assign(x=table["x"] * 1e200)
    with pytest.raises(ValueError, match="'x' holds values too large"):
        precision_recall_density_coverage(huge, table)
    with pytest.raises(ValueError, match="'x' holds values too large"):
        maximum_mean_discrepancy(table, huge)


def mixed_kinds():
    rng = np.random.RandomState(1)
    real = pd.DataFrame({"x": rng.normal(size=20), "c": rng.choice(["1", "2"], size=20).astype(object)})
    return real, real.assign(c=rng.choice([1, 2], size=20))


@pytest.mark.parametrize("call", [
    lambda r, s: precision_recall_density_coverage(r, s),
    lambda r, s: maximum_mean_discrepancy(r, s),
    lambda r, s: classifier_two_sample_test(r, s),
    lambda r, s: distance_to_closest_record(r, s, r),
    lambda r, s: distance_to_closest_record(r, r, s),
], ids=["prdc", "mmd", "c2st", "dcr-synthetic", "dcr-holdout"])
def test_a_column_categorical_in_one_set_and_numeric_in_the_other_is_an_error(call):
    real, synth = mixed_kinds()
    with pytest.raises(ValueError, match="'c' is categorical in .* but numeric in"):
        call(real, synth)


@pytest.mark.parametrize("call", [
    lambda r, s: precision_recall_density_coverage(r, s),
    lambda r, s: maximum_mean_discrepancy(r, s),
    lambda r, s: classifier_two_sample_test(r, s),
    lambda r, s: distance_to_closest_record(r, s, r),
    lambda r, s: distance_to_closest_record(r, r.toarray(), s),
], ids=["prdc", "mmd", "c2st", "dcr", "dcr-holdout"])
def test_sparse_input_is_a_type_error(call):
    X = scipy.sparse.random(30, 4, density=0.5, format="csr", random_state=0)
    with pytest.raises(TypeError, match="sparse"):
        call(X, X.copy())


def test_dcr_holdout_with_other_columns_names_them():
    rng = np.random.RandomState(2)
    train = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    holdout = train.rename(columns={"b": "bee"})
    with pytest.raises(ValueError, match=r"holdout must have the same columns as train; it lacks \['b'\] and has "
                                         r"\['bee'\]"):
        distance_to_closest_record(train, train, holdout)
    with pytest.raises(ValueError, match="holdout has 2 columns but train has 3 columns"):
        distance_to_closest_record(train.to_numpy(), train.to_numpy(), train.to_numpy()[:, :2])


# --------------------------------------------------------------------------- evaluate


def test_evaluate_column_similarity_leaves_out_the_missing_rate_rows():
    rng = np.random.RandomState(4)
    real = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)})
    synth = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)})
    synth.loc[:99, "y"] = np.nan  # half missing: its missing-rate row scores 0.5
    columns = column_similarity(real, synth)
    assert "missing" in set(columns["metric"])
    report = skgan.evaluate(real, synth)
    expected = columns["score"][columns["metric"] != "missing"].mean()
    assert report["column similarity"] == pytest.approx(expected)
    assert report["column similarity"] != pytest.approx(columns["score"].mean())
