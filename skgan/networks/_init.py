"""Layers with torch's default initialisation, drawn from the fit's own generator."""

import math

import torch
from torch import nn

from .._random import generator_for


def default_init_(layer):
    """Initialise a ``Linear`` or convolution as torch does, from the active fit's generator.

    Kaiming-uniform weights (``a = sqrt(5)``) and uniform biases on
    ``±1 / sqrt(fan_in)``: the distributions of torch's own
    ``reset_parameters``. Outside a fit the draws come from torch's global
    generator, in the order torch's constructor would make them.
    """
    generator = generator_for(layer.weight.device)
    nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
    if layer.bias is not None:
        fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


def _built(cls, *args, **kwargs):
    """``cls(*args, **kwargs)`` built without torch's own draws, then :func:`default_init_`."""
    # torch.empty(0) is made on the default device: the CPU, or "meta" while load
    # compares saved weights with networks it does not allocate
    layer = cls(*args, **kwargs, device="meta").to_empty(device=torch.empty(0).device)
    return default_init_(layer)


def linear(n_in, n_out, bias=True):
    """``nn.Linear(n_in, n_out)``, initialised from the fit's generator."""
    return _built(nn.Linear, n_in, n_out, bias=bias)


def conv2d(n_in, n_out, kernel_size, **kwargs):
    """``nn.Conv2d``, initialised from the fit's generator."""
    return _built(nn.Conv2d, n_in, n_out, kernel_size, **kwargs)


def conv_transpose2d(n_in, n_out, kernel_size, **kwargs):
    """``nn.ConvTranspose2d``, initialised from the fit's generator."""
    return _built(nn.ConvTranspose2d, n_in, n_out, kernel_size, **kwargs)
