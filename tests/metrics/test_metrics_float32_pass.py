"""The float32 first pass of the nearest-neighbour engine: its rescues give the direct float64 values.

Data where float32 rounding matters (rows far from the centre for their
spread, near-ties, duplicated rows, one-hot categories with many exact ties),
compared with a direct float64 reference; the rescue paths are counted so that
each test exercises what it says.
"""

import numpy as np
import pytest
import torch

from skgan.metrics import _fidelity, _neighbours
from skgan.metrics._encoding import encode
from skgan.metrics._fidelity import precision_recall_density_coverage

from .test_metrics_neighbours import direct_prdc as reference_prdc


def direct_sq(A, B):
    """Direct float64 squared distances, summed as the engine sums them (``vecdot`` of the differences)."""
    diff = torch.as_tensor(A)[:, None, :] - torch.as_tensor(B)[None, :, :]
    return torch.linalg.vecdot(diff, diff).numpy()


def direct_knn(A, B, k, exclude_self=False):
    D = direct_sq(A, B)
    if exclude_self:
        np.fill_diagonal(D, np.inf)
    return np.sort(D, axis=1)[:, :k]


def direct_prdc(real, synth, k):
    """The definitions in float64, on :func:`direct_sq`'s distances."""
    return reference_prdc(real, synth, k, sq=direct_sq)


@pytest.fixture
def spy(monkeypatch):
    """Counts the k-NN rescues, the direct recomputations and the float64 ball blocks."""
    calls = {"rescue": 0, "direct": 0, "float64_block": 0}
    rescue, direct, block = _neighbours._rescue, _neighbours.direct_sq_distances, _fidelity.block

    def counted_rescue(*args, **kwargs):
        calls["rescue"] += int(args[2].numel())
        return rescue(*args, **kwargs)

    def counted_direct(a_rows, b_rows, i, j):
        calls["direct"] += int(i.numel())
        return direct(a_rows, b_rows, i, j)

    def counted_block(*args, **kwargs):
        calls["float64_block"] += len(args) > 5 and args[5] == torch.float64
        return block(*args, **kwargs)

    monkeypatch.setattr(_neighbours, "_rescue", counted_rescue)
    monkeypatch.setattr(_neighbours, "direct_sq_distances", counted_direct)
    monkeypatch.setattr(_fidelity, "direct_sq_distances", counted_direct)
    monkeypatch.setattr(_fidelity, "block", counted_block)
    return calls


def far_clusters(rng, n, d, offset, spread):
    """Two clusters at +-offset: the centred norms are about offset, the distances about spread."""
    sign = np.where(rng.rand(n) < 0.5, -1.0, 1.0)[:, None]
    return sign * offset + rng.normal(size=(n, d)) * spread


def prdc_on(real, synth, k):
    # arrays go through the public function's standardisation: compare in the encoding
    return tuple(precision_recall_density_coverage(real, synth, n_neighbors=k)), direct_prdc(*encode(real, synth), k)


@pytest.mark.parametrize("offset", [30.0, 300.0, 3000.0])
def test_knn_far_from_the_centre_is_exact(spy, offset):
    # centred norms ~ offset, nearest distances ~ 0.1: the float32 band holds many near-ties
    rng = np.random.RandomState(0)
    A, B = far_clusters(rng, 120, 3, offset, 0.05), far_clusters(rng, 150, 3, offset, 0.05)
    a, b = _neighbours.row_sets(A, B)
    for k in (1, 4):
        np.testing.assert_array_equal(_neighbours.knn_sq_distances(a, b, k).numpy(), direct_knn(A, B, k))
        got = _neighbours.knn_sq_distances(b, b, k, exclude_self=True).numpy()
        np.testing.assert_array_equal(got, direct_knn(B, B, k, exclude_self=True))
    assert spy["rescue"] > 0


def test_knn_with_a_large_mean_and_small_spread(spy):
    rng = np.random.RandomState(1)
    A = 1e4 + rng.normal(size=(200, 8)) * 1e-3
    B = 1e4 + rng.normal(size=(180, 8)) * 1e-3
    B[5:9] = A[10]  # exact duplicates across the sets
    a, b = _neighbours.row_sets(A, B)
    np.testing.assert_array_equal(_neighbours.knn_sq_distances(a, b, 5).numpy(), direct_knn(A, B, 5))
    got = _neighbours.knn_sq_distances(b, b, 3, exclude_self=True).numpy()
    np.testing.assert_array_equal(got, direct_knn(B, B, 3, exclude_self=True))
    assert got[5, 0] == 0.0


def test_knn_of_one_hot_rows_with_many_ties(spy):
    rng = np.random.RandomState(2)
    codes = rng.randint(0, 4, size=(300, 3))
    A = np.concatenate([np.eye(4)[codes[:, c]] for c in range(3)], axis=1)
    a, b = _neighbours.row_sets(A, A[:250])
    np.testing.assert_array_equal(_neighbours.knn_sq_distances(a, b, 5).numpy(), direct_knn(A, A[:250], 5))
    got = _neighbours.knn_sq_distances(a, a, 5, exclude_self=True).numpy()
    np.testing.assert_array_equal(got, direct_knn(A, A, 5, exclude_self=True))
    assert spy["rescue"] > 0


@pytest.mark.parametrize("group", [2, 5, 64, 200])
def test_grouped_selection_on_wide_blocks(monkeypatch, group):
    # the k + 1 smallest via group minima, with a narrower last group
    monkeypatch.setattr(_neighbours, "_GROUP", group)
    rng = np.random.RandomState(3)
    A, B = rng.normal(size=(40, 4)), rng.normal(size=(997, 4))
    B[100:140] = B[7]  # many ties at the k-th distance
    A[:5] = B[7]
    a, b = _neighbours.row_sets(A, B)
    np.testing.assert_array_equal(_neighbours.knn_sq_distances(a, b, 6).numpy(), direct_knn(A, B, 6))
    G = torch.as_tensor(rng.normal(size=(6, 997))).float()
    G[2, 990:] = -10.0  # the smallest values in the last, narrower group
    v, idx = _neighbours.smallest(G, 6)
    np.testing.assert_array_equal(np.sort(v.numpy(), axis=1), np.sort(G.numpy(), axis=1)[:, :6])
    np.testing.assert_array_equal(G.gather(1, idx).numpy(), v.numpy())


@pytest.mark.parametrize("offset", [30.0, 300.0])
def test_prdc_far_from_the_centre(spy, monkeypatch, offset):
    # standardised on real: pass already-scaled data through the engine directly
    monkeypatch.setattr(_neighbours, "_DENSE_FRACTION", 1.0)  # decide every pair from the float32 pass
    rng = np.random.RandomState(4)
    real, synth = far_clusters(rng, 150, 2, offset, 1.0), far_clusters(rng, 140, 2, offset, 1.1)
    got, expected = prdc_on(real, synth, 3)
    assert got == expected
    assert spy["float64_block"] == 0 and spy["direct"] > 150 * 4 + 140 * 4  # beyond the k-NN candidates


def test_prdc_dense_blocks_are_redone_in_float64(spy, monkeypatch):
    monkeypatch.setattr(_neighbours, "_BLOCK_ROWS", 16)
    monkeypatch.setattr(_neighbours, "_BLOCK_COLS", 32)
    rng = np.random.RandomState(5)
    real, synth = far_clusters(rng, 100, 3, 1e4, 1.0), far_clusters(rng, 90, 3, 1e4, 1.0)
    got, expected = prdc_on(real, synth, 4)
    assert got == expected
    assert spy["float64_block"] > 0


def test_prdc_of_one_hot_tables_with_many_ties(spy):
    rng = np.random.RandomState(6)

    def one_hot(n, p):
        codes = np.stack([rng.choice(4, size=n, p=p), rng.choice(3, size=n)], axis=1)
        return np.concatenate([np.eye(4)[codes[:, 0]], np.eye(3)[codes[:, 1]]], axis=1)

    real, synth = one_hot(200, [0.4, 0.3, 0.2, 0.1]), one_hot(180, [0.1, 0.2, 0.3, 0.4])
    real[:20] += rng.normal(size=(20, 7)) * 1e-7  # near-ties beside the exact ones
    for k in (1, 5):
        got, expected = prdc_on(real, synth, k)
        assert got == expected


def test_prdc_with_duplicated_rows_and_near_ties(spy):
    rng = np.random.RandomState(7)
    real = rng.normal(size=(160, 5))
    synth = np.vstack([real[:60], real[:30] + 1e-9, rng.normal(size=(70, 5))])
    got, expected = prdc_on(real, synth, 5)
    assert got == expected
    assert got[0] > 0.5


def test_float32_band_bounds_the_float32_error():
    # the band against the estimate's actual error over many pairs far from the centre
    # (in one dimension, where the error comes closest to it: about a fifth of the band)
    rng = np.random.RandomState(8)
    for d in (1, 2, 8):
        A, B = far_clusters(rng, 1000, d, 1000.0, 100.0), far_clusters(rng, 1000, d, 1000.0, 100.0)
        a, b = _neighbours.row_sets(A, B)
        G = _neighbours.block(a, b, slice(0, 1000), slice(0, 1000), False).double() + a.sq_norms[:, None]
        error = (G - torch.as_tensor(direct_sq(A, B))).abs()
        band = _neighbours.Bands(d, "cpu")(a.norms[:, None], b.norms[None, :])
        assert bool((error <= band).all())
        assert float((error / band).max()) > 0.05  # float32 rounding, not float64: the bound is not vacuous


def test_one_feature_far_from_the_centre(spy, monkeypatch):
    # in one dimension the float32 error reaches about a fifth of the band: many near-ties are decided by it
    monkeypatch.setattr(_neighbours, "_DENSE_FRACTION", 1.0)
    rng = np.random.RandomState(9)
    A = rng.normal(size=(2000, 1)) * 10 + rng.choice([-1, 1], size=(2000, 1)) * 1000
    B = rng.normal(size=(1800, 1)) * 10 + rng.choice([-1, 1], size=(1800, 1)) * 1000
    a, b = _neighbours.row_sets(A, B)
    np.testing.assert_array_equal(_neighbours.knn_sq_distances(a, b, 3).numpy(), direct_knn(A, B, 3))
    np.testing.assert_array_equal(
        _neighbours.knn_sq_distances(a, a, 5, exclude_self=True).numpy(), direct_knn(A, A, 5, exclude_self=True)
    )
    real_radii = torch.as_tensor(direct_knn(A, A, 5, exclude_self=True)[:, 4])
    synth_radii = torch.as_tensor(direct_knn(B, B, 5, exclude_self=True)[:, 4])
    ties = _fidelity._ExactTies({"real": a, "synthetic": b}, {"real": A, "synthetic": B}, np.ones(1), 5)
    ties.float_radii = {"real": real_radii, "synthetic": synth_radii}
    got = _fidelity._ball_counts(a, b, real_radii, synth_radii, ties)
    D = direct_sq(A, B)
    inside = D <= real_radii.numpy()[:, None]
    assert got[0] == inside.sum()
    np.testing.assert_array_equal(got[1].numpy(), inside.any(axis=0))
    np.testing.assert_array_equal(got[2].numpy(), inside.any(axis=1))
    np.testing.assert_array_equal(got[3].numpy(), (D <= synth_radii.numpy()[None, :]).any(axis=1))
    assert spy["rescue"] > 0 and spy["float64_block"] == 0
