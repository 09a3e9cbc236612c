import pytest

from skgan import demo

pytest.importorskip("matplotlib")


def test_demo_runs_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "N_WINDOW", 500)
    lines = []
    table = demo.run(tmp_path, max_iter=2, out=lines.append)
    for name in ("samples.png", "history.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    assert table["epochs"] == 2
    assert len(table["scores"]) == 3
    for result in table["scores"].values():
        assert result["mean"] < 0 and result["std_error"] > 0 and result["bandwidth"] > 0
    assert any("Parzen log-likelihood" in line for line in lines)


def test_demo_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--help"])
    assert exit_info.value.code == 0
    assert "--max-iter" in capsys.readouterr().out


def test_demo_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        demo.main(["--help"])
    out = capsys.readouterr().out
    assert "GANSampler" in out and ":class:" not in out and "`" not in out and "~skgan" not in out
    assert "--threads" in out and "--quiet" in out


def test_demo_shows_progress_by_default(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "N_WINDOW", 200)
    lines = []
    demo.run(tmp_path, max_iter=3, out=lines.append)
    assert lines[1] == "Training the GAN for 3 epochs (Ctrl-C stops early and keeps the epochs done)..."
    progress = [line for line in lines if line.startswith("  epoch ")]
    assert [line.split(":")[0] for line in progress] == ["  epoch 1/3", "  epoch 2/3", "  epoch 3/3"]
    assert all("s elapsed, about" in line for line in progress)
    assert "Trained 3 epochs" in lines[5] and lines[6].startswith("Sampling 200 rows")

    quiet = []
    demo.run(tmp_path, max_iter=1, out=quiet.append, progress=False)
    assert not any("epoch " in line and "/" in line for line in quiet)
    assert any(line.startswith("Trained 1 epoch in") for line in quiet)


def test_demo_main_prints_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo, "N_WINDOW", 200)
    demo.main(["--output-dir", str(tmp_path), "--max-iter", "1"])
    out = capsys.readouterr().out
    assert "  epoch 1/1: " in out and "Trained 1 epoch in" in out
