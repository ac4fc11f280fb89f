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
* per slot: ``pre``, ``post``, ``w`` (weight), ``delay`` (steps), ``alive``,
  ``col_pos`` (its position in ``col_syn``, so a removal needs no column scan),
  ``sid``, the synapse's stable id (-1 in a free slot), and ``branch``, the
  dendritic branch of the postsynaptic neuron it lands on (0 where the
  target has no branches; read only for projections onto branches);
* the id table: entries ``e < n_ids[1]`` map the id ``id_key[e]`` to its slot
  ``id_slot[e]`` (-1 once removed), in ascending id order. Ids ``0 .. N-1``
  are the build order, later synapses get the next id (``n_ids[0]``, ids are
  never reused) appended as a new entry, so the keys stay sorted. Until
  entries are compacted ``id_key[e] == e``; when the table is full, the
  entries of removed synapses are dropped (:func:`compact_ids`), so the table
  grows with the synapses that exist, not with all ever created (a network
  that rewires forever keeps a bounded table). Lookups are a binary search
  (:func:`id_entry`). ``build_slots`` = the slots of the existing synapses in
  id order (= build order while nothing was removed or added).

Both directions keep headroom (``headroom`` fraction, at least ``min_free`` per
row/column) so that synapses can be added or removed in place, without a
rebuild; see :func:`add_synapse` and :func:`remove_synapse` (single edits, low
level: they do not maintain ids) and the batched, id-maintaining kernels
:func:`remove_batch` / :func:`add_batch` used by structural plasticity
(``engine/structure.py``), which moves ``branch`` with its synapse the way it
moves rule state (:func:`apply_moves`). :func:`relayout` grows or compacts the
reserves.
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
    col_pos: np.ndarray  # per slot: index in col_syn (-1 when free); checked before use
    sid: np.ndarray      # per slot: stable synapse id, -1 when free
    id_slot: np.ndarray  # per id-table entry: slot, -1 once removed
    n_ids: np.ndarray    # [ids handed out so far, id-table entries in use]
    id_key: np.ndarray   # per id-table entry: the synapse id (ascending)
    branch: np.ndarray = None  # per slot: dendritic branch of the target (int64; 0 when it has none)

    def __post_init__(self):
        if self.branch is None:
            self.branch = np.zeros(self.w.shape[0], np.int64)

    @property
    def capacity(self) -> int:
        return self.w.shape[0]

    @property
    def build_slots(self) -> np.ndarray:
        """Slots of the existing synapses in id order: the build order, with
        removed synapses left out and added ones appended in creation order."""
        ids = self.id_slot[: int(self.n_ids[1])]
        return ids[ids >= 0]

    def slots_of(self, ids) -> np.ndarray:
        """Current slot of each synapse id (-1 for removed or unknown ids)."""
        ids = np.asarray(ids, np.int64)
        n = int(self.n_ids[1])
        out = np.full(ids.shape, -1, np.int64)
        if n:
            keys = self.id_key[:n]
            pos = np.minimum(np.searchsorted(keys, ids), n - 1)
            found = keys[pos] == ids
            out[found] = self.id_slot[pos[found]]
        return out

    def compact_ids(self, room: int) -> None:
        """Drop the id-table entries of removed synapses and make room for
        ``room`` more: the table is sized to twice what it then holds."""
        n = int(self.n_ids[1])
        live = self.id_slot[:n] >= 0
        m = int(live.sum())
        size = max(16, 2 * (m + room))
        key, slot = np.full(size, -1, np.int64), np.full(size, -1, np.int64)
        key[:m], slot[:m] = self.id_key[:n][live], self.id_slot[:n][live]
        self.id_key, self.id_slot = key, slot
        self.n_ids[1] = m

    def restore(self, other: "SynapseStore") -> None:
        """Copy ``other``'s arrays into this store (in place when shapes agree)."""
        for key, value in vars(other).items():
            live = getattr(self, key)
            if isinstance(live, np.ndarray) and live.shape == value.shape:
                live[...] = value
            else:
                setattr(self, key, value.copy())

    @property
    def count(self) -> int:
        return int(self.row_len.sum())

    def active_slots(self) -> np.ndarray:
        """Slots of the synapses that exist, in row order."""
        return np.flatnonzero(self.alive)


def _reserve(lengths: np.ndarray, headroom: float, min_free: int) -> np.ndarray:
    return lengths + np.maximum(min_free, np.ceil(lengths * headroom).astype(np.int64))


def build_store(pre, post, w, delay, n_pre, n_post, headroom=0.25, min_free=2, branch=None) -> SynapseStore:
    """Lay out synapses given in any order; keeps their build order in ``build_slots``.
    ``branch``: the dendritic branch of each synapse (None: all 0)."""
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
    col_pos = np.full(cap, -1, np.int64)
    col_pos[sorted_slots] = col_start[sorted_post] + crank
    sid = np.full(cap, -1, np.int64)
    sid[slots] = np.arange(len(slots))
    on_branch = np.zeros(cap, np.int64)
    if branch is not None:
        on_branch[slots] = branch
    return SynapseStore(row_start, row_len, row_cap, col_start, col_len, col_cap, col_syn, col_pre,
                        col_pos=col_pos, sid=sid, id_slot=slots, n_ids=np.array([len(slots)] * 2, np.int64),
                        id_key=np.arange(len(slots), dtype=np.int64), branch=on_branch, **arrays)


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


# --- batched, id-maintaining edits (structural plasticity) -------------------

@njit(cache=True)
def id_entry(id_key, n, key):
    """The id-table entry of synapse id ``key`` among the first ``n`` (sorted),
    or -1: O(1) while the table was never compacted, else a binary search."""
    if 0 <= key < n and id_key[key] == key:
        return key
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) >> 1
        if id_key[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < n and id_key[lo] == key else -1


@njit(cache=True)
def remove_batch(row_start, row_len, col_start, col_len, col_syn, col_pre, col_pos, pre_of, post_of, w, delay,
                 alive, sid, id_key, id_slot, n_ids, ids, ev_slot, ev_from):
    """Remove the synapses with the given ids (unknown or already removed ids are
    skipped), one after the other; each time the row's last synapse moves into
    the freed slot. Writes the events ``ev_slot[e]`` (slot freed) and
    ``ev_from[e]`` (slot whose synapse moved into it, or -1) and returns their
    number. Cost: O(1) per removal (the column entries are found through
    ``col_pos``; a column scan only if ``col_pos`` was left stale by the
    single-edit kernels), O(log entries) once the id table was compacted.
    """
    ne = 0
    n = n_ids[1]
    for k in range(ids.shape[0]):
        e = id_entry(id_key, n, ids[k])
        if e < 0:
            continue
        s = id_slot[e]
        if s < 0:
            continue
        i, j = pre_of[s], post_of[s]
        last = row_start[i] + row_len[i] - 1
        c = _find_in_column(col_start, col_len, col_syn, col_pos, j, s)
        end = col_start[j] + col_len[j] - 1
        if c != end:
            col_syn[c], col_pre[c] = col_syn[end], col_pre[end]
            col_pos[col_syn[c]] = c
        col_syn[end], col_pre[end] = -1, -1
        col_len[j] -= 1
        col_pos[s] = -1
        id_slot[e] = -1
        ev_slot[ne] = s
        ev_from[ne] = -1
        if last != s:
            cl = _find_in_column(col_start, col_len, col_syn, col_pos, post_of[last], last)
            col_syn[cl] = s
            col_pos[s] = cl
            col_pos[last] = -1
            pre_of[s], post_of[s], w[s], delay[s], sid[s] = pre_of[last], post_of[last], w[last], delay[last], sid[last]
            id_slot[id_entry(id_key, n, sid[s])] = s
            ev_from[ne] = last
        pre_of[last], post_of[last], w[last], delay[last], sid[last], alive[last] = -1, -1, 0.0, 0, -1, False
        row_len[i] -= 1
        ne += 1
    return ne


@njit(cache=True)
def _find_in_column(col_start, col_len, col_syn, col_pos, j, s):
    c = col_pos[s]
    if c >= col_start[j] and c < col_start[j] + col_len[j] and col_syn[c] == s:
        return c
    for c in range(col_start[j], col_start[j] + col_len[j]):
        if col_syn[c] == s:
            return c
    return -1


@njit(cache=True)
def apply_moves(a, ev_slot, ev_from, n_events):
    """Replay the moves of :func:`remove_batch` on a per-slot array ``a``."""
    for e in range(n_events):
        if ev_from[e] >= 0:
            a[ev_slot[e]] = a[ev_from[e]]


@njit(cache=True)
def add_batch(row_start, row_len, row_cap, col_start, col_len, col_cap, col_syn, col_pre, col_pos,
              pre_of, post_of, w, delay, alive, sid, id_key, id_slot, n_ids, pres, posts, weights, delays,
              out_slots, k0):
    """Add synapses ``pres[k] -> posts[k]`` for k = k0, k0+1, ... in free capacity,
    giving each the next id (a new id-table entry); ``out_slots[k]`` = its slot.
    Stops at the first one whose row or column is full (or when the id table
    is full) and returns its index (``len(pres)`` when all were added). O(1)
    per synapse.
    """
    for k in range(k0, pres.shape[0]):
        i, j = pres[k], posts[k]
        if row_len[i] >= row_cap[i] or col_len[j] >= col_cap[j] or n_ids[1] >= id_slot.shape[0]:
            return k
        s = row_start[i] + row_len[i]
        row_len[i] += 1
        c = col_start[j] + col_len[j]
        col_syn[c] = s
        col_pre[c] = i
        col_pos[s] = c
        col_len[j] += 1
        pre_of[s], post_of[s], w[s], delay[s], alive[s] = i, j, weights[k], delays[k], True
        sid[s] = n_ids[0]
        id_key[n_ids[1]] = n_ids[0]
        id_slot[n_ids[1]] = s
        n_ids[0] += 1
        n_ids[1] += 1
        out_slots[k] = s
    return pres.shape[0]


@njit(cache=True)
def has_pairs(row_start, row_len, col_start, col_len, col_pre, post_of, pres, posts, out):
    """``out[k]`` = whether a synapse ``pres[k] -> posts[k]`` exists; scans the
    shorter of the row and the column."""
    for k in range(pres.shape[0]):
        i, j = pres[k], posts[k]
        found = False
        if row_len[i] <= col_len[j]:
            for s in range(row_start[i], row_start[i] + row_len[i]):
                if post_of[s] == j:
                    found = True
                    break
        else:
            for c in range(col_start[j], col_start[j] + col_len[j]):
                if col_pre[c] == i:
                    found = True
                    break
        out[k] = found


def _starts(cap: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(cap)[:-1]]).astype(np.int64) if len(cap) else np.zeros(0, np.int64)


def relayout(store: SynapseStore, row_cap: np.ndarray, col_cap: np.ndarray) -> np.ndarray:
    """Lay the store out again with new reserves (``row_cap >= row_len``,
    ``col_cap >= col_len``), in place; the order of synapses within each row and
    column is kept, ids are kept. Returns ``old_to_new`` (per old slot, its new
    slot or -1). O(capacity): used rarely (growth, amortised by doubling; compaction).
    """
    row_cap, col_cap = np.asarray(row_cap, np.int64), np.asarray(col_cap, np.int64)
    if np.any(row_cap < store.row_len) or np.any(col_cap < store.col_len):
        raise ValueError("relayout: a reserve is smaller than the synapses it must hold")
    old = np.flatnonzero(store.alive)
    i = store.pre[old]
    row_start = _starts(row_cap)
    new = row_start[i] + (old - store.row_start[i])
    old_to_new = np.full(store.capacity, -1, np.int64)
    old_to_new[old] = new
    cap = int(row_cap.sum())
    for key, fill in (("pre", -1), ("post", -1), ("w", 0.0), ("delay", 0), ("alive", False), ("sid", -1),
                      ("col_pos", -1), ("branch", 0)):
        a = getattr(store, key)
        b = np.full(cap, fill, a.dtype)
        b[new] = a[old]
        setattr(store, key, b)
    n = int(store.n_ids[1])
    store.id_slot[np.searchsorted(store.id_key[:n], store.sid[new])] = new
    n_post = len(col_cap)
    owner = np.repeat(np.arange(n_post), store.col_cap)
    rank = np.arange(len(owner)) - np.repeat(store.col_start, store.col_cap)
    valid = rank < store.col_len[owner]
    col_start = _starts(col_cap)
    pos = col_start[owner[valid]] + rank[valid]
    col_syn = np.full(int(col_cap.sum()), -1, np.int64)
    col_pre = np.full(len(col_syn), -1, np.int64)
    col_syn[pos] = old_to_new[store.col_syn[:len(owner)][valid]]
    col_pre[pos] = store.col_pre[:len(owner)][valid]
    store.col_pos[col_syn[pos]] = pos
    store.row_start, store.row_cap, store.col_start, store.col_cap = row_start, row_cap.copy(), col_start, col_cap.copy()
    store.col_syn, store.col_pre = col_syn, col_pre
    return old_to_new
