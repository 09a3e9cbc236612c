"""Data larger than memory: peak resident memory of a fit from a 4 GiB float32 ``numpy.memmap``.

Writes a float32 ``.npy`` file of ``--rows`` x ``--features`` standard
normal values (4 GiB by default) to a temporary folder, fits
``GANSampler(max_iter=1, bandwidth=1.0)`` with small MLP networks (``--hidden``:
the figures are of the data, not the networks) on it opened with
``np.load(mmap_mode="r")`` in a fresh process, and, as the baseline, on the
file's first ``--baseline-rows`` rows read into memory (an array that fits).
Each process samples ``/proc/self/status`` every 50 ms during the fit and
reports: VmHWM (the kernel's peak resident set, which counts the pages of the
file the process has mapped; the kernel can drop those), the peak of RssAnon
(the process's own memory) and of RssFile, each also as the extra above the
resident memory before the fit, per GiB of data. The file is deleted at the
end. Linux only.

    python -m benchmarks.memmap [--quick] [--rows N] [--features D] [--dir DIR]

(from the repository root). Writes ``benchmarks/results/memmap.json``
(``memmap_quick.json`` with --quick).
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks._common import ROOT, _reset_peak, _status_kb, make_parser, setup, write_result

GIB = 1 << 30


def write_data(path, n_rows, n_features, chunk=1 << 16):
    """A float32 ``.npy`` file of standard normal rows, written in chunks; seconds taken."""
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n_rows, n_features))
    for row in range(0, n_rows, chunk):
        stop = min(row + chunk, n_rows)
        X[row:stop] = rng.standard_normal((stop - row, n_features), dtype=np.float32)
    X.flush()
    del X
    return time.perf_counter() - start


class StatusSampler(threading.Thread):
    """Peaks of ``/proc/self/status`` fields (kB), read every ``interval`` seconds until :meth:`stop`."""

    FIELDS = ("VmRSS", "RssAnon", "RssFile")

    def __init__(self, interval=0.05):
        super().__init__(daemon=True)
        self.interval, self.peaks, self.done = interval, dict.fromkeys(self.FIELDS, 0), threading.Event()

    def sample(self):
        for field in self.FIELDS:
            self.peaks[field] = max(self.peaks[field], _status_kb(field) or 0)

    def run(self):
        while not self.done.wait(self.interval):
            self.sample()

    def stop(self):
        self.done.set()
        self.join()
        self.sample()
        return self.peaks


def probe(path, mode, n_rows, batch_size, threads, hidden):
    """In a fresh process: fit on the file (``mode="memmap"``) or its first ``n_rows`` in memory; print figures."""
    import torch

    from skgan import GANSampler, MLPDiscriminator, MLPGenerator

    torch.set_num_threads(threads)
    X = np.load(path, mmap_mode="r")
    if mode == "memory":
        X = np.array(X[:n_rows])
    GANSampler(max_iter=1, bandwidth=1.0, batch_size=64, random_state=0).fit(X[:256])  # imports, warm-up
    before = {field: _status_kb(field) for field in StatusSampler.FIELDS}
    _reset_peak()
    sampler = StatusSampler()
    sampler.start()
    start = time.perf_counter()
    GANSampler(max_iter=1, bandwidth=1.0, batch_size=batch_size, random_state=0,
               generator=MLPGenerator((hidden, hidden)), discriminator=MLPDiscriminator((hidden, hidden))).fit(X)
    seconds = time.perf_counter() - start
    peaks = sampler.stop()
    print(json.dumps({
        "mode": mode, "shape": list(X.shape), "data_gib": X.nbytes / GIB, "fit_seconds": seconds,
        "before_kb": before, "peak_kb": peaks, "vm_hwm_kb": _status_kb("VmHWM"),
    }))


def run_probe(path, mode, args):
    n_rows = args.rows if mode == "memmap" else args.baseline_rows
    cmd = [sys.executable, "-m", "benchmarks.memmap", "--probe", str(path), "--mode", mode,
           "--baseline-rows", str(n_rows), "--batch-size", str(args.batch_size), "--threads", str(args.threads),
           "--hidden", str(args.hidden)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"probe failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(figures):
    """MiB figures of one probe: peaks, and the extra anonymous memory above the start per GiB of data."""
    before, peak = figures["before_kb"], figures["peak_kb"]
    mib = {
        "vm_hwm_mib": figures["vm_hwm_kb"] / 1024,
        "peak_rss_anon_mib": peak["RssAnon"] / 1024,
        "peak_rss_file_mib": peak["RssFile"] / 1024,
        "rss_anon_before_mib": before["RssAnon"] / 1024,
        "extra_anon_mib": (peak["RssAnon"] - before["RssAnon"]) / 1024,
    }
    mib["extra_anon_mib_per_gib"] = mib["extra_anon_mib"] / figures["data_gib"]
    return {**figures, **mib}


def report_line(name, s):
    return (f"  {name:<22} {s['data_gib']:6.2f} GiB  fit {s['fit_seconds']:7.1f} s  VmHWM {s['vm_hwm_mib']:7.0f} MiB  "
            f"peak RssAnon {s['peak_rss_anon_mib']:7.0f} MiB (+{s['extra_anon_mib']:6.0f} during fit, "
            f"{s['extra_anon_mib_per_gib']:7.1f} MiB per GiB of X)  peak RssFile {s['peak_rss_file_mib']:6.0f} MiB")


def main(argv=None):
    parser = make_parser(__doc__, quick="a 256 MiB file and a 32 MiB baseline", threads=2)
    parser.add_argument("--rows", type=int, default=1 << 20, help="rows of the file (default: 2**20)")
    parser.add_argument("--features", type=int, default=1024, help="features (default: 1024; 4 GiB in all)")
    parser.add_argument("--baseline-rows", type=int, default=1 << 17, help="rows fitted in memory (512 MiB)")
    parser.add_argument("--batch-size", type=int, default=4096)
    parser.add_argument("--hidden", type=int, default=16, help="width of the networks' two hidden layers")
    parser.add_argument("--dir", default=None, help="folder for the temporary file (default: the system's)")
    parser.add_argument("--probe", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="memmap", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        return probe(args.probe, args.mode, args.baseline_rows, args.batch_size, args.threads, args.hidden)
    env = setup(args, device="cpu")  # the threads of the probes, which pin their own
    if args.quick:
        args.rows, args.baseline_rows = 1 << 16, 1 << 13
    folder = Path(tempfile.mkdtemp(prefix="skgan-memmap-", dir=args.dir))
    try:
        path = folder / "X.npy"
        write_seconds = write_data(path, args.rows, args.features)
        print(f"Wrote {args.rows} x {args.features} float32 ({path.stat().st_size / GIB:.2f} GiB) "
              f"in {write_seconds:.1f} s")
        streamed = summary(run_probe(path, "memmap", args))
        in_memory = summary(run_probe(path, "memory", args))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"GANSampler(max_iter=1, bandwidth=1.0, batch_size={args.batch_size}, MLP networks "
          f"({args.hidden}, {args.hidden})).fit(X), {args.threads} torch threads:")
    print(report_line("numpy.memmap", streamed))
    print(report_line("in memory (baseline)", in_memory))
    ratio = streamed["extra_anon_mib_per_gib"] / in_memory["extra_anon_mib_per_gib"]
    print(f"  extra anonymous memory per GiB of X: memmap / in memory = {ratio:.4f}")
    write_result({
        "environment": env,
        "command": " ".join(["python -m benchmarks.memmap", *(sys.argv[1:] if argv is None else argv)]),
        "memmap": streamed, "in_memory": in_memory, "extra_per_gib_ratio": ratio,
    }, "memmap_quick" if args.quick else "memmap")


if __name__ == "__main__":
    main()
