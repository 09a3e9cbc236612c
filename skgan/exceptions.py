"""Exceptions that skgan raises beyond scikit-learn's own (``NotFittedError``, ``InvalidParameterError``).

It imports nothing from skgan, so every module may raise them.
"""

__all__ = ["InvalidModelFile"]


class InvalidModelFile(ValueError):
    """A model file, or plain values read back (``TabularEncoder.from_plain``), hold a value no fit writes.

    A ``ValueError``, so code that catches ``ValueError`` keeps working. The
    message names the file (when read from one) and the field, e.g.
    ``model.skgan is not a valid skgan model file: its bandwidth_ -1.0 is not
    a positive finite number.``

    Examples
    --------
    >>> import skgan
    >>> from skgan.exceptions import InvalidModelFile
    >>> issubclass(InvalidModelFile, ValueError)
    True
    """
