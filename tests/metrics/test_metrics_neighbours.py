"""Nearest-neighbour metrics: the exact k-NN engine, precision/recall/density/coverage, privacy distances."""

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

from skgan.metrics import _neighbours
from skgan.metrics._encoding import encode
from skgan.metrics._fidelity import precision_recall_density_coverage
from skgan.metrics._privacy import distance_to_closest_record

BLOCKS = [(None, None), (7, 13), (1, 1)]


@pytest.fixture(params=BLOCKS, ids=["default", "7x13", "1x1"])
def blocks(request, monkeypatch):
    rows, cols = request.param
    monkeypatch.setattr(_neighbours, "_BLOCK_ROWS", rows)
    monkeypatch.setattr(_neighbours, "_BLOCK_COLS", cols)
    return request.param


def direct_sq(A, B):
    diff = A[:, None, :] - B[None, :, :]
    return np.einsum("ijk,ijk->ij", diff, diff)


def direct_prdc(real, synth, k, sq=None):
    """The definitions with closed balls, O(n^2) in numpy float64; ``sq`` the squared distances.

    Exact where the squared distances are (integers, one-hot rows); elsewhere
    the values of the ``prdc`` package wherever no distance is a radius.
    """
    sq = direct_sq if sq is None else sq
    D_rr, D_ss, D_rs = (sq(a, b) for a, b in ((real, real), (synth, synth), (real, synth)))
    np.fill_diagonal(D_rr, np.inf)
    np.fill_diagonal(D_ss, np.inf)
    r_real = np.sort(D_rr, axis=1)[:, k - 1]  # the k-th nearest other row
    r_synth = np.sort(D_ss, axis=1)[:, k - 1]
    inside = D_rs <= r_real[:, None]
    return (
        inside.any(axis=0).mean(),
        (D_rs <= r_synth[None, :]).any(axis=1).mean(),
        (1.0 / k) * inside.sum(axis=0).mean(),
        inside.any(axis=1).mean(),
    )


# --------------------------------------------------------------------------- k-NN engine


@pytest.mark.parametrize("k", [1, 2, 5])
def test_knn_matches_a_direct_computation(blocks, k):
    rng = np.random.RandomState(0)
    A, B = rng.normal(size=(60, 4)) + 5.0, rng.normal(size=(45, 4)) + 5.0
    A[3], B[10], B[11] = B[7], B[7], B[7]  # duplicates: ties at distance 0 go through the second pass
    a, b = _neighbours.row_sets(A, B)
    got = _neighbours.knn_sq_distances(a, b, k).numpy()
    np.testing.assert_allclose(got, np.sort(direct_sq(A, B), axis=1)[:, :k], rtol=1e-13, atol=1e-13)
    got = _neighbours.knn_sq_distances(b, b, k, exclude_self=True).numpy()
    D = direct_sq(B, B)
    np.fill_diagonal(D, np.inf)  # self-matches excluded by index: duplicates stay at 0
    np.testing.assert_allclose(got, np.sort(D, axis=1)[:, :k], rtol=1e-13, atol=1e-13)
    assert got[7, 0] == got[10, 0] == 0.0


def test_knn_every_column_a_candidate():
    rng = np.random.RandomState(1)
    B = rng.normal(size=(4, 3))
    (b,) = _neighbours.row_sets(B)
    got = _neighbours.knn_sq_distances(b, b, 3, exclude_self=True).numpy()
    D = direct_sq(B, B)
    np.fill_diagonal(D, np.inf)
    np.testing.assert_allclose(got, np.sort(D, axis=1)[:, :3], rtol=1e-13)


def test_knn_is_exact_where_the_expansion_cancels(monkeypatch):
    # far from the centre and close together: |x|^2 + |y|^2 - 2 x.y loses every digit
    rng = np.random.RandomState(2)
    base = rng.normal(size=(1, 8)) * 1e6
    A, B = base + rng.normal(size=(30, 8)) * 1e-3, base + rng.normal(size=(40, 8)) * 1e-3
    B[0] = A[0]
    a, b = _neighbours.row_sets(np.vstack([B, A]), A, B)[1:]
    got = _neighbours.knn_sq_distances(a, b, 3).numpy()
    np.testing.assert_allclose(got, np.sort(direct_sq(A, B), axis=1)[:, :3], rtol=1e-12)
    assert got[0, 0] == 0.0


# --------------------------------------------------------------------------- PRDC


@pytest.mark.parametrize("k", [1, 3, 5])
def test_prdc_equals_the_direct_definitions(blocks, k):
    rng = np.random.RandomState(3)
    real, synth = rng.normal(size=(80, 5)), rng.normal(size=(70, 5)) * 1.3 + 0.2
    got = precision_recall_density_coverage(real, synth, n_neighbors=k)
    assert tuple(got) == pytest.approx(direct_prdc(*encode(real, synth), k), abs=0, rel=0)
    assert got._fields == ("precision", "recall", "density", "coverage")


def test_prdc_on_a_table_with_a_categorical_column(blocks):
    rng = np.random.RandomState(4)

    def table(n, shift):
        return pd.DataFrame({
            "x": rng.normal(size=n) + shift,
            "y": rng.exponential(size=n),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], size=n, p=[0.5, 0.3, 0.2])),
        })

    real, synth = table(90, 0.0), table(60, 0.4)
    got = precision_recall_density_coverage(real, synth, n_neighbors=4)
    assert tuple(got) == tuple(direct_prdc(*encode(real, synth), 4))


def test_prdc_of_identical_sets():
    real = np.random.RandomState(5).normal(size=(150, 3))
    got = precision_recall_density_coverage(real, real.copy(), n_neighbors=5)
    assert got.precision == got.recall == got.coverage == 1.0
    assert got.density == pytest.approx(direct_prdc(*encode(real, real), 5)[2], rel=1e-15)


def test_prdc_matches_the_prdc_package():
    prdc = pytest.importorskip("prdc")
    rng = np.random.RandomState(6)
    real, synth = rng.normal(size=(300, 6)), rng.normal(size=(250, 6)) + 0.3
    real_x, synth_x = encode(real, synth)
    with contextlib.redirect_stdout(io.StringIO()):  # compute_prdc prints the set sizes
        expected = prdc.compute_prdc(real_x, synth_x, 5)
    got = precision_recall_density_coverage(real, synth, n_neighbors=5)
    assert got._asdict() == pytest.approx(expected, abs=0, rel=0)


@pytest.mark.parametrize("k", [0, -1, 2.5, True, "5"])
def test_prdc_refuses_bad_n_neighbors(k):
    X = np.zeros((10, 2)) + np.arange(10)[:, None]
    with pytest.raises(ValueError, match="n_neighbors must be a positive integer"):
        precision_recall_density_coverage(X, X, n_neighbors=k)


def test_prdc_needs_more_rows_than_neighbours():
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(ValueError, match=r"n_neighbors=5 needs more than 5 rows.*10 real and 5 synthetic"):
        precision_recall_density_coverage(X, X[:5], n_neighbors=5)
    precision_recall_density_coverage(X, X[:6], n_neighbors=5)


def test_prdc_refuses_different_columns():
    X = np.random.RandomState(7).normal(size=(20, 3))
    with pytest.raises(ValueError, match="3 columns"):
        precision_recall_density_coverage(X, X[:, :2])
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"lacks \['c'\]"):
        precision_recall_density_coverage(frame, frame[["a", "b"]])


# --------------------------------------------------------------------------- privacy distances


def test_dcr_equals_the_direct_definitions(blocks):
    rng = np.random.RandomState(8)
    train, synth, holdout = rng.normal(size=(50, 3)), rng.normal(size=(40, 3)), rng.normal(size=(50, 3))
    synth[:3] = train[:3]
    got = distance_to_closest_record(train, synth, holdout)
    t, s, h = encode(train, synth, holdout)
    to_train = np.sort(np.sqrt(direct_sq(s, t)), axis=1)
    to_holdout = np.sqrt(direct_sq(s, h)).min(axis=1)
    np.testing.assert_allclose(got.dcr_train, to_train[:, 0], rtol=1e-14, atol=0)
    np.testing.assert_allclose(got.dcr_holdout, to_holdout, rtol=1e-14)
    np.testing.assert_allclose(got.nndr, to_train[:, 0] / to_train[:, 1], rtol=1e-13)
    assert got.share_closer_to_train == np.mean(to_train[:, 0] < to_holdout)
    assert got.n_identical == 3 and got.n_identical_holdout == 0
    assert got.median_dcr_train == np.median(got.dcr_train)
    assert got.median_nndr == np.median(got.nndr)


def test_dcr_flags_copies_of_training_rows():
    rng = np.random.RandomState(9)
    train, holdout = rng.normal(size=(400, 5)), rng.normal(size=(400, 5))
    got = distance_to_closest_record(train, train[rng.permutation(400)[:300]], holdout)
    assert got.share_closer_to_train == 1.0
    assert got.n_identical == 300 and got.median_dcr_train == 0.0 and got.median_nndr == 0.0
    # copies with a little noise are still closer to training
    noisy = train[:300] + rng.normal(size=(300, 5)) * 0.05
    assert distance_to_closest_record(train, noisy, holdout).share_closer_to_train > 0.95


def test_dcr_of_a_fresh_sample_is_about_one_half():
    rng = np.random.RandomState(10)
    train, holdout, fresh = (rng.normal(size=(2000, 4)) for _ in range(3))
    got = distance_to_closest_record(train, fresh, holdout)
    assert abs(got.share_closer_to_train - 0.5) < 0.04
    assert got.n_identical == 0
    assert got.median_dcr_train == pytest.approx(got.median_dcr_holdout, rel=0.1)


def test_dcr_ties_count_half_and_duplicates_give_nndr_one():
    train = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [9.0, 1.0]])
    holdout = np.array([[0.0, 0.0], [7.0, 7.0], [1.0, 8.0], [3.0, 3.0]])
    got = distance_to_closest_record(train, np.array([[0.0, 0.0], [5.0, 5.0]]), holdout)
    assert got.share_closer_to_train == 0.75  # a tie at 0 (half) and a copy of a unique row
    assert got.nndr.tolist() == [1.0, 0.0]
    assert got.n_identical == 2 and got.n_identical_holdout == 1


def test_dcr_subsamples_the_larger_set():
    rng = np.random.RandomState(11)
    train, holdout, synth = rng.normal(size=(300, 2)), rng.normal(size=(100, 2)), rng.normal(size=(50, 2))
    a = distance_to_closest_record(train, synth, holdout, random_state=0)
    b = distance_to_closest_record(train, synth, holdout, random_state=0)
    np.testing.assert_array_equal(a.dcr_train, b.dcr_train)
    index = np.sort(np.random.RandomState(0).choice(300, 100, replace=False))  # the documented draw
    np.testing.assert_array_equal(a.dcr_train, distance_to_closest_record(train[index], synth, holdout).dcr_train)
    # a larger holdout is subsampled likewise; the training rows stay whole
    c = distance_to_closest_record(train[:100], synth, np.vstack([holdout, holdout]), random_state=0)
    np.testing.assert_array_equal(c.dcr_train, distance_to_closest_record(train[:100], synth, holdout).dcr_train)


def test_dcr_on_tables():
    rng = np.random.RandomState(12)

    def table(n):
        return pd.DataFrame({"age": rng.randint(18, 90, size=n), "city": rng.choice(["a", "b", "c"], size=n)})

    train, holdout = table(100), table(100)
    got = distance_to_closest_record(train, train.iloc[:20].reset_index(drop=True), holdout)
    assert got.n_identical == 20 and len(got.dcr_train) == 20
    assert "closer to train" in str(got)


def test_dcr_refuses_bad_input():
    X = np.random.RandomState(13).normal(size=(10, 3))
    with pytest.raises(ValueError, match="synthetic has no rows"):
        distance_to_closest_record(X, X[:0], X)
    with pytest.raises(ValueError, match="at least 2 rows"):
        distance_to_closest_record(X, X, X[:1])
    with pytest.raises(ValueError, match="3 columns"):
        distance_to_closest_record(X, X[:, :2], X)


def test_copies_are_counted_against_every_training_row_not_the_subsample():
    from skgan.metrics import distance_to_closest_record

    rng = np.random.RandomState(3)
    train, holdout = rng.normal(size=(300, 4)), rng.normal(size=(100, 4))
    result = distance_to_closest_record(train, train, holdout, random_state=0)  # every training row, copied
    assert result.n_identical == 300 and result.n_identical_holdout == 0
    assert len(result.dcr_train) == 300  # the distances still use a same-size subsample of train
