"""The skgan demo: a GAN on scikit-learn's handwritten digits.

Trains a :class:`~skgan.GANSampler` on the 8x8 digits that ship with
scikit-learn (no download), writes a grid of samples and the loss curves as
PNG files, and prints the Parzen-window log-likelihood of held-out digits
beside two references evaluated the same way: samples from one Gaussian
fitted to the training digits, and the training digits themselves.

Run it with ``python -m skgan.demo``; ``--help`` lists the options.
"""

import argparse
import re
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from ._sampler import GANSampler
from .callbacks import Callback
from .metrics import PAPER_BANDWIDTHS, parzen_score, select_bandwidth
from .networks import MLPDiscriminator, MLPGenerator

__all__ = ["build_sampler", "evaluate", "main", "run"]

N_WINDOW = 10_000  # Parzen window size, as in the paper


def evaluate(window, X_val, X_test, bandwidths):
    """Choose the Parzen bandwidth on validation rows, then score test rows.

    Parameters
    ----------
    window : array-like of shape (n_window, n_features)
        The rows of the Parzen window: generated samples, or any reference.
    X_val : array-like of shape (n_val, n_features)
        Rows that choose the bandwidth (best mean log-likelihood).
    X_test : array-like of shape (n_test, n_features)
        Rows that are scored.
    bandwidths : array-like of float
        The candidate bandwidths.

    Returns
    -------
    bandwidth : float
        The chosen bandwidth.
    score : ParzenScore
        Mean log-likelihood of ``X_test`` in nats and its standard error.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan.demo import evaluate
    >>> rng = np.random.RandomState(0)
    >>> window, X_val, X_test = rng.normal(size=(500, 2)), rng.normal(size=(50, 2)), rng.normal(size=(50, 2))
    >>> bandwidth, score = evaluate(window, X_val, X_test, [0.1, 0.3, 1.0])
    >>> float(bandwidth)
    0.3
    >>> score.mean < 0 < score.std_error
    True
    """
    bandwidth = select_bandwidth(window, X_val, bandwidths)
    return bandwidth, parzen_score(X_test, window, bandwidth)


def build_sampler(max_iter, random_state, verbose):
    """The demo's GAN: MLPs sized for 64-pixel images.

    Parameters
    ----------
    max_iter : int
        Training epochs.
    random_state : int or None
        Seed of the fit.
    verbose : int
        Progress output of the fit; 0 is silent.

    Returns
    -------
    gan : GANSampler
        The unfitted estimator: generator and discriminator with two hidden
        layers of 256 units, 32 noise dimensions, batch size 64, Adam at
        a learning rate of 2e-4, and samples from a moving average of the
        generator's weights (``ema_decay=0.999``).

    Examples
    --------
    >>> from skgan.demo import build_sampler
    >>> gan = build_sampler(max_iter=100, random_state=0, verbose=0)
    >>> gan.latent_dim, gan.generator.hidden_layer_sizes
    (32, (256, 256))
    """
    return GANSampler(
        generator=MLPGenerator(hidden_layer_sizes=(256, 256)),
        discriminator=MLPDiscriminator(hidden_layer_sizes=(256, 256), dropout=0.3),
        latent_dim=32,
        max_iter=max_iter,
        batch_size=64,
        learning_rate=2e-4,
        ema_decay=0.999,
        random_state=random_state,
        verbose=verbose,
    )


def run(output_dir="demo_output", max_iter=400, random_state=0, verbose=0, out=print, progress=True,
        n_threads="auto"):
    """Train, plot and evaluate: the whole demo.

    Splits scikit-learn's digits into training, validation and test rows,
    trains :func:`build_sampler`'s GAN, writes ``samples.png`` and
    ``history.png`` to ``output_dir`` and prints the Parzen log-likelihood
    of the test digits under the GAN and two references (one Gaussian fitted
    to the training digits, and the training digits themselves), each with
    its bandwidth chosen on the validation digits.

    Parameters
    ----------
    output_dir : str or path-like, default="demo_output"
        Folder for the two PNG files; created if missing.
    max_iter : int, default=400
        Training epochs.
    random_state : int, default=0
        Seed of the data split, the fit and the samples.
    verbose : int, default=0
        Progress output of the fit: 1 shows the losses of every epoch.
    out : callable, default=print
        Called with each line of the report.
    progress : bool, default=True
        Report the fit's progress about every tenth of the epochs, and each
        stage as it starts (with ``verbose=0``).
    n_threads : "auto", int or None, default="auto"
        Torch threads of the fit (the GANSampler parameter): ``"auto"``
        trains the demo's small networks on one thread, the fastest choice
        on an idle machine within about 10% and on a busy one by far.

    Returns
    -------
    results : dict
        ``fit_seconds``, ``epochs`` and ``scores``: for each model, the
        ``mean`` and ``std_error`` of the test log-likelihood in nats and the
        chosen ``bandwidth``.

    Examples
    --------
    >>> import tempfile
    >>> from skgan import demo
    >>> folder = tempfile.TemporaryDirectory()
    >>> results = demo.run(folder.name, max_iter=1, out=lambda line: None)
    >>> results["epochs"]
    1
    >>> sorted(results["scores"])
    ['GAN (skgan)', 'One Gaussian fitted to the training data', 'Training data itself (memorising reference)']
    >>> folder.cleanup()
    """
    X, y = load_digits(return_X_y=True)
    X_train, X_rest, _, y_rest = train_test_split(X, y, test_size=0.4, stratify=y, random_state=random_state)
    X_val, X_test = train_test_split(X_rest, test_size=0.6, stratify=y_rest, random_state=random_state)
    out(
        f"Digits: {len(X_train)} training, {len(X_val)} validation and {len(X_test)} "
        f"test images of 8x8 pixels in [0, 16]."
    )

    start = time.perf_counter()
    gan = build_sampler(max_iter, random_state, verbose).set_params(n_threads=n_threads)
    if progress and not verbose:
        out(f"Training the GAN for {_count(max_iter, 'epoch')} (Ctrl-C stops early and keeps the epochs done)...")
        gan.set_params(callbacks=[_EpochProgress(out=_Sink(out))])
    gan.fit(X_train)
    fit_seconds = time.perf_counter() - start
    out(f"Trained {_count(gan.n_iter_, 'epoch')} in {fit_seconds:.0f} s on {gan.device_}.")
    if progress:
        out(f"Sampling {N_WINDOW} rows from each model and scoring the test digits...")

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


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class _Sink:
    """Passes lines to ``out``; a copy is the same sink (callbacks are cloned, which deep-copies parameters)."""

    def __init__(self, out):
        self.out = out

    def __call__(self, line):
        self.out(line)

    def __deepcopy__(self, memo):
        return self


class _EpochProgress(Callback):
    """One line after the first epoch and about every tenth of the epochs: elapsed and remaining time.

    Parameters
    ----------
    out : callable, default=print
        Called with each line.
    n_lines : int, default=10
        About how many lines a fit prints.
    """

    def __init__(self, out=print, n_lines=10):
        self.out = out
        self.n_lines = n_lines

    def on_fit_begin(self, estimator, epochs=range(1, 2), **kwargs):
        """Note the epochs to come and the start time."""
        self.epochs_ = epochs
        self.every_ = max(1, len(epochs) // self.n_lines)
        self.start_ = time.perf_counter()

    def on_epoch_end(self, estimator, record, **kwargs):
        """Print a line after the first epoch, every ``every_`` epochs and after the last."""
        done = record["epoch"] - self.epochs_.start + 1
        total = len(self.epochs_)
        if done == 1 or done % self.every_ == 0 or done == total:
            elapsed = time.perf_counter() - self.start_
            left = elapsed / done * (total - done)
            self.out(f"  epoch {record['epoch']}/{self.epochs_[-1]}: {elapsed:.0f} s elapsed, about {left:.0f} s to go")


def _plain(text):
    """Text without Sphinx markup, for the terminal.

    Examples
    --------
    >>> _plain("Trains a :class:`~skgan.GANSampler` with ``verbose=1``.")
    'Trains a GANSampler with verbose=1.'
    """
    text = re.sub(r":[a-z:]+:`~?([^`]+)`", lambda match: match.group(1).rpartition(".")[2], text)
    return " ".join(text.replace("``", "").split())


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
    """Run the demo from the command line (``python -m skgan.demo``).

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; None reads ``sys.argv[1:]``. ``--help`` lists them.
    prog : str, default="python -m skgan.demo"
        The program name shown in the usage line.

    Examples
    --------
    >>> from skgan.demo import main
    >>> main(["--help"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    SystemExit: 0
    """
    parser = argparse.ArgumentParser(prog=prog, description=_plain(__doc__.split("\n\n")[1]), epilog=_EPILOG)
    parser.add_argument("--output-dir", default="demo_output", help="folder for the PNG files (default: %(default)s)")
    parser.add_argument("--max-iter", type=int, default=400, help="training epochs (default: %(default)s)")
    parser.add_argument("--random-state", type=int, default=0, help="seed (default: %(default)s)")
    parser.add_argument(
        "--threads", type=int, default=None, metavar="N",
        help="torch threads (default: the fit chooses by the networks' size, one for the demo's; "
             "the scores use torch's setting, one per core)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--verbose", action="store_true", help="print the losses after each epoch")
    shown.add_argument("--quiet", action="store_true", help="print only the results, no progress")
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error("--threads must be at least 1")
        import torch

        torch.set_num_threads(args.threads)
    run(args.output_dir, args.max_iter, args.random_state, int(args.verbose), progress=not args.quiet,
        n_threads="auto" if args.threads is None else args.threads)


_EPILOG = "Progress is shown about every tenth of the epochs."


if __name__ == "__main__":
    main()
