"""Neurons added and removed during a run, lesions, scheduled topology events,
spike counters and closed-loop input rates (engine/topology.py, engine/network.py)."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError
from neuroplastic.config import config_from_dict, model_to_dict
from neuroplastic.model.topology import Lesion, Neurogenesis, PruneSilent

DRIVE = npl.Uniform(100.0, 300.0)   # pA per input spike: the default LIF fires ~40 Hz at 20 Hz x 20 inputs


def _model(n=50, conn=None, rec=None, events=(), rules=()):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 100, rate=20.0))
    m.add(npl.Population("exc", n, npl.LIF(), initial={"v": npl.Uniform(-70, -55)}))
    m.add(npl.Projection("in_e", "inp", "exc", conn or npl.FixedProbability(0.2), weight=DRIVE, delay=1.0,
                         rules=list(rules), w_max=400.0))
    m.add(npl.Projection("ee", "exc", "exc", rec or npl.FixedProbability(0.1), weight=10.0,
                         delay=npl.Uniform(0.5, 2.0)))
    m.add(npl.SpikeMonitor("exc"))
    for e in events:
        m.add(e)
    return m


def test_spike_counts_match_the_monitor_and_clear_is_per_call():
    net = npl.Network(_model(), seed=1)
    net.run(300.0)
    i, _ = net.spikes("exc")
    np.testing.assert_array_equal(net.spike_counts("exc"), np.bincount(i, minlength=50))
    first = net.spike_counts("exc", clear=True)
    assert first.sum() > 0
    net.run(200.0)
    i2, t2 = net.spikes("exc")
    np.testing.assert_array_equal(net.spike_counts("exc"), np.bincount(i2[t2 >= 300.0], minlength=50))
    with pytest.raises(ValidationError, match="spiking population"):
        m = npl.Model(dt=1.0, max_rate=None)
        m.add(npl.ValueInput("x", np.ones((1, 3))))
        npl.Network(m).spike_counts("x")


@pytest.mark.parametrize("rate", [5.0, 80.0])
def test_set_rates_changes_a_poisson_input_to_the_new_rates(rate):
    net = npl.Network(_model(), seed=2)
    net.run(100.0)
    rates = np.where(np.arange(100) < 50, rate, 0.0)
    net.set_rates("inp", rates)
    net.spike_counts("inp", clear=True)
    net.run(2000.0)
    c = net.spike_counts("inp")
    expected = rate * 2.0   # Hz x s
    assert c[50:].sum() == 0
    assert c[:50].mean() == pytest.approx(expected, abs=4 * np.sqrt(expected / 50))
    net.reset()
    net.run(1000.0)   # reset restores the built rate (20 Hz for all)
    assert net.spike_counts("inp").mean() == pytest.approx(20.0, abs=4 * np.sqrt(20.0 / 100))
    with pytest.raises(ValidationError, match="one number or 100"):
        net.set_rates("inp", np.ones(3))
    with pytest.raises(ValidationError, match="PoissonInput"):
        net.set_rates("exc", 1.0)


def _touching(net, proj, idx):
    pre, post = net.synapses(proj)
    return int(np.isin(pre, idx).sum() + np.isin(post, idx).sum())


def test_removed_neurons_lose_their_synapses_and_never_spike_again():
    net = npl.Network(_model(), seed=1)
    net.run(300.0)
    gone = net.remove_neurons("exc", [3, 7, 7, 20])
    np.testing.assert_array_equal(gone, [3, 7, 20])
    assert _touching(net, "ee", gone) == 0 and not np.isin(net.synapses("in_e")[1], gone).any()
    assert list(np.flatnonzero(~net.alive("exc"))) == [3, 7, 20]
    net.run(500.0)
    i, t = net.spikes("exc")
    assert np.any(np.isin(i[t < 300.0], gone))            # their past stays in the recording
    assert not np.any(np.isin(i[t >= 300.0], gone))       # and they are silent from then on
    assert np.isin(np.arange(50), gone, invert=True)[np.unique(i[t >= 300.0])].all()
    assert len(net.remove_neurons("exc", [3])) == 0       # already removed: skipped
    with pytest.raises(ValidationError, match="0..49"):
        net.remove_neurons("exc", [50])
    with pytest.raises(ValidationError, match="neuron population"):
        net.remove_neurons("inp", [0])


def test_lesion_removes_the_stated_fraction_and_is_seeded():
    def lesioned(seed):
        net = npl.Network(_model(), seed=seed)
        net.run(100.0)
        return net, net.lesion(0.3, population="exc")
    a, idx = lesioned(4)
    assert len(idx) == 15 and (~a.alive("exc")).sum() == 15
    np.testing.assert_array_equal(idx, lesioned(4)[1])
    assert not np.array_equal(idx, lesioned(5)[1])
    n0 = len(a.weights("in_e"))
    ids = a.lesion(0.5, projection="in_e")
    assert len(ids) == round(0.5 * n0) and len(a.weights("in_e")) == n0 - len(ids)
    assert [e["kind"] for e in a.topology_log] == ["lesion", "lesion"]
    with pytest.raises(ValidationError, match="exactly one"):
        a.lesion(0.3)


@pytest.mark.parametrize("conn, rec", [
    (npl.FixedProbability(0.2), npl.FixedProbability(0.1)),
    (npl.AllToAll(), npl.AllToAll()),
    (npl.FixedInDegree(10), npl.FixedInDegree(5)),
])
def test_new_neurons_are_wired_by_each_projection_rule(conn, rec):
    net = npl.Network(_model(conn=conn, rec=rec, rules=[npl.PairSTDP(a_plus=1.0, a_minus=1.0)]), seed=3)
    net.run(200.0)
    before_in, before_ee = len(net.weights("in_e")), len(net.weights("ee"))
    new = net.add_neurons("exc", 20)
    np.testing.assert_array_equal(new, np.arange(50, 70))
    assert net.size("exc") == 70 and net.alive("exc").all()
    pre, post = net.synapses("in_e")
    in_new = np.bincount(post[np.isin(post, new)] - 50, minlength=20)
    epre, epost = net.synapses("ee")
    assert not np.any(epre == epost)   # no self-connections in the recurrent projection
    added_ee = len(epre) - before_ee
    if isinstance(conn, npl.AllToAll):
        assert np.all(in_new == 100)
        assert added_ee == 70 * 69 - 50 * 49
    elif isinstance(conn, npl.FixedInDegree):
        assert np.all(in_new == 10)
        assert np.all(np.bincount(epost, minlength=70)[new] == 5)
        assert added_ee == 20 * 5   # new presynaptic neurons take no targets: old in-degrees stay k
    else:
        assert in_new.sum() == pytest.approx(0.2 * 100 * 20, abs=4 * np.sqrt(400 * 0.8))
        pairs = 70 * 69 - 50 * 49
        assert added_ee == pytest.approx(0.1 * pairs, abs=4 * np.sqrt(pairs * 0.09))
    w = net.weights("in_e")[before_in:]
    assert w.min() >= 100.0 and w.max() <= 300.0   # drawn from the projection's distribution
    st = net.rule_state("in_e", 0)
    assert all(a.shape == (70,) for a in st.post) and all(a.shape == (100,) for a in st.pre) and len(st.post)
    net.spike_counts("exc", clear=True)
    net.run(500.0)
    c = net.spike_counts("exc")   # the new neurons integrate and fire like the old ones
    assert (c[new] > 0).mean() >= 0.9 and c[new].mean() > 0.5 * c[:50].mean()


def test_reset_after_growth_and_scheduled_events_are_reproducible():
    events = (Lesion(200.0, 0.2, population="exc"), Neurogenesis(300.0, "exc", 10),
              Lesion(400.0, 0.3, projection="ee"))
    def spikes(net):
        net.run(600.0)
        return net.spikes("exc")
    net = npl.Network(_model(events=events), seed=7)
    i1, t1 = spikes(net)
    assert net.size("exc") == 60 and [e["kind"] for e in net.topology_log] == ["lesion", "neurogenesis", "lesion"]
    assert net.topology_log[0]["t"] == 200.0 and len(net.topology_log[0]["indices"]) == 10
    i2, t2 = spikes(npl.Network(_model(events=events), seed=7))
    np.testing.assert_array_equal(i1, i2); np.testing.assert_array_equal(t1, t2)
    net.reset()
    assert net.size("exc") == 50
    i3, t3 = spikes(net)
    np.testing.assert_array_equal(i1, i3); np.testing.assert_array_equal(t1, t3)
    assert np.any(i1[t1 >= 300.0] >= 50)          # born neurons spike after their birth
    assert not np.any(i1[t1 < 300.0] >= 50)


def test_prune_silent_removes_only_neurons_that_stayed_silent():
    m = _model(events=(PruneSilent("exc", silent_for=200.0),))
    m.add(npl.Population("mute", 5, npl.LIF()))
    m.add(npl.Projection("em", "exc", "mute", npl.AllToAll(), weight=0.1))
    m.events["prune_mute"] = PruneSilent("mute", silent_for=200.0, name="prune_mute")
    net = npl.Network(m, seed=1)
    net.run(199.0)
    assert net.alive("mute").all()   # the check at 0 ms only records; the next, at 200 ms, removes
    net.run(2.0)
    assert not net.alive("mute").any()
    net.run(1000.0)
    assert net.alive("exc").all()    # driven neurons fire in every 200 ms window
    assert len(net.weights("em")) == 0


def test_events_in_configs_and_the_cli(tmp_path):
    m = _model(events=(Lesion(100.0, 0.2, population="exc"), Neurogenesis(50.0, "exc", 3),
                       PruneSilent("exc", 100.0, start=10.0)))
    d = model_to_dict(m, duration=200.0)
    assert [e["type"] for e in d["events"]] == ["Lesion", "Neurogenesis", "PruneSilent"]
    assert config_from_dict(d).model.events == m.events
    bad = model_to_dict(m, duration=200.0)
    bad["events"][0]["fraction"] = 1.5
    with pytest.raises(ValidationError, match=r"events\[0\].*fraction"):
        config_from_dict(bad)
    bad["events"][0] = {"type": "Lesion", "time": 1.0, "fraction": 0.1, "population": "nope"}
    with pytest.raises(ValidationError, match="neuron population"):
        config_from_dict(bad)
    from neuroplastic.cli import main
    import tomli_w
    plain = model_to_dict(_model(), duration=300.0)
    path = tmp_path / "net.toml"
    path.write_bytes(tomli_w.dumps(plain).encode())
    assert main(["run", str(path), "--lesion", "exc:0.4@100", "--out", str(tmp_path / "runs")]) == 0
    import json
    metrics = json.loads(next((tmp_path / "runs").glob("*/metrics.json")).read_text())
    assert metrics["topology"][0]["count"] == 20 and metrics["neurons_exc"] == 30
    assert main(["run", str(path), "--lesion", "exc-0.4", "--out", str(tmp_path / "runs")]) != 0


def test_structural_edits_skip_removed_neurons_and_their_rule_state_is_cleared():
    net = npl.Network(_model(rules=[npl.PairSTDP(a_plus=1.0, a_minus=1.0)]), seed=2)
    net.run(200.0)
    y = net.rule_state("in_e", 0).post[0]
    assert y[5] != 0.0
    net.remove_neurons("exc", [5])
    assert y[5] == 0.0   # the removed neuron's postsynaptic trace is back to its initial value
    net.compact()        # makes the Edit objects; structural rules get the same ones
    edit = net._structure.edit(net._proj_index["ee"])
    assert not edit.alive_post[5] and edit.alive_post[4]
    n0 = edit.count
    slots = edit.add([1, 5, 2], [5, 2, 3], 10.0, 1.0)
    assert slots[0] == -1 and slots[1] == -1 and slots[2] >= 0 and edit.count == n0 + 1


def test_new_neurons_take_per_neuron_parameters_of_living_neurons():
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 20, rate=20.0))
    thresholds = np.linspace(-55.0, -45.0, 10)
    m.add(npl.Population("exc", 10, npl.LIF(v_thresh=thresholds)))
    m.add(npl.Projection("in_e", "inp", "exc", npl.AllToAll(), weight=150.0))
    net = npl.Network(m, seed=0)
    net.remove_neurons("exc", [0, 1, 2])
    net.add_neurons("exc", 30)
    par = net._population("exc").arrays["par"]
    assert par.shape[0] == 40
    # column 2 is v_thresh: new neurons copy rows of living neurons (3..9), never of removed ones
    assert set(np.round(par[10:, 2], 9)) <= set(np.round(thresholds[3:], 9))
    net.run(200.0)
    assert net.spike_counts("exc")[10:].sum() > 0


def test_synapse_ids_follow_removals_and_additions():
    net = npl.Network(_model(), seed=3)
    n0 = len(net.weights("ee"))
    np.testing.assert_array_equal(net.synapse_ids("ee"), np.arange(n0))
    net.run(50.0)
    gone = net.lesion(0.5, projection="ee")
    ids = net.synapse_ids("ee")
    assert len(ids) == n0 - len(gone) and not np.isin(gone, ids).any()
    net.add_neurons("exc", 5)
    ids2 = net.synapse_ids("ee")
    assert ids2.max() + 1 == n0 + (len(ids2) - len(ids))   # new synapses take the next ids


def test_rate_and_state_monitors_follow_added_and_removed_neurons():
    """The population rate is the mean over living neurons (added ones count from
    when they appear, removed ones stop counting) and equals the spike monitor's
    count divided by living neurons x bin; a state monitor of all neurons samples
    new ones from their birth (NaN before)."""
    m = _model()
    m.add(npl.RateMonitor("exc", bin=50.0))
    m.add(npl.StateMonitor("exc", variables=("v",), interval=5.0))
    net = npl.Network(m, seed=4)
    net.run(200.0)
    net.add_neurons("exc", 30)                 # 80 neurons
    net.run(200.0)
    net.remove_neurons("exc", np.arange(20))   # 60 living
    net.run(175.0)                             # last bin covers 25 of 50 ms
    rate = net.monitor("rate_exc")
    i, t = net.spikes("exc")
    counts = np.histogram(t, bins=np.arange(0.0, 601.0, 50.0))[0]
    living = np.repeat([50, 80, 60], [4, 4, 4])[:12]
    covered = np.full(12, 50.0)
    covered[-1] = 25.0
    assert rate["t"].size == 12
    np.testing.assert_allclose(rate["rate"], counts / (living * covered * 1e-3), rtol=1e-12)
    np.testing.assert_allclose(rate["n"], living)
    assert np.all(rate["rate"][4:8] > 5.0)      # new neurons fire too: no drop, no doubling
    v = net.monitor("state_exc")
    assert v["v"].shape == (115, 80) and np.array_equal(v["index"], np.arange(80))
    assert np.isnan(v["v"][:40, 50:]).all() and np.isfinite(v["v"][40:, :]).all()
    assert np.isfinite(v["v"][:, :50]).all()
