"""Table 1 of Goodfellow et al. (2014): Parzen-window log-likelihood on MNIST.

Trains a GANSampler with the paper's MNIST networks (``goodfellow2014``
presets) on the first 50,000 training images for a wall-clock budget, then
evaluates it with the paper's protocol (:func:`skgan.metrics.paper_parzen_evaluation`:
10,000 samples, sigma chosen on the first 1,000 validation images among
``logspace(-1, 0, 10)``, all test images scored) and prints the result beside
the paper's Table 1 and two references computed the same way in this run:

* 10,000 real training images as the window (a model that memorised its
  training data; training rather than validation images, because the
  bandwidth is chosen on validation rows, which must not be window points);
* 10,000 samples of one Gaussian (full covariance) fitted to the training
  images, not clipped to [0, 1] (clipping would make it another model).

With ``--pca K`` the GAN is trained on the codes of ``PCA(K)`` fitted to the
training images (``GANSampler(transformer=...)``) and its samples are decoded
to pixels; a third reference is then printed: the same 10,000 training images
through PCA(K) and back, what a GAN that reproduced their codes exactly would
score. It shows how much of the score is the smoothing of the decoder.

``--quick`` is a smoke test: 1 minute of training on the first 10,000
images and 1,000 test images; its figures are not comparable with the paper's.

Data: ``mnist.npz`` with ``x_train`` (60000, 784) and ``x_test`` (10000, 784)
uint8 arrays, pixels divided by 255. Train = x_train[:50000], validation =
x_train[50000:], test = x_test. The path is ``--data``, else the environment
variable ``SKGAN_MNIST``, else ``../shared/data/mnist.npz`` from the project
root.

Each run is recorded in ``benchmarks/results/paper_table1.json``
(``paper_table1_quick.json`` with --quick) in a ``runs`` list; a run with the
same settings replaces the earlier one. A Figure 2 style sample grid goes to
``paper_table1.png`` (``paper_table1_quick.png``; ``paper_table1_pca.png`` with ``--pca``).

    python -m benchmarks.paper_table1 [--quick] [--minutes 30 | --epochs N] [--data PATH]

(from the repository root).
"""

import json
import platform
import time

import numpy as np
import torch
from sklearn.decomposition import PCA

from benchmarks._common import RESULTS, load_mnist, make_parser, result_path, setup, write_result
from skgan import GANSampler
from skgan._training import OPTIMIZERS
from skgan.losses import LOSSES
from skgan.metrics import PAPER_BANDWIDTHS, paper_parzen_evaluation
from skgan.networks import DISCRIMINATORS, GENERATORS, OUTPUT_RANGES

#: Table 1 of the paper, MNIST column (mean log-likelihood ± standard error, nats).
PAPER_TABLE1 = {
    "DBN": (138, 2),
    "Stacked CAE": (121, 1.6),
    "Deep GSN": (214, 1.1),
    "Adversarial nets": (225, 2),
}


def parse_args(argv):
    parser = make_parser(__doc__, quick="1 minute of training on 10,000 images, 1,000 test images",
                         device="auto", seed=True, mnist="--data")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, default=None, help="training budget in minutes (default 30)")
    budget.add_argument("--epochs", type=int, default=None, help="train exactly this many epochs instead")
    parser.add_argument("--generator", choices=sorted(GENERATORS), default="goodfellow2014")
    parser.add_argument("--discriminator", choices=sorted(DISCRIMINATORS), default="goodfellow2014")
    parser.add_argument("--loss", choices=sorted(LOSSES), default="nonsaturating")
    parser.add_argument("--noise", choices=["normal", "uniform"], default="normal")
    parser.add_argument("--latent-dim", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam",
                        help="goodfellow2014 is the original SGD schedule (use --learning-rate 0.1)")
    parser.add_argument("--d-steps", type=int, default=1)
    parser.add_argument("--ema-decay", type=float, default=None,
                        help="sample from a moving average of the generator's weights with this decay")
    parser.add_argument("--output-bias", choices=["zero", "marginals"], default="zero",
                        help="initial bias of the generator's output layer: the default, or the "
                        "pixel means through the inverse output activation (the original code)")
    parser.add_argument("--pca", type=int, default=None, metavar="K",
                        help="train on the codes of PCA(K) (GANSampler(transformer=...)); samples are decoded")
    parser.add_argument("--hidden-layer-sizes", type=int, nargs="+", default=None, metavar="WIDTH",
                        help="hidden widths of both networks with --generator/--discriminator mlp")
    parser.add_argument("--n-samples", type=int, default=10000, help="generated samples in the Parzen window")
    parser.add_argument("--n-validation", type=int, default=1000, help="validation rows that choose sigma")
    parser.add_argument("--n-test", type=int, default=None,
                        help="test rows scored (default all 10,000; 1,000 with --quick)")
    parser.add_argument("--n-train", type=int, default=None,
                        help="first training images used (default all 50,000; 10,000 with --quick)")
    parser.add_argument("--save-model", default=None, metavar="PATH",
                        help="also save the trained GANSampler there (skgan.load reads it back)")
    args = parser.parse_args(argv)
    if args.minutes is None and args.epochs is None:
        args.minutes = 1.0 if args.quick else 30.0
    if args.n_test is None:
        args.n_test = 1000 if args.quick else 10000
    if args.n_train is None:
        args.n_train = 10000 if args.quick else 50000
    for name in ("epochs", "n_train", "threads", "n_samples", "n_validation", "n_test", "latent_dim", "pca",
                 "batch_size", "d_steps"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if args.pca is not None and args.output_bias == "marginals":
        parser.error("--output-bias marginals sets the pixels' bias; it does not apply to --pca codes")
    if args.pca is not None and args.save_model:
        parser.error("--save-model stores no transformer; it does not apply to --pca")
    if args.hidden_layer_sizes is not None and "mlp" not in (args.generator, args.discriminator):
        parser.error("--hidden-layer-sizes applies to --generator mlp or --discriminator mlp")
    if args.minutes is not None and not args.minutes > 0:
        parser.error(f"--minutes must be positive, got {args.minutes}")
    return args


class MarginalBiasGenerator:
    """A generator factory whose output layer starts at the training pixel means.

    The original code initialised the generator's output bias from the data's
    marginals, so that training starts from the mean image. ``bias`` is in
    the pre-activation units of the output layer.
    """

    def __init__(self, spec, bias):
        self.spec, self.bias = spec, bias

    def __call__(self, *, latent_dim, n_features, n_classes=None):
        net = self.spec(latent_dim=latent_dim, n_features=n_features,
                        **({"n_classes": n_classes} if n_classes else {}))
        output = [m for m in net.modules() if isinstance(m, torch.nn.Linear)][-1]
        with torch.no_grad():
            output.bias.copy_(torch.as_tensor(self.bias, dtype=output.bias.dtype))
        return net


def marginal_bias(X, output_range):
    """Pixel means in the generator's output units (GANSampler's min-max scaling), inverted."""
    low, high = output_range
    center, spread = (X.min(0) + X.max(0)) / 2, (X.max(0) - X.min(0)) / 2
    scaled = np.where(spread > 0, (X.mean(0) - center) / np.where(spread > 0, spread, 1), 0.0)
    unit = np.clip((scaled + 1) / 2, 1e-3, 1 - 1e-3)  # in (0, 1)
    if (low, high) == (-1.0, 1.0):
        return np.arctanh(2 * unit - 1)
    return np.log(unit / (1 - unit))  # sigmoid output: min-max scaled onto [0, 1]


def network(args, role, presets):
    """The preset name of ``--generator``/``--discriminator``, or its MLP spec with ``--hidden-layer-sizes``."""
    name = getattr(args, role)
    if args.hidden_layer_sizes is None or name != "mlp":
        return name
    return presets[name]().set_params(hidden_layer_sizes=tuple(args.hidden_layer_sizes))


def train(args, X_train):
    """The GANSampler of these settings, trained for the budget; (gan, seconds)."""
    generator, discriminator = network(args, "generator", GENERATORS), network(args, "discriminator", DISCRIMINATORS)
    if args.output_bias == "marginals":
        spec = generator if not isinstance(generator, str) else GENERATORS[generator]()  # a spec or a preset
        output_range = OUTPUT_RANGES[spec.output_activation]
        generator = MarginalBiasGenerator(spec, marginal_bias(X_train, output_range))
    gan = GANSampler(
        generator=generator, discriminator=discriminator, latent_dim=args.latent_dim,
        noise=args.noise, loss=args.loss, d_steps=args.d_steps, max_iter=1, batch_size=args.batch_size,
        learning_rate=args.learning_rate, optimizer=args.optimizer, ema_decay=args.ema_decay, device=args.device,
        # a fixed bandwidth: fit holds out no rows and selects nothing; the
        # protocol below chooses sigma. The window is only used by score().
        bandwidth=0.2, n_parzen_samples=100, random_state=args.seed, warm_start=True,
        transformer=None if args.pca is None else PCA(args.pca, random_state=args.seed),
    )
    return train_for_budget(gan, X_train, minutes=args.minutes, epochs=args.epochs)


def train_for_budget(gan, X_train, *, minutes=None, epochs=None):
    """Fit ``gan`` (with ``warm_start=True, max_iter=1``) epoch by epoch; (gan, seconds).

    Runs ``epochs`` epochs, or stops before an epoch that would overrun
    ``minutes`` judged by the mean epoch length so far (at least one epoch).
    """
    start = time.perf_counter()
    while True:
        gan.fit(X_train)
        elapsed = time.perf_counter() - start
        last = gan.history_[-1]
        print(f"  epoch {gan.n_iter_:3d}  {elapsed:7.1f} s  D(x) {last['d_real']:.3f}  "
              f"D(G(z)) {last['d_fake']:.3f}  g_loss {last['g_loss']:.3f}", flush=True)
        if epochs is not None:
            if gan.n_iter_ >= epochs:
                break
        elif elapsed + (elapsed / gan.n_iter_) > 60.0 * minutes:
            break
    return gan, time.perf_counter() - start


def save_model(gan, path):
    """``gan.save(path)``, with a marginal-bias factory replaced by its spec.

    The factory only initialises the output bias; the spec builds the same
    network, so the saved file loads with the trained weights.
    """
    if isinstance(gan.generator, MarginalBiasGenerator):
        gan.generator = gan._fitted.settings["generator"] = gan.generator.spec
    gan.save(path)


def gaussian_samples(X, n_samples, seed):
    """Samples of the Gaussian with the mean and full covariance of X (not clipped)."""
    mean = X.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(X, rowvar=False))
    scale = np.sqrt(np.clip(eigenvalues, 0.0, None))  # the covariance is singular (constant pixels)
    z = np.random.RandomState(seed).standard_normal((n_samples, X.shape[1]))
    return mean + (z * scale) @ eigenvectors.T


def evaluate(name, generator, X_val, X_test, args, device, **kwargs):
    start = time.perf_counter()
    result = paper_parzen_evaluation(
        generator, X_val, X_test, n_samples=kwargs.pop("n_samples", None), n_validation=args.n_validation,
        device=device, **kwargs,
    )
    seconds = time.perf_counter() - start
    print(f"  {name}: {result}  (sigma {result.bandwidth:.4f}, {seconds:.1f} s)", flush=True)
    return {
        "mean": result.mean, "std_error": result.std_error, "bandwidth": result.bandwidth,
        "validation_scores": result.validation_scores.tolist(), "n_samples": result.n_samples,
        "evaluation_seconds": seconds,
    }


def reference_images(X_train, args):
    """The training images of the memorised reference: ``n_samples`` of them, drawn without replacement."""
    rows = np.random.RandomState(args.seed).choice(len(X_train), min(args.n_samples, len(X_train)), replace=False)
    return X_train[rows]


def pca_reconstructions(pca, X):
    """What a GAN that reproduced the codes of X exactly would sample: X through PCA, clipped to [0, 1]."""
    return np.clip(pca.inverse_transform(pca.transform(X)), 0.0, 1.0)


def nearest_rows(samples, X):
    """Index of the nearest row of X (Euclidean) for each sample."""
    sq = (samples**2).sum(1)[:, None] - 2 * samples @ X.T + (X**2).sum(1)[None, :]
    return sq.argmin(axis=1)


def save_figure(gan, X_train, path, seed):
    """Figure 2 style: 10 rows of 10 samples, then the nearest training image of the 10th."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from skgan.plotting import plot_samples

    samples = gan.sample(100, random_state=seed + 1).reshape(10, 10, -1)
    neighbours = X_train[nearest_rows(samples[:, -1], X_train)]
    grid = np.concatenate([samples, neighbours[:, None, :]], axis=1).reshape(110, -1)
    fig, ax = plt.subplots(figsize=(7.2, 6.6))
    plot_samples(grid, image_shape=(28, 28), n_cols=11, cmap="gray", ax=ax)
    # plot_samples pads each 28-pixel image by 1 pixel: the 11th column spans x = 291..318
    ax.add_patch(Rectangle((289.5, -0.5), 30, 10 * 29 + 1, fill=False, edgecolor="gold", linewidth=1.5))
    ax.set_title("Generated samples; framed: the nearest training image\nof the sample to its left", fontsize=9)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def record_run(path, run):
    """Add ``run`` to the ``runs`` of the JSON file, replacing one with the same settings."""
    report = json.loads(path.read_text()) if path.is_file() else {}
    runs = [r for r in report.get("runs", []) if r.get("settings") != run["settings"]]
    report.update(
        benchmark="paper_table1",
        paper_table1_mnist={name: {"mean": m, "std_error": se} for name, (m, se) in PAPER_TABLE1.items()},
        runs=runs + [run],
    )
    return write_result(report, path=path)


def print_table(figures, args, epochs):
    budget = f"{epochs} epoch{'s' * (epochs != 1)}" + ("" if args.epochs is not None else f", {args.minutes:g} min")
    nets = args.generator if args.generator == args.discriminator else f"{args.generator}/{args.discriminator}"
    codes = "" if args.pca is None else f" on PCA({args.pca}) codes"
    rows = [(name, None, f"{m} ± {se}") for name, (m, se) in PAPER_TABLE1.items()]
    rows += [
        (f"GAN, {nets} nets{codes} ({budget})", figures["gan"], ""),
        ("One Gaussian fitted to the training images", figures["gaussian"], ""),
        (f"{figures['training_images']['n_samples']:,} training images (memorised)", figures["training_images"], ""),
    ]
    if "pca_training_images" in figures:
        rows.append((f"the same through PCA({args.pca}) (memorised codes)", figures["pca_training_images"], ""))
    print()
    print(f"Parzen-window log-likelihood of {args.n_test:,} MNIST test images "
          "(nats, higher is better; ± is the standard error over test images)")
    width = max(len(row[0]) for row in rows)
    print(f"  {'model':<{width}} {'this run':>14} {'sigma':>6}   {'paper':>9}")
    for name, fig, paper in rows:
        ours = "" if fig is None else f"{fig['mean']:.1f} ± {fig['std_error']:.1f}"
        sigma = "" if fig is None else f"{fig['bandwidth']:.3f}"
        print(f"  {name:<{width}} {ours:>14} {sigma:>6}   {paper:>9}".rstrip())


def main(argv=None):
    args = parse_args(argv)
    wall = time.perf_counter()
    X_train, X_val, X_test = load_mnist(args.data, n_train=args.n_train, n_test=args.n_test)
    env = setup(args)
    budget = f"{args.epochs} epochs" if args.epochs is not None else f"{args.minutes:g} minutes"
    print(f"Training on {len(X_train):,} MNIST images for {budget} ({torch.get_num_threads()} threads)", flush=True)
    gan, train_seconds = train(args, X_train)
    device = gan.device_
    if args.save_model:
        save_model(gan, args.save_model)

    print(f"Evaluating with the paper's protocol ({args.n_samples:,} samples, sigma chosen on "
          f"{args.n_validation:,} validation images, {len(X_test):,} test images):", flush=True)
    figures = {
        "gan": evaluate("GAN", gan, X_val, X_test, args, device, n_samples=args.n_samples,
                        random_state=args.seed),
        "gaussian": evaluate("Gaussian", gaussian_samples(X_train, args.n_samples, args.seed),
                             X_val, X_test, args, device),
        "training_images": evaluate(
            "training images",
            reference_images(X_train, args),
            X_val, X_test, args, device,
        ),
    }
    if args.pca is not None:
        figures["pca_training_images"] = evaluate(
            f"PCA({args.pca}) reconstructions of the training images",
            pca_reconstructions(gan.transformer_, reference_images(X_train, args)), X_val, X_test, args, device,
        )
    print_table(figures, args, gan.n_iter_)

    suffix = "_quick" if args.quick else ""
    # the decoded samples of --pca runs get their own grid beside the pixel GANs'
    figure_path = RESULTS / f"paper_table1{'_pca' * (args.pca is not None)}{suffix}.png"
    RESULTS.mkdir(exist_ok=True)
    save_figure(gan, X_train, figure_path, args.seed)
    settings = {
        "quick": args.quick, "generator": args.generator, "discriminator": args.discriminator,
        "output_bias": args.output_bias,
        "loss": args.loss, "noise": args.noise, "latent_dim": args.latent_dim, "batch_size": args.batch_size,
        "learning_rate": args.learning_rate, "optimizer": args.optimizer, "d_steps": args.d_steps,
        "budget_minutes": args.minutes, "epochs_requested": args.epochs, "n_train": len(X_train),
        "n_samples": args.n_samples, "n_validation": args.n_validation, "n_test": len(X_test),
        "bandwidths": PAPER_BANDWIDTHS.tolist(), "pixel_scaling": "uint8 / 255", "seed": args.seed,
        "device": device, "threads": torch.get_num_threads(),
    }
    # absent from the runs recorded before the options existed
    for name in ("ema_decay", "pca", "hidden_layer_sizes"):
        if getattr(args, name) is not None:
            settings[name] = getattr(args, name)
    last = gan.history_[-1]
    run = {
        "settings": settings,
        "figures": figures,
        "epochs_run": gan.n_iter_,
        "last_epoch": {k: last[k] for k in ("d_loss", "g_loss", "d_real", "d_fake", "dur")},
        "epoch_seconds": [record["dur"] for record in gan.history_],
        "training_seconds": train_seconds,
        "wall_seconds": time.perf_counter() - wall,
        "figure": figure_path.name,
        "device_name": torch.cuda.get_device_name(0) if device.startswith("cuda") else platform.processor() or "cpu",
        "environment": env,
    }
    print()
    record_run(result_path(f"paper_table1{suffix}"), run)
    print(f"Wrote {figure_path} ({run['wall_seconds']:.0f} s in all)")


if __name__ == "__main__":
    main()
