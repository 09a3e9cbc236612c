import pytest
import torch

from skgan._training import GameSettings, TrainingState, train_gan
from skgan.losses import NonSaturatingLoss
from skgan.networks import MLPDiscriminator, MLPGenerator


class CountingAdam(torch.optim.Adam):
    def __init__(self, params):
        super().__init__(params, lr=1e-3)
        self.steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


def training_state(optimizer=CountingAdam):
    G = MLPGenerator((8,))(latent_dim=2, n_features=3)
    D = MLPDiscriminator((8,))(n_features=3)
    return TrainingState(G, D, optimizer(G.parameters()), optimizer(D.parameters()))


def game(d_steps, batch_size, noise="normal"):
    return GameSettings(loss=NonSaturatingLoss(), latent_dim=2, noise=noise, d_steps=d_steps, batch_size=batch_size)


def run(n_rows, batch_size, d_steps, max_iter=2):
    torch.manual_seed(0)
    state = training_state()
    result = train_gan(state, torch.randn(n_rows, 3), game(d_steps, batch_size), epochs=range(1, max_iter + 1))
    return result, state.g_optimizer.steps, state.d_optimizer.steps


@pytest.mark.parametrize(
    "n_rows, batch_size, d_steps, g_per_epoch",
    [(64, 16, 1, 4), (64, 16, 2, 2), (64, 16, 3, 2), (10, 64, 5, 1), (70, 16, 1, 4)],
)
def test_k_discriminator_steps_per_generator_step(n_rows, batch_size, d_steps, g_per_epoch):
    result, g_steps, d_steps_done = run(n_rows, batch_size, d_steps)
    assert g_steps == 2 * g_per_epoch
    assert d_steps_done == d_steps * g_steps
    assert result.n_epochs == 2 and result.stop_reason is None


def test_networks_end_in_eval_mode_with_trained_weights():
    torch.manual_seed(0)
    state = training_state(lambda params: torch.optim.Adam(params))
    before = state.generator[0].weight.detach().clone()
    train_gan(state, torch.randn(32, 3), game(1, 8, noise="uniform"), epochs=range(1, 2))
    assert not state.generator.training and not state.discriminator.training
    assert not torch.equal(state.generator[0].weight, before)
