"""Networks for mixed-type tables: output heads that follow an OutputLayout, residual layers, PacGAN."""

import copy
import math
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from skgan import GANSampler, MLPDiscriminator, MLPGenerator
from skgan._generation import generate_rows
from skgan._random import fit_random
from skgan.losses import WassersteinGPLoss
from skgan.networks import LayoutActivation, ModuleFactory, build_network, call_factory, check_network_shapes
from skgan.networks._heads import gumbel_noise, layout_gates
from skgan.networks._mlp import Residual
from skgan.networks._presets import DISCRIMINATORS, GENERATORS
from skgan.preprocessing import OutputBlock, OutputLayout

LAYOUT = OutputLayout([
    OutputBlock("continuous", 0, 2),
    OutputBlock("categorical", 2, 5, name="colour"),
    OutputBlock("continuous", 5, 6),
    OutputBlock("categorical", 6, 8, name="size"),
])
CONTINUOUS = [0, 1, 5]
CATEGORICAL = [(2, 5), (6, 8)]


def build(seed=0, spec=None, **kwargs):
    spec = MLPGenerator(hidden_layer_sizes=(16, 8)) if spec is None else spec
    with fit_random(seed):
        return spec(latent_dim=4, n_features=8, **kwargs)


def run(net, n=2000, seed=1, z_seed=0):
    z = torch.randn(n, 4, generator=torch.Generator().manual_seed(z_seed))
    with fit_random(seed), torch.no_grad():
        return net(z)


def assert_same_module(a, b):
    assert [type(m) for m in a] == [type(m) for m in b]
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    assert all(torch.equal(sa[key], sb[key]) for key in sa)


# --------------------------------------------------------------------------
# output heads
# --------------------------------------------------------------------------


def test_layout_head_outputs_activation_and_near_one_hot_blocks():
    net = build(output_layout=LAYOUT)
    assert isinstance(net[-1], LayoutActivation) and isinstance(net[-2], nn.Linear)
    assert net[-1].blocks == (("continuous", 0, 2), ("categorical", 2, 5), ("continuous", 5, 6),
                              ("categorical", 6, 8))
    for mode in (net.train, net.eval):
        mode()
        out = run(net)
        assert out.shape == (2000, 8) and torch.isfinite(out).all()
        assert out[:, CONTINUOUS].abs().max() <= 1
        assert out[:, CONTINUOUS].std() > 0.01  # the tanh of the logits, not something constant
        for start, stop in CATEGORICAL:
            block = out[:, start:stop]
            assert block.min() >= 0
            torch.testing.assert_close(block.sum(dim=1), torch.ones(2000))
            top = block.max(dim=1).values  # tau = 0.2: nearly one-hot (at tau = 1, 11% of rows pass 0.9)
            assert (top > 0.9).float().mean() > 0.6 and top.mean() > 0.85


def test_higher_temperature_gives_softer_blocks():
    sharp = run(build(output_layout=LAYOUT).eval())[:, 2:5].max(dim=1).values.mean()
    soft = run(build(spec=MLPGenerator((16, 8), gumbel_tau=5.0), output_layout=LAYOUT).eval())[:, 2:5]
    assert soft.max(dim=1).values.mean() < 0.6 < sharp


def test_continuous_columns_are_todays_output_and_init_draws_unchanged():
    plain, headed = build(), build(output_layout=LAYOUT)
    # the head adds no parameters and no draws
    assert [type(m) for m in plain][:-1] == [type(m) for m in headed][:-1]
    sa, sb = plain.state_dict(), headed.state_dict()
    assert list(sa) == list(sb) and all(torch.equal(sa[key], sb[key]) for key in sa)
    plain.eval(), headed.eval()
    torch.testing.assert_close(run(headed)[:, CONTINUOUS], run(plain)[:, CONTINUOUS], rtol=0, atol=0)


@pytest.mark.parametrize("layout", [None, OutputLayout.continuous(8),
                                    [("continuous", 0, 3), ("continuous", 3, 8)]])
def test_no_categorical_block_builds_todays_module(layout):
    today, net = build(), build(output_layout=layout)
    assert_same_module(today, net)
    assert isinstance(net[-1], nn.Tanh)
    assert torch.equal(run(today.eval()), run(net.eval()))


def test_eval_draws_are_reproducible_under_a_seed_and_differ_between_seeds():
    net = build(output_layout=LAYOUT).eval()
    a, b, c = run(net, seed=3), run(net, seed=3), run(net, seed=4)
    assert torch.equal(a, b)
    assert not torch.equal(a[:, 2:5].argmax(1), c[:, 2:5].argmax(1))
    # the noise comes from the fit's generator, never torch's global one
    state = torch.get_rng_state()
    run(net)
    assert torch.equal(state, torch.get_rng_state())


def test_category_frequencies_follow_the_softmax_of_the_logits():
    net = build(output_layout=LAYOUT).eval()
    probabilities = torch.tensor([0.75, 0.2, 0.05])
    with torch.no_grad():
        net[-2].weight.zero_()
        net[-2].bias[2:5] = probabilities.log() + 1.5  # a shift changes nothing
        net[-2].bias[6:8] = torch.tensor([0.0, 3.0])  # P(second) = sigmoid(3) = 0.953
    out = run(net, n=20000, seed=11)
    counts = torch.bincount(out[:, 2:5].argmax(1), minlength=3) / 20000
    assert torch.allclose(counts, probabilities, atol=0.015), counts
    assert abs((out[:, 6:8].argmax(1) == 1).float().mean() - 1 / (1 + math.exp(-3))) < 0.01
    # the near-one-hot rows put their mass where the draws are
    assert abs(out[:, 2:5].mean(0)[0] - 0.75) < 0.05


def test_gradients_flow_to_the_block_logits():
    net = build(output_layout=LAYOUT).train()
    weights = torch.randn(8, generator=torch.Generator().manual_seed(5))
    z = torch.randn(64, 4)
    with fit_random(2):
        (net(z) * weights).sum().backward()
    grad = net[-2].weight.grad
    for start, stop in CATEGORICAL + [(0, 2), (5, 6)]:
        assert grad[start:stop].abs().sum() > 0
    assert all(torch.isfinite(p.grad).all() for p in net.parameters())


def test_folded_generator_keeps_the_head():
    net = build(output_layout=LAYOUT)
    with torch.no_grad():  # running statistics away from their initial values
        for bn in (m for m in net if isinstance(m, nn.BatchNorm1d)):
            bn.running_mean.uniform_(-1, 1)
            bn.running_var.uniform_(0.5, 2)
    net.eval()
    folded = net.folded()
    assert not any(isinstance(m, nn.BatchNorm1d) for m in folded)
    assert isinstance(folded[-1], LayoutActivation)
    torch.testing.assert_close(run(folded), run(net), rtol=1e-4, atol=1e-5)


def test_head_survives_deepcopy_pickle_and_state_dict():
    net = build(output_layout=LAYOUT).eval()
    assert not any(key.startswith(f"{len(net) - 1}.") for key in net.state_dict())
    for other in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert other[-1].blocks == net[-1].blocks and other[-1].tau == 0.2
        assert torch.equal(run(other), run(net))
    fresh = build(seed=9, output_layout=LAYOUT).eval()
    fresh.load_state_dict(net.state_dict())
    assert torch.equal(run(fresh), run(net))


class _Identity:
    """A scaling that leaves the columns as they are (what generate_rows needs)."""

    n_data_features = 8

    def to_data(self, block, out):
        out[...] = block


def test_generate_rows_draws_categories():
    net = build(output_layout=LAYOUT).eval()
    args = (net, _Identity(), torch.device("cpu"), 4, "normal", 3000, 0)
    with fit_random(6):
        a = generate_rows(*args)
    with fit_random(6):
        b = generate_rows(*args)
    assert np.array_equal(a, b) and np.isfinite(a).all()
    np.testing.assert_allclose(a[:, 2:5].sum(1), 1, rtol=1e-5)
    assert len(np.unique(a[:, 2:5].argmax(1))) > 1  # drawn, not always the most likely category


def test_softmax_runs_in_float32_under_autocast():
    net = build(output_layout=LAYOUT).eval()
    z = torch.randn(32, 4)
    with fit_random(0), torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        out = net(z)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out[:, 2:5].sum(1), torch.ones(32), rtol=0, atol=1e-6)


def test_gumbel_noise_stays_finite_at_the_ends_of_the_uniforms(monkeypatch):
    monkeypatch.setattr("skgan.networks._heads.rand", lambda *shape, **kw: torch.tensor([[0.0, 1.0, 0.5]]))
    noise = gumbel_noise((1, 3), torch.device("cpu"))
    assert torch.isfinite(noise).all()
    assert noise[0, 2] == pytest.approx(-math.log(math.log(2)), rel=1e-6)
    head = LayoutActivation([("categorical", 0, 3)])
    out = head(torch.tensor([[1e4, -1e4, 0.0]]))
    assert torch.isfinite(out).all() and out[0, 0] == 1


def _reference_head(logits, noise, blocks, tau):
    """Per block, in float64: tanh on continuous runs, softmax((logits + noise) / tau) on categorical blocks."""
    pieces, offset = [], 0
    for kind, start, stop in blocks:
        block = logits[:, start:stop].double()
        if kind == "continuous":
            pieces.append(torch.tanh(block))
        else:
            pieces.append(torch.softmax((block + noise[:, offset:offset + stop - start].double()) / tau, dim=1))
            offset += stop - start
    return torch.cat(pieces, dim=1)


@pytest.mark.parametrize("blocks", [
    [("categorical", 0, 3)],
    [("continuous", 0, 2), ("categorical", 2, 5), ("continuous", 5, 6), ("categorical", 6, 8),
     ("categorical", 8, 12)],
    [("categorical", 0, 2), ("continuous", 2, 3)],
    [("continuous", 0, 3)],
])
def test_head_matches_a_per_block_reference_with_gradients(blocks):
    n_columns = blocks[-1][2]
    n_categorical = sum(stop - start for kind, start, stop in blocks if kind == "categorical")
    # logits far apart between blocks: each block's softmax must be shifted by its own maximum
    logits = (torch.randn(7, n_columns, generator=torch.Generator().manual_seed(0)) * 3
              + torch.arange(n_columns) * 40.0).requires_grad_()
    with fit_random(3):
        noise = gumbel_noise((7, n_categorical), torch.device("cpu"))
    head = LayoutActivation(blocks, tau=0.5)
    with fit_random(3):
        out = head(logits)
    expected_logits = logits.detach().double().requires_grad_()
    expected = _reference_head(expected_logits, noise, blocks, 0.5)
    torch.testing.assert_close(out.double(), expected, rtol=1e-5, atol=1e-6)
    weights = torch.randn(7, n_columns, generator=torch.Generator().manual_seed(1))
    (out * weights).sum().backward()
    (expected * weights.double()).sum().backward()
    torch.testing.assert_close(logits.grad.double(), expected_logits.grad, rtol=1e-4, atol=1e-5)


def test_head_arguments_are_checked():
    with pytest.raises(ValueError, match="n_features=9"):
        MLPGenerator((4,))(latent_dim=2, n_features=9, output_layout=LAYOUT)
    with pytest.raises(ValueError, match="contiguous"):
        LayoutActivation([("continuous", 0, 2), ("categorical", 3, 5)])
    with pytest.raises(ValueError, match="tau"):
        LayoutActivation([("categorical", 0, 2)], tau=0)
    with pytest.raises(ValueError, match="gumbel_tau"):
        MLPGenerator(gumbel_tau=0.0)(latent_dim=2, n_features=8, output_layout=LAYOUT)


def test_conditional_generator_with_a_head():
    net = build(output_layout=LAYOUT, n_classes=3).eval()
    with fit_random(0), torch.no_grad():
        out = net(torch.randn(10, 4), torch.arange(10) % 3)
    torch.testing.assert_close(out[:, 6:8].sum(1), torch.ones(10))


# --------------------------------------------------------------------------
# passing output_layout through the factories
# --------------------------------------------------------------------------


def test_build_network_passes_output_layout_to_the_generators_that_take_it():
    sizes = {"latent_dim": 4, "n_features": 8}
    assert isinstance(build_network("mlp", GENERATORS, "generator", **sizes, output_layout=LAYOUT)[-1],
                      LayoutActivation)
    assert isinstance(build_network("mlp", GENERATORS, "generator", **sizes, output_layout=None)[-1], nn.Tanh)
    seen = []

    def plain_factory(latent_dim, n_features):
        return nn.Linear(latent_dim, n_features)

    def layout_factory(latent_dim, n_features, output_layout="unset"):
        seen.append(output_layout)
        return nn.Linear(latent_dim, n_features)

    assert isinstance(build_network(plain_factory, GENERATORS, "generator", **sizes, output_layout=LAYOUT), nn.Linear)
    call_factory(layout_factory, **sizes, output_layout=None)  # None is never passed
    call_factory(layout_factory, **sizes, output_layout=LAYOUT)
    build_network(ModuleFactory(layout_factory), GENERATORS, "generator", **sizes, output_layout=LAYOUT)
    assert seen == ["unset", LAYOUT, LAYOUT]
    # a discriminator does not take it
    net = build_network("mlp", DISCRIMINATORS, "discriminator", n_features=8, output_layout=LAYOUT)
    assert net[0].in_features == 8


def test_shape_check_leaves_the_fit_generator_where_it_was():
    with fit_random(0) as streams:
        net = MLPGenerator((8,))(latent_dim=4, n_features=8, output_layout=LAYOUT)
        disc = MLPDiscriminator((8,), pac=3)(n_features=8)
        state = streams.generator(torch.device("cpu")).get_state()
        check_network_shapes(net, disc, 4, 8, torch.device("cpu"))
        assert torch.equal(state, streams.generator(torch.device("cpu")).get_state())


# --------------------------------------------------------------------------
# residual layers
# --------------------------------------------------------------------------


def test_residual_layers_concatenate_input_and_output():
    net = build(spec=MLPGenerator((16, 8), residual=True), output_layout=LAYOUT)
    assert [type(m) for m in net] == [Residual, Residual, nn.Linear, LayoutActivation]
    assert [net[0][0].in_features, net[1][0].in_features, net[2].in_features] == [4, 20, 28]
    block = net[0].eval()
    x = torch.randn(5, 4)
    with torch.no_grad():
        out = block(x)
        torch.testing.assert_close(out, torch.cat([torch.relu(block[1](block[0](x))), x], dim=1))
    net.eval()
    folded = net.folded()
    assert not any(isinstance(m, nn.BatchNorm1d) for layer in folded for m in layer.modules())
    torch.testing.assert_close(run(folded), run(net), rtol=1e-4, atol=1e-5)
    assert_same_module(build(spec=MLPGenerator((16, 8), residual=False)), build())


# --------------------------------------------------------------------------
# PacGAN
# --------------------------------------------------------------------------


def test_pac_packs_rows_and_their_labels():
    with fit_random(0):
        net = MLPDiscriminator((6,), dropout=0.0, pac=3)(n_features=4, n_classes=2)
    assert net.pac == 3 and net[0].in_features == 3 * (4 + 2)
    x, labels = torch.randn(9, 4), torch.arange(9) % 2
    out = net(x, labels)
    assert out.shape == (3,)
    rows = torch.cat([x, nn.functional.one_hot(labels, 2).float()], dim=1).reshape(3, 18)
    torch.testing.assert_close(out, nn.Sequential(*net)(rows).squeeze(-1))
    with pytest.raises(ValueError, match="batch of 10 rows is not a multiple of pac=3"):
        net(torch.randn(10, 4), torch.zeros(10, dtype=torch.long))


def test_pac_one_is_todays_discriminator():
    with fit_random(0):
        today = MLPDiscriminator((6, 5))(n_features=4)
    with fit_random(0):
        net = MLPDiscriminator((6, 5), pac=1)(n_features=4)
    assert net.pac == 1
    assert_same_module(today, net)
    x = torch.randn(7, 4)
    with fit_random(1):
        a = today(x)
    with fit_random(1):
        b = net(x)
    assert torch.equal(a, b) and a.shape == (7,)
    with pytest.raises(ValueError, match="pac"):
        MLPDiscriminator(pac=0)(n_features=4)


def reference_penalty(critic, real, fake, pac, seed, weight):
    """Per-pack gradient penalty in float64, one pack at a time."""
    n_packs = real.shape[0] // pac
    mix = torch.rand(n_packs, 1, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    terms = []
    for k in range(n_packs):
        rows = slice(k * pac, (k + 1) * pac)
        pack = (mix[k] * real[rows] + (1 - mix[k]) * fake[rows]).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(pack).sum(), pack)
        terms.append((grad.norm() - 1) ** 2)
    return weight * torch.stack(terms).mean()


def test_gradient_penalty_is_per_pack():
    with fit_random(0):
        critic = MLPDiscriminator((5,), activation="tanh", dropout=0.0, pac=2)(n_features=3).double()
    gen = torch.Generator().manual_seed(1)
    real, fake = torch.randn(6, 3, generator=gen, dtype=torch.float64), torch.randn(6, 3, generator=gen,
                                                                                      dtype=torch.float64)
    with fit_random(7):
        penalty = WassersteinGPLoss(gp_weight=3.0).penalty(critic, real, fake)
    expected = reference_penalty(critic, real, fake, 2, 7, 3.0)
    torch.testing.assert_close(penalty, expected, rtol=1e-12, atol=1e-12)
    # per-row norms give another number: the test tells them apart
    rows = real.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(rows).sum(), rows)
    assert not torch.allclose(3.0 * ((grad.norm(dim=1) - 1) ** 2).mean(), expected)
    with pytest.raises(ValueError, match="not a multiple of pac=2"):
        WassersteinGPLoss().penalty(critic, real[:5], fake[:5])


def test_gradient_penalty_of_a_linear_packed_critic():
    """f(pack) = w . pack: the gradient per pack is w, of norm ||w||, whatever the interpolation."""

    class Packed(nn.Module):
        pac = 2

        def forward(self, x):
            return x.reshape(-1, 4) @ torch.tensor([3.0, 0.0, 0.0, 4.0])

    penalty = WassersteinGPLoss(gp_weight=1.0).penalty(Packed(), torch.randn(6, 2), torch.randn(6, 2))
    assert penalty.item() == pytest.approx((5 - 1) ** 2)


def test_gradient_penalty_without_pac_is_unchanged():
    with fit_random(0):
        critic = MLPDiscriminator((5,), dropout=0.0)(n_features=3)
    real, fake = torch.randn(8, 3), torch.randn(8, 3)
    with fit_random(3):
        penalty = WassersteinGPLoss().penalty(critic, real, fake)
    mix = torch.rand(8, 1, generator=torch.Generator().manual_seed(3))
    between = (mix * real + (1 - mix) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(between).sum(), between, create_graph=True)
    assert torch.equal(penalty, 10.0 * (grad.flatten(1).norm(2, dim=1) - 1).square().mean())


def test_fit_with_a_packing_discriminator(X):
    gan = GANSampler(discriminator=MLPDiscriminator((16,), pac=4), generator=MLPGenerator((16,)),
                     loss="wasserstein-gp", batch_size=20, latent_dim=4, max_iter=2, n_parzen_samples=100,
                     random_state=0).fit(X)
    assert gan.discriminator_.pac == 4 and np.isfinite(gan.sample(5)).all()


GATED = OutputLayout([
    OutputBlock("continuous", 0, 1, name="amount", zero_with=(3, 5)),  # modes 1, 2; point mass 3; missing 4
    OutputBlock("categorical", 1, 5, name="amount"),
    OutputBlock("continuous", 5, 6, name="other"),
])


def test_the_head_zeroes_a_gated_scalar_where_its_category_has_no_value():
    head = LayoutActivation(GATED)
    assert head.gates == ((0, 3, 5),)
    logits = torch.zeros(6, 6)
    logits[:, 0] = logits[:, 5] = 2.0
    logits[:3, 1] = 50.0  # a mode: the scalar is kept
    logits[3:, 3] = 50.0  # the point mass: the scalar is 0
    with fit_random(0):
        out = head(logits)
    np.testing.assert_allclose(out[:3, 0].numpy(), math.tanh(2.0), rtol=1e-5)
    np.testing.assert_allclose(out[3:, 0].numpy(), 0.0, atol=1e-6)
    np.testing.assert_allclose(out[:, 5].numpy(), math.tanh(2.0), rtol=1e-6)  # an ungated scalar
    # in between, the scalar is scaled by the weight of the categories that have a value
    soft = LayoutActivation(GATED, tau=1e3)
    with fit_random(0):
        mixed = soft(torch.zeros(4, 6) + torch.tensor([0.5, 0, 0, 0, 0, 0]))
    kept = 1 - mixed[:, 3:5].sum(dim=1)
    np.testing.assert_allclose(mixed[:, 0].numpy(), (math.tanh(0.5) * kept).numpy(), rtol=1e-6)
    assert "gates=((0, 3, 5),)" in repr(head)


def test_the_gate_passes_gradients_to_the_scalar_and_to_the_categories():
    logits = torch.zeros(4, 6)
    logits[:, 0] = 1.0
    logits.requires_grad_(True)
    with fit_random(0):
        LayoutActivation(GATED, tau=1.0)(logits)[:, 0].sum().backward()
    assert logits.grad[:, 0].abs().min() > 0 and logits.grad[:, 3:5].abs().min() > 0


def test_plain_tuples_and_ungated_layouts_have_no_gates():
    assert LayoutActivation([("continuous", 0, 1), ("categorical", 1, 4)]).gates == ()
    assert LayoutActivation(LAYOUT).gates == ()


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "categorical", "start": 0, "stop": 2, "zero_with": (3, 4)}, "continuous block of one column"),
    ({"kind": "continuous", "start": 0, "stop": 2, "zero_with": (3, 4)}, "continuous block of one column"),
    ({"kind": "continuous", "start": 2, "stop": 3, "zero_with": (0, 1)}, "after the block"),
    ({"kind": "continuous", "start": 0, "stop": 1, "zero_with": "ab"}, "pair of column indices"),
])
def test_zero_with_is_checked(kwargs, match):
    with pytest.raises(ValueError, match=match):
        OutputBlock(**kwargs)


def test_zero_with_must_lie_in_one_categorical_block():
    with pytest.raises(ValueError, match="inside one categorical block"):
        OutputLayout([OutputBlock("continuous", 0, 1, zero_with=(1, 2)), OutputBlock("continuous", 1, 3)])


def test_a_table_generator_gates_the_columns_its_encoder_gates():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"amount": np.where(rng.rand(200) < 0.5, 0.0, rng.lognormal(3, 1, 200)),
                          "colour": rng.choice(["red", "blue"], 200)})
    gan = GANSampler(max_iter=1, batch_size=32, bandwidth=1.0, random_state=0).fit(frame)
    heads = [m for m in gan.generator_.modules() if isinstance(m, LayoutActivation)]
    assert len(heads) == 1 and heads[0].gates == layout_gates(gan.encoder_.output_layout_) != ()
