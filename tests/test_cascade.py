"""Cascade synapses and the consolidation variable: closed forms in the engine.

CascadeSynapse (neuroplastic.plasticity.cascade): the chain is linear, so its
state after any number of updates is expm(-C^-1 G t) applied to the state the
rule saw; volume is conserved without the leak; the bounded variant stays in
bounds; m = 1 is one exponentially relaxing variable. Consolidation
(neuroplastic.plasticity.consolidation): the bistable fixed points, the
exact relaxation of w~ towards w, and the pull of w towards w~ composed with
PairSTDP on one projection. Reference: canonical-results.md sections 7 and 15.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm

import neuroplastic as npl
from neuroplastic.plasticity.cascade import MAX_LEVELS

DT = 0.1


def _generator(rule) -> np.ndarray:
    """C^-1 G of a chain, built independently of the rule's kernel."""
    c, g = rule.capacities(), rule.couplings()
    m = rule.m
    lap = np.zeros((m, m))
    for k in range(m):
        lap[k, k] += g[k]
        if k + 1 < m:
            lap[k + 1, k + 1] += g[k]
            lap[k, k + 1] -= g[k]
            lap[k + 1, k] -= g[k]
    return lap / c[:, None]


#: PairSTDP that changes nothing: every spike-driven network here is [PairSTDP, rule],
#: so the tests share two compiled structures (the rule under test is rule 1).
IDLE = npl.PairSTDP(a_plus=0.0, a_minus=0.0)


def _spike_net(rule, weights, pre=((), ()), post=((), ()), stdp=IDLE, w_min=-10.0, w_max=10.0):
    """[stdp, rule] on one synapse per presynaptic neuron onto a spike source
    (nothing delivered; on_post rules see its spikes): spike times are exact."""
    n = len(weights)
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("pre", n, *pre))
    m.add(npl.SpikeTimes("post", 1, *post))
    m.add(npl.Projection("syn", "pre", "post", npl.AllToAll(), weight=np.asarray(weights, float),
                         rules=[stdp, rule], w_min=w_min, w_max=w_max))
    return npl.Network(m, seed=0)


def _chain_state(net, m, rule=1):
    """(w, u2 .. um) per synapse in build order, shape (n, m)."""
    slots = net._store("syn").build_slots
    st = net.rule_state("syn", rule)
    return np.column_stack([net.weights("syn")] + [st.syn[k][slots] for k in range(1, m)])


# ---------------------------------------------------------------------------
# CascadeSynapse
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("m, growth, decay, span", [(5, 2.0, 2.0, 3.0), (MAX_LEVELS, 2.0, 2.0, 0.7),
                                                     (7, 3.0, 1.5, 40.0), (1, 2.0, 2.0, 5.0)])
def test_propagator_is_the_matrix_exponential(m, growth, decay, span):
    rule = npl.CascadeSynapse(m=m, coupling=0.2, capacity_growth=growth, coupling_decay=decay, leak=0.7)
    exact = expm(-_generator(rule) * span)
    np.testing.assert_allclose(rule.propagator(span), exact, rtol=0, atol=1e-12)
    assert rule.impulse_response(span) == pytest.approx(exact[0, 0], abs=1e-13)


def test_a_kick_to_the_weight_spreads_along_the_chain_as_the_linear_solution():
    rule = npl.CascadeSynapse(m=4, coupling=0.05, leak=1.0, reference=0.5, period=1.0)
    w0 = np.array([1.0, 2.0, -0.5])
    net = _spike_net(rule, w0)
    net.run(1.0)                          # first update: the hidden variables take the weight
    primed = _chain_state(net, 4)
    expected = 0.5 + (w0 - 0.5)[:, None] * rule.propagator(1.0).sum(axis=1)[None, :]
    np.testing.assert_allclose(primed, expected, rtol=0, atol=1e-13)
    kicked = primed.copy()
    kicked[0, 0] += 0.7
    net.set_weights("syn", kicked[:, 0])
    net.run(20.0)                         # 20 updates of 1 ms
    e20 = np.linalg.matrix_power(rule.propagator(1.0), 20)
    np.testing.assert_allclose(_chain_state(net, 4), 0.5 + (kicked - 0.5) @ e20.T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(e20, expm(-_generator(rule) * 20.0), rtol=0, atol=1e-12)
    # the kick itself: u_1 keeps h(20 ms) of it and the slower variables hold the rest
    untouched = 0.5 + (primed[0] - 0.5) @ e20.T
    spread = _chain_state(net, 4)[0] - untouched
    assert spread[0] == pytest.approx(0.7 * rule.impulse_response(20.0), abs=1e-12)
    assert np.all(spread[1:] > 0) and spread[1] > spread[2] > spread[3]


def test_closed_chain_conserves_volume_and_levels_out():
    rule = npl.CascadeSynapse(m=5, coupling=0.5, leak=0.0, period=2.0)
    w0 = np.array([1.0, -2.0])
    net = _spike_net(rule, w0)
    net.run(2.0)
    st = net.rule_state("syn", 1)
    slots = net._store("syn").build_slots
    rng = np.random.default_rng(3)
    for k in range(1, 5):                 # an uneven chain: hidden variables away from the weight
        st.syn[k][slots] = rng.uniform(-3, 3, 2)
    c = rule.capacities()
    volume = _chain_state(net, 5) @ c
    for _ in range(3):
        net.run(200.0)
        np.testing.assert_allclose(_chain_state(net, 5) @ c, volume, rtol=1e-13, atol=1e-12)
    net.run(20_000.0)                     # >> the slowest time constant: every variable at volume / sum(C)
    np.testing.assert_allclose(_chain_state(net, 5), (volume / c.sum())[:, None] * np.ones(5), atol=1e-9)
    assert rule.timescales()[-1] == math.inf


def test_bounded_variant_clips_every_variable_of_the_linear_step():
    rule = npl.CascadeSynapse(m=3, coupling=0.3, leak=1.0, bound=0.4, period=1.0)
    net = _spike_net(rule, [0.3, -0.3, 0.0])
    net.run(1.0)
    state = _chain_state(net, 3)
    state[:, 0] = [5.0, -5.0, 0.35]       # beyond the bound, and within it
    net.set_weights("syn", state[:, 0])
    net.run(1.0)
    np.testing.assert_allclose(_chain_state(net, 3), np.clip(state @ rule.propagator(1.0).T, -0.4, 0.4),
                               rtol=0, atol=1e-13)
    for _ in range(5):
        net.set_weights("syn", [9.0, -9.0, 9.0])
        net.run(3.0)
        assert np.abs(_chain_state(net, 3)).max() <= 0.4


def test_one_variable_relaxes_exponentially_to_the_reference():
    rule = npl.CascadeSynapse(m=1, coupling=0.02, leak=2.5, reference=-1.0, period=0.5)
    net = _spike_net(rule, [3.0, -1.0])
    net.run(37.0)
    tau = 1.0 / (0.02 * 2.5)
    np.testing.assert_allclose(net.weights("syn"), [-1.0 + 4.0 * math.exp(-37.0 / tau), -1.0],
                               rtol=0, atol=1e-12)
    assert rule.timescales() == pytest.approx([tau])


def test_cascade_on_rate_units_follows_the_same_solution():
    """Any projection: graded inputs onto a rate unit (Oja's rule beside it, idle
    while the input is silent); a change of w between updates feeds the chain."""
    rule = npl.CascadeSynapse(m=3, coupling=0.1, period=4.0)
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.ValueInput("x", np.zeros((1, 2)), interval=1.0))
    m.add(npl.Population("y", 1, npl.RateUnit("linear")))
    m.add(npl.Projection("syn", "x", "y", npl.AllToAll(), weight=np.array([0.8, -0.2]),
                         rules=[npl.Oja(eta=0.01, period=1.0), rule], w_min=-5.0, w_max=5.0))
    net = npl.Network(m, seed=0).run(4.0)
    state = _chain_state(net, 3)
    np.testing.assert_allclose(state, np.array([[0.8], [-0.2]]) * rule.propagator(4.0).sum(axis=1), atol=1e-13)
    state[:, 0] += [0.5, -1.0]
    net.set_weights("syn", state[:, 0])
    net.run(40.0)
    np.testing.assert_allclose(_chain_state(net, 3), state @ np.linalg.matrix_power(rule.propagator(4.0), 10).T,
                               rtol=0, atol=1e-13)


def test_stdp_feeds_the_chain():
    """[PairSTDP, CascadeSynapse]: one pre-post pair between two updates changes
    w by a_plus exp(-dt / tau_plus); the next update spreads exactly that."""
    stdp = npl.PairSTDP(a_plus=0.1, a_minus=0.0, tau_plus=20.0)
    rule = npl.CascadeSynapse(m=4, coupling=0.02, period=10.0)
    net = _spike_net(rule, [0.3, 0.6], pre=([0], [12.0]), post=([0], [17.0]), stdp=stdp)
    net.run(10.0)
    state = _chain_state(net, 4)
    net.run(20.0)                          # the pair at 12 / 17 ms, updates at 20 and 30 ms
    dw = np.array([0.1 * math.exp(-5.0 / 20.0), 0.0])   # only synapse 0 joins pre 0 and post 0
    state[:, 0] += dw
    e = rule.propagator(10.0)
    np.testing.assert_allclose(_chain_state(net, 4), state @ (e @ e).T, rtol=0, atol=1e-13)


def test_geometric_chain_decays_as_a_power_law():
    """C_k = 2^(k-1): couplings falling as 2^-(k-1) give h ~ t^-1/2 between the
    fastest and slowest time constants; falling as 4^-(k-1) give t^-1/3."""
    t = np.geomspace(1e3, 1e6, 7)         # ms, with coupling 0.1 / ms: 100 .. 1e5 fastest time constants
    for decay, slope in ((2.0, -0.5), (4.0, -1.0 / 3.0)):
        rule = npl.CascadeSynapse(m=MAX_LEVELS, coupling=0.1, coupling_decay=decay)
        fit = np.polyfit(np.log(t), np.log(rule.impulse_response(t)), 1)[0]
        assert fit == pytest.approx(slope, abs=0.02)


@pytest.mark.parametrize("field, value", [("m", 0), ("m", -3), ("m", 2.5), ("m", MAX_LEVELS + 1),
                                          ("capacity_growth", 0.0), ("capacity_growth", -2.0),
                                          ("coupling", 0.0), ("coupling", -0.1), ("coupling_decay", 0.0),
                                          ("leak", -1.0), ("bound", 0.0), ("period", 0.0)])
def test_cascade_refuses_bad_parameters(field, value):
    with pytest.raises(npl.ValidationError) as err:
        npl.CascadeSynapse(**{field: value})
    assert err.value.field == field and "CascadeSynapse" in str(err.value)


def test_cascade_refuses_a_span_of_time_constants_it_cannot_resolve():
    npl.CascadeSynapse(m=12, capacity_growth=2.0, coupling_decay=6.0)           # 12^11 = 7.4e11 <= 1e12
    with pytest.raises(npl.ValidationError, match="time constants"):
        npl.CascadeSynapse(m=12, capacity_growth=5.0, coupling_decay=5.0)


# ---------------------------------------------------------------------------
# Consolidation
# ---------------------------------------------------------------------------

def _tilde(net, rule=1):
    return net.rule_state("syn", rule).syn.w_tilde[net._store("syn").build_slots]


def _stable_roots(rule, w):
    """Fixed points of dw~/dt for a fixed w, and whether each is stable."""
    a, b, p = 0.5 * rule.w_p, rule.w_p, rule.bistability
    # (w - x) - P x (a - x)(b - x) = -P x^3 + P (a + b) x^2 - (P a b + 1) x + w
    roots = np.roots([-p, p * (a + b), -(p * a * b + 1.0), w])
    roots = np.sort(roots[np.abs(roots.imag) < 1e-12].real)
    slope = -3 * p * roots ** 2 + 2 * p * (a + b) * roots - (p * a * b + 1.0)
    return roots, slope < 0


def test_consolidation_fixed_points_are_bistable():
    rule = npl.Consolidation(tau_cons=100.0, w_p=0.5, bistability=20.0, beta=0.0, period=1.0)
    assert rule.drift(rule.fixed_points(), rule.fixed_points()) == pytest.approx([0, 0, 0], abs=1e-15)
    roots, stable = _stable_roots(rule, 0.25)
    assert roots[1] == pytest.approx(0.25) and list(stable) == [True, False, True]
    # w held at 0, w_p / 2 (twice) and w_p; w~ pushed off each fixed point
    net = _spike_net(rule, [0.0, 0.25, 0.25, 0.5])
    net.run(1.0)
    np.testing.assert_allclose(_tilde(net), [0.0, 0.25, 0.25, 0.5], atol=1e-15)   # fixed points stay put
    st, slots = net.rule_state("syn", 1), net._store("syn").build_slots
    st.syn.w_tilde[slots] = [0.03, 0.2, 0.3, 0.47]
    net.run(5000.0)                       # 50 tau_cons
    expected = [0.0, roots[0], roots[2], 0.5]
    np.testing.assert_allclose(_tilde(net), expected, atol=1e-9)
    assert roots[0] < 0.15 and roots[2] > 0.35   # held at w_p / 2, w~ still ends in one of two states


def test_consolidation_relaxes_to_the_weight_with_tau_cons():
    rule = npl.Consolidation(tau_cons=250.0, bistability=0.0, beta=0.0, period=2.0)
    net = _spike_net(rule, [0.2, 0.9])
    net.run(2.0)
    st, slots = net.rule_state("syn", 1), net._store("syn").build_slots
    st.syn.w_tilde[slots] = [0.7, 0.1]
    for t in (40.0, 300.0):
        net.run(t)
    decay = math.exp(-340.0 / 250.0)
    np.testing.assert_allclose(_tilde(net), [0.2 + 0.5 * decay, 0.9 - 0.8 * decay], rtol=0, atol=1e-13)
    np.testing.assert_allclose(net.weights("syn"), [0.2, 0.9], atol=0)   # no post spike: no pull


def test_consolidation_pulls_the_weight_beside_pair_stdp():
    """[PairSTDP, Consolidation] on one projection: potentiation at the first post
    spike (z = 0 there: no pull), potentiation plus the pull -beta (w - w~) z^3 at
    the second; w~ follows w every period by the exponential-Euler step."""
    stdp = npl.PairSTDP(a_plus=0.05, a_minus=0.0, tau_plus=20.0)
    rule = npl.Consolidation(tau_cons=50.0, w_p=0.5, bistability=20.0, beta=2.0, tau_z=20.0, period=1.0)
    w0 = 0.3
    net = _spike_net(rule, [w0], pre=([0], [10.0]), post=([0, 0], [15.0, 17.0]), stdp=stdp)
    net.run(17.0)
    dw1 = 0.05 * math.exp(-5.0 / 20.0)
    assert net.weights("syn")[0] == pytest.approx(w0 + dw1, abs=1e-15)
    tilde, a = w0, math.exp(-1.0 / 50.0)
    for k in range(1, 18):                # updates at 1 .. 17 ms, each with the weight of that moment
        w = w0 if k <= 15 else w0 + dw1
        tilde = tilde * a + (1 - a) * (w - 20.0 * tilde * (0.25 - tilde) * (0.5 - tilde))
    assert _tilde(net)[0] == pytest.approx(tilde, abs=1e-14)
    net.run(0.5)                          # the post spike at 17 ms
    z = math.exp(-2.0 / 20.0)
    pull = -2.0 * (w0 + dw1 - tilde) * z ** 3
    assert net.weights("syn")[0] == pytest.approx(w0 + dw1 + 0.05 * math.exp(-7.0 / 20.0) + pull, abs=1e-14)
    assert pull < -1e-3                   # w above w~: pulled down, a visible amount


@pytest.mark.parametrize("field, value", [("tau_cons", 0.0), ("w_p", 0.0), ("bistability", -1.0),
                                          ("beta", -0.1), ("tau_z", -5.0), ("period", 0.0),
                                          ("period", 1e6)])
def test_consolidation_refuses_bad_parameters(field, value):
    with pytest.raises(npl.ValidationError) as err:
        npl.Consolidation(**{field: value})
    assert err.value.field == field


def test_both_rules_round_trip_through_a_config():
    from neuroplastic.model.config import config_from_dict, model_to_dict

    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("pre", 2, [], []))
    m.add(npl.Population("post", 1, npl.LIF()))
    m.add(npl.Projection("syn", "pre", "post", npl.AllToAll(), weight=0.5, w_min=0.0, w_max=1.0,
                         rules=[npl.CascadeSynapse(m=5, bound=math.inf, leak=0.0),
                                npl.Consolidation(tau_cons=5e5, beta=0.1)]))
    d = model_to_dict(m, duration=1.0)
    rules = config_from_dict(d).model.projections["syn"].rules
    assert rules == m.projections["syn"].rules and type(rules[0].m) is int
    d["projections"][0]["rules"][0]["m"] = 5.5
    with pytest.raises(npl.ValidationError, match=r"rules\[0\].m"):
        config_from_dict(d)
