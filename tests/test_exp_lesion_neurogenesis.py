"""lesion-recovery and neurogenesis experiments: reduced-scale targets, reproducibility."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic.experiments import neurogenesis


def _run(name, seed=0, scale="reduced", **over):
    exp = experiments.get(name)
    res = exp.run(exp.resolve(over, scale), seed=seed)
    return exp, res


@pytest.fixture(scope="module")
def lesion():
    return _run("lesion-recovery")


@pytest.fixture(scope="module")
def neuro():
    return _run("neurogenesis")


def test_lesion_recovery_reduced_targets(lesion):
    exp, res = lesion
    m = res.metrics
    rows = experiments.compare(res, exp.targets, "reduced")
    assert all(r.passed for r in rows), [(r.metric, r.measured) for r in rows if not r.passed]
    assert m["lesioned"] == round(0.3 * res.config["n_exc"]) and m["same_lesion"]
    assert np.isnan(m["recovery_time_s_static"])            # the static network never returns
    assert m["in_degree_post"] < 0.8 * m["in_degree_pre"]   # the lesion removed input synapses
    assert m["in_degree_end"] > m["in_degree_post"]          # MSP regrew some of them
    assert m["in_degree_end_static"] < 0.8 * m["in_degree_pre"]   # nothing regrows without plasticity
    assert "recovery" in res.figures


def test_neurogenesis_reduced_targets(neuro):
    exp, res = neuro
    rows = experiments.compare(res, exp.targets, "reduced")
    assert all(r.passed for r in rows), [(r.metric, r.measured) for r in rows if not r.passed]
    m = res.metrics
    assert m["n_exc_end"] == res.config["n_exc"] + res.config["n_new"]
    assert m["in_degree_new_min"] == res.config["n_in"] + res.config["n_inh"]   # all-to-all projections
    assert m["out_degree_new_min"] == res.config["n_inh"]
    assert abs(m["rate_old_change"]) < 0.25


def test_neurogenesis_is_reproducible_and_seed_dependent(neuro):
    _, res = neuro
    _, again = _run("neurogenesis")
    np.testing.assert_array_equal(res.recordings["counts"]["after"], again.recordings["counts"]["after"])
    _, other = _run("neurogenesis", seed=1)
    assert not np.array_equal(res.recordings["counts"]["after"], other.recordings["counts"]["after"])


def test_vote_readout_in_closed_form():
    counts = np.array([[5, 0, 1], [0, 4, 0], [1, 1, 9]])
    order = np.array([0, 1, 1])
    labels = np.array([0, 1, 1])
    # presentation 3: label-1 neurons average (1 + 9) / 2 = 5 > label-0's 1 -> class 1 (correct)
    assert neurogenesis.vote_accuracy(counts, order, labels, 2) == 1.0
    assert neurogenesis.vote_accuracy(counts, order, labels, 2, neurons=[0, 1]) == pytest.approx(2 / 3)
    lab, resp = neurogenesis.labels_from(counts, order, 2)
    np.testing.assert_array_equal(lab, [0, 1, 1])
    np.testing.assert_allclose(resp, [[5, 0, 1], [0.5, 2.5, 4.5]])


@pytest.mark.slow
def test_neurogenesis_full_scale_targets():
    exp, res = _run("neurogenesis", scale="full")
    rows = experiments.compare(res, exp.targets, "full")
    assert all(r.passed for r in rows), [(r.metric, r.measured) for r in rows if not r.passed]
