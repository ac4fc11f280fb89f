"""Orchestrated plasticity (Zenke et al. 2015): each term of the E->E rule in
closed form for prescribed spikes, the consolidation variable, the same weights
as the composition TripletSTDP + Consolidation, and the population-gated
inhibitory rule."""
import math
from dataclasses import dataclass

import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from neuroplastic.plasticity import traces
from neuroplastic.plasticity.orchestrated import authors_bistability

RULE = npl.OrchestratedPlasticity(eta=1e-3, beta=0.04, delta=2e-5, period=1e6, tau_cons=1e9)
W0 = 0.3


def _pair_net(rule, pre_times, post_times, w0=W0, duration=None, n_post=1, post_index=None):
    """One presynaptic and ``n_post`` postsynaptic spike sources (explicit times)
    joined all-to-all by a projection carrying ``rule``."""
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1, np.zeros(len(pre_times), np.int64), np.asarray(pre_times, float)))
    idx = np.zeros(len(post_times), np.int64) if post_index is None else np.asarray(post_index, np.int64)
    m.add(npl.SpikeTimes("post", n_post, idx, np.asarray(post_times, float)))
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=w0, rules=[rule], w_min=0.0, w_max=5.0))
    end = max(list(pre_times) + list(post_times)) + 1.0 if duration is None else duration
    return npl.Network(m).run(end)


def test_isolated_pairs_give_delta_and_pair_depression():
    """pre -> post: only the transmitter-induced delta (LTP needs an earlier post
    spike); post -> pre: delta - eta e^{-dt / tau_minus}."""
    for dt in (5.0, 12.3, -4.0, -20.0):
        t_pre, t_post = (10.0, 10.0 + dt) if dt > 0 else (10.0 - dt, 10.0)
        w = _pair_net(RULE, [t_pre], [t_post]).weights("p")[0]
        assert w - W0 == pytest.approx(float(RULE.pair(dt)), abs=1e-15)
    assert float(RULE.pair(-4.0)) == pytest.approx(2e-5 - 1e-3 * math.exp(-0.2), rel=1e-14)


def test_triplet_ltp_and_heterosynaptic_term_at_a_burst():
    """post at 10 ms, pre at 20, post at 25: at 25 ms LTP = eta z_pre z_slow and
    the pull -beta (w - w~) z^3 with w~ = 0 (the lower state, as the authors start)."""
    tp, t1, t2 = 20.0, 10.0, 25.0
    w = _pair_net(RULE, [tp], [t1, t2]).weights("p")[0]
    w_pre = W0 + RULE.delta - RULE.eta * math.exp(-(tp - t1) / RULE.tau_minus)
    z_pre = math.exp(-(t2 - tp) / RULE.tau_plus)
    z_slow = math.exp(-(t2 - t1) / RULE.tau_slow)
    z = math.exp(-(t2 - t1) / RULE.tau_minus)
    expected = w_pre + RULE.eta * z_pre * z_slow - RULE.beta * w_pre * z ** 3
    assert w == pytest.approx(expected, abs=1e-15)


def test_heterosynaptic_term_shrinks_every_input_of_a_bursting_neuron():
    """A 200 Hz postsynaptic burst with no presynaptic spike: each spike moves
    w towards w~ = 0 by beta w z^3, z the trace before the spike (closed form),
    and beta = 0 leaves w untouched."""
    times = [10.0 + 5.0 * k for k in range(8)]
    w, z = W0, 0.0
    for k, t in enumerate(times):
        z = z * math.exp(-5.0 / RULE.tau_minus) if k else 0.0
        w -= RULE.beta * w * z ** 3
        z += 1.0
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1))
    m.add(npl.SpikeTimes("post", 1, np.zeros(8, np.int64), times))
    for name, beta in (("p", RULE.beta), ("q", 0.0)):
        rule = npl.OrchestratedPlasticity(beta=beta, period=1e6, tau_cons=1e9)
        m.add(npl.Projection(name, "pre", "post", npl.AllToAll(), weight=W0, rules=[rule], w_max=5.0))
    net = npl.Network(m).run(50.0)
    assert net.weights("p")[0] == pytest.approx(w, abs=1e-15) and w < 0.9 * W0
    assert net.weights("q")[0] == W0


def test_consolidation_variable_follows_the_exponential_euler_map_and_the_ode():
    """No spikes, w held at 0.2 and 0.3: w~ starts at 0; the engine's updates equal
    the exponential-Euler map, which follows the ODE within O(h); after 10 tau_cons
    w~ sits at the fixed point of (w - w~) = P f(w~): the lower branch for w = 0.2,
    the upper one for w = 0.3 (above the hump of w~ + P f(w~), 0.251)."""
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    tau, h = 2000.0, 2.0
    rule = npl.OrchestratedPlasticity(tau_cons=tau, period=h)
    w = np.array([0.2, 0.3])
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1))
    m.add(npl.SpikeTimes("post", 2))
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=list(w), rules=[rule], w_max=5.0))
    net = npl.Network(m).run(1000.0)
    early = net.rule_state("p").syn.w_tilde[:2].copy()
    a, P, wp = math.exp(-h / tau), rule.bistability, rule.w_p
    x = np.zeros(2)
    for _ in range(500):
        x = x * a + (1 - a) * (w - P * x * (wp / 2 - x) * (wp - x))
    assert np.allclose(early, x, rtol=1e-12, atol=0)
    ode = solve_ivp(lambda _, y: rule.drift(y, w), (0.0, 1000.0), [0.0, 0.0], rtol=1e-10, atol=1e-12).y[:, -1]
    assert np.allclose(early, ode, atol=1e-4)
    net.run(19_000.0)
    late = net.rule_state("p").syn.w_tilde[:2]
    low = brentq(lambda y: rule.drift(y, 0.2), 0.0, 0.2)
    high = brentq(lambda y: rule.drift(y, 0.3), 0.3, wp)
    assert late[0] == pytest.approx(low, abs=1e-3) and low < 0.11
    assert late[1] == pytest.approx(high, abs=1e-3) and high > 0.39


def test_authors_normalisation_of_the_cubic():
    wp = 0.5
    P = authors_bistability(wp)
    assert P * (wp / 4) * (wp / 2 - wp / 4) * (wp - wp / 4) == pytest.approx(0.1)
    assert P == pytest.approx(17.0667, rel=1e-4)
    assert npl.OrchestratedPlasticity().bistability == P
    # w = w~ = w_P and w = w~ = 0 are fixed points; w_P / 2 is not stable for w = w~ (P w_P^2 / 4 > 1)
    rule = npl.OrchestratedPlasticity()
    assert rule.drift(wp, wp) == 0.0 and rule.drift(0.0, 0.0) == 0.0
    assert P * wp ** 2 / 4 > 1.0


def test_same_weights_as_triplet_plus_consolidation():
    """delta = 0, weights starting at 0 (= w~ of both): OrchestratedPlasticity and
    [TripletSTDP(a2_plus = 0, a3_minus = 0), Consolidation] give the same
    weights and consolidation variables under Poisson pre and post spikes."""
    eta, beta = 2e-3, 0.05
    fused = npl.OrchestratedPlasticity(eta=eta, beta=beta, delta=0.0, tau_cons=50_000.0, period=50.0)
    triplet = npl.TripletSTDP(tau_plus=20.0, tau_minus=20.0, tau_x=50.0, tau_y=100.0, a2_plus=0.0,
                              a3_plus=eta, a2_minus=eta, a3_minus=0.0)
    cons = npl.Consolidation(tau_cons=50_000.0, w_p=0.5, bistability=fused.bistability, beta=beta,
                             tau_z=20.0, period=50.0)
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("pre", 20, rate=20.0))
    m.add(npl.PoissonInput("post", 5, rate=30.0))
    m.add(npl.Projection("a", "pre", "post", npl.AllToAll(), weight=0.0, rules=[fused], w_max=5.0))
    m.add(npl.Projection("b", "pre", "post", npl.AllToAll(), weight=0.0, rules=[triplet, cons], w_max=5.0))
    net = npl.Network(m, seed=3).run(3000.0)
    wa, wb = net.weights("a"), net.weights("b")
    assert wa.max() > 0.01
    assert np.allclose(wa, wb, rtol=1e-10, atol=1e-15)
    assert np.allclose(net.rule_state("a").syn.w_tilde[:100], net.rule_state("b", 1).syn.w_tilde[:100],
                       rtol=1e-10, atol=1e-15)


def test_transmitter_term_counts_presynaptic_spikes():
    """Silent postsynaptic side: every presynaptic spike adds delta, nothing else."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("pre", 10, rate=50.0))
    m.add(npl.SpikeTimes("post", 3))
    m.add(npl.SpikeMonitor("pre"))
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=0.1, w_max=5.0,
                         rules=[npl.OrchestratedPlasticity(delta=1e-3, period=1e6, tau_cons=1e9)]))
    net = npl.Network(m, seed=1).run(500.0)
    n_spikes = np.bincount(net.spikes("pre")[0], minlength=10)
    pre, _ = net.synapses("p")
    assert np.allclose(net.weights("p"), 0.1 + 1e-3 * n_spikes[pre], rtol=0, atol=1e-14)


@pytest.mark.parametrize("field,value", [("eta", -1.0), ("tau_slow", 0.0), ("w_p", 0.0), ("period", 0.0)])
def test_bad_parameters_are_refused(field, value):
    with pytest.raises(npl.ValidationError, match=field):
        npl.OrchestratedPlasticity(**{field: value})


def test_unstable_consolidation_step_is_refused():
    with pytest.raises(npl.ValidationError, match="period"):
        npl.OrchestratedPlasticity(tau_cons=1000.0, period=500.0)


# -- GlobalInhibitorySTDP ------------------------------------------------------------

ISTDP = npl.GlobalInhibitorySTDP(eta=1e-3, kappa=4.0, tau_hom=1000.0, tau=20.0, xi=1.0)


def test_population_rate_estimate_and_gate_in_closed_form():
    """r starts at kappa and decays with tau_hom; each spike of the N = 4
    postsynaptic neurons adds 1000 / (tau_hom N) Hz; G = eta (r - kappa) / kappa,
    read at the presynaptic spike (700 ms)."""
    post_t, post_i = [100.0, 150.0, 150.0, 400.0], [0, 1, 2, 0]
    net = _pair_net(ISTDP, [700.0], post_t, w0=1.0, duration=800.0, n_post=4, post_index=post_i)

    def r(t):
        return ISTDP.kappa * math.exp(-t / 1000.0) + sum(
            1000.0 / (1000.0 * 4) * math.exp(-(t - s) / 1000.0) for s in post_t if s <= t)

    st = net.rule_state("p").glob
    assert st.excess[0] + ISTDP.kappa == pytest.approx(r(400.0), rel=1e-12)   # stored at the last post spike
    assert st.t_last[0] == 400.0
    assert st.gate[0] == pytest.approx(float(ISTDP.gate(r(700.0))), rel=1e-12)


def test_uncounted_neurons_leave_the_population_rate():
    """``counted`` = 0 on neurons 1 and 2 (set after 120 ms): their spikes at 150 ms
    do not enter r, neuron 0's at 100 and 400 ms do (1000 / (tau_hom N) each, N = 4
    still); set back to 1 at 500 ms, neuron 1's spike at 600 ms counts again."""
    post_t, post_i = [100.0, 150.0, 150.0, 400.0, 600.0], [0, 1, 2, 0, 1]
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1, np.zeros(1, np.int64), np.array([700.0])))
    m.add(npl.SpikeTimes("post", 4, np.asarray(post_i, np.int64), np.asarray(post_t, float)))
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=1.0, rules=[ISTDP], w_min=0.0, w_max=5.0))
    net = npl.Network(m)
    assert list(net.rule_state("p").post.counted) == [1.0] * 4          # the default: every spike counts
    net.run(120.0)
    net.rule_state("p").post.counted[[1, 2]] = 0.0
    net.run(380.0)
    net.rule_state("p").post.counted[:] = 1.0
    net.run(300.0)

    def r(t, spikes):
        return ISTDP.kappa * math.exp(-t / 1000.0) + sum(0.25 * math.exp(-(t - s) / 1000.0) for s in spikes if s <= t)

    st = net.rule_state("p").glob
    assert st.excess[0] + ISTDP.kappa == pytest.approx(r(600.0, [100.0, 400.0, 600.0]), rel=1e-12)
    assert st.gate[0] == pytest.approx(float(ISTDP.gate(r(700.0, [100.0, 400.0, 600.0]))), rel=1e-12)
    counted_all = _pair_net(ISTDP, [700.0], post_t, w0=1.0, duration=800.0, n_post=4, post_index=post_i)
    assert counted_all.rule_state("p").glob.excess[0] + ISTDP.kappa == pytest.approx(
        r(600.0, post_t), rel=1e-12)


def test_pair_weight_change_follows_the_gate():
    """pre at 300 ms, post neuron 0 at 305 ms (its only spike): dw = G(300) (0 + xi)
    at the pre spike, G(305) e^{-5/tau} at the post spike, G from r (no earlier spikes:
    r = kappa e^{-t/tau_hom})."""
    net = _pair_net(ISTDP, [300.0], [305.0], w0=1.0)
    g = lambda t: float(ISTDP.gate(ISTDP.kappa * math.exp(-t / ISTDP.tau_hom)))
    expected = 1.0 + g(300.0) * ISTDP.xi + g(305.0) * math.exp(-5.0 / ISTDP.tau)
    assert net.weights("p")[0] == pytest.approx(expected, abs=1e-15)
    assert g(300.0) < 0.0     # a silent population: inhibition weakens


def test_gate_is_zero_at_the_target_rate():
    assert float(ISTDP.gate(4.0)) == 0.0
    assert float(ISTDP.gate(8.0)) == pytest.approx(1e-3)


# The rule as it was before ``before_post``: z_j and z_j^slow read at every synapse.
# Every hook is the test's own (not disk-cached): a cached hook of the library
# compiled for this module's state types would record them in its cache index.
@njit
def _ref_on_pre(s, i, j, t, w, st, p):
    return p.delta - p.eta * traces.read(st.post.z[j], st.post.t_last[j], t, p.tau_minus)


@njit
def _ref_pre_spike(i, t, st, p):
    st.pre.z[i] = traces.bump(st.pre.z[i], st.pre.t_last[i], t, p.tau_plus, 0.0)
    st.pre.t_last[i] = t


@njit
def _ref_on_post(s, i, j, t, w, st, p):
    z = traces.read(st.post.z[j], st.post.t_last[j], t, p.tau_minus)
    slow = traces.read(st.post.z_slow[j], st.post.t_last[j], t, p.tau_slow)
    ltp = p.eta * traces.read(st.pre.z[i], st.pre.t_last[i], t, p.tau_plus) * slow
    return ltp - p.beta * (w - st.syn.w_tilde[s]) * z * z * z


@njit
def _ref_post_spike(j, t, st, p):
    st.post.z[j] = traces.bump(st.post.z[j], st.post.t_last[j], t, p.tau_minus, 0.0)
    st.post.z_slow[j] = traces.bump(st.post.z_slow[j], st.post.t_last[j], t, p.tau_slow, 0.0)
    st.post.t_last[j] = t


@njit
def _ref_every(t, w, conn, st, p):
    a = math.exp(-(t - st.glob.t_last[0]) / p.tau_cons)
    st.glob.t_last[0] = t
    wt = st.syn.w_tilde
    for s in range(w.shape[0]):
        if conn.alive[s]:
            x = wt[s]
            wt[s] = x * a + (1.0 - a) * (w[s] - p.bistability * (x * (0.5 * p.w_p - x) * (p.w_p - x)))


@dataclass(frozen=True)
class _PerSynapseTraces(npl.OrchestratedPlasticity):
    """The rule without ``before_post`` and without the column walk's prefetch."""

    prefetch_on_post = ()
    pre_state = (npl.State("z"), npl.State("t_last", 0.0, "ms"))
    post_state = (npl.State("z"), npl.State("z_slow"), npl.State("t_last", 0.0, "ms"))
    before_pre = npl.OnPre.before_pre
    before_post = npl.OnPost.before_post
    on_pre, pre_spike, on_post, post_spike, every = (_ref_on_pre, _ref_pre_spike, _ref_on_post, _ref_post_spike,
                                                     _ref_every)


def _two_rules(pre_t, pre_i, post_t, post_i, n_pre, n_post, duration, **kw):
    """The rule and the per-synapse-exp reference side by side on the same spike trains."""
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", n_pre, pre_i, pre_t))
    m.add(npl.SpikeTimes("post", n_post, post_i, post_t))
    rules = {"new": npl.OrchestratedPlasticity(**kw), "old": _PerSynapseTraces(**kw)}
    for name, rule in rules.items():
        m.add(npl.Projection(name, "pre", "post", npl.AllToAll(), weight=W0, rules=[rule], w_min=0.0, w_max=5.0))
    return npl.Network(m, seed=3).run(duration)


def test_epoch_traces_match_per_synapse_exact_reads():
    """The row and column walks' per-spike work (before_pre, before_post: epoch and
    decay factors, z_j and z_j^slow) and the prefetch of w~ give the weights of
    reading every trace exactly at every synapse, to rounding (epoch traces,
    plasticity/traces.py); 30 Poisson-like sources onto 12 bursting neurons,
    consolidation every 50 ms."""
    rng = np.random.default_rng(7)
    pre_t = np.sort(rng.uniform(0.0, 300.0, 600)).round(1)
    post_t = np.sort(rng.uniform(0.0, 300.0, 300)).round(1)
    net = _two_rules(pre_t, rng.integers(0, 30, 600), post_t, rng.integers(0, 12, 300), 30, 12, 310.0,
                     eta=5e-3, beta=0.05, delta=1e-3, period=50.0, tau_cons=5e4)
    src = net.kernel_source
    assert src.count("_before_post(j, t") == 1 and src.count("_before_pre(i, t") == 1
    assert src.count("prefetch(") == 1
    new, old = net.weights("new"), net.weights("old")
    assert np.abs(new - W0).max() > 1e-3
    np.testing.assert_allclose(new, old, rtol=0, atol=1e-12)    # weights moved by ~0.3
    np.testing.assert_allclose(net.rule_state("new", 0).syn.w_tilde, net.rule_state("old", 0).syn.w_tilde,
                               rtol=0, atol=1e-12)


def test_epoch_traces_across_epochs_and_long_silences():
    """Over 45 s, four epochs of 10 s (500 x tau_plus): bursts that straddle the
    epoch boundaries, a neuron silent for 12 s (its trace carried over from an
    earlier epoch, read through the exact path) and one silent for 30 s (read as
    0): the weights are those of exact per-synapse reads to rounding."""
    rng = np.random.default_rng(11)
    starts = np.array([9_950.0, 19_900.0, 29_980.0, 44_000.0])    # bursts across 10, 20, 30 s
    pre_t = np.concatenate([s + np.sort(rng.uniform(0, 120, 40)) for s in starts] + [[100.0, 12_500.0]]).round(1)
    pre_i = np.concatenate([rng.integers(0, 6, 160), [7, 7]])          # neuron 7: silent 12 s, then 32 s
    post_t = np.concatenate([s + np.sort(rng.uniform(20, 140, 25)) for s in starts]).round(1)
    order = np.argsort(pre_t, kind="stable")
    net = _two_rules(pre_t[order], pre_i[order], np.sort(post_t), rng.integers(0, 4, 100), 8, 4, 45_000.0,
                     eta=5e-3, beta=0.05, delta=1e-3, period=50.0, tau_cons=5e4)
    new, old = net.weights("new"), net.weights("old")
    assert np.abs(new - W0).max() > 1e-3
    np.testing.assert_allclose(new, old, rtol=0, atol=1e-12)    # weights moved by ~0.3
    st = net.rule_state("new", 0)
    assert set(np.unique(st.pre.epoch[:6])) <= {50_000.0}        # the last bursts are in the epoch 40-50 s
    assert st.pre.epoch[6] == 0.0 and st.pre.zx[6] == 0.0        # never spiked
