import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from skgan import MLPDiscriminator, MLPGenerator

CENTERS = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])


@pytest.fixture
def blobs():
    rng = np.random.RandomState(0)
    y = np.repeat(["a", "b", "c"], [150, 60, 30])
    X = CENTERS[np.searchsorted(["a", "b", "c"], y)] + rng.normal(scale=0.5, size=(len(y), 2))
    return X, y


@pytest.fixture
def conditional_sampler(tiny_sampler):
    """The factory of a tiny sampler with wider networks trained longer: enough to separate the blobs."""

    def make(**params):
        return tiny_sampler(
            generator=MLPGenerator((32, 32)), discriminator=MLPDiscriminator((32, 32)),
            max_iter=60, learning_rate=2e-3, **params,
        )

    return make


def test_conditional_samples_belong_to_the_requested_class(blobs, conditional_sampler):
    X, y = blobs
    gan = conditional_sampler().fit(X, y)
    assert list(gan.classes_) == ["a", "b", "c"]
    classifier = KNeighborsClassifier(5).fit(X, y)
    for label in gan.classes_:
        agreement = np.mean(classifier.predict(gan.sample(200, y=label)) == label)
        assert agreement > 0.9, (label, agreement)
    # one label per row, in order
    labels = np.array(["c", "a", "b", "a"] * 25)
    assert np.mean(classifier.predict(gan.sample(100, y=labels)) == labels) > 0.9


def test_unconditional_sample_of_a_conditional_gan_follows_the_class_frequencies(blobs, conditional_sampler):
    X, y = blobs
    gan = conditional_sampler().fit(X, y)
    predicted = KNeighborsClassifier(5).fit(X, y).predict(gan.sample(2000))
    frequencies = [np.mean(predicted == c) for c in "abc"]
    np.testing.assert_allclose(frequencies, [150 / 240, 60 / 240, 30 / 240], atol=0.08)


def test_labels_are_checked(blobs, tiny_sampler):
    X, y = blobs
    gan = tiny_sampler().fit(X, y)
    with pytest.raises(ValueError, match=r"Unknown label\(s\) \['z'\].*\['a', 'b', 'c'\]"):
        gan.sample(3, y=["a", "z", "b"])
    with pytest.raises(ValueError, match="Unknown label"):
        gan.sample(3, y=7)
    with pytest.raises(ValueError, match="one label or 3 labels"):
        gan.sample(3, y=["a", "b"])
    with pytest.raises(ValueError, match="fitted without labels"):
        tiny_sampler().fit(X).sample(3, y="a")


def test_score_is_marginal_and_ignores_y(blobs, tiny_sampler):
    X, y = blobs
    gan = tiny_sampler().fit(X, y)
    assert gan.score(X, y) == gan.score(X)
    assert np.isfinite(gan.score(X))


def test_every_class_keeps_a_training_row(tiny_sampler):
    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.array([0] * 19 + [1])  # the single row of class 1 may land in the held-out split
    for seed in range(5):
        gan = tiny_sampler(random_state=seed, validation_fraction=0.5).fit(X, y)
        assert gan._fitted.class_prior[1] > 0


def test_refit_without_labels_is_unconditional(blobs, tiny_sampler):
    X, y = blobs
    gan = tiny_sampler().fit(X, y)
    gan.fit(X)
    assert not hasattr(gan, "classes_")
    assert gan.sample(4).shape == (4, 2)


def test_warm_start_keeps_conditioning(blobs, tiny_sampler):
    X, y = blobs
    gan = tiny_sampler(warm_start=True, max_iter=1).fit(X, y)
    gan.fit(X, y)
    assert gan.n_iter_ == 2
    with pytest.raises(ValueError, match="with labels"):
        gan.fit(X)
    with pytest.raises(ValueError, match="Unknown label"):
        gan.partial_fit(X, np.full(len(X), "z"))
    assert gan.n_iter_ == 2


def test_continuous_targets_are_refused(blobs, tiny_sampler):
    X, _ = blobs
    with pytest.raises(ValueError, match="Unknown label type"):
        tiny_sampler().fit(X, np.linspace(0, 1, len(X)))


def test_custom_conditional_factories_get_the_class_count(blobs, tiny_sampler):
    from torch import nn

    seen = {}

    class Generator(nn.Module):
        def __init__(self, latent_dim, n_features, n_classes):
            super().__init__()
            seen["n_classes"] = n_classes
            self.embed = nn.Embedding(n_classes, latent_dim)
            self.out = nn.Linear(latent_dim, n_features)

        def forward(self, z, labels):
            return self.out(z + self.embed(labels)).tanh()

    X, y = blobs
    gan = tiny_sampler(generator=Generator, discriminator=MLPDiscriminator((8,))).fit(X, y)
    assert seen["n_classes"] == 3
    assert gan.sample(5, y="b").shape == (5, 2)
