"""Reading a monitored value from an epoch's record and telling whether it improved."""

import math


def monitored_value(callback, record):
    """``record[callback.monitor]`` as a float, or a clear error naming what the record holds."""
    try:
        value = record[callback.monitor]
    except KeyError:
        hint = (
            " 'val_score' is recorded when the held-out rows are scored: with early_stopping=True, "
            "or a callback that monitors 'val_score'."
        )
        raise ValueError(
            f"{type(callback).__name__} monitors {callback.monitor!r}, which the epoch's record lacks; "
            f"it holds {sorted(record)}." + (hint if callback.monitor == "val_score" else "")
        ) from None
    return float(value)


class Best:
    """The best value seen so far, higher or lower being better, with a margin ``tol``."""

    def __init__(self, lower_is_better=False, tol=0.0):
        self.sign = -1.0 if lower_is_better else 1.0
        self.tol = tol
        self.score = -math.inf

    def improves(self, value):
        """Whether ``value`` beats the best by more than ``tol``."""
        return self.sign * value > self.score + self.tol

    def update(self, value):
        """Record ``value``; True when it is the best so far (whatever the margin)."""
        if self.sign * value > self.score:
            self.score = self.sign * value
            return True
        return False

    @property
    def value(self):
        return None if math.isinf(self.score) else self.sign * self.score
