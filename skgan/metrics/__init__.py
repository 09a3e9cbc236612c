"""Evaluating generated data: the paper's Parzen window, and what it cannot tell.

The Parzen-window log-likelihood is the evaluation of Goodfellow et al.
(2014): a Gaussian kernel density estimate with bandwidth ``sigma`` is
fitted to generated samples and the log-likelihood of held-out data is
reported under it; ``sigma`` is chosen by maximising the mean log-likelihood
on a validation set. See I. Goodfellow et al., "Generative Adversarial
Nets", NeurIPS 2014.

Beside it: two-sample tests (a classifier's AUC, the maximum mean
discrepancy), fidelity and coverage (precision, recall, density, coverage),
marginals and pairs of columns, utility for a downstream model
(train-synthetic-test-real) and privacy (distance to closest record, and
attacks: membership inference and attribute inference). They
take arrays or DataFrames; distance-based ones compare rows in one encoding
fitted on the real rows (standardised numerics, one-hot categories).
"""

# Layout: _checks (input checks), _parzen_engine (the blockwise computation
# and its private settings), _parzen (the public Parzen functions),
# _protocol (the paper's evaluation in one call); _encoding (the rows'
# encoding for distances), _neighbours (exact blockwise k-nearest
# neighbours), _fidelity, _privacy, _two_sample, _table_metrics and _attacks
# (the other families). Each imports only lower ones and skgan's own private helpers.

from ._attacks import AttributeInference, MembershipInference, attribute_inference, membership_inference
from ._fidelity import PRDC, precision_recall_density_coverage
from ._parzen import PAPER_BANDWIDTHS as _PAPER_BANDWIDTHS
from ._parzen import (
    ParzenScore,
    mean_and_std_error,
    parzen_log_likelihood,
    parzen_log_likelihood_sweep,
    parzen_score,
    select_bandwidth,
)
from ._privacy import DistanceToClosestRecord, distance_to_closest_record
from ._protocol import ParzenEvaluation, paper_parzen_evaluation
from ._report import EvaluationReport, evaluate
from ._table_metrics import TSTRScore, column_similarity, pairwise_similarity, train_synthetic_test_real
from ._two_sample import (
    C2STResult,
    MMDResult,
    classifier_two_sample_test,
    make_two_sample_scorer,
    maximum_mean_discrepancy,
)

#: The bandwidth grid of the original evaluation script (``numpy.logspace(-1, 0, 10)``).
PAPER_BANDWIDTHS = _PAPER_BANDWIDTHS  # bound here so that the docs find its comment

__all__ = [
    "PAPER_BANDWIDTHS",
    "PRDC",
    "AttributeInference",
    "C2STResult",
    "DistanceToClosestRecord",
    "EvaluationReport",
    "MMDResult",
    "MembershipInference",
    "ParzenEvaluation",
    "ParzenScore",
    "TSTRScore",
    "attribute_inference",
    "classifier_two_sample_test",
    "column_similarity",
    "distance_to_closest_record",
    "evaluate",
    "make_two_sample_scorer",
    "maximum_mean_discrepancy",
    "mean_and_std_error",
    "membership_inference",
    "paper_parzen_evaluation",
    "pairwise_similarity",
    "parzen_log_likelihood",
    "parzen_log_likelihood_sweep",
    "parzen_score",
    "precision_recall_density_coverage",
    "select_bandwidth",
    "train_synthetic_test_real",
]
