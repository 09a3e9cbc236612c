"""Training speed: a GANSampler epoch against a hand-written PyTorch loop.

Both train the same MLP networks (built from the same specs) with the same
batch size, non-saturating loss and Adam settings on the same in-memory data;
the hand-written loop is the plain textbook version (index batches from a
tensor, one D step and one G step per batch). Both run on torch's threads
(``--threads``; GANSampler with ``n_threads=None``): the default's own choice
is ``benchmarks.busy_threads``'s subject. Prints seconds per epoch and
the ratio GANSampler / hand-written, and writes
``benchmarks/results/training.json`` (``training_quick.json`` with --quick,
so that a smoke run leaves the real figures alone). Also timed: the same hand-written loop
with torch's own ``nn.Dropout`` in the discriminator instead of skgan's,
whose CPU mask is drawn from uniforms.

    python -m benchmarks.training [--quick] [--threads N]

(from the repository root).
"""

import time

import numpy as np
import torch
import torch.nn.functional as F

from benchmarks._common import make_parser, setup, write_result
from skgan import GANSampler, MLPDiscriminator, MLPGenerator


def with_torch_dropout(module):
    """``module`` with each dropout layer replaced by torch's ``nn.Dropout``."""
    for name, child in module.named_children():
        if isinstance(child, torch.nn.Dropout):
            setattr(module, name, torch.nn.Dropout(child.p))
        else:
            with_torch_dropout(child)
    return module


def hand_written_epochs(X, generator_spec, discriminator_spec, latent_dim, batch_size, n_epochs, lr,
                        torch_dropout=False):
    torch.manual_seed(0)
    G = generator_spec(latent_dim=latent_dim, n_features=X.shape[1])
    D = discriminator_spec(n_features=X.shape[1])
    if torch_dropout:
        G, D = with_torch_dropout(G), with_torch_dropout(D)
    g_opt = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    n = X.shape[0]
    durations = []
    for _ in range(n_epochs):
        start = time.perf_counter()
        perm = torch.randperm(n)
        for b in range(n // batch_size):
            real = X[perm[b * batch_size : (b + 1) * batch_size]]
            with torch.no_grad():
                fake = G(torch.randn(batch_size, latent_dim))
            d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake)).mean()
            d_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            d_opt.step()
            g_loss = F.softplus(-D(G(torch.randn(batch_size, latent_dim)))).mean()
            g_opt.zero_grad(set_to_none=True)
            g_loss.backward()
            g_opt.step()
        durations.append(time.perf_counter() - start)
    return durations


def main(argv=None):
    args = make_parser(__doc__, quick="smaller data and fewer epochs").parse_args(argv)
    env = setup(args, device="cpu")
    n_rows, n_features, n_epochs, n_rounds = (5_000, 64, 2, 2) if args.quick else (20_000, 64, 2, 4)
    latent_dim, batch_size, lr = 100, 64, 2e-4
    X = np.random.RandomState(0).uniform(-1, 1, size=(n_rows, n_features))
    generator, discriminator = MLPGenerator((256, 256)), MLPDiscriminator((256, 256))

    wall = time.perf_counter()
    X_tensor = torch.tensor(X, dtype=torch.float32)
    gan = GANSampler(
        generator, discriminator, latent_dim=latent_dim, batch_size=batch_size, learning_rate=lr,
        max_iter=n_epochs, bandwidth=1.0, device="cpu", random_state=0,
        n_threads=None,  # torch's threads, as the hand-written loop: the same work compared
    )
    hand, hand_torch_dropout, ours, fits = [], [], [], []
    # interleaved rounds, so that a slow spell of a shared machine hits both
    for _ in range(n_rounds):
        hand += hand_written_epochs(X_tensor, generator, discriminator, latent_dim, batch_size, n_epochs, lr)
        hand_torch_dropout += hand_written_epochs(X_tensor, generator, discriminator, latent_dim,
                                                  batch_size, n_epochs, lr, torch_dropout=True)
        start = time.perf_counter()
        gan.fit(X)
        fits.append(time.perf_counter() - start)
        ours += [r["dur"] for r in gan.history_]
    hand_epoch, our_epoch, fit_seconds = min(hand), min(ours), min(fits)
    torch_dropout_epoch = min(hand_torch_dropout)
    figures = {
        "hand_written_seconds_per_epoch": hand_epoch,
        "hand_written_torch_dropout_seconds_per_epoch": torch_dropout_epoch,
        "ratio_torch_dropout_over_skgan_dropout": torch_dropout_epoch / hand_epoch,
        "gansampler_seconds_per_epoch": our_epoch,
        "ratio_gansampler_over_hand_written": our_epoch / hand_epoch,
        "gansampler_fit_seconds_including_setup": fit_seconds,
        "fit_overhead_ratio": fit_seconds / (hand_epoch * n_epochs),
    }
    settings = {
        "n_rows": n_rows, "n_features": n_features, "epochs_per_round": n_epochs, "rounds": n_rounds,
        "statistic": "minimum over epochs", "latent_dim": latent_dim, "batch_size": batch_size,
        "networks": "MLP 256x256 both (D: dropout 0.3, skgan's Dropout)", "loss": "nonsaturating",
        "optimizer": "Adam", "threads": torch.get_num_threads(),
    }
    print(f"Training, {n_rows} x {n_features} rows, batch {batch_size}; "
          f"fastest epoch of {n_rounds} interleaved rounds:")
    print(f"  hand-written PyTorch loop  {hand_epoch:8.3f} s/epoch   (baseline)")
    print(f"  GANSampler                 {our_epoch:8.3f} s/epoch   ratio {our_epoch / hand_epoch:5.3f}")
    print(f"  GANSampler whole fit       {fit_seconds:8.3f} s        "
          f"ratio {figures['fit_overhead_ratio']:5.3f} to {n_epochs} hand-written epochs")
    print(f"  hand-written, torch's nn.Dropout in D  {torch_dropout_epoch:8.3f} s/epoch   "
          f"ratio {torch_dropout_epoch / hand_epoch:5.3f} to skgan's dropout")
    name = "training_quick" if args.quick else "training"
    write_result({
        "benchmark": "training", "quick": args.quick, "figures": figures, "settings": settings,
        "device": "cpu", "environment": env, "wall_seconds": time.perf_counter() - wall,
    }, name)


if __name__ == "__main__":
    main()
