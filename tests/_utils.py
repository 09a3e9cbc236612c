from skgan import GANSampler, MLPDiscriminator, MLPGenerator


def tiny_sampler(**params):
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
