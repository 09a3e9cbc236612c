"""Bitwise identity of fits, samples, scores and model files across a refactoring: record, then compare.

A change that must not change behaviour (an architecture step) is checked by
recording, at a fixed ``random_state`` and one torch thread, the samples,
scores, bandwidths and loss histories of a numeric array, a numeric
DataFrame, a class-conditional fit, a weight-averaged fit with early
stopping and two mixed tables (palmerpenguins, with and without ``y``, and
``conditions``), and the model files they save; then recording again on
the changed code and comparing. ``load`` replays a recording's model files
(old files must load and give the same samples and scores).

    python -m benchmarks.bitwise_identity record before.pkl --files before/   # on the old code
    python -m benchmarks.bitwise_identity record after.pkl --files after/     # on the new code
    python -m benchmarks.bitwise_identity load old_files.pkl --files before/  # new code, old files
    python -m benchmarks.bitwise_identity compare before.pkl after.pkl

(from the repository root; ``compare`` exits 1 when anything differs).
"""

import pickle
import sys
from pathlib import Path

import numpy as np

from benchmarks._common import make_parser, setup


def cases():
    """``{name: (GANSampler parameters, X, y)}``: small fits that cover every codec and label road."""
    import palmerpenguins
    import pandas as pd
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    penguins = palmerpenguins.load_penguins()
    return {
        "numeric": (dict(max_iter=3, random_state=0, n_parzen_samples=500), X, None),
        "numeric_ema": (dict(n_parzen_samples=400, max_iter=3, random_state=1, ema_decay=0.9, early_stopping=True,
                             n_iter_no_change=1), X, None),
        "frame": (dict(n_parzen_samples=300, max_iter=2, random_state=2),
                  pd.DataFrame(X[:, :3], columns=["a", "b", "c"]), None),
        "conditional": (dict(n_parzen_samples=300, max_iter=3, random_state=0), X, y),
        "penguins": (dict(n_parzen_samples=300, max_iter=3, random_state=0), penguins, None),
        "penguins_y": (dict(n_parzen_samples=300, max_iter=2, random_state=3), penguins.drop(columns="species"),
                       penguins["species"]),
    }


def record(mode, files):
    """What each case's estimator gives (fitted and saved to ``files``, or loaded from there)."""
    import skgan

    results = {}
    for name, (params, X, y) in cases().items():
        path = Path(files) / f"{name}.skgan"
        if mode == "record":
            gan = skgan.GANSampler(**params).fit(X, y)
            gan.save(path)
        else:
            gan = skgan.load(path)
        rows = X.iloc[:20] if hasattr(X, "iloc") else X[:20]
        results[name] = (gan.sample(50, random_state=5), gan.score_samples(rows), gan.bandwidth_,
                         [record["d_loss"] for record in gan.history_])
        if name == "penguins":
            results["penguins_cond"] = gan.sample(30, random_state=1, conditions={"island": "Dream"})
        if name == "conditional":
            results["conditional_y"] = gan.sample(30, random_state=2, y=1)
    return results


def same(a, b):
    """Whether ``a`` and ``b`` are identical: frames with their dtypes, arrays bit for bit (NaN equal to NaN)."""
    if hasattr(a, "equals"):
        return a.equals(b) and list(a.dtypes) == list(b.dtypes)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, z) for x, z in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    return a == b or (a != a and b != b)


def main(argv=None):
    parser = make_parser(__doc__, quick=False, threads=1)
    parser.add_argument("action", choices=["record", "load", "compare"])
    parser.add_argument("results", nargs="+", help="the recording to write (record, load) or two to compare")
    parser.add_argument("--files", default=None, help="folder of the model files (record writes, load reads)")
    args = parser.parse_args(argv)
    setup(args)
    if args.action == "compare":
        first, second = (pickle.loads(Path(path).read_bytes()) for path in args.results)
        differ = [name for name in first if not same(first[name], second.get(name))]
        for name in first:
            print(f"{name:22s} {'DIFFERENT' if name in differ else 'identical'}")
        return 1 if differ else 0
    if args.files is None:
        parser.error("record and load need --files")
    Path(args.files).mkdir(parents=True, exist_ok=True)
    Path(args.results[0]).write_bytes(pickle.dumps(record(args.action, args.files)))
    print(f"wrote {args.results[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
