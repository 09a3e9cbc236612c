import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import skgan
from skgan import GANSampler
from skgan.cli import main, read_data, read_table

FAST = [
    "--set", "max_iter=2",
    "--set", "n_parzen_samples=100",
    "--set", "latent_dim=4",
    "--set", "generator__hidden_layer_sizes=(16,)",
    "--set", "discriminator__hidden_layer_sizes=(16,)",
    "--set", "random_state=0",
]


@pytest.fixture
def rows():
    return np.random.RandomState(0).normal(size=(60, 3)) * [1.0, 5.0, 0.1] + [0.0, 100.0, -3.0]


@pytest.fixture
def csv_data(rows, tmp_path):
    path = tmp_path / "train.csv"
    np.savetxt(path, rows, delimiter=",", header="height,weight,age", comments="")
    return path


@pytest.fixture
def npy_data(rows, tmp_path):
    path = tmp_path / "train.npy"
    np.save(path, rows)
    return path


@pytest.fixture
def model(npy_data, tmp_path, capsys):
    path = tmp_path / "model.skgan"
    assert main(["fit", str(npy_data), "-o", str(path), *FAST]) == 0
    capsys.readouterr()
    return path


def assert_one_error_line(capsys, status, expected_status=(1, 2), match=""):
    out, err = capsys.readouterr()
    assert status in expected_status
    assert err.startswith("skgan: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in out + err
    assert match in err, err
    return err


# --- fit, sample, score ---------------------------------------------------


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_fit_sample_score_on_csv_keep_feature_names(csv_data, rows, tmp_path, capsys):
    model, out = tmp_path / "model.skgan", tmp_path / "samples.csv"
    assert main(["fit", str(csv_data), "-o", str(model), *FAST]) == 0
    summary = capsys.readouterr().out
    assert "Trained 2 epochs" in summary and "bandwidth" in summary and str(model) in summary

    gan = skgan.load(model)
    assert gan.max_iter == 2 and gan.latent_dim == 4 and gan.generator.hidden_layer_sizes == (16,)
    np.testing.assert_array_equal(gan.feature_names_in_, ["height", "weight", "age"])

    assert main(["sample", str(model), "-n", "7", "-o", str(out), "--random-state", "3"]) == 0
    assert out.read_text().splitlines()[0] == "height,weight,age"
    written = np.loadtxt(out, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(written, gan.sample(7, random_state=3))

    capsys.readouterr()
    assert main(["score", str(model), str(csv_data)]) == 0
    expected = gan.parzen_score(read_data(csv_data))
    assert capsys.readouterr().out.startswith(f"Parzen log-likelihood: {expected} nats")


def test_fit_sample_score_on_npy(model, npy_data, tmp_path, capsys):
    gan = skgan.load(model)
    assert not hasattr(gan, "feature_names_in_") and gan.random_state == 0

    out = tmp_path / "samples.npy"
    assert main(["sample", str(model), "-n", "5", "-o", str(out)]) == 0
    np.testing.assert_array_equal(np.load(out), gan.sample(5))

    csv_out = tmp_path / "samples.csv"
    assert main(["sample", str(model), "-n", "4", "-o", str(csv_out)]) == 0
    lines = csv_out.read_text().splitlines()
    assert lines[0] == "x0,x1,x2" and len(lines) == 5

    capsys.readouterr()
    assert main(["score", str(model), str(npy_data)]) == 0
    out = capsys.readouterr().out
    assert f"{gan.parzen_score(np.load(npy_data))} nats" in out and "60 rows" in out


def test_string_values_of_set_stay_strings(npy_data, tmp_path):
    model = tmp_path / "model.skgan"
    assert main(["fit", str(npy_data), "-o", str(model), *FAST, "--set", "loss=minimax", "--set", "device=cpu"]) == 0
    gan = skgan.load(model)
    assert gan.loss == "minimax" and gan.device == "cpu"




def test_main_reads_sys_argv(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["skgan", "--version"])
    assert main() == 0
    assert capsys.readouterr().out.strip() == f"skgan {skgan.__version__}"


@pytest.mark.parametrize("command", [[], ["fit"], ["sample"], ["score"], ["demo"]])
def test_help_exits_zero(command, capsys):
    assert main([*command, "--help"]) == 0
    assert "usage:" in capsys.readouterr().out


@pytest.mark.slow
def test_python_dash_m_skgan_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "skgan", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "usage: skgan" in result.stdout and "sample" in result.stdout


# --- errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, status, match",
    [
        ([], 2, "required: COMMAND"),
        (["train"], 2, "invalid choice"),
        (["fit", "DATA.txt", "-o", "m.skgan"], 2, "DATA must be a .csv or .npy file"),
        (["fit", "missing.csv", "-o", "m.skgan"], 1, "No such file or directory: missing.csv"),
        (["fit", "DATA.csv"], 2, "required: -o/--output"),
        (["fit", "DATA.csv", "-o", "m.skgan", "--set", "max_iter"], 2, "expected KEY=VALUE"),
        (["fit", "DATA.csv", "-o", "m.skgan", "--set", "n_epochs=3"], 2, "no parameter 'n_epochs'"),
        (["fit", "DATA.csv", "-o", "no/such/folder/m.skgan"], 1, "no such folder"),
        (["sample", "m.skgan", "-n", "three", "-o", "s.csv"], 2, "invalid int value"),
        (["sample", "m.skgan", "-n", "3", "-o", "s.txt"], 2, "OUT must be a .csv or .npy file"),
        (["sample", "missing.skgan", "-n", "3", "-o", "s.csv"], 1, "No such file or directory"),
        (["score", "m.skgan", "DATA.json"], 2, "DATA must be a .csv or .npy file"),
        (["sample", "m.skgan", "-n", "3", "-o", "s.csv", "--bogus"], 2, "unrecognized arguments: --bogus"),
    ],
)
def test_usage_and_file_errors_are_one_line(argv, status, match, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert_one_error_line(capsys, main(argv), (status,), match)


@pytest.mark.parametrize(
    "setting, match",
    [
        ("loss=bogus", "'loss' parameter"),
        ("max_iter=-1", "'max_iter' parameter"),
        ("generator__hidden_layer_sizes=(0,)", "hidden_layer_sizes"),
        ("generator__width=3", "width"),
    ],
)
def test_invalid_parameter_values_are_one_line(setting, match, npy_data, tmp_path, capsys):
    status = main(["fit", str(npy_data), "-o", str(tmp_path / "m.skgan"), *FAST, "--set", setting])
    assert_one_error_line(capsys, status, (1,), match)
    assert not (tmp_path / "m.skgan").exists()


@pytest.mark.parametrize(
    "name, contents, match",
    [
        ("infinite.csv", "a,b\n1,2\n3,inf\n", "line 3, column 2 ('b'): 'inf' is not a finite number"),
        ("header_only.csv", "a,b\n", "no rows of data"),
        ("empty.csv", "", "is empty"),
        ("junk.npy", "not numpy", "is not a .npy file"),
        ("flat.npy", np.arange(10.0), "shape (10,)"),
        ("objects.npy", np.array([{"a": 1}], dtype=object), "Object arrays cannot be loaded"),
    ],
)
def test_bad_data_files_are_one_line(name, contents, match, tmp_path, capsys):
    path = tmp_path / name
    if isinstance(contents, str):
        path.write_text(contents)
    else:
        np.save(path, contents)
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan")])
    assert_one_error_line(capsys, status, (1,), match)


def test_bad_model_and_mismatched_data_are_one_line(model, tmp_path, capsys):
    damaged = tmp_path / "damaged.skgan"
    damaged.write_bytes(model.read_bytes()[:100])
    status = main(["sample", str(damaged), "-n", "3", "-o", str(tmp_path / "s.csv")])
    assert_one_error_line(capsys, status, (1,), "corrupted or truncated")
    np.save(tmp_path / "wide.npy", np.zeros((5, 4)))
    status = main(["score", str(model), str(tmp_path / "wide.npy")])
    assert_one_error_line(capsys, status, (1,), "4 features")
    status = main(["sample", str(model), "-n", "0", "-o", str(tmp_path / "s.csv")])
    assert_one_error_line(capsys, status, (1,), "n_samples must be a positive integer")


def test_interrupt_is_one_line(npy_data, tmp_path, monkeypatch, capsys):
    def interrupted(self, X, y=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(GANSampler, "fit", interrupted)
    status = main(["fit", str(npy_data), "-o", str(tmp_path / "m.skgan"), *FAST])
    assert_one_error_line(capsys, status, (1,), "interrupted")


def test_warnings_are_one_line(model, tmp_path, monkeypatch, capsys):
    gan = skgan.load(model)
    gan.device_ = "cuda:0"
    gan.save(model)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert main(["sample", str(model), "-n", "3", "-o", str(tmp_path / "s.npy")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("skgan: warning: ") and "CPU" in err and err.count("\n") == 1, err


def test_demo_help_names_the_skgan_command(capsys):
    assert main(["demo", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: skgan demo")


# --- reading CSV files ----------------------------------------------------


def fit_and_load(path, tmp_path, capsys, *options):
    model = tmp_path / "fitted.skgan"
    status = main(["fit", str(path), "-o", str(model), *FAST, *options])
    out, err = capsys.readouterr()
    assert status == 0, err
    return skgan.load(model), out


def test_headerless_csv_keeps_every_row(rows, tmp_path, capsys):
    path = tmp_path / "plain.csv"
    np.savetxt(path, rows, delimiter=",")  # no header, as numpy writes
    np.testing.assert_array_equal(read_data(path), rows)
    gan, _ = fit_and_load(path, tmp_path, capsys)
    assert not hasattr(gan, "feature_names_in_")
    assert main(["score", str(tmp_path / "fitted.skgan"), str(path)]) == 0
    out, err = capsys.readouterr()
    assert "over 60 rows" in out and not err
    assert main(["sample", str(tmp_path / "fitted.skgan"), "-n", "3", "-o", str(tmp_path / "s.csv")]) == 0
    assert (tmp_path / "s.csv").read_text().splitlines()[0] == "x0,x1,x2"


def test_verbose_says_whether_a_header_was_assumed(rows, csv_data, tmp_path, capsys):
    path = tmp_path / "plain.csv"
    np.savetxt(path, rows, delimiter=",")
    _, out = fit_and_load(path, tmp_path, capsys, "--verbose")
    assert "60 rows of 3 columns" in out and "no header row (the first row reads as numbers)" in out
    _, out = fit_and_load(csv_data, tmp_path, capsys, "-v")
    assert "header row assumed (the first row reads as names)" in out
    assert "Epoch" in out or "epoch" in out.lower()


def test_header_and_no_header_options(rows, tmp_path, capsys):
    path = tmp_path / "counted.csv"
    np.savetxt(path, rows, delimiter=",", header="0,1,2", comments="")  # pandas' names for unnamed columns
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), *FAST])
    assert_one_error_line(capsys, status, (1,), "counts the columns")
    gan, _ = fit_and_load(path, tmp_path, capsys, "--header")
    np.testing.assert_array_equal(gan.feature_names_in_, ["0", "1", "2"])
    np.testing.assert_array_equal(read_data(path, header=True), rows)

    np.savetxt(path, rows, delimiter=",")
    assert read_table(path, header=False).X.shape == (60, 3)
    table = read_table(path, header=True)  # the user said so: the first row names the columns
    assert table.X.shape == (59, 3) and len(table.feature_names) == 3
    _, out = fit_and_load(path, tmp_path, capsys, "--no-header", "--verbose")
    assert "60 rows" in out and "--no-header" in out


def test_semicolons_and_decimal_commas(rows, tmp_path, capsys):
    path = tmp_path / "european.csv"
    lines = ["height;weight;age"] + [";".join(f"{v:.6f}".replace(".", ",") for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    table = read_table(path, delimiter=";", decimal=",")
    np.testing.assert_allclose(table.X, rows, atol=1e-6)
    assert table.feature_names == ["height", "weight", "age"]
    gan, _ = fit_and_load(path, tmp_path, capsys, "--delimiter", ";", "--decimal", ",")
    np.testing.assert_array_equal(gan.feature_names_in_, ["height", "weight", "age"])

    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), *FAST])
    err = assert_one_error_line(capsys, status, (1,), "line 2")
    assert "--delimiter ';'" in err and "--decimal ','" in err
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), *FAST, "--delimiter", ";"])
    assert_one_error_line(capsys, status, (1,), "pass --decimal ','")
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), "--delimiter", ",", "--decimal", ","])
    assert_one_error_line(capsys, status, (1,), "the decimal mark and the delimiter are both ','")


@pytest.mark.parametrize(
    "contents, match",
    [
        ("a\tb\n1.5\t2\n3\t4\n", "holds a tab although the delimiter is ','; if tabs separate the columns"),
        ("a;b\n1;2\n3;4\n", "holds ';' although the delimiter is ','"),
        ("1.5 2.5\n3 4\n", "numbers separated by spaces although the delimiter is ','; "
         "if spaces separate the columns, pass --delimiter space"),
        ("a,1.5\n2,3\n", "the first row ('a', '1.5') mixes names and numbers: pass --header"),
        ("a,b\n1,2\n3\n", "line 3: 1 cells where line 1 has 2"),
        (",a,b\n0,1,2\n1,3,4\n", "column 1 has no name in the header; a column without a name is often a row index"),
        ("a,a\n1,2\n", "names the column 'a' twice"),
        ("a,b\n1,\n2,NA\n", "column 2 ('b') has no values: every cell is empty or a missing-value marker"),
        ("a,b\n1,nan\n2,inf\n", "line 3, column 2 ('b'): 'inf' is not a finite number"),
        ("a,b\n1,1e999\n", "'1e999' is not a finite number"),
        ("a,b\nx,1e999\n", "line 2, column 2 ('b'): '1e999' is not a finite number"),
        ("1.5,red\n3,blue\n", "the first row ('1.5', 'red') mixes names and numbers"),
        ("red,blue\nred,green\nblue,blue\n", "'red', in column 1, is also a value of that column below; "
         "pass --header"),
        ("a,b\nx,1;2\ny,3\n", "line 2, column 2: '1;2' holds ';' although the delimiter is ','"),
        ("a,b\nx,1.5 2.5\n", "holds numbers separated by spaces"),
    ],
)
def test_implausible_tables_are_errors(contents, match, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(contents)
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), *FAST])
    assert_one_error_line(capsys, status, (1,), match)
    assert not (tmp_path / "m.skgan").exists()


def test_tabs_and_spaces_read_with_their_delimiter(rows, tmp_path):
    for name, delimiter, option in (("tabs.csv", "\t", "tab"), ("spaces.csv", "   ", "space")):
        path = tmp_path / name
        np.savetxt(path, rows, delimiter=delimiter, header="x y z".replace(" ", delimiter), comments="")
        table = read_table(path, delimiter=skgan.cli.parse_separator(option))
        np.testing.assert_array_equal(table.X, rows)
        assert table.feature_names == ["x", "y", "z"]


def test_csv_options_are_refused_for_npy(npy_data, tmp_path, capsys):
    status = main(["fit", str(npy_data), "-o", str(tmp_path / "m.skgan"), "--no-header"])
    assert_one_error_line(capsys, status, (2,), "apply to .csv files")
    status = main(["fit", str(npy_data), "-o", str(tmp_path / "m.skgan"), "--delimiter", "ab"])
    assert_one_error_line(capsys, status, (2,), "expected one separator character")


def test_reading_is_identical_without_pandas(csv_data, tmp_path, capsys, monkeypatch):
    with_pandas = read_table(csv_data)
    gan, _ = fit_and_load(csv_data, tmp_path, capsys)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError):
        import pandas  # noqa: F401
    without = read_table(csv_data)
    np.testing.assert_array_equal(without.X, with_pandas.X)
    assert without.feature_names == with_pandas.feature_names == ["height", "weight", "age"]
    gan_without, _ = fit_and_load(csv_data, tmp_path, capsys)
    np.testing.assert_array_equal(gan_without.feature_names_in_, gan.feature_names_in_)
    np.testing.assert_array_equal(gan_without.sample(5), gan.sample(5))
    path = tmp_path / "words.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), *FAST])
    assert_one_error_line(capsys, status, (1,), "line 2, column 2 ('b') holds 'x', which is not a number; "
                          "reading a table with text, true/false or missing cells needs pandas: "
                          'pip install "skgan[pandas]"')
    path.write_text("a,b\n1,2\n2,\n")
    status = main(["fit", str(path), "-o", str(tmp_path / "m.skgan"), *FAST])
    assert_one_error_line(capsys, status, (1,), "line 3, column 2 ('b') holds an empty cell; reading a table")


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_score_matches_columns_by_header(csv_data, rows, tmp_path, capsys):
    gan, _ = fit_and_load(csv_data, tmp_path, capsys)
    model = tmp_path / "fitted.skgan"
    renamed = tmp_path / "renamed.csv"
    np.savetxt(renamed, rows, delimiter=",", header="weight,height,age", comments="")
    status = main(["score", str(model), str(renamed)])
    assert_one_error_line(capsys, status, (1,), "names the columns weight, height, age; the model was fitted on "
                          "height, weight, age")
    plain = tmp_path / "plain.csv"
    np.savetxt(plain, rows, delimiter=",")
    assert main(["score", str(model), str(plain)]) == 0  # no header: the model's columns, in order
    out, err = capsys.readouterr()
    assert out.startswith(f"Parzen log-likelihood: {gan.parzen_score(rows)} nats") and not err


def test_one_epoch_is_singular(npy_data, tmp_path, capsys):
    assert main(["fit", str(npy_data), "-o", str(tmp_path / "m.skgan"), *FAST, "--set", "max_iter=1"]) == 0
    assert "Trained 1 epoch on 3 features" in capsys.readouterr().out
    assert main(["sample", str(tmp_path / "m.skgan"), "-n", "1", "-o", str(tmp_path / "s.npy")]) == 0
    assert "Wrote 1 row of 3 features" in capsys.readouterr().out


# --- tables: text, integers, true/false and missing cells (pandas) --------

@pytest.fixture
def pd():
    return pytest.importorskip("pandas")


def write_table(path, n=80, seed=0, header=True):
    rng = np.random.RandomState(seed)
    lines = ["length,count,kids,island,member,mass"] if header else []
    for _ in range(n):
        length = f"{rng.normal(40, 5):.2f}"
        count = str(rng.randint(100, 400))  # many values: an integer column
        kids = "" if rng.rand() < 0.1 else str(rng.randint(0, 4))  # few values, missing cells: discrete Int64
        island = rng.choice(["Biscoe", "Dream", "Torgersen"])
        member = rng.choice(["true", "false", "True"])
        mass = "NA" if rng.rand() < 0.2 else f"{rng.normal(4000, 300):.1f}"
        lines.append(",".join([length, count, kids, island, member, mass]))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def table_model(tmp_path_factory):
    pytest.importorskip("pandas")
    folder = tmp_path_factory.mktemp("table")
    data = write_table(folder / "train.csv")
    model = folder / "table.skgan"
    assert main(["fit", str(data), "-o", str(model), *FAST]) == 0
    return data, model


def test_a_mixed_csv_is_read_with_a_dtype_per_column(tmp_path, pd):
    table = read_table(write_table(tmp_path / "train.csv"))
    X = table.X
    assert isinstance(X, pd.DataFrame) and table.feature_names == list(X.columns)
    assert {c: str(t) for c, t in X.dtypes.items()} == {
        "length": "float64", "count": "int64", "kids": "Int64", "island": "category", "member": "bool",
        "mass": "float64",
    }
    assert list(X["island"].cat.categories) == ["Biscoe", "Dream", "Torgersen"]
    assert X["kids"].isna().any() and X["mass"].isna().any()  # empty cells and "NA"
    assert "a table: length float, count integer, kids integer (" in table.description
    path = tmp_path / "more.csv"
    path.write_text("name;score;passed\n Ann ;1,5;TRUE\nBob;;\nNA;2;false\n")
    X = read_table(path, delimiter=";", decimal=",").X
    assert X["name"].tolist()[:2] == ["Ann", "Bob"] and X["name"].isna().tolist() == [False, False, True]
    assert X["score"].tolist()[::2] == [1.5, 2.0] and str(X["passed"].dtype) == "boolean"
    path.write_text("1.5,,3\n2,x,NA\n")  # a first row of numbers and missing cells is data
    table = read_table(path)
    assert table.feature_names is None and list(table.X.columns) == ["x0", "x1", "x2"] and len(table.X) == 2


def test_a_column_of_numbers_and_text_is_text_with_a_warning(tmp_path, pd):
    path = tmp_path / "odd.csv"
    path.write_text("a,b\n1,1000\n2,1_000\n3,x\n")
    with pytest.warns(UserWarning, match=r"line 3, column 2 \('b'\): '1_000' is not a number, so the column, 1 of "):
        X = read_table(path).X
    assert str(X["b"].dtype) == "category" and X["b"].tolist() == ["1000", "1_000", "x"]


def test_fit_and_sample_a_mixed_csv(table_model, tmp_path, capsys, pd):
    data, model = table_model
    gan = skgan.load(model)
    assert gan.encoder_.column_kinds_ == {"length": "continuous", "count": "integer", "kids": "discrete",
                                          "island": "discrete", "member": "discrete", "mass": "continuous"}
    out = tmp_path / "synthetic.csv"
    assert main(["sample", str(model), "-n", "200", "-o", str(out), "--random-state", "1"]) == 0
    assert capsys.readouterr().out.startswith("Wrote 200 rows of 6 columns")
    lines = out.read_text().splitlines()
    assert lines[0] == "length,count,kids,island,member,mass" and len(lines) == 201
    cells = [line.split(",") for line in lines[1:]]
    assert all(c[1].lstrip("-").isdigit() for c in cells)  # integers as integers
    assert all(c[2] == "" or c[2].isdigit() for c in cells)  # missing as empty cells
    assert {c[3] for c in cells} <= {"Biscoe", "Dream", "Torgersen"}
    assert {c[4] for c in cells} <= {"True", "False"}
    expected = gan.sample(200, random_state=1)
    back = read_table(out).X  # the written table reads back as the model's rows
    pd.testing.assert_frame_equal(back[["count", "member"]], expected[["count", "member"]])
    np.testing.assert_allclose(back["length"], expected["length"])
    assert back["island"].astype(str).tolist() == expected["island"].astype(str).tolist()


def test_fit_message_and_verbose_reading_of_a_table(tmp_path, capsys, pd):
    data = write_table(tmp_path / "train.csv")
    assert main(["fit", str(data), "-o", str(tmp_path / "m.skgan"), *FAST, "-v"]) == 0
    out = capsys.readouterr().out
    assert "a table: length float, count integer" in out
    assert "Trained 2 epochs on a table of 6 columns (2 continuous, 1 integer, 3 discrete)" in out


def test_sample_with_conditions(table_model, tmp_path, capsys):
    _, model = table_model
    out = tmp_path / "dream.csv"
    status = main(["sample", str(model), "-n", "30", "-o", str(out), "--condition", "island=Dream",
                   "--condition", "kids=3", "--condition", "member=TRUE"])
    assert status == 0, capsys.readouterr().err
    rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    assert len(rows) == 30 and all(r[3] == "Dream" and r[2] == "3" and r[4] == "True" for r in rows)
    assert main(["sample", str(model), "-n", "10", "-o", str(out), "--condition", "kids="]) == 0
    assert all(line.split(",")[2] == "" for line in out.read_text().splitlines()[1:])  # missing, as a condition


def test_sample_completes_partial_rows(table_model, tmp_path, capsys):
    _, model = table_model
    partial = tmp_path / "partial.csv"
    partial.write_text("island,length\nDream,\n,45.5\nBiscoe,40.25\n")
    out = tmp_path / "completed.csv"
    status = main(["sample", str(model), "-o", str(out), "--complete", str(partial), "--random-state", "1"])
    assert status == 0, capsys.readouterr().err
    back = read_table(out).X
    assert len(back) == 3 and back["island"].astype(str).tolist()[0::2] == ["Dream", "Biscoe"]
    assert back["length"].tolist()[1:] == [45.5, 40.25] and not back["length"].isna().any()
    status = main(["sample", str(model), "-o", str(out), "--complete", str(partial), "-n", "5"])
    assert_one_error_line(capsys, status, (1,), "n_samples=5, but conditions is a DataFrame of 3 rows")
    status = main(["sample", str(model), "-o", str(out)])
    assert_one_error_line(capsys, status, (2,), "required: -n/--n-samples (or --complete)")


def test_sample_with_intervals_and_values_of_numbers(table_model, tmp_path, capsys):
    data, model = table_model
    train = read_table(data).X
    low, high = train["length"].quantile([0.25, 0.5]).round(1)
    out = tmp_path / "between.csv"
    status = main(["sample", str(model), "-n", "40", "-o", str(out), "--condition", f"length={low}:{high}",
                   "--condition", "kids=1..2", "--condition", f"count={int(train['count'].median())}"])
    assert status == 0, capsys.readouterr().err
    back = read_table(out).X
    assert len(back) == 40 and back["length"].between(low, high).all()
    assert set(back["kids"].tolist()) <= {1, 2} and (back["count"] == int(train["count"].median())).all()
    assert main(["sample", str(model), "-n", "5", "-o", str(out), "--condition", f"length=:{low}"]) == 0
    assert (read_table(out).X["length"] <= low).all()
    status = main(["sample", str(model), "-n", "5", "-o", str(tmp_path / "none.csv"), "--condition", "length=1e3:2e3"])
    assert_one_error_line(capsys, status, (1,), "(1000.0, 2000.0) for 'length' lies outside the values the column held")
    assert not (tmp_path / "none.csv").exists()


@pytest.mark.parametrize(
    "condition, match",
    [
        ("island=Atlantis", "--condition island=Atlantis: column 'island' has no value 'Atlantis'; its values are "
         "Biscoe, Dream, Torgersen"),
        ("kids=7", "column 'kids' has no value '7'; its values are 0, 1, 2, 3, (empty: missing)"),
        ("member=maybe", "its values are False, True"),
        ("island=", "has no value ''"),
        ("island=a:b", "has no value 'a:b'"),
        ("colour=red", "the model has no column 'colour'; its columns are length, count, kids"),
        ("island", "expected COLUMN=VALUE"),
    ],
)
def test_bad_conditions_are_one_line(condition, match, table_model, tmp_path, capsys):
    _, model = table_model
    status = main(["sample", str(model), "-n", "3", "-o", str(tmp_path / "s.csv"), "--condition", condition])
    assert_one_error_line(capsys, status, (2,), match)
    assert not (tmp_path / "s.csv").exists()


def test_conditions_need_a_table_model_and_one_value_per_column(model, table_model, tmp_path, capsys):
    status = main(["sample", str(model), "-n", "3", "-o", str(tmp_path / "s.csv"), "--condition", "x0=1"])
    assert_one_error_line(capsys, status, (2,), "--condition needs a model fitted on a table")
    status = main(["sample", str(table_model[1]), "-n", "3", "-o", str(tmp_path / "s.csv"),
                   "--condition", "kids=1", "--condition", "kids=2"])
    assert_one_error_line(capsys, status, (2,), "--condition kids=... is given twice")


def test_a_table_models_rows_go_to_npy_only_when_numeric(table_model, tmp_path, capsys):
    status = main(["sample", str(table_model[1]), "-n", "3", "-o", str(tmp_path / "s.npy")])
    assert_one_error_line(capsys, status, (2,), "a .npy file cannot hold; write a .csv file")
    numeric = tmp_path / "numeric.csv"
    numeric.write_text("a,b\n1,2.5\n2,\n3,4.5\n4,1.5\n5,2\n")  # a missing cell: a table of numbers
    assert main(["fit", str(numeric), "-o", str(tmp_path / "n.skgan"), *FAST]) == 0
    assert main(["sample", str(tmp_path / "n.skgan"), "-n", "4", "-o", str(tmp_path / "n.npy")]) == 0
    assert np.load(tmp_path / "n.npy").shape == (4, 2)


def test_score_and_evaluate_a_table(table_model, tmp_path, capsys):
    data, model = table_model
    gan = skgan.load(model)
    capsys.readouterr()
    assert main(["score", str(data), str(model)]) == 2  # arguments the wrong way round
    capsys.readouterr()
    assert main(["score", str(model), str(data)]) == 0
    expected = gan.parzen_score(read_table(data).X)
    assert capsys.readouterr().out.startswith(f"Parzen log-likelihood: {expected} nats (mean ± standard error over 80")
    plain = write_table(tmp_path / "plain.csv", header=False)  # no header: the model's columns, in order
    status = main(["score", str(model), str(plain)])
    assert_one_error_line(capsys, status, (1,), "mixes names and numbers: pass --header")
    assert main(["score", str(model), str(plain), "--no-header"]) == 0
    assert capsys.readouterr().out.startswith(f"Parzen log-likelihood: {expected} nats")

    synthetic, holdout = tmp_path / "synthetic.csv", write_table(tmp_path / "holdout.csv", seed=1)
    assert main(["sample", str(model), "-n", "80", "-o", str(synthetic)]) == 0
    capsys.readouterr()
    status = main(["evaluate", str(data), str(synthetic), "--holdout", str(holdout), "--target", "island"])
    out, err = capsys.readouterr()
    assert status == 0, err
    for metric in ("C2ST AUC", "column similarity", "share closer to training", "TSTR accuracy"):
        assert metric in out


def test_evaluate_reads_a_numeric_file_beside_a_table(tmp_path, capsys, pd):
    real, synthetic = tmp_path / "real.csv", tmp_path / "synthetic.csv"
    rng = np.random.RandomState(0)
    real.write_text("a,b\n" + "".join(f"{v:.3f},{'' if i == 0 else i % 3}\n" for i, v in enumerate(rng.rand(60))))
    synthetic.write_text("a,b\n" + "".join(f"{v:.3f},{i % 3}\n" for i, v in enumerate(rng.rand(60))))
    assert main(["evaluate", str(real), str(synthetic)]) == 0, capsys.readouterr().err
    assert "column similarity" in capsys.readouterr().out


def test_a_table_without_pandas_asks_for_it(tmp_path, capsys, monkeypatch):
    data = write_table(tmp_path / "train.csv")
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    status = main(["fit", str(data), "-o", str(tmp_path / "m.skgan"), *FAST])
    err = assert_one_error_line(capsys, status, (1,), "line 2, column 4 ('island') holds '")
    assert err.endswith(', which is not a number; reading a table with text, true/false or missing cells needs '
                        'pandas: pip install "skgan[pandas]" (or pip install pandas)\n')


def test_nan_in_a_numeric_csv_is_a_missing_value_and_inf_an_error(tmp_path):
    from skgan._csv import read_csv

    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,nan\n2,3.5\n")
    X = read_csv(path).X
    assert list(X.columns) == ["a", "b"] and X["b"].isna().tolist() == [True, False]  # a table with a missing value
    path.write_text("a,b\n1,inf\n2,3.5\n")
    with pytest.raises(ValueError, match="'inf' is not a finite number"):
        read_csv(path)


@pytest.mark.parametrize("chunk", [3, 8192])
def test_rows_are_written_a_chunk_at_a_time_and_read_back(chunk, tmp_path, monkeypatch):
    import pandas as pd

    from skgan import _csv

    monkeypatch.setattr(_csv, "_WRITE_ROWS", chunk)
    frame = pd.DataFrame({"kind": pd.Categorical(list("abcabcab")), "n": pd.array([1, 2, None, 4, 5, 6, 7, 8], "Int64"),
                          "x": np.linspace(0, 1, 8)})
    _csv.write_csv(tmp_path / "t.csv", frame, list(frame.columns))
    back = _csv.read_csv(tmp_path / "t.csv").X
    assert back["n"].tolist()[3:] == [4, 5, 6, 7, 8] and back["x"].tolist() == frame["x"].tolist()
    assert back["kind"].astype(str).tolist() == list("abcabcab")
    array = np.arange(16.0).reshape(8, 2)
    _csv.write_csv(tmp_path / "a.csv", array, ["p", "q"])
    np.testing.assert_array_equal(_csv.read_csv(tmp_path / "a.csv").X, array)


def test_an_interrupted_write_leaves_the_old_rows_and_no_temporary_file(tmp_path, monkeypatch):
    import pandas as pd

    from skgan import _csv
    from skgan.cli import write_rows

    frame = pd.DataFrame({"kind": list("abcdefgh"), "x": np.linspace(0, 1, 8)})
    for name in ("rows.csv", "rows.npy"):
        path = tmp_path / name
        path.write_bytes(b"the user's old rows")

        def interrupt(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(_csv, "_cell", interrupt)
        monkeypatch.setattr(np, "save", interrupt)
        with pytest.raises(KeyboardInterrupt):
            write_rows(path, frame if name.endswith(".csv") else frame[["x"]], ["kind", "x"])
        monkeypatch.undo()
        assert path.read_bytes() == b"the user's old rows"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv", "rows.npy"]
    write_rows(tmp_path / "rows.csv", frame, ["kind", "x"])
    assert (tmp_path / "rows.csv").read_text().splitlines()[:2] == ["kind,x", "a,0.0"]


def test_fit_with_epsilon_trains_privately_and_says_what_it_spent(tmp_path, capsys):
    path, model = tmp_path / "train.csv", tmp_path / "private.skgan"
    rows = np.random.RandomState(0).uniform(-1, 1, size=(600, 2))
    np.savetxt(path, rows, delimiter=",", header="a,b", comments="")
    assert main(["fit", str(path), "-o", str(model), "--epsilon", "5", *FAST,
                 "--set", "privacy__statistics_share=0.5"]) == 0
    summary = capsys.readouterr().out
    gan = skgan.load(model)
    assert gan.privacy.epsilon == 5 and gan.privacy.statistics_share == 0.5
    assert gan.privacy_spent_[0] <= 5 and f"privately (epsilon {gan.privacy_spent_[0]:.3g}" in summary


def test_fit_with_a_bad_epsilon_is_one_line(csv_data, tmp_path, capsys):
    assert main(["fit", str(csv_data), "-o", str(tmp_path / "m.skgan"), "--epsilon", "-1", *FAST]) != 0
    error = capsys.readouterr().err
    assert "epsilon" in error and "Traceback" not in error and len(error.strip().splitlines()) == 1
