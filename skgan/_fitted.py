"""What ``GANSampler.fit`` learns: one owner for every fitted attribute.

:class:`FittedState` holds everything a fit produces. The estimator keeps one
of them (``_fitted``) and shows its public fields as the scikit-learn fitted
attributes (``generator_``, ``bandwidth_``, ...) through
:class:`FittedAttribute`. :func:`state_to_plain` and :func:`state_from_plain`
turn it into the plain values and tensors of a model file and back; nothing
else reads or writes the fitted state from outside the estimator.

Adding a fitted value is a field here, with its entry in the two converters
(and a :class:`FittedAttribute` line in the estimator if it is public).
"""

import copy
import warnings
from dataclasses import dataclass, field, replace
from numbers import Integral, Real

import numpy as np
import torch

from ._device import resolve_device, to_cpu
from ._generation import generate_rows, prior_labels
from ._model_file import InvalidModelFile
from ._plain import DEVICE_NAMES, NETWORK_ROLES, network_config, network_from_config, plain, short_repr, tuples
from ._random import fit_random
from ._tabular import FrameShape, TableFit
from ._torch_options import is_number_option
from .networks import DISCRIMINATORS, GENERATORS, build_network, check_image_shape, check_network_shapes
from .preprocessing._scaling import AffineScaling

#: The parameters a fit keeps in its state, because they shape the fitted
#: networks or the Parzen window and ``set_params`` after fit waits for the
#: next cold fit.
SETTINGS = ("generator", "discriminator", "latent_dim", "noise", "n_parzen_samples", "image_shape")
#: Values of settings added after the first model files, for files without them.
_SETTINGS_ADDED = {"image_shape": None}


@dataclass
class FittedState:
    """Everything a fit produces.

    ``generator`` is the network that samples (the weight average with
    ``ema_decay``), ``raw_generator`` the trained one behind an average (else
    None); ``scaling`` maps between the user's units and the networks' (for
    a table, between the encoder's columns and the networks', the identity).
    """

    generator: torch.nn.Module
    discriminator: torch.nn.Module
    scaling: object
    settings: dict
    device: str
    parzen_seed: int
    raw_generator: torch.nn.Module = None
    n_average_updates: int = None
    optimizer_state: tuple = ()
    history: list = field(default_factory=list)
    best_validation_score: float = None
    bandwidth: float = None
    classes: np.ndarray = None
    class_prior: np.ndarray = None
    transformer: object = None
    table: TableFit = None  # a fit on a table: its encoding, score space and conditions
    frame: FrameShape = None  # a fit on a numeric DataFrame: its columns and dtypes
    callbacks: list = None  # the callbacks of the last fit; not stored in model files

    @classmethod
    def begin(cls, training, prior=None, **fields):
        """The state a fit starts with: the networks of ``training`` (a ``TrainingState``) and ``fields``.

        A warm start (``prior``, the earlier fit's state) carries over its
        history, optimizer state and class frequencies.
        """
        average = training.average
        if prior is not None:
            fields.update(optimizer_state=prior.optimizer_state, history=list(prior.history),
                          class_prior=prior.class_prior)
        return cls(
            generator=training.sampled,
            discriminator=training.discriminator,
            raw_generator=None if average is None else training.generator,
            n_average_updates=None if average is None else average.n_updates,
            **fields,
        )

    @property
    def n_iter(self):
        return len(self.history)

    @property
    def encoder(self):
        """A table's fitted encoder (None for numeric data)."""
        return None if self.table is None else self.table.encoder

    @property
    def trained_generator(self):
        """The generator that training continues from."""
        return self.generator if self.raw_generator is None else self.raw_generator

    def modules(self):
        return tuple(m for m in (self.generator, self.discriminator, self.raw_generator) if m is not None)

    def generate(self, n_samples, seed, labels=None, conditions=None):
        """``n_samples`` generated rows in the user's units (``labels``: class indices).

        Float64 rows, or a DataFrame for a fit on one. A table's rows satisfy
        ``conditions`` (``{column: value}``) by construction, and its
        generator draws its categories from a stream seeded with ``seed``.
        """
        def rows(labels):
            return generate_rows(
                self.generator, self.scaling, torch.device(self.device), self.settings["latent_dim"],
                self.settings["noise"], n_samples, seed, labels,
            )

        if self.table is None:
            if conditions:
                raise ValueError("conditions apply to a GANSampler fitted on a table (a DataFrame with categories).")
            generated = rows(labels)
            return generated if self.frame is None else self.frame.to_frame(generated)
        vectors, fixed = self.table.sampling_conditions(n_samples, seed, conditions)
        with fit_random(seed):  # the generator's categorical draws
            return self.table.decode(rows(labels if vectors is None else vectors), fixed)

    def parzen_window(self):
        """The fixed set of generated rows the Parzen estimate is built on, in the space scores are computed in.

        A conditional GAN's window draws its classes from the training
        frequencies, so the score is of the marginal density of X.
        """
        n_window = self.settings["n_parzen_samples"]
        window = self.generate(n_window, self.parzen_seed, prior_labels(self.class_prior, n_window, self.parzen_seed))
        return self.score_rows(window)

    def score_rows(self, X):
        """Rows in the space of the Parzen score: a table's encoding of them, else as they are."""
        return X if self.table is None else self.table.score_rows(X)

    def sync(self, training):
        """Take the optimizer state and the average's count from ``training`` (a fit in progress)."""
        self.optimizer_state = tuple(opt.state_dict() for opt in (training.g_optimizer, training.d_optimizer))
        if training.average is not None:
            self.n_average_updates = training.average.n_updates

    def to(self, device):
        """Move the networks to ``device`` in place."""
        for module in self.modules():
            module.to(device)
        self.device = str(device)
        return self

    def for_pickle(self):
        """This state, or a CPU copy of it when the networks are on an accelerator."""
        return self if torch.device(self.device).type == "cpu" else self.cpu_copy()

    def after_unpickle(self, owner="GANSampler"):
        """Back to the device it was fitted on, or to the CPU (with a warning) when that one is missing here."""
        if torch.device(self.device).type == "cpu":
            return
        try:
            device = resolve_device(self.device)
        except ValueError:
            warnings.warn(
                f"This {owner} was fitted on {self.device!r}, which is not "
                "available here; its networks were loaded on the CPU.",
                UserWarning,
                stacklevel=3,
            )
            device = torch.device("cpu")
        self.to(device)

    def cpu_copy(self):
        """A copy whose networks and optimizer state are on the CPU (this one is unchanged)."""
        moved = {
            name: to_cpu(copy.deepcopy(getattr(self, name)))
            for name in ("generator", "discriminator", "raw_generator", "optimizer_state")
        }
        return replace(self, **moved)


def attach(estimator, state, n_features_in=None, feature_names_in=None):
    """Make ``state`` the estimator's fitted state (and set its input features when given, as load does)."""
    estimator.__dict__["_fitted"] = state
    if n_features_in is not None:
        estimator.n_features_in_ = int(n_features_in)
    if feature_names_in is not None:
        estimator.feature_names_in_ = feature_names_in


class FittedAttribute:
    """A public fitted attribute that reads (and writes) one field of the estimator's :class:`FittedState`.

    Unfitted, or when the field is None and ``optional``, the attribute does
    not exist (``hasattr`` is False), as scikit-learn expects of attributes
    defined only in some fits (``classes_``).
    """

    def __init__(self, field_name, optional=False):
        self.field_name = field_name
        self.optional = optional

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, estimator, owner=None):
        if estimator is None:
            return self
        state = estimator.__dict__.get("_fitted")
        value = None if state is None else getattr(state, self.field_name)
        if state is None or (self.optional and value is None):
            raise AttributeError(f"{type(estimator).__name__!r} object has no attribute {self.name!r}")
        return value

    def __set__(self, estimator, value):
        state = estimator.__dict__.get("_fitted")
        if state is None:
            raise AttributeError(f"{self.name} can be set only on a fitted {type(estimator).__name__}.")
        setattr(state, self.field_name, value)


def network_sizes(n_features, n_classes=None, image_shape=None, output_layout=None):
    """The keyword arguments a network spec is called with (the optional ones only when set)."""
    sizes = {"n_features": n_features, "n_classes": n_classes, "image_shape": image_shape,
             "output_layout": output_layout}
    return {name: value for name, value in sizes.items() if value is not None}


def build_networks(settings, n_features, device, n_classes=None, image_shape=None, output_layout=None):
    """The generator and discriminator described by ``settings``, for rows of ``n_features``.

    ``n_classes`` is the number of classes, or the width of a table's
    condition vectors; ``image_shape`` is given to convolutional networks
    (None when the networks see codes rather than images);
    ``output_layout`` (a table's) to networks that accept it.
    """
    sizes = network_sizes(n_features, n_classes, image_shape, output_layout)
    latent_dim = settings["latent_dim"]
    generator = build_network(settings["generator"], GENERATORS, "generator", latent_dim=latent_dim, **sizes)
    discriminator = build_network(settings["discriminator"], DISCRIMINATORS, "discriminator", **sizes)
    generator, discriminator = generator.to(device), discriminator.to(device)
    check_network_shapes(generator, discriminator, latent_dim, n_features, device, n_classes)
    return generator, discriminator


# --------------------------------------------------------------------------
# plain values and tensors (the model file's "state")
# --------------------------------------------------------------------------


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
        "scaling": _scaling_to_plain(state.scaling),
        "optimizer_state": to_cpu(tuple(state.optimizer_state)),
        "history_": plain(state.history, "history_"),
        "fitted_settings": _settings_to_plain(state.settings),
        "n_iter_": state.n_iter,
        "best_validation_score_": plain(state.best_validation_score, "best_validation_score_"),
        "device_": state.device,
        "_parzen_seed": int(state.parzen_seed),
        "bandwidth_": plain(state.bandwidth, "bandwidth_"),
        "n_features_in_": int(n_features_in),
        "_n_average_updates": plain(state.n_average_updates, "n_average_updates"),
        "class_prior": None if state.class_prior is None else _float_tensor(state.class_prior),
    }
    if feature_names_in is not None:
        plain_state["feature_names_in_"] = [str(name) for name in feature_names_in]
    if state.table is not None:
        plain_state["table"] = state.table.to_plain()
    if state.frame is not None:
        plain_state["frame"] = state.frame.to_plain()
    if state.classes is not None:
        plain_state["classes_"] = _labels_to_plain(state.classes)
    if state.transformer is not None:
        raise ValueError(
            f"skgan cannot save the fitted transformer {short_repr(state.transformer)} to its model file; "
            "use pickle or joblib for this estimator."
        )
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
    n_features = _integer(plain_state, "n_features_in_", 1)
    names = _feature_names(plain_state.get("feature_names_in_"), n_features)
    classes = _labels_from_plain(plain_state["classes_"]) if "classes_" in plain_state else None
    n_classes = None if classes is None else len(classes)
    prior = _class_prior(plain_state["class_prior"], n_classes)
    settings = _settings_from_plain(plain_state["fitted_settings"], n_features)
    table = TableFit.from_plain(plain_state["table"]) if "table" in plain_state else None
    frame = FrameShape.from_plain(plain_state["frame"], n_features) if "frame" in plain_state else None
    if table is not None and table.encoder.n_features_in_ != n_features:
        raise InvalidModelFile(f"its tabular encoder is not of the {n_features} columns of n_features_in_")
    n_model, layout = (n_features, None) if table is None else (table.layout.n_columns, table.layout)
    n_conditions = n_classes if table is None or n_classes is not None else table.condition_width
    shapes = _check_weights(plain_state, settings, n_model, n_conditions, layout)
    raw = plain_state["raw_generator"]
    n_average = plain_state["_n_average_updates"]
    if (raw is None) != (n_average is None):
        raise InvalidModelFile("it has an averaged generator without its _n_average_updates, or the reverse")
    n_average = None if n_average is None else _integer(plain_state, "_n_average_updates", 0)

    with torch.random.fork_rng(devices=[]):  # initialisation draws are overwritten by the weights
        built = [build_networks(settings, n_model, torch.device("cpu"), n_conditions,
                                settings["image_shape"] if table is None else None, layout)
                 for _ in range(1 if raw is None else 2)]

    def loaded(network, weights):
        network.load_state_dict(weights)
        return network.to(device).eval()

    state = FittedState(
        generator=loaded(built[0][0], plain_state["generator_"]),
        discriminator=loaded(built[0][1], plain_state["discriminator_"]),
        raw_generator=None if raw is None else loaded(built[1][0], raw),
        n_average_updates=n_average,
        scaling=_scaling_from_plain(plain_state["scaling"], n_model),
        settings=settings,
        device=str(device),
        parzen_seed=_integer(plain_state, "_parzen_seed", 0, 2**32 - 1),
        optimizer_state=_optimizer_state(plain_state["optimizer_state"], shapes),
        history=_history(plain_state["history_"], plain_state["n_iter_"]),
        best_validation_score=_number(plain_state, "best_validation_score_", optional=True),
        bandwidth=_number(plain_state, "bandwidth_", optional=True, positive=True),
        classes=classes,
        class_prior=prior,
        table=table,
        frame=frame,
    )
    return state, n_features, None if names is None else np.asarray(names, dtype=object)


def _integer(values, name, low=None, high=None):
    value = values[name]
    if not isinstance(value, Integral) or isinstance(value, bool) or not (low is None or value >= low) or not (
        high is None or value <= high
    ):
        raise InvalidModelFile(f"its {name} {short_repr(value)} is not an integer in [{low}, {high}]")
    return int(value)


def _number(values, name, optional=False, positive=False):
    value = values[name]
    if value is None and optional:
        return None
    if not isinstance(value, Real) or isinstance(value, bool) or (positive and not 0 < value < np.inf):
        raise InvalidModelFile(f"its {name} {short_repr(value)} is not a{' positive finite' * positive} number")
    return float(value)


def _float_vector(value, name, length, check=np.isfinite):
    if not (isinstance(value, torch.Tensor) and value.dtype.is_floating_point and tuple(value.shape) == (length,)):
        raise InvalidModelFile(f"its {name} is not a float vector of length {length}: {short_repr(value)}")
    array = value.numpy().astype(np.float64)
    if not check(array).all():
        raise InvalidModelFile(f"its {name} has values out of range: {short_repr(array.tolist())}")
    return array


def _feature_names(names, n_features):
    if names is not None and not (
        isinstance(names, list) and len(names) == n_features and all(isinstance(name, str) for name in names)
    ):
        raise InvalidModelFile(f"its feature_names_in_ are not {n_features} strings")
    return names


def _class_prior(prior, n_classes):
    if (prior is None) != (n_classes is None):
        raise InvalidModelFile("it has class frequencies without classes, or classes without frequencies")
    if prior is None:
        return None
    prior = _float_vector(prior, "class_prior", n_classes, lambda p: (p >= 0) & (p <= 1))
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


def _check_weights(plain_state, settings, n_features, n_classes, output_layout=None):
    """``{key: parameter shapes}`` of each saved network, after checking its weights on the meta device.

    The networks described by ``settings`` are built on the meta device,
    which allocates nothing, and their state dicts compared with the saved
    weights: names, shapes and kinds of dtype. A list-valued spec parameter
    longer than the saved weights (a layer has at least one tensor) is
    refused before building.
    """
    image_shape = settings["image_shape"] if output_layout is None else None
    sizes = network_sizes(n_features, n_classes, image_shape, output_layout)
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


def _float_tensor(array):
    return torch.as_tensor(np.asarray(array, dtype=np.float64)).clone()


def _scaling_to_plain(scaling):
    if not isinstance(scaling, AffineScaling):
        raise ValueError("skgan cannot save a GANSampler fitted with a transformer; use pickle or joblib.")
    return {
        "output_range": plain(scaling.output_range, "output_range"),
        "center_": _float_tensor(scaling.center_),
        "model_center_": float(scaling.model_center_),
        "data_per_model_": _float_tensor(scaling.data_per_model_),
        "model_per_data_": _float_tensor(scaling.model_per_data_),
    }


def _scaling_from_plain(values, n_features):
    if not isinstance(values, dict):
        raise InvalidModelFile("its scaling is not a dict")
    output_range = values["output_range"]
    if output_range is not None and not (
        isinstance(output_range, list) and len(output_range) == 2
        and all(isinstance(bound, Real) and np.isfinite(bound) for bound in output_range)
        and output_range[0] < output_range[1]
    ):
        raise InvalidModelFile(f"its output_range {short_repr(output_range)} is not two finite bounds, low first")
    scaling = AffineScaling(None if output_range is None else tuple(output_range))
    scaling.center_ = _float_vector(values["center_"], "scaling centre", n_features)
    scaling.model_center_ = _number(values, "model_center_")
    scaling.data_per_model_ = _float_vector(values["data_per_model_"], "scaling factors", n_features)
    scaling.model_per_data_ = _float_vector(values["model_per_data_"], "scaling factors", n_features)
    if not np.isfinite(scaling.model_center_):
        raise InvalidModelFile("its scaling centre is not finite")
    return scaling


def _settings_to_plain(settings):
    config = {name: plain(settings[name], name) for name in SETTINGS if name not in NETWORK_ROLES}
    for role, presets in NETWORK_ROLES.items():
        config[role] = network_config(role, settings[role], presets)
    return config


def _settings_from_plain(config, n_features):
    if not isinstance(config, dict):
        raise InvalidModelFile("its fitted settings are not a dict")
    settings = {**_SETTINGS_ADDED, **config}
    _integer(settings, "latent_dim", 1)
    _integer(settings, "n_parzen_samples", 1)
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
