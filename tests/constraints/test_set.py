"""ConstraintSet, as the table codec uses it: fit-time checks, reversible transforms, rows met by construction,
plain values for model files."""

import numpy as np
import pandas as pd
import pytest

from skgan.constraints import Custom, FixedCombinations, Inequality, Range, Sum, _set
from skgan.constraints._set import ConstraintSet
from skgan.exceptions import InvalidModelFile

BIG = 2**60


@pytest.fixture(autouse=True)
def transform_small_columns(monkeypatch):
    """The tables here are small: let a Range or Inequality transform a column of any number of values."""
    monkeypatch.setattr(_set, "MANY_VALUES", 0)


def test_a_column_of_few_values_keeps_them_and_is_met_by_rejection(monkeypatch):
    monkeypatch.setattr(_set, "MANY_VALUES", 20)
    rng = np.random.RandomState(0)
    brackets = rng.choice([17.5, 22.0, 27.0, 32.0, 37.0, 42.0], 200)  # fair's ages: few values, kept discrete
    table = pd.DataFrame({"years": np.minimum(brackets - 17.0, rng.choice([0.5, 2.0, 6.0], 200)), "age": brackets,
                          "x": rng.normal(size=200), "y": rng.normal(size=200) + 10})
    fitted = ConstraintSet([Inequality("years", "age"), Range("age", 17.5, 42.0), Inequality("x", "y")]).fit(table)
    assert [c.transform_ for c in fitted.constraints_] == [False, False, True]
    assert fitted.transformed_columns == ["y"]


def mixed_table(n=40, seed=0):
    rng = np.random.default_rng(seed)
    start = pd.Series(pd.to_datetime("2020-01-01").as_unit("us") + pd.to_timedelta(rng.integers(0, 10**6, n), "s"))
    cities = np.array(["Paris", "Lyon", "Berlin", "Hamburg"])
    city = cities[rng.integers(0, 4, n)]
    net = rng.integers(0, 1000, n)
    return pd.DataFrame({
        "low": BIG + rng.integers(0, 10, n), "high": BIG + 10 + rng.integers(0, 10, n),
        "u": np.array([2**64 - 1] * (n // 2) + [0] * (n - n // 2), dtype=np.uint64),
        "x": rng.uniform(0.0, 1.0, n),
        "start": start.dt.tz_localize("Europe/Paris"),
        "end": (start + pd.to_timedelta(rng.integers(1, 10**5, n), "s")).dt.tz_localize("Europe/Paris"),
        "city": pd.Categorical(city, categories=["Berlin", "Hamburg", "Lyon", "Paris", "Rome"]),
        "country": np.where(np.isin(city, ["Paris", "Lyon"]), "FR", "DE").astype(object),
        "n_int": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(-5, 5, n)), dtype="Int64"),
        "net": net, "tax": net // 5, "gross": net + net // 5,
    })


def constraints():
    return [Inequality("low", "high"), Range("x", 0.0, 1.0), Inequality("start", "end", strict=True),
            FixedCombinations(["city", "country"]), Sum(["net", "tax"], "gross"), Range("n_int", -5, 4)]


def assert_frames_identical(left, right):
    assert list(left.columns) == list(right.columns)
    assert left.dtypes.to_dict() == right.dtypes.to_dict()
    for label in left.columns:
        assert left[label].equals(right[label]), label


# -- fit --------------------------------------------------------------------------------------------------------------


def test_fit_names_the_missing_columns():
    with pytest.raises(ValueError, match=r"\['nope', 'gone'\].*columns are \['low', 'high'"):
        ConstraintSet([Range("nope", 0), Inequality("low", "gone")]).fit(mixed_table())


def test_fit_names_the_violating_rows():
    table = mixed_table(10)
    table.loc[[3, 7], "end"] = table.loc[[3, 7], "start"]
    with pytest.raises(ValueError, match=r"2 of the 10 training rows break Inequality\(.*strict=True\).*\[3, 7\]"):
        ConstraintSet(constraints()).fit(table)
    table = mixed_table(10)
    table.loc[5, "gross"] += 1
    with pytest.raises(ValueError, match=r"1 of the 10 training rows break Sum.*\[5\]"):
        ConstraintSet(constraints()).fit(table)


def test_fit_checks_its_arguments():
    with pytest.raises(TypeError, match="list of skgan.constraints"):
        ConstraintSet(Range("x", 0)).fit(mixed_table())
    with pytest.raises(TypeError, match=r"constraints\[1\]"):
        ConstraintSet([Range("x", 0), "x > 0"]).fit(mixed_table())
    with pytest.raises(TypeError, match="DataFrame"):
        ConstraintSet([]).fit(np.zeros((2, 2)))


def test_fit_copies_the_constraints():
    given = constraints()
    fitted = ConstraintSet(given).fit(mixed_table())
    assert all(a is not b for a, b in zip(given, fitted.constraints_, strict=True))
    assert not any(hasattr(c, "spec_") for c in given)


# -- transforms -------------------------------------------------------------------------------------------------------


def test_round_trip_is_bit_for_bit_on_a_mixed_table():
    table = mixed_table()
    fitted = ConstraintSet(constraints()).fit(table)
    assert all(c.transform_ for c in fitted.constraints_[:5])
    assert not fitted.constraints_[5].transform_  # integers are met by rejection
    encoded = fitted.transform(table)
    assert list(encoded.columns) == fitted.output_columns == [
        "low", "high", "u", "x", "start", "end", "city", "n_int", "net", "tax"]
    assert str(encoded["high"].dtype) == "uint64" and str(encoded["end"].dtype) == "timedelta64[us]"
    assert isinstance(encoded["city"].dtype, pd.CategoricalDtype) and encoded["x"].dtype == np.float64
    back = fitted.inverse_transform(encoded)
    exact = table.drop(columns=["x"])
    assert_frames_identical(back.drop(columns=["x"]), exact)
    np.testing.assert_allclose(back["x"], table["x"], rtol=1e-12, atol=1e-15)
    assert list(back.columns) == list(table.columns) and back["x"].dtype == table["x"].dtype


def test_round_trip_with_missing_values_and_other_dtypes():
    table = pd.DataFrame({
        "a": pd.array([1, None, 3, 4], dtype="Int32"), "b": pd.array([2, None, None, 2**31 - 1], dtype="Int32"),
        "f": np.array([0.5, np.nan, 1.0, 2.0], dtype=np.float32), "g": np.array([0.5, 1.0, np.nan, 2.5], np.float32),
        "k": [True, False, True, None], "s": pd.array(["x", "y", None, "x"], dtype="string"),
        "p1": [0.1, 0.2, np.nan, 0.4], "total": [0.6, np.nan, np.nan, 2.4],
    })
    fitted = ConstraintSet([Inequality("a", "b"), Inequality("f", "g"), FixedCombinations(["k", "s"]),
                            Sum(["p1", "f"], "total")]).fit(table)
    assert [c.transform_ for c in fitted.constraints_] == [True, False, True, True]  # f missing where g is not
    back = fitted.inverse_transform(fitted.transform(table))
    assert_frames_identical(back.drop(columns=["total"]), table.drop(columns=["total"]))
    np.testing.assert_allclose(back["total"], table["total"], rtol=1e-6)


def test_a_transform_needs_exact_missing_values():
    table = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, 3.0], "p": [1, 2], "t": pd.array([1, None], dtype="Int64")})
    fitted = ConstraintSet([Inequality("a", "b"), Sum(["p"], "t")]).fit(table)
    assert [c.transform_ for c in fitted.constraints_] == [False, False]
    assert fitted.transformed_columns == [] and fitted.unchanged_columns == ["a", "b", "p", "t"]


def test_only_the_first_constraint_reading_a_changed_column_transforms():
    table = pd.DataFrame({"a": [0.0, 0.5], "b": [0.5, 1.0], "c": [1, 1], "d": [2, 2], "t": [3, 3]})
    fitted = ConstraintSet([Inequality("a", "b"), Range("b", 0, 1), Range("a", 0, 1), Sum(["c", "d"], "t"),
                            FixedCombinations(["d", "t"])]).fit(table)
    assert [c.transform_ for c in fitted.constraints_] == [True, False, True, True, False]
    assert fitted.transformed_columns == ["a", "b", "t"] and fitted.unchanged_columns == ["c", "d"]
    back = fitted.inverse_transform(fitted.transform(table))
    assert fitted.is_valid(back).all()


def test_inverse_checks_its_columns():
    table = mixed_table(8)
    fitted = ConstraintSet(constraints()).fit(table)
    with pytest.raises(ValueError, match="takes the columns"):
        fitted.inverse_transform(fitted.transform(table).drop(columns=["tax"]))
    with pytest.raises(ValueError, match="fitted on the columns"):
        fitted.transform(table[table.columns[::-1]])


# -- by construction: any values in the transformed columns decode to valid rows ---------------------------------------


def perturbed(encoded, rng, scale=50.0):
    """What a generator might give: random values in every transformed column, of their dtypes."""
    n = len(encoded)
    out = encoded.copy()
    out["x"] = rng.normal(0, scale, n)
    out["f32"] = rng.normal(0, scale, n)
    out["lo_only"] = rng.normal(0, scale, n)
    out["hi_only"] = rng.normal(0, scale, n)
    out["high"] = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    out["i8b"] = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    out["end"] = pd.to_timedelta(rng.integers(0, 2**63 - 1, n), "us")
    out["fb"] = rng.normal(0, scale, n)
    out["city"] = pd.Categorical.from_codes(rng.integers(0, 3, n), categories=encoded["city"].cat.categories)
    out["net"] = rng.integers(-(2**40), 2**40, n)
    out["tax"] = rng.integers(-(2**40), 2**40, n)
    out["fp"] = rng.normal(0, 1e6, n)
    return out


def construction_table():
    rng = np.random.default_rng(1)
    n = 30
    start = pd.Series(pd.to_datetime("2000-01-01").as_unit("us") + pd.to_timedelta(rng.integers(0, 10**9, n), "s"))
    net = rng.integers(0, 100, n)
    return pd.DataFrame({
        "low": BIG + rng.integers(0, 5, n), "high": BIG + 5 + rng.integers(0, 5, n),
        "i8a": rng.integers(-128, 0, n).astype(np.int8), "i8b": rng.integers(0, 127, n).astype(np.int8),
        "x": rng.uniform(0.2, 0.3, n), "f32": rng.uniform(0.1, 0.3, n).astype(np.float32),
        "lo_only": rng.uniform(1, 2, n), "hi_only": rng.uniform(1, 2, n),
        "start": start.dt.tz_localize("UTC"), "end": (start + pd.to_timedelta(1, "s")).dt.tz_localize("UTC"),
        "fa": rng.uniform(0, 1, n).astype(np.float32), "fb": rng.uniform(1, 2, n).astype(np.float32),
        "city": np.array(["Paris", "Lyon", "Berlin"])[np.arange(n) % 3],
        "country": np.array(["FR", "FR", "DE"])[np.arange(n) % 3],
        "net": net, "tax": net // 4, "gross": net + net // 4,
        "fp": rng.uniform(0, 1, n), "ftotal": 0.0,
    }).assign(ftotal=lambda t: t["fp"] + t["x"])


@pytest.mark.parametrize("seed", range(3))
def test_any_values_of_the_transformed_columns_decode_to_valid_rows(seed):
    table = construction_table()
    fitted = ConstraintSet([
        Inequality("low", "high", strict=True), Inequality("i8a", "i8b"), Range("x", 0.1, 0.3),
        Range("f32", 0.1, 0.3), Range("lo_only", low=1.0), Range("hi_only", high=2.0),
        Inequality("start", "end", strict=True), Inequality("fa", "fb", strict=True),
        FixedCombinations(["city", "country"]), Sum(["net", "tax"], "gross"), Sum(["fp", "x"], "ftotal"),
    ]).fit(table)
    assert all(c.transform_ for c in fitted.constraints_[:-1])
    rows = fitted.inverse_transform(perturbed(fitted.transform(table), np.random.default_rng(seed)))
    assert rows.dtypes.to_dict() == table.dtypes.to_dict()
    for constraint in fitted.constraints_[:-1]:  # the float Sum reads x, which Range transforms: rejection
        assert constraint.is_valid(rows).all(), constraint
    assert not fitted.constraints_[-1].transform_
    assert (rows["x"].between(0.1, 0.3)).all() and (rows["f32"] <= np.float32(0.3)).all()
    assert set(zip(rows["city"], rows["country"], strict=True)) <= {("Paris", "FR"), ("Lyon", "FR"), ("Berlin", "DE")}


def test_extreme_values_stay_valid():
    table = construction_table().iloc[:3]
    fitted = ConstraintSet([Range("x", 0.1, 0.3), Inequality("fa", "fb", strict=True),
                            Inequality("i8a", "i8b", strict=True)]).fit(table)
    encoded = fitted.transform(table)
    for value in (-1e308, -50.0, 0.0, 50.0, 1e308):
        encoded["x"] = value
        encoded["fb"] = value
        rows = fitted.inverse_transform(encoded)
        assert fitted.is_valid(rows).all()
    encoded["i8b"] = np.uint64(2**64 - 1)
    assert (fitted.inverse_transform(encoded)["i8b"] == 127).all()


# -- validity and messages --------------------------------------------------------------------------------------------


def test_is_valid_and_the_violations_it_names():
    table = mixed_table(12)
    fitted = ConstraintSet(constraints() + [Custom(lambda rows: rows["net"] < 10**6)]).fit(table)
    rows = table.copy()
    rows.loc[[0, 1], "x"] = 2.0
    rows.loc[4, "gross"] = -1
    assert fitted.is_valid(rows).tolist() == [False, False, True, True, False] + [True] * 7
    assert [(type(c).__name__, n) for c, n in fitted.violations(rows)] == [("Range", 2), ("Sum", 1)]
    text = fitted.describe_violations(rows)
    assert "Range(column='x', high=1.0, low=0.0) (2 rows)" in text and "(1 row)" in text
    assert fitted.describe_violations(table) == ""


# -- plain values -----------------------------------------------------------------------------------------------------


def test_plain_values_round_trip():
    table = mixed_table()
    fitted = ConstraintSet(constraints() + [Range("start", "2019-01-01", pd.Timestamp("2030-01-01", tz="UTC")),
                                            Range("end", high=pd.Timestamp("2030-01-01 00:00:00.000001"))]).fit(table)
    plain = fitted.to_plain()
    loaded = ConstraintSet.from_plain(plain)
    assert loaded.to_plain() == plain
    assert loaded.output_columns == fitted.output_columns
    encoded = fitted.transform(table)
    assert_frames_identical(loaded.inverse_transform(encoded), fitted.inverse_transform(encoded))
    assert_frames_identical(loaded.transform(table), encoded)
    assert loaded.is_valid(table).all()
    assert repr(loaded.constraints_[6]) == repr(fitted.constraints_[6])


def test_plain_values_of_every_dtype_in_combinations():
    table = pd.DataFrame({"i": np.array([BIG + 1, BIG + 3, BIG + 1], dtype=np.int64),
                          "u": np.array([2**64 - 1, 0, 2**64 - 1], dtype=np.uint64),
                          "n": pd.array([1, None, 1], dtype="Int8"), "f": [0.5, np.nan, 0.5],
                          "b": [True, False, True], "bb": pd.array([True, None, True], dtype="boolean"),
                          "t": pd.to_datetime(["2020-01-01", None, "2020-01-01"]).tz_localize("Asia/Tokyo"),
                          "o": ["x", None, "x"], "c": pd.Categorical(["a", None, "a"])})
    fitted = ConstraintSet([FixedCombinations(list(table.columns))]).fit(table)
    loaded = ConstraintSet.from_plain(fitted.to_plain())
    assert_frames_identical(loaded.inverse_transform(fitted.transform(table)), table)


def corrupt(plain, path, value):
    target = plain
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return plain


@pytest.mark.parametrize("path, value, field", [
    (("columns", 0), 1.5, r"\['columns'\]\[0\]"),
    (("constraints", 0, "type"), "os.system", r"\['constraints'\]\[0\]\['type'\]"),
    (("constraints", 0, "params", "strict"), "yes", r"\['params'\]\['strict'\]"),
    (("constraints", 1, "params", "low"), 2.0, r"\['constraints'\]\[1\]\['params'\] are not a valid Range"),
    (("constraints", 1, "params", "low"), ["timestamp", "not a date"], r"\['params'\]\['low'\] is not a timestamp"),
    (("constraints", 1, "params", "column"), "unknown", r"name columns not in the table"),
    (("constraints", 1, "dtypes", 0, "name"), "complex128", r"\['dtypes'\]\[0\]\['name'\]"),
    (("constraints", 1, "dtypes", 0, "name"), "object", r"\['dtypes'\]\[0\]"),
    (("constraints", 3, "state", 0, 0), ["str", "Rome?"], r"\['state'\]\[0\] must hold categories"),
    (("constraints", 3, "state", 1), [["str", "FR"]], r"\['state'\]\[1\] must have"),
    (("constraints", 4, "transform"), 1, r"\['constraints'\]\[4\]\['transform'\]"),
    (("constraints", 0, "state"), [], r"\['constraints'\]\[0\]\['state'\] must be None"),
])
def test_corrupted_plain_values_are_invalid_model_files(path, value, field):
    plain = ConstraintSet(constraints()).fit(mixed_table()).to_plain()
    with pytest.raises(InvalidModelFile, match=field):
        ConstraintSet.from_plain(corrupt(plain, path, value))


def test_combination_values_that_the_dtype_cannot_hold():
    table = pd.DataFrame({"a": np.array([1, 2], dtype=np.uint8), "b": ["x", "y"]})
    plain = ConstraintSet([FixedCombinations(["a", "b"])]).fit(table).to_plain()
    plain["constraints"][0]["state"][0][0] = ["int", 2007]
    with pytest.raises(InvalidModelFile, match="cannot hold"):
        ConstraintSet.from_plain(plain)
    plain["constraints"][0]["state"][0][0] = ["int", 2]
    plain["constraints"][0]["state"][1][0] = ["str", "y"]
    with pytest.raises(InvalidModelFile, match="must not repeat a combination"):
        ConstraintSet.from_plain(plain)


def test_a_transform_flag_that_breaks_the_order_rule_is_refused():
    table = pd.DataFrame({"a": [0.0, 0.5], "b": [0.5, 1.0]})
    plain = ConstraintSet([Inequality("a", "b"), Range("b", 0, 1)]).fit(table).to_plain()
    plain["constraints"][1]["transform"] = True
    with pytest.raises(InvalidModelFile, match="reads a column an earlier one transforms"):
        ConstraintSet.from_plain(plain)


def test_custom_cannot_be_saved():
    fitted = ConstraintSet([Range("x", 0, 1), Custom(lambda rows: rows["x"] > -1)]).fit(mixed_table())
    with pytest.raises(ValueError, match="cannot store the Python function of Custom.*Refit.*pickle"):
        fitted.to_plain()
