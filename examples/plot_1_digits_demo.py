"""
=====================================
The digits demo: a GAN on 8x8 digits
=====================================

The demo of ``python -m skgan.demo``, step by step: a
:class:`~skgan.GANSampler` learns scikit-learn's handwritten digits (1,797
images of 8x8 pixels, bundled with scikit-learn, no download), draws new
ones, and is scored with the Parzen-window log-likelihood of held-out digits
beside two references scored the same way.
"""

# %%
# Settings
# --------
# ``SKGAN_DOCS_FAST=1`` (set by the documentation build) trains for a few
# epochs only; the demo's default is 400.
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgan.demo import build_sampler, evaluate
from skgan.metrics import PAPER_BANDWIDTHS
from skgan.plotting import plot_history, plot_samples

FAST = False  # True: a short run, as the documentation build makes

# sphinx_gallery_start_ignore
import os  # noqa: E402

DOCS_FAST = os.environ.get("SKGAN_DOCS_FAST", "0")
FAST = FAST or DOCS_FAST not in ("", "0", "false", "False")
# sphinx_gallery_end_ignore
MAX_ITER = 30 if FAST else 400
N_WINDOW = 10_000  # samples in the Parzen window, as in the paper
print(f"{'Fast' if FAST else 'Full'} mode: {MAX_ITER} epochs")

# %%
# Data
# ----
# 60 % of the digits train the GAN; of the rest, 40 % choose the Parzen
# bandwidth (validation) and 60 % are scored (test). Pixels are in [0, 16].
X, y = load_digits(return_X_y=True)
X_train, X_rest, _, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0
)
X_val, X_test = train_test_split(X_rest, test_size=0.6, stratify=y_rest, random_state=0)
print(f"{len(X_train)} training, {len(X_val)} validation and {len(X_test)} test digits")

# %%
# Training
# --------
# Two-hidden-layer perceptrons of 256 units for both networks, 32 noise
# dimensions, the non-saturating loss and Adam (:func:`skgan.demo.build_sampler`).
gan = build_sampler(max_iter=MAX_ITER, random_state=0, verbose=0)
start = time.perf_counter()
gan.fit(X_train)
print(
    f"Trained {gan.n_iter_} epochs in {time.perf_counter() - start:.1f} s "
    f"on {gan.device_}"
)

# %%
# New digits
# ----------
# Each image is one row of ``gan.sample(100)``, in the units of the training
# data.
ax = plot_samples(gan, image_shape=(8, 8), n_samples=100, random_state=0)
ax.set_title(f"100 samples after {gan.n_iter_} epochs")
plt.show()

# %%
# Watching training
# -----------------
# The mean losses per epoch, and the discriminator's mean output on real rows
# ``D(x)`` and on generated rows ``D(G(z))``. At the game's equilibrium both
# tend to 0.5 (the line marked equilibrium); ``D(x)`` near 1 with ``D(G(z))``
# near 0 would mean the discriminator has won.
axes = plot_history(gan)
axes[0].figure.tight_layout()
plt.show()

# %%
# Parzen log-likelihood against references
# ----------------------------------------
# The test digits are scored under three windows of rows: 10,000 GAN samples,
# 10,000 samples of one Gaussian fitted to the training digits (a GAN should
# beat it), and the training digits themselves (a model that memorised its
# training data). Each window gets its own bandwidth, chosen on the
# validation digits among the paper's grid scaled to the pixel range.
rng = np.random.default_rng(0)
windows = {
    "GAN (skgan)": gan.sample(N_WINDOW, random_state=0),
    "one Gaussian": rng.multivariate_normal(
        X_train.mean(0), np.cov(X_train, rowvar=False), size=N_WINDOW, method="eigh"
    ),
    "training digits (memorised)": X_train,
}
results = {}
for name, window in windows.items():
    bandwidth, score = evaluate(window, X_val, X_test, PAPER_BANDWIDTHS * 16)
    results[name] = score
    print(
        f"{name:<28} {score.mean:8.2f} ± {score.std_error:4.2f} nats   "
        f"(bandwidth {bandwidth:.2f})"
    )

fig, ax = plt.subplots(figsize=(6, 2.5))
names = list(results)
ax.barh(
    names,
    [results[n].mean for n in names],
    xerr=[results[n].std_error for n in names],
    color=["C0", "C7", "C7"],
)
ax.invert_yaxis()
ax.set_xlabel("mean log-likelihood of the test digits (nats, higher is better)")
fig.tight_layout()
plt.show()

# %%
# The scores are in nats per 64-pixel image and only comparable with each
# other (same data, same units, same protocol). The line below is computed
# from this run's numbers:
gan_score, gaussian_score = results["GAN (skgan)"].mean, results["one Gaussian"].mean
verdict = "beats" if gan_score > gaussian_score else "does not beat"
print(
    f"After {gan.n_iter_} epochs the GAN {verdict} the single Gaussian "
    f"({gan_score:.1f} against {gaussian_score:.1f} nats)."
)

# %%
# A Parzen score is biased low and rewards memorisation (see
# :doc:`/user_guide/evaluation`), which is why the training digits
# themselves score best: read the GAN's score between the two references, and
# look at the samples too.
