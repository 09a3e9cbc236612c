"""CTGAN comparison: training speed and quality at equal wall time.

CTGAN (the ``ctgan`` package) is the usual GAN for tabular data. It is
BUSL-licensed and is *not* a dependency of skgan: install it into a separate
environment to run this benchmark, e.g.::

    python -m venv venv-ctgan
    venv-ctgan/bin/pip install ctgan -e .
    venv-ctgan/bin/python -m benchmarks.ctgan_comparison [--quick] [--threads 2]

(from the repository root, which makes ``benchmarks`` importable).

Data: 20,000 x 10 continuous rows (5,000 with --quick) from a fixed
generator (a 5-component Gaussian mixture in 8-D with random full
covariances, plus two columns that depend nonlinearly on the others); fresh
samples of the same size from the same generator are the held-out test set,
a second real set for the real-vs-real reference and a validation set
(used only by ``--compare-settings``, never the test set).

Measured in the same run, with the same number of torch threads:

* speed at equal epochs: CTGAN(epochs=E) and GANSampler(max_iter=E) with the
  same batch size (500, CTGAN's default), both with two hidden layers of 256
  units; seconds per epoch (median over the epochs) and whole-fit seconds,
  and the speed-up CTGAN / GANSampler;
* quality by a classifier two-sample test (C2ST): held-out real rows
  (label 1) against as many synthetic rows (label 0), split 50/50
  stratified, ``HistGradientBoostingClassifier(random_state=0)`` fitted on
  one half and its accuracy on the other reported (0.5: indistinguishable;
  1.0: trivially separable); for both models at E epochs, and for a
  GANSampler given CTGAN's whole-fit wall time (as many epochs as fit in it
  at its measured seconds per epoch);
* references: real vs real (another fresh real sample; about 0.5) and real
  vs one Gaussian fitted to the training rows (a weak baseline).

Writes ``benchmarks/results/ctgan_comparison.json``
(``ctgan_comparison_quick.json`` with --quick).

The project's goal: GANSampler >= 5x faster than CTGAN at equal or better
two-sample accuracy.
"""

import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

from benchmarks._common import fit_ctgan_timed, make_parser, setup, write_result
from skgan import GANSampler, MLPDiscriminator, MLPGenerator

N_FEATURES = 10
BATCH_SIZE = 500

# GANSampler's settings. "default" is the estimator's defaults with CTGAN's
# batch size; the others are the candidates --compare-settings tries on the
# validation sample. CHOSEN is the one the benchmark reports.
SKGAN_SETTINGS = {
    "default": {},
    "hinge": {"loss": "hinge"},
    "lr1e-3": {"learning_rate": 1e-3},
    "hinge-lr1e-3": {"loss": "hinge", "learning_rate": 1e-3},
    "ttur": {"learning_rate": 1e-4, "discriminator_learning_rate": 4e-4},
}
CHOSEN = "default"


# --------------------------------------------------------------------------- data

class Population:
    """A fixed 10-D distribution: Gaussian mixture in 8-D plus 2 nonlinear columns."""

    def __init__(self, seed=0, n_components=5, n_mixture_dims=8):
        rng = np.random.RandomState(seed)
        self.weights = rng.dirichlet(np.full(n_components, 3.0))
        self.means = rng.uniform(-4, 4, size=(n_components, n_mixture_dims))
        self.chols = []
        for _ in range(n_components):
            A = rng.normal(size=(n_mixture_dims, n_mixture_dims))
            cov = A @ A.T / n_mixture_dims + 0.05 * np.eye(n_mixture_dims)
            cov *= rng.uniform(0.3, 1.5)
            self.chols.append(np.linalg.cholesky(cov))

    def sample(self, n, seed):
        rng = np.random.RandomState(seed)
        comp = rng.choice(len(self.weights), size=n, p=self.weights)
        d = self.means.shape[1]
        Z = rng.normal(size=(n, d))
        X = np.empty((n, d))
        for k, L in enumerate(self.chols):
            rows = comp == k
            X[rows] = self.means[k] + Z[rows] @ L.T
        x8 = np.sin(X[:, 0]) * X[:, 1] + 0.1 * rng.normal(size=n)
        x9 = 0.25 * (X[:, 2] - X[:, 3]) ** 2 + np.exp(0.3 * X[:, 4]) + 0.2 * rng.normal(size=n)
        return np.column_stack([X, x8, x9])


def as_frame(X):
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])


# --------------------------------------------------------------------------- quality

def c2st(real, synthetic, seed=0):
    """Accuracy of a classifier separating real from synthetic rows on held-out rows."""
    X = np.vstack([real, synthetic])
    y = np.r_[np.ones(len(real)), np.zeros(len(synthetic))]
    X_fit, X_eval, y_fit, y_eval = train_test_split(X, y, test_size=0.5, stratify=y, random_state=seed)
    clf = HistGradientBoostingClassifier(random_state=0).fit(X_fit, y_fit)
    return float(clf.score(X_eval, y_eval))


def single_gaussian(X_train, n, seed):
    rng = np.random.RandomState(seed)
    return rng.multivariate_normal(X_train.mean(0), np.cov(X_train, rowvar=False), size=n)


# --------------------------------------------------------------------------- models

def fit_ctgan(CTGAN, X_train, epochs):
    """Fit CTGAN for ``epochs``; return the model, per-epoch seconds and whole-fit seconds."""
    model = CTGAN(epochs=epochs, batch_size=BATCH_SIZE, verbose=False, enable_gpu=False)
    model.set_random_state(0)
    total, preprocessing, durations = fit_ctgan_timed(model, as_frame(X_train))
    return model, durations, total, preprocessing


def skgan_estimator(settings, epochs):
    params = {
        "generator": MLPGenerator((256, 256)), "discriminator": MLPDiscriminator((256, 256)),
        "batch_size": BATCH_SIZE, "max_iter": epochs, "bandwidth": 1.0, "device": "cpu", "random_state": 0,
    }
    params.update(settings)
    return GANSampler(**params)


def fit_skgan(settings, X_train, epochs):
    gan = skgan_estimator(settings, epochs)
    start = time.perf_counter()
    gan.fit(X_train)
    total = time.perf_counter() - start
    return gan, [r["dur"] for r in gan.history_], total


def ctgan_sample(model, n):
    return model.sample(n).to_numpy(dtype=np.float64)


# --------------------------------------------------------------------------- main

def compare_settings(X_train, X_val, epochs):
    """C2ST on the validation sample of each candidate setting (never the test set)."""
    print(f"comparing GANSampler settings on the validation sample, {epochs} epochs each:")
    scores = {}
    for name, settings in SKGAN_SETTINGS.items():
        gan, _, total = fit_skgan(settings, X_train, epochs)
        scores[name] = {"settings": settings, "val_c2st": c2st(X_val, gan.sample(len(X_val), random_state=1)),
                        "fit_seconds": total}
        print(f"  {name:14s} {scores[name]['val_c2st']:.3f}   ({total:.1f} s)")
    return scores


def main(argv=None):
    parser = make_parser(__doc__, quick="5,000 rows and 2 epochs instead of 20,000 and 10", threads=2)
    parser.add_argument("--epochs", type=int, default=None, help="epochs E at equal epochs (default 10; 2 quick)")
    parser.add_argument("--compare-settings", type=int, default=0, metavar="EPOCHS",
                        help="also fit each candidate GANSampler setting for EPOCHS epochs and print "
                             "its C2ST on the validation sample (to choose CHOSEN)")
    args = parser.parse_args(argv)
    try:
        import ctgan
        from ctgan import CTGAN
    except ImportError:
        print("This benchmark needs CTGAN: pip install ctgan into a separate environment; "
              "it is BUSL-licensed and not a dependency of skgan.", file=sys.stderr)
        sys.exit(2)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    env = setup(args, device="cpu", ctgan=getattr(ctgan, "__version__", "unknown"))

    n_rows = 5_000 if args.quick else 20_000
    epochs = args.epochs or (2 if args.quick else 10)
    wall = time.perf_counter()
    population = Population(seed=0)
    X_train = population.sample(n_rows, seed=1)
    X_test = population.sample(n_rows, seed=2)  # held out: the two-sample test's real rows
    X_real2 = population.sample(n_rows, seed=3)  # the real-vs-real reference
    X_val = population.sample(n_rows, seed=4)  # only for --compare-settings
    torch.manual_seed(0)

    tuning = compare_settings(X_train, X_val, args.compare_settings) if args.compare_settings else None
    settings = SKGAN_SETTINGS[CHOSEN]

    print(f"{n_rows:,} x {N_FEATURES} continuous rows, batch {BATCH_SIZE}, {epochs} epochs, "
          f"{torch.get_num_threads()} threads")
    # equal epochs
    ct_model, ct_durations, ct_total, ct_pre = fit_ctgan(CTGAN, X_train, epochs)
    sk_model, sk_durations, sk_total = fit_skgan(settings, X_train, epochs)
    ct_epoch, sk_epoch = statistics.median(ct_durations), statistics.median(sk_durations)
    sk_overhead = max(sk_total - sum(sk_durations), 0.0)

    # equal wall time: GANSampler gets CTGAN's whole fit time
    budget = ct_total
    sk_time_epochs = max(1, int((budget - sk_overhead) / sk_epoch))
    sk_time_model, _, sk_time_total = fit_skgan(settings, X_train, sk_time_epochs)

    n_test = len(X_test)
    q = {
        "real_vs_real": c2st(X_test, X_real2),
        "real_vs_single_gaussian": c2st(X_test, single_gaussian(X_train, n_test, seed=5)),
        "ctgan_equal_epochs": c2st(X_test, ctgan_sample(ct_model, n_test)),
        "gansampler_equal_epochs": c2st(X_test, sk_model.sample(n_test, random_state=1)),
        "gansampler_equal_wall_time": c2st(X_test, sk_time_model.sample(n_test, random_state=1)),
    }

    figures = {
        "ctgan_seconds_per_epoch": ct_epoch,
        "gansampler_seconds_per_epoch": sk_epoch,
        "speedup_per_epoch_ctgan_over_gansampler": ct_epoch / sk_epoch,
        "ctgan_fit_seconds": ct_total,
        "ctgan_preprocessing_seconds": ct_pre,
        "gansampler_fit_seconds": sk_total,
        "speedup_whole_fit_ctgan_over_gansampler": ct_total / sk_total,
        "equal_wall_time_budget_seconds": budget,
        "gansampler_equal_wall_time_epochs": sk_time_epochs,
        "gansampler_equal_wall_time_fit_seconds": sk_time_total,
        "c2st": q,
        # CTGAN's preprocessing is a fixed cost: longer fits are closer to the
        # per-epoch ratio. Projected from this run's parts to CTGAN's default
        # 300 epochs:
        "speedup_whole_fit_projected_300_epochs": (ct_pre + 300 * ct_epoch)
        / (sk_total - epochs * sk_epoch + 300 * sk_epoch),
        "goal_speedup_at_least_5_whole_fit": ct_total / sk_total >= 5,
        "goal_speedup_at_least_5_per_epoch": ct_epoch / sk_epoch >= 5,
        "goal_c2st_equal_wall_time_not_worse": q["gansampler_equal_wall_time"] <= q["ctgan_equal_epochs"],
    }
    run_settings = {
        "n_train_rows": n_rows, "n_features": N_FEATURES, "n_test_rows": n_test,
        "data": "5-component Gaussian mixture in 8-D (random full covariances) + "
                "sin(x0)*x1 + noise, 0.25*(x2-x3)^2 + exp(0.3*x4) + noise; seeds 0 (population), "
                "1 train, 2 test, 3 real reference, 4 validation",
        "epochs": epochs, "batch_size": BATCH_SIZE, "threads": torch.get_num_threads(),
        "statistic": "median seconds over the epochs of one fit",
        "ctgan": "CTGAN defaults (embedding 128, residual generator 256x256, discriminator 256x256 "
                 "with pac 10, WGAN-GP, Adam 2e-4 betas (0.5, 0.9)), batch_size 500, no discrete "
                 "columns, enable_gpu=False, set_random_state(0)",
        "gansampler": {
            "networks": "MLPGenerator((256, 256)) (batch norm, ReLU, tanh), "
                        "MLPDiscriminator((256, 256)) (leaky ReLU, dropout 0.3); latent 100",
            "settings_name": CHOSEN, "settings": settings,
            "settings_chosen": CHOSEN != "default",
            "settings_note": "defaults kept: in a quick run (--quick --threads 1 --compare-settings 60, "
                             "C2ST on the validation sample, see ctgan_comparison_quick.json) no candidate "
                             "(hinge, lr 1e-3, hinge + lr 1e-3, TTUR 1e-4/4e-4) beat them",
            "fixed": "batch_size 500, bandwidth 1.0 (no Parzen bandwidth search: not part of "
                     "sampling), device cpu, random_state 0",
        },
        "equal_wall_time": "GANSampler epochs = floor((CTGAN whole-fit seconds - GANSampler fit "
                           "overhead) / GANSampler seconds per epoch), both measured in this run",
        "c2st": "real held-out rows (1) vs as many synthetic rows (0), stratified 50/50 split, "
                "HistGradientBoostingClassifier(random_state=0), accuracy on the second half",
    }

    def row(label, value, unit, note=""):
        print(f"  {label:38s} {value:9.3f} {unit:6s} {note}")

    print("speed at equal epochs (median epoch):")
    row("CTGAN", ct_epoch, "s/ep", "(baseline)")
    row("GANSampler", sk_epoch, "s/ep", f"speed-up {ct_epoch / sk_epoch:5.2f}x")
    row("CTGAN whole fit", ct_total, "s", f"(baseline; {ct_pre:.2f} s of it preprocessing)")
    row("GANSampler whole fit", sk_total, "s", f"speed-up {ct_total / sk_total:5.2f}x")
    print(f"  whole-fit speed-up projected to 300 epochs (CTGAN's default): "
          f"{figures['speedup_whole_fit_projected_300_epochs']:.2f}x")
    print("two-sample accuracy (0.5 perfect, 1.0 trivially separable):")
    row("real vs real", q["real_vs_real"], "", "(floor)")
    row("real vs single Gaussian", q["real_vs_single_gaussian"], "", "(weak baseline)")
    row(f"CTGAN, {epochs} epochs", q["ctgan_equal_epochs"], "", "(baseline)")
    row(f"GANSampler, {epochs} epochs", q["gansampler_equal_epochs"], "",
        f"vs CTGAN {q['gansampler_equal_epochs'] - q['ctgan_equal_epochs']:+.3f} (lower is better)")
    row(f"GANSampler, {sk_time_epochs} epochs ({sk_time_total:.1f} s)", q["gansampler_equal_wall_time"], "",
        f"vs CTGAN {q['gansampler_equal_wall_time'] - q['ctgan_equal_epochs']:+.3f} at {budget:.1f} s")

    record = {
        "benchmark": "ctgan_comparison", "quick": args.quick, "figures": figures, "settings": run_settings,
        "per_epoch_seconds": {"ctgan": ct_durations, "gansampler": sk_durations},
        "device": "cpu", "environment": env,
        "wall_seconds": time.perf_counter() - wall,
    }
    if tuning is not None:
        record["settings_comparison"] = {"epochs": args.compare_settings, "sample": "validation (seed 4)",
                                         "results": tuning}
    write_result(record, "ctgan_comparison_quick" if args.quick else "ctgan_comparison")


if __name__ == "__main__":
    main()
