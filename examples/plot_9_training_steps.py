"""
==========================
Replacing a training step
==========================

``GANSampler`` trains in epochs of minibatches: for each one the
discriminator takes a step, and after every ``d_steps`` of them the
generator. What a step does is the job of a
:class:`~skgan.training.TrainingSteps` object, and a subclass can change it
while the rest of the fit (epochs, minibatches and their random draws,
history, callbacks, early stopping, interrupts, saving) stays as it is. The
estimator is told to use it by a subclass of ``GANSampler`` whose
``training_steps`` method returns the class. This example clips the
discriminator's gradient norm and records it in the history, then replaces
the discriminator's whole step by one with one-sided label smoothing.
"""

# %%
# Clipping the discriminator's gradients
# --------------------------------------
# :meth:`~skgan.training.TrainingSteps.update_discriminator` turns the
# discriminator's loss into an optimizer step. The context's stepper takes it
# in parts, so that the gradients can be changed in between (``unscale``
# undoes float16's loss scaling first, and does nothing otherwise). A step
# may return more values than the loss: each one is averaged over the
# epoch's steps into the history, here the norm before clipping.

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.datasets import make_moons

from skgan import GANSampler, MLPDiscriminator, MLPGenerator
from skgan.training import TrainingSteps

FAST = False  # True: a short run, as the documentation build makes

# sphinx_gallery_start_ignore
import os  # noqa: E402

DOCS_FAST = os.environ.get("SKGAN_DOCS_FAST", "0")
FAST = FAST or DOCS_FAST not in ("", "0", "false", "False")
# sphinx_gallery_end_ignore
MAX_ITER = 3 if FAST else 150


class ClippedDiscriminator(TrainingSteps):
    """The discriminator's gradient norm clipped to ``max_norm``, and recorded."""

    max_norm = 0.25

    def update_discriminator(self, loss):
        stepper = self.context.discriminator_stepper
        stepper.backward(loss)
        stepper.unscale()
        parameters = self.context.discriminator.parameters()
        self.norm = torch.nn.utils.clip_grad_norm_(
            parameters, self.max_norm
        )  # the norm before clipping
        stepper.step()

    def discriminator_step(self, batch):
        losses = super().discriminator_step(batch)
        losses["d_grad_norm"] = self.norm
        return losses


class ClippedGAN(GANSampler):
    def training_steps(self):
        return ClippedDiscriminator


X, _ = make_moons(n_samples=1000, noise=0.05, random_state=0)
X_new, _ = make_moons(
    n_samples=200, noise=0.05, random_state=1
)  # rows none of the fits sees
settings = dict(
    generator=MLPGenerator((64, 64)),
    discriminator=MLPDiscriminator((64, 64)),
    latent_dim=8,
    max_iter=MAX_ITER,
    n_parzen_samples=2000,
    random_state=0,
)
clipped = ClippedGAN(**settings).fit(X)
norms = [record["d_grad_norm"] for record in clipped.history_]
print(
    "mean gradient norm before clipping: "
    f"first epoch {norms[0]:.2f}, last {norms[-1]:.2f}"
)

# %%
# A whole step of one's own: one-sided label smoothing
# ----------------------------------------------------
# :meth:`~skgan.training.TrainingSteps.discriminator_step` can also be
# replaced. With one-sided label smoothing (Salimans et al., 2016) the
# discriminator aims at 0.9 rather than 1 on real rows, which keeps it from
# growing overconfident. The step is given its
# :class:`~skgan.training.Batch` (the real rows, the noise and any labels,
# drawn by the loop in a fixed order from the fit's generator) and finds the
# rest in ``self.context``: the forward modules (the networks themselves, or
# their data-parallel wrappers), the autocast context of mixed precision,
# the optimizers' steppers. It returns the three values every history record
# holds, detached. (This short step leaves out what the default one adds
# for other settings: the loss's gradient penalty, and for tables the
# statistics of moment matching.)


class SmoothedLabels(TrainingSteps):
    """The discriminator's step of the non-saturating loss.

    Its targets on real rows are ``target`` instead of 1.
    """

    target = 0.9

    def discriminator_step(self, batch):
        context = self.context
        with context.autocast:
            with torch.no_grad():
                fake = context.generator_forward(batch.noise, *batch.labels)
            real_out = context.discriminator_forward(batch.real, *batch.labels).float()
            fake_out = context.discriminator_forward(fake, *batch.labels).float()
        d_loss = F.binary_cross_entropy_with_logits(
            real_out, torch.full_like(real_out, self.target)
        ) + F.binary_cross_entropy_with_logits(fake_out, torch.zeros_like(fake_out))
        self.update_discriminator(d_loss)
        return {
            "d_loss": d_loss.detach(),
            "d_real": torch.sigmoid(real_out.detach()).mean(),
            "d_fake": torch.sigmoid(fake_out.detach()).mean(),
        }


class SmoothedGAN(GANSampler):
    def training_steps(self):
        return SmoothedLabels


smoothed = SmoothedGAN(**settings).fit(X)
plain = GANSampler(**settings).fit(X)
for name, gan in (("plain", plain), ("clipped", clipped), ("smoothed", smoothed)):
    last = gan.history_[-1]
    print(
        f"{name:<9} D(x)={last['d_real']:.3f} D(G(z))={last['d_fake']:.3f} "
        f"log-likelihood of new rows {gan.score(X_new):.2f}"
    )

# %%
# The rows of each
# ----------------
# The steps change how the networks learn, not how the estimator is used:
# each fitted model samples, scores and saves like any other.
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharex=True, sharey=True)
fits = (("plain", plain), ("clipped D", clipped), ("smoothed labels", smoothed))
panels = [("real rows", X)] + [
    (name, gan.sample(1000, random_state=1)) for name, gan in fits
]
for ax, (title, rows) in zip(axes, panels, strict=True):
    ax.scatter(rows[:, 0], rows[:, 1], s=3, alpha=0.5)
    ax.set_title(title)
fig.tight_layout()
plt.show()
