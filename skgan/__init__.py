"""skgan: generative adversarial networks as scikit-learn estimators."""

from . import callbacks, constraints, exceptions, losses, metrics, networks, preprocessing, training
from ._sampler import GANSampler
from ._training import GoodfellowSGD
from ._version import __version__ as __version__
from .augmentation import AugmentedEstimator, GANOversampler
from .losses import HingeLoss, LeastSquaresLoss, MinimaxLoss, NonSaturatingLoss, WassersteinGPLoss
from .metrics import (
    ParzenEvaluation,
    ParzenScore,
    evaluate,
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
from .persistence import load, save

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
    "callbacks",
    "constraints",
    "evaluate",
    "exceptions",
    "load",
    "losses",
    "metrics",
    "networks",
    "preprocessing",
    "save",
    "training",
    "paper_parzen_evaluation",
    "parzen_log_likelihood",
    "parzen_score",
    "select_bandwidth",
]
