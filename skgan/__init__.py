"""skgan: generative adversarial networks as scikit-learn estimators."""

from . import metrics
from ._sampler import GANSampler
from .augmentation import AugmentedEstimator, GANOversampler
from .losses import MinimaxLoss, NonSaturatingLoss
from .metrics import (
    ParzenEvaluation,
    ParzenScore,
    paper_parzen_evaluation,
    parzen_log_likelihood,
    parzen_score,
    select_bandwidth,
)
from .networks import Maxout, MaxoutDiscriminator, MLPDiscriminator, MLPGenerator
from .persistence import load

__version__ = "0.1.0.dev0"

__all__ = [
    "AugmentedEstimator",
    "GANOversampler",
    "GANSampler",
    "MLPDiscriminator",
    "MLPGenerator",
    "Maxout",
    "MaxoutDiscriminator",
    "MinimaxLoss",
    "NonSaturatingLoss",
    "ParzenEvaluation",
    "ParzenScore",
    "load",
    "metrics",
    "paper_parzen_evaluation",
    "parzen_log_likelihood",
    "parzen_score",
    "select_bandwidth",
]
