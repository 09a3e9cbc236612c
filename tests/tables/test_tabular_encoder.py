"""TabularEncoder: kinds, dtypes, round trips, layout, decoding of soft outputs, conditional positions, plain values."""

import copy
import json
import math
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgan.preprocessing import OutputLayout, TabularEncoder

pd = pytest.importorskip("pandas")

N = 40


def _rng():
    return np.random.default_rng(0)


def _with_missing(values, rate, rng):
    """Positions ``rate`` of the rows (exactly round(rate * n)) set missing."""
    missing = np.zeros(len(values), dtype=bool)
    missing[rng.choice(len(values), size=round(rate * len(values)), replace=False)] = True
    return missing


def _column(name):
    """(series, expected kind) for one dtype case, N rows."""
    rng = _rng()
    if name == "float":
        return pd.Series(rng.normal(size=N) * 3 + 10), "continuous"
    if name == "float32":
        return pd.Series(rng.normal(size=N).astype(np.float32)), "continuous"
    if name == "float_nan":
        values = rng.normal(size=N)
        values[_with_missing(values, 0.25, rng)] = np.nan
        return pd.Series(values), "continuous"
    if name == "int64":
        return pd.Series(rng.integers(-500, 500, size=N)), "integer"
    if name == "int64_few":
        return pd.Series(rng.integers(0, 4, size=N)), "discrete"
    if name == "uint8_few":
        return pd.Series(rng.integers(0, 4, size=N).astype(np.uint8)), "discrete"
    if name == "Int64_na":
        values = pd.array(rng.integers(0, 1000, size=N), dtype="Int64")
        values[_with_missing(values, 0.2, rng)] = pd.NA
        return pd.Series(values), "integer"
    if name == "Int64_few_na":
        values = pd.array(rng.integers(0, 3, size=N), dtype="Int64")
        values[_with_missing(values, 0.2, rng)] = pd.NA
        return pd.Series(values), "discrete"
    if name == "bool":
        return pd.Series(rng.random(N) < 0.5), "discrete"
    if name == "boolean_na":
        values = pd.array(rng.random(N) < 0.5, dtype="boolean")
        values[_with_missing(values, 0.2, rng)] = pd.NA
        return pd.Series(values), "discrete"
    if name == "category":
        dtype = pd.CategoricalDtype(["small", "medium", "large", "huge"], ordered=True)  # "huge" never observed
        values = rng.choice(["small", "medium", "large"], size=N).astype(object)
        values[_with_missing(values, 0.1, rng)] = None
        return pd.Series(pd.Categorical(values, dtype=dtype)), "discrete"
    if name == "object":
        values = rng.choice(["b", "a", "c"], size=N).astype(object)
        values[_with_missing(values, 0.1, rng)] = None
        return pd.Series(values, dtype=object), "discrete"
    if name == "str":
        values = rng.choice(["x", "y"], size=N).astype(object)
        values[_with_missing(values, 0.1, rng)] = None
        return pd.Series(values, dtype="str"), "discrete"
    if name == "string":
        return pd.Series(rng.choice(["x", "y", "z"], size=N), dtype="string"), "discrete"
    if name == "whole_float_few":
        values = rng.integers(0, 5, size=N).astype(float)
        values[_with_missing(values, 0.1, rng)] = np.nan
        return pd.Series(values), "discrete"
    if name == "whole_float_many":
        return pd.Series(rng.integers(0, 10_000, size=N).astype(float)), "integer"
    if name == "constant":
        return pd.Series(np.full(N, 2.5)), "constant"
    raise AssertionError(name)


CASES = ["float", "float32", "float_nan", "int64", "int64_few", "uint8_few", "Int64_na", "Int64_few_na", "bool",
         "boolean_na", "category", "object", "str", "string", "whole_float_few", "whole_float_many", "constant"]


def _mixed_frame():
    frame = pd.DataFrame({name: _column(name)[0] for name in CASES})
    frame["other"] = _rng().normal(size=N)  # a frame of constants alone cannot be fitted
    return frame


def assert_round_trip(X, back, kinds):
    assert list(back.columns) == list(X.columns)
    for name in X.columns:
        original, decoded = X[name], back[name]
        assert decoded.dtype == original.dtype, name
        if kinds[name] in ("continuous", "integer"):
            np.testing.assert_array_equal(decoded.isna().to_numpy(), original.isna().to_numpy(), err_msg=name)
            observed = original.notna().to_numpy()
            values, expected = (series.to_numpy(dtype=float)[observed] for series in (decoded, original))
            np.testing.assert_allclose(values, expected, rtol=0, atol=1e-9, err_msg=name)
        else:
            pd.testing.assert_series_equal(decoded, original, check_exact=True, obj=name)


@pytest.mark.parametrize("name", CASES)
def test_every_dtype_round_trips_with_its_kind(name):
    column, kind = _column(name)
    X = pd.DataFrame({"c": column, "other": _rng().normal(size=N)})
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_kinds_["c"] == kind
    back = encoder.inverse_transform(encoder.transform(X))
    assert_round_trip(X, back, encoder.column_kinds_)
    if kind == "constant":
        assert [block.name for block in encoder.output_layout_.blocks] == ["other"] * len(encoder.output_layout_.blocks)


def test_missing_values_come_back_at_the_known_places_and_rate():
    column, _ = _column("float_nan")
    X = pd.DataFrame({"c": column})
    back = TabularEncoder(random_state=0).fit(X).inverse_transform(TabularEncoder(random_state=0).fit(X).transform(X))
    assert back["c"].isna().sum() == round(0.25 * N)
    np.testing.assert_array_equal(back["c"].isna(), X["c"].isna())


def test_a_category_column_keeps_its_dtype_and_encodes_only_observed_categories():
    column, _ = _column("category")
    X = pd.DataFrame({"size": column})
    encoder = TabularEncoder().fit(X)
    assert list(encoder.get_feature_names_out()) == ["size_small", "size_medium", "size_large", "size_nan"]
    back = encoder.inverse_transform(encoder.transform(X))
    assert back["size"].dtype == column.dtype and back["size"].cat.ordered
    assert list(back["size"].cat.categories) == ["small", "medium", "large", "huge"]


def test_discrete_values_are_sorted_with_missing_last():
    X = pd.DataFrame({"o": pd.Series(["b", None, "a", "c"], dtype=object), "n": [3, 1, 2, 1]})
    encoder = TabularEncoder().fit(X)
    assert list(encoder.get_feature_names_out()) == ["o_a", "o_b", "o_c", "o_nan", "n_1", "n_2", "n_3"]
    back = encoder.inverse_transform(encoder.transform(X))
    assert back["o"].iloc[1] is None  # an object column's missing marker as seen at fit


def test_mixed_frame_layout_covers_every_column_and_blocks_sum_to_one():
    X = _mixed_frame()
    encoder = TabularEncoder(random_state=0).fit(X)
    Z = encoder.transform(X)
    layout = encoder.output_layout_
    assert isinstance(layout, OutputLayout)
    assert Z.dtype == np.float64 and Z.flags["C_CONTIGUOUS"] and Z.shape == (N, layout.n_columns)
    assert len(encoder.get_feature_names_out()) == layout.n_columns
    names = {block.name for block in layout.blocks}
    assert names == {str(c) for c in X.columns if encoder.column_kinds_[c] != "constant"}
    for block in layout.categorical_blocks:
        part = Z[:, block.start:block.stop]
        np.testing.assert_array_equal(part.sum(axis=1), 1.0)
        assert set(np.unique(part)) <= {0.0, 1.0}
    for column in layout.continuous_columns:
        assert np.abs(Z[:, column]).max() <= 1.0
        assert layout.blocks[[b.start for b in layout.blocks].index(column)].width == 1
    np.testing.assert_array_equal(encoder.transform(X), Z)  # deterministic
    assert_round_trip(X, encoder.inverse_transform(Z), encoder.column_kinds_)


def test_continuous_layout_is_a_scalar_then_modes_then_missing():
    X = pd.DataFrame({"x": np.r_[_rng().normal(size=30), _rng().normal(size=30) + 50, [np.nan] * 3]})
    encoder = TabularEncoder(random_state=0).fit(X)
    kinds = [block.kind for block in encoder.output_layout_.blocks]
    names = list(encoder.get_feature_names_out())
    n_modes = len(names) - 2
    assert kinds == ["continuous", "categorical"] and n_modes >= 2
    assert names == ["x"] + [f"x__mode_{k}" for k in range(n_modes)] + ["x__missing"]
    Z = encoder.transform(X)
    np.testing.assert_array_equal(Z[-3:, 0], 0.0)
    np.testing.assert_array_equal(Z[-3:, -1], 1.0)
    one = TabularEncoder(max_modes=1).fit(X.dropna())
    assert list(one.get_feature_names_out()) == ["x"] and one.transform(X.dropna()).shape == (60, 1)


def test_soft_outputs_decode_by_argmax_per_block():
    X = _mixed_frame()
    encoder = TabularEncoder(random_state=0).fit(X)
    Z = encoder.transform(X)
    soft = Z.copy()
    noise = np.random.default_rng(1).uniform(0, 0.2, size=Z.shape)
    for block in encoder.output_layout_.categorical_blocks:
        part = 0.5 * Z[:, block.start:block.stop] + 0.5 / block.width + noise[:, block.start:block.stop]
        soft[:, block.start:block.stop] = part / part.sum(axis=1, keepdims=True)
    assert not np.isin(soft, [0.0, 1.0]).all()
    pd.testing.assert_frame_equal(encoder.inverse_transform(soft), encoder.inverse_transform(Z))


def test_decoding_clips_the_scalar_and_rounds_and_clips_integers():
    rng = _rng()
    X = pd.DataFrame({"i": rng.integers(0, 1000, size=N), "f": rng.normal(size=N)})
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_kinds_ == {"i": "integer", "f": "continuous"}
    blocks = {block.name: [] for block in encoder.output_layout_.blocks}
    for block in encoder.output_layout_.blocks:
        blocks[block.name].append(block)
    Z = np.zeros((3, encoder.output_layout_.n_columns))
    for name in ("i", "f"):
        scalar, modes = blocks[name][0].start, blocks[name][1] if len(blocks[name]) > 1 else None
        Z[:, scalar] = [25.0, -25.0, 0.123]  # out of range twice, then inside
        if modes is not None:
            Z[0, modes.stop - 1] = Z[1, modes.start] = Z[2, modes.start] = 1.0  # highest mode, lowest mode
    back = encoder.inverse_transform(Z)
    assert back["i"].dtype == np.int64 and back["f"].dtype == np.float64
    assert back["i"].iloc[0] == X["i"].max() and back["i"].iloc[1] == X["i"].min()
    assert back["f"].iloc[0] == X["f"].max() and back["f"].iloc[1] == X["f"].min()
    assert X["i"].min() <= back["i"].iloc[2] <= X["i"].max()
    # the scalar is clipped to [-1, 1] before decoding: 25 decodes as 1 does
    Z_one = Z.copy()
    Z_one[:, [blocks["i"][0].start, blocks["f"][0].start]] = np.clip(Z[:, [blocks["i"][0].start,
                                                                           blocks["f"][0].start]], -1, 1)
    pd.testing.assert_frame_equal(encoder.inverse_transform(Z_one), back)


def test_integer_kind_decodes_whole_numbers():
    X = pd.DataFrame({"i": _rng().integers(0, 1000, size=N)})
    encoder = TabularEncoder(random_state=0).fit(X)
    Z = encoder.transform(X)
    Z[:, 0] = np.clip(Z[:, 0] + 0.013, -1, 1)
    decoded = encoder.inverse_transform(Z)["i"].to_numpy()
    assert decoded.dtype == np.int64 and not np.array_equal(decoded, X["i"].to_numpy())
    floats = pd.DataFrame({"w": X["i"].astype(float)})
    floats_encoder = TabularEncoder(random_state=0).fit(floats)
    assert floats_encoder.column_kinds_ == {"w": "integer"}
    Z = floats_encoder.transform(floats)
    Z[:, 0] = np.clip(Z[:, 0] + 0.013, -1, 1)
    values = floats_encoder.inverse_transform(Z)["w"].to_numpy()
    assert values.dtype == np.float64 and np.array_equal(values, np.round(values))


def test_max_discrete_values_decides_between_discrete_and_integer():
    X = pd.DataFrame({"i": np.arange(25) % 25})
    assert TabularEncoder().fit(X).column_kinds_ == {"i": "integer"}
    assert TabularEncoder(max_discrete_values=25).fit(X).column_kinds_ == {"i": "discrete"}


def test_unseen_values_and_new_missing_values_are_errors_that_name_the_column():
    X = pd.DataFrame({"island": ["Biscoe", "Dream", "Torgersen"] * 4, "x": np.linspace(0, 1, 12)})
    encoder = TabularEncoder().fit(X)
    fitted = r"\['Biscoe', 'Dream', 'Torgersen'\]"
    with pytest.raises(ValueError, match=r"Column 'island' has the value 'Atlantis'.*" + fitted):
        encoder.transform(X.assign(island=["Atlantis"] + ["Dream"] * 11))
    with pytest.raises(ValueError, match="Column 'island' has missing values"):
        encoder.transform(X.assign(island=[None] + ["Dream"] * 11))
    with pytest.raises(ValueError, match="Column 'x' has missing values"):
        encoder.transform(X.assign(x=[np.nan] + [0.5] * 11))
    with pytest.raises(ValueError, match="Column 'x' holds infinite values"):
        encoder.transform(X.assign(x=[np.inf] + [0.5] * 11))
    numbers = TabularEncoder().fit(pd.DataFrame({"n": [1, 2, 3, 1]}))
    with pytest.raises(ValueError, match=r"Column 'n' has the value 7, .*fitted on \[1, 2, 3\]"):
        numbers.transform(pd.DataFrame({"n": [1, 7, 3, 1]}))
    with pytest.raises(ValueError, match="Column 'n' must hold numbers"):
        numbers.transform(pd.DataFrame({"n": ["a", "b", "c", "d"]}))


def test_a_category_column_with_new_categories_in_its_dtype_encodes_if_the_rows_have_only_known_ones():
    X = pd.DataFrame({"c": pd.Categorical(["a", "b", "a"])})
    encoder = TabularEncoder().fit(X)
    wider = pd.DataFrame({"c": pd.Categorical(["b", "a", "b"], categories=["z", "b", "a"])})
    np.testing.assert_array_equal(encoder.transform(wider), [[0, 1], [1, 0], [0, 1]])
    with pytest.raises(ValueError, match="Column 'c' has the value 'z'"):
        encoder.transform(pd.DataFrame({"c": pd.Categorical(["z", "a", "b"], categories=["z", "b", "a"])}))


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([1.0, 2.0]), "2-D.*Reshape your data"),
        (np.zeros((3, 0)), "0 feature"),
        (np.array([[1.0, 2.0]]), "n_samples = 1"),
        (np.zeros((0, 2)), "at least one row"),
        (pd.DataFrame({"x": [1.0, np.inf, 2.0]}), "Column 'x' holds infinite values"),
        (pd.DataFrame({"a": [1, 1, 1], "b": ["q", "q", "q"]}), "Every column is constant"),
        (np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]").reshape(-1, 1),
         "Column 0 has dtype datetime64.*in a DataFrame"),
        (pd.DataFrame({"t": pd.array([1 + 2j, 2j])}), "Complex data"),
    ],
)
def test_fit_rejects_what_it_cannot_encode(X, match):
    with pytest.raises(ValueError, match=match):
        TabularEncoder().fit(X)


def test_inverse_transform_checks_the_width_and_transform_the_columns():
    X = pd.DataFrame({"a": ["x", "y", "x"], "b": [0.5, 1.5, 2.25]})
    encoder = TabularEncoder().fit(X)
    width = encoder.output_layout_.n_columns
    with pytest.raises(ValueError, match=f"needs rows of {width} model columns"):
        encoder.inverse_transform(np.zeros((2, width + 1)))
    with pytest.raises(ValueError, match="fitted on a DataFrame"):
        encoder.transform(X.to_numpy())
    with pytest.raises(ValueError, match="same order"):
        encoder.transform(X[["b", "a"]])
    with pytest.raises(ValueError, match=r"fitted on a DataFrame with the columns \[0, 1\]"):
        TabularEncoder().fit(X.set_axis([0, 1], axis=1)).transform(X.set_axis([1, 0], axis=1))
    assert encoder.inverse_transform(np.zeros((0, width))).shape == (0, 2)


def test_value_positions_index_the_transform_output():
    X = pd.DataFrame({"x": np.linspace(0, 1, 9), "island": ["Dream", "Biscoe", None] * 3, "legs": [2, 4, 4] * 3,
                      "flag": [True, False, True] * 3})
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.discrete_columns() == ["island", "legs", "flag"]
    Z = encoder.transform(X)
    positions = encoder.value_positions("island")
    assert list(positions) == ["Biscoe", "Dream", None]
    for value, position in positions.items():
        rows = X["island"].isna() if value is None else X["island"] == value
        np.testing.assert_array_equal(Z[:, position], rows.astype(float))
    names = encoder.get_feature_names_out()
    assert [names[p] for p in positions.values()] == ["island_Biscoe", "island_Dream", "island_nan"]
    # robust matching across Python and numpy types, and of missing markers
    assert encoder.value_position("legs", np.int64(4)) == encoder.value_position("legs", 4.0) == positions["Dream"] + 3
    assert encoder.value_position("flag", np.True_) == encoder.value_position("flag", True)
    assert (encoder.value_position("island", None) == encoder.value_position("island", np.nan)
            == encoder.value_position("island", pd.NA) == positions[None])
    assert encoder.value_position("island", np.str_("Dream")) == positions["Dream"]


def test_value_position_errors_name_the_column_and_the_fitted_values():
    X = pd.DataFrame({"island": ["Biscoe", "Dream", "Torgersen"] * 3, "x": np.linspace(0, 1, 9)})
    encoder = TabularEncoder().fit(X)
    message = "Column 'island' has no value 'Atlantis'; it was fitted on ['Biscoe', 'Dream', 'Torgersen']."
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        encoder.value_position("island", "Atlantis")
    with pytest.raises(ValueError, match="has no value None"):
        encoder.value_position("island", None)
    with pytest.raises(ValueError, match="has no value"):
        encoder.value_position("island", ["unhashable"])
    with pytest.raises(ValueError, match=r"Column 'x' is continuous; the discrete columns are \['island'\]"):
        encoder.value_positions("x")
    with pytest.raises(ValueError, match=r"Column 'nope' is not a fitted column; the discrete columns are"):
        encoder.value_position("nope", "Dream")


def _is_plain(value):
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_is_plain(item) for item in value)
    return value is None or type(value) in (str, int, float, bool)


def test_to_plain_and_from_plain_round_trip_identically_through_json():
    X = _mixed_frame()
    encoder = TabularEncoder(random_state=0, max_modes=5).fit(X)
    plain = encoder.to_plain()
    assert _is_plain(plain)
    copy_ = TabularEncoder.from_plain(json.loads(json.dumps(plain)))
    assert copy_.get_params() == encoder.get_params()
    assert copy_.column_kinds_ == encoder.column_kinds_ and copy_.output_layout_ == encoder.output_layout_
    np.testing.assert_array_equal(copy_.get_feature_names_out(), encoder.get_feature_names_out())
    Z = encoder.transform(X)
    np.testing.assert_array_equal(copy_.transform(X), Z)
    soft = Z + np.random.default_rng(0).uniform(0, 0.3, size=Z.shape)
    pd.testing.assert_frame_equal(copy_.inverse_transform(soft), encoder.inverse_transform(soft))
    assert copy_.value_positions("category") == encoder.value_positions("category")
    assert copy_.to_plain() == plain
    np.testing.assert_array_equal(copy_.feature_names_in_, encoder.feature_names_in_)


def test_to_plain_of_an_array_fit_and_of_a_random_state_instance():
    X = np.random.default_rng(0).normal(size=(30, 2))
    encoder = TabularEncoder(random_state=np.random.RandomState(0)).fit(X)
    plain = encoder.to_plain()
    assert plain["params"]["random_state"] is None and plain["output"] == "float64"
    copy_ = TabularEncoder.from_plain(plain)
    np.testing.assert_array_equal(copy_.inverse_transform(copy_.transform(X)), encoder.inverse_transform(
        encoder.transform(X)))
    assert not hasattr(copy_, "feature_names_in_") and copy_.n_features_in_ == 2


def test_to_plain_rejects_values_that_are_not_plain():
    X = pd.DataFrame({"when": pd.Series([pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01")], dtype=object),
                      "x": [0.5, 1.5]})
    encoder = TabularEncoder().fit(X)
    with pytest.raises(ValueError, match="Timestamp.*not a plain value"):
        encoder.to_plain()


def _mutations():
    def column(plain, name):
        return next(c for c in plain["columns"] if c["name"] == ["str", name])

    def set_(path, value):
        def mutate(plain):
            target = plain
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return mutate

    def on_column(name, key, value):
        def mutate(plain):
            if callable(value):
                value(column(plain, name))
            else:
                column(plain, name)[key] = value
        return mutate

    return {
        "not a dict": lambda plain: ["not", "a", "dict"],
        "wrong format": set_(["format"], "pickle"),
        "wrong version": set_(["version"], 99),
        "extra key": set_(["extra"], 1),
        "bad param": set_(["params", "max_modes"], 0),
        "unknown param": set_(["params", "evil"], 1),
        "bad output": set_(["output"], "csv"),
        "no columns": set_(["columns"], []),
        "columns not a list": set_(["columns"], {"a": 1}),
        "dtype not allowed": on_column("float", "dtype", {"name": "datetime64[ns]"}),
        "dtype is code": on_column("float", "dtype", {"name": "__import__('os').system('true')"}),
        "dtype not a dict": on_column("float", "dtype", "float64"),
        "negative std": on_column("float", "stds", lambda c: c["stds"].__setitem__(0, -1.0)),
        "zero weight": on_column("float", "weights", lambda c: c["weights"].__setitem__(0, 0.0)),
        "nan mean": on_column("float", "means", lambda c: c["means"].__setitem__(0, math.nan)),
        "string mean": on_column("float", "means", lambda c: c["means"].__setitem__(0, "1.0")),
        "short weights": on_column("float", "weights", lambda c: c["weights"].pop()),
        "no modes": on_column("float", "x", lambda c: c.update(means=[], stds=[], weights=[])),
        "low above high": on_column("float", "low", 1e9),
        "kind unknown": on_column("float", "kind", "ordinal"),
        "continuous text": on_column("object", "kind", "continuous"),
        "missing not bool": on_column("object", "missing", "yes"),
        "value without tag": on_column("object", "values", lambda c: c["values"].__setitem__(0, "a")),
        "value of the wrong tag": on_column("object", "values", lambda c: c["values"].__setitem__(0, ["int", "a"])),
        "repeated value": on_column("object", "values", lambda c: c["values"].append(c["values"][0])),
        "unsorted numbers": on_column("int64_few", "values", lambda c: c["values"].reverse()),
        "bool in int column": on_column("int64_few", "values", lambda c: c["values"].__setitem__(0, ["bool", False])),
        "missing in a numpy int column": on_column("int64_few", "missing", True),
        "category not in dtype": on_column("category", "values", lambda c: c["values"].__setitem__(0, ["str", "zzz"])),
        "constant with two values": on_column("int64_few", "kind", "constant"),
        "missing key": on_column("float", "low", lambda c: c.pop("low")),
        "repeated name": on_column("float", "name", ["str", "other"]),
        "category ordered not bool": on_column("category", "dtype", lambda c: c["dtype"].__setitem__("ordered", "yes")),
        "point mass out of range": on_column("float", "points", [1e9]),
        "points not a list": on_column("float", "points", 0.0),
        "repeated point masses": on_column("float", "points", lambda c: c.update(points=[c["low"], c["low"]])),
        "grid out of range": on_column("float", "grid", [1e9]),
        "gated not bool": on_column("float", "gated", "yes"),
        "gated missing in version 2": on_column("float", "gated", lambda c: c.pop("gated")),
        "gated in version 1": lambda plain: plain.update(version=1),
        "unsorted grid": on_column("float", "grid", lambda c: c.update(grid=[c["high"], c["low"]])),
    }


MUTATIONS = _mutations()


@pytest.fixture(scope="module")
def mixed_plain():
    return TabularEncoder(random_state=0, max_modes=4).fit(_mixed_frame()).to_plain()


def test_the_mixed_plain_values_load(mixed_plain):
    assert TabularEncoder.from_plain(copy.deepcopy(mixed_plain)).to_plain() == mixed_plain


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_from_plain_rejects_malformed_values(mutation, mixed_plain):
    plain = mixed_plain
    bad = copy.deepcopy(plain)
    result = MUTATIONS[mutation](bad)
    if result is not None:
        bad = result
    assert bad != plain
    with pytest.raises(ValueError, match="Malformed TabularEncoder values"):
        TabularEncoder.from_plain(bad)


def test_n_jobs_and_random_state_give_identical_fits():
    rng = _rng()
    X = pd.DataFrame({f"x{j}": np.r_[rng.normal(size=150), rng.normal(size=150) * 0.1 + 8] for j in range(3)})
    params = dict(max_fit_rows=100, max_modes=4, random_state=0)
    one = TabularEncoder(n_jobs=1, **params).fit(X).to_plain()
    two = TabularEncoder(n_jobs=2, **params).fit(X).to_plain()
    again = TabularEncoder(n_jobs=1, **params).fit(X).to_plain()
    for plain in (two, again):
        plain["params"]["n_jobs"] = 1
        assert plain == one
    other = TabularEncoder(n_jobs=1, **{**params, "random_state": 1}).fit(X).to_plain()
    assert other["columns"] != one["columns"]


def test_the_mixture_is_fitted_on_a_subsample(monkeypatch):
    import skgan.preprocessing._tabular_encoder as tabular

    sizes = []
    real = tabular.fit_modes
    monkeypatch.setattr(tabular, "fit_modes", lambda sample, *args: sizes.append(len(sample)) or real(sample, *args))
    X = pd.DataFrame({"x": _rng().normal(size=300), "y": np.r_[_rng().normal(size=250), [np.nan] * 50]})
    TabularEncoder(max_fit_rows=120, random_state=0).fit(X)
    assert sizes == [120, 120]
    sizes.clear()
    TabularEncoder(max_fit_rows=1000, random_state=0).fit(X)
    assert sizes == [300, 250]


def test_clone_and_get_params():
    encoder = TabularEncoder(max_modes=3, weight_threshold=0.01, max_fit_rows=500, max_discrete_values=5,
                             high_cardinality={"a": "frequent"}, max_categories=7, n_jobs=2, verbose=1, random_state=7)
    params = encoder.get_params()
    assert params == dict(max_modes=3, weight_threshold=0.01, max_fit_rows=500, max_discrete_values=5,
                          high_cardinality={"a": "frequent"}, max_categories=7, n_jobs=2, verbose=1, random_state=7,
                          epsilon=None, delta=None)
    twin = clone(encoder)
    assert twin is not encoder and twin.get_params() == params
    assert not hasattr(twin, "column_kinds_")
    with pytest.raises(ValueError, match="max_modes"):
        TabularEncoder(max_modes=0).fit(np.zeros((3, 1)))


@parametrize_with_checks([TabularEncoder(max_modes=2, random_state=0)])
def test_sklearn_conventions_on_numeric_arrays(estimator, check):
    check(estimator)


def test_a_numeric_array_fits_and_decodes_to_float64():
    rng = _rng()
    X = np.c_[rng.normal(size=50), rng.integers(0, 3, size=50), rng.integers(0, 10**6, size=50)]
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_kinds_ == {0: "continuous", 1: "discrete", 2: "integer"} and encoder.n_features_in_ == 3
    back = encoder.inverse_transform(encoder.transform(X))
    assert isinstance(back, np.ndarray) and back.dtype == np.float64
    np.testing.assert_allclose(back, X, rtol=0, atol=1e-9)
    names = list(encoder.get_feature_names_out())
    assert names[0] == "x0" and names.count("x1_0.0") == 1 and "x2" in names


def test_a_mixed_object_array_decodes_to_object():
    X = np.array([["a", 1.5, None], ["b", 2.5, 3], ["a", None, 4], ["c", 7.25, 3]], dtype=object)
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_kinds_ == {0: "discrete", 1: "continuous", 2: "discrete"}
    back = encoder.inverse_transform(encoder.transform(X))
    assert back.dtype == object and list(back[:, 0]) == ["a", "b", "a", "c"]
    np.testing.assert_allclose(back[:, 1:].astype(float), np.array(X[:, 1:], dtype=float), atol=1e-9)


def test_verbose_reports_each_column(monkeypatch, capsys):
    X = pd.DataFrame({"x": _rng().normal(size=20), "c": ["a", "b"] * 10})
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # no tqdm: printed lines
    TabularEncoder(verbose=1, random_state=0).fit(X)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "'x': continuous" in lines[0] and "'c': discrete, 2 value(s)" in lines[1]
    TabularEncoder(random_state=0).fit(X)
    assert capsys.readouterr().out == ""


def test_set_output_pandas_names_the_model_columns():
    X = pd.DataFrame({"c": ["a", "b", "a"], "n": [1, 2, 2]})
    encoder = TabularEncoder().set_output(transform="pandas").fit(X)
    assert list(encoder.transform(X).columns) == ["c_a", "c_b", "n_1", "n_2"]


def test_penguins_round_trip():
    palmerpenguins = pytest.importorskip("palmerpenguins")
    X = palmerpenguins.load_penguins().iloc[:60].reset_index(drop=True)
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_kinds_["species"] == "constant"  # the first 60 rows are all Adelie
    assert encoder.column_kinds_["island"] == encoder.column_kinds_["sex"] == "discrete"
    assert encoder.column_kinds_["bill_length_mm"] == "continuous"
    assert encoder.column_kinds_["body_mass_g"] == "integer"
    names = list(encoder.get_feature_names_out())
    assert "sex_nan" in names and "bill_length_mm" in names and "bill_length_mm__missing" in names
    assert_round_trip(X, encoder.inverse_transform(encoder.transform(X)), encoder.column_kinds_)


def test_point_masses_have_their_own_entry_and_decode_exactly():
    rng = np.random.RandomState(0)
    amount = np.where(rng.rand(500) < 0.6, 0.0, rng.lognormal(3, 1, 500))  # often exactly zero
    encoder = TabularEncoder(random_state=0).fit(amount[:, None])
    assert encoder.column_kinds_[0] == "continuous"
    names = list(encoder.get_feature_names_out())
    assert "x0__value_0" in names
    Z = encoder.transform(amount[:, None])
    zero = names.index("x0__value_0")
    np.testing.assert_array_equal(Z[:, zero] == 1, amount == 0)
    np.testing.assert_array_equal(Z[amount == 0, 0], 0.0)
    back = encoder.inverse_transform(Z)[:, 0]
    np.testing.assert_array_equal(back == 0, amount == 0)  # exact zeros, and only there
    np.testing.assert_allclose(back, amount, rtol=1e-9, atol=1e-12)
    again = TabularEncoder.from_plain(json.loads(json.dumps(encoder.to_plain())))
    np.testing.assert_array_equal(again.transform(amount[:, None]), Z)


def test_point_masses_and_missing_values_gate_the_scalar_in_the_layout():
    rng = np.random.RandomState(0)
    amount = np.where(rng.rand(500) < 0.6, 0.0, rng.lognormal(3, 1, 500))
    amount[:25] = np.nan
    encoder = TabularEncoder(random_state=0).fit(amount[:, None])
    scalar, modes = encoder.output_layout_.blocks
    names = list(encoder.get_feature_names_out())
    # the point mass and the missing entry: exactly the entries where the encoding writes 0
    assert scalar.zero_with == (names.index("x0__value_0"), len(names))
    assert modes.start < scalar.zero_with[0] and scalar.zero_with[1] == modes.stop
    Z = encoder.transform(amount[:, None])
    valueless = Z[:, scalar.zero_with[0] : scalar.zero_with[1]].sum(axis=1) == 1
    np.testing.assert_array_equal(valueless, np.isnan(amount) | (amount == 0))
    np.testing.assert_array_equal(Z[valueless, 0], 0.0)
    # without point masses or missing values there is nothing to gate
    plain = TabularEncoder(random_state=0).fit(rng.lognormal(3, 1, (300, 1)))
    assert all(block.zero_with is None for block in plain.output_layout_.blocks)


def test_a_version_1_encoder_loads_ungated_and_encodes_the_same():
    rng = np.random.RandomState(0)
    amount = np.where(rng.rand(500) < 0.6, 0.0, rng.lognormal(3, 1, 500))[:, None]
    encoder = TabularEncoder(random_state=0).fit(amount)
    old = encoder.to_plain()
    old["version"] = 1
    for column in old["columns"]:
        column.pop("gated", None)
    loaded = TabularEncoder.from_plain(old)
    assert loaded.output_layout_.blocks[0].zero_with is None  # what the saved generator was trained with
    assert [b.zero_with for b in encoder.output_layout_.blocks] != [b.zero_with for b in loaded.output_layout_.blocks]
    np.testing.assert_array_equal(loaded.transform(amount), encoder.transform(amount))
    assert loaded.to_plain()["version"] == 3 and loaded.to_plain()["columns"][0]["gated"] is False


def test_few_repeated_fractional_values_are_discrete():
    years = np.repeat([0.5, 2.5, 6.0, 9.0, 16.5], 20)
    distinct = np.linspace(0.1, 0.9, 9)  # few, but each seen once: continuous
    assert TabularEncoder().fit(years[:, None]).column_kinds_[0] == "discrete"
    assert TabularEncoder().fit(distinct[:, None]).column_kinds_[0] == "continuous"


def test_repeated_values_make_a_grid_that_decoded_values_snap_to():
    rng = np.random.RandomState(0)
    levels = np.round(rng.gamma(2.0, 3.0, 30), 4)  # 30 fractional values, each seen about 20 times
    X = rng.choice(levels, 600)[:, None]
    encoder = TabularEncoder(random_state=0).fit(X)
    assert encoder.column_kinds_[0] == "continuous"
    Z = encoder.transform(X)
    np.testing.assert_array_equal(encoder.inverse_transform(Z), X)
    Z[:, 0] = rng.uniform(-1, 1, len(Z))  # any scalar decodes to an observed value
    assert set(encoder.inverse_transform(Z)[:, 0]) <= set(levels)
    unique = rng.normal(size=(600, 1))  # values seen once: no grid
    plain = TabularEncoder(random_state=0).fit(unique).to_plain()
    assert plain["columns"][0]["grid"] == []
