"""Exponential moving average of a network's weights (the "G_ema" of GAN training)."""

import copy

import torch


def _tensors(module):
    """Parameters then buffers, in a fixed order."""
    return [*module.parameters(), *module.buffers()]


class ExponentialMovingAverage:
    """A copy of a module whose weights track an exponential moving average.

    After update ``t`` the copy is ``avg <- avg + (1 - d_t) * (source - avg)``
    with ``d_t = min(decay, (1 + t) / (10 + t))``: the first updates use a
    smaller decay so that the average soon forgets the initial weights (as
    TensorFlow's ``ExponentialMovingAverage`` with ``num_updates``).
    Floating-point buffers (batch-norm running statistics) are averaged the
    same way; integer buffers are copied. The copy stays in evaluation mode
    and never needs gradients.

    ``state_dict`` and ``load_state_dict`` cover the weights and the update
    count, so the training loop snapshots and restores it like a module.
    """

    def __init__(self, module, decay, n_updates=0):
        self.module = module
        self.decay = decay
        self.n_updates = n_updates

    @classmethod
    def of(cls, source, decay):
        """A new average starting at the weights of ``source``."""
        return cls(copy.deepcopy(source).eval().requires_grad_(False), decay)

    @torch.no_grad()
    def update(self, source):
        self.n_updates += 1
        t = self.n_updates
        weight = 1.0 - min(self.decay, (1.0 + t) / (10.0 + t))
        averaged, latest = [], []
        for avg, new in zip(_tensors(self.module), _tensors(source), strict=True):
            if avg.is_floating_point():
                averaged.append(avg)
                latest.append(new)
            else:
                avg.copy_(new)
        if averaged:
            torch._foreach_lerp_(averaged, latest, weight)  # one kernel launch per device

    def state_dict(self):
        return {"module": self.module.state_dict(), "n_updates": self.n_updates}

    def load_state_dict(self, state):
        self.module.load_state_dict(state["module"])
        self.n_updates = state["n_updates"]
