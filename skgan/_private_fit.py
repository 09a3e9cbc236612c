"""A private fit's share of the order of a fit (``privacy=DPSGD(...)``): its checks, budget and accounting.

:func:`skgan._fit_plan.fit` asks here whether the estimator's settings
leave a path from the real rows to the model that the budget does not
cover (:func:`check_private_fit`, a ValueError naming the conflict), how
the budget is split (:class:`PrivateBudget`), and for the DP-SGD plan of
the training loop; after training, what the fit spent.
"""

import numpy as np
import torch

from ._training import PrivacyPlan, steps_per_epoch
from .losses import AdversarialLoss
from .privacy._dpsgd import spent_epsilon
from .privacy._mechanisms import laplace_counts

__all__ = ["PrivateBudget", "check_private_fit"]


def _conflict(setting, why):
    return ValueError(f"privacy=DPSGD(...) cannot be combined with {setting}: {why}.")


def check_private_fit(estimator, loss, resume, world_size=1):
    """A ValueError for any setting that would let real rows reach the model outside the budget."""
    privacy = estimator.privacy.checked()
    if resume:
        raise _conflict("warm_start or partial_fit", "a private fit's budget is spent by the steps it planned; "
                        "each further step would spend more. Fit anew with the epochs you want")
    if estimator.transformer is not None:
        raise _conflict("a transformer", "it learns from the real rows outside the budget")
    if estimator.early_stopping or any(getattr(c, "monitor", None) == "val_score" for c in estimator.callbacks or []):
        raise _conflict("early stopping on val_score", "it scores held-out real rows at every epoch")
    if not isinstance(estimator.moment_weight, str) and estimator.moment_weight > 0:
        raise _conflict(f"moment_weight={estimator.moment_weight}",
                        "moment matching compares the generated rows with the real rows' moments")
    if type(loss).penalty is not AdversarialLoss.penalty:
        raise _conflict(f"the loss {type(loss).__name__}", "its gradient penalty mixes real and generated rows")
    if estimator.mixed_precision is not None or estimator.compile:
        raise _conflict("mixed_precision or compile", "each row's gradient is computed in float32, uncompiled")
    return privacy


class PrivateBudget:
    """The budget of one private fit on ``n_rows`` rows: its statistics' share, DP-SGD's plan, what was spent."""

    def __init__(self, privacy, n_rows, seed):
        self.privacy = privacy
        self.n_rows = n_rows
        self.statistics, self.sgd, self.delta = privacy.budget(n_rows)
        self.rng = np.random.default_rng(seed)
        self.plan = None

    def class_prior(self, y_idx, n_classes):
        """The class frequencies of the labels ``y_idx`` from counts with Laplace noise (half the statistics)."""
        counts = laplace_counts(np.bincount(y_idx, minlength=n_classes), self.statistics / 2, self.rng)
        counts = counts + 1e-12  # no class is impossible
        return counts / counts.sum()

    def codec_budget(self, labelled):
        """``{"epsilon": ..., "delta": ...}`` the codec spends: the statistics' epsilon (half of it when the labels
        took the other half), and half of delta (a value held by one row kept)."""
        return {"epsilon": self.statistics / 2 if labelled else self.statistics, "delta": self.delta / 2}

    def training_plan(self, batch_size, d_steps, discriminator, n_epochs, world_size, class_prior=None,
                      device=None):
        """The :class:`~skgan._training.PrivacyPlan` of ``n_epochs`` epochs, as the training loop will take them."""
        drawn, n_d_steps = steps_per_epoch(self.n_rows, batch_size, d_steps, world_size, discriminator)
        sample_rate = drawn / self.n_rows
        sigma = self.privacy.noise_multiplier(self.n_rows, drawn, n_epochs * n_d_steps)
        frequencies = None if class_prior is None else torch.as_tensor(class_prior, dtype=torch.float64,
                                                                       device=device)
        self.plan = PrivacyPlan(sample_rate, sigma, float(self.privacy.max_grad_norm), float(drawn), frequencies)
        return self.plan

    def spent(self):
        """``(epsilon, delta)`` spent: the statistics' share and the steps the training loop took."""
        plan = self.plan
        steps = 0 if plan is None else plan.steps_taken
        sgd = 0.0 if plan is None else spent_epsilon(self.privacy.accountant, plan.noise_multiplier,
                                                     plan.sample_rate, steps, self.delta / 2)
        return float(self.statistics + sgd), float(self.delta)
