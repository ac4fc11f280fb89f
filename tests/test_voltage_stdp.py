"""Voltage-based STDP (plasticity/voltage.py) and the Continuous capability it uses.

Two networks (two compiled loops). ``pairing_net``: one AdExClopath neuron,
forced to spike by 150 mV kicks, receives one presynaptic train through three
projections, the full rule, potentiation only and depression only; the
engine's weight changes are compared with a fine-step integration of the
published equations over the recorded membrane potential
(:func:`neuroplastic.analysis.voltage_stdp.clopath_terms`). ``cases_net``:
one neuron per case, each checking an identity exactly.
"""
import math
from dataclasses import dataclass

import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from neuroplastic.analysis.voltage_stdp import clopath_terms

PRE = [20.0, 60.0, 100.0, 115.0, 130.0, 170.0, 190.0]
POST = [30.0, 50.0, 105.0, 120.0, 135.0, 160.0, 200.0]     # +10, -10, bursts at 66 Hz, -10, +10
W0 = 0.3
CELL = npl.AdExClopath()


def pairing_net(dt):
    m = npl.Model(dt=dt)
    m.add(npl.SpikeTimes("pre", 1, [0] * len(PRE), PRE))
    m.add(npl.SpikeTimes("kick", 1, [0] * len(POST), [t - dt for t in POST]))   # spikes one step later
    m.add(npl.Population("n", 1, CELL))
    m.add(npl.Projection("drive", "kick", "n", npl.AllToAll(), weight=150.0))
    for name, rule in (("full", npl.ClopathSTDP()), ("ltp", npl.ClopathSTDP(a_ltd=0.0)),
                       ("ltd", npl.ClopathSTDP(a_ltp=0.0))):
        m.add(npl.Projection(name, "pre", "n", npl.AllToAll(), weight=W0, w_min=-10.0, w_max=10.0, rules=[rule]))
    m.add(npl.StateMonitor("n", ("v",), interval=dt))
    m.add(npl.SpikeMonitor("n"))
    return npl.Network(m).run(260.0)


@pytest.fixture(scope="module")
def errors():
    """Relative errors of the engine's potentiation and depression against the
    fine-step integration, at dt = 0.1 and 0.05 ms."""
    out = {}
    for dt in (0.1, 0.05):
        net = pairing_net(dt)
        assert net.spikes("n")[1].tolist() == pytest.approx(POST)
        d = net.monitor("state_n")
        ref = clopath_terms(d["t"], d["v"][:, 0], PRE, npl.ClopathSTDP(), substeps=20)
        dw = {k: float(net.weights(k)[0] - W0) for k in ("full", "ltp", "ltd")}
        assert dw["full"] == pytest.approx(dw["ltp"] + dw["ltd"], abs=1e-15)
        out[dt] = (dw["ltp"] / ref.potentiation - 1.0, -dw["ltd"] / ref.depression - 1.0, ref)
    return out


def test_engine_matches_direct_integration_of_the_equations(errors):
    """dt = 0.1 ms: potentiation within 1.5 % (1.1 % observed), depression within 0.6 % (0.4 %)."""
    ltp, ltd, ref = errors[0.1]
    assert ref.potentiation > 0.02 and ref.depression > 0.01     # both terms matter here
    assert abs(ltp) < 0.015 and abs(ltd) < 0.006


def test_the_difference_is_first_order_in_dt(errors):
    """Halving dt halves both differences (grid effects: the rectangle rule of potentiation and
    the traces read at the end of the presynaptic spike's step)."""
    for k in (0, 1):
        assert errors[0.05][k] / errors[0.1][k] == pytest.approx(0.5, abs=0.08)


# -- exact identities, one neuron per case ---------------------------------------------

@njit
def _count_drive(j, t, dt, st, p):
    return 1.0 if st.dst.v[j] > p.threshold else 0.0


@njit
def _count_walk(s, i, j, t, w, g, st, p):
    st.glob.calls[0] += g
    return 0.0


@dataclass(frozen=True)
class CountingRule(npl.Rule, npl.Continuous):
    """Counts the synapse visits of the Continuous walk (and changes nothing)."""

    threshold: float = -45.3
    post_reads = ("v",)
    global_state = (npl.State("calls"),)
    post_drive, on_drive = _count_drive, _count_walk


HOLD = npl.ClopathSTDP(theta_plus=40.0)          # above v_clamp: never potentiates
CASES = {   # projection -> (post neurons, rule); pre neuron 0 fires PRE, pre neuron 1 never
    # neuron 0: no post spike and EPSPs far below theta_minus; neuron 1: post spikes, no pre spike
    "quiet": ((0, 1), npl.ClopathSTDP(theta_minus=-60.0)),
    "ltd_off": (2, HOLD),
    "ltd_nest": (2, npl.ClopathSTDP(theta_plus=40.0, homeostasis="nest", u_ref_squared=3600.0)),
    "ltd_depol": (2, npl.ClopathSTDP(theta_plus=40.0, homeostasis="depolarization")),
    "to_max": (2, npl.ClopathSTDP(a_ltd=0.0, a_ltp=1e-2)),
    "to_min": (2, npl.ClopathSTDP(a_ltp=0.0, a_ltd=1e-2)),
    "half": (2, npl.ClopathSTDP()),
    "whole": (2, npl.ClopathSTDP()),
}


@pytest.fixture(scope="module")
def cases_net():
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 2, [0] * len(PRE), PRE))
    m.add(npl.SpikeTimes("kick", 1, [0] * len(POST), [t - 0.1 for t in POST]))
    m.add(npl.Population("n", 3, npl.AdExClopath(i_bias=np.array([0.0, 0.0, 200.0]))))
    m.add(npl.Projection("drive", "kick", "n", npl.Pairs([0, 0], [1, 2]), weight=150.0))
    for name, (post, rule) in CASES.items():
        pairs = npl.Pairs([0, 1], [0, 1]) if name == "quiet" else npl.Pairs([0], [post])
        w_min, w_max = (0.2, 0.4) if name in ("to_max", "to_min") else (-10.0, 10.0)
        m.add(npl.Projection(name, "pre", "n", pairs, weight=W0, w_min=w_min, w_max=w_max, rules=[rule]))
    m.add(npl.Projection("count", "pre", "n", npl.Pairs([0, 1, 0], [2, 2, 1]), weight=0.0, rules=[CountingRule()]))
    m.add(npl.Phase("learn", duration=300.0, scales={"half": 0.5}))
    m.add(npl.StateMonitor("n", ("v", "u_minus_delayed", "u_bar_bar"), interval=0.1))
    return npl.Network(m).run(300.0)


def dw(net, name):
    return float(net.weights(name)[0] - W0)


def test_no_change_when_the_voltage_conditions_are_not_met(cases_net):
    d = cases_net.monitor("state_n")
    assert d["u_minus_delayed"][:, 0].max() < -60.0          # the premise of neuron 0's case
    assert d["v"][:, 1].max() > 0.0                          # neuron 1 spikes (with x = 0 nothing changes)
    assert cases_net.weights("quiet").tolist() == [W0, W0]


@pytest.mark.parametrize("name", ["ltd_off", "ltd_nest", "ltd_depol"])
def test_depression_at_presynaptic_spikes_reads_the_traces_of_that_step(cases_net, name):
    """dw = -sum over presynaptic spikes of A_LTD H(u_bar_bar) [u- - theta_minus]+ with the
    traces at the end of the spike's step (the next sample), to rounding."""
    d, rule = cases_net.monitor("state_n"), CASES[name][1]
    after = [int(round(t / 0.1)) + 1 for t in PRE]
    low = np.maximum(d["u_minus_delayed"][after, 2] - rule.theta_minus, 0.0)
    expected = -sum(rule.ltd_amplitude(b) * x for b, x in zip(d["u_bar_bar"][after, 2], low))
    assert expected < -1e-3
    assert dw(cases_net, name) == pytest.approx(expected, rel=1e-12)


def test_homeostatic_factors():
    u_bar_bar = -64.6
    assert npl.ClopathSTDP().ltd_amplitude(u_bar_bar) == 14e-5
    assert npl.ClopathSTDP(homeostasis="nest", u_ref_squared=3600.0).ltd_amplitude(u_bar_bar) == \
        pytest.approx(14e-5 * 64.6**2 / 3600.0)
    assert npl.ClopathSTDP(homeostasis="depolarization").ltd_amplitude(u_bar_bar) == pytest.approx(14e-5 * 36 / 60)


def test_weights_stay_within_the_projection_bounds(cases_net):
    assert cases_net.weights("to_max")[0] == 0.4
    assert cases_net.weights("to_min")[0] == 0.2


def test_a_phase_scales_continuous_changes(cases_net):
    assert abs(dw(cases_net, "whole")) > 1e-3
    assert dw(cases_net, "half") == pytest.approx(0.5 * dw(cases_net, "whole"), rel=1e-12)


def test_continuous_walk_visits_the_column_of_active_neurons_only(cases_net):
    """post_drive every step for every neuron; the walk only where it is non-zero, over every
    synapse onto that neuron: the visits are (steps with v > threshold at their end) x fan-in
    (2 synapses onto neuron 2, 1 onto neuron 1, none onto neuron 0)."""
    v = cases_net.monitor("state_n")["v"]
    above = np.sum(v[1:] > -45.3, axis=0)          # sample n+1 is the end of step n
    st = cases_net.rule_state("count", 0)
    assert above[0] == 0 and above[1] > 100
    assert v[-1, 2] < -45.3 and st.glob.calls[0] == 2 * above[2] + above[1]   # (the last step is not sampled)


def test_the_rule_is_documented_in_units():
    from neuroplastic.model import field_specs

    specs = field_specs(npl.ClopathSTDP)
    assert specs["a_ltp"].unit == "1/mV**2" and specs["u_ref_squared"].unit == "mV**2"
    assert math.isclose(npl.ClopathSTDP(tau_x="0.015 s").tau_x, 15.0)


def test_a_gate_cannot_scale_continuous_changes():
    with pytest.raises(npl.ValidationError, match="continuous"):
        npl.Gated(npl.ClopathSTDP(), "acetylcholine")


def test_save_and_load_continue_bit_for_bit(tmp_path):
    """The delay line and its position are state rows: a network saved mid-run and loaded in
    its place continues exactly (same weights and traces as one uninterrupted run)."""
    whole = pairing_net(0.1)            # 260 ms
    half = npl.Network(whole.model)
    half.run(127.3)                      # inside a burst: traces, clamps and the line all in use
    half.save(tmp_path / "net.npz")
    rest = npl.Network.load(tmp_path / "net.npz").run(260.0 - 127.3)
    for name in ("full", "ltp", "ltd"):
        assert rest.weights(name)[0] == whole.weights(name)[0]
    for row in ("v", "u_plus_delayed", "u_minus_delayed", "line_17"):
        assert rest.state("n", row)[0] == whole.state("n", row)[0]
