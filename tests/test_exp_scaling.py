"""Reduced-scale reproduction: scaling (van Rossum, Bi & Turrigiano 2000 synaptic scaling)."""
import numpy as np
import pytest

from neuroplastic import experiments


@pytest.fixture(scope="module")
def scaling_reduced():
    exp = experiments.get("scaling")
    return exp, exp.run(exp.resolve(scale="reduced"), seed=0)


def test_scaling_reduced_targets(scaling_reduced):
    exp, result = scaling_reduced
    rows = experiments.compare(result, exp.targets, "reduced")
    assert rows
    failed = [(r.metric, r.measured, r.tolerance) for r in rows if not r.passed]
    assert not failed, failed


def test_scaling_step_and_recovery(scaling_reduced):
    _, result = scaling_reduced
    m, c = result.metrics, result.config
    assert m["rate_jump"] > 2 * c["target_rate"]                       # the step perturbed the rate
    assert m["rate_after"] == pytest.approx(c["target_rate"], rel=0.10)
    assert 0 < m["recovery_time_s"] < (c["duration"] - c["t_step"]) * 1e-3
    # the input doubled, so every neuron's weights had to shrink (one common factor each)
    assert m["gain_max"] < 1.0 and m["w_hit_bounds"] == 0
    assert m["max_ratio_deviation"] <= 1e-6
    g = result.recordings["gain"]
    for j in range(int(c["n_neurons"])):
        ratio = g["w1"][g["post"] == j] / g["w0"][g["post"] == j]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-9)
    assert set(result.figures) == {"rate_and_weights"}


def test_scaling_reproducible():
    exp = experiments.get("scaling")
    cfg = exp.resolve({"duration": 2000.0, "t_step": 1000.0, "n_neurons": 5, "settle": 500.0,
                       "last_window": 500.0, "smooth": 500.0}, "reduced")
    one, two, other = exp.run(cfg, seed=2), exp.run(cfg, seed=2), exp.run(cfg, seed=3)
    np.testing.assert_array_equal(one.recordings["gain"]["w1"], two.recordings["gain"]["w1"])
    np.testing.assert_array_equal(one.recordings["rate"]["rate"], two.recordings["rate"]["rate"])
    assert not np.array_equal(one.recordings["rate"]["rate"], other.recordings["rate"]["rate"])
