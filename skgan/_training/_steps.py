"""The two steps of the adversarial game, as a strategy a subclass can replace: :class:`TrainingSteps`.

The training loop (:func:`~skgan._training.train_gan`) runs the epochs, draws
each step's rows, noise and labels (:class:`~skgan._training.BatchSource`)
and keeps the epoch's record; what one discriminator step and one generator
step do with their :class:`~skgan._training.Batch` is :class:`TrainingSteps`'s.
It is built once per call of the loop with a :class:`TrainingContext`, the
things a step needs.
"""

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TrainingContext:
    """What a training step works with, for one call of the training loop.

    Attributes
    ----------
    state : TrainingState
        The networks, their optimizers and the generator's weight average
        (``state.g_optimizer``, ``state.d_optimizer``, ``state.average``).
    game : GameSettings
        The loss, the noise, ``d_steps``, the batch size, precision and
        compilation settings, the moment-matching weight.
    execution : LocalExecution or DataParallelExecution
        Where training runs: ``execution.world_size`` processes, of which
        this one is ``execution.is_main_process`` or not.
    generator_forward, discriminator_forward : torch.nn.Module
        The modules the forward passes run through: the networks
        themselves, or in a data-parallel execution their
        ``DistributedDataParallel`` wrappers (which average the gradients
        over the processes in the backward pass), ``torch.compile``'d with
        ``compile=``. They share their parameters with the networks.
    judge : torch.nn.Module
        The discriminator the generator's step runs its rows through (in a
        data-parallel execution without the wrapper: the discriminator's
        gradients of the generator's step are never used, so never averaged).
    generator_stepper, discriminator_stepper : Stepper
        One optimizer step of each network on a loss: ``stepper(loss)``, or
        ``stepper.backward(loss)``, ``stepper.unscale()`` (before changing
        the gradients) and ``stepper.step()``, with float16's loss scaling.
    autocast : context manager
        The context of the forward passes (``torch.autocast`` with
        ``autocast_dtype``, else a no-op).
    rng : torch.Generator or None
        The fit's generator on the device: draw from it (not from torch's
        global generator) to keep fits reproducible. It is seeded alike on
        every process of a data-parallel fit.
    device : torch.device
        The device of the training rows.
    batch_size : int
        The rows of one step on this process (those of all processes:
        ``batch_size * execution.world_size``).
    conditions : ConditionSampler or None
        Training-by-sampling's conditions (tables fitted without ``y``),
        whose ``penalty`` the generator's loss adds.
    moments : MomentMatching or None
        The moment-matching penalty (``game.moment_weight``): real
        minibatches are observed in the discriminator's step, the penalty is
        added to the generator's loss.
    privacy : PrivacyPlan or None
        A private fit's DP-SGD settings (sample rate, noise multiplier,
        clipping bound) and the count of steps taken; None otherwise.

    Examples
    --------
    A :class:`TrainingSteps` subclass reads its context once it is set up:

    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.training import TrainingSteps
    >>> class Announced(TrainingSteps):
    ...     def setup(self):
    ...         context = self.context
    ...         print(context.batch_size, context.execution.world_size, context.loss)
    >>> class AnnouncedGAN(GANSampler):
    ...     def training_steps(self):
    ...         return Announced
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = AnnouncedGAN(max_iter=1, batch_size=32, n_parzen_samples=100, random_state=0).fit(X)
    32 1 NonSaturatingLoss()
    """

    state: object
    game: object
    execution: object
    generator_forward: torch.nn.Module
    discriminator_forward: torch.nn.Module
    judge: torch.nn.Module
    generator_stepper: object
    discriminator_stepper: object
    autocast: object
    rng: torch.Generator
    device: torch.device
    batch_size: int
    conditions: object = None
    moments: object = None
    privacy: object = None

    @property
    def generator(self):
        """The generator network being trained."""
        return self.state.generator

    @property
    def discriminator(self):
        """The discriminator network being trained."""
        return self.state.discriminator

    @property
    def loss(self):
        """The adversarial loss (:mod:`skgan.losses`)."""
        return self.game.loss


class TrainingSteps:
    """The discriminator's and the generator's training steps; subclass it to change one.

    The training loop calls :meth:`discriminator_step` for each minibatch,
    and :meth:`generator_step` after every ``d_steps``-th of them, each with
    the :class:`Batch` of its random draws (rows, noise, labels, made in a
    fixed order from the fit's generator whatever the steps do with them).
    The default steps are those of Goodfellow et al. (2014, Algorithm 1),
    with the additions of a fit's settings: the loss's gradient penalty,
    training-by-sampling's and moment matching's penalties on the
    generator, mixed precision, compiled or data-parallel forward passes.

    To change a step, subclass ``TrainingSteps`` and override:

    - :meth:`update_discriminator` or :meth:`update_generator` to change how
      a loss becomes an optimizer step (clip the gradient norm, accumulate,
      change the learning rate on a schedule of your own);
    - :meth:`discriminator_step` or :meth:`generator_step` to replace a
      whole step (per-sample clipped and noised gradients for differential
      privacy, one-sided label smoothing, another loss), or to add values
      to its return;
    - :meth:`setup`, called once before the first step of each call of the
      training loop, when the forward modules exist (e.g. to register
      communication hooks on the ``DistributedDataParallel`` wrappers of a
      data-parallel fit).

    Then have the estimator use it: a subclass of
    :class:`~skgan.GANSampler` whose ``training_steps`` method returns the
    class (the class, not an instance: the loop builds one per call, with
    its context). It is not a parameter of the estimator, so saved models
    and clones are unchanged.

    Each step returns a dict of 0-d tensors, detached from the graph (the
    loop sums them on the device and reads them once per epoch):
    :meth:`discriminator_step` at least ``"d_loss"``, ``"d_real"`` and
    ``"d_fake"``, :meth:`generator_step` at least ``"g_loss"``. The epoch's
    history record holds their means over the epoch's steps (``d_real``
    and ``d_fake`` as the loss reports the discriminator's outputs:
    probabilities, or critic values); a non-finite ``d_loss`` or
    ``g_loss`` stops training with the last finite epoch's weights. Any
    other key is averaged over the steps that returned it into the record
    too (return it at every step, and on every process of a data-parallel
    fit; ``"epoch"`` and ``"dur"`` are the record's own). Random draws of a
    step (dropout, noise of its own) come from ``context.rng``; the loop
    updates the generator's weight average after each generator step. In a
    data-parallel fit each process takes the steps on its share of the
    batch, and the backward passes through the forward modules average the
    gradients over the processes.

    Parameters
    ----------
    context : TrainingContext
        What the steps work with: the networks, their forward modules, the
        optimizers' steppers, the loss and the game's settings, the
        conditions, moment matching, the fit's generator and the execution.

    Examples
    --------
    A discriminator whose gradient norm is clipped to 1, with the norm
    before clipping in the history:

    >>> import numpy as np
    >>> import torch
    >>> from skgan import GANSampler
    >>> from skgan.training import TrainingSteps
    >>> class ClippedDiscriminator(TrainingSteps):
    ...     def update_discriminator(self, loss):
    ...         stepper = self.context.discriminator_stepper
    ...         stepper.backward(loss)
    ...         stepper.unscale()
    ...         parameters = self.context.discriminator.parameters()
    ...         self.norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm=1.0)
    ...         stepper.step()
    ...     def discriminator_step(self, batch):
    ...         losses = super().discriminator_step(batch)
    ...         losses["d_grad_norm"] = self.norm
    ...         return losses
    >>> class ClippedGAN(GANSampler):
    ...     def training_steps(self):
    ...         return ClippedDiscriminator
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = ClippedGAN(max_iter=2, bandwidth=0.5, n_parzen_samples=100, random_state=0).fit(X)
    >>> sorted(gan.history_[-1])
    ['d_fake', 'd_grad_norm', 'd_loss', 'd_real', 'dur', 'epoch', 'g_loss']
    """

    def __init__(self, context):
        self.context = context

    def setup(self):
        """Prepare for training: called once per call of the training loop, before its first step (here: nothing)."""

    def teardown(self):
        """Undo what :meth:`setup` did: called once when the call of the training loop ends (here: nothing)."""

    def discriminator_step(self, batch):
        """One step of the discriminator on ``batch``'s real rows and rows generated from its noise.

        Parameters
        ----------
        batch : Batch
            The step's real rows, noise and labels.

        Returns
        -------
        losses : dict
            ``"d_loss"``: the discriminator's loss (without its penalty);
            ``"d_real"`` and ``"d_fake"``: the mean of the loss's report on
            the real and the generated rows (D(x) and D(G(z))). 0-d
            tensors, detached.
        """
        context = self.context
        loss, labels, real = context.game.loss, batch.labels, batch.real
        with context.autocast:
            with torch.no_grad():
                fake = context.generator_forward(batch.noise, *labels)
            real_out = context.discriminator_forward(real, *labels).float()
            fake_out = context.discriminator_forward(fake, *labels).float()
        if context.moments is not None:
            context.moments.observe(real, batch.condition)
        d_loss = loss.discriminator_loss(real_out, fake_out)
        penalty = loss.penalty(context.state.discriminator, real, fake.float(), labels)
        self.update_discriminator(d_loss if penalty is None else d_loss + penalty)
        return {
            "d_loss": d_loss.detach(),
            "d_real": loss.report(real_out.detach()).mean(),
            "d_fake": loss.report(fake_out.detach()).mean(),
        }

    def generator_step(self, batch):
        """One step of the generator on rows generated from ``batch``'s noise and labels.

        Its loss is the adversarial loss of the judged rows, plus the
        penalties of training-by-sampling and of moment matching when they
        are on.

        Parameters
        ----------
        batch : Batch
            The step's noise and labels (``batch.real`` is None).

        Returns
        -------
        losses : dict
            ``"g_loss"``: the generator's loss, penalties included (a 0-d
            tensor, detached).
        """
        context = self.context
        labels = batch.labels
        with context.autocast:
            fake = context.generator_forward(batch.noise, *labels)
            fake_out = context.judge(fake, *labels).float()
        g_loss = context.game.loss.generator_loss(fake_out)
        if context.conditions is not None:
            g_loss = g_loss + context.conditions.penalty(fake, batch.keys)
        if context.moments is not None:
            g_loss = g_loss + context.moments.penalty(fake, batch.condition)
        self.update_generator(g_loss)
        return {"g_loss": g_loss.detach()}

    def update_discriminator(self, loss):
        """Backpropagate the discriminator's ``loss`` and take one step of its optimizer."""
        self.context.discriminator_stepper(loss)

    def update_generator(self, loss):
        """Backpropagate the generator's ``loss`` and take one step of its optimizer."""
        self.context.generator_stepper(loss)
