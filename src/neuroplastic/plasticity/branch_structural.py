"""Dendritic structural plasticity: synapses move to the branch their co-active inputs share.

:class:`BranchClustering` is a structural rule (:class:`~neuroplastic.plasticity.Structural`)
on a projection onto dendritic branches. Between updates a compiled ``on_pre``
hook counts, for every synapse ``s`` (input ``i`` onto branch ``b`` of neuron
``j``), its presynaptic spikes ``n_s`` and, of those, the ones that arrived
while the branch was active, ``h_s`` (co-active: other inputs on the same
branch had depolarized it to ``theta_active`` mV, or a dendritic spike was
running, ``active_by="dendritic_spike"``). Every ``period`` ms:

1. **Retraction.** A branch of neuron ``j`` with no co-active arrival
   (``sum h_s = 0`` over its synapses) for ``t_retract`` ms (every synapse on
   it quiet that long) retracts: all its synapses are removed (released; the
   inputs keep their synapses on the neuron's other branches, if any). A
   branch without synapses receives no moved synapse: it stays retracted.
2. **Moves.** Each synapse with ``n_s >= min_spikes`` whose co-active fraction
   ``h_s / n_s`` is below ``f_min`` is, with probability ``p_move``, removed
   and created again (same input, neuron, weight and delay) on a branch of
   the same neuron drawn uniformly among its other branches that hold
   synapses of this projection and fewer than ``capacity`` of them (a
   branch has room for so many synapses; ``inf``: no limit). Where more
   synapses draw a branch than it has room for, the first in a random order
   move and the others stay.
3. The counters are multiplied by ``keep`` (0: every window starts from 0;
   closer to 1: a longer memory, fewer moves by chance), a moved synapse's
   start from 0.

Inputs that fire together depolarize the branch where several of them meet,
so their synapses there count as co-active and stay, while the synapses of
inputs that fire at other times do not and move on: synapses of correlated
inputs gather on shared branches (clustering; Kastellakis et al. 2016,
Cell Rep 17:1491; observed: Kleindienst et al. 2011, Neuron 72:1012; Takahashi
et al. 2012, Science 335:353). The thresholds and rates are this library's
choices.

Without a capacity, synapses also gather where many synapses already are
(a crowded branch is depolarized whatever the input): the capacity keeps
clustering to what correlation explains (the synaptic-clustering
experiment's control).

Parameters: period, t_retract (ms); theta_active (mV); active_by
("depolarization" or "dendritic_spike"); f_min (0-1); min_spikes (>= 1);
p_move, keep (0-1); capacity (synapses per branch, >= 1). Moves draw from the network's structural generator (same seed,
same moves). Cost per update: one vectorised pass over the synapses and O(K)
per moving synapse.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .dendritic import DendriticRule
from .rule import OnPre, State, Structural


@njit(cache=True, inline="always")
def _bc_on_pre(s, i, j, t, w, st, p):
    b = st.branch[s]
    active = st.dst.ev[b, j] > 0.0 if p.active_by > 0.5 else st.dst.vd[b, j] >= p.theta_active
    st.syn.n[s] += 1.0
    if active:
        st.syn.hit[s] += 1.0
    return 0.0


def _within_capacity(target_key: np.ndarray, room: np.ndarray, rng) -> np.ndarray:
    """Which of the synapses drawn to branch keys ``target_key`` fit: per key, the
    first ``room[key]`` in a random order."""
    order = rng.permutation(len(target_key))
    keys = target_key[order]
    by_key = np.argsort(keys, kind="stable")
    sorted_keys = keys[by_key]
    first = np.searchsorted(sorted_keys, sorted_keys, side="left")
    rank = np.empty(len(keys), np.int64)
    rank[by_key] = np.arange(len(keys)) - first
    fits = np.empty(len(keys), np.bool_)
    fits[order] = rank < room[keys]
    return fits


def _uniform_other(live: np.ndarray, current: np.ndarray, rng) -> np.ndarray:
    """Per row of ``live`` (bool, rows x K), a column drawn uniformly among the
    True ones other than ``current`` (-1 where there is none)."""
    other = live.copy()
    other[np.arange(len(current)), current] = False
    count = other.sum(axis=1)
    pick = np.floor(rng.random(len(current)) * count).astype(np.int64)
    target = np.argmax(np.cumsum(other, axis=1) > pick[:, None], axis=1)
    return np.where(count > 0, target, -1)


@dataclass(frozen=True)
class BranchClustering(DendriticRule, OnPre, Structural):
    """Co-activity moves synapses between branches; quiet branches retract (module doc)."""

    period: float = 100.0
    theta_active: float = -60.0
    active_by: str = "depolarization"
    f_min: float = 0.2
    min_spikes: float = 1.0
    p_move: float = 0.2
    t_retract: float = 5000.0
    capacity: float = float("inf")
    keep: float = 0.0

    constraints = {"period": dict(gt=0, unit="ms"), "theta_active": dict(unit="mV"),
                   "active_by": ("depolarization", "dendritic_spike"), "f_min": dict(ge=0, le=1),
                   "min_spikes": dict(ge=1), "p_move": dict(ge=0, le=1),
                   "t_retract": dict(gt=0, unit="ms", finite=False), "capacity": dict(ge=1, finite=False),
                   "keep": dict(ge=0, lt=1)}
    synapse_state = (State("n", unit="spikes"), State("hit", unit="spikes"), State("quiet", unit="ms"))
    post_reads = ("vd", "ev")
    on_pre = _bc_on_pre


    def restructure(self, t, edit, rng):
        st = edit.rule_states[[r is self for r in edit.rules].index(True)]
        k = edit.branches
        slots = edit.slots()
        key = edit.post[slots] * k + edit.branch[slots]
        live = np.bincount(key, minlength=edit.n_post * k) > 0
        useful = np.bincount(key, weights=st.syn.hit[slots], minlength=edit.n_post * k) > 0
        quiet = np.where(useful[key], 0.0, st.syn.quiet[slots] + self.period)
        st.syn.quiet[slots] = quiet
        least = np.full(edit.n_post * k, np.inf)
        np.minimum.at(least, key, quiet)
        retract = live & (least >= self.t_retract - 1e-9)
        live &= ~retract
        n, hit = st.syn.n[slots], st.syn.hit[slots]
        weak = live[key] & (n >= self.min_spikes) & (hit < self.f_min * n)
        moving = slots[weak & (rng.random(len(slots)) < self.p_move)]
        room = np.where(live, self.capacity - np.bincount(key, minlength=edit.n_post * k), 0.0)
        post = edit.post[moving]
        target = _uniform_other((room > 0).reshape(-1, k)[post], edit.branch[moving], rng)
        ok = target >= 0
        ok[ok] = _within_capacity(post[ok] * k + target[ok], room, rng)
        moving, target = moving[ok], target[ok]
        pre, post, w = edit.pre[moving].copy(), edit.post[moving].copy(), edit.w[moving].copy()
        delay = edit.delay[moving] * edit.dt
        edit.remove(np.concatenate([slots[retract[key]], moving]))
        st.syn.n[...] *= self.keep
        st.syn.hit[...] *= self.keep
        edit.add(pre, post, w, delay, branch=target)
