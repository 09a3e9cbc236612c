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
