"""``sleep-replay``: two sets of assemblies learned one after the other; sleep (spontaneous
replay with plasticity on) against a control with the same activity and every rule off."""
import math

import numpy as np
import pytest

from neuroplastic import Network, ValidationError
from neuroplastic.experiments import _sleep_network as sn
from neuroplastic.experiments import compare, get
from neuroplastic.experiments import sleep_replay as sr

EXP = get("sleep-replay")


@pytest.fixture(scope="module")
def reduced():
    """Reduced scale: 200 + 50 neurons, assemblies of 20, shorter phases, seeds 0 and 1."""
    return EXP.run(EXP.resolve(scale="reduced"), seed=0)


def test_reduced_scale_targets(reduced):
    rows = compare(reduced, EXP.targets, "reduced")
    assert {r.metric for r in rows} == {"recall1_gain", "recall2_gain", "interference", "recall2_learned",
                                        "replay1_over_shuffled", "wake1_identical"}
    assert all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]
    m = reduced.metrics
    # set 1 was learned in wake 1, lost part of its recall to set 2 without sleep, kept more with it
    assert m["recall1_control_wake1"] > m["recall1_start"] + 0.1
    assert m["recall1_control_wake2"] < m["recall1_control_wake1"]
    assert m["recall1_sleep_off2"] > m["recall1_control_off2"]
    assert set(reduced.figures) == {"recall", "replay", "gains"}


def test_control_is_frozen_and_wake1_shared(reduced):
    c = reduced.config
    ctl, slp = reduced.recordings["recall_control"], reduced.recordings["recall_sleep"]
    ends = sr.phase_ends(c)
    np.testing.assert_array_equal(ctl["t"], slp["t"])
    upto = ctl["t"] <= ends["wake1"]
    # the same network until wake 1 ends: identical probes (bit for bit)
    np.testing.assert_array_equal(ctl["recall"][:, upto], slp["recall"][:, upto])
    # every rule off in the rest phases: no weight changes, so every probe in them repeats the last
    for t0, t1 in ((0.0, ends["wake1"]), (ends["off1"], ends["wake2"])):
        last = int(np.flatnonzero(ctl["t"] <= t1 + 1e-9)[-1])
        rest = (ctl["t"] > t1 + 1e-9) & (ctl["t"] <= t1 + c["t_sleep"] + 1e-9)
        assert rest.any()
        for k in np.flatnonzero(rest):
            np.testing.assert_array_equal(ctl["recall"][:, k], ctl["recall"][:, last])
    # sleep changes the weights: its probes in the first sleep move away from the end of wake 1
    k_wake1 = int(np.flatnonzero(slp["t"] <= ends["wake1"] + 1e-9)[-1])
    assert not np.array_equal(slp["recall"][:, k_wake1 + 1], slp["recall"][:, k_wake1])


def test_paired_statistics_over_seeds(reduced):
    from scipy import stats

    m, seeds = reduced.metrics, reduced.recordings["seeds"]
    gains = seeds["recall1_gain"]
    assert list(seeds["seed"]) == [0, 1] and m["n_seeds"] == 2
    np.testing.assert_allclose(gains, seeds["recall1_sleep_off2"] - seeds["recall1_control_off2"])
    assert m["recall1_gain"] == pytest.approx(gains.mean())
    assert m["recall1_gain_se"] == pytest.approx(gains.std(ddof=1) / math.sqrt(2))
    assert m["recall1_gain_p_one_sided"] == pytest.approx(stats.ttest_1samp(gains, 0.0,
                                                                            alternative="greater").pvalue)
    assert m["seeds_gain_positive"] == int((gains > 0).sum())


def test_memories_layout():
    c = EXP.resolve(scale="full")
    mem = sn.memories(c, seed=3)
    k, size, v = c["n_assemblies"], c["assembly_size"], c["overlap"]
    assert len(mem.set1) == len(mem.set2) == k
    for x in range(k):
        for y in range(k):
            shared = np.intersect1d(mem.set1[x], mem.set2[y]).size
            assert shared == (v if x == y else 0)
        assert np.intersect1d(mem.set1[x], mem.set1[(x + 1) % k]).size == (0 if k > 1 else size)
    for members, cue, own in zip(mem.assemblies, mem.cues, mem.own):
        assert members.size == size and cue.size == size // 2
        assert np.isin(cue, members).all() and np.isin(own, members).all()
        assert own.size == size - v
    np.testing.assert_array_equal(sn.memories(c, seed=3).cues[0], mem.cues[0])
    assert not np.array_equal(sn.memories(c, seed=4).cues[0], mem.cues[0])


def test_count_events_closed_form():
    # 10 neurons; bin 0: all 10 fire, bins 3-4: 6 of them (one event spanning two bins), bin 7: 3 only
    i = np.concatenate([np.arange(10), np.arange(6), np.arange(6), np.arange(3)])
    t = np.concatenate([np.full(10, 1.0), np.full(6, 65.0), np.full(6, 85.0), np.full(3, 145.0)])
    neurons = np.arange(10)
    assert sn.count_events(i, t, neurons, 0.0, 200.0, 20.0, need=5) == 2
    assert sn.count_events(i, t, neurons, 0.0, 200.0, 20.0, need=3) == 3
    assert sn.count_events(i, t, neurons, 0.0, 200.0, 20.0, need=11) == 0
    assert sn.count_events(i, t, neurons[:4], 0.0, 200.0, 20.0, need=4) == 2
    # a neuron firing twice in one bin counts once
    assert sn.count_events(np.array([0, 0, 1]), np.array([1.0, 2.0, 3.0]), neurons, 0.0, 20.0, 20.0, 3) == 0
    # synchronous volleys: many events; after circular shuffles of each train (rates kept) hardly any
    rng = np.random.default_rng(0)
    volleys = np.arange(10.0, 10_000.0, 500.0)
    ii = np.repeat(np.arange(10), volleys.size)
    tt = np.tile(volleys, 10)
    assert sn.count_events(ii, tt, neurons, 0.0, 10_000.0, 20.0, need=5) == volleys.size
    assert sn.shuffled_events(ii, tt, neurons, 0.0, 10_000.0, 20.0, 5, rng, 5) < 1.0


def test_recall_measure_reads_assembly_weights():
    """No structure: recall ~ 0; strong weights within each set-1 assembly: its uncued half fires."""
    c = EXP.resolve({"seeds": ""}, scale="reduced")
    mem = sn.memories(c, seed=0)
    net = Network(sn.build(c, "rest"), seed=0)
    probe = Network(sn.build_probe(c, net), seed=1)
    w0 = net.weights("ee")
    flat = sn.recall(probe, c, w0, mem)
    assert np.abs(flat).max() < 0.05
    pre, post = net.synapses("ee")
    w = w0.copy()
    for a in mem.set1:
        w[np.isin(pre, a) & np.isin(post, a)] = c["w_ee_max"]
    strong = sn.recall(probe, c, w, mem)
    k = mem.n_per_set
    assert strong[:k].min() > 0.3
    assert np.abs(strong[k:]).max() < strong[:k].min()        # set 2 shares neurons but not those synapses
    np.testing.assert_array_equal(sn.recall(probe, c, w, mem), strong)   # reset: the same input every probe


def test_bad_configurations():
    c = EXP.resolve({"seeds": "", "n_exc": 100}, scale="reduced")
    with pytest.raises(ValidationError, match="n_exc"):
        sr.run(c, seed=0)
    with pytest.raises(ValidationError, match="seeds"):
        sr.run(EXP.resolve({"seeds": "1,1"}, scale="reduced"), seed=0)
    with pytest.raises(ValidationError, match="overlap"):
        EXP.resolve({"overlap": 20}, scale="reduced")
    with pytest.raises(ValidationError, match="control"):
        EXP.resolve({"control": "nap"}, scale="reduced")


@pytest.mark.slow
@pytest.mark.full_scale
def test_full_scale_sleep_protects_set1():
    """The pre-registered confirmatory test (docs/memory.md, "Sleep and replay"): seeds 10-29,
    full scale; a few minutes on two cores."""
    full = EXP.run(EXP.resolve(scale="full"), seed=0)
    rows = compare(full, EXP.targets, "full")
    assert all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]
    assert full.metrics["n_seeds"] == 20
    assert list(full.recordings["seeds"]["seed"]) == list(range(10, 30))
