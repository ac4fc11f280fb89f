"""Dendritic neurons: where synapses land, the branch nonlinearities in closed form, edits, bad input.

One network structure (one compiled loop) serves every test here: spike-time
inputs ``x`` onto a DendriticNeuron population ``y`` through one projection of
each way of choosing a branch (soma, fixed, per-synapse array, cyclic,
blocks, random with a delay, a distribution with a delay, inhibitory with a
delay). Tests change parameter values only.
"""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.config import config_from_dict, model_to_dict

DT = 0.1
PASSIVE = npl.DendriticNeuron(branches=3, nonlinearity="passive", tau_de=5.0, tau_di=10.0)
TIMES = 1.0 + 2.0 * np.arange(8)          # input k spikes once, at 1 + 2k ms


def model(neuron=PASSIVE, times=TIMES, initial=None, rules=()):
    m = npl.Model(dt=DT, max_rate=None)
    m.add(npl.SpikeTimes("x", 8, np.arange(len(times)), times))
    m.add(npl.Population("y", 2, neuron, initial=initial or {}))
    P = npl.Pairs
    m.add(npl.Projection("soma", "x", "y", P([0], [0]), weight=5.0))
    m.add(npl.Projection("fixed", "x", "y", P([1], [0]), weight=7.0, branch=2))
    m.add(npl.Projection("arr", "x", "y", P([2, 2], [0, 1]), weight=3.0, branch=[0, 1]))
    m.add(npl.Projection("cyc", "x", "y", P([3, 4, 5], [1, 1, 1]), weight=11.0, branch="cyclic"))
    m.add(npl.Projection("blk", "x", "y", npl.AllToAll(), weight=0.0, branch="blocks"))
    m.add(npl.Projection("rnd", "x", "y", P([6, 6, 6, 6], [0, 0, 1, 1]), weight=13.0, delay=0.5, branch="random",
                         rules=tuple(rules)))
    m.add(npl.Projection("dist", "x", "y", npl.AllToAll(), weight=0.0, delay=1.0, branch=npl.Uniform(0, 3)))
    m.add(npl.Projection("inh", "x", "y", P([7], [1]), weight=-17.0, delay=0.3, receptor="inh", branch=1))
    m.add(npl.SpikeMonitor("y"))
    m.add(npl.StateMonitor("y", tuple(neuron.state_variables), interval=DT))
    return m


@pytest.fixture(scope="module")
def targeted():
    return npl.Network(model(), seed=4).run(25.0)


def first_sample(rec, row, neuron, t):
    """The recorded value of ``row`` at the first step start at or after ``t`` ms."""
    return rec[row][int(round(t / DT)), neuron]


def test_branch_assignments_follow_the_projection(targeted):
    net = targeted
    assert list(net.branches("fixed")) == [2]
    assert list(net.branches("arr")) == [0, 1]
    assert list(net.branches("cyc")) == [0, 1, 2]                   # pre 3, 4, 5 mod 3
    pre, _ = net.synapses("blk")
    np.testing.assert_array_equal(net.branches("blk"), pre * 3 // 8)  # contiguous blocks of inputs
    assert list(net.branches("soma")) == [-1]
    for name in ("rnd", "dist"):
        b = net.branches(name)
        assert b.min() >= 0 and b.max() <= 2
    # "random" hashes the seed and the synapse id: another seed gives another draw, the same seed the same
    again = npl.Network(model(), seed=4)
    np.testing.assert_array_equal(again.branches("dist"), net.branches("dist"))
    for name in ("rnd", "dist"):
        assert any(not np.array_equal(npl.Network(model(), seed=s).branches(name), net.branches(name))
                   for s in (5, 6, 7))


def test_input_lands_on_the_chosen_row(targeted):
    """Each spike adds its weight to exactly its branch's row at the next step
    start (delayed ones ``delay`` later), and to no other row."""
    rec, net = targeted.monitor("state_y"), targeted
    rb = net.branches("rnd")
    expected = {  # (row, neuron, arrival ms): weight
        ("ie", 0, 1.1): 5.0, ("ied_2", 0, 3.1): 7.0, ("ied_0", 0, 5.1): 3.0, ("ied_1", 1, 5.1): 3.0,
        ("ied_0", 1, 7.1): 11.0, ("ied_1", 1, 9.1): 11.0, ("ied_2", 1, 11.1): 11.0, ("iid_1", 1, 15.4): -17.0,
    }
    for k, (b, j) in enumerate(zip(rb, [0, 0, 1, 1])):
        key = (f"ied_{b}", j, 13.6)
        expected[key] = expected.get(key, 0.0) + 13.0
    rows = [f"{r}_{b}" for r in ("ied", "iid") for b in range(3)] + ["ie", "ii"]
    for row in rows:   # each row's jumps (beyond its own decay) are exactly the expected arrivals
        tau = 10.0 if row.startswith("ii") else 5.0
        for j in (0, 1):
            x = rec[row][:, j]
            jumps = x[1:] - x[:-1] * np.exp(-DT / tau)
            got = {round(float(t), 1): float(d) for t, d in zip(rec["t"][1:], jumps) if abs(d) > 1e-9}
            want = {t: w for (r, jj, t), w in expected.items() if r == row and jj == j}
            assert got.keys() == want.keys(), (row, j, got, want)
            for t, w in want.items():
                assert got[t] == pytest.approx(w, abs=1e-9), (row, j, t)


def test_passive_branch_follows_its_closed_form(targeted):
    """A passive branch's potential is the exact response of its membrane
    (tau_d, g_d) to the exponential current of one spike."""
    rec = targeted.monitor("state_y")
    m = PASSIVE
    t = rec["t"] - 3.1                      # branch 2 of neuron 0 gets 7 pA at 3.1 ms
    on = (t >= 0) & (rec["t"] < 13.5)       # (later, "rnd" may send it more)
    tau, ts = m.tau_d, m.tau_de
    v = 7.0 * ts / (m.g_d * (ts - tau)) * (np.exp(-t / ts) - np.exp(-t / tau))
    np.testing.assert_allclose(rec["vd_2"][on, 0] - m.e_l, v[on], rtol=0, atol=1e-12)
    assert np.all(rec["vd_2"][t < 0, 0] == m.e_l)
    assert np.all(rec["amp_2"][:, 0] == 0.0)   # no events (and g_c = 0): the soma hears nothing


def dcaap_net(nonlinearity, currents, **kw):
    k = len(currents)
    neuron = npl.DendriticNeuron(branches=k, nonlinearity=nonlinearity, i_bias_d=currents, **kw)
    start = {f"vd_{b}": neuron.e_l + c / neuron.g_d for b, c in enumerate(currents)}   # at steady state
    return npl.Network(model(neuron, times=[], initial=start), seed=1)


def test_dcaap_amplitude_is_largest_at_threshold():
    """Steady branch drive x = I/g_d - (theta_d - e_l): the dCaAP current is
    amp_d exp(-x / sigma_d) for x >= 0 and nothing below (Gidon et al. 2020):
    non-monotonic, largest for threshold-level input."""
    currents = np.array([50.0, 99.0, 100.5, 110.0, 130.0, 160.0, 200.0, 300.0])   # pA; threshold 100 pA
    net = dcaap_net("dcaap", currents, amp_d=400.0, sigma_d=10.0, g_d=10.0, theta_d=-60.0)
    net.run(60.0)
    rec = net.monitor("state_y")
    x = currents / 10.0 - 10.0
    closed = np.where(x >= 0, 400.0 * np.exp(-np.maximum(x, 0) / 10.0), 0.0)
    for b, want in enumerate(closed):
        np.testing.assert_allclose(rec[f"amp_{b}"][1:, 0], want, rtol=1e-12, atol=1e-9)
    assert np.argmax(closed) == 2 and closed[1] == 0.0 and np.all(np.diff(closed[2:]) < 0)


def test_nmda_plateau_has_threshold_and_duration():
    """An NMDA branch sends amp_d (all or none) from the first step its drive
    reaches theta_d until dur_d ms after the last such step; sub-threshold
    drive sends nothing. (Threshold 0.2 mV above rest: the 7 pA input peaks at
    0.175 mV, the 11 pA ones at 0.275 mV.)"""
    neuron = npl.DendriticNeuron(branches=3, nonlinearity="nmda", amp_d=250.0, dur_d=30.0, theta_d=-69.8,
                                 tau_d=10.0, g_d=10.0)
    net = npl.Network(model(neuron), seed=4).run(80.0)
    rec = net.monitor("state_y")
    plateaus = quiet = 0
    for b in range(3):
        for j in range(2):
            vd, out = rec[f"vd_{b}"][1:, j], rec[f"amp_{b}"][1:, j]
            above = np.flatnonzero(vd >= neuron.theta_d)
            on = np.zeros(len(out), bool)
            if len(above):
                on[above[0]: above[-1] + 300] = True       # 30 ms = 300 steps after the last step above
                plateaus += 1
            elif vd.max() > neuron.e_l:
                quiet += 1
            np.testing.assert_array_equal(out, np.where(on, 250.0, 0.0))
    assert plateaus >= 2 and quiet >= 1

def test_structural_edits_checkpoints_and_growth_carry_the_branch(tmp_path, targeted):
    net = npl.Network(model(), seed=4)
    ids, b = net.synapse_ids("dist"), net.branches("dist")
    by_id = dict(zip(ids, b))
    net.lesion(0.5, projection="dist")                         # rows compact: survivors move slots
    assert all(by_id[i] == x for i, x in zip(net.synapse_ids("dist"), net.branches("dist")))
    net.compact("dist")
    assert all(by_id[i] == x for i, x in zip(net.synapse_ids("dist"), net.branches("dist")))
    net.add_neurons("y", 2)                                    # new synapses: drawn branches, in range
    b2 = net.branches("dist")
    assert len(b2) > len(by_id) // 2 and b2.min() >= 0 and b2.max() <= 2
    net.run(20.0)
    path = net.save(tmp_path / "d.npz")
    back = npl.Network.load(path)
    np.testing.assert_array_equal(back.branches("dist"), net.branches("dist"))
    np.testing.assert_array_equal(back.branches("rnd"), net.branches("rnd"))
    back.run(10.0), net.run(10.0)
    np.testing.assert_array_equal(back.state("y", "vd_1"), net.state("y", "vd_1"))


def test_set_branch_moves_a_synapse():
    from neuroplastic.engine.structure import Structure

    net = npl.Network(model(), seed=4)
    edit = Structure(net).edit(net._proj_index["fixed"])
    slot = edit.slots()[0]
    edit.set_branch([slot], 0)
    assert list(net.branches("fixed")) == [0]
    net.run(5.0)
    rec = net.monitor("state_y")
    assert first_sample(rec, "ied_0", 0, 3.1) == pytest.approx(7.0) and np.all(rec["ied_2"][:, 0] == 0.0)
    with pytest.raises(npl.ValidationError, match="branch"):
        edit.set_branch([slot], 3)
    with pytest.raises(npl.ValidationError, match="branch"):
        Structure(net).edit(net._proj_index["soma"]).set_branch([0], 0)


def test_config_round_trip_keeps_branches_and_branch_parameters():
    neuron = npl.DendriticNeuron(branches=3, nonlinearity=["dcaap", "nmda", "passive"], theta_d=[-60.0, -58.0, -55.0],
                                 amp_d=np.array([[300.0, 200.0, 0.0], [310.0, 210.0, 5.0]]), soma="AdEx")
    m = model(neuron)
    d = model_to_dict(m, duration=10.0)
    back = config_from_dict(d).model
    assert back.projections["arr"].branch.tolist() == [0, 1]
    assert back.projections["cyc"].branch == "cyclic" and back.projections["fixed"].branch == 2
    assert back.projections["dist"].branch == npl.Uniform(0, 3) and back.projections["soma"].branch is None
    y = back.populations["y"].model
    assert y.nonlinearity == ("dcaap", "nmda", "passive") and y.soma == "AdEx"
    np.testing.assert_array_equal(y.amp_d, neuron.amp_d)
    d["projections"][1]["branch"] = 5
    with pytest.raises(npl.ValidationError, match="branch"):
        config_from_dict(d)


@pytest.mark.parametrize("make, field", [
    (lambda: npl.DendriticNeuron(branches=0), "branches"),
    (lambda: npl.DendriticNeuron(branches=3, theta_d=[-60.0, -58.0]), "theta_d"),
    (lambda: npl.DendriticNeuron(branches=2, amp_d=np.ones((3, 3))), "amp_d"),
    (lambda: npl.DendriticNeuron(branches=2, nonlinearity=["dcaap"]), "nonlinearity"),
    (lambda: npl.DendriticNeuron(nonlinearity="calcium"), "nonlinearity"),
    (lambda: npl.Population("y", 3, npl.DendriticNeuron(branches=2, amp_d=np.ones((2, 2)))), "amp_d"),
    (lambda: npl.Projection("p", "x", "y", npl.AllToAll(), branch="somewhere"), "branch"),
    (lambda: npl.Projection("p", "x", "y", npl.AllToAll(), branch=-1), "branch"),
    (lambda: npl.Projection("p", "x", "y", npl.AllToAll(), branch=1.5), "branch"),
])
def test_bad_parameters_name_the_field(make, field):
    with pytest.raises(npl.ValidationError) as e:
        make()
    assert e.value.field == field


def _with(proj_kw=None, post=PASSIVE, rule=None):
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("x", 4, [0], [1.0]))
    m.add(npl.Population("y", 2, post))
    m.add(npl.Modulator("teacher", tau=100.0))
    m.add(npl.Projection("p", "x", "y", npl.AllToAll(), rules=[rule] if rule else [], **(proj_kw or {})))
    return m


@pytest.mark.parametrize("build, field", [
    (lambda: _with({"branch": 3}), "branch"),                                     # K = 3: 0..2
    (lambda: _with({"branch": [0, 5, 0, 0, 0, 0, 0, 0]}), "branch"),
    (lambda: _with({"branch": 0}, post=npl.LIF()), "branch"),                     # a point neuron
    (lambda: _with({"branch": 0}, post=npl.LIF(), rule=npl.BranchPerceptron()), "branch"),
    (lambda: _with({}, post=npl.LIF(), rule=npl.BranchPerceptron()), "rules[0] (BranchPerceptron)"),
    (lambda: _with({}, rule=npl.BranchPerceptron()), "rules[0] (BranchPerceptron)"),   # onto the soma
    (lambda: _with({"branch": 0}, rule=npl.UrbanczikSenn()), "rules[0] (UrbanczikSenn)"),
])
def test_bad_targets_are_refused_before_anything_runs(build, field):
    with pytest.raises(npl.ValidationError) as e:
        build().validate()
    assert e.value.field == field


@pytest.mark.parametrize("branch", [[0, 1, 2], npl.Uniform(3, 4)])
def test_bad_branch_draws_are_refused_when_built(branch):
    with pytest.raises(npl.ValidationError) as e:
        npl.Network(_with({"branch": branch}), seed=0)
    assert e.value.field == "branch"


def test_a_branched_projection_leaves_the_other_draws_and_loop_alone():
    """Branch draws use their own stream: the weights and delays of every other
    projection are those of the model without it; a model without branches
    generates a loop with no branch argument at all."""
    def build(extra):
        m = npl.Model(dt=DT)
        m.add(npl.PoissonInput("x", 20, rate=10.0))
        m.add(npl.Population("y", 5, PASSIVE))
        m.add(npl.Projection("b", "x", "y", npl.FixedProbability(0.5), weight=1.0, branch="random" if extra else None))
        m.add(npl.Projection("p", "x", "y", npl.FixedProbability(0.5), weight=npl.Uniform(0, 1),
                             delay=npl.Uniform(0, 2)))
        return npl.Network(m, seed=2)

    plain, branched = build(False), build(True)
    np.testing.assert_array_equal(plain.weights("p"), branched.weights("p"))
    assert "_br" not in plain.kernel_source and "_T0" not in plain.kernel_source
    assert "J0_br" in branched.kernel_source
