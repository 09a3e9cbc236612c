"""Numeric data: arrays and numeric DataFrames scaled to the generator's range, and a user's transformer's codes.

:class:`ArrayCodec` scales each feature to the generator's output range
(:class:`~skgan.preprocessing._scaling.AffineScaling`) and gives samples
back as float64 rows, or as a DataFrame with the columns and dtypes of a
numeric one (:class:`FrameShape`). A memory-mapped ``X`` is checked in
chunks and streamed (:mod:`skgan._streaming`). :class:`TransformerCodec`
fits a user's transformer and scales its codes; samples are decoded with
its ``inverse_transform``. Neither conditions on columns.
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._frames import is_frame
from .._streaming import StreamedRows, column_statistics, is_memory_mapped, streams
from ..exceptions import InvalidModelFile
from ..networks import output_range
from ..persistence._validators import column_label, float_tensor, float_vector, number, plain, short_repr
from ..preprocessing._scaling import AffineScaling, TransformedScaling, transformed_codes
from ..privacy._mechanisms import check_epsilon, private_range
from ._interface import DataCodec, check_networks_see_rows, network_sizes

#: The dtypes of a numeric DataFrame's columns (any other makes it a table).
FLOAT_DTYPES = ("float16", "float32", "float64")


def check_scalable(X):
    """A ValueError when the per-feature range or spread of ``X`` overflows float64.

    A memory-mapped ``X`` is read in chunks (:func:`skgan._streaming.column_statistics`,
    which also finds values that are not finite); only float64 values can
    overflow there.
    """
    if is_memory_mapped(X):
        low, high, _, std = column_statistics(StreamedRows(X), moments=X.dtype == np.float64)
        with np.errstate(over="ignore"):
            scalable = np.isfinite(high - low).all() and (std is None or np.isfinite(std).all())
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            scalable = np.isfinite(X.max(0) - X.min(0)).all() and np.isfinite(X.std(0)).all()
    if not scalable:
        raise ValueError("X has values too large to scale: their range overflows float64.")


def check_numeric_rows(estimator, X, y, reset, streamed):
    """``X`` as float64 (a ``streamed`` memory map as it is, checked in chunks), and ``y`` checked."""
    if is_frame(X) and X.shape[1] == 0:  # pandas' own error would speak of dtypes
        raise ValueError(f"Found a DataFrame with 0 columns (shape={X.shape}) while a minimum of 1 is required by "
                         "GANSampler.")
    checks = dict(dtype=[np.float64, np.float32], ensure_min_samples=2, reset=reset)
    if streamed:  # no float64 copy; values checked in chunks by check_scalable
        checks.update(dtype="numeric", ensure_all_finite=False)
    if y is None:
        X = validate_data(estimator, X, **checks)
    else:
        X, y = validate_data(estimator, X, y, **checks)
        check_classification_targets(y)
    if not streamed:
        if is_memory_mapped(X):  # rows for a transformer
            X = np.array(X)
        X = X.astype(np.float64, copy=False)
    check_scalable(X)
    return X, y


@dataclass
class FrameShape:
    """The columns and dtypes of a numeric DataFrame, to give generated rows back as one."""

    columns: list
    dtypes: list

    @classmethod
    def of(cls, X):
        return cls(list(X.columns), [str(dtype) for dtype in X.dtypes]) if is_frame(X) else None

    def to_frame(self, rows):
        import pandas as pd

        frame = pd.DataFrame(rows, columns=self.columns)
        return frame.astype(dict(zip(self.columns, self.dtypes, strict=True)))

    def to_plain(self):
        return {"columns": [column_label(c) for c in self.columns], "dtypes": list(self.dtypes)}

    @classmethod
    def from_plain(cls, values, n_features):
        if not isinstance(values, dict) or set(values) != {"columns", "dtypes"}:
            raise InvalidModelFile("its frame description is not a dict of columns and dtypes")
        columns, dtypes = values["columns"], values["dtypes"]
        if not (isinstance(columns, list) and isinstance(dtypes, list) and len(columns) == len(dtypes) == n_features):
            raise InvalidModelFile(f"its frame description does not have {n_features} columns and dtypes")
        if not all(dtype in FLOAT_DTYPES for dtype in dtypes):
            raise InvalidModelFile(f"its frame dtypes {short_repr(dtypes)} are not all float dtypes")
        return cls([column_label(c) for c in columns], dtypes)


class ArrayCodec(DataCodec):
    """Numeric arrays and numeric DataFrames (``frame``: the columns and dtypes samples come back with).

    ``bounds_``: after a private fit, each feature's private range (low and
    high rows), which the scaling maps onto the output range; the training
    rows are clipped into it. Not saved: the scaling is.
    """

    def __init__(self, frame=None, scaling=None):
        self.frame = frame
        self.scaling = scaling
        self.bounds_ = None
        self.n_features = None if scaling is None else len(scaling.center_)

    def check_fit_rows(self, estimator, X, y, reset):
        return check_numeric_rows(estimator, X, y, reset, streams(X))

    def fit(self, X_train, labelled, seed, verbose=0, X_seen=None, epsilon=None, delta=None):
        """The training rows as they are; with ``epsilon``, each feature's private range (``bounds_``).

        Each feature spends ``epsilon / n_features`` on its range
        (:func:`~skgan.privacy._mechanisms.private_range`, noise from
        ``numpy.random.default_rng(seed)``), which :meth:`fit_output` scales
        from and clips the rows into; ``X_seen`` is not read.
        """
        self.n_features = X_train.shape[1]
        self.bounds_ = None
        if epsilon is not None:
            epsilon = check_epsilon(epsilon)
            rng = np.random.default_rng(seed)
            self.bounds_ = np.array([private_range(values, epsilon / self.n_features, rng)
                                     for values in feature_values(X_train)]).T  # (2, n_features): low, high
        return X_train

    def network_sizes(self, settings, n_classes):
        return network_sizes(self.n_features, n_classes, settings["image_shape"])

    def fit_output(self, generator, codes, X_train):
        """The scaling from the rows' range (a private fit: from its private range, the rows clipped into it)."""
        bounds = getattr(self, "bounds_", None)
        if bounds is None:
            self.scaling = AffineScaling(output_range(generator)).fit(codes)
            return self.scaling.to_model(codes)
        self.scaling = AffineScaling(output_range(generator)).fit(bounds)  # min, max: the bounds; unbounded: centre
        clipped = ClippedScaling(self.scaling, bounds)
        return codes.scaled(clipped) if isinstance(codes, StreamedRows) else clipped.to_model(codes)

    def model_rows(self, X):
        bounds = getattr(self, "bounds_", None)
        return super().model_rows(X) if bounds is None else ClippedScaling(self.scaling, bounds).to_model(X)

    def check_rows(self, estimator, X):
        return validate_data(estimator, X, dtype=np.float64, reset=False), None

    def generate(self, draw, n_samples, seed, labels=None, conditions=None):
        if conditions is not None and (is_frame(conditions) or len(conditions)):
            raise ValueError("conditions apply to a GANSampler fitted on a table (a DataFrame with categories).")
        rows = draw(labels)
        return rows if self.frame is None else self.frame.to_frame(rows)

    def to_plain(self):
        values = {"scaling": scaling_to_plain(self.scaling)}
        if self.frame is not None:
            values["frame"] = self.frame.to_plain()
        return values

    @classmethod
    def from_plain(cls, plain_state, n_features):
        frame = FrameShape.from_plain(plain_state["frame"], n_features) if "frame" in plain_state else None
        return cls(frame, scaling_from_plain(plain_state["scaling"], n_features))


class TransformerCodec(ArrayCodec):
    """The codes of a user's transformer (a clone of ``transformer``, fitted on the training rows), scaled."""

    def __init__(self, transformer):
        super().__init__()
        self.transformer = transformer

    def check_fit_rows(self, estimator, X, y, reset):
        return check_numeric_rows(estimator, X, y, reset, streamed=False)

    def fit(self, X_train, labelled, seed, verbose=0, X_seen=None, epsilon=None, delta=None):
        if epsilon is not None:
            raise ValueError(
                f"A private fit (epsilon={epsilon!r}) cannot use a transformer: {short_repr(self.transformer)} "
                "learns from the real rows without differential privacy. Drop the transformer, or fit without "
                "privacy."
            )
        self.transformer = clone(self.transformer).fit(X_train)
        codes = transformed_codes(self.transformer, X_train)
        self.n_features = codes.shape[1]
        return codes

    def network_sizes(self, settings, n_classes):
        check_networks_see_rows(settings, "with a transformer")  # image_shape then only describes X, for plots
        return network_sizes(self.n_features, n_classes)

    def fit_output(self, generator, codes, X_train):
        scaling = AffineScaling(output_range(generator)).fit(codes)
        model_rows = scaling.to_model(codes)
        self.scaling = TransformedScaling(self.transformer, scaling, X_train)
        self.scaling.to_data(model_rows[:1])  # fails early on a wrong inverse
        return model_rows

    def to_plain(self):
        raise ValueError(
            f"skgan cannot save the fitted transformer {short_repr(self.transformer)} to its model file; "
            "use pickle or joblib for this estimator."
        )


class ClippedScaling:
    """Rows clipped into ``bounds`` (``(2, n_features)``: low, high), then mapped by ``scaling.to_model``."""

    def __init__(self, scaling, bounds):
        self.scaling, self.bounds = scaling, bounds

    def to_model(self, X):
        if isinstance(X, StreamedRows):
            return X.scaled(self)
        return self.scaling.to_model(np.clip(X, self.bounds[0], self.bounds[1]))


def feature_values(X):
    """Each feature's values of ``X`` (an array, or :class:`~skgan._streaming.StreamedRows`: one pass per feature)."""
    for j in range(X.shape[1]):
        if isinstance(X, StreamedRows):
            yield np.concatenate([block[:, j] for _, block in X.blocks()])
        else:
            yield np.asarray(X[:, j], dtype=np.float64)


def scaling_to_plain(scaling):
    """An :class:`AffineScaling` as plain values and float64 tensors."""
    if not isinstance(scaling, AffineScaling):
        raise ValueError("skgan cannot save a GANSampler fitted with a transformer; use pickle or joblib.")
    return {
        "output_range": plain(scaling.output_range, "output_range"),
        "center_": float_tensor(scaling.center_),
        "model_center_": float(scaling.model_center_),
        "data_per_model_": float_tensor(scaling.data_per_model_),
        "model_per_data_": float_tensor(scaling.model_per_data_),
    }


def scaling_from_plain(values, n_features):
    """The :class:`AffineScaling` of :func:`scaling_to_plain`'s values, every one checked."""
    if not isinstance(values, dict):
        raise InvalidModelFile("its scaling is not a dict")
    output_range = values["output_range"]
    if output_range is not None and not (
        isinstance(output_range, list) and len(output_range) == 2
        and all(isinstance(bound, Real) and np.isfinite(bound) for bound in output_range)
        and output_range[0] < output_range[1]
    ):
        raise InvalidModelFile(f"its output_range {short_repr(output_range)} is not two finite bounds, low first")
    scaling = AffineScaling(None if output_range is None else tuple(output_range))
    scaling.center_ = float_vector(values["center_"], "scaling centre", n_features)
    scaling.model_center_ = number(values, "model_center_")
    scaling.data_per_model_ = float_vector(values["data_per_model_"], "scaling factors", n_features)
    scaling.model_per_data_ = float_vector(values["model_per_data_"], "scaling factors", n_features)
    if not np.isfinite(scaling.model_center_):
        raise InvalidModelFile("its scaling centre is not finite")
    return scaling
