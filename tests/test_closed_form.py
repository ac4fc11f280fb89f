"""Engine numerics against closed-form solutions."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.plasticity import traces


def _single_lif(model, i_times=(), weight=0.0, duration=100.0, receptor="exc", interval=0.1, dt=0.1):
    m = npl.Model(dt=dt)
    m.add(npl.Population("n", 1, model))
    if len(i_times):
        m.add(npl.SpikeTimes("src", 1, [0] * len(i_times), list(i_times)))
        m.add(npl.Projection("in", "src", "n", npl.AllToAll(), weight=weight, receptor=receptor))
    m.add(npl.StateMonitor("n", model.state_variables, interval=interval))
    net = npl.Network(m)
    net.run(duration)
    return net.monitor("state_n")


def test_lif_membrane_matches_analytic_charging_curve():
    """v(t) = v_rest + R I (1 - exp(-t/tau_m)) for a constant current, exactly."""
    lif = npl.LIF(tau_m=20.0, c_m=250.0, v_rest=-70.0, v_thresh=1e6, i_bias=300.0)
    d = _single_lif(lif, duration=200.0)
    r = 20.0 / 250.0  # GOhm: mV per pA
    expected = -70.0 + r * 300.0 * (1 - np.exp(-d["t"] / 20.0))
    np.testing.assert_allclose(d["v"][:, 0], expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize("tau_e", [5.0, 20.0])  # 20 ms = tau_m exercises the degenerate propagator
def test_lif_psp_matches_difference_of_exponentials(tau_e):
    """One input spike of weight W (pA) gives the closed-form current-based PSP."""
    lif = npl.LIF(tau_m=20.0, c_m=250.0, v_rest=-70.0, v_thresh=1e6, tau_e=tau_e)
    d = _single_lif(lif, i_times=[10.0], weight=100.0, duration=100.0)
    s = d["t"] - 10.1  # input is added at the end of its step: effect from t = 10.1 ms
    s_pos = np.clip(s, 0, None)
    if tau_e == 20.0:
        psp = (100.0 / 250.0) * s_pos * np.exp(-s_pos / 20.0)
    else:
        psp = (100.0 / 250.0) * 20.0 * tau_e / (tau_e - 20.0) * (np.exp(-s_pos / tau_e) - np.exp(-s_pos / 20.0))
    expected = -70.0 + np.where(s > -1e-9, psp, 0.0)
    np.testing.assert_allclose(d["v"][:, 0], expected, atol=1e-9)
    assert d["v"][:, 0].max() > -70.0 + 1.0  # the PSP is real, not zero


def test_conductance_lif_converges_to_reference_solution():
    """Exponential Euler with step-averaged conductance: second order in dt."""
    from scipy.integrate import solve_ivp

    lif = npl.LIF(tau_m=20.0, c_m=200.0, v_rest=-60.0, v_thresh=1e6, synapse="conductance",
                  tau_e=5.0, e_e=0.0)
    g_l, w = 200.0 / 20.0, 5.0

    def rhs(t, y):
        v, g = y
        return [(g_l * (-60.0 - v) + g * (0.0 - v)) / 200.0, -g / 5.0]

    errors = []
    for dt in (0.1, 0.05, 0.025):
        d = _single_lif(lif, i_times=[10.0], weight=w, duration=60.0, interval=0.1, dt=dt)
        t0 = 10.0 + dt
        sol = solve_ivp(rhs, (t0, 60.0), [-60.0, w], t_eval=d["t"][d["t"] >= t0 + 1e-9],
                        rtol=1e-10, atol=1e-12)
        errors.append(np.max(np.abs(d["v"][d["t"] >= t0 + 1e-9, 0] - sol.y[0])))
    assert errors[0] < 1e-4  # mV, for a 4.5 mV PSP
    assert errors[1] < errors[0] * 0.3 and errors[2] < errors[1] * 0.3  # ~4x per halving


def test_trace_decays_exponentially():
    for dt_ms in (0.0, 1.0, 20.0, 123.4):
        assert traces.read(2.0, 5.0, 5.0 + dt_ms, 20.0) == pytest.approx(2.0 * math.exp(-dt_ms / 20.0), rel=1e-15)
    assert traces.bump(0.5, 0.0, 20.0, 20.0, 0.0) == pytest.approx(0.5 * math.exp(-1) + 1.0)
    assert traces.bump(0.5, 0.0, 20.0, 20.0, 1.0) == 1.0


@pytest.mark.parametrize("delta", [-40.0, -10.0, -0.1, 0.0, 0.1, 10.0, 40.0])
def test_single_pair_stdp_equals_window(tiny_pairing, delta):
    rule = npl.PairSTDP(a_plus=0.01, a_minus=0.012, tau_plus=16.8, tau_minus=33.7)
    net = tiny_pairing(rule, [100.0], [100.0 + delta])
    dw = net.run(200.0).weights("p")[0] - 0.5
    expected = 0.01 * math.exp(-delta / 16.8) if delta >= 0 else -0.012 * math.exp(delta / 33.7)
    assert dw == pytest.approx(expected, abs=1e-12)


def test_multiplicative_stdp_scales_with_weight(tiny_pairing):
    rule = npl.PairSTDP(a_plus=0.1, a_minus=0.1, w_max=1.0, weight_dependence="multiplicative")
    ltp = tiny_pairing(rule, [100.0], [110.0], w0=0.8).run(200).weights("p")[0] - 0.8
    ltd = tiny_pairing(rule, [110.0], [100.0], w0=0.8).run(200).weights("p")[0] - 0.8
    assert ltp == pytest.approx(0.1 * (1.0 - 0.8) * math.exp(-0.5), abs=1e-12)
    assert ltd == pytest.approx(-0.1 * 0.8 * math.exp(-0.5), abs=1e-12)


def test_nearest_and_all_to_all_differ_as_their_definitions_say(tiny_pairing):
    """Two pre spikes before one post: all-to-all sums both pairs, nearest uses the last."""
    a2a = npl.PairSTDP(a_plus=0.01, a_minus=0.0, tau_plus=20.0)
    near = npl.PairSTDP(a_plus=0.01, a_minus=0.0, tau_plus=20.0, pairing="nearest")
    pre, post = [100.0, 110.0], [120.0]
    dw_a2a = tiny_pairing(a2a, pre, post).run(200).weights("p")[0] - 0.5
    dw_near = tiny_pairing(near, pre, post).run(200).weights("p")[0] - 0.5
    assert dw_a2a == pytest.approx(0.01 * (math.exp(-1.0) + math.exp(-0.5)), abs=1e-12)
    assert dw_near == pytest.approx(0.01 * math.exp(-0.5), abs=1e-12)


def test_hard_bounds_applied_once_after_all_rules(tiny_pairing):
    rule = npl.PairSTDP(a_plus=1.0, a_minus=0.0)
    net = tiny_pairing(rule, [100.0, 130.0], [101.0, 131.0], w0=0.5, w_min=0.0, w_max=0.7)
    assert net.run(200).weights("p")[0] == 0.7


def test_stp_depression_ratios_match_closed_form():
    """Paired-pulse and steady-state ratios of a depressing synapse (exact, event-driven)."""
    from neuroplastic.plasticity.stp import steady_state_depression

    rule = npl.TsodyksMarkram(U=0.5, tau_rec=800.0)
    m = npl.Model(dt=0.1)
    times = np.arange(30) * 50.0 + 10.0  # 20 Hz
    m.add(npl.SpikeTimes("pre", 1, np.zeros(30, int), times))
    m.add(npl.Population("post", 1, npl.LIF(tau_e=1e12, v_thresh=1e9)))
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=1.0, rules=[rule]))
    m.add(npl.StateMonitor("post", ("ie",), interval=0.1))
    net = npl.Network(m).run(times[-1] + 5)
    ie = net.monitor("state_post")["ie"][:, 0]
    amps = np.diff(ie)[np.diff(ie) > 1e-6]
    assert len(amps) == 30
    assert amps[0] == pytest.approx(0.5, abs=1e-6)
    assert amps[1] / amps[0] == pytest.approx(1 - 0.5 * math.exp(-50 / 800), abs=1e-6)
    x_ss = steady_state_depression(0.5, 800.0, 50.0)
    assert amps[-1] / amps[0] == pytest.approx(x_ss, abs=1e-4)


def test_izhikevich_half_step_scheme_matches_reference_update():
    """v_substeps=2 is Izhikevich's code: two 0.5 ms v half-steps, then u with the new v."""
    import neuroplastic as npl2

    m = npl2.Model(dt=1.0, max_rate=None)
    m.add(npl2.Population("n", 3, npl2.Izhikevich(v_substeps=2, i_bias=4.0),
                          initial={"v": np.array([-70.0, -60.0, -55.0]), "u": np.array([-14.0, -12.0, -10.0])}))
    net = npl2.Network(m).run(1.0)
    v, u = np.array([-70.0, -60.0, -55.0]), np.array([-14.0, -12.0, -10.0])
    for _ in range(2):
        v = v + 0.5 * (0.04 * v * v + 5 * v + 140 - u + 4.0)
    u = u + 0.02 * (0.2 * v - u)
    np.testing.assert_allclose(net.state("n", "v"), v, rtol=1e-14)
    np.testing.assert_allclose(net.state("n", "u"), u, rtol=1e-14)


def test_trace_reads_far_from_the_last_update_are_exactly_zero_without_exp():
    """traces.decay skips exp() below its underflow bound and returns what exp() returns there."""
    import math

    from neuroplastic.plasticity import traces

    for gap in (745.0 * 20.0, 745.3 * 20.0, 1e6, 1e12):
        a = -gap / 20.0
        expected = math.exp(a) if a > -746 else 0.0
        assert traces.decay(0.0, gap, 20.0) == expected
        assert traces.read(3.5, 0.0, gap, 20.0) == 3.5 * math.exp(a)
    assert traces.decay(0.0, 745.2 * 20.0 + 1.0, 20.0) == 0.0 == math.exp(-(745.2 * 20.0 + 1.0) / 20.0)
    assert traces.decay(0.0, 744.0 * 20.0, 20.0) == math.exp(-744.0) > 0.0    # subnormal, still exp()'s
    assert traces.bump(2.0, 0.0, 1e9, 20.0, 0.0) == 1.0


def test_epoch_trace_equals_the_sum_of_exponentials():
    """An epoch trace (traces.epoch_bump / epoch_read, one decay factor per read time
    shared by every trace of the epoch) equals sum_k exp(-(t - t_k) / tau) over the
    spikes before t, to rounding: 1,000 spikes over 60 s (six 10 s epochs at tau =
    20 ms, bursts and silences of up to 12 s), read at 400 times."""
    tau, length = 20.0, traces.EPOCH_TAUS * 20.0
    rng = np.random.default_rng(5)
    spikes = np.sort(np.concatenate([rng.uniform(0, 20_000, 600), rng.uniform(32_000, 33_000, 300),
                                     rng.uniform(45_000, 60_000, 100)]).round(1))
    reads = np.sort(rng.uniform(0, 61_000, 400).round(1))
    x, e, k = 0.0, 0.0, 0
    for t in reads:
        while k < len(spikes) and spikes[k] <= t:
            ec = traces.epoch_end(spikes[k], length)
            x, e = traces.epoch_bump(x, e, spikes[k], ec, tau), ec
            k += 1
        ec = traces.epoch_end(t, length)
        got = traces.epoch_read(x, e, t, ec, math.exp((ec - t) / tau), tau)
        exact = math.fsum(math.exp(-(t - s) / tau) for s in spikes[:k])
        assert got == pytest.approx(exact, rel=2e-13, abs=1e-300)
    assert traces.epoch_end(19_999.9, length) == 20_000.0 and traces.epoch_end(20_000.0, length) == 30_000.0
