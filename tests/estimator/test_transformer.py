"""Training on a transformer's codes (``GANSampler(transformer=...)``)."""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgan import MLPGenerator

from .._factories import make_tiny_sampler


def shifted(Z):
    return Z + 1000.0


class NoInverse(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


class NaNCodes(NoInverse):
    def transform(self, X):
        return np.full_like(np.asarray(X, dtype=float), np.nan)

    def inverse_transform(self, Z):
        return Z


class WrongWidthInverse(NoInverse):
    def inverse_transform(self, Z):
        return Z[:, :1]


class SparseCodes(NaNCodes):
    def transform(self, X):
        return sparse.csr_matrix(X)


class FlatCodes(NaNCodes):
    def transform(self, X):
        return np.asarray(X)[:, 0]


class NaNInverse(NoInverse):
    def inverse_transform(self, Z):
        return np.full_like(Z, np.nan)


@parametrize_with_checks([make_tiny_sampler(transformer=StandardScaler())])
def test_sklearn_compatible_with_a_transformer(estimator, check):
    check(estimator)


def test_identity_transformer_changes_nothing(X, tiny_sampler):
    plain = tiny_sampler(max_iter=3).fit(X)
    coded = tiny_sampler(max_iter=3, transformer=FunctionTransformer()).fit(X)
    np.testing.assert_allclose(coded.sample(50), plain.sample(50), rtol=0, atol=1e-12)
    assert coded.bandwidth_ == plain.bandwidth_
    np.testing.assert_allclose(coded.score_samples(X), plain.score_samples(X), rtol=1e-12)


def test_networks_see_the_codes_and_samples_are_decoded(X, tiny_sampler):
    transformer = PCA(n_components=2)
    gan = tiny_sampler(transformer=transformer, generator=MLPGenerator((16,), output_activation="identity")).fit(X)
    assert not hasattr(transformer, "components_")  # the parameter stays unfitted; a clone is fitted
    assert gan.transformer_.n_components_ == 2
    assert gan.generator_[-2].out_features == 2
    assert gan.discriminator_[0].in_features == 2
    samples = gan.sample(40)
    assert samples.shape == (40, 3) and gan.n_features_in_ == 3
    # every sample is mean + code @ components: nothing is left outside the PCA plane
    centred = samples - gan.transformer_.mean_
    residual = centred - centred @ gan.transformer_.components_.T @ gan.transformer_.components_
    assert np.abs(residual).max() < 1e-9 * np.abs(centred).max()
    assert np.linalg.matrix_rank(centred, tol=1e-8 * np.abs(centred).max()) == 2


@pytest.mark.parametrize("output_activation, clipped", [("tanh", True), ("sigmoid", True), ("identity", False)])
def test_decoded_rows_are_clipped_to_the_training_range_for_bounded_outputs(
    X, output_activation, clipped, tiny_sampler
):
    # an inverse that lands every row far above the data: bounded outputs clip it back
    transformer = FunctionTransformer(inverse_func=shifted, check_inverse=False)
    gan = tiny_sampler(  # a fixed bandwidth: no rows are held out, so all of X is training data
        transformer=transformer, generator=MLPGenerator((16,), output_activation=output_activation), bandwidth=1.0
    )
    samples = gan.fit(X).sample(30)
    if clipped:
        np.testing.assert_array_equal(samples, np.broadcast_to(X.max(0), samples.shape))
    else:
        assert (samples > X.max(0) + 900).all()


def test_same_seed_same_samples_and_scores(X, tiny_sampler):
    a = tiny_sampler(transformer=PCA(2)).fit(X)
    b = tiny_sampler(transformer=PCA(2)).fit(X)
    np.testing.assert_array_equal(a.sample(20), b.sample(20))
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))


def test_nested_transformer_parameters_clone_and_grid_search(X, tiny_sampler):
    gan = tiny_sampler(max_iter=1, transformer=PCA()).set_params(transformer__n_components=1)
    assert clone(gan).get_params()["transformer__n_components"] == 1
    assert gan.fit(X).generator_[-2].out_features == 1
    search = GridSearchCV(tiny_sampler(max_iter=1, transformer=PCA()), {"transformer__n_components": [1, 2]}, cv=2)
    search.fit(X)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.transformer_.n_components_ == search.best_params_["transformer__n_components"]


def test_warm_start_keeps_the_fitted_transformer_and_a_cold_fit_refits_it(X, tiny_sampler):
    gan = tiny_sampler(transformer=PCA(2), warm_start=True).fit(X)
    first = gan.transformer_
    mean = first.mean_.copy()
    gan.fit(X + 50.0)
    assert gan.transformer_ is first and np.array_equal(gan.transformer_.mean_, mean)
    assert gan.n_iter_ == 6
    gan.set_params(warm_start=False).fit(X + 50.0)
    np.testing.assert_allclose(gan.transformer_.mean_, mean + 50.0)


def test_refit_without_a_transformer_forgets_it(X, tiny_sampler):
    gan = tiny_sampler(transformer=PCA(2)).fit(X)
    gan.set_params(transformer=None).fit(X)
    assert not hasattr(gan, "transformer_")
    assert gan.generator_[-2].out_features == 3


def test_conditional_gan_and_early_stopping_work_on_codes(X, tiny_sampler):
    y = np.arange(len(X)) % 2
    gan = tiny_sampler(transformer=PCA(2), early_stopping=True, n_iter_no_change=5).fit(X, y)
    assert all(np.isfinite(record["val_score"]) for record in gan.history_)
    assert gan.sample(10, y=1).shape == (10, 3)


def test_pickle_round_trip_keeps_samples(X, tiny_sampler):
    gan = tiny_sampler(transformer=PCA(2)).fit(X)
    restored = pickle.loads(pickle.dumps(gan))
    np.testing.assert_array_equal(restored.sample(20), gan.sample(20))


@pytest.mark.parametrize(
    "transformer, message",
    [
        (NaNCodes(), "NaNCodes.transform returned NaN"),
        (WrongWidthInverse(), r"WrongWidthInverse.inverse_transform returned shape \(1, 1\)"),
        (NaNInverse(), "NaNInverse.inverse_transform returned NaN"),
        (SparseCodes(), "SparseCodes.transform must return a dense array"),
        (FlatCodes(), r"FlatCodes.transform returned shape \(\d+,\)"),
    ],
)
def test_bad_transformers_are_clear_errors(X, transformer, message, tiny_sampler):
    with pytest.raises(ValueError, match=message):
        tiny_sampler(transformer=transformer).fit(X)


def test_transformer_without_inverse_is_rejected(X, tiny_sampler):
    with pytest.raises(ValueError, match="inverse_transform"):
        tiny_sampler(transformer=NoInverse()).fit(X)


def test_convolutional_networks_are_rejected_with_a_transformer(tiny_sampler):
    X = np.random.RandomState(0).rand(40, 16)
    with pytest.raises(ValueError, match="generator is convolutional"):
        tiny_sampler(generator="dcgan", discriminator="dcgan", transformer=PCA(4), image_shape=(4, 4)).fit(X)


def test_save_refuses_a_transformer_and_points_to_pickle(X, tmp_path, tiny_sampler):
    gan = tiny_sampler(transformer=PCA(2)).fit(X)
    with pytest.raises(ValueError, match="pickle or joblib"):
        gan.save(tmp_path / "model.skgan")
    assert not (tmp_path / "model.skgan").exists()


def test_a_pipeline_is_a_transformer_with_nested_parameters(X, tiny_sampler):
    transformer = make_pipeline(StandardScaler(), PCA(2))
    gan = tiny_sampler(transformer=transformer).set_params(transformer__pca__n_components=1).fit(X)
    assert gan.generator_[-2].out_features == 1
    samples = gan.sample(20)
    # standardising and one component: the decoded rows lie on one line through the data's mean
    assert samples.shape == (20, 3)
    assert np.linalg.matrix_rank(samples - samples.mean(0), tol=1e-8 * np.abs(samples).max()) == 1


def test_the_networks_train_on_the_scaled_codes(X, monkeypatch, tiny_sampler):
    import skgan._fit_plan as sampler_module

    trained_on = []
    original = sampler_module.train_gan

    def recording_train_gan(training, X_model, *args, **kwargs):
        trained_on.append(X_model.clone())
        return original(training, X_model, *args, **kwargs)

    monkeypatch.setattr(sampler_module, "train_gan", recording_train_gan)
    gan = tiny_sampler(transformer=PCA(2), bandwidth=1.0, warm_start=True).fit(X)  # no rows held out
    gan.fit(X)  # a warm start trains on the same codes
    expected = gan._fitted.codec.scaling.codes.to_model(gan.transformer_.transform(X))
    assert len(trained_on) == 2
    for X_model in trained_on:
        np.testing.assert_allclose(X_model.numpy(), expected, rtol=1e-6, atol=1e-6)
    assert np.abs(expected).max() == pytest.approx(1.0)  # min-max scaled onto tanh's range
