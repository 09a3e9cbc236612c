"""Tests of skgan.metrics (Parzen-window log-likelihood)."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose
from scipy.special import logsumexp

from skgan.metrics import (
    PAPER_BANDWIDTHS,
    ParzenScore,
    mean_and_std_error,
    paper_parzen_evaluation,
    parzen_log_likelihood,
    parzen_log_likelihood_sweep,
    parzen_score,
    select_bandwidth,
)
from skgan.metrics import _parzen_engine as engine


def reference(X, samples, sigma):
    """Float64 direct differences + scipy logsumexp (the original script's way)."""
    X = np.asarray(X, dtype=np.float64)
    samples = np.asarray(samples, dtype=np.float64)
    sq = ((X[:, None, :] - samples[None, :, :]) ** 2).sum(-1)
    m, d = samples.shape
    return (
        logsumexp(-sq / (2 * sigma**2), axis=1)
        - np.log(m)
        - 0.5 * d * np.log(2 * np.pi * sigma**2)
    )


def mnist_like(rng, n, m, d=784, noise=1e-6, dtype=np.float64):
    """Samples in [0, 1]; the first half of X are near-duplicates of samples."""
    samples = rng.rand(m, d)
    X = rng.rand(n, d)
    half = n // 2
    X[:half] = np.clip(samples[:half] + noise * rng.randn(half, d), 0, 1)
    return X.astype(dtype), samples.astype(dtype)


@pytest.fixture
def rng():
    return np.random.RandomState(0)


# ---------------------------------------------------------------- exactness


@pytest.mark.parametrize("d", [1, 3, 20])
@pytest.mark.parametrize("sigma", [0.05, 0.3, 2.0])
def test_matches_reference_random(rng, d, sigma):
    samples = rng.randn(300, d)
    X = rng.randn(40, d)
    ll = parzen_log_likelihood(X, samples, sigma)
    assert ll.shape == (40,) and ll.dtype == np.float64
    assert_allclose(ll, reference(X, samples, sigma), rtol=1e-6)


@pytest.mark.parametrize("sigma", [1e-3, 0.01, 0.1, 1.0])
def test_near_duplicates(rng, sigma):
    samples = rng.rand(200, 10)
    X = samples[:50] + 1e-6 * rng.randn(50, 10)
    ll = parzen_log_likelihood(X, samples, sigma)
    assert_allclose(ll, reference(X, samples, sigma), rtol=1e-6)


@pytest.mark.parametrize("sigma", [0.1, 0.2, 1.0])
def test_mnist_scale_float64(rng, sigma):
    X, samples = mnist_like(rng, 50, 200)
    ll = parzen_log_likelihood(X, samples, sigma)
    assert_allclose(ll, reference(X, samples, sigma), rtol=1e-6)


def test_tiny_bandwidth_all_mass_on_one_sample(rng):
    samples = rng.rand(100, 5)
    X = rng.rand(20, 5)
    sigma = 1e-3
    sq = ((X[:, None, :] - samples[None, :, :]) ** 2).sum(-1)
    log_norm = np.log(100) + 2.5 * np.log(2 * np.pi * sigma**2)
    one_term = -sq.min(1) / (2 * sigma**2) - log_norm
    ll = parzen_log_likelihood(X, samples, sigma)
    assert np.all(np.isfinite(ll))
    assert_allclose(ll, reference(X, samples, sigma), rtol=1e-6)
    assert_allclose(ll, one_term, rtol=1e-9)


def test_large_offset(rng):
    # far from the origin: centring keeps the expansion exact enough that
    # nothing needs recomputing
    samples = 1e5 + rng.rand(100, 30)
    X = samples[:20] + 1e-4 * rng.randn(20, 30)
    stats = {}
    ll = engine.parzen_sweep(X, samples, np.array([0.01]), None, stats=stats)[0]
    assert stats["n_recomputed"] == 0
    assert_allclose(ll, reference(X, samples, 0.01), rtol=1e-6)


@pytest.mark.parametrize("sigma", [1e-3, 10.0])
def test_wide_spread_near_duplicates_float64(rng, sigma):
    # |x|, |s| ~ 1e5 but neighbours 1e-4 apart: the float64 expansion alone is
    # off by far more than the distances, so the screened terms must be redone
    samples = 1e4 * rng.randn(100, 30)
    X = samples[:20] + 1e-4 * rng.randn(20, 30)
    stats = {}
    ll = engine.parzen_sweep(X, samples, np.array([sigma]), None, stats=stats)[0]
    assert stats["n_recomputed"] > 0
    assert_allclose(ll, reference(X, samples, sigma), rtol=1e-9)


@pytest.mark.parametrize("sigma", [0.1, 0.2, 1.0])
def test_float32_within_1e3_of_reference(rng, monkeypatch, sigma):
    X, samples = mnist_like(rng, 50, 200, dtype=np.float32)
    monkeypatch.setattr(engine, "_PROBE_ROWS", 0)  # the float32 multiply, even at sigma=1
    stats = {}
    ll = engine.parzen_sweep(X, samples, np.array([sigma]), None, stats=stats)[0]
    assert stats["compute_dtype"] == "float32"  # the float32 path really ran
    assert ll.dtype == np.float64
    ref = reference(X, samples, sigma)  # float64 on the float32 values
    assert np.abs(ll - ref).max() < 1e-3  # the contract
    # The design bounds the error by ~1e-5 nats; a plain float32 expansion
    # is off by ~1e-3 here.
    assert np.abs(ll - ref).max() < 1e-5
    assert_allclose(parzen_log_likelihood(X, samples, sigma), ll, rtol=0, atol=0)


def test_float32_tiny_bandwidth_and_large_values(rng):
    X, samples = mnist_like(rng, 20, 60, dtype=np.float32)
    ll = parzen_log_likelihood(X, samples, 1e-3)
    assert_allclose(ll, reference(X, samples, 1e-3), rtol=1e-9)
    # values whose products would overflow a float32 matrix multiply
    big_X, big_S = X[:, :20] * np.float32(1e17), samples[:, :20] * np.float32(1e17)
    stats = {}
    ll = engine.parzen_sweep(big_X, big_S, np.array([1e17]), None, stats=stats)[0]
    assert stats["compute_dtype"] == "float64"
    assert_allclose(ll, reference(big_X, big_S, 1e17), rtol=1e-9)


def test_values_too_large_for_float64():
    with pytest.raises(ValueError, match="too large"):
        parzen_log_likelihood(GOOD * 1e160, GOOD, 1.0)


def test_float32_mixed_with_float64_uses_float64(rng):
    X, samples = mnist_like(rng, 10, 50)
    stats = {}
    X32 = X.astype(np.float32)
    engine.parzen_sweep(X32, samples, np.array([0.2]), None, stats=stats)
    assert stats["compute_dtype"] == "float64"


def test_torch_tensor_input(rng):
    X, samples = rng.rand(10, 4), rng.rand(30, 4)
    expected = parzen_log_likelihood(X, samples, 0.3)
    got = parzen_log_likelihood(torch.from_numpy(X), torch.from_numpy(samples), 0.3)
    assert isinstance(got, np.ndarray)
    assert_allclose(got, expected, rtol=1e-12)
    got = parzen_log_likelihood(X.tolist(), samples, 0.3, device="cpu")
    assert_allclose(got, expected, rtol=1e-12)


# ---------------------------------------------------------------- chunking


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tiny_chunks_same_answer(rng, monkeypatch, dtype):
    X, samples = mnist_like(rng, 23, 61, d=50, dtype=dtype)
    bws = [0.05, 0.2, 1.0]
    ref = np.stack([reference(X, samples, s) for s in bws])
    full = parzen_log_likelihood_sweep(X, samples, bws)
    monkeypatch.setattr(engine, "_BLOCK_ROWS", 4)
    monkeypatch.setattr(engine, "_BLOCK_COLS", 7)
    monkeypatch.setattr(engine, "_MAX_GATHER_BYTES", 1000)  # batched recomputation
    stats = {}
    chunked = engine.parzen_sweep(X, samples, np.array(bws), None, stats=stats)
    assert stats["block"] == (4, 7)
    atol = 1e-9 if dtype == np.float64 else 1e-5
    assert_allclose(chunked, full, rtol=1e-9, atol=atol)
    assert_allclose(chunked, ref, rtol=1e-6, atol=atol)


def test_block_size_knob_bounds_blocks(monkeypatch):
    monkeypatch.setattr(engine, "_MAX_BLOCK_ELEMENTS", 1000)
    rows, cols = engine.block_sizes(10**6, 10**6, 784)
    assert rows * cols <= 1000 and rows * 784 <= 1000 * 784
    assert engine.block_sizes(5, 3, 2) == (5, 3)


@pytest.mark.parametrize("fraction", [0.0, 2.0])
def test_float32_dense_and_sparse_recomputation(rng, monkeypatch, fraction):
    # 0.0: every uncertain row is redone with a float64 matrix multiply;
    # 2.0: never, only direct differences.
    X, samples = mnist_like(rng, 30, 80, d=784, dtype=np.float32)
    monkeypatch.setattr(engine, "_DENSE_FRACTION", fraction)
    monkeypatch.setattr(engine, "_PROBE_ROWS", 0)  # keep the float32 multiply
    for sigma in (0.1, 1.0):
        stats = {}
        ll = engine.parzen_sweep(X, samples, np.array([sigma]), None, stats=stats)[0]
        assert (stats["n_dense_rows"] > 0) == (fraction == 0.0)
        assert np.abs(ll - reference(X, samples, sigma)).max() < 1e-5


def test_float32_input_multiplies_in_float64_when_most_rows_would_be_redone(rng):
    X, samples = mnist_like(rng, 40, 80, d=784, dtype=np.float32)
    X = X[20:]  # no near-duplicates: at sigma=1 every term counts
    for sigma, dtype in ((1.0, "float64"), (0.1, "float32")):
        stats = {}
        ll = engine.parzen_sweep(X, samples, np.array([sigma]), None, stats=stats)[0]
        assert stats["compute_dtype"] == dtype
        assert np.abs(ll - reference(X, samples, sigma)).max() < 1e-5
        # the choice depends on the samples only: a row's result does not
        # depend on the other rows
        assert_allclose(engine.parzen_sweep(X[:3], samples, np.array([sigma]), None)[0],
                        ll[:3], rtol=1e-12, atol=0)


def test_float32_sweep_multiplies_in_float64_and_exponentiates_in_float32(rng):
    X, samples = mnist_like(rng, 40, 80, d=784, dtype=np.float32)
    stats = {}
    ll = engine.parzen_sweep(X, samples, PAPER_BANDWIDTHS, None, stats=stats)
    # the widest bandwidth needs float64 for nearly every term: the whole sweep multiplies in float64
    assert stats["compute_dtype"] == "float64" and stats["n_dense_rows"] == 0
    assert stats["exp_dtype"] == "float32"
    ref = np.stack([reference(X, samples, s) for s in PAPER_BANDWIDTHS])
    assert np.abs(ll - ref).max() < 1e-5
    assert_allclose(engine.parzen_sweep(X[:3], samples, PAPER_BANDWIDTHS, None), ll[:, :3], rtol=1e-12, atol=0)
    stats = {}
    engine.parzen_sweep(X.astype(np.float64), samples.astype(np.float64), PAPER_BANDWIDTHS, None, stats=stats)
    assert stats["exp_dtype"] == "float64"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_rows_are_independent(rng, monkeypatch, dtype):
    X, samples = mnist_like(rng, 40, 100, d=100, dtype=dtype)
    perm = rng.permutation(40)
    bws = [0.1, 0.5]
    ll = parzen_log_likelihood_sweep(X, samples, bws)
    assert_allclose(parzen_log_likelihood_sweep(X[perm], samples, bws), ll[:, perm],
                    rtol=1e-12, atol=0)
    monkeypatch.setattr(engine, "_BLOCK_ROWS", 8)
    assert_allclose(parzen_log_likelihood_sweep(X[perm], samples, bws), ll[:, perm],
                    rtol=1e-12, atol=0)


# ---------------------------------------------------------------- bandwidths


def test_sweep_equals_single_calls(rng):
    X, samples = mnist_like(rng, 30, 120, d=40)
    bws = [0.05, 0.1, 0.3, 1.0, 3.0]
    sweep = parzen_log_likelihood_sweep(X, samples, bws)
    assert sweep.shape == (5, 30) and sweep.dtype == np.float64
    for b, s in enumerate(bws):
        assert_allclose(sweep[b], parzen_log_likelihood(X, samples, s), rtol=1e-10)


def test_select_bandwidth_is_argmax(rng):
    samples = rng.randn(400, 3)
    X_val = rng.randn(150, 3)
    means = [reference(X_val, samples, s).mean() for s in PAPER_BANDWIDTHS]
    best = PAPER_BANDWIDTHS[int(np.argmax(means))]
    assert 0 < np.argmax(means) < len(PAPER_BANDWIDTHS) - 1  # an interior optimum
    assert select_bandwidth(samples, X_val) == best
    assert select_bandwidth(samples, X_val, PAPER_BANDWIDTHS) == best


def test_select_bandwidth_custom_grid(rng):
    samples = rng.randn(400, 2)
    X_val = rng.randn(150, 2)
    grid = [5.0, 0.02, 0.25, 0.6]
    means = [reference(X_val, samples, s).mean() for s in grid]
    chosen = select_bandwidth(samples, X_val, grid)
    assert isinstance(chosen, float)
    assert chosen == grid[int(np.argmax(means))] == 0.25
    assert select_bandwidth(samples, X_val, [3.0]) == 3.0


@pytest.mark.parametrize("c", [0.01, 3.7, 250.0])
def test_select_bandwidth_scale_equivariant(rng, c):
    samples = rng.randn(300, 4)
    X_val = rng.randn(100, 4)
    grid = np.logspace(-1.5, 0.5, 9)
    base = select_bandwidth(samples, X_val, grid)
    assert base not in (grid[0], grid[-1])
    assert select_bandwidth(samples * c, X_val * c, grid * c) == pytest.approx(
        c * base, rel=1e-12
    )


def test_paper_bandwidths():
    assert_allclose(PAPER_BANDWIDTHS, np.logspace(-1, 0, 10))
    assert PAPER_BANDWIDTHS[0] == pytest.approx(0.1) and PAPER_BANDWIDTHS[-1] == 1.0


# ---------------------------------------------------------------- scores


def test_mean_and_std_error_population_std(rng):
    values = rng.randn(37) * 3 + 10
    score = mean_and_std_error(values)
    assert isinstance(score, ParzenScore)
    assert score.mean == pytest.approx(values.mean(), rel=1e-14)
    se = np.std(values, ddof=0) / np.sqrt(37)
    assert score.std_error == pytest.approx(se, rel=1e-14)
    sample_se = np.std(values, ddof=1) / np.sqrt(37)
    assert score.std_error != pytest.approx(sample_se, rel=1e-6)


def test_parzen_score_and_str(rng):
    X, samples = rng.rand(20, 3), rng.rand(50, 3)
    score = parzen_score(X, samples, 0.2)
    ll = parzen_log_likelihood(X, samples, 0.2)
    assert score == mean_and_std_error(ll)
    assert str(ParzenScore(225.0312, 1.9788)) == "225.03 ± 1.98"
    assert str(ParzenScore(-3.0, 0.5)) == "-3.00 ± 0.50"


# ---------------------------------------------------------------- errors

GOOD = np.random.RandomState(1).rand(5, 3)


@pytest.mark.parametrize(
    "X, samples, match",
    [
        (np.array([[np.nan, 0, 0]]), GOOD, "NaN"),
        (GOOD, np.array([[np.inf, 0, 0]]), "infinity"),
        (np.ones(3), GOOD, "2D"),
        (GOOD, np.ones(3), "2D"),
        (np.ones((2, 3, 1)), GOOD, "dim 3"),
        (np.empty((0, 3)), GOOD, "0 sample"),
        (GOOD, np.empty((0, 3)), "0 sample"),
        (np.empty((4, 0)), np.empty((4, 0)), "0 feature"),
        (np.ones((2, 4)), GOOD, "features"),
        (np.array([["a", "b", "c"]]), GOOD, "convert"),
        (torch.full((2, 3), float("nan")), GOOD, "NaN"),
    ],
)
def test_invalid_data(X, samples, match):
    with pytest.raises(ValueError, match=match):
        parzen_log_likelihood(X, samples, 0.5)
    with pytest.raises(ValueError, match=match):
        parzen_log_likelihood_sweep(X, samples, [0.5])
    with pytest.raises(ValueError, match=match):
        select_bandwidth(samples, X, [0.5])
    with pytest.raises(ValueError, match=match):
        parzen_score(X, samples, 0.5)


@pytest.mark.parametrize(
    "bandwidth", [0.0, -1.0, np.nan, np.inf, 1e-300, "a", [0.1, 0.2]]
)
def test_invalid_bandwidth(bandwidth):
    with pytest.raises(ValueError, match="bandwidth"):
        parzen_log_likelihood(GOOD, GOOD, bandwidth)
    with pytest.raises(ValueError, match="bandwidth"):
        parzen_score(GOOD, GOOD, bandwidth)


@pytest.mark.parametrize(
    "bandwidths", [[], [0.1, 0.0], [0.1, -2], [np.nan], [[0.1, 0.2]], "x"]
)
def test_invalid_bandwidths(bandwidths):
    with pytest.raises(ValueError, match="bandwidths"):
        parzen_log_likelihood_sweep(GOOD, GOOD, bandwidths)
    with pytest.raises(ValueError, match="bandwidths"):
        select_bandwidth(GOOD, GOOD, bandwidths)


def test_check_bandwidths_names_the_parameter():
    from skgan.metrics._checks import check_bandwidths

    assert_allclose(check_bandwidths(torch.tensor([0.5, 2.0])), [0.5, 2.0])
    assert check_bandwidths(0.3).shape == (1,)
    with pytest.raises(ValueError, match="candidates must be finite"):
        check_bandwidths([0.1, -1.0], name="candidates")


@pytest.mark.parametrize("n_validation", [0, -3, 2.0, True, "40"])
def test_paper_evaluation_invalid_n_validation(protocol_data, n_validation):
    samples, X_val, X_test = protocol_data
    with pytest.raises(ValueError, match="n_validation must be a positive integer"):
        paper_parzen_evaluation(samples, X_val, X_test, n_validation=n_validation)


def test_invalid_device():
    with pytest.raises(ValueError, match="device"):
        parzen_log_likelihood(GOOD, GOOD, 0.5, device="not-a-device")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA"):
            parzen_log_likelihood(GOOD, GOOD, 0.5, device="cuda")


@pytest.mark.parametrize("values", [[], [[1.0, 2.0]], [1.0, np.nan]])
def test_invalid_log_likelihoods(values):
    with pytest.raises(ValueError, match="log_likelihoods"):
        mean_and_std_error(values)


DEVICES = [None, "cpu", torch.device("cpu")]
DEVICES += [pytest.param("cuda", marks=pytest.mark.gpu)] if torch.cuda.is_available() else []


@pytest.mark.parametrize("device", DEVICES)
def test_device_matches_default(rng, device):
    for dtype in (np.float64, np.float32):
        X, samples = mnist_like(rng, 50, 200, dtype=dtype)
        bws = [0.1, 0.2, 1.0]
        default = parzen_log_likelihood_sweep(X, samples, bws)
        on_device = parzen_log_likelihood_sweep(X, samples, bws, device=device)
        assert np.abs(on_device - default).max() < 1e-5


# ---------------------------------------------------------------- the paper's protocol


def reference_evaluation(samples, X_val, X_test, bandwidths, n_validation):
    """The protocol written out with the float64 direct-difference reference."""
    val_means = np.array([reference(X_val[:n_validation], samples, s).mean() for s in bandwidths])
    best = int(np.argmax(val_means))
    test_ll = reference(X_test, samples, bandwidths[best])
    return val_means, bandwidths[best], test_ll.mean(), test_ll.std(ddof=0) / np.sqrt(len(test_ll))


class RecordingSampler:
    """A fitted-sampler stand-in that records how it was asked for rows."""

    def __init__(self, d=3, as_tuple=False):
        self.d, self.as_tuple, self.calls = d, as_tuple, []

    def sample(self, n_samples=1, random_state=None):
        self.calls.append((n_samples, random_state))
        rows = np.random.RandomState(random_state).randn(n_samples, self.d)
        return (rows, np.zeros(n_samples)) if self.as_tuple else rows


@pytest.fixture
def protocol_data(rng):
    samples = rng.randn(300, 3)
    return samples, rng.randn(60, 3) * 1.2, rng.randn(25, 3)


def test_paper_evaluation_matches_the_reference_protocol(protocol_data):
    samples, X_val, X_test = protocol_data
    result = paper_parzen_evaluation(samples, X_val, X_test, n_validation=40)
    val_means, sigma, mean, se = reference_evaluation(samples, X_val, X_test, PAPER_BANDWIDTHS, 40)
    assert 0 < np.argmax(val_means) < 9  # an interior optimum, so the choice is tested
    assert_allclose(result.bandwidths, np.logspace(-1, 0, 10), rtol=0, atol=0)
    assert_allclose(result.validation_scores, val_means, rtol=1e-9)
    assert result.bandwidth == sigma
    assert result.mean == pytest.approx(mean, rel=1e-9)
    assert result.std_error == pytest.approx(se, rel=1e-9)
    assert result.n_samples == 300 and isinstance(result.bandwidth, float)
    assert str(result) == f"{mean:.2f} ± {se:.2f}"


def test_paper_evaluation_custom_grid(protocol_data):
    samples, X_val, X_test = protocol_data
    grid = np.array([2.0, 0.05, 0.4])
    result = paper_parzen_evaluation(samples, X_val, X_test, bandwidths=grid, n_validation=60)
    val_means, sigma, mean, _ = reference_evaluation(samples, X_val, X_test, grid, 60)
    assert_allclose(result.bandwidths, grid)
    assert_allclose(result.validation_scores, val_means, rtol=1e-9)
    assert result.bandwidth == sigma == 0.4 and result.mean == pytest.approx(mean, rel=1e-9)


def test_only_the_first_validation_rows_choose_the_bandwidth(protocol_data):
    samples, X_val, X_test = protocol_data
    base = paper_parzen_evaluation(samples, X_val, X_test, n_validation=40)
    later = X_val.copy()
    later[40:] *= 50.0  # would favour the widest bandwidth if they counted
    assert_allclose(paper_parzen_evaluation(samples, later, X_test, n_validation=40).validation_scores,
                    base.validation_scores, rtol=0, atol=0)
    assert paper_parzen_evaluation(samples, later, X_test, n_validation=60).bandwidth != base.bandwidth
    early = X_val.copy()
    early[:40] *= 50.0
    changed = paper_parzen_evaluation(samples, early, X_test, n_validation=40)
    assert changed.bandwidth == 1.0 != base.bandwidth
    assert changed.mean != base.mean


def test_sampler_and_its_samples_give_the_same_result(protocol_data):
    _, X_val, X_test = protocol_data
    sampler = RecordingSampler()
    from_sampler = paper_parzen_evaluation(sampler, X_val, X_test, n_samples=250, n_validation=40, random_state=7)
    assert sampler.calls == [(250, 7)]  # asked once, for exactly n_samples rows
    samples = sampler.sample(250, random_state=7)
    from_array = paper_parzen_evaluation(samples, X_val, X_test, n_validation=40)
    assert from_sampler.n_samples == from_array.n_samples == 250
    for a, b in zip(from_sampler, from_array, strict=True):
        assert_allclose(a, b, rtol=0, atol=0)


def test_sampler_defaults_and_tuple_output(protocol_data):
    _, X_val, X_test = protocol_data
    sampler = RecordingSampler(as_tuple=True)  # like GaussianMixture.sample
    result = paper_parzen_evaluation(sampler, X_val[:5], X_test[:3], n_validation=5)
    assert sampler.calls == [(10000, None)] and result.n_samples == 10000


def test_gaussian_mixture_as_sampler(protocol_data):
    from sklearn.mixture import GaussianMixture

    samples, X_val, X_test = protocol_data
    model = GaussianMixture(2, random_state=0).fit(samples)
    result = paper_parzen_evaluation(model, X_val, X_test, n_samples=200, n_validation=40)
    expected = paper_parzen_evaluation(model.sample(200)[0], X_val, X_test, n_validation=40)
    assert result.mean == expected.mean and result.bandwidth == expected.bandwidth
    with pytest.raises(ValueError, match="random_state"):
        paper_parzen_evaluation(model, X_val, X_test, n_samples=200, n_validation=40, random_state=0)


def test_gansampler_as_sampler(protocol_data, tiny_sampler):
    samples, X_val, X_test = protocol_data
    gan = tiny_sampler(max_iter=1, bandwidth=0.5).fit(samples)
    result = paper_parzen_evaluation(gan, X_val, X_test, n_samples=150, n_validation=40, random_state=3)
    expected = paper_parzen_evaluation(gan.sample(150, random_state=3), X_val, X_test, n_validation=40)
    assert result.mean == expected.mean and result.n_samples == 150


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"X_val": np.ones((60, 4))}, "X_val has 4 features"),
        ({"X_test": np.ones((5, 2))}, "X_test has 2 features"),
        ({"X_val": np.full((60, 3), np.nan)}, "NaN"),
        ({"X_test": np.array([[0.0, np.inf, 0.0]])}, "infinity"),
        ({"generator": np.array([[np.nan, 0.0, 0.0]])}, "NaN"),
        ({"X_val": np.ones((30, 3))}, "X_val has 30 rows, fewer than n_validation=40"),
        ({"n_validation": 0}, "n_validation"),
        ({"n_samples": 100}, "n_samples=100, but 300 samples"),
        ({"generator": RecordingSampler(), "n_samples": 0}, "n_samples must be a positive integer"),
        ({"generator": RecordingSampler(d=2), "n_samples": 10}, "features"),
        ({"bandwidths": [0.1, -1.0]}, "bandwidths"),
        ({"X_test": np.empty((0, 3))}, "0 sample"),
    ],
)
def test_paper_evaluation_invalid_input(protocol_data, kwargs, match):
    samples, X_val, X_test = protocol_data
    args = {"generator": samples, "X_val": X_val, "X_test": X_test, "n_validation": 40, **kwargs}
    with pytest.raises(ValueError, match=match):
        paper_parzen_evaluation(args.pop("generator"), args.pop("X_val"), args.pop("X_test"), **args)


def test_sampler_returning_the_wrong_number_of_rows(protocol_data):
    class Short(RecordingSampler):
        def sample(self, n_samples=1, random_state=None):
            return super().sample(n_samples - 1, random_state)

    _, X_val, X_test = protocol_data
    with pytest.raises(ValueError, match="expected 50 rows"):
        paper_parzen_evaluation(Short(), X_val, X_test, n_samples=50, n_validation=40)


# ---------------------------------------------------------------- fast paths


def clustered(rng, n, per_centre=50, d=40, n_centres=8):
    """Tight, far-apart clusters, the samples sorted by cluster."""
    centres = 10 * rng.rand(n_centres, d)
    samples = np.repeat(centres, per_centre, axis=0) + 0.05 * rng.randn(
        n_centres * per_centre, d)
    labels = rng.randint(n_centres, size=n)
    X = centres[labels] + 0.05 * rng.randn(n, d)
    return X, samples, labels


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_skipped_and_gathered_rows_match_the_reference(rng, monkeypatch, dtype):
    X, samples, labels = clustered(rng, 60)
    X, samples = X.astype(dtype), samples.astype(dtype)
    bws = [0.02, 0.05, 3.0]
    ref = np.stack([reference(X, samples, s) for s in bws])
    # one block of samples per cluster: at the two small bandwidths a row's
    # blocks after its own cluster's hold only negligible terms
    monkeypatch.setattr(engine, "_BLOCK_ROWS", 16)
    monkeypatch.setattr(engine, "_BLOCK_COLS", 50)
    must_skip = 2 * int(np.sum(7 - labels))
    atol = 1e-8 if dtype == np.float64 else 1e-5
    results = {}
    for sparse_rows in (1, 10**9):  # never / always gather the rows that count
        monkeypatch.setattr(engine, "_SPARSE_ROWS", sparse_rows)
        stats = {}
        results[sparse_rows] = engine.parzen_sweep(X, samples, np.array(bws), None, stats=stats)
        assert stats["n_skipped_rows"] >= must_skip > 0
        assert_allclose(results[sparse_rows], ref, rtol=1e-9, atol=atol)
    assert_allclose(results[1], results[10**9], rtol=1e-12, atol=1e-12)


def test_exponents_below_the_subnormal_range_are_exact(rng):
    # neighbours 1e-3 apart, the rest ~10 apart: at sigma=0.01 the far terms
    # have exponents ~ -1e6, far below exp()'s subnormal range
    samples = np.vstack([np.zeros((1, 5)), 10 + rng.rand(200, 5)])
    X = 1e-3 * rng.randn(7, 5)
    for dtype in (np.float64, np.float32):
        ll = parzen_log_likelihood(X.astype(dtype), samples.astype(dtype), 0.01)
        ref = reference(X.astype(dtype), samples.astype(dtype), 0.01)
        assert np.all(np.isfinite(ll))
        assert_allclose(ll, ref, rtol=1e-9)
