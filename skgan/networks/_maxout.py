"""Maxout networks: the Maxout layer, MaxoutDiscriminator and the module it builds."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval
from torch import nn

from .._arguments import check_positive_int
from ._common import _NetworkSpec, with_labels
from ._dropout import Dropout
from ._init import linear


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
        n_in = check_positive_int(n_in, "n_in")
        self.n_units = check_positive_int(n_units, "n_units")
        self.n_pieces = check_positive_int(n_pieces, "n_pieces")
        self.linear = linear(n_in, self.n_units * self.n_pieces)

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
        layers.append(linear(width, 1))
        return MaxoutDiscriminatorModule(self.input_dropout, layers, n_classes)
