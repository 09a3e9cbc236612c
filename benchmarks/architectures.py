"""MLP vs DCGAN x nonsaturating vs WGAN-GP vs hinge on MNIST, at an equal wall-clock budget.

Each configuration trains a GANSampler on the first 50,000 MNIST training
images for the same number of minutes, then is scored with the paper's
Parzen protocol (:func:`skgan.metrics.paper_parzen_evaluation`: 10,000
samples, sigma chosen on the first 1,000 validation images, all 10,000 test
images). The table also gives, measured in the same run, the Parzen score of
10,000 training images (a memorising reference) as the baseline.

Networks: ``mlp`` is the default MLPGenerator / MLPDiscriminator;
``dcgan`` is DCGANGenerator / DCGANDiscriminator at CPU-sized widths
(``--dcgan-widths``; generator widths are the reverse). Each loss uses its
own defaults (``d_steps="auto"``, Adam betas) and the same learning rate.

``--quick``: 30 seconds per configuration on 10,000 images, 2,000 samples
and 1,000 test images; a smoke test whose figures are not comparable.

    python -m benchmarks.architectures [--quick] [--minutes 4] [--data PATH]

(from the repository root).

Writes ``benchmarks/results/architectures.json`` (``architectures_quick.json``).
"""

import time

import numpy as np
import torch

from benchmarks._common import load_mnist, make_parser, setup, write_result
from benchmarks.paper_table1 import train_for_budget
from skgan import GANSampler
from skgan.metrics import paper_parzen_evaluation

NETWORKS = ("mlp", "dcgan")
LOSSES = ("nonsaturating", "wasserstein-gp", "hinge")


def parse_args(argv):
    parser = make_parser(__doc__, quick="30 s per configuration on 10,000 images", seed=True, mnist="--data")
    parser.add_argument("--minutes", type=float, default=None, help="training budget per configuration (default 4)")
    parser.add_argument("--dcgan-widths", type=int, nargs="+", default=[32, 64],
                        help="discriminator channels, finest first (default 32 64)")
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    if args.minutes is None:
        args.minutes = 0.5 if args.quick else 4.0
    args.n_train, args.n_samples, args.n_test = (10000, 2000, 1000) if args.quick else (50000, 10000, 10000)
    return args


def make_sampler(network, loss, args):
    gan = GANSampler(
        network, network, image_shape=(1, 28, 28), loss=loss, max_iter=1, batch_size=args.batch_size,
        learning_rate=args.learning_rate, bandwidth=0.2, n_parzen_samples=100, random_state=args.seed,
        warm_start=True,
    )
    if network == "dcgan":
        widths = tuple(args.dcgan_widths)
        gan.set_params(generator__widths=widths[::-1], discriminator__widths=widths)
    return gan


def main(argv=None):
    args = parse_args(argv)
    env = setup(args, device="cuda" if torch.cuda.is_available() else "cpu")
    X_train, X_val, X_test = load_mnist(args.data, n_train=args.n_train, n_test=args.n_test)

    def evaluate(model):
        start = time.perf_counter()
        result = paper_parzen_evaluation(
            model, X_val, X_test, n_samples=None if not hasattr(model, "sample") else args.n_samples,
            random_state=args.seed if hasattr(model, "sample") else None,
        )
        return {"mean": result.mean, "std_error": result.std_error, "bandwidth": result.bandwidth,
                "evaluation_seconds": time.perf_counter() - start}

    window = X_train[np.random.RandomState(args.seed).choice(len(X_train), args.n_samples, replace=False)]
    baseline = evaluate(window)
    print(f"Baseline, {args.n_samples:,} training images as the window: "
          f"{baseline['mean']:.1f} ± {baseline['std_error']:.1f} nats", flush=True)
    rows = []
    for network in NETWORKS:
        for loss in LOSSES:
            print(f"{network} / {loss}: training for {args.minutes:g} min", flush=True)
            gan, seconds = train_for_budget(make_sampler(network, loss, args), X_train, minutes=args.minutes)
            figures = evaluate(gan)
            rows.append({"network": network, "loss": loss, "epochs": gan.n_iter_, "train_seconds": seconds,
                         "n_parameters": sum(p.numel() for m in (gan.generator_, gan.discriminator_)
                                             for p in m.parameters()),
                         "gap_to_baseline": figures["mean"] - baseline["mean"], **figures})
            print(f"  -> {figures['mean']:.1f} ± {figures['std_error']:.1f} nats", flush=True)

    print(f"\nParzen log-likelihood of {len(X_test):,} MNIST test images after {args.minutes:g} min of "
          f"training each ({torch.get_num_threads()} threads); baseline: {len(window):,} training images "
          f"{baseline['mean']:.1f} ± {baseline['std_error']:.1f}")
    print(f"  {'network':<8}{'loss':<16}{'epochs':>7}{'nats':>16}{'vs baseline':>13}{'sigma':>8}")
    for row in rows:
        print(f"  {row['network']:<8}{row['loss']:<16}{row['epochs']:>7}"
              f"{row['mean']:>9.1f} ± {row['std_error']:<4.1f}{row['gap_to_baseline']:>+13.1f}"
              f"{row['bandwidth']:>8.3f}")

    report = {
        "benchmark": "architectures", "quick": args.quick, "minutes_per_configuration": args.minutes,
        "n_train": len(X_train), "n_samples": args.n_samples, "n_test": len(X_test),
        "batch_size": args.batch_size, "learning_rate": args.learning_rate, "dcgan_widths": args.dcgan_widths,
        "baseline_training_images": baseline, "runs": rows, "threads": torch.get_num_threads(),
        "device": "cuda" if torch.cuda.is_available() else "cpu", "environment": env,
    }
    write_result(report, f"architectures{'_quick' if args.quick else ''}")


if __name__ == "__main__":
    main()
