"""AdExClopath (model/clopath.py, engine/clopath.py) does what its equations say.

One network holds every scenario (one compiled loop), a neuron each:
neuron 0 is kicked into a spike at 20 ms (and kicked again during its clamp,
which is dropped), then gets a 3 mV excitatory and a 2 mV inhibitory delta
input; neuron 1 is driven below threshold by i_bias (compared with an
accurate ODE solution and with an independent integration of its traces);
neuron 2 is kicked with t_ref = 1 ms.
"""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import neuroplastic as npl
from neuroplastic.analysis.voltage_stdp import _low_pass
from neuroplastic.engine.clopath import delay_steps

DT, T_END = 0.1, 600.0
CELL = npl.AdExClopath(i_bias=np.array([0.0, 150.0, 0.0]), t_ref=np.array([0.0, 0.0, 1.0]))
ROWS = ("v", "w", "z", "v_t", "u_minus", "u_plus", "u_bar_bar", "u_minus_delayed", "u_plus_delayed")
KICK, KICK_AGAIN, EXC, INH = 20.0, 20.5, 150.0, 170.0


@pytest.fixture(scope="module")
def rec():
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("drv", 4, [0, 0, 1, 2, 3], [KICK, KICK_AGAIN, EXC, INH, KICK]))
    m.add(npl.Population("n", 3, CELL))
    m.add(npl.Projection("kick", "drv", "n", npl.Pairs([0, 3], [0, 2]), weight=150.0))
    m.add(npl.Projection("exc", "drv", "n", npl.Pairs([1], [0]), weight=3.0))
    m.add(npl.Projection("inh", "drv", "n", npl.Pairs([2], [0]), weight=2.0, receptor="inh"))
    m.add(npl.SpikeMonitor("n"))
    m.add(npl.StateMonitor("n", ROWS, interval=DT))
    net = npl.Network(m, seed=1).run(T_END)
    d = net.monitor("state_n")
    i, t = net.spikes("n")
    return {"t": d["t"], **{r: d[r] for r in ROWS}, "spikes": [t[i == k] for k in range(3)]}


def at(rec, time):
    return int(round(time / DT))


def test_kick_spikes_in_the_next_step_then_clamp_and_reset(rec):
    # the kick at 20 ms arrives in the 20.1 ms step and crosses v_peak there
    assert rec["spikes"][0].tolist() == [20.1]
    v = rec["v"][:, 0]
    k = at(rec, 20.1) + 1                     # samples are taken at the start of a step
    assert np.all(v[k:k + 20] == CELL.v_clamp)          # 2 ms at v_clamp (the kick at 20.5 ms is dropped)
    assert v[k + 20] == CELL.v_reset
    assert 0 < abs(v[k + 21] - CELL.v_reset) < 0.1          # integrating again


def test_spike_jumps_and_exact_decays(rec):
    k = at(rec, 20.1) + 1
    t = (np.arange(k, k + 2000) - k) * DT
    z, vt = rec["z"][k:k + 2000, 0], rec["v_t"][k:k + 2000, 0]
    np.testing.assert_allclose(z, CELL.i_sp * np.exp(-t / CELL.tau_z), rtol=1e-12)
    np.testing.assert_allclose(vt, CELL.v_t_rest + (CELL.v_t_max - CELL.v_t_rest) * np.exp(-t / CELL.tau_v_t),
                               rtol=1e-12, atol=1e-9)
    w = rec["w"][:, 0]
    assert w[k] - w[k - 1] == pytest.approx(CELL.b, abs=0.05)   # + b, plus one step of relaxation
    assert np.all(w[k:k + 20] == w[k])                            # frozen while clamped


def test_refractory_hold_after_the_clamp(rec):
    assert rec["spikes"][2].tolist() == [20.1]
    v = rec["v"][:, 2]
    k = at(rec, 20.1) + 1
    assert np.all(v[k:k + 20] == CELL.v_clamp)
    assert np.all(v[k + 20:k + 31] == CELL.v_reset)      # reset at the end of the clamp, then 1 ms held
    assert v[k + 31] != CELL.v_reset


def test_delta_input_moves_v_by_the_weight(rec):
    v = rec["v"][:, 0]
    for time, jump in ((EXC, 3.0), (INH, -2.0)):
        k = at(rec, time) + 1     # delivered in the step of the spike, added at the end of the next one
        drift = v[k] - v[k - 1]                     # the step before, for the slow relaxation
        assert v[k + 1] - v[k] - drift == pytest.approx(jump, abs=0.01)


def _adex_rhs(t, y):
    v, w = y
    c = CELL
    spike_current = c.g_l * c.delta_t * np.exp((v - c.v_t_rest) / c.delta_t)
    dv = (-c.g_l * (v - c.e_l) + spike_current - w + 150.0) / c.c_m
    return [dv, (c.a * (v - c.e_l) - w) / c.tau_w]


def test_subthreshold_membrane_matches_the_ode(rec):
    """Exponential Euler at dt = 0.1 ms against an accurate solution (rtol 1e-10) over 600 ms
    below threshold (v rises by 4.3 mV, w to 17.5 pA): largest errors 0.00035 mV and 0.0056 pA."""
    t = rec["t"]
    sol = solve_ivp(_adex_rhs, (0, t[-1]), [CELL.e_l, 0.0], t_eval=t, rtol=1e-10, atol=1e-10, method="LSODA")
    assert np.max(np.abs(rec["v"][:, 1] - sol.y[0])) < 1e-3
    assert np.max(np.abs(rec["w"][:, 1] - sol.y[1])) < 1e-2


def test_traces_follow_the_voltage(rec):
    """The kernel's filters against exact filtering of the recorded v (joined linearly): the
    kernel relaxes towards the step's mean voltage, second order (1.6e-5 mV here)."""
    v = rec["v"][:, 1]
    for row, tau in (("u_minus", CELL.tau_minus), ("u_plus", CELL.tau_plus)):
        exact = _low_pass(v, DT, tau, CELL.e_l)
        assert np.max(np.abs(rec[row][:, 1] - exact)) < 1e-4
    ubb = _low_pass(rec["u_minus"][:, 1], DT, CELL.tau_bar_bar, CELL.e_l)
    assert np.max(np.abs(rec["u_bar_bar"][:, 1] - ubb)) < 1e-7


def test_delayed_traces_are_the_traces_of_trace_delay_earlier(rec):
    d = delay_steps(CELL, DT)
    assert d == 50
    for k in range(3):
        for row in ("u_minus", "u_plus"):
            late, now = rec[f"{row}_delayed"][:, k], rec[row][:, k]
            assert np.array_equal(late[d:], now[:-d])             # bit for bit
            assert np.all(late[:d] == CELL.e_l)                    # at rest before t = 0


def test_bad_parameters_are_named():
    with pytest.raises(npl.ValidationError, match="v_t_max"):
        npl.AdExClopath(v_t_max=-60.0)
    with pytest.raises(npl.ValidationError, match="delay_slots"):
        npl.AdExClopath(delay_slots=0)
    m = npl.Model(dt=DT)
    m.add(npl.Population("n", 1, npl.AdExClopath(trace_delay=20.0)))
    with pytest.raises(npl.ValidationError, match=r"trace_delay must be <= 12.7 ms at dt = 0.1 ms"):
        npl.Network(m)


def test_voltage_rule_needs_the_traces_before_anything_runs():
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("x", 5, rate=10.0))
    m.add(npl.Population("lif", 2, npl.LIF()))
    m.add(npl.Projection("p", "x", "lif", npl.AllToAll(), weight=1.0, rules=[npl.ClopathSTDP()]))
    with pytest.raises(npl.ValidationError, match=r"rules\[0\] \(ClopathSTDP\)\.post_reads.*u_minus_delayed"):
        npl.Network(m)
