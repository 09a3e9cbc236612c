"""Training-by-sampling: conditions drawn by log-frequency, rows that match them, the generator's penalty."""

import numpy as np
import pytest
import torch

from skgan._training import ConditionSampler


@pytest.fixture
def codes():
    rng = np.random.RandomState(0)
    column_a = np.array([0] * 900 + [1] * 97 + [2] * 3)  # a category seen 3 times in 1,000
    return np.stack([rng.permutation(column_a), rng.randint(0, 2, 1000)], axis=1)


def test_rows_have_the_category_of_their_condition(codes):
    sampler = ConditionSampler(codes, [3, 2], [5, 10], torch.device("cpu"))
    generator = torch.Generator().manual_seed(0)
    keys = sampler.draw(5000, generator)
    rows = sampler.rows(keys, generator).numpy()
    offsets = np.array([0, 3])
    column = (keys.numpy() >= 3).astype(int)
    category = keys.numpy() - offsets[column]
    assert (codes[rows, column] == category).all()
    assert set(rows[keys.numpy() == 2]) <= set(np.flatnonzero(codes[:, 0] == 2))  # the 3 rare rows
    vectors = sampler.vectors(keys)
    assert vectors.shape == (5000, 5) and (vectors.sum(1) == 1).all() and (vectors.argmax(1) == keys).all()


def test_categories_are_drawn_by_log_frequency_in_training_and_frequency_in_sampling(codes):
    sampler = ConditionSampler(codes, [3, 2], [0, 3], torch.device("cpu"))
    generator = torch.Generator().manual_seed(1)
    n = 200_000
    for log_frequency, weight in ((True, np.log1p), (False, lambda c: c)):
        keys = sampler.draw(n, generator, log_frequency=log_frequency).numpy()
        counts = np.bincount(codes[:, 0], minlength=3).astype(float)
        expected = 0.5 * weight(counts) / weight(counts).sum()  # column a is chosen half the time
        np.testing.assert_allclose(np.bincount(keys, minlength=5)[:3] / n, expected, atol=0.005)


def test_the_penalty_is_the_cross_entropy_of_the_conditioned_block():
    codes = np.array([[0, 1], [1, 0], [2, 1]])
    sampler = ConditionSampler(codes, [3, 2], [1, 6], torch.device("cpu"))
    fake = torch.rand(4, 8, dtype=torch.float64)
    keys = torch.tensor([0, 2, 3, 4])  # column a: categories 0, 2; column b: categories 0, 1
    model_columns = [1, 3, 6, 7]
    expected = -np.mean([np.log(fake[i, c].item()) for i, c in enumerate(model_columns)])
    assert sampler.penalty(fake, keys).item() == pytest.approx(expected, rel=1e-6)


def test_bad_codes_are_refused():
    with pytest.raises(ValueError, match="category index"):
        ConditionSampler(np.array([[0], [3]]), [3], [0], torch.device("cpu"))
