"""One fit in progress (:class:`FitRun`) and its end: the bandwidth's choice, interrupts, ``on_fit_end``.

:func:`skgan._fit_plan.fit` makes one :class:`FitRun` per fit, once the
fitted state is attached; the callbacks hear it as ``run`` (the
:class:`~skgan.callbacks.Checkpoint` completes the fitted state through it
before saving). Nothing here outlives the fit.
"""

import warnings
from dataclasses import dataclass

import numpy as np

from ._training import TrainingState, report_stop
from .metrics import PAPER_BANDWIDTHS
from .metrics._checks import check_bandwidths


@dataclass
class FitRun:
    """What the steps of one fit share: the estimator, its training state and execution, the held-out rows.

    ``X_val`` are the held-out rows in the space of the Parzen score (None
    when none are held out), ``candidates`` the bandwidths to choose from,
    ``n_before`` the epochs of earlier fits (a warm start) and ``epochs``
    the numbers of this fit's epochs.
    """

    estimator: object
    training: TrainingState
    execution: object
    X_val: object
    candidates: np.ndarray
    n_before: int
    epochs: range

    def complete_state(self):
        """Make the estimator's fitted state complete mid-fit (optimizer state synced, bandwidth choice set up).

        What a checkpoint does before ``save`` (which chooses a pending
        bandwidth), so that the file is a loadable model of the epochs so far.
        """
        finish_fit(self.estimator, self.training, None, self.X_val, self.candidates,
                   now=self.execution.world_size > 1)


def chooses_bandwidth(bandwidth):
    """Whether the ``bandwidth`` parameter asks fit to choose among candidates."""
    return isinstance(bandwidth, str) or np.ndim(bandwidth) > 0


def bandwidth_before_choice(bandwidth, prior=None):
    """The bandwidth during a fit, before it is chosen: the fixed one, or the earlier fit's (``prior``)."""
    if not chooses_bandwidth(bandwidth):
        return float(bandwidth)
    return None if prior is None else prior.bandwidth


def bandwidth_candidates(bandwidth, span=None):
    """The bandwidths to choose from: the paper's grid scaled to ``span`` (a codec's ``score_span``), the user's,
    or the fixed one."""
    if isinstance(bandwidth, str):
        return PAPER_BANDWIDTHS * (span if span > 0 else 1.0)
    return check_bandwidths(bandwidth, name="bandwidth candidates")


def finish_fit(estimator, training, n_before, X_val, candidates, now=False):
    """The end of a fit: the fitted state up to date with training, the bandwidth fixed or its choice set up.

    ``n_before`` epochs came from earlier fits; the best held-out score is of
    this fit's epochs (None: leave it, as a checkpoint during fit does). A
    bandwidth to choose among ``candidates`` is chosen when first needed (a
    score, ``bandwidth_``, a save: :meth:`~skgan._fitted.FittedState.choose_bandwidth`),
    so a fit that is only sampled from never pays for it; ``now`` chooses it
    at once, as a data-parallel fit does (the choice is collective).
    """
    state = estimator._fitted
    state.sync(training)
    if n_before is not None:
        scores = [record["val_score"] for record in state.history[n_before:] if "val_score" in record]
        state.best_validation_score = max(scores) if scores else None
    if not chooses_bandwidth(estimator.bandwidth):
        state.set_bandwidth(float(estimator.bandwidth))
    else:
        state.leave_choice(X_val, candidates)
        if now:
            state.choose_bandwidth()


def run_training(run, callbacks, train):
    """The events of ``run`` around ``train()`` (a ``TrainingResult`` for ``run.epochs``) and its end.

    ``on_fit_begin``, training, ``on_train_end``, :func:`finish_fit`, and
    ``on_fit_end`` whether this returns or raises. A first KeyboardInterrupt
    during training stops it and keeps the completed epochs (an error when
    none completed); a first one after training (early stopping's restore,
    ``on_fit_end``) keeps them too, with the last completed epoch's weights
    and optimizer state when ``on_train_end`` was cut short, with a warning
    (the bandwidth's choice is left to the first score, as after any fit).
    A second KeyboardInterrupt
    propagates: the fit aborts, as a data-parallel fit does at the first (its
    processes may be epochs apart when interrupted).
    """
    estimator, training, n_before = run.estimator, run.training, run.n_before
    X_val, candidates = run.X_val, run.candidates
    error, interrupted = None, False
    try:
        callbacks.on_fit_begin(epochs=run.epochs)
        result = train()
        interrupted = result.stop_reason == "interrupted"
        report_stop(result, n_before=n_before)
        step = "on_train_end"
        try:
            callbacks.on_train_end()
            step = "finish"
            finish_fit(estimator, training, n_before, X_val, candidates, now=run.execution.world_size > 1)
        except KeyboardInterrupt:
            if run.execution.world_size > 1:
                training.restore(result.before)
                raise
            if interrupted:
                raise
            interrupted = True
            if step == "on_train_end":
                training.restore(result.last_completed)
            finish_fit(estimator, training, n_before, X_val, candidates)
            _warn_interrupted_end(estimator, step == "on_train_end")
    except BaseException as exc:
        error = exc
        raise
    finally:
        try:
            callbacks.on_fit_end(error=error)
        except KeyboardInterrupt:
            if error is not None or interrupted:
                raise
            warnings.warn("Interrupted at the end of the fit (on_fit_end); the fit is complete.", UserWarning,
                          stacklevel=4)


def _warn_interrupted_end(estimator, before_restore):
    state = estimator._fitted
    message = f"Interrupted after training; kept the {state.n_iter} completed epoch(s)"
    message += " and the weights of the last one." if before_restore else "."
    warnings.warn(message, UserWarning, stacklevel=5)


