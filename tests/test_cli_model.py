"""Model-config runs through the command line: metrics table, final weights,
modulator recordings, rates per living neuron, events checked against the duration."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from neuroplastic.cli import main
from neuroplastic.io import load_run

# 20 identical regular firers (~100 Hz: i_bias 760 pA, v_inf = -9.2 mV), 10 more born at
# 250 ms; a lesion (given on the command line) removes half the living ones at 500 ms.
CONFIG = """
[simulation]
duration = 1000.0

[[populations]]
name = "exc"
n = 20
model = "LIF"
params = { i_bias = 760.0 }
initial = { v = { dist = "uniform", low = -70.0, high = -50.0 } }

[[modulators]]
name = "dopamine"
tau = 100.0
release_times = [100.0]
release_amounts = 1.0

[[projections]]
name = "rec"
pre = "exc"
post = "exc"
connectivity = { kind = "FixedProbability", p = 0.2 }
weight = 1e-6

[[monitors]]
kind = "SpikeMonitor"
population = "exc"

[[monitors]]
kind = "ModulatorMonitor"
modulator = "dopamine"
interval = 1.0

[[events]]
type = "Neurogenesis"
time = 250.0
population = "exc"
n = 10
"""


@pytest.fixture(scope="module")
def model_run(tmp_path_factory):
    """One run of CONFIG with --lesion exc:0.5@500 (one compiled structure for every test here)."""
    import contextlib
    import io

    tmp = tmp_path_factory.mktemp("model")
    config = tmp / "net.toml"
    config.write_text(CONFIG)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["run", str(config), "--out", str(tmp / "runs"), "--no-progress", "--lesion", "exc:0.5@500"])
    (run_dir,) = (tmp / "runs").iterdir()
    return code, out.getvalue(), load_run(run_dir)


def test_model_run_prints_its_metrics_table(model_run):
    code, text, rec = model_run
    assert code == 0 and rec.state == "complete"
    assert "metrics" in text and "rate_exc_hz" in text and "spikes_exc" in text
    assert f"{rec.metrics['spikes_exc']}" in text


def test_rate_is_per_living_neuron_after_lesion_and_neurogenesis(model_run):
    _, _, rec = model_run
    spikes = rec.recording("spikes_exc")
    # neuron-seconds alive: 20 x 0.25 s + 30 x 0.25 s + 15 x 0.5 s = 20
    assert rec.metrics["rate_exc_hz"] == pytest.approx(len(spikes["t"]) / 20.0, rel=1e-12)
    t0 = np.sort(spikes["t"][spikes["i"] == 0])
    if t0[-1] < 500:   # neuron 0 was lesioned: use a survivor
        k = np.bincount(spikes["i"]).argmax()
        t0 = np.sort(spikes["t"][spikes["i"] == k])
    single = 1000.0 / np.median(np.diff(t0))           # one regular firer's rate
    assert rec.metrics["rate_exc_hz"] == pytest.approx(single, rel=0.05)
    assert rec.metrics["neurons_exc"] == 15


def test_final_weights_of_every_projection_are_recorded(model_run):
    _, _, rec = model_run
    fw = rec.recording("final_weights_rec")
    assert fw["w"].shape == fw["pre"].shape == fw["post"].shape == fw["id"].shape
    assert len(np.unique(fw["id"])) == fw["w"].size > 0
    np.testing.assert_allclose(fw["w"], 1e-6)
    assert fw["post"].max() >= 20            # the newborn neurons got synapses
    assert rec.metrics["weight_mean_rec"] == pytest.approx(1e-6)


def test_modulator_monitor_is_written(model_run):
    _, _, rec = model_run
    mod = rec.recording("modulator_dopamine")
    t, level = mod["t"], mod["level"]
    assert t.size == 1000 and level.max() == pytest.approx(1.0, rel=0.01)
    after = (t > 110) & (t < 900)
    ratios = level[after][10:] / level[after][:-10]      # 10 ms apart
    np.testing.assert_allclose(ratios, math.exp(-10 / 100.0), rtol=1e-9)
    assert (rec.path / "figures" / "modulator_dopamine.png").is_file()


@pytest.mark.parametrize("lesion, fragment", [("exc:0.3@99999", "99999"), ("exc:0.3@1000", "before the run ends")])
def test_lesion_after_the_end_is_rejected_before_a_directory_exists(tmp_path, capsys, lesion, fragment):
    config = tmp_path / "net.toml"
    config.write_text(CONFIG)
    out = tmp_path / "runs"
    assert main(["run", str(config), "--out", str(out), "--no-progress", "--lesion", lesion]) == 2
    err = capsys.readouterr().err
    assert "--lesion" in err and fragment in err and "1000 ms" in err
    assert not out.exists()


def test_config_event_after_the_end_is_rejected(tmp_path, capsys):
    config = tmp_path / "net.toml"
    config.write_text(CONFIG.replace("time = 250.0", "time = 2500.0"))
    assert main(["run", str(config), "--out", str(tmp_path / "runs"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "Neurogenesis" in err and "time" in err and "2500" in err
    assert not (tmp_path / "runs").exists()


def test_weight_monitor_out_of_range_is_a_clear_error(tmp_path, capsys):
    config = tmp_path / "wm.toml"
    config.write_text('[simulation]\nduration = 10.0\n[[populations]]\nname = "p"\nn = 2\nmodel = "LIF"\n'
                      '[[projections]]\nname = "pp"\npre = "p"\npost = "p"\nconnectivity = {kind = "AllToAll"}\n'
                      '[[monitors]]\nkind = "WeightMonitor"\nprojection = "pp"\nsynapses = [0, 99]\n')
    assert main(["run", str(config), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "synapses must be < 2" in err and "'pp'" in err and "99" in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists()
