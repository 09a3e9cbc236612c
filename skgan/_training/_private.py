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


def _per_sample_module(discriminator):
    """The discriminator behind Opacus's per-sample gradient hooks, or a ValueError naming what it cannot handle."""
    from opacus.grad_sample import GradSampleModule

    if getattr(discriminator, "pac", 1) != 1:
        raise ValueError(
            "A private fit clips each row's gradient, which a PacGAN discriminator (pac > 1) does not have: "
            "use pac=1 with privacy."
        )
    try:
        return GradSampleModule(discriminator, batch_first=True, loss_reduction="sum", strict=True)
    except (NotImplementedError, ValueError) as exc:
        raise ValueError(
            "A private fit needs each row's gradient of the discriminator, which Opacus computes for layers "
            "such as Linear, Conv, LayerNorm and GroupNorm, not for batch norm (it mixes the rows of a batch) "
            f"or layers it does not know: {str(exc).strip()} Use MLPDiscriminator(batch_norm=False) or such "
            "layers."
        ) from None


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
        self.per_sample = _per_sample_module(self.context.discriminator)
        self.per_sample.disable_hooks()  # on only while the real rows pass
        self.parameters = [p for p in self.context.discriminator.parameters() if p.requires_grad]

    def teardown(self):
        self.per_sample._close()  # the discriminator without Opacus's hooks and per-sample gradients

    def discriminator_step(self, batch):
        context, plan, loss = self.context, self.plan, self.context.game.loss
        fake_labels = batch.labels if batch.fake_labels is None else batch.fake_labels
        discriminator, optimizer = context.discriminator, context.state.d_optimizer
        parameters = self.parameters
        with torch.no_grad():
            fake = context.generator_forward(batch.noise, *fake_labels)
        n_real = batch.real.shape[0]
        if n_real:
            self.per_sample.enable_hooks()  # on for the real rows' forward and backward passes only
            try:
                real_out = self.per_sample(batch.real, *batch.labels).float()
            finally:
                self.per_sample.disable_hooks()
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
        clipped = self._clipped_sum(real_out, d_real_out * n_real) if n_real else [torch.zeros_like(p)
                                                                                 for p in parameters]
        scale = context.execution.world_size / plan.expected_rows  # the real rows' part is summed over processes
        total = [g + s * scale for g, s in zip(total, self._noised(clipped), strict=True)]
        for p, g in zip(parameters, self._over_processes(total), strict=True):
            p.grad = g
        optimizer.step()
        plan.steps_taken += 1
        report = loss.report
        d_real = report(real_out.detach()).mean() if n_real else fake_out.new_zeros(())
        return {"d_loss": d_loss.detach(), "d_real": d_real, "d_fake": report(fake_out.detach()).mean()}

    def _clipped_sum(self, real_out, per_row):
        """The sum of the real rows' gradients (``per_row``: each row's loss gradient at its output), each
        clipped to ``max_grad_norm``."""
        parameters, bound = self.parameters, self.plan.max_grad_norm
        self.per_sample.enable_hooks()
        try:
            with _quiet_hooks():
                real_out.backward(per_row)
        finally:
            self.per_sample.disable_hooks()
        samples = [p.grad_sample for p in parameters]
        norms = torch.stack([g.reshape(g.shape[0], -1).norm(dim=1) for g in samples], dim=1).norm(dim=1)
        factors = (bound / (norms + 1e-6)).clamp(max=1.0)
        sums = [torch.tensordot(factors, g, dims=1) for g in samples]
        for p in parameters:
            p.grad_sample, p.grad = None, None
        return sums

    def _noised(self, sums):
        """The clipped sums with Gaussian noise, drawn from the fit's generator on the first process only."""
        context, plan = self.context, self.plan
        if not context.execution.is_main_process:
            return sums
        std = plan.noise_multiplier * plan.max_grad_norm
        return [s + std * torch.randn(s.shape, device=s.device, dtype=s.dtype, generator=context.rng) for s in sums]

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
