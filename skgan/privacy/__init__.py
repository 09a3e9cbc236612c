"""Differential privacy: private fits (:class:`DPSGD`) and the mechanisms that spend their budget.

``GANSampler(privacy=DPSGD(epsilon=3.0))`` trains a model whose fitted
state and generated rows are ``(epsilon, delta)``-differentially private
with respect to the training rows. The attacks that measure what rows
disclose are metrics: :func:`skgan.metrics.membership_inference` and
:func:`skgan.metrics.attribute_inference`.
"""

from ._dpsgd import DPSGD
from ._mechanisms import laplace_counts

__all__ = ["DPSGD", "laplace_counts"]
