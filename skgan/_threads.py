"""Torch's thread budget inside parallel workers.

A fit inside a joblib worker (``GridSearchCV(n_jobs=2)``, ``cross_validate``)
shares the machine's cores with the other workers, but torch starts one thread
per core in every worker: 2 workers x 2 threads on 2 cores, and each fit runs
slower than alone. :func:`thread_budget` lowers torch's threads to the
worker's share for the duration of a fit and restores them afterwards.

How a worker's share is found:

- loky and multiprocessing workers (processes): joblib sets
  ``OMP_NUM_THREADS`` in their environment to ``cpu_count() // n_jobs``
  (or to the parent's own setting);
- threading-backend workers (threads of one process): the cores (joblib's
  ``cpu_count``, which honours ``LOKY_MAX_CPU_COUNT`` and CPU quotas) divided
  by the number of threads of the worker pool;
- dask workers (``joblib.parallel_backend("dask")``): the cores divided by
  the task threads of *all* the dask workers of this process (a
  ``LocalCluster(processes=False)`` runs them all in one process), not by the
  worker's own threads alone; and in a worker process, at most its
  ``OMP_NUM_THREADS``.

A dask worker process cannot see the worker processes beside it on the same
machine (only the scheduler knows them), so it cannot divide the cores among
them itself. Its share is the one its nanny gives it: the nanny sets
``OMP_NUM_THREADS`` before it starts the worker (dask's setting
``distributed.nanny.pre-spawn-environ``, 1 by default), which torch in the
worker starts from and which caps the budget here. Left unset (a worker
started without a nanny, or that setting removed), the budget is the cores
divided by the worker's own threads, too much when several worker processes
share the machine: set ``OMP_NUM_THREADS`` to ``cores // (workers x
threads per worker)`` for them.

joblib's ``"multiprocessing"`` backend tells its workers nothing of their
share; there, ``OMP_NUM_THREADS`` set by the user is the budget.

Outside a worker nothing changes. Torch's setting is per thread once a thread
has run a parallel operation (OpenMP), and new threads start from the last
value set anywhere; so the value is set in the fitting thread, concurrent fits
share one value (the smallest budget asked), and the last fit to finish
restores the value from before the first one began (in its thread, and for
threads started afterwards).
"""

import contextlib
import multiprocessing
import os
import sys
import threading

import torch

__all__ = ["thread_budget", "worker_budget"]

_lock = threading.Lock()
_active = 0  # fits inside a budget now
_value = None  # the threads they share
_saved = None  # torch's threads before the first of them


def _cpu_count():
    import joblib

    return max(1, joblib.cpu_count())


def _positive_int(text):
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _in_joblib_worker():
    try:
        from joblib.parallel import get_active_backend
    except ImportError:  # pragma: no cover - joblib comes with scikit-learn
        return False
    backend, _ = get_active_backend()
    return (getattr(backend, "nesting_level", 0) or 0) > 0


def _pool_size():
    """The threads of the ``multiprocessing.pool.ThreadPool`` running this thread (joblib's threading backend)."""
    args = getattr(threading.current_thread(), "_args", None)
    if not args or not hasattr(args[0], "get"):
        return None
    inqueue = args[0]
    return sum(1 for thread in threading.enumerate() if (getattr(thread, "_args", None) or (None,))[0] is inqueue)


_DASK_RUNNING = {"running", "paused", "closing_gracefully"}  # dask's Status names of a live worker


def _dask_share():
    """A dask worker's share of the cores when this thread runs a dask task, else None."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        worker = distributed.get_worker()
    except (ValueError, AttributeError):  # not in a dask worker
        return None
    workers = getattr(type(worker), "_instances", None) or (worker,)  # the dask workers of this process
    threads = sum(
        _positive_int(getattr(getattr(other, "state", other), "nthreads", None)) or 0
        for other in workers
        if other is worker or getattr(getattr(other, "status", None), "name", None) in _DASK_RUNNING
    )
    shares = [max(1, _cpu_count() // threads)] if threads else []
    if multiprocessing.parent_process() is not None:  # a worker process: its nanny set its share
        share = _positive_int(os.environ.get("OMP_NUM_THREADS"))
        if share:
            shares.append(share)
    return min(shares) if shares else None


def worker_budget():
    """The torch threads a fit may use here: its share of the cores inside a parallel worker, else None.

    Examples
    --------
    >>> worker_budget() is None  # not inside a worker
    True
    """
    budgets = []
    dask_share = _dask_share()
    if dask_share:
        budgets.append(dask_share)
    if _in_joblib_worker():
        cores = _cpu_count()
        if multiprocessing.parent_process() is not None:  # a process worker: joblib set its share
            share = _positive_int(os.environ.get("OMP_NUM_THREADS"))
            if share:
                cores = share
                budgets.append(share)
        pool = _pool_size()
        if pool:
            budgets.append(max(1, cores // pool))
    return min(budgets) if budgets else None


@contextlib.contextmanager
def thread_budget(budget=None):
    """Keep torch's threads within a parallel worker's share of the cores, and restore them afterwards.

    Parameters
    ----------
    budget : int or None, default=None
        The most threads; None finds the worker's share with
        :func:`worker_budget` (outside a worker, nothing changes).

    Yields
    ------
    n_threads : int
        Torch's threads inside the block.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with thread_budget(1) as n_threads:
    ...     n_threads, torch.get_num_threads()
    (1, 1)
    >>> torch.get_num_threads() == before
    True
    """
    global _active, _value, _saved
    if budget is None:
        budget = worker_budget()
    if budget is None:
        yield torch.get_num_threads()
        return
    with _lock:
        mine = torch.get_num_threads()
        if _active == 0:
            _saved, _value = mine, min(mine, budget)
        else:
            _value = min(_value, budget)
        _active += 1
        value = _value
        if mine != value:
            torch.set_num_threads(value)
    try:
        yield value
    finally:
        with _lock:
            _active -= 1
            if _active == 0:  # the last one out; the others leave the shared value to those still running
                _value = None
                if torch.get_num_threads() != _saved:
                    torch.set_num_threads(_saved)
