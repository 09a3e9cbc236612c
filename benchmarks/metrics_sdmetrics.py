"""skgan's column and pair similarities beside SDMetrics' quality-report metrics, on the Palmer penguins.

SDMetrics (https://docs.sdv.dev/sdmetrics) and the ``palmerpenguins`` data
package are *not* dependencies of skgan: install them into a throwaway
environment and run this script there, e.g.::

    python -m venv /tmp/sdm-venv
    /tmp/sdm-venv/bin/pip install sdmetrics palmerpenguins
    /tmp/sdm-venv/bin/python benchmarks/metrics_sdmetrics.py

(from the repository root). skgan's metric modules need only numpy, scipy and
scikit-learn; without torch in that environment they are loaded from the
source tree without importing the rest of skgan.

Real table: the 344 penguins (species, island, sex: categorical, sex with
missing values; bill and flipper lengths, bill depth, body mass: float with
missing values; year: int). Three synthetic tables of 344 rows, seed 0:

* ``bootstrap``: rows drawn with replacement from the real ones (close);
* ``independent``: each column drawn with replacement on its own (marginals
  kept, every relationship between columns broken);
* ``noisy``: the real rows with Gaussian noise of half a standard deviation
  on the numeric columns and a fifth of the categories redrawn uniformly.

Printed side by side, per column: SDMetrics' ``KSComplement`` /
``TVComplement`` and skgan's ``column_similarity`` score; per pair:
SDMetrics' ``CorrelationSimilarity`` (Pearson) / ``ContingencySimilarity``
(the metrics of its quality report's "Column Pair Trends") and skgan's
``pairwise_similarity`` score, with its default quantile bins for mixed
pairs (``skgan``) and with SDMetrics' equal-width bins
(``skgan_uniform``, ``binning="uniform"``). The two differ by design in two
places: SDMetrics bins the numeric column of a mixed pair into 10
equal-width bins of the real range, skgan by default into 10 quantile bins;
and SDMetrics' TV of a categorical column ignores missing values, skgan
counts them as a category. With ``--quiet`` only the largest differences are
printed.
"""

import argparse
import importlib
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def load_tabular():
    """skgan's ``_tabular`` module: imported normally, or from the source tree where torch is missing."""
    try:
        return importlib.import_module("skgan.metrics._table_metrics")
    except ImportError:
        for name in [n for n in sys.modules if n == "skgan" or n.startswith("skgan.")]:
            del sys.modules[name]
        for name, path in (("skgan", ROOT / "skgan"), ("skgan.metrics", ROOT / "skgan" / "metrics")):
            package = types.ModuleType(name)
            package.__path__ = [str(path)]
            sys.modules[name] = package
        return importlib.import_module("skgan.metrics._table_metrics")


def synthetic_tables(real, seed=0):
    rng = np.random.RandomState(seed)
    n = len(real)
    bootstrap = real.iloc[rng.randint(n, size=n)].reset_index(drop=True)
    independent = pd.DataFrame(
        {col: real[col].iloc[rng.randint(n, size=n)].to_numpy() for col in real.columns}
    ).astype(real.dtypes.to_dict())
    noisy = real.copy()
    for col in real.columns:
        if isinstance(real[col].dtype, pd.CategoricalDtype) or real[col].dtype == object:
            redraw = rng.rand(n) < 0.2
            categories = real[col].dropna().unique()
            values = noisy[col].astype(object).to_numpy()
            values[redraw] = rng.choice(categories, size=redraw.sum())
            noisy[col] = pd.Series(values, dtype=real[col].dtype)
        else:
            noisy[col] = real[col] + 0.5 * real[col].std() * rng.normal(size=n)
    return {"bootstrap": bootstrap, "independent": independent, "noisy": noisy}


def sdmetrics_columns(real, synthetic, categorical):
    from sdmetrics.single_column import KSComplement, TVComplement

    return {
        col: (TVComplement if categorical[col] else KSComplement).compute(real[col], synthetic[col])
        for col in real.columns
    }


def sdmetrics_pairs(real, synthetic, categorical):
    from sdmetrics.column_pairs import ContingencySimilarity, CorrelationSimilarity

    scores = {}
    columns = list(real.columns)
    for i, a in enumerate(columns):
        for b in columns[i + 1:]:
            if not (categorical[a] or categorical[b]):
                scores[a, b] = CorrelationSimilarity.compute(real[[a, b]], synthetic[[a, b]], coefficient="Pearson")
            else:
                continuous = [c for c in (a, b) if not categorical[c]]
                scores[a, b] = ContingencySimilarity.compute(
                    real[[a, b]], synthetic[[a, b]], continuous_column_names=continuous or None
                )
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print the largest differences only")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)  # pandas' notices inside SDMetrics

    from palmerpenguins import load_penguins

    tabular = load_tabular()
    real = load_penguins()
    for col in ("species", "island", "sex"):
        real[col] = real[col].astype("category")
    categorical = {col: bool(tabular.is_categorical(real[col])) for col in real.columns}

    for name, synthetic in synthetic_tables(real).items():
        print(f"\n=== synthetic: {name} ===")
        ours = tabular.column_similarity(real, synthetic)
        ours = ours[ours["metric"] != "missing"].set_index("column")["score"]
        theirs = sdmetrics_columns(real, synthetic, categorical)
        table = pd.DataFrame(
            {
                "kind": ["TV" if categorical[c] else "KS" for c in real.columns],
                "sdmetrics": [theirs[c] for c in real.columns],
                "skgan": [ours[c] for c in real.columns],
            },
            index=real.columns,
        )
        table["difference"] = table["skgan"] - table["sdmetrics"]
        print("columns (KSComplement / TVComplement vs column_similarity score):")
        print(table.round(4).to_string() if not args.quiet else table["difference"].abs().max().round(6))

        ours = tabular.pairwise_similarity(real, synthetic).set_index(["column_1", "column_2"])
        uniform = tabular.pairwise_similarity(real, synthetic, binning="uniform").set_index(["column_1", "column_2"])
        theirs = sdmetrics_pairs(real, synthetic, categorical)
        table = pd.DataFrame(
            {
                "kind": [ours.loc[key, "kind"] for key in theirs],
                "sdmetrics": list(theirs.values()),
                "skgan": [ours.loc[key, "score"] for key in theirs],
                "skgan_uniform": [uniform.loc[key, "score"] for key in theirs],
            },
            index=pd.MultiIndex.from_tuples(list(theirs)),
        )
        table["difference"] = table["skgan"] - table["sdmetrics"]
        table["difference_uniform"] = table["skgan_uniform"] - table["sdmetrics"]
        print("pairs (CorrelationSimilarity / ContingencySimilarity vs pairwise_similarity score):")
        if args.quiet:
            differences = table.groupby("kind")[["difference", "difference_uniform"]]
            print(differences.agg(lambda d: d.abs().max()).round(6).to_string())
        else:
            print(table.round(4).to_string())
        print("mean |difference| by kind:")
        differences = table.groupby("kind")[["difference", "difference_uniform"]]
        print(differences.agg(lambda d: d.abs().mean()).round(4).to_string())


if __name__ == "__main__":
    main()
