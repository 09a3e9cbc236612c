"""Plain values: what a model file may hold besides tensors, and the estimator's parameters as such.

A model file holds only strings, numbers, booleans, None, lists and dicts of
them, and tensors, so that ``torch.load(..., weights_only=True)`` reads it
without running code. This module turns parameters and settings into such
values and back; :mod:`skgan._fitted` does the same for the fitted state.
"""

import warnings
from numbers import Integral, Real

import numpy as np

from .losses import LOSSES
from .networks import (
    DISCRIMINATORS,
    GENERATORS,
    DCGANDiscriminator,
    DCGANGenerator,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
)

#: Parameters that hold a network preset name or one of skgan's spec objects for it.
NETWORK_ROLES = {"generator": GENERATORS, "discriminator": DISCRIMINATORS}
_OBJECT_PARAMS = {**NETWORK_ROLES, "loss": LOSSES}
_SPECS = {
    cls.__name__: cls
    for cls in (MLPGenerator, MLPDiscriminator, MaxoutDiscriminator, DCGANGenerator, DCGANDiscriminator,
                *LOSSES.values())
}
_TUPLE_PARAMS = ("image_shape", "optimizer_kwargs")
#: Parameters that hold live objects, never stored: a loaded model does not need them.
_RUNTIME_PARAMS = ("callbacks",)


def short_repr(value, limit=80):
    """``repr(value)`` on one line, cut to ``limit`` characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


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


def network_config(role, network, presets):
    """A preset name, or ``{"spec": class name, "params": ...}`` for skgan's own spec and loss objects."""
    if isinstance(network, str) and network in presets:
        return network
    if type(network) in _SPECS.values():
        return {"spec": type(network).__name__, "params": plain(network.get_params(), f"{role} parameters")}
    raise ValueError(
        f"skgan cannot save the {role} {short_repr(network)} to its model file: only the "
        f"{sorted(presets)} presets and skgan's own objects for them can be stored "
        "without code. Use pickle or joblib for estimators with custom networks or "
        "losses (and load such files only from trusted sources)."
    )


def network_from_config(config):
    """A preset name, or the spec object described by :func:`network_config`."""
    if not isinstance(config, dict):
        return config
    return _SPECS[config["spec"]](**{key: tuples(value) for key, value in config["params"].items()})


def params_to_config(params):
    """Constructor parameters (``get_params(deep=False)``) as JSON-safe values."""
    config = {}
    for name, value in params.items():
        if name in _RUNTIME_PARAMS:
            continue
        if name in _OBJECT_PARAMS:
            config[name] = network_config(name, value, _OBJECT_PARAMS[name])
        elif name == "device":
            config[name] = str(value)
        elif name == "random_state":
            config[name] = _random_state_config(value)
        else:
            config[name] = plain(value, name)
    return config


def check_savable(params):
    """A ValueError if an estimator with these parameters could not be saved to a model file."""
    params_to_config(params)
    if params.get("transformer") is not None:
        raise ValueError("skgan cannot save a GANSampler with a transformer to its model file; use pickle or joblib.")


def params_from_config(config):
    """Constructor parameters back from :func:`params_to_config`."""
    params = dict(config)
    for name in _OBJECT_PARAMS:
        params[name] = network_from_config(params[name])
    for name in _TUPLE_PARAMS:
        if isinstance(params.get(name), dict):
            params[name] = {key: tuples(value) for key, value in params[name].items()}
        elif name in params:
            params[name] = tuples(params[name])
    return params


def _random_state_config(random_state):
    if random_state is None or isinstance(random_state, Integral):
        return plain(random_state, "random_state")
    warnings.warn(
        "random_state is a RandomState instance, whose seed skgan does not store; "
        "the loaded estimator has random_state=None. Pass an int to keep it.",
        UserWarning,
        stacklevel=4,
    )
    return None
