"""Block projections (engine/blocks.py): source i -> i // k delivered without row walks,
with the same spikes, bit for bit, as the row walk; edits of the store fall back."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine import network as engine_network
from neuroplastic.engine.blocks import block_flags
from neuroplastic.engine.synapses import build_store

N, K = 20, 3


def _store(pre, post, w, n_pre, n_post):
    return build_store(np.asarray(pre), np.asarray(post), np.asarray(w, float), np.zeros(len(pre), np.int64),
                       n_pre, n_post)


@pytest.mark.parametrize("k", [1, 3, 20])
def test_block_flags_find_k_and_shared_weight(k):
    i = np.arange(N * k)
    rng = np.random.default_rng(0)
    order = rng.permutation(N * k)           # the order of the pairs does not matter
    assert list(block_flags(_store(i[order], i[order] // k, np.full(N * k, 0.3), N * k, N))) == [k, 1]
    assert list(block_flags(_store(i, i // k, rng.uniform(0, 1, N * k), N * k, N))) == [k, 0]


def test_block_flags_reject_what_is_not_a_block():
    i = np.arange(N * K)
    w = np.ones(N * K)
    assert list(block_flags(_store(i, (i // K + 1) % N, w, N * K, N))) == [0, 0]         # shifted targets
    assert list(block_flags(_store(i[1:], i[1:] // K, w[1:], N * K, N))) == [0, 0]     # a row without synapse
    two = np.r_[i, 0]
    assert list(block_flags(_store(two, two // K, np.r_[w, 1.0], N * K, N))) == [0, 0]  # a row of two
    signed = np.where(i == 5, -0.0, 0.0)                                               # -0.0 is not 0.0
    assert list(block_flags(_store(i, i // K, signed, N * K, N))) == [K, 0]


def _net(weight):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("bg", N * K, rate=400.0))
    m.add(npl.Population("out", N, npl.LIF(synapse="current", tau_m=10, c_m=10, v_rest=-70, v_reset=-70,
                                           v_thresh=-54), initial={"v": npl.Uniform(-70, -55)}))
    i = np.arange(N * K)
    m.add(npl.Projection("p", "bg", "out", npl.Pairs(i, i // K), weight=weight))
    m.add(npl.SpikeMonitor("out"))
    return npl.Network(m, seed=3)


def _run_with_edits(net, shared):
    store = net._store("p")
    assert list(block_flags(store)) == [K, shared]
    net.run(60.0)
    net.set_weights("p", net.weights("p") * np.linspace(0.5, 1.5, N * K))   # weights differ
    assert list(block_flags(store)) == [K, 0]
    net.run(60.0)
    net.lesion(0.2, projection="p")                                          # no longer a block
    assert list(block_flags(store)) == [0, 0]
    net.run(60.0)
    return net.spikes("out"), net.state("out", "v").copy()


@pytest.mark.parametrize("weight", [40.0, npl.Uniform(20.0, 60.0)])
def test_block_delivery_gives_the_row_walks_spikes(weight, monkeypatch):
    shared = int(np.isscalar(weight))
    (i, t), v = _run_with_edits(_net(weight), shared)
    assert len(t) > 50
    monkeypatch.setattr(engine_network, "block_flags", lambda store: np.zeros(2, np.int64))
    (i0, t0), v0 = _run_with_edits(_net(weight), shared)                     # the row walk throughout
    assert np.array_equal(i, i0) and np.array_equal(t, t0)
    assert np.array_equal(v, v0)
