"""Adversarial objectives, written on the discriminator's raw outputs.

Every discriminator returns one unbounded number per row. For the
probabilistic losses of Goodfellow et al. (2014) it is a logit,
``D(x) = sigmoid(l(x))``, and in logits ``-log D = softplus(-l)`` and
``-log(1 - D) = softplus(l)``, which stay finite where ``D`` saturates.
For the other losses it is a score or a critic value used as it is.

A loss is a small scikit-learn parameter holder with two methods returning
the quantity to *minimise*, averaged over the batch:
``discriminator_loss(real_outputs, fake_outputs)`` and
``generator_loss(fake_outputs)``. It may add ``penalty(discriminator, real,
fake, labels)`` (a regulariser of the discriminator, such as the gradient
penalty of WGAN-GP) and declares the defaults that suit it:
``default_d_steps`` and ``default_adam_betas``.
"""

from numbers import Real

import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

from ._random import rand
from .networks._common import pack_size

__all__ = [
    "LOSSES",
    "AdversarialLoss",
    "HingeLoss",
    "LeastSquaresLoss",
    "MinimaxLoss",
    "NonSaturatingLoss",
    "WassersteinGPLoss",
]


class AdversarialLoss(BaseEstimator):
    """Base class of the adversarial objectives.

    Subclasses implement :meth:`discriminator_loss` and
    :meth:`generator_loss`; they may override :meth:`penalty` and the class
    attributes below.

    Attributes
    ----------
    default_d_steps : int
        Discriminator steps per generator step used when
        ``GANSampler(d_steps="auto")``.
    default_adam_betas : tuple of float
        Adam's ``betas`` used when the optimizer is ``"adam"`` and
        ``optimizer_kwargs`` does not set them.
    outputs_are_logits : bool
        Whether ``sigmoid(output)`` is the probability that a row is real;
        training history then records mean ``D(x)`` as a probability,
        otherwise as the raw output.

    Examples
    --------
    A loss of your own is a subclass; pass an instance as ``loss``:

    >>> import numpy as np
    >>> import torch.nn.functional as F
    >>> from skgan import GANSampler
    >>> from skgan.losses import AdversarialLoss
    >>> class SoftplusHinge(AdversarialLoss):
    ...     def discriminator_loss(self, real_outputs, fake_outputs):
    ...         return F.softplus(1 - real_outputs).mean() + F.softplus(1 + fake_outputs).mean()
    ...     def generator_loss(self, fake_outputs):
    ...         return -fake_outputs.mean()
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(loss=SoftplusHinge(), latent_dim=4, max_iter=2, n_parzen_samples=100,
    ...                  random_state=0).fit(X)
    >>> gan.sample(3).shape
    (3, 2)
    """

    _parameter_constraints: dict = {}

    default_d_steps = 1
    default_adam_betas = (0.5, 0.999)
    outputs_are_logits = False

    def discriminator_loss(self, real_outputs, fake_outputs):
        """The discriminator's loss to minimise, a scalar tensor.

        Parameters
        ----------
        real_outputs : torch.Tensor of shape (batch,)
            The discriminator's raw outputs on real rows.
        fake_outputs : torch.Tensor of shape (batch,)
            Its raw outputs on generated rows.

        Returns
        -------
        loss : torch.Tensor
            The batch mean.
        """
        raise NotImplementedError

    def generator_loss(self, fake_outputs):
        """The generator's loss to minimise, a scalar tensor.

        Parameters
        ----------
        fake_outputs : torch.Tensor of shape (batch,)
            The discriminator's raw outputs on generated rows.

        Returns
        -------
        loss : torch.Tensor
            The batch mean.
        """
        raise NotImplementedError

    def penalty(self, discriminator, real, fake, labels=()):
        """A regulariser added to the discriminator loss; ``None`` for none."""
        return None

    def report(self, outputs):
        """The per-row value recorded in ``history_`` as ``d_real``/``d_fake``."""
        return torch.sigmoid(outputs) if self.outputs_are_logits else outputs


class MinimaxLoss(AdversarialLoss):
    """The paper's minimax game: G descends ``log(1 - D(G(z)))``.

    D ascends ``log D(x) + log(1 - D(G(z)))`` (binary cross-entropy). The
    generator gradient vanishes early in training, when D rejects the
    samples confidently; :class:`NonSaturatingLoss` is the paper's remedy.

    Examples
    --------
    >>> import torch
    >>> from skgan import MinimaxLoss
    >>> loss = MinimaxLoss()
    >>> round(loss.discriminator_loss(torch.zeros(4), torch.zeros(4)).item(), 4)  # 2 log 2
    1.3863
    """

    outputs_are_logits = True

    def discriminator_loss(self, real_outputs, fake_outputs):
        """``-[log D(x) + log(1 - D(G(z)))]``, the binary cross-entropy."""
        return F.softplus(-real_outputs).mean() + F.softplus(fake_outputs).mean()

    def generator_loss(self, fake_outputs):
        """``log(1 - D(G(z)))``."""
        return -F.softplus(fake_outputs).mean()


class NonSaturatingLoss(MinimaxLoss):
    """The paper's practical variant: G ascends ``log D(G(z))``.

    Same fixed point as the minimax game, strong gradients early on.

    Examples
    --------
    >>> import torch
    >>> from skgan import NonSaturatingLoss
    >>> round(NonSaturatingLoss().generator_loss(torch.zeros(4)).item(), 4)  # log 2
    0.6931
    """

    def generator_loss(self, fake_outputs):
        """``-log D(G(z))``."""
        return F.softplus(-fake_outputs).mean()


class LeastSquaresLoss(AdversarialLoss):
    """Least-squares GAN (Mao et al. 2017) with targets 0 (fake) and 1 (real).

    D minimises ``((D(x) - 1)^2 + D(G(z))^2) / 2`` and G minimises
    ``(D(G(z)) - 1)^2 / 2``. The optimal D is
    ``p_data / (p_data + p_g)``, so ``D`` tends to 0.5 at equilibrium as
    with the paper's losses; its gradients do not saturate.

    Examples
    --------
    >>> import torch
    >>> from skgan import LeastSquaresLoss
    >>> LeastSquaresLoss().generator_loss(torch.tensor([1.0, 0.0])).item()
    0.25
    """

    def discriminator_loss(self, real_outputs, fake_outputs):
        """``((D(x) - 1)^2 + D(G(z))^2) / 2``."""
        return 0.5 * ((real_outputs - 1).square().mean() + fake_outputs.square().mean())

    def generator_loss(self, fake_outputs):
        """``(D(G(z)) - 1)^2 / 2``."""
        return 0.5 * (fake_outputs - 1).square().mean()


class HingeLoss(AdversarialLoss):
    """Hinge loss (Lim & Ye 2017; Miyato et al. 2018).

    D minimises ``relu(1 - D(x)) + relu(1 + D(G(z)))``, a margin on a raw
    score; G minimises ``-D(G(z))``.

    Examples
    --------
    >>> import torch
    >>> from skgan import HingeLoss
    >>> HingeLoss().discriminator_loss(torch.tensor([2.0]), torch.tensor([-2.0])).item()
    0.0
    """

    def discriminator_loss(self, real_outputs, fake_outputs):
        """``relu(1 - D(x)) + relu(1 + D(G(z)))``."""
        return F.relu(1 - real_outputs).mean() + F.relu(1 + fake_outputs).mean()

    def generator_loss(self, fake_outputs):
        """``-D(G(z))``."""
        return -fake_outputs.mean()


class WassersteinGPLoss(AdversarialLoss):
    """Wasserstein loss with gradient penalty (Gulrajani et al. 2017).

    The discriminator is a critic ``f`` (no sigmoid): it minimises
    ``f(G(z)) - f(x)`` plus ``gp_weight * (||grad f(x_hat)|| - 1)^2`` at
    random points ``x_hat`` between real and generated rows; G minimises
    ``-f(G(z))``. Its defaults follow the paper: 5 critic steps per
    generator step and Adam with ``betas=(0.0, 0.9)``. Batch normalisation
    in the critic breaks the per-row penalty; the default
    :class:`~skgan.MLPDiscriminator` has none.

    Parameters
    ----------
    gp_weight : float, default=10.0
        Weight of the gradient penalty (lambda in the paper).

    Examples
    --------
    >>> import torch
    >>> from skgan import WassersteinGPLoss
    >>> critic = torch.nn.Linear(3, 1, bias=False)
    >>> with torch.no_grad():
    ...     _ = critic.weight.fill_(2.0 / 3)  # gradient norm sqrt(3 * 4/9) = 2/sqrt(3)
    >>> x = torch.zeros(4, 3)
    >>> penalty = WassersteinGPLoss(gp_weight=1.0).penalty(critic, x, x)
    >>> round(penalty.item(), 6) == round((2 / 3**0.5 - 1) ** 2, 6)
    True
    """

    default_d_steps = 5
    default_adam_betas = (0.0, 0.9)

    _parameter_constraints = {"gp_weight": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, gp_weight=10.0):
        self.gp_weight = gp_weight

    def discriminator_loss(self, real_outputs, fake_outputs):
        """``f(G(z)) - f(x)``, minus the critic's estimate of the distance."""
        return fake_outputs.mean() - real_outputs.mean()

    def generator_loss(self, fake_outputs):
        """``-f(G(z))``."""
        return -fake_outputs.mean()

    def penalty(self, discriminator, real, fake, labels=()):
        """``gp_weight * mean((||grad f(x_hat)||_2 - 1)^2)``.

        The interpolation weights come from the fit's own generator during a
        fit, else from torch's global generator. A packing discriminator
        (PacGAN, a ``pac`` attribute above 1, which judges ``pac``
        consecutive rows at once) is penalised per pack, as in CTGAN: one
        interpolation weight per pack, and the norm of the gradient with
        respect to the whole pack.
        """
        if self.gp_weight == 0:
            return None
        pac = pack_size(discriminator)
        if real.shape[0] % pac:
            raise ValueError(
                f"The batch of {real.shape[0]} rows is not a multiple of pac={pac} (the discriminator's packs)."
            )
        n_mix = real.shape[0] // pac
        mix = rand(n_mix, *([1] * (real.dim() - 1)), device=real.device, dtype=real.dtype)
        if pac > 1:
            mix = mix.repeat_interleave(pac, dim=0)
        between = (mix * real.detach() + (1 - mix) * fake.detach()).requires_grad_(True)
        outputs = discriminator(between, *labels)
        (grad,) = torch.autograd.grad(outputs.sum(), between, create_graph=True)
        norms = grad.reshape(n_mix, -1).norm(2, dim=1)
        return self.gp_weight * (norms - 1).square().mean()


#: Losses selectable by name through ``GANSampler(loss=...)``.
LOSSES = {
    "minimax": MinimaxLoss,
    "nonsaturating": NonSaturatingLoss,
    "wasserstein-gp": WassersteinGPLoss,
    "hinge": HingeLoss,
    "least-squares": LeastSquaresLoss,
}


def resolve_loss(loss):
    """A loss object from a name or an :class:`AdversarialLoss` instance (a fresh copy)."""
    if isinstance(loss, str):
        return LOSSES[loss]()
    loss._validate_params()
    return loss
