"""``rewiring-budget``: a fixed synapse budget, pruned and regrown (PruneAndRegrow), against
the same budget left static, on scikit-learn's digits."""
import math

import numpy as np
import pytest

from neuroplastic.experiments import compare, get
from neuroplastic.experiments import rewiring_budget as rb

EXP = get("rewiring-budget")


@pytest.fixture(scope="module")
def reduced():
    return EXP.run(EXP.resolve(scale="reduced"), seed=0)


def test_reduced_scale_targets(reduced):
    m = reduced.metrics
    rows = compare(reduced, EXP.targets, "reduced")
    assert {r.metric for r in rows} == {"budget_deviation", "accuracy_rewired", "bg_fraction_ratio_rewired"}
    assert all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]
    # both networks learn a usable code (chance 0.1); the raw-pixel readout is the ceiling reference
    assert m["accuracy_static"] > 0.6 and m["accuracy_rewired"] > 0.6
    assert m["accuracy_pixels"] > 0.85
    assert m["accuracy_gain"] == pytest.approx(m["accuracy_rewired"] - m["accuracy_static"])


def test_budget_is_kept_and_rewiring_moves_synapses(reduced):
    m, rec = reduced.metrics, reduced.recordings
    k = rb.budget_k(reduced.config)
    budget = k * reduced.config["n_hidden"]
    assert m["budget"] == budget == m["synapses_end_static"] == m["synapses_end_rewired"]
    for name in ("static", "rewired"):
        snaps = rec[f"connectivity_{name}"]
        assert np.all(snaps["count"] == budget)
        assert np.all(snaps["indeg"].sum(axis=1) == budget)
        syn = rec[f"synapses_{name}"]
        assert len(syn["pre"]) == budget
        # no duplicate (pixel, neuron) pairs
        assert len(np.unique(syn["pre"] * 1000 + syn["post"])) == budget
    # static keeps its wiring (FixedInDegree: k per neuron); rewired regrows, so degrees drift
    assert np.all(rec["connectivity_static"]["indeg"] == k)
    assert m["rewired_total"] > 0.3 * budget
    # pruning by weight takes the synapses off pixels that are (almost) never on
    assert m["bg_fraction_end_static"] == m["bg_fraction_start"] > 0.2
    assert m["bg_fraction_end_rewired"] < 0.5 * m["bg_fraction_start"]
    assert m["silent_static"] <= 4 and m["silent_rewired"] <= 4   # of 30
    assert set(reduced.figures) == {"accuracy", "receptive_fields", "connectivity"}


def test_same_seed_same_result():
    c = EXP.resolve({"n_hidden": 20, "n_train": 60, "n_test": 60, "rewire_period": 600.0}, "reduced")
    a, b = rb.run(c, seed=3), rb.run(c, seed=3)
    for key, value in a.metrics.items():
        if key != "wall_s":
            assert (math.isnan(value) and math.isnan(b.metrics[key])) or value == b.metrics[key], key
    for name in ("static", "rewired"):
        for key in ("pre", "post", "w", "theta"):
            assert np.array_equal(a.recordings[f"synapses_{name}"][key], b.recordings[f"synapses_{name}"][key])
    assert a.metrics["rewired_total"] > 0


def test_digits_split_is_fixed_and_disjoint():
    c = EXP.resolve(scale="full")
    x_tr, y_tr, x_te, y_te = rb.digits(c)
    assert x_tr.shape == (1000, 64) and x_te.shape == (797, 64)
    assert x_tr.max() <= 16 and x_tr.min() >= 0
    assert set(np.unique(y_tr)) == set(range(10))
    x_tr2, *_ = rb.digits(c)
    assert np.array_equal(x_tr, x_tr2)


@pytest.mark.slow
def test_full_scale_rewiring_beats_static_budget():
    """The pre-registered confirmatory test (docs/structural.md): 20 fresh seeds, 30 neurons x
    2 synapses, pruning of unused synapses; ~2-3 min."""
    full = EXP.run(EXP.resolve(scale="full"), seed=0)
    m, rec = full.metrics, full.recordings
    rows = compare(full, EXP.targets, "full")
    assert {r.metric for r in rows} == {"gain_p_one_sided", "accuracy_gain", "budget_deviation",
                                        "accuracy_rewired", "bg_fraction_ratio_rewired"}
    assert all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]
    assert m["n_seeds"] == 20 and list(rec["seeds"]["seed"]) == list(range(10, 30))
    assert m["budget"] == 60
    gains = rec["seeds"]["gain"]
    assert np.allclose(gains, rec["seeds"]["accuracy_rewired"] - rec["seeds"]["accuracy_static"])
    assert m["accuracy_gain"] == pytest.approx(gains.mean())
    assert m["gain_se"] == pytest.approx(gains.std(ddof=1) / np.sqrt(20))
    assert "gains" in full.figures


def test_seed_list_combines_paired_statistics():
    # two tiny seeds: the combined metrics are the means, the t-test is on the paired gains
    from scipy import stats

    c = EXP.resolve({"n_hidden": 10, "n_train": 40, "n_test": 40, "rewire_period": 600.0, "seeds": "3,4"},
                    "reduced")
    combined = rb.run(c, seed=99)
    singles = [rb.run(dict(c, seeds=()), seed=s) for s in (3, 4)]
    gains = np.array([r.metrics["accuracy_gain"] for r in singles])
    m = combined.metrics
    assert m["n_seeds"] == 2
    assert m["accuracy_static"] == pytest.approx(np.mean([r.metrics["accuracy_static"] for r in singles]))
    assert m["accuracy_gain"] == pytest.approx(gains.mean())
    if gains[0] != gains[1]:
        assert m["gain_p_one_sided"] == pytest.approx(stats.ttest_1samp(gains, 0.0, alternative="greater").pvalue)
    np.testing.assert_array_equal(combined.recordings["seeds"]["gain"], gains)
    with pytest.raises(Exception, match="seeds"):
        rb.run(dict(c, seeds=(3, 3)), seed=0)
