"""Conditions on numbers and dates, intervals, and partial rows completed (skgan/_codecs/_conditioned.py)."""

import numpy as np
import pandas as pd
import pytest
import torch

import skgan
from skgan import GANSampler
from skgan._codecs import _conditioned
from skgan._codecs._table import TableCodec
from skgan.preprocessing import TabularEncoder
from skgan.preprocessing._scaling import AffineScaling

FAST = dict(max_iter=2, batch_size=32, latent_dim=8, n_parzen_samples=100, bandwidth=0.5,
            generator__hidden_layer_sizes=(16,), discriminator__hidden_layer_sizes=(16,))


def people(n=300, seed=0):
    rng = np.random.RandomState(seed)
    age = rng.randint(18, 80, size=n)
    return pd.DataFrame({
        "age": age,
        "income": np.exp(rng.normal(10, 0.5, size=n)) + 100.0 * age,
        "sex": rng.choice(["f", "m"], n),
        "joined": pd.to_datetime("2020-01-01").tz_localize("Europe/Paris")
        + pd.to_timedelta(rng.randint(0, 1000, n), unit="D"),
        "kids": rng.randint(0, 4, n),
        "id": (2**60 + 2 * rng.randint(0, 50, n)).astype(np.int64),
    })


@pytest.fixture(scope="module")
def table():
    return people()


@pytest.fixture(scope="module")
def gan(table):
    return GANSampler(random_state=0).set_params(**FAST).fit(table)


def test_intervals_hold_in_every_row_with_the_tables_dtypes(table, gan):
    low, high = np.quantile(table["income"], [0.4, 0.42])
    conditions = {"income": (low, high), "age": (30.5, 40), "joined": ("2021-01-01", None), "kids": (1, 2),
                  "sex": "f", "id": (None, 2**60 + 60)}
    out = gan.sample(200, conditions=conditions)
    assert dict(out.dtypes) == dict(table.dtypes) and len(out) == 200
    assert out["income"].between(low, high).all() and out["age"].between(31, 40).all()
    assert (out["joined"] >= pd.Timestamp("2021-01-01", tz="Europe/Paris")).all()
    assert set(out["kids"]) == {1, 2} and (out["sex"] == "f").all() and (out["id"] <= 2**60 + 60).all()
    pd.testing.assert_frame_equal(out, gan.sample(200, conditions=conditions))  # the same seed, the same rows
    assert not out.equals(gan.sample(200, conditions=conditions, random_state=5))


def test_values_of_continuous_columns_are_set_exactly(table, gan):
    out = gan.sample(20, conditions={"income": 25_000.5, "id": 2**60 + 31, "joined": "2021-06-01 12:00"})
    assert (out["income"] == 25_000.5).all() and (out["id"] == 2**60 + 31).all()
    assert (out["joined"] == pd.Timestamp("2021-06-01 12:00", tz="Europe/Paris")).all()
    per_row = gan.sample(3, conditions={"age": [20, 30, 40]})
    assert per_row["age"].tolist() == [20, 30, 40]


def test_partial_rows_are_completed_with_their_given_cells_kept(table, gan):
    partial = pd.DataFrame({"age": [30, None, 50, None], "sex": ["m", None, "f", "f"],
                            "income": [None, 30_000.0, None, 41_000.25]}, index=[7, 3, 5, 1])
    out = gan.sample(conditions=partial)
    assert list(out.index) == [7, 3, 5, 1] and dict(out.dtypes) == dict(table.dtypes)
    assert out.loc[[7, 5], "age"].tolist() == [30, 50] and out.loc[[7, 5, 1], "sex"].tolist() == ["m", "f", "f"]
    assert out.loc[[3, 1], "income"].tolist() == [30_000.0, 41_000.25]
    assert not out.isna().any().any()  # every free cell generated
    with pytest.raises(ValueError, match="n_samples=3, but conditions is a DataFrame of 4 rows"):
        gan.sample(3, conditions=partial)


@pytest.mark.parametrize("conditions, match", [
    ({"age": (100, 200)}, r"outside the values the column held at fit, \[18, 79\]"),
    ({"income": (5.0, 1.0)}, "is empty"),
    ({"income": (1.0, 2.0, 3.0)}, r"must be a tuple \(low, high\)"),
    ({"sex": ("a", "b")}, "needs numbers or dates"),
    ({"kids": (7, 9)}, "No value of column 'kids' lies in the interval"),
    ({"income": 1.0}, "outside the values the column held at fit"),
    ({"age": "old"}, "must hold values of the column's type"),
    ({"age": 30.5}, "not a whole number"),
    ({"nope": 1}, "not a column of the table"),
    ({"income": np.nan}, "holds a missing value"),
    ({"joined": ("2019-01-01", "2019-02-01")}, "outside the values"),
])
def test_impossible_conditions_are_clear_errors(gan, conditions, match):
    with pytest.raises(ValueError, match=match):
        gan.sample(5, conditions=conditions)


def test_an_interval_the_model_never_meets_is_an_error_not_a_short_result(table, gan, monkeypatch):
    monkeypatch.setattr(_conditioned, "MIN_ESTIMATE_DRAWS", 2000)
    middle = float(table["income"].median())  # inside the fitted range, a width no generated row falls in
    with pytest.raises(ValueError, match=r"The conditions 'income' in \[.*\] held in 0 of \d+ generated rows"):
        gan.sample(5, conditions={"income": (middle, middle + 1e-9)})
    monkeypatch.setattr(_conditioned, "MAX_DRAWS_PER_ROW", 1)  # every condition is too rare: an early error
    with pytest.raises(ValueError, match="probability below 1/1"):
        gan.sample(3000, conditions={"income": (middle, None)})


def test_a_model_file_keeps_conditional_sampling(table, gan, tmp_path):
    gan.save(tmp_path / "m.skgan")
    conditions = {"income": tuple(np.quantile(table["income"], [0.2, 0.3])), "sex": "m"}
    pd.testing.assert_frame_equal(skgan.load(tmp_path / "m.skgan").sample(50, conditions=conditions),
                                  gan.sample(50, conditions=conditions))


# -- the search, on a generator whose rows are known functions of its latent point --------------------------------


class KnownSource:
    """Rows whose two continuous columns ``a`` and ``b`` are the same function of the first latent coordinate."""

    latent_dim = 3

    def __init__(self, codec, noise=0.0):
        self.scaling, self.noise, self.calls = codec.scaling, noise, 0

    def rows(self, gaussian, labels=None):
        self.calls += len(gaussian)
        g = gaussian.double().numpy()
        alpha = np.tanh(g[:, 0] / 2)
        return np.stack([alpha, np.clip(alpha + self.noise * g[:, 1], -1, 1)], axis=1)


@pytest.fixture
def codec():
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, 500)
    frame = pd.DataFrame({"a": x, "b": x})
    codec = TableCodec(TabularEncoder(max_modes=1, random_state=0))
    codec.fit(frame, labelled=False, seed=0)
    codec.scaling = AffineScaling.identity(codec.layout.n_columns)
    assert codec.layout.n_columns == 2  # one scalar per column: the rows above decode as given
    return codec


def test_a_value_keeps_the_nearest_of_the_candidates(codec):
    given = pd.DataFrame({"a": np.linspace(-0.5, 0.5, 200)})

    def gap(candidates):
        _conditioned.CANDIDATES = candidates
        out = codec.generate(KnownSource(codec, noise=0.0), 200, seed=1, conditions=given)
        assert (out["a"] == given["a"]).all()  # the given cells, exactly
        return float(np.abs(out["b"] - given["a"]).mean())

    try:
        one, eight = gap(1), gap(8)
    finally:
        _conditioned.CANDIDATES = 8
    assert eight < one / 3  # b follows a: the candidate nearest to the given a was kept


def test_a_rare_interval_keeps_the_models_distribution(codec):
    source = KnownSource(codec, noise=0.5)
    reference = codec.encoder.inverse_transform(source.rows(torch.randn(400_000, 3, generator=torch.Generator()
                                                                        .manual_seed(0))))
    low, high = np.quantile(reference["a"], [0.50, 0.51])
    exact = reference[reference["a"].between(low, high)]  # the rows the model gives in the interval
    source.calls = 0
    out = codec.generate(source, 2000, seed=3, conditions={"a": (low, high)})
    assert out["a"].between(low, high).all() and out["a"].nunique() == 2000  # independent rows, not copies
    assert source.calls < 2000 * 100 * 1.5  # about one generated row per row per 1% of probability
    # b given a (b = a + 0.5 g1, g1 independent of the interval): as in the model's rows in the interval
    assert abs(out["b"].mean() - exact["b"].mean()) < 0.05 and abs(out["b"].std() - exact["b"].std()) < 0.05
