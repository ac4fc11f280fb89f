"""Offline phases (model/protocol.py, engine/protocol.py): inputs switched and
spontaneous drive, modulator levels and baselines, rule scales, on_phase, the
phase log, set_phase, validation, configs, run directories and NWB epochs."""
import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.config import config_from_dict, model_to_dict
from neuroplastic.engine.protocol import phase_spans

CALLS = []   # on_phase calls of Watch, in order


@dataclass(frozen=True)
class Watch(npl.Rule, npl.PhaseAware):
    """Records the phases it is told about."""

    def on_phase(self, phase, state):
        CALLS.append(phase)


N, RATE, NOISE, TAU = 200, 50.0, 80.0, 20.0   # neurons, Hz, Hz, ms


def drive_model():
    """An input on in wake and off in sleep, a noise input on in sleep only,
    acetylcholine low in sleep (0-100 wake, 100-200 sleep, then as built)."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", N, rate=RATE))
    m.add(npl.PoissonInput("noise", N, rate=0.0))
    m.add(npl.Modulator("ach", tau=TAU, baseline=1.0))
    m.add(npl.Projection("watch", "inp", "noise", npl.OneToOne(), weight=0.0, rules=[Watch()]))
    m.add(npl.SpikeMonitor("inp"))
    m.add(npl.SpikeMonitor("noise"))
    m.add(npl.ModulatorMonitor("ach", interval=0.1))
    m.add(npl.Phase("wake", duration=100.0))
    m.add(npl.Phase("sleep", duration=100.0, rates={"inp": 0.0, "noise": NOISE}, levels={"ach": 0.1},
                    baselines={"ach": 0.1}))
    return m


def _counts(t, edges=(0.0, 100.0, 200.0, 300.0)):
    return np.histogram(t, bins=edges)[0]


@pytest.fixture(scope="module")
def driven():
    CALLS.clear()
    net = npl.Network(drive_model(), seed=4).run(300.0)
    return net, list(CALLS)


def test_an_input_is_off_exactly_in_sleep_and_the_noise_only_there(driven):
    net, _ = driven
    awake = N * RATE * 0.1                       # expected spikes in 100 ms
    inp = _counts(net.spikes("inp")[1])
    assert inp[1] == 0
    assert abs(inp[0] - awake) < 5 * math.sqrt(awake) and abs(inp[2] - awake) < 5 * math.sqrt(awake)
    noise = _counts(net.spikes("noise")[1])
    asleep = N * NOISE * 0.1
    assert noise[0] == 0 and noise[2] == 0 and abs(noise[1] - asleep) < 5 * math.sqrt(asleep)


def test_modulator_level_and_baseline_follow_the_phases(driven):
    net, _ = driven
    d = net.monitor("modulator_ach")
    t, level = d["t"], d["level"]
    assert np.all(level[t < 100.0] == 1.0)
    assert np.all(level[(t >= 100.0) & (t < 200.0)] == pytest.approx(0.1, abs=1e-15))
    after = t >= 200.0                           # relaxes back to the model's baseline, exactly
    k = np.round((t[after] - 200.0) / 0.1)
    np.testing.assert_allclose(level[after], 1.0 - 0.9 * np.exp(-k * 0.1 / TAU), rtol=1e-12)


def test_phase_log_name_and_on_phase_calls(driven):
    net, calls = driven
    assert net.phase_log == [{"t_ms": 0.0, "name": "wake"}, {"t_ms": 100.0, "name": "sleep"},
                             {"t_ms": 200.0, "name": None}]
    assert net.phase is None and calls == ["wake", "sleep", None]
    assert phase_spans(net.phase_log, net.t) == [(0.0, 100.0, "wake"), (100.0, 200.0, "sleep")]


def test_set_phase_applies_a_named_phase_until_the_next_scheduled_change():
    CALLS.clear()
    net = npl.Network(drive_model(), seed=4)
    net.run(50.0)
    net.set_phase("sleep")                        # by hand: the input is off from 50 ms
    assert net.phase == "sleep" and net.modulator("ach") == 0.1
    net.run(100.0)
    net.set_phase("dream")                        # no such phase: only on_phase and the log
    net.run(100.0)
    assert _counts(net.spikes("inp")[1], (0.0, 50.0, 100.0, 200.0, 250.0))[1:3].tolist() == [0, 0]
    assert [e["name"] for e in net.phase_log] == ["wake", "sleep", "sleep", "dream", None]
    assert CALLS == ["wake", "sleep", "sleep", "dream", None]
    with pytest.raises(npl.ValidationError, match="phase"):
        net.set_phase(None)


def test_reset_replays_the_protocol_identically(driven):
    net = npl.Network(drive_model(), seed=4).run(170.0).reset().run(300.0)
    assert net.phase_log == driven[0].phase_log
    for pop in ("inp", "noise"):
        np.testing.assert_array_equal(net.spikes(pop)[1], driven[0].spikes(pop)[1])


# -- rule scales -------------------------------------------------------------------------

A_PLUS, TAU_PLUS = 0.01, 20.0


def test_stdp_scale_half_gives_half_the_change_and_zero_none():
    """One pre -> post pairing (+5 ms) in each phase; phases 500 ms apart, so a
    pairing's traces have decayed by e^-25 at the next one."""
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1, [0, 0, 0], [10.0, 510.0, 1010.0]))
    m.add(npl.SpikeTimes("post", 1, [0, 0, 0], [15.0, 515.0, 1015.0]))
    m.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=0.5, w_min=0.0, w_max=10.0,
                         rules=[npl.PairSTDP(a_plus=A_PLUS, a_minus=0.012, tau_plus=TAU_PLUS, w_max=10.0)]))
    m.add(npl.Phase("full", duration=400.0))
    m.add(npl.Phase("half", duration=500.0, scales={"p": 0.5}))
    m.add(npl.Phase("off", duration=500.0, scales={"p.PairSTDP": 0.0}))
    net = npl.Network(m)
    w = [net.weights("p")[0]]
    for span in (400.0, 500.0, 500.0):
        w.append(net.run(span).weights("p")[0])
    dw = np.diff(w)
    assert dw[0] == pytest.approx(A_PLUS * math.exp(-5.0 / TAU_PLUS), rel=1e-9)
    assert dw[1] == pytest.approx(0.5 * dw[0], rel=1e-9)
    assert dw[2] == 0.0


def slow_model(rate=0.0, protocol=True, scales=None):
    """Poisson x (4) -> LIF y (2, driven by a bias current, adaptive threshold):
    'norm' (PairSTDP + WeightNormalization every 10 ms) and 'grow' (PruneAndRegrow)."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 4, rate=rate))
    m.add(npl.Population("y", 2, npl.LIF(i_bias=1000.0), rules=[npl.AdaptiveThreshold(increment=1.0, tau=100.0,
                                                                                      period=1.0)]))
    m.add(npl.Projection("norm", "x", "y", npl.AllToAll(), weight=np.linspace(0.1, 0.8, 8), w_min=0.0,
                         w_max=10.0, rules=[npl.PairSTDP(w_max=10.0), npl.WeightNormalization(2.0, period=10.0)]))
    m.add(npl.Projection("grow", "x", "y", npl.FixedProbability(0.5), weight=0.1, w_min=0.0, w_max=1.0,
                         rules=[npl.PruneAndRegrow(threshold=0.5, period=10.0, w_init=0.1)]))
    m.add(npl.SpikeMonitor("y"))
    m.add(npl.StateMonitor("y", ("theta",), interval=0.1))
    if protocol:
        for name, duration, scale in scales or (("off", 15.0, {"norm.1": 0.0, "grow": 0.0, "y": 0.0}),
                                                ("half", 10.0, {"norm": 0.5})):
            m.add(npl.Phase(name, duration=duration, scales=scale))
    return m


def test_periodic_structural_and_neuron_rules_switched_and_scaled():
    net = npl.Network(slow_model(), seed=2)
    w0, ids0 = net.weights("norm"), net.synapse_ids("grow")
    net.run(15.0)                                   # off: normalization at 10 ms does nothing
    np.testing.assert_array_equal(net.weights("norm"), w0)
    np.testing.assert_array_equal(net.synapse_ids("grow"), ids0)
    theta = net.monitor("state_y")["theta"]
    assert len(net.spikes("y")[0]) > 0 and np.all(theta == 0.0)   # spiking, threshold rule off
    net.run(10.0)                                   # half: w0 + (normalized - w0) / 2 at 20 ms
    pre, post = net.synapses("norm")
    full = w0 * 2.0 / np.bincount(post, w0)[post]
    np.testing.assert_allclose(net.weights("norm"), w0 + 0.5 * (full - w0), rtol=1e-12)
    assert not np.array_equal(net.synapse_ids("grow"), ids0)        # structural rule back on at 20 ms
    assert net.monitor("state_y")["theta"].max() > 0.0
    net.run(10.0)                                   # as built: fully normalized at 30 ms
    np.testing.assert_allclose(np.bincount(post, net.weights("norm")), 2.0, rtol=1e-12)


def test_a_protocol_that_changes_nothing_gives_the_results_of_no_protocol():
    keep = (("same", 30.0, {"norm": 1.0, "grow": 1.0}), ("again", 20.0, {"y.0": 1.0}))
    a = npl.Network(slow_model(50.0, scales=keep), seed=5).run(60.0)
    b = npl.Network(slow_model(50.0, protocol=False), seed=5).run(60.0)
    assert "J0_scale" in a.kernel_source and "_scale" not in b.kernel_source
    assert len(a.spikes("y")[0]) > 10
    for x, y in ((a.spikes("y")[1], b.spikes("y")[1]), (a.weights("norm"), b.weights("norm")),
                 (a.synapse_ids("grow"), b.synapse_ids("grow")),
                 (a.monitor("state_y")["theta"], b.monitor("state_y")["theta"])):
        np.testing.assert_array_equal(x, y)


# -- timing and validation -----------------------------------------------------------------

def test_repeats_gaps_and_start_make_the_schedule():
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 2, rate=0.0))
    m.add(npl.Protocol(repeat=2, start=5.0))
    m.add(npl.Phase("a", duration=10.0))
    m.add(npl.Phase("b", start=20.0, stop=30.0))
    net = npl.Network(m).run(70.0)
    assert [(e["t_ms"], e["name"]) for e in net.phase_log] == [
        (5.0, "a"), (15.0, None), (25.0, "b"), (35.0, "a"), (45.0, None), (55.0, "b"), (65.0, None)]


def _model_with(**phase):
    m = drive_model()
    m.add(npl.Projection("stp", "inp", "noise", npl.OneToOne(), rules=[npl.TsodyksMarkram()]))
    m.add(npl.Phase("late", **{"duration": 10.0, **phase}))
    return m


@pytest.mark.parametrize("phase, field, words", [
    (dict(start=150.0), "start", "must not overlap"),
    (dict(rates={"nope": 1.0}), "rates.nope", "PoissonInput"),
    (dict(rates={"inp": [1.0, 2.0]}), "rates.inp", r"one rate per neuron \(200\)"),
    (dict(rates={"inp": 2e4}), "rates.inp", "1/dt"),
    (dict(levels={"dopamine": 1.0}), "levels.dopamine", "modulator"),
    (dict(baselines={"da": 1.0}), "baselines.da", "modulator"),
    (dict(scales={"nope": 0.0}), "scales.nope", "projection"),
    (dict(scales={"watch.3": 0.0}), "scales.watch.3", "one rule"),
    (dict(scales={"stp": 0.5}), "scales.stp", "short-term"),
    (dict(duration=0.05), "duration", "dt"),
])
def test_bad_phases_name_the_phase_and_field_before_anything_runs(phase, field, words):
    with pytest.raises(npl.ValidationError, match=words) as e:
        npl.Network(_model_with(**phase))
    assert e.value.owner == "Phase 'late' (phases[2])" and e.value.field == field


@pytest.mark.parametrize("kwargs, field", [
    (dict(), "duration"), (dict(duration=5.0, stop=9.0), "stop"), (dict(stop=9.0), "start"),
    (dict(start=9.0, stop=5.0), "stop"), (dict(duration=5.0, scales={"p": -1.0}), "scales.p"),
    (dict(duration=-1.0), "duration"), (dict(duration=5.0, rates={"x": -3.0}), "rates.x"),
])
def test_bad_phase_fields(kwargs, field):
    with pytest.raises(npl.ValidationError) as e:
        npl.Phase("p", **kwargs)
    assert e.value.owner == "Phase 'p'" and e.value.field == field


def test_a_model_holds_one_protocol():
    m = drive_model()
    with pytest.raises(npl.ValidationError, match="once"):
        m.add(npl.Protocol(repeat=2))
    with pytest.raises(npl.ValidationError, match="repeat"):
        npl.Protocol(repeat=0)


# -- configs, run directories, NWB -------------------------------------------------------------

def test_config_round_trip_and_errors_with_paths():
    m = drive_model()
    m.protocol = npl.Protocol(m.protocol.phases, repeat=3, start=10.0)
    m.add(npl.Phase("rest", start=250.0, stop=260.0, rates={"inp": np.linspace(0, 10, N)}, levels={"ach": 0.5}))
    d = model_to_dict(m, duration=100.0)
    assert d["protocol"] == {"repeat": 3, "start": 10.0} and [p["name"] for p in d["phases"]] == \
        ["wake", "sleep", "rest"]
    assert set(d["phases"][0]) == {"name", "duration"}     # empty settings are left out
    again = config_from_dict(d).model
    assert model_to_dict(again, duration=100.0) == d
    np.testing.assert_array_equal(again.protocol.phases[2].rates["inp"], np.linspace(0, 10, N))
    bad = {**d, "phases": [*d["phases"][:2], {"name": "x", "duration": 5.0, "rates": {"inpt": 1.0}}]}
    with pytest.raises(npl.ValidationError, match=r"phases\[2\]\.rates\.inpt must name a PoissonInput"):
        config_from_dict(bad)
    for key, value, words in (("phases", [{"name": "x", "durration": 5.0}], "did you mean 'duration'"),
                              ("protocol", {"phases": []}, r"\[\[phases\]\]"),
                              ("protocol", {"repeat": 0}, "protocol.repeat")):
        with pytest.raises(npl.ValidationError, match=words):
            config_from_dict({**d, key: value})


def test_run_model_writes_phases_marks_figures_and_nwb_epochs(tmp_path, monkeypatch, capsys):
    from neuroplastic import viz
    from neuroplastic.cli import main
    from neuroplastic.experiments.runner import run_model
    from neuroplastic.io.report import write_report

    seen = []
    raster = viz.raster
    monkeypatch.setattr(viz, "raster", lambda *a, **k: seen.append(k["phases"]) or raster(*a, **k))
    rundir = run_model(drive_model(), 250.0, seed=1, out=tmp_path, name="ws")
    metrics = json.loads((rundir.path / "metrics.json").read_text())
    assert metrics["phases"] == [{"name": "wake", "t0_ms": 0.0, "t1_ms": 100.0},
                                 {"name": "sleep", "t0_ms": 100.0, "t1_ms": 200.0}]
    assert seen == [[(0.0, 100.0, "wake"), (100.0, 200.0, "sleep")]] * 2
    html = write_report(rundir.path).read_text()
    assert "<h3>Phases</h3>" in html and ">sleep<" in html
    assert main(["show", str(rundir.path)]) == 0
    assert "phases (ms): wake 0-100, sleep 100-200" in capsys.readouterr().out
    pynwb = pytest.importorskip("pynwb")
    from neuroplastic.io.nwb import export_run

    with pytest.warns(UserWarning, match="final_weights_watch"):   # no NWB form (docs/nwb.md)
        path = export_run(rundir.path)
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        epochs = io.read().epochs
        assert list(epochs["start_time"][:]) == [0.0, 0.1] and list(epochs["stop_time"][:]) == [0.1, 0.2]
        assert [list(t) for t in epochs["tags"][:]] == [["wake"], ["sleep"]]


def test_the_wake_sleep_example_reads_as_documented():
    from pathlib import Path

    from neuroplastic.config import load_config

    cfg = load_config(Path(__file__).resolve().parents[1] / "examples" / "configs" / "wake_sleep.toml")
    p = cfg.model.protocol
    assert [ph.name for ph in p.phases] == ["wake", "sleep", "rest"] and p.repeat == 2 and p.period == 1000.0
    assert p.phases[1].rates == {"stimulus": 0.0, "spontaneous": 8.0} and p.phases[2].scales == {"ee": 0.0}
    assert cfg.model.populations["spontaneous"].rate == 0.0 and cfg.duration == 2 * p.period


def test_figures_give_phases_of_one_name_one_colour():
    import matplotlib.pyplot as plt

    from neuroplastic.viz.timeaxis import TimeUnit, mark_time

    fig, ax = plt.subplots()
    ax.set_xlim(0.0, 3.0)
    mark_time([ax], TimeUnit("ms", 1.0), phases=[(0.0, 1.0, "wake"), (1.0, 2.0, "sleep"), (2.0, 3.0, "wake")])
    fills = [tuple(a.get_facecolor()) for a in ax.patches if a.get_gid() == "phase"]
    plt.close(fig)
    assert len(fills) == 3 and fills[0] == fills[2] != fills[1]
