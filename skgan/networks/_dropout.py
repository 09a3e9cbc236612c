"""Dropout whose mask is drawn from uniforms, with the fit's own generator."""

from torch import nn

from .._random import generator_for, rand_like


class Dropout(nn.Dropout):
    """:class:`torch.nn.Dropout`, three times faster in training on the CPU, and reproducible in threads.

    torch draws a CPU dropout mask with a per-element Bernoulli sampler,
    which made dropout a quarter of a small MLP discriminator's training
    step. Drawing uniforms and keeping those ``>= p`` is the same Bernoulli
    mask at a third of the cost. During a fit the uniforms come from the
    fit's own generator, on every device, so a fit's masks never depend on
    other threads; outside a fit they come from torch's global generator,
    and on devices other than the CPU torch's own kernel runs. In place, or
    with ``p`` of 0 or 1, torch's own kernel runs.
    """

    def forward(self, input):
        if not self.training or self.inplace or not 0 < self.p < 1:
            return super().forward(input)
        generator = generator_for(input.device)
        if generator is None and input.device.type != "cpu":
            return super().forward(input)
        keep = rand_like(input, generator).ge_(self.p)  # 1.0 where kept, else 0.0
        return input * keep.mul_(1.0 / (1.0 - self.p))
