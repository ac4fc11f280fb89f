"""Rate units, binary units, value inputs, neuron variables read by rules, and
the intrinsic-plasticity rules: closed forms on tiny networks."""
import math
from dataclasses import dataclass

import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from neuroplastic.errors import ValidationError


def rate_net(activation="linear", values=None, weight=1.0, tau=0.0, gain=1.0, bias=0.0, rules=(), n=None,
             conn=None, order=("x", "y")):
    values = np.asarray(values if values is not None else [[1.0]], float)
    m = npl.Model(dt=1.0, max_rate=None)
    parts = {"x": npl.ValueInput("x", values),
             "y": npl.Population("y", n or values.shape[1], npl.RateUnit(activation, gain, bias, tau))}
    for name in order:
        m.add(parts[name])
    m.add(npl.Projection("xy", "x", "y", conn or npl.OneToOne(), weight=weight, rules=list(rules)))
    m.add(npl.StateMonitor("y", ["r", "h"], interval=1.0, name="ry"))
    return m


@pytest.mark.parametrize("activation, f", [
    ("sigmoid", lambda u: 1 / (1 + np.exp(-u))), ("tanh", np.tanh),
    ("linear", lambda u: u), ("relu", lambda u: np.maximum(u, 0.0))])
def test_rate_unit_activation_closed_form(activation, f):
    x = np.linspace(-3, 3, 7)[None, :]
    net = npl.Network(rate_net(activation, x, weight=0.7, gain=1.5, bias=-0.2)).run(3.0)
    r = net.monitor("ry")["r"]
    np.testing.assert_allclose(r[-1], f(1.5 * 0.7 * x[0] - 0.2), rtol=1e-13, atol=1e-15)


def test_feedforward_delivery_is_same_step_recurrent_is_next_step():
    # A StateMonitor samples at the start of each step, so the value recorded at
    # step k is what step k-1 computed.
    x = np.arange(1.0, 6.0)[:, None]            # 1, 2, 3, 4, 5 over five steps
    ff = npl.Network(rate_net("linear", x, weight=2.0)).run(6.0).monitor("ry")
    np.testing.assert_allclose(ff["r"][1:, 0], 2.0 * x[:, 0])          # y(t) = 2 x(t)
    # the same projection with the rate unit added first: one step later
    lag = npl.Network(rate_net("linear", x, weight=2.0, order=("y", "x"))).run(6.0).monitor("ry")
    np.testing.assert_allclose(lag["r"][1:, 0], np.r_[0.0, 2.0 * x[:-1, 0]])


def test_leaky_rate_unit_relaxes_exactly():
    net = npl.Network(rate_net("linear", [[1.0]], tau=10.0)).run(21.0)
    r = net.monitor("ry")["r"][1:, 0]
    k = np.arange(1, 21)
    np.testing.assert_allclose(r, 1 - np.exp(-k / 10.0), rtol=1e-12)


def test_inhibitory_channel_subtracts_and_value_input_cycles():
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.ValueInput("x", [[1.0], [2.0], [0.0]], interval=2.0))
    m.add(npl.Population("y", 1, npl.RateUnit("linear")))
    m.add(npl.Projection("e", "x", "y", npl.OneToOne(), weight=3.0))
    m.add(npl.Projection("i", "x", "y", npl.OneToOne(), weight=1.0, receptor="inh"))
    m.add(npl.StateMonitor("y", ["r"], interval=1.0, name="ry"))
    r = npl.Network(m).run(9.0).monitor("ry")["r"][1:, 0]
    np.testing.assert_allclose(r, 2.0 * np.array([1, 1, 2, 2, 0, 0, 1, 1.0]))


def test_binary_units_threshold_and_one_step_recurrence():
    # a ring of 3 binary units: unit k excites unit k+1; one active unit circulates
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.SpikeTimes("kick", 3, [0], [0.0]))
    m.add(npl.Population("b", 3, npl.BinaryUnit(threshold=0.5)))
    m.add(npl.Projection("in", "kick", "b", npl.OneToOne(), weight=1.0))
    m.add(npl.Projection("ring", "b", "b", npl.Pairs([0, 1, 2], [1, 2, 0]), weight=0.6))
    m.add(npl.SpikeMonitor("b"))
    i, t = npl.Network(m).run(7.0).spikes("b")
    np.testing.assert_array_equal(t, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(i, [0, 1, 2, 0, 1, 2])


def test_binary_threshold_is_strict_and_below_threshold_silent():
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.ValueInput("x", [[0.5, 0.5000001]]))
    m.add(npl.Population("b", 2, npl.BinaryUnit(threshold=0.5)))
    m.add(npl.Projection("xb", "x", "b", npl.OneToOne(), weight=1.0))
    m.add(npl.SpikeMonitor("b"))
    i, _ = npl.Network(m).run(5.0).spikes("b")
    assert set(i.tolist()) == {1}


@dataclass(frozen=True)
class RecordActivity(npl.Rule, npl.Periodic):
    """Adds pre activity * post activity of every step into a synapse state."""

    period: float = 0.1
    pre_reads = ("activity",)
    post_reads = ("activity", "v")
    synapse_state = (npl.State("acc"),)

    @staticmethod
    @njit
    def every(t, w, conn, st, p):
        for s in range(w.shape[0]):
            if conn.alive[s]:
                st.syn.acc[s] += st.src.activity[conn.pre[s]] * 1000.0 + st.dst.activity[conn.post[s]]


def test_activity_of_spiking_population_is_a_spike_indicator():
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("s", 2, [0, 1, 0], [1.0, 1.0, 3.0]))
    m.add(npl.Population("n", 1, npl.LIF(v_thresh=-69.0, v_rest=-70, v_reset=-75, t_ref=0.0)))
    m.add(npl.Projection("sn", "s", "n", npl.AllToAll(), weight=1e4, rules=[RecordActivity()]))
    m.add(npl.SpikeMonitor("n"))
    net = npl.Network(m).run(5.0)
    acc = net.rule_state("sn").syn.acc
    _, t_post = net.spikes("n")
    # pre 0 spiked twice, pre 1 once; each post spike adds 1 to both synapses
    expected = np.array([2000.0, 1000.0]) + len(t_post)
    np.testing.assert_allclose(acc[net._store("sn").build_slots], expected)
    assert len(t_post) >= 1


def test_rule_writes_reach_neuron_state():
    net = npl.Network(drive_adaptive(increment=2.0, tau=1e12)).run(200.0)
    i, _ = net.spikes("n")
    counts = np.bincount(i, minlength=5)
    np.testing.assert_allclose(net.state("n", "theta"), 2.0 * counts, rtol=1e-9)


def drive_adaptive(increment, tau, period=10.0, rate=300.0):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 50, rate=rate))
    m.add(npl.Population("n", 5, npl.LIF(), rules=[npl.AdaptiveThreshold(increment, tau, period)]))
    m.add(npl.Projection("xn", "x", "n", npl.AllToAll(), weight=60.0))
    m.add(npl.SpikeMonitor("n"))
    return m


def test_adaptive_threshold_decay_closed_form():
    net = npl.Network(drive_adaptive(increment=1.0, tau=500.0, period=10.0)).run(400.0)
    i, t = net.spikes("n")
    # A spike in step n is followed by one decay factor for every period boundary
    # (end of steps 99, 199, ...) from that step on: 40 - floor(n / 100) of them.
    for j in range(5):
        steps = np.round(t[i == j] / 0.1).astype(int)
        expected = np.sum(np.exp(-10.0 / 500.0 * (40 - steps // 100)))
        assert net.state("n", "theta")[j] == pytest.approx(expected, rel=1e-12)


def test_adaptive_threshold_raises_threshold_and_lowers_rate():
    plain = npl.Network(drive_adaptive(0.0, 1e7)).run(1000.0).spikes("n")[0].size
    adapted = npl.Network(drive_adaptive(0.5, 1e7)).run(1000.0).spikes("n")[0].size
    assert adapted < 0.7 * plain


def test_threshold_homeostasis_reaches_target_rate():
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 100, rate=20.0))
    m.add(npl.Population("n", 20, npl.LIF(), rules=[npl.ThresholdHomeostasis(eta=0.2, target_rate=10.0,
                                                                               period=1.0)]))
    m.add(npl.Projection("xn", "x", "n", npl.AllToAll(), weight=npl.Uniform(30.0, 60.0)))
    m.add(npl.RateMonitor("n", bin=1000.0))
    net = npl.Network(m, seed=1).run(30_000.0)
    rates = net.monitor("rate_n")["rate"]
    assert np.mean(rates[-10:]) == pytest.approx(10.0, rel=0.1)
    theta = net.state("n", "theta")
    assert theta.std() > 0.1          # each neuron found its own threshold


def test_discrete_stdp_one_step_window():
    # pre fires at steps 2 and 10, post at 3 (causal, +eta) and 9 (anti-causal to 10, -eta)
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.SpikeTimes("pre", 1, [0, 0], [2.0, 10.0]))
    m.add(npl.SpikeTimes("post", 1, [0, 0, 0], [3.0, 9.0, 20.0]))
    m.add(npl.Population("b", 1, npl.BinaryUnit(threshold=0.5)))
    m.add(npl.Projection("drive", "post", "b", npl.OneToOne(), weight=1.0))
    m.add(npl.Projection("p", "pre", "b", npl.OneToOne(), weight=0.1,
                         rules=[npl.DiscreteSTDP(eta=0.01)]))
    net = npl.Network(m).run(25.0)
    # the binary unit is active one step after each drive spike: at 4, 10 and 21
    # pre at 2 -> post at 4: no change (two steps); post 10 / pre 10: simultaneous, none;
    # so only the weight's own value remains
    assert net.weights("p")[0] == pytest.approx(0.1)
    m2 = npl.Model(dt=1.0, max_rate=None)
    m2.add(npl.SpikeTimes("pre", 1, [0, 0], [3.0, 11.0]))
    m2.add(npl.SpikeTimes("post", 1, [0, 0], [3.0, 9.0]))
    m2.add(npl.Population("b", 1, npl.BinaryUnit(threshold=0.5)))
    m2.add(npl.Projection("drive", "post", "b", npl.OneToOne(), weight=1.0))
    m2.add(npl.Projection("p", "pre", "b", npl.OneToOne(), weight=0.1, rules=[npl.DiscreteSTDP(eta=0.01)]))
    net2 = npl.Network(m2).run(15.0)
    # b active at 4 and 10; pre at 3 -> b at 4: +eta; b at 10 -> pre at 11: -eta
    assert net2.weights("p")[0] == pytest.approx(0.1 + 0.01 - 0.01)
    m3 = npl.Model(dt=1.0, max_rate=None)
    m3.add(npl.SpikeTimes("pre", 1, [0], [3.0]))
    m3.add(npl.SpikeTimes("post", 1, [0], [3.0]))
    m3.add(npl.Population("b", 1, npl.BinaryUnit(threshold=0.5)))
    m3.add(npl.Projection("drive", "post", "b", npl.OneToOne(), weight=1.0))
    m3.add(npl.Projection("p", "pre", "b", npl.OneToOne(), weight=0.1, rules=[npl.DiscreteSTDP(eta=0.01)]))
    assert npl.Network(m3).run(10.0).weights("p")[0] == pytest.approx(0.11)


def _chain(same_step: bool):
    """SpikeTimes s -> binary a -> binary b, zero delay; spikes of a and b (steps)."""
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.SpikeTimes("s", 1, [0, 0], [2.0, 7.0]))
    m.add(npl.Population("a", 1, npl.BinaryUnit(threshold=0.5)))
    m.add(npl.Population("b", 1, npl.BinaryUnit(threshold=0.5, same_step_input=same_step)))
    m.add(npl.Projection("sa", "s", "a", npl.OneToOne(), weight=1.0))
    m.add(npl.Projection("ab", "a", "b", npl.OneToOne(), weight=1.0))
    m.add(npl.Projection("ba", "b", "a", npl.OneToOne(), weight=-5.0, receptor="exc"))
    m.add(npl.SpikeMonitor("a"))
    m.add(npl.SpikeMonitor("b"))
    net = npl.Network(m).run(12.0)
    return [list(np.rint(net.spikes(p)[1]).astype(int)) for p in ("a", "b")]


def test_same_step_input_binary_unit_sees_its_source_in_the_same_step():
    # default: a(t+1) = [s(t)], b(t+1) = [a(t)]: a at 3, 8; b at 4, 9 (one step per hop)
    assert _chain(False) == [[3, 8], [4, 9]]
    # same_step_input: b(t) = [a(t)] for the zero-delay projection from the earlier population a,
    # while b -> a (from a later population) keeps the next-step timing
    assert _chain(True) == [[3, 8], [3, 8]]


def test_same_step_input_feedback_takes_one_step():
    # SORN's fast inhibition: a drives b in the same step and b silences a at the next step,
    # so a constant drive gives a on, off, on, off ... (period 2); with next-step input the
    # loop takes two steps and a is on twice, off twice (period 4)
    def run(same_step):
        m = npl.Model(dt=1.0, max_rate=None)
        m.add(npl.SpikeTimes("s", 1, [0] * 12, np.arange(12.0)))
        m.add(npl.Population("a", 1, npl.BinaryUnit(threshold=0.5)))
        m.add(npl.Population("b", 1, npl.BinaryUnit(threshold=0.5, same_step_input=same_step)))
        m.add(npl.Projection("sa", "s", "a", npl.OneToOne(), weight=1.0))
        m.add(npl.Projection("ab", "a", "b", npl.OneToOne(), weight=1.0))
        m.add(npl.Projection("ba", "b", "a", npl.OneToOne(), weight=5.0, receptor="inh"))
        m.add(npl.SpikeMonitor("a"))
        return list(np.rint(npl.Network(m).run(12.0).spikes("a")[1]).astype(int))
    assert run(True) == [1, 3, 5, 7, 9, 11]
    assert run(False) == [1, 2, 5, 6, 9, 10]


def test_same_step_input_must_be_bool():
    with pytest.raises(npl.ValidationError, match="same_step_input"):
        npl.BinaryUnit(same_step_input="yes")


def test_reset_restores_neuron_rule_state_and_thresholds():
    net = npl.Network(drive_adaptive(1.0, 1e6))
    net.run(300.0)
    first = net.spikes("n")[1].copy()
    assert net.state("n", "theta").max() > 0
    net.reset()
    assert np.all(net.state("n", "theta") == 0.0)
    net.run(300.0)
    np.testing.assert_array_equal(net.spikes("n")[1], first)


# --- validation --------------------------------------------------------------

def test_rule_reading_missing_variable_is_rejected():
    m = npl.Model(dt=1.0)
    m.add(npl.PoissonInput("x", 2))
    m.add(npl.Population("y", 1, npl.RateUnit()))
    m.add(npl.Projection("xy", "x", "y", npl.AllToAll(), rules=[RecordActivity()]))
    with pytest.raises(ValidationError, match=r"post_reads must name a variable of post population 'y' \(r, h, gain, bias.*got 'v'"):
        m.validate()


def test_neuron_rule_placement_is_checked():
    with pytest.raises(ValidationError, match="synaptic rules belong on a Projection"):
        npl.Population("n", 2, npl.LIF(), rules=[npl.PairSTDP()])
    with pytest.raises(ValidationError, match="put it in the postsynaptic Population"):
        npl.Projection("p", "a", "b", npl.AllToAll(), rules=[npl.AdaptiveThreshold()])
    with pytest.raises(ValidationError, match=r"TrieschIP\).reads must name a variable of the neuron model LIF \(v, ie, ii, theta"):
        npl.Population("n", 2, npl.LIF(), rules=[npl.TrieschIP()])


def test_unit_and_input_parameters_are_validated():
    with pytest.raises(ValidationError, match="activation"):
        npl.RateUnit(activation="softmax")
    with pytest.raises(ValidationError, match="tau"):
        npl.RateUnit(tau=-1.0)
    with pytest.raises(ValidationError, match="values"):
        npl.ValueInput("x", [1.0, 2.0])
    with pytest.raises(ValidationError, match="values"):
        npl.ValueInput("x", [[1.0, math.nan]])
    m = npl.Model(dt=1.0)
    m.add(npl.Population("y", 1, npl.RateUnit()))
    with pytest.raises(ValidationError, match="StateMonitor of 'r'"):
        m.add(npl.SpikeMonitor("y"))
        m.validate()


def test_rate_unit_nan_stops_with_population_and_variable():
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.ValueInput("x", [[1e308]]))
    m.add(npl.Population("y", 1, npl.RateUnit("linear", gain=10.0)))
    m.add(npl.Projection("xy", "x", "y", npl.OneToOne(), weight=10.0))
    with pytest.raises(npl.SimulationError, match="y.*r"):
        npl.Network(m).run(3.0)
