"""What the network families share: activations, output ranges, labels, image shapes, spec validation."""

from numbers import Integral, Real

import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

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


def _positive_sizes(sizes, name):
    """An int or a sequence of ints as a non-empty tuple of positive ints."""
    values = (sizes,) if isinstance(sizes, Integral) else tuple(sizes)
    if not values or not all(isinstance(s, Integral) and s >= 1 for s in values):
        raise ValueError(f"{name} must contain positive integers, got {sizes!r}.")
    return values


def pack_size(discriminator):
    """Rows a discriminator judges at once: its ``pac`` (PacGAN), 1 for one that does not pack."""
    pac = getattr(discriminator, "pac", 1)
    return pac if isinstance(pac, int) and not isinstance(pac, bool) and pac >= 1 else 1


def with_labels(inputs, labels, n_classes):
    """``inputs`` with the one-hot encoding of ``labels`` appended (conditional nets).

    Float ``labels`` of shape ``(batch, n_classes)`` are condition vectors
    (a table's training-by-sampling) and are appended as they are.
    """
    if not n_classes:
        return inputs
    if labels.is_floating_point():
        return torch.cat([inputs, labels.to(inputs.dtype)], dim=1)
    return torch.cat([inputs, F.one_hot(labels, n_classes).to(inputs.dtype)], dim=1)


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


def output_range(module):
    """The generator's declared output range; ``(-1, 1)`` when undeclared."""
    return getattr(module, "output_range", (-1.0, 1.0))
