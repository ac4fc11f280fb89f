"""The AIF neuron (Zenke et al. 2015): conductances in closed form, the membrane
against a fine reference integration (and its convergence order), threshold,
relative refractoriness and adaptation."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import neuroplastic as npl
from neuroplastic.engine.aif import _transfer, pack

CELL = npl.AIF()
START = {"v": -65.0, "g_ampa": 0.4, "g_nmda": 0.05, "g_gaba": 0.3, "g_adapt": 0.2, "theta": 7.0}


def _record(cell, initial, duration, dt, n=1):
    m = npl.Model(dt=dt)
    m.add(npl.Population("n", n, cell, initial=initial))
    m.add(npl.StateMonitor("n", cell.state_variables, interval=dt))
    m.add(npl.SpikeMonitor("n"))
    net = npl.Network(m).run(duration)
    return net.monitor("state_n"), net.spikes("n")


def _reference(cell, y0, t):
    """The model's ODEs (module doc of neuroplastic.model.aif) to 1e-11."""
    a_a, a_n = (float(x) for x in cell.fractions)

    def f(_, y):
        v, ga, gn, gi, gw, th = y
        g_e = a_a * ga + a_n * gn
        dv = ((cell.v_rest - v) + g_e * (cell.e_exc - v) + (gi + gw) * (cell.e_inh - v)) / cell.tau_m
        return [dv, -ga / cell.tau_ampa, (ga - gn) / cell.tau_nmda, -gi / cell.tau_gaba, -gw / cell.tau_adapt,
                -th / cell.tau_thr]

    return solve_ivp(f, (0.0, t[-1]), y0, t_eval=t, rtol=1e-11, atol=1e-13, method="DOP853").y


def test_conductances_follow_their_closed_forms():
    """g_ampa, g_gaba, g_adapt decay exponentially; g_nmda is the low-pass of
    g_ampa: g0 tau_a / (tau_n - tau_a) (e^{-t/tau_n} - e^{-t/tau_a}) (+ its own decay)."""
    rec, _ = _record(CELL, START, 200.0, 0.1)
    t = rec["t"]
    c = CELL
    assert np.allclose(rec["g_ampa"][:, 0], 0.4 * np.exp(-t / c.tau_ampa), rtol=1e-12, atol=0)
    assert np.allclose(rec["g_gaba"][:, 0], 0.3 * np.exp(-t / c.tau_gaba), rtol=1e-12, atol=0)
    assert np.allclose(rec["g_adapt"][:, 0], 0.2 * np.exp(-t / c.tau_adapt), rtol=1e-12, atol=0)
    assert np.allclose(rec["theta"][:, 0], 7.0 * np.exp(-t / c.tau_thr), rtol=1e-12, atol=0)
    nmda = 0.05 * np.exp(-t / c.tau_nmda) + 0.4 * c.tau_ampa / (c.tau_nmda - c.tau_ampa) * (
        np.exp(-t / c.tau_nmda) - np.exp(-t / c.tau_ampa))
    assert np.allclose(rec["g_nmda"][:, 0], nmda, rtol=1e-11, atol=1e-15)


def test_equal_time_constants_use_the_limit():
    """tau_nmda = tau_ampa: the transfer is (dt / tau) e^{-dt / tau} and its step mean."""
    c, mean = _transfer(np.array([5.0]), np.array([5.0]), 0.1)
    near, near_mean = _transfer(np.array([5.0]), np.array([5.0 + 1e-6]), 0.1)
    assert c[0] == pytest.approx(0.1 / 5.0 * np.exp(-0.02), rel=1e-14)
    assert near[0] == pytest.approx(c[0], rel=1e-5) and near_mean[0] == pytest.approx(mean[0], rel=1e-5)


def test_membrane_matches_the_reference_and_converges_at_second_order():
    """Below threshold v follows the ODEs; halving dt divides the error by ~4."""
    errors = {}
    for dt in (0.1, 0.05):
        rec, (i, _) = _record(CELL, START, 100.0, dt)
        assert i.size == 0
        ref = _reference(CELL, [START[k] for k in CELL.state_variables], rec["t"])
        errors[dt] = np.max(np.abs(rec["v"][:, 0] - ref[0]))
    assert errors[0.1] < 1e-5                      # mV (measured 2.3e-6)
    assert 3.0 < errors[0.1] / errors[0.05] < 5.0   # second order


def test_first_spike_time_reset_refractoriness_and_adaptation():
    """A strong AMPA and NMDA kick: the first spike within one step of the reference
    crossing; then v = v_reset, theta = thr_jump, g_adapt += adapt_jump; the
    threshold v_thresh + 100 e^{-t/5} keeps v (< e_exc = 0 mV) from firing for
    5 ln(100/50) = 3.47 ms."""
    start = {"v": -70.0, "g_ampa": 10.0, "g_nmda": 3.0}
    rec, (i, t_spk) = _record(CELL, start, 60.0, 0.1)
    ref = _reference(CELL, [-70.0, 10.0, 3.0, 0.0, 0.0, 0.0], np.arange(0.0, 20.0, 0.001))
    crossing = np.arange(0.0, 20.0, 0.001)[np.argmax(ref[0] >= CELL.v_thresh)]
    assert t_spk.size >= 2
    assert abs(t_spk[0] - crossing) <= 0.1 + 1e-9
    k = int(round(t_spk[0] / 0.1)) + 1             # the sample after the spike step
    assert rec["v"][k, 0] == CELL.v_reset
    assert rec["theta"][k, 0] == pytest.approx(CELL.thr_jump)
    assert rec["g_adapt"][k, 0] - rec["g_adapt"][k - 1, 0] * np.exp(-0.1 / CELL.tau_adapt) \
        == pytest.approx(CELL.adapt_jump, rel=1e-12)
    assert np.min(np.diff(t_spk)) >= CELL.tau_thr * np.log(CELL.thr_jump / -CELL.v_thresh) - 1e-9


def test_without_input_the_neuron_rests():
    rec, (i, _) = _record(CELL, {"v": -70.0}, 50.0, 0.1, n=3)
    assert i.size == 0 and np.all(rec["v"] == -70.0)


def test_per_neuron_parameters_give_per_neuron_coefficients():
    cell = npl.AIF(tau_m=np.array([10.0, 20.0, 30.0]), adapt_jump=np.array([0.0, 0.1, 0.2]))
    par = pack(cell, 3, 0.1)
    assert par.shape == (3, 21)
    assert np.allclose(par[:, 3], 0.1 / np.array([10.0, 20.0, 30.0]))
    assert pack(npl.AIF(), 7, 0.1).shape == (1, 21)


@pytest.mark.parametrize("field,value", [("tau_m", 0.0), ("tau_nmda", -1.0), ("ampa_nmda_ratio", 0.0),
                                         ("adapt_jump", -0.1), ("thr_jump", -1.0)])
def test_bad_parameters_are_refused(field, value):
    with pytest.raises(npl.ValidationError, match=field):
        npl.AIF(**{field: value})
