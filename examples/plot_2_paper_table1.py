"""
==============================================
The paper's Table 1 (MNIST), in quick mode
==============================================

Table 1 of Goodfellow et al. (2014) reports a Parzen-window log-likelihood of
225 ± 2 nats for adversarial nets on MNIST test images. This example runs the
same experiment on a small scale: the paper's networks (the
``"goodfellow2014"`` presets: a ReLU generator and a maxout discriminator
with dropout) and the paper's evaluation protocol
(:func:`skgan.metrics.paper_parzen_evaluation`), beside two references
computed the same way.

It is the ``--quick`` mode of ``benchmarks/paper_table1.py`` (one run trains
on 10,000 images); the figures of a full 30-minute run are in
:doc:`/user_guide/paper_table1`. A short run is far from the paper's figure:
this example shows the protocol, not the result.

**Data.** MNIST is read from ``mnist.npz`` (arrays ``x_train`` and ``x_test``
of uint8 pixels) at the path in the environment variable ``SKGAN_MNIST``, or
else at ``../shared/data/mnist.npz`` beside the repository. Nothing is
downloaded: without the file, the example says so and runs on scikit-learn's
8x8 digits instead, whose scores are not comparable with the paper's.
"""

# %%
# Settings and data
# -----------------
import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from skgan import GANSampler
from skgan.metrics import PAPER_BANDWIDTHS, paper_parzen_evaluation
from skgan.plotting import plot_samples

FAST = False  # True: a short run, as the documentation build makes

# sphinx_gallery_start_ignore
DOCS_FAST = os.environ.get("SKGAN_DOCS_FAST", "0")
FAST = FAST or DOCS_FAST not in ("", "0", "false", "False")
# sphinx_gallery_end_ignore
try:
    ROOT = Path(__file__).resolve().parents[1]
except NameError:  # run interactively from examples/
    ROOT = Path.cwd().resolve().parent
MNIST = Path(
    os.environ.get("SKGAN_MNIST") or ROOT.parent / "shared" / "data" / "mnist.npz"
)

#: Table 1 of the paper, MNIST column: mean ± standard error in nats.
PAPER_TABLE1 = {
    "DBN": (138, 2),
    "Stacked CAE": (121, 1.6),
    "Deep GSN": (214, 1.1),
    "Adversarial nets": (225, 2),
}

if MNIST.is_file():
    with np.load(MNIST) as data:
        x_train = data["x_train"].reshape(60000, -1) / 255.0
        x_test = data["x_test"].reshape(10000, -1) / 255.0
    # the paper's split: the first 50,000 training images train, the other
    # 10,000 are the validation images; MNIST's test images are scored
    X_train, X_val, X_test = x_train[:50000], x_train[50000:], x_test
    image_shape, dataset = (28, 28), "MNIST"
else:
    print(
        f"NOTE: MNIST not found at {MNIST} (set SKGAN_MNIST to its path).\n"
        "Running on scikit-learn's 8x8 digits instead; the scores are NOT "
        "comparable with the paper's."
    )
    digits = load_digits().data / 16.0  # pixels in [0, 1], as the paper's
    X_train, X_val, X_test = digits[:1000], digits[1000:1400], digits[1400:]
    image_shape, dataset = (8, 8), "digits"

if FAST:  # the documentation build: seconds, not minutes
    n_train, epochs, n_samples, n_test = 2000, 3, 2000, 500
else:  # the benchmark's --quick: 10,000 images, 10,000 samples, 1,000 test images
    n_train, epochs, n_samples, n_test = 10000, 5, 10000, 1000
X_train, X_test = X_train[:n_train], X_test[:n_test]
n_validation = min(
    1000, len(X_val)
)  # the paper chooses σ on the first 1,000 validation images
print(
    f"{dataset}: {len(X_train):,} training, {len(X_val):,} validation and "
    f"{len(X_test):,} test images "
    f"of {X_train.shape[1]} pixels; {epochs} epochs, "
    f"{n_samples:,} samples in the window"
)

# %%
# The paper's networks
# --------------------
# ``"goodfellow2014"`` names the networks of the paper's MNIST experiment:
# noise (100 dimensions) → 1200 ReLU → 1200 ReLU → sigmoid pixels, and a
# discriminator of two maxout layers (240 units of 5 pieces) with dropout.
# The bandwidth is fixed because the protocol below chooses its own, so
# ``fit`` holds no rows out.
gan = GANSampler(
    generator="goodfellow2014",
    discriminator="goodfellow2014",
    latent_dim=100,
    batch_size=100,
    max_iter=epochs,
    learning_rate=2e-4,
    bandwidth=0.2,
    n_parzen_samples=100,
    random_state=0,
)
start = time.perf_counter()
gan.fit(X_train)
print(f"Trained {gan.n_iter_} epochs in {time.perf_counter() - start:.1f} s")
print(gan.generator_)

# %%
# The paper's protocol
# --------------------
# :func:`~skgan.metrics.paper_parzen_evaluation` draws the samples, chooses
# the bandwidth σ among ``logspace(-1, 0, 10)`` by the mean log-likelihood of
# the first 1,000 validation images, scores every test image with it and
# reports the mean ± the standard error. It takes a fitted model with a
# ``sample`` method, or an array of samples used as the window, so the two
# references go through exactly the same steps.
rng = np.random.RandomState(0)
eigenvalues, eigenvectors = np.linalg.eigh(np.cov(X_train, rowvar=False))
gaussian = (
    X_train.mean(0)
    + (
        rng.standard_normal((n_samples, X_train.shape[1]))
        * np.sqrt(np.clip(eigenvalues, 0, None))
    )
    @ eigenvectors.T
)
memorised = X_train[
    rng.choice(len(X_train), min(n_samples, len(X_train)), replace=False)
]

evaluations = {
    f"GAN, goodfellow2014 nets ({gan.n_iter_} epochs)": paper_parzen_evaluation(
        gan,
        X_val,
        X_test,
        n_samples=n_samples,
        n_validation=n_validation,
        random_state=0,
    ),
    "One Gaussian fitted to the training images": paper_parzen_evaluation(
        gaussian, X_val, X_test, n_validation=n_validation
    ),
    f"{len(memorised):,} training images (memorised)": paper_parzen_evaluation(
        memorised, X_val, X_test, n_validation=n_validation
    ),
}

# %%
# The table
# ---------
# This run's figures beside the paper's. With a few epochs on a fraction of
# the data, the GAN is far from the paper's 225 nats; the references show
# the range that the protocol gives on these images.
print(
    f"Parzen log-likelihood of {len(X_test):,} {dataset} test images "
    "(nats; ± standard error)"
)
print(f"  {'model':<48} {'this run':>15} {'sigma':>6} {'paper':>9}")
for name, (mean, std_error) in PAPER_TABLE1.items():
    print(f"  {name:<48} {'':>15} {'':>6} {f'{mean} ± {std_error}':>9}")
for name, result in evaluations.items():
    score = f"{result.mean:.1f} ± {result.std_error:.1f}"
    print(f"  {name:<48} {score:>15} {result.bandwidth:6.3f}")

# %%
# Choosing σ
# ----------
# The mean validation log-likelihood of each candidate bandwidth; the
# protocol keeps the best. Samples close to the validation images favour a
# small σ; a poor generator needs a wide one.
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, result in evaluations.items():
    ax.plot(PAPER_BANDWIDTHS, result.validation_scores, marker="o", label=name)
    ax.axvline(result.bandwidth, color=ax.lines[-1].get_color(), linestyle=":")
ax.set_xscale("log")
ax.set_xlabel("bandwidth σ")
ax.set_ylabel("mean validation log-likelihood (nats)")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# Samples
# -------
# A grid in the style of the paper's Figure 2.
ax = plot_samples(
    gan, image_shape=image_shape, n_samples=50, random_state=1, cmap="gray"
)
ax.set_title(
    f"GAN samples after {gan.n_iter_} epochs on {len(X_train):,} {dataset} images"
)
plt.show()
