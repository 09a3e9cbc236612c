"""Parzen-window log-likelihood, the evaluation of Goodfellow et al. (2014).

A Gaussian kernel density estimate with bandwidth ``sigma`` is fitted to
generated samples and the log-likelihood of held-out data is reported under
it; ``sigma`` is chosen by maximising the mean log-likelihood on a validation
set. See I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
"""

# Layout: _checks (input checks), _parzen_engine (the blockwise computation
# and its private settings), _parzen (the public Parzen functions),
# _protocol (the paper's evaluation in one call). Each imports only the ones
# before it and skgan's own private helpers.

from ._parzen import PAPER_BANDWIDTHS as _PAPER_BANDWIDTHS
from ._parzen import (
    ParzenScore,
    mean_and_std_error,
    parzen_log_likelihood,
    parzen_log_likelihood_sweep,
    parzen_score,
    select_bandwidth,
)
from ._protocol import ParzenEvaluation, paper_parzen_evaluation

#: The bandwidth grid of the original evaluation script (``numpy.logspace(-1, 0, 10)``).
PAPER_BANDWIDTHS = _PAPER_BANDWIDTHS  # bound here so that the docs find its comment

__all__ = [
    "PAPER_BANDWIDTHS",
    "ParzenEvaluation",
    "ParzenScore",
    "mean_and_std_error",
    "paper_parzen_evaluation",
    "parzen_log_likelihood",
    "parzen_log_likelihood_sweep",
    "parzen_score",
    "select_bandwidth",
]
