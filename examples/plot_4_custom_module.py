"""
=================================================
Your own generator: a ``torch.nn.Module`` class
=================================================

Any :class:`torch.nn.Module` subclass can be the generator (or the
discriminator) of a :class:`~skgan.GANSampler`. The contract is small: the
generator is built as ``Generator(latent_dim=..., n_features=...)`` and maps
noise of shape ``(batch, latent_dim)`` to rows of shape
``(batch, n_features)``. Its other constructor arguments become nested
parameters, ``generator__<name>``, that ``get_params``, ``set_params``,
``clone`` and grid searches see, like any scikit-learn parameter.

This example writes a small residual generator, trains it on the "two moons"
data set, and changes its width and depth by nested parameters.
"""

# %%
# The module
# ----------
# ``width`` and ``n_blocks`` are this module's own arguments. An
# ``output_range`` attribute tells skgan the range of the last activation, so
# that the data is scaled onto it (a tanh: ``(-1, 1)``, also the default when
# the attribute is missing).
import time

import matplotlib.pyplot as plt
import torch
from sklearn.base import clone
from sklearn.datasets import make_moons
from torch import nn

from skgan import GANSampler, MLPDiscriminator

FAST = False  # True: a short run, as the documentation build makes

# sphinx_gallery_start_ignore
import os  # noqa: E402

DOCS_FAST = os.environ.get("SKGAN_DOCS_FAST", "0")
FAST = FAST or DOCS_FAST not in ("", "0", "false", "False")
# sphinx_gallery_end_ignore
MAX_ITER = 60 if FAST else 400


class ResidualGenerator(nn.Module):
    """Noise -> width -> ``n_blocks`` residual blocks -> tanh rows."""

    output_range = (-1.0, 1.0)

    def __init__(self, latent_dim, n_features, width=64, n_blocks=2):
        super().__init__()
        self.inputs = nn.Linear(latent_dim, width)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))
            for _ in range(n_blocks)
        )
        self.outputs = nn.Sequential(nn.ReLU(), nn.Linear(width, n_features), nn.Tanh())

    def forward(self, z):
        h = self.inputs(z)
        for block in self.blocks:
            h = h + block(h)
        return self.outputs(h)


# %%
# Passing the class
# -----------------
# Pass the class itself, not an instance: skgan builds a fresh module at each
# ``fit`` with the right sizes. ``set_params`` reaches its own arguments;
# skgan then wraps the class in a :class:`~skgan.ModuleFactory` that holds
# them.
X, _ = make_moons(n_samples=2000, noise=0.06, random_state=0)

gan = GANSampler(
    generator=ResidualGenerator,
    discriminator=MLPDiscriminator(hidden_layer_sizes=(64, 64)),
    latent_dim=4,
    max_iter=MAX_ITER,
    batch_size=64,
    learning_rate=1e-3,
    random_state=0,
)
gan.set_params(generator__width=64, generator__n_blocks=2)
print(gan.get_params()["generator"])
print(
    {
        name: value
        for name, value in gan.get_params().items()
        if name.startswith("generator__")
    }
)

# %%
# A misspelt argument is an error that names the valid ones:
try:
    gan.set_params(generator__widht=32)
except ValueError as error:
    print(error)

# %%
# Training
# --------
start = time.perf_counter()
gan.fit(X)
print(f"Trained {gan.n_iter_} epochs in {time.perf_counter() - start:.1f} s")
print(gan.generator_)

# %%
# Nested parameters in clones
# ---------------------------
# ``clone`` copies the nested parameters, so a wider, deeper variant is one
# ``set_params`` away, and grid searches work the same way (see
# :doc:`plot_5_grid_search`).
wider = clone(gan).set_params(generator__width=128, generator__n_blocks=3)
start = time.perf_counter()
wider.fit(X)
print(f"Wider: trained {wider.n_iter_} epochs in {time.perf_counter() - start:.1f} s")

# %%
# Real rows and generated rows
# ----------------------------
# ``score`` is the Parzen log-likelihood of the rows (nats per row, higher is
# better), with the bandwidth each model chose on its held-out rows. In the
# documentation's fast mode the networks train for a few dozen epochs only,
# and the samples show it: a GAN needs far more steps to draw both moons
# cleanly (run the script itself for the full 400 epochs).
X_test, _ = make_moons(n_samples=1000, noise=0.06, random_state=1)
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2), sharex=True, sharey=True)
axes[0].scatter(*X_test.T, s=3, color="C7")
axes[0].set_title("real (test rows)")
for ax, model, name in (
    (axes[1], gan, "width 64, 2 blocks"),
    (axes[2], wider, "width 128, 3 blocks"),
):
    samples = model.sample(1000, random_state=0)
    ax.scatter(*samples.T, s=3)
    ax.set_title(f"{name}\nParzen {model.score(X_test):.2f} nats")
    print(f"{name}: test Parzen log-likelihood {model.score(X_test):.3f} nats")
fig.tight_layout()
plt.show()

# %%
# Saving a model with your own module
# -----------------------------------
# :meth:`~skgan.GANSampler.save` writes only networks that can be described
# without code, so it refuses this one; pickle and joblib work for every
# model (with files from trusted sources only).
try:
    gan.save("custom.skgan")
except (TypeError, ValueError) as error:
    print(type(error).__name__, ":", error)

import pickle  # noqa: E402

restored = pickle.loads(pickle.dumps(gan))
print(
    "pickle round trip gives the same samples:",
    torch.equal(torch.as_tensor(restored.sample(5)), torch.as_tensor(gan.sample(5))),
)
