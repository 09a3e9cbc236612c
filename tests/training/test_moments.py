"""Moment matching: running moments of real and generated minibatches, the generator's penalty, ``moment_weight``."""

import numpy as np
import pandas as pd
import pytest
import torch

from skgan import GANSampler
from skgan._training import MomentMatching, table_moment_weight


def test_moments_match_a_float64_reference():
    rows = np.random.RandomState(0).randn(50, 4)
    mean, second = MomentMatching.moments(torch.as_tensor(rows))
    np.testing.assert_allclose(mean.numpy(), rows.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second.numpy(), rows.T @ rows / 50, rtol=1e-5, atol=1e-6)
    assert mean.dtype == second.dtype == torch.float32


def test_running_moments_start_at_the_first_batch_then_decay():
    rng = np.random.RandomState(1)
    a, b = (torch.as_tensor(rng.randn(20, 3), dtype=torch.float32) for _ in range(2))
    matching = MomentMatching(1.0, real_decay=0.75)
    matching.observe(a)
    matching.observe(b)
    (ma, sa), (mb, sb) = MomentMatching.moments(a), MomentMatching.moments(b)
    torch.testing.assert_close(matching.real[0], 0.75 * ma + 0.25 * mb)
    torch.testing.assert_close(matching.real[1], 0.75 * sa + 0.25 * sb)


def test_penalty_gradient_is_that_of_the_running_gap():
    rng = np.random.RandomState(2)
    real = torch.as_tensor(rng.randn(30, 3), dtype=torch.float32)
    fake = torch.as_tensor(rng.randn(30, 3) + [1.0, 0.0, -0.5], dtype=torch.float32).requires_grad_()
    matching = MomentMatching(2.5)
    matching.observe(real)
    matching.penalty(fake).backward()
    # float64 reference: d/dx_i of w * (e1 . mean(x) + sum(E2 * x^T x / n)) = w * (e1 + 2 E2 x_i) / n
    r, f = real.double().numpy(), fake.detach().double().numpy()
    e1 = f.mean(0) - r.mean(0)
    e2 = f.T @ f / 30 - r.T @ r / 30
    expected = 2.5 * (e1 + 2 * f @ e2) / 30
    np.testing.assert_allclose(fake.grad.numpy(), expected, rtol=1e-4, atol=1e-6)


def test_no_penalty_when_the_moments_agree_or_before_a_real_batch():
    rows = torch.randn(16, 3, generator=torch.Generator().manual_seed(3))
    matching = MomentMatching(1.0)
    fake = rows.clone().requires_grad_()
    early = matching.penalty(fake)
    early.backward()
    assert early.item() == 0 and torch.equal(fake.grad, torch.zeros_like(rows))
    matching = MomentMatching(1.0)
    matching.observe(rows)
    fake = rows.clone().requires_grad_()
    matching.penalty(fake).backward()
    assert torch.allclose(fake.grad, torch.zeros_like(rows), atol=1e-7)


@pytest.mark.parametrize("weight", [0, -1.0])
def test_weight_must_be_positive(weight):
    with pytest.raises(ValueError, match="positive"):
        MomentMatching(weight)


def _fit_shares(states, real_shares, steps=400, seed=0):
    """Learn logits over ``states`` (rows of 0/1 columns) from the penalty alone; the learnt state shares."""
    generator = torch.Generator().manual_seed(seed)
    states = torch.as_tensor(states, dtype=torch.float32)
    logits = torch.zeros(len(states), requires_grad=True)
    optimizer = torch.optim.SGD([logits], lr=2.0)
    matching = MomentMatching(3.0)
    real_p = torch.as_tensor(real_shares, dtype=torch.float32)
    for _ in range(steps):
        matching.observe(states[torch.multinomial(real_p, 64, replacement=True, generator=generator)])
        u = torch.rand(64, len(states), generator=generator).clamp(1e-9, 1 - 1e-9)
        soft = torch.softmax((logits - torch.log(-torch.log(u))) / 0.2, dim=1)  # Gumbel-softmax draws, as generators do
        optimizer.zero_grad()
        matching.penalty(soft @ states).backward()
        optimizer.step()
    return torch.softmax(logits, 0).detach().numpy()


def test_penalty_alone_learns_the_shares_of_categories():
    one_hot = np.eye(3)
    shares = _fit_shares(one_hot, [0.7, 0.2, 0.1], steps=800)
    np.testing.assert_allclose(shares, [0.7, 0.2, 0.1], atol=0.1)


def test_penalty_alone_learns_co_occurrences_through_the_second_moment():
    # two 0/1 columns, always equal in the real rows: each is 1 half the time, as under independence,
    # so only the second moment (the share of rows where both are 1) tells the four states apart
    states = [[0, 0], [0, 1], [1, 0], [1, 1]]
    shares = _fit_shares(states, [0.5, 0.0, 0.0, 0.5])
    assert shares[1] + shares[2] < 0.05


# ---- the estimator's moment_weight ---------------------------------------------------------------------------------


def _table(n=120, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame({
        "x": rng.randn(n),
        "kind": pd.Categorical(rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])),
        "flag": rng.rand(n) < 0.3,
    })


def _samples(X, **params):
    gan = GANSampler(max_iter=2, batch_size=32, bandwidth=1.0, random_state=0, **params).fit(X)
    return gan.sample(20, random_state=1)


def test_auto_weight_is_on_for_tables():
    table = _table()
    auto = _samples(table)
    pd.testing.assert_frame_equal(auto, _samples(table, moment_weight=3.0))  # 120 rows: the small tables' weight
    assert not auto.equals(_samples(table, moment_weight=0.0))


def test_auto_weight_grows_as_the_square_root_of_a_table_s_rows_between_3_and_10():
    assert table_moment_weight(0) == table_moment_weight(120) == table_moment_weight(1000) == 3.0
    assert table_moment_weight(4000) == pytest.approx(6.0)
    assert table_moment_weight(9000) == pytest.approx(9.0)
    assert table_moment_weight(11_200) == table_moment_weight(10**8) == 10.0
    weights = [table_moment_weight(n) for n in range(0, 20_000, 250)]
    assert weights == sorted(weights)


def test_a_table_s_fit_weighs_moments_by_its_training_rows(monkeypatch):
    weights = []
    init = MomentMatching.__init__

    def spy(self, weight, **kwargs):
        weights.append(weight)
        init(self, weight, **kwargs)

    monkeypatch.setattr(MomentMatching, "__init__", spy)
    GANSampler(max_iter=1, batch_size=500, bandwidth=1.0, random_state=0).fit(_table(n=3000))
    assert weights == [pytest.approx(3.0 * np.sqrt(3.0))]


def test_auto_weight_is_off_for_numeric_arrays():
    X = np.random.RandomState(4).randn(100, 3)
    auto = _samples(X)
    np.testing.assert_array_equal(auto, _samples(X, moment_weight=0.0))
    assert not np.array_equal(auto, _samples(X, moment_weight=1.0))


@pytest.mark.parametrize("weight", [-1.0, "always", None])
def test_invalid_moment_weight_is_a_clear_error(weight):
    with pytest.raises(ValueError, match="moment_weight"):
        GANSampler(moment_weight=weight).fit(np.zeros((10, 2)))


def test_data_parallel_running_moments_are_those_of_the_whole_minibatch():
    rows = torch.randn(40, 3, generator=torch.Generator().manual_seed(5))
    halves = rows[:20], rows[20:]
    flat = [torch.cat([m.reshape(-1) for m in MomentMatching.moments(half)]) for half in halves]
    matching = MomentMatching(1.0, mean_over_processes=lambda mine: (flat[0] + flat[1]) / 2)  # two equal shares
    matching.observe(halves[0])
    whole = MomentMatching.moments(rows)
    torch.testing.assert_close(matching.real[0], whole[0])
    torch.testing.assert_close(matching.real[1], whole[1])


def test_condition_vectors_make_the_penalty_learn_each_condition_s_shares():
    # two conditions whose shares of three categories differ: the rows' moments alone are satisfied by any
    # pair of shares with the right pooled mean, the products with the condition vectors only by the right pair
    generator = torch.Generator().manual_seed(0)
    shares = torch.tensor([[0.45, 0.45, 0.1], [0.45, 0.1, 0.45]])
    logits = torch.zeros(2, 3, requires_grad=True)
    optimizer = torch.optim.SGD([logits], lr=2.0)
    matching = MomentMatching(3.0)
    for _ in range(800):
        condition = torch.randint(2, (64,), generator=generator)
        real = torch.nn.functional.one_hot(torch.multinomial(shares[condition], 1, generator=generator)[:, 0], 3)
        vectors = torch.nn.functional.one_hot(condition, 2)
        matching.observe(real, vectors)
        u = torch.rand(64, 3, generator=generator).clamp(1e-9, 1 - 1e-9)
        soft = torch.softmax((logits[condition] - torch.log(-torch.log(u))) / 0.2, dim=1)
        optimizer.zero_grad()
        matching.penalty(soft, vectors).backward()
        optimizer.step()
    np.testing.assert_allclose(torch.softmax(logits, 1).detach().numpy(), shares.numpy(), atol=0.2)


def test_a_fit_s_moments_take_the_condition_vectors(monkeypatch):
    widths = []
    observe = MomentMatching.observe

    def spy(self, real, condition=None):
        widths.append(None if condition is None else condition.shape[1])
        return observe(self, real, condition)

    monkeypatch.setattr(MomentMatching, "observe", spy)
    table = _table()
    GANSampler(max_iter=1, batch_size=32, bandwidth=1.0, random_state=0).fit(table.drop(columns="kind"), table["kind"])
    assert set(widths) == {3}  # the class labels, one-hot
    widths.clear()
    gan = GANSampler(max_iter=1, batch_size=32, bandwidth=1.0, random_state=0).fit(table)
    assert set(widths) == {gan._fitted.codec.condition_width}  # training-by-sampling's condition vectors
