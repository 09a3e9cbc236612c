"""The Parzen-window side of GANSampler: the fixed window of generated rows, the scores and the bandwidth."""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted, validate_data

from ._fit_plan import chooses_bandwidth
from ._generation import generate_rows, prior_labels
from .metrics import mean_and_std_error, parzen_log_likelihood, select_bandwidth


class ParzenScoringMixin:
    """``score``, ``score_samples`` and ``parzen_score`` of a fitted generator's Parzen window.

    Reads the estimator's fitted state (``_fitted``): the generator, the
    scaling, the window's size and seed, the class frequencies.
    """

    def _choose_bandwidth(self, X_val, candidates):
        if not chooses_bandwidth(self.bandwidth):
            return float(self.bandwidth)
        return float(select_bandwidth(self._parzen_window(), X_val, candidates, device=self.device_))

    def _generate(self, n_samples, seed, labels=None):
        """``n_samples`` generated rows in the user's units, float64."""
        state = self._fitted
        return generate_rows(
            state.generator, state.scaling, torch.device(state.device), state.settings["latent_dim"],
            state.settings["noise"], n_samples, seed, labels,
        )

    def _parzen_window(self):
        """The fixed set of generated rows the Parzen estimate is built on.

        A conditional GAN's window draws its classes from the training
        frequencies, so the score is of the marginal density of X.
        """
        state = self._fitted
        n_window = state.settings["n_parzen_samples"]
        return self._generate(n_window, state.parzen_seed, prior_labels(state.class_prior, n_window, state.parzen_seed))

    def score_samples(self, X):
        """Parzen-window log-likelihood of each row of X.

        The window is ``n_parzen_samples`` generated rows, drawn with a seed
        fixed at fit, so a row's score never depends on the other rows or on
        the call.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            Log-likelihood of each row in nats; higher is better.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return parzen_log_likelihood(X, self._parzen_window(), self.bandwidth_, device=self.device_)

    def score(self, X, y=None):
        """Mean Parzen-window log-likelihood of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        score : float
            Mean log-likelihood in nats; higher is better.
        """
        return float(np.mean(self.score_samples(X)))

    def parzen_score(self, X):
        """Mean Parzen log-likelihood of X with its standard error.

        Parameters
        ----------
        X : array-like of shape (n_samples, ``n_features_in_``)
            Rows to score, in the units of the training data.

        Returns
        -------
        result : ParzenScore
            ``mean`` and ``std_error`` (population standard deviation over
            ``sqrt(n_samples)``, the paper's ± figure); prints as
            ``mean ± std_error``.
        """
        return mean_and_std_error(self.score_samples(X))
