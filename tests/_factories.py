"""Factories that tests need at collection time, where fixtures cannot be used.

``parametrize_with_checks([...])`` and ``pytest.mark.parametrize`` build their
estimators when the module is imported, and ``python -m
benchmarks.hostile_files`` runs outside pytest. Tests otherwise take the
``tiny_sampler`` and ``mixed_table`` fixtures of tests/conftest.py, which
return :func:`make_tiny_sampler` and :func:`make_mixed_table`'s table.
"""

import numpy as np

from skgan import GANSampler, MLPDiscriminator, MLPGenerator


def make_tiny_sampler(**params):
    """A GANSampler small enough to fit in a fraction of a second."""
    defaults = dict(
        generator=MLPGenerator(hidden_layer_sizes=(16,)),
        discriminator=MLPDiscriminator(hidden_layer_sizes=(16,)),
        latent_dim=4,
        max_iter=3,
        batch_size=16,
        n_parzen_samples=200,
        random_state=0,
    )
    defaults.update(params)
    return GANSampler(**defaults)


def make_mixed_table():
    """120 rows: float, integer (many and few values), bool, ordered category and text columns; NaN in ``mass``."""
    import pandas as pd

    n = 120
    rng = np.random.RandomState(0)
    return pd.DataFrame({
        "length": rng.normal(40, 5, n),
        "count": rng.randint(100, 400, n),  # many values: continuous, rounded
        "kids": rng.randint(0, 4, n),  # few values: discrete
        "member": rng.rand(n) < 0.3,
        "colour": pd.Categorical(rng.choice(["red", "green"], n), categories=["red", "green", "blue"], ordered=True),
        "island": pd.Series(rng.choice(["Biscoe", "Dream", "Torgersen"], n), dtype="str"),
        "mass": np.where(rng.rand(n) < 0.25, np.nan, rng.normal(4000, 300, n)),
    })
