"""Turning a network argument into a module: ModuleFactory, factory calls, shape checks."""

import contextlib
import copy
import inspect

import torch
from sklearn.base import BaseEstimator
from torch import nn

from .._random import generator_for
from ._common import pack_size


class ModuleFactory(BaseEstimator):
    """A torch module class or factory with constructor arguments as parameters.

    Lets a user's own network take part in ``get_params``, ``set_params``,
    ``clone`` and grid searches: ``GANSampler(generator=MyNet)`` followed by
    ``set_params(generator__width=64)`` wraps ``MyNet`` in a factory whose
    parameters are ``module`` and ``width``. Calling the factory builds
    ``module(**contract_arguments, **kwargs)``, where the contract arguments
    are those the estimator passes (``latent_dim``, ``n_features``,
    ``n_classes``, ``image_shape``).

    Parameters
    ----------
    module : callable
        A :class:`torch.nn.Module` subclass or any callable returning one.
    **kwargs
        Extra constructor arguments.

    Examples
    --------
    >>> import torch
    >>> from skgan.networks import ModuleFactory
    >>> class Net(torch.nn.Module):
    ...     def __init__(self, n_features, width=8):
    ...         super().__init__()
    ...         self.body = torch.nn.Sequential(torch.nn.Linear(n_features, width), torch.nn.Linear(width, 1))
    ...     def forward(self, x):
    ...         return self.body(x)
    >>> factory = ModuleFactory(Net, width=4)
    >>> factory.get_params()["width"]
    4
    >>> factory(n_features=3).body[0].out_features
    4
    """

    def __init__(self, module, **kwargs):
        self.module = module
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._extra = list(kwargs)

    def get_params(self, deep=True):
        """The module and its constructor arguments, as a dict of parameters."""
        params = {"module": self.module}
        params.update((key, getattr(self, key)) for key in self._extra)
        return params

    def set_params(self, **params):
        """Set the module or constructor arguments; a new argument is added.

        An argument that the module's constructor does not accept is a
        ``ValueError`` naming the valid ones.
        """
        _check_arguments(params.get("module", self.module), [key for key in params if key != "module"])
        for key, value in params.items():
            setattr(self, key, value)
            if key != "module" and key not in self._extra:
                self._extra.append(key)
        return self

    def __call__(self, **kwargs):
        extra = {key: getattr(self, key) for key in self._extra}
        clash = sorted(set(extra) & set(kwargs))
        if clash:
            raise ValueError(f"{clash} are set by the estimator and cannot be network parameters.")
        _check_arguments(self.module, extra)
        return call_factory(self.module, **kwargs, **extra)


#: Arguments given to a factory only when it accepts them (and, for these, when they are not None).
_OPTIONAL_ARGUMENTS = ("image_shape", "output_layout")


def call_factory(factory, **kwargs):
    """``factory(**kwargs)``, leaving out ``image_shape`` and ``output_layout`` where they are not accepted.

    Factories that do not take ``image_shape`` (tabular networks) see the
    rows as flat vectors; generators that do not take ``output_layout``
    (an :class:`~skgan.preprocessing.OutputLayout` of the model columns)
    end in their own activation. ``output_layout=None`` is never passed, so
    a factory is called exactly as without it.
    """
    if kwargs.get("output_layout", False) is None:
        kwargs.pop("output_layout")
    for name in _OPTIONAL_ARGUMENTS:
        if name in kwargs and not _accepts(factory, name):
            kwargs.pop(name)
    return factory(**kwargs)


def _check_arguments(factory, names):
    """A ``ValueError`` naming the valid parameters when ``factory`` does not take all ``names``."""
    unknown = [name for name in names if not _accepts(factory, name)]
    if unknown:
        raise ValueError(
            f"Invalid parameter {', '.join(map(repr, unknown))} for {_name(factory)}: its "
            f"constructor does not take it. Valid parameters: {_parameter_names(factory)}."
        )


def _name(factory):
    return getattr(factory, "__qualname__", None) or type(factory).__name__


def _parameter_names(factory):
    try:
        return sorted(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return []


def _accepts(factory, name):
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return True
    return name in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def build_network(spec, presets, role, **kwargs):
    """Build a module from a preset name, a factory or a module instance.

    ``kwargs`` are the factory's arguments (``latent_dim``, ``n_features``,
    ``n_classes``, ``image_shape``, ``output_layout``); ``image_shape`` and
    ``output_layout`` reach only factories that accept them, and
    ``output_layout=None`` none (:func:`call_factory`). A module instance
    is deep-copied so that fitting never changes the user's object and
    refitting starts from the same weights.
    """
    if isinstance(spec, str):
        spec = presets[spec]()
    if isinstance(spec, nn.Module):
        return copy.deepcopy(spec)
    module = call_factory(spec, **kwargs)
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"The {role} factory {spec!r} returned {type(module).__name__}, "
            "expected a torch.nn.Module."
        )
    return module


def check_network_shapes(generator, discriminator, latent_dim, n_features, device, n_classes=None):
    """Run both networks once on two rows; a wrong shape is a ``ValueError``.

    Runs in evaluation mode without gradients, so no weights, running
    statistics or random draws change (the active fit's generator on
    ``device`` is restored after networks that draw in evaluation mode,
    such as a Gumbel-softmax head). A discriminator with ``pac`` (PacGAN)
    gets ``2 * pac`` rows and must return one output per pack.
    """
    generator.eval()
    discriminator.eval()
    pac = pack_size(discriminator)
    n_rows = 2 * pac
    labels = () if not n_classes else (torch.zeros(n_rows, dtype=torch.long, device=device),)
    with torch.no_grad(), _kept_random_state(device):
        rows = generator(torch.zeros(n_rows, latent_dim, device=device), *labels)
        if not isinstance(rows, torch.Tensor) or tuple(rows.shape) != (n_rows, n_features):
            raise ValueError(
                f"The generator must map noise of shape (batch, {latent_dim}) to rows "
                f"of shape (batch, {n_features}); it returned {_describe(rows, n_rows)}."
            )
        logits = discriminator(rows, *labels)
        if not isinstance(logits, torch.Tensor) or tuple(logits.shape) not in {(2,), (2, 1)}:
            per = "row, shape (batch,) or (batch, 1)" if pac == 1 else f"pack of pac={pac} rows, shape (batch // pac,)"
            raise ValueError(
                f"The discriminator must map rows of shape (batch, {n_features}) to one "
                f"logit per {per}; it returned {_describe(logits, n_rows)}."
            )


@contextlib.contextmanager
def _kept_random_state(device):
    """Restore the active fit's generator on ``device`` after the block.

    Outside a fit nothing is restored: torch's global generator is shared
    with other threads, and rewinding it could repeat their draws.
    """
    generator = generator_for(device)
    if generator is None:
        yield
        return
    state = generator.get_state()
    try:
        yield
    finally:
        generator.set_state(state)


def _describe(value, n_rows=2):
    if isinstance(value, torch.Tensor):
        return f"shape {tuple(value.shape)} for a batch of {n_rows}"
    return f"a {type(value).__name__}"
