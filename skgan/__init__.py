"""skgan: generative adversarial networks as scikit-learn estimators."""

from . import losses, metrics, networks
from ._optim import GoodfellowSGD
from ._sampler import GANSampler
from .augmentation import AugmentedEstimator, GANOversampler
from .losses import HingeLoss, LeastSquaresLoss, MinimaxLoss, NonSaturatingLoss, WassersteinGPLoss
from .metrics import (
    ParzenEvaluation,
    ParzenScore,
    paper_parzen_evaluation,
    parzen_log_likelihood,
    parzen_score,
    select_bandwidth,
)
from .networks import (
    DCGANDiscriminator,
    DCGANGenerator,
    Maxout,
    MaxoutDiscriminator,
    MLPDiscriminator,
    MLPGenerator,
    ModuleFactory,
)
from .persistence import load

__version__ = "0.1.0.dev0"

__all__ = [
    "AugmentedEstimator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "GANOversampler",
    "GANSampler",
    "GoodfellowSGD",
    "HingeLoss",
    "LeastSquaresLoss",
    "MLPDiscriminator",
    "MLPGenerator",
    "Maxout",
    "MaxoutDiscriminator",
    "MinimaxLoss",
    "ModuleFactory",
    "NonSaturatingLoss",
    "ParzenEvaluation",
    "ParzenScore",
    "WassersteinGPLoss",
    "load",
    "losses",
    "metrics",
    "networks",
    "paper_parzen_evaluation",
    "parzen_log_likelihood",
    "parzen_score",
    "select_bandwidth",
]
