"""Torch's threads during a fit: the automatic choice, and the budget inside parallel workers.

The automatic choice (``n_threads="auto"``, :func:`fit_threads`): torch's
intra-op threads split each operation of a training step among them, and
wait for each other at its end. The networks of most tables and of the
digits demo are small (under a few hundred thousand weights, batches of 64
rows): their operations take microseconds, so extra threads gain little on
an idle machine (about 1.1x for two threads) and lose a lot on a busy one,
where a thread that another process displaced keeps the others spinning
(ten times slower with two busy processes per core). The choice is one
thread per :data:`GRAIN` multiply-adds of a training step's forward passes
(the networks' weights times the batch size), at least one and at most
torch's current setting. It depends on the networks, the batch size and
torch's setting only, never on the machine's load, so that a fit stays
bitwise reproducible: the same fit on the same machine runs on the same
number of threads.

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

__all__ = ["GRAIN", "fit_threads", "step_work", "thread_budget", "worker_budget"]

#: Multiply-adds of a training step's forward passes per thread of the automatic choice. Measured on
#: 2 cores, idle: two threads ran MLP steps of 11M multiply-adds 1.03-1.14x faster than one, of 78M
#: and 290M 1.2-1.3x, of 1.2G 1.6x; with two busy processes per core, one thread was about 10x faster.
GRAIN = 128 * 2**20

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


def step_work(modules, batch_size):
    """Multiply-adds of one forward pass of ``modules`` over ``batch_size`` rows, from their weights.

    A dense layer does one multiply-add per weight and row. Convolutions do
    one per weight and output position, which the weights do not tell:
    networks with them give None (large, as image networks are).

    Examples
    --------
    >>> import torch
    >>> step_work([torch.nn.Linear(10, 20, bias=False)], batch_size=4)
    800
    >>> step_work([torch.nn.Conv2d(1, 4, 3)], batch_size=4) is None
    True
    """
    total = 0
    for module in modules:
        if any(isinstance(layer, torch.nn.modules.conv._ConvNd) for layer in module.modules()):
            return None
        total += sum(parameter.numel() for parameter in module.parameters())
    return total * batch_size


def fit_threads(n_threads, modules, batch_size, device):
    """The torch threads of a fit for the ``n_threads`` parameter: an int, or None to leave torch's setting.

    ``"auto"`` on CPU is one thread per :data:`GRAIN` multiply-adds of a
    step (:func:`step_work`), from one to torch's current setting; on an
    accelerator, or for networks whose work is unknown, torch's setting.

    Examples
    --------
    >>> import torch
    >>> small = [torch.nn.Linear(64, 256), torch.nn.Linear(256, 64)]
    >>> fit_threads("auto", small, batch_size=64, device=torch.device("cpu"))
    1
    >>> fit_threads(3, small, batch_size=64, device=torch.device("cpu"))
    3
    >>> fit_threads(None, small, batch_size=64, device=torch.device("cpu")) is None
    True
    """
    if n_threads != "auto":
        return n_threads
    work = step_work(modules, batch_size)
    if torch.device(device).type != "cpu" or work is None:
        return None
    return max(1, min(torch.get_num_threads(), work // GRAIN))


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
def thread_budget(budget=None, exact=False):
    """Keep torch's threads within a parallel worker's share of the cores, and restore them afterwards.

    Parameters
    ----------
    budget : int or None, default=None
        The most threads; None finds the worker's share with
        :func:`worker_budget` (outside a worker, nothing changes).
    exact : bool, default=False
        Use ``budget`` threads even when torch's setting is lower (the
        user's explicit choice); fits that run at the same time still
        share the smallest budget.

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
            _saved, _value = mine, (budget if exact else min(mine, budget))
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
