"""clustered-vs-dispersed at reduced scale; the point-neuron and two-layer fits
on synthetic data with known answers; the stimulus patterns and their wiring."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic import experiments
from neuroplastic.experiments import _cluster_network as cn
from neuroplastic.experiments import _subunit_fits as sf

TRUE = np.array([5.0, 0.6, 0.03, 20.0, 1.0, 0.5])      # theta, width, slope; gain, x0, width_g


@pytest.fixture(scope="module")
def reduced():
    exp = experiments.get("clustered-vs-dispersed")
    c = exp.resolve(scale="reduced")
    return exp, c, exp.run(c, seed=0)


def test_reduced_targets(reduced):
    exp, _, r = reduced
    rows = experiments.compare(r, exp.targets, "reduced")
    assert len(rows) == 5 and all(row.passed for row in rows), [(row.metric, row.measured, row.tolerance)
                                                                 for row in rows]


def test_rate_rises_with_clustering_then_saturates(reduced):
    _, c, r = reduced
    rec = r.recordings["rates"]
    sweep, m = rec["sweep"][0], list(rec["per_branch"])
    best = int(np.argmax(sweep))
    assert 3 <= m[best] <= 10                              # clusters just above the plateau threshold win
    assert sweep[best] > 2.5 * sweep[0] and sweep[best] > 1.4 * sweep[-1]
    assert np.all(np.diff(sweep[: m.index(4) + 1]) > -3.0)  # rising (within count noise) up to 4 per branch
    # clustered beats dispersed at every N that fills at least one cluster
    assert np.all(rec["clustered"][0][1:] > rec["dispersed"][0][1:] + 20.0)


def test_fitted_subunit_threshold_matches_the_branch(reduced):
    """The plateau starts when the branch potential reaches theta_d; the mean
    drive of n synapses is n rate w tau_syn / g_d = 1.7 n mV, so 10 mV takes 5.9
    synapses on average; fluctuations start plateaus a little earlier."""
    _, c, r = reduced
    mean_crossing = (c["theta_d"] + 70.0) / (c["rate"] * 1e-3 * c["weight"] * c["tau_syn"] / c["g_d"])
    assert mean_crossing == pytest.approx(5.88, abs=0.01)
    assert 3.5 < r.metrics["subunit_threshold"] < mean_crossing
    assert r.metrics["subunit_width"] < 1.5                 # a steep, NMDA-like subunit


def _synthetic(rng, n=160, k=8):
    return cn.random_patterns(rng, n, k, 4, 40)


def test_r_squared_closed_forms():
    y = np.array([1.0, 2.0, 4.0, 9.0])
    assert sf.r_squared(y, y) == 1.0
    assert sf.r_squared(y, np.full(4, y.mean())) == pytest.approx(0.0)
    assert sf.r_squared(y, y + 1.0) == pytest.approx(1.0 - 4.0 / np.sum((y - y.mean()) ** 2))


def test_two_layer_fit_recovers_a_two_layer_neuron():
    counts = _synthetic(np.random.default_rng(1))
    rates = sf.two_layer_predict(TRUE, counts)
    fit = sf.fit_two_layer(counts, rates)
    assert fit.r2_train > 0.9999
    np.testing.assert_allclose(fit.params, TRUE, rtol=0.02, atol=0.005)
    # the point neuron cannot express it
    assert sf.fit_point(counts, rates).r2_train < 0.9


def test_both_fits_agree_on_a_linear_neuron():
    rng = np.random.default_rng(2)
    counts = _synthetic(rng, n=100)
    rates = 2.0 + 3.0 * counts.sum(axis=1) + rng.normal(0.0, 4.0, len(counts))
    h = sf.held_out(counts, rates, np.random.default_rng(3))
    assert 0.9 < h["r2_point"] < 0.99                       # noise limits both
    assert h["r2_two_layer"] == pytest.approx(h["r2_point"], abs=0.01)
    assert h["r2_two_layer_train"] >= h["r2_point_train"] - 1e-6   # the two-layer family contains the point neuron


def test_sweep_and_random_patterns():
    s = cn.sweep(10, 6, [2, 3, 10])
    np.testing.assert_array_equal(s[0], [2, 2, 2, 2, 2, 0])
    np.testing.assert_array_equal(s[1], [3, 3, 3, 1, 0, 0])
    np.testing.assert_array_equal(s[2], [10, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="more than 6 branches"):
        cn.sweep(10, 6, [1])
    p = cn.random_patterns(np.random.default_rng(0), 300, 32, 16, 48)
    assert p.shape == (300, 32) and p.min() >= 0
    assert p.sum(axis=1).min() >= 16 and p.sum(axis=1).max() <= 48
    assert p.max(axis=1).min() <= 3 and p.max(axis=1).max() >= 30    # from dispersed to clustered


def test_each_synapse_lands_on_its_pattern_and_branch():
    c = experiments.get("clustered-vs-dispersed").resolve(scale="reduced")
    counts = np.array([[2, 0, 1] + [0] * 29, [0, 3, 0] + [0] * 29])
    net = npl.Network(cn.model(c, counts), seed=0)
    pre, post = net.synapses("syn_cell")
    branch = net.branches("syn_cell")
    np.testing.assert_array_equal(pre, np.arange(6))
    np.testing.assert_array_equal(post, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(branch, [0, 0, 2, 1, 1, 1])


def test_analytic_jacobians_match_finite_differences():
    from scipy.optimize._numdiff import approx_derivative

    counts = _synthetic(np.random.default_rng(4), n=40)
    for params, predict, jacobian in ((TRUE, sf.two_layer_predict, sf.two_layer_jacobian),
                                      (np.array([2.0, 10.0, 3.0]), sf.point_predict, sf.point_jacobian)):
        numeric = approx_derivative(lambda p: predict(p, counts), params, method="3-point")
        np.testing.assert_allclose(jacobian(params, counts), numeric, rtol=1e-5, atol=1e-6)
