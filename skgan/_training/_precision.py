"""Mixed precision: autocast for the forward passes and loss scaling for float16."""

from contextlib import nullcontext

import torch


def autocast_context(device, dtype):
    """``torch.autocast`` for ``dtype`` on ``device``'s type, or a no-op context for None."""
    return nullcontext() if dtype is None else torch.autocast(device.type, dtype=dtype)


class Stepper:
    """One optimizer step on a loss: backward, then step (with loss scaling for float16).

    Calling it takes the whole step; :meth:`backward`, :meth:`unscale` and
    :meth:`step` take it in parts, so that a training step can change the
    gradients in between (e.g. clip them, after :meth:`unscale`).
    """

    def __init__(self, optimizer, device, autocast_dtype):
        self.optimizer = optimizer
        self.scaler = torch.amp.GradScaler(device.type) if autocast_dtype == torch.float16 else None

    def __call__(self, loss_value):
        self.backward(loss_value)
        self.step()

    def backward(self, loss_value):
        """Clear the gradients and backpropagate ``loss_value`` (scaled, with float16)."""
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is None:
            loss_value.backward()
        else:
            self.scaler.scale(loss_value).backward()

    def unscale(self):
        """Bring the gradients back to the loss's scale (no-op without float16 loss scaling), before changing them."""
        if self.scaler is not None:
            self.scaler.unscale_(self.optimizer)

    def step(self):
        """One step of the optimizer on the gradients (skipped by the scaler when they are not finite)."""
        if self.scaler is None:
            self.optimizer.step()
        else:
            self.scaler.step(self.optimizer)
            self.scaler.update()
