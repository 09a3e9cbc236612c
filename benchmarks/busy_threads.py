"""Fast by default on a busy machine: the automatic thread count against the best fixed one.

Fits two workloads with ``n_threads="auto"`` (the default) and with every
fixed count from 1 to torch's setting (one per core), on an idle machine and
while other processes keep the cores busy (each spins a Python loop):

- ``demo``: the digits demo's GAN (``skgan.demo.build_sampler``: MLPs of
  256 x 256, batch 64) on its training digits;
- ``training``: ``benchmarks.training``'s networks (MLPs of 256 x 256,
  latent 100, batch 64) on 64 uniform features;
- ``sampling``: ``sample`` of a mixed table's GAN (the defaults' networks,
  fitted once), 100,000 rows and 500 rows held by an interval of 2% of
  the training rows (exact rejection), the estimator's ``n_threads`` set
  to each setting.

Prints the wall seconds of each fit or sample (the fastest of ``--rounds`` interleaved
rounds) and, per workload and load, the ratio of the default's time to the
best fixed count's (goal: at most 1.3), and writes
``benchmarks/results/busy_threads.json`` (``busy_threads_quick.json`` with
--quick).

    python -m benchmarks.busy_threads [--quick] [--busy 0,4] [--rounds 2]

(from the repository root). The default loads are 0 and twice the cores.
"""

import subprocess
import sys
import time
from functools import partial

import numpy as np
import pandas as pd
import torch
from sklearn.datasets import load_digits

from benchmarks._common import make_parser, setup, write_result
from skgan import GANSampler, MLPDiscriminator, MLPGenerator
from skgan.demo import build_sampler

_SPIN = "while True: pass"


def workloads(quick):
    """``{name: (estimator factory, rows)}``."""
    digits = load_digits().data
    uniform = np.random.RandomState(0).uniform(-1, 1, size=(1_000 if quick else 4_000, 64))
    epochs = 1 if quick else 3

    def demo():
        return build_sampler(max_iter=epochs, random_state=0, verbose=0).set_params(bandwidth=1.0)

    def training():
        return GANSampler(MLPGenerator((256, 256)), MLPDiscriminator((256, 256)), latent_dim=100, batch_size=64,
                          max_iter=1, bandwidth=1.0, random_state=0)

    return {"demo": partial(timed_fit, demo, digits[:1078]), "training": partial(timed_fit, training, uniform),
            "sampling": table_sampling(quick)}


def timed_fit(factory, X, n_threads):
    gan = factory().set_params(n_threads=n_threads)
    start = time.perf_counter()
    gan.fit(X)
    return time.perf_counter() - start


def table_sampling(quick):
    """A function of ``n_threads`` timing a mixed table GAN's ``sample``: many rows, then an interval's rows."""
    rng = np.random.RandomState(0)
    n = 2_000
    size = rng.gamma(4.0, 1.0, n)
    table = pd.DataFrame({
        "size": size, "price": size * rng.lognormal(0.0, 0.2, n),
        "colour": rng.choice(["red", "green", "blue"], n), "count": rng.poisson(3, n),
    })
    low, high = np.quantile(table["size"], [0.49, 0.51])
    gan = GANSampler(max_iter=20 if quick else 100, random_state=0).fit(table)
    rows = 20_000 if quick else 100_000

    def timed_sample(n_threads):
        gan.set_params(n_threads=n_threads)
        start = time.perf_counter()
        gan.sample(rows, random_state=0)
        gan.sample(500, conditions={"size": (low, high)}, random_state=0)
        return time.perf_counter() - start

    return timed_sample


def measure(jobs, counts, rounds):
    """``{workload: {setting: fastest wall seconds}}``; the settings interleaved in each round."""
    seconds = {name: {} for name in jobs}
    for _ in range(rounds):
        for name, timed in jobs.items():
            for setting in ["auto", *counts]:
                took = timed(setting)
                seconds[name][str(setting)] = min(took, seconds[name].get(str(setting), np.inf))
    return seconds


def busy_processes(n):
    return [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(n)]


def main(argv=None):
    parser = make_parser(__doc__, quick="fewer rows and epochs", threads=False)
    parser.add_argument("--busy", default=None, metavar="N,M",
                        help="numbers of busy processes to measure under (default: 0 and twice the cores)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds, fastest kept (default: 2)")
    args = parser.parse_args(argv)
    env = setup(args)
    cores = torch.get_num_threads()
    loads = [0, 2 * cores] if args.busy is None else [int(n) for n in args.busy.split(",")]
    counts = list(range(1, cores + 1))
    jobs = workloads(args.quick)
    jobs["demo"](1)  # warm-up: imports, first allocations
    results, ratios = {}, {}
    for load in loads:
        spinning = busy_processes(load)
        try:
            time.sleep(0.5 if load else 0)
            results[load] = measure(jobs, counts, args.rounds)
        finally:
            for process in spinning:
                process.kill()
                process.wait()
        print(f"{load} busy processes on {cores} cores: wall seconds per fit or sample (fastest of {args.rounds})")
        for name, seconds in results[load].items():
            best = min(seconds[str(n)] for n in counts)
            ratios[f"{name}_busy{load}"] = seconds["auto"] / best
            fixed = "  ".join(f"{n}: {seconds[str(n)]:7.3f}" for n in counts)
            print(f"  {name:9s} auto {seconds['auto']:7.3f}   fixed threads {fixed}   "
                  f"auto / best {seconds['auto'] / best:5.2f}")
    print(f"Largest ratio auto / best: {max(ratios.values()):.2f} (goal: at most 1.3)")
    name = "busy_threads_quick" if args.quick else "busy_threads"
    write_result({
        "benchmark": "busy_threads", "quick": args.quick, "cores": cores, "loads": loads,
        "figures": {"ratio_auto_over_best": ratios, "seconds": {str(k): v for k, v in results.items()}},
        "environment": env,
    }, name)


if __name__ == "__main__":
    main()
