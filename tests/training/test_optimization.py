"""Optimizers, learning rates, per-loss defaults, mixed precision and compilation."""

import numpy as np
import pytest
import torch

from skgan import GoodfellowSGD, WassersteinGPLoss

X = np.random.RandomState(0).normal(size=(64, 3))


class CountingSGD(torch.optim.SGD):
    steps = []

    def step(self, closure=None):
        CountingSGD.steps.append(self.param_groups[0]["lr"])
        return super().step(closure)


def _param_group(gan, network):
    return gan._fitted.optimizer_state[{"generator": 0, "discriminator": 1}[network]]["param_groups"][0]


@pytest.mark.parametrize(
    "loss, d_steps, expected",
    [("nonsaturating", "auto", 1), ("wasserstein-gp", "auto", 5), ("wasserstein-gp", 2, 2)],
)
def test_d_steps_auto_follows_the_loss(loss, d_steps, expected, tiny_sampler):
    CountingSGD.steps = []
    gan = tiny_sampler(
        loss=loss, d_steps=d_steps, optimizer=CountingSGD, learning_rate=0.01,
        discriminator_learning_rate=0.02, batch_size=8, max_iter=1, bandwidth=1.0,
    ).fit(X)
    n_d, n_g = CountingSGD.steps.count(0.02), CountingSGD.steps.count(0.01)
    assert n_g >= 1 and n_d == expected * n_g
    assert gan.n_iter_ == 1


def test_adam_betas_default_to_the_loss_and_yield_to_the_user(tiny_sampler):
    assert _param_group(tiny_sampler(max_iter=1).fit(X), "generator")["betas"] == (0.5, 0.999)
    wgan = tiny_sampler(loss=WassersteinGPLoss(), max_iter=1).fit(X)
    assert _param_group(wgan, "discriminator")["betas"] == (0.0, 0.9)
    custom = tiny_sampler(loss="wasserstein-gp", optimizer_kwargs={"betas": (0.3, 0.8)}, max_iter=1).fit(X)
    assert _param_group(custom, "generator")["betas"] == (0.3, 0.8)


@pytest.mark.parametrize(
    "optimizer, key, value", [("sgd", "momentum", 0.9), ("rmsprop", "alpha", 0.99), ("adam", "betas", (0.5, 0.999))]
)
def test_named_optimizers_with_two_time_scale_learning_rates(optimizer, key, value, tiny_sampler):
    gan = tiny_sampler(optimizer=optimizer, learning_rate=1e-3, discriminator_learning_rate=4e-3, max_iter=1).fit(X)
    assert _param_group(gan, "generator")[key] == value
    assert _param_group(gan, "generator")["lr"] == 1e-3
    assert _param_group(gan, "discriminator")["lr"] == 4e-3
    assert np.isfinite(gan.sample(5)).all()


def test_optimizer_errors_are_clear(tiny_sampler):
    with pytest.raises(ValueError, match="optimizer_kwargs cannot set 'lr'"):
        tiny_sampler(optimizer_kwargs={"lr": 1.0}).fit(X)
    with pytest.raises(ValueError, match="Cannot build the optimizer SGD"):
        tiny_sampler(optimizer="sgd", optimizer_kwargs={"momentum": 0.9, "nonsense": 1}).fit(X)
    with pytest.raises(ValueError, match="torch.optim.Optimizer subclass"):
        tiny_sampler(optimizer=dict).fit(X)


def test_warm_start_resumes_moments_and_restarts_a_changed_optimizer(tiny_sampler):
    gan = tiny_sampler(warm_start=True, max_iter=1).fit(X)
    first_state = gan._fitted.optimizer_state
    steps = float(first_state[0]["state"][0]["step"])
    gan.fit(X)
    assert float(gan._fitted.optimizer_state[0]["state"][0]["step"]) == 2 * steps
    assert float(first_state[0]["state"][0]["step"]) == steps  # the earlier fit's state is not mutated
    gan.set_params(optimizer="sgd").fit(X)
    assert "momentum" in _param_group(gan, "generator") and gan.n_iter_ == 3


class AutocastProbe(torch.nn.Module):
    """A discriminator that records whether autocast was on in its forward passes."""

    seen = []

    def __init__(self, n_features):
        super().__init__()
        self.linear = torch.nn.Linear(n_features, 1)

    def forward(self, x):
        AutocastProbe.seen.append(torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu"))
        return self.linear(x)


@pytest.mark.parametrize("precision", ["bfloat16", "float16"])
def test_mixed_precision_runs_the_forward_passes_under_autocast(precision, tiny_sampler):
    AutocastProbe.seen = []
    gan = tiny_sampler(discriminator=AutocastProbe, mixed_precision=precision, max_iter=2, device="cpu").fit(X)
    training_calls = AutocastProbe.seen[1:]  # the first is the float32 shape check
    assert training_calls and set(training_calls) == {getattr(torch, precision)}
    assert np.isfinite(gan.sample(10)).all() and all(np.isfinite(r["d_loss"]) for r in gan.history_)
    assert next(gan.generator_.parameters()).dtype == torch.float32


def test_compile_trains_through_compiled_forwards_and_keeps_plain_modules(monkeypatch, tiny_sampler):
    calls = []

    def spy_compile(module, **kwargs):
        calls.append((type(module).__name__, kwargs))
        return module

    monkeypatch.setattr(torch, "compile", spy_compile)
    gan = tiny_sampler(compile={"mode": "reduce-overhead"}, max_iter=1).fit(X)
    assert calls == [
        ("MLPGeneratorModule", {"mode": "reduce-overhead"}),
        ("MLPDiscriminatorModule", {"mode": "reduce-overhead"}),
    ]
    assert type(gan.generator_).__name__ == "MLPGeneratorModule"


def test_compile_with_a_real_backend_matches_eager_training(tiny_sampler):
    eager = tiny_sampler(max_iter=1, device="cpu").fit(X)
    compiled = tiny_sampler(max_iter=1, device="cpu", compile={"backend": "eager"}).fit(X)
    np.testing.assert_allclose(compiled.sample(5), eager.sample(5), rtol=1e-5, atol=1e-6)


def test_goodfellow_sgd_follows_the_original_schedule():
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = GoodfellowSGD([weight], lr=0.1, momentum=0.5, final_momentum=0.7, saturate_epoch=3,
                              decay_factor=2.0, min_lr=0.02)
    lrs, momenta = [], []
    for _ in range(4):
        weight.grad = torch.ones(1)
        optimizer.step()
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.on_epoch_end()
        momenta.append(optimizer.param_groups[0]["momentum"])
    assert lrs == [0.05, 0.025, 0.02, 0.02]  # halves per step, floored at min_lr
    assert momenta == pytest.approx([0.6, 0.7, 0.7, 0.7])  # linear, saturating after 3 epochs


def test_goodfellow_schedule_runs_in_fit_and_resumes_with_warm_start(tiny_sampler):
    gan = tiny_sampler(optimizer="goodfellow2014", learning_rate=0.01, batch_size=16, max_iter=2, bandwidth=1.0,
                       warm_start=True).fit(X)
    group = _param_group(gan, "generator")
    assert group["n_epochs"] == 2 and group["n_steps"] == 2 * 4
    assert group["lr"] == pytest.approx(0.01 / 1.000004**8)
    gan.fit(X)
    assert _param_group(gan, "generator")["n_epochs"] == 4


@pytest.mark.parametrize(
    "compile_options, match",
    [
        ({"mode": "nonsense"}, "compile\\['mode'\\] must be one of"),
        ({"options": {"cpp.cxx": "/bin/sh"}}, "cpp.cxx"),
        ({"fullgraph": "yes"}, "fullgraph"),
        ({"not_an_option": 1}, "not_an_option"),
    ],
)
def test_compile_options_are_checked_before_torch_sees_them(compile_options, match, monkeypatch, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(40, 2))
    monkeypatch.setattr(torch, "compile", lambda *args, **kwargs: pytest.fail("torch.compile was reached"))
    with pytest.raises(ValueError, match=match):
        tiny_sampler(max_iter=1, compile=compile_options).fit(X)


def test_adam_is_fused_on_the_cpu_unless_the_user_chooses(tiny_sampler):
    X = np.random.RandomState(0).normal(size=(40, 2))
    gan = tiny_sampler(max_iter=1).fit(X)
    assert _param_group(gan, "generator")["fused"] and _param_group(gan, "discriminator")["fused"]
    chosen = tiny_sampler(max_iter=1, optimizer_kwargs={"foreach": True}).fit(X)
    assert not _param_group(chosen, "generator")["fused"] and _param_group(chosen, "generator")["foreach"]
    # the fused step is Adam's: the same weights as the per-parameter loop, to float rounding
    loop = tiny_sampler(max_iter=1, optimizer_kwargs={"foreach": False}).fit(X)
    for a, b in zip(gan.generator_.parameters(), loop.generator_.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
