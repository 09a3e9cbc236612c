"""Differentially private training steps: DP-SGD on the discriminator (:class:`PrivateSteps`).

The discriminator is the only network whose gradients read real rows. Each
of its steps here takes the Poisson sample of rows the batch source drew
(each row with probability ``sample_rate``), computes each row's gradient
with Opacus's per-sample gradient hooks, clips it to ``max_grad_norm``,
adds Gaussian noise of standard deviation ``noise_multiplier *
max_grad_norm`` to the sum (once, on the first process of a data-parallel
fit, before the sum over processes) and divides by the expected number of
rows. The generated rows' part of the loss reads no real row: its gradient
is added as it is. The generator's steps read only the discriminator, so
they are post-processing and unchanged.
"""

import contextlib
import warnings
from dataclasses import dataclass, field

import torch

from ._per_row import row_clipper
from ._steps import TrainingSteps

__all__ = ["PrivacyPlan", "PrivateSteps"]


@dataclass
class PrivacyPlan:
    """The DP-SGD settings of one call of the training loop, and the steps it has taken.

    Attributes
    ----------
    sample_rate : float
        The probability of each row to be in a step's sample.
    noise_multiplier : float
        The noise's standard deviation over ``max_grad_norm``.
    max_grad_norm : float
        The bound of each row's gradient norm.
    expected_rows : float
        ``sample_rate`` times the rows: what the clipped sum is divided by.
    class_frequencies : tensor of shape (n_classes,) or None
        A class-conditional fit's private class frequencies, by which the
        generated rows' classes are drawn.
    steps_taken : int
        The discriminator steps taken (each spends budget, kept or not).
    """

    sample_rate: float
    noise_multiplier: float
    max_grad_norm: float
    expected_rows: float
    class_frequencies: object = None
    steps_taken: int = field(default=0)


class PrivateSteps(TrainingSteps):
    """:class:`~skgan.training.TrainingSteps` whose discriminator steps are DP-SGD's (``context.privacy``).

    The loop gives each discriminator step a Poisson sample of the rows
    (``batch.real``, of any size, empty included) with their own labels,
    and ``batch.fake_labels`` for the expected number of generated rows.
    A subclass may change what the steps return, never how the real rows'
    gradients are clipped and noised.
    """

    def setup(self):
        self.plan = self.context.privacy
        self.rows = row_clipper(self.context.discriminator)
        self.parameters = self.rows.parameters

    def teardown(self):
        self.rows.close()  # the discriminator without the hooks

    def discriminator_step(self, batch):
        context, plan, loss = self.context, self.plan, self.context.game.loss
        fake_labels = batch.labels if batch.fake_labels is None else batch.fake_labels
        discriminator, optimizer = context.discriminator, context.state.d_optimizer
        parameters = self.parameters
        with torch.no_grad():
            fake = context.generator_forward(batch.noise, *fake_labels)
        n_real = batch.real.shape[0]
        if n_real:
            real_out = self.rows(batch.real, *batch.labels).float()
            real_leaf = real_out.detach().requires_grad_(True)
        fake_out = discriminator(fake, *fake_labels).float()
        if not n_real:  # an empty sample: the generated rows' part alone (a loss is a mean over each kind of row)
            real_out = real_leaf = fake_out.new_zeros(1, requires_grad=True)
        d_loss = loss.discriminator_loss(real_leaf, fake_out)
        d_real_out, d_fake_out = torch.autograd.grad(d_loss, (real_leaf, fake_out))
        optimizer.zero_grad(set_to_none=True)
        with _quiet_hooks():
            fake_out.backward(d_fake_out)  # the generated rows' part: no real row in it
        total = [torch.zeros_like(p) if p.grad is None else p.grad for p in parameters]
        optimizer.zero_grad(set_to_none=True)
        if n_real:  # each row's loss gradient at its output: the mean's over the rows, times their number
            per_row = d_real_out * n_real
            if batch.real_weights is not None:  # a padding row's gradient is 0
                per_row = per_row * batch.real_weights.to(per_row.dtype).view_as(per_row)
            with _quiet_hooks():
                clipped = self.rows.clipped_sum(real_out, per_row, plan.max_grad_norm)
        else:
            clipped = [torch.zeros_like(p) for p in parameters]
        scale = context.execution.world_size / plan.expected_rows  # the real rows' part is summed over processes
        total = [g + s * scale for g, s in zip(total, self._noised(clipped), strict=True)]
        for p, g in zip(parameters, self._over_processes(total), strict=True):
            p.grad = g
        optimizer.step()
        plan.steps_taken += 1
        report = loss.report
        d_real = report(real_out.detach()).mean() if n_real else fake_out.new_zeros(())
        return {"d_loss": d_loss.detach(), "d_real": d_real, "d_fake": report(fake_out.detach()).mean()}

    def _noised(self, sums):
        """The clipped sums with Gaussian noise from the fit's generator, added on the first process only.

        Every process draws it, so that their generators stay alike and
        draw the same Poisson samples; the sum over processes has it once.
        """
        context, plan = self.context, self.plan
        std = plan.noise_multiplier * plan.max_grad_norm
        noise = [std * torch.randn(s.shape, device=s.device, dtype=s.dtype, generator=context.rng) for s in sums]
        if not context.execution.is_main_process:
            return sums
        return [s + n for s, n in zip(sums, noise, strict=True)]

    def _over_processes(self, grads):
        """The step's gradients summed over the processes of a data-parallel fit, else as they are.

        Each process holds the mean gradient of its generated rows plus
        its real rows' clipped sum (the first process's with the noise) over
        the expected rows; the mean over processes of the generated part,
        plus the sum of the real parts, is the step's gradient.
        """
        execution = self.context.execution
        world = execution.world_size
        if world == 1:
            return grads
        flat = execution.mean_over_processes(torch.cat([g.reshape(-1) for g in grads]))
        out, start = [], 0
        for g in grads:
            out.append(flat[start : start + g.numel()].view_as(g))
            start += g.numel()
        return out



@contextlib.contextmanager
def _quiet_hooks():
    """Without torch's note that Opacus's backward hooks fire on outputs (the inputs need no gradient here)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
        yield
