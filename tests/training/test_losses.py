import numpy as np
import pytest
import torch
from sklearn.base import clone

from skgan._random import fit_random
from skgan.losses import (
    LOSSES,
    HingeLoss,
    LeastSquaresLoss,
    MinimaxLoss,
    NonSaturatingLoss,
    WassersteinGPLoss,
)


def D(logits):
    return 1 / (1 + np.exp(-logits))


REAL = np.array([2.0, -1.0, 0.5])
FAKE = np.array([-3.0, 0.0, 40.0])


@pytest.mark.parametrize("loss", [MinimaxLoss(), NonSaturatingLoss()])
def test_discriminator_loss_is_binary_cross_entropy(loss):
    value = loss.discriminator_loss(torch.tensor(REAL), torch.tensor(FAKE)).item()
    expected = -np.mean(np.log(D(REAL))) - np.mean(np.log1p(-D(FAKE[:2])).tolist() + [-40.0])
    # the last fake logit saturates D: log(1 - D) = -40 to double precision
    assert value == pytest.approx(expected, rel=1e-9)


def test_generator_losses_match_the_paper():
    fake = torch.tensor(FAKE[:2])
    assert MinimaxLoss().generator_loss(fake).item() == pytest.approx(np.mean(np.log1p(-D(FAKE[:2]))))
    assert NonSaturatingLoss().generator_loss(fake).item() == pytest.approx(-np.mean(np.log(D(FAKE[:2]))))


@pytest.mark.parametrize("name", ["minimax", "nonsaturating"])
def test_generator_gradient_pushes_fakes_towards_real(name):
    fake = torch.tensor([-4.0, 0.0, 4.0], requires_grad=True)
    LOSSES[name]().generator_loss(fake).backward()
    assert torch.all(fake.grad < 0)  # descending raises D(G(z))


def test_nonsaturating_gradient_is_strong_where_minimax_saturates():
    grads = {}
    for name in LOSSES:
        fake = torch.tensor([-8.0], requires_grad=True)  # D confidently rejects
        LOSSES[name]().generator_loss(fake).backward()
        grads[name] = abs(fake.grad.item())
    assert grads["minimax"] < 1e-3
    assert grads["nonsaturating"] > 0.9


def test_discriminator_gradient_separates_real_and_fake():
    real = torch.zeros(2, requires_grad=True)
    fake = torch.zeros(2, requires_grad=True)
    MinimaxLoss().discriminator_loss(real, fake).backward()
    assert torch.all(real.grad < 0) and torch.all(fake.grad > 0)


def test_losses_stay_finite_when_d_saturates():
    big = torch.tensor([1e4, -1e4])
    for loss in (MinimaxLoss(), NonSaturatingLoss()):
        assert torch.isfinite(loss.discriminator_loss(big, big))
        assert torch.isfinite(loss.generator_loss(big))


# --- losses beyond the paper's --------------------------------------------


def test_least_squares_losses_match_their_formulas():
    real, fake = np.array([0.3, 1.5]), np.array([-0.2, 0.8])
    loss = LeastSquaresLoss()
    d = loss.discriminator_loss(torch.tensor(real), torch.tensor(fake)).item()
    g = loss.generator_loss(torch.tensor(fake)).item()
    assert d == pytest.approx(0.5 * (np.mean((real - 1) ** 2) + np.mean(fake**2)))
    assert g == pytest.approx(0.5 * np.mean((fake - 1) ** 2))


def test_hinge_losses_match_their_formulas():
    real, fake = np.array([0.5, 2.0, -1.0]), np.array([-3.0, 0.0, 0.5])
    loss = HingeLoss()
    d = loss.discriminator_loss(torch.tensor(real), torch.tensor(fake)).item()
    assert d == pytest.approx(np.mean(np.maximum(0, 1 - real)) + np.mean(np.maximum(0, 1 + fake)))
    assert loss.generator_loss(torch.tensor(fake)).item() == pytest.approx(-fake.mean())


def test_wasserstein_loss_is_the_critic_gap():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.5, -0.5])
    loss = WassersteinGPLoss()
    assert loss.discriminator_loss(real, fake).item() == pytest.approx(0.0 - 2.0)
    assert loss.generator_loss(fake).item() == pytest.approx(0.0)


@pytest.mark.parametrize("name", ["wasserstein-gp", "hinge", "least-squares"])
def test_new_losses_push_gradients_the_right_way(name):
    """D raises its output on real rows and lowers it on fakes; G raises it on fakes."""
    loss = LOSSES[name]()
    real = torch.full((3,), 0.5, requires_grad=True)  # inside every margin and away from every target
    fake = torch.full((3,), 0.5, requires_grad=True)
    loss.discriminator_loss(real, fake).backward()
    assert torch.all(real.grad < 0) and torch.all(fake.grad > 0)
    fake = torch.full((3,), 0.5, requires_grad=True)
    loss.generator_loss(fake).backward()
    assert torch.all(fake.grad < 0)


def test_gradient_penalty_matches_a_hand_computation():
    """Critic f(x) = sum(w * x^2): grad at x_hat = 2 w x_hat, known in closed form."""
    torch.manual_seed(0)
    w = torch.tensor([1.0, -2.0, 0.5])

    def critic(x):
        return (w * x**2).sum(dim=1)

    real, fake = torch.randn(5, 3), torch.randn(5, 3)
    torch.manual_seed(1)
    penalty = WassersteinGPLoss(gp_weight=7.0).penalty(critic, real, fake).item()
    torch.manual_seed(1)
    mix = torch.rand(5, 1)  # the penalty draws the interpolation weights first
    x_hat = (mix * real + (1 - mix) * fake).double()
    norms = np.linalg.norm((2 * w.double() * x_hat).numpy(), axis=1)
    assert penalty == pytest.approx(7.0 * np.mean((norms - 1) ** 2), rel=1e-5)


def test_gradient_penalty_draws_from_the_fit_generator_inside_a_fit():
    def critic(x):
        return (x**2).sum(dim=1)

    real, fake = torch.randn(5, 3), torch.randn(5, 3)
    state = torch.get_rng_state()
    with fit_random(4):
        penalty = WassersteinGPLoss().penalty(critic, real, fake)
    assert torch.equal(state, torch.get_rng_state())
    mix = torch.rand(5, 1, generator=torch.Generator().manual_seed(4))
    x_hat = mix * real + (1 - mix) * fake
    expected = 10.0 * ((2 * x_hat).norm(dim=1) - 1).square().mean()
    torch.testing.assert_close(penalty, expected)


def test_gradient_penalty_is_differentiable_in_the_critic_weights():
    critic = torch.nn.Linear(2, 1)
    penalty = WassersteinGPLoss().penalty(critic, torch.randn(4, 2), torch.randn(4, 2))
    penalty.backward()
    assert critic.weight.grad is not None and torch.any(critic.weight.grad != 0)


def test_zero_gradient_penalty_weight_adds_nothing():
    assert WassersteinGPLoss(gp_weight=0).penalty(torch.nn.Linear(2, 1), torch.ones(2, 2), torch.ones(2, 2)) is None


def test_report_is_a_probability_only_for_logit_losses():
    outputs = torch.tensor([0.0, 3.0])
    assert torch.allclose(NonSaturatingLoss().report(outputs), torch.sigmoid(outputs))
    assert torch.equal(HingeLoss().report(outputs), outputs)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_short_fit_with_each_loss_gives_finite_samples(name, tiny_sampler):
    X = np.random.RandomState(0).normal(size=(64, 3))
    gan = tiny_sampler(loss=name, max_iter=2).fit(X)
    assert len(gan.history_) == 2
    assert all(np.isfinite(list(record.values())).all() for record in gan.history_)
    assert np.isfinite(gan.sample(20)).all()


def test_loss_options_through_nested_parameters(tiny_sampler):
    gan = tiny_sampler(loss="wasserstein-gp").set_params(loss__gp_weight=2.5)
    assert isinstance(gan.loss, WassersteinGPLoss) and gan.loss.gp_weight == 2.5
    assert clone(gan).loss.gp_weight == 2.5
    with pytest.raises(ValueError, match="gp_weight"):
        tiny_sampler(loss=WassersteinGPLoss(gp_weight=-1.0)).fit(np.zeros((20, 2)) + np.arange(20)[:, None])
