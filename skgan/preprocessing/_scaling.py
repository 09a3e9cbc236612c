"""Maps between the user's units and the generator's output range: affine, or through a transformer's codes."""

import numpy as np
from scipy import sparse

from .._streaming import StreamedRows, column_statistics
from ._layout import OutputLayout


class AffineScaling:
    """Per-feature map ``x -> (x - center) / scale`` into the model's space.

    With ``output_range=(low, high)`` the training data's [min, max] maps
    onto [low, high]; with ``None`` (an unbounded output) it is
    standardised. A constant feature gets scale 0 in the inverse map, so
    every generated value of it comes back as exactly that constant.
    """

    def __init__(self, output_range):
        self.output_range = output_range

    @classmethod
    def identity(cls, n_features):
        """The scaling that leaves ``n_features`` columns as they are (a table's encoder already scaled them)."""
        scaling = cls((-1.0, 1.0))
        scaling.center_ = np.zeros(n_features)
        scaling.model_center_ = 0.0
        scaling.data_per_model_ = np.ones(n_features)
        scaling.model_per_data_ = np.ones(n_features)
        return scaling

    def fit(self, X):
        """Fit the map to the rows of ``X``: an array, or :class:`~skgan._streaming.StreamedRows` read in chunks.

        Streamed rows give the same minimum and maximum as the array in
        memory; their mean and standard deviation (an unbounded output) are
        summed by chunk, equal up to rounding.
        """
        standardise = self.output_range is None
        if isinstance(X, StreamedRows):
            data_min, data_max, mean, std = column_statistics(X, moments=standardise)
        elif standardise:
            data_min, data_max, mean, std = None, None, X.mean(0), X.std(0)
        else:
            data_min, data_max, mean, std = X.min(0), X.max(0), None, None
        if standardise:
            center, spread, model_center, model_spread = mean, std, 0.0, 1.0
        else:
            low, high = self.output_range
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
        """Data units -> model units; :class:`~skgan._streaming.StreamedRows` become rows mapped when read."""
        if isinstance(X, StreamedRows):
            return X.scaled(self)
        return (X - self.center_) * self.model_per_data_ + self.model_center_

    def to_data(self, Z, out=None):
        """Model units -> data units; ``out`` may be ``Z`` itself (float64)."""
        offset = self.center_ - self.model_center_ * self.data_per_model_
        out = np.multiply(Z, self.data_per_model_, out=out)
        out += offset
        return out

    @property
    def n_data_features(self):
        return len(self.center_)

    @property
    def output_layout(self):
        """Every model column is a continuous scalar."""
        return OutputLayout.continuous(len(self.center_))


class TransformedScaling:
    """The map through a fitted transformer: the model sees scaled codes.

    ``to_model`` is ``codes.to_model(transformer.transform(X))``; ``to_data``
    decodes with ``inverse_transform``. With a bounded ``codes.output_range``
    the decoded rows are clipped to the training range of each feature, as
    :class:`AffineScaling` keeps them there without a transformer.
    """

    def __init__(self, transformer, codes, X_train):
        self.transformer = transformer
        self.codes = codes
        self.n_data_features = X_train.shape[1]
        bounded = codes.output_range is not None
        self.low_, self.high_ = (X_train.min(0), X_train.max(0)) if bounded else (None, None)

    @property
    def output_layout(self):
        """The codes' layout: every code is a continuous scalar."""
        return self.codes.output_layout

    def to_model(self, X):
        return self.codes.to_model(transformed_codes(self.transformer, X))

    def to_data(self, Z, out=None):
        rows = self.transformer.inverse_transform(self.codes.to_data(np.asarray(Z, dtype=np.float64)))
        rows = np.asarray(rows, dtype=np.float64)
        name = type(self.transformer).__name__
        if rows.shape != (len(Z), self.n_data_features):
            raise ValueError(
                f"{name}.inverse_transform returned shape {rows.shape}; "
                f"expected {(len(Z), self.n_data_features)}, rows of the data the GANSampler was fitted on."
            )
        if not np.isfinite(rows).all():
            raise ValueError(f"{name}.inverse_transform returned NaN or infinite values.")
        if self.low_ is not None:
            np.clip(rows, self.low_, self.high_, out=rows)
        if out is None:
            return rows
        out[...] = rows
        return out


def transformed_codes(transformer, X):
    """``transformer.transform(X)`` as a finite float64 2-D array, or a clear error."""
    codes = transformer.transform(X)
    name = type(transformer).__name__
    if sparse.issparse(codes):
        raise ValueError(f"{name}.transform must return a dense array, got {type(codes).__name__}.")
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2 or codes.shape[0] != len(X) or codes.shape[1] < 1:
        raise ValueError(
            f"{name}.transform returned shape {codes.shape}; expected ({len(X)}, n_codes) with n_codes >= 1."
        )
    if not np.isfinite(codes).all():
        raise ValueError(f"{name}.transform returned NaN or infinite values.")
    return codes
