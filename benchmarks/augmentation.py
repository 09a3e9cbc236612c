"""Data augmentation: GANOversampler against no augmentation, random over-sampling and SMOTE.

Two imbalanced problems built from scikit-learn's bundled data sets:

* digits, with classes 0, 1 and 2 thinned to 10 % of their rows (18 each
  against ~180 for the other classes);
* breast_cancer, with the malignant class thinned to 15 % of the rows
  (63 malignant, 357 benign).

Every method has the same downstream model, LogisticRegression(max_iter=2000)
on StandardScaler'd features, and is scored by balanced accuracy and macro F1
on the same RepeatedStratifiedKFold splits (5 folds x 2 repeats; 3 x 1 with
--quick):

* none: no augmentation;
* random_oversampler, smote: imbalanced-learn's, in an imblearn Pipeline
  (scaler -> over-sampler -> classifier);
* gan_oversampler: skgan.GANOversampler in the same imblearn Pipeline;
* augmented_estimator: skgan.AugmentedEstimator(LogisticRegression) as the
  last step of a scikit-learn Pipeline after the scaler: the same computation
  with another GAN seed (random_state=1 instead of 0), so the two GAN rows
  also show how much the GAN's seed moves the scores.

Over-samplers use sampling_strategy="auto" (every class up to the majority's
size). Prints mean +- std over folds, the paired per-fold difference
GANOversampler - SMOTE (mean +- standard error, and folds won/tied/lost),
and writes benchmarks/results/augmentation.json (augmentation_quick.json with
--quick). Needs imbalanced-learn (pip install "skgan[imbalanced]").

    python -m benchmarks.augmentation [--quick] [--threads N] [--output PATH]

(from the repository root).
"""

import sys
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from benchmarks._common import make_parser, result_path, setup, write_result
from skgan import AugmentedEstimator, GANOversampler, GANSampler, MLPDiscriminator, MLPGenerator

try:
    import imblearn
    from imblearn.over_sampling import SMOTE, RandomOverSampler
    from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
except ImportError:  # pragma: no cover
    sys.exit('This benchmark needs imbalanced-learn: pip install "skgan[imbalanced]".')

METHODS = ("none", "random_oversampler", "smote", "gan_oversampler", "augmented_estimator")
METRICS = ("balanced_accuracy", "f1_macro")
THINNING_SEED = 0


def thin(X, y, keep, seed=THINNING_SEED):
    """Keep ``keep[c]`` randomly chosen rows of each class c in ``keep`` (all rows of the others)."""
    rng = np.random.RandomState(seed)
    rows = [
        rng.choice(np.flatnonzero(y == c), keep[c], replace=False) if c in keep else np.flatnonzero(y == c)
        for c in np.unique(y)
    ]
    rows = np.sort(np.concatenate(rows))
    return X[rows], y[rows]


def datasets():
    digits = load_digits()
    X, y = digits.data, digits.target
    digits_keep = {c: int(round(0.10 * np.sum(y == c))) for c in (0, 1, 2)}
    cancer = load_breast_cancer()  # target 0 = malignant (212 rows), 1 = benign (357)
    Xc, yc = cancer.data, cancer.target
    n_benign = int(np.sum(yc == 1))
    cancer_keep = {0: int(round(n_benign * 0.15 / 0.85))}  # malignant = 15 % of the rows
    return {
        "digits": (*thin(X, y, digits_keep), "classes 0, 1, 2 kept at 10 % of their rows"),
        "breast_cancer": (*thin(Xc, yc, cancer_keep), "malignant (0) thinned to 15 % of the rows"),
    }


def gan_template(max_iter):
    return GANSampler(
        MLPGenerator((128, 128)),
        MLPDiscriminator((128, 128)),
        latent_dim=32,
        max_iter=max_iter,
        batch_size=64,
        learning_rate=1e-3,
        bandwidth=1.0,  # a fixed Parzen bandwidth: no validation split, every row trains the GAN
    )


def model(method, gan):
    classifier = LogisticRegression(max_iter=2000)
    if method == "none":
        return make_pipeline(StandardScaler(), classifier)
    if method == "random_oversampler":
        return make_imblearn_pipeline(StandardScaler(), RandomOverSampler(random_state=0), classifier)
    if method == "smote":
        return make_imblearn_pipeline(StandardScaler(), SMOTE(random_state=0), classifier)
    if method == "gan_oversampler":
        return make_imblearn_pipeline(StandardScaler(), GANOversampler(gan, random_state=0), classifier)
    if method == "augmented_estimator":
        return make_pipeline(StandardScaler(), AugmentedEstimator(classifier, gan, random_state=1))
    raise ValueError(method)


def paired(a, b):
    """Mean and standard error of the per-fold differences a - b, and folds won/tied/lost."""
    diff = np.asarray(a) - np.asarray(b)
    se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan")
    return {
        "mean": float(diff.mean()),
        "std_error": se,
        "won": int(np.sum(diff > 1e-12)),
        "tied": int(np.sum(np.abs(diff) <= 1e-12)),
        "lost": int(np.sum(diff < -1e-12)),
    }


def main(argv=None):
    parser = make_parser(__doc__, quick="3 folds x 1 repeat and 200 GAN epochs, not 5 x 2 and 300", threads=1,
                         blas=True, output=True)
    args = parser.parse_args(argv)
    n_splits, n_repeats, max_iter = (3, 1, 200) if args.quick else (5, 2, 300)
    output = args.output or result_path("augmentation_quick" if args.quick else "augmentation")

    env = setup(args, device="cuda" if torch.cuda.is_available() else "cpu", imblearn=imblearn.__version__)
    start = time.perf_counter()
    gan = gan_template(max_iter)
    cv = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=0)
    figures, data_settings = {}, {}
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        for name, (X, y, how) in datasets().items():
            labels, counts = np.unique(y, return_counts=True)
            data_settings[name] = {
                "thinning": how,
                "n_samples": int(len(y)),
                "n_features": int(X.shape[1]),
                "class_counts": {str(c): int(n) for c, n in zip(labels, counts, strict=True)},
            }
            figures[name] = {}
            for method in METHODS:
                result = cross_validate(model(method, gan), X, y, cv=cv, scoring=list(METRICS))
                entry = {
                    metric: {
                        "mean": float(result[f"test_{metric}"].mean()),
                        "std": float(result[f"test_{metric}"].std()),
                        "folds": result[f"test_{metric}"].tolist(),
                    }
                    for metric in METRICS
                }
                entry["fit_seconds_mean"] = float(result["fit_time"].mean())
                figures[name][method] = entry
                rows.append((name, method, entry))
                print(
                    f"{name:14s} {method:20s} "
                    + "  ".join(f"{entry[m]['mean']:.4f} ± {entry[m]['std']:.4f}" for m in METRICS)
                    + f"  {entry['fit_seconds_mean']:7.2f}",
                    flush=True,
                )
            figures[name]["paired_gan_oversampler_minus_smote"] = {
                metric: paired(
                    figures[name]["gan_oversampler"][metric]["folds"], figures[name]["smote"][metric]["folds"]
                )
                for metric in METRICS
            }
            figures[name]["paired_augmented_estimator_minus_smote"] = {
                metric: paired(
                    figures[name]["augmented_estimator"][metric]["folds"], figures[name]["smote"][metric]["folds"]
                )
                for metric in METRICS
            }
    wall = time.perf_counter() - start

    print()
    print(f"{'data set':14s} {'method':20s} {'balanced accuracy':>17s}  {'macro F1':>17s}  {'fit s':>7s}")
    for name, method, entry in rows:
        print(
            f"{name:14s} {method:20s} "
            + "  ".join(f"{entry[m]['mean']:.4f} ± {entry[m]['std']:.4f}" for m in METRICS)
            + f"  {entry['fit_seconds_mean']:7.2f}"
        )
    print()
    for name in figures:
        for key in ("paired_gan_oversampler_minus_smote", "paired_augmented_estimator_minus_smote"):
            text = "; ".join(
                f"{m} {d['mean']:+.4f} ± {d['std_error']:.4f} (won/tied/lost {d['won']}/{d['tied']}/{d['lost']})"
                for m, d in figures[name][key].items()
            )
            print(f"{name:14s} {key.removeprefix('paired_'):36s} {text}")
    print(f"\n{n_splits} folds x {n_repeats} repeats, GAN max_iter={max_iter}; wall time {wall:.0f} s")

    write_result({
        "benchmark": "augmentation",
        "quick": args.quick,
        "figures": figures,
        "settings": {
            "datasets": data_settings,
            "thinning_seed": THINNING_SEED,
            "cv": f"RepeatedStratifiedKFold(n_splits={n_splits}, n_repeats={n_repeats}, random_state=0)",
            "statistic": "mean and population std over folds; paired: mean and standard error of per-fold differences",
            "classifier": "StandardScaler -> LogisticRegression(max_iter=2000), the same for all methods",
            "sampling_strategy": "auto",
            "methods": {
                "none": "no augmentation",
                "random_oversampler": "imblearn RandomOverSampler(random_state=0) in an imblearn Pipeline",
                "smote": "imblearn SMOTE(random_state=0) (k_neighbors=5) in an imblearn Pipeline",
                "gan_oversampler": "skgan GANOversampler(random_state=0) in an imblearn Pipeline",
                "augmented_estimator": "skgan AugmentedEstimator(random_state=1) last in a sklearn Pipeline",
            },
            "gan": {key: repr(value) for key, value in gan.get_params(deep=False).items()},
            "threads": args.threads,
        },
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "environment": env,
        "wall_seconds": wall,
    }, path=output)


if __name__ == "__main__":
    main()
