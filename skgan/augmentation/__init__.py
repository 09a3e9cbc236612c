"""Data augmentation for imbalanced classification with a class-conditional GAN.

:class:`GANOversampler` is an over-sampler with imbalanced-learn's sampler
API (``fit_resample``): it trains a class-conditional
:class:`~skgan.GANSampler` on ``(X, y)`` and adds generated rows of the
classes to over-sample. It is a step of :class:`imblearn.pipeline.Pipeline`,
while imbalanced-learn stays optional: the sampling strategies are
implemented here, with imbalanced-learn's meanings and error messages.

:class:`AugmentedEstimator` needs no imbalanced-learn: it is a plain
scikit-learn meta-estimator that over-samples the training data inside
``fit`` and fits a clone of a classifier on it, so it works as the last step
of a :class:`sklearn.pipeline.Pipeline`, in ``cross_val_score`` and in
``GridSearchCV`` without ever generating rows from a validation fold.
"""

from ._augmented import AugmentedEstimator
from ._imblearn_compat import check_oversampling_strategy
from ._oversampler import GANOversampler

__all__ = ["AugmentedEstimator", "GANOversampler", "check_oversampling_strategy"]
