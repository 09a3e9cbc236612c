"""The skgan demo: a GAN on scikit-learn's handwritten digits.

Trains a :class:`~skgan.GANSampler` on the 8x8 digits that ship with
scikit-learn (no download), writes a grid of samples and the loss curves as
PNG files, and prints the Parzen-window log-likelihood of held-out digits
beside two references evaluated the same way: samples from one Gaussian
fitted to the training digits, and the training digits themselves.

Run it with ``python -m skgan.demo``; ``--help`` lists the options.
"""

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from ._sampler import GANSampler
from .metrics import PAPER_BANDWIDTHS, parzen_score, select_bandwidth
from .networks import MLPDiscriminator, MLPGenerator

N_WINDOW = 10_000  # Parzen window size, as in the paper


def evaluate(window, X_val, X_test, bandwidths):
    """Choose the bandwidth on X_val, then score X_test: (bandwidth, ParzenScore)."""
    bandwidth = select_bandwidth(window, X_val, bandwidths)
    return bandwidth, parzen_score(X_test, window, bandwidth)


def build_sampler(max_iter, random_state, verbose):
    """The demo's GAN: MLPs sized for 64-pixel images."""
    return GANSampler(
        generator=MLPGenerator(hidden_layer_sizes=(256, 256)),
        discriminator=MLPDiscriminator(hidden_layer_sizes=(256, 256), dropout=0.3),
        latent_dim=32,
        max_iter=max_iter,
        batch_size=64,
        learning_rate=2e-4,
        random_state=random_state,
        verbose=verbose,
    )


def run(output_dir="demo_output", max_iter=400, random_state=0, verbose=0, out=print):
    """Train, plot and evaluate; returns the table of Parzen scores as a dict."""
    X, y = load_digits(return_X_y=True)
    X_train, X_rest, _, y_rest = train_test_split(X, y, test_size=0.4, stratify=y, random_state=random_state)
    X_val, X_test = train_test_split(X_rest, test_size=0.6, stratify=y_rest, random_state=random_state)
    out(
        f"Digits: {len(X_train)} training, {len(X_val)} validation and {len(X_test)} "
        f"test images of 8x8 pixels in [0, 16]."
    )

    start = time.perf_counter()
    gan = build_sampler(max_iter, random_state, verbose).fit(X_train)
    fit_seconds = time.perf_counter() - start
    out(f"Trained {gan.n_iter_} epochs in {fit_seconds:.0f} s on {gan.device_}.")

    rng = np.random.default_rng(random_state)
    gaussian = rng.multivariate_normal(X_train.mean(0), np.cov(X_train, rowvar=False), size=N_WINDOW, method="eigh")
    bandwidths = PAPER_BANDWIDTHS * 16  # the paper's grid, for data spanning [0, 16]
    windows = {
        "GAN (skgan)": gan.sample(N_WINDOW, random_state=random_state),
        "One Gaussian fitted to the training data": gaussian,
        "Training data itself (memorising reference)": X_train,
    }
    results = {}
    out(f"\nParzen log-likelihood of {len(X_test)} test digits (nats, mean ± standard error):")
    for name, window in windows.items():
        bandwidth, score = evaluate(window, X_val, X_test, bandwidths)
        results[name] = {"mean": score.mean, "std_error": score.std_error, "bandwidth": float(bandwidth)}
        out(f"  {name:<45} {score.mean:9.2f} ± {score.std_error:5.2f}   (bandwidth {bandwidth:.2f})")

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    _save_figures(gan, output_dir, random_state)
    out(f"\nWrote {output_dir / 'samples.png'} and {output_dir / 'history.png'}.")
    return {"fit_seconds": fit_seconds, "epochs": gan.n_iter_, "scores": results}


def _save_figures(gan, output_dir, random_state):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plotting import plot_history, plot_samples

    ax = plot_samples(gan, image_shape=(8, 8), n_samples=100, random_state=random_state)
    ax.set_title("skgan samples of 8x8 digits")
    ax.figure.savefig(output_dir / "samples.png", dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    axes = plot_history(gan)
    axes[0].figure.tight_layout()
    axes[0].figure.savefig(output_dir / "history.png", dpi=120)
    plt.close(axes[0].figure)


def main(argv=None, prog="python -m skgan.demo"):
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[1])
    parser.add_argument("--output-dir", default="demo_output", help="folder for the PNG files (default: %(default)s)")
    parser.add_argument("--max-iter", type=int, default=400, help="training epochs (default: %(default)s)")
    parser.add_argument("--random-state", type=int, default=0, help="seed (default: %(default)s)")
    parser.add_argument("--verbose", action="store_true", help="print the losses after each epoch")
    args = parser.parse_args(argv)
    run(args.output_dir, args.max_iter, args.random_state, int(args.verbose))


if __name__ == "__main__":
    main()
