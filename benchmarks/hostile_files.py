"""Hostile model files: the memory and time ``skgan.load`` takes to refuse each kind, and what intact files cost.

Generates every hostile file of ``tests/persistence/test_model_file_security.py``
(its ``BOMBS``: flat pickles of millions of values, nesting millions deep on
the pickle's stack or through its memo, a million categories, values
outside their dtype, a score encoding at odds with its encoder, compressed
entries, networks larger than their weights, expanded tensors, another
program's checkpoint, ...) from small fitted models, and the costliest
pickle that the scan of its opcodes lets through (:func:`memoized_values`).
Each file is loaded ``--repeat`` times in a fresh Python process, which
reports the rise of its peak resident memory (``VmHWM``) across
``skgan.load``, the wall and CPU seconds, and the refusal; the smallest
rise and times are kept. For scale, intact files load the same way: the
models the files are made from, and a model with a history of 100,000
epochs (the pickle of a long fit, about 1.6 million opcodes); for them the
scan of the pickle's opcodes (``skgan.persistence._pickle_scan.scan``) and
``torch.load`` are also timed in this process (CPU seconds, best of
``--repeat``).

    python -m benchmarks.hostile_files [--quick] [--repeat N]

(from the repository root; Linux: ``/proc/self/status``). Writes
``benchmarks/results/hostile_files.json`` (``hostile_files_quick.json``
with --quick, which loads each file once).
"""

import struct
import tempfile
import time
import zipfile
from pathlib import Path

import torch

from benchmarks._common import make_parser, setup, write_result
from skgan.persistence._format import MAX_DEPTH
from skgan.persistence._pickle_scan import scan
from tests._factories import make_mixed_table, make_tiny_sampler
from tests.persistence.test_model_file_security import BOMBS, load_in_child, pickle_file, rewritten, save_models


def memoized_values(folder, n=1_000_000):
    """The costliest pickle the scan lets through: a million empty lists, each memoized under its own key.

    2,002,004 opcodes, under the budget of 2,097,152: loaded, then refused
    (it has no parameters); memory and time near the most any file can cost.
    """
    values = b"".join(b"]r" + struct.pack("<I", key) for key in range(10, n + 10))
    batches = b"".join(b"(" + values[start:start + 6000] + b"e" for start in range(0, len(values), 6000))
    return pickle_file(folder / "memoized.skgan", b"]q\x05" + batches)


def long_history(models, folder, n_epochs=100_000):
    """The plain model with a history of ``n_epochs`` records, as a fit of that many epochs writes it."""
    def change(config, state):
        record = state["history_"][0]
        state["history_"] = [dict(record, epoch=epoch + 1) for epoch in range(n_epochs)]
        state["n_iter_"] = n_epochs
    path = rewritten(models, folder, change)
    return path.rename(folder / "long_history.skgan")


def best_load(path, repeat):
    """The smallest peak rise and times of ``repeat`` loads in fresh processes, and the refusal (None: loaded)."""
    runs = [load_in_child(path) for _ in range(repeat)]
    return {"file_bytes": path.stat().st_size, "peak_rise_mb": min(r["increase"] for r in runs) / 2**20,
            "seconds": min(r["seconds"] for r in runs), "cpu_seconds": min(r["cpu_seconds"] for r in runs),
            "error": runs[0]["error"]}


def scan_share(path, repeat):
    """CPU seconds of the scan of the pickle's opcodes and of ``torch.load``, best of ``repeat``, in this process."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read(next(name for name in archive.namelist() if name.endswith("/data.pkl")))
    scans, loads = [], []
    for _ in range(repeat):
        start = time.process_time()
        opcodes = scan(data, MAX_DEPTH)
        scans.append(time.process_time() - start)
        start = time.process_time()
        torch.load(path, weights_only=True)
        loads.append(time.process_time() - start)
    return {"pickle_bytes": len(data), "opcodes": opcodes, "scan_cpu_seconds": min(scans),
            "torch_load_cpu_seconds": min(loads)}


def main():
    parser = make_parser(__doc__, quick="each file loaded once", threads=False)
    parser.add_argument("--repeat", type=int, default=3, help="loads of each file, the best kept (default: 3)")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    report = {"environment": setup(args, repeat=repeat), "hostile": {}, "intact": {}}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        models = save_models(folder, make_tiny_sampler, make_mixed_table())
        print(f"{'file':24} {'size':>12} {'peak rise':>11} {'wall s':>7} {'CPU s':>6}  refusal")
        bombs = {**BOMBS, "memoized_values (worst)": (lambda models, out: memoized_values(out), "")}
        for kind, (make, _) in sorted(bombs.items()):
            out = folder / kind.split()[0]
            out.mkdir()
            result = report["hostile"][kind] = best_load(make(models, out), repeat)
            print(f"{kind:24} {result['file_bytes']:>12,} {result['peak_rise_mb']:>9.1f}MB {result['seconds']:>7.2f} "
                  f"{result['cpu_seconds']:>6.2f}  {(result['error'] or 'LOADED').split(': ', 1)[-1][:100]}")
        history = folder / "history"
        history.mkdir()
        for path in (models / "plain.skgan", models / "table.skgan", long_history(models, history)):
            result = report["intact"][path.stem] = {**best_load(path, repeat), **scan_share(path, repeat)}
            print(f"{path.stem + ' (intact)':24} {result['file_bytes']:>12,} {result['peak_rise_mb']:>9.1f}MB "
                  f"{result['seconds']:>7.2f} {result['cpu_seconds']:>6.2f}  {result['error'] or 'loaded'}: "
                  f"{result['opcodes']:,} opcodes, scan {result['scan_cpu_seconds']:.3f} s, "
                  f"torch.load {result['torch_load_cpu_seconds']:.3f} s (CPU)")
    write_result(report, "hostile_files_quick" if args.quick else "hostile_files")


if __name__ == "__main__":
    main()
