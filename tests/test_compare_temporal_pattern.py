"""The ``temporal-pattern`` input drawn in pieces: the pieces join to the input drawn at once,
the variable-rate afferents keep their statistics across the drawing blocks, and a network
fed the pieces with ``Network.add_spikes`` runs exactly as one given the whole input."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.compare import get_task
from neuroplastic.compare._pattern_data import BLOCK_MS, layout, make_input, stream, window_counts

SMALL = dict(n_aff=60, n_pattern=30, duration_s=4.5)


def _config(**over):
    return dict(get_task("temporal-pattern").resolve(scale="reduced"), **dict(SMALL, **over))


@pytest.mark.parametrize("variable", [True, False])
def test_stream_pieces_join_to_the_input_drawn_at_once(variable):
    c = _config(variable_rate=variable, jitter=3.0)
    whole = make_input(c, 5, 4500.0)
    for chunk in (700.0, 2500.0):               # shorter than a block, and across block edges
        pieces = list(stream(c, 5, 4500.0, chunk_ms=chunk))
        assert len(pieces) == int(np.ceil(4500.0 / chunk))
        for k, (_, t) in enumerate(pieces):
            assert np.all(np.diff(t) >= 0) and t.min() >= k * chunk and t.max() < (k + 1) * chunk
        np.testing.assert_array_equal(np.concatenate([p[0] for p in pieces]), whole.index)
        np.testing.assert_array_equal(np.concatenate([p[1] for p in pieces]), whole.times)
    # without jitter every pattern slot holds the whole pattern, and on top of it only the 10 Hz noise
    c = dict(c, jitter=0.0)
    lay, whole = layout(c, 5, 4500.0), make_input(c, 5, 4500.0)
    counts = window_counts(whole, 60, 1, np.flatnonzero(lay.slot_is_pattern))[:, :30]
    extra = counts - np.bincount(lay.p_idx, minlength=30)
    assert extra.min() >= 0 and extra.mean() == pytest.approx(10.0 * 0.05, rel=0.25)

def test_variable_rate_afferents_keep_their_rate_and_never_fall_silent_across_blocks():
    c = _config(variable_rate=True, noise_rate=0.0, n_aff=200, n_pattern=1, duration_s=6.0)
    inp = make_input(c, 3, 6000.0)
    own = inp.index > 0                                           # afferent 0 replays the pattern
    idx, t = inp.index[own], inp.times[own]
    order = np.lexsort((t, idx))
    idx, t = idx[order], t[order]
    same = idx[1:] == idx[:-1]
    gaps, after = np.diff(t)[same], t[:-1][same]
    assert gaps.max() <= 51.0                                     # a spike in the ms after 50 ms of silence
    edge = np.floor((after + gaps) / BLOCK_MS) > np.floor(after / BLOCK_MS)
    assert edge.sum() > 500 and gaps[edge].max() <= 51.0         # also across the block edges
    assert len(t) / 199 / 6.0 == pytest.approx(54.0, rel=0.1)     # Hz: the paper's mean own rate


def _fed(index, times, pieces):
    m = npl.Model(dt=0.1, max_rate=None)
    m.add(npl.SpikeTimes("in", 20, index, times))
    m.add(npl.Population("c", 2, npl.LIF(tau_m=10.0, c_m=10.0, v_rest=-70.0, v_reset=-70.0, v_thresh=-55.0,
                                          t_ref=2.0, synapse="current", tau_e=5.0)))
    m.add(npl.Projection("p", "in", "c", npl.AllToAll(), weight=80.0, rules=[npl.PairSTDP(0.5, 0.5, 20.0, 20.0)],
                         w_min=0.0, w_max=200.0))
    m.add(npl.SpikeMonitor("c"))
    m.add(npl.SpikeMonitor("in"))
    net = npl.Network(m, seed=0)
    for start, (i, t) in pieces:
        net.run(start - net.t)
        net.add_spikes("in", i, t)
    return net.run(300.0 - net.t)


def test_network_fed_in_pieces_runs_as_one_given_the_whole_input():
    rng = np.random.default_rng(0)
    idx, t = rng.integers(0, 20, 3000), np.sort(rng.uniform(0, 299.0, 3000))
    whole = _fed(idx, t, [])
    cut = [np.searchsorted(t, x) for x in (100.0, 100.04, 230.0)]   # 100.04 ms rounds to step 1000
    parts = np.split(np.arange(3000), cut)
    fed = _fed(idx[parts[0]], t[parts[0]], [(x, (idx[p], t[p])) for x, p in zip((100.0, 100.0, 230.0), parts[1:])])
    for pop in ("in", "c"):
        for a, b in zip(whole.spikes(pop), fed.spikes(pop)):
            np.testing.assert_array_equal(a, b)
    assert len(whole.spikes("c")[0]) > 10
    np.testing.assert_array_equal(whole.weights("p"), fed.weights("p"))
    with pytest.raises(npl.ValidationError, match="current time"):
        fed.add_spikes("in", [0], [10.0])
    with pytest.raises(npl.ValidationError, match="SpikeTimes"):
        fed.add_spikes("c", [0], [400.0])
    with pytest.raises(npl.ValidationError, match="indices"):
        fed.add_spikes("in", [20], [400.0])
