"""GANSampler(constraints=[...]): checked at fit, met in every sampled row, kept in model files."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import skgan
from skgan import GANSampler
from skgan._codecs import _conditioned
from skgan.constraints import Custom, FixedCombinations, Inequality, Range, Sum

FAST = dict(max_iter=2, batch_size=32, latent_dim=8, n_parzen_samples=100, bandwidth=0.5,
            generator__hidden_layer_sizes=(16,), discriminator__hidden_layer_sizes=(16,))


def orders(n=300, seed=0):
    rng = np.random.RandomState(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.randint(0, 300, n), unit="D")
    city = rng.choice(["Paris", "Lyon", "Berlin", "Munich"], n)
    net = rng.randint(10, 100, n)
    tax = net // 5
    return pd.DataFrame({
        "start": start, "end": start + pd.to_timedelta(rng.randint(0, 30, n), unit="D"),
        "qty": rng.randint(1, 10, n), "price": rng.gamma(2.0, 10.0, n) + 1.0,
        "city": city, "country": np.where(np.isin(city, ["Paris", "Lyon"]), "FR", "DE"),
        "net": net, "tax": tax, "gross": net + tax,
    })


CONSTRAINTS = [Inequality("start", "end"), Range("price", low=1.0, high=200.0), FixedCombinations(["city", "country"]),
               Sum(["net", "tax"], "gross")]


def obeys_all(rows, table):
    return ((rows["end"] >= rows["start"]).all() and rows["price"].between(1.0, 200.0).all()
            and set(zip(rows["city"], rows["country"], strict=True))
            <= set(zip(table["city"], table["country"], strict=True))
            and (rows["gross"] == rows["net"] + rows["tax"]).all())


@pytest.fixture(scope="module")
def table():
    return orders()


@pytest.fixture(scope="module")
def gan(table):
    return GANSampler(constraints=CONSTRAINTS, random_state=0).set_params(**FAST).fit(table)


def test_every_sampled_row_obeys_the_constraints_by_construction(table, gan):
    rows = gan.sample(500, random_state=1)
    assert dict(rows.dtypes) == dict(table.dtypes) and list(rows.columns) == list(table.columns)
    assert obeys_all(rows, table)
    unconstrained = GANSampler(random_state=0).set_params(**FAST).fit(table).sample(500, random_state=1)
    assert not obeys_all(unconstrained, table)  # a 2-epoch GAN alone does not learn them
    assert np.isfinite(gan.score(table))


def test_a_constraint_without_a_transform_is_met_by_rejection(table):
    dearer = Custom(lambda f: f["price"] > 2 * f["qty"])  # no transform: a predicate of yours
    train = table[table["price"] > 2 * table["qty"]]
    gan = GANSampler(constraints=[dearer], random_state=0).set_params(**FAST).fit(train)
    rows = gan.sample(300, random_state=2)
    assert len(rows) == 300 and (rows["price"] > 2 * rows["qty"]).all()
    plain = GANSampler(random_state=0).set_params(**FAST).fit(train).sample(300, random_state=2)
    assert not (plain["price"] > 2 * plain["qty"]).all()


def test_a_constraint_the_model_rarely_meets_is_an_error(table, monkeypatch):
    monkeypatch.setattr(_conditioned, "MIN_ESTIMATE_DRAWS", 2000)
    monkeypatch.setattr(_conditioned, "MAX_DRAWS_PER_ROW", 10)
    doubled = table.assign(double=2 * table["price"])  # exact in every training row, by chance in generated ones
    gan = GANSampler(constraints=[Custom(lambda f: f["double"] == 2 * f["price"])], random_state=0)
    gan.set_params(**FAST).fit(doubled)
    with pytest.raises(ValueError, match=r"The constraints Custom.* held in \d+ of \d+ generated rows.*below 1/10"):
        gan.sample(5)


def test_training_rows_that_break_a_constraint_are_named(table):
    broken = table.copy()
    broken.loc[[3, 7], "end"] = broken.loc[[3, 7], "start"] - pd.Timedelta(days=1)
    with pytest.raises(ValueError, match=r"2 of the 300 training rows break Inequality.*\[3, 7\]"):
        GANSampler(constraints=[Inequality("start", "end")]).set_params(**FAST).fit(broken)
    with pytest.raises(ValueError, match="read the column.*'nope'"):
        GANSampler(constraints=[Range("nope", low=0)]).set_params(**FAST).fit(table)
    with pytest.raises(ValueError, match="cannot be combined with a transformer or encoder='scale'"):
        GANSampler(constraints=[], encoder="scale").set_params(**FAST).fit(table[["price"]])


def test_conditions_on_constrained_columns_are_met_with_the_constraints(table, gan):
    rows = gan.sample(60, conditions={"country": "FR", "end": ("2024-06-01", None), "qty": (2, 5)}, random_state=3)
    assert (rows["country"] == "FR").all() and rows["qty"].between(2, 5).all()
    assert (rows["end"] >= pd.Timestamp("2024-06-01", tz="UTC")).all() and obeys_all(rows, table)
    partial = pd.DataFrame({"start": [pd.Timestamp("2024-03-01", tz="UTC"), None], "net": [50, None]})
    done = gan.sample(conditions=partial, random_state=4)
    assert done.loc[0, "start"] == partial.loc[0, "start"] and done.loc[0, "net"] == 50 and obeys_all(done, table)
    ends = pd.DataFrame({"end": [pd.Timestamp("2024-06-01", tz="UTC"), None, pd.Timestamp("2024-09-15", tz="UTC")]})
    done = gan.sample(conditions=ends, random_state=5)  # a column the Inequality derives: set, then checked
    assert done.loc[[0, 2], "end"].tolist() == ends.loc[[0, 2], "end"].tolist() and obeys_all(done, table)


def test_model_files_keep_the_constraints_and_refuse_a_custom_one(table, gan, tmp_path):
    gan.save(tmp_path / "orders.skgan")
    loaded = skgan.load(tmp_path / "orders.skgan")
    pd.testing.assert_frame_equal(loaded.sample(100, random_state=5), gan.sample(100, random_state=5))
    assert [repr(c) for c in loaded.constraints] == [repr(c) for c in CONSTRAINTS]
    custom = GANSampler(constraints=[Custom(lambda f: f["qty"] > 0)], random_state=0).set_params(**FAST).fit(table)
    with pytest.raises(ValueError, match="cannot store the Python function of Custom"):
        custom.save(tmp_path / "custom.skgan")
    assert not (tmp_path / "custom.skgan").exists()


def test_constraints_are_a_parameter_like_any_other(gan):
    copy = clone(gan)
    assert copy.get_params()["constraints"] is not gan.constraints or copy.constraints == gan.constraints
    assert [repr(c) for c in copy.constraints] == [repr(c) for c in CONSTRAINTS]
    with pytest.raises(ValueError, match="constraints"):
        GANSampler(constraints="x>0").fit(pd.DataFrame({"x": [1.0, 2.0, 3.0]}))


def test_conditions_that_break_a_constraint_are_named_before_sampling(gan):
    late, early = pd.Timestamp("2024-05-01", tz="UTC"), pd.Timestamp("2024-04-01", tz="UTC")
    with pytest.raises(ValueError, match=r"break Inequality.* in row 1 \(start=.*2024-05-01.*, end=.*2024-04-01"):
        gan.sample(conditions=pd.DataFrame({"start": [early, late], "end": [late, early]}))
    with pytest.raises(ValueError, match=r"break Range\(column='price'.* in row 0 \(price=500.0\)"):
        gan.sample(3, conditions={"price": 500.0})
    with pytest.raises(ValueError, match=r"break FixedCombinations.*city='Paris', country='DE'"):
        gan.sample(2, conditions={"city": "Paris", "country": "DE"})


def test_rows_checked_on_the_table_are_the_rows_returned():
    """A column of many values decodes its rarer values by a draw: the rows kept are those checked, not redrawn."""
    rng = np.random.RandomState(0)
    city = rng.choice([f"c{i}" for i in range(200)], 3000)
    table = pd.DataFrame({"city": city, "country": [f"k{int(c[1:]) % 7}" for c in city], "x": rng.normal(size=3000)})
    gan = GANSampler(constraints=[FixedCombinations(["city", "country"])], random_state=0).set_params(**FAST)
    rows = gan.fit(table).sample(400, conditions={"country": "k3"}, random_state=1)
    assert (rows["country"] == "k3").all()
    assert set(zip(rows["city"], rows["country"], strict=True)) <= set(zip(city, table["country"], strict=True))
