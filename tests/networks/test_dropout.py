import pytest
import torch
import torch.nn.functional as F

from skgan import (
    DCGANDiscriminator,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
)
from skgan._random import fit_random
from skgan.networks._dropout import Dropout


def _train_output(p, shape=(400, 250), seed=0):
    layer = Dropout(p).train()
    x = torch.rand(shape, generator=torch.Generator().manual_seed(0)) + 0.5  # no zeros
    torch.manual_seed(seed)
    return layer, x, layer(x)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_cpu_mask_drops_a_share_p_and_rescales_the_rest(p):
    _, x, out = _train_output(p)
    kept = out != 0
    # 100,000 Bernoulli draws: the share is within 5 standard deviations
    sd = (p * (1 - p) / x.numel()) ** 0.5
    assert abs(1 - kept.float().mean().item() - p) < 5 * sd
    torch.testing.assert_close(out[kept], x[kept] / (1 - p))


def test_cpu_mask_drops_units_independently():
    # every unit is dropped independently, not whole rows or columns
    _, _, out = _train_output(0.5, shape=(4000, 8))
    dropped_per_column = (out == 0).float().mean(dim=0)
    assert torch.all((dropped_per_column - 0.5).abs() < 0.05)
    assert 0 < (out == 0).all(dim=1).float().mean() < 0.01  # 0.5**8 = 0.4%


def test_gradient_is_the_mask_times_the_scale():
    layer = Dropout(0.3).train()
    x = (torch.rand(50, 20) + 0.5).requires_grad_()
    torch.manual_seed(1)
    out = layer(x)
    out.sum().backward()
    expected = (out != 0).float() / 0.7
    torch.testing.assert_close(x.grad, expected)


def test_same_seed_same_mask_and_eval_is_identity():
    first = _train_output(0.4, seed=3)[2]
    second = _train_output(0.4, seed=3)[2]
    other = _train_output(0.4, seed=4)[2]
    assert torch.equal(first, second) and not torch.equal(first, other)
    layer, x, _ = _train_output(0.4)
    assert torch.equal(layer.eval()(x), x)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_p_zero_and_one_behave_as_torch(p):
    _, x, out = _train_output(p)
    torch.testing.assert_close(out, F.dropout(x, p, training=True))


def test_inplace_keeps_torch_semantics():
    layer = Dropout(0.5, inplace=True).train()
    x = torch.rand(100, 10) + 0.5
    out = layer(x)
    assert out.data_ptr() == x.data_ptr()


@pytest.mark.parametrize(
    "factory",
    [
        lambda: MLPDiscriminator(dropout=0.3)(n_features=4),
        lambda: MLPGenerator(dropout=0.1)(latent_dim=3, n_features=4),
        lambda: MaxoutDiscriminator(hidden_layer_sizes=(6, 5), n_pieces=2)(n_features=4),
        lambda: DCGANDiscriminator(widths=(4, 8))(n_features=64, image_shape=(1, 8, 8)),
    ],
)
def test_networks_use_this_dropout(factory):
    layers = [m for m in factory().modules() if isinstance(m, torch.nn.Dropout)]
    assert layers and all(type(m) is Dropout for m in layers)


def test_inside_a_fit_the_mask_comes_from_the_fit_generator():
    layer = Dropout(0.4).train()
    x = torch.rand(50, 20, generator=torch.Generator().manual_seed(0)) + 0.5
    state = torch.get_rng_state()
    with fit_random(5):
        first = layer(x)
    with fit_random(5):
        second = layer(x)
    assert torch.equal(state, torch.get_rng_state())
    assert torch.equal(first, second)
    kept = torch.rand(x.shape, generator=torch.Generator().manual_seed(5)) >= 0.4
    assert torch.equal(first != 0, kept)
