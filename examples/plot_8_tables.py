"""
=========================================
Synthetic tables: penguins of every kind
=========================================

``GANSampler`` fits a pandas DataFrame of mixed columns, here the Palmer
penguins: text (species, island, sex), measurements with missing values, and
whole numbers (year). Each column is encoded by a
:class:`~skgan.preprocessing.TabularEncoder` (``encoder="auto"``), the
generator is conditioned on the categories, and ``sample`` returns a
DataFrame with the table's columns and dtypes. This example fits the table,
draws rows (also of one species on one island), compares them with the real
penguins column by column and with :func:`skgan.evaluate`, and saves the
model to a file. The user guide's :doc:`/user_guide/tables` says what comes
back for each dtype and how the networks see a table.
"""

# %%
# The table
# ---------
# 344 penguins, 8 columns; 11 have no recorded sex and 2 no measurements.
import os
import tempfile

import pandas as pd
from palmerpenguins import load_penguins

import skgan
from skgan import GANSampler
from skgan.plotting import plot_samples

FAST = os.environ.get("SKGAN_DOCS_FAST", "0") not in ("", "0", "false", "False")
MAX_ITER = 20 if FAST else 300

penguins = load_penguins()
print(penguins.dtypes.to_string())
penguins.head()

# %%
# Fitting
# -------
# The same estimator as for arrays. ``ema_decay`` samples from an average of
# the generator's recent weights, which evens out the oscillation of
# adversarial training. The encoder says how it read each column: text and
# the few years are discrete (one-hot), the measurements continuous
# (mode-specific normalisation, with a "missing" mode).
gan = GANSampler(max_iter=MAX_ITER, ema_decay=0.999, random_state=0).fit(penguins)
for column, kind in gan.encoder_.column_kinds_.items():
    print(f"{column:<18} {kind}")

# %%
# Sampling
# --------
# ``sample`` returns a DataFrame with the same columns and dtypes; missing
# values come back too, at about their rate.
synthetic = gan.sample(300, random_state=1)
print((synthetic.dtypes == penguins.dtypes).all(), "- the dtypes are the table's")
print(f"rows without a sex: {synthetic['sex'].isna().mean():.1%} generated, "
      f"{penguins['sex'].isna().mean():.1%} real")
synthetic.head()

# %%
# Conditional sampling
# --------------------
# ``conditions`` fixes discrete columns: every row is a Chinstrap from Dream
# by construction (the generator is conditioned on the values and their
# encoded categories are set). The other columns follow: Chinstraps have
# long bills but are lighter than Gentoos.
chinstraps = gan.sample(200, conditions={"species": "Chinstrap", "island": "Dream"}, random_state=2)
print(chinstraps[["species", "island"]].value_counts().to_string())
measures = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
pd.DataFrame({
    "real Chinstraps": penguins.loc[penguins["species"] == "Chinstrap", measures].mean(),
    "generated Chinstraps": chinstraps[measures].mean(),
    "all real penguins": penguins[measures].mean(),
}).round(1)

# %%
# Column by column
# ----------------
# :func:`~skgan.plotting.plot_samples` draws one panel per column of a
# table: density histograms on shared bins for the measurements, and the
# share of each category (with missing values as a bar of their own) for
# the discrete columns.
axes = plot_samples(gan, X=penguins, n_samples=len(penguins), random_state=1)

# %%
# One report
# ----------
# :func:`skgan.evaluate` gathers the metric families: a classifier's AUC at
# telling the tables apart, the MMD, precision and recall of the rows, and the
# similarity of each column and pair of columns, each beside the value that
# indistinguishable data would get. (With a ``holdout`` of real rows the
# generator never saw, it adds privacy and, with ``target=``, utility.)
report = skgan.evaluate(penguins, gan.sample(len(penguins), random_state=3))
print(report)

# %%
# Saving and loading
# ------------------
# ``save`` writes one file that :func:`skgan.load` reads without running
# code (no pickle), the tabular encoder included; the loaded model draws the
# same rows. The command line does the same with CSV files:
# ``skgan fit penguins.csv -o penguins.skgan`` and
# ``skgan sample penguins.skgan -n 300 -o synthetic.csv --condition species=Chinstrap``.
folder = tempfile.TemporaryDirectory()
path = os.path.join(folder.name, "penguins.skgan")
gan.save(path)
loaded = skgan.load(path)
print(f"{os.path.getsize(path) / 1e6:.1f} MB;",
      "same rows:", loaded.sample(5, random_state=4).equals(gan.sample(5, random_state=4)))
folder.cleanup()
