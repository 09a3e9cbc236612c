import pytest
import torch

from skgan._training import train_gan
from skgan.losses import NonSaturatingLoss
from skgan.networks import MLPDiscriminator, MLPGenerator


class CountingAdam(torch.optim.Adam):
    def __init__(self, params):
        super().__init__(params, lr=1e-3)
        self.steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


def run(n_rows, batch_size, d_steps, max_iter=2):
    torch.manual_seed(0)
    G = MLPGenerator((8,))(latent_dim=2, n_features=3)
    D = MLPDiscriminator((8,))(n_features=3)
    g_opt, d_opt = CountingAdam(G.parameters()), CountingAdam(D.parameters())
    result = train_gan(
        G, D, torch.randn(n_rows, 3), loss=NonSaturatingLoss(), g_optimizer=g_opt, d_optimizer=d_opt,
        latent_dim=2, noise="normal", d_steps=d_steps, batch_size=batch_size, max_iter=max_iter,
    )
    return result, g_opt.steps, d_opt.steps


@pytest.mark.parametrize(
    "n_rows, batch_size, d_steps, g_per_epoch",
    [(64, 16, 1, 4), (64, 16, 2, 2), (64, 16, 3, 2), (10, 64, 5, 1), (70, 16, 1, 4)],
)
def test_k_discriminator_steps_per_generator_step(n_rows, batch_size, d_steps, g_per_epoch):
    result, g_steps, d_steps_done = run(n_rows, batch_size, d_steps)
    assert g_steps == 2 * g_per_epoch
    assert d_steps_done == d_steps * g_steps
    assert len(result.history) == 2 and result.stop_reason is None


def test_networks_end_in_eval_mode_with_trained_weights():
    torch.manual_seed(0)
    G = MLPGenerator((8,))(latent_dim=2, n_features=3)
    before = G[0].weight.detach().clone()
    D = MLPDiscriminator((8,))(n_features=3)
    train_gan(
        G, D, torch.randn(32, 3), loss=NonSaturatingLoss(),
        g_optimizer=torch.optim.Adam(G.parameters()), d_optimizer=torch.optim.Adam(D.parameters()),
        latent_dim=2, noise="uniform", d_steps=1, batch_size=8, max_iter=1,
    )
    assert not G.training and not D.training
    assert not torch.equal(G[0].weight, before)
