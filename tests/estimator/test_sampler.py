import copy
import pickle
import warnings

import numpy as np
import pytest
import torch
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks
from torch import nn

from skgan import GANSampler, MLPGenerator
from skgan import _fit_run as fit_run
from skgan import _fitted as fitted_module
from skgan.callbacks import Callback, EarlyStopping
from skgan.callbacks import _parzen_validation as validation_module

from .._factories import make_tiny_sampler


def parzen_reference(X, window, sigma):
    """Float64 direct differences, independent of skgan.metrics."""
    d2 = ((X[:, None, :] - window[None, :, :]) ** 2).sum(-1)
    d = X.shape[1]
    return logsumexp(-d2 / (2 * sigma**2), axis=1) - np.log(len(window)) - d / 2 * np.log(2 * np.pi * sigma**2)


@parametrize_with_checks([make_tiny_sampler()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --- fit / sample ---------------------------------------------------------


def test_fit_records_history_and_fitted_attributes(X, tiny_sampler):
    gan = tiny_sampler(max_iter=4).fit(X)
    assert gan.n_iter_ == 4 == len(gan.history_)
    assert [r["epoch"] for r in gan.history_] == [1, 2, 3, 4]
    for record in gan.history_:
        assert set(record) == {"epoch", "d_loss", "g_loss", "d_real", "d_fake", "dur"}
        assert 0 < record["d_real"] < 1 and 0 < record["d_fake"] < 1
        assert np.isfinite(record["d_loss"]) and np.isfinite(record["g_loss"])
    assert isinstance(gan.generator_, nn.Module) and not gan.generator_.training
    assert isinstance(gan.discriminator_, nn.Module) and not gan.discriminator_.training
    assert gan.n_features_in_ == 3 and gan.device_ == "cpu"


def test_sample_shape_units_and_bounds(X, fitted_sampler):
    X_new = fitted_sampler.sample(500)
    assert X_new.shape == (500, 3) and X_new.dtype == np.float64
    # a tanh generator maps back inside the training data's range, per feature
    assert np.all(X_new >= X.min(0) - 1e-9) and np.all(X_new <= X.max(0) + 1e-9)
    # and the samples are in the user's units (feature 1 lives around 100)
    assert 80 < X_new[:, 1].mean() < 120


@pytest.mark.parametrize(
    "activation, low, high", [("tanh", -1.0, 1.0), ("sigmoid", 0.0, 1.0), ("identity", None, None)]
)
def test_data_is_scaled_to_the_generator_output_range(X, activation, low, high, tiny_sampler):
    gan = tiny_sampler(bandwidth=1.0, generator=MLPGenerator((16,), output_activation=activation)).fit(X)
    Z = gan._fitted.codec.scaling.to_model(X)
    if low is None:  # unbounded output: standardised
        np.testing.assert_allclose(Z.mean(0), 0, atol=1e-9)
        np.testing.assert_allclose(Z.std(0), 1, rtol=1e-9)
    else:
        np.testing.assert_allclose(Z.min(0), low, atol=1e-9)
        np.testing.assert_allclose(Z.max(0), high, atol=1e-9)
    np.testing.assert_allclose(gan._fitted.codec.scaling.to_data(Z), X, rtol=1e-12)


def test_constant_feature_is_reproduced_exactly(tiny_sampler):
    X = np.c_[np.random.RandomState(0).normal(size=(50, 2)), np.full(50, 7.0)]
    gan = tiny_sampler().fit(X)
    assert np.all(gan.sample(100)[:, 2] == 7.0)


def test_same_random_state_gives_identical_fit_and_samples(X, tiny_sampler):
    a, b = tiny_sampler(random_state=3).fit(X), tiny_sampler(random_state=3).fit(X)
    for pa, pb in zip(a.generator_.state_dict().values(), b.generator_.state_dict().values(), strict=True):
        assert torch.equal(pa, pb)
    assert [dict(r, dur=0) for r in a.history_] == [dict(r, dur=0) for r in b.history_]
    assert np.array_equal(a.sample(50), b.sample(50))
    assert a.bandwidth_ == b.bandwidth_
    c = tiny_sampler(random_state=4).fit(X)
    assert not np.array_equal(a.sample(50), c.sample(50))


def test_sample_random_state(X, tiny_sampler):
    gan = tiny_sampler(random_state=0).fit(X)
    assert np.array_equal(gan.sample(20), gan.sample(20))  # int seed: repeatable
    assert np.array_equal(gan.sample(20, random_state=5), gan.sample(20, random_state=5))
    assert not np.array_equal(gan.sample(20, random_state=5), gan.sample(20, random_state=6))
    rng = np.random.RandomState(0)
    assert not np.array_equal(gan.sample(20, random_state=rng), gan.sample(20, random_state=rng))
    # fewer rows are the first rows of more (same noise; float32 network)
    np.testing.assert_allclose(gan.sample(5000, random_state=1)[:3], gan.sample(3, random_state=1), rtol=1e-5)


def test_fit_leaves_global_torch_rng_alone(X, tiny_sampler):
    state = torch.get_rng_state()
    tiny_sampler().fit(X).sample(10)
    assert torch.equal(state, torch.get_rng_state())


@pytest.mark.parametrize("n_samples", [0, -1, 2.5, "3", True])
def test_sample_rejects_bad_n_samples(n_samples, fitted_sampler):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        fitted_sampler.sample(n_samples)
    assert fitted_sampler.sample().shape[0] == 1 == fitted_sampler.sample(None).shape[0]  # the default: one row


@pytest.mark.parametrize("noise", ["normal", "uniform"])
@pytest.mark.parametrize("loss", ["nonsaturating", "minimax"])
def test_each_noise_and_loss_fits(X, noise, loss, tiny_sampler):
    gan = tiny_sampler(noise=noise, loss=loss, d_steps=2).fit(X)
    assert np.all(np.isfinite(gan.sample(100)))


# --- Parzen score ---------------------------------------------------------


def test_score_samples_is_parzen_of_the_fixed_window(X, fitted_sampler):
    window = fitted_sampler._fitted.parzen_window()
    assert window.shape == (200, 3)
    expected = parzen_reference(X[:30], window, fitted_sampler.bandwidth_)
    np.testing.assert_allclose(fitted_sampler.score_samples(X[:30]), expected, rtol=1e-6)
    assert fitted_sampler.score(X[:30]) == pytest.approx(expected.mean(), rel=1e-6)
    result = fitted_sampler.parzen_score(X[:30])
    assert result.mean == pytest.approx(expected.mean(), rel=1e-6)
    assert result.std_error == pytest.approx(expected.std() / np.sqrt(30), rel=1e-6)


def test_score_is_stable_and_row_independent(X, fitted_sampler):
    assert fitted_sampler.score(X) == fitted_sampler.score(X)
    full = fitted_sampler.score_samples(X)
    np.testing.assert_allclose(fitted_sampler.score_samples(X[5:6]), full[5:6], rtol=1e-12)
    np.testing.assert_allclose(fitted_sampler.score_samples(X[::-1]), full[::-1], rtol=1e-12)


def test_bandwidth_is_chosen_among_the_scaled_paper_grid(X, fitted_sampler):
    span = np.max(X.max(0) - X.min(0))
    grid = np.logspace(-1, 0, 10) * span
    assert np.min(np.abs(grid - fitted_sampler.bandwidth_)) < 1e-9 * span


def test_bandwidth_scales_with_the_data(X, tiny_sampler):
    a = tiny_sampler().fit(X)
    b = tiny_sampler().fit(X * 10)
    assert b.bandwidth_ == pytest.approx(10 * a.bandwidth_, rel=1e-9)
    np.testing.assert_allclose(b.sample(20), 10 * a.sample(20), rtol=1e-5)
    # log-densities shift by -d log 10 under the change of units
    assert b.score(X * 10) == pytest.approx(a.score(X) - 3 * np.log(10), abs=1e-4)


def test_fixed_and_candidate_bandwidths(X, tiny_sampler):
    assert tiny_sampler(bandwidth=0.7).fit(X).bandwidth_ == 0.7
    candidates = [0.05, 2.0, 3.0]
    assert tiny_sampler(bandwidth=candidates).fit(X).bandwidth_ in candidates
    with pytest.raises(ValueError, match="bandwidth candidates"):
        tiny_sampler(bandwidth=[1.0, -2.0]).fit(X)


def test_bandwidth_is_chosen_on_held_out_rows_only(X, monkeypatch, tiny_sampler):
    seen = {}

    def spy(window, X_val, candidates, **kwargs):
        seen["X_val"] = X_val
        return candidates[0]

    monkeypatch.setattr(fitted_module, "select_bandwidth", spy)
    gan = tiny_sampler(validation_fraction=0.25).fit(X)
    assert gan.bandwidth_ > 0
    X_val = seen["X_val"]
    assert X_val.shape == (30, 3)
    held_out = np.array([any(np.array_equal(row, v) for v in X_val) for row in X])
    assert held_out.sum() == 30
    # the data scaling was fitted on the other 90 rows only
    X_train = X[~held_out]
    np.testing.assert_allclose(gan._fitted.codec.scaling.center_, (X_train.min(0) + X_train.max(0)) / 2)


# --- networks and parameters ---------------------------------------------


def test_nested_network_params_on_the_default_preset(X):
    gan = GANSampler(max_iter=1, n_parzen_samples=50, latent_dim=4, random_state=0)
    gan.set_params(generator__hidden_layer_sizes=(7,), discriminator__dropout=0.0)
    assert gan.get_params()["generator__hidden_layer_sizes"] == (7,)
    gan.fit(X)
    widths = [m.out_features for m in gan.generator_ if isinstance(m, nn.Linear)]
    assert widths == [7, 3]
    assert not any(isinstance(m, nn.Dropout) for m in gan.discriminator_)


def test_params_set_after_fit_wait_for_the_next_fit(X, fitted_sampler):
    expected, score = fitted_sampler.sample(10), fitted_sampler.score(X)
    fitted_sampler.set_params(latent_dim=9, noise="uniform", n_parzen_samples=10, generator__hidden_layer_sizes=(5,))
    np.testing.assert_array_equal(fitted_sampler.sample(10), expected)
    assert fitted_sampler.score(X) == score
    fitted_sampler.set_params(warm_start=True).fit(X)  # continues the fitted networks
    assert fitted_sampler.generator_[0].in_features == 4
    fitted_sampler.set_params(warm_start=False).fit(X)
    assert fitted_sampler.generator_[0].in_features == 9 and fitted_sampler.generator_[0].out_features == 5


def test_clone_is_unfitted_and_independent(fitted_sampler):
    copy = clone(fitted_sampler)
    assert not hasattr(copy, "generator_")
    copy.set_params(generator__hidden_layer_sizes=(3,))
    assert fitted_sampler.generator.hidden_layer_sizes == (16,)


def test_grid_search_over_network_params(X, tiny_sampler):
    search = GridSearchCV(
        tiny_sampler(max_iter=1, n_parzen_samples=50),
        {"generator__hidden_layer_sizes": [(4,), (8,)], "latent_dim": [2, 3]},
        cv=2,
    ).fit(X)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    assert best.generator.hidden_layer_sizes == search.best_params_["generator__hidden_layer_sizes"]


class ShiftGenerator(nn.Module):
    def __init__(self, latent_dim, n_features):
        super().__init__()
        self.linear = nn.Linear(latent_dim, n_features)

    def forward(self, z):
        return torch.tanh(self.linear(z))


def make_discriminator(n_features):
    return nn.Sequential(nn.Linear(n_features, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))


def test_custom_module_class_and_factory(X, tiny_sampler):
    gan = tiny_sampler(generator=ShiftGenerator, discriminator=make_discriminator).fit(X)
    assert isinstance(gan.generator_, ShiftGenerator)
    assert gan.generator_.linear.in_features == 4
    assert np.all(np.isfinite(gan.sample(10)))


def test_module_instance_is_copied_not_trained_in_place(X, tiny_sampler):
    module = ShiftGenerator(latent_dim=4, n_features=3)
    before = module.linear.weight.detach().clone()
    gan = tiny_sampler(generator=module).fit(X)
    assert gan.generator_ is not module
    assert torch.equal(module.linear.weight, before)
    assert not torch.equal(gan.generator_.linear.weight, before)


class SometimesNaN(ShiftGenerator):
    def forward(self, z):
        out = super().forward(z)
        return out if self.training else out * float("nan")


def test_sample_never_returns_nan(X, tiny_sampler):
    gan = tiny_sampler(generator=SometimesNaN, bandwidth=1.0).fit(X)
    with pytest.raises(ValueError, match="non-finite values"):
        gan.sample(3)


def test_factory_must_return_a_module(X, tiny_sampler):
    with pytest.raises(TypeError, match="expected a torch.nn.Module"):
        tiny_sampler(generator=lambda latent_dim, n_features: "nope").fit(X)


@pytest.mark.parametrize(
    "generator, discriminator, match",
    [
        (
            lambda latent_dim, n_features: nn.Linear(latent_dim, n_features + 1),
            "mlp",
            r"generator must map.*shape \(2, 4\)",
        ),
        ("mlp", lambda n_features: nn.Linear(n_features, 2), r"discriminator must map.*shape \(2, 2\)"),
        ("mlp", lambda n_features: nn.Identity(), "one logit per row"),
    ],
)
def test_networks_with_wrong_shapes(X, generator, discriminator, match, tiny_sampler):
    with pytest.raises(ValueError, match=match):
        tiny_sampler(generator=generator, discriminator=discriminator).fit(X)


def test_feature_names_in(X, tiny_sampler):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    gan = tiny_sampler().fit(df)
    assert list(gan.feature_names_in_) == ["a", "b", "c"]
    with pytest.warns(UserWarning, match="feature names"):
        gan.score_samples(X)


# --- errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]), "NaN"),
        (np.array([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]]), "infinity"),
        (np.empty((0, 3)), "0 sample"),
        (np.arange(5.0), "Expected 2D array"),
        (np.ones((1, 3)), "1 sample"),
    ],
)
def test_fit_rejects_bad_input(bad, match, tiny_sampler):
    with pytest.raises(ValueError, match=match):
        tiny_sampler().fit(bad)


def test_too_few_rows_after_validation_split(tiny_sampler):
    with pytest.raises(ValueError, match="at least 2 training rows"):
        tiny_sampler().fit(np.ones((2, 3)))
    tiny_sampler(bandwidth=1.0).fit(np.ones((2, 3)))  # no split needed


@pytest.mark.parametrize("method", ["score", "score_samples"])
def test_wrong_feature_count(X, method, fitted_sampler):
    with pytest.raises(ValueError, match="X has 2 features, but GANSampler is expecting 3"):
        getattr(fitted_sampler, method)(X[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        getattr(fitted_sampler, method)(np.full((2, 3), np.nan))


@pytest.mark.parametrize("method, args", [("sample", (5,)), ("score", None), ("score_samples", None)])
def test_use_before_fit(X, method, args, tiny_sampler):
    with pytest.raises(NotFittedError):
        getattr(tiny_sampler(), method)(*(args or (X,)))


@pytest.mark.parametrize(
    "params",
    [{"loss": "hinge-ish"}, {"noise": "cauchy"}, {"d_steps": 0}, {"learning_rate": 0.0}, {"batch_size": 1},
     {"bandwidth": "silverman"}, {"validation_fraction": 1.0}, {"generator": "resnet"}],
)
def test_invalid_parameters(X, params, tiny_sampler):
    with pytest.raises(ValueError, match="parameter of GANSampler"):
        tiny_sampler(**params).fit(X)


@pytest.mark.parametrize("device", ["cuda:7" if not torch.cuda.is_available() else "cuda:999", "tpu-ish"])
def test_unavailable_device(X, device, tiny_sampler):
    with pytest.raises(ValueError, match="device"):
        tiny_sampler(device=device).fit(X)


# --- persistence ----------------------------------------------------------


def test_pickle_round_trip(X, fitted_sampler):
    loaded = pickle.loads(pickle.dumps(fitted_sampler))
    np.testing.assert_array_equal(loaded.sample(30), fitted_sampler.sample(30))
    assert loaded.score(X) == fitted_sampler.score(X)


def test_gpu_fitted_model_loads_on_cpu(monkeypatch, fitted_sampler):
    expected = fitted_sampler.sample(10)
    fitted_sampler.device_ = "cuda:0"  # as if fitted on a GPU
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="loaded on the CPU"):
        loaded = pickle.loads(pickle.dumps(fitted_sampler))
    assert loaded.device_ == "cpu"
    assert next(loaded.generator_.parameters()).device.type == "cpu"
    np.testing.assert_array_equal(loaded.sample(10), expected)


# --- divergence and interrupts --------------------------------------------


class FailingDiscriminator(nn.Module):
    """A discriminator that breaks on its ``fail_at``-th forward call."""

    def __init__(self, n_features, fail_at, failure):
        super().__init__()
        self.linear = nn.Linear(n_features, 1)
        self.calls, self.fail_at, self.failure = 0, fail_at, failure

    def forward(self, x):
        self.calls += 1
        out = self.linear(x).squeeze(-1)
        if self.calls >= self.fail_at:
            if self.failure == "interrupt":
                raise KeyboardInterrupt
            return out * float("nan")
        return out


def failing(fail_at, failure):
    return lambda n_features: FailingDiscriminator(n_features, fail_at, failure)


# 120 rows, 10% held out, batch 16 -> 6 D steps and 6 G steps, 18 D calls an epoch
CALLS_PER_EPOCH = 18


def test_divergence_restores_last_finite_epoch_and_warns(X, tiny_sampler):
    with pytest.warns(ConvergenceWarning, match="diverged in epoch 3.*learning_rate"):
        gan = tiny_sampler(max_iter=5, discriminator=failing(2 * CALLS_PER_EPOCH + 5, "nan")).fit(X)
    assert gan.n_iter_ == 2
    assert all(torch.isfinite(p).all() for p in gan.discriminator_.parameters())
    assert np.all(np.isfinite(gan.sample(50)))


def test_divergence_in_first_epoch_is_an_error(X, tiny_sampler):
    with pytest.raises(ValueError, match="diverged in the first epoch.*learning_rate"):
        tiny_sampler(discriminator=failing(3, "nan")).fit(X)


def test_interrupt_keeps_completed_epochs(X, tiny_sampler):
    with pytest.warns(UserWarning, match="interrupted in epoch 3"):
        gan = tiny_sampler(max_iter=5, discriminator=failing(2 * CALLS_PER_EPOCH + 5, "interrupt")).fit(X)
    assert gan.n_iter_ == 2 and len(gan.history_) == 2
    assert np.all(np.isfinite(gan.sample(20)))
    assert np.isfinite(gan.score(X))


def test_interrupt_in_first_epoch_propagates(X, tiny_sampler):
    with pytest.raises(KeyboardInterrupt):
        tiny_sampler(discriminator=failing(3, "interrupt")).fit(X)


def test_failed_refit_keeps_the_earlier_fit(X, fitted_sampler):
    expected = fitted_sampler.sample(10)
    fitted_sampler.set_params(discriminator=failing(3, "interrupt"))
    with pytest.raises(KeyboardInterrupt):
        fitted_sampler.fit(X[:, :2])
    with pytest.raises(ValueError):
        fitted_sampler.fit(np.full((5, 2), np.nan))
    assert fitted_sampler.n_features_in_ == 3
    np.testing.assert_array_equal(fitted_sampler.sample(10), expected)


class OptimizerRecorder(Callback):
    """Keeps a copy of both optimizers' state at the end of each epoch."""

    def on_epoch_end(self, estimator, record, training=None, **kwargs):
        self.states_ = getattr(self, "states_", {})
        self.states_[record["epoch"]] = copy.deepcopy([opt.state_dict() for opt in training.optimizers])


def assert_same_state(a, b):
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_same_state(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same_state(x, y)
    else:
        assert a == b


def test_interrupt_keeps_the_optimizer_state_of_the_last_completed_epoch(X, tiny_sampler):
    with pytest.warns(UserWarning, match="interrupted in epoch 3"):
        gan = tiny_sampler(max_iter=5, discriminator=failing(2 * CALLS_PER_EPOCH + 5, "interrupt"),
                           callbacks=[OptimizerRecorder()]).fit(X)
    assert gan.n_iter_ == 2
    assert_same_state(list(gan._fitted.optimizer_state), gan.callbacks_[0].states_[2])


def kept(fit, X):
    """``fit(X)``, failing the test (not stopping the test run) when a KeyboardInterrupt escapes it."""
    try:
        return fit(X)
    except KeyboardInterrupt:
        pytest.fail("the KeyboardInterrupt escaped fit: the completed epochs were lost")


def interrupt_once(monkeypatch, module, name):
    """Make ``module.name`` raise KeyboardInterrupt on its first call, then work as before."""
    original, calls = getattr(module, name), []

    def once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, once)
    return calls


def test_fit_leaves_the_bandwidth_to_the_first_need(X, monkeypatch, tiny_sampler):
    calls = []
    original = fitted_module.select_bandwidth
    monkeypatch.setattr(fitted_module, "select_bandwidth", lambda *a, **k: calls.append(1) or original(*a, **k))
    gan = tiny_sampler().fit(X)
    assert calls == [] and gan._fitted.pending_choice is not None
    X_val, candidates = gan._fitted.pending_choice
    expected = original(gan._fitted.parzen_window(), X_val, candidates)
    assert gan.bandwidth_ == expected and calls == [1]
    assert gan._fitted.pending_choice is None  # the held-out rows are dropped once chosen
    gan.score(X)
    assert calls == [1]  # chosen once
    gan.sample(5)
    assert calls == [1]


def test_the_first_score_chooses_the_bandwidth(X, tiny_sampler):
    lazy, eager = tiny_sampler().fit(X), tiny_sampler().fit(X)
    bandwidth = eager.bandwidth_
    assert lazy.score(X) == eager.score(X) and lazy.bandwidth_ == bandwidth


def test_an_interrupted_choice_is_made_at_the_next_need(X, monkeypatch, tiny_sampler):
    gan = tiny_sampler().fit(X)
    expected = tiny_sampler().fit(X).bandwidth_
    interrupt_once(monkeypatch, fitted_module, "select_bandwidth")
    with pytest.raises(KeyboardInterrupt):
        gan.score(X)
    assert gan._fitted.pending_choice is not None
    assert gan.bandwidth_ == expected


def test_setting_the_bandwidth_drops_the_pending_choice(X, tiny_sampler):
    gan = tiny_sampler().fit(X)
    gan.bandwidth_ = 0.5
    assert gan._fitted.pending_choice is None and gan.bandwidth_ == 0.5


def test_a_warm_start_chooses_again(X, tiny_sampler):
    gan = tiny_sampler(warm_start=True, bandwidth=[0.3, 0.5, 0.9, 2.0]).fit(X)
    assert gan.bandwidth_ in (0.3, 0.5, 0.9, 2.0)
    gan.fit(X)
    assert gan._fitted.pending_choice is not None and gan.n_iter_ == 6
    assert gan.bandwidth_ in (0.3, 0.5, 0.9, 2.0)


def test_interrupt_while_early_stopping_restores_keeps_the_last_epoch(X, monkeypatch, tiny_sampler):
    interrupt_once(monkeypatch, EarlyStopping, "on_train_end")
    with pytest.warns(UserWarning, match="kept the 3 completed epoch.*weights of the last one"):
        gan = kept(tiny_sampler(early_stopping=True, n_iter_no_change=1, max_iter=3).fit, X)
    complete = tiny_sampler(early_stopping=True, n_iter_no_change=1, max_iter=3,
                            callbacks=[EarlyStopping(n_iter_no_change=1, restore_best=False)]).fit(X)
    assert gan.n_iter_ == complete.n_iter_
    for a, b in zip(gan.generator_.parameters(), complete.generator_.parameters(), strict=True):
        assert torch.equal(a, b)
    assert gan.bandwidth_ == complete.bandwidth_  # chosen when needed, for the kept weights


def test_interrupt_during_the_held_out_score_keeps_the_epoch(X, monkeypatch, tiny_sampler):
    calls = []
    original = validation_module.best_mean_log_likelihood

    def third_interrupts(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(validation_module, "best_mean_log_likelihood", third_interrupts)
    with pytest.warns(UserWarning, match="interrupted"):
        gan = tiny_sampler(early_stopping=True, max_iter=5).fit(X)
    assert gan.n_iter_ == 3 and "val_score" not in gan.history_[2]
    assert np.isfinite(gan.bandwidth_) and np.isfinite(gan.score(X))


@pytest.mark.filterwarnings("ignore:Training interrupted")
def test_a_second_interrupt_aborts(X, monkeypatch, tiny_sampler):
    earlier = tiny_sampler().fit(X)
    expected = earlier.sample(10)
    interrupt_once(monkeypatch, fit_run, "finish_fit")
    earlier.set_params(discriminator=failing(2 * CALLS_PER_EPOCH + 5, "interrupt"), max_iter=5)
    with pytest.raises(KeyboardInterrupt):  # once in epoch 3, once at the end of the fit
        earlier.fit(X)
    assert earlier.n_iter_ == 3
    np.testing.assert_array_equal(earlier.sample(10), expected)
    interrupt_once(monkeypatch, fit_run, "finish_fit")
    with pytest.raises(KeyboardInterrupt):
        tiny_sampler(max_iter=5, discriminator=failing(2 * CALLS_PER_EPOCH + 5, "interrupt")).fit(X)


def test_fit_does_not_warn(X, tiny_sampler):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny_sampler().fit(X).score(X)


# --- warm start, partial_fit, early stopping, progress --------------------


def test_warm_start_continues_training(X, tiny_sampler):
    gan = tiny_sampler(max_iter=2, warm_start=True).fit(X)
    weights = [p.detach().clone() for p in gan.generator_.parameters()]
    gan.fit(X)
    assert gan.n_iter_ == 4 and [r["epoch"] for r in gan.history_] == [1, 2, 3, 4]
    assert any(not torch.equal(a, b) for a, b in zip(weights, gan.generator_.parameters(), strict=True))
    # and it continues from the trained weights, not from a fresh start:
    # the same as two epochs of warm continuation in a second, identical run
    twin = tiny_sampler(max_iter=2, warm_start=True).fit(X).fit(X)
    np.testing.assert_array_equal(twin.sample(20), gan.sample(20))
    assert not np.array_equal(tiny_sampler(max_iter=4).fit(X).sample(20), gan.sample(20))


def test_cold_fit_restarts(X, tiny_sampler):
    gan = tiny_sampler(max_iter=2).fit(X)
    gan.fit(X)
    assert gan.n_iter_ == 2
    np.testing.assert_array_equal(gan.sample(20), tiny_sampler(max_iter=2).fit(X).sample(20))


def test_partial_fit_runs_one_epoch_each_call(X, tiny_sampler):
    gan = tiny_sampler()
    for expected in (1, 2, 3):
        gan.partial_fit(X)
        assert gan.n_iter_ == expected
    assert gan._fitted.optimizer_state[0]["state"]  # Adam moments carried over
    with pytest.raises(ValueError, match="X has 2 features"):
        gan.partial_fit(X[:, :2])


def test_early_stopping_stops_and_keeps_the_best_epoch(X, monkeypatch, tiny_sampler):
    import skgan.callbacks._parzen_validation as validation
    from skgan.callbacks import Callback

    scores = iter([1.0, 3.0, 2.0, 2.5, 2.9, 2.0, 9.0])
    monkeypatch.setattr(validation, "best_mean_log_likelihood", lambda *args: next(scores))
    best_weights = {}

    class RecordBest(Callback):
        def on_epoch_end(self, estimator, record, **kwargs):
            if record["val_score"] >= max(r["val_score"] for r in estimator.history_):
                best_weights["G"] = [p.detach().clone() for p in estimator.generator_.parameters()]

    gan = tiny_sampler(max_iter=20, early_stopping=True, n_iter_no_change=3, tol=0.5, callbacks=[RecordBest()])
    gan.fit(X)
    # epoch 2 scored 3.0; epochs 3, 4 and 5 do not beat it by more than tol
    assert gan.n_iter_ == 5
    assert [r["val_score"] for r in gan.history_] == [1.0, 3.0, 2.0, 2.5, 2.9]
    assert gan.best_validation_score_ == 3.0
    for kept, best in zip(gan.generator_.parameters(), best_weights["G"], strict=True):
        assert torch.equal(kept, best)


def test_early_stopping_scores_the_held_out_rows(X, tiny_sampler):
    gan = tiny_sampler(max_iter=2, early_stopping=True, bandwidth=0.5).fit(X)
    assert gan.bandwidth_ == 0.5
    assert all(np.isfinite(r["val_score"]) for r in gan.history_)
    assert gan.best_validation_score_ == max(r["val_score"] for r in gan.history_)
    assert tiny_sampler().fit(X).best_validation_score_ is None


def test_verbose_shows_a_progress_bar_with_tqdm(X, capsys, tiny_sampler):
    tiny_sampler(max_iter=2, verbose=1).fit(X)
    err = capsys.readouterr().err
    assert "GANSampler" in err and "2/2" in err and "d_loss=" in err


def test_verbose_prints_lines_without_tqdm(X, capsys, monkeypatch, tiny_sampler):
    import sys

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails
    tiny_sampler(max_iter=2, verbose=1).fit(X)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "D(G(z))" in out


def test_sample_same_rows_whatever_the_rows_per_generator_call(X, monkeypatch, tiny_sampler):
    from sklearn.utils import check_random_state

    from skgan import _generation
    from skgan._arguments import MAX_SEED
    from skgan._noise import NOISE_BLOCK, noise_blocks

    gan = tiny_sampler(max_iter=2).fit(X)
    n = 2 * NOISE_BLOCK + 5
    rows = gan.sample(n, random_state=3)
    for noise_rows, forward_rows in [(NOISE_BLOCK, 100), (3 * NOISE_BLOCK, 3 * NOISE_BLOCK)]:
        monkeypatch.setattr(_generation, "GENERATE_ROWS", noise_rows)
        monkeypatch.setattr(_generation, "FORWARD_ROWS", forward_rows)
        np.testing.assert_allclose(gan.sample(n, random_state=3), rows, rtol=1e-6, atol=1e-12)
    # the plain computation: all the noise at once, then the affine map back
    seed = int(check_random_state(3).randint(MAX_SEED))
    z = torch.cat(list(noise_blocks(n, gan.latent_dim, gan.noise, seed)))
    with torch.no_grad():
        Z = gan.generator_(z).double().numpy()
    scaling = gan._fitted.codec.scaling
    expected = (Z - scaling.model_center_) * scaling.data_per_model_ + scaling.center_
    assert rows.dtype == np.float64 and rows.shape == (n, X.shape[1])
    # (sampling folds the batch norms into the linear layers: float32 rounding)
    np.testing.assert_allclose(rows, expected, rtol=1e-5, atol=1e-6 * np.ptp(X))
