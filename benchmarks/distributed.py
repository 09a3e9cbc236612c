"""Data-parallel training: 2 Gloo ranks x 1 thread against 1 process x 2 threads, and a scaling model.

Both fit the same ``GANSampler`` (default MLP networks: batch norm in the
generator, dropout in the discriminator) on the same rows with the same
minibatches: one process with ``batch_size=2b`` and 2 torch threads, or two
processes of a Gloo group (``torch.multiprocessing`` spawn, as ``torchrun``
would start them) with ``batch_size=b`` and 1 thread each. Measured in the
same run:

- seconds per epoch of each (median over epochs after the first), and their ratio;
- what ``DistributedDataParallel`` all-reduced per step (a communication
  hook counts the elements of every bucket), against the networks'
  parameter counts: the discriminator's step should reduce exactly the
  discriminator's parameters, the generator's step the generator's;
- the share of training time spent waiting in collectives: the gradient
  all-reduces (from launch to completion, through the hook) and every other
  collective (the synchronised batch norm's, the epoch's loss sums and stop
  decision), and the time of one all-reduce of the parameters alone (median
  of 50).

Both with the default generator (batch norm, synchronised over the ranks)
and without batch norm. From the measured compute per step (training time
less the time in collectives) of the latter it then projects
the throughput of 8 GPUs on one node and 4 nodes x 8 GPUs with a ring
all-reduce model, printing the assumptions beside the figures. Writes
``benchmarks/results/distributed.json`` (``distributed_quick.json`` with
--quick).

    python -m benchmarks.distributed [--quick] [--rows N] [--batch-size B]

(from the repository root).
"""

import os
import statistics
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from benchmarks._common import make_parser, setup, write_result

#: Assumed interconnects for the projection: (name, bus bandwidth in bytes/s, latency per ring hop in s).
INTERCONNECTS = {
    "8 GPUs, one node (NVLink)": (150e9, 5e-6),
    "4 nodes x 8 GPUs (InfiniBand NDR, 400 Gb/s per GPU)": (40e9, 10e-6),
}
#: Assumed compute per step of one GPU for the small default MLPs (kernel-launch bound), in seconds.
GPU_STEP_SECONDS = 1e-3


def data(n_rows, n_features=32):
    rng = np.random.RandomState(0)
    mix = rng.randint(4, size=n_rows)
    return rng.normal(size=(n_rows, n_features)) * 0.5 + mix[:, None]


def sampler(batch_size, epochs, batch_norm=True):
    from skgan import GANSampler, MLPGenerator

    return GANSampler(generator=MLPGenerator(batch_norm=batch_norm), max_iter=epochs, batch_size=batch_size,
                      bandwidth=1.0, n_parzen_samples=200, device="cpu", random_state=0)


def epoch_seconds(history):
    durations = [record["dur"] for record in history[1:]] or [history[0]["dur"]]
    return statistics.median(durations)


def _counting_sampler(counts, **params):
    """A GANSampler whose training steps count (and time) what each DistributedDataParallel wrapper all-reduces.

    Its :class:`~skgan.training.TrainingSteps` are the default ones, with a
    communication hook registered on both wrappers when a fit sets them up.
    """
    from torch.distributed.algorithms.ddp_comm_hooks.default_hooks import allreduce_hook
    from torch.nn.parallel import DistributedDataParallel

    from skgan import GANSampler
    from skgan.training import TrainingSteps

    def counting_hook(name):
        def hook(state, bucket):
            counts[name] += bucket.buffer().numel()
            start = time.perf_counter()

            def done(future):
                counts["gradient_seconds"] += time.perf_counter() - start
                return future.value()[0]

            return allreduce_hook(None, bucket).then(done)

        return hook

    class CountingSteps(TrainingSteps):
        def setup(self):
            context = self.context
            for name, wrapper in (("generator", context.generator_forward),
                                  ("discriminator", context.discriminator_forward)):
                if isinstance(wrapper, DistributedDataParallel):
                    wrapper.register_comm_hook(None, counting_hook(name))

    class CountingSampler(GANSampler):
        def training_steps(self):
            return CountingSteps

    return CountingSampler(**params)


def _timing_collectives(counts):
    """Time every other collective (synchronised batch norm, the loss sums, the stop decision) where it waits."""
    for name in ("all_reduce", "broadcast"):
        plain = getattr(dist, name)

        def timed(*args, plain=plain, **kwargs):
            start = time.perf_counter()
            try:
                return plain(*args, **kwargs)
            finally:
                counts["other_seconds"] += time.perf_counter() - start
                counts["other_calls"] += 1

        setattr(dist, name, timed)


def _all_reduce_seconds(n_values, repeat=50):
    tensor = torch.zeros(n_values, dtype=torch.float32)
    for _ in range(5):
        dist.all_reduce(tensor)
    times = []
    for _ in range(repeat):
        dist.barrier()
        start = time.perf_counter()
        dist.all_reduce(tensor)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_rank(rank, world_size, store, out, n_rows, batch_size, epochs, batch_norm):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=world_size)
    counts = {"generator": 0, "discriminator": 0, "gradient_seconds": 0.0, "other_seconds": 0.0, "other_calls": 0}
    _timing_collectives(counts)
    params = sampler(batch_size, epochs, batch_norm).get_params(deep=False)
    fitted = _counting_sampler(counts, **params).fit(data(n_rows))
    parameters = {name: sum(p.numel() for p in network.parameters())
                  for name, network in (("generator", fitted.generator_), ("discriminator", fitted.discriminator_))}
    n_steps = epochs * (n_rows // (batch_size * world_size))
    all_reduce = _all_reduce_seconds(sum(parameters.values()))
    if rank == 0:
        torch.save({"history": fitted.history_, "counts": counts, "parameters": parameters, "n_steps": n_steps,
                    "all_reduce_seconds": all_reduce}, out)
    dist.destroy_process_group()


def ring_all_reduce_seconds(n_bytes, ranks, bus_bandwidth, hop_latency):
    """A ring all-reduce: 2(R-1) hops, each moving n_bytes/R (reduce-scatter then all-gather)."""
    return 2 * (ranks - 1) / ranks * n_bytes / bus_bandwidth + 2 * (ranks - 1) * hop_latency


def projection(step_compute, n_parameters, batch_size):
    rows = []
    for name, (bandwidth, latency) in INTERCONNECTS.items():
        ranks = 8 if "one node" in name else 32
        for label, compute in (("CPU step measured here", step_compute), ("assumed GPU step", GPU_STEP_SECONDS)):
            comm = ring_all_reduce_seconds(4 * n_parameters, ranks, bandwidth, latency)
            step = compute + comm  # no overlap of communication with the backward pass: pessimistic
            rows.append({
                "setup": name, "ranks": ranks, "compute": label, "compute_ms": 1e3 * compute,
                "all_reduce_ms": 1e3 * comm, "rows_per_second": ranks * batch_size / step,
                "scaling_efficiency": compute / step,
            })
    return rows


def two_ranks(n_rows, b, epochs, batch_norm):
    """What rank 0 of a 2-rank Gloo fit measured (see :func:`run_rank`)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rank0.pt")
        mp.spawn(run_rank, args=(2, os.path.join(tmp, "store"), out, n_rows, b, epochs, batch_norm), nprocs=2,
                 join=True)
        return torch.load(out, weights_only=False)


def compare(n_rows, b, epochs, batch_norm):
    """One configuration: 2 ranks x 1 thread (batch b each) against 1 process x 2 threads (batch 2b)."""
    ranks = two_ranks(n_rows, b, epochs, batch_norm)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    one = sampler(2 * b, epochs, batch_norm).fit(data(n_rows))
    torch.set_num_threads(threads)
    one_epoch, two_epoch = epoch_seconds(one.history_), epoch_seconds(ranks["history"])
    counts, steps_per_epoch = ranks["counts"], ranks["n_steps"] // epochs
    training_seconds = sum(record["dur"] for record in ranks["history"])
    per_step = {name: counts[name] / ranks["n_steps"] for name in ("generator", "discriminator")}
    waiting = counts["gradient_seconds"] + counts["other_seconds"]
    return {
        "generator_batch_norm": batch_norm,
        "one_process_two_threads_epoch_s": one_epoch,
        "two_ranks_one_thread_epoch_s": two_epoch,
        "ratio_two_ranks_over_one_process": two_epoch / one_epoch,
        "all_reduced_per_step": per_step,
        "parameters": ranks["parameters"],
        "all_reduced_over_parameters": {k: per_step[k] / ranks["parameters"][k] for k in per_step},
        "gradient_all_reduce_share": counts["gradient_seconds"] / training_seconds,
        "other_collectives_share": counts["other_seconds"] / training_seconds,
        "other_collectives_per_step": counts["other_calls"] / ranks["n_steps"],
        "communication_share": waiting / training_seconds,
        "all_reduce_seconds": ranks["all_reduce_seconds"],
        "step_compute_seconds": (training_seconds - waiting) / ranks["n_steps"],
        "steps_per_epoch": steps_per_epoch,
    }


def main():
    parser = make_parser(__doc__, quick="few rows and epochs", threads=False)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=64, help="rows per rank per step (b)")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()
    n_rows, epochs = (2048, 2) if args.quick else (args.rows, args.epochs)
    b = args.batch_size
    env = setup(args, device="cpu", rows=n_rows, batch_size_per_rank=b, epochs=epochs)
    runs = [compare(n_rows, b, epochs, batch_norm) for batch_norm in (True, False)]
    plain = runs[1]
    n_parameters = sum(plain["parameters"].values())
    report = {
        "environment": env,
        "runs": runs,
        "projection": projection(plain["step_compute_seconds"], n_parameters, b),
        "assumptions": {
            "interconnects": {k: {"bus_bytes_per_s": v[0], "hop_latency_s": v[1]} for k, v in INTERCONNECTS.items()},
            "gpu_step_seconds": GPU_STEP_SECONDS,
            "model": "ring all-reduce of float32 gradients, not overlapped with compute; weak scaling "
                     "(batch per rank fixed); the generator without batch norm (no synchronised statistics)",
        },
    }
    print(f"{n_rows} rows x 32 features, {b} rows per rank per step, {epochs} epochs, default MLPs")
    for run in runs:
        label = "with" if run["generator_batch_norm"] else "without"
        print(f"generator {label} batch norm:")
        print(f"  1 process x 2 threads (batch {2 * b}): {run['one_process_two_threads_epoch_s']:.3f} s/epoch")
        print(f"  2 Gloo ranks x 1 thread (batch {b} each): {run['two_ranks_one_thread_epoch_s']:.3f} s/epoch "
              f"({run['ratio_two_ranks_over_one_process']:.2f}x the one process)")
        for name in ("discriminator", "generator"):
            print(f"  all-reduced per step, {name}: {run['all_reduced_per_step'][name]:.0f} values = "
                  f"{run['all_reduced_over_parameters'][name]:.3f}x its {run['parameters'][name]} parameters")
        print(f"  time waiting in collectives: {100 * run['communication_share']:.1f}% of training "
              f"(gradient all-reduces {100 * run['gradient_all_reduce_share']:.1f}%, "
              f"{run['other_collectives_per_step']:.1f} other collectives per step "
              f"{100 * run['other_collectives_share']:.1f}%); one all-reduce of the parameters alone "
              f"{1e3 * run['all_reduce_seconds']:.3f} ms")
    print("projection (weak scaling, ring all-reduce, no overlap; generator without batch norm):")
    for row in report["projection"]:
        print(f"  {row['setup']}, {row['compute']} {row['compute_ms']:.2f} ms + all-reduce "
              f"{row['all_reduce_ms']:.3f} ms: {row['rows_per_second']:,.0f} rows/s, "
              f"efficiency {100 * row['scaling_efficiency']:.0f}%")
    write_result(report, "distributed_quick" if args.quick else "distributed")


if __name__ == "__main__":
    main()
