"""Fully connected networks: MLPGenerator, MLPDiscriminator and the modules they build."""

from sklearn.utils._param_validation import StrOptions
from torch import nn
from torch.nn.utils.fusion import fuse_linear_bn_eval

from ._common import _ACTIVATIONS, OUTPUT_RANGES, _NetworkSpec, with_labels
from ._dropout import Dropout
from ._init import linear


def _mlp_layers(n_in, hidden_layer_sizes, activation, batch_norm, dropout):
    """Hidden blocks: Linear -> [BatchNorm] -> activation -> [Dropout]."""
    layers = []
    for width in hidden_layer_sizes:
        layers.append(linear(n_in, width))
        if batch_norm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(_ACTIVATIONS[activation]())
        if dropout > 0:
            layers.append(Dropout(dropout))
        n_in = width
    return layers, n_in


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
        layers += [linear(width, n_features), _ACTIVATIONS[self.output_activation]()]
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
        layers.append(linear(width, 1))
        return MLPDiscriminatorModule(layers, n_classes)
