"""Generator and discriminator networks.

A network is given to :class:`~skgan.GANSampler` as a *factory*: anything
called with keyword arguments that returns a :class:`torch.nn.Module`.

- The generator factory is called as ``factory(latent_dim=..., n_features=...)``
  and its module maps noise ``(batch, latent_dim)`` to rows
  ``(batch, n_features)``.
- The discriminator factory is called as ``factory(n_features=...)`` and its
  module maps rows ``(batch, n_features)`` to one output per row, shape
  ``(batch,)`` or ``(batch, 1)``: a logit for the paper's losses
  (``D(x) = sigmoid(logit)``), a raw score for the others.
- A conditional fit adds ``n_classes=...`` to both calls, and the modules
  are called with a second argument, the integer class of each row.
- With ``GANSampler(image_shape=...)``, factories that accept an
  ``image_shape`` argument get ``image_shape=(C, H, W)``; rows stay flat.

:class:`MLPGenerator`, :class:`MLPDiscriminator`,
:class:`MaxoutDiscriminator`, :class:`DCGANGenerator` and
:class:`DCGANDiscriminator` are such factories and also scikit-learn
parameter holders, so their settings take part in ``get_params``,
``set_params``, ``clone`` and grid searches through nested names such as
``generator__hidden_layer_sizes``. A ``torch.nn.Module`` subclass with that
constructor contract works as well; :class:`ModuleFactory` makes its other
constructor arguments nested parameters.

A generator module may declare ``output_range = (low, high)`` (bounds of its
output activation) or ``output_range = None`` (unbounded); the estimator
scales the data to that range. Modules without the attribute are assumed to
end in ``tanh``, the usual convention, i.e. ``(-1, 1)``.
"""

import copy
import inspect
from numbers import Integral, Real

import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn
from torch.nn.utils.fusion import fuse_linear_bn_eval

from ._dropout import Dropout

__all__ = [
    "OUTPUT_RANGES",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "Maxout",
    "MaxoutDiscriminator",
    "ModuleFactory",
]

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "identity": nn.Identity,
}

#: Output range of each generator output activation; ``None`` is unbounded.
OUTPUT_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "identity": None}


def _mlp_layers(n_in, hidden_layer_sizes, activation, batch_norm, dropout):
    """Hidden blocks: Linear -> [BatchNorm] -> activation -> [Dropout]."""
    layers = []
    for width in hidden_layer_sizes:
        layers.append(nn.Linear(n_in, width))
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(_ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(Dropout(dropout))
        n_in = width
    return layers, n_in


def _positive_sizes(sizes, name):
    """An int or a sequence of ints as a non-empty tuple of positive ints."""
    values = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
    if not values or not all(isinstance(s, Integral) and s >= 1 for s in values):
        raise ValueError(f"{name} must contain positive integers, got {sizes!r}.")
    return values


def with_labels(inputs, labels, n_classes):
    """``inputs`` with the one-hot encoding of ``labels`` appended (conditional nets)."""
    if not n_classes:
        return inputs
    return torch.cat([inputs, F.one_hot(labels, n_classes).to(inputs.dtype)], dim=1)


class MLPGeneratorModule(nn.Sequential):
    """Fully connected generator built by :class:`MLPGenerator`.

    Called as ``module(z)``, or ``module(z, labels)`` when built with
    ``n_classes``: the one-hot labels are appended to the noise.
    """

    def __init__(self, layers, output_range, n_classes=None):
        super().__init__(*layers)
        self.output_range = output_range
        self.n_classes = n_classes

    def forward(self, z, labels=None):
        return super().forward(with_labels(z, labels, self.n_classes))

    def folded(self):
        """A copy for inference, each ``Linear -> BatchNorm1d`` folded into one ``Linear``.

        The batch norms use their running statistics (eval mode), so the
        copy computes the same function as this module in eval mode, with
        one pass over the activations fewer per layer.
        """
        layers, modules, i = [], list(self), 0
        while i < len(modules):
            layer, following = modules[i], modules[i + 1] if i + 1 < len(modules) else None
            if (isinstance(layer, nn.Linear) and isinstance(following, nn.BatchNorm1d)
                    and following.running_mean is not None and not self.training):
                layers.append(fuse_linear_bn_eval(layer, following))
                i += 2
            else:
                layers.append(layer)
                i += 1
        return MLPGeneratorModule(layers, self.output_range, self.n_classes).eval()


class MLPDiscriminatorModule(nn.Sequential):
    """Fully connected discriminator built by :class:`MLPDiscriminator`.

    Called as ``module(x)``, or ``module(x, labels)`` when built with
    ``n_classes``; returns one logit per row, shape ``(batch,)``.
    """

    def __init__(self, layers, n_classes=None):
        super().__init__(*layers)
        self.n_classes = n_classes

    def forward(self, x, labels=None):
        return super().forward(with_labels(x, labels, self.n_classes)).squeeze(-1)


class Maxout(nn.Module):
    """Maxout layer: the maximum over ``n_pieces`` linear pieces per unit.

    ``Linear(n_in, n_units * n_pieces)`` followed by the maximum over the
    pieces of each unit (Goodfellow et al., "Maxout Networks", 2013). Output
    ``k * n_pieces + p`` of the linear map is piece ``p`` of unit ``k``.

    Parameters
    ----------
    n_in : int
        Number of input features.
    n_units : int
        Number of output units.
    n_pieces : int
        Number of linear pieces per unit; 1 is a plain linear layer.

    Attributes
    ----------
    linear : torch.nn.Linear
        The linear map to ``n_units * n_pieces`` outputs.

    Examples
    --------
    >>> import torch
    >>> from skgan import Maxout
    >>> layer = Maxout(3, n_units=2, n_pieces=4)
    >>> layer(torch.zeros(5, 3)).shape
    torch.Size([5, 2])
    >>> x = torch.randn(5, 3)
    >>> pieces = layer.linear(x).view(5, 2, 4)
    >>> torch.equal(layer(x), pieces.max(dim=2).values)
    True
    """

    def __init__(self, n_in, n_units, n_pieces):
        super().__init__()
        for name, value in (("n_in", n_in), ("n_units", n_units), ("n_pieces", n_pieces)):
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        self.n_units, self.n_pieces = int(n_units), int(n_pieces)
        self.linear = nn.Linear(n_in, self.n_units * self.n_pieces)

    def forward(self, x):
        """The maximum over the pieces: ``(..., n_in)`` to ``(..., n_units)``."""
        pieces = self.linear(x)
        return pieces.unflatten(-1, (self.n_units, self.n_pieces)).amax(dim=-1)

    def extra_repr(self):
        """The sizes shown in the module's ``repr``."""
        return f"n_units={self.n_units}, n_pieces={self.n_pieces}"


class MaxoutDiscriminatorModule(nn.Module):
    """Maxout discriminator built by :class:`MaxoutDiscriminator`.

    Called as ``module(x)``, or ``module(x, labels)`` when built with
    ``n_classes``: input dropout acts on ``x`` only, then the one-hot labels
    are appended. Returns one logit per row, shape ``(batch,)``.
    """

    def __init__(self, input_dropout, layers, n_classes=None):
        super().__init__()
        self.input_dropout = Dropout(input_dropout) if input_dropout > 0 else nn.Identity()
        self.body = nn.Sequential(*layers)
        self.n_classes = n_classes

    def forward(self, x, labels=None):
        return self.body(with_labels(self.input_dropout(x), labels, self.n_classes)).squeeze(-1)


class _NetworkSpec(BaseEstimator):
    """Shared parameter validation of the network specs."""

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "batch_norm": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def _hidden_sizes(self):
        self._validate_params()
        return _positive_sizes(self.hidden_layer_sizes, "hidden_layer_sizes")


class MLPGenerator(_NetworkSpec):
    """Fully connected generator network.

    Calling the spec with ``latent_dim`` and ``n_features`` builds a fresh
    :class:`torch.nn.Module`: ``Linear -> [BatchNorm] -> activation`` for each
    hidden layer, then ``Linear -> output_activation``.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(256, 256)
        Width of each hidden layer.
    activation : {"relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", \
            "identity"}, default="relu"
        Activation of the hidden layers (``leaky_relu`` has slope 0.2).
    batch_norm : bool, default=True
        Batch normalisation after each hidden linear layer.
    dropout : float, default=0.0
        Dropout probability after each hidden activation.
    output_activation : {"tanh", "sigmoid", "identity"}, default="tanh"
        Output activation. The estimator scales the data to its range:
        ``[-1, 1]`` for tanh, ``[0, 1]`` for sigmoid, zero mean and unit
        variance for identity.

    See Also
    --------
    MLPDiscriminator : The matching discriminator.

    Examples
    --------
    >>> from skgan import MLPGenerator
    >>> spec = MLPGenerator(hidden_layer_sizes=(32,), output_activation="sigmoid")
    >>> net = spec(latent_dim=8, n_features=3)
    >>> net.output_range
    (0.0, 1.0)
    >>> import torch
    >>> net.eval()(torch.zeros(5, 8)).shape
    torch.Size([5, 3])
    """

    _parameter_constraints = {
        **_NetworkSpec._parameter_constraints,
        "output_activation": [StrOptions(set(OUTPUT_RANGES))],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        activation="relu",
        batch_norm=True,
        dropout=0.0,
        output_activation="tanh",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.output_activation = output_activation

    def __call__(self, *, latent_dim, n_features, n_classes=None):
        layers, width = _mlp_layers(
            latent_dim + (n_classes or 0), self._hidden_sizes(), self.activation, self.batch_norm, self.dropout
        )
        layers += [nn.Linear(width, n_features), _ACTIVATIONS[self.output_activation]()]
        return MLPGeneratorModule(layers, OUTPUT_RANGES[self.output_activation], n_classes)


class MLPDiscriminator(_NetworkSpec):
    """Fully connected discriminator network.

    Calling the spec with ``n_features`` builds a fresh
    :class:`torch.nn.Module` that returns one logit per row: ``Linear ->
    [BatchNorm] -> activation -> [Dropout]`` for each hidden layer, then
    ``Linear`` to a single unit. The sigmoid is part of the loss, which keeps
    it numerically stable.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(256, 256)
        Width of each hidden layer.
    activation : {"relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", \
            "identity"}, default="leaky_relu"
        Activation of the hidden layers (``leaky_relu`` has slope 0.2).
    batch_norm : bool, default=False
        Batch normalisation after each hidden linear layer.
    dropout : float, default=0.3
        Dropout probability after each hidden activation; dropout in the
        discriminator keeps it from overpowering the generator.

    See Also
    --------
    MLPGenerator : The matching generator.

    Examples
    --------
    >>> import torch
    >>> from skgan import MLPDiscriminator
    >>> net = MLPDiscriminator(hidden_layer_sizes=(16,))(n_features=3)
    >>> net(torch.zeros(5, 3)).shape
    torch.Size([5])
    """

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        activation="leaky_relu",
        batch_norm=False,
        dropout=0.3,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout

    def __call__(self, *, n_features, n_classes=None):
        layers, width = _mlp_layers(
            n_features + (n_classes or 0), self._hidden_sizes(), self.activation, self.batch_norm, self.dropout
        )
        layers.append(nn.Linear(width, 1))
        return MLPDiscriminatorModule(layers, n_classes)


class MaxoutDiscriminator(_NetworkSpec):
    """Maxout discriminator network, as in the paper's MNIST experiment.

    Calling the spec with ``n_features`` builds a fresh
    :class:`torch.nn.Module` that returns one logit per row: ``[Dropout]``
    on the input, then ``Maxout -> [Dropout]`` for each hidden layer, then
    ``Linear`` to a single unit (the sigmoid is part of the loss). The
    defaults are the discriminator of Goodfellow et al. (2014) on MNIST: two
    maxout layers of 240 units with 5 pieces, inputs kept with probability
    0.8 and hidden units with probability 0.5. Dropout is active in training
    only.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(240, 240)
        Number of maxout units of each hidden layer.
    n_pieces : int, default=5
        Linear pieces per maxout unit.
    input_dropout : float, default=0.2
        Dropout probability of the input features (not of the one-hot labels
        of a conditional network).
    dropout : float, default=0.5
        Dropout probability after each maxout layer.

    See Also
    --------
    Maxout : The layer.
    MLPDiscriminator : A fully connected discriminator with fixed activations.

    Examples
    --------
    >>> import torch
    >>> from skgan import MaxoutDiscriminator
    >>> net = MaxoutDiscriminator(hidden_layer_sizes=(16,), n_pieces=3)(n_features=4)
    >>> net.eval()(torch.zeros(5, 4)).shape
    torch.Size([5])
    >>> net.body[0]
    Maxout(
      n_units=16, n_pieces=3
      (linear): Linear(in_features=4, out_features=48, bias=True)
    )
    """

    _parameter_constraints = {
        "hidden_layer_sizes": _NetworkSpec._parameter_constraints["hidden_layer_sizes"],
        "n_pieces": [Interval(Integral, 1, None, closed="left")],
        "input_dropout": [Interval(Real, 0, 1, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, hidden_layer_sizes=(240, 240), n_pieces=5, input_dropout=0.2, dropout=0.5):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_pieces = n_pieces
        self.input_dropout = input_dropout
        self.dropout = dropout

    def __call__(self, *, n_features, n_classes=None):
        layers, width = [], n_features + (n_classes or 0)
        for units in self._hidden_sizes():
            layers.append(Maxout(width, units, self.n_pieces))
            if self.dropout > 0:
                layers.append(Dropout(self.dropout))
            width = units
        layers.append(nn.Linear(width, 1))
        return MaxoutDiscriminatorModule(self.input_dropout, layers, n_classes)


def _goodfellow2014_generator():
    """The MNIST generator of Goodfellow et al. (2014): two ReLU layers of 1200, sigmoid output."""
    return MLPGenerator(
        hidden_layer_sizes=(1200, 1200), activation="relu", batch_norm=False, dropout=0.0,
        output_activation="sigmoid",
    )


def _goodfellow2014_discriminator():
    """The MNIST discriminator of Goodfellow et al. (2014): two maxout layers of 240 units, 5 pieces."""
    return MaxoutDiscriminator()


def check_image_shape(image_shape, n_features):
    """``image_shape`` as ``(C, H, W)`` of Python ints holding exactly ``n_features`` values.

    ``(H, W)`` means one channel.
    """
    shape = tuple(image_shape)
    if len(shape) == 2:
        shape = (1, *shape)
    valid = len(shape) == 3 and all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in shape)
    if not valid or shape[0] * shape[1] * shape[2] != n_features:
        raise ValueError(
            f"image_shape={tuple(image_shape)!r} does not describe rows of {n_features} "
            "features: expected (channels, height, width) or (height, width) of "
            "positive integers whose product is n_features."
        )
    return tuple(int(s) for s in shape)


def _required_image_shape(image_shape, n_features, network):
    if image_shape is None:
        raise ValueError(
            f"The {network} network needs image_shape=(channels, height, width); "
            "pass it to GANSampler(image_shape=...)."
        )
    return check_image_shape(image_shape, n_features)


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
        project = [nn.Linear(latent_dim + (n_classes or 0), n_base), nn.Unflatten(1, base_shape)]
        project += [nn.BatchNorm2d(widths[0])] if self.batch_norm else []
        project.append(nn.ReLU())
        upsample = []
        for n_in, n_out in zip(widths, widths[1:]):
            upsample.append(nn.ConvTranspose2d(n_in, n_out, 4, stride=2, padding=1, bias=not self.batch_norm))
            upsample += [nn.BatchNorm2d(n_out)] if self.batch_norm else []
            upsample.append(nn.ReLU())
        upsample += [
            nn.ConvTranspose2d(widths[-1], channels, 4, stride=2, padding=1),
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
            layers.append(nn.Conv2d(n_in, n_out, 4, stride=2, padding=1))
            layers += [nn.BatchNorm2d(n_out)] if self.batch_norm and i > 0 else []
            layers.append(nn.LeakyReLU(0.2))
            layers += [Dropout(self.dropout)] if self.dropout > 0 else []
            n_in, height, width = n_out, height // 2, width // 2
        head = nn.Linear(n_in * height * width, 1)
        return DCGANDiscriminatorModule(nn.Sequential(*layers), head, shape, n_classes)


class ModuleFactory(BaseEstimator):
    """A torch module class or factory with constructor arguments as parameters.

    Lets a user's own network take part in ``get_params``, ``set_params``,
    ``clone`` and grid searches: ``GANSampler(generator=MyNet)`` followed by
    ``set_params(generator__width=64)`` wraps ``MyNet`` in a factory whose
    parameters are ``module`` and ``width``. Calling the factory builds
    ``module(**contract_arguments, **kwargs)``, where the contract arguments
    are those the estimator passes (``latent_dim``, ``n_features``,
    ``n_classes``, ``image_shape``).

    Parameters
    ----------
    module : callable
        A :class:`torch.nn.Module` subclass or any callable returning one.
    **kwargs
        Extra constructor arguments.

    Examples
    --------
    >>> import torch
    >>> from skgan.networks import ModuleFactory
    >>> class Net(torch.nn.Module):
    ...     def __init__(self, n_features, width=8):
    ...         super().__init__()
    ...         self.body = torch.nn.Sequential(torch.nn.Linear(n_features, width), torch.nn.Linear(width, 1))
    ...     def forward(self, x):
    ...         return self.body(x)
    >>> factory = ModuleFactory(Net, width=4)
    >>> factory.get_params()["width"]
    4
    >>> factory(n_features=3).body[0].out_features
    4
    """

    def __init__(self, module, **kwargs):
        self.module = module
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._extra = list(kwargs)

    def get_params(self, deep=True):
        """The module and its constructor arguments, as a dict of parameters."""
        params = {"module": self.module}
        params.update((key, getattr(self, key)) for key in self._extra)
        return params

    def set_params(self, **params):
        """Set the module or constructor arguments; a new argument is added.

        An argument that the module's constructor does not accept is a
        ``ValueError`` naming the valid ones.
        """
        _check_arguments(params.get("module", self.module), [key for key in params if key != "module"])
        for key, value in params.items():
            setattr(self, key, value)
            if key != "module" and key not in self._extra:
                self._extra.append(key)
        return self

    def __call__(self, **kwargs):
        extra = {key: getattr(self, key) for key in self._extra}
        clash = sorted(set(extra) & set(kwargs))
        if clash:
            raise ValueError(f"{clash} are set by the estimator and cannot be network parameters.")
        _check_arguments(self.module, extra)
        return call_factory(self.module, **kwargs, **extra)


def call_factory(factory, **kwargs):
    """``factory(**kwargs)``, leaving out ``image_shape`` where it is not accepted.

    Factories that do not take ``image_shape`` (tabular networks) see the
    rows as flat vectors.
    """
    if "image_shape" in kwargs and not _accepts(factory, "image_shape"):
        kwargs.pop("image_shape")
    return factory(**kwargs)


def _check_arguments(factory, names):
    """A ``ValueError`` naming the valid parameters when ``factory`` does not take all ``names``."""
    unknown = [name for name in names if not _accepts(factory, name)]
    if unknown:
        raise ValueError(
            f"Invalid parameter {', '.join(map(repr, unknown))} for {_name(factory)}: its "
            f"constructor does not take it. Valid parameters: {_parameter_names(factory)}."
        )


def _name(factory):
    return getattr(factory, "__qualname__", None) or type(factory).__name__


def _parameter_names(factory):
    try:
        return sorted(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return []


def _accepts(factory, name):
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return True
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())



#: Named network presets accepted by ``GANSampler(generator=..., discriminator=...)``.
GENERATORS = {"mlp": MLPGenerator, "dcgan": DCGANGenerator, "goodfellow2014": _goodfellow2014_generator}
DISCRIMINATORS = {
    "mlp": MLPDiscriminator,
    "dcgan": DCGANDiscriminator,
    "goodfellow2014": _goodfellow2014_discriminator,
}


def build_network(spec, presets, role, **kwargs):
    """Build a module from a preset name, a factory or a module instance.

    A module instance is deep-copied so that fitting never changes the
    user's object and refitting starts from the same weights.
    """
    if isinstance(spec, str):
        spec = presets[spec]()
    if isinstance(spec, nn.Module):
        return copy.deepcopy(spec)
    module = call_factory(spec, **kwargs)
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"The {role} factory {spec!r} returned {type(module).__name__}, "
            "expected a torch.nn.Module."
        )
    return module


def check_network_shapes(generator, discriminator, latent_dim, n_features, device, n_classes=None):
    """Run both networks once on two rows; a wrong shape is a ``ValueError``.

    Runs in evaluation mode without gradients, so no weights, running
    statistics or random draws change.
    """
    generator.eval()
    discriminator.eval()
    labels = () if not n_classes else (torch.zeros(2, dtype=torch.long, device=device),)
    with torch.no_grad():
        rows = generator(torch.zeros(2, latent_dim, device=device), *labels)
        if not isinstance(rows, torch.Tensor) or tuple(rows.shape) != (2, n_features):
            raise ValueError(
                f"The generator must map noise of shape (batch, {latent_dim}) to rows "
                f"of shape (batch, {n_features}); it returned {_describe(rows)}."
            )
        logits = discriminator(rows, *labels)
        if not isinstance(logits, torch.Tensor) or tuple(logits.shape) not in {(2,), (2, 1)}:
            raise ValueError(
                f"The discriminator must map rows of shape (batch, {n_features}) to one "
                f"logit per row, shape (batch,) or (batch, 1); it returned {_describe(logits)}."
            )


def _describe(value):
    if isinstance(value, torch.Tensor):
        return f"shape {tuple(value.shape)} for a batch of 2"
    return f"a {type(value).__name__}"


def output_range(module):
    """The generator's declared output range; ``(-1, 1)`` when undeclared."""
    return getattr(module, "output_range", (-1.0, 1.0))

