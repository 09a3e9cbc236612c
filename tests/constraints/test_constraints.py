"""Each constraint on its own: which rows obey it, and the errors its parameters and the table's dtypes give."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from skgan.constraints import Constraint, Custom, FixedCombinations, Inequality, Range, Sum


def valid(constraint, frame):
    return constraint.is_valid(frame).tolist()


# -- Range ------------------------------------------------------------------------------------------------------------


def test_range_is_closed_and_missing_values_obey_it():
    rows = pd.DataFrame({"x": [0.0, 1.0, -0.001, 1.001, np.nan]})
    assert valid(Range("x", 0, 1), rows) == [True, True, False, False, True]
    assert valid(Range("x", low=0), rows) == [True, True, False, True, True]
    assert valid(Range("x", high=1), rows) == [True, True, True, False, True]


def test_range_compares_big_integers_exactly():
    big = 2**60
    rows = pd.DataFrame({"n": np.array([big, big + 1, big + 3], dtype=np.int64),
                         "u": np.array([2**64 - 1, 0, 2**63], dtype=np.uint64)})
    # float64 holds big and big + 1 as one number: a float comparison would accept big + 1
    assert valid(Range("n", high=big), rows) == [True, False, False]
    assert valid(Range("n", low=big + 1, high=big + 2), rows) == [False, True, False]
    assert valid(Range("u", low=2**63), rows) == [True, False, True]
    assert valid(Range("u", high=2**64 - 2), rows) == [False, True, True]
    assert valid(Range("n", low=0.5, high=2.0**61), rows) == [True, True, True]  # float bounds on an int column


def test_range_on_nullable_integers():
    rows = pd.DataFrame({"n": pd.array([1, None, 5], dtype="Int64")})
    assert valid(Range("n", 0, 3), rows) == [True, True, False]


def test_range_on_dates_and_durations():
    when = pd.Series(pd.to_datetime(["2020-01-01 00:00", "2020-06-01 12:00", None]).as_unit("s"))
    rows = pd.DataFrame({"when": when, "aware": when.dt.tz_localize("Europe/Paris"),
                         "took": pd.to_timedelta(["1h", "3h", "30min"])})
    assert valid(Range("when", "2020-01-01", "2020-06-01"), rows) == [True, False, True]
    assert valid(Range("when", high=pd.Timestamp("2020-06-01 12:00")), rows) == [True, True, True]
    # a naive bound is read in the column's timezone; an aware one is compared as an instant
    assert valid(Range("aware", high="2020-01-01 00:00"), rows) == [True, False, True]
    assert valid(Range("aware", high=pd.Timestamp("2019-12-31 23:00", tz="UTC")), rows) == [True, False, True]
    assert valid(Range("took", "1h", pd.Timedelta("2h")), rows) == [True, False, False]
    # a bound finer than the column's unit: the interval holds the whole seconds inside it
    assert valid(Range("when", low="2019-12-31 23:59:59.5"), rows) == [True, True, True]
    assert valid(Range("when", high="2020-01-01 00:00:00.5"), rows) == [True, False, True]


@pytest.mark.parametrize("constraint, error, match", [
    (Range("x"), ValueError, "needs a low or a high"),
    (Range("x", 2, 1), ValueError, "above high"),
    (Range("x", np.nan), ValueError, "must be finite"),
    (Range(["x"], 0), TypeError, "column must be a column label"),
    (Range("x", "a"), TypeError, "must be a number"),
    (Range("missing", 0), ValueError, r"reads the column\(s\) \['missing'\].*columns are \['x'"),
    (Range("t", 0), TypeError, "must be a date"),
    (Range("t", "never"), ValueError, "is not a date"),
    (Range("t", pd.Timestamp("2020-01-01", tz="UTC")), ValueError, "has a timezone"),
    (Range("s", 0), TypeError, "numbers, dates or durations"),
    (Range("d", 5), TypeError, "must be a duration"),
    (Range("i", 0.2, 0.8), ValueError, "no value of column 'i'"),
])
def test_range_bad_arguments(constraint, error, match):
    rows = pd.DataFrame({"x": [1.0], "t": pd.to_datetime(["2020-01-01"]), "s": ["a"], "d": pd.to_timedelta(["1h"]),
                         "i": [0]})
    with pytest.raises(error, match=match):
        constraint.fit(rows)
    with pytest.raises(error, match=match):
        constraint.is_valid(rows)


# -- Inequality -------------------------------------------------------------------------------------------------------


def test_inequality_equality_and_strictness():
    rows = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan, 1.0], "b": [2.0, 2.0, 1.0, 0.0, np.nan]})
    assert valid(Inequality("a", "b"), rows) == [True, True, False, True, True]
    assert valid(Inequality("a", "b", strict=True), rows) == [True, False, False, True, True]


def test_inequality_on_big_integers_and_mixed_numbers():
    big = 2**60
    rows = pd.DataFrame({"a": np.array([big + 1, big, 2**62 + 1], dtype=np.int64),
                         "b": np.array([big, big, 2**62], dtype=np.int64),
                         "f": [float(big), float(big), 2.0**62]})
    assert valid(Inequality("a", "b"), rows) == [False, True, False]
    assert valid(Inequality("a", "f"), rows) == [False, True, False]  # exact, though f == float(a) in float64
    assert valid(Inequality("f", "a", strict=True), rows) == [True, False, True]


def test_inequality_on_dates_of_two_units_and_durations():
    rows = pd.DataFrame({"start": pd.to_datetime(["2020-01-01", "2020-01-02", None]).as_unit("s"),
                         "end": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-01"]).as_unit("ns"),
                         "d1": pd.to_timedelta(["1h", "2h", "3h"]), "d2": pd.to_timedelta(["1h", "1h", "4h"])})
    assert valid(Inequality("start", "end"), rows) == [True, False, True]
    assert valid(Inequality("start", "end", strict=True), rows) == [False, False, True]
    assert valid(Inequality("d1", "d2"), rows) == [True, False, True]


@pytest.mark.parametrize("constraint, error, match", [
    (Inequality("a", "a"), ValueError, "two columns"),
    (Inequality("a", "b", strict="yes"), TypeError, "strict must be True or False"),
    (Inequality("a", "t"), TypeError, "numbers, of dates or of durations"),
    (Inequality("s", "s2"), TypeError, "numbers, of dates or of durations"),
    (Inequality("t", "tz"), TypeError, "timezone"),
    (Inequality("a", "zz"), ValueError, r"\['zz'\]"),
])
def test_inequality_bad_arguments(constraint, error, match):
    rows = pd.DataFrame({"a": [1], "b": [2], "t": pd.to_datetime(["2020-01-01"]), "s": ["x"], "s2": ["y"],
                         "tz": pd.to_datetime(["2020-01-01"]).tz_localize("UTC")})
    with pytest.raises(error, match=match):
        constraint.fit(rows)


# -- FixedCombinations ------------------------------------------------------------------------------------------------


def test_fixed_combinations_accepts_only_seen_combinations():
    train = pd.DataFrame({"city": pd.Categorical(["Paris", "Lyon", "Berlin", None]), "code": [75, 69, 10, 0],
                          "country": ["FR", "FR", "DE", None]})
    constraint = FixedCombinations(["city", "code", "country"]).fit(train)
    rows = pd.DataFrame({"city": pd.Categorical(["Lyon", "Lyon", "Berlin", None, None]), "code": [69, 75, 10, 0, 1],
                         "country": ["FR", "FR", "FR", None, None]})
    assert valid(constraint, rows) == [True, False, False, True, False]
    assert valid(constraint, train) == [True] * 4


def test_fixed_combinations_needs_fit_and_two_columns():
    rows = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(NotFittedError, match="call fit"):
        FixedCombinations(["a", "b"]).is_valid(rows)
    with pytest.raises(ValueError, match="at least 2"):
        FixedCombinations(["a"]).fit(rows)
    with pytest.raises(TypeError, match="list of column labels"):
        FixedCombinations("ab").fit(rows)
    with pytest.raises(ValueError, match="twice"):
        FixedCombinations(["a", "a"]).fit(rows)


# -- Sum --------------------------------------------------------------------------------------------------------------


def test_sum_is_exact_for_integers_past_int64():
    big = 2**62
    rows = pd.DataFrame({"a": np.array([big, big, 1], dtype=np.int64), "b": np.array([big, big, 2], dtype=np.int64),
                         "t": np.array([2**63, 2**63 + 1, 3], dtype=np.uint64),
                         "t64": np.array([2**63 - 1, -(2**63), 3], dtype=np.int64)})
    assert valid(Sum(["a", "b"], "t"), rows) == [True, False, True]
    assert valid(Sum(["a", "b"], "t64"), rows) == [False, False, True]  # wrapped int64 sums do not pass


def test_sum_of_floats_within_its_tolerance_and_booleans():
    rows = pd.DataFrame({"a": [0.1, 0.1, 1e6, np.nan], "b": [0.2, 0.2, 1.0, 1.0], "t": [0.3, 0.3001, 1e6 + 1, 5.0],
                         "flag": [True, False, True, False], "n": [1, 0, 2, 0]})
    assert valid(Sum(["a", "b"], "t"), rows) == [True, False, True, True]  # 0.1 + 0.2 != 0.3 exactly
    assert valid(Sum(["flag"], "n"), rows) == [True, True, False, True]


@pytest.mark.parametrize("constraint, error, match", [
    (Sum(["a"], "a"), ValueError, "also one of the columns"),
    (Sum([], "t"), ValueError, "at least 1"),
    (Sum(["s"], "t"), TypeError, "column 's'"),
    (Sum(["a"], "flag"), TypeError, "column 'flag'"),
])
def test_sum_bad_arguments(constraint, error, match):
    rows = pd.DataFrame({"a": [1], "t": [1], "s": ["x"], "flag": [True]})
    with pytest.raises(error, match=match):
        constraint.fit(rows)


# -- Custom -----------------------------------------------------------------------------------------------------------


def test_custom_predicate_and_its_checks():
    rows = pd.DataFrame({"n": [1, 2, 3]})
    assert valid(Custom(lambda frame: frame["n"] > 1), rows) == [False, True, True]
    assert valid(Custom(lambda frame: [True, False, True]), rows) == [True, False, True]
    with pytest.raises(TypeError, match="must be a function"):
        Custom(3).is_valid(rows)
    with pytest.raises(ValueError, match="one boolean per row"):
        Custom(lambda frame: [True]).is_valid(rows)
    with pytest.raises(TypeError, match="must return booleans"):
        Custom(lambda frame: frame["n"]).is_valid(rows)


def test_constraints_are_estimators_that_clone():
    predicate = np.isfinite
    for constraint in (Range("x", 0, pd.Timestamp("2020-01-01")), Inequality("a", "b", strict=True),
                       FixedCombinations(["a", "b"]), Sum(["a", "b"], "c"), Custom(predicate)):
        copy = clone(constraint)
        assert isinstance(copy, Constraint) and copy is not constraint
        assert repr(copy) == repr(constraint)
    assert clone(Custom(predicate)).predicate is predicate
    assert Sum(["a", "b"], "c").read_columns == ("a", "b", "c")
    assert Custom(predicate).read_columns == ()


def test_fit_leaves_the_parameters_alone():
    rows = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    constraint = FixedCombinations(["a", "b"])
    assert constraint.fit(rows) is constraint
    assert constraint.get_params() == {"columns": ["a", "b"]}
    with pytest.raises(TypeError, match="pandas DataFrame"):
        Range("a", 0).is_valid(rows.to_numpy())
