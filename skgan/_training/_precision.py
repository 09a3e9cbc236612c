"""Mixed precision: autocast for the forward passes and loss scaling for float16."""

from contextlib import nullcontext

import torch


def autocast_context(device, dtype):
    """``torch.autocast`` for ``dtype`` on ``device``'s type, or a no-op context for None."""
    return nullcontext() if dtype is None else torch.autocast(device.type, dtype=dtype)


class Stepper:
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
