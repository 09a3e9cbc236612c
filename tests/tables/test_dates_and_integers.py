"""Dates and times (datetime64, timedelta64, Period) and exact int64/uint64 values in tables (issue 29, items 2, 3)."""

import datetime
import json
import re

import numpy as np
import pandas as pd
import pytest

import skgan
from skgan import GANSampler
from skgan._csv import read_csv, write_csv
from skgan.cli import main
from skgan.exceptions import InvalidModelFile
from skgan.preprocessing import TabularEncoder

FAST = dict(max_iter=2, batch_size=32, latent_dim=8, n_parzen_samples=100, bandwidth=0.5,
            generator__hidden_layer_sizes=(16,), discriminator__hidden_layer_sizes=(16,))


def random_rows(encoder, n=2000, seed=0):
    """Model rows a generator might give: every value of every block reachable."""
    return np.random.RandomState(seed).uniform(-1, 1, size=(n, encoder.output_layout_.n_columns))


def decoded(X, n=2000, **params):
    encoder = TabularEncoder(random_state=0, **params).fit(X)
    return encoder, encoder.inverse_transform(random_rows(encoder, n))


# -- exact integers -------------------------------------------------------------------------------------------------


def test_discrete_int64_and_uint64_values_come_back_bit_for_bit():
    X = pd.DataFrame({"id": np.array([2**60 + 1, 2**60 + 3] * 10, dtype=np.int64),
                      "u": np.array([2**64 - 1, 0] * 10, dtype=np.uint64),
                      "n": pd.array([2**62 + 5, None, 2**62 + 7, 2**62 + 5] * 5, dtype="Int64")})
    encoder, out = decoded(X)
    assert encoder.column_kinds_ == {"id": "discrete", "u": "discrete", "n": "discrete"}
    assert dict(out.dtypes) == dict(X.dtypes)
    assert set(out["id"].tolist()) == {2**60 + 1, 2**60 + 3}  # float64 made both 2**60
    assert set(out["u"].tolist()) == {2**64 - 1, 0}
    assert set(out["n"].dropna().tolist()) == {2**62 + 5, 2**62 + 7} and out["n"].isna().any()
    assert encoder.inverse_transform(encoder.transform(X)).equals(X)
    assert encoder.value_positions("id") == {2**60 + 1: 0, 2**60 + 3: 1}


@pytest.mark.parametrize("values, dtype", [
    (2**62 + 3 * np.arange(40), np.int64),
    (2**64 - 1 - 7 * np.arange(40, dtype=np.uint64), np.uint64),
    (-(2**63) + 5 * np.arange(40), np.int64),
])
def test_continuous_integers_are_exact_whole_numbers_in_the_observed_range(values, dtype):
    X = pd.DataFrame({"x": np.asarray(values, dtype=dtype)})
    encoder, out = decoded(X)
    assert encoder.column_kinds_ == {"x": "integer"} and out["x"].dtype == dtype
    low, high = int(X["x"].min()), int(X["x"].max())
    assert all(low <= v <= high for v in out["x"].tolist())
    assert len(set(out["x"].tolist())) > 30  # not collapsed onto a few floats
    assert encoder.inverse_transform(encoder.transform(X)).equals(X)  # no float64 rounding past 2**53


def test_the_whole_int64_range_decodes_without_overflow():
    X = pd.DataFrame({"x": np.array([-(2**63), 2**63 - 1] + list(range(-30, 30)), dtype=np.int64)})
    encoder, out = decoded(X, max_discrete_values=5)
    assert encoder.column_kinds_ == {"x": "integer"}
    assert out["x"].dtype == np.int64 and out["x"].min() >= -(2**63) and out["x"].max() <= 2**63 - 1
    assert (out["x"] > 2**62).any() and (out["x"] < -(2**62)).any()  # both ends reached, no wrap-around


def test_integers_near_2_63_save_and_load_as_exact_plain_values():
    X = pd.DataFrame({"x": np.array([2**63 - 1 - 11 * i for i in range(40)], dtype=np.int64),
                      "k": np.array([2**63 - 1, 2**63 - 2] * 20, dtype=np.int64)})
    encoder = TabularEncoder(random_state=0).fit(X)
    plain = json.loads(json.dumps(encoder.to_plain()))
    assert plain["columns"][0]["high"] == 2**63 - 1 and type(plain["columns"][0]["low"]) is int
    loaded = TabularEncoder.from_plain(plain)
    Z = random_rows(encoder)
    assert loaded.inverse_transform(Z).equals(encoder.inverse_transform(Z))
    plain["columns"][0]["low"] = float(plain["columns"][0]["low"])
    with pytest.raises(InvalidModelFile, match=r"\['low'\] must be an integer"):
        TabularEncoder.from_plain(plain)


def test_a_version_2_integer_column_loads_as_the_same_model():
    X = pd.DataFrame({"x": np.arange(100, 160, dtype=np.int64)})
    encoder = TabularEncoder(random_state=0).fit(X)
    old = encoder.to_plain()
    old["version"] = 2
    column = old["columns"][0]
    low = column["low"]
    column.update(low=float(low), high=float(column["high"]), means=[m + low for m in column["means"]],
                  points=[float(v) for v in column["points"]], grid=[float(v) for v in column["grid"]])
    loaded = TabularEncoder.from_plain(old)
    np.testing.assert_allclose(loaded.transform(X), encoder.transform(X), atol=1e-12)
    assert loaded.to_plain()["columns"][0]["means"] == pytest.approx(encoder.to_plain()["columns"][0]["means"])


def test_rows_of_another_dtype_in_an_integer_column():
    X = pd.DataFrame({"x": np.arange(2**60, 2**60 + 40, dtype=np.int64)})
    encoder = TabularEncoder(random_state=0).fit(X)
    small = pd.DataFrame({"x": np.arange(40, dtype=np.int32) * 0 + 5})
    assert np.isfinite(encoder.transform(small)).all()
    with pytest.raises(ValueError, match="Column 'x' must hold whole numbers"):
        encoder.transform(pd.DataFrame({"x": [1.5] * 3}))


# -- dates and times ------------------------------------------------------------------------------------------------


def dates(n=40, seed=0):
    rng = np.random.RandomState(seed)
    start = pd.Timestamp("2021-03-01")
    when = pd.Series(start + pd.to_timedelta(rng.randint(0, 10**7, n), unit="s"))
    frame = pd.DataFrame({
        "ns": when.astype("datetime64[ns]"),
        "s": when.astype("datetime64[s]"),
        "paris": when.dt.tz_localize("UTC").dt.tz_convert("Europe/Paris").astype("datetime64[ms, Europe/Paris]"),
        "offset": when.dt.tz_localize(datetime.timezone(datetime.timedelta(hours=-3, minutes=-30))),
        "stay": pd.to_timedelta(rng.randint(60, 10**5, n), unit="s").astype("timedelta64[us]"),
        "month": pd.Series(pd.PeriodIndex.from_ordinals(rng.randint(600, 640, n), freq="M")),
        "quarter": pd.Series(pd.PeriodIndex.from_ordinals(rng.randint(200, 220, n), freq="Q-DEC")),
    })
    frame.loc[rng.rand(n) < 0.25, ["ns", "paris", "month"]] = pd.NaT
    return frame


def test_dates_and_times_come_back_in_their_dtype_unit_timezone_and_range():
    X = dates()
    encoder, out = decoded(X)
    assert set(encoder.column_kinds_.values()) == {"integer"}
    assert dict(out.dtypes) == dict(X.dtypes)
    for column in X:
        assert out[column].min() >= X[column].min() and out[column].max() <= X[column].max(), column
        assert out[column].isna().any() == X[column].isna().any(), column
    assert encoder.inverse_transform(encoder.transform(X)).equals(X)


def test_dates_save_and_load_as_checked_plain_values():
    X = dates()
    encoder = TabularEncoder(random_state=0).fit(X)
    plain = json.loads(json.dumps(encoder.to_plain()))
    assert [c["dtype"] for c in plain["columns"]][2:4] == [
        {"name": "datetime64", "unit": "ms", "tz": "Europe/Paris"},
        {"name": "datetime64", "unit": "us", "tz": "-03:30"}]
    Z = random_rows(encoder)
    assert TabularEncoder.from_plain(plain).inverse_transform(Z).equals(encoder.inverse_transform(Z))


@pytest.mark.parametrize("index, field, value, match", [
    (2, "tz", "/etc/passwd", "not a timezone this system knows"),
    (2, "tz", "dateutil/../../etc/passwd", "not a timezone this system knows"),
    (3, "tz", "+25:00", "not a UTC offset"),
    (0, "unit", "D", r"\['unit'\] must be one of"),
    (5, "freq", "M; import os", "must be a period frequency"),
    (5, "freq", "XYZ", "not a period frequency pandas reads back"),
])
def test_a_malformed_date_dtype_in_a_model_file_is_refused(index, field, value, match):
    plain = TabularEncoder(random_state=0).fit(dates()).to_plain()
    plain["columns"][index]["dtype"][field] = value
    with pytest.raises(InvalidModelFile, match=match):
        TabularEncoder.from_plain(plain)


def test_a_timezone_without_a_name_cannot_be_saved():
    dateutil_tz = pytest.importorskip("dateutil.tz")
    X = pd.DataFrame({"t": pd.date_range("2020-01-01", periods=30, freq="h", tz=dateutil_tz.tzlocal())})
    encoder = TabularEncoder(random_state=0).fit(X)
    with pytest.raises(ValueError, match="timezone .* cannot be saved"):
        encoder.to_plain()


def test_date_rows_of_another_unit_convert_and_other_values_are_errors():
    X = dates()[["s", "paris"]]
    encoder = TabularEncoder(random_state=0).fit(X)
    other_unit = X.assign(s=X["s"].astype("datetime64[ns]"), paris=X["paris"].dt.tz_convert("UTC"))
    np.testing.assert_array_equal(encoder.transform(other_unit), encoder.transform(X))
    with pytest.raises(ValueError, match="Column 'paris' must hold values of dtype datetime64"):
        encoder.transform(X.assign(paris=X["s"]))  # naive dates in a timezone-aware column
    with pytest.raises(ValueError, match="Column 's' must hold values of dtype datetime64"):
        encoder.transform(X.assign(s=X["s"].astype(str)))


def test_a_date_column_with_one_value_is_constant():
    X = pd.DataFrame({"t": pd.to_datetime(["2020-01-01"] * 4), "x": [1.0, 2.0, 3.0, 4.5]})
    encoder, out = decoded(X, n=10)
    assert encoder.column_kinds_["t"] == "constant" and out["t"].dtype == X["t"].dtype
    assert (out["t"] == X["t"][0]).all()
    assert TabularEncoder.from_plain(json.loads(json.dumps(encoder.to_plain()))).inverse_transform(
        random_rows(encoder, 10)).equals(out)


def test_a_gan_fits_samples_scores_and_saves_a_table_with_dates_and_exact_integers(tmp_path):
    X = dates(60)[["paris", "stay", "month"]].assign(
        id=np.array([2**60 + 1, 2**60 + 3] * 30, dtype=np.int64),
        big=np.arange(60, dtype=np.uint64) * np.uint64(2**57) + np.uint64(3),
        kind=["a", "b", "c"] * 20)
    gan = GANSampler(random_state=0).set_params(**FAST).fit(X)
    out = gan.sample(300, random_state=1)
    assert dict(out.dtypes) == dict(X.dtypes)
    assert set(out["id"].tolist()) <= {2**60 + 1, 2**60 + 3}
    assert out["big"].min() >= X["big"].min() and out["big"].max() <= X["big"].max()
    assert out["paris"].dropna().between(X["paris"].min(), X["paris"].max()).all()
    assert 0 < out["paris"].isna().mean() < 1
    assert np.isfinite(gan.score(X)) and np.isfinite(gan.score_samples(X.head(5))).all()
    day = X["paris"].dropna().iloc[0]
    assert (gan.sample(5, conditions={"paris": day})["paris"] == day).all()
    with pytest.raises(ValueError, match="missing value"):
        gan.sample(5, conditions={"paris": pd.NaT})
    gan.save(tmp_path / "dates.skgan")
    assert skgan.load(tmp_path / "dates.skgan").sample(300, random_state=1).equals(out)


# -- the command line -----------------------------------------------------------------------------------------------


def test_read_csv_parses_iso_dates_and_write_csv_writes_them_back(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("start,local,amount\n2024-03-01,2024-03-01T09:30:00+01:00,1.5\n"
                    "2024-03-02T12:00:00,,2.5\n,2024-07-01T09:30:00+02:00,3\n")
    X = read_csv(path, parse_dates=["start", "local"]).X
    assert str(X["start"].dtype).startswith("datetime64[") and X["start"].isna().tolist() == [False, False, True]
    assert str(X["local"].dtype).endswith(", UTC]")  # offsets that differ: read in UTC
    assert X["local"][2] == pd.Timestamp("2024-07-01T07:30:00Z")
    write_csv(tmp_path / "out.csv", X, list(X.columns))
    assert (tmp_path / "out.csv").read_text().splitlines()[1] == "2024-03-01T00:00:00,2024-03-01T08:30:00+00:00,1.5"
    assert read_csv(tmp_path / "out.csv", parse_dates=["start", "local"]).X.equals(X)
    assert str(read_csv(path).X["start"].dtype) == "category"  # text unless asked


@pytest.mark.parametrize("contents, option, match", [
    ("start,amount\n2024-01-01,3\n2024-13-45,4\n", "start", r"line 3, column 1 \('start'\): '2024-13-45' is not"),
    ("start,amount\n2024-01-01,3\nsoon,4\n", "start", r"line 3, column 1 \('start'\): 'soon' is not an ISO 8601"),
    ("start,amount\n2024-01-01,3\n", "finish", "has no column 'finish' to read dates from"),
    ("start,amount\n,3\nNA,4\n", "start", "the date column has no values"),
])
def test_bad_dates_are_one_line_errors_naming_the_line_and_column(contents, option, match, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(contents)
    assert main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), "--parse-dates", option]) == 1
    error = capsys.readouterr().err.strip()
    assert "\n" not in error
    assert re.search(match, error), error


def test_the_command_line_fits_and_samples_dates(tmp_path, capsys):
    rng = np.random.RandomState(0)
    lines = ["start,amount"] + [f"2023-{rng.randint(1, 13):02d}-{rng.randint(1, 28):02d}T10:00:00+01:00,{v:.2f}"
                                for v in rng.uniform(0, 100, 40)]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    model, out = tmp_path / "m.skgan", tmp_path / "out.csv"
    settings = [item for key in ("max_iter=2", "batch_size=32") for item in ("--set", key)]
    assert main(["fit", str(tmp_path / "t.csv"), "-o", str(model), "--parse-dates", "start", *settings]) == 0
    assert main(["sample", str(model), "-n", "20", "-o", str(out), "--random-state", "0"]) == 0
    back = read_csv(out, parse_dates=["start"]).X
    assert str(back["start"].dtype) == "datetime64[us, UTC+01:00]" and len(back) == 20
    assert back["start"].between(pd.Timestamp("2023-01-01T10:00+01:00"), pd.Timestamp("2023-12-28T10:00+01:00")).all()
    assert main(["score", str(model), str(tmp_path / "t.csv"), "--parse-dates", "start"]) == 0
    assert "Parzen log-likelihood" in capsys.readouterr().out
