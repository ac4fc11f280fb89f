"""The postsynaptic column walk (engine/codegen.py) against a closed-form reference:
several postsynaptic neurons spiking in one step, a repeated pair (two synapses with
the same endpoints in one column), two rules whose changes add, bounds applied once,
and a second projection walked after it in the same step."""
import math

import numpy as np
import pytest

import neuroplastic as npl

PRE = [0, 0, 1, 2, 1]            # synapse k: PRE[k] -> POST[k]; synapses 0 and 1 repeat a pair
POST = [0, 0, 0, 1, 1]
W0 = [0.2, 0.6, 0.85, 0.4, 0.1]
T_PRE = {0: [10.0, 30.0], 1: [25.0], 2: [41.0]}
T_POST = [50.0, 50.0, 70.0]      # post 0 and 1 together at 50 ms, post 0 again at 70 ms
I_POST = [0, 1, 0]
A_MULT, A_ADD, TAU, W_MAX = 0.3, 0.3, 20.0, 0.9


def _network():
    m = npl.Model(dt=0.1)
    idx = [i for i, ts in T_PRE.items() for _ in ts]
    m.add(npl.SpikeTimes("pre", 3, idx, [t for ts in T_PRE.values() for t in ts]))
    m.add(npl.SpikeTimes("post", 2, I_POST, T_POST))
    rules = [npl.PairSTDP(a_plus=A_MULT, a_minus=0.0, tau_plus=TAU, w_max=W_MAX, weight_dependence="multiplicative"),
             npl.PairSTDP(a_plus=A_ADD, a_minus=0.0, tau_plus=TAU)]
    m.add(npl.Projection("p", "pre", "post", npl.Pairs(PRE, POST), weight=np.array(W0), w_min=0.0, w_max=W_MAX,
                         rules=rules))
    # walked after p in the same step; its postsynaptic spikes (at 10, 25, 30 ms) all come
    # before any of its presynaptic ones, so it must not change
    m.add(npl.Projection("q", "post", "pre", npl.Pairs([0, 1], [0, 1]), weight=0.5,
                         rules=[npl.PairSTDP(a_plus=0.01, a_minus=0.0, tau_plus=TAU)]))
    return npl.Network(m)


def _reference():
    w = np.array(W0)
    for t, j in sorted(zip(T_POST, I_POST)):
        for k in range(len(w)):
            if POST[k] == j:
                x = sum(math.exp(-(t - s) / TAU) for s in T_PRE[PRE[k]] if s < t)
                w[k] = min(max(w[k] + A_MULT * (W_MAX - w[k]) * x + A_ADD * x, 0.0), W_MAX)
    return w


def test_post_walk_matches_closed_form_with_repeated_pairs_and_shared_steps():
    net = _network().run(100.0)
    pre, post = net.synapses("p")
    assert list(pre) == PRE and list(post) == POST
    expected = _reference()
    assert expected[2] == W_MAX                 # the bound is reached: clipping is exercised
    assert net.weights("p") == pytest.approx(expected, abs=1e-12)
    assert list(net.weights("q")) == [0.5, 0.5]
