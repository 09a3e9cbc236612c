"""Choosing the torch device."""

import numpy as np
import torch


def resolve_device(device):
    """Turn the ``device`` parameter into a :class:`torch.device`.

    ``None`` is the CPU and ``"auto"`` is CUDA when available, else CPU. An
    unknown or unavailable device is a ``ValueError`` that says what is
    available.
    """
    if device is None:
        return torch.device("cpu")
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(f"Invalid device {device!r}: {exc}") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available; "
            "use device='cpu' or device='auto'."
        )
    return resolved


def to_cpu(obj):
    """A module, tensor or nest of dicts, lists and tuples with its tensors on the CPU.

    Tensors come detached from any graph and numpy scalars as Python
    numbers, so the result holds only what a model file may hold.
    """
    if isinstance(obj, torch.nn.Module):
        return obj.to("cpu")
    if isinstance(obj, torch.Tensor):
        return obj.detach().to("cpu")
    if isinstance(obj, dict):
        return {key: to_cpu(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(to_cpu(value) for value in obj)
    if isinstance(obj, np.generic):
        return obj.item()
    return obj
