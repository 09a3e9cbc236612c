"""Torch's thread budget inside joblib workers (skgan._threads)."""

import sys
import threading
import types

import pytest
import torch
from joblib import Parallel, delayed

from skgan import _threads
from skgan._threads import thread_budget, worker_budget


@pytest.fixture
def threads():
    """Torch's threads before the test, restored after it."""
    before = torch.get_num_threads()
    yield before
    torch.set_num_threads(before)


def inside_and_after(settle=None):
    """Torch's threads inside a budget and after it, in this worker."""
    if settle is not None:
        torch.set_num_threads(settle)
    with thread_budget() as n_threads:
        inside = torch.get_num_threads()
        assert inside == n_threads
    return inside, torch.get_num_threads()


def thread_started_now():
    """Torch's threads in a thread started now (it starts from the last value set)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    return result[0]


def test_outside_a_worker_nothing_changes(threads):
    assert worker_budget() is None
    assert inside_and_after() == (threads, threads)


@pytest.mark.parametrize("cores, n_jobs, expected", [(8, 2, 4), (8, 4, 2), (8, 8, 1), (2, 2, 1), (3, 2, 1)])
def test_threading_workers_share_the_cores(cores, n_jobs, expected, threads, monkeypatch):
    monkeypatch.setattr(_threads, "_cpu_count", lambda: cores)
    torch.set_num_threads(8)
    barrier = threading.Barrier(n_jobs)

    def fit():
        with thread_budget() as n_threads:
            barrier.wait(timeout=30)  # all workers inside at once
            inside = torch.get_num_threads()
            barrier.wait(timeout=30)
        return n_threads, inside

    results = Parallel(n_jobs=n_jobs, backend="threading")(delayed(fit)() for _ in range(n_jobs))
    assert results == [(expected, expected)] * n_jobs
    assert torch.get_num_threads() == 8 and thread_started_now() == 8


def test_threading_workers_on_this_machine(threads):
    n_jobs = 2
    expected = min(threads, max(1, _threads._cpu_count() // n_jobs))
    results = Parallel(n_jobs=n_jobs, backend="threading")(delayed(inside_and_after)() for _ in range(4))
    assert [inside for inside, _ in results] == [expected] * 4
    assert torch.get_num_threads() == threads and thread_started_now() == threads


def test_a_budget_never_raises_the_threads(threads, monkeypatch):
    monkeypatch.setattr(_threads, "_cpu_count", lambda: 64)
    torch.set_num_threads(1)
    results = Parallel(n_jobs=2, backend="threading")(delayed(inside_and_after)() for _ in range(2))
    assert [inside for inside, _ in results] == [1, 1]


def test_concurrent_budgets_agree_and_the_last_restores(threads):
    torch.set_num_threads(4)
    entered, leave = threading.Barrier(3), threading.Event()
    seen = {}

    def fit(name, budget):
        with thread_budget(budget):
            entered.wait(timeout=30)
            leave.wait(timeout=30)
            seen[name] = torch.get_num_threads()

    workers = [threading.Thread(target=fit, args=(name, budget)) for name, budget in (("a", 3), ("b", 2))]
    for worker in workers:
        worker.start()
    entered.wait(timeout=30)
    assert _threads._active == 2 and _threads._value == 2
    leave.set()
    for worker in workers:
        worker.join()
    assert _threads._active == 0
    assert seen["b"] == 2 and seen["a"] in (2, 3)  # "a" set 3 before "b" arrived; both share 2 from then on
    assert torch.get_num_threads() == 4 and thread_started_now() == 4


def test_restored_after_an_error(threads):
    torch.set_num_threads(3)
    with pytest.raises(RuntimeError), thread_budget(1):
        raise RuntimeError("fit failed")
    assert torch.get_num_threads() == 3 and _threads._active == 0


def test_loky_workers_use_their_share(threads):
    # a worker whose torch threads were raised (by a user, or a library) gets its share back inside the budget
    results = Parallel(n_jobs=2, backend="loky")(delayed(inside_and_after)(settle=3) for _ in range(2))
    share = max(1, _threads._cpu_count() // 2)
    assert results == [(min(3, share), 3)] * 2


def test_dask_workers_share_the_cores(monkeypatch):
    worker = types.SimpleNamespace(state=types.SimpleNamespace(nthreads=4))
    monkeypatch.setitem(sys.modules, "distributed", types.SimpleNamespace(get_worker=lambda: worker))
    monkeypatch.setattr(_threads, "_cpu_count", lambda: 8)
    assert worker_budget() == 2

    def not_a_worker():
        raise ValueError("No worker found")

    monkeypatch.setitem(sys.modules, "distributed", types.SimpleNamespace(get_worker=not_a_worker))
    assert worker_budget() is None


# --------------------------------------------------------------------------
# the fit's own choice: n_threads
# --------------------------------------------------------------------------


def _fit_threads_seen(n_threads, hidden=(8,), batch_size=16):
    import numpy as np

    from skgan import GANSampler
    from skgan.callbacks import Callback

    class Record(Callback):
        seen = []

        def on_epoch_end(self, estimator, *args, **kwargs):
            Record.seen.append(torch.get_num_threads())

    Record.seen = []
    X = np.random.RandomState(0).normal(size=(64, 3))
    gan = GANSampler(latent_dim=2, max_iter=2, batch_size=batch_size, bandwidth=0.5, n_parzen_samples=20,
                     random_state=0, n_threads=n_threads, callbacks=[Record()])
    gan.set_params(generator__hidden_layer_sizes=hidden, discriminator__hidden_layer_sizes=hidden).fit(X)
    return Record.seen, gan


@pytest.mark.parametrize("n_threads, settle, expected", [("auto", 3, 1), (None, 3, 3), (2, 3, 2), (4, 1, 4)])
def test_a_fit_trains_on_its_threads_and_restores_torchs(n_threads, settle, expected, threads):
    torch.set_num_threads(settle)
    seen, _ = _fit_threads_seen(n_threads)
    assert seen == [expected, expected]
    assert torch.get_num_threads() == settle


def test_auto_is_bitwise_the_fit_on_its_choice(threads):
    import numpy as np

    torch.set_num_threads(2)
    _, auto = _fit_threads_seen("auto")
    _, one = _fit_threads_seen(1)
    np.testing.assert_array_equal(auto.sample(20, random_state=0), one.sample(20, random_state=0))


def test_auto_grows_with_the_work_up_to_torchs_setting(threads):
    cpu = torch.device("cpu")
    layer = torch.nn.Linear(1024, 1024, bias=False)  # 2**20 multiply-adds a row
    rows = _threads.GRAIN // 2**20
    torch.set_num_threads(4)
    assert _threads.fit_threads("auto", [layer], rows - 1, cpu) == 1
    assert _threads.fit_threads("auto", [layer], 3 * rows, cpu) == 3
    assert _threads.fit_threads("auto", [layer], 100 * rows, cpu) == 4
    torch.set_num_threads(2)
    assert _threads.fit_threads("auto", [layer], 100 * rows, cpu) == 2
    assert _threads.fit_threads("auto", [torch.nn.Conv1d(1, 2, 3)], 1, cpu) is None  # work unknown: torch's
    assert _threads.fit_threads("auto", [layer], 100 * rows, torch.device("meta")) is None


def test_n_threads_is_checked():
    from skgan import GANSampler

    with pytest.raises(ValueError, match="n_threads"):
        GANSampler(n_threads=0).fit([[0.0], [1.0]])


@pytest.mark.parametrize("n_threads, settle, expected", [("auto", 3, 1), (None, 3, 3), (2, 3, 2)])
def test_sample_runs_the_generator_on_its_threads_and_restores_torchs(n_threads, settle, expected, threads,
                                                                     monkeypatch):
    from skgan import _generation

    monkeypatch.setattr(_generation, "inference_module", lambda generator: generator)  # run the hooked network
    _, gan = _fit_threads_seen(n_threads)
    torch.set_num_threads(settle)
    seen = []
    hook = gan.generator_.register_forward_hook(lambda *args: seen.append(torch.get_num_threads()))
    try:
        gan.sample(3000, random_state=0)  # several chunks of the forward loop
    finally:
        hook.remove()
    assert len(seen) >= 2 and set(seen) == {expected}
    assert torch.get_num_threads() == settle
