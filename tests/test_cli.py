"""The command line, called in-process."""
import json
from pathlib import Path

import pytest

from neuroplastic.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _only_run_dir(root: Path) -> Path:
    dirs = [p for p in root.iterdir() if p.is_dir()]
    assert len(dirs) == 1, dirs
    return dirs[0]


def test_list_names_every_experiment(capsys):
    assert main(["list"]) == 0
    text = capsys.readouterr().out
    for name in ("stdp-window", "song2000", "coba", "sjostrom-triplet", "tsodyks-markram"):
        assert name in text


def test_run_experiment_writes_a_complete_run_directory(tmp_path, capsys):
    code = main(["run", "stdp-window", "--scale", "reduced", "--seed", "3", "--out", str(tmp_path),
                 "--set", "dt_max=50", "--no-progress"])
    assert code == 0
    run = _only_run_dir(tmp_path)
    assert run.name.startswith("stdp-window-") and run.name.endswith("-s3")
    for f in ("config.toml", "metrics.json", "run.log", "figures/stdp_window.png", "recordings/window.npz"):
        assert (run / f).is_file(), f
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["max_abs_error"] < 1e-9 and all(t["passed"] for t in metrics["targets"])
    assert "dt_max = 50.0" in (run / "config.toml").read_text()
    assert str(run) in capsys.readouterr().out


def test_show_summarises_a_run(tmp_path, capsys):
    main(["run", "stdp-window", "--scale", "reduced", "--out", str(tmp_path), "--no-progress"])
    capsys.readouterr()
    assert main(["show", str(_only_run_dir(tmp_path))]) == 0
    text = capsys.readouterr().out
    assert "stdp-window" in text and "max_abs_error" in text and "stdp_window.png" in text
    assert "status: complete" in text


def test_show_says_incomplete_when_a_run_left_no_status(tmp_path, capsys):
    main(["run", "stdp-window", "--scale", "reduced", "--out", str(tmp_path), "--no-progress"])
    run = _only_run_dir(tmp_path)
    (run / "status.json").unlink()      # as a run killed before it finished, with its metrics written
    capsys.readouterr()
    assert main(["show", str(run)]) == 4
    assert "status: incomplete" in capsys.readouterr().out


def test_reproduce_passes_and_reports_a_table(tmp_path, capsys):
    assert main(["reproduce", "stdp-window", "--scale", "reduced", "--out", str(tmp_path), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "max_abs_error" in text and "pass" in text


def test_reproduce_exit_code_is_one_when_a_target_is_missed(tmp_path, monkeypatch, capsys):
    from neuroplastic.experiments import registry
    from neuroplastic.experiments.base import Experiment, Result, Target

    registry._load_all()
    failing = Experiment("always-misses", "a target that cannot be met", lambda c, seed=0, progress=False:
                         Result(config=dict(c), metrics={"x": 1.0}), {"a": 1.0}, {},
                         (Target("x", 2.0, 3.0, "x in [2, 3]"),))
    monkeypatch.setitem(registry._REGISTRY, "always-misses", failing)
    assert main(["reproduce", "always-misses", "--out", str(tmp_path), "--no-progress"]) == 1
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.parametrize("argv, fragment", [
    (["run", "stdp-window", "--set", "no_such_key=1"], "no_such_key"),
    (["run", "stdp-window", "--set", "dt_step"], "key=value"),
    (["run", "no-such-experiment"], "stdp-window"),
    (["show", "/definitely/not/a/run"], "run_dir"),
    (["run", "stdp-window", "--seed", "-1"], "--seed"),
    (["reproduce"], "--all"),
])
def test_invalid_input_exits_2_with_the_field_named(argv, fragment, tmp_path, capsys):
    assert main(argv + (["--out", str(tmp_path)] if argv[0] != "show" else [])) == 2
    assert fragment in capsys.readouterr().err


def test_model_config_run_writes_recordings_and_figures(tmp_path, capsys):
    code = main(["run", str(ROOT / "examples" / "configs" / "balanced_stdp.toml"), "--out", str(tmp_path),
                 "--no-progress"])
    assert code == 0
    run = _only_run_dir(tmp_path)
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["duration_ms"] > 0 and any(k.startswith("rate_") for k in metrics)
    assert list((run / "recordings").glob("spikes_*.npz")) and list((run / "figures").glob("raster_*.png"))


def test_model_that_blows_up_exits_3_and_keeps_its_run_directory(tmp_path, capsys):
    config = tmp_path / "hot.toml"
    config.write_text(
        '[simulation]\nduration = 500.0\nmax_rate = 100.0\n\n'
        '[[populations]]\nname = "hot"\nn = 10\nmodel = "LIF"\nparams = {t_ref = 0.0, i_bias = 1e5}\n\n'
        '[[monitors]]\nkind = "SpikeMonitor"\npopulation = "hot"\n')
    out = tmp_path / "runs"
    assert main(["run", str(config), "--out", str(out), "--no-progress"]) == 3
    err = capsys.readouterr().err
    assert "hot" in err and "rate" in err and "step" in err
    run = _only_run_dir(out)
    assert str(run) in err   # the partial run directory is named on stderr
    assert "stopped" in (run / "run.log").read_text()
    assert (run / "recordings" / "spikes_hot.npz").is_file()
    assert json.loads((run / "metrics.json").read_text())["population"] == "hot"
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "stopped" and "population 'hot'" in status["reason"]
    assert main(["show", str(run)]) == 3
    assert "status: stopped" in capsys.readouterr().out


def test_unwritable_out_exits_2_without_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["run", "stdp-window", "--scale", "reduced", "--out", str(blocker / "runs"), "--no-progress"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_config_file_name_with_odd_characters_gives_a_valid_run_name(tmp_path, capsys):
    config = tmp_path / "my model (v2).toml"
    config.write_text('[simulation]\nduration = 2.0\n\n[[populations]]\nname = "p"\nn = 2\nmodel = "LIF"\n\n'
                      '[[monitors]]\nkind = "SpikeMonitor"\npopulation = "p"\n')
    assert main(["run", str(config), "--out", str(tmp_path / "runs"), "--no-progress"]) == 0
    assert _only_run_dir(tmp_path / "runs").name.startswith("my_model__v2_-")


@pytest.mark.parametrize("text", ["12,20", "[12, 20]", "(12,20)", " [12,20] "])
def test_set_accepts_tuple_spellings_and_keeps_integers(text):
    from neuroplastic.experiments import get

    c = get("sorn-counting").resolve({"n_values": text}, scale="full")
    assert c["n_values"] == (12, 20) and all(type(v) is int for v in c["n_values"])
    assert get("rewiring-budget").resolve({"seeds": ""}, scale="full")["seeds"] == ()


def test_set_rejects_a_non_number_in_a_tuple():
    from neuroplastic.errors import ValidationError
    from neuroplastic.experiments import get

    with pytest.raises(ValidationError, match="n_values"):
        get("sorn-counting").resolve({"n_values": "12,x"}, scale="full")
