"""Private fits (privacy=DPSGD): DP-SGD's clipped and noised steps, Poisson sampling, the budget, the conflicts."""

import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from skgan import GANSampler, MLPDiscriminator, WassersteinGPLoss, load
from skgan._training import BatchSource, ConditionSampler, PrivacyPlan, PrivateSteps, TrainingSteps, local_execution
from skgan._training._per_row import LinearRows, OpacusRows, row_clipper
from skgan.privacy import DPSGD
from skgan.privacy._dpsgd import spent_epsilon

pytest.importorskip("opacus")


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).uniform(-1, 1, size=(600, 3))


def private(**params):
    params = {"privacy": DPSGD(epsilon=3.0, statistics_share=0.5), "max_iter": 2, "random_state": 0,
              "n_parzen_samples": 200, **params}
    return GANSampler(**params)


# --------------------------------------------------------------------------
# the step: each row's gradient clipped, the sum noised
# --------------------------------------------------------------------------


def _steps(discriminator, bound, sigma=0.0, expected=4.0):
    plan = PrivacyPlan(sample_rate=0.5, noise_multiplier=sigma, max_grad_norm=bound, expected_rows=expected)
    context = SimpleNamespace(discriminator=discriminator, privacy=plan, execution=local_execution(),
                              rng=torch.Generator().manual_seed(0))
    steps = PrivateSteps(context)
    steps.setup()
    return steps


@pytest.mark.parametrize("clipper", [LinearRows, OpacusRows])
@pytest.mark.parametrize("bound", [1e-3, 0.05, 1e3])
def test_each_rows_gradient_is_clipped_then_summed(clipper, bound):
    torch.manual_seed(0)
    discriminator = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.LeakyReLU(0.2), torch.nn.Linear(5, 1))
    rows = torch.randn(6, 3)
    clipper = clipper(discriminator, *([[discriminator[0], discriminator[2]]] if clipper is LinearRows else []))
    out = clipper(rows).squeeze(1)
    leaf = out.detach().requires_grad_(True)
    slopes = torch.autograd.grad(torch.nn.functional.softplus(-leaf).sum(), leaf)[0]
    sums = clipper.clipped_sum(out, slopes, bound)
    clipper.close()
    # reference: one row at a time, float64
    reference = [torch.zeros_like(p, dtype=torch.float64) for p in discriminator.parameters()]
    twin = pickle.loads(pickle.dumps(discriminator)).double()
    for row in rows.double():
        twin.zero_grad()
        torch.nn.functional.softplus(-twin(row[None])).sum().backward()
        grads = [p.grad for p in twin.parameters()]
        norm = torch.sqrt(sum((g**2).sum() for g in grads))
        for total, g in zip(reference, grads, strict=True):
            total += g * min(1.0, bound / float(norm))
    for got, want in zip(sums, reference, strict=True):
        np.testing.assert_allclose(got.double().numpy(), want.numpy(), rtol=1e-4, atol=1e-7)


def test_linear_discriminators_take_the_fast_way_and_others_opacus():
    assert isinstance(row_clipper(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))), LinearRows)
    assert isinstance(row_clipper(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LayerNorm(4),
                                                      torch.nn.Linear(4, 1))), OpacusRows)


def test_the_noise_has_the_planned_scale():
    discriminator = torch.nn.Linear(200, 50)
    steps = _steps(discriminator, bound=0.5, sigma=2.0)
    zeros = [torch.zeros_like(p) for p in discriminator.parameters()]
    noise = torch.cat([n.reshape(-1) for n in steps._noised(zeros)])
    assert noise.std().item() == pytest.approx(2.0 * 0.5, rel=0.03)
    assert abs(noise.mean().item()) < 0.02


def test_no_hooks_are_left_on_the_discriminator(X):
    gan = private().fit(X)
    modules = list(gan.discriminator_.modules())
    assert not any(m._forward_hooks or m._backward_hooks or getattr(m, "_forward_pre_hooks", None) for m in modules)
    assert not any(hasattr(p, "grad_sample") and p.grad_sample is not None for p in gan.discriminator_.parameters())
    pickle.dumps(gan)


# --------------------------------------------------------------------------
# Poisson sampling and conditions
# --------------------------------------------------------------------------


def test_poisson_batches_include_each_row_with_the_sample_rate():
    X = torch.arange(1000, dtype=torch.float32)[:, None]
    source = BatchSource(X, 100, 50, 2, "normal", local_execution(), torch.Generator().manual_seed(0), poisson=True)
    source.start_epoch(1)
    batches = [source.discriminator_batch(step) for step in range(1, 51)]
    sizes = np.array([len(batch.real) for batch in batches])
    assert sizes.std() > 0  # sizes vary, as a Poisson sample's do
    assert sizes.mean() == pytest.approx(100, rel=0.05)
    counts = np.bincount(torch.cat([b.real[:, 0] for b in batches]).long().numpy(), minlength=1000)
    assert counts.mean() == pytest.approx(5.0, rel=0.05) and counts.max() < 20
    assert all(len(batch.noise) == 100 for batch in batches)  # the generated rows: the expected number


def test_private_conditions_are_the_rows_own_and_drawn_by_the_private_counts():
    codes = np.array([[0, 1], [1, 0], [1, 1], [0, 0]] * 25)
    sampler = ConditionSampler(codes, [2, 2], [0, 2], torch.device("cpu"))
    sampler.for_private_fit(counts=[0.0, 10.0, 5.0, 5.0], codes=codes)
    rng = torch.Generator().manual_seed(0)
    rows = torch.arange(100)
    keys = sampler.keys_of(rows, rng)
    column = (keys >= 2).long()
    assert torch.equal(keys - 2 * column, torch.as_tensor(codes)[rows, column])  # each row's own category
    drawn = sampler.draw(4000, rng, log_frequency=False)
    assert not (drawn == 0).any()  # a category whose private count is 0 is never a condition


# --------------------------------------------------------------------------
# the budget
# --------------------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [1.0, 8.0])
def test_the_fit_spends_at_most_its_budget_and_says_so(X, epsilon):
    gan = private(privacy=DPSGD(epsilon=epsilon, statistics_share=0.5)).fit(X)
    spent, delta = gan.privacy_spent_
    assert delta == pytest.approx(1 / (10 * len(X)))
    assert 0.97 * epsilon <= spent <= epsilon  # the noise is the smallest that fits the budget
    assert not hasattr(GANSampler(max_iter=1, bandwidth=0.5).fit(X), "privacy_spent_")


def test_a_larger_budget_means_less_noise():
    strict, loose = DPSGD(epsilon=1.0), DPSGD(epsilon=10.0)
    assert strict.noise_multiplier(1000, 64, 500) > 2 * loose.noise_multiplier(1000, 64, 500)
    sigma = strict.noise_multiplier(1000, 64, 500)
    assert spent_epsilon("rdp", sigma, 0.064, 500, 5e-5) <= 0.9 + 1e-6  # half of delta: DP-SGD's


def test_a_private_model_file_keeps_its_budget(X, tmp_path):
    gan = private().fit(X)
    gan.save(tmp_path / "private.skgan")
    loaded = load(tmp_path / "private.skgan")
    assert loaded.privacy_spent_ == gan.privacy_spent_
    assert loaded.privacy.get_params() == gan.privacy.get_params()
    np.testing.assert_array_equal(loaded.sample(5, random_state=1), gan.sample(5, random_state=1))


def test_private_fits_are_reproducible_and_hold_out_no_row(X):
    first, second = private().fit(X), private().fit(X)
    np.testing.assert_array_equal(first.sample(20), second.sample(20))
    assert first._fitted.pending_choice is None or first._fitted.pending_choice[0] is None
    assert first.bandwidth_ > 0  # chosen on generated rows


def test_class_conditional_private_fit_draws_classes_by_noisy_frequencies(X):
    y = np.array([0] * 500 + [1] * 100)
    gan = private().fit(X, y)
    prior = gan._fitted.class_prior
    assert prior.sum() == pytest.approx(1.0) and not np.allclose(prior, [5 / 6, 1 / 6], atol=1e-9)
    assert prior[1] == pytest.approx(1 / 6, abs=0.05)


# --------------------------------------------------------------------------
# settings that would let real rows through, and bad budgets
# --------------------------------------------------------------------------


class _OwnSteps(GANSampler):
    def training_steps(self):
        return TrainingSteps


@pytest.mark.parametrize("params, match", [
    ({"early_stopping": True}, "early stopping"),
    ({"moment_weight": 0.5}, "moment matching"),
    ({"loss": WassersteinGPLoss()}, "gradient penalty"),
    ({"discriminator": MLPDiscriminator(pac=2)}, "pac"),
    ({"discriminator": MLPDiscriminator(batch_norm=True)}, "batch norm"),
    ({"privacy": DPSGD(epsilon=0)}, "epsilon"),
    ({"privacy": DPSGD(epsilon=float("inf"))}, "epsilon"),
    ({"privacy": DPSGD(delta=0.01)}, "delta"),
    ({"privacy": DPSGD(statistics_share=1.0)}, "statistics_share"),
])
def test_a_leaking_or_bad_setting_is_a_clear_error(X, params, match):
    with pytest.raises(ValueError, match=match):
        private(**params).fit(X)


def test_steps_that_do_not_clip_are_refused(X):
    with pytest.raises(ValueError, match="PrivateSteps"):
        _OwnSteps(privacy=DPSGD(), max_iter=1, random_state=0).fit(X)


def test_warm_start_would_spend_more_and_is_refused(X):
    gan = private(warm_start=True).fit(X)
    with pytest.raises(ValueError, match="warm_start or partial_fit"):
        gan.fit(X)
    with pytest.raises(ValueError, match="warm_start or partial_fit"):
        gan.partial_fit(X)


def test_a_step_adds_the_generated_rows_gradient_to_the_clipped_sum_over_the_expected_rows():
    from skgan._training import Batch
    from skgan.losses import NonSaturatingLoss

    torch.manual_seed(0)
    discriminator = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.LeakyReLU(0.2), torch.nn.Linear(4, 1))
    generator = torch.nn.Linear(3, 2)
    before = [p.detach().clone() for p in discriminator.parameters()]
    plan = PrivacyPlan(sample_rate=0.5, noise_multiplier=0.0, max_grad_norm=0.1, expected_rows=8.0)
    optimizer = torch.optim.SGD(discriminator.parameters(), lr=1.0)
    context = SimpleNamespace(discriminator=discriminator, privacy=plan, execution=local_execution(),
                              rng=torch.Generator().manual_seed(0), generator_forward=generator,
                              game=SimpleNamespace(loss=NonSaturatingLoss()),
                              state=SimpleNamespace(d_optimizer=optimizer))
    steps = PrivateSteps(context)
    steps.setup()
    real, noise = torch.randn(5, 2), torch.randn(6, 3)
    steps.discriminator_step(Batch(1, 1, noise, (), real))
    steps.teardown()
    # reference: the generated rows' mean gradient, plus each real row's clipped gradient summed over 8
    twin = pickle.loads(pickle.dumps(discriminator))
    for p, value in zip(twin.parameters(), before, strict=True):
        p.data.copy_(value)
    twin.zero_grad()
    torch.nn.functional.softplus(twin(generator(noise).detach())).mean().backward()
    expected = [p.grad.clone() for p in twin.parameters()]
    for row in real:
        twin.zero_grad()
        torch.nn.functional.softplus(-twin(row[None])).sum().backward()
        grads = [p.grad.clone() for p in twin.parameters()]
        factor = min(1.0, 0.1 / float(torch.sqrt(sum((g**2).sum() for g in grads))))
        expected = [e + g * factor / 8.0 for e, g in zip(expected, grads, strict=True)]
    for p, b, e in zip(discriminator.parameters(), before, expected, strict=True):
        torch.testing.assert_close(b - p.detach(), e, atol=1e-6, rtol=1e-4)
