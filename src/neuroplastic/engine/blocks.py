"""Block projections: one synapse per source, onto source // k, delivered without row walks.

A projection is a *block* when every presynaptic row holds exactly one synapse and the
synapse of source ``i`` targets ``i // k`` for one ``k >= 1`` (``k = 1``: one-to-one). The
background of ``msp-growth`` is one: ``PoissonInput`` of ``20 n`` sources,
``Pairs(i, i // 20)``. For such a projection the step loop computes the target instead of
reading it, and reads one shared weight when all weights are equal (bit for bit, so
``-0.0`` and ``0.0`` differ), so a background spike touches the input's spike count alone
instead of five per-source arrays (row start, row length, target, weight, count): the cost
per spike stops growing once those arrays leave the cache (docs/structural.md, "Growth with
the network size").

The loop makes the same additions, with the same values, in the same order as the row walk,
so results are identical. Only static projections qualify (no rules, zero delays, plain
targets: ``ProjSpec.blockable``); because lesions, neuron removal and ``set_weights`` may
edit even those between chunks, the flags are computed from the live store before every
chunk and the loop falls back to the row walk when the store is no longer a block.
"""
from __future__ import annotations

import numpy as np

from .synapses import SynapseStore


def block_flags(store: SynapseStore) -> np.ndarray:
    """``[k, shared]`` for the loop: ``k`` > 0 when the store is a block onto
    ``source // k`` (0: walk the rows), ``shared`` 1 when every weight is the same
    float64 bit pattern (then the loop reads one weight)."""
    flags = np.zeros(2, np.int64)
    n = store.row_len.shape[0]
    if n == 0 or not np.all(store.row_len == 1):
        return flags
    slots = store.row_start
    target = store.post[slots]
    k = int(np.count_nonzero(target == 0))
    if k == 0 or not np.array_equal(target, np.arange(n, dtype=np.int64) // k):
        return flags
    bits = store.w[slots].view(np.uint64)
    flags[0], flags[1] = k, int(np.all(bits == bits[0]))
    return flags
