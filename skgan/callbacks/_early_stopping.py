"""Stopping when a monitored value stalls, and keeping the best epoch's weights."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval

from ._base import Callback
from ._monitor import Best, monitored_value


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving; keep the best epoch.

    As in scikit-learn's MLP: an epoch counts as no improvement unless its
    value beats the best by more than ``tol``; training stops after
    ``n_iter_no_change`` such epochs in a row. With ``restore_best``, the
    networks (and the weight average) of the best epoch are restored at the
    end of training, whatever the margin. ``GANSampler(early_stopping=True)``
    adds one of these, monitoring ``"val_score"`` with the estimator's
    ``n_iter_no_change`` and ``tol``. Its attributes are set on the
    fitted clone in the estimator's ``callbacks_``.

    Parameters
    ----------
    monitor : str, default="val_score"
        Key of the epoch's history record to watch. ``"val_score"``, the
        held-out Parzen log-likelihood, makes the estimator hold out
        ``validation_fraction`` of the rows and score them after each epoch.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    tol : float, default=1e-4
        Improvement that counts as progress.
    lower_is_better : bool, default=False
        True for a loss (``"d_loss"``), False for a score.
    restore_best : bool, default=True
        Restore the weights of the best epoch when training ends.

    Attributes
    ----------
    best_score_ : float or None
        Best monitored value of the last fit.
    best_epoch_ : int or None
        Epoch that reached it.
    stopped_epoch_ : int or None
        Epoch after which this callback stopped training; None if it did not.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.callbacks import EarlyStopping
    >>> X = np.random.RandomState(0).normal(size=(200, 2))
    >>> stopper = EarlyStopping(monitor="val_score", n_iter_no_change=2)
    >>> gan = GANSampler(max_iter=30, n_parzen_samples=200, random_state=0, callbacks=[stopper]).fit(X)
    >>> fitted = gan.callbacks_[0]
    >>> fitted.best_score_ == max(record["val_score"] for record in gan.history_)
    True
    >>> gan.n_iter_ == fitted.stopped_epoch_ == fitted.best_epoch_ + 2
    True
    """

    _parameter_constraints = {
        "monitor": [str],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "lower_is_better": ["boolean"],
        "restore_best": ["boolean"],
    }

    def __init__(self, monitor="val_score", *, n_iter_no_change=10, tol=1e-4, lower_is_better=False,
                 restore_best=True):
        self.monitor = monitor
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.lower_is_better = lower_is_better
        self.restore_best = restore_best

    def on_fit_begin(self, estimator, **kwargs):
        """Check the parameters and forget any earlier fit."""
        self._validate_params()
        self._best = Best(self.lower_is_better, self.tol)
        self._best_weights, self._n_no_change = None, 0
        self.best_score_ = self.best_epoch_ = self.stopped_epoch_ = None

    def on_epoch_end(self, estimator, record, training=None, **kwargs):
        """Compare the monitored value with the best; True (stop) after ``n_iter_no_change`` stalls."""
        value = monitored_value(self, record)
        self._n_no_change = 0 if self._best.improves(value) else self._n_no_change + 1
        if self._best.update(value):
            self.best_score_, self.best_epoch_ = value, record["epoch"]
            if self.restore_best and training is not None:
                self._best_weights = training.snapshot()
        if self._n_no_change >= self.n_iter_no_change:
            self.stopped_epoch_ = record["epoch"]
            return True
        return False

    def on_train_end(self, estimator, training=None, **kwargs):
        """Restore the best epoch's weights (with ``restore_best``)."""
        if self._best_weights is not None and training is not None:
            training.restore(self._best_weights)

    def on_fit_end(self, estimator, **kwargs):
        """Drop the copy of the best weights."""
        self._best_weights = None  # weights are not kept beyond the fit (nor pickled)
