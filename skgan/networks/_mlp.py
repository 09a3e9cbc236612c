"""Fully connected networks: MLPGenerator, MLPDiscriminator and the modules they build."""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn
from torch.nn.utils.fusion import fuse_linear_bn_eval

from ._common import _ACTIVATIONS, OUTPUT_RANGES, _NetworkSpec, with_labels
from ._dropout import Dropout
from ._heads import LayoutActivation, has_categorical, layout_blocks
from ._init import linear


def _mlp_layers(n_in, hidden_layer_sizes, activation, batch_norm, dropout, residual=False):
    """Hidden blocks: Linear -> [BatchNorm] -> activation -> [Dropout], each in a :class:`Residual` if asked."""
    layers = []
    for width in hidden_layer_sizes:
        block = [linear(n_in, width)]
        if batch_norm:
            block.append(nn.BatchNorm1d(width))
        block.append(_ACTIVATIONS[activation]())
        if dropout > 0:
            block.append(Dropout(dropout))
        if residual:
            layers.append(Residual(*block))
            n_in += width
        else:
            layers += block
            n_in = width
    return layers, n_in


def _folded_layers(modules, training):
    """``modules`` with each ``Linear -> BatchNorm1d`` pair folded into one ``Linear`` (eval mode only)."""
    layers, i = [], 0
    while i < len(modules):
        layer, following = modules[i], modules[i + 1] if i + 1 < len(modules) else None
        if (isinstance(layer, nn.Linear) and isinstance(following, nn.BatchNorm1d)
                and following.running_mean is not None and not training):
            layers.append(fuse_linear_bn_eval(layer, following))
            i += 2
        else:
            layers.append(layer.folded() if isinstance(layer, Residual) and not training else layer)
            i += 1
    return layers


class Residual(nn.Sequential):
    """A hidden block whose output is concatenated with its input: ``cat([block(x), x])``.

    The residual layer of CTGAN's generator (Xu et al., "Modeling Tabular
    Data using Conditional GAN", NeurIPS 2019): each layer sees the noise
    and every earlier layer's features.
    """

    def forward(self, x):
        return torch.cat([super().forward(x), x], dim=1)

    def folded(self):
        """A copy with ``Linear -> BatchNorm1d`` folded, for inference (see ``MLPGeneratorModule.folded``)."""
        return Residual(*_folded_layers(list(self), self.training)).eval()


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
        layers = _folded_layers(list(self), self.training)
        return MLPGeneratorModule(layers, self.output_range, self.n_classes).eval()


class MLPDiscriminatorModule(nn.Sequential):
    """Fully connected discriminator built by :class:`MLPDiscriminator`.

    Called as ``module(x)``, or ``module(x, labels)`` when built with
    ``n_classes``; returns one logit per row, shape ``(batch,)``. With
    ``pac > 1`` (PacGAN), each run of ``pac`` consecutive rows (with their
    one-hot labels) is one input, and it returns one logit per pack, shape
    ``(batch // pac,)``.
    """

    def __init__(self, layers, n_classes=None, pac=1):
        super().__init__(*layers)
        self.n_classes = n_classes
        self.pac = int(pac)

    def forward(self, x, labels=None):
        x = with_labels(x, labels, self.n_classes)
        if self.pac > 1:
            if x.shape[0] % self.pac:
                raise ValueError(
                    f"The discriminator's batch of {x.shape[0]} rows is not a multiple of pac={self.pac}: "
                    "PacGAN judges packs of pac rows; use a batch size divisible by pac."
                )
            x = x.reshape(x.shape[0] // self.pac, self.pac * x.shape[1])
        return super().forward(x).squeeze(-1)


class MLPGenerator(_NetworkSpec):
    """Fully connected generator network.

    Calling the spec with ``latent_dim`` and ``n_features`` builds a fresh
    :class:`torch.nn.Module`: ``Linear -> [BatchNorm] -> activation`` for each
    hidden layer, then ``Linear -> output_activation``. Called with an
    ``output_layout`` (an :class:`~skgan.preprocessing.OutputLayout` of the
    ``n_features`` columns) that has categorical blocks, it ends in
    ``Linear -> LayoutActivation`` instead: the output activation on the
    continuous columns and a Gumbel-softmax on each categorical block.

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
    gumbel_tau : float, default=0.2
        Temperature of the Gumbel-softmax that ends each categorical block
        when the generator is built with an ``output_layout`` that has
        categorical blocks (mixed-type tables; CTGAN's 0.2). Lower is closer
        to one-hot. Unused otherwise.
    residual : bool, default=False
        Concatenate each hidden block's input to its output, as CTGAN's
        generator does (Xu et al., "Modeling Tabular Data using Conditional
        GAN", NeurIPS 2019): each layer then sees the noise and all earlier
        features, and the widths add up.

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
        "gumbel_tau": [Interval(Real, 0, None, closed="neither")],
        "residual": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        activation="relu",
        batch_norm=True,
        dropout=0.0,
        output_activation="tanh",
        gumbel_tau=0.2,
        residual=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.output_activation = output_activation
        self.gumbel_tau = gumbel_tau
        self.residual = residual

    def __call__(self, *, latent_dim, n_features, n_classes=None, output_layout=None):
        sizes = self._hidden_sizes()
        blocks = None if output_layout is None else layout_blocks(output_layout, n_features)
        layers, width = _mlp_layers(
            latent_dim + (n_classes or 0), sizes, self.activation, self.batch_norm, self.dropout, self.residual
        )
        if has_categorical(blocks):
            head = LayoutActivation(output_layout, self.output_activation, self.gumbel_tau)
        else:
            head = _ACTIVATIONS[self.output_activation]()
        layers += [linear(width, n_features), head]
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
    pac : int, default=1
        Rows per pack (PacGAN: Lin et al., "PacGAN: The power of two samples
        in generative adversarial networks", NeurIPS 2018): the network
        judges ``pac`` consecutive rows at once, one output per pack, which
        penalises a generator that collapses onto few modes. CTGAN uses 10.
        Batches must then be a multiple of ``pac`` (``GANSampler`` rounds
        its ``batch_size`` down to one); 1 judges single rows.

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
    >>> packed = MLPDiscriminator(hidden_layer_sizes=(16,), pac=2)(n_features=3)
    >>> packed(torch.zeros(6, 3)).shape
    torch.Size([3])
    """

    _parameter_constraints = {
        **_NetworkSpec._parameter_constraints,
        "pac": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        activation="leaky_relu",
        batch_norm=False,
        dropout=0.3,
        pac=1,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.batch_norm = batch_norm
        self.dropout = dropout
        self.pac = pac

    def __call__(self, *, n_features, n_classes=None):
        sizes = self._hidden_sizes()
        layers, width = _mlp_layers(
            self.pac * (n_features + (n_classes or 0)), sizes, self.activation, self.batch_norm, self.dropout
        )
        layers.append(linear(width, 1))
        return MLPDiscriminatorModule(layers, n_classes, self.pac)
