"""A user's own torch modules, configured through nested parameters."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skgan import GANSampler, ModuleFactory


class WideGenerator(torch.nn.Module):
    def __init__(self, latent_dim, n_features, width=8):
        super().__init__()
        self.width = width
        self.net = torch.nn.Sequential(
            torch.nn.Linear(latent_dim, width), torch.nn.ReLU(), torch.nn.Linear(width, n_features)
        )
        self.output_range = None

    def forward(self, z):
        return self.net(z)


class Critic(torch.nn.Module):
    def __init__(self, n_features, width=8, slope=0.2):
        super().__init__()
        self.width = width
        self.net = torch.nn.Sequential(
            torch.nn.Linear(n_features, width), torch.nn.LeakyReLU(slope), torch.nn.Linear(width, 1)
        )

    def forward(self, x):
        return self.net(x)


X = np.random.RandomState(0).normal(size=(60, 3))


def _sampler(**params):
    return GANSampler(
        WideGenerator, Critic, latent_dim=2, max_iter=1, n_parzen_samples=50, bandwidth=1.0, random_state=0, **params
    )


def test_nested_parameters_become_constructor_arguments():
    gan = _sampler().set_params(generator__width=5, discriminator__width=7, discriminator__slope=0.1)
    assert isinstance(gan.generator, ModuleFactory) and gan.generator.module is WideGenerator
    params = gan.get_params()
    assert params["generator__width"] == 5 and params["discriminator__slope"] == 0.1
    gan.fit(X)
    assert gan.generator_.width == 5 and gan.discriminator_.width == 7
    assert gan.discriminator_.net[1].negative_slope == 0.1


def test_custom_module_parameters_survive_clone():
    gan = _sampler().set_params(generator__width=5)
    copy = clone(gan)
    assert copy.generator is not gan.generator
    assert copy.get_params()["generator__width"] == 5
    np.testing.assert_array_equal(copy.fit(X).sample(4), clone(gan).fit(X).sample(4))


def test_grid_search_over_custom_module_arguments():
    search = GridSearchCV(_sampler(), {"generator__width": [3, 6]}, cv=2).fit(X)
    widths = [params["generator__width"] for params in search.cv_results_["params"]]
    assert widths == [3, 6]
    assert search.best_estimator_.generator_.width == search.best_params_["generator__width"]


def test_unknown_constructor_argument_is_a_clear_error():
    with pytest.raises(ValueError, match="Invalid parameter 'depth'.*WideGenerator"):
        _sampler().set_params(generator__depth=3)


def test_contract_arguments_cannot_be_overridden():
    gan = _sampler().set_params(generator__n_features=2)
    with pytest.raises(ValueError, match="set by the estimator"):
        gan.fit(X)


def test_factories_without_image_shape_see_flat_rows():
    gan = _sampler(image_shape=(1, 3)).fit(X)  # the modules take no image_shape argument
    assert gan.sample(2).shape == (2, 3)
