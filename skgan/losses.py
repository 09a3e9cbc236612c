"""Adversarial objectives, written on discriminator logits.

With ``D(x) = sigmoid(l(x))`` the discriminator of Goodfellow et al. (2014),
Algorithm 1, ascends ``log D(x) + log(1 - D(G(z)))``; in logits
``-log D = softplus(-l)`` and ``-log(1 - D) = softplus(l)``, which stays
finite where ``D`` saturates at 0 or 1.

Each loss returns the quantity to *minimise*, averaged over the batch.
"""

import torch.nn.functional as F

__all__ = ["LOSSES", "MinimaxLoss", "NonSaturatingLoss"]


class MinimaxLoss:
    """The paper's minimax game: G descends ``log(1 - D(G(z)))``.

    Its generator gradient vanishes early in training, when D rejects the
    samples confidently; :class:`NonSaturatingLoss` is the paper's remedy.
    """

    def discriminator_loss(self, real_logits, fake_logits):
        """``-[log D(x) + log(1 - D(G(z)))]``, the binary cross-entropy."""
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()

    def generator_loss(self, fake_logits):
        """``log(1 - D(G(z)))``."""
        return -F.softplus(fake_logits).mean()


class NonSaturatingLoss(MinimaxLoss):
    """The paper's practical variant: G ascends ``log D(G(z))``.

    Same fixed point as the minimax game, strong gradients early on.
    """

    def generator_loss(self, fake_logits):
        """``-log D(G(z))``."""
        return F.softplus(-fake_logits).mean()


#: Losses selectable by name through ``GANSampler(loss=...)``.
LOSSES = {"minimax": MinimaxLoss, "nonsaturating": NonSaturatingLoss}
