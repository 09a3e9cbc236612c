"""Encoding the user's rows for the networks, and decoding generated rows.

Every encoder maps rows in the user's units to the model's columns and back
(``to_model`` / ``to_data``), and describes the model's columns with an
:class:`OutputLayout`: which are continuous scalars and which form one
categorical block. Numeric data is scaled per feature to the generator's
output range; with ``GANSampler(transformer=...)`` the networks see the
transformer's codes.

:class:`TabularEncoder` encodes mixed-type tables (numbers, booleans,
categories, text, missing values) for the networks: mode-specific
normalisation of continuous columns and one-hot blocks, as in CTGAN, and
decodes generated rows back to the table's columns and dtypes.
"""

from ._layout import OutputBlock, OutputLayout
from ._tabular_encoder import TabularEncoder

__all__ = ["OutputBlock", "OutputLayout", "TabularEncoder"]
