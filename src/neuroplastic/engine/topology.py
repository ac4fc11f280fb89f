"""Neurons added and removed while a network runs; lesions; scheduled topology events.

All operations run between compiled chunks (plain numpy, cost proportional to
the neurons and synapses they touch, plus an amortised re-layout of the synapse
stores of the projections of a grown population):

* :func:`remove_neurons`: a removed neuron keeps its index; the loop drops its
  spikes (``alive`` mask) and all its synapses are removed (``Edit.remove``),
  so it neither receives nor sends anything. Recordings keep its past.
* :func:`add_neurons`: the population's arrays grow by ``n`` columns (new
  neurons start from the population's initial values and take the parameters
  of randomly chosen living neurons of the population), every rule state and
  delay buffer grows with them, and every projection from or to the population
  draws synapses for the new neurons with its own connectivity (see
  :func:`_new_pairs`), weight and delay distributions. New neurons get the next
  indices ``n_old .. n_old + n - 1``; nothing recompiles (sizes are arguments).
* :func:`lesion_neurons` / :func:`lesion_synapses`: a random fraction.

:class:`Topology` carries out a model's scheduled :class:`Lesion`,
:class:`Neurogenesis` and :class:`PruneSilent` events at their times and keeps
a log of everything that changed.
"""
from __future__ import annotations

import numpy as np

from ..errors import ValidationError
from ..model.connectivity import AllToAll, FixedInDegree, FixedProbability, OneToOne
from ..model.distributions import Distribution, draw
from ..model.topology import Lesion, Neurogenesis, PruneSilent
from . import arguments, memory
from .connect import _bernoulli_pairs
from .structure import MIN_FREE, Structure


def _edit(net, k):
    if net._structure is None:
        net._structure = Structure(net)
    return net._structure.edit(k)


def _neuron_population(net, name: str, owner: str):
    if not isinstance(name, str) or name not in net._pop_index:
        raise ValidationError(owner, "population", name, f"must name a population ({', '.join(net._pop_index)})")
    pop = net._pops[net._pop_index[name]]
    if not pop.spec.neuron:
        raise ValidationError(owner, "population", name, "must be a neuron population (inputs cannot change size)")
    return pop


# -- removal -------------------------------------------------------------------

def _ranges(starts, lengths):
    """Concatenated ``arange(s, s + l)`` for each (s, l), vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total, dtype=np.int64)


def remove_neurons(net, population: str, indices) -> np.ndarray:
    """Remove neurons (by index) from a population; returns those removed now
    (already removed ones are skipped). See module doc."""
    pop = _neuron_population(net, population, "Network.remove_neurons")
    idx = arguments.indices("remove_neurons", "indices", indices, pop.n, f"neurons of '{population}'")
    alive = pop.arrays["alive"]
    idx = idx[alive[idx]]
    alive[idx] = False
    pop.arrays["ndead"][0] = int((~alive).sum())
    k = pop.spec.index
    _clear_neuron_state(net, pop, idx)
    for kp, pj in enumerate(net._projs):
        st, slots = pj.store, []
        if pj.spec.pre == k:
            slots.append(_ranges(st.row_start[idx], st.row_len[idx]))
        if pj.spec.post == k:
            slots.append(st.col_syn[_ranges(st.col_start[idx], st.col_len[idx])])
        if slots and sum(len(s) for s in slots):
            _edit(net, kp).remove(np.unique(np.concatenate(slots)))
    return idx


def _clear_neuron_state(net, pop, idx) -> None:
    """Per-neuron rule state of removed neurons back to its initial value (a
    removed neuron holds no calcium, traces or synaptic elements)."""
    k = pop.spec.index
    for rule, st in zip(pop.spec.rules, pop.rule_states):
        for a, decl in zip(st.neuron, type(rule).neuron_state):
            a[idx] = decl.init
    for pj in net._projs:
        for rule, st in zip(pj.spec.rules, pj.rule_states):
            for side, part, decls in (("pre", st.pre, type(rule).pre_state), ("post", st.post, type(rule).post_state)):
                if getattr(pj.spec, side) == k:
                    for a, decl in zip(part, decls):
                        a[idx] = decl.init


def lesion_neurons(net, population: str, fraction: float, rng) -> np.ndarray:
    """Remove a random ``fraction`` of the living neurons of a population."""
    pop = _neuron_population(net, population, "Network.lesion")
    living = np.flatnonzero(pop.arrays["alive"])
    count = int(round(fraction * len(living)))
    chosen = np.sort(rng.choice(living, size=count, replace=False)) if count else np.zeros(0, np.int64)
    return remove_neurons(net, population, chosen)


def lesion_synapses(net, projection: str, fraction: float, rng) -> np.ndarray:
    """Remove a random ``fraction`` of the synapses of a projection; returns their ids."""
    if projection not in net._proj_index:
        raise ValidationError("Network.lesion", "projection", projection,
                              f"must name a projection ({', '.join(net._proj_index)})")
    edit = _edit(net, net._proj_index[projection])
    slots = edit.slots()
    count = int(round(fraction * len(slots)))
    chosen = rng.choice(slots, size=count, replace=False) if count else np.zeros(0, np.int64)
    ids = np.sort(edit.ids[chosen])
    edit.remove(chosen)
    return ids


# -- growth --------------------------------------------------------------------

def _values_for_new(spec, rng, n):
    """``n`` values from a model's value spec (a number or a Distribution: drawn
    as at build time; a per-item array has no entry for new items, so it is
    sampled) — initial states of new neurons, weights and delays of their synapses."""
    if not isinstance(spec, Distribution) and np.ndim(spec) == 1:
        return rng.choice(np.asarray(spec, float), size=n) if len(spec) else np.zeros(n)
    return draw(spec, rng, n)


def _grow_population_arrays(net, pop, n, rng):
    part = net.model.populations[pop.name]
    a, n_old = pop.arrays, pop.n
    living = np.flatnonzero(a["alive"])
    donors = rng.choice(living if len(living) else np.arange(n_old), size=n)
    init = {**part.model.default_initial(), **part.initial}
    fresh = np.vstack([_values_for_new(init.get(v, 0.0), rng, n) for v in pop.state_names])
    a["state"] = np.ascontiguousarray(np.hstack([a["state"], fresh]))
    if a["par"].shape[0] == n_old and n_old > 1:   # one parameter row per neuron (else one shared row)
        a["par"] = np.ascontiguousarray(np.vstack([a["par"], a["par"][donors]]))
    for key, fill in (("ref", 0), ("act", 0.0), ("cnt", 0), ("alive", True)):
        a[key] = np.concatenate([a[key], np.full(n, fill, a[key].dtype)])
    a["spk"] = np.zeros(n_old + n, np.int64)
    a["work"] = np.ascontiguousarray(np.hstack([a["work"], np.zeros((a["work"].shape[0], n))]))
    for c in pop.spec.buffered:
        buf = a[f"B{c}"]
        a[f"B{c}"] = np.ascontiguousarray(np.hstack([buf, np.zeros((buf.shape[0], n))]))
    pop.n = n_old + n
    for r, rule in enumerate(pop.spec.rules):   # neuron rules: per-neuron state grows, views re-bound
        old = pop.rule_states[r]
        new = rule.new_state(pop.n, {v: pop.variable(v) for v in rule.reads}, _mod_views(net, rule))
        for x, y in zip(new.neuron, old.neuron):
            x[:n_old] = y
        for x, y in zip(new.glob, old.glob):
            x[...] = y
        pop.rule_states[r] = new


def _mod_views(net, rule):
    return net._mods.views_for(rule) if net._mods.count else None


def _grow_projection(net, kp, grown: dict):
    """Resize the store and rule state of a projection whose end(s) grew;
    ``grown`` maps population index -> old size."""
    pj = net._projs[kp]
    st = pj.store
    pre, post = net._pops[pj.spec.pre], net._pops[pj.spec.post]
    if pj.spec.pre in grown:
        extra = pre.n - len(st.row_len)
        st.row_len = np.concatenate([st.row_len, np.zeros(extra, np.int64)])
        st.row_start = np.concatenate([st.row_start, np.zeros(extra, np.int64)])
        st.row_cap = np.concatenate([st.row_cap, np.zeros(extra, np.int64)])
    if pj.spec.post in grown:
        extra = post.n - len(st.col_len)
        st.col_len = np.concatenate([st.col_len, np.zeros(extra, np.int64)])
        st.col_start = np.concatenate([st.col_start, np.zeros(extra, np.int64)])
        st.col_cap = np.concatenate([st.col_cap, np.zeros(extra, np.int64)])
    for r, rule in enumerate(pj.spec.rules):
        old = pj.rule_states[r]
        new = rule.new_state(st.capacity, pre.n, post.n, {v: pre.variable(v) for v in rule.pre_reads},
                             {v: post.variable(v) for v in rule.post_reads}, _mod_views(net, rule))
        for part in ("syn", "pre", "post", "glob"):
            for x, y in zip(getattr(new, part), getattr(old, part)):
                x[: len(y)] = y
        pj.rule_states[r] = new
    # new rows / columns (reserve 0) get the minimum free reserve; existing ones keep theirs
    _edit(net, kp)._relayout(np.maximum(st.row_cap, MIN_FREE), np.maximum(st.col_cap, MIN_FREE))


def _in_degree(k, pool, posts, exclude_self, rng):
    """k distinct presynaptic partners from 0..pool-1 for each of ``posts``."""
    size = pool - 1 if exclude_self else pool
    rows = max(1, (1 << 22) // max(size, 1))   # bounded temporaries; same draws as one block
    picks = []
    for first in range(0, len(posts), rows):
        block = posts[first:first + rows]
        pick = np.argsort(rng.random((len(block), size)), axis=1)[:, :k]
        if exclude_self:
            pick = pick + (pick >= block[:, None])
        picks.append(np.sort(pick, axis=1))
    pre = np.concatenate(picks).ravel() if picks else np.zeros(0, np.int64)
    return pre, np.repeat(posts, k)


def _new_pairs(conn, n_pre, n_post, old_pre, old_post, recurrent, rng):
    """Synapses involving new neurons, drawn with the projection's connectivity.

    New postsynaptic neurons (index >= ``old_post``) get partners among all
    presynaptic neurons; new presynaptic neurons get targets among the old
    postsynaptic ones (new-new pairs are in the first block). Per rule:
    FixedProbability and AllToAll draw every new pair; FixedInDegree gives each
    new postsynaptic neuron k partners and new presynaptic neurons no targets
    (the old neurons' in-degree stays k); OneToOne pairs each new index with
    itself; explicit Pairs add nothing.
    """
    allow_self = getattr(conn, "allow_self", True)
    blocks = []
    new_posts = np.arange(old_post, n_post, dtype=np.int64)
    new_pres = np.arange(old_pre, n_pre, dtype=np.int64)
    if isinstance(conn, OneToOne):
        idx = np.intersect1d(np.union1d(new_pres, new_posts), np.arange(min(n_pre, n_post)))
        return idx, idx.copy()
    if isinstance(conn, (AllToAll, FixedProbability)):
        p = 1.0 if isinstance(conn, AllToAll) else conn.p
        if len(new_posts):
            i, j = _bernoulli_pairs(p, n_pre, len(new_posts), rng)
            blocks.append((i, j + old_post))
        if len(new_pres):
            i, j = _bernoulli_pairs(p, len(new_pres), old_post, rng)
            blocks.append((i + old_pre, j))
    elif isinstance(conn, FixedInDegree) and len(new_posts):
        blocks.append(_in_degree(conn.k, n_pre, new_posts, recurrent and not allow_self, rng))
    if not blocks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i = np.concatenate([b[0] for b in blocks])
    j = np.concatenate([b[1] for b in blocks])
    if recurrent and not allow_self:
        keep = i != j
        i, j = i[keep], j[keep]
    return i, j


def add_neurons(net, population: str, n: int, rng) -> np.ndarray:
    """Add ``n`` neurons to a population; returns their indices (module doc)."""
    pop = _neuron_population(net, population, "Network.add_neurons")
    n = arguments.integer("add_neurons", "n", n, 1)
    memory.check_growth(net, pop, n)
    n_old, k = pop.n, pop.spec.index
    _grow_population_arrays(net, pop, int(n), rng)
    net._win_limit[k] = net._win_limit[k] * pop.n / n_old
    for kp, pj in enumerate(net._projs):
        if k not in (pj.spec.pre, pj.spec.post):
            continue
        _grow_projection(net, kp, {k: n_old})
        proj = net.model.projections[pj.name]
        n_pre, n_post = net._pops[pj.spec.pre].n, net._pops[pj.spec.post].n
        old_pre = n_old if pj.spec.pre == k else n_pre
        old_post = n_old if pj.spec.post == k else n_post
        i, j = _new_pairs(proj.connectivity, n_pre, n_post, old_pre, old_post, pj.spec.pre == pj.spec.post, rng)
        if len(i):
            edit = _edit(net, kp)
            delay = np.minimum(_values_for_new(proj.delay, rng, len(i)), edit._max_delay * net.dt)
            edit.add(i, j, _values_for_new(proj.weight, rng, len(i)), np.maximum(delay, 0.0))
    return np.arange(n_old, pop.n, dtype=np.int64)


# -- scheduled events ------------------------------------------------------------

class Topology:
    """The scheduled topology events of a network, their random generator and a log.

    ``log`` lists every change as a dict: ``t`` (ms), ``event`` (name or
    ``"python"``), ``kind`` ("lesion", "neurogenesis", "remove", "prune_silent"),
    ``target`` and ``indices`` (neurons) or ``ids`` (synapses).
    """

    STREAM = 0x544F50

    def __init__(self, net):
        self._net = net
        self.rng = np.random.default_rng([net.seed, self.STREAM])
        self._rng_initial = self.rng.bit_generator.state
        events = list(net.model.events.values())
        self.once = sorted(((int(round(e.time / net.dt)), k, e) for k, e in enumerate(events)
                            if isinstance(e, (Lesion, Neurogenesis))), key=lambda x: (x[0], x[1]))
        self.silent = [(e, max(1, int(round(e.silent_for / net.dt))), int(round(e.start / net.dt)))
                       for e in events if isinstance(e, PruneSilent)]
        self.resized = False
        self.reset_state()

    def reset_state(self):
        self.rng.bit_generator.state = self._rng_initial
        self._next = 0      # position in ``once``
        self._checked = {}  # PruneSilent name -> (step, spike counts then)
        self._born = {}     # population -> birth step per neuron (only for grown populations)
        self.log = []

    def next_stop(self, step: int, target: int) -> int:
        stop = target
        if self._next < len(self.once):
            stop = min(stop, max(self.once[self._next][0], step + 1))
        for _, period, start in self.silent:
            stop = min(stop, start + max(0, (step - start) // period + 1) * period if step >= start else start)
        return max(stop, step + 1)

    def run_due(self, step: int) -> None:
        """Carry out the events due at ``step`` (before that step runs)."""
        while self._next < len(self.once) and self.once[self._next][0] <= step:
            _, _, event = self.once[self._next]
            self._next += 1
            self.apply(event, step)
        for event, period, start in self.silent:
            if step >= start and (step - start) % period == 0:
                self._prune_silent(event, step, period)

    def apply(self, event, step: int) -> None:
        net, t = self._net, step * self._net.dt
        if isinstance(event, Lesion):
            if event.population is not None:
                idx = lesion_neurons(net, event.population, event.fraction, self.rng)
                self.log.append(dict(t=t, event=event.name, kind="lesion", target=event.population,
                                     indices=idx.tolist()))
            else:
                ids = lesion_synapses(net, event.projection, event.fraction, self.rng)
                self.log.append(dict(t=t, event=event.name, kind="lesion", target=event.projection,
                                     ids=ids.tolist()))
        else:
            self.grow(event.population, event.n, step, event.name)

    def grow(self, population: str, n: int, step: int, name: str = "python") -> np.ndarray:
        pop = _neuron_population(self._net, population, "Network.add_neurons")
        born = self._born.get(population, np.zeros(pop.n, np.int64))
        idx = add_neurons(self._net, population, n, self.rng)
        self._born[population] = np.concatenate([born, np.full(len(idx), step, np.int64)])
        self.resized = True
        self.log.append(dict(t=step * self._net.dt, event=name, kind="neurogenesis", target=population,
                             indices=idx.tolist()))
        return idx

    def _prune_silent(self, event, step, period):
        pop = self._net._pops[self._net._pop_index[event.population]]
        counts = pop.arrays["cnt"].copy()
        last = self._checked.get(event.name)
        self._checked[event.name] = (step, counts)
        if last is None:
            return
        before = np.zeros_like(counts)
        before[: len(last[1])] = last[1]
        born = self._born.get(event.population, np.zeros(pop.n, np.int64))
        silent = (counts == before) & pop.arrays["alive"] & (born <= last[0])
        idx = remove_neurons(self._net, event.population, np.flatnonzero(silent))
        if len(idx):
            self.log.append(dict(t=step * self._net.dt, event=event.name, kind="prune_silent",
                                 target=event.population, indices=idx.tolist()))
