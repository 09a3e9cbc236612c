"""Plain values: what a model file may hold besides tensors, and the estimator's parameters as such.

A model file holds only strings, numbers, booleans, None, lists and dicts of
them, and tensors, so that ``torch.load(..., weights_only=True)`` reads it
without running code. This module turns parameters and settings into such
values and back; :mod:`._state` does the same for the fitted state.
"""

import re
import warnings
from numbers import Integral

from .._torch_options import check_compile_options, check_optimizer_kwargs
from ..constraints._set import constraints_from_config, constraints_to_config
from ..exceptions import InvalidModelFile
from ..losses import LOSSES
from ..networks import (
    DISCRIMINATORS,
    GENERATORS,
    DCGANDiscriminator,
    DCGANGenerator,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
)
from ..preprocessing import TabularEncoder
from ..privacy import DPSGD
from ._validators import plain, short_repr, tuples

#: Parameters that hold a network preset name or one of skgan's spec objects for it.
NETWORK_ROLES = {"generator": GENERATORS, "discriminator": DISCRIMINATORS}
_OBJECT_PARAMS = {**NETWORK_ROLES, "loss": LOSSES}
_SPECS = {
    cls.__name__: cls
    for cls in (MLPGenerator, MLPDiscriminator, MaxoutDiscriminator, DCGANGenerator, DCGANDiscriminator,
                *LOSSES.values())
}
#: The spec and loss classes each object parameter may hold in a model file.
_ROLE_SPECS = {
    "generator": (MLPGenerator, DCGANGenerator),
    "discriminator": (MLPDiscriminator, MaxoutDiscriminator, DCGANDiscriminator),
    "loss": tuple(LOSSES.values()),
}
_TUPLE_PARAMS = ("image_shape", "optimizer_kwargs")
#: Devices a model file may name: the ``device`` parameter (with ``"auto"``) and the fitted ``device_``.
DEVICE_NAMES = re.compile(r"cpu|mps|cuda(:[0-9]{1,3})?")
#: Parameters that hold live objects, never stored: a loaded model does not need them.
_RUNTIME_PARAMS = ("callbacks",)


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


def network_from_config(config, role):
    """A preset name, or the spec object described by :func:`network_config`, checked for ``role``.

    An InvalidModelFile when the name is not a preset of ``role``, the spec
    is not one of ``role``'s classes, or its parameters fail the spec's own
    checks.
    """
    if isinstance(config, str) and config in _OBJECT_PARAMS[role]:
        return config
    names = {cls.__name__: cls for cls in _ROLE_SPECS[role]}
    if not (isinstance(config, dict) and set(config) == {"spec", "params"} and config["spec"] in names
            and isinstance(config["params"], dict)):
        raise InvalidModelFile(
            f"its {role} {short_repr(config)} is neither one of {sorted(_OBJECT_PARAMS[role])} nor "
            f"a spec of {sorted(names)}"
        )
    cls = names[config["spec"]]
    valid = cls().get_params()
    unknown = sorted(str(key) for key in config["params"] if key not in valid)
    if unknown:
        raise InvalidModelFile(f"its {role} {cls.__name__} has unknown parameters {unknown}")
    spec = cls(**{key: tuples(value) for key, value in config["params"].items()})
    try:
        spec._validate_params()
    except (TypeError, ValueError) as exc:
        raise InvalidModelFile(f"its {role} fails its checks: {str(exc).rstrip('.')}") from None
    for name, value in spec.get_params().items():  # layer sizes: checked at build time, here at once
        if isinstance(value, tuple) and not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1
                                                for n in value):
            raise InvalidModelFile(f"its {role}'s {name} {short_repr(value)} are not positive integers")
    return spec


#: Parameters whose value may be one of skgan's parameter holders, stored as ``{"spec": class name, "params": ...}``.
_SPEC_PARAMS = {"encoder": TabularEncoder, "privacy": DPSGD}


def _spec_from_config(name, config):
    """The ``name`` parameter's holder (a TabularEncoder, a DPSGD) back from ``{"spec": ..., "params": ...}``,
    checked."""
    cls = _SPEC_PARAMS[name]
    if not (set(config) == {"spec", "params"} and config["spec"] == cls.__name__
            and isinstance(config["params"], dict)):
        raise InvalidModelFile(f"its {name} {short_repr(config)} is not a {cls.__name__}'s parameters")
    valid = cls().get_params()
    unknown = sorted(str(key) for key in config["params"] if key not in valid)
    if unknown:
        raise InvalidModelFile(f"its {name} {cls.__name__} has unknown parameters {unknown}")
    holder = cls(**config["params"])
    try:
        holder._validate_params()
    except (TypeError, ValueError) as exc:
        raise InvalidModelFile(f"its {name} fails its checks: {str(exc).rstrip('.')}") from None
    return holder


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
        elif name == "constraints":
            config[name] = constraints_to_config(value)
        elif name in _SPEC_PARAMS and type(value) is _SPEC_PARAMS[name]:
            config[name] = {"spec": type(value).__name__, "params": plain(value.get_params(), f"{name} parameters")}
        else:
            config[name] = plain(value, name)
    return config


def check_savable(params):
    """A ValueError if an estimator with these parameters could not be saved to a model file."""
    params_to_config(params)
    if params.get("transformer") is not None:
        raise ValueError("skgan cannot save a GANSampler with a transformer to its model file; use pickle or joblib.")


def params_from_config(config):
    """Constructor parameters back from :func:`params_to_config`, with the checks only a model file needs.

    The caller checks the result against the estimator's
    ``_parameter_constraints``; here: the values that would reach torch
    (``compile``, ``optimizer_kwargs``, ``device``) and the object
    parameters, so that a file cannot choose a program, a path or a class.
    An InvalidModelFile says what is wrong.
    """
    if not isinstance(config, dict) or not all(isinstance(name, str) for name in config):
        raise InvalidModelFile("its parameters are not a dict of names")
    stored = sorted(name for name in _RUNTIME_PARAMS if name in config)
    if stored:
        raise InvalidModelFile(f"it stores {stored}, which model files never hold")
    params = dict(config)
    if "constraints" in params:
        params["constraints"] = constraints_from_config(params["constraints"])
    for name in _SPEC_PARAMS:
        if isinstance(params.get(name), dict):
            params[name] = _spec_from_config(name, params[name])
    for name in _OBJECT_PARAMS:
        if name in params:
            params[name] = network_from_config(params[name], name)
    for name in _TUPLE_PARAMS:
        if isinstance(params.get(name), dict):
            params[name] = {key: tuples(value) for key, value in params[name].items()}
        elif name in params:
            params[name] = tuples(params[name])
    try:
        if "compile" in params and params["compile"] not in (True, False):
            params["compile"] = check_compile_options(params["compile"])
        params["optimizer_kwargs"] = check_optimizer_kwargs(params.get("optimizer", "adam"),
                                                            params.get("optimizer_kwargs"))
    except ValueError as exc:
        raise InvalidModelFile(str(exc).rstrip(".")) from None
    device = params.get("device", "auto")
    if not (isinstance(device, str) and (device == "auto" or DEVICE_NAMES.fullmatch(device))):
        raise InvalidModelFile(f"its device parameter {short_repr(device)} is not 'auto', 'cpu', 'mps' or 'cuda[:i]'")
    seed = params.get("random_state")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed < 2**32):
        raise InvalidModelFile(f"its random_state {short_repr(seed)} is not None or a seed in [0, 2**32)")
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
