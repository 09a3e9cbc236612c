import numpy as np
import pytest
import torch

from skgan.losses import LOSSES, MinimaxLoss, NonSaturatingLoss


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
