"""Many fits in parallel: a grid search of 8 candidates on a local Dask cluster against ``n_jobs=1``.

``GridSearchCV`` over 8 GANSampler candidates (learning rate x noise
dimension, MLP networks, cv=2: 16 fits) on scikit-learn's digits (1797 rows
of 64 pixels), run three ways in the same process, one after the other:

- ``n_jobs=1`` with one torch thread;
- ``n_jobs=2`` through ``joblib.parallel_backend("dask")`` on a
  ``LocalCluster`` of 2 worker processes x 1 thread, already started (its
  start is timed apart), and how much its fits overlapped (the seconds of
  all fits and scorings over the wall time: 2 when both workers were busy
  throughout);
- ``n_jobs=1`` with torch's threads pinned to the machine's cores (the
  baseline of the goal).

With ``--rounds``, the three alternate, and the fastest of each counts.
Prints the wall times and their ratios to the baselines (the goal: Dask at
most 0.6x ``n_jobs=1``), checks that the Dask search's scores equal the
one-thread ``n_jobs=1`` ones, and writes
``benchmarks/results/parallel_search.json`` (``parallel_search_quick.json``
with --quick).

    python -m benchmarks.parallel_search [--quick] [--max-iter N] [--workers 2] [--rounds 1]

(from the repository root).
"""

import contextlib
import os
import time

import joblib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from benchmarks._common import make_parser, pin_threads, setup, write_result
from skgan import GANSampler, MLPDiscriminator, MLPGenerator

GRID = {"learning_rate": [1e-4, 2e-4, 5e-4, 1e-3], "latent_dim": [16, 32]}
SCORES = ["mean_test_score", "std_test_score", "rank_test_score"]


def grid_search(X, max_iter, n_jobs):
    """The fitted ``GridSearchCV`` of the 8 candidates on X, and its wall time in seconds."""
    gan = GANSampler(
        MLPGenerator(hidden_layer_sizes=(128, 128)), MLPDiscriminator(hidden_layer_sizes=(128, 128)),
        max_iter=max_iter, batch_size=64, n_parzen_samples=2000, random_state=0,
    )
    search = GridSearchCV(gan, GRID, cv=2, refit=False, n_jobs=n_jobs)
    start = time.perf_counter()
    search.fit(X)
    return search, time.perf_counter() - start


def busy_seconds(search):
    """The seconds the fits and their scoring took, added over all of them (from ``cv_results_``)."""
    results = search.cv_results_
    return float(np.sum(results["mean_fit_time"] + results["mean_score_time"]) * search.n_splits_)


def _import_skgan():
    import skgan

    return skgan.__version__


@contextlib.contextmanager
def local_cluster(n_workers):
    """A started ``LocalCluster`` of ``n_workers`` processes x 1 thread, its client active: yields its start seconds.

    ``os.environ`` is restored afterwards: dask's nanny leaks its
    ``OMP_NUM_THREADS=1`` into this process.
    """
    from dask.distributed import Client, LocalCluster

    environ = dict(os.environ)
    start = time.perf_counter()
    try:
        with (
            LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
            Client(cluster) as client,
        ):
            client.run(_import_skgan)  # torch and skgan imported, as in a long-lived cluster
            yield time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(environ)


def main(argv=None):
    parser = make_parser(__doc__, quick="a few epochs per fit", threads=False)
    parser.add_argument("--max-iter", type=int, default=None, help="epochs per fit (default 80; 2 with --quick)")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes, 1 thread each")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the fastest of each way counts")
    args = parser.parse_args(argv)
    env = setup(args, device="cpu")  # the threads: each way pins its own
    max_iter = args.max_iter or (2 if args.quick else 80)
    cores = joblib.cpu_count()
    X = load_digits().data / 16.0

    wall = time.perf_counter()
    print(f"GridSearchCV, 8 candidates x cv=2 on digits, {max_iter} epochs per fit, {cores} cores:", flush=True)
    times = {"one_thread": [], "dask": [], "all_cores": []}
    with local_cluster(args.workers) as dask_start:
        print(f"  (Dask cluster of {args.workers} processes x 1 thread started in {dask_start:.1f} s)", flush=True)
        for _ in range(args.rounds):  # interleaved, so that a slow spell of a shared machine hits all three
            pin_threads(1)
            reference, seconds = grid_search(X, max_iter, n_jobs=1)
            times["one_thread"].append(seconds)
            print(f"  n_jobs=1, 1 torch thread        {seconds:8.1f} s", flush=True)
            pin_threads(cores)
            with joblib.parallel_backend("dask"):
                on_dask, seconds = grid_search(X, max_iter, n_jobs=args.workers)
            times["dask"].append(seconds)
            print(f"  Dask, {args.workers} workers x 1 thread    {seconds:8.1f} s   "
                  f"(fits overlapped {busy_seconds(on_dask) / seconds:.2f}x)", flush=True)
            _, seconds = grid_search(X, max_iter, n_jobs=1)
            times["all_cores"].append(seconds)
            print(f"  n_jobs=1, {cores} torch threads       {seconds:8.1f} s", flush=True)
    one_thread, dask_seconds, all_cores = (min(times[key]) for key in ("one_thread", "dask", "all_cores"))
    identical = all(np.array_equal(on_dask.cv_results_[key], reference.cv_results_[key]) for key in SCORES)

    figures = {
        "n_jobs_1_all_cores_seconds": all_cores,
        "n_jobs_1_one_thread_seconds": one_thread,
        "dask_seconds": dask_seconds,
        "dask_cluster_start_seconds": dask_start,
        "dask_fits_overlap": busy_seconds(on_dask) / times["dask"][-1],
        "ratio_dask_over_n_jobs_1_all_cores": dask_seconds / all_cores,
        "ratio_dask_over_n_jobs_1_one_thread": dask_seconds / one_thread,
        "ratio_dask_with_start_over_n_jobs_1_all_cores": (dask_seconds + dask_start) / all_cores,
        "dask_scores_identical_to_n_jobs_1_one_thread": identical,
        "all_seconds": times,
    }
    settings = {
        "data": "load_digits / 16 (1797 x 64)", "candidates": 8, "grid": GRID, "cv": 2, "fits": 16,
        "max_iter": max_iter, "networks": "MLP 128x128 both", "batch_size": 64, "n_parzen_samples": 2000,
        "bandwidth": "cv", "cores": cores, "dask": f"LocalCluster, {args.workers} processes x 1 thread",
        "rounds": args.rounds, "statistic": "fastest of the rounds",
    }
    print(f"Fastest of {args.rounds} round(s): n_jobs=1 at {cores} threads {all_cores:.1f} s (baseline), "
          f"at 1 thread {one_thread:.1f} s, Dask {dask_seconds:.1f} s")
    print(f"  Dask / n_jobs=1 at {cores} threads  {dask_seconds / all_cores:5.2f}   (goal <= 0.6)")
    print(f"  Dask / n_jobs=1 at 1 thread   {dask_seconds / one_thread:5.2f}")
    print(f"  (Dask + its cluster's start) / n_jobs=1 at {cores} threads  "
          f"{(dask_seconds + dask_start) / all_cores:5.2f}")
    print(f"  Dask scores identical to n_jobs=1 at 1 thread: {identical}")
    name = "parallel_search_quick" if args.quick else "parallel_search"
    write_result({
        "benchmark": "parallel_search", "quick": args.quick, "figures": figures, "settings": settings,
        "device": "cpu", "environment": env, "wall_seconds": time.perf_counter() - wall,
    }, name)


if __name__ == "__main__":
    main()
