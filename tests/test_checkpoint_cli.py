"""``neuroplastic run config.toml --checkpoint-every MS`` and ``--resume RUN_DIR``:
a run that crashed continues to the same spikes as an uninterrupted one
(experiments/runner.py, cli.py)."""
import json
from pathlib import Path

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.cli import EXIT_FAILED, main
from neuroplastic.io import load_run
from neuroplastic.io.checkpoint import read_manifest

CONFIG = """
[simulation]
duration = 60.0
seed = 4

[[inputs]]
kind = "PoissonInput"
name = "drive"
n = 20
rate = 100.0

[[populations]]
name = "exc"
n = 15
model = "LIF"
params = { synapse = "conductance" }

[[projections]]
name = "in"
pre = "drive"
post = "exc"
connectivity = { kind = "FixedProbability", p = 0.5 }
weight = { dist = "uniform", low = 5.0, high = 15.0 }
delay = { dist = "uniform", low = 0.5, high = 3.0 }
w_min = 0.0
w_max = 20.0
rules = [{ rule = "PairSTDP", a_plus = 0.05, a_minus = 0.05, w_max = 20.0 }]

[[monitors]]
kind = "SpikeMonitor"
population = "exc"

[[monitors]]
kind = "WeightMonitor"
projection = "in"
interval = 5.0

[[monitors]]
kind = "RateMonitor"
population = "exc"
bin = 7.0
"""


def _run_dir(root: Path) -> Path:
    (only,) = [p for p in root.iterdir() if p.is_dir()]
    return only


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfg") / "net.toml"
    path.write_text(CONFIG)
    return path


@pytest.fixture(scope="module")
def uninterrupted(config, tmp_path_factory):
    out = tmp_path_factory.mktemp("full")
    assert main(["run", str(config), "--out", str(out), "--no-progress"]) == 0
    return load_run(_run_dir(out))


class Crash(Exception):
    pass


def test_resume_after_a_crash_gives_the_uninterrupted_run(config, uninterrupted, tmp_path, monkeypatch):
    saved = []
    real_save = npl.Network.save

    def save_then_crash(net, path, metadata=None):   # the process dies right after its second checkpoint
        real_save(net, path, metadata)
        saved.append(net.t)
        if len(saved) == 2:
            raise Crash

    monkeypatch.setattr(npl.Network, "save", save_then_crash)
    assert main(["run", str(config), "--out", str(tmp_path), "--checkpoint-every", "20",
                 "--no-progress"]) == EXIT_FAILED   # the crash is reported, not raised
    monkeypatch.undo()
    run = _run_dir(tmp_path)
    assert saved == pytest.approx([20.0, 40.0])
    assert not (run / "metrics.json").exists() and not list((run / "recordings").iterdir())
    assert read_manifest(run / "checkpoint.npz")["t_ms"] == pytest.approx(40.0)

    assert main(["run", "--resume", str(run), "--no-progress"]) == 0
    resumed = load_run(run)
    assert resumed.recordings == uninterrupted.recordings == ["final_weights_in", "rate_exc", "spikes_exc",
                                                              "weights_in"]
    for name in resumed.recordings:
        a, b = uninterrupted.recording(name), resumed.recording(name)
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{name}.{key}")
    assert len(resumed.recording("spikes_exc")["t"]) > 50
    assert resumed.metrics["spikes_exc"] == uninterrupted.metrics["spikes_exc"]
    assert resumed.metrics["resumed_from_ms"] == pytest.approx(40.0)
    assert resumed.metrics["duration_ms"] == pytest.approx(60.0)
    assert [f.name for f in resumed.figures] == [f.name for f in uninterrupted.figures]
    log = (run / "run.log").read_text()
    assert "resume from checkpoint.npz at t=40 ms (of 60 ms)" in log and log.rstrip().endswith("s")
    assert read_manifest(run / "checkpoint.npz")["t_ms"] == pytest.approx(60.0)   # checkpoints went on


def test_checkpoints_replace_one_file_atomically(config, tmp_path):
    assert main(["run", str(config), "--out", str(tmp_path), "--checkpoint-every", "25", "--no-progress"]) == 0
    run = _run_dir(tmp_path)
    assert sorted(p.name for p in run.iterdir() if p.is_file()) == ["checkpoint.npz", "config.toml",
                                                                     "metrics.json", "run.log", "status.json"]
    manifest = read_manifest(run / "checkpoint.npz")
    assert manifest["metadata"] == {"checkpoint_every": 25.0, "duration_ms": 60.0}
    assert "checkpoint at t=25 ms" in (run / "run.log").read_text()
    assert "checkpoint at t=50 ms" in (run / "run.log").read_text()
    back = npl.Network.load(run / "checkpoint.npz")   # the finished run can be extended from Python
    assert back.t == pytest.approx(60.0) and len(back.spikes("exc")[0]) == json.loads(
        (run / "metrics.json").read_text())["spikes_exc"]


@pytest.mark.parametrize("argv, fragment", [
    (["run", "--resume", "X", "stdp-window"], "takes the run's own config and seed (drop target)"),
    (["run", "--resume", "X", "--seed", "2"], "(drop --seed)"),
    (["run"], "target is required"),
    (["run", "stdp-window", "--checkpoint-every", "10"], "applies to model configs"),
    (["run", "net.toml", "--checkpoint-every", "-5"], "--checkpoint-every must be a number of ms > 0"),
    (["run", "--resume", "."], "must be a run directory"),
])
def test_checkpoint_options_reject_bad_use(argv, fragment, capsys):
    assert main(argv) == 2
    assert fragment in capsys.readouterr().err.replace("\n", "")


def test_resume_needs_a_checkpoint(config, uninterrupted, capsys):
    assert main(["run", "--resume", str(uninterrupted.path)]) == 2
    assert "must hold checkpoint.npz of a model run started with --checkpoint-every" in \
        capsys.readouterr().err.replace("\n", "")
