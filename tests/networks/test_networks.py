import math

import numpy as np
import pytest
import torch
from sklearn.base import clone
from torch import nn

from skgan import GANSampler, Maxout, MaxoutDiscriminator, MLPDiscriminator, MLPGenerator
from skgan._noise import NOISE_BLOCK, noise_blocks, sample_noise
from skgan.networks._dropout import Dropout
from skgan.networks._factory import build_network
from skgan.networks._maxout import MaxoutDiscriminatorModule
from skgan.networks._presets import DISCRIMINATORS, GENERATORS


def layer_types(module):
    return [type(m) for m in module]


def test_generator_architecture():
    net = MLPGenerator(hidden_layer_sizes=(8, 6), activation="leaky_relu", dropout=0.5)(latent_dim=3, n_features=2)
    assert layer_types(net) == [
        nn.Linear, nn.BatchNorm1d, nn.LeakyReLU, Dropout,
        nn.Linear, nn.BatchNorm1d, nn.LeakyReLU, Dropout,
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
    expected = {"hidden_layer_sizes": (3,), "activation": "leaky_relu", "batch_norm": False, "dropout": 0.3, "pac": 1}
    assert spec.get_params() == expected
    copy = clone(spec).set_params(dropout=0.1)
    assert copy.dropout == 0.1 and spec.dropout == 0.3


@pytest.mark.parametrize(
    "params",
    [{"activation": "swish-ish"}, {"dropout": 1.0}, {"hidden_layer_sizes": (4, 0)}, {"output_activation": "relu"}],
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
    # nor on how many blocks come at a time
    chunks = list(noise_blocks(n, 3, "normal", seed=1, blocks_per_chunk=3))
    assert [len(c) for c in chunks] == [n] and torch.equal(chunks[0], a)
    n = 5 * NOISE_BLOCK + 7
    chunks = list(noise_blocks(n, 3, "uniform", seed=2, blocks_per_chunk=2))
    assert [len(c) for c in chunks] == [2 * NOISE_BLOCK, 2 * NOISE_BLOCK, NOISE_BLOCK + 7]
    assert torch.equal(torch.cat(chunks), torch.cat(list(noise_blocks(n, 3, "uniform", seed=2))))


def test_unknown_noise_prior():
    with pytest.raises(ValueError, match="noise prior"):
        sample_noise(2, 2, "cauchy")


# --- the paper's networks -------------------------------------------------


def test_maxout_is_the_max_over_pieces_of_a_linear_map():
    layer = Maxout(2, n_units=2, n_pieces=3)
    with torch.no_grad():
        layer.linear.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0],
                                                [2.0, 0.0], [0.0, -2.0], [1.0, 1.0]]))
        layer.linear.bias.copy_(torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, -10.0]))
    x = torch.tensor([[1.0, 2.0], [-3.0, -1.0]])
    # unit 0: max(x0, x1, -x0-x1); unit 1: max(2 x0, -2 x1, x0+x1-10)
    expected = torch.tensor([[2.0, 2.0], [4.0, 2.0]])
    assert torch.equal(layer(x), expected)


@pytest.mark.parametrize("args", [(0, 2, 2), (3, 2, 0), (3, 2.5, 2), (3, True, 2)])
def test_maxout_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="positive integer"):
        Maxout(*args)


def test_maxout_discriminator_architecture_and_shapes():
    net = MaxoutDiscriminator(hidden_layer_sizes=(6, 5), n_pieces=3)(n_features=4)
    assert isinstance(net.input_dropout, nn.Dropout) and net.input_dropout.p == 0.2
    assert layer_types(net.body) == [Maxout, Dropout, Maxout, Dropout, nn.Linear]
    assert [(m.n_units, m.n_pieces) for m in net.body if isinstance(m, Maxout)] == [(6, 3), (5, 3)]
    assert net.body[1].p == 0.5 and net.body[4].in_features == 5
    assert net.eval()(torch.zeros(7, 4)).shape == (7,)


def test_maxout_discriminator_conditional():
    net = MaxoutDiscriminator(hidden_layer_sizes=(6,), n_pieces=2, input_dropout=0.0, dropout=0.0)(
        n_features=4, n_classes=3
    )
    assert net.body[0].linear.in_features == 7
    x = torch.randn(5, 4)
    a, b = net(x, torch.zeros(5, dtype=torch.long)), net(x, torch.full((5,), 2))
    assert a.shape == (5,) and not torch.equal(a, b)


def test_maxout_discriminator_dropout_only_in_training():
    net = MaxoutDiscriminator(hidden_layer_sizes=(32,), n_pieces=2)(n_features=10)
    x = torch.randn(64, 10)
    torch.manual_seed(0)
    net.train()
    assert not torch.equal(net(x), net(x))
    net.eval()
    assert torch.equal(net(x), net(x))
    no_dropout = MaxoutDiscriminator((32,), n_pieces=2, input_dropout=0.0, dropout=0.0)(n_features=10)
    assert not any(isinstance(m, nn.Dropout) for m in no_dropout.modules())


def test_maxout_discriminator_is_a_parameter_holder():
    spec = MaxoutDiscriminator()
    assert spec.get_params() == {"hidden_layer_sizes": (240, 240), "n_pieces": 5, "input_dropout": 0.2, "dropout": 0.5}
    copy = clone(spec).set_params(n_pieces=2)
    assert copy.n_pieces == 2 and spec.n_pieces == 5
    for params in ({"n_pieces": 0}, {"input_dropout": 1.0}, {"hidden_layer_sizes": (4, 0)}):
        with pytest.raises(ValueError):
            MaxoutDiscriminator(**params)(n_features=3)


def n_parameters(module):
    return sum(p.numel() for p in module.parameters())


def test_goodfellow2014_presets_build_the_papers_networks():
    G = build_network("goodfellow2014", GENERATORS, "generator", latent_dim=100, n_features=784)
    assert layer_types(G) == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear, nn.Sigmoid]
    assert [(m.in_features, m.out_features) for m in G if isinstance(m, nn.Linear)] == [
        (100, 1200), (1200, 1200), (1200, 784)
    ]
    assert G.output_range == (0.0, 1.0)
    assert n_parameters(G) == 101 * 1200 + 1201 * 1200 + 1201 * 784
    D = build_network("goodfellow2014", DISCRIMINATORS, "discriminator", n_features=784)
    assert D.input_dropout.p == 0.2
    assert [(m.linear.in_features, m.n_units, m.n_pieces) for m in D.body if isinstance(m, Maxout)] == [
        (784, 240, 5), (240, 240, 5)
    ]
    assert [m.p for m in D.body if isinstance(m, nn.Dropout)] == [0.5, 0.5]
    assert n_parameters(D) == 785 * 1200 + 241 * 1200 + 241
    # each call is a fresh spec, so set_params on one never changes the preset
    assert GENERATORS["goodfellow2014"]() is not GENERATORS["goodfellow2014"]()


def test_goodfellow2014_presets_in_a_sampler():
    X = np.random.RandomState(0).rand(40, 16)
    gan = GANSampler(
        generator="goodfellow2014", discriminator="goodfellow2014", latent_dim=4, max_iter=2,
        batch_size=20, n_parzen_samples=50, random_state=0,
    ).fit(X)
    assert isinstance(gan.discriminator_, MaxoutDiscriminatorModule)
    assert gan.generator_[0].out_features == 1200 and gan.sample(3).shape == (3, 16)
    assert np.isfinite(gan.score(X))
    gan.set_params(discriminator__n_pieces=3)
    assert isinstance(gan.discriminator, MaxoutDiscriminator) and gan.discriminator.n_pieces == 3
    assert gan.discriminator.hidden_layer_sizes == (240, 240)  # the rest of the preset is kept
    copy = clone(gan)
    assert copy.get_params()["discriminator__n_pieces"] == 3 and copy.generator == "goodfellow2014"
    with pytest.raises(ValueError, match="generator"):
        GANSampler(generator="goodfellow").fit(X)


@pytest.mark.parametrize("n_classes", [None, 3])
def test_folded_generator_computes_the_eval_function(n_classes):
    torch.manual_seed(0)
    net = MLPGenerator(hidden_layer_sizes=(16, 8), dropout=0.2)(
        latent_dim=5, n_features=4, **({"n_classes": n_classes} if n_classes else {}))
    with torch.no_grad():  # running statistics away from their initial values
        for bn in (m for m in net if isinstance(m, torch.nn.BatchNorm1d)):
            bn.running_mean.uniform_(-1, 1)
            bn.running_var.uniform_(0.5, 2)
            bn.weight.uniform_(0.5, 2)
            bn.bias.uniform_(-1, 1)
    net.eval()
    folded = net.folded()
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in folded)
    assert sum(isinstance(m, torch.nn.Linear) for m in folded) == 3
    z = torch.randn(50, 5)
    labels = (torch.arange(50) % 3,) if n_classes else ()
    with torch.no_grad():
        torch.testing.assert_close(folded(z, *labels), net(z, *labels), rtol=1e-5, atol=1e-6)
    # in training mode the batch norms use batch statistics: nothing to fold
    net.train()
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in net.folded()) == 2
