"""Convolutional networks for images: DCGANGenerator, DCGANDiscriminator and their modules."""

from numbers import Integral, Real

import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ._common import (
    _ACTIVATIONS,
    OUTPUT_RANGES,
    _positive_sizes,
    _required_image_shape,
    with_labels,
)
from ._dropout import Dropout
from ._init import conv2d, conv_transpose2d, linear


def _image_labels(labels, n_classes, height, width, dtype):
    """One-hot labels as constant feature maps, ``(batch, n_classes, height, width)``."""
    one_hot = F.one_hot(labels, n_classes).to(dtype)
    return one_hot[:, :, None, None].expand(-1, -1, height, width)


class DCGANGeneratorModule(nn.Module):
    """Convolutional generator built by :class:`DCGANGenerator`.

    Maps noise ``(batch, latent_dim)`` (and labels, when conditional) to
    flat rows ``(batch, C * H * W)``.
    """

    def __init__(self, project, upsample, image_shape, base_shape, output_range, n_classes=None):
        super().__init__()
        self.project = project
        self.upsample = upsample
        self.image_shape = image_shape
        self.base_shape = base_shape
        self.output_range = output_range
        self.n_classes = n_classes

    def forward(self, z, labels=None):
        images = self.upsample(self.project(with_labels(z, labels, self.n_classes)))
        _, height, width = self.image_shape
        return images[:, :, :height, :width].flatten(1)


class DCGANDiscriminatorModule(nn.Module):
    """Convolutional discriminator built by :class:`DCGANDiscriminator`.

    Reshapes flat rows ``(batch, C * H * W)`` to images; conditional labels
    enter as extra constant input channels. Returns one output per row.
    """

    def __init__(self, features, head, image_shape, n_classes=None):
        super().__init__()
        self.features = features
        self.head = head
        self.image_shape = image_shape
        self.n_classes = n_classes

    def forward(self, x, labels=None):
        images = x.view(-1, *self.image_shape)
        if self.n_classes:
            _, height, width = self.image_shape
            images = torch.cat([images, _image_labels(labels, self.n_classes, height, width, x.dtype)], dim=1)
        return self.head(self.features(images).flatten(1)).squeeze(-1)


class DCGANGenerator(BaseEstimator):
    """Convolutional generator of DCGAN (Radford et al. 2015) for images.

    Calling the spec with ``latent_dim``, ``n_features`` and ``image_shape``
    builds a fresh module: a linear projection of the noise to
    ``widths[0]`` feature maps of size ``ceil(H / 2**L) x ceil(W / 2**L)``
    (``L = len(widths)``), then ``L`` transposed convolutions (kernel 4,
    stride 2) that each double the size, with batch norm and ReLU between
    them, and the output activation. Images are cropped to ``(H, W)`` when
    the doubling overshoots. Rows stay flat: ``(batch, C * H * W)``.

    Parameters
    ----------
    widths : tuple of int, default=(128, 64)
        Channels of the feature maps, coarsest first; one upsampling step
        each.
    batch_norm : bool, default=True
        Batch normalisation after the projection and each hidden
        convolution.
    output_activation : {"tanh", "sigmoid", "identity"}, default="tanh"
        Output activation; the estimator scales the data to its range.

    See Also
    --------
    DCGANDiscriminator : The matching discriminator.

    Examples
    --------
    >>> import torch
    >>> from skgan import DCGANGenerator
    >>> net = DCGANGenerator(widths=(16, 8))(latent_dim=10, n_features=784, image_shape=(1, 28, 28))
    >>> net.eval()(torch.zeros(3, 10)).shape
    torch.Size([3, 784])
    """

    _parameter_constraints = {
        "widths": ["array-like", Interval(Integral, 1, None, closed="left")],
        "batch_norm": ["boolean"],
        "output_activation": [StrOptions(set(OUTPUT_RANGES))],
    }

    def __init__(self, widths=(128, 64), batch_norm=True, output_activation="tanh"):
        self.widths = widths
        self.batch_norm = batch_norm
        self.output_activation = output_activation

    def __call__(self, *, latent_dim, n_features, image_shape=None, n_classes=None):
        self._validate_params()
        widths = _positive_sizes(self.widths, "widths")
        channels, height, width = _required_image_shape(image_shape, n_features, "'dcgan' generator")
        scale = 2 ** len(widths)
        base_shape = (widths[0], -(-height // scale), -(-width // scale))
        n_base = base_shape[0] * base_shape[1] * base_shape[2]
        project = [linear(latent_dim + (n_classes or 0), n_base), nn.Unflatten(1, base_shape)]
        project += [nn.BatchNorm2d(widths[0])] if self.batch_norm else []
        project.append(nn.ReLU())
        upsample = []
        for n_in, n_out in zip(widths, widths[1:], strict=False):
            upsample.append(conv_transpose2d(n_in, n_out, 4, stride=2, padding=1, bias=not self.batch_norm))
            upsample += [nn.BatchNorm2d(n_out)] if self.batch_norm else []
            upsample.append(nn.ReLU())
        upsample += [
            conv_transpose2d(widths[-1], channels, 4, stride=2, padding=1),
            _ACTIVATIONS[self.output_activation](),
        ]
        return DCGANGeneratorModule(
            nn.Sequential(*project), nn.Sequential(*upsample), (channels, height, width), base_shape,
            OUTPUT_RANGES[self.output_activation], n_classes,
        )


class DCGANDiscriminator(BaseEstimator):
    """Convolutional discriminator of DCGAN (Radford et al. 2015) for images.

    Calling the spec with ``n_features`` and ``image_shape`` builds a fresh
    module: strided convolutions (kernel 4, stride 2, no pooling) that each
    halve the image, with LeakyReLU(0.2) and dropout, then a linear layer to
    one output per row. Images need at least ``2**len(widths)`` pixels per
    side.

    Parameters
    ----------
    widths : tuple of int, default=(64, 128)
        Channels of each convolution, finest first.
    batch_norm : bool, default=False
        Batch normalisation after each convolution but the first (as in
        DCGAN). Off by default: it is incompatible with the per-row gradient
        penalty of ``loss="wasserstein-gp"``.
    dropout : float, default=0.3
        Dropout probability after each activation.

    See Also
    --------
    DCGANGenerator : The matching generator.

    Examples
    --------
    >>> import torch
    >>> from skgan import DCGANDiscriminator
    >>> net = DCGANDiscriminator(widths=(8, 16))(n_features=64, image_shape=(1, 8, 8))
    >>> net(torch.zeros(3, 64)).shape
    torch.Size([3])
    """

    _parameter_constraints = {
        "widths": ["array-like", Interval(Integral, 1, None, closed="left")],
        "batch_norm": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, widths=(64, 128), batch_norm=False, dropout=0.3):
        self.widths = widths
        self.batch_norm = batch_norm
        self.dropout = dropout

    def __call__(self, *, n_features, image_shape=None, n_classes=None):
        self._validate_params()
        widths = _positive_sizes(self.widths, "widths")
        shape = _required_image_shape(image_shape, n_features, "'dcgan' discriminator")
        channels, height, width = shape
        if min(height, width) < 2 ** len(widths):
            raise ValueError(
                f"Images of {height}x{width} pixels are too small for {len(widths)} stride-2 "
                f"convolutions; use at most {max(1, min(height, width).bit_length() - 1)} widths."
            )
        layers, n_in = [], channels + (n_classes or 0)
        for i, n_out in enumerate(widths):
            layers.append(conv2d(n_in, n_out, 4, stride=2, padding=1))
            layers += [nn.BatchNorm2d(n_out)] if self.batch_norm and i > 0 else []
            layers.append(nn.LeakyReLU(0.2))
            layers += [Dropout(self.dropout)] if self.dropout > 0 else []
            n_in, height, width = n_out, height // 2, width // 2
        head = linear(n_in * height * width, 1)
        return DCGANDiscriminatorModule(nn.Sequential(*layers), head, shape, n_classes)
