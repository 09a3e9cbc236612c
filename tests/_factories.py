"""Factories that tests need at collection time, where fixtures cannot be used.

``parametrize_with_checks([...])`` and ``pytest.mark.parametrize`` build their
estimators when the module is imported, and ``python -m
tests.persistence.test_model_file_security`` runs outside pytest. Tests
otherwise take the ``tiny_sampler`` fixture of tests/conftest.py, which
returns :func:`make_tiny_sampler`.
"""

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
