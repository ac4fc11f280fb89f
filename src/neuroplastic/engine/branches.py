"""Synapses onto dendritic branches: which branch each synapse lands on, and the
arrays that deliver to branch rows.

The branch of a synapse is a per-slot field of its store (``store.branch``,
engine/synapses.py), drawn once when the synapse is created
(:func:`branches_for`) from its projection's ``branch``
(:mod:`neuroplastic.model.branches`), and editable afterwards (structural
plasticity moves synapses between branches, ``Edit.set_branch``). Draws are
reproducible without a stored generator: ``"random"`` hashes the network's
seed, the projection and the synapse's id, and a distribution or a
per-synapse array (for synapses created after the build) draws from a
generator seeded by the seed, the projection and the first new id; the
model's build generator is never used, so adding a branched projection
leaves every other projection's draws as they were.

A population that receives branched input passes the loop its branch row
tables ``T0``/``T1`` (the state row of each branch's excitatory and
inhibitory input) and, for delayed input, ring buffers ``D0``/``D1`` of
shape ``(depth, K, n)``; point-neuron populations pass neither, so their
generated loop is unchanged.
"""
from __future__ import annotations

import numpy as np

from . import memory
from ..errors import ValidationError
from ..model.distributions import Distribution

#: Stream tag of the branch draws (``seed``, tag, projection index, first id).
STREAM = 0x4252


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-spread 64-bit hash of each uint64."""
    x = (x + np.uint64(0x9E3779B97F4A7C15)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def branches_for(proj, index: int, seed: int, k: int, pre, ids, n_pre: int, build: bool) -> np.ndarray:
    """The branch (int64, 0 .. k-1) of each new synapse of ``proj`` (projection
    number ``index``) with presynaptic neurons ``pre`` and ids ``ids``;
    ``build``: the synapses made with the network (a per-synapse array is
    taken as it is, one entry per synapse). Raises ValidationError naming
    ``branch`` for indices out of range."""
    spec, n = proj.branch, len(pre)
    owner = f"Projection '{proj.name}'"
    if spec is None or k == 0:
        return np.zeros(n, np.int64)
    pre = np.asarray(pre, np.int64)
    if isinstance(spec, (int, np.integer)):
        out = np.full(n, int(spec), np.int64)
    elif isinstance(spec, str):
        out = _named(spec, k, pre, np.asarray(ids, np.int64), n_pre, seed, index)
    elif isinstance(spec, Distribution):
        out = np.floor(spec.sample(_generator(seed, index, ids), n)).astype(np.int64)
    elif build:
        if len(spec) != n:
            raise ValidationError(owner, "branch", f"{len(spec)} values",
                                  f"must be one branch index per synapse ({n}), a scalar, a rule or a distribution")
        out = np.asarray(spec, np.int64).copy()
    else:   # synapses made after the build: drawn among the given indices
        out = _generator(seed, index, ids).choice(spec, size=n) if n else np.zeros(0, np.int64)
    if n and (out.min() < 0 or out.max() >= k):
        raise ValidationError(owner, "branch", f"indices {int(out.min())}..{int(out.max())}",
                              f"must be branch indices in 0 .. {k - 1} (the postsynaptic model has {k} branches)")
    return out


def _named(rule: str, k: int, pre, ids, n_pre: int, seed: int, index: int) -> np.ndarray:
    if rule == "cyclic":
        return pre % k
    if rule == "blocks":
        return np.minimum(pre * k // max(n_pre, 1), k - 1)
    key = _mix(np.array([seed], np.uint64) ^ _mix(np.array([STREAM * 65536 + index], np.uint64)))
    return (_mix(ids.astype(np.uint64) ^ key) % np.uint64(k)).astype(np.int64)


def _generator(seed: int, index: int, ids) -> np.random.Generator:
    first = int(np.min(ids)) if len(ids) else 0
    return np.random.default_rng([int(seed), STREAM, int(index), first])


def row_tables(model) -> tuple:
    """Per channel (exc, inh), the state row of each branch's input."""
    names = model.state_variables
    pairs = model.branch_variables
    return tuple(tuple(names.index(p[c]) for p in pairs) for c in (0, 1))


def allocate(pops, projs) -> None:
    """Row tables for every population that receives branched input, and one
    ring buffer ``D<c>`` of shape ``(depth, K, n)`` per channel that receives
    delayed branched input."""
    depth = {}
    for pj in projs:
        if not pj.spec.branched:
            continue
        pops[pj.spec.post].spec.branch_targets = True
        if not pj.spec.direct:
            key = (pj.spec.post, pj.spec.channel)
            d = int(pj.store.delay[pj.store.alive].max(initial=0))
            depth[key] = max(depth.get(key, 1), d + 1)
    for p in pops:
        if not p.spec.branch_targets:
            continue
        for c in (0, 1):
            p.arrays[f"T{c}"] = np.asarray(p.spec.branch_rows[c], np.int64)
        k = len(p.spec.branch_rows[0])
        p.spec.branch_buffered = tuple(c for c in (0, 1) if (p.spec.index, c) in depth)
        for c in p.spec.branch_buffered:
            shape = (depth[(p.spec.index, c)], k, p.n)
            memory.check_array(shape, "Network", "delay", f"a branch delay buffer of {shape[0]} steps x {k} "
                                                          f"branches x {p.n} neurons for '{p.name}'")
            p.arrays[f"D{c}"] = np.zeros(shape)
