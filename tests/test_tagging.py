"""TaggingCapture (Luboeinski & Tetzlaff 2021): the event-driven form against a
fine-dt integration of the published equations, the noise against an
Euler-Maruyama ensemble, and the slow processes against their closed forms.

Every network here has one structure (spike sources -> spike sources with the
rule; the postsynaptic spikes are imposed), so one compiled kernel serves all.
"""
import math

import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from neuroplastic import TaggingCapture

TAU_P = TAU_Z = 3_600_000.0


def network(rule, pre_trains, post_trains, post_of=None, dt=0.1):
    """Presynaptic spike trains -> postsynaptic spike trains through the rule (no
    current is delivered: the postsynaptic spikes are imposed)."""
    post_of = np.arange(len(pre_trains)) if post_of is None else np.asarray(post_of)
    m = npl.Model(dt=dt, max_rate=None)
    m.add(npl.SpikeTimes.from_trains("pre", pre_trains))
    m.add(npl.SpikeTimes.from_trains("post", post_trains))
    m.add(npl.Projection("syn", "pre", "post", npl.Pairs(np.arange(len(pre_trains)), post_of),
                         weight=rule.scale * rule.h0, rules=[rule], w_min=-1e6, w_max=1e6))
    return npl.Network(m, seed=0)


def state(net, part, name):
    st = net.rule_state("syn")
    return getattr(st.syn, name)[net.synapse_slots("syn")] if part == "syn" else getattr(getattr(st, part), name)


def set_early(net, values):
    net.rule_state("syn").syn.early[net.synapse_slots("syn")] = values


@njit(cache=True)
def _euler(pre, post, n_steps, hd, h0, h_max, tau_h, gp, gd, th_p, th_d, tau_c, c_pre, c_post, delay_steps):
    """Forward Euler of the published c and h equations on a grid of hd ms
    (jumps at grid points, pre jumps delay_steps later)."""
    c, h, ip, iq = 0.0, h0, 0, 0
    q = math.exp(-hd / tau_c)
    for n in range(n_steps):
        while ip < pre.size and pre[ip] + delay_steps == n:
            c += c_pre
            ip += 1
        while iq < post.size and post[iq] == n:
            c += c_post
            iq += 1
        pot = 1.0 if c > th_p else 0.0
        dep = 1.0 if c > th_d else 0.0
        h += hd * (0.1 * (h0 - h) + gp * (h_max - h) * pot - gd * h * dep) / tau_h
        c *= q
    return h, c


def _fine(rule, pre, post, duration, hd):
    grid = lambda times: np.round(np.asarray(times) / hd).astype(np.int64)  # noqa: E731
    return _euler(grid(pre), grid(post), int(round(duration / hd)), hd, rule.h0, rule.h_max, rule.tau_h,
                  rule.gamma_p, rule.gamma_d, rule.theta_p, rule.theta_d, rule.tau_c, rule.c_pre, rule.c_post,
                  int(round(rule.ca_delay / hd)))


def _mixed_trains(seed=3, dt=0.1):
    """Irregular pre spikes, a 9-spike 500 Hz burst (several jumps pending at once)
    and post spikes interleaved with them; all on the 0.1 ms grid."""
    rng = np.random.default_rng(seed)
    snap = lambda x: np.unique(np.round(x / dt) * dt)  # noqa: E731
    pre = snap(np.concatenate([rng.uniform(0, 300, 25), 500 + 2.0 * np.arange(9), rng.uniform(600, 900, 10)]))
    post = snap(np.concatenate([rng.uniform(100, 400, 15), 505 + 3.0 * np.arange(5)]))
    return pre, post


@pytest.mark.parametrize("ca_delay", [18.8, 0.0])
def test_event_driven_matches_fine_dt_integration(ca_delay):
    # h and c after 1 s of mixed pre/post activity, event-driven vs forward Euler at
    # 1e-3 and 1e-4 ms: Euler converges to the event-driven value at first order
    # (error / 10 per dt / 10) and is within 1e-5 mV of it at 1e-4 ms; calcium is exact.
    rule = TaggingCapture(sigma=0.0, ca_delay=ca_delay, period=1000.0)
    pre, post = _mixed_trains()
    net = network(rule, [pre], [post]).run(1000.0)
    h_event, c_event = rule.h0 + state(net, "syn", "early")[0], state(net, "syn", "calcium")[0]
    assert h_event - rule.h0 > 0.5                     # the protocol did change h (potentiation)
    (h1, c1), (h2, c2) = (_fine(rule, pre, post, 1000.0, hd) for hd in (1e-3, 1e-4))
    err1, err2 = abs(h1 - h_event), abs(h2 - h_event)
    assert err2 < 1e-5
    assert 5.0 < err1 / err2 < 20.0
    assert c2 == pytest.approx(c_event, abs=1e-9)
    assert net.weights("syn")[0] == pytest.approx(h_event, abs=1e-12)   # scale 1: w = h + h0 z, z = 0


@njit(cache=True)
def _euler_maruyama(pre, n_steps, hd, h0, h_max, tau_h, gp, gd, th_p, th_d, tau_c, c_pre, sigma, paths, seed):
    """Euler-Maruyama ensemble of h with the published noise term (pre spikes only, no delay)."""
    np.random.seed(seed)
    out = np.empty(paths)
    q = math.exp(-hd / tau_c)
    for k in range(paths):
        c, h, ip = 0.0, h0, 0
        for n in range(n_steps):
            while ip < pre.size and pre[ip] == n:
                c += c_pre
                ip += 1
            pot = 1.0 if c > th_p else 0.0
            dep = 1.0 if c > th_d else 0.0
            h += hd * (0.1 * (h0 - h) + gp * (h_max - h) * pot - gd * h * dep) / tau_h
            h += sigma * math.sqrt((pot + dep) * hd / tau_h) * np.random.standard_normal()
            c *= q
        out[k] = h
    return out


def test_noise_matches_euler_maruyama_in_distribution():
    # 400 synapses see the same 100 Hz burst, each with its own noise: mean and variance
    # of h after it agree with an Euler-Maruyama ensemble of the published SDE (1000
    # paths, 0.01 ms); the tolerances are 4 standard errors (deterministic seeds).
    rule = TaggingCapture(ca_delay=0.0, period=200.0, noise_seed=7)
    burst = 10.0 + 10.0 * np.arange(12)
    net = network(rule, [burst] * 400, [[]], post_of=np.zeros(400, int)).run(200.0)
    h = rule.h0 + state(net, "syn", "early")
    assert net.rule_state("syn").glob.draws[0] > 400     # noise was drawn
    hd = 0.01
    ref = _euler_maruyama(np.round(burst / hd).astype(np.int64), int(200.0 / hd), hd, rule.h0, rule.h_max,
                          rule.tau_h, rule.gamma_p, rule.gamma_d, rule.theta_p, rule.theta_d, rule.tau_c,
                          rule.c_pre, rule.sigma, 1000, 11)
    se_mean = math.sqrt(h.var() / h.size + ref.var() / ref.size)
    assert abs(h.mean() - ref.mean()) < 4 * se_mean
    ratio, se_ratio = h.var() / ref.var(), math.sqrt(2 / (h.size - 1) + 2 / (ref.size - 1))
    assert abs(ratio - 1.0) < 4 * se_ratio
    assert 0.05 < h.std() < 0.5                          # noise of the expected size (mV)


def test_noise_is_reproducible_and_reset_replays_it():
    rule = TaggingCapture(ca_delay=0.0, period=200.0, noise_seed=3)
    burst = [10.0 + 10.0 * np.arange(12)] * 5
    net = network(rule, burst, [[]], post_of=np.zeros(5, int)).run(200.0)
    first = state(net, "syn", "early").copy()
    assert np.unique(first).size == 5                    # independent noise per synapse
    np.testing.assert_array_equal(state(net.reset().run(200.0), "syn", "early"), first)
    other = network(TaggingCapture(ca_delay=0.0, period=200.0, noise_seed=4), burst, [[]],
                    post_of=np.zeros(5, int)).run(200.0)
    assert not np.array_equal(state(other, "syn", "early"), first)


def test_equilibrium_of_the_early_phase_is_twice_h0():
    # with the calcium above both thresholds h approaches (0.1 h0 + gamma_p h_max) / (0.1 + gamma_p + gamma_d)
    rule = TaggingCapture()
    assert rule.equilibrium(True, True) == pytest.approx(2 * rule.h0, rel=1e-4)
    assert rule.equilibrium(False, True) == pytest.approx(0.1 * rule.h0 / (0.1 + rule.gamma_d), rel=1e-12)
    assert rule.equilibrium(False, False) == rule.h0


def test_early_phase_decays_to_h0_with_tau_h_over_0_1():
    # no spike: h - h0 decays as exp(-0.1 t / tau_h), to machine precision, and the
    # weight follows it (scale 100 pA/mV)
    rule = TaggingCapture(scale=100.0, period=50_000.0)
    net = network(rule, [[], []], [[], []])
    set_early(net, [2.0, -1.5])
    net.set_weights("syn", 100.0 * (rule.h0 + np.array([2.0, -1.5])))
    net.run(500_000.0, progress=False)
    expected = np.array([2.0, -1.5]) * math.exp(-0.1 * 500_000.0 / rule.tau_h)
    np.testing.assert_allclose(state(net, "syn", "early"), expected, rtol=1e-12)
    np.testing.assert_allclose(net.weights("syn"), 100.0 * (rule.h0 + expected), rtol=1e-12)


def test_tag_is_set_while_the_change_exceeds_theta_tag():
    # h - h0 = +-1.0 mV decays below theta_tag = 0.840149 mV at t* = (tau_h / 0.1) ln(1 / theta_tag)
    rule = TaggingCapture(period=10_000.0)
    net = network(rule, [[], [], []], [[], [], []])
    set_early(net, [1.0, -1.0, 0.5])
    t_star = rule.tau_h / 0.1 * math.log(1.0 / rule.theta_tag)
    for t in np.arange(100_000.0, 1_500_001.0, 100_000.0):
        net.run(100_000.0)
        tag = state(net, "syn", "tag")
        on = t < t_star
        assert tag.tolist() == ([1.0, -1.0, 0.0] if on else [0.0, 0.0, 0.0]), t


def test_protein_synthesis_starts_above_theta_pro():
    # neuron 0: |h - h0| summed = 2.2 mV > theta_pro = 2.10037 mV (two synapses, one LTP, one LTD);
    # neuron 1: 2.05 mV < theta_pro. p = alpha (1 - exp(-t / tau_p)) on neuron 0 only.
    rule = TaggingCapture(period=1000.0)
    net = network(rule, [[], [], []], [[], []], post_of=[0, 0, 1])
    set_early(net, [1.2, -1.0, 2.05])
    net.run(300_000.0)
    p = net.rule_state("syn").post.protein
    assert p[0] == pytest.approx(1.0 - math.exp(-300_000.0 / TAU_P), rel=1e-12)
    assert p[1] == 0.0
    assert net.rule_state("syn").post.synthesis.tolist() == [1.0, 0.0]
    assert net.rule_state("syn").post.pool[0] == pytest.approx(2.2 * math.exp(-0.1 * 300_000.0 / rule.tau_h))


def test_capture_needs_both_tag_and_protein():
    # neuron 0: synapse a tagged (LTP) and making protein, b untagged (0.5 mV), c tagged (LTD);
    # neuron 1: synapse d tagged (1.0 mV) but no protein (1.0 < theta_pro).
    # z of a: 1 - exp(-I / tau_z), I = t - tau_p (1 - exp(-t / tau_p)) (the integral of p); of c the
    # same towards z_min; b and d keep z = 0. The weight is scale (h + h0 z).
    rule = TaggingCapture(scale=100.0, period=1000.0)
    net = network(rule, [[], [], [], []], [[], []], post_of=[0, 0, 0, 1])
    early0 = np.array([2.5, 0.5, -1.0, 1.0])
    set_early(net, early0)
    net.set_weights("syn", 100.0 * (rule.h0 + early0))
    t = 600_000.0
    net.run(t)
    dose = t - TAU_P * (1.0 - math.exp(-t / TAU_P))
    z = state(net, "syn", "late")
    assert z[0] == pytest.approx(1.0 - math.exp(-dose / TAU_Z), rel=1e-10)
    assert z[2] == pytest.approx(-0.5 * (1.0 - math.exp(-dose / TAU_Z)), rel=1e-10)
    assert z[1] == 0.0 and z[3] == 0.0
    assert state(net, "syn", "tag").tolist() == [1.0, 0.0, -1.0, 1.0]
    h = rule.h0 + state(net, "syn", "early")
    np.testing.assert_allclose(net.weights("syn"), 100.0 * (h + rule.h0 * z), rtol=1e-12)


def test_strong_tetanus_gives_late_ltp_and_weak_tetanus_does_not():
    # STET (3 x 1 s at 100 Hz, 10 min apart; regular trains here) vs WTET (0.2 s at
    # 100 Hz) on two neurons, 2 h: h peaks near 2 h0 after STET, protein is made and
    # z grows; WTET tags (h > h0 + theta_tag) but makes no protein: z stays 0.
    rule = TaggingCapture(period=10_000.0, sigma=0.0)
    stet = np.concatenate([600_000.0 * k + 10.0 * np.arange(100) for k in range(3)])
    wtet = 10.0 * np.arange(20)
    net = network(rule, [stet, wtet], [[], []], dt=0.2)
    net.run(1_210_000.0)
    h = 1.0 + state(net, "syn", "early") / rule.h0
    assert 1.7 < h[0] < 2.05 and 1 + rule.theta_tag / rule.h0 < h[1] < 1.5
    net.run(6_000_000.0)
    z, p = state(net, "syn", "late"), net.rule_state("syn").post.protein
    assert z[0] > 0.3 and p[0] > 0.5
    assert z[1] == 0.0 and p[1] == 0.0


def test_too_many_pending_spikes_are_counted_as_lost():
    # 14 spikes 1 ms apart: the 13th and 14th push out spikes whose calcium (18.8 ms later)
    # has not landed; with 12 spikes nothing is lost
    rule = TaggingCapture(sigma=0.0, period=100.0)
    net = network(rule, [np.arange(14.0) + 1.0, np.arange(12.0) + 1.0], [[], []]).run(100.0)
    assert net.rule_state("syn").glob.lost[0] == 2.0
    assert state(net, "syn", "early")[1] != 0.0


@pytest.mark.parametrize("field, value", [("tau_h", 0.0), ("h0", -1.0), ("h_max", 4.0), ("theta_p", 0.0),
                                          ("z_min", 0.1), ("z_max", 0.0), ("ca_delay", -1.0), ("sigma", -0.1),
                                          ("period", 0.0), ("noise_seed", 1.5), ("noise_seed", -1),
                                          ("scale", 0.0), ("tau_c", "1 mV")])
def test_bad_parameters_name_the_field(field, value):
    with pytest.raises(npl.ValidationError) as err:
        TaggingCapture(**{field: value})
    assert err.value.field == field
    assert "TaggingCapture" in str(err.value)


def test_rule_round_trips_through_a_config():
    from neuroplastic.model import config

    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 3, rate=10.0))
    m.add(npl.Population("y", 2, npl.LIF()))
    rule = TaggingCapture(scale=100.0, noise_seed=3, theta_tag=0.9)
    m.add(npl.Projection("p", "x", "y", npl.AllToAll(), weight=420.0, rules=[rule]))
    back = config.config_from_dict(config.model_to_dict(m, duration=10.0)).model.projections["p"].rules[0]
    assert back == rule and isinstance(back, TaggingCapture)
