"""Structural plasticity in the engine: editing a projection between compiled chunks.

:class:`Edit` is what a :class:`~neuroplastic.plasticity.structural.Structural`
rule receives: vectorised reads of one projection's synapses and batched edits
(:meth:`Edit.remove`, :meth:`Edit.add`) that keep everything indexed by slot
consistent:

* the store's rows and column index (numba kernels of ``engine/synapses.py``,
  O(1) per removal or addition);
* every rule's per-synapse state (``rule_states[r].syn``): when a removal moves
  the row's last synapse into the freed slot its state moves with it; a new
  synapse starts at each ``State.init``;
* WeightMonitors of the projection: they follow their synapses (by synapse id)
  through moves and re-layouts; after a monitored synapse is removed its column
  records NaN.

When a row or column is full, :meth:`Edit.add` grows the store: the reserves
of the rows/columns that overflow are (at least) doubled and the store is laid
out again (O(capacity), amortised over the adds). :meth:`Edit.compact` lays it
out with the build-time headroom again; neither changes results.

:class:`Structure` is owned by a :class:`~neuroplastic.engine.network.Network`
that has structural rules (or was compacted): it tells the run loop where
chunks must end, calls the rules there, owns their random generator and
restores everything on ``reset``.
"""
from __future__ import annotations

import math

import numpy as np

from .limits import to_steps
from .synapses import _reserve, add_batch, apply_moves, has_pairs, relayout, remove_batch
from ..errors import ValidationError

MIN_FREE = 2


class Edit:
    """Operations of structural rules on one projection (slots index synapses).

    Attributes read by rules:
        name, n_pre, n_post: projection name and population sizes.
        recurrent: the projection connects a population to itself.
        dt: time step (ms); t: the time of the current update (ms).
        pre, post, w, delay, alive, ids: live per-slot arrays (length
            ``capacity``): endpoints, weight, delay in steps, whether the slot
            holds a synapse, stable synapse id (-1 in a free slot). Free slots
            have pre = post = -1, w = 0. Any slot may be read; only existing
            synapses have meaning. Arrays are replaced when the store grows and
            slots change on removal: read them again after an edit.
        w_min, w_max: the projection's weight bounds.
        rules, rule_states: the projection's rules and their live state.
        neuron_rule_states(side): live state of the neuron rules of the pre or
            post population (read-only by contract), e.g. a calcium trace for
            activity-dependent structural rules (``plasticity.msp``).

    Costs: ``remove``/``add`` are O(1) per synapse edited (plus an amortised
    re-layout when the store grows), ``exists`` O(min(row, column length)) per
    pair; ``slots()`` is one pass over the capacity (use it when the rule must
    look at every synapse anyway).
    """

    def __init__(self, net, k: int):
        self._net, self._k = net, k
        pj = net._projs[k]
        proj = net.model.projections[pj.name]
        self.name, self.dt, self.t = pj.name, net.dt, net.t
        self.recurrent = pj.spec.pre == pj.spec.post
        self.w_min, self.w_max = proj.w_min, proj.w_max
        self.headroom = getattr(net, "_headroom", 0.25)
        if pj.spec.deliver and not pj.spec.direct:
            prefix = "D" if pj.spec.branched else "B"   # branch buffers: engine/branches.py
            buf = net._pops[pj.spec.post].arrays[f"{prefix}{pj.spec.channel}"]
            self._max_delay = buf.shape[0] - 1
        else:
            self._max_delay = 0
        self._monitors = [r for r in net._recorders if r.kind == "weights" and r.spec.target == k]
        self._ids = {id(r): r.synapses.copy() for r in self._monitors}   # monitored synapse ids
        self._initial_slots = {id(r): r.slots.copy() for r in self._monitors}
        self._removed = {id(r): np.zeros(0, np.int64) for r in self._monitors}
        self._ev = (np.zeros(0, np.int64), np.zeros(0, np.int64))

    # -- reading ----------------------------------------------------------------
    @property
    def n_pre(self) -> int:
        """Size of the presynaptic population (grows with neurogenesis)."""
        return self._net._pops[self._net._projs[self._k].spec.pre].n

    @property
    def n_post(self) -> int:
        """Size of the postsynaptic population (grows with neurogenesis)."""
        return self._net._pops[self._net._projs[self._k].spec.post].n

    @property
    def alive_pre(self) -> np.ndarray:
        """Live mask of the presynaptic neurons (False once removed; all True for inputs)."""
        return self._alive(self._net._projs[self._k].spec.pre)

    @property
    def alive_post(self) -> np.ndarray:
        """Live mask of the postsynaptic neurons."""
        return self._alive(self._net._projs[self._k].spec.post)

    def spike_counts(self, side: str) -> np.ndarray:
        """Live per-neuron spike counters of the ``"pre"`` or ``"post"``
        population since the start or ``reset`` (never cleared: keep the values
        seen at the previous update to get counts since then). Zeros for
        populations without spikes (rate units, value/noise inputs)."""
        spec = self._net._projs[self._k].spec
        pop = self._net._pops[spec.pre if side == "pre" else spec.post]
        cnt = pop.arrays.get("cnt")
        return cnt if cnt is not None and len(cnt) == pop.n else np.zeros(pop.n, np.int64)

    def _alive(self, k):
        pop = self._net._pops[k]
        return pop.arrays["alive"] if "alive" in pop.arrays else np.ones(pop.n, np.bool_)

    @property
    def store(self):
        return self._net._projs[self._k].store

    @property
    def rule_states(self) -> list:
        """Live state tuples of the projection's rules (index = rule position)."""
        return self._net._projs[self._k].rule_states

    @property
    def rules(self) -> tuple:
        """The projection's rules (index = position in :attr:`rule_states`), so a
        rule finds its own state at the position of ``self`` (compare by
        identity, ``r is self``: equal rules may appear twice)."""
        return tuple(self._net._projs[self._k].spec.rules)

    def neuron_rule_states(self, side: str) -> list:
        """Live states ``(neuron, glob, var, mod)`` of the neuron rules of the
        presynaptic (``side="pre"``) or postsynaptic (``"post"``) population, in
        the population's rule order (empty for inputs). Read-only by contract:
        structural rules read them (e.g. a calcium trace) and must not write."""
        if side not in ("pre", "post"):
            raise ValueError("side must be 'pre' or 'post'")
        spec = self._net._projs[self._k].spec
        pop = self._net._pops[spec.pre if side == "pre" else spec.post]
        return list(getattr(pop, "rule_states", None) or [])

    pre = property(lambda self: self.store.pre)
    post = property(lambda self: self.store.post)
    w = property(lambda self: self.store.w)
    delay = property(lambda self: self.store.delay)
    alive = property(lambda self: self.store.alive)
    ids = property(lambda self: self.store.sid)
    branch = property(lambda self: self.store.branch)

    @property
    def branches(self) -> int:
        """K, the number of dendritic branches of the postsynaptic neurons (0: point neurons)."""
        spec = self._net._pops[self._net._projs[self._k].spec.post].spec
        return len(spec.branch_rows[0]) if spec.branch_rows else 0

    @property
    def capacity(self) -> int:
        return self.store.capacity

    @property
    def count(self) -> int:
        """Number of existing synapses (O(n_pre))."""
        return self.store.count

    def slots(self) -> np.ndarray:
        """Slots of the existing synapses, ascending (one pass over the capacity)."""
        return np.flatnonzero(self.store.alive)

    def slots_of(self, ids) -> np.ndarray:
        """Current slots of synapse ids (-1 for removed ones)."""
        return self.store.slots_of(ids)

    def exists(self, pre, post) -> np.ndarray:
        """Whether a synapse pre[k] -> post[k] exists (bool array)."""
        pre, post = self._pairs(pre, post)
        st = self.store
        out = np.zeros(len(pre), np.bool_)
        has_pairs(st.row_start, st.row_len, st.col_start, st.col_len, st.col_pre, st.post, pre, post, out)
        return out

    # -- editing ----------------------------------------------------------------
    def remove(self, slots) -> int:
        """Delete the synapses in ``slots`` (slots as they are now; free slots and
        repeats are ignored). Returns how many were removed. Other synapses of
        the same rows move to fill the holes: slots read before this call are
        stale afterwards."""
        slots = np.asarray(slots, np.int64).ravel()
        if len(slots) == 0:
            return 0
        st = self.store
        if slots.min() < 0 or slots.max() >= st.capacity:
            raise IndexError(f"remove: slots must be in 0..{st.capacity - 1}")
        ids = st.sid[slots]
        ev_slot, ev_from = np.empty(len(ids), np.int64), np.empty(len(ids), np.int64)
        n = remove_batch(st.row_start, st.row_len, st.col_start, st.col_len, st.col_syn, st.col_pre, st.col_pos,
                         st.pre, st.post, st.w, st.delay, st.alive, st.sid, st.id_key, st.id_slot, st.n_ids, ids,
                         ev_slot, ev_from)
        if n:
            apply_moves(st.branch, ev_slot, ev_from, n)
            for state in self.rule_states:
                for a in state.syn:
                    apply_moves(a, ev_slot, ev_from, n)
            self._sync_monitors()
        return int(n)

    def add(self, pre, post, weight, delay=0.0, branch=None) -> np.ndarray:
        """Create synapses pre[k] -> post[k] with ``weight`` (clipped to the
        bounds) and ``delay`` (ms, rounded to steps; scalars broadcast). Returns
        their slots. Grows the store when rows or columns are full. Duplicate
        pairs are not checked (use :meth:`exists`). ``branch``: the dendritic
        branch of each (a scalar or one per synapse) for a projection onto
        branches; None draws it as the projection's ``branch`` says.

        A delay must fit the delay buffer built for the network: a projection
        whose delays were all 0 at build time only takes delay 0, others at most
        their largest build-time delay.

        Pairs with a removed neuron (``alive_pre`` / ``alive_post`` False) are
        skipped: their slot is -1.
        """
        pre, post = self._pairs(pre, post)
        living = self.alive_pre[pre] & self.alive_post[post]
        if not living.all():
            out = np.full(len(pre), -1, np.int64)
            keep = np.flatnonzero(living)
            w, d = (np.broadcast_to(np.asarray(x, np.float64), (len(pre),))[keep] for x in (weight, delay))
            b = None if branch is None else np.broadcast_to(np.asarray(branch, np.int64), (len(pre),))[keep]
            out[keep] = self.add(pre[keep], post[keep], w, d, b)
            return out
        n = len(pre)
        if n == 0:
            return np.zeros(0, np.int64)
        w = np.clip(np.broadcast_to(np.asarray(weight, np.float64), (n,)), self.w_min, self.w_max).copy()
        d = np.broadcast_to(np.asarray(delay, np.float64), (n,))
        if not np.all(np.isfinite(w)) or not np.all(np.isfinite(d)) or np.any(d < 0):
            raise ValidationError(f"Projection '{self.name}'", "add", "weight/delay",
                                  "weights must be finite and delays finite and >= 0 ms")
        steps = np.atleast_1d(to_steps(d, self.dt))
        if steps.size and steps.max() > self._max_delay:
            raise ValidationError(f"Projection '{self.name}'", "add.delay", f"{steps.max() * self.dt:g} ms",
                                  f"must be <= {self._max_delay * self.dt:g} ms (the delay buffer built "
                                  f"for this projection)")
        on_branch = self._branches_of_new(pre, branch)
        out = np.empty(n, np.int64)
        k = 0
        while True:
            st = self.store
            k = add_batch(st.row_start, st.row_len, st.row_cap, st.col_start, st.col_len, st.col_cap,
                          st.col_syn, st.col_pre, st.col_pos, st.pre, st.post, st.w, st.delay, st.alive, st.sid,
                          st.id_key, st.id_slot, st.n_ids, pre, post, w, steps, out, k)
            if k == n:
                break
            old_to_new = self._grow(pre[k:], post[k:])
            if old_to_new is not None:
                out[:k] = old_to_new[out[:k]]
        self.store.branch[out] = on_branch
        for state, rule in zip(self.rule_states, self._net._projs[self._k].spec.rules):
            for a, decl in zip(state.syn, type(rule).synapse_state):
                a[out] = decl.init
        self._sync_monitors()
        return out

    def set_branch(self, slots, branch) -> None:
        """Move the synapses in ``slots`` to dendritic ``branch`` (a scalar or
        one per slot, 0 .. K-1); input delayed in flight arrives where it was
        sent. Raises ValidationError on a projection that does not land on
        branches or an index out of range."""
        slots = np.asarray(slots, np.int64).ravel()
        b = np.broadcast_to(np.asarray(branch, np.int64), slots.shape)
        self._check_branches(b)
        if len(slots) and (slots.min() < 0 or slots.max() >= self.capacity or not self.alive[slots].all()):
            raise IndexError(f"set_branch: slots must hold synapses (0..{self.capacity - 1})")
        self.store.branch[slots] = b

    def _branches_of_new(self, pre, branch) -> np.ndarray:
        """The branches of synapses about to be added (given, or drawn)."""
        from .branches import branches_for

        if branch is not None:
            b = np.broadcast_to(np.asarray(branch, np.int64), pre.shape).copy()
            self._check_branches(b)
            return b
        proj = self._net.model.projections[self.name]
        first = int(self.store.n_ids[0])
        return branches_for(proj, self._k, self._net.seed, self.branches, pre, np.arange(first, first + len(pre)),
                            self.n_pre, build=False)

    def _check_branches(self, b) -> None:
        spec = self._net._projs[self._k].spec
        if not spec.branched:
            raise ValidationError(f"Projection '{self.name}'", "branch", "an index",
                                  "must be None: the projection does not land on dendritic branches")
        if b.size and (b.min() < 0 or b.max() >= self.branches):
            raise ValidationError(f"Projection '{self.name}'", "branch", f"{int(b.min())}..{int(b.max())}",
                                  f"must be branch indices in 0 .. {self.branches - 1}")

    def compact(self) -> None:
        """Lay the store out again with the build-time headroom (after many
        removals, or after growth). Results do not change."""
        st = self.store
        self._relayout(_reserve(st.row_len, self.headroom, MIN_FREE), _reserve(st.col_len, self.headroom, MIN_FREE))

    # -- internals --------------------------------------------------------------
    def _pairs(self, pre, post):
        pre, post = np.broadcast_arrays(np.asarray(pre, np.int64).ravel(), np.asarray(post, np.int64).ravel())
        pre, post = np.ascontiguousarray(pre), np.ascontiguousarray(post)
        if len(pre) and (pre.min() < 0 or pre.max() >= self.n_pre or post.min() < 0 or post.max() >= self.n_post):
            raise IndexError(f"projection '{self.name}': pre must be in 0..{self.n_pre - 1}, "
                             f"post in 0..{self.n_post - 1}")
        return pre, post

    def _grow(self, pre, post):
        """Make room for synapses pre -> post: rows/columns that would overflow get
        at least twice their reserve; a full id table drops the entries of
        removed synapses and is sized to twice what it holds. Returns the slot
        map of the re-layout (None if there was none)."""
        st = self.store
        if int(st.n_ids[1]) + len(pre) > len(st.id_slot):
            st.compact_ids(len(pre))
        row_need = st.row_len + np.bincount(pre, minlength=self.n_pre)
        col_need = st.col_len + np.bincount(post, minlength=self.n_post)
        if np.all(row_need <= st.row_cap) and np.all(col_need <= st.col_cap):
            return None
        row_cap, col_cap = st.row_cap.copy(), st.col_cap.copy()
        r, c = row_need > row_cap, col_need > col_cap
        row_cap[r] = np.maximum(2 * row_cap[r], row_need[r] + MIN_FREE)
        col_cap[c] = np.maximum(2 * col_cap[c], col_need[c] + MIN_FREE)
        return self._relayout(row_cap, col_cap)

    def _relayout(self, row_cap, col_cap):
        st = self.store
        alive_old = np.flatnonzero(st.alive)
        old_to_new = relayout(st, row_cap, col_cap)
        new = old_to_new[alive_old]
        pj = self._net._projs[self._k]
        for r, (state, rule) in enumerate(zip(pj.rule_states, pj.spec.rules)):
            if not len(state.syn):
                continue
            arrays = []
            for a, decl in zip(state.syn, type(rule).synapse_state):
                b = np.full(st.capacity, decl.init, a.dtype)
                b[new] = a[alive_old]
                arrays.append(b)
            pj.rule_states[r] = state._replace(syn=type(state.syn)(*arrays))
        self._sync_monitors()
        return old_to_new

    def _sync_monitors(self):
        """Point every WeightMonitor entry at its synapse's current slot; removed
        synapses are recorded from then on as NaN (see :meth:`mask_removed`)."""
        st = self.store
        for r in self._monitors:
            ids = self._ids[id(r)]
            slots = st.slots_of(ids)
            gone = slots < 0
            r.slots[...] = np.where(gone, 0, slots)
            self._removed[id(r)] = np.flatnonzero(gone)

    def mask_removed(self) -> None:
        """NaN the samples the last chunk took of removed monitored synapses."""
        for r in self._monitors:
            gone = self._removed[id(r)]
            if len(gone) and r.last is not None:
                r.last[:, gone] = np.nan

    def reset(self) -> None:
        """Back to the build-time monitor slots (the network restores the store)."""
        for r in self._monitors:
            r.slots[...] = self._initial_slots[id(r)]
            self._removed[id(r)] = np.zeros(0, np.int64)


def resize_rule_states(pj, initial_states) -> None:
    """Before ``reset`` copies the initial rule state in place: give per-synapse
    arrays whose capacity changed (growth, compaction) their initial shape."""
    for r, (state, init) in enumerate(zip(pj.rule_states, initial_states)):
        syn = state.syn
        if any(a.shape != b.shape for a, b in zip(syn, init[0])):
            pj.rule_states[r] = state._replace(syn=type(syn)(*[np.array(b, copy=True) for b in init[0]]))


class Structure:
    """Structural plasticity of one network: periods, the rules' random
    generator, the :class:`Edit` of each projection."""

    STREAM = 0x5354  # separates this generator from the build-time one

    def __init__(self, net):
        from ..plasticity.structural import Structural, check_structural

        self._net = net
        self.rules = []   # (projection index, rule, period in steps)
        for k, pj in enumerate(net._projs):
            for rule in pj.spec.rules:
                if isinstance(rule, Structural):
                    try:
                        check_structural(rule)
                    except ValidationError as e:
                        raise ValidationError(f"Projection '{pj.name}'", f"rules ({type(rule).__name__}).period",
                                              e.value, "must be a number > 0 ms") from None
                    self.rules.append((k, rule, max(1, int(round(rule.period / net.dt)))))
        self.rng = np.random.default_rng([net.seed, self.STREAM])
        self._rng_initial = self.rng.bit_generator.state
        self._edits: dict[int, Edit] = {}
        self._done = 0   # last step at which the rules ran

    def edit(self, k: int) -> Edit:
        if k not in self._edits:
            self._edits[k] = Edit(self._net, k)
        return self._edits[k]

    def next_stop(self, step: int, target: int) -> int:
        """The first structural boundary after ``step`` (or ``target``)."""
        stop = target
        for _, _, period in self.rules:
            stop = min(stop, (step // period + 1) * period)
        return stop

    def after_chunk(self, step: int) -> None:
        """Mask removed monitored synapses in the last chunk; at a boundary, run
        the rules due (projections, then rules, in model order)."""
        for e in self._edits.values():
            e.mask_removed()
        if step == self._done:
            return
        self._done = step
        t = step * self._net.dt
        for k, rule, period in self.rules:
            if step % period == 0 and self._net._phases.allows(k, rule):   # off in a phase at scale 0
                e = self.edit(k)
                e.t = t
                rule.restructure(t, e, self.rng)

    def reset(self) -> None:
        self.rng.bit_generator.state = self._rng_initial
        self._done = 0
        for e in self._edits.values():
            e.reset()
