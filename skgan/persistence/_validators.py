"""The checks of plain values read back from a model file or from ``to_plain`` dicts: one set, one exception.

Every check raises :class:`~skgan.exceptions.InvalidModelFile` with a
message that names the field (``where``); reading a file adds the file's
name. The fitted state's converters (:mod:`._state`), the parameters'
(:mod:`._parameters`), the codecs' and the table encoder's ``from_plain``
all check with these. It imports nothing from skgan but the exception, so
every layer may use it.
"""

import math
from numbers import Integral, Real

import numpy as np
import torch

from ..exceptions import InvalidModelFile


def short_repr(value, limit=80):
    """``repr(value)`` on one line, cut to ``limit`` characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check(condition, where, message):
    """An InvalidModelFile ``"{where} {message}"`` unless ``condition``."""
    if not condition:
        raise InvalidModelFile(f"{where} {message}")


def check_keys(values, keys, where):
    """``values`` is a dict of exactly ``keys``."""
    check(isinstance(values, dict), where, f"must be a dict, got {type(values).__name__}")
    check(set(values) == set(keys), where, f"must have the keys {sorted(keys)}, got {sorted(map(str, values))}")


def check_bool(value, where):
    check(isinstance(value, bool), where, f"must be true or false, got {value!r}")
    return value


def check_float(value, where):
    """A finite number (an int or a float, not a bool), as a float."""
    check(isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value), where,
          f"must be a finite number, got {value!r}")
    return float(value)


def check_list(items, where, length=None):
    check(isinstance(items, list), where, f"must be a list, got {type(items).__name__}")
    if length is not None:
        check(len(items) == length, where, f"must have {length} entries, got {len(items)}")
    return items


def integer(values, name, low=None, high=None):
    """``values[name]``, an integer (not a bool) in ``[low, high]``."""
    value = values[name]
    if not isinstance(value, Integral) or isinstance(value, bool) or not (low is None or value >= low) or not (
        high is None or value <= high
    ):
        raise InvalidModelFile(f"its {name} {short_repr(value)} is not an integer in [{low}, {high}]")
    return int(value)


def number(values, name, optional=False, positive=False):
    """``values[name]``, a number (None when ``optional``); a positive finite one with ``positive``."""
    value = values[name]
    if value is None and optional:
        return None
    if not isinstance(value, Real) or isinstance(value, bool) or (positive and not 0 < value < np.inf):
        raise InvalidModelFile(f"its {name} {short_repr(value)} is not a{' positive finite' * positive} number")
    return float(value)


def float_vector(value, name, length, valid=np.isfinite):
    """A float tensor of shape ``(length,)`` whose values pass ``valid``, as a float64 array."""
    if not (isinstance(value, torch.Tensor) and value.dtype.is_floating_point and tuple(value.shape) == (length,)):
        raise InvalidModelFile(f"its {name} is not a float vector of length {length}: {short_repr(value)}")
    array = value.numpy().astype(np.float64)
    if not valid(array).all():
        raise InvalidModelFile(f"its {name} has values out of range: {short_repr(array.tolist())}")
    return array


def float_tensor(array):
    """A float64 CPU tensor of ``array``'s values (a copy)."""
    return torch.as_tensor(np.asarray(array, dtype=np.float64)).clone()


def column_label(label):
    """A column label as a plain value (str or int); other labels cannot be saved (a ValueError)."""
    if isinstance(label, (bool, np.bool_)) or not isinstance(label, (str, int, np.integer)):
        raise ValueError(f"skgan saves tables whose column labels are strings or integers, got {label!r}.")
    return label if isinstance(label, str) else int(label)


def plain(value, name):
    """``value`` as str, int, float, bool, None, list or dict (tuples and arrays become lists)."""
    if value is None:
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), name)
    if isinstance(value, (list, tuple)):
        return [plain(item, name) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: plain(item, name) for key, item in value.items()}
    raise ValueError(
        f"skgan cannot save {name}={short_repr(value)} to its model file; "
        "use pickle or joblib for this estimator."
    )


def tuples(value):
    """Lists (as plain values hold them) back to tuples, recursively."""
    return tuple(tuples(item) for item in value) if isinstance(value, list) else value
