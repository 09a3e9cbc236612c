"""Optimizers of the two networks, chosen by name or class."""

import copy

import torch

#: Optimizers selectable by name, with their default keyword arguments.
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
    "rmsprop": (torch.optim.RMSprop, {}),
}


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
    for i, (network, lr) in enumerate(zip(networks, learning_rates)):
        try:
            optimizer = cls(network.parameters(), lr=lr, **kwargs)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Cannot build the optimizer {cls.__name__} with {kwargs}: {exc}") from None
        state = None if states is None else states[i]
        if state is not None and set(state["param_groups"][0]) == set(optimizer.param_groups[0]):
            optimizer.load_state_dict(copy.deepcopy(state))  # the earlier fit's state stays intact
            for group in optimizer.param_groups:
                group.update(lr=lr, **kwargs)
        optimizers.append(optimizer)
    return tuple(optimizers)
