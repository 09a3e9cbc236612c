"""The held-out Parzen score after each epoch (a default callback; not public)."""

from ..metrics import parzen_log_likelihood_sweep
from ._base import Callback


def best_mean_log_likelihood(window, X_val, candidates, device):
    """The validation score: mean Parzen log-likelihood at the best candidate bandwidth."""
    return float(parzen_log_likelihood_sweep(X_val, window, candidates, device=device).mean(axis=1).max())


class ParzenValidation(Callback):
    """Adds ``val_score`` to each epoch's record: the held-out rows' mean Parzen log-likelihood.

    The window is the estimator's Parzen window drawn from the generator as
    it is at the end of the epoch, with the full ``n_parzen_samples``; the
    score is at the best of the candidate bandwidths.
    """

    def __init__(self, X_val=None, candidates=None):
        self.X_val = X_val
        self.candidates = candidates

    def on_epoch_end(self, estimator, record, **kwargs):
        window = estimator._fitted.parzen_window()
        record["val_score"] = best_mean_log_likelihood(window, self.X_val, self.candidates, estimator.device_)
