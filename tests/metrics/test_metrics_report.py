import numpy as np
import pytest

import skgan
from skgan.cli import main
from skgan.metrics import EvaluationReport, evaluate


@pytest.fixture(scope="module")
def sets():
    rng = np.random.RandomState(0)
    return rng.normal(size=(200, 3)), rng.normal(size=(200, 3)), rng.normal(size=(200, 3))


def test_a_fresh_sample_reads_as_indistinguishable_and_private(sets):
    real, holdout, synthetic = sets
    report = evaluate(real, synthetic, holdout=holdout)
    assert isinstance(report, EvaluationReport) and skgan.evaluate is evaluate
    assert abs(report["C2ST AUC"] - 0.5) < 0.1
    assert report["precision"] > 0.8 and report["coverage"] > 0.8
    assert report["identical training rows"] == 0 and 0.35 < report["share closer to training"] < 0.65
    families = {row["family"] for row in report.rows}
    assert families == {"two-sample", "fidelity", "marginals", "pairs", "privacy"}
    for row in report.rows:
        assert set(row) == {"family", "metric", "value", "reference", "meaning"} and row["meaning"]


def test_copies_of_the_training_rows_are_flagged(sets):
    real, holdout, _ = sets
    report = evaluate(real, real[::-1], holdout=holdout)
    assert report["share closer to training"] == 1.0 and report["identical training rows"] == len(real)
    assert report["column similarity"] == 1.0 and report["precision"] == 1.0


def test_a_shifted_sample_is_told_apart(sets):
    real, holdout, synthetic = sets
    report = evaluate(real, synthetic + 2.0)
    assert report["C2ST AUC"] > 0.95 and report["coverage"] < 0.5 and report["column similarity"] < 0.5
    assert "privacy" not in {row["family"] for row in report.rows}  # no holdout, no privacy


def test_utility_on_a_table_with_a_target():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(1)

    def table(n):
        x = rng.normal(size=n)
        return pd.DataFrame({"x": x, "colour": pd.Categorical(rng.choice(["red", "blue"], n)),
                             "city": rng.choice(["paris", "rome", "oslo"], n), "member": rng.rand(n) < 0.5,
                             "label": np.where(x > 0, "pos", "neg")})

    real, holdout = table(300), table(300)
    report = evaluate(real, real.copy(), holdout=holdout, target="label")
    row = next(row for row in report.rows if row["family"] == "utility")
    assert row["metric"] == "TSTR accuracy" and row["value"] == row["reference"] > 0.9
    with pytest.raises(ValueError, match="target needs holdout"):
        evaluate(real, real, target="label")
    with pytest.raises(ValueError, match="not a column"):
        evaluate(real, real, holdout=holdout, target="nope")


def test_the_quadratic_metrics_use_a_bounded_subsample(sets, monkeypatch):
    import skgan.metrics._report as report_module

    seen = []
    original = report_module.precision_recall_density_coverage
    monkeypatch.setattr(report_module, "MAX_PAIRWISE_ROWS", 50)

    def spy(real, synthetic, **kwargs):
        seen.append((len(real), len(synthetic)))
        return original(real, synthetic, **kwargs)

    monkeypatch.setattr(report_module, "precision_recall_density_coverage", spy)
    real, _, synthetic = sets
    evaluate(real, synthetic)
    assert seen == [(50, 50)]


def test_the_report_prints_tabulates_and_plots(sets):
    real, holdout, synthetic = sets
    report = evaluate(real, synthetic, holdout=holdout)
    text = str(report)
    assert all(row["metric"] in text for row in report.rows) and "perfect" in text
    with pytest.raises(KeyError, match="no metric"):
        report["nope"]
    pd = pytest.importorskip("pandas")
    frame = report.to_frame()
    assert list(frame.columns) == ["family", "metric", "value", "reference", "meaning"] and len(frame) == len(report)
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    ax = report.plot()
    assert len(ax.patches) == sum(row["reference"] in (0.5, 1.0) for row in report.rows)
    assert pd is not None


def test_the_command_line_prints_the_report(tmp_path, capsys):
    rng = np.random.RandomState(0)
    paths = {}
    for name in ("real", "synthetic", "holdout"):
        paths[name] = tmp_path / f"{name}.csv"
        np.savetxt(paths[name], rng.normal(size=(150, 3)), delimiter=",", header="a,b,c", comments="")
    assert main(["evaluate", str(paths["real"]), str(paths["synthetic"]), "--holdout", str(paths["holdout"])]) == 0
    out = capsys.readouterr().out
    assert "C2ST AUC" in out and "share closer to training" in out
    assert main(["evaluate", str(paths["real"]), str(paths["synthetic"]), "--target", "z"]) == 2
    assert "no such column" in capsys.readouterr().err
