"""Data-parallel fits on two Gloo processes: the same fit as one process, on every rank.

The ranks are spawned once (tests/training/_distributed_ranks.py runs every scenario
in them); each test compares what they fitted with each other and with one
process fitting the same minibatches (``batch_size`` times the number of
ranks).
"""

import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp

from skgan import GANSampler, load
from skgan import _fit_plan as plan
from skgan._distributed import ProcessGroup, process_group
from skgan._fit_plan import fit_callbacks
from skgan._training._execution import GlooSyncBatchNorm, LocalExecution, synchronised_batch_norm
from skgan.callbacks import Callback, ProgressBar

from . import _distributed_ranks as ranks


@pytest.fixture(scope="module")
def spawned(tmp_path_factory):
    """What each rank fitted: a list of one results dict per rank."""
    out = tmp_path_factory.mktemp("ranks")
    mp.spawn(ranks.run_rank, args=(str(out / "store"), str(out)), nprocs=ranks.RANKS, join=True)
    return [torch.load(out / f"rank{rank}.pt", weights_only=False) for rank in range(ranks.RANKS)], out


@pytest.fixture(scope="module")
def alone():
    """The same scenarios fitted by one process on the minibatches of all ranks together."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return {name: ranks.fit_scenario(name, ranks.BATCH * ranks.RANKS) for name in ranks.SCENARIOS}
    finally:
        torch.set_num_threads(threads)


def assert_same_fit(a, b, atol=0.0):
    """Weights (and batch-norm statistics), history, bandwidth and scores within ``atol``; counts exactly."""
    for network in ("generator", "discriminator"):
        assert a[network].keys() == b[network].keys()
        for key, value in a[network].items():
            if value.is_floating_point():
                torch.testing.assert_close(value, b[network][key], atol=atol, rtol=0, msg=f"{network} {key}")
            else:
                assert torch.equal(value, b[network][key]), f"{network} {key}"
    assert a["n_iter"] == b["n_iter"]
    assert a["bandwidth"] == b["bandwidth"]
    assert [sorted(r) for r in a["history"]] == [sorted(r) for r in b["history"]]
    for ra, rb in zip(a["history"], b["history"], strict=True):
        np.testing.assert_allclose([ra[k] for k in sorted(ra)], [rb[k] for k in sorted(ra)], atol=max(atol, 1e-12))
    np.testing.assert_allclose(a["scores"], b["scores"], atol=max(atol, 1e-12) * 100, rtol=0)
    np.testing.assert_allclose(a["window"], b["window"], atol=max(atol, 1e-12) * 100, rtol=0)


@pytest.mark.distributed
@pytest.mark.parametrize("name", list(ranks.SCENARIOS))
def test_every_rank_ends_with_the_same_fit(spawned, name):
    (first, second), _ = spawned
    assert_same_fit(first[name], second[name])


@pytest.mark.distributed
def test_a_private_fit_draws_the_same_poisson_samples_on_every_rank(spawned):
    (first, second), _ = spawned
    assert first["private generator states"] and first["private generator states"] == second["private generator states"]


@pytest.mark.distributed
@pytest.mark.parametrize("name", [name for name in ranks.SCENARIOS if name != "private"])  # its shares are padded
def test_two_ranks_fit_as_one_process_on_the_same_minibatches(spawned, alone, name):
    # float tolerance only: the gradients are averaged over the ranks, not summed in one pass
    (first, _), _ = spawned
    assert_same_fit(first[name], alone[name], atol=2e-3)


@pytest.mark.distributed
def test_synchronised_batch_norm_statistics_are_those_of_the_whole_minibatch(spawned, alone):
    (first, _), _ = spawned
    statistics = [k for k in first["default"]["generator"] if "running" in k or "num_batches" in k]
    assert statistics, "the default generator should have batch norm"
    for key in statistics:
        torch.testing.assert_close(first["default"]["generator"][key], alone["default"]["generator"][key],
                                   atol=1e-4, rtol=1e-4)
    assert int(first["default"]["generator"]["1.num_batches_tracked"]) > 0


@pytest.mark.distributed
def test_early_stopping_and_the_chosen_bandwidth_agree(spawned):
    (first, second), _ = spawned
    assert first["early-stopping"]["history"][0]["val_score"] == second["early-stopping"]["history"][0]["val_score"]
    assert first["early-stopping"]["bandwidth"] == second["early-stopping"]["bandwidth"]


@pytest.mark.distributed
def test_sharded_scores_are_those_of_one_process(spawned):
    (first, second), _ = spawned
    for rank in (first, second):
        np.testing.assert_allclose(rank["sharded scores"], rank["local scores"], rtol=0, atol=1e-12)
        assert rank["rows scored here"] == [32, 10, 32]  # its half of score_samples', the protocol's 20 and 64 rows
        sharded, local = rank["sharded protocol"], rank["local protocol"]
        assert sharded.bandwidth == local.bandwidth
        np.testing.assert_allclose([sharded.mean, sharded.std_error], [local.mean, local.std_error], rtol=1e-12)


@pytest.mark.distributed
def test_an_unseeded_fit_takes_rank_0s_seed(spawned):
    (first, second), _ = spawned
    assert_same_fit(first["unseeded"], second["unseeded"])


@pytest.mark.distributed
def test_only_rank_0_writes_checkpoints(spawned):
    (first, second), out = spawned
    assert first["saved epochs"] == [1, 2] and second["saved epochs"] == []
    assert load(out / "checkpoint-2.skgan").n_iter_ == 2


@pytest.mark.distributed
def test_distributed_false_fits_each_process_alone(spawned):
    (first, second), _ = spawned
    assert not torch.equal(first["alone"]["generator"]["0.weight"], second["alone"]["generator"]["0.weight"])


@pytest.mark.distributed
def test_different_data_on_the_ranks_is_a_clear_error(spawned):
    (first, second), _ = spawned
    for rank in (first, second):
        assert rank["different data"] is not None and "every rank must pass the same rows" in rank["different data"]


def test_no_process_group_means_one_process():
    assert process_group("auto", torch.device("cpu")) is None
    assert process_group(False, torch.device("cpu")) is None
    with pytest.raises(ValueError, match="needs a process group: launch the script with torchrun"):
        GANSampler(distributed=True, max_iter=1).fit(np.random.RandomState(0).normal(size=(20, 2)))


def test_progress_shows_on_the_main_process_only():
    sampler = GANSampler(verbose=1)
    on_main, _ = fit_callbacks(sampler, None, None, is_main_process=True)
    elsewhere, _ = fit_callbacks(sampler, None, None, is_main_process=False)
    assert any(isinstance(callback, ProgressBar) for callback in on_main)
    assert not any(isinstance(callback, ProgressBar) for callback in elsewhere)


def test_the_tables_encoder_shows_progress_on_the_main_process_only():
    from skgan._codecs import TableCodec

    for is_main_process, shown in ((True, 1), (False, 0)):
        verbose = plan.shown_verbosity(1, is_main_process)
        assert verbose == shown
        assert TableCodec()._fresh_encoder(0, verbose).verbose == shown


def test_shards_cover_the_rows_once():
    for n in (0, 1, 5, 64):
        for world in (1, 2, 3, 8):
            parts = [ProcessGroup(r, world, "gloo", torch.device("cpu")).shard(n) for r in range(world)]
            assert np.concatenate([np.arange(n)[part] for part in parts]).tolist() == list(range(n))


def test_synchronised_batch_norm_shares_the_weights_and_statistics():
    network = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    twin = synchronised_batch_norm(network)
    assert isinstance(twin[1], GlooSyncBatchNorm) and isinstance(network[1], torch.nn.BatchNorm1d)
    assert twin[0].weight is network[0].weight and twin[1].running_mean is network[1].running_mean
    plain = torch.nn.Sequential(torch.nn.Linear(2, 3))
    assert synchronised_batch_norm(plain) is plain


@pytest.mark.slow
@pytest.mark.distributed
def test_torchrun_fits_from_the_command_line_and_rank_0_writes(tmp_path):
    data = tmp_path / "data.npy"
    np.save(data, np.random.RandomState(0).normal(size=(40, 2)))
    model = tmp_path / "model.skgan"
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
         "-m", "skgan", "fit", str(data), "-o", str(model), "--set", "max_iter=2", "--set", "latent_dim=3",
         "--set", "bandwidth=0.5", "--set", "n_parzen_samples=30", "--set", "random_state=0"],
        capture_output=True, text=True, timeout=300,
        env={**_environ(), "OMP_NUM_THREADS": "1", "TMPDIR": str(tmp_path)},  # torchrun: scratch files in tmp_path
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert result.stdout.count("Saved") == 1  # rank 0 reports
    assert load(model).n_iter_ == 2


def _environ():
    import os

    return {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}


class _TwoRanksInOne(LocalExecution):
    """A data-parallel execution's interrupt rule, in one process (every 'rank' share is the whole draw)."""

    world_size = 2


class _InterruptAt(Callback):
    def __init__(self, epoch=2):
        self.epoch = epoch

    def on_epoch_end(self, estimator, record, **kwargs):
        if record["epoch"] == self.epoch:
            raise KeyboardInterrupt


def test_an_interrupt_aborts_a_data_parallel_fit_and_keeps_the_model_before_it(monkeypatch):
    X = np.random.RandomState(0).normal(size=(40, 2))
    sampler = GANSampler(latent_dim=3, max_iter=1, bandwidth=0.5, n_parzen_samples=30, random_state=0).fit(X)
    before = {k: v.clone() for k, v in sampler.generator_.state_dict().items()}
    sampler.set_params(warm_start=True, max_iter=3, callbacks=[_InterruptAt(3)])
    monkeypatch.setattr(plan, "execution_for", lambda group, device: _TwoRanksInOne())
    with pytest.raises(KeyboardInterrupt):
        sampler.fit(X)
    assert sampler.n_iter_ == 1  # one process alone would keep epochs 2 and 3 (tests/training/test_callbacks.py)
    for key, value in sampler.generator_.state_dict().items():
        assert torch.equal(value, before[key])


class _InterruptAfterTraining(Callback):
    def on_train_end(self, estimator, **kwargs):
        raise KeyboardInterrupt


def test_an_interrupt_after_training_aborts_a_data_parallel_fit_too(monkeypatch):
    X = np.random.RandomState(0).normal(size=(40, 2))
    sampler = GANSampler(latent_dim=3, max_iter=1, bandwidth=0.5, n_parzen_samples=30, random_state=0).fit(X)
    before = {k: v.clone() for k, v in sampler.generator_.state_dict().items()}
    sampler.set_params(warm_start=True, max_iter=2, callbacks=[_InterruptAfterTraining()])
    monkeypatch.setattr(plan, "execution_for", lambda group, device: _TwoRanksInOne())
    with pytest.raises(KeyboardInterrupt):
        sampler.fit(X)
    assert sampler.n_iter_ == 1
    for key, value in sampler.generator_.state_dict().items():
        assert torch.equal(value, before[key])


@pytest.mark.distributed
def test_joblib_workers_never_join_a_process_group(monkeypatch):
    # a worker inherits torchrun's environment but is no rank; and parallel fits must not run collectives
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "1")
    from joblib import Parallel, delayed

    for backend in ("threading", "loky"):
        found = Parallel(n_jobs=2, backend=backend)(
            delayed(process_group)("auto", torch.device("cpu")) for _ in range(2)
        )
        assert found == [None, None]
