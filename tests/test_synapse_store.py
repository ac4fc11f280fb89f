"""Synapse storage: both directions agree, and structural edits work in place."""
import numpy as np

from neuroplastic.engine.synapses import add_synapse, build_store, remove_synapse


def _consistent(st):
    alive = np.flatnonzero(st.alive)
    for s in alive:
        i, j = st.pre[s], st.post[s]
        assert st.row_start[i] <= s < st.row_start[i] + st.row_len[i]
        col = st.col_syn[st.col_start[j]: st.col_start[j] + st.col_len[j]]
        assert s in col
        c = st.col_start[j] + int(np.flatnonzero(col == s)[0])
        assert st.col_pre[c] == i
    assert st.row_len.sum() == len(alive) == st.col_len.sum()


def _args(st):
    return (st.row_start, st.row_len, st.col_start, st.col_len, st.col_syn, st.col_pre, st.pre, st.post, st.w,
            st.delay, st.alive)


def test_build_then_add_and_remove_keep_both_directions_consistent():
    rng = np.random.default_rng(0)
    pre, post = rng.integers(0, 20, 150), rng.integers(0, 15, 150)
    st = build_store(pre, post, rng.random(150), np.zeros(150, np.int64), 20, 15)
    _consistent(st)
    np.testing.assert_array_equal(st.pre[st.build_slots], pre)
    np.testing.assert_array_equal(st.post[st.build_slots], post)
    assert st.capacity > 150  # headroom reserved
    for _ in range(40):
        s = int(rng.choice(np.flatnonzero(st.alive)))
        w_moved = None
        i = st.pre[s]
        last = st.row_start[i] + st.row_len[i] - 1
        w_last = st.w[last]
        moved = remove_synapse(*_args(st), s)
        if moved >= 0:
            assert st.w[s] == w_last
        _consistent(st)
        a, b = int(rng.integers(0, 20)), int(rng.integers(0, 15))
        slot = add_synapse(st.row_start, st.row_len, st.row_cap, st.col_start, st.col_len, st.col_cap,
                           st.col_syn, st.col_pre, st.pre, st.post, st.w, st.delay, st.alive, a, b, 0.25, 1)
        if slot >= 0:
            assert st.pre[slot] == a and st.post[slot] == b and st.w[slot] == 0.25
        _consistent(st)


def test_add_reports_full_rows():
    st = build_store(np.zeros(4, np.int64), np.arange(4), np.ones(4), np.zeros(4, np.int64), 1, 10,
                     headroom=0.0, min_free=1)
    args = (st.row_start, st.row_len, st.row_cap, st.col_start, st.col_len, st.col_cap, st.col_syn,
            st.col_pre, st.pre, st.post, st.w, st.delay, st.alive)
    assert add_synapse(*args, 0, 5, 1.0, 0) >= 0
    assert add_synapse(*args, 0, 6, 1.0, 0) == -1
