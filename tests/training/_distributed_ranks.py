"""What each process of the data-parallel tests runs (tests/training/test_distributed.py spawns them).

Each rank joins a Gloo group, runs every scenario of :data:`SCENARIOS` and
saves what it fitted (weights, history, bandwidth, scores) to
``rank{r}.pt``; the test compares the ranks with each other and with one
process fitting the same minibatches.
"""

import os

import numpy as np
import pandas as pd
import torch
import torch.distributed as dist

from skgan import GANSampler
from skgan._training import BatchSource
from skgan.callbacks import Checkpoint
from skgan.metrics import _parzen_engine as engine
from skgan.metrics import paper_parzen_evaluation
from skgan.privacy import DPSGD

#: Rows per process of every minibatch; one process fitting the same minibatches uses RANKS times as many.
BATCH = 8
RANKS = 2


def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(64, 3))
    y = np.repeat(["a", "b"], 32)
    table = pd.DataFrame({
        "x": rng.normal(size=64),
        "colour": pd.Categorical(rng.choice(["red", "green", "blue"], size=64, p=[0.6, 0.3, 0.1])),
        "flag": rng.rand(64) < 0.3,
    })
    return X, y, table


def sampler(batch_size, **params):
    settings = dict(latent_dim=4, max_iter=3, batch_size=batch_size, bandwidth=0.5, n_parzen_samples=50,
                    device="cpu", random_state=0)
    settings.update(params)
    return GANSampler(**settings)


#: name -> (GANSampler parameters, fit arguments' names); fitted with BATCH rows per process, or RANKS * BATCH alone.
SCENARIOS = {
    "default": ({}, "X"),  # batch norm in the generator, dropout in the discriminator
    "ema": ({"ema_decay": 0.9}, "X"),
    "minimax": ({"loss": "minimax", "max_iter": 1}, "X"),
    "hinge": ({"loss": "hinge", "max_iter": 1}, "X"),
    "least-squares": ({"loss": "least-squares", "max_iter": 1}, "X"),
    "wasserstein-gp": ({"loss": "wasserstein-gp", "max_iter": 2}, "X"),
    "labels": ({"max_iter": 2}, "Xy"),
    # a table's automatic step size (1e-3) grows the ranks' float differences past the test's tolerance
    # within 8 steps; the step size of arrays keeps them within it
    "table": ({"max_iter": 2, "bandwidth": 1.0, "learning_rate": 2e-4}, "table"),
    "early-stopping": ({"bandwidth": "cv", "early_stopping": True, "n_iter_no_change": 1, "max_iter": 4}, "X"),
    # DP-SGD: the Poisson sample drawn for all ranks, the clipped sums added over them, the noise once
    "private": ({"privacy": DPSGD(epsilon=50.0, statistics_share=0.5), "max_iter": 2}, "X"),
}


def fitted(sampler_, X):
    """What the ranks (and one process) should agree on."""
    return {
        "generator": {k: v.detach().clone() for k, v in sampler_.generator_.state_dict().items()},
        "discriminator": {k: v.detach().clone() for k, v in sampler_.discriminator_.state_dict().items()},
        "history": [{k: v for k, v in record.items() if k != "dur"} for record in sampler_.history_],
        "bandwidth": sampler_.bandwidth_,
        "n_iter": sampler_.n_iter_,
        "scores": sampler_.score_samples(X),
        "window": sampler_._fitted.parzen_window()[:5],
    }


def fit_scenario(name, batch_size):
    X, y, table = data()
    params, arguments = SCENARIOS[name]
    sampler_ = sampler(batch_size, **params)
    if arguments == "table":
        return fitted(sampler_.fit(table), table)
    return fitted(sampler_.fit(X, y if arguments == "Xy" else None), X)


def run_rank(rank, store, out):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=RANKS)
    # a private fit: the generators' states at each Poisson sample, which must be alike on every rank
    states, poisson_batch = [], BatchSource._poisson_batch
    BatchSource._poisson_batch = lambda self, step: states.append(int(self.rng.get_state().sum())) or poisson_batch(
        self, step)
    try:
        results = {name: fit_scenario(name, BATCH) for name in SCENARIOS}
    finally:
        BatchSource._poisson_batch = poisson_batch
    results["private generator states"] = states
    X, _, _ = data()

    # scores shared among the ranks are those of one process, each rank scoring its share of the rows
    model = sampler(BATCH).fit(X)
    protocol = dict(n_samples=40, n_validation=20, random_state=1)
    scored, local_sweep = [], engine._local_sweep
    engine._local_sweep = lambda rows, *args: scored.append(len(rows)) or local_sweep(rows, *args)
    try:
        results["sharded scores"] = model.score_samples(X)
        results["sharded protocol"] = paper_parzen_evaluation(model, X, X, **protocol)
    finally:
        engine._local_sweep = local_sweep
    results["rows scored here"] = scored
    results["local scores"] = model.set_params(distributed=False).score_samples(X)
    results["local protocol"] = paper_parzen_evaluation(model, X, X, **protocol)

    # random_state=None: rank 0's seed on every rank
    results["unseeded"] = fitted(sampler(BATCH, random_state=None, max_iter=1).fit(X), X)

    # checkpoints: only rank 0 writes
    checkpoint = Checkpoint(os.path.join(out, "checkpoint-{epoch}.skgan"))
    results["saved epochs"] = sampler(BATCH, max_iter=2, callbacks=[checkpoint]).fit(X).callbacks_[0].saved_epochs_

    # each rank on its own: no collectives, different data allowed
    alone = sampler(BATCH, distributed=False, max_iter=1).fit(X[rank::2])
    results["alone"] = fitted(alone, X)

    # different data on the ranks: a clear error on every rank
    try:
        sampler(BATCH, max_iter=1).fit(X + rank)
        results["different data"] = None
    except ValueError as error:
        results["different data"] = str(error)

    torch.save(results, os.path.join(out, f"rank{rank}.pt"))
    dist.destroy_process_group()
