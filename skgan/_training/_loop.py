"""The adversarial training loop: Algorithm 1 of Goodfellow et al. (2014).

:func:`train_gan` runs the epochs: the record of each (the steps' losses,
summed on the device and read once per epoch), the callbacks' events, the
rollback to the last completed epoch when a loss diverges or training is
interrupted, the stop decision all processes share. Each step's rows, noise
and labels come from a :class:`~skgan._training._batches.BatchSource`; the
steps themselves are a :class:`~skgan._training._steps.TrainingSteps`'s.
"""

import copy
import math
import time
import warnings
from dataclasses import dataclass

import torch
from sklearn.exceptions import ConvergenceWarning

from .._random import generator_for
from ..networks._common import pack_size
from ._batches import BatchSource
from ._callbacks import CallbackList
from ._execution import local_execution
from ._moments import MomentMatching
from ._precision import Stepper, autocast_context
from ._private import PrivateSteps
from ._steps import TrainingContext, TrainingSteps


@dataclass(frozen=True)
class GameSettings:
    """How one epoch plays the game: the loss, the noise, ``d_steps`` (k) and the batch size.

    ``autocast_dtype`` (``torch.bfloat16`` or ``torch.float16``) runs the
    forward passes under autocast; ``compile_options`` (a dict, possibly
    empty) trains through ``torch.compile``'d forward passes;
    ``moment_weight`` (0: off) weighs the generator's
    :class:`~skgan._training._moments.MomentMatching` penalty.
    """

    loss: object
    latent_dim: int
    noise: str
    d_steps: int
    batch_size: int
    autocast_dtype: torch.dtype = None
    compile_options: dict = None
    moment_weight: float = 0.0


@dataclass
class TrainingState:
    """What training changes: both networks, their optimizers and the generator's weight average.

    :meth:`snapshot` and :meth:`restore` cover all of it, so that a restored
    state is the one of a moment between two epochs: weights, the average
    and the optimizers' moments and schedules agree.
    """

    generator: torch.nn.Module
    discriminator: torch.nn.Module
    g_optimizer: torch.optim.Optimizer
    d_optimizer: torch.optim.Optimizer
    average: object = None

    @property
    def modules(self):
        return (self.generator, self.discriminator) + (() if self.average is None else (self.average,))

    @property
    def sampled(self):
        """The generator that samples: the weight average when there is one."""
        return self.generator if self.average is None else self.average.module

    @property
    def optimizers(self):
        return (self.g_optimizer, self.d_optimizer)

    def snapshot(self, into=None):
        """A copy of the modules' weights (and the average's count) and the optimizers' state, for :meth:`restore`.

        ``into``, an earlier snapshot of this state that is no longer needed
        (nor restored from), is refilled and returned instead of a new copy:
        its tensors take the current values in place, without new memory,
        where their shapes still match. The training loop takes one after
        every epoch this way.
        """
        parts = [part.state_dict() for part in (*self.modules, *self.optimizers)]
        if into is None or len(into) != len(parts):
            return [copy.deepcopy(part) for part in parts]
        targets, sources = [], []
        into[:] = [_refill(old, new, targets, sources) for old, new in zip(into, parts, strict=True)]
        _copy_all(targets, sources)
        return into

    def restore(self, snapshot):
        """Back to ``snapshot``, which stays intact (training may continue from the restored state)."""
        n_modules = len(self.modules)
        for module, weights in zip(self.modules, snapshot[:n_modules], strict=True):
            module.load_state_dict(weights)
        for optimizer, state in zip(self.optimizers, snapshot[n_modules:], strict=True):
            optimizer.load_state_dict(copy.deepcopy(state))  # it would share the snapshot's tensors

    def train(self, mode=True):
        self.generator.train(mode)
        self.discriminator.train(mode)


def _refill(old, new, targets, sources):
    """``new`` (a state dict, or a value in one) kept in ``old``'s containers and tensors where they match.

    Matching tensors are only collected (into ``targets``, from ``sources``):
    the caller copies them. Anything else is a deep copy of ``new``.
    """
    if isinstance(new, torch.Tensor):
        if (isinstance(old, torch.Tensor) and old.layout == new.layout == torch.strided and not new.is_quantized
                and old.dtype == new.dtype and old.device == new.device and old.shape == new.shape
                and old.stride() == new.stride()):
            targets.append(old)
            sources.append(new)
            return old
        return copy.deepcopy(new)
    if isinstance(new, dict) and type(old) is type(new) and list(old) == list(new):
        for key, value in new.items():
            old[key] = _refill(old[key], value, targets, sources)
        if hasattr(new, "_metadata"):  # a module's state dict: the versions of its layers' formats
            old._metadata = copy.deepcopy(new._metadata)
        return old
    if isinstance(new, list) and type(old) is list and len(old) == len(new):
        old[:] = [_refill(o, n, targets, sources) for o, n in zip(old, new, strict=True)]
        return old
    return copy.deepcopy(new)


def _copy_all(targets, sources):
    """``target.copy_(source)`` for each pair, in one call per device where torch has it."""
    by_device = {}
    for target, source in zip(targets, sources, strict=True):
        pair = by_device.setdefault(target.device, ([], []))
        pair[0].append(target)
        pair[1].append(source)
    for device_targets, device_sources in by_device.values():
        if hasattr(torch, "_foreach_copy_"):
            torch._foreach_copy_(device_targets, device_sources)
        else:
            for target, source in zip(device_targets, device_sources, strict=True):
                target.copy_(source)


@dataclass
class TrainingResult:
    """What :func:`train_gan` did.

    ``n_epochs`` epochs completed. ``stop_reason`` is None (all epochs ran or
    a callback stopped training), ``"diverged"`` (a non-finite loss; the
    weights and optimizer state of the last finite epoch were restored) or
    ``"interrupted"`` (KeyboardInterrupt; those after the last completed
    epoch were restored), at epoch ``stopped_at_epoch``. ``last_completed``
    is the :meth:`TrainingState.snapshot` after the last completed epoch
    (before training when none completed), ``before`` the one before training.
    """

    n_epochs: int = 0
    stop_reason: str = None
    stopped_at_epoch: int = None
    last_completed: list = None
    before: list = None


def packed_batch_size(batch_size, discriminator):
    """``batch_size`` rounded down to a whole number of packs of a PacGAN discriminator (``pac`` rows each)."""
    pac = pack_size(discriminator)
    if pac == 1:
        return batch_size
    if batch_size < pac:
        raise ValueError(
            f"The discriminator packs pac={pac} rows, but a minibatch holds only {batch_size}; "
            "use a smaller pac, a larger batch_size, or more rows."
        )
    return batch_size - batch_size % pac


#: The keys of the steps' losses that every epoch record holds, in the order of the loop's sums.
_SUMMED = ("d_loss", "d_real", "d_fake", "g_loss")
#: The record's keys that no step may return.
_RESERVED = ("epoch", "dur")


def steps_per_epoch(n_samples, batch_size, d_steps, world_size, discriminator):
    """``(rows drawn per step for all processes, discriminator steps per epoch)`` of :func:`train_gan`."""
    batch_size = packed_batch_size(min(batch_size, n_samples // world_size), discriminator)
    drawn = batch_size * world_size  # each step draws the minibatch of every process; this one keeps its share
    return drawn, -(-max(1, n_samples // drawn) // d_steps) * d_steps


def train_gan(state, X, game, *, epochs, y=None, conditions=None, callbacks=None, execution=None, steps=None,
              privacy=None):
    """Train ``state``'s networks on the rows of tensor ``X`` for the epochs numbered ``epochs``.

    One epoch is one pass of the discriminator over the data in minibatches
    of ``game.batch_size`` (capped at the number of rows, and rounded down
    to a multiple of a PacGAN discriminator's ``pac``), per process of a
    data-parallel ``execution`` (whose processes together pass over the data
    once, each step on a minibatch of ``batch_size`` times their number, of
    which each takes its share), the number of steps
    rounded up to a multiple of ``game.d_steps``: every ``d_steps``
    discriminator steps are followed by one generator step, as in Algorithm 1
    with ``k = d_steps``. ``y`` (class indices) conditions both networks.
    ``conditions`` (a :class:`ConditionSampler`, for tables fitted without
    ``y``) replaces the permutations by training-by-sampling:
    each minibatch's rows match condition vectors that both networks see,
    and the generator's loss adds the penalty of rows that miss their
    condition. With ``game.moment_weight``, it also adds the moment-matching
    penalty (running moments of the discriminator's real minibatches against
    those of the generator's). ``privacy`` (a
    :class:`~skgan._training.PrivacyPlan`) makes the fit private:
    Poisson-sampled real rows, and ``steps`` a
    :class:`~skgan._training.PrivateSteps` subclass (DP-SGD). Random draws (minibatches, noise, labels, and the
    networks' dropout and the loss's penalty) come from the active fit's
    generator on ``X``'s device (:func:`skgan._random.fit_random`), or from
    torch's global generator outside a fit.

    The loop runs the epochs; each step's draws come from a
    :class:`BatchSource`, and the steps themselves are those of ``steps``, a
    :class:`TrainingSteps` subclass (None: ``TrainingSteps``), built once
    with the call's :class:`TrainingContext` and set up before the first epoch.

    ``callbacks`` (a :class:`~skgan._training.CallbackList`) hears
    ``on_epoch_begin``, ``on_batch_end`` (only callbacks that define it) and,
    with the networks in evaluation mode, ``on_epoch_end`` with the epoch's
    record; a true return value of ``on_epoch_end`` stops training (rank 0's
    value, on every process). The losses
    are accumulated on the device and read once per epoch. A non-finite loss
    stops training with the last finite weights restored; a KeyboardInterrupt
    stops it with the weights and optimizer state of the last completed
    epoch (a second KeyboardInterrupt, while restoring them, propagates; in a
    data-parallel execution, the first one propagates). The networks end in
    evaluation mode.
    """
    steps = TrainingSteps if steps is None else steps
    if not (isinstance(steps, type) and issubclass(steps, TrainingSteps)):
        raise TypeError(f"steps must be a TrainingSteps subclass (the class, not an instance), got {steps!r}.")
    callbacks = CallbackList([]) if callbacks is None else callbacks
    execution = local_execution() if execution is None else execution
    d_steps = game.d_steps
    n_samples, device, n_ranks = X.shape[0], X.device, execution.world_size
    if n_samples < n_ranks:
        raise ValueError(f"A data-parallel fit on {n_ranks} processes needs at least {n_ranks} rows, got {n_samples}.")
    if privacy is not None and not issubclass(steps, PrivateSteps):
        raise ValueError(
            f"A private fit's steps must clip and noise the discriminator's gradients: {steps.__name__} is not a "
            "subclass of skgan's PrivateSteps (a GANSampler subclass's training_steps must return one)."
        )
    drawn, n_d_steps = steps_per_epoch(n_samples, game.batch_size, d_steps, n_ranks, state.discriminator)
    batch_size, n_g_steps = drawn // n_ranks, n_d_steps // d_steps
    result = TrainingResult()
    result.before = state.snapshot()
    rng = generator_for(device)
    forwards = execution.forward_modules(state.generator, state.discriminator, game.compile_options)
    moments = None
    if game.moment_weight:
        reduce = execution.mean_over_processes if n_ranks > 1 else None
        moments = MomentMatching(game.moment_weight, mean_over_processes=reduce)
    context = TrainingContext(
        state, game, execution, *forwards,
        generator_stepper=Stepper(state.g_optimizer, device, game.autocast_dtype),
        discriminator_stepper=Stepper(state.d_optimizer, device, game.autocast_dtype),
        autocast=autocast_context(device, game.autocast_dtype), rng=rng, device=device, batch_size=batch_size,
        conditions=conditions, moments=moments, privacy=privacy,
    )
    poisson = None if privacy is None else (True if y is None else privacy.class_frequencies)
    source = BatchSource(X, drawn, n_d_steps, game.latent_dim, game.noise, execution, rng, y=y, conditions=conditions,
                         poisson=poisson)
    trainer = steps(context)
    trainer.setup()
    try:
        return _run_epochs(state, context, trainer, source, epochs, callbacks, result, n_g_steps)
    finally:
        trainer.teardown()


def _run_epochs(state, context, trainer, source, epochs, callbacks, result, n_g_steps):
    """The epochs of :func:`train_gan`: its steps, records, events, and stops (diverged, asked, interrupted)."""
    execution, device, d_steps, n_d_steps = context.execution, context.device, context.game.d_steps, source.n_steps
    forwards = (context.generator_forward, context.discriminator_forward, context.judge)
    discriminator_step, generator_step = trainer.discriminator_step, trainer.generator_step
    discriminator_batch, generator_batch = source.discriminator_batch, source.generator_batch
    generator, average, hears_batches = state.generator, state.average, callbacks.hears_batches
    no_grad = torch.no_grad()
    last_good, spare = result.before, None  # spare: a snapshot no longer needed, whose tensors the next one reuses

    def train_mode(mode=True):  # the networks and the modules of their forward passes (which may be twins)
        state.train(mode)
        for module in forwards:
            module.train(mode)
    try:
        for epoch in epochs:
            start = time.perf_counter()
            train_mode()
            callbacks.on_epoch_begin(epoch)
            source.start_epoch(epoch)
            sums = torch.zeros(4, device=device)  # d_loss, D(x), D(G(z)), g_loss
            extra = {}  # any other values the steps return: key -> [sum, count]
            with execution.row_draws():  # a data-parallel step's dropout, penalty and Gumbel draws: its rows'
                for step in range(1, n_d_steps + 1):
                    losses = discriminator_step(discriminator_batch(step))
                    with no_grad:
                        sums[:3] += torch.stack([losses["d_loss"], losses["d_real"], losses["d_fake"]])
                        if len(losses) > 3:
                            _add_extra(extra, losses)
                    g_loss = None
                    if step % d_steps == 0:
                        g_losses = generator_step(generator_batch(step))
                        g_loss = g_losses["g_loss"]
                        with no_grad:
                            sums[3] += g_loss
                            if len(g_losses) > 1:
                                _add_extra(extra, g_losses)
                        if average is not None:
                            average.update(generator)
                    if hears_batches:
                        callbacks.on_batch_end(step, d_loss=losses["d_loss"], g_loss=g_loss)
            for optimizer in (state.g_optimizer, state.d_optimizer):
                if hasattr(optimizer, "on_epoch_end"):  # epoch-based schedules
                    optimizer.on_epoch_end()
            record = _epoch_record(epoch, sums, extra, execution, n_d_steps, n_g_steps)
            record["dur"] = time.perf_counter() - start
            if not (math.isfinite(record["d_loss"]) and math.isfinite(record["g_loss"])):
                state.restore(last_good)
                result.stop_reason, result.stopped_at_epoch = "diverged", epoch
                break
            completed = state.snapshot(into=spare)
            last_good, spare = completed, (None if last_good is result.before else last_good)
            result.n_epochs += 1
            train_mode(False)
            if execution.agree(callbacks.on_epoch_end(record)):  # rank 0's decision, on every rank
                break
    except KeyboardInterrupt:
        if execution.world_size > 1:  # the processes may be epochs apart: none keeps a part of the fit
            state.restore(result.before)
            raise
        state.restore(last_good)
        result.stop_reason = "interrupted"
        result.stopped_at_epoch = epochs[0] + result.n_epochs
    finally:
        train_mode(False)
    result.last_completed = last_good
    return result


def _add_extra(extra, losses):
    """Add the values of ``losses`` beyond the record's own keys to the epoch's ``extra`` sums."""
    for key, value in losses.items():
        if key in _RESERVED:
            raise ValueError(f"A training step returned {key!r}, a key the epoch's record sets itself.")
        if key not in _SUMMED:
            entry = extra.setdefault(key, [0.0, 0])
            entry[0] = entry[0] + value
            entry[1] += 1


def _epoch_record(epoch, sums, extra, execution, n_d_steps, n_g_steps):
    """The epoch's record of mean losses over its steps (and over the processes), without its duration."""
    if extra:  # one message: the loop's sums and the steps' other values
        totals = [torch.as_tensor(total, dtype=sums.dtype, device=sums.device).reshape(1) for total, _ in
                  extra.values()]
        sums = torch.cat([sums, *totals])
    d_loss, d_real, d_fake, g_loss, *others = execution.mean_over_processes(sums).tolist()
    record = {
        "epoch": epoch,
        "d_loss": d_loss / n_d_steps,
        "g_loss": g_loss / n_g_steps,
        "d_real": d_real / n_d_steps,
        "d_fake": d_fake / n_d_steps,
    }
    record.update((key, total / count) for (key, (_, count)), total in zip(extra.items(), others, strict=True))
    return record


def report_stop(result, n_before):
    """Warn about, or raise for, a training run that stopped early.

    ``n_before`` epochs were completed by earlier fits (warm start).
    """
    if result.stop_reason is None:
        return
    epoch = result.stopped_at_epoch
    if result.stop_reason == "diverged":
        if n_before + result.n_epochs == 0:
            raise ValueError(
                "Training diverged in the first epoch (non-finite loss). "
                "Try a lower learning_rate, scaled or standardised input, or "
                "a smaller network."
            )
        warnings.warn(
            f"Training diverged in epoch {epoch} (non-finite loss); stopped "
            f"and restored the weights of epoch {epoch - 1}. Try a lower "
            "learning_rate.",
            ConvergenceWarning,
            stacklevel=5,
        )
    elif result.n_epochs == 0:
        raise KeyboardInterrupt
    else:
        warnings.warn(
            f"Training interrupted in epoch {epoch}; kept the weights of the "
            f"{n_before + result.n_epochs} completed epoch(s).",
            UserWarning,
            stacklevel=5,
        )
