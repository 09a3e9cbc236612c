"""Sampling speed: GANSampler.sample against the matrix-multiply floor.

A GANSampler with the default MLP generator (latent 100 -> 256 -> 256 -> d,
batch norm, tanh) draws N rows (1,000,000; 100,000 with --quick). Measured in
the same run:

* the floor: the generator's own matrix multiplies, ``2 N in out`` per
  Linear layer at the rate torch reaches on that layer's shape (one block of
  rows), summed over the layers;
* a hand-written loop: noise, ``generator(z)`` under ``torch.no_grad`` and a
  float64 numpy copy, block by block (no scaling back to the data's units);
* ``GANSampler.sample(N)``, which also draws the noise, maps the rows back to
  the data's units and checks they are finite;
* the time to get the returned float64 array from the OS and write it once
  (``numpy.ones``), a floor of its own for wide rows.

Also reported: the peak resident memory above the returned array (a fresh
process, VmHWM), and whether the rows are the same whatever the number of
rows per generator call. Writes ``benchmarks/results/sampling.json``
(``sampling_784.json`` with ``--features 784``, ``sampling_quick.json`` with
--quick).

    python -m benchmarks.sampling [--quick] [--features 64] [--threads 2]

(from the repository root).
"""

import argparse
import time
from functools import partial

import numpy as np
import torch

from benchmarks._common import make_parser, peak_extra_mb, print_probe, probe_in_subprocess, setup, write_result
from skgan import GANSampler, _generation
from skgan._noise import NOISE_BLOCK


def fitted_sampler(n_features):
    X = np.random.RandomState(0).rand(512, n_features)
    return GANSampler(max_iter=1, batch_size=128, random_state=0).fit(X)


def best_time(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def linear_layers(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Linear)]


def _addmm_repeated(bias, a, weight_t, out, reps):
    for _ in range(reps):
        torch.addmm(bias, a, weight_t, out=out)


def matmul_floor(generator, n_rows, block_rows):
    """Seconds for the generator's matrix multiplies at torch's rate on their shapes."""
    seconds = 0.0
    for layer in linear_layers(generator):
        a = torch.rand(block_rows, layer.in_features)
        w = layer.weight.detach().clone()
        b = layer.bias.detach().clone()
        out = torch.empty(block_rows, layer.out_features)
        torch.addmm(b, a, w.T, out=out)
        reps = 20
        t = best_time(partial(_addmm_repeated, b, a, w.T, out, reps), 5)
        rate = 2.0 * block_rows * layer.in_features * layer.out_features * reps / t
        seconds += 2.0 * n_rows * layer.in_features * layer.out_features / rate
    return seconds


def hand_written(generator, latent_dim, n_rows, block_rows):
    gen = torch.Generator().manual_seed(0)
    out = np.empty((n_rows, linear_layers(generator)[-1].out_features))
    with torch.no_grad():
        for start in range(0, n_rows, block_rows):
            z = torch.randn(min(block_rows, n_rows - start), latent_dim, generator=gen)
            out[start : start + len(z)] = generator(z).numpy()
    return out


def memory_probe(n_features, n_rows):
    """In a fresh process: peak RSS of sample() above the returned array, in MB."""
    gan = fitted_sampler(n_features)
    gan.sample(10)  # imports, threads
    rows, extra = peak_extra_mb(lambda: gan.sample(n_rows))
    print_probe(extra - rows.nbytes / 2**20)


def main(argv=None):
    parser = make_parser(__doc__, quick="100,000 rows instead", threads=2)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    env = setup(args, device="cpu")
    if args.memory_probe:
        memory_probe(args.features, args.rows)
        return
    wall0 = time.perf_counter()
    n_rows = 100_000 if args.quick else 1_000_000
    repeat = 3

    gan = fitted_sampler(args.features)
    generator = gan.generator_.eval()
    block_rows = _generation.GENERATE_ROWS
    gan.sample(1000)  # warm-up

    floor = matmul_floor(generator, n_rows, block_rows)
    # the returned float64 array alone: fresh memory from the OS, written once
    t_output = best_time(lambda: np.ones((n_rows, args.features)), 2)
    t_hand = best_time(lambda: hand_written(generator, gan.latent_dim, n_rows, block_rows), repeat)
    t_ours = best_time(lambda: gan.sample(n_rows, random_state=1), repeat)

    rows = gan.sample(20_000, random_state=1)
    default_rows = _generation.GENERATE_ROWS
    try:
        _generation.GENERATE_ROWS = NOISE_BLOCK
        small_chunks = gan.sample(20_000, random_state=1)
    finally:
        _generation.GENERATE_ROWS = default_rows
    chunk_diff = float(np.abs(rows - small_chunks).max())
    extra_mb = probe_in_subprocess("benchmarks.sampling", "--memory-probe", "--features", args.features,
                                   "--rows", n_rows, "--threads", args.threads)

    figures = {
        "matmul_floor_s": floor,
        "hand_written_s": t_hand,
        "gansampler_s": t_ours,
        "ratio_gansampler_over_floor": t_ours / floor,
        "output_array_s": t_output,
        "ratio_gansampler_over_floor_plus_output": t_ours / (floor + t_output),
        "ratio_hand_written_over_floor": t_hand / floor,
        "ratio_gansampler_over_hand_written": t_ours / t_hand,
        "rows_per_second": n_rows / t_ours,
        "peak_extra_mb_above_output": extra_mb,
        "output_mb": n_rows * args.features * 8 / 2**20,
        "max_abs_difference_across_chunk_sizes": chunk_diff,
    }
    report = {
        "benchmark": "sampling",
        "figures": figures,
        "settings": {
            "n_rows": n_rows, "n_features": args.features, "latent_dim": gan.latent_dim,
            "generator": "MLPGenerator() default: 256x256, batch norm, ReLU, tanh",
            "rows_per_generator_call": block_rows, "statistic": f"best of {repeat}",
            "threads": torch.get_num_threads(),
        },
        "device": "cpu",
        "environment": env,
        "wall_seconds": time.perf_counter() - wall0,
    }
    print(f"sampling {n_rows:,} rows x {args.features} features, {torch.get_num_threads()} threads")
    print(f"  matmul floor of the generator's layers  {floor:7.2f} s")
    print(f"  a fresh float64 output array, filled    {t_output:7.2f} s")
    print(f"  hand-written loop                       {t_hand:7.2f} s  ({t_hand / floor:.2f} x floor)")
    print(f"  GANSampler.sample                       {t_ours:7.2f} s  ({t_ours / floor:.2f} x floor, "
          f"{t_ours / t_hand:.2f} x hand-written, "
          f"{t_ours / (floor + t_output):.2f} x floor + output array)")
    if extra_mb is not None:
        print(f"  peak memory above the {figures['output_mb']:.0f} MB output: {extra_mb:.0f} MB")
    print(f"  max |difference| between {block_rows} and {NOISE_BLOCK} rows per call: {chunk_diff:.1e}")
    suffix = ("" if args.features == 64 else f"_{args.features}") + ("_quick" if args.quick else "")
    write_result(report, f"sampling{suffix}")


if __name__ == "__main__":
    main()
