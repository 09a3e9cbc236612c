import math

import pytest
import torch
from sklearn.base import clone
from torch import nn

from skgan import MLPDiscriminator, MLPGenerator
from skgan._noise import NOISE_BLOCK, noise_blocks, sample_noise


def layer_types(module):
    return [type(m) for m in module]


def test_generator_architecture():
    net = MLPGenerator(hidden_layer_sizes=(8, 6), activation="leaky_relu", dropout=0.5)(latent_dim=3, n_features=2)
    assert layer_types(net) == [
        nn.Linear, nn.BatchNorm1d, nn.LeakyReLU, nn.Dropout,
        nn.Linear, nn.BatchNorm1d, nn.LeakyReLU, nn.Dropout,
        nn.Linear, nn.Tanh,
    ]
    assert [m.out_features for m in net if isinstance(m, nn.Linear)] == [8, 6, 2]
    assert net[2].negative_slope == 0.2
    assert net.output_range == (-1.0, 1.0)


def test_discriminator_architecture_and_output_shape():
    net = MLPDiscriminator(hidden_layer_sizes=5, batch_norm=True, dropout=0.0)(n_features=4)
    assert layer_types(net) == [nn.Linear, nn.BatchNorm1d, nn.LeakyReLU, nn.Linear]
    assert net.eval()(torch.zeros(7, 4)).shape == (7,)


@pytest.mark.parametrize("activation, bounds", [("tanh", (-1, 1)), ("sigmoid", (0, 1)), ("identity", None)])
def test_output_activation_and_range(activation, bounds):
    net = MLPGenerator((4,), output_activation=activation)(latent_dim=2, n_features=3)
    assert net.output_range == (None if bounds is None else tuple(map(float, bounds)))
    out = net.eval()(torch.randn(50, 2) * 100)
    if bounds is not None:
        assert out.min() >= bounds[0] and out.max() <= bounds[1]


def test_each_call_builds_a_fresh_module():
    spec = MLPGenerator((4,))
    a, b = spec(latent_dim=2, n_features=3), spec(latent_dim=2, n_features=3)
    assert a is not b and a[0].weight.data_ptr() != b[0].weight.data_ptr()


def test_specs_are_sklearn_parameter_holders():
    spec = MLPDiscriminator(hidden_layer_sizes=(3,))
    assert spec.get_params() == {"hidden_layer_sizes": (3,), "activation": "leaky_relu", "batch_norm": False, "dropout": 0.3}
    copy = clone(spec).set_params(dropout=0.1)
    assert copy.dropout == 0.1 and spec.dropout == 0.3


@pytest.mark.parametrize(
    "params", [{"activation": "swish-ish"}, {"dropout": 1.0}, {"hidden_layer_sizes": (4, 0)}, {"output_activation": "relu"}]
)
def test_invalid_spec_parameters(params):
    with pytest.raises(ValueError):
        MLPGenerator(**params)(latent_dim=2, n_features=2)


def test_uniform_noise_has_unit_variance_support():
    z = sample_noise(200_000, 2, "uniform", generator=torch.Generator().manual_seed(0))
    bound = math.sqrt(3)
    assert z.min() >= -bound and z.max() <= bound and z.min() < -0.99 * bound
    assert z.var().item() == pytest.approx(1.0, abs=0.01)


def test_noise_blocks_depend_only_on_seed():
    n = NOISE_BLOCK + 10
    a = torch.cat(list(noise_blocks(n, 3, "normal", seed=1)))
    b = torch.cat(list(noise_blocks(n, 3, "normal", seed=1)))
    assert a.shape == (n, 3) and torch.equal(a, b)
    # the first rows do not depend on how many rows are asked for
    assert torch.equal(torch.cat(list(noise_blocks(5, 3, "normal", seed=1))), a[:5])


def test_unknown_noise_prior():
    with pytest.raises(ValueError, match="noise prior"):
        sample_noise(2, 2, "cauchy")
