"""Structural plasticity: batched edits keep the store, rule state and monitors
consistent; growth and compaction change nothing; runs are reproducible; the
built-in PruneAndRegrow keeps the synapse budget; spikes use the new wiring."""
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine.structure import Structure
from neuroplastic.plasticity.rule import Rule, State
from neuroplastic.plasticity.structural import PruneAndRegrow, RandomRewire, Structural

SCRIPTS = {}  # Tagged.script -> function(t, edit, rng)


@dataclass(frozen=True)
class Tagged(Structural, Rule):
    """Test rule: per-synapse state ``tag`` (the tests store synapse ids in it);
    its update runs ``SCRIPTS[script]``."""

    period: float = 10.0
    script: float = 0.0
    synapse_state = (State("tag", -1.0),)

    def restructure(self, t, edit, rng):
        fn = SCRIPTS.get(int(self.script))
        if fn is not None:
            fn(t, edit, rng)


def _tag_all(edit):
    s = edit.slots()
    edit.rule_states[0].syn.tag[s] = edit.ids[s]


def _random_edits(edit, rng, n_remove, n_add):
    slots = edit.slots()
    edit.remove(rng.choice(slots, size=min(n_remove, len(slots)), replace=False))
    i = rng.integers(0, edit.n_pre, n_add)
    j = rng.integers(0, edit.n_post, n_add)
    new = edit.add(i, j, rng.random(n_add))
    edit.rule_states[0].syn.tag[new] = edit.ids[new]
    return new


def tagged_net(script=0, n_pre=30, n_post=20, p=0.2, period=10.0, seed=0, pre_times=None):
    m = npl.Model(dt=0.1)
    idx, times = pre_times if pre_times is not None else ((), ())
    m.add(npl.SpikeTimes("pre", n_pre, list(idx), list(times)))
    m.add(npl.Population("post", n_post, npl.LIF()))
    m.add(npl.Projection("p", "pre", "post", npl.FixedProbability(p), weight=npl.Uniform(0.0, 1.0),
                         rules=[Tagged(period=period, script=script)], w_min=0.0, w_max=1.0))
    m.add(npl.StateMonitor("post", ("ie",), interval=0.1))
    m.add(npl.WeightMonitor("p", synapses=list(range(10)), interval=1.0))
    return npl.Network(m, seed=seed)


def check_store(st, n_pre, n_post):
    """Rows, columns, ids agree with each other and with a brute-force rebuild."""
    alive = np.flatnonzero(st.alive)
    assert st.row_len.sum() == len(alive) == st.col_len.sum()
    # rows: every live slot inside its row's used range, nothing alive outside
    i = st.pre[alive]
    assert np.all((alive >= st.row_start[i]) & (alive < st.row_start[i] + st.row_len[i]))
    assert np.all(st.row_start + st.row_len <= st.row_start + st.row_cap)
    # columns: the column lists hold exactly the live slots, with their pre
    cols = []
    for j in range(n_post):
        c = slice(st.col_start[j], st.col_start[j] + st.col_len[j])
        syn = st.col_syn[c]
        assert np.all(st.post[syn] == j) and np.all(st.alive[syn])
        np.testing.assert_array_equal(st.col_pre[c], st.pre[syn])
        np.testing.assert_array_equal(st.col_pos[syn], np.arange(c.start, c.stop))
        cols.append(syn)
    np.testing.assert_array_equal(np.sort(np.concatenate(cols)), alive)
    # ids: a bijection between live slots and live ids
    ids = st.sid[alive]
    assert np.all(ids >= 0) and len(np.unique(ids)) == len(ids)
    np.testing.assert_array_equal(st.slots_of(ids), alive)
    assert np.sum(st.id_slot[: st.n_ids[1]] >= 0) == len(alive)
    assert np.all(st.sid[~st.alive] == -1)
    # brute force: the same multiset of (pre, post) per row as a fresh build
    from neuroplastic.engine.synapses import build_store

    fresh = build_store(st.pre[alive], st.post[alive], st.w[alive], st.delay[alive], n_pre, n_post)
    for r in range(n_pre):
        a = st.post[st.row_start[r]: st.row_start[r] + st.row_len[r]]
        b = fresh.post[fresh.row_start[r]: fresh.row_start[r] + fresh.row_len[r]]
        assert Counter(a.tolist()) == Counter(b.tolist())


def check_tags(net):
    st, tag = net._store("p"), net.rule_state("p").syn.tag
    alive = st.alive
    np.testing.assert_array_equal(tag[alive], st.sid[alive])


def test_batched_edits_keep_rows_columns_ids_and_rule_state_consistent():
    net = tagged_net()
    e = Structure(net).edit(0)
    _tag_all(e)
    rng = np.random.default_rng(1)
    by_id = dict(zip(e.ids[e.slots()].tolist(), zip(e.pre[e.slots()].tolist(), e.w[e.slots()].tolist())))
    for _ in range(30):
        before = e.slots()
        victims = rng.choice(before, size=7, replace=False)
        for k in e.ids[victims]:
            del by_id[int(k)]
        assert e.remove(np.concatenate([victims, victims[:2]])) == 7   # repeats ignored
        new = _random_edits(e, rng, 0, 5)
        for s in new:
            by_id[int(e.ids[s])] = (int(e.pre[s]), float(e.w[s]))
        check_store(e.store, e.n_pre, e.n_post)
        check_tags(net)
    s = e.slots()
    assert dict(zip(e.ids[s].tolist(), zip(e.pre[s].tolist(), e.w[s].tolist()))) == by_id
    # net.weights / net.synapses: existing synapses in id order
    ids = sorted(by_id)
    np.testing.assert_array_equal(net.weights("p"), [by_id[k][1] for k in ids])
    np.testing.assert_array_equal(net.synapses("p")[0], [by_id[k][0] for k in ids])
    assert e.exists(e.pre[s[:5]], e.post[s[:5]]).all()


def test_growth_beyond_capacity_keeps_every_synapse():
    net = tagged_net(n_pre=10, n_post=8, p=0.3)
    e = Structure(net).edit(0)
    _tag_all(e)
    cap0 = e.capacity
    old = {int(k): (int(a), int(b), float(w)) for k, a, b, w in
           zip(e.ids[e.slots()], e.pre[e.slots()], e.post[e.slots()], e.w[e.slots()])}
    # every pair twice over, all from one end: rows and columns overflow repeatedly
    i, j = np.meshgrid(np.arange(10), np.arange(8), indexing="ij")
    for _ in range(3):
        new = e.add(i.ravel(), j.ravel(), 0.25)
        e.rule_states[0].syn.tag[new] = e.ids[new]
    assert e.capacity > cap0 and e.count == len(old) + 3 * 80
    check_store(e.store, 10, 8)
    check_tags(net)
    for k, (a, b, w) in old.items():
        s = e.slots_of([k])[0]
        assert (e.pre[s], e.post[s], e.w[s]) == (a, b, w)
    assert Counter(zip(e.pre[e.slots()].tolist(), e.post[e.slots()].tolist()))[(3, 4)] >= 3
    e.compact()
    check_store(e.store, 10, 8)
    check_tags(net)
    net.run(5.0)   # the kernel accepts the re-laid-out arrays
    net.reset()    # and reset restores the build-time layout
    assert e.capacity == cap0
    check_store(e.store, 10, 8)


def _churn(t, edit, rng):
    _random_edits(edit, rng, 15, 15)


SCRIPTS[1] = _churn


def test_rule_state_moves_with_its_synapse_during_runs_and_monitors_follow():
    net = tagged_net(script=1)
    _tag_all(net._structure.edit(0))
    e = net._structure.edit(0)
    w0 = net.weights("p")[:10].copy()
    pre0, post0 = net.synapses("p")
    net.run(100.5)   # 10 updates of 15 removals + 15 additions, then one sample
    check_store(e.store, 30, 20)
    check_tags(net)
    assert e.store.n_ids[0] == len(pre0) + 150
    mon = net.monitor("weights_p")
    np.testing.assert_array_equal(mon["pre"], pre0[:10])
    # a monitored synapse: constant weight (no weight rule) while it exists, NaN after removal
    gone = e.slots_of(np.arange(10)) < 0
    w = mon["w"]
    for k in range(10):
        col = w[:, k]
        if gone[k]:
            assert np.isnan(col[-1]) and not np.isnan(col[0])
            assert np.all(np.isnan(col[np.argmax(np.isnan(col)):]))   # NaN from removal on
            assert np.all(col[~np.isnan(col)] == w0[k])
        else:
            assert np.all(col == w0[k])


def test_new_synapses_transmit_and_removed_ones_do_not():
    def rewire(t, edit, rng):
        edit.remove(edit.slots())
        edit.add([1], [2], 1.0)

    def add_delayed(t, edit, rng):
        edit.add([0], [1], 1.0, delay=1.0)

    SCRIPTS[2], SCRIPTS[3] = rewire, add_delayed
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 3, [0, 1, 2, 0, 1, 2], [5.0, 5.0, 5.0, 15.0, 15.0, 15.0]))
    m.add(npl.Population("post", 3, npl.LIF()))
    m.add(npl.Projection("p", "pre", "post", npl.Pairs([0], [0]), weight=1.0,
                         rules=[Tagged(period=10.0, script=2)], w_min=0.0, w_max=1.0))
    m.add(npl.Projection("q", "pre", "post", npl.Pairs([2], [1]), weight=1.0, delay=2.0,
                         rules=[Tagged(period=10.0, script=3)], w_min=0.0, w_max=1.0))
    m.add(npl.StateMonitor("post", ("ie",), interval=0.1))
    net = npl.Network(m)
    net.run(20.0)
    ie = net.monitor("state_post")["ie"]        # samples at the start of each step
    jump = ie[1:] - ie[:-1]                     # jump[n] > 0: input during step n
    assert jump[50, 0] > 0.5 and jump[50, 1] == 0 and jump[50, 2] == 0
    assert jump[150, 2] > 0.5
    assert jump[150, 0] <= 0 and jump[150, 1] <= 0
    pre, post = net.synapses("p")
    assert pre.tolist() == [1] and post.tolist() == [2]
    # delayed projection: 2 -> 1 (2 ms) from the start, 0 -> 1 (1 ms) added at 10 ms
    hits = np.flatnonzero(jump[:, 1] > 0.5).tolist()
    assert hits == [70, 160, 170]


def stdp_prune_net(seed=0, stdp=True, threshold=20.0, period=50.0, monitor=True):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 100, rate=50.0))
    m.add(npl.Population("exc", 40, npl.LIF()))
    rules = [npl.PairSTDP(a_plus=4.0 if stdp else 0.0, a_minus=5.0 if stdp else 0.0),
             PruneAndRegrow(threshold=threshold, period=period, w_init=50.0)]
    m.add(npl.Projection("p", "inp", "exc", npl.FixedProbability(0.2), weight=npl.Uniform(0.0, 200.0),
                         rules=rules, w_min=0.0, w_max=200.0))
    m.add(npl.Projection("r", "exc", "exc", npl.FixedProbability(0.1), weight=30.0,
                         rules=[RandomRewire(p=0.05, period=20.0)]))
    m.add(npl.SpikeMonitor("exc"))
    if monitor:
        m.add(npl.WeightMonitor("p", interval=5.0))
    return npl.Network(m, seed=seed)


def _result(net):
    i, t = net.spikes("exc")
    return i, t, net.weights("p"), net.synapses("p"), net.synapses("r"), net.monitors()


def _same(a, b):
    for x, y in zip(a[:5], b[:5]):
        for u, v in zip(x if isinstance(x, tuple) else (x,), y if isinstance(y, tuple) else (y,)):
            np.testing.assert_array_equal(u, v)
    for name in a[5]:
        for key in a[5][name]:
            np.testing.assert_array_equal(a[5][name][key], b[5][name][key])


def test_same_seed_same_run_and_compaction_or_reset_change_nothing():
    a = stdp_prune_net(seed=3)
    a.run(300.0)
    ra = _result(a)
    assert len(ra[0]) > 100, len(ra[0])
    assert a._store("p").n_ids[0] > len(ra[2])   # synapses were replaced
    b = stdp_prune_net(seed=3)
    b.run(120.0)
    b.compact()
    b.run(180.0)
    _same(ra, _result(b))
    a.reset()
    a.run(300.0)
    _same(ra, _result(a))
    c = stdp_prune_net(seed=4)
    c.run(300.0)
    assert not np.array_equal(c.synapses("r")[0], ra[4][0])


def test_prune_and_regrow_keeps_the_count_and_removes_only_weak_synapses():
    net = stdp_prune_net(stdp=False, threshold=30.0, period=10.0, monitor=False)
    st = net._store("p")
    for _ in range(3):
        net.run(9.9)   # up to just before the update
        ids_before = st.sid[st.build_slots]
        w_before = st.w[st.build_slots].copy()
        net.run(0.1)
        ids_after = st.sid[st.build_slots]
        assert len(ids_after) == len(ids_before)
        removed = np.setdiff1d(ids_before, ids_after)
        weak = ids_before[w_before < 30.0]
        np.testing.assert_array_equal(removed, weak)
        new = ids_after[ids_after > ids_before.max()]
        assert len(new) == len(weak) and np.all(st.w[st.slots_of(new)] == 50.0)
        pairs = st.pre[st.build_slots] * 40 + st.post[st.build_slots]
        assert len(np.unique(pairs)) == len(pairs)
    # after the first update nothing is weak any more (weights are static)
    assert np.all(net.weights("p") >= 30.0)


def test_validation():
    with pytest.raises(npl.ValidationError if hasattr(npl, "ValidationError") else ValueError):
        PruneAndRegrow(threshold=0.1, period=0.0)
    net = tagged_net()
    e = Structure(net).edit(0)
    with pytest.raises(ValueError):
        e.add([0], [0], 0.5, delay=1.0)   # the projection has no delay buffer
    with pytest.raises(IndexError):
        e.add([30], [0], 0.5)


def test_batch_kernels_tolerate_single_edits_in_between():
    """The single-edit kernels do not maintain col_pos; the batch removal checks it."""
    from neuroplastic.engine.synapses import build_store, remove_batch, remove_synapse

    rng = np.random.default_rng(5)
    st = build_store(rng.integers(0, 12, 80), rng.integers(0, 9, 80), rng.random(80), np.zeros(80, np.int64), 12, 9)
    for _ in range(10):
        s = int(rng.choice(np.flatnonzero(st.alive)))
        sid = st.sid[s]
        moved = remove_synapse(st.row_start, st.row_len, st.col_start, st.col_len, st.col_syn, st.col_pre,
                               st.pre, st.post, st.w, st.delay, st.alive, s)
        st.id_slot[sid] = -1                      # what the low-level kernel leaves to its caller
        if moved >= 0:
            st.sid[s] = st.sid[moved]
            st.id_slot[st.sid[s]] = s
            st.sid[moved] = -1
    ids = st.sid[rng.choice(np.flatnonzero(st.alive), 20, replace=False)]
    ev = np.empty(20, np.int64), np.empty(20, np.int64)
    assert remove_batch(st.row_start, st.row_len, st.col_start, st.col_len, st.col_syn, st.col_pre, st.col_pos,
                        st.pre, st.post, st.w, st.delay, st.alive, st.sid, st.id_key, st.id_slot, st.n_ids, ids,
                        *ev) == 20
    alive = np.flatnonzero(st.alive)
    for j in range(9):
        syn = st.col_syn[st.col_start[j]: st.col_start[j] + st.col_len[j]]
        assert np.all(st.post[syn] == j) and np.all(st.alive[syn])
    assert st.col_len.sum() == len(alive) == 50


def test_activity_regrowth_grows_synapses_between_co_active_neurons():
    """regrow="activity": new pairs ~ c_pre * c_post over the last period, so only
    neurons that spiked get new synapses, in proportion to their counts."""
    m = npl.Model(dt=0.1)
    rates = np.zeros(50)
    rates[:20] = np.linspace(20.0, 200.0, 20)   # only inputs 0..19 fire, at different rates
    m.add(npl.PoissonInput("inp", 50, rate=rates))
    # posts 0..9 are driven by their own strong source; 10..29 never fire
    m.add(npl.PoissonInput("drive", 10, rate=100.0))
    m.add(npl.Population("out", 30, npl.LIF()))
    m.add(npl.Projection("d", "drive", "out", npl.Pairs(np.arange(10), np.arange(10)), weight=3000.0))
    rule = PruneAndRegrow(threshold=1.0, period=100.0, w_init=0.5, regrow="activity")
    m.add(npl.Projection("p", "inp", "out", npl.FixedProbability(0.03), weight=0.0, rules=[rule],
                         w_min=0.0, w_max=1.0))
    net = npl.Network(m, seed=4)
    n0 = len(net.weights("p"))
    net.run(1000.0)
    pre, post = net.synapses("p")
    w = net.weights("p")
    new = w == 0.5   # regrown synapses (all pruned ones had weight 0 < threshold)
    assert len(w) == n0 and new.sum() > 0.9 * n0            # budget kept; nearly all regrown
    assert np.all(pre[new] < 20) and np.all(post[new] < 10)   # only co-active pairs
    # pre neurons are drawn in proportion to their spike counts: the fastest inputs get the most
    # (every period prunes and regrows all of them, w_init < threshold: pool the draws)
    drawn = np.zeros(20)
    for _ in range(10):
        net.run(100.0)
        drawn += np.bincount(net.synapses("p")[0], minlength=20)[:20]
    assert drawn[15:].sum() > 2 * drawn[:5].sum()
    counts = net.spike_counts("inp")
    st = net.rule_state("p", 0)
    assert np.all(st.pre.seen <= counts) and st.pre.seen.sum() > 0


def test_activity_regrowth_rejects_unknown_modes():
    with pytest.raises(npl.ValidationError, match="regrow"):
        PruneAndRegrow(regrow="hebbian")


def test_prune_silent_moves_synapses_off_inputs_that_never_fire():
    m = npl.Model(dt=0.1)
    rates = np.where(np.arange(40) < 20, 50.0, 0.0)   # inputs 20..39 are silent
    m.add(npl.PoissonInput("inp", 40, rate=rates))
    m.add(npl.Population("out", 10, npl.LIF()))
    rule = PruneAndRegrow(period=200.0, w_init=1.0, prune="silent")
    m.add(npl.Projection("p", "inp", "out", npl.FixedProbability(0.2), weight=1.0, rules=[rule]))
    net = npl.Network(m, seed=2)
    pre0, _ = net.synapses("p")
    assert (pre0 >= 20).sum() > 10
    net.run(2000.0)
    pre, _ = net.synapses("p")
    assert len(pre) == len(pre0)                       # budget kept
    # after each update only regrown synapses can sit on silent inputs, half of them at random:
    # the share on silent inputs drops from ~1/2 towards the share of the last regrowth
    assert (pre >= 20).mean() < 0.5 * (pre0 >= 20).mean()
    with pytest.raises(npl.ValidationError, match="prune"):
        PruneAndRegrow(prune="unused")
