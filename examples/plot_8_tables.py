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

The documentation builds this example with its full settings, as printed
(``SKGAN_DOCS_FAST`` does not shorten it): 300 epochs on 240 penguins take
about 20 seconds on one CPU core.
"""

# %%
# The table
# ---------
# 344 penguins, 8 columns; 11 have no recorded sex and 2 no measurements.
# 30% of them are held out: the model never sees them, and the report
# compares the generated rows with them.
import os
import tempfile

import matplotlib.pyplot as plt
import pandas as pd
from palmerpenguins import load_penguins
from sklearn.model_selection import train_test_split

import skgan
from skgan import GANSampler
from skgan.plotting import plot_samples

penguins = load_penguins()
train, holdout = train_test_split(
    penguins, test_size=0.3, stratify=penguins["species"], random_state=0
)
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
gan = GANSampler(max_iter=300, ema_decay=0.999, random_state=0).fit(train)
for column, kind in gan.encoder_.column_kinds_.items():
    print(f"{column:<18} {kind}")

# %%
# Sampling
# --------
# ``sample`` returns a DataFrame with the same columns and dtypes; missing
# values come back too, at about their rate.
synthetic = gan.sample(len(train), random_state=1)
print((synthetic.dtypes == penguins.dtypes).all(), "- the dtypes are the table's")
print(
    f"rows without a sex: {synthetic['sex'].isna().mean():.1%} generated, "
    f"{train['sex'].isna().mean():.1%} real"
)
synthetic.head()

# %%
# Real against synthetic
# ----------------------
# Two measurements of each penguin, by species. The generated penguins follow
# the real ones' three clusters, more loosely: some generated Chinstraps
# stray among the Adelies, which a classifier notices (the report's
# two-sample AUC, below).
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), sharex=True, sharey=True)
panels = [("real", train), ("generated", synthetic)]
for ax, (title, frame) in zip(axes, panels, strict=True):
    for species, rows in frame.groupby("species"):
        ax.scatter(
            rows["flipper_length_mm"], rows["bill_length_mm"], s=12, label=species
        )
    ax.set_title(f"{title} penguins ({len(frame)})")
    ax.set_xlabel("flipper length (mm)")
axes[0].set_ylabel("bill length (mm)")
axes[1].legend(loc="lower right", fontsize=8)
fig.tight_layout()

# %%
# Conditional sampling
# --------------------
# ``conditions`` fixes discrete columns: every row is a Chinstrap from Dream
# by construction (the generator is conditioned on the values and their
# encoded categories are set). The other columns follow the species: the
# generated Chinstraps' bills are longer than the average penguin's, though
# a little shorter than real Chinstraps', and they are lighter than the
# average penguin (Gentoos weigh more).
chinstraps = gan.sample(
    200, conditions={"species": "Chinstrap", "island": "Dream"}, random_state=2
)
print(chinstraps[["species", "island"]].value_counts().to_string())
measures = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
is_chinstrap = train["species"] == "Chinstrap"
pd.DataFrame({
    "real Chinstraps": train.loc[is_chinstrap, measures].mean(),
    "generated Chinstraps": chinstraps[measures].mean(),
    "all real penguins": train[measures].mean(),
}).round(1)

# %%
# Column by column
# ----------------
# :func:`~skgan.plotting.plot_samples` draws one panel per column of a
# table: density histograms on shared bins for the measurements, and the
# share of each category (with missing values as a bar of their own) for
# the discrete columns.
axes = plot_samples(gan, X=train, n_samples=len(train), random_state=1)

# %%
# One report
# ----------
# :func:`skgan.evaluate` gathers the metric families, each beside the value
# that indistinguishable data would get: a classifier's AUC at telling real
# from synthetic rows (0.5: it cannot), the MMD, precision and recall of the
# rows, the similarity of each column and pair of columns; with the
# ``holdout`` the model never saw, the distances to the closest record
# (privacy: are synthetic rows nearer the training rows than new ones?) and,
# with ``target=``, train-synthetic-test-real utility: a classifier of the
# species trained on synthetic rows and tested on the held-out real ones.
report = skgan.evaluate(
    train, gan.sample(len(train), random_state=3), holdout=holdout, target="species"
)
report.to_frame()[["family", "metric", "value", "reference"]].round(3)

# %%
# ``report.plot()`` draws the metrics whose perfect value is 1 or 0.5 as
# bars, with that value marked. On 240 training penguins the AUC stays well
# above 0.5: a classifier can still tell many generated penguins from real
# ones, while the columns' distributions (column similarity) are close and a
# species classifier trained on synthetic penguins gets most held-out ones
# right.
ax = report.plot()
ax.figure.tight_layout()

# %%
# Saving and loading
# ------------------
# ``save`` writes one file that :func:`skgan.load` reads without running
# code (no pickle), the tabular encoder included; the loaded model draws the
# same rows. The command line does the same with CSV files:
# ``skgan fit penguins.csv -o penguins.skgan`` and
# ``skgan sample penguins.skgan -n 300 -o synthetic.csv
# --condition species=Chinstrap``.
folder = tempfile.TemporaryDirectory()
path = os.path.join(folder.name, "penguins.skgan")
gan.save(path)
loaded = skgan.load(path)
same = loaded.sample(5, random_state=4).equals(gan.sample(5, random_state=4))
print(f"{os.path.getsize(path) / 1e6:.1f} MB; same rows: {same}")
folder.cleanup()
