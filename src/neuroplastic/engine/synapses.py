"""Synapse storage for one projection, with free capacity for structural changes.

Layout (all arrays have the same capacity ``cap``; a synapse is identified by
its slot ``s``):

* rows by presynaptic neuron: slots ``row_start[i] .. row_start[i] + row_len[i]``
  hold the synapses of neuron ``i`` (``row_cap[i]`` slots reserved), used on
  presynaptic spikes;
* a column index by postsynaptic neuron: ``col_syn[col_start[j] .. + col_len[j]]``
  lists the slots of synapses onto ``j`` (``col_cap[j]`` reserved), used on
  postsynaptic spikes, with ``col_pre`` holding their presynaptic neurons in the
  same order (read sequentially instead of one random ``pre[s]`` load per synapse);
* per slot: ``pre``, ``post``, ``w`` (weight), ``delay`` (steps), ``alive``.

Both directions keep headroom (``headroom`` fraction, at least ``min_free`` per
row/column) so that synapses can be added or removed in place, without a
rebuild; see :func:`add_synapse` and :func:`remove_synapse`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass
class SynapseStore:
    """The arrays of one projection (see module docstring)."""

    row_start: np.ndarray
    row_len: np.ndarray
    row_cap: np.ndarray
    col_start: np.ndarray
    col_len: np.ndarray
    col_cap: np.ndarray
    col_syn: np.ndarray
    col_pre: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    w: np.ndarray
    delay: np.ndarray
    alive: np.ndarray
    build_slots: np.ndarray  # slot of the k-th synapse in build order

    @property
    def capacity(self) -> int:
        return self.w.shape[0]

    @property
    def count(self) -> int:
        return int(self.row_len.sum())

    def active_slots(self) -> np.ndarray:
        """Slots of the synapses that exist, in row order."""
        return np.flatnonzero(self.alive)


def _reserve(lengths: np.ndarray, headroom: float, min_free: int) -> np.ndarray:
    return lengths + np.maximum(min_free, np.ceil(lengths * headroom).astype(np.int64))


def build_store(pre, post, w, delay, n_pre, n_post, headroom=0.25, min_free=2) -> SynapseStore:
    """Lay out synapses given in any order; keeps their build order in ``build_slots``."""
    pre, post = np.asarray(pre, np.int64), np.asarray(post, np.int64)
    row_len = np.bincount(pre, minlength=n_pre).astype(np.int64)
    row_cap = _reserve(row_len, headroom, min_free)
    row_start = np.concatenate([[0], np.cumsum(row_cap)[:-1]]).astype(np.int64)
    cap = int(row_cap.sum())
    order = np.argsort(pre, kind="stable")
    rank = np.arange(len(pre)) - np.repeat(np.concatenate([[0], np.cumsum(row_len)[:-1]]), row_len)
    slots = np.empty(len(pre), np.int64)
    slots[order] = row_start[pre[order]] + rank
    arrays = dict(pre=np.full(cap, -1, np.int64), post=np.full(cap, -1, np.int64),
                  w=np.zeros(cap), delay=np.zeros(cap, np.int64), alive=np.zeros(cap, np.bool_))
    arrays["pre"][slots], arrays["post"][slots] = pre, post
    arrays["w"][slots], arrays["delay"][slots] = w, delay
    arrays["alive"][slots] = True
    col_len = np.bincount(post, minlength=n_post).astype(np.int64)
    col_cap = _reserve(col_len, headroom, min_free)
    col_start = np.concatenate([[0], np.cumsum(col_cap)[:-1]]).astype(np.int64)
    col_syn = np.full(int(col_cap.sum()), -1, np.int64)
    by_post = np.argsort(post[order], kind="stable")
    sorted_slots = slots[order][by_post]
    sorted_post = post[order][by_post]
    crank = np.arange(len(post)) - np.repeat(np.concatenate([[0], np.cumsum(col_len)[:-1]]), col_len)
    col_syn[col_start[sorted_post] + crank] = sorted_slots
    col_pre = np.full(len(col_syn), -1, np.int64)
    col_pre[col_start[sorted_post] + crank] = pre[order][by_post]
    return SynapseStore(row_start, row_len, row_cap, col_start, col_len, col_cap, col_syn, col_pre,
                        build_slots=slots, **arrays)


@njit(cache=True)
def add_synapse(row_start, row_len, row_cap, col_start, col_len, col_cap, col_syn, col_pre,
                pre_of, post_of, w, delay, alive, i, j, weight, d):
    """Create synapse i -> j in free capacity; returns its slot, or -1 if full."""
    if row_len[i] >= row_cap[i] or col_len[j] >= col_cap[j]:
        return -1
    s = row_start[i] + row_len[i]
    row_len[i] += 1
    col_syn[col_start[j] + col_len[j]] = s
    col_pre[col_start[j] + col_len[j]] = i
    col_len[j] += 1
    pre_of[s], post_of[s], w[s], delay[s], alive[s] = i, j, weight, d, True
    return s


@njit(cache=True)
def remove_synapse(row_start, row_len, col_start, col_len, col_syn, col_pre,
                   pre_of, post_of, w, delay, alive, s):
    """Delete the synapse in slot ``s``; the row's last synapse moves into its slot.

    Returns the slot that moved (now stored in ``s``), or -1 if none moved.
    """
    i, j = pre_of[s], post_of[s]
    last = row_start[i] + row_len[i] - 1
    _drop_from_column(col_start, col_len, col_syn, col_pre, j, s)
    moved = -1
    if last != s:
        jl = post_of[last]
        for c in range(col_start[jl], col_start[jl] + col_len[jl]):
            if col_syn[c] == last:
                col_syn[c] = s
        pre_of[s], post_of[s], w[s], delay[s] = pre_of[last], post_of[last], w[last], delay[last]
        moved = last
    pre_of[last], post_of[last], alive[last] = -1, -1, False
    row_len[i] -= 1
    return moved


@njit(cache=True)
def _drop_from_column(col_start, col_len, col_syn, col_pre, j, s):
    end = col_start[j] + col_len[j] - 1
    for c in range(col_start[j], end + 1):
        if col_syn[c] == s:
            col_syn[c] = col_syn[end]
            col_pre[c] = col_pre[end]
            col_syn[end] = -1
            col_pre[end] = -1
            col_len[j] -= 1
            return
