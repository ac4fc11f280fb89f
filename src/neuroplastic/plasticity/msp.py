"""Model of Structural Plasticity (MSP; Butz & van Ooyen 2013).

Neurons grow and retract *synaptic elements* (axonal boutons and dendritic
spines) so as to bring their activity, read as an intracellular calcium
trace, to a target; vacant elements of matching type pair up into new
synapses, and elements lost by retraction take synapses with them. The
formulation is NEST's (Diaz-Pier et al. 2016), which is what the
``msp-growth`` experiment reproduces.

**Calcium** (:class:`Calcium`, a neuron rule; NEST ``Ca``, ``tau_Ca``,
``beta_Ca``)::

    Ca_j <- Ca_j + beta                  at each spike of j      [beta: 1/spike]
    Ca_j <- Ca_j * exp(-P / tau)         every P ms              [tau: ms]

i.e. dCa/dt = -Ca/tau + beta sum_k delta(t - t_k), so in a stationary state
<Ca> = beta * tau * rate: beta = 0.001, tau = 10 s gives Ca = 0.01 per Hz
(0.05 = 5 Hz, 0.2 = 20 Hz). A spike inside a period is decayed by the full
factor at the period's end, so Ca is low by at most a fraction P/tau (1e-5 at
P = 0.1 ms, tau = 10 s; 1e-4 at P = 1 ms).

**Growth curve** (Gaussian; NEST's documented ``growth_curve: gaussian``)::

    dz/dt = nu * (2 exp(-((Ca - xi) / zeta)^2) - 1)
    xi   = (eta + eps) / 2
    zeta = (eps - eta) / (2 sqrt(ln 2))

z: number of elements of one type on one neuron (real, >= 0); nu (elements/ms)
the growth rate; eta, eps (calcium units) the two zeros of the curve:
dz/dt = 0 at Ca = eta and Ca = eps, = +nu at Ca = xi, -> -nu far from xi. With
eta = 0 elements grow while 0 < Ca < eps and retract when Ca > eps, so eps is
the homeostatic set point. (A neuron that never fires, Ca = eta = 0, does not
grow either: something must make it fire.) See :func:`gaussian_growth`.

**Connectivity update** (:class:`MSPGrowth`, a structural rule on one
projection; every ``update_interval`` ms), with n(z) = floor(z) elements and
c the number connected (out-degree for axonal elements, in-degree for
dendritic ones):

1. each presynaptic neuron with c > floor(z_axon) deletes c - floor(z_axon) of
   its outgoing synapses, chosen uniformly at random; then each postsynaptic
   neuron with c > floor(z_den) deletes c - floor(z_den) of its incoming ones
   (a deleted synapse frees the element at its other end, which becomes vacant;
   z itself is not changed);
2. vacant elements, max(floor(z) - c, 0) per neuron, are listed (a neuron with
   k vacant axonal elements appears k times), both lists are shuffled and
   paired in order: min(#axonal, #dendritic) new synapses, weight ``weight``,
   delay ``delay``. As NEST's default, autapses and multapses are allowed;
3. elements still vacant decay: z <- z - tau_vacant (floor(z) - c) where
   floor(z) > c (NEST's ``decay_z_vacant``, tau_vacant = 0.1: 10 % of the
   vacant elements are lost at every update).

Between connectivity updates, every ``period`` ms the rule integrates z by one
Euler step with the calcium read at that time, z <- max(z + nu G(Ca) P, 0).
Ca (tau = 10 s) changes little within P = 100 ms; NEST instead integrates
with the calcium at every time step. This is an approximation, stated.

Per-neuron parameters. A projection's axonal elements are grown by its
presynaptic neurons with index in [``axon_lo``, ``axon_hi``) (``axon_hi = -1``:
to the end), all with (``eps_axon``, ``nu_axon``); every postsynaptic neuron
grows dendritic elements, with (``eps_den_a``, ``nu_den_a``) below index
``den_split`` and (``eps_den_b``, ``nu_den_b``) from it on. This is enough for
NEST's example, an E/I network held in one population (E first): the
excitatory synapse type is one rule on the recurrent "ex" projection (axons:
E neurons; dendrites Den_ex on E and I), the inhibitory type one rule on "in".
Element counts live in the rule's per-neuron state (``pre.z_axon``,
``post.z_den``), so ``reset`` restores them and ``net.rule_state`` reads them.

The calcium of both populations is read through
:meth:`neuroplastic.engine.structure.Edit.neuron_rule_states`: the
``calcium``-th neuron rule of each population must be a :class:`Calcium`.
All work is numpy over neurons and synapses (no Python loop per synapse):
an update costs O(synapses + neurons + new synapses).

References: Butz M, van Ooyen A (2013) PLoS Comput Biol 9:e1003259. Diaz-Pier
S, Naveau M, Butz-Ostendorf M, Morrison A (2016) Front Neuroanat 10:57. NEST
documentation, "Structural plasticity" (growth curves: ``gaussian``,
``linear``, ``sigmoid``; growth_curve_gaussian: dz/dt = nu (2 e^{-((Ca -
xi)/zeta)^2} - 1), xi = (eta + eps)/2, zeta = (eps - eta)/(2 sqrt(ln 2))).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ValidationError
from .rule import NeuronRule, OnSpike, Periodic, Rule, State, Structural


# --- calcium -----------------------------------------------------------------

@njit(cache=True, inline="always")
def _calcium_on_spike(j, t, st, p):
    st.neuron.ca[j] += p.beta


@njit(cache=True, inline="always")
def _calcium_every(t, st, p):
    f = math.exp(-p.period / p.tau)
    ca = st.neuron.ca
    for j in range(ca.shape[0]):
        ca[j] *= f


@dataclass(frozen=True)
class Calcium(NeuronRule, OnSpike, Periodic):
    """Spike-driven calcium trace (NEST's ``Ca``): +``beta`` per spike, exact
    exponential decay with ``tau`` (ms) applied every ``period`` ms.

    Stationary mean: beta * tau * rate (rate in spikes/ms). Read it as
    ``net.neuron_rule_state(pop, k).neuron.ca``.
    """

    tau: float = 10_000.0
    beta: float = 0.001
    period: float = 1.0

    constraints = {"tau": dict(gt=0, unit="ms", time_constant=True), "beta": dict(ge=0), "period": dict(gt=0, unit="ms")}
    neuron_state = (State("ca", 0.0, "1"),)
    reads = ()
    on_spike = _calcium_on_spike
    every = _calcium_every


# --- growth curve ------------------------------------------------------------

def gaussian_growth(ca, eta: float, eps: float, nu: float):
    """NEST's Gaussian growth curve dz/dt (elements/ms) at calcium ``ca``:
    nu (2 exp(-((ca - xi)/zeta)^2) - 1), xi = (eta + eps)/2,
    zeta = (eps - eta)/(2 sqrt(ln 2)). Zero at ca = eta and ca = eps, nu at xi.
    Vectorised over ``ca`` and the parameters (arrays broadcast)."""
    ca, eta, eps, nu = (np.asarray(x, np.float64) for x in (ca, eta, eps, nu))
    xi = 0.5 * (eta + eps)
    zeta = (eps - eta) / (2.0 * math.sqrt(math.log(2.0)))
    return nu * (2.0 * np.exp(-(((ca - xi) / zeta) ** 2)) - 1.0)


def _random_per_group(group: np.ndarray, excess: np.ndarray, rng) -> np.ndarray:
    """Indices into ``group`` choosing, for every g, min(excess[g], count of g)
    entries of that group uniformly at random (vectorised: one sort)."""
    if len(group) == 0:
        return np.zeros(0, np.int64)
    order = np.lexsort((rng.random(len(group)), group))
    g = group[order]
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    starts = np.repeat(first, np.diff(np.r_[first, len(g)]))
    rank = np.arange(len(g)) - starts
    return order[rank < excess[g]]


@dataclass(frozen=True)
class MSPGrowth(Structural, Rule):
    """Butz & van Ooyen's structural plasticity for one synapse type (one
    projection): growth curves for axonal and dendritic elements, random
    deletion of excess synapses, random pairing of vacant elements. See the
    module docstring for the equations and the per-neuron parameters.

    Args:
        period: element integration step (ms); the rule runs this often.
        update_interval: connectivity update interval (ms), a multiple of
            ``period`` (NEST 3's example: 10 000 ms).
        axon_lo, axon_hi: presynaptic neurons [axon_lo, axon_hi) grow axonal
            elements (axon_hi = -1: up to the last).
        eta: lower zero of every growth curve (calcium units).
        eps_axon, nu_axon: set point (calcium units) and growth rate
            (elements/ms) of the axonal elements.
        den_split: postsynaptic neurons below this index use
            (eps_den_a, nu_den_a), the others (eps_den_b, nu_den_b).
        weight: weight of new synapses (pA for current synapses; negative for
            inhibition onto current-based LIF).
        delay: delay of new synapses (ms); must fit the projection's buffer.
        calcium: index of the :class:`Calcium` rule in each population's rules.
        tau_vacant: fraction of the vacant elements (floor(z) - connected) lost
            after each connectivity update (NEST's ``tau_vacant``, default 0.1).
    """

    period: float = 100.0
    update_interval: float = 10_000.0
    axon_lo: float = 0.0
    axon_hi: float = -1.0
    eta: float = 0.0
    eps_axon: float = 0.05
    nu_axon: float = 1e-4
    den_split: float = 0.0
    eps_den_a: float = 0.05
    nu_den_a: float = 1e-4
    eps_den_b: float = 0.05
    nu_den_b: float = 1e-4
    weight: float = 1.0
    delay: float = 0.0
    calcium: float = 0.0
    tau_vacant: float = 0.1

    constraints = {
        "period": dict(gt=0, unit="ms"), "update_interval": dict(gt=0, unit="ms"),
        "axon_lo": dict(ge=0), "axon_hi": dict(ge=-1), "eta": dict(ge=0),
        "eps_axon": dict(gt=0), "nu_axon": dict(ge=0, unit="elements/ms"), "den_split": dict(ge=0),
        "eps_den_a": dict(gt=0), "nu_den_a": dict(ge=0, unit="elements/ms"),
        "eps_den_b": dict(gt=0), "nu_den_b": dict(ge=0, unit="elements/ms"),
        "weight": dict(), "delay": dict(ge=0, unit="ms"), "calcium": dict(ge=0),
        "tau_vacant": dict(ge=0, le=1),
    }
    pre_state = (State("z_axon", 0.0, "elements"),)
    post_state = (State("z_den", 0.0, "elements"),)

    def __post_init__(self):
        super().__post_init__()
        ratio = self.update_interval / self.period
        if not math.isfinite(ratio) or abs(ratio - round(ratio)) > 1e-9:
            raise ValidationError("MSPGrowth", "update_interval", self.update_interval,
                                  f"must be a multiple of period ({self.period:g} ms)")
        for e in ("eps_axon", "eps_den_a", "eps_den_b"):
            if getattr(self, e) <= self.eta:
                raise ValidationError("MSPGrowth", e, getattr(self, e), f"must be > eta ({self.eta:g})")

    # -- per-neuron parameters ------------------------------------------------
    def axon_mask(self, n_pre: int) -> np.ndarray:
        hi = n_pre if self.axon_hi < 0 else min(int(self.axon_hi), n_pre)
        m = np.zeros(n_pre, np.bool_)
        m[int(self.axon_lo):hi] = True
        return m

    def den_params(self, n_post: int):
        """(eps, nu) arrays over the postsynaptic neurons."""
        a = np.arange(n_post) < int(self.den_split)
        return np.where(a, self.eps_den_a, self.eps_den_b), np.where(a, self.nu_den_a, self.nu_den_b)

    # -- the structural hook ----------------------------------------------------
    def _state(self, edit):
        k = next(i for i, r in enumerate(edit.rules) if r is self)
        return edit.rule_states[k]

    def restructure(self, t, edit, rng):
        st = self._state(edit)
        c = int(self.calcium)
        ca_pre = edit.neuron_rule_states("pre")[c].neuron.ca
        ca_post = edit.neuron_rule_states("post")[c].neuron.ca
        z_ax, z_den = st.pre.z_axon, st.post.z_den
        ax = self.axon_mask(edit.n_pre)
        eps_d, nu_d = self.den_params(edit.n_post)
        # 1. elements: one Euler step of the growth curves (z >= 0)
        z_ax += np.where(ax, gaussian_growth(ca_pre, self.eta, self.eps_axon, self.nu_axon), 0.0) * self.period
        np.maximum(z_ax, 0.0, out=z_ax)
        z_den += gaussian_growth(ca_post, self.eta, eps_d, nu_d) * self.period
        np.maximum(z_den, 0.0, out=z_den)
        # 2. connectivity, every update_interval
        n_upd = t / self.update_interval
        if abs(n_upd - round(n_upd)) * self.update_interval > 0.5 * edit.dt:
            return
        self.update_connectivity(edit, rng, np.floor(z_ax).astype(np.int64) * ax, np.floor(z_den).astype(np.int64))
        # 3. vacant elements decay by the fraction tau_vacant (NEST: after every update)
        if self.tau_vacant > 0:
            slots = edit.slots()
            for z, ends, n in ((z_ax, edit.pre, edit.n_pre), (z_den, edit.post, edit.n_post)):
                vacant = np.floor(z) - np.bincount(ends[slots], minlength=n)
                z -= np.where(vacant > 0, vacant, 0.0) * self.tau_vacant

    def update_connectivity(self, edit, rng, n_ax: np.ndarray, n_den: np.ndarray):
        """Delete synapses beyond the element counts ``n_ax`` (per pre neuron)
        and ``n_den`` (per post neuron), then pair vacant elements at random.
        Returns (deleted, created)."""
        deleted = 0
        for side, n_el in (("pre", n_ax), ("post", n_den)):
            slots = edit.slots()
            ends = (edit.pre if side == "pre" else edit.post)[slots]
            excess = np.bincount(ends, minlength=len(n_el)) - n_el
            if np.any(excess > 0):
                deleted += edit.remove(slots[_random_per_group(ends, np.maximum(excess, 0), rng)])
        slots = edit.slots()
        vac_ax = np.maximum(n_ax - np.bincount(edit.pre[slots], minlength=edit.n_pre), 0)
        vac_den = np.maximum(n_den - np.bincount(edit.post[slots], minlength=edit.n_post), 0)
        pre = rng.permutation(np.repeat(np.arange(edit.n_pre), vac_ax))
        post = rng.permutation(np.repeat(np.arange(edit.n_post), vac_den))
        m = min(len(pre), len(post))
        if m:
            edit.add(pre[:m], post[:m], self.weight, self.delay)
        return deleted, m
