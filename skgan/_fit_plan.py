"""The steps of a fit around the training loop: the codec, the validation split, networks, callbacks.

:func:`fit` is the order of one fit; the other functions are its steps, of
the estimator's parameters and data. Nothing here keeps state: what a fit
produces goes to the estimator's :class:`~skgan._fitted.FittedState`, what
its steps share while it runs to its :class:`~skgan._fit_run.FitRun`, and
the data's side of it to its codec (:mod:`skgan._codecs`).
"""

import copy
from contextlib import nullcontext
from dataclasses import replace
from functools import partial

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._arguments import MAX_SEED
from ._codecs import codec_for
from ._device import resolve_device
from ._distributed import process_group, rank_device, sharded_rows
from ._fit_run import FitRun, bandwidth_before_choice, bandwidth_candidates, chooses_bandwidth, run_training
from ._fitted import SETTINGS, FittedState, attach, build_networks
from ._frames import is_frame, take_rows
from ._generation import class_indices
from ._private_fit import PrivateBudget, check_private_fit
from ._random import fit_random, global_random
from ._streaming import is_memory_mapped, split_rows, training_rows
from ._threads import fit_threads, thread_budget
from ._torch_options import check_compile_options
from ._training import (
    CallbackList,
    ExponentialMovingAverage,
    GameSettings,
    TrainingState,
    execution_for,
    make_optimizers,
    optimizer_settings,
    resolve_settings,
    train_gan,
)
from .callbacks import Callback, EarlyStopping, History, ProgressBar
from .callbacks._parzen_validation import ParzenValidation
from .losses import resolve_loss
from .networks import (
    DCGANDiscriminator,
    DCGANGenerator,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
    check_image_shape,
)


def shared_random_state(random_state, group):
    """The fit's ``RandomState``: on every rank of a data-parallel fit the same, rank 0's when not seeded alike.

    An integer seeds every rank alike; otherwise (None, a ``RandomState``)
    rank 0 draws the seed and the others receive it.
    """
    rng = check_random_state(random_state)
    if group is None or isinstance(random_state, (int, np.integer)):
        return rng
    return np.random.RandomState(group.broadcast_int(rng.randint(MAX_SEED)))


def data_fingerprint(X, y_idx=None, n_rows=256):
    """A few numbers that differ between ranks given different data: its shape and a sum of its first rows."""
    values = [X.shape[0], X.shape[1], -1 if y_idx is None else float(np.sum(y_idx))]
    if not is_frame(X):
        values.append(float(np.sum(X[:n_rows], dtype=np.float64)))
    return values


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


def generator_average(generator, ema_decay, prior=None):
    """The moving average of the generator's weights that training updates, or None.

    ``prior`` (a warm start's fitted state) continues its average.
    """
    if ema_decay is None:
        return None
    if prior is not None and prior.raw_generator is not None:
        return ExponentialMovingAverage(prior.generator, ema_decay, prior.n_average_updates)
    return ExponentialMovingAverage.of(generator, ema_decay)


def fit_optimizers(estimator, generator, discriminator, loss, learning_rate, prior=None):
    """Optimizers of both networks; a warm start resumes their state when the kind is unchanged.

    ``learning_rate`` is the generator's (``"auto"`` resolved); the
    discriminator's is ``discriminator_learning_rate``, else the same.
    """
    cls, kwargs = optimizer_settings(estimator.optimizer, estimator.optimizer_kwargs, loss)
    g_rate = learning_rate
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


def fit_callbacks(estimator, X_val, candidates, is_main_process=True):
    """``(in_order, fitted)``: the callbacks one fit calls, in order, and the clones of the user's.

    The order is ``History``, the held-out score when needed,
    ``EarlyStopping`` with ``early_stopping=True``, the user's callbacks, and
    ``ProgressBar`` with ``verbose`` (on the main process of a data-parallel
    fit only); a user callback of a default's class (or
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
    in_order = [history, validation, early_stopping, *user, progress if is_main_process else None]
    return [callback for callback in in_order if callback is not None], fitted


def fit_settings(estimator, n_features):
    """The parameters a fit keeps (``_fitted.SETTINGS``); ``set_params`` after fit waits for the next cold fit."""
    settings = {name: copy.deepcopy(getattr(estimator, name)) for name in SETTINGS}
    if settings["image_shape"] is not None:
        settings["image_shape"] = check_image_shape(settings["image_shape"], n_features)
    return settings


def train_d_steps(estimator, loss):
    """The discriminator steps per generator step: the parameter, or the loss's default for ``"auto"``."""
    return loss.default_d_steps if estimator.d_steps == "auto" else estimator.d_steps


def game_settings(estimator, settings, loss, chosen):
    """The loop's :class:`GameSettings`, with the batch size and moment weight of ``chosen`` (the ``"auto"``
    parameters resolved, :func:`~skgan._training.resolve_settings`)."""
    compile_options = check_compile_options(estimator.compile)
    return GameSettings(
        loss=loss,
        latent_dim=settings["latent_dim"],
        noise=settings["noise"],
        d_steps=train_d_steps(estimator, loss),
        batch_size=chosen.batch_size,
        autocast_dtype=None if estimator.mixed_precision is None else getattr(torch, estimator.mixed_precision),
        compile_options=compile_options,
        moment_weight=float(chosen.moment_weight),
    )


def shown_verbosity(verbose, is_main_process):
    """The ``verbose`` of what a process shows: the estimator's on the main process, 0 on the others."""
    return verbose if is_main_process else 0


def labels_of(y, classes_before=None):
    """``(classes, y_idx)``: the classes and each label's index (None, None without labels).

    A warm start (``classes_before``) keeps the classes of the first fit.
    """
    if y is None:
        return None, None
    if classes_before is not None:
        return classes_before, class_indices(classes_before, y)
    return np.unique(y, return_inverse=True)


def new_networks(settings, sizes, device, seed):
    """Fresh networks of ``sizes`` (a codec's :meth:`~skgan._codecs.DataCodec.network_sizes`) on ``device``.

    skgan's own networks are initialised from the fit's generator; a custom
    network's constructor runs under a process-wide lock with torch's global
    generator seeded with ``seed`` (:func:`skgan._random.global_random`).
    """
    with global_random(seed, cuda_indices(device)) if custom_networks(settings) else nullcontext():
        return build_networks(settings, sizes, device)


def fit(estimator, X, y, n_epochs, resume):
    """One fit of ``estimator`` on ``X`` (``y``) for ``n_epochs`` epochs, from its fitted state when ``resume``.

    ``n_epochs="auto"``: the codec's number for the training rows
    (:meth:`~skgan._codecs.DataCodec.auto_settings`), as for the other
    ``"auto"`` parameters.

    The order of a fit (docs/architecture.md): the codec and the checks of
    the data, seeds and the validation split; networks, the codec's fit and
    optimizers; the fitted state attached before the first epoch; the
    callbacks; training and its end.
    """
    prior = estimator._fitted if resume else None
    codec = prior.codec if resume else codec_for(X, estimator.encoder, estimator.transformer, estimator.constraints)
    X, y = codec.check_fit_rows(estimator, X, y, reset=prior is None)
    if prior is not None and (y is None) != (prior.classes is None):
        raise ValueError(
            "Continue training with labels if and only if the GANSampler was "
            "fitted with labels (y)."
        )
    classes, y_idx = labels_of(y, None if prior is None else prior.classes)
    device = torch.device(prior.device) if resume else resolve_device(estimator.device)
    group = process_group(estimator.distributed, device)
    rng = shared_random_state(estimator.random_state, group)
    torch_seed, parzen_seed = (int(s) for s in rng.randint(MAX_SEED, size=2))
    needs_score = needs_validation_score(estimator)
    privacy = None if estimator.privacy is None else check_private_fit(estimator, resolve_loss(estimator.loss), resume)
    holds_out = (chooses_bandwidth(estimator.bandwidth) or needs_score) and privacy is None  # private: no real row
    train, val = validation_split(X.shape[0], rng, estimator.validation_fraction, holds_out, y_idx)
    if is_memory_mapped(X):  # streamed: a capped held-out set, training rows read when drawn
        train, val, X_train, X_val = split_rows(X, train, val)
    else:
        X_train, X_val = take_rows(X, train), (None if val is None else take_rows(X, val))
    y_train = None if y_idx is None else y_idx[train]
    budget = None if privacy is None else PrivateBudget(privacy, len(train), int(rng.randint(MAX_SEED)))
    if y_train is None:
        class_prior = None
    elif budget is not None:
        class_prior = budget.class_prior(y_train, len(classes))
    else:
        class_prior = np.bincount(y_train, minlength=len(classes)) / len(y_train)
    if resume:  # a fresh, reproducible stream for the epochs to come
        torch_seed = int(np.random.SeedSequence([torch_seed, prior.n_iter]).generate_state(1)[0])
    if group is not None:
        device = device if resume else rank_device(device)
        group.same_everywhere(data_fingerprint(X, y_idx), "rows X (and labels y)")
    settings = prior.settings if resume else fit_settings(estimator, X.shape[1])
    is_main_process = group is None or group.is_main_process

    with fit_random(torch_seed), user_code_random(settings, torch_seed, device):
        if resume:
            generator, discriminator = prior.trained_generator, prior.discriminator
            model_rows = codec.model_rows(X_train)
        else:
            verbose = shown_verbosity(estimator.verbose, is_main_process)
            private = {} if budget is None else budget.codec_budget(classes is not None)
            codes = codec.fit(X_train, classes is not None, torch_seed, verbose, X_seen=X, **private)
            sizes = codec.network_sizes(settings, None if classes is None else len(classes))
            generator, discriminator = new_networks(settings, sizes, device, torch_seed)
            model_rows = codec.fit_output(generator, codes, X_train)
        conditions = codec.condition_sampler(model_rows, device)
        chosen = resolve_settings(estimator, codec.auto_settings(model_rows.shape[0]))
        if budget is not None:
            chosen = replace(chosen, moment_weight=0.0)  # it would read the real rows' moments
            if conditions is not None:  # drawn by private counts; each sampled row given one of its own
                conditions = conditions.for_private_fit(np.concatenate(codec.frequencies), codec.codes(model_rows))
        n_epochs = chosen.max_iter if n_epochs == "auto" else n_epochs
        if budget is not None or not isinstance(estimator.bandwidth, str):  # private: the grid of generated rows
            candidates = None if isinstance(estimator.bandwidth, str) else bandwidth_candidates(estimator.bandwidth)
        else:
            candidates = bandwidth_candidates(estimator.bandwidth, codec.score_span(X))
        X_val = None if X_val is None else codec.score_rows(X_val)
        average = generator_average(generator, chosen.ema_decay, prior)
        loss = resolve_loss(estimator.loss)
        optimizers = fit_optimizers(estimator, generator, discriminator, loss, chosen.learning_rate, prior)
        training = TrainingState(generator, discriminator, *optimizers, average)
        attach(estimator, FittedState.begin(
            training, prior, codec=codec, settings=settings, device=str(device), parzen_seed=parzen_seed,
            bandwidth=bandwidth_before_choice(estimator.bandwidth, prior), classes=classes,
            class_prior=class_prior,
        ))
        execution = execution_for(group, device)
        n_before = prior.n_iter if resume else 0
        run = FitRun(estimator, training, execution, X_val, candidates, n_before,
                     range(n_before + 1, n_before + 1 + n_epochs))
        in_order, estimator._fitted.callbacks = fit_callbacks(estimator, X_val, candidates, execution.is_main_process)
        callbacks = CallbackList(in_order, estimator, training=training, run=run,
                                 is_main_process=execution.is_main_process)
        train = partial(
            train_gan, training, training_rows(model_rows, device),
            game_settings(estimator, settings, loss, chosen),
            epochs=run.epochs, callbacks=callbacks,
            y=None if y_train is None else torch.as_tensor(y_train, dtype=torch.long, device=device),
            conditions=conditions, execution=execution, steps=estimator.training_steps(),
            privacy=None if budget is None else budget.training_plan(
                chosen.batch_size, train_d_steps(estimator, loss), discriminator, len(run.epochs),
                execution.world_size, class_prior, device),
        )
        n_threads = fit_threads(estimator.n_threads, (generator, discriminator), chosen.batch_size, device)
        with sharded_rows(group), thread_budget(n_threads, exact=isinstance(estimator.n_threads, int)):
            try:
                run_training(run, callbacks, train)  # the held-out scores and bandwidth choice: rows shared among ranks
            finally:
                if budget is not None:
                    estimator._fitted.privacy_spent = budget.spent()
    return estimator
