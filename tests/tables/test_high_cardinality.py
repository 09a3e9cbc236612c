"""Discrete columns with many values: the policies of TabularEncoder(high_cardinality=...), in the encoder and a fit."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import skgan
from skgan import GANSampler
from skgan._random import fit_random
from skgan.exceptions import InvalidModelFile
from skgan.metrics._encoding import KEPT_CATEGORIES, OTHER_LABEL, DistanceEncoding
from skgan.preprocessing import TabularEncoder
from skgan.preprocessing._high_cardinality import OTHER


def _table(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n),
        "city": rng.choice([f"c{i}" for i in range(30)], n),
        "word": np.asarray([f"w{v}" for v in rng.zipf(1.4, n) % 400], dtype=object),
        "code": np.asarray([f"AB-{i:04d}" for i in rng.permutation(n) + 3000], dtype=object),
        "serial": rng.permutation(n).astype(np.int64) * 7 + 100,
    })


def test_auto_chooses_onehot_frequent_and_identifier_and_bounds_the_width():
    X = _table()
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_policies_ == {"x": None, "city": "onehot", "word": "frequent", "code": "identifier",
                                        "serial": None}
    assert encoder.column_kinds_["word"] == encoder.column_kinds_["code"] == "discrete"
    names = list(encoder.get_feature_names_out())
    assert sum(name.startswith("word_") for name in names) == 50 + 1  # the kept values and "other"
    assert "word__other" in names and not any(name.startswith("code") for name in names)
    assert encoder.discrete_columns() == ["city", "word"]  # an identifier has no categories to condition on
    positions = encoder.value_positions("word")
    assert len(positions) == 51 and list(positions)[-1] is OTHER
    # max_categories moves the threshold and the width
    small = TabularEncoder(max_categories=10, random_state=0).fit(X)
    assert small.column_policies_["city"] == "frequent"
    assert len(small.value_positions("city")) == 11 and len(small.value_positions("word")) == 11


def test_the_parameter_overrides_the_choice():
    X = _table()
    encoder = TabularEncoder(high_cardinality={"word": "onehot", "code": "frequent", "serial": "identifier"},
                             random_state=0).fit(X)
    assert encoder.column_policies_ == {"x": None, "city": "onehot", "word": "onehot", "code": "frequent",
                                        "serial": "identifier"}
    assert len(encoder.value_positions("word")) == X["word"].nunique()
    every = TabularEncoder(high_cardinality="onehot", random_state=0).fit(X)
    assert every.column_policies_["word"] == every.column_policies_["code"] == "onehot"
    with pytest.raises(ValueError, match="policy must be one of"):
        TabularEncoder(high_cardinality={"word": "hash"}).fit(X)
    with pytest.raises(ValueError, match="not columns of X"):
        TabularEncoder(high_cardinality={"nope": "frequent"}).fit(X)
    with pytest.raises(ValueError, match="cannot be an identifier"):
        TabularEncoder(high_cardinality={"x": "identifier"}).fit(X)
    with pytest.raises(ValueError, match="high_cardinality"):
        TabularEncoder(high_cardinality="identifier").fit(X)


def _tail_table():
    """A column of 5 frequent values (kept) and a tail of 20 values with counts 1..20 (max_categories=5)."""
    kept = [f"k{i}" for i in range(5) for _ in range(100)]
    tail = [f"t{c:02d}" for c in range(1, 21) for _ in range(c)]
    return pd.DataFrame({"v": np.asarray(kept + tail, dtype=object), "y": np.arange(len(kept) + len(tail)) % 3})


def test_frequent_decodes_other_as_tail_values_with_their_frequencies():
    encoder = TabularEncoder(max_categories=5, random_state=0).fit(_tail_table())
    assert encoder.column_policies_["v"] == "frequent"
    other = encoder.value_position("v", OTHER)
    Z = np.zeros((200_000, encoder.output_layout_.n_columns))
    Z[:, other] = 1.0
    with fit_random(0):
        values = encoder._decode_columns(Z)[0]
    counts = pd.Series(np.asarray(values, dtype=object)).value_counts()
    tail = {f"t{c:02d}": c for c in range(1, 21)}
    assert set(counts.index) <= set(tail)  # observed tail values only
    total = sum(tail.values())
    for value, count in tail.items():
        p = count / total
        sd = np.sqrt(len(Z) * p * (1 - p))
        assert abs(counts.get(value, 0) - len(Z) * p) < 5 * sd, value
    # kept values decode as themselves; a tail value encodes as "other"
    rows = encoder.transform(pd.DataFrame({"v": ["k3", "t07"], "y": [0, 1]}))
    assert rows[0, encoder.value_position("v", "k3")] == 1 and rows[1, other] == 1


def test_a_condition_on_a_tail_value_is_a_clear_error():
    encoder = TabularEncoder(max_categories=5).fit(_tail_table())
    with pytest.raises(ValueError, match="'t03' is one of its rarer values"):
        encoder.value_position("v", "t03")
    with pytest.raises(ValueError, match="has no value 'nope'"):
        encoder.value_position("v", "nope")
    with pytest.raises(ValueError, match="identifier"):
        TabularEncoder(random_state=0).fit(_table()).value_positions("code")


def test_identifiers_are_fresh_unique_across_chunks_and_of_the_same_form():
    X = _table()
    X.loc[::10, "code"] = None
    encoder = TabularEncoder(high_cardinality={"serial": "identifier"}, random_state=0).fit(X)
    Z = encoder.transform(X)
    with fit_random(3):  # one sample, decoded in two chunks
        first, second = encoder._decode_columns(Z), encoder._decode_columns(Z)
    index = list(X.columns).index("code")
    codes = pd.Series(np.concatenate([np.asarray(first[index], dtype=object), np.asarray(second[index], dtype=object)]))
    present = codes.dropna()
    assert present.is_unique and abs(codes.isna().mean() - 0.1) < 0.03
    assert all(re.fullmatch(r"AB-\d{4}", value) for value in present)
    assert len(set(present) & set(X["code"].dropna())) < 0.5 * len(present)  # drawn, not copied
    serials = np.concatenate([np.asarray(first[4]), np.asarray(second[4])])
    assert first[4].dtype == np.int64 and len(set(serials)) == len(serials)
    assert serials.min() > X["serial"].max()  # fresh: past the observed maximum


def test_plain_values_round_trip_and_are_checked():
    X = _table()
    encoder = TabularEncoder(max_categories=20, random_state=0).fit(X)
    plain = json.loads(json.dumps(encoder.to_plain()))
    copy = TabularEncoder.from_plain(plain)
    assert copy.column_policies_ == encoder.column_policies_
    Z = encoder.transform(X)
    assert (copy.transform(X) == Z).all()
    assert copy.inverse_transform(Z).equals(encoder.inverse_transform(Z))
    word = next(c for c in plain["columns"] if c["name"] == ["str", "word"])
    word["counts"] = word["counts"].rsplit(",", 1)[0]  # one count short
    with pytest.raises(InvalidModelFile, match="one count per observed value"):
        TabularEncoder.from_plain(plain)
    old = json.loads(json.dumps(TabularEncoder(random_state=0).fit(X[["x", "city"]]).to_plain()))
    del old["params"]["high_cardinality"], old["params"]["max_categories"]  # a file from before the policies
    assert TabularEncoder.from_plain(old).get_params()["high_cardinality"] == "onehot"


def test_the_score_space_groups_a_column_of_many_categories():
    rng = np.random.default_rng(0)
    labels = [f"v{v}" for v in rng.integers(0, 3000, 6000)]
    real = pd.DataFrame({"t": labels, "x": rng.normal(size=6000)})
    encoding = DistanceEncoding().fit(real)
    categories = encoding.categories_["t"]
    assert len(categories) <= KEPT_CATEGORIES + 1 and categories[-1] == OTHER_LABEL
    rows = pd.DataFrame({"t": ["never seen", categories[0]], "x": [0.0, 0.0]})
    assert encoding.unrepresentable(rows) == {}
    encoded = encoding.transform(rows)
    assert encoded.shape[1] == len(categories) + 1
    assert encoded[0, len(categories) - 1] == 1 and encoded[1, 0] == 1


def test_a_fit_with_a_high_cardinality_column_stays_narrow_saves_and_reproduces(tmp_path):
    rng = np.random.default_rng(1)
    n = 1500
    X = pd.DataFrame({
        "x": rng.normal(size=n),
        "text": np.asarray([f"t{v}" for v in np.r_[np.arange(1200), rng.integers(0, 1200, n - 1200)]], dtype=object),
        "id": np.asarray([f"U{i:06d}" for i in range(n)], dtype=object),
        "group": rng.choice(["a", "b", "c"], n),
    })
    model = GANSampler(max_iter=2, random_state=0).fit(X)
    assert model.encoder_.column_policies_ == {"x": None, "text": "frequent", "id": "identifier", "group": "onehot"}
    assert model.encoder_.output_layout_.n_columns < 80  # one-hot would be > 1,200 wide
    sample = model.sample(700, random_state=5)
    assert sample.equals(model.sample(700, random_state=5))
    assert not sample["text"].equals(model.sample(700, random_state=6)["text"])
    assert set(sample["text"]) <= set(X["text"]) and sample["id"].is_unique
    path = tmp_path / "model.skgan"
    skgan.save(model, path)
    assert skgan.load(path).sample(700, random_state=5).equals(sample)
    assert np.isfinite(model.score(X.iloc[:50]))


def test_a_sampler_with_its_own_tabular_encoder_saves_and_loads(tmp_path):
    from skgan.persistence._parameters import params_from_config

    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"t": [f"v{i % 300}" for i in range(600)], "x": rng.normal(size=600)})
    encoder = TabularEncoder(high_cardinality={"t": "frequent"}, max_categories=20)
    gan = GANSampler(encoder=encoder, max_iter=2, n_parzen_samples=100, bandwidth=0.5, random_state=0).fit(frame)
    gan.save(tmp_path / "own.skgan")
    loaded = skgan.load(tmp_path / "own.skgan")
    assert loaded.encoder.get_params() == encoder.get_params()
    assert loaded.encoder_.column_policies_["t"] == "frequent"
    pd.testing.assert_frame_equal(loaded.sample(50), gan.sample(50))
    with pytest.raises(InvalidModelFile, match="unknown parameters"):
        params_from_config({"encoder": {"spec": "TabularEncoder", "params": {"evil": 1}}})
    with pytest.raises(InvalidModelFile, match="fails its checks"):
        params_from_config({"encoder": {"spec": "TabularEncoder", "params": {"max_categories": -3}}})
