import numpy as np
import pytest


@pytest.fixture
def X():
    rng = np.random.RandomState(0)
    return rng.normal(size=(120, 3)) * [1.0, 5.0, 0.1] + [0.0, 100.0, -3.0]
