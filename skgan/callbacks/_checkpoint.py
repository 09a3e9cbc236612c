"""Saving the model during training."""

import os
from numbers import Integral

from sklearn.utils._param_validation import Interval

from ..persistence._api import check_can_save, save
from ._base import Callback
from ._monitor import Best, monitored_value


class Checkpoint(Callback):
    """Save the estimator with ``save`` during training: at its best epoch, or every N epochs.

    Each file is a complete model file that :func:`skgan.load` reads (the
    Parzen bandwidth is chosen before saving, as by any save), and
    is replaced atomically, so an interrupted run keeps the last checkpoint. Its attributes are set on the
    fitted clone in the estimator's ``callbacks_``.

    Parameters
    ----------
    path : str or path-like
        File to write. It may hold ``{epoch}``, which is replaced by the
        epoch number (one file per checkpoint).
    monitor : str, default=None
        Save when this key of the epoch's record reaches its best value so
        far (e.g. ``"val_score"``, which makes the estimator score held-out
        rows after each epoch).
    every : int, default=None
        Save every ``every`` epochs (counted over warm starts). With neither
        ``monitor`` nor ``every``, every epoch is saved.
    lower_is_better : bool, default=False
        For ``monitor``: True for a loss, False for a score.

    Attributes
    ----------
    saved_epochs_ : list of int
        Epochs saved during the last fit.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import skgan
    >>> from skgan.callbacks import Checkpoint
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "epoch{epoch}.skgan")
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = skgan.GANSampler(max_iter=4, n_parzen_samples=100, random_state=0,
    ...                        callbacks=[Checkpoint(path, every=2)]).fit(X)
    >>> gan.callbacks_[0].saved_epochs_
    [2, 4]
    >>> skgan.load(path.format(epoch=2)).n_iter_
    2
    >>> folder.cleanup()
    """

    _parameter_constraints = {
        "path": [str, os.PathLike],
        "monitor": [str, None],
        "every": [Interval(Integral, 1, None, closed="left"), None],
        "lower_is_better": ["boolean"],
    }

    def __init__(self, path, *, monitor=None, every=None, lower_is_better=False):
        self.path = path
        self.monitor = monitor
        self.every = every
        self.lower_is_better = lower_is_better

    def on_fit_begin(self, estimator, **kwargs):
        """Check the parameters, and that the estimator can be saved, before any epoch is spent."""
        self._validate_params()
        check_can_save(estimator)
        self._best = Best(self.lower_is_better)
        self.saved_epochs_ = []

    def on_epoch_end(self, estimator, record, **kwargs):
        """Save the estimator when this epoch is due."""
        epoch = record["epoch"]
        due = False
        if self.monitor is not None:
            due = self._best.update(monitored_value(self, record))
        if self.every is not None:
            due = due or epoch % self.every == 0
        elif self.monitor is None:
            due = True
        if due and kwargs.get("is_main_process", True):  # in a data-parallel fit, rank 0 writes
            kwargs["run"].complete_state()  # the fit so far as a loadable model: the bandwidth chosen
            save(estimator, os.fspath(self.path).format(epoch=epoch))
            self.saved_epochs_.append(epoch)
