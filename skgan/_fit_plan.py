"""The steps of a fit around the training loop: checks, the validation split, networks, callbacks, the end.

:func:`fit` is the order of one fit; the other functions are its steps, of
the estimator's parameters and data. Nothing here keeps state: what a fit
produces goes to the estimator's :class:`~skgan._fitted.FittedState`.
"""

import copy
import warnings
from contextlib import nullcontext
from functools import partial
from types import SimpleNamespace

import numpy as np
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, column_or_1d, validate_data

from ._arguments import MAX_SEED
from ._device import resolve_device
from ._distributed import process_group, rank_device, sharded_rows
from ._fitted import SETTINGS, FittedState, attach, build_networks
from ._frames import is_frame
from ._generation import class_indices
from ._random import fit_random, global_random
from ._streaming import StreamedRows, column_statistics, is_memory_mapped, split_rows, streams, training_rows
from ._tabular import FrameShape, TableFit, is_table, take_rows
from ._torch_options import check_compile_options
from ._training import (
    CallbackList,
    ExponentialMovingAverage,
    GameSettings,
    TrainingState,
    execution_for,
    make_optimizers,
    optimizer_settings,
    report_stop,
    table_moment_weight,
    train_gan,
)
from .callbacks import Callback, EarlyStopping, History, ProgressBar
from .callbacks._parzen_validation import ParzenValidation
from .losses import resolve_loss
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
from .preprocessing import TabularEncoder
from .preprocessing._scaling import AffineScaling, TransformedScaling, transformed_codes


def check_scalable(X):
    """A ValueError when the per-feature range or spread of ``X`` overflows float64.

    A memory-mapped ``X`` is read in chunks (:func:`skgan._streaming.column_statistics`,
    which also finds values that are not finite); only float64 values can
    overflow there.
    """
    if is_memory_mapped(X):
        low, high, _, std = column_statistics(StreamedRows(X), moments=X.dtype == np.float64)
        with np.errstate(over="ignore"):
            scalable = np.isfinite(high - low).all() and (std is None or np.isfinite(std).all())
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            scalable = np.isfinite(X.max(0) - X.min(0)).all() and np.isfinite(X.std(0)).all()
    if not scalable:
        raise ValueError("X has values too large to scale: their range overflows float64.")


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


def chooses_bandwidth(bandwidth):
    """Whether the ``bandwidth`` parameter asks fit to choose among candidates."""
    return isinstance(bandwidth, str) or np.ndim(bandwidth) > 0


def bandwidth_before_choice(bandwidth, prior=None):
    """The bandwidth during a fit, before it is chosen: the fixed one, or the earlier fit's (``prior``)."""
    if not chooses_bandwidth(bandwidth):
        return float(bandwidth)
    return None if prior is None else prior.bandwidth


def bandwidth_candidates(bandwidth, X, span=None):
    """The bandwidths to choose from: the paper's grid scaled to ``X`` (or ``span``), the user's, or the fixed one."""
    if isinstance(bandwidth, str):
        span = float(np.max(X.max(0) - X.min(0))) if span is None else span
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


def check_networks_see_rows(settings, case="with a transformer"):
    """With a transformer or a table the networks see codes, not images: convolutional networks are an error."""
    for role in ("generator", "discriminator"):
        if is_convolutional(settings[role]):
            raise ValueError(
                f"The {role} is convolutional, but {case} the networks see encoded "
                f"columns, not images; use MLP networks {case}."
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
    propagates: the fit aborts, as a data-parallel fit does at the first (its
    processes may be epochs apart when interrupted).
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
            if estimator._run.execution.world_size > 1:
                training.restore(result.before)
                raise
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


def uses_table(estimator, X, prior=None):
    """Whether a fit encodes ``X`` as a table (:class:`~skgan.preprocessing.TabularEncoder`).

    ``encoder="auto"`` does for DataFrames with columns that are not float
    or with missing values, and for arrays of text, unless a ``transformer``
    is given; an encoder object always does. A warm start does what the
    first fit did.
    """
    if prior is not None:
        return prior.table is not None
    if isinstance(estimator.encoder, str):
        return estimator.encoder == "auto" and estimator.transformer is None and is_table(X)
    if estimator.transformer is not None:
        raise ValueError("Give a transformer or a tabular encoder, not both: encoder='auto' with a transformer.")
    return True


def table_encoder(estimator, seed, is_main_process=True):
    """A fresh encoder for a fit, seeded with ``seed`` unless it has a ``random_state`` of its own.

    The default encoder shows its progress with ``verbose``, on the main
    process of a data-parallel fit only.
    """
    if isinstance(estimator.encoder, str):
        return TabularEncoder(verbose=estimator.verbose if is_main_process else 0, random_state=seed)
    encoder = clone(estimator.encoder)
    if "random_state" in encoder.get_params() and encoder.get_params()["random_state"] is None:
        encoder.set_params(random_state=seed)
    return encoder


def validated_table(estimator, X, y, prior):
    """A table (a DataFrame, or a 2-D array) of at least 2 rows, its labels checked as ``validated_data``'s."""
    if sparse.issparse(X):
        raise TypeError("A tabular encoder needs a DataFrame or a dense array, got a sparse matrix.")
    if not is_frame(X):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"Expected a 2-D table of rows, got an array of shape {X.shape}.")
    X = validate_data(estimator, X, skip_check_array=True, reset=prior is None)
    if len(X) < 2:
        raise ValueError(f"Found a table with {len(X)} row(s) while a minimum of 2 is required by GANSampler.")
    if y is not None:
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
    return X, y


def validated_data(estimator, X, y, prior, table=False):
    """``X`` as float64 (a ``table`` as it is), and the labels as class indices with the classes (None without).

    A memory-mapped ``X`` that the fit streams (:func:`skgan._streaming.streams`:
    not a table, no transformer) stays as it is, in its own dtype, checked in
    chunks; otherwise a memory-mapped ``X`` is read into memory.
    """
    transformer = estimator.transformer if prior is None else prior.transformer
    streamed = not table and streams(X, transformer)
    checks = dict(dtype=[np.float64, np.float32], ensure_min_samples=2, reset=prior is None)
    if streamed:  # no float64 copy; values checked in chunks by check_scalable
        checks.update(dtype="numeric", ensure_all_finite=False)
    if table:
        X, y = validated_table(estimator, X, y, prior)
        if y is not None:
            check_classification_targets(y)
    elif y is None:
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
    if not streamed and is_memory_mapped(X):  # a table, or rows for a transformer
        X = np.array(X)
    if streamed:
        check_scalable(X)
    elif not table:
        X = X.astype(np.float64, copy=False)
        check_scalable(X)
    return X, y_idx, classes


def fit_settings(estimator, n_features):
    """The parameters a fit keeps (``_fitted.SETTINGS``); ``set_params`` after fit waits for the next cold fit."""
    settings = {name: copy.deepcopy(getattr(estimator, name)) for name in SETTINGS}
    if settings["image_shape"] is not None:
        settings["image_shape"] = check_image_shape(settings["image_shape"], n_features)
    return settings


def new_table_networks(settings, device, classes, X_train, encoder, seed):
    """Fresh networks for a table, the identity scaling, the training rows in model units, and the table's fit.

    The networks see the encoder's columns (the generator ends with an
    activation per block of its layout) and, fitted without labels, the
    condition vectors of training-by-sampling.
    """
    check_networks_see_rows(settings, "with a table")
    table = TableFit.fit(encoder, X_train)
    model_rows = table.model_rows(X_train, np.float32)  # the one copy training needs, encoded in chunks
    if classes is None:
        table.condition_on(model_rows)
    n_conditions = len(classes) if classes is not None else table.condition_width
    with global_random(seed, cuda_indices(device)) if custom_networks(settings) else nullcontext():
        generator, discriminator = build_networks(
            settings, model_rows.shape[1], device, n_conditions, output_layout=table.layout
        )
    if output_range(generator) not in ((-1.0, 1.0), None):
        raise ValueError(
            f"A table's continuous columns are encoded in [-1, 1]; the generator's output range "
            f"{output_range(generator)} must be (-1, 1) (a tanh output) or unbounded."
        )
    return generator, discriminator, AffineScaling.identity(model_rows.shape[1]), model_rows, table


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


def game_settings(estimator, settings, loss, table_rows=None):
    """The loop's :class:`GameSettings`; ``moment_weight="auto"`` is on for a table of ``table_rows`` training rows
    (:func:`table_moment_weight`), off for other data (``table_rows`` None)."""
    compile_options = check_compile_options(estimator.compile)
    moment_weight = estimator.moment_weight
    if moment_weight == "auto":
        moment_weight = 0.0 if table_rows is None else table_moment_weight(table_rows)
    return GameSettings(
        loss=loss,
        latent_dim=settings["latent_dim"],
        noise=settings["noise"],
        d_steps=loss.default_d_steps if estimator.d_steps == "auto" else estimator.d_steps,
        batch_size=estimator.batch_size,
        autocast_dtype=None if estimator.mixed_precision is None else getattr(torch, estimator.mixed_precision),
        compile_options=compile_options,
        moment_weight=float(moment_weight),
    )


def fit(estimator, X, y, n_epochs, resume):
    """One fit of ``estimator`` on ``X`` (``y``) for ``n_epochs`` epochs, from its fitted state when ``resume``.

    The order of a fit (docs/architecture.md): checks, seeds and the
    validation split; networks, encodings and optimizers; the fitted state
    attached before the first epoch; the callbacks; training and its end.
    """
    prior = estimator._fitted if resume else None
    tabular = uses_table(estimator, X, prior)
    # a numeric DataFrame's columns and dtypes, to give samples back as one
    frame = prior.frame if resume else (None if tabular else FrameShape.of(X))
    X, y_idx, classes = validated_data(estimator, X, y, prior, tabular)
    device = torch.device(prior.device) if resume else resolve_device(estimator.device)
    group = process_group(estimator.distributed, device)
    rng = shared_random_state(estimator.random_state, group)
    torch_seed, parzen_seed = (int(s) for s in rng.randint(MAX_SEED, size=2))
    needs_score = needs_validation_score(estimator)
    train, val = validation_split(
        X.shape[0], rng, estimator.validation_fraction, chooses_bandwidth(estimator.bandwidth) or needs_score, y_idx
    )
    if is_memory_mapped(X):  # streamed: a capped held-out set, training rows read when drawn
        train, val, X_train, X_val = split_rows(X, train, val)
    else:
        X_train, X_val = take_rows(X, train), (None if val is None else take_rows(X, val))
    y_train = None if y_idx is None else y_idx[train]
    class_prior = None if y_train is None else np.bincount(y_train, minlength=len(classes)) / len(y_train)
    if resume:  # a fresh, reproducible stream for the epochs to come
        torch_seed = int(np.random.SeedSequence([torch_seed, prior.n_iter]).generate_state(1)[0])
    if group is not None:
        device = device if resume else rank_device(device)
        group.same_everywhere(data_fingerprint(X, y_idx), "rows X (and labels y)")
    settings = prior.settings if resume else fit_settings(estimator, X.shape[1])

    with fit_random(torch_seed), user_code_random(settings, torch_seed, device):
        transformer, table = (prior.transformer, prior.table) if resume else (None, None)
        if resume:
            generator, discriminator, scaling = prior.trained_generator, prior.discriminator, prior.scaling
            model_rows = scaling.to_model(X_train) if table is None else table.model_rows(X_train, np.float32)
        elif tabular:
            encoder = table_encoder(estimator, torch_seed, group is None or group.is_main_process)
            generator, discriminator, scaling, model_rows, table = new_table_networks(
                settings, device, classes, X_train, encoder, torch_seed
            )
        else:
            transformer = None if estimator.transformer is None else clone(estimator.transformer).fit(X_train)
            generator, discriminator, scaling, model_rows = new_networks(
                settings, device, classes, X_train, transformer, torch_seed
            )
        conditions = None if table is None else table.condition_sampler(model_rows, device)
        span = table.score_span(X) if table is not None and isinstance(estimator.bandwidth, str) else None
        candidates = bandwidth_candidates(estimator.bandwidth, X, span)
        X_val = None if X_val is None else (X_val if table is None else table.score_rows(X_val))
        average = generator_average(generator, estimator.ema_decay, prior)
        loss = resolve_loss(estimator.loss)
        training = TrainingState(
            generator, discriminator, *fit_optimizers(estimator, generator, discriminator, loss, prior), average
        )
        attach(estimator, FittedState.begin(
            training, prior, scaling=scaling, settings=settings, device=str(device), parzen_seed=parzen_seed,
            bandwidth=bandwidth_before_choice(estimator.bandwidth, prior), classes=classes,
            class_prior=class_prior, transformer=transformer, table=table, frame=frame,
        ))
        execution = execution_for(group, device)
        estimator._run = SimpleNamespace(training=training, X_val=X_val, candidates=candidates, execution=execution)
        n_before = prior.n_iter if resume else 0
        epochs = range(n_before + 1, n_before + 1 + n_epochs)
        in_order, estimator._fitted.callbacks = fit_callbacks(estimator, X_val, candidates, execution.is_main_process)
        callbacks = CallbackList(in_order, estimator, training=training, is_main_process=execution.is_main_process)
        train = partial(
            train_gan, training, training_rows(model_rows, device),
            game_settings(estimator, settings, loss, None if table is None else len(model_rows)),
            epochs=epochs, callbacks=callbacks,
            y=None if y_train is None else torch.as_tensor(y_train, dtype=torch.long, device=device),
            conditions=conditions, execution=execution,
        )
        with sharded_rows(group):  # the held-out scores and the bandwidth's choice share their rows among ranks
            run_training(estimator, training, callbacks, train, epochs, n_before, X_val, candidates)
    return estimator
