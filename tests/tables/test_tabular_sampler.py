"""GANSampler on tables: DataFrames in and out, dtypes, missing values, conditions, scores, files."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

import skgan
from skgan import GANSampler
from skgan.metrics import parzen_log_likelihood
from skgan.metrics._encoding import DistanceEncoding
from skgan.preprocessing import TabularEncoder

FAST = dict(max_iter=2, batch_size=32, latent_dim=8, n_parzen_samples=100, bandwidth=0.5,
            generator__hidden_layer_sizes=(16,), discriminator__hidden_layer_sizes=(16,))


def fast_gan(**params):
    return GANSampler(random_state=0).set_params(**{**FAST, **params})


@pytest.fixture(scope="module")
def fitted(mixed_table):
    return fast_gan().fit(mixed_table)


def test_a_table_comes_back_with_its_columns_and_dtypes(mixed_table, fitted):
    out = fitted.sample(300, random_state=1)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(mixed_table.columns)
    assert dict(out.dtypes) == dict(mixed_table.dtypes)
    assert out["count"].between(mixed_table["count"].min(), mixed_table["count"].max()).all()
    assert set(out["kids"]) <= set(mixed_table["kids"])
    assert set(out["colour"].dropna()) <= {"red", "green"}  # observed categories only
    assert list(out["colour"].cat.categories) == ["red", "green", "blue"] and out["colour"].cat.ordered
    assert set(out["island"]) <= set(mixed_table["island"])
    assert out["member"].dtype == bool
    assert not out.drop(columns="mass").isna().any().any()
    assert fitted.encoder_.column_kinds_["count"] == "integer"
    assert fitted.n_features_in_ == 7 and list(fitted.feature_names_in_) == list(mixed_table.columns)


def test_missing_values_come_back_at_about_their_rate():
    rng = np.random.RandomState(3)
    n = 400
    frame = pd.DataFrame({"x": np.where(rng.rand(n) < 0.5, np.nan, rng.normal(size=n)), "c": rng.choice(["a", "b"], n)})
    gan = fast_gan(max_iter=40, batch_size=50).fit(frame)
    rate = gan.sample(2000, random_state=0)["x"].isna().mean()
    assert 0.05 < rate < 0.95  # generated, and not everywhere (how close to 0.5: benchmarks/tabular.py)


def test_the_same_seed_gives_the_same_table(mixed_table, fitted):
    again = fast_gan().fit(mixed_table)
    pd.testing.assert_frame_equal(again.sample(50), fitted.sample(50))
    assert not fitted.sample(50, random_state=1).equals(fitted.sample(50, random_state=2))
    rng = np.random.RandomState(0)  # one RandomState: new rows at each call
    assert not fitted.sample(20, random_state=rng).equals(fitted.sample(20, random_state=rng))


def test_a_numeric_frame_keeps_the_numeric_path_and_comes_back_as_a_frame():
    X = np.random.RandomState(0).normal(size=(80, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).astype({"c": "float32"})
    from_array = fast_gan().fit(frame.to_numpy(np.float64))
    from_frame = fast_gan().fit(frame)
    assert not hasattr(from_frame, "encoder_")
    out = from_frame.sample(10)
    assert list(out.columns) == ["a", "b", "c"] and str(out["c"].dtype) == "float32"
    np.testing.assert_allclose(out.to_numpy(np.float64), from_array.sample(10), rtol=1e-6)


@pytest.mark.parametrize("encoder", ["auto", TabularEncoder()])
def test_rare_categories_are_sampled_by_construction(encoder):
    rng = np.random.RandomState(0)
    n = 10_000
    kind = np.array(["common"] * (n - 3) + ["rare"] * 3)
    frame = pd.DataFrame({"kind": kind, "flag": rng.rand(n) < 0.5, "x": rng.normal(size=n)})
    gan = fast_gan(max_iter=1, batch_size=500, encoder=encoder).fit(frame)
    out = gan.sample(200, conditions={"kind": "rare"})
    assert (out["kind"] == "rare").all()
    both = gan.sample(100, conditions={"kind": "rare", "flag": False})
    assert (both["kind"] == "rare").all() and (~both["flag"]).all()
    per_row = np.array(["rare", "common"] * 25)
    assert (gan.sample(50, conditions={"kind": per_row})["kind"].to_numpy() == per_row).all()


def test_conditions_are_checked(fitted):
    with pytest.raises(ValueError, match="Atlantis"):
        fitted.sample(5, conditions={"island": "Atlantis"})
    with pytest.raises(ValueError, match="not a column of the table"):
        fitted.sample(5, conditions={"nope": 1})
    with pytest.raises(ValueError, match="5 values \\(one per row\\)"):
        fitted.sample(5, conditions={"island": ["Dream", "Biscoe"]})
    with pytest.raises(TypeError, match="dict"):
        fitted.sample(5, conditions=[("island", "Dream")])
    numeric = fast_gan().fit(np.random.RandomState(0).normal(size=(40, 2)))
    with pytest.raises(ValueError, match="table"):
        numeric.sample(5, conditions={0: 1.0})


def test_labels_work_on_tables(mixed_table):
    y = np.where(mixed_table["length"] > 40, "long", "short")
    gan = fast_gan().fit(mixed_table, y)
    out = gan.sample(40, y="long", conditions={"island": "Dream"})
    assert isinstance(out, pd.DataFrame) and (out["island"] == "Dream").all()
    assert list(gan.classes_) == ["long", "short"]


def test_scores_are_parzen_densities_in_the_encoding_of_the_training_rows(mixed_table, fitted):
    state = fitted._fitted
    window = state.generate(FAST["n_parzen_samples"], state.parzen_seed)
    encoding = DistanceEncoding().fit(mixed_table)
    rows, points = encoding.transform(mixed_table.iloc[:20]), encoding.transform(window)
    # float64 reference: log mean over the window of the Gaussian kernel
    sq = ((rows[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    d, h = rows.shape[1], FAST["bandwidth"]
    log_k = -sq / (2 * h * h) - d / 2 * np.log(2 * np.pi * h * h)
    expected = np.log(np.exp(log_k - log_k.max(1, keepdims=True)).mean(1)) + log_k.max(1)
    np.testing.assert_allclose(fitted.score_samples(mixed_table.iloc[:20]), expected, rtol=1e-9)
    assert np.isfinite(fitted.score(mixed_table))
    np.testing.assert_allclose(parzen_log_likelihood(rows, points, h), expected, rtol=1e-9)


def test_the_bandwidth_is_chosen_in_the_encoded_space(mixed_table):
    gan = fast_gan(bandwidth="cv").fit(mixed_table)
    assert gan.bandwidth_ > 0 and np.isfinite(gan.score(mixed_table))


def test_a_table_model_file_needs_no_pickle_and_gives_the_same_rows(tmp_path, mixed_table, fitted):
    path = tmp_path / "table.skgan"
    fitted.save(path)
    loaded = skgan.load(path)
    pd.testing.assert_frame_equal(loaded.sample(30, random_state=4), fitted.sample(30, random_state=4))
    np.testing.assert_array_equal(loaded.score_samples(mixed_table), fitted.score_samples(mixed_table))
    pd.testing.assert_frame_equal(loaded.sample(10, conditions={"kids": 2}), fitted.sample(10, conditions={"kids": 2}))


def test_warm_start_continues_a_table_fit(mixed_table):
    gan = fast_gan(warm_start=True).fit(mixed_table)
    gan.fit(mixed_table)
    assert gan.n_iter_ == 4 and isinstance(gan.sample(3), pd.DataFrame)


def test_encoder_parameters(mixed_table):
    gan = GANSampler().set_params(encoder__max_modes=3)
    assert isinstance(gan.encoder, TabularEncoder) and gan.encoder.max_modes == 3
    assert clone(gan).encoder.max_modes == 3
    with pytest.raises(ValueError, match="convert|cast"):
        fast_gan(encoder="scale").fit(mixed_table)
    with pytest.raises(ValueError, match="not both"):
        fast_gan(encoder=TabularEncoder(), transformer=TabularEncoder()).fit(mixed_table)
    arrays = fast_gan(encoder=TabularEncoder(max_modes=2)).fit(np.random.RandomState(0).normal(size=(50, 2)))
    assert arrays.sample(4).shape == (4, 2) and arrays.encoder_.max_modes == 2
    assert fast_gan(encoder=TabularEncoder(random_state=5)).fit(mixed_table).encoder_.random_state == 5  # its own seed
    seeded = fast_gan(encoder=TabularEncoder()).fit(mixed_table).encoder_.random_state  # else the fit's
    assert isinstance(seeded, int)
    assert seeded == fast_gan(encoder=TabularEncoder()).fit(mixed_table).encoder_.random_state


def test_grid_search_on_a_table(mixed_table):
    search = GridSearchCV(fast_gan(), {"latent_dim": [4, 8]}, cv=2).fit(mixed_table)
    assert np.isfinite(search.best_score_)


def test_a_packed_discriminator_gets_whole_packs(mixed_table):
    from skgan import MLPDiscriminator

    packed = fast_gan(discriminator=MLPDiscriminator((16,), pac=4), batch_size=22, loss="wasserstein-gp")
    assert isinstance(packed.fit(mixed_table).sample(5), pd.DataFrame)  # 22 rounded down to 20
    with pytest.raises(ValueError, match="pac=4"):
        fast_gan(discriminator=MLPDiscriminator((16,), pac=4), batch_size=3).fit(mixed_table)


def test_an_array_of_text_is_a_table():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.choice(["a", "b"], 60), rng.normal(size=60).round(3).astype(str)]).astype(object)
    X[:, 1] = X[:, 1].astype(float)
    gan = fast_gan().fit(X)
    out = gan.sample(10)
    assert isinstance(out, np.ndarray) and out.dtype == object and set(out[:, 0]) <= {"a", "b"}
    assert np.isfinite(gan.score_samples(X)).all()


def test_training_rows_are_encoded_in_chunks_into_one_float32_array(mixed_table, fitted, monkeypatch):
    import skgan._codecs._table as tabular

    monkeypatch.setattr(tabular, "_CHUNK", 7)
    rows = fitted._fitted.codec.model_rows(mixed_table, np.float32)
    assert rows.dtype == np.float32
    np.testing.assert_array_equal(rows, fitted.encoder_.transform(mixed_table).astype(np.float32))
