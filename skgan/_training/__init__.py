"""Training: the adversarial loop, its callbacks' machinery, optimizers, weight averaging, precision and execution.

Private to skgan, but for :class:`TrainingSteps` and what its subclasses
work with (public as :mod:`skgan.training`). The estimator builds a
:class:`TrainingState` and a :class:`GameSettings`, and calls
:func:`train_gan` with a :class:`CallbackList`: the loop runs the epochs, a
:class:`BatchSource` draws each step's rows, noise and labels, and a
:class:`TrainingSteps` takes the discriminator's and the generator's steps;
:mod:`._execution` is the one place that decides how and where the loop runs.
"""

from ._auto import ARRAY_SETTINGS, AutoSettings, resolve_settings, table_settings
from ._averaging import ExponentialMovingAverage
from ._batches import Batch, BatchSource
from ._callbacks import CallbackList
from ._conditions import ConditionSampler
from ._execution import DataParallelExecution, LocalExecution, execution_for, local_execution
from ._loop import GameSettings, TrainingResult, TrainingState, report_stop, steps_per_epoch, train_gan
from ._moments import MomentMatching, table_moment_weight
from ._optim import OPTIMIZERS, GoodfellowSGD, make_optimizers, optimizer_settings
from ._precision import Stepper
from ._private import PrivacyPlan, PrivateSteps
from ._steps import TrainingContext, TrainingSteps

__all__ = [
    "ARRAY_SETTINGS",
    "OPTIMIZERS",
    "AutoSettings",
    "Batch",
    "BatchSource",
    "CallbackList",
    "ConditionSampler",
    "DataParallelExecution",
    "ExponentialMovingAverage",
    "GameSettings",
    "GoodfellowSGD",
    "LocalExecution",
    "MomentMatching",
    "PrivacyPlan",
    "PrivateSteps",
    "Stepper",
    "TrainingContext",
    "TrainingResult",
    "TrainingState",
    "TrainingSteps",
    "execution_for",
    "local_execution",
    "make_optimizers",
    "optimizer_settings",
    "report_stop",
    "resolve_settings",
    "steps_per_epoch",
    "table_moment_weight",
    "table_settings",
    "train_gan",
]
