"""Input checks of the metrics: data arrays, bandwidths (imports nothing above skgan._arguments)."""

import math

import numpy as np
import torch
from sklearn.utils import check_array


def to_numpy(array):
    """A torch tensor as a numpy array (float32 or float64); anything else unchanged."""
    if isinstance(array, torch.Tensor):
        array = array.detach()
        if array.dtype not in (torch.float32, torch.float64):
            array = array.to(torch.float64)
        return array.cpu().numpy()
    return array


def max_abs(*arrays):
    """The largest absolute value in ``arrays``."""
    return max(max(float(a.max()), -float(a.min())) for a in arrays)


def check_data(X, samples, x_name="X", s_name="samples"):
    """``X`` and ``samples`` as finite C-ordered float32/float64 arrays of as many features.

    Values whose squared distances would overflow float64 are a ValueError.
    """
    X = check_array(
        to_numpy(X), dtype=[np.float64, np.float32], order="C", input_name=x_name
    )
    samples = check_array(
        to_numpy(samples),
        dtype=[np.float64, np.float32],
        order="C",
        input_name=s_name,
    )
    if X.shape[1] != samples.shape[1]:
        raise ValueError(
            f"{x_name} has {X.shape[1]} features, but {s_name} has "
            f"{samples.shape[1]} features; they must have the same number."
        )
    scale = max_abs(X, samples)
    if not math.isfinite(16.0 * X.shape[1] * scale * scale):
        raise ValueError(
            f"{x_name} and {s_name} hold values too large ({scale:.3g}) for "
            "squared distances in float64; rescale the data."
        )
    return X, samples


def check_bandwidths(bandwidths, name="bandwidths"):
    """``bandwidths`` as a non-empty 1-D float64 array of finite values > 0.

    A value so small that ``0.5 / value**2`` overflows is a ValueError too;
    every message names ``name``.
    """
    if isinstance(bandwidths, torch.Tensor):
        bandwidths = bandwidths.detach().cpu().numpy()
    try:
        values = np.atleast_1d(np.asarray(bandwidths, dtype=np.float64))
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be positive real numbers, got {bandwidths!r}."
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of positive numbers, "
            f"got shape {values.shape}."
        )
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"{name} must be finite and > 0, got {values.tolist()}.")
    with np.errstate(over="ignore", divide="ignore"):
        inv = 0.5 / values**2
    if not np.all(np.isfinite(inv)):
        raise ValueError(f"{name} too small to be represented: {values.tolist()}.")
    return values


def check_bandwidth(bandwidth):
    """One bandwidth, as a float64 array of shape (1,)."""
    if isinstance(bandwidth, torch.Tensor):
        bandwidth = bandwidth.detach().cpu().numpy()
    if np.ndim(bandwidth) != 0 or isinstance(bandwidth, (str, bytes, bool)):
        raise ValueError(
            f"bandwidth must be a single positive number, got {bandwidth!r}; "
            "use parzen_log_likelihood_sweep for several bandwidths."
        )
    return check_bandwidths(bandwidth, name="bandwidth")
