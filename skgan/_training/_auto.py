"""What the ``"auto"`` training parameters stand for: per kind of data, from the number of training rows.

``GANSampler``'s ``max_iter``, ``batch_size``, ``learning_rate``,
``ema_decay`` and ``moment_weight`` default to ``"auto"``. A fit asks its
codec (:meth:`skgan._codecs.DataCodec.auto_settings`) what they stand for,
and the codec answers with :data:`ARRAY_SETTINGS` (numeric arrays and a
transformer's codes: the paper's settings, unchanged) or
:func:`table_settings` (mixed tables). A parameter the user sets wins over
its automatic value (:func:`resolve_settings`).
"""

import math
from dataclasses import dataclass, replace

from ._moments import table_moment_weight


@dataclass(frozen=True)
class AutoSettings:
    """The training settings that ``"auto"`` stands for (epochs, minibatch rows, step size, averaging, moments)."""

    max_iter: int
    batch_size: int
    learning_rate: float
    ema_decay: object  # float in [0, 1), or None: no weight average
    moment_weight: float


#: Numeric arrays and a transformer's codes: 100 epochs of 64 rows at Adam's DCGAN step size, no averaging.
ARRAY_SETTINGS = AutoSettings(max_iter=100, batch_size=64, learning_rate=2e-4, ema_decay=None, moment_weight=0.0)

#: A table's minibatch: large steps are cheap per row on a CPU (a 64-row step costs a third of a 512-row one).
TABLE_BATCH_SIZE = 512
#: A table's step size, five times the DCGAN setting: it goes with the large minibatch.
TABLE_LEARNING_RATE = 1e-3
#: The decay of a table's weight average: about the last hundred steps.
TABLE_EMA_DECAY = 0.99
#: The generator steps a table trains for, whatever its size (the epochs follow), and the fewest epochs.
TABLE_STEPS = 500
MIN_TABLE_EPOCHS = 1


def table_settings(n_rows):
    """The automatic settings of a table with ``n_rows`` training rows.

    A fixed number of training steps (:data:`TABLE_STEPS`) of minibatches
    of :data:`TABLE_BATCH_SIZE` rows (all rows when fewer), so a fit's cost
    does not grow with the table once it has a few thousand rows: the epochs
    are the steps over the steps of an epoch (``n_rows // batch_size``, at
    least one), rounded up. Chosen by the held-out two-sample AUC per CPU
    second on the anes96 and fair tables (600 and 4,000 rows; one thread):
    at about the CPU time of 1,000 steps of 64 rows, 300 steps of 512 rows
    at step size 1e-3 gave 0.74 and 0.64 against 0.87 and 0.72 (the tables
    guide has the measurements).
    """
    steps_per_epoch = max(1, int(n_rows) // TABLE_BATCH_SIZE)  # as the loop counts them (:func:`train_gan`)
    epochs = max(MIN_TABLE_EPOCHS, math.ceil(TABLE_STEPS / steps_per_epoch))
    return AutoSettings(max_iter=epochs, batch_size=TABLE_BATCH_SIZE, learning_rate=TABLE_LEARNING_RATE,
                        ema_decay=TABLE_EMA_DECAY, moment_weight=table_moment_weight(n_rows))


def resolve_settings(estimator, auto):
    """``auto`` (an :class:`AutoSettings`) with the estimator's parameters that are not ``"auto"`` in their place."""
    chosen = {name: getattr(estimator, name) for name in AutoSettings.__dataclass_fields__}
    return replace(auto, **{name: value for name, value in chosen.items() if not _is_auto(value)})


def _is_auto(value):
    return isinstance(value, str) and value == "auto"
