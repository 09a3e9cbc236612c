import numpy as np
import pytest
import torch
from sklearn.base import clone

from skgan import DCGANDiscriminator, DCGANGenerator, GANSampler


@pytest.mark.parametrize("image_shape", [(1, 28, 28), (3, 32, 32), (1, 8, 8), (2, 10, 12), (28, 28)])
def test_dcgan_networks_map_flat_rows_of_each_image_size(image_shape):
    n_features = int(np.prod(image_shape))
    generator = DCGANGenerator(widths=(8, 4))(latent_dim=5, n_features=n_features, image_shape=image_shape)
    discriminator = DCGANDiscriminator(widths=(4, 8))(n_features=n_features, image_shape=image_shape)
    rows = generator.eval()(torch.randn(3, 5))
    assert rows.shape == (3, n_features)
    assert discriminator(rows).shape == (3,)


def test_dcgan_generator_upsamples_with_transposed_convolutions():
    net = DCGANGenerator(widths=(16, 8, 4))(latent_dim=3, n_features=32 * 32, image_shape=(1, 32, 32))
    convs = [m for m in net.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    assert [(c.in_channels, c.out_channels, c.stride) for c in convs] == [
        (16, 8, (2, 2)), (8, 4, (2, 2)), (4, 1, (2, 2))
    ]
    assert net.base_shape == (16, 4, 4)
    assert isinstance(list(net.modules())[-1], torch.nn.Tanh)


def test_dcgan_discriminator_is_strided_without_pooling():
    net = DCGANDiscriminator(widths=(4, 8), dropout=0.25)(n_features=784, image_shape=(1, 28, 28))
    kinds = {type(m) for m in net.modules()}
    assert not kinds & {torch.nn.MaxPool2d, torch.nn.AvgPool2d}
    convs = [m for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.stride for c in convs] == [(2, 2), (2, 2)]
    slopes = {m.negative_slope for m in net.modules() if isinstance(m, torch.nn.LeakyReLU)}
    assert slopes == {0.2}
    assert {m.p for m in net.modules() if isinstance(m, torch.nn.Dropout)} == {0.25}


def test_conditional_dcgan_networks_use_the_labels():
    generator = DCGANGenerator(widths=(8, 4))(latent_dim=5, n_features=64, image_shape=(1, 8, 8), n_classes=3)
    discriminator = DCGANDiscriminator(widths=(4,), dropout=0)(n_features=64, image_shape=(1, 8, 8), n_classes=3)
    z = torch.randn(2, 5)
    generator.eval()
    a, b = generator(z, torch.tensor([0, 0])), generator(z, torch.tensor([1, 2]))
    assert a.shape == (2, 64) and not torch.allclose(a, b)
    x = torch.randn(2, 64)
    assert not torch.allclose(discriminator(x, torch.tensor([0, 0])), discriminator(x, torch.tensor([1, 2])))


def test_dcgan_errors_name_the_remedy():
    with pytest.raises(ValueError, match="needs image_shape"):
        DCGANGenerator()(latent_dim=2, n_features=64)
    with pytest.raises(ValueError, match="does not describe rows of 64"):
        DCGANDiscriminator()(n_features=64, image_shape=(1, 8, 9))
    with pytest.raises(ValueError, match="too small"):
        DCGANDiscriminator(widths=(4, 4, 4, 4))(n_features=64, image_shape=(1, 8, 8))
    X = np.random.RandomState(0).rand(20, 64)
    with pytest.raises(ValueError, match="needs image_shape"):
        GANSampler("dcgan", "dcgan", max_iter=1).fit(X)
    with pytest.raises(ValueError, match="image_shape"):
        GANSampler(image_shape=(1, 7, 7), max_iter=1).fit(X)


def _digit_images():
    from sklearn.datasets import load_digits

    return load_digits().data[:120]


def test_gan_sampler_trains_dcgan_on_flat_images():
    X = _digit_images()  # (n, 64): 8x8 images
    gan = GANSampler(
        "dcgan", "dcgan", image_shape=(1, 8, 8), latent_dim=8, max_iter=2, batch_size=32,
        n_parzen_samples=100, bandwidth=1.0, random_state=0,
    ).set_params(generator__widths=(16, 8), discriminator__widths=(8, 16))
    gan.fit(X)
    assert gan.generator_.base_shape == (16, 2, 2)
    samples = gan.sample(5)
    assert samples.shape == (5, 64) and np.isfinite(samples).all()
    assert clone(gan).generator.widths == (16, 8)
    np.testing.assert_array_equal(clone(gan).fit(X).sample(5), samples)


def test_conditional_dcgan_sampler_samples_requested_classes():
    from sklearn.datasets import load_digits

    digits = load_digits()
    X, y = digits.data[:150], digits.target[:150]
    gan = GANSampler(
        "dcgan", "dcgan", image_shape=(8, 8), latent_dim=4, max_iter=1, n_parzen_samples=100,
        bandwidth=1.0, random_state=0,
    ).set_params(generator__widths=(8, 4), discriminator__widths=(4,))
    gan.fit(X, y)
    assert gan.sample(4, y=3).shape == (4, 64)
