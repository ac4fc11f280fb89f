"""Model of Structural Plasticity (Butz & van Ooyen 2013): growth curve, calcium
trace, element bookkeeping, and the reduced ``msp-growth`` experiment."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError
from neuroplastic.plasticity.msp import Calcium, MSPGrowth, _random_per_group, gaussian_growth


# --- growth curve (closed form) -----------------------------------------------

@pytest.mark.parametrize("eta,eps", [(0.0, 0.05), (0.0, 0.2), (0.01, 0.07)])
def test_gaussian_growth_zeros_and_peak(eta, eps):
    nu = 3e-4
    xi = (eta + eps) / 2
    assert gaussian_growth(eta, eta, eps, nu) == pytest.approx(0.0, abs=1e-15)
    assert gaussian_growth(eps, eta, eps, nu) == pytest.approx(0.0, abs=1e-15)
    assert gaussian_growth(xi, eta, eps, nu) == pytest.approx(nu, rel=1e-12)
    # positive between the zeros, negative outside, -> -nu far away
    ca = np.array([eta + 1e-3 * (eps - eta), eps - 1e-3 * (eps - eta)])
    assert np.all(gaussian_growth(ca, eta, eps, nu) > 0)
    assert gaussian_growth(eps * 1.5 + 1e-3, eta, eps, nu) < 0
    assert gaussian_growth(100.0, eta, eps, nu) == pytest.approx(-nu, rel=1e-12)
    # the formula itself at an arbitrary point
    zeta = (eps - eta) / (2 * math.sqrt(math.log(2)))
    c = 0.3 * eps
    assert gaussian_growth(c, eta, eps, nu) == pytest.approx(nu * (2 * math.exp(-((c - xi) / zeta) ** 2) - 1))


def test_random_per_group_takes_excess_per_group():
    rng = np.random.default_rng(0)
    group = np.array([2, 0, 2, 1, 2, 0, 2])
    excess = np.array([1, 5, 2])
    pick = _random_per_group(group, excess, rng)
    assert len(np.unique(pick)) == len(pick)
    assert np.array_equal(np.bincount(group[pick], minlength=3), [1, 1, 2])


def test_msp_validation():
    with pytest.raises(ValidationError):
        MSPGrowth(period=100.0, update_interval=250.0)
    with pytest.raises(ValidationError):
        MSPGrowth(eta=0.1, eps_axon=0.05)


# --- calcium trace vs closed form ---------------------------------------------

def _driven(tau, times, beta=0.01):
    """One LIF neuron forced to fire at ``times`` (ms) by a huge input."""
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("drive", 1, [0] * len(times), times))
    m.add(npl.Population("n", 1, npl.LIF(tau_m=10.0, t_ref=2.0, tau_e=0.1), rules=[Calcium(tau=tau, beta=beta, period=0.1)]))
    m.add(npl.Projection("d", "drive", "n", npl.OneToOne(), weight=1e5))
    m.add(npl.SpikeMonitor("n"))
    return npl.Network(m, seed=0)


def test_calcium_matches_closed_form():
    tau, beta = 1000.0, 0.01
    net = _driven(tau, [5.0, 20.0, 23.0, 50.0, 300.0], beta)
    net.run(400.0)
    ca = net.neuron_rule_state("n", 0).neuron.ca
    _, t_spk = net.spikes("n")
    t_spk = np.asarray(t_spk, float)
    assert len(t_spk) == 5
    expected = beta * np.exp(-(400.0 - t_spk) / tau).sum()
    # decay applied as whole-step factors: at most dt/tau relative difference
    assert ca[0] == pytest.approx(expected, rel=3e-4)
    # pure decay between samples is exact
    before = ca[0]
    net.run(250.0)
    assert ca[0] == pytest.approx(before * math.exp(-250.0 / tau), rel=1e-12)


def test_calcium_stationary_mean_is_beta_tau_rate():
    """Regular firing at 20 Hz: Ca oscillates around beta * tau * rate."""
    tau, beta, rate = 2000.0, 0.001, 20.0
    times = np.arange(1.0, 20_000.0, 1000.0 / rate)
    net = _driven(tau, times, beta)
    net.run(20_000.0 - 25.0)     # mid-way between spikes
    ca = net.neuron_rule_state("n", 0).neuron.ca[0]
    # exact periodic steady state just before/after a spike bracket the mean
    isi = 1000.0 / rate
    peak = beta / (1 - math.exp(-isi / tau))
    assert peak * math.exp(-isi / tau) <= ca <= peak
    assert ca == pytest.approx(beta * tau * rate / 1000.0, rel=0.02)


# --- element bookkeeping --------------------------------------------------------

def _silent_net(ca_values, rule, n=10):
    """n silent neurons (no input) whose calcium is held fixed (tau huge)."""
    m = npl.Model(dt=0.1)
    m.add(npl.Population("n", n, npl.LIF(), rules=[Calcium(tau=1e15, beta=0.0, period=0.1)]))
    empty = npl.Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    m.add(npl.Projection("p", "n", "n", empty, weight=1.0, rules=[rule]))
    net = npl.Network(m, seed=3)
    net.neuron_rule_state("n", 0).neuron.ca[:] = ca_values
    return net


def test_elements_and_synapses_after_one_update():
    n = 10
    ca = np.linspace(0.0, 0.06, n)
    rule = MSPGrowth(period=100.0, update_interval=1000.0, axon_lo=2, axon_hi=8, eps_axon=0.05, nu_axon=4e-3,
                     den_split=5, eps_den_a=0.05, nu_den_a=2e-3, eps_den_b=0.05, nu_den_b=6e-3, weight=0.5,
                     tau_vacant=0.0)
    net = _silent_net(ca, rule, n)
    net.run(1000.0)   # 10 element steps, then one connectivity update at t = 1000 ms
    st = net.rule_state("p", 0)
    ax = (np.arange(n) >= 2) & (np.arange(n) < 8)
    z_ax = np.where(ax, np.maximum(gaussian_growth(ca, 0.0, 0.05, 4e-3) * 1000.0, 0.0), 0.0)
    nu_d = np.where(np.arange(n) < 5, 2e-3, 6e-3)
    z_den = np.maximum(gaussian_growth(ca, 0.0, 0.05, nu_d) * 1000.0, 0.0)
    np.testing.assert_allclose(st.pre.z_axon, z_ax, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(st.post.z_den, z_den, rtol=1e-9, atol=1e-12)
    pre, post = (np.asarray(x) for x in net.synapses("p"))
    n_ax, n_den = np.floor(z_ax).astype(int), np.floor(z_den).astype(int)
    assert len(pre) == min(n_ax.sum(), n_den.sum()) > 0
    assert np.all(np.bincount(pre, minlength=n) <= n_ax)
    assert np.all(np.bincount(post, minlength=n) <= n_den)
    assert np.all(net.weights("p") == 0.5)

    # calcium above eps: elements retract; synapses beyond floor(z) are deleted
    net.neuron_rule_state("n", 0).neuron.ca[:] = 0.08
    net.run(1000.0)
    z_ax2 = np.maximum(z_ax + np.where(ax, gaussian_growth(0.08, 0.0, 0.05, 4e-3), 0.0) * 1000.0, 0.0)
    z_den2 = np.maximum(z_den + gaussian_growth(0.08, 0.0, 0.05, nu_d) * 1000.0, 0.0)
    np.testing.assert_allclose(st.pre.z_axon, z_ax2, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(st.post.z_den, z_den2, rtol=1e-9, atol=1e-12)
    pre2, post2 = (np.asarray(x) for x in net.synapses("p"))
    n_ax2, n_den2 = np.floor(z_ax2).astype(int), np.floor(z_den2).astype(int)
    assert np.all(np.bincount(pre2, minlength=n) <= n_ax2)
    assert np.all(np.bincount(post2, minlength=n) <= n_den2)
    assert len(pre2) == min(n_ax2.sum(), n_den2.sum())
    assert len(pre2) < len(pre)

    # reset restores elements and wiring; the same seed gives the same run
    net.reset()
    net.neuron_rule_state("n", 0).neuron.ca[:] = ca
    assert np.all(st.pre.z_axon == 0) and len(net.weights("p")) == 0
    net.run(1000.0)
    pre3, post3 = (np.asarray(x) for x in net.synapses("p"))
    assert np.array_equal(pre3, pre) and np.array_equal(post3, post)


def test_vacant_elements_decay_after_update():
    n = 10
    ca = np.linspace(0.0, 0.06, n)
    kw = dict(period=100.0, update_interval=1000.0, axon_lo=0, axon_hi=3, eps_axon=0.05, nu_axon=4e-3,
              nu_den_a=6e-3, nu_den_b=6e-3, weight=0.5)
    grown = _silent_net(ca, MSPGrowth(tau_vacant=0.0, **kw), n).run(1000.0)
    net = _silent_net(ca, MSPGrowth(tau_vacant=0.1, **kw), n).run(1000.0)
    z0, z = grown.rule_state("p", 0), net.rule_state("p", 0)
    pre, post = (np.asarray(x) for x in net.synapses("p"))
    for a0, a, ends in ((z0.pre.z_axon, z.pre.z_axon, pre), (z0.post.z_den, z.post.z_den, post)):
        vacant = np.maximum(np.floor(a0) - np.bincount(ends, minlength=n), 0)
        np.testing.assert_allclose(a, a0 - 0.1 * vacant, rtol=1e-12, atol=1e-12)
        assert np.all(vacant[a0 > 0] >= 0)
    # dendrites outnumber axons here, so some dendritic elements stayed vacant and decayed
    assert np.any(z.post.z_den < z0.post.z_den)


# --- the reduced experiment --------------------------------------------------------
# 160 E + 40 I neurons for the full 200 s (~30 s alone on the 2-core machine, ~60 s
# under load): marked slow. Measured numbers: neuroplastic.experiments.msp_growth.

def _run_reduced(**overrides):
    from neuroplastic import experiments
    exp = experiments.get("msp-growth")
    return exp, exp.run(exp.resolve(overrides, scale="reduced"), seed=0)


def _failed(exp, result):
    from neuroplastic import experiments
    rows = experiments.compare(result, exp.targets, "reduced")
    assert rows
    return [(r.metric, r.measured, r.tolerance) for r in rows if not r.passed]


@pytest.fixture(scope="module")
def msp_reduced_10s():
    return _run_reduced(update_interval=10_000.0)


@pytest.mark.slow
@pytest.mark.xfail(reason="measured: with 10 s connectivity updates (NEST 3's reading of the later example) "
                          "the network overshoots (seed 0: Ca E 0.132, I 0.457 at 200 s, counts falling); "
                          "see msp_growth docstring", strict=False)
def test_msp_growth_reduced_targets_10s_updates(msp_reduced_10s):
    exp, result = msp_reduced_10s
    assert not _failed(exp, result)


@pytest.mark.slow
def test_msp_growth_reduced_consistency_10s_updates(msp_reduced_10s):
    _, result = msp_reduced_10s
    c, m, rec = result.config, result.metrics, result.recordings["msp"]
    assert (c["n_exc"], c["n_inh"], c["duration"]) == (160, 40, 200_000.0)
    assert rec["n_ex"][0] == 0 and rec["n_in"][0] == 0        # nothing before the first update (10 s)
    assert rec["n_ex"].max() > 0 and rec["n_in"].max() > 0
    assert m["n_ex_growth"] > 0 and m["n_in_growth"] > 0
    assert "calcium_and_connections" in result.figures


@pytest.mark.slow
def test_msp_growth_reduced_targets():
    """Default: 100 ms connectivity updates (NEST 2's original example, 1000
    steps of 0.1 ms; see the msp_growth docstring for how the default was
    settled). Seed 0 at reduced scale: every target."""
    exp, result = _run_reduced()
    assert result.config["update_interval"] == 100.0
    assert not _failed(exp, result)
