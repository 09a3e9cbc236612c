"""A private table fit's score encoding, derived from its private encoder: no further look at the rows.

A :class:`~skgan._codecs.TableCodec` fitted with ``epsilon`` has a
:class:`~skgan.preprocessing.TabularEncoder` whose statistics are DP
(:mod:`skgan.preprocessing._private_columns`); the space the Parzen score
is computed in follows from them alone (post-processing):

- a column the score encoding takes as categories keeps the encoder's
  kept values (and missing values when the encoder kept them) and one
  more category, :data:`~skgan.metrics._encoding.OTHER_LABEL`, for every
  other value: no row is unrepresentable;
- a column it takes as numbers is centred and scaled by the mean and
  standard deviation of the encoder's model of it: its quantile bins
  (uniform in each bin, weighted) or its kept values weighted by their
  noisy counts; every such column has a missing-value indicator.
"""

import numpy as np

from .._frames import is_frame, take_rows
from ..metrics._encoding import OTHER_LABEL, DistanceEncoding, is_categorical


def private_score_encoding(codec, X_train):
    """The :class:`DistanceEncoding` of a private table fit, from ``codec.encoder`` and ``X_train``'s schema only."""
    encoder = codec.encoder
    frame = codec._score_frame(take_rows(X_train, slice(0, 0)))  # no row: the columns and dtypes
    encoding = DistanceEncoding()
    encoding.is_frame_ = is_frame(X_train)
    encoding.columns_ = list(frame.columns)
    encoding.categorical_ = {label: is_categorical(frame[label]) for label in encoding.columns_}
    encoding.center_, encoding.scale_, encoding.has_missing_, encoding.categories_ = {}, {}, {}, {}
    counts = getattr(encoder, "noisy_counts_", {})
    for label, column in zip(encoder._labels, encoder._columns, strict=True):
        if encoding.categorical_[label]:
            labels = [str(value) for value in column.values] + ["<missing>"] * column.has_missing
            encoding.categories_[label] = list(dict.fromkeys(labels)) + [OTHER_LABEL]
            continue
        center, spread = _moments(column, counts.get(label))
        encoding.center_[label] = center
        encoding.scale_[label] = spread if spread > 0 else 1.0
        encoding.has_missing_[label] = True
    return encoding


def _moments(column, noisy):
    """The mean and standard deviation of a fitted column's model (a discrete column's values by ``noisy``)."""
    if column.kind in ("continuous", "integer"):
        base = float(column.low) if column.exact else 0.0
        means = column.means + base
        spreads = column.stds * 8 / np.sqrt(12)  # a bin's uniform spread: its width over sqrt(12)
        weights = column.weights / column.weights.sum()
    else:
        means = np.asarray(column.values, dtype=np.float64)
        weights = np.ones(1) if noisy is None else np.asarray(noisy[:len(means)], dtype=np.float64)
        weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(means), 1 / len(means))
        spreads = np.zeros(len(means))
    center = float(np.sum(weights * means))
    variance = float(np.sum(weights * (spreads**2 + (means - center) ** 2)))
    return center, float(np.sqrt(max(variance, 0.0)))
