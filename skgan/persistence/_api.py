"""Saving and loading fitted :class:`~skgan.GANSampler` models without pickle.

:func:`save` writes one file with :func:`torch.save` that holds only plain
values (strings, numbers, booleans, None, lists and dicts of them) and
tensors: the constructor parameters as a JSON string, the network weights,
the optimizer state and the other fitted attributes, with a SHA-256
checksum of them. :func:`load` reads it with
``torch.load(..., weights_only=True)``, which refuses anything else, so
loading a file never runs code from it, unlike pickle or joblib; the
checksum catches damaged files. Every saved parameter and fitted value is
checked before the estimator is rebuilt (the parameters as ``__init__``'s
own are, ``compile`` and ``optimizer_kwargs`` against allow-lists, the
weights against the networks the settings describe), and the file's
header before anything large is read, so that a hostile file costs memory
and time in proportion to its size (see the persistence page of the user
guide for the promise).

Only networks and losses that can be described without code can be saved
this way: the presets by name and skgan's own spec and loss objects
(:class:`~skgan.MLPGenerator`, :class:`~skgan.MaxoutDiscriminator`,
:class:`~skgan.DCGANGenerator`, :class:`~skgan.WassersteinGPLoss`, ...). Estimators with a custom
``torch.nn.Module`` or optimizer class need pickle or joblib, from trusted
sources only. Callbacks are not saved: a model file loads without them.
"""

import warnings

import numpy as np
import torch
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from .._device import resolve_device
from .._fitted import attach
from ..exceptions import InvalidModelFile
from ..metrics._checks import check_bandwidths
from . import _format
from ._format import FORMAT
from ._parameters import check_savable, params_from_config, params_to_config
from ._state import saved_device, state_from_plain, state_to_plain

#: The estimator class of each model-file format tag: the estimator registers itself (:func:`model_file_class`),
#: so that this package, below the estimator, builds it without importing it.
_CLASSES = {}


def model_file_class(cls):
    """Register ``cls`` (a class decorator) as the estimator that :func:`load` builds from a model file."""
    _CLASSES[FORMAT] = cls
    return cls


def check_can_save(estimator):
    """A ValueError, before any fit is spent, when ``save`` could not write ``estimator`` (its parameters)."""
    check_savable(estimator.get_params(deep=False))


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
    >>> from skgan import load, save
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(latent_dim=4, max_iter=2, n_parzen_samples=100, random_state=0).fit(X)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "model.skgan")
    >>> save(gan, path)
    >>> np.array_equal(load(path).sample(3), gan.sample(3))
    True
    >>> folder.cleanup()
    """
    if not isinstance(estimator, _CLASSES[FORMAT]):
        raise ValueError(
            f"skgan can save only GANSampler estimators to its model file, got {type(estimator).__name__}; "
            "use pickle or joblib for other objects."
        )
    check_is_fitted(estimator)
    config = params_to_config(estimator.get_params(deep=False))
    state = state_to_plain(estimator._fitted, estimator.n_features_in_, getattr(estimator, "feature_names_in_", None))
    _format.write(path, config, state)


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
        was written by a newer skgan in a format this one cannot read, or
        holds a value that a fit could not have written (a parameter that
        ``GANSampler`` refuses, a ``compile`` option outside the allow-list,
        weights that do not fit the saved networks, ...); the message names
        the file and the value.

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
    requested = None if device is None else resolve_device(device)
    config, plain_state = _format.read(path)
    try:
        estimator = _estimator(config)
        target = _target_device(saved_device(plain_state), requested)
        state, n_features_in, feature_names_in = state_from_plain(plain_state, target)
    except InvalidModelFile as exc:
        raise _format.invalid(path, exc) from None
    except _format.DAMAGE as exc:
        raise _format.corrupted(path, exc) from None
    attach(estimator, state, n_features_in, feature_names_in)
    return estimator


def _estimator(config):
    """A GANSampler with the saved parameters, checked as ``__init__``'s own are (``_parameter_constraints``)."""
    params = params_from_config(config)
    cls = _CLASSES[FORMAT]
    unknown = sorted(set(params) - set(cls().get_params(deep=False)))
    if unknown:
        raise InvalidModelFile(f"it has unknown parameters {unknown}")
    estimator = cls(**params)
    try:
        estimator._validate_params()
    except InvalidParameterError as exc:
        raise InvalidModelFile(str(exc).rstrip(".")) from None
    if not isinstance(estimator.bandwidth, str) and np.ndim(estimator.bandwidth) > 0:  # candidates
        try:
            check_bandwidths(estimator.bandwidth, name="its bandwidth candidates")
        except ValueError as exc:
            raise InvalidModelFile(str(exc).rstrip(".")) from None
    if estimator.image_shape is not None and not (
        isinstance(estimator.image_shape, tuple) and len(estimator.image_shape) in (2, 3)
        and all(isinstance(size, int) and size >= 1 for size in estimator.image_shape)
    ):
        raise InvalidModelFile(f"its image_shape {estimator.image_shape!r} is not 2 or 3 positive integers")
    return estimator


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
            stacklevel=3,
        )
        device = torch.device("cpu")
    return device
