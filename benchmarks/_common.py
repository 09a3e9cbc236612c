"""What the benchmarks share: command line, environment record, result writer, memory probe, MNIST, threads.

The scripts run from the repository root as ``python -m benchmarks.NAME``, so
that ``benchmarks`` and the checkout's ``skgan`` are importable without any
change to ``sys.path``.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import torch

import skgan

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: MNIST beside the repository; ``SKGAN_MNIST`` or a script's option overrides it.
DEFAULT_MNIST = ROOT.parent / "shared" / "data" / "mnist.npz"


# --------------------------------------------------------------------------- environment


def environment(**extra):
    """The versions, machine and threads of this run, as a JSON-ready dict (``extra`` added)."""
    env = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "skgan": skgan.__version__,
        "threads": torch.get_num_threads(),
        "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    env.update(extra)
    return env


def pin_threads(threads, *, blas=False):
    """Set torch's CPU threads (and, with ``blas``, the BLAS/OpenMP pools') to ``threads``.

    ``None`` leaves torch's choice. Returns the number of torch threads in use.
    """
    if threads is not None:
        torch.set_num_threads(threads)
        if blas:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=threads)  # in force until the process ends
    return torch.get_num_threads()


# --------------------------------------------------------------------------- command line


def make_parser(doc, *, quick=True, threads=True, blas=False, device=False, seed=False, output=False, mnist=False,
           **kwargs):
    """The benchmark's ``argparse.ArgumentParser``, with the options every benchmark spells the same way.

    The description is the first paragraph of ``doc`` (the module's
    docstring); ``kwargs`` go to ``ArgumentParser``. Each common option is
    left out with ``False``; otherwise:

    * ``quick``: ``--quick``, a smoke run; a string says what it shrinks;
    * ``threads``: ``--threads N``, default ``None`` (torch's choice) with
      ``True``, else the default given; with ``blas``, :func:`setup` also
      holds the BLAS/OpenMP pools to N;
    * ``device``: ``--device``, default ``"cpu"`` with ``True``, else the
      default given;
    * ``seed``: ``--seed``, default 0 with ``True``, else the default given;
    * ``output``: ``--output PATH``, the JSON file to write instead of the
      benchmark's own in ``benchmarks/results``;
    * ``mnist``: the option's name (``"--data"``, ``"--mnist"``) for the
      path of ``mnist.npz`` (see :func:`mnist_path`).

    The benchmark adds its own options to it, then calls :func:`setup` on
    the parsed arguments.
    """
    result = argparse.ArgumentParser(description=doc.strip().split("\n\n")[0], **kwargs)
    if quick is not False:
        detail = f" ({quick})" if isinstance(quick, str) else ""
        result.add_argument("--quick", action="store_true",
                            help=f"a smoke run{detail}, written to the _quick result file")
    if threads is not False:
        default = None if threads is True else threads
        pools = "torch and BLAS/OpenMP" if blas else "torch CPU"
        shown = "torch's choice" if default is None else default
        result.add_argument("--threads", type=int, default=default, metavar="N",
                            help=f"{pools} threads (default: {shown})")
        result.set_defaults(pin_blas=blas)
    if device is not False:
        default = "cpu" if device is True else device
        result.add_argument("--device", default=default, help=f"torch device (default: {default})")
    if seed is not False:
        default = 0 if seed is True else seed
        result.add_argument("--seed", type=int, default=default, help=f"random seed (default: {default})")
    if output is not False:
        result.add_argument("--output", default=None, metavar="PATH",
                            help="JSON file to write (default: the benchmark's file in benchmarks/results)")
    if mnist is not False:
        result.add_argument(mnist, default=None, metavar="PATH",
                            help="path of mnist.npz (default: $SKGAN_MNIST or ../shared/data/mnist.npz)")
    return result


def setup(args, **extra):
    """Apply the common options of ``args`` (from :func:`make_parser`); the run's environment record.

    Pins the threads (:func:`pin_threads`; the BLAS/OpenMP pools too where
    the parser was made with ``blas``), then returns :func:`environment` with
    the common settings, the same fields in every benchmark: ``threads``
    (torch's threads now in use), ``threads_requested`` (``--threads``; None:
    torch's choice), ``blas_threads`` (the BLAS/OpenMP limit set, or None),
    ``quick``, ``device`` and ``seed`` (None where the benchmark has no such
    option). ``extra`` is added last, and may set any of them.
    """
    requested = getattr(args, "threads", None)
    blas = bool(getattr(args, "pin_blas", False))
    pin_threads(requested, blas=blas)
    record = environment(
        threads_requested=requested,
        blas_threads=requested if blas else None,
        quick=bool(getattr(args, "quick", False)),
        device=getattr(args, "device", None),
        seed=getattr(args, "seed", None),
    )
    record.update(extra)
    return record


# --------------------------------------------------------------------------- results


def timed(fn, repeat=1):
    """``(seconds, result)``: the best wall time of ``repeat`` calls of ``fn`` and its last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def result_path(name):
    """``benchmarks/results/NAME.json``."""
    return RESULTS / f"{name}.json"


def write_result(report, name=None, *, path=None):
    """Write ``report`` as indented JSON to ``result_path(name)`` (or ``path``); print and return the path."""
    path = Path(path) if path is not None else result_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Wrote {path}")
    return path


# --------------------------------------------------------------------------- memory


def _status_kb(key):
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak():
    """Reset VmHWM to the current RSS (Linux >= 4.0); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_extra_mb(fn):
    """Run fn(); return (result, peak RSS above the RSS before, in MB). Linux /proc, best effort."""
    import resource

    resettable = _reset_peak()
    before = _status_kb("VmRSS")
    ru_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = fn()
    if resettable and before is not None:
        extra = (_status_kb("VmHWM") - before) / 1024
    else:  # max RSS can only grow: a lower bound of 0 when the peak was earlier
        extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - ru_before) / 1024
    return result, max(extra, 0.0)


def print_probe(peak_mb):
    """In a probe process: report its figure to :func:`probe_in_subprocess` (the last line of stdout)."""
    print(json.dumps({"peak_extra_mb": peak_mb}))


def probe_in_subprocess(module, *args):
    """Run ``python -m module args...`` in a fresh process; the MB its :func:`print_probe` reported.

    A fresh process, so that memory freed earlier in the benchmark does not
    hide the peak. It runs from the repository root (``benchmarks`` is
    importable there): pass paths in ``args`` as absolute paths. None, with a
    message, if the probe fails.
    """
    cmd = [sys.executable, "-m", module, *map(str, args)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        return json.loads(res.stdout.strip().splitlines()[-1])["peak_extra_mb"]
    except subprocess.CalledProcessError as exc:
        print(f"memory probe failed: {exc}\n{exc.stderr[-2000:]}", file=sys.stderr)
    except (OSError, ValueError, IndexError, KeyError) as exc:
        print(f"memory probe failed: {exc}", file=sys.stderr)
    return None


# --------------------------------------------------------------------------- MNIST


def mnist_path(path=None):
    """``path``, else the environment variable ``SKGAN_MNIST``, else ``../shared/data/mnist.npz``."""
    return Path(path or os.environ.get("SKGAN_MNIST") or DEFAULT_MNIST)


def load_mnist(path=None, *, n_train=None, n_test=None):
    """MNIST in the paper's split: (train, validation, test), float64 rows of 784 pixels in [0, 1].

    ``mnist.npz`` holds uint8 arrays ``x_train`` (60000, 28, 28 or 784) and
    ``x_test`` (10000, ...). Train is ``x_train[:50000]`` (its first
    ``n_train`` rows), validation ``x_train[50000:]``, test ``x_test`` (its
    first ``n_test`` rows); pixels are divided by 255. ``path``: see
    :func:`mnist_path`. The rows are cut before the conversion to float64.
    """
    path = mnist_path(path)
    if not path.is_file():
        raise SystemExit(f"MNIST not found at {path}; pass its path or set SKGAN_MNIST.")
    with np.load(path) as data:
        x_train, x_test = data["x_train"], data["x_test"]
    x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    if x_train.shape != (60000, 784) or x_test.shape != (10000, 784):
        raise SystemExit(f"unexpected MNIST shapes {x_train.shape} and {x_test.shape}")

    def scaled(x):
        return x.astype(np.float64) / 255.0

    return scaled(x_train[:50000][:n_train]), scaled(x_train[50000:]), scaled(x_test[:n_test])


def fit_ctgan_timed(model, frame, **fit_kwargs):
    """``model.fit(frame, **fit_kwargs)`` for a CTGAN model: ``(fit seconds, preprocessing seconds, epoch seconds)``.

    CTGAN's epoch loop runs inside ``tqdm``; a stand-in for it records when
    each epoch starts and how long it takes, so the seconds before the first
    epoch are its preprocessing (the data transformer).
    """
    import ctgan.synthesizers.ctgan as ctgan_module

    starts, durations = [], []

    def epoch_timer(iterable, *args, **kwargs):
        for item in iterable:
            start = time.perf_counter()
            starts.append(start)
            yield item
            durations.append(time.perf_counter() - start)

    original, ctgan_module.tqdm = ctgan_module.tqdm, epoch_timer
    try:
        start = time.perf_counter()
        model.fit(frame, **fit_kwargs)
        fit_seconds = time.perf_counter() - start
    finally:
        ctgan_module.tqdm = original
    return fit_seconds, (starts[0] - start) if starts else None, durations
