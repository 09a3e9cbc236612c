"""Data codecs: one per kind of data, behind one interface (:class:`DataCodec`).

Private to skgan. :func:`codec_for` is the one place that decides how a
fit reads its data: a table (:class:`TableCodec`), a user's transformer's
codes (:class:`TransformerCodec`) or numeric rows (:class:`ArrayCodec`);
:func:`codec_from_plain` rebuilds the same codec from a model file.
"""

from ._arrays import ArrayCodec, FrameShape, TransformerCodec, check_scalable
from ._interface import DataCodec, network_sizes
from ._table import TableCodec, is_table

__all__ = [
    "ArrayCodec",
    "DataCodec",
    "FrameShape",
    "TableCodec",
    "TransformerCodec",
    "check_scalable",
    "codec_for",
    "codec_from_plain",
    "is_table",
    "network_sizes",
]


def codec_for(X, encoder="auto", transformer=None, constraints=None):
    """The unfitted codec of a cold fit on ``X`` with the estimator's ``encoder``, ``transformer`` and ``constraints``.

    ``encoder="auto"`` encodes a table (a DataFrame with columns that are
    not float or with missing values, an array of text) unless a
    ``transformer`` is given; an encoder object always does (and cannot be
    combined with a transformer); ``encoder="scale"`` never does.
    Constraints (a list, even empty: None is none) make any DataFrame a table.
    """
    if constraints is not None:
        if transformer is not None or encoder == "scale":
            raise ValueError("constraints apply to a table: they cannot be combined with a transformer or "
                             "encoder='scale'.")
        return TableCodec("auto" if isinstance(encoder, str) else encoder, constraints=list(constraints))
    if not isinstance(encoder, str):
        if transformer is not None:
            raise ValueError("Give a transformer or a tabular encoder, not both: encoder='auto' with a transformer.")
        return TableCodec(encoder)
    if encoder == "auto" and transformer is None and is_table(X):
        return TableCodec(encoder)
    if transformer is not None:
        return TransformerCodec(transformer)
    return ArrayCodec(FrameShape.of(X))


def codec_from_plain(plain_state, n_features):
    """The fitted codec of a model file's fitted state (an InvalidModelFile for values a fit could not write)."""
    codec = TableCodec if "table" in plain_state else ArrayCodec
    return codec.from_plain(plain_state, n_features)
