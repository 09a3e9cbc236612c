"""Calling a fit's callbacks: the events of :class:`skgan.callbacks.Callback`, in order."""


def _overrides(callback, method):
    """Whether ``callback``'s class defines ``method`` beyond the base class's no-op."""
    for cls in type(callback).__mro__:
        if method in vars(cls):
            return not getattr(vars(cls)[method], "_skgan_noop", False)
    return False


def noop(method):
    """Mark a base-class event as doing nothing, so the loop can skip it."""
    method._skgan_noop = True
    return method


class CallbackList:
    """Sends each event to every callback, in list order, with the estimator and the fit's context.

    ``context`` (keyword arguments, e.g. ``training=`` the
    :class:`~skgan._training.TrainingState`) is passed to every event.
    ``on_epoch_end`` returns True when any callback asked to stop; all
    callbacks still hear the event.
    """

    def __init__(self, callbacks, estimator=None, **context):
        self.callbacks = list(callbacks)
        self.estimator = estimator
        self.context = context
        self._batch_listeners = [cb for cb in self.callbacks if _overrides(cb, "on_batch_end")]

    @property
    def hears_batches(self):
        """Whether any callback listens to ``on_batch_end`` (the loop skips the call otherwise)."""
        return bool(self._batch_listeners)

    def _send(self, event, *args, callbacks=None, **kwargs):
        results = []
        for callback in self.callbacks if callbacks is None else callbacks:
            results.append(getattr(callback, event)(self.estimator, *args, **self.context, **kwargs))
        return results

    def on_fit_begin(self, **kwargs):
        self._send("on_fit_begin", **kwargs)

    def on_epoch_begin(self, epoch):
        self._send("on_epoch_begin", epoch)

    def on_batch_end(self, batch, **kwargs):
        self._send("on_batch_end", batch, callbacks=self._batch_listeners, **kwargs)

    def on_epoch_end(self, record):
        return any(bool(stop) for stop in self._send("on_epoch_end", record))

    def on_train_end(self):
        self._send("on_train_end")

    def on_fit_end(self, error=None):
        """Every callback hears it, even when an earlier one raises; the first error is raised after."""
        first = None
        for callback in self.callbacks:
            try:
                callback.on_fit_end(self.estimator, error=error, **self.context)
            except Exception as exc:
                first = first or exc
        if first is not None and error is None:
            raise first
