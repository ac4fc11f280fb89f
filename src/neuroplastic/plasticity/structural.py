"""Structural plasticity: rules that create and delete synapses during a run.

A structural rule subclasses :class:`Structural` (a capability marker, like
``Periodic``) and implements the plain-Python method
``restructure(self, t, edit, rng)``. The engine stops its compiled loop at every
multiple of the rule's ``period`` (ms; rounded to whole steps) and calls it
with

* ``t``: the time reached, ms (the end of the step ``t / dt - 1``; the next
  step to simulate starts at ``t``);
* ``edit``: a :class:`neuroplastic.engine.structure.Edit` of the rule's
  projection: vectorised reads (``pre``, ``post``, ``w``, ``delay``, ``alive``,
  ``ids`` per slot; ``slots()``; ``exists(pre, post)``) and edits
  (``remove(slots)``, ``add(pre, post, weight, delay)``);
* ``rng``: the network's structural ``numpy.random.Generator`` (seeded from the
  network seed: the same seed gives the same run).

Work must be vectorised with numpy over the synapses concerned: no Python loop
per synapse. See ``docs/structural.md``.

Built-in rules: :class:`PruneAndRegrow` (constant synapse budget) and
:class:`RandomRewire`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError
from ..model import _validate as v
from .rule import Rule, State, Structural


def check_structural(rule) -> None:
    """A Structural rule needs a ``period`` > 0 ms and a ``restructure`` method."""
    owner = type(rule).__name__
    v.number(owner, "period", getattr(rule, "period", None), gt=0, unit="ms")
    if not callable(getattr(rule, "restructure", None)):
        raise ValidationError(owner, "restructure", None, "must be a method restructure(t, edit, rng)")


def draw_free_pairs(edit, count: int, rng: np.random.Generator, allow_self: bool, rounds: int = 64,
                    p_pre=None, p_post=None):
    """Up to ``count`` distinct (pre, post) pairs among the pairs that have no
    synapse (and, unless ``allow_self``, are not i -> i in a recurrent
    projection), uniform, or with probability proportional to
    ``p_pre[i] * p_post[j]`` when those (non-negative) weights are given.
    Vectorised rejection sampling, O(count x (row or column length)); returns
    fewer pairs when free pairs are too rare to find in ``rounds`` rounds."""
    pres, posts = np.zeros(0, np.int64), np.zeros(0, np.int64)
    n_pre, n_post = edit.n_pre, edit.n_post
    if count <= 0 or n_pre == 0 or n_post == 0:
        return pres, posts
    for _ in range(rounds):
        need = count - len(pres)
        if need <= 0:
            break
        m = 2 * need + 8
        i = rng.integers(0, n_pre, m, dtype=np.int64) if p_pre is None else rng.choice(n_pre, m, p=p_pre)
        j = rng.integers(0, n_post, m, dtype=np.int64) if p_post is None else rng.choice(n_post, m, p=p_post)
        ok = ~edit.exists(i, j)
        if edit.recurrent and not allow_self:
            ok &= i != j
        i, j = i[ok], j[ok]
        # drop pairs already chosen (in this round or before), keeping the first draw
        key = np.concatenate([pres * n_post + posts, i * n_post + j])
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        first = first[first >= len(pres)] - len(pres)
        i, j = i[first][:need], j[first][:need]
        pres, posts = np.concatenate([pres, i]), np.concatenate([posts, j])
    return pres, posts


@dataclass(frozen=True)
class PruneAndRegrow(Structural, Rule):
    """Remove weak synapses and grow as many new ones at random free places.

    Every ``period`` ms, with ``n_weak`` = the number of synapses whose weight is
    below ``threshold`` (weight units, strictly ``w < threshold``):

    1. prune ``k = min(max_count, ceil(fraction * n_weak))`` of them, chosen
       uniformly at random (all of them when ``k = n_weak``);
    2. regrow ``k`` synapses at (pre, post) pairs drawn uniformly among the pairs
       without a synapse (no autapse i -> i in a recurrent projection unless
       ``self_connections="allow"``), with weight ``w_init`` (clipped to the
       projection's bounds) and delay ``delay`` (ms). New synapses start with
       every rule's per-synapse state at its declared initial value.

    With ``regrow="activity"`` the new pairs are drawn with probability
    proportional to ``c_i * c_j``, the spike counts of the presynaptic and the
    postsynaptic neuron since the previous update (read from the engine's
    per-neuron spike counters): synapses grow between co-active neurons, a
    local Hebbian growth rule (with one update per stimulus, ``c_i c_j`` is the
    co-activity on that stimulus). When either side was silent, or the free
    co-active pairs run out, the (remaining) new pairs are drawn uniformly. Graded (rate) populations have no spike counts: use
    ``"random"`` there.

    With ``prune="silent"`` the candidates for pruning are the synapses whose
    presynaptic neuron did not spike since the previous update (unused
    synapses, "least useful" by that measure) instead of the weak ones
    (``threshold`` is then ignored).

    The number of synapses stays constant (unless free pairs are so rare that
    fewer are found: then fewer are regrown). A pair pruned in this update may
    be drawn again. Cost per update: one vectorised pass over the weights to
    find the weak synapses (O(capacity), ~2.5 ms per 10^6 synapses), O(k) for
    the edits and O(k x min(row, column length)) to find free pairs
    (+ O(n_pre + n_post) for the activity weights).
    """

    threshold: float = 0.0
    period: float = 1000.0
    fraction: float = 1.0
    max_count: float = math.inf
    w_init: float = 0.0
    delay: float = 0.0
    self_connections: str = "forbid"
    regrow: str = "random"
    prune: str = "weight"

    constraints = {
        "threshold": dict(finite=False), "period": dict(gt=0, unit="ms"), "fraction": dict(gt=0, le=1),
        "max_count": dict(ge=0, finite=False), "w_init": dict(), "delay": dict(ge=0, unit="ms"),
        "self_connections": ("forbid", "allow"), "regrow": ("random", "activity"),
        "prune": ("weight", "silent"),
    }
    pre_state = (State("seen", 0.0, "spikes"),)    # counter values at the previous update
    post_state = (State("seen", 0.0, "spikes"),)

    def restructure(self, t, edit, rng):
        counts = self._counts(edit) if "activity" == self.regrow or "silent" == self.prune else None
        weights = tuple(c / c.sum() if c.sum() > 0 else None for c in counts) if self.regrow == "activity" \
            else (None, None)
        slots = edit.slots()
        if self.prune == "silent":   # unused: the presynaptic neuron did not spike since the last update
            weak = slots[counts[0][edit.pre[slots]] == 0]
        else:
            weak = slots[edit.w[slots] < self.threshold]
        k = int(min(self.max_count, math.ceil(self.fraction * len(weak))))
        if k <= 0:
            return
        if k < len(weak):
            weak = np.sort(rng.choice(weak, size=k, replace=False))
        edit.remove(weak)
        allow = self.self_connections == "allow"
        i, j = draw_free_pairs(edit, k, rng, allow, p_pre=weights[0], p_post=weights[1])
        if len(i) < k and self.regrow == "activity":   # co-active pairs exhausted: the rest at random
            edit.add(i, j, self.w_init, self.delay)
            i, j = draw_free_pairs(edit, k - len(i), rng, allow)
        edit.add(i, j, self.w_init, self.delay)

    def _counts(self, edit):
        """Spike counts of the pre and post neurons since the previous update
        (removed neurons count 0); remembers the counters for the next one."""
        st = edit.rule_states[[r is self for r in edit.rules].index(True)]
        out = []
        for side, seen in (("pre", st.pre.seen), ("post", st.post.seen)):
            total = edit.spike_counts(side).astype(np.float64)
            out.append(np.maximum(total - seen, 0.0) * (edit.alive_pre if side == "pre" else edit.alive_post))
            seen[...] = total
        return out


@dataclass(frozen=True)
class RandomRewire(Structural, Rule):
    """Move random synapses to random free places (weight kept).

    Every ``period`` ms each existing synapse is chosen independently with
    probability ``p`` (a binomial number ``k``, a uniform random subset);
    the chosen synapses are removed and ``k`` new ones are created at pairs
    drawn uniformly among the free pairs (as in :class:`PruneAndRegrow`), the
    m-th new synapse taking the weight of the m-th removed one (so the weight
    distribution and the synapse count are kept). Delays of new synapses are
    ``delay`` (ms).
    """

    p: float = 0.01
    period: float = 1000.0
    delay: float = 0.0
    self_connections: str = "forbid"

    constraints = {"p": dict(ge=0, le=1), "period": dict(gt=0, unit="ms"), "delay": dict(ge=0, unit="ms"),
                   "self_connections": ("forbid", "allow")}

    def restructure(self, t, edit, rng):
        n = edit.count
        k = int(rng.binomial(n, self.p)) if n else 0
        if k == 0:
            return
        slots = edit.slots()
        chosen = np.sort(rng.choice(slots, size=k, replace=False))
        weights = edit.w[chosen].copy()
        edit.remove(chosen)
        i, j = draw_free_pairs(edit, k, rng, self.self_connections == "allow")
        edit.add(i, j, weights[: len(i)], self.delay)
