"""Pairing sums, the iSTDP drift decomposition and the correlogram
(neuroplastic.analysis.pairing): closed forms, independent trains, and the
identity with the engine's InhibitorySTDP weight changes."""
from __future__ import annotations

import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.analysis import cross_correlogram, istdp_drift, pair_trace_sums

TAU = 20.0


def _sums(pre_t, post_t, t0=0.0, t1=1000.0):
    a, b = pair_trace_sums((np.zeros(len(pre_t), int), pre_t), (np.zeros(len(post_t), int), post_t),
                           (np.array([0]), np.array([0])), 1, 1, TAU, t0, t1)
    return a[0], b[0]


def test_pair_sums_closed_form():
    # pre 10, post 15, pre 30: the post spike reads the pre trace e^-5/20, the second
    # pre spike reads the post trace e^-15/20; the first pre spike reads nothing.
    a, b = _sums([10.0, 30.0], [15.0])
    assert a == pytest.approx(math.exp(-15 / TAU), abs=1e-15)
    assert b == pytest.approx(math.exp(-5 / TAU), abs=1e-15)
    # all-to-all: a second post spike at 40 reads both pre spikes
    a, b = _sums([10.0, 30.0], [15.0, 40.0])
    assert b == pytest.approx(math.exp(-5 / TAU) + math.exp(-30 / TAU) + math.exp(-10 / TAU), abs=1e-15)
    # spikes before the window build the traces but are not counted
    a, b = _sums([10.0, 30.0], [15.0], t0=20.0)
    assert (a, b) == (pytest.approx(math.exp(-15 / TAU), abs=1e-15), 0.0)
    # equal times: the pre spike comes first (reads 0), the post spike reads its +1
    a, b = _sums([50.0], [50.0])
    assert (a, b) == (0.0, 1.0)


def test_pair_sums_validate():
    one = (np.array([0]), np.array([1.0]))
    with pytest.raises(ValueError, match="t1 > t0"):
        pair_trace_sums(one, one, (np.array([0]), np.array([0])), 1, 1, TAU, 5.0, 5.0)
    with pytest.raises(ValueError, match="outside its population"):
        pair_trace_sums(one, one, (np.array([1]), np.array([0])), 1, 1, TAU, 0.0, 5.0)
    with pytest.raises(ValueError, match="spike indices must lie"):
        pair_trace_sums((np.array([3]), np.array([1.0])), one, (np.array([0]), np.array([0])), 1, 1,
                        TAU, 0.0, 5.0)


def test_independent_trains_give_kappa_one():
    """Independent Poisson trains: kappa = 1 and the measured drift equals the
    independent-train drift eta r_pre (2 tau r_post - alpha)."""
    rng = np.random.default_rng(0)
    n, T, r_pre, r_post = 400, 20_000.0, 10.0, 5.0

    def poisson(rate):
        k = rng.poisson(rate * n * T * 1e-3)
        return rng.integers(0, n, k), rng.uniform(0.0, T, k)

    pre, post = poisson(r_pre), poisson(r_post)
    syn = (np.arange(n), rng.permutation(n))
    d = istdp_drift(pre, post, syn, n, n, eta=0.01, rho0=3.0, tau=TAU, t0=1000.0, t1=T)
    assert d.kappa == pytest.approx(1.0, abs=0.02)
    assert d.kappa_pre == pytest.approx(1.0, abs=0.03) and d.kappa_post == pytest.approx(1.0, abs=0.03)
    # 2 tau rho (= 0.2 at 5 Hz) against alpha = 0.12: drift = 0.01 * 10 * 0.08 nS/s
    assert d.drift_independent == pytest.approx(0.01 * 10.0 * (2 * 0.02 * 5.0 - 0.12), rel=0.03)
    assert d.drift == pytest.approx(d.drift_independent, rel=0.05)
    assert d.rate_post_weighted == pytest.approx(r_post, rel=0.02)
    assert d.rate_zero_drift == pytest.approx(3.0 / d.kappa)
    lags, ratio = cross_correlogram(pre, post, syn, n, n, 1000.0, T, max_lag=50.0, bin_ms=5.0)
    assert lags[0] == -47.5 and lags.size == 20
    assert np.all(np.abs(ratio - 1.0) < 0.06)


def test_correlogram_counts_lags():
    pre = (np.array([0, 0]), np.array([100.0, 300.0]))
    post = (np.array([0, 0, 0]), np.array([105.2, 290.0, 700.0]))
    lags, ratio = cross_correlogram(pre, post, (np.array([0]), np.array([0])), 1, 1, 0.0, 1000.0,
                                    max_lag=20.0, bin_ms=1.0)
    expected = 2 * 3 * 1.0 / 1000.0                     # pairs per bin if independent
    hits = {float(l): r * expected for l, r in zip(lags, ratio) if r > 0}
    assert hits == {5.5: pytest.approx(1.0), -9.5: pytest.approx(1.0)}


@pytest.fixture(scope="module")
def inhibited_lif():
    """20 tonically driven conductance LIF cells, each inhibited by 25 Poisson
    sources through InhibitorySTDP (no weight ever reaches a bound)."""
    n_post, k, T, eta = 20, 25, 8_000.0, 1e-3
    rule = npl.InhibitorySTDP(eta=eta, rho0=3.0, tau=TAU)
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inh", n_post * k, rate=10.0))
    m.add(npl.Population("exc", n_post, npl.LIF(tau_m=20, c_m=200, v_rest=-60, v_reset=-60, v_thresh=-50,
                                                t_ref=5, synapse="conductance", tau_i=10, e_i=-80,
                                                i_bias=200.0)))
    pre = np.arange(n_post * k)
    m.add(npl.Projection("ie", "inh", "exc", npl.Pairs(pre, pre // k), weight=2.0, receptor="inh",
                         rules=[rule], w_min=0.0, w_max=100.0))
    m.add(npl.SpikeMonitor("inh"))
    m.add(npl.SpikeMonitor("exc"))
    net = npl.Network(m, seed=3).run(T)
    spikes = {p: tuple(np.asarray(x) for x in net.spikes(p)) for p in ("inh", "exc")}
    return net, spikes, dict(n_pre=n_post * k, n_post=n_post, T=T, eta=eta, rule=rule)


def test_pair_sums_reproduce_engine_weight_changes(inhibited_lif):
    """Each synapse's engine weight change is exactly eta (A + B - alpha n_pre)."""
    net, spikes, c = inhibited_lif
    syn = net.synapses("ie")
    dw = net.weights("ie") - 2.0
    a, b = pair_trace_sums(spikes["inh"], spikes["exc"], syn, c["n_pre"], c["n_post"], TAU, 0.0, c["T"])
    n_pre = np.bincount(spikes["inh"][0].astype(int), minlength=c["n_pre"])[syn[0]]
    predicted = c["eta"] * (a + b - c["rule"].alpha * n_pre)
    assert np.abs(dw).max() > 1e-3                        # the weights did move
    np.testing.assert_allclose(dw, predicted, rtol=0, atol=1e-9)


def test_inhibition_lowers_pairing_after_pre_spikes(inhibited_lif):
    """An inhibitory spike delays its target's next spike: fewer post spikes follow pre
    spikes (kappa_post < 1); nothing precedes them (the sources are Poisson, kappa_pre = 1).
    The correlogram weighted by the iSTDP window gives the same kappa_post."""
    net, spikes, c = inhibited_lif
    syn = net.synapses("ie")
    d = istdp_drift(spikes["inh"], spikes["exc"], syn, c["n_pre"], c["n_post"], eta=c["eta"], rho0=3.0,
                    tau=TAU, t0=1000.0, t1=c["T"])
    assert d.kappa_post < 0.9
    assert d.kappa_pre == pytest.approx(1.0, abs=0.05)
    assert d.rate_zero_drift > 3.0
    lags, ratio = cross_correlogram(spikes["inh"], spikes["exc"], syn, c["n_pre"], c["n_post"], 1000.0,
                                    c["T"], max_lag=150.0, bin_ms=0.5)
    after = lags > 0
    kernel = np.exp(-lags[after] / TAU)
    assert np.sum(ratio[after] * kernel) / kernel.sum() == pytest.approx(d.kappa_post, abs=0.03)
    assert ratio[after][:10].mean() < 0.8 * ratio[~after].mean()
