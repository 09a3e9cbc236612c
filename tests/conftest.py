"""Fixtures shared by every test folder.

- ``X``: 120 rows of 3 numeric columns on very different scales (a fresh array per test).
- ``tiny_sampler``: the factory of a GANSampler small enough to fit in a fraction of a second;
  ``tiny_sampler(max_iter=1, ...)`` overrides its defaults.
- ``fitted_sampler``: ``tiny_sampler()`` fitted on ``X`` (a fresh fit per test).
- ``mixed_table``: a small DataFrame with float, integer, bool, ordered category and text
  columns and missing values.

Code that runs at collection time (``parametrize_with_checks([...])``,
``pytest.mark.parametrize``) cannot take fixtures: it imports
``make_tiny_sampler`` from tests/_factories.py, the function behind the
``tiny_sampler`` fixture.
"""

import numpy as np
import pytest

from ._factories import make_mixed_table, make_tiny_sampler


@pytest.fixture
def X():
    """120 rows of 3 numeric columns on very different scales."""
    rng = np.random.RandomState(0)
    return rng.normal(size=(120, 3)) * [1.0, 5.0, 0.1] + [0.0, 100.0, -3.0]


@pytest.fixture(scope="session")
def tiny_sampler():
    """``tiny_sampler(**params)``: an unfitted GANSampler with small networks, 3 epochs and a fixed seed."""
    return make_tiny_sampler


@pytest.fixture
def fitted_sampler(tiny_sampler, X):
    """``tiny_sampler()`` fitted on ``X``."""
    return tiny_sampler().fit(X)


@pytest.fixture(scope="module")
def mixed_table():
    """120 rows: float, integer (many and few values), bool, ordered category and text columns; NaN in ``mass``.

    Shared by the tests of a module (so that a module-scoped fit can use it): copy it before changing it in place.
    """
    pytest.importorskip("pandas")
    return make_mixed_table()
