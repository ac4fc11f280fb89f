"""Reduced-scale reproduction: vogels2011 (inhibitory STDP in a balanced E/I network)."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic.experiments.vogels2011 import GatedInhibitorySTDP, window_metrics

SEEDS = (0, 1)


@pytest.fixture(scope="module")
def vogels_reduced():
    exp = experiments.get("vogels2011")
    return exp, {s: exp.run(exp.resolve(scale="reduced"), seed=s) for s in SEEDS}


@pytest.mark.parametrize("seed", SEEDS)
def test_vogels2011_reduced_targets(vogels_reduced, seed):
    exp, results = vogels_reduced
    result = results[seed]
    rows = experiments.compare(result, exp.targets, "reduced")
    assert rows
    failed = [(r.metric, r.measured, r.tolerance) for r in rows if not r.passed]
    assert not failed, failed

    c, m = result.config, result.metrics
    assert (c["n_exc"], c["n_inh"], c["duration"]) == (2000, 500, 10_000.0)
    assert m["rate_exc_before"] >= 100.0 and m["cv_isi_before"] <= 0.1
    assert 3.0 <= m["rate_exc_last"] <= 12.0
    assert m["rate_exc_ratio"] <= 0.1
    assert m["cv_isi_last"] >= 0.75
    assert m["sync_last"] <= 1.1 < m["sync_before"]
    assert 1.0 <= m["w_ie_mean"] <= 2.5
    # Learning was off during the first t_off ms: weights untouched at 1e-10 nS.
    assert m["w_ie_mean_before"] == pytest.approx(c["w_ie0"])
    w = result.recordings["weights_ie"]
    assert w["final"].min() >= 0.0 and w["final"].max() <= c["w_ie_max"]
    off = w["t"] < c["t_off"]
    assert np.all(w["w"][off] == pytest.approx(c["w_ie0"]))
    assert w["w"][-1].mean() > 0.5
    assert set(result.figures) == {"population_rates", "weights_over_time", "isi_cv",
                                   "raster_before", "raster_last", "pairing_correlogram"}
    # Drift decomposition over the last window (all 80,000 I->E synapses).
    pre, post = (result.recordings["ie_synapses"][k] for k in ("pre", "post"))
    assert pre.size == m["n_ie_synapses"] == w["final"].size
    assert m["rate_exc_zero_drift"] == pytest.approx(c["rho0"] / m["istdp_kappa"])
    assert m["istdp_kappa_post"] < 0.9 < m["istdp_kappa"] < 1.0     # I spikes delay E spikes
    # still learning after 9 s: E rate above the zero-drift rate, inhibition growing
    assert m["rate_exc_weighted"] > 1.5 * m["rate_exc_zero_drift"]
    assert 0.0 < m["istdp_drift_last"] < m["istdp_drift_independent_last"]
    lag, ratio = (result.recordings["correlogram_last"][k] for k in ("lag", "ratio"))
    assert ratio[(lag > 0) & (lag < 5)].mean() < 0.75


def test_gated_rule_is_inhibitory_stdp():
    rule = GatedInhibitorySTDP(eta=1e-2, rho0=3.0, tau=20.0)
    assert rule.alpha == pytest.approx(0.12)
    assert rule.drift(10.0, 3.0) == pytest.approx(0.0)
    state = rule.new_state(4, 2, 2)
    assert state.glob.gate.shape == (1,) and state.glob.gate[0] == 0.0


def test_window_metrics_regular_vs_poisson():
    rng = np.random.default_rng(0)
    n, t1 = 50, 2000.0
    # regular 10 Hz, all in phase: CV 0, strongly synchronous
    t_reg = np.tile(np.arange(0.0, t1, 100.0), n)
    i_reg = np.repeat(np.arange(n), t_reg.size // n)
    reg = window_metrics(i_reg, t_reg, n, 0.0, t1)
    assert reg["rate"] == pytest.approx(10.0)
    assert reg["cv"] == pytest.approx(0.0, abs=1e-9)
    assert reg["sync"] > 5.0
    # independent Poisson 10 Hz: CV ~ 1, sync ~ 1/sqrt(mean count)
    t_p = np.sort(rng.uniform(0.0, t1, 1000))
    i_p = rng.integers(0, n, t_p.size)
    poi = window_metrics(i_p, t_p, n, 0.0, t1)
    assert 0.8 < poi["cv"] < 1.2
    assert poi["sync"] == pytest.approx(poi["sync_poisson"], rel=0.2)


@pytest.mark.slow
def test_vogels2011_settles_at_rho0_over_kappa():
    """150 s of learning (reduced scale, ~30 s): the E rate settles above rho0, at the
    rule's correlation-corrected fixed point rho0 / kappa (measured, seed 0: 3.93 Hz,
    kappa 0.84, rho0 / kappa 3.58 Hz, I-rate-weighted E rate 3.78 Hz)."""
    exp = experiments.get("vogels2011")
    result = exp.run(exp.resolve(scale="reduced", overrides={"duration": 150_000.0}), seed=0)
    m = result.metrics
    assert 0.75 < m["istdp_kappa"] < 0.9
    assert m["rate_exc_zero_drift_rel_error"] < 0.1
    assert m["rate_exc_last"] > 1.15 * result.config["rho0"]       # not rho0 = 3 Hz
    assert abs(m["istdp_drift_last"]) < 0.3 * m["istdp_drift_independent_last"]


def test_full_scale_rate_target_is_the_reference_implementations_settled_rate():
    """The full-scale rate target is +-5 % around Brian2's settled rate (3.76 Hz),
    which the measured 600 s run (3.814 Hz) meets and the published rho0 = 3 Hz
    does not: the rule's fixed point is rho0 / kappa here (module docstring)."""
    from neuroplastic.experiments.base import Result
    from neuroplastic.experiments.vogels2011 import REFERENCE_RATE

    exp = experiments.get("vogels2011")
    [target] = [t for t in exp.targets if t.metric == "rate_exc_last" and "full" in t.scales]
    assert target.low == pytest.approx(0.95 * REFERENCE_RATE) and target.high == pytest.approx(1.05 * REFERENCE_RATE)

    def passes(rate):
        rows = experiments.compare(Result({}, {"rate_exc_last": rate}), [target], "full")
        return rows[0].passed

    assert passes(3.814) and passes(REFERENCE_RATE)
    assert not passes(3.0) and not passes(3.45) and not passes(4.0)
