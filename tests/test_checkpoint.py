"""Checkpoints (Network.save / load), in-memory snapshots (store / restore) and
pickling: a network continues bit for bit, in this process or another one
(engine/checkpoint.py, io/checkpoint.py, io/description.py)."""
import json
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine.checkpoint import capture
from neuroplastic.errors import ValidationError
from neuroplastic.config import config_from_dict, model_to_dict
from neuroplastic.model.topology import Lesion, Neurogenesis
from neuroplastic.plasticity.structural import PruneAndRegrow

from custom_rule import SymmetricSTDP   # examples/ (tests/conftest.py puts it on the path)

END, CUT = 60.0, 45.0   # ms


def _rich_model():
    """Delays (spikes in flight), STDP + Tsodyks-Markram + a Periodic rule, a neuron
    rule, a modulator with a release schedule gating a user rule, a structural
    rule, neurogenesis at 30 ms and a lesion at 50 ms, every monitor kind, and a
    protocol: a 'sleep' phase from 35 to 50 ms (input rate, dopamine level and
    baseline, STDP and the periodic rule at half, the structural and the neuron
    rule off)."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 20, rate=100.0))
    m.add(npl.Population("exc", 20, npl.LIF(synapse="conductance"), initial={"v": npl.Uniform(-70, -50)},
                         rules=[npl.AdaptiveThreshold(increment=0.5, tau=50.0, period=1.0)]))
    m.add(npl.Modulator("dopamine", tau=20.0, release_times=[5.0, 25.0, 47.0], release_amounts=0.5))
    m.add(npl.Projection("in", "inp", "exc", npl.FixedProbability(0.5), weight=npl.Uniform(5.0, 15.0),
                         delay=npl.Uniform(0.5, 3.0), w_min=0.0, w_max=20.0,
                         rules=[npl.PairSTDP(a_plus=0.05, a_minus=0.05, w_max=20.0), npl.TsodyksMarkram(),
                                npl.SynapticScaling(tau_a=50.0, period=5.0)]))
    m.add(npl.Projection("ee", "exc", "exc", npl.FixedProbability(0.3), weight=npl.Uniform(0.0, 4.0), delay=1.0,
                         w_min=0.0, w_max=5.0,
                         rules=[npl.Gated(SymmetricSTDP(eta=0.02), "dopamine", gain=2.0),
                                PruneAndRegrow(threshold=1.0, period=10.0, w_init=0.5, delay=1.0)]))
    m.add(npl.Phase("wake", duration=35.0))
    m.add(npl.Phase("sleep", duration=15.0, rates={"inp": 20.0}, levels={"dopamine": 0.3},
                    baselines={"dopamine": 0.1}, scales={"in": 0.5, "ee.1": 0.0, "exc": 0.0}))
    m.add(Neurogenesis(30.0, "exc", 5, name="grow"))
    m.add(Lesion(50.0, 0.2, population="exc", name="cut"))
    for mon in (npl.SpikeMonitor("exc"), npl.SpikeMonitor("inp"), npl.StateMonitor("exc", ("v", "ge"), interval=1.0),
                npl.WeightMonitor("ee", interval=2.0), npl.RateMonitor("exc", bin=5.0),
                npl.ModulatorMonitor("dopamine", interval=1.0)):
        m.add(mon)
    return m


def _drive(net, t_end):
    """Run to ``t_end`` ms, changing the input rates at 20 ms."""
    if net.t < 20.0 <= t_end:
        net.run(20.0 - net.t)
        net.set_rates("inp", np.linspace(10.0, 80.0, 20))
    net.run(t_end - net.t)
    return net


def _plain(snap):
    return snap.arrays, json.loads(json.dumps(snap.meta))


def _assert_same(a, b):
    """Two states (arrays, meta) are identical: every array bit for bit."""
    (xa, ma), (xb, mb) = a, b
    assert set(xa) == set(xb)
    assert [k for k in xa if not np.array_equal(xa[k], xb[k], equal_nan=True)] == []
    assert ma == mb


@pytest.fixture(scope="module")
def uninterrupted():
    net = _drive(npl.Network(_rich_model(), seed=3), END)
    i, _ = net.spikes("exc")
    log = net.topology_log
    assert len(i) > 50 and net.size("exc") == 25 and [e["kind"] for e in log] == ["neurogenesis", "lesion"]
    assert net.synapse_ids("ee").max() >= len(npl.Network(_rich_model(), seed=3).weights("ee"))  # regrown
    assert [(e["t_ms"], e["name"]) for e in net.phase_log] == [(0.0, "wake"), (35.0, "sleep"), (50.0, None)]
    return _plain(capture(net))


def test_a_loaded_network_continues_bit_for_bit_in_a_new_process(uninterrupted, tmp_path):
    net = _drive(npl.Network(_rich_model(), seed=3), CUT)
    pop = net._population("exc")
    assert np.any(pop.arrays["B0"] != 0)                 # spikes in flight in the delay buffer
    assert net.size("exc") == 25 and pop.arrays["alive"].all()   # grown; not yet lesioned
    assert net.phase == "sleep" and net.modulator("dopamine") != 0.0   # mid-phase
    net.save(tmp_path / "a.npz")
    (tmp_path / "net.pkl").write_bytes(pickle.dumps(net))
    (tmp_path / "params.pkl").write_bytes(pickle.dumps(npl.PairSTDP(a_plus=0.03).kernel_params()))
    script = r"""
import json, pickle, sys
from pathlib import Path
import numpy as np
d = Path(sys.argv[1])
params = pickle.loads((d / "params.pkl").read_bytes())   # nothing made PairSTDP.Params in this process yet
import neuroplastic as npl
from neuroplastic.engine.checkpoint import capture
for name, net in (("loaded", npl.Network.load(d / "a.npz")), ("unpickled", pickle.loads((d / "net.pkl").read_bytes()))):
    snap = capture(net.run(15.0))
    np.savez(d / f"{name}.npz", **snap.arrays)
    (d / f"{name}.json").write_text(json.dumps(snap.meta))
print(type(params).__qualname__, params.a_plus)
"""
    src = Path(npl.__file__).resolve().parents[1]
    examples = Path(__file__).resolve().parents[1] / "examples"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(examples), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["PairSTDP.Params", "0.03"]
    for name in ("loaded", "unpickled"):
        with np.load(tmp_path / f"{name}.npz") as f:
            arrays = {k: f[k] for k in f.files}
        _assert_same(uninterrupted, (arrays, json.loads((tmp_path / f"{name}.json").read_text())))


@pytest.mark.parametrize("cut", [0.0, 25.0, 55.0])
def test_save_and_load_at_any_time_continues_identically(uninterrupted, cut, tmp_path):
    _drive(npl.Network(_rich_model(), seed=3), cut).save(tmp_path / "c.npz")
    back = npl.Network.load(tmp_path / "c.npz")
    assert back.t == pytest.approx(cut)
    _assert_same(uninterrupted, _plain(capture(_drive(back, END))))


def test_reset_after_load_and_restore_after_reset(uninterrupted, tmp_path):
    _drive(npl.Network(_rich_model(), seed=3), 55.0).save(tmp_path / "r.npz")
    back = npl.Network.load(tmp_path / "r.npz").reset()   # back to the model's initial state (grown: rebuilt)
    _assert_same(uninterrupted, _plain(capture(_drive(back, END))))
    net = _drive(npl.Network(_rich_model(), seed=3), 40.0)
    net.store()
    net.reset().restore()
    _assert_same(uninterrupted, _plain(capture(_drive(net, END))))


def test_store_and_restore_rewind_across_neurogenesis_structure_and_lesions(uninterrupted):
    net = _drive(npl.Network(_rich_model(), seed=3), 25.0)
    net.store()
    spikes_then = net.spikes("exc")
    first = _plain(capture(_drive(net, END)))
    _assert_same(uninterrupted, first)
    net.restore()
    assert net.t == pytest.approx(25.0) and net.size("exc") == 20 and net.topology_log == []
    np.testing.assert_array_equal(net.spikes("exc")[1], spikes_then[1])
    _assert_same(first, _plain(capture(_drive(net, END))))   # the same trial again
    with pytest.raises(ValidationError, match="must name a stored state \\('default'\\)"):
        net.restore("other")


def _small_model(events=()):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 30, rate=50.0))
    m.add(npl.SpikeTimes("cue", 2, np.arange(100) % 2, np.linspace(1.0, 99.0, 100)))   # long lists -> arrays
    m.add(npl.Population("exc", 10, npl.LIF(), initial={"v": npl.Uniform(-70, -55)}))
    m.add(npl.Projection("in", "inp", "exc", npl.FixedProbability(0.3), weight=npl.Uniform(100, 300),
                         delay=1.0, w_max=400.0, rules=[npl.PairSTDP(a_plus=1.0, a_minus=1.0, w_max=400.0)]))
    m.add(npl.Projection("cue_e", "cue", "exc", npl.AllToAll(), weight=200.0))
    m.add(npl.SpikeMonitor("exc"))
    m.add(npl.StateMonitor("exc", ("v",), interval=0.5))
    for e in events:
        m.add(e)
    return m


def test_restore_undoes_neurons_added_from_python_and_views_stay_live():
    net = npl.Network(_small_model(), seed=5).run(15.0)
    net.store("before")
    v, v_then = net.state("exc", "v"), net.state("exc", "v").copy()
    net.run(5.0)
    net.restore("before")
    assert np.shares_memory(v, net.state("exc", "v")) and np.array_equal(v, v_then)   # in place: views stay live
    net.run(5.0)
    net.store("before")
    net.add_neurons("exc", 4)
    net.run(30.0)
    assert net.size("exc") == 14 and net.monitor("state_exc")["v"].shape[1] == 14
    net.restore("before")
    assert net.size("exc") == 10 and net.topology_log == [] and net.monitor("state_exc")["v"].shape[1] == 10
    net.run(30.0)
    plain = npl.Network(_small_model(), seed=5).run(50.0)
    np.testing.assert_array_equal(net.spikes("exc")[1], plain.spikes("exc")[1])
    np.testing.assert_array_equal(net.weights("in"), plain.weights("in"))


def test_checkpoint_file_is_a_zip_of_npy_with_a_manifest_and_the_model(tmp_path):
    net = npl.Network(_small_model(), seed=5).run(12.0)
    path = net.save(tmp_path / "ck.npz", metadata={"trial": 3})
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        model = zf.read("model.toml").decode()
    assert manifest["format"] == "neuroplastic-checkpoint" and manifest["format_version"] == 1
    assert manifest["neuroplastic_version"] == npl.__version__ and manifest["step"] == 120
    assert manifest["metadata"] == {"trial": 3} and manifest["seed"] == 5
    assert '[inputs.times]\nnpy = "model/1"' in model and "[[projections.rules]]" in model
    with np.load(path) as f:   # numpy reads it as an .npz
        np.testing.assert_array_equal(f["arrays/pop/exc/state"], net._population("exc").arrays["state"])
    back = npl.Network.load(path)
    np.testing.assert_array_equal(back.model.populations["cue"].times, net.model.populations["cue"].times)
    np.testing.assert_array_equal(back.run(20.0).spikes("exc")[1], net.run(20.0).spikes("exc")[1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.npz"]   # no temporary file left


def _rewrite(src, dst, manifest_edit=None, drop=None):
    """Copy a checkpoint, editing its manifest or dropping a member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "manifest.json" and manifest_edit:
                head = json.loads(data)
                manifest_edit(head)
                data = json.dumps(head).encode()
            if item.filename != drop:
                zout.writestr(item, data)
    return dst


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("ck") / "ok.npz"
    npl.Network(_small_model(), seed=5).run(5.0).save(path)
    return path


def test_truncated_corrupt_and_foreign_files_raise_validation_errors(saved, tmp_path):
    data = saved.read_bytes()
    (tmp_path / "half.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValidationError, match="file must be a complete checkpoint .* truncated or corrupt"):
        npl.Network.load(tmp_path / "half.npz")
    with zipfile.ZipFile(saved) as zf:
        info = zf.getinfo("arrays/pop/exc/state.npy")
    flipped = bytearray(data)
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    flipped[at] ^= 0xFF
    (tmp_path / "flip.npz").write_bytes(bytes(flipped))
    with pytest.raises(ValidationError, match="truncated or corrupt"):
        npl.Network.load(tmp_path / "flip.npz")
    _rewrite(saved, tmp_path / "v2.npz", lambda h: h.update(format_version=2))
    with pytest.raises(ValidationError, match="format_version must be 1 .*, got 2"):
        npl.Network.load(tmp_path / "v2.npz")
    _rewrite(saved, tmp_path / "shape.npz", lambda h: h["arrays"]["pop/exc/state"].update(shape=[9]))
    with pytest.raises(ValidationError, match="arrays.pop/exc/state must match the manifest"):
        npl.Network.load(tmp_path / "shape.npz")
    _rewrite(saved, tmp_path / "gone.npz", lambda h: h["arrays"].pop("pop/exc/state"), drop="arrays/pop/exc/state.npy")
    with pytest.raises(ValidationError, match="state must fit the model .* 'pop/exc/state' is missing"):
        npl.Network.load(tmp_path / "gone.npz")
    np.savez(tmp_path / "plain.npz", x=np.zeros(3))
    with pytest.raises(ValidationError, match="truncated or corrupt"):   # no manifest
        npl.Network.load(tmp_path / "plain.npz")
    with pytest.raises(ValidationError, match="path must be an existing checkpoint file"):
        npl.Network.load(tmp_path / "missing.npz")


def test_another_neuroplastic_version_loads_with_a_warning(saved, tmp_path):
    _rewrite(saved, tmp_path / "old.npz", lambda h: h.update(neuroplastic_version="0.0.1"))
    with pytest.warns(UserWarning, match="written by neuroplastic 0.0.1.*not necessarily bit for bit"):
        net = npl.Network.load(tmp_path / "old.npz")
    assert net.t == pytest.approx(5.0)


def test_a_failed_write_keeps_the_previous_checkpoint(saved, tmp_path, monkeypatch):
    path = tmp_path / "keep.npz"
    path.write_bytes(saved.read_bytes())
    net = npl.Network(_small_model(), seed=5).run(8.0)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", broken)
    with pytest.raises(OSError, match="disk full"):
        net.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == saved.read_bytes() and sorted(p.name for p in tmp_path.iterdir()) == ["keep.npz"]


def test_a_rule_that_cannot_be_imported_again_is_refused_at_save(tmp_path):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class LocalRule(SymmetricSTDP):
        pass

    m = _small_model()
    m.projections["in"] = npl.Projection("in", "inp", "exc", npl.AllToAll(), weight=1.0, rules=[LocalRule()])
    with pytest.raises(ValidationError, match="defined at the top level of an importable module"):
        npl.Network(m).save(tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []


def test_user_rules_are_written_and_read_by_import_path():
    m = _small_model()
    m.projections["in"] = npl.Projection("in", "inp", "exc", npl.AllToAll(), weight=1.0,
                                         rules=[SymmetricSTDP(eta=0.5, tau=7.0),
                                                npl.Gated(SymmetricSTDP(), "acetylcholine", gain=2.0)])
    m.add(npl.Modulator("acetylcholine"))
    d = model_to_dict(m, duration=10.0)
    rules = next(p for p in d["projections"] if p["name"] == "in")["rules"]
    assert rules[0] == {"rule": "custom_rule:SymmetricSTDP", "eta": 0.5, "tau": 7.0}
    assert rules[1]["rule"] == "custom_rule:SymmetricSTDP" and rules[1]["gate"]["gain"] == 2.0
    back = config_from_dict(d).model.projections["in"].rules
    assert back[0] == SymmetricSTDP(eta=0.5, tau=7.0) and type(back[1]).gated_base is SymmetricSTDP
    for name, fragment in (("custom_rule:Nope", "must name an importable rule class .*AttributeError"),
                           ("no_such_module:X", "must name an importable .*ModuleNotFoundError"),
                           ("custom_rule:pair_change", "must name a synaptic Rule subclass"),
                           ("neuroplastic.plasticity:AdaptiveThreshold", "must name a synaptic Rule subclass")):
        bad = model_to_dict(m, duration=10.0)
        bad["projections"][0]["rules"] = [{"rule": name}]
        with pytest.raises(ValidationError, match=f"projections\\[0\\].rules\\[0\\].rule {fragment}"):
            config_from_dict(bad)
