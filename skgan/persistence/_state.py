"""The fitted state as the plain values and tensors of a model file, and back, every value checked.

:func:`state_to_plain` and :func:`state_from_plain` are the one converter
between :class:`~skgan._fitted.FittedState` and the model file's ``state``
(the keys of model-file version 1); the codec writes and reads its own
entries (:func:`~skgan._codecs.codec_from_plain`). Every value read back is
checked before anything is built (:mod:`._validators`): an
:class:`~skgan.exceptions.InvalidModelFile` names the field.
"""

import math
import warnings
from numbers import Real

import numpy as np
import torch

from .._codecs import codec_from_plain
from .._device import to_cpu
from .._fitted import SETTINGS, FittedState, build_networks
from .._torch_options import is_number_option
from ..exceptions import InvalidModelFile
from ..networks import DISCRIMINATORS, GENERATORS, build_network, check_image_shape
from ._parameters import DEVICE_NAMES, NETWORK_ROLES, network_config, network_from_config
from ._validators import float_tensor, float_vector, integer, number, plain, short_repr, tuples

#: Values of settings added after the first model files, for files without them.
_SETTINGS_ADDED = {"image_shape": None}


def state_to_plain(state, n_features_in, feature_names_in=None):
    """The fitted state as plain values and CPU tensors.

    The keys are those of model-file version 1, so files stay readable by
    every skgan that reads that version.
    """
    raw = state.raw_generator
    plain_state = {
        "generator_": _cpu_weights(state.generator),
        "discriminator_": _cpu_weights(state.discriminator),
        "raw_generator": None if raw is None else _cpu_weights(raw),
        "optimizer_state": to_cpu(tuple(state.optimizer_state)),
        "history_": plain(state.history, "history_"),
        "fitted_settings": _settings_to_plain(state.settings),
        "n_iter_": state.n_iter,
        "best_validation_score_": plain(state.best_validation_score, "best_validation_score_"),
        "device_": state.device,
        "_parzen_seed": int(state.parzen_seed),
        "bandwidth_": plain(state.choose_bandwidth(), "bandwidth_"),
        "n_features_in_": int(n_features_in),
        "_n_average_updates": plain(state.n_average_updates, "n_average_updates"),
        "class_prior": None if state.class_prior is None else float_tensor(state.class_prior),
    }
    if feature_names_in is not None:
        plain_state["feature_names_in_"] = [str(name) for name in feature_names_in]
    if state.privacy_spent is not None:
        plain_state["privacy_spent_"] = [float(value) for value in state.privacy_spent]
    plain_state.update(state.codec.to_plain())
    if state.classes is not None:
        plain_state["classes_"] = _labels_to_plain(state.classes)
    return plain_state


def saved_device(plain_state):
    """The device a model file's networks were saved from, checked: ``"cpu"``, ``"mps"`` or ``"cuda[:i]"``."""
    device = plain_state.get("device_") if isinstance(plain_state, dict) else None
    if not (isinstance(device, str) and DEVICE_NAMES.fullmatch(device)):
        raise InvalidModelFile(f"its device_ {short_repr(device)} is not 'cpu', 'mps' or 'cuda[:i]'")
    return device


def state_from_plain(plain_state, device):
    """``(state, n_features_in, feature_names_in)`` from :func:`state_to_plain`'s values.

    Every value is checked first (an InvalidModelFile says which is wrong):
    types, shapes, ranges, and the saved weights against the networks that
    the saved settings describe, built on the meta device (no memory) before
    the real ones. The networks are then rebuilt as fit built them, with the
    saved weights, on ``device``; a file from before weight averaging has no
    averaged network.
    """
    if not isinstance(plain_state, dict):
        raise InvalidModelFile("its fitted state is not a dict")
    plain_state = {"raw_generator": None, "_n_average_updates": None, **plain_state}
    n_features = integer(plain_state, "n_features_in_", 1)
    names = _feature_names(plain_state.get("feature_names_in_"), n_features)
    classes = _labels_from_plain(plain_state["classes_"]) if "classes_" in plain_state else None
    n_classes = None if classes is None else len(classes)
    prior = _class_prior(plain_state["class_prior"], n_classes)
    settings = _settings_from_plain(plain_state["fitted_settings"], n_features)
    codec = codec_from_plain(plain_state, n_features)
    _check_names_agree(names, codec)
    sizes = codec.network_sizes(settings, n_classes)
    shapes = _check_weights(plain_state, settings, sizes)
    raw = plain_state["raw_generator"]
    n_average = plain_state["_n_average_updates"]
    if (raw is None) != (n_average is None):
        raise InvalidModelFile("it has an averaged generator without its _n_average_updates, or the reverse")
    n_average = None if n_average is None else integer(plain_state, "_n_average_updates", 0)

    with torch.random.fork_rng(devices=[]):  # initialisation draws are overwritten by the weights
        built = [build_networks(settings, sizes, torch.device("cpu")) for _ in range(1 if raw is None else 2)]

    def loaded(network, weights):
        network.load_state_dict(weights)
        return network.to(device).eval()

    state = FittedState(
        generator=loaded(built[0][0], plain_state["generator_"]),
        discriminator=loaded(built[0][1], plain_state["discriminator_"]),
        raw_generator=None if raw is None else loaded(built[1][0], raw),
        n_average_updates=n_average,
        codec=codec,
        settings=settings,
        device=str(device),
        parzen_seed=integer(plain_state, "_parzen_seed", 0, 2**32 - 1),
        optimizer_state=_optimizer_state(plain_state["optimizer_state"], shapes),
        history=_history(plain_state["history_"], plain_state["n_iter_"]),
        best_validation_score=number(plain_state, "best_validation_score_", optional=True),
        bandwidth=number(plain_state, "bandwidth_", optional=True, positive=True),
        classes=classes,
        class_prior=prior,
        privacy_spent=_privacy_spent(plain_state.get("privacy_spent_")),
    )
    return state, n_features, None if names is None else np.asarray(names, dtype=object)


def _privacy_spent(spent):
    """A private fit's ``(epsilon, delta)``, checked (None: a file of a fit that was not private)."""
    if spent is None:
        return None
    if not (isinstance(spent, list) and len(spent) == 2 and all(isinstance(v, float) for v in spent)
            and math.isfinite(spent[0]) and spent[0] >= 0 and 0 < spent[1] < 1):
        raise InvalidModelFile(f"its privacy_spent_ {short_repr(spent)} is not an (epsilon >= 0, 0 < delta < 1) pair")
    return tuple(spent)


def _feature_names(names, n_features):
    if names is not None and not (
        isinstance(names, list) and len(names) == n_features and all(isinstance(name, str) for name in names)
    ):
        raise InvalidModelFile(f"its feature_names_in_ are not {n_features} strings")
    return names


def _check_names_agree(names, codec):
    """The saved ``feature_names_in_`` are the string labels of the columns the codec describes (or both absent).

    A codec that describes no columns (a numeric array, or a numeric
    DataFrame saved before frames were described) leaves the names as saved.
    """
    columns = codec.frame.columns if getattr(codec, "frame", None) is not None else None
    if getattr(codec, "constraints", None) is not None:  # the encoder sees the constraints' columns
        columns = list(codec.constraints.columns_)
    elif codec.encoder is not None:
        columns = list(getattr(codec.encoder, "feature_names_in_", []))
    if columns is None:
        return
    expected = [str(c) for c in columns] if columns and all(isinstance(c, str) for c in columns) else None
    if names != expected:
        raise InvalidModelFile(
            f"its feature_names_in_ {short_repr(names)} are not the column names {short_repr(expected)} of its "
            f"{'tabular encoder' if codec.encoder is not None else 'frame description'}"
        )


def _class_prior(prior, n_classes):
    if (prior is None) != (n_classes is None):
        raise InvalidModelFile("it has class frequencies without classes, or classes without frequencies")
    if prior is None:
        return None
    prior = float_vector(prior, "class_prior", n_classes, lambda p: (p >= 0) & (p <= 1))
    if abs(prior.sum() - 1) > 1e-8:
        raise InvalidModelFile(f"its class_prior sums to {prior.sum()!r}, not 1")
    return prior


def _history(records, n_iter):
    valid = isinstance(records, list) and all(
        isinstance(record, dict)
        and all(isinstance(key, str) and isinstance(value, Real) for key, value in record.items())
        for record in records
    )
    if not valid or n_iter != len(records):
        raise InvalidModelFile("its history_ is not one record of numbers per epoch (n_iter_ of them)")
    return [dict(record) for record in records]


def _check_weights(plain_state, settings, sizes):
    """``{key: parameter shapes}`` of each saved network, after checking its weights on the meta device.

    The networks described by ``settings`` are built on the meta device,
    which allocates nothing, and their state dicts compared with the saved
    weights: names, shapes and kinds of dtype. A list-valued spec parameter
    longer than the saved weights (a layer has at least one tensor) is
    refused before building.
    """
    shapes = {}
    for key, role in (("generator_", "generator"), ("discriminator_", "discriminator"), ("raw_generator", "generator")):
        weights = plain_state[key]
        if weights is None and key == "raw_generator":
            continue
        if not (isinstance(weights, dict) and all(isinstance(t, torch.Tensor) for t in weights.values())):
            raise InvalidModelFile(f"its {key} is not a dict of tensors")
        extra = {"latent_dim": settings["latent_dim"]} if role == "generator" else {}
        _check_layer_sizes(settings[role], weights, key, extra.get("latent_dim", 1))
        spec = settings[role]
        presets = GENERATORS if role == "generator" else DISCRIMINATORS
        with torch.random.fork_rng(devices=[]), torch.device("meta"):
            expected = build_network(spec, presets, role, **extra, **sizes)
        _compare_weights(key, role, weights, expected.state_dict())
        shapes[key] = [tuple(parameter.shape) for parameter in expected.parameters()]
    return shapes


def _check_layer_sizes(spec, weights, key, first):
    """Refuse layer sizes that the saved weights cannot hold, before any network is built.

    Between layers of sizes ``a`` and ``b`` every network family has at
    least ``a * b`` weights (and each layer at least one tensor), so longer
    lists, or sums of those products beyond the saved weights' count, come
    from a file that lies about its networks. (The meta-device build is the
    exact check; this one bounds what building can allocate.)
    """
    n_weights = sum(tensor.numel() for tensor in weights.values())
    for name, value in (spec.get_params() if hasattr(spec, "get_params") else {}).items():
        if isinstance(value, tuple) and value:
            chain = (first, *value)
            if len(value) > len(weights) or sum(a * b for a, b in zip(chain[:-1], chain[1:], strict=True)) > n_weights:
                raise InvalidModelFile(f"its {name} {short_repr(value)} declare more weights than {key} holds")


def _compare_weights(key, role, weights, expected):
    missing, unexpected = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise InvalidModelFile(
            f"its {key} lacks the weights {short_repr(missing)} and has the unexpected {short_repr(unexpected)} "
            f"of the {role} its settings describe"
        )
    for name, tensor in expected.items():
        saved = weights[name]
        same_kind = saved.dtype == tensor.dtype or (saved.dtype.is_floating_point and tensor.dtype.is_floating_point)
        if saved.shape != tensor.shape or not same_kind:
            raise InvalidModelFile(
                f"its {key}[{name!r}] is {saved.dtype} of shape {tuple(saved.shape)}, but the {role} its "
                f"settings describe has {tensor.dtype} of shape {tuple(tensor.shape)}"
            )


def _optimizer_state(value, shapes):
    """The saved optimizer states, after checking them against the networks' parameter shapes."""
    if value is None or (isinstance(value, (list, tuple)) and len(value) == 0):
        return ()
    if not (isinstance(value, (list, tuple)) and len(value) == 2):
        raise InvalidModelFile("its optimizer_state is not one state per network")
    trained = shapes.get("raw_generator", shapes["generator_"])
    for state, parameters, role in zip(value, (trained, shapes["discriminator_"]), NETWORK_ROLES, strict=True):
        if state is not None:
            _check_optimizer(state, parameters, role)
    return tuple(value)


def _check_optimizer(state, parameters, role):
    problem = f"its optimizer state of the {role} does not fit the {role}'s parameters"
    if not (isinstance(state, dict) and set(state) == {"state", "param_groups"}
            and isinstance(state["param_groups"], list) and isinstance(state["state"], dict)):
        raise InvalidModelFile(problem)
    ids = []
    for group in state["param_groups"]:
        if not isinstance(group, dict) or not isinstance(group.get("params"), list):
            raise InvalidModelFile(problem)
        ids.extend(group["params"])
        if not all(isinstance(key, str) and is_number_option(item) for key, item in group.items() if key != "params"):
            raise InvalidModelFile(f"its optimizer settings of the {role} are not all numbers")
    if ids != list(range(len(parameters))):
        raise InvalidModelFile(problem)
    for index, values in state["state"].items():
        if index not in ids or not isinstance(values, dict):
            raise InvalidModelFile(problem)
        for item in values.values():
            if isinstance(item, torch.Tensor):
                if item.dim() and tuple(item.shape) != parameters[index]:
                    raise InvalidModelFile(problem)
            elif not isinstance(item, Real):
                raise InvalidModelFile(problem)


def _cpu_weights(module):
    return to_cpu(dict(module.state_dict()))


def _settings_to_plain(settings):
    config = {name: plain(settings[name], name) for name in SETTINGS if name not in NETWORK_ROLES}
    for role, presets in NETWORK_ROLES.items():
        config[role] = network_config(role, settings[role], presets)
    return config


def _settings_from_plain(config, n_features):
    if not isinstance(config, dict):
        raise InvalidModelFile("its fitted settings are not a dict")
    settings = {**_SETTINGS_ADDED, **config}
    integer(settings, "latent_dim", 1)
    integer(settings, "n_parzen_samples", 1)
    if settings["noise"] not in ("normal", "uniform"):
        raise InvalidModelFile(f"its noise {short_repr(settings['noise'])} is not 'normal' or 'uniform'")
    if settings["image_shape"] is not None:
        try:
            settings["image_shape"] = check_image_shape(tuples(settings["image_shape"]), n_features)
        except (TypeError, ValueError) as exc:
            raise InvalidModelFile(str(exc).rstrip(".")) from None
    for role in NETWORK_ROLES:
        settings[role] = network_from_config(settings[role], role)
    return settings


def _labels_to_plain(classes):
    """Class labels as their plain values and numpy dtype, so that they come back with the same dtype."""
    values = classes.tolist()
    if not all(isinstance(value, (str, Real, np.bool_)) for value in values):
        raise ValueError(
            f"skgan can store class labels that are strings, numbers or booleans, got {short_repr(values)}; "
            "use pickle or joblib for this estimator."
        )
    return {"values": plain(values, "classes_"), "dtype": classes.dtype.str if classes.dtype != object else "object"}


def _labels_from_plain(values):
    """The class labels, after checking their dtype (its size bounded by the labels') and values."""
    problem = "its classes_ are not distinct, sorted, finite labels of their dtype"
    if not (isinstance(values, dict) and isinstance(values.get("values"), list) and values["values"]
            and isinstance(values.get("dtype"), str) and len(values["dtype"]) <= 16):
        raise InvalidModelFile(problem)
    labels = values["values"]
    if not all(isinstance(label, (str, Real)) for label in labels):
        raise InvalidModelFile(problem)
    try:
        dtype = np.dtype(values["dtype"])
    except (TypeError, ValueError):
        raise InvalidModelFile(f"its classes_ dtype {short_repr(values['dtype'])} is not a numpy dtype") from None
    longest = max(len(label) if isinstance(label, str) else 1 for label in labels)
    if dtype.kind not in "biufUO" or dtype.itemsize > (4 * longest if dtype.kind == "U" else 16):
        raise InvalidModelFile(f"its classes_ dtype {dtype.str} is not one of labels this long")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            classes = np.asarray(labels, dtype=dtype)
            valid = classes.tolist() == labels and np.array_equal(np.unique(classes), classes)
    except (TypeError, ValueError, OverflowError, RuntimeWarning, DeprecationWarning):
        valid = False
    if not valid or any(isinstance(label, float) and not np.isfinite(label) for label in labels):
        raise InvalidModelFile(problem)
    return classes
