"""The base class of training callbacks."""

from sklearn.base import BaseEstimator

from .._training._callbacks import noop


class Callback(BaseEstimator):
    """Base class of the objects that ``GANSampler(callbacks=[...])`` calls during fit.

    Subclass it and override the events you need; each receives the
    estimator being fitted and keyword arguments (accept ``**kwargs``: new
    ones may be added). In order, a fit sends:

    - ``on_fit_begin(estimator, epochs=range(...))``: the epochs this fit
      will number (they continue the count on a warm start).
    - ``on_epoch_begin(estimator, epoch)``.
    - ``on_batch_end(estimator, batch, d_loss=..., g_loss=...)``: after each
      discriminator step, with that step's losses as 0-d tensors on the
      device (``g_loss`` is None on steps without a generator step). Only
      callbacks that override it are called, so it costs nothing otherwise;
      reading a tensor's value (``float(d_loss)``) waits for the device.
    - ``on_epoch_end(estimator, record)``: after each completed epoch, with
      its history record (``epoch``, ``d_loss``, ``g_loss``, ``d_real``,
      ``d_fake``, ``dur``, and ``val_score`` when the held-out rows are
      scored), which a callback may extend. The networks are in evaluation
      mode, so ``estimator.sample(...)`` works here. **Return True to stop
      training**: the epochs completed so far, this one included, are kept.
    - ``on_train_end(estimator)``: after the last epoch; a callback may
      still change the networks' weights
      (:class:`EarlyStopping` restores the best epoch's here).
    - ``on_fit_end(estimator, error=None)``: when ``fit`` is done, and also
      when it fails or is interrupted (``error`` is then the exception);
      release files and displays here.

    The keyword argument ``training`` holds the networks, optimizers and
    weight average being trained (``training.snapshot()`` and
    ``training.restore(snapshot)`` copy and restore their weights and the
    optimizers' state). ``is_main_process`` is False on every process of a
    data-parallel fit but rank 0 (each process calls its callbacks, in the
    same order, and all see the same records): write files or print only
    when it is True.

    Callbacks are scikit-learn style objects: constructor parameters only,
    so they clone and pickle; state from a fit lives in attributes ending in
    ``_``. As ``fit`` leaves the estimator's parameters unchanged, it calls
    clones of ``callbacks``: the estimator's ``callbacks_[i]`` is the fitted
    clone of ``callbacks[i]``, with that state. A model saved with ``save``
    does not store its callbacks.

    Examples
    --------
    A callback that stops training after three epochs:

    >>> import numpy as np
    >>> from skgan import GANSampler
    >>> from skgan.callbacks import Callback
    >>> class StopAfter(Callback):
    ...     def __init__(self, n_epochs=3):
    ...         self.n_epochs = n_epochs
    ...     def on_epoch_end(self, estimator, record, **kwargs):
    ...         return record["epoch"] >= self.n_epochs
    >>> X = np.random.RandomState(0).normal(size=(100, 2))
    >>> gan = GANSampler(max_iter=50, bandwidth=0.5, n_parzen_samples=100, random_state=0,
    ...                  callbacks=[StopAfter(3)]).fit(X)
    >>> gan.n_iter_
    3
    """

    @noop
    def on_fit_begin(self, estimator, **kwargs):
        """Called once when fit starts, with ``epochs``, the range of epoch numbers to come."""

    @noop
    def on_epoch_begin(self, estimator, epoch, **kwargs):
        """Called before each epoch."""

    @noop
    def on_batch_end(self, estimator, batch, **kwargs):
        """Called after each discriminator step (only if a subclass overrides it)."""

    @noop
    def on_epoch_end(self, estimator, record, **kwargs):
        """Called after each completed epoch; return True to stop training."""

    @noop
    def on_train_end(self, estimator, **kwargs):
        """Called after the last epoch, before the fitted state takes the optimizer state."""

    @noop
    def on_fit_end(self, estimator, **kwargs):
        """Called when fit returns or raises (``error`` is then the exception)."""
