"""The adversarial training loop: Algorithm 1 of Goodfellow et al. (2014)."""

import copy
import math
import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field

import torch
from sklearn.exceptions import ConvergenceWarning

from ._noise import sample_noise


@dataclass
class TrainingResult:
    """What :func:`train_gan` did: per-epoch history and why it stopped.

    ``stop_reason`` is ``None`` (all epochs ran), ``"diverged"`` (a
    non-finite loss; the weights of the last finite epoch were restored) or
    ``"interrupted"`` (KeyboardInterrupt; the weights after the last
    completed epoch were restored).
    """

    history: list = field(default_factory=list)
    stop_reason: str = None
    stopped_at_epoch: int = None


def stateful_modules(generator, discriminator, average=None):
    """What training changes, and so what a snapshot must cover."""
    return (generator, discriminator) + (() if average is None else (average,))


def _snapshot(*modules):
    return [copy.deepcopy(m.state_dict()) for m in modules]


def _restore(snapshot, *modules):
    for module, state in zip(modules, snapshot):
        module.load_state_dict(state)


def _real_batches(n_samples, batch_size, n_steps, device):
    """Indices of ``n_steps`` minibatches from fresh permutations of the rows."""
    n_perms = -(-n_steps * batch_size // n_samples)
    order = torch.cat([torch.randperm(n_samples, device=device) for _ in range(n_perms)])
    return order[: n_steps * batch_size].view(n_steps, batch_size)


def train_gan(
    generator,
    discriminator,
    X,
    *,
    loss,
    g_optimizer,
    d_optimizer,
    latent_dim,
    noise,
    d_steps,
    batch_size,
    max_iter,
    y=None,
    first_epoch=1,
    on_epoch_end=None,
    autocast_dtype=None,
    compile_options=None,
    average=None,
):
    """Train ``generator`` and ``discriminator`` on the rows of tensor ``X``.

    One epoch is one pass of the discriminator over the data in minibatches
    of ``batch_size`` (rounded up to a multiple of ``d_steps``): every
    ``d_steps`` discriminator steps are followed by one generator step, as
    in Algorithm 1 with ``k = d_steps``. Random draws come from torch's
    global generators, which the caller seeds.

    The losses are accumulated on the device and read once per epoch. A
    non-finite loss stops training with the last finite weights restored; a
    KeyboardInterrupt stops it with the weights of the last completed epoch.
    ``on_epoch_end(record)`` is called after each finite epoch with its
    history record, already appended to the history (it may extend it); a
    true return value stops training.

    ``autocast_dtype`` (``torch.bfloat16`` or ``torch.float16``) runs the
    forward passes under autocast (float16 with loss scaling); losses and the
    discriminator's penalty are computed in float32. ``compile_options``
    (a dict, possibly empty) trains through ``torch.compile``'d forward
    passes of both networks; the modules themselves stay uncompiled.
    ``average``, an ``ExponentialMovingAverage`` of the generator, is
    updated after every generator step and restored with the networks.
    """
    n_samples, device = X.shape[0], X.device
    batch_size = min(batch_size, n_samples)
    n_g_steps = -(-max(1, n_samples // batch_size) // d_steps)
    result = TrainingResult()
    modules = stateful_modules(generator, discriminator, average)
    last_good = _snapshot(*modules)
    g_forward, d_forward = generator, discriminator
    if compile_options is not None:
        g_forward = torch.compile(generator, **compile_options)
        d_forward = torch.compile(discriminator, **compile_options)
    autocast = nullcontext() if autocast_dtype is None else torch.autocast(device.type, dtype=autocast_dtype)
    g_step = _Stepper(g_optimizer, device, autocast_dtype)
    d_step = _Stepper(d_optimizer, device, autocast_dtype)
    generator.train()
    discriminator.train()
    try:
        for epoch in range(first_epoch, first_epoch + max_iter):
            start = time.perf_counter()
            batches = _real_batches(n_samples, batch_size, n_g_steps * d_steps, device)
            sums = torch.zeros(4, device=device)  # d_loss, D(x), D(G(z)), g_loss
            for step, rows in enumerate(batches, start=1):
                labels = () if y is None else (y[rows],)
                real = X[rows]
                with autocast:
                    with torch.no_grad():
                        fake = g_forward(sample_noise(batch_size, latent_dim, noise, device=device), *labels)
                    real_out = d_forward(real, *labels).float()
                    fake_out = d_forward(fake, *labels).float()
                d_loss = loss.discriminator_loss(real_out, fake_out)
                penalty = loss.penalty(discriminator, real, fake.float(), labels)
                d_step(d_loss if penalty is None else d_loss + penalty)
                sums[:3] += torch.stack(
                    [d_loss.detach(), loss.report(real_out.detach()).mean(), loss.report(fake_out.detach()).mean()]
                )
                if step % d_steps == 0:
                    z = sample_noise(batch_size, latent_dim, noise, device=device)
                    if y is not None:
                        labels = (y[torch.randint(n_samples, (batch_size,), device=device)],)
                    with autocast:
                        fake_out = d_forward(g_forward(z, *labels), *labels).float()
                    g_loss = loss.generator_loss(fake_out)
                    g_step(g_loss)
                    sums[3] += g_loss.detach()
                    if average is not None:
                        average.update(generator)
            for optimizer in (g_optimizer, d_optimizer):
                if hasattr(optimizer, "on_epoch_end"):  # epoch-based schedules
                    optimizer.on_epoch_end()
            d_loss, d_real, d_fake, g_loss = sums.tolist()
            n_d_steps = n_g_steps * d_steps
            record = {
                "epoch": epoch,
                "d_loss": d_loss / n_d_steps,
                "g_loss": g_loss / n_g_steps,
                "d_real": d_real / n_d_steps,
                "d_fake": d_fake / n_d_steps,
                "dur": time.perf_counter() - start,
            }
            if not (math.isfinite(d_loss) and math.isfinite(g_loss)):
                _restore(last_good, *modules)
                result.stop_reason, result.stopped_at_epoch = "diverged", epoch
                break
            last_good = _snapshot(*modules)
            result.history.append(record)
            if on_epoch_end is not None and on_epoch_end(record):
                break
    except KeyboardInterrupt:
        _restore(last_good, *modules)
        result.stop_reason = "interrupted"
        result.stopped_at_epoch = first_epoch + len(result.history)
    finally:
        generator.eval()
        discriminator.eval()
    return result


class _Stepper:
    """One optimizer step on a loss: backward, then step (with loss scaling for float16)."""

    def __init__(self, optimizer, device, autocast_dtype):
        self.optimizer = optimizer
        self.scaler = torch.amp.GradScaler(device.type) if autocast_dtype == torch.float16 else None

    def __call__(self, loss_value):
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is None:
            loss_value.backward()
            self.optimizer.step()
        else:
            self.scaler.scale(loss_value).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()


class EarlyStopping:
    """Stops when a validation score stalls; remembers the best weights.

    As in scikit-learn's MLP: an epoch counts as no improvement unless its
    score beats the best by more than ``tol``; training stops after
    ``n_iter_no_change`` such epochs in a row. The weights of the best
    epoch are kept whatever the margin.
    """

    def __init__(self, n_iter_no_change, tol):
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.best_score = -math.inf
        self.best_state = None
        self.n_no_change = 0

    def update(self, score, *modules):
        """Record an epoch's score; True when training should stop."""
        self.n_no_change = 0 if score > self.best_score + self.tol else self.n_no_change + 1
        if score > self.best_score:
            self.best_score = score
            self.best_state = _snapshot(*modules)
        return self.n_no_change >= self.n_iter_no_change

    def restore_best(self, *modules):
        if self.best_state is not None:
            _restore(self.best_state, *modules)


def report_stop(result, n_before):
    """Warn about, or raise for, a training run that stopped early.

    ``n_before`` epochs were completed by earlier fits (warm start).
    """
    if result.stop_reason is None:
        return
    epoch = result.stopped_at_epoch
    if result.stop_reason == "diverged":
        if n_before + len(result.history) == 0:
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
        )
    elif not result.history:
        raise KeyboardInterrupt
    else:
        warnings.warn(
            f"Training interrupted in epoch {epoch}; kept the weights of the "
            f"{n_before + len(result.history)} completed epoch(s).",
            UserWarning,
        )
