"""Callbacks: code that runs during ``GANSampler.fit``, at the start and end of the fit, of each epoch and batch.

Pass them as ``GANSampler(callbacks=[...])``. Every fit also uses default
callbacks, configured by the estimator's parameters as shortcuts:
:class:`History` (always: it fills ``history_``), the held-out Parzen
validation score (with ``early_stopping=True`` or a callback that monitors
``"val_score"``), :class:`EarlyStopping` (``early_stopping=True``) and
:class:`ProgressBar` (``verbose > 0``). A callback of the same class in
``callbacks`` replaces the default one. Write your own by subclassing
:class:`Callback`.
"""

from ._base import Callback
from ._checkpoint import Checkpoint
from ._early_stopping import EarlyStopping
from ._logging import CSVLogger, History, ProgressBar

__all__ = ["CSVLogger", "Callback", "Checkpoint", "EarlyStopping", "History", "ProgressBar"]
