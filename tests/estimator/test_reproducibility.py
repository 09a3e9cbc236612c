"""random_state without global random state: fits in threads, and what fit draws from."""

import threading

import numpy as np
import pytest
import torch
from torch import nn

from skgan import DCGANDiscriminator, DCGANGenerator, MaxoutDiscriminator, MLPDiscriminator, MLPGenerator
from skgan._random import fit_random, generator_for
from skgan.networks import ModuleFactory
from skgan.networks._init import conv2d, conv_transpose2d, linear


class CustomGenerator(nn.Module):
    """A user's network: its constructor draws from torch's global generator."""

    def __init__(self, latent_dim, n_features, width=16):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(latent_dim, width), nn.ReLU(), nn.Linear(width, n_features), nn.Tanh())

    def forward(self, z):
        return self.body(z)


class CustomDiscriminator(nn.Module):
    def __init__(self, n_features, width=16):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_features, width), nn.LeakyReLU(0.2), nn.Linear(width, 1))

    def forward(self, x):
        return self.body(x).squeeze(-1)


CASES = {
    "dropout": dict(),  # the default MLP discriminator has dropout
    "conditional": dict(labels=True),
    "wasserstein-gp": dict(loss="wasserstein-gp"),
    "maxout": dict(discriminator=MaxoutDiscriminator(hidden_layer_sizes=(8,), n_pieces=2)),
    "custom": dict(generator=ModuleFactory(CustomGenerator, width=16), discriminator=CustomDiscriminator),
}


@pytest.fixture
def make(tiny_sampler):
    """``make(case, **params)``: a tiny sampler of one of the CASES."""

    def sampler_of(case, **params):
        params = {"max_iter": 4, **CASES[case], **params}
        params.pop("labels", None)
        return tiny_sampler(**params)

    return sampler_of


def labels(case, X):
    return (np.arange(len(X)) % 3) if CASES[case].get("labels") else None


def assert_same_fit(a, b, X):
    for net in ("generator_", "discriminator_"):
        wa, wb = getattr(a, net).state_dict(), getattr(b, net).state_dict()
        assert all(torch.equal(wa[key], wb[key]) for key in wa), net
    assert [dict(r, dur=0) for r in a.history_] == [dict(r, dur=0) for r in b.history_]
    assert a.bandwidth_ == b.bandwidth_
    np.testing.assert_array_equal(a.sample(50), b.sample(50))
    np.testing.assert_array_equal(a.score_samples(X[:20]), b.score_samples(X[:20]))


def run_in_threads(functions):
    """Run the functions at once, each in a thread; their results (or the first error)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def work(i):
        try:
            barrier.wait()
            results[i] = functions[i]()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(functions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.mark.parametrize("case", sorted(CASES))
def test_two_fits_in_threads_are_identical(X, case, make):
    y = labels(case, X)
    alone = make(case).fit(X, y)
    first, second = run_in_threads([lambda: make(case).fit(X, y), lambda: make(case).fit(X, y)])
    assert_same_fit(first, second, X)
    assert_same_fit(first, alone, X)


@pytest.mark.parametrize("case", ["dropout", "conditional", "wasserstein-gp", "maxout"])
def test_a_fit_while_another_thread_draws_is_identical_to_a_fit_alone(X, case, make):
    y = labels(case, X)
    alone = make(case).fit(X, y)
    done = threading.Event()

    def fit():
        try:
            return make(case).fit(X, y)
        finally:
            done.set()

    def draw():
        n = 0
        while not done.is_set():
            torch.rand(1000)
            n += 1
        return n

    fitted, n_draws = run_in_threads([fit, draw])
    assert n_draws > 0
    assert_same_fit(fitted, alone, X)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fit_sample_and_score_leave_torch_global_random_state_alone(X, case, make):
    state = torch.get_rng_state()
    gan = make(case, max_iter=2).fit(X, labels(case, X))
    gan.sample(10)
    gan.score(X)
    assert torch.equal(state, torch.get_rng_state())


def test_custom_networks_draw_reproducibly_from_the_seeded_global_generator(X, tiny_sampler):
    class NoisyDiscriminator(CustomDiscriminator):
        def __init__(self, n_features):
            super().__init__(n_features)
            self.dropout = nn.Dropout(0.3)  # torch's own: draws from torch's global generator

        def forward(self, x):
            return super().forward(self.dropout(x))

    state = torch.get_rng_state()
    a = tiny_sampler(discriminator=NoisyDiscriminator).fit(X)
    torch.rand(10)  # the global state a fit starts from does not matter
    b = tiny_sampler(discriminator=NoisyDiscriminator).fit(X)
    assert_same_fit(a, b, X)
    assert not torch.equal(state, torch.get_rng_state())  # only the draws above changed it
    torch.set_rng_state(state)


SPECS = [
    lambda: MLPGenerator((8, 8))(latent_dim=3, n_features=4, n_classes=2),
    lambda: MLPDiscriminator((8,))(n_features=4),
    lambda: MaxoutDiscriminator((6,), n_pieces=2)(n_features=4),
    lambda: DCGANGenerator(widths=(4, 2))(latent_dim=3, n_features=64, image_shape=(1, 8, 8)),
    lambda: DCGANDiscriminator(widths=(2, 4))(n_features=64, image_shape=(1, 8, 8)),
]


@pytest.mark.parametrize("build", SPECS)
def test_own_networks_initialise_from_the_fit_generator(build):
    state = torch.get_rng_state()
    with fit_random(7):
        first = build().state_dict()
    with fit_random(7):
        second = build().state_dict()
    with fit_random(8):
        other = build().state_dict()
    assert torch.equal(state, torch.get_rng_state())
    assert all(torch.equal(first[key], second[key]) for key in first)
    assert not all(torch.equal(first[key], other[key]) for key in first)


@pytest.mark.parametrize(
    "ours, torchs",
    [
        (lambda: linear(5, 3), lambda: nn.Linear(5, 3)),
        (lambda: linear(5, 3, bias=False), lambda: nn.Linear(5, 3, bias=False)),
        (lambda: conv2d(2, 3, 4, stride=2, padding=1), lambda: nn.Conv2d(2, 3, 4, stride=2, padding=1)),
        (lambda: conv_transpose2d(3, 2, 4, stride=2), lambda: nn.ConvTranspose2d(3, 2, 4, stride=2)),
    ],
)
def test_layers_initialise_as_torch_does(ours, torchs):
    """Outside a fit, torch's default initialisation drawn from its global generator in its order; inside, the same
    distributions from the fit's generator."""
    torch.manual_seed(3)
    layer = ours()
    torch.manual_seed(3)
    reference = torchs()
    assert all(torch.equal(a, b) for a, b in zip(layer.parameters(), reference.parameters(), strict=True))
    with fit_random(3):
        inside = ours()
    assert all(torch.equal(a, b) for a, b in zip(inside.parameters(), reference.parameters(), strict=True))


def test_generators_are_per_thread():
    seen = {}

    def inside(seed):
        with fit_random(seed):
            seen[seed] = generator_for("cpu")
            return torch.rand(3, generator=generator_for("cpu"))

    assert generator_for("cpu") is None
    first, second = run_in_threads([lambda: inside(1), lambda: inside(1)])
    assert torch.equal(first, second) and seen[1] is not None
    assert generator_for("cpu") is None
