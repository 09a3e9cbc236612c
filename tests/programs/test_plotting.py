import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from skgan.plotting import plot_history, plot_samples  # noqa: E402  (after the skip above)


def test_plot_samples_lays_images_out_in_a_grid():
    rows = np.arange(6 * 4, dtype=float).reshape(6, 4)  # six 2x2 images
    ax = plot_samples(rows, image_shape=(2, 2), n_cols=4)
    grid = np.ma.getdata(ax.images[0].get_array())
    assert grid.shape == (2 * 3 + 1, 4 * 3 + 1)
    np.testing.assert_array_equal(grid[1:3, 1:3], [[0, 1], [2, 3]])
    np.testing.assert_array_equal(grid[4:6, 4:6], [[20, 21], [22, 23]])  # image 5: row 2, col 2
    assert np.isnan(grid[4:6, 7:9]).all()  # empty cells stay blank


def test_plot_samples_draws_from_a_sampler(tiny_sampler):
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


def test_plot_history_plots_each_record(tiny_sampler):
    X = np.random.RandomState(0).rand(60, 4)
    gan = tiny_sampler(max_iter=3).fit(X)
    loss_ax, d_ax = plot_history(gan)
    np.testing.assert_allclose(loss_ax.lines[0].get_ydata(), [r["d_loss"] for r in gan.history_])
    np.testing.assert_allclose(d_ax.lines[1].get_ydata(), [r["d_fake"] for r in gan.history_])
    assert d_ax.lines[2].get_ydata()[0] == 0.5


def test_plot_history_of_nothing():
    with pytest.raises(ValueError, match="empty"):
        plot_history([])


def test_plot_samples_takes_the_samplers_image_shape(tiny_sampler):
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


# --- tables: one panel per column ------------------------------------------


def tiny_table(n=80, seed=0):
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(seed)
    return pd.DataFrame({
        "length": rng.normal(40, 5, n),
        "island": pd.Series(rng.choice(["Dream", "Biscoe", "Torgersen"], n), dtype="str"),
        "member": rng.rand(n) < 0.3,
        "kids": rng.randint(0, 3, n),
        "mass": np.where(rng.rand(n) < 0.25, np.nan, rng.normal(4000, 300, n)),
    })


def tick_labels(ax):
    return [label.get_text() for label in ax.get_xticklabels()]


def test_plot_samples_draws_a_panel_per_column_of_a_fitted_table(tiny_sampler):
    table = tiny_table()
    gan = tiny_sampler(max_iter=2).fit(table)
    axes = plot_samples(gan, X=table, n_samples=60, random_state=0)
    fig = axes[0].figure
    assert len(axes) == len(fig.axes) == 5  # no empty panels in the 2 x 4 grid
    assert [ax.get_title() for ax in axes] == list(table.columns)
    length, island, member, kids, mass = axes
    assert len(length.patches) == 2 * 20  # real and generated histograms on 20 shared bins
    real, generated = length.patches[:20], length.patches[20:]
    np.testing.assert_allclose([p.get_x() for p in real], [p.get_x() for p in generated])
    assert tick_labels(island) == ["Biscoe", "Dream", "Torgersen"]
    assert len(island.containers) == 2 and all(len(bars) == 3 for bars in island.containers)
    shares = [bar.get_height() for bar in island.containers[0]]  # the real rows' shares
    np.testing.assert_allclose(shares, table["island"].value_counts(normalize=True)[["Biscoe", "Dream", "Torgersen"]])
    assert tick_labels(member) == ["False", "True"]
    assert gan.encoder_.column_kinds_["kids"] == "discrete" and tick_labels(kids) == ["0", "1", "2"]
    assert len(mass.patches) == 2 * 20 and "missing: real" in mass.texts[0].get_text()
    assert [t.get_text() for t in length.get_legend().get_texts()] == ["real", "generated"]


def test_plot_samples_of_frames_shows_missing_categories_as_a_bar():
    pd = pytest.importorskip("pandas")
    real = pd.DataFrame({"colour": ["red", None, "blue", "red"], "size": [1.5, 2.5, 3.25, 0.5]})
    synthetic = pd.DataFrame({"colour": ["blue", "blue", None, None], "size": [1.0, 2.0, 3.0, 4.5]})
    axes = plot_samples(synthetic, X=real, n_cols=1)
    assert len(axes[0].figure.axes) == 2
    colour, size = axes
    assert tick_labels(colour) == ["blue", "red", "missing"]
    np.testing.assert_allclose([bar.get_height() for bar in colour.containers[0]], [0.25, 0.5, 0.25])
    np.testing.assert_allclose([bar.get_height() for bar in colour.containers[1]], [0.5, 0.0, 0.5])
    assert len(size.patches) == 2 * 20
    only_generated = plot_samples(synthetic)  # without real rows: the generated ones alone
    assert len(only_generated[0].containers) == 1
    with pytest.raises(ValueError, match="columns"):
        plot_samples(synthetic, X=real[["size", "colour"]])
