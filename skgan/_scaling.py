"""Affine scaling between the user's units and the generator's output range."""

import numpy as np


class AffineScaling:
    """Per-feature map ``x -> (x - center) / scale`` into the model's space.

    With ``output_range=(low, high)`` the training data's [min, max] maps
    onto [low, high]; with ``None`` (an unbounded output) it is
    standardised. A constant feature gets scale 0 in the inverse map, so
    every generated value of it comes back as exactly that constant.
    """

    def __init__(self, output_range):
        self.output_range = output_range

    def fit(self, X):
        if self.output_range is None:
            center, spread, model_center, model_spread = X.mean(0), X.std(0), 0.0, 1.0
        else:
            low, high = self.output_range
            data_min, data_max = X.min(0), X.max(0)
            center, spread = (data_min + data_max) / 2, (data_max - data_min) / 2
            model_center, model_spread = (low + high) / 2, (high - low) / 2
        self.center_ = np.asarray(center, dtype=np.float64)
        self.model_center_ = float(model_center)
        # model units per data unit and back; 0 where the feature is constant
        self.data_per_model_ = np.asarray(spread, dtype=np.float64) / model_spread
        constant = self.data_per_model_ == 0
        self.model_per_data_ = np.where(constant, 0.0, 1.0 / np.where(constant, 1.0, self.data_per_model_))
        return self

    def to_model(self, X):
        return (X - self.center_) * self.model_per_data_ + self.model_center_

    def to_data(self, Z, out=None):
        """Model units -> data units; ``out`` may be ``Z`` itself (float64)."""
        offset = self.center_ - self.model_center_ * self.data_per_model_
        out = np.multiply(Z, self.data_per_model_, out=out)
        out += offset
        return out
