"""The training steps of a fit, replaceable by a subclass.

:class:`~skgan.GANSampler` trains in epochs: the training loop draws each
step's real rows, noise and labels (a :class:`Batch`) and calls the steps of
a :class:`TrainingSteps`, built once per fit with a :class:`TrainingContext`
(the networks, their forward modules, optimizers, loss and settings). To
change what a step does (clip gradients, add noise to them for differential
privacy, smooth labels, take another schedule), subclass
:class:`TrainingSteps` and return the subclass from the ``training_steps``
method of a :class:`~skgan.GANSampler` subclass::

    class ClippedGAN(GANSampler):
        def training_steps(self):
            return ClippedDiscriminator

The loop itself (epochs, records, callbacks, divergence and interrupts, the
weight average, data-parallel execution) and the order of the random draws
stay the same.
"""

from ._training import Batch, TrainingContext, TrainingSteps

__all__ = ["Batch", "TrainingContext", "TrainingSteps"]
