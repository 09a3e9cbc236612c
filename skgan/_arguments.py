"""Small checks and seeds shared by the whole package (it imports nothing from skgan)."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

#: Exclusive upper bound of the seeds skgan draws (torch and numpy accept them all).
MAX_SEED = np.iinfo(np.int32).max


def is_positive_int(value):
    """True for an integer (not a bool) of at least 1."""
    return not isinstance(value, bool) and isinstance(value, Integral) and value >= 1


def check_positive_int(value, name):
    """``value`` as an int, or a ValueError naming ``name``."""
    if not is_positive_int(value):
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def draw_seeds(random_state, n=None):
    """One seed (``n=None``) or an array of ``n`` seeds drawn from ``random_state``."""
    rng = check_random_state(random_state)
    if n is None:
        return int(rng.randint(MAX_SEED))
    return rng.randint(MAX_SEED, size=n)


def seed_of(random_state):
    """An int for ``random_state``: the int itself, or one drawn from a RandomState or None."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return draw_seeds(random_state)
