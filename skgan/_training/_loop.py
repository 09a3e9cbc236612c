"""The adversarial training loop: Algorithm 1 of Goodfellow et al. (2014)."""

import copy
import math
import time
import warnings
from dataclasses import dataclass

import torch
from sklearn.exceptions import ConvergenceWarning

from .._noise import sample_noise
from .._random import generator_for
from ..networks._common import pack_size
from ._callbacks import CallbackList
from ._execution import local_execution
from ._moments import MomentMatching
from ._precision import Stepper, autocast_context


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

    def snapshot(self):
        """A copy of the modules' weights (and the average's count) and the optimizers' state, for :meth:`restore`."""
        return [copy.deepcopy(part.state_dict()) for part in (*self.modules, *self.optimizers)]

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


def _real_batches(n_samples, batch_size, n_steps, device, generator=None):
    """Indices of ``n_steps`` minibatches from fresh permutations of the rows."""
    n_perms = -(-n_steps * batch_size // n_samples)
    order = torch.cat([torch.randperm(n_samples, device=device, generator=generator) for _ in range(n_perms)])
    return order[: n_steps * batch_size].view(n_steps, batch_size)


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


def train_gan(state, X, game, *, epochs, y=None, conditions=None, callbacks=None, execution=None):
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
    those of the generator's). Random draws (minibatches, noise, labels, and the
    networks' dropout and the loss's penalty) come from the active fit's
    generator on ``X``'s device (:func:`skgan._random.fit_random`), or from
    torch's global generator outside a fit.

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
    callbacks = CallbackList([]) if callbacks is None else callbacks
    execution = local_execution() if execution is None else execution
    loss, latent_dim, noise, d_steps = game.loss, game.latent_dim, game.noise, game.d_steps
    n_samples, device, n_ranks = X.shape[0], X.device, execution.world_size
    if n_samples < n_ranks:
        raise ValueError(f"A data-parallel fit on {n_ranks} processes needs at least {n_ranks} rows, got {n_samples}.")
    batch_size = packed_batch_size(min(game.batch_size, n_samples // n_ranks), state.discriminator)
    drawn = batch_size * n_ranks  # each step draws the minibatch of every process; this one keeps its share
    n_g_steps = -(-max(1, n_samples // drawn) // d_steps)
    n_d_steps = n_g_steps * d_steps
    result = TrainingResult()
    generator, discriminator, average = state.generator, state.discriminator, state.average
    last_good = result.before = state.snapshot()
    rng = generator_for(device)
    forwards = execution.forward_modules(generator, discriminator, game.compile_options)
    g_forward, d_forward, judge = forwards
    share = execution.share

    def train_mode(mode=True):  # the networks and the modules of their forward passes (which may be twins)
        state.train(mode)
        for module in forwards:
            module.train(mode)

    autocast = autocast_context(device, game.autocast_dtype)
    g_step = Stepper(state.g_optimizer, device, game.autocast_dtype)
    d_step = Stepper(state.d_optimizer, device, game.autocast_dtype)
    hears_batches = callbacks.hears_batches
    moments = None
    if game.moment_weight:
        reduce = execution.mean_over_processes if n_ranks > 1 else None
        moments = MomentMatching(game.moment_weight, mean_over_processes=reduce)
    n_classes = None if y is None else int(y.max()) + 1

    def condition_vectors(labels):  # the one-hot conditions of a minibatch's rows, or None
        if not labels:
            return None
        return labels[0] if conditions is not None else torch.nn.functional.one_hot(labels[0], n_classes)
    try:
        for epoch in epochs:
            start = time.perf_counter()
            train_mode()
            callbacks.on_epoch_begin(epoch)
            if conditions is None:
                batches = _real_batches(n_samples, drawn, n_d_steps, device, rng)
            else:  # each step draws its rows with its conditions
                batches = range(n_d_steps)
            sums = torch.zeros(4, device=device)  # d_loss, D(x), D(G(z)), g_loss
            with execution.row_draws():  # a data-parallel step's dropout, penalty and Gumbel draws: its rows'
                for step, rows in enumerate(batches, start=1):
                    if conditions is not None:
                        keys = conditions.draw(drawn, rng)
                        rows, keys = share(conditions.rows(keys, rng)), share(keys)
                        labels = (conditions.vectors(keys),)
                    else:
                        rows = share(rows)
                        labels = () if y is None else (y[rows],)
                    real = X[rows]
                    with autocast:
                        with torch.no_grad():
                            z = share(sample_noise(drawn, latent_dim, noise, generator=rng, device=device))
                            fake = g_forward(z, *labels)
                        real_out = d_forward(real, *labels).float()
                        fake_out = d_forward(fake, *labels).float()
                    if moments is not None:
                        moments.observe(real, condition_vectors(labels))
                    d_loss = loss.discriminator_loss(real_out, fake_out)
                    penalty = loss.penalty(discriminator, real, fake.float(), labels)
                    d_step(d_loss if penalty is None else d_loss + penalty)
                    sums[:3] += torch.stack(
                        [d_loss.detach(), loss.report(real_out.detach()).mean(), loss.report(fake_out.detach()).mean()]
                    )
                    g_loss = None
                    if step % d_steps == 0:
                        z = share(sample_noise(drawn, latent_dim, noise, generator=rng, device=device))
                        if conditions is not None:
                            keys = share(conditions.draw(drawn, rng))
                            labels = (conditions.vectors(keys),)
                        elif y is not None:
                            labels = (y[share(torch.randint(n_samples, (drawn,), device=device, generator=rng))],)
                        with autocast:
                            fake = g_forward(z, *labels)
                            fake_out = judge(fake, *labels).float()
                        g_loss = loss.generator_loss(fake_out)
                        if conditions is not None:
                            g_loss = g_loss + conditions.penalty(fake, keys)
                        if moments is not None:
                            g_loss = g_loss + moments.penalty(fake, condition_vectors(labels))
                        g_step(g_loss)
                        sums[3] += g_loss.detach()
                        if average is not None:
                            average.update(generator)
                    if hears_batches:
                        g_loss = None if g_loss is None else g_loss.detach()
                        callbacks.on_batch_end(step, d_loss=d_loss.detach(), g_loss=g_loss)
            for optimizer in (state.g_optimizer, state.d_optimizer):
                if hasattr(optimizer, "on_epoch_end"):  # epoch-based schedules
                    optimizer.on_epoch_end()
            d_loss, d_real, d_fake, g_loss = execution.mean_over_processes(sums).tolist()
            record = {
                "epoch": epoch,
                "d_loss": d_loss / n_d_steps,
                "g_loss": g_loss / n_g_steps,
                "d_real": d_real / n_d_steps,
                "d_fake": d_fake / n_d_steps,
                "dur": time.perf_counter() - start,
            }
            if not (math.isfinite(d_loss) and math.isfinite(g_loss)):
                state.restore(last_good)
                result.stop_reason, result.stopped_at_epoch = "diverged", epoch
                break
            last_good = state.snapshot()
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
