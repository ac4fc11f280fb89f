"""``cascade-capacity`` at reduced scale (N = 10^3 .. 10^4, every size also
simulated), and the closed forms its lifetimes come from."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic import experiments
from neuroplastic.experiments import _capacity_models as cm


@pytest.fixture(scope="module")
def reduced():
    exp = experiments.get("cascade-capacity")
    return exp, exp.run(exp.resolve(scale="reduced"), seed=0)


def test_reduced_targets(reduced):
    exp, result = reduced
    rows = experiments.compare(result, exp.targets, "reduced")
    assert len(rows) == 6 and all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]
    m = result.metrics
    assert m["sizes"] == [1000, 3162, 10000] == m["sizes_chain_simulated"] == m["sizes_single_simulated"]
    # the chain outlives the binary synapse by a factor that grows with N
    ratio = np.array(m["lifetime_chain"]) / np.array(m["lifetime_single"])
    assert ratio[0] > 5 and np.all(np.diff(ratio) > 0)


def test_optimal_parameters_follow_the_theory(reduced):
    m = reduced[1].metrics
    n = np.array(m["sizes"], float)
    # binary synapse: q* sqrt(N) -> e and lifetime -> sqrt(N) / e (Fusi & Abbott 2007)
    np.testing.assert_allclose(np.array(m["q_single"]) * np.sqrt(n), np.e, rtol=0.05)
    np.testing.assert_allclose(m["lifetime_single"], np.sqrt(n) / np.e, rtol=0.05)
    # the chain's number of variables grows with log N
    assert m["m_chain"] == sorted(m["m_chain"]) and m["m_chain"][-1] > m["m_chain"][0]


def test_chain_noise_closed_form_is_the_sum_of_squared_responses():
    rule = npl.CascadeSynapse(m=5, coupling=1.0, period=1.0)
    j = np.arange(200_000)
    h = rule.impulse_response(j)
    n, t = 5000, np.array([3.0, 40.0, 700.0])
    brute = np.sqrt(n) * rule.impulse_response(t) / np.sqrt(np.sum(h ** 2) - rule.impulse_response(t) ** 2)
    np.testing.assert_allclose(cm.chain_snr(rule, n, t), brute, rtol=1e-9)


@pytest.mark.parametrize("model", ["chain", "binary"])
def test_lifetime_estimate_from_samples_recovers_the_crossing(model):
    rule, n, q = npl.CascadeSynapse(m=6, coupling=1.0, period=1.0), 10_000, 0.03
    snr = (lambda t: cm.chain_snr(rule, n, t)) if model == "chain" else (lambda t: cm.binary_snr(q, n, t))
    exact = cm.crossing(snr)
    ages = cm.age_grid(exact)
    assert snr(exact) == pytest.approx(1.0, abs=1e-9)
    assert cm.lifetime_from_samples(ages, snr(ages)) == pytest.approx(exact, rel=0.01)


def test_sizes_and_their_bad_values():
    exp = experiments.get("cascade-capacity")
    from neuroplastic.experiments.cascade_capacity import sizes_of

    assert sizes_of(exp.resolve(scale="full")).tolist() == [1000, 3162, 10000, 31623, 100000, 316228, 1000000]
    with pytest.raises(npl.ValidationError, match="n_min must be <= n_max") as err:
        exp.resolve({"n_min": "100000", "n_max": "1000"})
    assert err.value.field == "n_min"
    with pytest.raises(npl.ValidationError) as err:
        exp.resolve({"m_max": "13"})
    assert err.value.field == "m_max"
