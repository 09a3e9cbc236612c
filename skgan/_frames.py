"""Data frames without importing pandas: telling a DataFrame from an array, and taking rows of either.

The one home of these helpers (it imports nothing from skgan): the codecs,
the metrics, the encoders, the command line and the plots all ask here.
"""


def is_frame(X):
    """Whether ``X`` is a DataFrame (pandas, or anything with its ``columns`` and ``dtypes``)."""
    return hasattr(X, "columns") and hasattr(X, "dtypes")


def take_rows(X, indices):
    """Rows ``indices`` of an array or a DataFrame."""
    return X.iloc[indices] if is_frame(X) else X[indices]
