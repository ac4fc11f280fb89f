"""The ``xor`` and ``temporal-pattern`` comparison tasks: their parts against closed forms,
their reduced versions against their targets, and the CLI listing."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.cli import main
from neuroplastic.compare import get_task, run_comparison
from neuroplastic.compare._pattern_data import layout, make_input, window_counts
from neuroplastic import SRM, ReducedNearestSTDP

pytest.importorskip("jax")


# --- parts ------------------------------------------------------------------------------------

def _pairing(pre, post):
    m = npl.Model(dt=0.1, max_rate=None)
    m.add(npl.SpikeTimes("pre", 1, np.zeros(len(pre), np.int64), np.array(pre, float)))
    m.add(npl.SpikeTimes("post", 1, np.zeros(len(post), np.int64), np.array(post, float)))
    rule = ReducedNearestSTDP()
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=0.5, rules=[rule], w_min=0.0, w_max=1.0))
    net = npl.Network(m, seed=0).run(40.0)
    return net.weights("p")[0] - 0.5, rule


def test_reduced_nearest_stdp_pairs_each_spike_once():
    # pre 10, 12 | post 15, 17 | pre 20, 22: only 12 -> 15 potentiates, only 17 -> 20 depresses
    dw, r = _pairing([10.0, 12.0, 20.0, 22.0], [15.0, 17.0])
    assert dw == pytest.approx(r.a_plus * np.exp(-3 / 16.8) - r.a_minus * np.exp(-3 / 33.7), rel=1e-9)
    assert r.a_minus == pytest.approx(0.85 * 2 ** -5)
    # a presynaptic spike in the step of the postsynaptic one pairs as the first one after it
    dw, r = _pairing([10.0, 15.0], [15.0])
    assert dw == pytest.approx(-r.a_minus, rel=1e-9)


def test_srm_epsp_and_after_potential_are_the_paper_kernels():
    m = npl.Model(dt=0.1, max_rate=None)
    m.add(npl.SpikeTimes("in", 1, np.array([0]), np.array([5.0])))
    m.add(npl.Population("c", 2, SRM()))
    m.add(npl.Projection("p", "in", "c", npl.AllToAll(), weight=np.array([1.0, 600.0])))
    m.add(npl.StateMonitor("c", ("u",), interval=0.1))
    m.add(npl.SpikeMonitor("c"))
    net = npl.Network(m, seed=0).run(60.0)
    d, cell = net.monitor("state_c"), SRM()
    t, u = d["t"], d["u"]
    k = (t > 5.1) & (t < 40.0)                      # delivered at the end of the spike's step
    np.testing.assert_allclose(u[k, 0], cell.epsp(t[k] - 5.1), atol=1e-9)
    assert u[:, 0].max() == pytest.approx(1.0, abs=1e-4)          # peak 1 (X = 6.35)
    idx, ts = net.spikes("c")
    assert idx.tolist() == [1] and 5.1 < ts[0] < 8.0
    k = (t > ts[0]) & (t < ts[0] + 30.0)
    np.testing.assert_allclose(u[k, 1], cell.eta(t[k] - ts[0] - 0.1), atol=1e-6)
    assert cell.eta(5.0) < -0.6 * 500 and cell.eta(0.0) == 1000.0


def test_pattern_input_repeats_timing_at_equal_rates():
    c = dict(get_task("temporal-pattern").resolve(scale="reduced"), variable_rate=False, jitter=0.0,
             duration_s=20.0, n_aff=200, n_pattern=100)
    inp = make_input(c, 0, 20e3)
    assert inp.slot_is_pattern.mean() == pytest.approx(0.25, abs=0.06)
    assert not np.any(inp.slot_is_pattern[1:] & inp.slot_is_pattern[:-1])
    n, n_pat = int(c["n_aff"]), int(c["n_pattern"])
    counts = window_counts(inp, n, 50, np.arange(len(inp.slot_is_pattern)))    # 1 ms bins
    pat, other = counts[inp.slot_is_pattern], counts[~inp.slot_is_pattern]
    rate = lambda x: x.sum() / (len(x) * x.shape[1] / 50) / 0.05   # Hz per afferent
    # equal rates: pattern and non-pattern afferents, in and out of the pattern (64 Hz)
    for block in (pat[:, :n_pat * 50], pat[:, n_pat * 50:], other[:, :n_pat * 50]):
        assert rate(block) == pytest.approx(64.0, rel=0.08)
    # the pattern afferents' timing repeats (every spike of the pattern, to the ms), the others' does not
    same = np.minimum(pat[0], pat[1])
    assert same[:n_pat * 50].sum() >= len(layout(c, 0, 20e3).p_t) > 0.7 * pat[0][:n_pat * 50].sum()
    assert same[n_pat * 50:].sum() / pat[0][n_pat * 50:].sum() < 0.1


# --- the tasks at reduced scale ---------------------------------------------------------------

def test_xor_reduced(tmp_path):
    result, _ = run_comparison("xor", {"seeds": (0,)}, scale="reduced", out=tmp_path)
    assert all(r.passed for r in result.rows), [(r.metric, r.measured) for r in result.rows]
    m, c = result.flat(), result.config
    assert m["dendritic.accuracy"] == 1.0 and m["mlp.accuracy"] >= 0.95
    assert m["perceptron.accuracy"] <= 0.8
    assert m["dendritic.labelled_examples"] == m["perceptron.labelled_examples"] == m["mlp.labelled_examples"] == 600
    # training events: n_train x 2 n_in x (each input on half the time: rate_on t_stim, else rate_off)
    per_input = 0.5 * (c["rate_on"] * c["t_stim"] + c["rate_off"] * c["t_gap"]) * 1e-3 \
        + 0.5 * c["rate_off"] * (c["t_stim"] + c["t_gap"]) * 1e-3
    assert m["dendritic.cost"] == pytest.approx(600 * 200 * per_input, rel=0.03)
    assert m["mlp.cost"] == 3 * m["mlp.connections"] * m["mlp.examples"] and m["mlp.connections"] == 200 * 8 + 8 * 2


@pytest.mark.slow
def test_temporal_pattern_reduced(tmp_path):
    result, _ = run_comparison("temporal-pattern", {"seeds": (2,)}, scale="reduced", out=tmp_path)
    assert all(r.passed for r in result.rows), [(r.metric, r.measured) for r in result.rows]
    m = result.flat()
    assert m["spiking.hit_rate"] > 0.98 and m["spiking.false_alarms"] == 0 and m["spiking.labelled_examples"] == 0
    assert m["spiking.find_s"] <= 20.0 and m["spiking.w_pattern"] > 3 * m["spiking.w_other"]
    assert m["logistic.labelled_examples"] == 100 and m["logistic.connections"] == 2000 * 10 * 2
    assert m["perceptron.connections"] == 2000


def test_the_tasks_are_listed(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "xor" in out and "temporal-pattern" in out
    assert main(["list", "temporal-pattern"]) == 0
    assert "label_grid" in capsys.readouterr().out
