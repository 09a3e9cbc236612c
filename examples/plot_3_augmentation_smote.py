"""
==========================================
Augmentation with a GAN, against SMOTE
==========================================

:class:`~skgan.GANOversampler` trains a class-conditional GAN on the
training rows and adds generated rows of the rare classes. It follows
imbalanced-learn's sampler protocol (``fit_resample``), so it is a step of an
:class:`imblearn.pipeline.Pipeline`, just like imbalanced-learn's SMOTE: in a
pipeline, over-sampling happens inside ``fit`` only, on the training rows, and
the held-out rows are never resampled or seen by the GAN.

This example compares four pipelines with the same classifier (a logistic
regression on standardised features) on an imbalanced version of
scikit-learn's breast cancer data: no over-sampling, random over-sampling,
SMOTE and the GAN. Whether GAN rows help depends on the data; the numbers
below are measured when the page is built.
"""

# %%
# An imbalanced problem
# ---------------------
# The malignant class is thinned to 15 % of the rows, as in
# ``benchmarks/augmentation.py``.
import time

import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from skgan import GANOversampler, GANSampler, MLPDiscriminator, MLPGenerator

FAST = False  # True: a short run, as the documentation build makes

# sphinx_gallery_start_ignore
import os  # noqa: E402

DOCS_FAST = os.environ.get("SKGAN_DOCS_FAST", "0")
FAST = FAST or DOCS_FAST not in ("", "0", "false", "False")
# sphinx_gallery_end_ignore
MAX_ITER = 100 if FAST else 500  # GAN epochs
N_SPLITS = 3 if FAST else 5

X, y = load_breast_cancer(return_X_y=True)  # y = 0: malignant, 1: benign
rng = np.random.RandomState(0)
n_malignant = int(round(np.sum(y == 1) * 0.15 / 0.85))
keep = np.sort(
    np.concatenate(
        [
            rng.choice(np.flatnonzero(y == 0), n_malignant, replace=False),
            np.flatnonzero(y == 1),
        ]
    )
)
X, y = X[keep], y[keep]
print(
    f"{len(y)} rows of {X.shape[1]} features: "
    f"{np.sum(y == 0)} malignant, {np.sum(y == 1)} benign"
)

# %%
# Four pipelines
# --------------
# Each over-sampler brings every class up to the majority's size
# (``sampling_strategy="auto"``). The GAN has two hidden layers of 128 units
# in both networks and a fixed Parzen bandwidth (it is not scored here, so no
# rows need to be held out to choose one).
gan = GANSampler(
    MLPGenerator((128, 128)),
    MLPDiscriminator((128, 128)),
    latent_dim=32,
    max_iter=MAX_ITER,
    batch_size=64,
    learning_rate=1e-3,
    bandwidth=1.0,
    n_parzen_samples=100,
)


def classifier():
    return LogisticRegression(max_iter=2000)


models = {
    "no over-sampling": make_pipeline(StandardScaler(), classifier()),
    "random over-sampling": make_pipeline(
        StandardScaler(), RandomOverSampler(random_state=0), classifier()
    ),
    "SMOTE": make_pipeline(StandardScaler(), SMOTE(random_state=0), classifier()),
    "GANOversampler": make_pipeline(
        StandardScaler(), GANOversampler(gan, random_state=0), classifier()
    ),
}

# %%
# What the GAN over-sampler does
# ------------------------------
# ``fit_resample`` returns the training rows followed by the generated ones.
X_resampled, y_resampled = GANOversampler(gan, random_state=0).fit_resample(X, y)
print(f"before: {np.bincount(y)}, after: {np.bincount(y_resampled)} rows per class")

# %%
# Held-out scores
# ---------------
# Stratified K-fold: every pipeline is fitted on the same training folds and
# scored on the same held-out fold with the balanced accuracy and the F1 score
# of the rare (malignant) class. ``cross_validate`` would do the same; the
# loop keeps the per-fold numbers for the paired comparison below.
folds = StratifiedKFold(n_splits=N_SPLITS, shuffle=True, random_state=0)
scores = {name: {"balanced accuracy": [], "F1 (malignant)": []} for name in models}
seconds = dict.fromkeys(models, 0.0)
for train, test in folds.split(X, y):
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X[train], y[train])
        seconds[name] += time.perf_counter() - start
        predicted = model.predict(X[test])
        scores[name]["balanced accuracy"].append(
            balanced_accuracy_score(y[test], predicted)
        )
        scores[name]["F1 (malignant)"].append(f1_score(y[test], predicted, pos_label=0))

print(f"{N_SPLITS}-fold cross-validation, mean ± standard deviation over folds")
print(f"  {'':<22} {'balanced accuracy':>19} {'F1 (malignant)':>18} {'fit time':>10}")
for name in models:
    ba, f1 = (
        np.array(scores[name][metric])
        for metric in ("balanced accuracy", "F1 (malignant)")
    )
    print(
        f"  {name:<22} {ba.mean():11.3f} ± {ba.std():.3f} "
        f"{f1.mean():9.3f} ± {f1.std():.3f} "
        f"{seconds[name] / N_SPLITS:8.2f}s"
    )

# %%
# GAN against SMOTE, fold by fold
# -------------------------------
# The differences are paired: the same folds, the same classifier.
difference = np.array(scores["GANOversampler"]["balanced accuracy"]) - np.array(
    scores["SMOTE"]["balanced accuracy"]
)
print(
    f"balanced accuracy, GAN minus SMOTE: {difference.mean():+.3f} on average; "
    f"the GAN wins {np.sum(difference > 0)}, ties {np.sum(difference == 0)} and loses "
    f"{np.sum(difference < 0)} of {N_SPLITS} folds"
)

fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
names = list(models)
for ax, metric in zip(axes, ("balanced accuracy", "F1 (malignant)"), strict=True):
    means = [np.mean(scores[name][metric]) for name in names]
    stds = [np.std(scores[name][metric]) for name in names]
    ax.barh(names, means, xerr=stds, color=["C7", "C7", "C1", "C0"])
    ax.set_xlim(min(means) - 0.1, 1.0)
    ax.set_xlabel(metric)
axes[0].invert_yaxis()
fig.tight_layout()
plt.show()

# %%
# Without imbalanced-learn
# ------------------------
# :class:`~skgan.AugmentedEstimator` does the same inside plain scikit-learn:
# it over-samples in ``fit`` only and fits a clone of the classifier, so
# ``cross_val_score`` and ``GridSearchCV`` never generate rows from a
# validation fold either::
#
#     from sklearn.pipeline import make_pipeline
#     from skgan import AugmentedEstimator
#
#     model = make_pipeline(
#         StandardScaler(), AugmentedEstimator(LogisticRegression(), gan)
#     )
#
# See :doc:`/user_guide/augmentation`.
