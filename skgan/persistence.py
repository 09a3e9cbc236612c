"""Saving and loading fitted :class:`~skgan.GANSampler` models without pickle.

:func:`save` writes one file with :func:`torch.save` that holds only plain
values (strings, numbers, booleans, None, lists and dicts of them) and
tensors: the constructor parameters as a JSON string, the network weights,
the optimizer state and the other fitted attributes, with a SHA-256
checksum of them. :func:`load` reads it with
``torch.load(..., weights_only=True)``, which refuses anything else, so
loading a file never runs code from it, unlike pickle or joblib; the
checksum catches damaged files.

Only networks and losses that can be described without code can be saved
this way: the presets by name and skgan's own spec and loss objects
(:class:`~skgan.MLPGenerator`, :class:`~skgan.MaxoutDiscriminator`,
:class:`~skgan.DCGANGenerator`, :class:`~skgan.WassersteinGPLoss`, ...). Estimators with a custom
``torch.nn.Module`` or optimizer class need pickle or joblib, from trusted
sources only.
"""

import hashlib
import json
import os
import warnings
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ._device import resolve_device
from ._sampler import GANSampler
from ._scaling import AffineScaling
from .losses import LOSSES
from .networks import (
    DISCRIMINATORS,
    GENERATORS,
    DCGANDiscriminator,
    DCGANGenerator,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
    build_network,
)

__all__ = ["FORMAT", "VERSION", "load", "save"]

#: Identifies an skgan model file.
FORMAT = "skgan.GANSampler"
#: Version of the file layout that :func:`save` writes and :func:`load` reads.
VERSION = 1

# Parameters that hold a preset name or one of skgan's parameter-holder objects.
_NETWORK_ROLES = {"generator": GENERATORS, "discriminator": DISCRIMINATORS}
_OBJECT_PARAMS = {**_NETWORK_ROLES, "loss": LOSSES}
_SPECS = {
    cls.__name__: cls
    for cls in (MLPGenerator, MLPDiscriminator, MaxoutDiscriminator, DCGANGenerator, DCGANDiscriminator,
                *LOSSES.values())
}
_TUPLE_PARAMS = ("image_shape", "optimizer_kwargs")
_SCALAR_ATTRIBUTES = (
    "n_iter_", "best_validation_score_", "device_", "_parzen_seed", "bandwidth_", "n_features_in_",
    "_n_average_updates",
)


# --------------------------------------------------------------------------
# save
# --------------------------------------------------------------------------


def save(estimator, path):
    """Save a fitted GANSampler to one file that loads without running code.

    Parameters
    ----------
    estimator : GANSampler
        A fitted estimator whose networks are the ``"mlp"`` presets or
        :class:`~skgan.MLPGenerator` / :class:`~skgan.MLPDiscriminator`
        specs.
    path : str or path-like
        File to write; an existing file is replaced only once the new one
        is complete.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If a network or parameter cannot be stored without code (a custom
        ``torch.nn.Module`` or factory); use pickle or joblib then.

    Warns
    -----
    UserWarning
        If ``random_state`` is a ``RandomState`` instance: its seed is not
        kept and the loaded estimator has ``random_state=None``.

    See Also
    --------
    load : Read the file back.
    GANSampler.save : The same, as a method.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.persistence import load, save
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(latent_dim=4, max_iter=2, n_parzen_samples=100, random_state=0).fit(X)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "model.skgan")
    >>> save(gan, path)
    >>> np.array_equal(load(path).sample(3), gan.sample(3))
    True
    >>> folder.cleanup()
    """
    if type(estimator) is not GANSampler:
        raise ValueError(
            f"skgan can save only GANSampler estimators to its model file, got {type(estimator).__name__}; "
            "use pickle or joblib for other objects."
        )
    check_is_fitted(estimator)
    config = json.dumps(_config(estimator), sort_keys=True)
    state = _fitted_state(estimator)
    contents = {
        "format": FORMAT,
        "version": VERSION,
        "skgan_version": _skgan_version(),
        "torch_version": str(torch.__version__),
        "config": config,
        "state": state,
        "sha256": _digest(config, state),
    }
    _write_atomically(contents, Path(path))


def _skgan_version():
    from . import __version__

    return __version__


def _config(estimator):
    """The constructor parameters as JSON-safe values."""
    params = estimator.get_params(deep=False)
    config = {}
    for name, value in params.items():
        if name in _OBJECT_PARAMS:
            config[name] = _network_config(name, value, _OBJECT_PARAMS[name])
        elif name == "device":
            config[name] = str(value)
        elif name == "random_state":
            config[name] = _random_state_config(value)
        else:
            config[name] = _plain(value, name)
    return config


def _network_config(role, network, presets):
    if isinstance(network, str) and network in presets:
        return network
    if type(network) in _SPECS.values():
        return {"spec": type(network).__name__, "params": _plain(network.get_params(), f"{role} parameters")}
    raise ValueError(
        f"skgan cannot save the {role} {_short_repr(network)} to its model file: only the "
        f"{sorted(presets)} presets and skgan's own objects for them can be stored "
        "without code. Use pickle or joblib for estimators with custom networks or "
        "losses (and load such files only from trusted sources)."
    )


def _short_repr(value, limit=80):
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _random_state_config(random_state):
    if random_state is None or isinstance(random_state, Integral):
        return _plain(random_state, "random_state")
    warnings.warn(
        "random_state is a RandomState instance, whose seed skgan does not store; "
        "the loaded estimator has random_state=None. Pass an int to keep it.",
        UserWarning,
        stacklevel=4,
    )
    return None


def _plain(value, name):
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
        return _plain(value.tolist(), name)
    if isinstance(value, (list, tuple)):
        return [_plain(item, name) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _plain(item, name) for key, item in value.items()}
    raise ValueError(
        f"skgan cannot save {name}={_short_repr(value)} to its model file; "
        "use pickle or joblib for this estimator."
    )


def _fitted_state(estimator):
    scaling, raw = estimator._scaling, estimator._raw_generator
    state = {
        "generator_": _to_cpu(dict(estimator.generator_.state_dict())),
        "discriminator_": _to_cpu(dict(estimator.discriminator_.state_dict())),
        "raw_generator": None if raw is None else _to_cpu(dict(raw.state_dict())),
        "scaling": {
            "output_range": _plain(scaling.output_range, "output_range"),
            "center_": _tensor(scaling.center_),
            "model_center_": float(scaling.model_center_),
            "data_per_model_": _tensor(scaling.data_per_model_),
            "model_per_data_": _tensor(scaling.model_per_data_),
        },
        "optimizer_state": _to_cpu(tuple(estimator._optimizer_state)),
        "history_": _plain(estimator.history_, "history_"),
        "fitted_settings": _fitted_settings_config(estimator._fitted_settings),
    }
    for name in _SCALAR_ATTRIBUTES:
        state[name] = _plain(getattr(estimator, name), name)
    if hasattr(estimator, "feature_names_in_"):
        state["feature_names_in_"] = [str(name) for name in estimator.feature_names_in_]
    class_prior = getattr(estimator, "_class_prior", None)
    state["class_prior"] = None if class_prior is None else _tensor(class_prior)
    if hasattr(estimator, "classes_"):
        state["classes_"] = _labels(estimator.classes_)
    return state


def _fitted_settings_config(settings):
    """What the fitted networks were built with (may differ from the current parameters)."""
    config = {name: _plain(settings[name], name) for name in ("latent_dim", "noise", "n_parzen_samples", "image_shape")}
    for role, presets in _NETWORK_ROLES.items():
        config[role] = _network_config(role, settings[role], presets)
    return config


def _labels(classes):
    """Class labels as their plain values and numpy dtype, so that they come back with the same dtype."""
    values = classes.tolist()
    if not all(isinstance(value, (str, Real, np.bool_)) for value in values):
        raise ValueError(
            f"skgan can store class labels that are strings, numbers or booleans, got {_short_repr(values)}; "
            "use pickle or joblib for this estimator."
        )
    return {"values": _plain(values, "classes_"), "dtype": classes.dtype.str if classes.dtype != object else "object"}


def _tensor(array):
    return torch.as_tensor(np.asarray(array, dtype=np.float64)).clone()


def _to_cpu(obj):
    """A tensor or a nest of dicts, lists and tuples with its tensors on the CPU."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().to("cpu")
    if isinstance(obj, dict):
        return {key: _to_cpu(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(value) for value in obj)
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def _digest(config, state):
    """SHA-256 of the configuration and the fitted state, tensors by their bytes."""
    digest = hashlib.sha256(config.encode())
    _feed(digest, state)
    return digest.hexdigest()


def _feed(digest, value):
    if isinstance(value, torch.Tensor):
        tensor = value.detach().to("cpu").contiguous()
        digest.update(f"tensor {tensor.dtype} {tuple(tensor.shape)};".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)};".encode())
        for key, item in sorted(value.items(), key=lambda pair: (type(pair[0]).__name__, pair[0])):
            _feed(digest, key)
            _feed(digest, item)
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__} {len(value)};".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(f"{type(value).__name__} {value!r};".encode())


def _write_atomically(contents, path):
    """Write to a temporary file beside ``path``, then move it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as file:
            torch.save(contents, file)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------
# load
# --------------------------------------------------------------------------


def load(path, *, device=None):
    """Load a GANSampler saved by :func:`save`, without running code from the file.

    Parameters
    ----------
    path : str or path-like
        File written by :func:`save` or :meth:`GANSampler.save`.
    device : str, torch.device or None, default=None
        Where to put the networks. None is the device the model was saved
        from, or the CPU (with a warning) when that one is not available
        here.

    Returns
    -------
    estimator : GANSampler
        The fitted estimator, ready to sample, score or continue training
        with ``warm_start=True``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not an skgan model file, is corrupted or truncated,
        or was written by a newer skgan in a format this one cannot read.

    Warns
    -----
    UserWarning
        If the model was saved from a device that is not available here
        and ``device`` is None; it is loaded on the CPU.

    See Also
    --------
    save : Write the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import skgan
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = skgan.GANSampler(latent_dim=4, max_iter=2, n_parzen_samples=100, random_state=0).fit(X)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "model.skgan")
    >>> gan.save(path)
    >>> loaded = skgan.load(path, device="cpu")
    >>> loaded.n_iter_, loaded.bandwidth_ == gan.bandwidth_
    (2, True)
    >>> np.array_equal(loaded.score_samples(X[:5]), gan.score_samples(X[:5]))
    True
    >>> folder.cleanup()
    """
    contents = _read(path)
    _check_header(contents, path)
    requested = None if device is None else resolve_device(device)
    try:
        _check_checksum(contents)
        return _rebuild(json.loads(contents["config"]), contents["state"], requested)
    except _DAMAGE as exc:
        raise ValueError(f"{os.fspath(path)} is a corrupted skgan model file ({_reason(exc)}).") from None


_DAMAGE = (KeyError, TypeError, AttributeError, IndexError, RuntimeError, ValueError)


def _read(path):
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except Exception as exc:
        raise ValueError(
            f"{os.fspath(path)} is not an skgan model file, or it is corrupted or truncated "
            f"({type(exc).__name__})."
        ) from None


def _check_header(contents, path):
    if not isinstance(contents, dict) or contents.get("format") != FORMAT:
        raise ValueError(f"{os.fspath(path)} is not an skgan model file (no {FORMAT!r} format tag).")
    version = contents.get("version")
    if version != VERSION:
        written_by = contents.get("skgan_version", "an unknown version")
        newer = isinstance(version, int) and version > VERSION
        raise ValueError(
            f"{os.fspath(path)} has skgan model format version {version!r} (written by skgan "
            f"{written_by}); this skgan reads version {VERSION}"
            + (". Upgrade skgan to load it." if newer else ".")
        )


def _check_checksum(contents):
    if contents.get("sha256") != _digest(contents["config"], contents["state"]):
        raise _ChecksumMismatch("its checksum does not match its contents")


class _ChecksumMismatch(ValueError):
    pass


def _reason(exc):
    if isinstance(exc, _ChecksumMismatch):
        return str(exc)
    text = " ".join(str(exc).split())
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _rebuild(config, state, device):
    state = {"raw_generator": None, "_n_average_updates": None, **state}  # files from before weight averaging
    estimator = GANSampler(**_params(config))
    for name in _SCALAR_ATTRIBUTES:
        setattr(estimator, name, state[name])
    if "feature_names_in_" in state:
        estimator.feature_names_in_ = np.asarray(state["feature_names_in_"], dtype=object)
    if "classes_" in state:
        estimator.classes_ = np.asarray(state["classes_"]["values"], dtype=np.dtype(state["classes_"]["dtype"]))
    prior = state["class_prior"]
    estimator._class_prior = None if prior is None else prior.numpy().astype(np.float64)
    estimator.device_ = str(_target_device(state["device_"], device))
    estimator._fitted_settings = _fitted_settings(state["fitted_settings"])
    with torch.random.fork_rng(devices=[]):
        estimator.generator_, estimator.discriminator_, estimator._raw_generator = _networks(estimator, state)
    estimator._scaling = _scaling(state["scaling"])
    estimator._optimizer_state = tuple(state["optimizer_state"])
    estimator.history_ = [dict(record) for record in state["history_"]]
    return estimator


def _fitted_settings(config):
    settings = {"image_shape": None, **config}
    settings["image_shape"] = _tuples(settings["image_shape"])
    for role in _NETWORK_ROLES:
        settings[role] = _network(settings[role])
    return settings


def _networks(estimator, state):
    """The networks rebuilt as fit built them, with the saved weights.

    Returns ``generator_``, ``discriminator_`` and the trained generator
    behind an averaged ``generator_`` (None without weight averaging).
    """
    settings = estimator._fitted_settings
    sizes = {"n_features": estimator.n_features_in_}
    if hasattr(estimator, "classes_"):
        sizes["n_classes"] = len(estimator.classes_)
    if settings["image_shape"] is not None:
        sizes["image_shape"] = settings["image_shape"]
    device = torch.device(estimator.device_)

    def rebuilt(role, presets, weights, **extra):
        if weights is None:
            return None
        network = build_network(settings[role], presets, role, **extra, **sizes)
        network.load_state_dict(weights)
        return network.to(device).eval()

    latent_dim = settings["latent_dim"]
    return (
        rebuilt("generator", GENERATORS, state["generator_"], latent_dim=latent_dim),
        rebuilt("discriminator", DISCRIMINATORS, state["discriminator_"]),
        rebuilt("generator", GENERATORS, state["raw_generator"], latent_dim=latent_dim),
    )


def _params(config):
    params = dict(config)
    for name in _OBJECT_PARAMS:
        params[name] = _network(params[name])
    for name in _TUPLE_PARAMS:
        if isinstance(params.get(name), dict):
            params[name] = {key: _tuples(value) for key, value in params[name].items()}
        elif name in params:
            params[name] = _tuples(params[name])
    return params


def _network(config):
    """A preset name, or the spec object described by a network config."""
    if not isinstance(config, dict):
        return config
    return _SPECS[config["spec"]](**{key: _tuples(value) for key, value in config["params"].items()})


def _tuples(value):
    return tuple(_tuples(item) for item in value) if isinstance(value, list) else value


def _target_device(saved, requested):
    if requested is not None:
        return requested
    try:
        device = resolve_device(saved)
        torch.empty(0, device=device)
    except (ValueError, RuntimeError, AssertionError):
        warnings.warn(
            f"This GANSampler was saved from {saved!r}, which is not available here; "
            "skgan loaded its networks on the CPU.",
            UserWarning,
            stacklevel=4,
        )
        device = torch.device("cpu")
    return device


def _scaling(state):
    output_range = state["output_range"]
    scaling = AffineScaling(None if output_range is None else tuple(output_range))
    scaling.center_ = state["center_"].numpy().astype(np.float64)
    scaling.model_center_ = float(state["model_center_"])
    scaling.data_per_model_ = state["data_per_model_"].numpy().astype(np.float64)
    scaling.model_per_data_ = state["model_per_data_"].numpy().astype(np.float64)
    return scaling
