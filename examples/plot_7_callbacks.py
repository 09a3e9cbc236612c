"""
=============================================
Watching and steering training with callbacks
=============================================

``GANSampler(callbacks=[...])`` runs code during ``fit``. This example draws
a few generated digits after selected epochs with a callback of its own,
logs every epoch to a CSV file, keeps the best epoch in a model file with
``Checkpoint``, and stops when the held-out Parzen score stalls with
``EarlyStopping``.
"""

# %%
# A callback of our own
# ---------------------
# A subclass of :class:`skgan.callbacks.Callback` overrides the events it
# needs. At ``on_epoch_end`` the networks are in evaluation mode, so the
# callback can draw samples; it keeps them in an attribute ending in ``_``.
# ``fit`` works on a clone of each callback (it leaves its parameters alone),
# so the fitted one is read back from ``callbacks_``.
import csv
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import skgan
from skgan.callbacks import Callback, Checkpoint, CSVLogger, EarlyStopping
from skgan.demo import build_sampler

FAST = False  # True: a short run, as the documentation build makes

# sphinx_gallery_start_ignore
DOCS_FAST = os.environ.get("SKGAN_DOCS_FAST", "0")
FAST = FAST or DOCS_FAST not in ("", "0", "false", "False")
# sphinx_gallery_end_ignore
MAX_ITER = 12 if FAST else 300


class SampleGrid(Callback):
    """Draws ``n_samples`` rows (with a fixed seed) after every ``every``-th epoch."""

    def __init__(self, every=5, n_samples=8):
        self.every = every
        self.n_samples = n_samples

    def on_fit_begin(self, estimator, **kwargs):
        self.samples_ = {}

    def on_epoch_end(self, estimator, record, **kwargs):
        if record["epoch"] % self.every == 0:
            self.samples_[record["epoch"]] = estimator.sample(
                self.n_samples, random_state=0
            )


# %%
# Training with four callbacks
# ----------------------------
# ``EarlyStopping("val_score")`` makes the estimator hold out 10 % of the
# digits and score them after each epoch (the ``val_score`` column below);
# ``Checkpoint(monitor="val_score")`` writes a loadable model file whenever
# that score reaches a new best.
X = load_digits().data
folder = tempfile.TemporaryDirectory()
log_path = os.path.join(folder.name, "training.csv")
best_path = os.path.join(folder.name, "best.skgan")
gan = build_sampler(max_iter=MAX_ITER, random_state=0, verbose=0).set_params(
    n_parzen_samples=2000
)
gan.set_params(
    callbacks=[
        SampleGrid(every=max(1, MAX_ITER // 4)),
        CSVLogger(log_path),
        Checkpoint(best_path, monitor="val_score"),
        EarlyStopping("val_score", n_iter_no_change=20),
    ]
)
gan.fit(X)
grid, _, checkpoint, stopper = gan.callbacks_
print(
    f"trained {gan.n_iter_} epochs; "
    f"best held-out score at epoch {stopper.best_epoch_}: "
    f"{stopper.best_score_:.2f} nats"
)
print(f"checkpoints written after epochs {checkpoint.saved_epochs_}")

# %%
# The CSV log holds the history, one row per epoch, written as training goes
with open(log_path, newline="") as file:
    rows = list(csv.DictReader(file))
print(list(rows[0]))
for row in rows[-3:]:
    print({key: round(float(value), 3) for key, value in row.items()})

# %%
# Samples as training went on
# ---------------------------
epochs = sorted(grid.samples_)
fig, axes = plt.subplots(len(epochs), 8, figsize=(8, 1.1 * len(epochs)), squeeze=False)
for row, epoch in zip(axes, epochs, strict=True):
    for ax, image in zip(row, grid.samples_[epoch], strict=True):
        ax.imshow(image.reshape(8, 8), cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(f"epoch {epoch}", rotation=0, ha="right", va="center")
fig.tight_layout()
plt.show()

# %%
# The best epoch, loaded from its checkpoint
# ------------------------------------------
# Early stopping restored the best epoch's networks at the end of training,
# so the estimator and the checkpoint agree.
best = skgan.load(best_path)
same = np.array_equal(best.sample(5, random_state=1), gan.sample(5, random_state=1))
print(
    f"checkpoint: epoch {best.n_iter_}, bandwidth {best.bandwidth_:.3f}; "
    f"same samples as the estimator: {same}"
)
folder.cleanup()
