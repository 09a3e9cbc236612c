"""Bad input never escapes as anything but a scikit-learn-style error."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import NotFittedError

ALLOWED = (ValueError, TypeError, NotFittedError)

values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, 1e308, -1e308, 1e-308, 5e-324]),
)
arrays = st.one_of(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=6), elements=values),
    hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
               elements=st.floats(width=32, allow_nan=True)),
    hnp.arrays(st.sampled_from([np.int8, np.int64, np.uint8, np.bool_, np.complex128]),
               hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6)),
    st.lists(st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), min_size=1, max_size=3),
             min_size=1, max_size=4),
)
fast = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def outcome(call):
    try:
        result = call()
    except ALLOWED:
        return "error"
    return result


@fast
@given(X=arrays, bandwidth=st.sampled_from(["cv", 0.5]))
def test_fit_and_score_on_arbitrary_input(X, bandwidth, tiny_sampler):
    gan = tiny_sampler(max_iter=1, n_parzen_samples=20, bandwidth=bandwidth)
    if outcome(lambda: gan.fit(X)) == "error":
        assert not hasattr(gan, "generator_")
        return
    sample = np.asarray(gan.sample(5))
    assert len(sample) == 5
    if sample.dtype.kind in "fc":  # numeric rows; rows of text (a table) come back as objects
        assert np.all(np.isfinite(sample))
    scores = outcome(lambda: gan.score_samples(X))
    assert isinstance(scores, str) or not np.isnan(scores).any()


@pytest.fixture(scope="module")
def fitted(tiny_sampler):
    return tiny_sampler(max_iter=1, n_parzen_samples=50).fit(np.random.RandomState(0).normal(size=(40, 3)))


@fast
@given(X=arrays)
def test_score_on_arbitrary_input(fitted, X):
    scores = outcome(lambda: fitted.score_samples(X))
    assert isinstance(scores, str) or (scores.shape == (len(X),) and not np.isnan(scores).any())


@fast
@given(n=st.one_of(st.integers(-5, 3000), st.floats(allow_nan=True), st.text(max_size=2), st.none(), st.booleans()),
       random_state=st.one_of(st.none(), st.integers(0, 2**32 - 1), st.integers(-3, -1), st.text(max_size=2)))
def test_sample_on_arbitrary_arguments(fitted, n, random_state):
    rows = outcome(lambda: fitted.sample(n, random_state=random_state))
    expected = 1 if n is None else n  # None: the default, one row
    assert isinstance(rows, str) or (rows.shape == (expected, 3) and np.isfinite(rows).all())


@pytest.mark.parametrize("method", ["sample", "score", "score_samples"])
def test_unfitted(method, tiny_sampler):
    with pytest.raises(NotFittedError):
        getattr(tiny_sampler(), method)(np.zeros((2, 3)))


def test_sparse_input_is_refused_clearly(tiny_sampler):
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="dense data is required"):
        tiny_sampler().fit(sparse.random(20, 3, density=0.5, format="csr", random_state=0))


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_during_fit_keeps_a_usable_model():
    script = textwrap.dedent(
        """
        import signal, sys
        # a shell ignores SIGINT in what it starts in the background, and the
        # child would inherit that: restore Python's Ctrl-C
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.modules["tqdm.auto"] = None  # one line per epoch on stdout
        import numpy as np
        from skgan import GANSampler, MLPDiscriminator, MLPGenerator
        X = np.random.RandomState(0).normal(size=(64, 3))
        gan = GANSampler(MLPGenerator((8,)), MLPDiscriminator((8,)), latent_dim=2, max_iter=100000,
                         batch_size=32, n_parzen_samples=50, random_state=0, verbose=1)
        gan.fit(X)
        print("fitted", gan.n_iter_, gan.sample(5).shape, np.isfinite(gan.sample(5)).all(), flush=True)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for line in proc.stdout:
            if line.startswith("Epoch 3/"):
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    fitted_line = [line for line in out.splitlines() if line.startswith("fitted")][0]
    n_iter = int(fitted_line.split()[1])
    assert n_iter >= 3 and fitted_line.endswith("(5, 3) True")
    assert "Training interrupted" in err
