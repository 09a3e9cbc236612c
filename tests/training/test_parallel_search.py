"""Many fits in parallel: GridSearchCV on joblib's loky and threading backends and on a Dask cluster.

Each fit runs on its worker's share of the cores (torch's threads are
recorded from inside the fit, by a callback), the parent's threads are
restored afterwards, and the scores are those of ``n_jobs=1`` at the same
thread count.
"""

import os

import joblib
import numpy as np
import pytest
import torch
from dask.distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from skgan import GANSampler, MLPDiscriminator, MLPGenerator
from skgan._threads import _cpu_count
from skgan.callbacks import Callback

GRID = {"learning_rate": [1e-3, 1e-4], "latent_dim": [2, 3]}
SCORE_COLUMNS = ["params", "rank_test_score", "mean_test_score", "std_test_score", "split0_test_score",
                 "split1_test_score"]
RAISED = 3  # torch threads a worker was left with by an earlier task

pytestmark = pytest.mark.distributed  # every test starts the module's Dask cluster of worker processes


class ThreadProbe(Callback):
    """Records torch's threads in the fitting thread when fit begins (``threads_``)."""

    def on_fit_begin(self, estimator, **kwargs):
        self.threads_ = torch.get_num_threads()


class ThreadsRaisedSampler(GANSampler):
    """A GANSampler whose worker had raised torch's threads before the fit (a library, an earlier task)."""

    def fit(self, X, y=None):
        torch.set_num_threads(RAISED)
        return super().fit(X, y)


def parzen(estimator, X, y=None):
    return estimator.score(X)


def fit_threads(estimator, X, y=None):
    """Torch's threads inside the fit, as the probe saw them."""
    return estimator.callbacks_[0].threads_


def threads_after(estimator, X, y=None):
    """Torch's threads in the worker once the fit is done."""
    return torch.get_num_threads()


SCORING = {"score": parzen, "fit_threads": fit_threads, "threads_after": threads_after}


def search(n_jobs, sampler=GANSampler):
    estimator = sampler(
        MLPGenerator(hidden_layer_sizes=(8,)), MLPDiscriminator(hidden_layer_sizes=(8,)), max_iter=2,
        batch_size=16, n_parzen_samples=50, random_state=0, callbacks=[ThreadProbe()],
    )
    X = np.random.RandomState(0).normal(size=(60, 2))
    return GridSearchCV(estimator, GRID, scoring=SCORING, refit=False, cv=2, n_jobs=n_jobs).fit(X).cv_results_


def share():
    """A worker's share of this machine's cores among 2 workers of 1 thread."""
    return max(1, _cpu_count() // 2)


@pytest.fixture
def threads():
    """Torch's threads before the test, restored after it."""
    before = torch.get_num_threads()
    yield before
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def dask_cluster():
    """Two dask worker processes of one thread each (they start in about 3 s)."""
    environ = dict(os.environ)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    try:
        yield cluster
    finally:
        cluster.close()
        # the nanny sets OMP_NUM_THREADS=1 (dask's pre-spawn-environ) in this process too; take it back
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        os.environ.update(environ)


@pytest.fixture(scope="module")
def baseline():
    """``n_jobs=1`` results for a number of torch threads, computed once each."""
    results = {}

    def at(n_threads):
        if n_threads not in results:
            before = torch.get_num_threads()
            torch.set_num_threads(n_threads)
            try:
                results[n_threads] = search(n_jobs=1)
            finally:
                torch.set_num_threads(before)
        return results[n_threads]

    return at


def run_search(backend, dask_cluster, sampler=GANSampler):
    """The search with ``n_jobs=2`` on ``backend``; also the threads a fit there should get."""
    if backend in ("loky", "threading"):
        with joblib.parallel_backend(backend):
            return search(n_jobs=2, sampler=sampler), share()
    if backend == "dask-processes":  # each worker process starts from its nanny's OMP_NUM_THREADS=1
        with Client(dask_cluster), joblib.parallel_backend("dask"):
            return search(n_jobs=2, sampler=sampler), 1
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with Client(cluster), joblib.parallel_backend("dask"):  # both workers are threads of this process
            return search(n_jobs=2, sampler=sampler), share()


@pytest.mark.parametrize(
    "backend", ["loky", "threading", pytest.param("dask-processes", marks=pytest.mark.slow), "dask-threads"]
)
def test_each_fit_uses_its_share_and_scores_match_n_jobs_1(backend, dask_cluster, baseline, threads):
    results, expected = run_search(backend, dask_cluster)
    inside = np.concatenate([results[f"split{i}_test_fit_threads"] for i in range(2)])
    assert inside.tolist() == [min(expected, threads)] * 8
    assert torch.get_num_threads() == threads  # the parent's threads are back
    reference = baseline(min(expected, threads))
    for column in SCORE_COLUMNS:
        np.testing.assert_array_equal(results[column], reference[column], err_msg=column)


@pytest.mark.parametrize("backend", ["loky", "dask-processes"])
def test_a_worker_with_raised_threads_fits_on_its_share_and_gets_them_back(backend, dask_cluster, threads):
    results, expected = run_search(backend, dask_cluster, sampler=ThreadsRaisedSampler)
    for i in range(2):
        assert results[f"split{i}_test_fit_threads"].tolist() == [min(expected, RAISED)] * 4
        assert results[f"split{i}_test_threads_after"].tolist() == [RAISED] * 4
    assert torch.get_num_threads() == threads
