"""The command line turns bad input and broken files into clear errors (never a
traceback), suggests the names it knows, and records every error that ends a run."""
from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest

import neuroplastic
from neuroplastic.cli import main
from neuroplastic.io import RunDirectory


def _only_run_dir(root: Path) -> Path:
    (run,) = [p for p in root.iterdir() if p.is_dir()]
    return run


# ------------------------------------------------------------------------- version, entry points

def test_version_flag_and_python_dash_m(capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"neuroplastic {neuroplastic.__version__}"
    monkeypatch.setattr(sys, "argv", ["neuroplastic", "--version"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("neuroplastic", run_name="__main__", alter_sys=True)
    assert exit_.value.code == 0 and neuroplastic.__version__ in capsys.readouterr().out


# ------------------------------------------------------------------------- suggestions

@pytest.mark.parametrize("argv, fragments", [
    (["run", "stdp-window", "--set", "dt_mx=5"], ["dt_mx is not a parameter", "did you mean 'dt_max'"]),
    (["run", "stdp-windw"], ["is not known", "did you mean 'stdp-window'"]),
    (["list", "song200"], ["did you mean 'song2000'"]),
])
def test_unknown_names_get_a_suggestion(argv, fragments, tmp_path, capsys):
    assert main(argv + (["--out", str(tmp_path)] if argv[0] == "run" else [])) == 2
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err
    assert "got '5'" not in err          # an unknown key is named, not its value
    assert list(tmp_path.iterdir()) == []


def test_unknown_config_key_gets_a_suggestion(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text('[simulation]\nduraton = 10.0\n')
    assert main(["run", str(config), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "simulation.duraton is not a known key (did you mean 'duration'?)" in err


def test_list_name_prints_declared_parameters(capsys):
    assert main(["list", "stdp-window"]) == 0
    text = capsys.readouterr().out
    for fragment in ("tau_plus", "potentiation time constant", "ms", "> 0", "dt_step <= dt_max",
                     "max_abs_error", "reduced"):
        assert fragment in text, fragment
    line = next(ln for ln in text.splitlines() if "dt_step" in ln and "spacing" in ln)
    assert "1" in line and "5" in line          # default 1 ms, reduced 5 ms


# ------------------------------------------------------------------------- validation before the directory

def test_invalid_parameter_value_fails_before_a_run_directory_exists(tmp_path, capsys):
    assert main(["run", "song2000", "--set", "duration=-5", "--out", str(tmp_path / "runs")]) == 2
    assert "duration must be > 0 ms, got -5" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_an_error_inside_a_run_is_logged_and_marked_failed(tmp_path, capsys, monkeypatch):
    from neuroplastic.experiments import registry
    from neuroplastic.experiments.base import Experiment

    def broken(config, seed=0, progress=False):
        raise ZeroDivisionError("rate of an empty window")

    registry._load_all()
    monkeypatch.setitem(registry._REGISTRY, "broken", Experiment("broken", "fails", broken, {"a": 1.0}, {}, ()))
    out = tmp_path / "runs"
    assert main(["run", "broken", "--out", str(out), "--no-progress"]) == 4
    err = capsys.readouterr().err
    run = _only_run_dir(out)
    assert "ZeroDivisionError: rate of an empty window" in err and str(run / "run.log") in err
    assert "Traceback" not in err
    assert "failed: ZeroDivisionError: rate of an empty window" in (run / "run.log").read_text()
    assert main(["show", str(run)]) == 4
    assert "status: failed -- ZeroDivisionError: rate of an empty window" in capsys.readouterr().out


# ------------------------------------------------------------------------- broken files

def test_deeply_nested_toml_is_a_clear_error(tmp_path, capsys):
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert main(["run", str(config), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "deep.toml" in err and "nest less deeply" in err and "Traceback" not in err


def _run_dir(tmp_path, config: dict | None = None) -> Path:
    run = RunDirectory.create(tmp_path, "r")
    run.write_config(config or {"experiment": "stdp-window", "seed": 0, "scale": "reduced"})
    with run.outcome():
        run.write_metrics({"x": 1.5})
    return run.path


@pytest.mark.parametrize("file, text, fragment", [
    ("metrics.json", "{not json", "metrics.json is not valid JSON"),
    ("config.toml", "a = = 1", "config.toml is not valid TOML"),
    ("config.toml", "a = " + "[" * 5000 + "]" * 5000, "config.toml is nested too deeply"),
    ("metrics.json", "[1, 2]", "must hold a JSON object"),
])
def test_show_on_a_malformed_file_is_a_clear_error(tmp_path, capsys, file, text, fragment):
    run = _run_dir(tmp_path)
    (run / file).write_text(text)
    assert main(["show", str(run)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_show_tolerates_a_config_of_unexpected_layout(tmp_path, capsys):
    run = _run_dir(tmp_path, {"populations": 3, "simulation": "x"})
    (run / "metrics.json").write_text(json.dumps({"x": 1.5, "targets": [{"metric": "x"}, 7]}))
    assert main(["show", str(run)]) == 0
    text = capsys.readouterr().out
    assert "does not have the layout" in text and "status: complete" in text and "1.5" in text


def test_show_on_an_unreadable_file_says_which(tmp_path, capsys, monkeypatch):
    run = _run_dir(tmp_path)
    real = Path.read_text

    def denied(self, *args, **kwargs):
        if self.name == "metrics.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", denied)
    assert main(["show", str(run)]) == 2
    err = " ".join(capsys.readouterr().err.split())   # rich may wrap long messages
    assert "metrics.json cannot be read: Permission denied" in err and "cannot write" not in err

