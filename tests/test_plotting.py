import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from skgan.plotting import plot_history, plot_samples  # noqa: E402  (after the skip above)

from ._utils import tiny_sampler  # noqa: E402


def test_plot_samples_lays_images_out_in_a_grid():
    rows = np.arange(6 * 4, dtype=float).reshape(6, 4)  # six 2x2 images
    ax = plot_samples(rows, image_shape=(2, 2), n_cols=4)
    grid = np.ma.getdata(ax.images[0].get_array())
    assert grid.shape == (2 * 3 + 1, 4 * 3 + 1)
    np.testing.assert_array_equal(grid[1:3, 1:3], [[0, 1], [2, 3]])
    np.testing.assert_array_equal(grid[4:6, 4:6], [[20, 21], [22, 23]])  # image 5: row 2, col 2
    assert np.isnan(grid[4:6, 7:9]).all()  # empty cells stay blank


def test_plot_samples_draws_from_a_sampler():
    X = np.random.RandomState(0).rand(60, 4)
    ax = plot_samples(tiny_sampler().fit(X), image_shape=(2, 2), n_samples=8, n_cols=4)
    assert ax.images[0].get_array().shape == (7, 13)


def test_plot_samples_pair_plots_for_tabular_data():
    rng = np.random.RandomState(0)
    samples, X = rng.rand(30, 6), rng.rand(20, 6) + 5
    axes = plot_samples(samples, X=X, max_features=3)
    assert axes.shape == (3, 3)
    real, generated = axes[0, 1].collections  # scatter of feature 1 (x) against feature 0 (y)
    np.testing.assert_array_equal(real.get_offsets(), X[:, [1, 0]])
    np.testing.assert_array_equal(generated.get_offsets(), samples[:, [1, 0]])
    assert len(axes[2, 2].patches) == 2 * 20  # two histograms of 20 bins on the diagonal
    with pytest.raises(ValueError, match="columns like the samples"):
        plot_samples(samples, X=X[:, :2])


def test_plot_samples_checks_the_image_shape():
    with pytest.raises(ValueError, match="rows of 9 features"):
        plot_samples(np.zeros((3, 4)), image_shape=(3, 3))


def test_plot_history_plots_each_record():
    X = np.random.RandomState(0).rand(60, 4)
    gan = tiny_sampler(max_iter=3).fit(X)
    loss_ax, d_ax = plot_history(gan)
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), [r["d_loss"] for r in gan.history_])
    np.testing.assert_allclose(d_ax.lines[1].get_ydata(), [r["d_fake"] for r in gan.history_])
    assert d_ax.lines[2].get_ydata()[0] == 0.5


def test_plot_history_of_nothing():
    with pytest.raises(ValueError, match="empty"):
        plot_history([])


def test_plot_samples_takes_the_samplers_image_shape():
    X = np.random.RandomState(0).rand(60, 4)
    ax = plot_samples(tiny_sampler(image_shape=(1, 2, 2)).fit(X), n_samples=8, n_cols=4)
    assert ax.images[0].get_array().shape == (7, 13)


def test_plot_samples_draws_rgb_images():
    rows = np.zeros((2, 3 * 2 * 2))
    rows[1, :4] = 5.0  # image 1: red channel high
    ax = plot_samples(rows, image_shape=(3, 2, 2), n_cols=2)
    grid = np.asarray(ax.images[0].get_array())
    assert grid.shape == (4, 7, 3)
    np.testing.assert_array_equal(grid[1, 4], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(grid[1, 1], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="1 or 3 channels"):
        plot_samples(np.zeros((2, 8)), image_shape=(2, 2, 2))
