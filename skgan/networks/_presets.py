"""Named network presets: the ``generator=`` and ``discriminator=`` strings of GANSampler."""

from ._dcgan import DCGANDiscriminator, DCGANGenerator
from ._maxout import MaxoutDiscriminator
from ._mlp import MLPDiscriminator, MLPGenerator


def _goodfellow2014_generator():
    """The MNIST generator of Goodfellow et al. (2014): two ReLU layers of 1200, sigmoid output."""
    return MLPGenerator(
        hidden_layer_sizes=(1200, 1200), activation="relu", batch_norm=False, dropout=0.0,
        output_activation="sigmoid",
    )


def _goodfellow2014_discriminator():
    """The MNIST discriminator of Goodfellow et al. (2014): two maxout layers of 240 units, 5 pieces."""
    return MaxoutDiscriminator()


#: Named network presets accepted by ``GANSampler(generator=..., discriminator=...)``.
GENERATORS = {"mlp": MLPGenerator, "dcgan": DCGANGenerator, "goodfellow2014": _goodfellow2014_generator}
DISCRIMINATORS = {
    "mlp": MLPDiscriminator,
    "dcgan": DCGANDiscriminator,
    "goodfellow2014": _goodfellow2014_discriminator,
}
