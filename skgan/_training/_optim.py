"""Optimizers of the two networks, chosen by name or class."""

import copy

import torch


def optimizer_settings(optimizer, optimizer_kwargs, loss):
    """The optimizer class and its keyword arguments (without the learning rate).

    Adam's ``betas`` default to those of the loss (``(0.5, 0.999)`` as in
    DCGAN, ``(0.0, 0.9)`` for WGAN-GP); the user's ``optimizer_kwargs`` win.
    """
    if isinstance(optimizer, str):
        cls, defaults = OPTIMIZERS[optimizer]
        defaults = dict(defaults)
        if optimizer == "adam":
            defaults["betas"] = tuple(loss.default_adam_betas)
    else:
        if not (isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)):
            raise ValueError(
                f"optimizer must be one of {sorted(OPTIMIZERS)} or a torch.optim.Optimizer "
                f"subclass, got {optimizer!r}."
            )
        cls, defaults = optimizer, {}
    kwargs = {**defaults, **(optimizer_kwargs or {})}
    if "lr" in kwargs or "params" in kwargs:
        raise ValueError(
            "optimizer_kwargs cannot set 'lr' or 'params'; use learning_rate and "
            "discriminator_learning_rate."
        )
    return cls, kwargs


def make_optimizers(networks, learning_rates, cls, kwargs, states=None):
    """One optimizer per network; ``states`` (from an earlier fit) are resumed when compatible.

    A resumed optimizer keeps its moments but takes the current learning
    rate and keyword arguments.
    """
    optimizers = []
    for i, (network, lr) in enumerate(zip(networks, learning_rates, strict=True)):
        try:
            optimizer = cls(network.parameters(), lr=lr, **_fused_when_possible(cls, kwargs, network))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Cannot build the optimizer {cls.__name__} with {kwargs}: {exc}") from None
        state = None if states is None else states[i]
        if state is not None and set(state["param_groups"][0]) == set(optimizer.param_groups[0]):
            optimizer.load_state_dict(copy.deepcopy(state))  # the earlier fit's state stays intact
            for group in optimizer.param_groups:
                if "initial_lr" in group:  # a schedule: the learning rate is its starting point
                    group.update(initial_lr=lr, **kwargs)
                else:
                    group.update(lr=lr, **kwargs)
        optimizers.append(optimizer)
    return tuple(optimizers)


#: Optimizers with a fused implementation (one kernel for all parameters) on these devices.
_FUSED = (torch.optim.Adam, torch.optim.AdamW)
_FUSED_DEVICES = ("cpu", "cuda")


def _fused_when_possible(cls, kwargs, network):
    """``kwargs`` with ``fused=True`` for Adam on the CPU or a CUDA device, unless the user chose an implementation.

    The fused step computes the same update as the default one (per-parameter
    Python loops on the CPU) in one kernel: four times faster for a tabular
    GAN's networks, which on the CPU spent a tenth of every step in Adam.
    """
    if cls not in _FUSED or "fused" in kwargs or "foreach" in kwargs:
        return kwargs
    parameters = list(network.parameters())
    if not parameters or any(p.device.type not in _FUSED_DEVICES or not p.is_floating_point() for p in parameters):
        return kwargs
    return {**kwargs, "fused": True}


class GoodfellowSGD(torch.optim.SGD):
    """SGD with the schedule of the original GAN code (Goodfellow et al. 2014).

    The learning rate decays by ``1 / decay_factor`` after every step, down
    to ``min_lr``; the momentum rises linearly from ``momentum`` after the
    first epoch to ``final_momentum`` after ``saturate_epoch`` epochs. The
    paper's MNIST run used ``lr=0.1`` and minibatches of 100. The schedule
    lives in the parameter groups, so it resumes with a warm start.

    Selected with ``GANSampler(optimizer="goodfellow2014")``, whose
    ``learning_rate`` sets ``lr``.

    Parameters
    ----------
    params : iterable
        Parameters to optimize, as for :class:`torch.optim.SGD`.
    lr : float, default=0.1
        Initial learning rate.
    momentum : float, default=0.5
        Initial momentum.
    final_momentum : float, default=0.7
        Momentum reached after ``saturate_epoch`` epochs.
    saturate_epoch : int, default=250
        Epoch at which the momentum stops rising.
    decay_factor : float, default=1.000004
        The learning rate is divided by it after every step.
    min_lr : float, default=1e-6
        Floor of the learning rate.

    Examples
    --------
    >>> import torch
    >>> from skgan import GoodfellowSGD
    >>> weight = torch.nn.Parameter(torch.zeros(1))
    >>> optimizer = GoodfellowSGD([weight], lr=0.1, decay_factor=2.0)
    >>> weight.grad = torch.ones(1)
    >>> optimizer.step()
    >>> optimizer.param_groups[0]["lr"]
    0.05
    >>> from skgan import GANSampler
    >>> gan = GANSampler(optimizer="goodfellow2014", learning_rate=0.1, batch_size=100)
    """

    def __init__(self, params, lr=0.1, momentum=0.5, final_momentum=0.7, saturate_epoch=250,
                 decay_factor=1.000004, min_lr=1e-6):
        super().__init__(params, lr=lr, momentum=momentum)
        for group in self.param_groups:
            group.update(
                initial_lr=lr, initial_momentum=momentum, final_momentum=final_momentum,
                saturate_epoch=saturate_epoch, decay_factor=decay_factor, min_lr=min_lr, n_steps=0, n_epochs=0,
            )

    @torch.no_grad()
    def step(self, closure=None):
        """Take one SGD step, then decay the learning rate by ``decay_factor``."""
        loss = super().step(closure)
        for group in self.param_groups:
            group["n_steps"] += 1
            group["lr"] = max(group["min_lr"], group["initial_lr"] / group["decay_factor"] ** group["n_steps"])
        return loss

    def on_epoch_end(self):
        """Advance the momentum schedule by one epoch (the training loop calls it)."""
        for group in self.param_groups:
            group["n_epochs"] += 1
            progress = min(1.0, group["n_epochs"] / max(1, group["saturate_epoch"] - 1))
            group["momentum"] = group["initial_momentum"] + progress * (
                group["final_momentum"] - group["initial_momentum"]
            )


#: Optimizers selectable by name, with their default keyword arguments.
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "goodfellow2014": (GoodfellowSGD, {}),
}
