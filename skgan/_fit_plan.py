"""The steps of a fit around the training loop: checks, the validation split, networks, callbacks, the end.

Functions of the estimator's parameters and data, so that ``GANSampler``
itself reads as the order of a fit. Nothing here keeps state.
"""

import copy
import warnings
from contextlib import nullcontext

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from ._fitted import SETTINGS, build_networks
from ._generation import class_indices
from ._options import check_compile_options
from ._random import global_random
from ._training import ExponentialMovingAverage, GameSettings, make_optimizers, optimizer_settings, report_stop
from .callbacks import Callback, EarlyStopping, History, ProgressBar
from .callbacks._validation import ParzenValidation
from .metrics import PAPER_BANDWIDTHS, select_bandwidth
from .metrics._checks import check_bandwidths
from .networks import (
    DCGANDiscriminator,
    DCGANGenerator,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
    check_image_shape,
    output_range,
)
from .preprocessing._scaling import AffineScaling, TransformedScaling, transformed_codes


def check_scalable(X):
    """A ValueError when the per-feature range or spread of ``X`` overflows float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        scalable = np.isfinite(X.max(0) - X.min(0)).all() and np.isfinite(X.std(0)).all()
    if not scalable:
        raise ValueError("X has values too large to scale: their range overflows float64.")


def chooses_bandwidth(bandwidth):
    """Whether the ``bandwidth`` parameter asks fit to choose among candidates."""
    return isinstance(bandwidth, str) or np.ndim(bandwidth) > 0


def bandwidth_before_choice(bandwidth, prior=None):
    """The bandwidth during a fit, before it is chosen: the fixed one, or the earlier fit's (``prior``)."""
    if not chooses_bandwidth(bandwidth):
        return float(bandwidth)
    return None if prior is None else prior.bandwidth


def bandwidth_candidates(bandwidth, X):
    """The bandwidths to choose from: the paper's grid scaled to ``X``, the user's, or the fixed one."""
    if isinstance(bandwidth, str):
        span = float(np.max(X.max(0) - X.min(0)))
        return PAPER_BANDWIDTHS * (span if span > 0 else 1.0)
    return check_bandwidths(bandwidth, name="bandwidth candidates")


def validation_split(n_samples, rng, validation_fraction, needed, y_idx=None):
    """Indices of the rows to train on and of the held-out rows (None when not ``needed``).

    With labels, every class keeps at least one training row.
    """
    if not needed:
        return np.arange(n_samples), None
    n_val = max(1, int(round(validation_fraction * n_samples)))
    order = rng.permutation(n_samples)
    val, train = order[:n_val], order[n_val:]
    if y_idx is not None:
        for label in np.setdiff1d(y_idx, y_idx[train]):
            first = val[y_idx[val] == label][0]
            train, val = np.append(train, first), val[val != first]
    if len(train) < 2 or len(val) == 0:
        raise ValueError(
            f"GANSampler needs at least 2 training rows (one of each class) and 1 "
            f"held-out row after holding out validation_fraction="
            f"{validation_fraction} of the {n_samples} rows for bandwidth "
            "selection or early stopping; pass more rows, or a float bandwidth "
            "without early stopping."
        )
    return train, val


def is_convolutional(network):
    return network == "dcgan" or isinstance(network, (DCGANGenerator, DCGANDiscriminator))


def check_networks_see_rows(settings):
    """With a transformer the networks see codes, not images: convolutional networks are an error."""
    for role in ("generator", "discriminator"):
        if is_convolutional(settings[role]):
            raise ValueError(
                f"The {role} is convolutional, but with a transformer the networks see its "
                "codes, not images; use MLP networks with a transformer, or no transformer."
            )


def generator_average(generator, ema_decay, prior=None):
    """The moving average of the generator's weights that training updates, or None.

    ``prior`` (a warm start's fitted state) continues its average.
    """
    if ema_decay is None:
        return None
    if prior is not None and prior.raw_generator is not None:
        return ExponentialMovingAverage(prior.generator, ema_decay, prior.n_average_updates)
    return ExponentialMovingAverage.of(generator, ema_decay)


def fit_optimizers(estimator, generator, discriminator, loss, prior=None):
    """Optimizers of both networks; a warm start resumes their state when the kind is unchanged."""
    cls, kwargs = optimizer_settings(estimator.optimizer, estimator.optimizer_kwargs, loss)
    g_rate = estimator.learning_rate
    d_rate = g_rate if estimator.discriminator_learning_rate is None else estimator.discriminator_learning_rate
    states = None if prior is None else prior.optimizer_state
    return make_optimizers((generator, discriminator), (g_rate, d_rate), cls, kwargs, states)


def user_callbacks(callbacks):
    """The ``callbacks`` parameter as a list of :class:`~skgan.callbacks.Callback`, or a TypeError."""
    callbacks = list(callbacks or [])
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(
                "callbacks must be skgan.callbacks.Callback instances (subclass Callback for your own), "
                f"got {type(callback).__name__}."
            )
    return callbacks


def needs_validation_score(estimator):
    """Whether each epoch scores the held-out rows: early stopping, or a callback monitoring ``val_score``."""
    return estimator.early_stopping or any(
        getattr(callback, "monitor", None) == "val_score" for callback in user_callbacks(estimator.callbacks)
    )


def finish_fit(estimator, training, n_before, X_val, candidates, choose=True):
    """The end of a fit: the fitted state up to date with training, the bandwidth chosen.

    ``n_before`` epochs came from earlier fits; the best held-out score is of
    this fit's epochs (None: leave it, as a checkpoint during fit does).
    Without ``choose`` (its choice was interrupted) the bandwidth is
    :func:`fallback_bandwidth`'s.
    """
    state = estimator._fitted
    state.sync(training)
    if n_before is not None:
        scores = [record["val_score"] for record in state.history[n_before:] if "val_score" in record]
        state.best_validation_score = max(scores) if scores else None
    if not chooses_bandwidth(estimator.bandwidth):
        state.bandwidth = float(estimator.bandwidth)
    elif choose:
        state.bandwidth = float(select_bandwidth(state.parzen_window(), X_val, candidates, device=state.device))
    else:
        state.bandwidth = fallback_bandwidth(state.bandwidth, candidates)


def fallback_bandwidth(bandwidth, candidates):
    """The bandwidth when choosing it was interrupted: the last one chosen, else the middle candidate."""
    return float(np.sort(candidates)[len(candidates) // 2] if bandwidth is None else bandwidth)


def run_training(estimator, training, callbacks, train, epochs, n_before, X_val, candidates):
    """The events of a fit around ``train()`` (a ``TrainingResult`` for ``epochs``) and its end.

    ``on_fit_begin``, training, ``on_train_end``, :func:`finish_fit`, and
    ``on_fit_end`` whether this returns or raises. A first KeyboardInterrupt
    during training stops it and keeps the completed epochs (an error when
    none completed); a first one after training (early stopping's restore,
    the Parzen window, the choice of bandwidth, ``on_fit_end``) keeps them
    too, with the last completed epoch's weights and optimizer state when
    ``on_train_end`` was cut short and a fallback bandwidth
    (:func:`fallback_bandwidth`), with a warning. A second KeyboardInterrupt
    propagates: the fit aborts.
    """
    error, interrupted = None, False
    try:
        callbacks.on_fit_begin(epochs=epochs)
        result = train()
        interrupted = result.stop_reason == "interrupted"
        report_stop(result, n_before=n_before)
        step = "on_train_end"
        try:
            callbacks.on_train_end()
            step = "finish"
            finish_fit(estimator, training, n_before, X_val, candidates)
        except KeyboardInterrupt:
            if interrupted:
                raise
            interrupted = True
            if step == "on_train_end":
                training.restore(result.last_completed)
            finish_fit(estimator, training, n_before, X_val, candidates, choose=False)
            _warn_interrupted_end(estimator, step == "on_train_end")
    except BaseException as exc:
        error = exc
        raise
    finally:
        try:
            callbacks.on_fit_end(error=error)
        except KeyboardInterrupt:
            if error is not None or interrupted:
                raise
            warnings.warn("Interrupted at the end of the fit (on_fit_end); the fit is complete.", UserWarning,
                          stacklevel=4)


def _warn_interrupted_end(estimator, before_restore):
    state = estimator._fitted
    message = f"Interrupted after training; kept the {state.n_iter} completed epoch(s)"
    message += " and the weights of the last one." if before_restore else "."
    if chooses_bandwidth(estimator.bandwidth):
        message += (
            f" The Parzen bandwidth was not chosen: bandwidth_ is {state.bandwidth:.6g} (the last one chosen, "
            "else the middle candidate); partial_fit, or fit with warm_start=True, trains on and chooses it again."
        )
    warnings.warn(message, UserWarning, stacklevel=5)


#: skgan's own network specs, which draw only from a fit's own generator (the others may use torch's global one).
_OWN_SPECS = (MLPGenerator, MLPDiscriminator, MaxoutDiscriminator, DCGANGenerator, DCGANDiscriminator)


def custom_networks(settings):
    """Whether a network is the user's (a module, class or factory), which may draw from torch's global generator."""
    return any(not (isinstance(settings[role], str) or type(settings[role]) in _OWN_SPECS)
               for role in ("generator", "discriminator"))


def cuda_indices(device):
    return list(range(torch.cuda.device_count())) if device.type == "cuda" else []


def user_code_random(settings, seed, device):
    """For custom networks: torch's global generator seeded for the fit (their draws, e.g. ``nn.Dropout``).

    skgan's own draws never use it; with skgan's own networks this does
    nothing, so a fit leaves torch's global random state alone.
    """
    return global_random(seed, cuda_indices(device), lock=False) if custom_networks(settings) else nullcontext()


def fit_callbacks(estimator, X_val, candidates):
    """``(in_order, fitted)``: the callbacks one fit calls, in order, and the clones of the user's.

    The order is ``History``, the held-out score when needed,
    ``EarlyStopping`` with ``early_stopping=True``, the user's callbacks, and
    ``ProgressBar`` with ``verbose``; a user callback of a default's class (or
    a subclass) takes that default's place. Fit uses clones of the user's
    callbacks, so its parameters stay unchanged; ``fitted[i]`` is the clone
    of ``callbacks[i]`` (the estimator's ``callbacks_``).
    """
    fitted = [clone(callback) for callback in user_callbacks(estimator.callbacks)]
    user = list(fitted)

    def take(cls, default):
        for callback in user:
            if isinstance(callback, cls):
                user.remove(callback)
                return callback
        return default

    early_stopping = EarlyStopping(
        "val_score", n_iter_no_change=estimator.n_iter_no_change, tol=estimator.tol
    ) if estimator.early_stopping else None
    history = take(History, History())
    early_stopping = take(EarlyStopping, early_stopping)
    progress = take(ProgressBar, ProgressBar() if estimator.verbose else None)
    validation = ParzenValidation(X_val, candidates) if needs_validation_score(estimator) else None
    in_order = [history, validation, early_stopping, *user, progress]
    return [callback for callback in in_order if callback is not None], fitted


def validated_data(estimator, X, y, prior):
    """``X`` as float64, and the labels as class indices with the classes (None without labels)."""
    checks = dict(dtype=[np.float64, np.float32], ensure_min_samples=2, reset=prior is None)
    if y is None:
        X = validate_data(estimator, X, **checks)
    else:
        X, y = validate_data(estimator, X, y, **checks)
        check_classification_targets(y)
    if prior is not None and (y is None) != (prior.classes is None):
        raise ValueError(
            "Continue training with labels if and only if the GANSampler was "
            "fitted with labels (y)."
        )
    if y is None:
        classes, y_idx = None, None
    elif prior is not None:
        classes, y_idx = prior.classes, class_indices(prior.classes, y)
    else:
        classes, y_idx = np.unique(y, return_inverse=True)
    X = X.astype(np.float64, copy=False)
    check_scalable(X)
    return X, y_idx, classes


def fit_settings(estimator, n_features):
    """The parameters a fit keeps (``_fitted.SETTINGS``); ``set_params`` after fit waits for the next cold fit."""
    settings = {name: copy.deepcopy(getattr(estimator, name)) for name in SETTINGS}
    if settings["image_shape"] is not None:
        settings["image_shape"] = check_image_shape(settings["image_shape"], n_features)
    return settings


def new_networks(settings, device, classes, X_train, transformer, seed):
    """Fresh networks, the scaling to their output range, and the training rows in model units.

    skgan's own networks are initialised from the fit's generator; a custom
    network's constructor runs under a process-wide lock with torch's global
    generator seeded with ``seed`` (:func:`skgan._random.global_random`).
    """
    codes = X_train if transformer is None else transformed_codes(transformer, X_train)
    if transformer is not None:  # image_shape then only describes X, for plots
        check_networks_see_rows(settings)
    with global_random(seed, cuda_indices(device)) if custom_networks(settings) else nullcontext():
        generator, discriminator = build_networks(
            settings, codes.shape[1], device, None if classes is None else len(classes),
            settings["image_shape"] if transformer is None else None,
        )
    scaling = AffineScaling(output_range(generator)).fit(codes)
    model_rows = scaling.to_model(codes)
    if transformer is not None:
        scaling = TransformedScaling(transformer, scaling, X_train)
        scaling.to_data(model_rows[:1])  # fails early on a wrong inverse
    return generator, discriminator, scaling, model_rows

def game_settings(estimator, settings, loss):
    compile_options = check_compile_options(estimator.compile)
    return GameSettings(
        loss=loss,
        latent_dim=settings["latent_dim"],
        noise=settings["noise"],
        d_steps=loss.default_d_steps if estimator.d_steps == "auto" else estimator.d_steps,
        batch_size=estimator.batch_size,
        autocast_dtype=None if estimator.mixed_precision is None else getattr(torch, estimator.mixed_precision),
        compile_options=compile_options,
    )
